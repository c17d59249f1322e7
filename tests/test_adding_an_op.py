"""Adding a unary op is one definition (plus one row in tests/test_primitives.py): a
Primitive defined at run time becomes a Tensor method, a tinygrad_lite function and a NumPy
ufunc target, is differentiable twice, and runs on both engines with the same bits.
This is the recipe of docs/adding-an-op.md, run."""

from __future__ import annotations

import numpy as np

import tinygrad_lite as tl
from tinygrad_lite.autograd import Primitive, gradcheck, gradgradcheck
from tinygrad_lite.autograd.fast import use_engine


class Softsign(Primitive):
    """f(x) = x / (1 + |x|)"""

    method = "softsign_added_at_run_time"  # Tensor.<method> and tinygrad_lite.<method>
    ufunc = np.cbrt  # (any ufunc we do not map yet: np.cbrt(tensor) runs this op here)

    @staticmethod
    def forward(ctx, x):
        ctx.saved = (x,)
        return x / (1 + np.abs(x))

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved
        d = 1 + abs(x)
        return g / (d * d)


def test_one_definition_gives_the_method_the_function_and_the_ufunc():
    x = tl.tensor([0.5, -2.0, 3.0], dtype=tl.float64, requires_grad=True)
    by_method = x.softsign_added_at_run_time()
    by_function = tl.softsign_added_at_run_time(x)
    by_ufunc = np.cbrt(x)
    expected = x.numpy() / (1 + np.abs(x.numpy()))
    for y in (by_method, by_function, by_ufunc):
        np.testing.assert_array_equal(y.numpy(), expected)
        assert y.grad_fn.name() == "SoftsignBackward0"
    by_method.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 1 / (1 + np.abs(x.numpy())) ** 2)


def test_the_added_op_passes_gradcheck_and_gradgradcheck():
    x = tl.tensor(np.random.default_rng(0).standard_normal((3, 4)), dtype=tl.float64,
                  requires_grad=True)  # fmt: skip
    assert gradcheck(lambda t: t.softsign_added_at_run_time(), [x])
    assert gradgradcheck(lambda t: t.softsign_added_at_run_time(), [x])


def test_the_added_op_gives_the_same_bits_on_both_engines():
    results = {}
    for engine in ("fast", "reference"):
        with use_engine(engine):
            x = tl.tensor([[0.25, -1.5], [2.0, 4.0]], requires_grad=True)
            y = (x.softsign_added_at_run_time() * 3).sum()
            y.backward()
            results[engine] = (y.numpy().copy(), x.grad.numpy().copy())
            assert (tl.Tensor.softsign_added_at_run_time is Softsign.apply) == (engine == "fast")
    np.testing.assert_array_equal(results["fast"][0], results["reference"][0])
    np.testing.assert_array_equal(results["fast"][1], results["reference"][1])


def test_a_primitive_without_method_adds_no_names():
    class Quiet(Primitive):
        """f(x) = x"""

        @staticmethod
        def forward(ctx, x):
            return x.copy()

        @staticmethod
        def backward(ctx, g):
            return g

    assert not hasattr(tl.Tensor, "quiet") and not hasattr(tl, "quiet")
    assert Quiet.apply(tl.tensor([1.0])).numpy().tolist() == [1.0]
