"""nn.utils: gradient clipping and parameter vectors, vs NumPy and PyTorch."""

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite import nn
from tinygrad_lite.nn.utils import (
    clip_grad_norm_,
    clip_grad_value_,
    parameters_to_vector,
    vector_to_parameters,
)

rng = np.random.default_rng(8)
GRADS = [rng.standard_normal((3, 4)), rng.standard_normal(5), rng.standard_normal((2, 2))]


def _params(lib, grads, dtype):
    ps = []
    for g in grads:
        p = lib.zeros(*g.shape, dtype=dtype).requires_grad_()
        p.grad = lib.tensor(g, dtype=dtype)
        ps.append(p)
    return ps


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, float("inf")])
@pytest.mark.parametrize("max_norm", [0.5, 100.0])
def test_clip_grad_norm_matches_numpy(norm_type, max_norm):
    ps = _params(tl, GRADS, tl.float64)
    total = clip_grad_norm_(ps, max_norm, norm_type)
    flat = np.concatenate([g.ravel() for g in GRADS])
    expected = np.abs(flat).max() if norm_type == float("inf") else np.linalg.norm(flat, norm_type)
    assert isinstance(total, tl.Tensor)
    np.testing.assert_allclose(total.item(), expected, rtol=1e-12)
    coef = min(max_norm / (expected + 1e-6), 1.0)
    for p, g in zip(ps, GRADS):
        np.testing.assert_allclose(p.grad.numpy(), g * coef, rtol=1e-12)


def test_clip_grad_norm_matches_torch(torch):
    for norm_type in (2.0, float("inf")):
        ours, ref = _params(tl, GRADS, tl.float32), _params(torch, GRADS, torch.float32)
        t1 = clip_grad_norm_(ours, 1.0, norm_type)
        t2 = torch.nn.utils.clip_grad_norm_(ref, 1.0, norm_type)
        np.testing.assert_allclose(t1.numpy(), t2.numpy(), rtol=1e-6)
        for a, b in zip(ours, ref):
            np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-6)


def test_clip_grad_norm_edge_cases():
    assert clip_grad_norm_([nn.Parameter(tl.zeros(2))], 1.0).item() == 0.0  # no grads
    p = nn.Parameter(tl.zeros(2))
    g = tl.tensor([np.inf, 1.0])
    p.grad = g
    with pytest.raises(RuntimeError, match="non-finite"):
        clip_grad_norm_(p, 1.0, error_if_nonfinite=True)
    m = nn.Linear(3, 3)
    m(tl.randn(2, 3)).sum().backward()
    grad = m.weight.grad
    clip_grad_norm_(m.parameters(), 1e-3)
    assert m.weight.grad is grad  # scaled in place


def test_clip_grad_value_matches_numpy():
    ps = _params(tl, GRADS, tl.float64)
    assert clip_grad_value_(ps, 0.5) is None
    for p, g in zip(ps, GRADS):
        np.testing.assert_array_equal(p.grad.numpy(), np.clip(g, -0.5, 0.5))


def test_parameters_to_vector_and_back():
    m = nn.Linear(3, 2)
    vec = parameters_to_vector(m.parameters())
    assert vec.shape == (8,)
    np.testing.assert_array_equal(
        vec.numpy(), np.concatenate([m.weight.numpy().ravel(), m.bias.numpy()])
    )
    (vec * tl.arange(8.0)).sum().backward()  # differentiable, as PyTorch
    np.testing.assert_array_equal(m.bias.grad.numpy(), [6.0, 7.0])
    vector_to_parameters(tl.arange(8.0), m.parameters())
    np.testing.assert_array_equal(m.weight.numpy(), np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(m.bias.numpy(), [6.0, 7.0])
    with pytest.raises(TypeError, match="expected Tensor"):
        vector_to_parameters(np.zeros(8), m.parameters())
    with pytest.raises(RuntimeError, match="total size 8"):
        vector_to_parameters(tl.zeros(7), m.parameters())
