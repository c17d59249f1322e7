"""Activation modules: outputs and gradients vs NumPy and PyTorch, reprs vs PyTorch."""

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite import nn

X = np.concatenate([np.random.default_rng(5).standard_normal(22) * 3, [0.0, 25.0]]).reshape(4, 6)

NUMPY = {
    "ReLU": (lambda: nn.ReLU(), lambda x: np.maximum(x, 0)),
    "LeakyReLU": (lambda: nn.LeakyReLU(0.1), lambda x: np.where(x > 0, x, 0.1 * x)),
    "Tanh": (lambda: nn.Tanh(), np.tanh),
    "Sigmoid": (lambda: nn.Sigmoid(), lambda x: 1 / (1 + np.exp(-x))),
    "Softplus": (lambda: nn.Softplus(), lambda x: np.where(x > 20, x, np.log1p(np.exp(x)))),
    "SiLU": (lambda: nn.SiLU(), lambda x: x / (1 + np.exp(-x))),
    "LogSigmoid": (lambda: nn.LogSigmoid(), lambda x: -np.log1p(np.exp(-x))),
    "Softmax": (lambda: nn.Softmax(dim=1), lambda x: np.exp(x) / np.exp(x).sum(1, keepdims=True)),
    "LogSoftmax": (
        lambda: nn.LogSoftmax(dim=1),
        lambda x: x - np.log(np.exp(x).sum(1, keepdims=True)),
    ),
}


@pytest.mark.parametrize("name", list(NUMPY))
def test_activation_matches_numpy(name):
    make, ref = NUMPY[name]
    np.testing.assert_allclose(make()(tl.tensor(X)).numpy(), ref(X), rtol=1e-10, atol=1e-12)


def test_gelu_matches_erf_formula():
    from math import erf

    expected = np.array([0.5 * v * (1 + erf(v / np.sqrt(2))) for v in X.ravel()]).reshape(X.shape)
    np.testing.assert_allclose(nn.GELU()(tl.tensor(X)).numpy(), expected, rtol=1e-10, atol=1e-12)


MODULES = [
    ("ReLU", (), {}),
    ("LeakyReLU", (0.2,), {}),
    ("Tanh", (), {}),
    ("Sigmoid", (), {}),
    ("GELU", (), {}),
    ("GELU", (), {"approximate": "tanh"}),
    ("SiLU", (), {}),
    ("Softplus", (), {}),
    ("Softplus", (), {"beta": 0.5, "threshold": 3.0}),
    ("LogSigmoid", (), {}),
    ("Softmax", (), {"dim": 1}),
    ("Softmax", (), {"dim": 0}),
    ("LogSoftmax", (), {"dim": -1}),
]


@pytest.mark.parametrize("name,args,kwargs", MODULES, ids=[f"{m[0]}{m[2]}" for m in MODULES])
def test_activation_modules_match_torch(torch, name, args, kwargs):
    ours = getattr(nn, name)(*args, **kwargs)
    ref = getattr(torch.nn, name)(*args, **kwargs)
    assert repr(ours) == repr(ref)
    xo, xr = tl.tensor(X, requires_grad=True), torch.tensor(X, requires_grad=True)
    out, ref_out = ours(xo), ref(xr)
    np.testing.assert_allclose(out.numpy(), ref_out.detach().numpy(), rtol=1e-8, atol=1e-12)
    g = np.random.default_rng(6).standard_normal(X.shape)
    out.backward(tl.tensor(g))
    ref_out.backward(torch.tensor(g))
    np.testing.assert_allclose(xo.grad.numpy(), xr.grad.numpy(), rtol=1e-8, atol=1e-12)


def test_inplace_relu_writes_into_input(torch):
    x = tl.tensor([-1.0, 2.0])
    out = nn.ReLU(inplace=True)(x)
    assert out is x and x.tolist() == [0.0, 2.0]
    assert repr(nn.ReLU(inplace=True)) == repr(torch.nn.ReLU(inplace=True))
    assert repr(nn.LeakyReLU(0.3, True)) == repr(torch.nn.LeakyReLU(0.3, True))


def test_softmax_without_dim_warns_and_picks_torch_default():
    with pytest.warns(UserWarning, match="Implicit dimension"):
        out = nn.Softmax()(tl.tensor(X))
    np.testing.assert_allclose(out.numpy().sum(1), 1.0, rtol=1e-12)
