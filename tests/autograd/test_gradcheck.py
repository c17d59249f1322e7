"""gradcheck / gradgradcheck: they pass on correct gradients and name what disagrees."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite.autograd import Function, GradcheckError, gradcheck, gradgradcheck


def _x(shape=(2, 3), seed=0):
    rng = np.random.default_rng(seed)
    return tl.tensor(rng.standard_normal(shape), dtype=tl.float64, requires_grad=True)


class OffByOneElement(Function):
    """Correct forward (2x); backward wrong in element (1, 2) only."""

    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        mask = np.ones(g.shape)
        mask[1, 2] = 0.5
        return g * 2 * tl.tensor(mask)


class GoodFirstBadSecond(Function):
    """f(x) = x^2 with a correct first derivative whose own derivative is wrong (constant)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 2 * x.detach()  # detached: second derivative comes out as 0, not 2


def test_gradcheck_passes_on_correct_gradients():
    assert gradcheck(lambda a, b: (a * b).sin(), (_x(), _x(seed=1)))
    assert gradgradcheck(lambda a: (a * a).exp(), (_x(),))


def test_gradcheck_names_input_and_element():
    x = _x()
    with pytest.raises(GradcheckError) as info:
        gradcheck(OffByOneElement.apply, (x,))
    msg = str(info.value)
    assert "input 0" in msg and "d out(1, 2) / d in(1, 2)" in msg
    assert "1 of 36 entries differ" in msg


def test_gradcheck_reports_the_right_input_among_several():
    a, b = _x(seed=2), _x(seed=3)
    with pytest.raises(GradcheckError, match="input 1"):
        gradcheck(lambda a, b: a + OffByOneElement.apply(b), (a, b))


def test_gradcheck_return_false_instead_of_raising():
    assert gradcheck(OffByOneElement.apply, (_x(),), raise_exception=False) is False


def test_gradgradcheck_catches_a_wrong_second_derivative():
    x = _x()
    assert gradcheck(GoodFirstBadSecond.apply, (x,))
    with pytest.raises(GradcheckError, match="Jacobian mismatch"):
        gradgradcheck(GoodFirstBadSecond.apply, (x,))


def test_gradcheck_needs_an_input_that_requires_grad():
    with pytest.raises(ValueError, match="requires_grad=True"):
        gradcheck(lambda a: a * 2, (tl.tensor([1.0], dtype=tl.float64),))


def test_gradcheck_handles_non_tensor_and_constant_inputs():
    x = _x()
    c = tl.tensor(np.ones((2, 3)), dtype=tl.float64)
    assert gradcheck(lambda a, k, s: a * k * s, (x, c, 3.0))


def test_gradcheck_with_multiple_outputs():
    assert gradcheck(lambda a: (a.sin(), a.cos().sum()), (_x(),))


def test_gradcheck_does_not_change_inputs():
    x = _x()
    before = x.numpy().copy()
    gradcheck(lambda a: a**3, (x,))
    np.testing.assert_array_equal(x.numpy(), before)
    assert x.grad is None
