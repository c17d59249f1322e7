"""Autograd edges: detach() is a constant to higher-order gradients, retain_grad() twice,
backward(inputs=[non_leaf])."""

import numpy as np
import pytest

import tinygrad_lite as tl


def _second_derivative(lib, f):
    x = lib.tensor([1.0, 2.0, -3.0], dtype=lib.float64, requires_grad=True)
    (g,) = lib.autograd.grad(f(x).sum(), x, create_graph=True)
    if not g.requires_grad:
        return g.detach().numpy(), np.zeros(3)
    (h,) = lib.autograd.grad(g.sum(), x, allow_unused=True)
    return g.detach().numpy(), (np.zeros(3) if h is None else h.numpy())


DETACH_CASES = {
    "x * x.detach()": lambda x: x * x.detach(),
    "x.detach() * x * x": lambda x: x.detach() * x * x,
    "x * x.data": lambda x: x * x.data,
    "exp(x) / exp(x).detach()": lambda x: x.exp() / x.exp().detach(),
    "x * (2 * x).detach()": lambda x: x * (2 * x).detach(),
}


@pytest.mark.parametrize("name", sorted(DETACH_CASES))
def test_a_detached_copy_is_a_constant_to_second_order(name):
    g, h = _second_derivative(tl, DETACH_CASES[name])
    x = np.array([1.0, 2.0, -3.0])
    expected = {
        "x * x.detach()": (x, 0 * x),
        "x.detach() * x * x": (2 * x * x, 2 * x),
        "x * x.data": (x, 0 * x),
        "exp(x) / exp(x).detach()": (np.ones(3), np.ones(3)),
        "x * (2 * x).detach()": (2 * x, 0 * x),
    }[name]
    np.testing.assert_allclose(g, expected[0])
    np.testing.assert_allclose(h, expected[1])


@pytest.mark.parametrize("name", sorted(DETACH_CASES))
def test_detach_second_order_matches_pytorch(name):
    torch = pytest.importorskip("torch")
    ours = _second_derivative(tl, DETACH_CASES[name])
    theirs = _second_derivative(torch, DETACH_CASES[name])
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b)


def test_detach_still_shares_memory_and_version():
    x = tl.tensor([1.0, 2.0])
    d = x.detach()
    d.add_(1)
    np.testing.assert_array_equal(x.numpy(), [2.0, 3.0])
    assert x._version == d._version == 1
    y = tl.tensor([1.0, 2.0], requires_grad=True)
    z = y * 1
    out = z * z
    z.detach().mul_(2)  # a write through the detached copy is seen by the saving node
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        out.sum().backward()


def test_retain_grad_twice_does_not_double_grad():
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.retain_grad()
    y.retain_grad()
    (y * 3).sum().backward()
    np.testing.assert_array_equal(y.grad.numpy(), [3.0, 3.0])
    assert y.retains_grad


def test_backward_inputs_non_leaf_fills_its_grad():
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    (y * y).sum().backward(inputs=[y], retain_graph=True)
    np.testing.assert_array_equal(y.grad.numpy(), [4.0, 8.0])
    assert x.grad is None
    (y * y).sum().backward(inputs=[y, x])
    np.testing.assert_array_equal(y.grad.numpy(), [8.0, 16.0])  # accumulates, as PyTorch
    np.testing.assert_array_equal(x.grad.numpy(), [8.0, 16.0])


def test_backward_inputs_non_leaf_matches_pytorch():
    torch = pytest.importorskip("torch")
    results = []
    for lib in (tl, torch):
        x = lib.tensor([1.0, -2.0, 0.5], requires_grad=True)
        y = x.exp()
        z = y * x
        (z * z).sum().backward(inputs=[y, z])
        results.append((y.grad.numpy(), z.grad.numpy(), x.grad))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-6)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-6)
    assert results[0][2] is None and results[1][2] is None
