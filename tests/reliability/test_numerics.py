"""Numerics: the stable functions stay finite (values and gradients) for logits of ±1e4 in
float32 and float64, and match stable NumPy references computed here in float64; float64
and float32 both pass gradcheck (float32 with looser step and tolerances).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_lite as tl
import tinygrad_lite.nn.functional as F
from tinygrad_lite.autograd import gradcheck

DTYPES = [tl.float32, tl.float64]
TOL = {tl.float32: dict(rtol=2e-5, atol=1e-5), tl.float64: dict(rtol=1e-12, atol=1e-12)}

EXTREME = np.array(
    [[1e4, -1e4, 0.0, 3.0], [-1e4, -1e4, -1e4, -1e4], [1e4, 1e4, -2.5, 1e4], [-1e4, 0.5, 1e4, -1.0]]
)
TARGET = np.array([1, 0, 3, 2])  # class indices: deliberately the worst choices in rows 0, 2


# --- stable references in float64 NumPy -------------------------------------------------
def _lse(x, axis):
    m = x.max(axis=axis, keepdims=True)
    return m + np.log(np.exp(x - m).sum(axis=axis, keepdims=True))


def _sigmoid(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def _softplus(x):
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def _log_softmax(x):
    return x - _lse(x, 1)


# (name, function of a Tensor -> Tensor, reference value, reference d(sum out)/dx)
def _cases(y_bce: np.ndarray) -> list:
    n, c = EXTREME.shape
    onehot = np.eye(c)[TARGET]
    return [
        ("log_softmax", lambda t: t.log_softmax(1), _log_softmax,
         lambda x: 1 - c * np.exp(_log_softmax(x))),
        ("F.log_softmax", lambda t: F.log_softmax(t, dim=1), _log_softmax,
         lambda x: 1 - c * np.exp(_log_softmax(x))),
        ("softmax", lambda t: t.softmax(1), lambda x: np.exp(_log_softmax(x)),
         lambda x: np.zeros_like(x)),
        ("logsumexp", lambda t: tl.logsumexp(t, 1), lambda x: _lse(x, 1)[:, 0],
         lambda x: np.exp(_log_softmax(x))),
        ("cross_entropy", lambda t: F.cross_entropy(t, tl.tensor(TARGET)),
         lambda x: -_log_softmax(x)[np.arange(n), TARGET].mean(),
         lambda x: (np.exp(_log_softmax(x)) - onehot) / n),
        ("cross_entropy_sum", lambda t: F.cross_entropy(t, tl.tensor(TARGET), reduction="sum"),
         lambda x: -_log_softmax(x)[np.arange(n), TARGET].sum(),
         lambda x: np.exp(_log_softmax(x)) - onehot),
        ("sigmoid", lambda t: t.sigmoid(), _sigmoid, lambda x: _sigmoid(x) * _sigmoid(-x)),
        ("F.sigmoid", lambda t: F.sigmoid(t), _sigmoid, lambda x: _sigmoid(x) * _sigmoid(-x)),
        ("logsigmoid", lambda t: F.logsigmoid(t), lambda x: -_softplus(-x), lambda x: _sigmoid(-x)),
        ("softplus", lambda t: tl.softplus(t), _softplus, _sigmoid),
        ("F.softplus", lambda t: F.softplus(t), _softplus, _sigmoid),
        ("bce_with_logits", lambda t: F.binary_cross_entropy_with_logits(
            t, tl.tensor(y_bce, dtype=t.dtype)),
         lambda x: (_softplus(x) - x * y_bce).mean(),
         lambda x: (_sigmoid(x) - y_bce) / x.size),
        ("bce_with_logits_none", lambda t: F.binary_cross_entropy_with_logits(
            t, tl.tensor(y_bce, dtype=t.dtype), reduction="none"),
         lambda x: _softplus(x) - x * y_bce, lambda x: _sigmoid(x) - y_bce),
        ("tanh", lambda t: t.tanh(), np.tanh, lambda x: 1 - np.tanh(x) ** 2),
    ]  # fmt: skip


Y_BCE = (np.arange(EXTREME.size).reshape(EXTREME.shape) % 3 == 0).astype(np.float64)
CASES = _cases(Y_BCE)


@pytest.mark.parametrize("dtype", DTYPES, ids=["float32", "float64"])
@pytest.mark.parametrize("name, fn, ref, dref", CASES, ids=[c[0] for c in CASES])
def test_finite_and_correct_at_plus_minus_1e4(name, fn, ref, dref, dtype):
    x = tl.tensor(EXTREME, dtype=dtype, requires_grad=True)
    out = fn(x)
    assert out.dtype == dtype
    out.sum().backward()
    assert x.grad.dtype == dtype
    value, grad = out.numpy(), x.grad.numpy()
    assert np.isfinite(value).all(), f"{name} value: {value}"
    assert np.isfinite(grad).all(), f"{name} gradient: {grad}"
    np.testing.assert_allclose(value, ref(EXTREME), **TOL[dtype])
    np.testing.assert_allclose(grad, dref(EXTREME), **TOL[dtype])


_logits = hnp.arrays(
    np.float64,
    st.tuples(st.integers(1, 4), st.integers(2, 5)),
    elements=st.one_of(st.floats(-1e4, 1e4), st.sampled_from([-1e4, 1e4, 0.0])),
)


@given(_logits, st.sampled_from(DTYPES))
def test_random_large_logits_stay_finite(x0, dtype):
    x0 = x0.astype(dtype.numpy).astype(np.float64)  # the values the dtype can hold
    n, c = x0.shape
    target = np.arange(n) % c
    x = tl.tensor(x0, dtype=dtype, requires_grad=True)
    losses = [
        F.cross_entropy(x, tl.tensor(target)),
        tl.logsumexp(x, 1).sum(),
        x.log_softmax(1).sum(),
        F.binary_cross_entropy_with_logits(x, tl.ones(n, c, dtype=dtype)),
        tl.softplus(x).sum(),
        x.sigmoid().sum(),
    ]
    total = losses[0]
    for loss in losses[1:]:
        total = total + loss
    total.backward()
    assert all(np.isfinite(v.numpy()).all() for v in losses)
    assert np.isfinite(x.grad.numpy()).all()
    expected_ce = -_log_softmax(x0)[np.arange(n), target].mean()
    tol = TOL[dtype]
    np.testing.assert_allclose(losses[0].item(), expected_ce, rtol=tol["rtol"] * 10, atol=1e-3)


def test_matches_pytorch_at_extremes():
    torch = pytest.importorskip("torch")
    for dtype, tdtype in ((tl.float32, torch.float32), (tl.float64, torch.float64)):
        x = tl.tensor(EXTREME, dtype=dtype, requires_grad=True)
        tx = torch.tensor(EXTREME, dtype=tdtype, requires_grad=True)
        ours = F.cross_entropy(x, tl.tensor(TARGET)) + F.binary_cross_entropy_with_logits(
            x, tl.tensor(Y_BCE, dtype=dtype)
        )
        theirs = torch.nn.functional.cross_entropy(
            tx, torch.tensor(TARGET)
        ) + torch.nn.functional.binary_cross_entropy_with_logits(
            tx, torch.tensor(Y_BCE, dtype=tdtype)
        )
        ours.backward()
        theirs.backward()
        np.testing.assert_allclose(ours.item(), theirs.item(), rtol=1e-6)
        np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-5, atol=1e-7)


# --- gradcheck in float64 and float32 ----------------------------------------------------
def _soft_targets(x: tl.Tensor) -> tl.Tensor:
    """Fixed targets in (0, 1) of x's shape and dtype (not derived from x's values)."""
    return tl.tensor(np.linspace(0.1, 0.9, x.numel()).reshape(x.shape), dtype=x.dtype)


GRADCHECK_FNS = [
    ("log_softmax", lambda x: x.log_softmax(-1)),
    ("softmax", lambda x: x.softmax(0)),
    ("logsumexp", lambda x: tl.logsumexp(x, 1)),
    ("cross_entropy", lambda x: F.cross_entropy(x, tl.tensor([0, 2, 1]))),
    ("bce_with_logits", lambda x: F.binary_cross_entropy_with_logits(x, _soft_targets(x))),
    ("sigmoid", lambda x: x.sigmoid()),
    ("softplus", lambda x: tl.softplus(x * 3)),
    ("tanh-matmul", lambda x: (x @ x.T).tanh()),
    ("exp-log", lambda x: (x.exp() + 1).log()),
    ("sqrt-div", lambda x: (x * x + 1).sqrt() / (x.abs() + 2)),
    ("mse", lambda x: F.mse_loss(x, _soft_targets(x))),
    ("var", lambda x: x.var(1)),
]


@pytest.mark.parametrize("name, fn", GRADCHECK_FNS, ids=[c[0] for c in GRADCHECK_FNS])
def test_gradcheck_float64(name, fn):
    x = tl.tensor(np.random.default_rng(1).standard_normal((3, 4)), requires_grad=True)
    assert gradcheck(fn, (x,))


@pytest.mark.parametrize("name, fn", GRADCHECK_FNS, ids=[c[0] for c in GRADCHECK_FNS])
def test_gradcheck_float32_with_looser_tolerances(name, fn):
    x0 = np.random.default_rng(1).standard_normal((3, 4)).astype(np.float32)
    x = tl.tensor(x0, requires_grad=True)
    assert x.dtype == tl.float32
    assert gradcheck(fn, (x,), eps=1e-3, atol=1e-2, rtol=1e-2)


def test_float32_fails_at_float64_tolerances():
    # why the loose settings above are needed: a 1e-6 step is a few float32 ulps
    x = tl.tensor(np.linspace(0.5, 1.5, 6, dtype=np.float32), requires_grad=True)
    assert not gradcheck(lambda t: t.exp(), (x,), raise_exception=False)
    x64 = tl.tensor(np.linspace(0.5, 1.5, 6), requires_grad=True)
    assert gradcheck(lambda t: t.exp(), (x64,))
