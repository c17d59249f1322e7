"""The sequence-model primitives (Embedding, LSTMPointwise) and tril/triu: gradcheck and
gradgradcheck in float64, a random projection, and values against NumPy/PyTorch."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite.autograd import gradcheck, gradgradcheck
from tinygrad_lite.primitives_sequence import Embedding, LSTMLayer, LSTMPointwise

RNG = np.random.default_rng(0)


def _t(*shape):
    return tl.tensor(RNG.standard_normal(shape), requires_grad=True)


CASES = [
    (
        "embedding",
        lambda w: Embedding.apply(w, np.array([[0, 2, 2], [1, 3, 0]]), None, False),
        [(4, 3)],
    ),
    ("lstm-pointwise", LSTMPointwise.apply, [(2, 8), (2, 8), (2, 2)]),
    (
        "lstm-layer",
        lambda *a: LSTMLayer.apply(*a, False),
        [(4, 2, 3), (2, 2), (2, 2), (8, 3), (8, 2), (8,), (8,)],
    ),
    (
        "lstm-layer-reverse",
        lambda *a: LSTMLayer.apply(*a, True),
        [(3, 1, 2), (1, 3), (1, 3), (12, 2), (12, 3), (12,), (12,)],
    ),
    (
        "lstm-layer-no-bias",
        lambda *a: LSTMLayer.apply(*a, None, None, False),
        [(3, 2, 2), (2, 2), (2, 2), (8, 2), (8, 2)],
    ),
    ("tril", lambda x: x.tril(), [(3, 4)]),
    ("triu-batched", lambda x: tl.triu(x, diagonal=1), [(2, 4, 3)]),
    ("tril-negative", lambda x: tl.tril(x, -1), [(4, 4)]),
]


@pytest.mark.parametrize("name, fn, shapes", CASES, ids=[c[0] for c in CASES])
def test_gradcheck_and_gradgradcheck(name, fn, shapes):
    inputs = tuple(_t(*s) for s in shapes)
    assert gradcheck(fn, inputs)
    assert gradgradcheck(fn, inputs)


@pytest.mark.parametrize("name, fn, shapes", CASES, ids=[c[0] for c in CASES])
def test_random_projection(name, fn, shapes):
    """<u, J v> (finite differences) equals <Jᵀ u, v> (backward), on non-square shapes."""
    inputs = tuple(_t(*s) for s in shapes)
    out = fn(*inputs)
    u = RNG.standard_normal(tuple(out.shape))
    vs = [RNG.standard_normal(tuple(x.shape)) for x in inputs]
    out.backward(tl.tensor(u))
    analytic = sum(float((x.grad.numpy() * v).sum()) for x, v in zip(inputs, vs))
    eps = 1e-6
    with tl.no_grad():
        plus = fn(*[tl.tensor(x.numpy() + eps * v) for x, v in zip(inputs, vs)]).numpy()
        minus = fn(*[tl.tensor(x.numpy() - eps * v) for x, v in zip(inputs, vs)]).numpy()
    numeric = float((u * (plus - minus) / (2 * eps)).sum())
    assert abs(analytic - numeric) < 1e-6 * max(1.0, abs(numeric))


def test_tril_triu_against_pytorch():
    torch = pytest.importorskip("torch")
    x = RNG.standard_normal((2, 3, 5))
    for k in (-2, -1, 0, 1, 3):
        np.testing.assert_array_equal(tl.tensor(x).tril(k).numpy(), torch.tensor(x).tril(k).numpy())
        np.testing.assert_array_equal(
            tl.triu(tl.tensor(x), k).numpy(), torch.triu(torch.tensor(x), k).numpy()
        )
    ints = tl.ones(3, 3, dtype=tl.int64).tril()
    assert ints.dtype == tl.int64 and ints.numpy().sum() == 6
    masked = tl.full((3, 3), float("-inf")).triu(1)  # -inf above, 0 elsewhere: no nan
    assert not np.isnan(masked.numpy()).any()
    with pytest.raises(RuntimeError, match="at least 2 dimensions"):
        tl.tril(tl.ones(3))


def test_lstm_pointwise_values():
    a, b, c = (RNG.standard_normal(s) for s in [(2, 8), (2, 8), (2, 2)])
    g = a + b
    sig = 1 / (1 + np.exp(-g))
    c2 = sig[:, 2:4] * c + sig[:, :2] * np.tanh(g[:, 4:6])
    h = sig[:, 6:] * np.tanh(c2)
    out = LSTMPointwise.apply(tl.tensor(a), tl.tensor(b), tl.tensor(c)).numpy()
    np.testing.assert_allclose(out[0], h, rtol=1e-12)
    np.testing.assert_allclose(out[1], c2, rtol=1e-12)
