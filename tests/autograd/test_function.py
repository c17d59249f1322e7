"""Custom differentiable functions written the PyTorch way (autograd.Function)."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite.autograd import Function, gradcheck, gradgradcheck


class Cube(Function):
    """f(x) = x^3, written with Tensors so that it is twice differentiable."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x * x

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * 3 * x * x


class ScaledMul(Function):
    """f(a, b, scale) = a * b * scale, with a non-tensor argument."""

    @staticmethod
    def forward(ctx, a, b, scale):
        ctx.save_for_backward(a, b)
        ctx.scale = scale
        return a * b * scale

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        ga = g * b * ctx.scale if ctx.needs_input_grad[0] else None
        gb = g * a * ctx.scale if ctx.needs_input_grad[1] else None
        return ga, gb, None


class SaveOutput(Function):
    """f(x) = exp(x), saving the output (as PyTorch's exp does)."""

    @staticmethod
    def forward(ctx, x):
        out = x.exp()
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * out


def _x(*values):
    return tl.tensor(list(values), dtype=tl.float64, requires_grad=True)


def test_apply_records_one_node_and_backward_uses_it():
    x = _x(1.0, 2.0)
    y = Cube.apply(x)
    assert y.requires_grad and y.grad_fn is not None
    assert y.grad_fn.name() == "CubeBackward"
    assert len(tl.autograd.tape(y)) == 1  # forward's inner ops were not recorded
    np.testing.assert_allclose(y.numpy(), [1.0, 8.0])
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 12.0])


def test_forward_gets_detached_tensors_and_no_grad():
    seen = {}

    class Probe(Function):
        @staticmethod
        def forward(ctx, x):
            seen["requires_grad"] = x.requires_grad
            seen["grad_enabled"] = tl.is_grad_enabled()
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2

    Probe.apply(_x(1.0))
    assert seen == {"requires_grad": False, "grad_enabled": False}


def test_needs_input_grad_and_non_tensor_arguments():
    a = _x(1.0, 2.0)
    b = tl.tensor([3.0, 4.0], dtype=tl.float64)  # no grad
    y = ScaledMul.apply(a, b, 0.5)
    assert y.grad_fn.needs_input_grad == (True, False, False)
    y.sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), [1.5, 2.0])
    assert b.grad is None


