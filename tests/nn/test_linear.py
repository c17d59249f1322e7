"""Linear (forward/backward/init vs NumPy and PyTorch), Identity, Flatten, Unflatten."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_lite as tl
from tinygrad_lite import nn


def test_linear_forward_backward_match_numpy():
    layer = nn.Linear(3, 2, dtype=tl.float64)
    x = np.random.default_rng(0).standard_normal((5, 3))
    xt = tl.tensor(x, requires_grad=True)
    out = layer(xt)
    w, b = layer.weight.numpy(), layer.bias.numpy()
    np.testing.assert_allclose(out.numpy(), x @ w.T + b, rtol=1e-12)
    g = np.random.default_rng(1).standard_normal((5, 2))
    out.backward(tl.tensor(g))
    np.testing.assert_allclose(layer.weight.grad.numpy(), g.T @ x, rtol=1e-12)
    np.testing.assert_allclose(layer.bias.grad.numpy(), g.sum(0), rtol=1e-12)
    np.testing.assert_allclose(xt.grad.numpy(), g @ w, rtol=1e-12)


def test_linear_uses_a_weight_replaced_by_a_plain_attribute():
    # the weight-norm pattern: the parameter is deleted and a computed tensor set instead
    layer = nn.Linear(3, 2, dtype=tl.float64)
    scale = tl.tensor(2.0, dtype=tl.float64, requires_grad=True)
    w0 = layer.weight.detach()
    del layer.weight
    layer.weight = w0 * scale
    assert "weight" not in dict(layer.named_parameters())
    x = np.ones((1, 3))
    out = layer(tl.tensor(x))
    np.testing.assert_allclose(out.numpy(), x @ (2 * w0.numpy()).T + layer.bias.numpy())
    out.sum().backward()
    np.testing.assert_allclose(scale.grad.item(), (x @ w0.numpy().T).sum())


@pytest.mark.parametrize("shape", [(4, 3), (3,), (2, 5, 3)])
@pytest.mark.parametrize("bias", [True, False])
def test_linear_matches_torch_with_copied_weights(torch, shape, bias):
    ours = nn.Linear(3, 4, bias=bias)
    ref = torch.nn.Linear(3, 4, bias=bias)
    with torch.no_grad():
        ref.weight.copy_(torch.tensor(ours.weight.numpy()))
        if bias:
            ref.bias.copy_(torch.tensor(ours.bias.numpy()))
    x = np.random.default_rng(2).standard_normal(shape).astype(np.float32)
    out, ref_out = ours(tl.tensor(x)), ref(torch.tensor(x))
    np.testing.assert_allclose(out.numpy(), ref_out.detach().numpy(), rtol=1e-5, atol=1e-6)
    out.sum().backward()
    ref_out.sum().backward()
    np.testing.assert_allclose(ours.weight.grad.numpy(), ref.weight.grad.numpy(), rtol=1e-5)
    if bias:
        np.testing.assert_allclose(ours.bias.grad.numpy(), ref.bias.grad.numpy(), rtol=1e-5)


def test_linear_default_init_bounds_and_spread():
    tl.manual_seed(0)
    layer = nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)  # kaiming_uniform_(a=√5) gives exactly 1/√fan_in
    w, b = layer.weight.numpy(), layer.bias.numpy()
    assert w.shape == (300, 400) and b.shape == (300,) and w.dtype == np.float32
    assert np.abs(w).max() <= bound and np.abs(b).max() <= bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.01 * bound  # uniform std = bound/√3
    assert abs(w.mean()) < 0.01 * bound
    assert abs(b.std() - bound / math.sqrt(3)) < 0.1 * bound


def test_linear_init_is_seeded_and_matches_torch_spread(torch):
    tl.manual_seed(3)
    a = nn.Linear(5, 5).weight.numpy().copy()
    tl.manual_seed(3)
    b = nn.Linear(5, 5).weight.numpy()
    np.testing.assert_array_equal(a, b)
    ref = torch.nn.Linear(400, 300).weight.detach().numpy()
    ours = nn.Linear(400, 300).weight.numpy()
    assert abs(ref.std() - ours.std()) < 0.02 * ref.std()
    assert abs(np.abs(ref).max() - np.abs(ours).max()) < 0.01 * np.abs(ref).max()


def test_linear_options_and_errors():
    layer = nn.Linear(3, 2, bias=False, dtype=tl.float64)
    assert layer.bias is None and layer.weight.dtype == tl.float64
    assert [n for n, _ in layer.named_parameters()] == ["weight"]
    assert repr(layer) == "Linear(in_features=3, out_features=2, bias=False)"
    with pytest.raises(RuntimeError, match=r"input of shape \(4, 5\).*in_features"):
        nn.Linear(3, 2)(tl.zeros(4, 5))


def test_identity_flatten_unflatten():
    x = tl.randn(2, 3, 4, 5)
    assert nn.Identity(54, unused=1)(x) is x
    assert nn.Flatten()(x).shape == (2, 60)
    assert nn.Flatten(0, 2)(x).shape == (24, 5)
    assert nn.Unflatten(1, (3, 20))(nn.Flatten()(x)).shape == (2, 3, 20)
    np.testing.assert_array_equal(nn.Flatten()(x).numpy(), x.numpy().reshape(2, 60))
    assert repr(nn.Flatten(0, 2)) == "Flatten(start_dim=0, end_dim=2)"
    with pytest.raises(TypeError, match="tuple of ints"):
        nn.Unflatten(1, 5)


def test_flatten_matches_torch_gradient(torch):
    x = np.random.default_rng(4).standard_normal((2, 3, 4))
    ours = tl.tensor(x, requires_grad=True)
    ref = torch.tensor(x, requires_grad=True)
    (nn.Flatten()(ours) * tl.arange(12.0)).sum().backward()
    (torch.nn.Flatten()(ref) * torch.arange(12.0)).sum().backward()
    np.testing.assert_array_equal(ours.grad.numpy(), ref.grad.numpy())


@given(
    batch=st.lists(st.integers(1, 4), max_size=3),
    n_in=st.integers(1, 6),
    n_out=st.integers(1, 6),
    bias=st.booleans(),
)
@settings(max_examples=30, deadline=None)
def test_linear_any_batch_shape_matches_numpy(batch, n_in, n_out, bias):
    layer = nn.Linear(n_in, n_out, bias=bias, dtype=tl.float64)
    x = np.random.default_rng(len(batch) + n_in).standard_normal((*batch, n_in))
    xt = tl.tensor(x, requires_grad=True)
    out = layer(xt)
    w = layer.weight.numpy()
    expected = x @ w.T + (layer.bias.numpy() if bias else 0)
    assert out.shape == (*batch, n_out)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12, atol=1e-12)
    out.sum().backward()
    np.testing.assert_allclose(xt.grad.numpy(), np.broadcast_to(w.sum(0), x.shape), rtol=1e-12)
    flat = x.reshape(-1, n_in)
    np.testing.assert_allclose(
        layer.weight.grad.numpy(), np.ones((n_out, flat.shape[0])) @ flat, rtol=1e-12, atol=1e-12
    )
