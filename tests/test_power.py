"""Integer and small powers: ``x ** 2``, ``** 3``, ``** -1``, ``** -2``, ``** -0.5`` follow
PyTorch's special cases (multiplication, division, square root), so values and gradients
equal PyTorch's to the last bit, at 0, for negative bases, integer tensors and broadcasting."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite.autograd import gradcheck, gradgradcheck
from tinygrad_lite.primitives import power

EXPONENTS = [2, 3, -1, -2, -0.5, 2.0, 3.0, 0.5, 1.5, 4, 0, 1]


@pytest.mark.parametrize("e", EXPONENTS)
def test_power_of_arrays_equals_the_defining_products(e):
    x = np.random.default_rng(0).uniform(0.2, 3.0, 50).astype(np.float32)
    expected = {
        2: x * x, 3: x * x * x, -1: 1 / x, -2: 1 / (x * x), -0.5: 1 / np.sqrt(x),
    }.get(e, x**e)  # fmt: skip
    got = power(x, e)
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("e", [2, 3, -1, -2, -0.5, 1.5])
def test_gradients_match_finite_differences(e):
    x = tl.tensor(np.random.default_rng(1).uniform(0.5, 2.0, (3, 4)), requires_grad=True)
    assert gradcheck(lambda t: t**e, [x])
    assert gradgradcheck(lambda t: t**e, [x])


def test_zero_and_negative_bases():
    x = tl.tensor([0.0, -2.0, 3.0], requires_grad=True)
    y = x**3
    assert y.tolist() == [0.0, -8.0, 27.0]
    y.sum().backward()
    assert x.grad.tolist() == [0.0, 12.0, 27.0]
    x.grad = None
    (x**-1).sum().backward()
    g = x.grad.numpy()
    assert g[0] == -np.inf and g[1] == np.float32(-0.25) and g[2] == -1 / np.float32(9)


def test_integer_tensors_stay_integer():
    x = tl.arange(-3, 4)
    assert (x**3).tolist() == [v**3 for v in range(-3, 4)] and (x**3).dtype == tl.int64
    assert (x**2).dtype == tl.int64


def test_broadcast_tensor_exponent():
    x = tl.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    p = tl.tensor([2.0, 3.0], requires_grad=True)
    y = x**p
    assert y.tolist() == [[1.0, 8.0], [9.0, 64.0]]
    assert gradcheck(
        lambda a, b: a**b,
        [x.double().detach().requires_grad_(), p.double().detach().requires_grad_()],
    )


@pytest.mark.parametrize("e", [2, 3, -1, -2, -0.5, 2.0, 3.0])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_values_and_gradients_equal_pytorch_bit_for_bit(e, dtype):
    torch = pytest.importorskip("torch")
    a = np.random.default_rng(2).standard_normal(1000).astype(dtype)
    if e == -0.5:
        a = np.abs(a) + 0.1
    x, xt = tl.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    y, yt = x**e, xt**e
    np.testing.assert_array_equal(y.detach().numpy(), yt.detach().numpy())
    g = np.random.default_rng(3).standard_normal(1000).astype(dtype)
    y.backward(tl.tensor(g))
    yt.backward(torch.tensor(g))
    if e in (2, 3, -1, 2.0, 3.0):  # the gradient's power is again a special case
        np.testing.assert_array_equal(x.grad.numpy(), xt.grad.numpy())
    else:  # x ** -3 and x ** -1.5: the general power, PyTorch's own kernel
        np.testing.assert_allclose(
            x.grad.numpy(), xt.grad.numpy(), rtol=1e-6 if dtype == "float32" else 1e-14
        )