def test_saved_tensors_are_tensors():
    captured = {}

    class Look(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * 1

        @staticmethod
        def backward(ctx, g):
            captured["saved"] = ctx.saved_tensors
            return g

    Look.apply(_x(1.0)).sum().backward()
    (saved,) = captured["saved"]
    assert isinstance(saved, tl.Tensor) and saved.tolist() == [1.0]


def test_custom_function_gradcheck_and_gradgradcheck():
    a, b = _x(0.3, -1.2, 0.7), _x(1.1, 0.4, -0.5)
    assert gradcheck(lambda a, b: ScaledMul.apply(a, b, 1.7), (a, b))
    assert gradcheck(Cube.apply, (a,))
    assert gradgradcheck(Cube.apply, (a,))
    assert gradcheck(SaveOutput.apply, (a,))
    assert gradgradcheck(SaveOutput.apply, (a,))


def test_create_graph_through_a_custom_function():
    x = tl.tensor(2.0, dtype=tl.float64, requires_grad=True)
    (d1,) = tl.autograd.grad(Cube.apply(x), x, create_graph=True)
    (d2,) = tl.autograd.grad(d1, x, create_graph=True)
    (d3,) = tl.autograd.grad(d2, x)
    assert (d1.item(), d2.item(), d3.item()) == (12.0, 12.0, 6.0)


def test_custom_function_composes_with_builtin_ops():
    x = _x(0.5, 1.5)
    y = (Cube.apply(x.sin()) * 2).sum()
    y.backward()
    expected = 2 * 3 * np.sin([0.5, 1.5]) ** 2 * np.cos([0.5, 1.5])
    np.testing.assert_allclose(x.grad.numpy(), expected)


def test_saved_input_modified_in_place_raises_in_custom_function():
    x = _x(1.0, 2.0)
    h = x * 1
    y = Cube.apply(h)
    h.add_(1.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_freed_saved_tensors_raise_on_second_backward():
    x = _x(1.0)
    y = Cube.apply(x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="second time"):
        y.backward()


def test_no_record_when_inputs_do_not_require_grad():
    y = Cube.apply(tl.tensor([2.0]))
    assert y.grad_fn is None and not y.requires_grad and y.tolist() == [8.0]
    with tl.no_grad():
        z = Cube.apply(_x(2.0))
    assert z.grad_fn is None


def test_missing_forward_or_backward_is_a_clear_error():
    class NoBackward(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

    y = NoBackward.apply(_x(1.0))
    with pytest.raises(NotImplementedError, match="backward"):
        y.sum().backward()


def test_primitives_follow_the_same_pattern():
    # Built-in ops are Function subclasses with static forward/backward, like user code.
    from tinygrad_lite.primitives import PRIMITIVES

    for cls in PRIMITIVES.values():
        assert issubclass(cls, Function)
        assert isinstance(cls.__dict__["forward"], staticmethod)
        assert isinstance(cls.__dict__["backward"], staticmethod)


@pytest.mark.parametrize(
    "prim, make_args",
    [
        ("Add", lambda x, c: (x, c)),
        ("Mul", lambda x, c: (x, c)),
        ("Mul", lambda x, c: (c, x)),
        ("Pow", lambda x, c: (x, 2)),
        ("Tanh", lambda x, c: (x,)),
        ("Exp", lambda x, c: (x,)),
        ("Mul", lambda x, c: (c, c)),  # nothing recorded
        ("Tanh", lambda x, c: (c,)),
    ],
)
def test_the_operators_fast_apply_builds_what_the_general_apply_builds(prim, make_args):
    # The fast engine gives one/two-argument primitives their own apply with the reference
    # _apply's usual case written out inline; it must leave what the reference leaves.
    from tinygrad_lite import primitives
    from tinygrad_lite.autograd.fast import use_engine
    from tinygrad_lite.autograd.function import _apply

    fn = getattr(primitives, prim)
    x = tl.tensor([0.5, 2.0], requires_grad=True) * 1
    c = tl.tensor([3.0, 4.0])
    with use_engine("fast"):
        fast, general = fn.apply(*make_args(x, c)), _apply(fn, *make_args(x, c))
        assert fn.apply is not _apply
    for attr in ("_requires_grad", "grad", "_version_counter", "_hooks"):
        assert getattr(fast, attr) == getattr(general, attr), attr
    np.testing.assert_array_equal(fast.numpy(), general.numpy())
    assert fast._array.dtype == general._array.dtype
    a, b = fast.grad_fn, general.grad_fn
    assert (a is None) == (b is None)
    if a is not None:
        assert (a.fn, a.parents, a.shape, a.out_version, a.hooks) == (
            b.fn,
            b.parents,
            b.shape,
            b.out_version,
            b.hooks,
        )
        assert a.out is fast._array and b.out is general._array
        assert a.args in (None, b.args) and a.seq < b.seq  # (None: only the output was saved)
        assert [s is a.out for s in a.saved or ()] == [s is b.out for s in b.saved or ()]
        assert a.__dict__ == b.__dict__


def test_unrecorded_zero_d_results_are_0d_arrays_of_pytorchs_dtype():
    # NumPy hands back scalars for 0-d results; the fast applies turn them into 0-d arrays
    import numpy as np

    import tinygrad_lite as tl

    g32, g64 = tl.tensor(2.0), tl.tensor(2.0, dtype=tl.float64)
    for out, dtype in [
        (0.001 * g32, np.float32),
        (g32 * np.float64(3.0), np.float32),  # a NumPy float64 scalar does not widen
        (0.001 * g64, np.float64),
        (g32.tanh(), np.float32),
        (tl.tensor(3) * 2, np.int64),
    ]:
        assert type(out._array) is np.ndarray and out._array.shape == ()
        assert out._array.dtype == dtype
        assert not out.requires_grad and out.grad_fn is None
