"""The primitives of nn._stable (LogSigmoid, BinaryCrossEntropy) and the losses built on
them: first and second derivatives against finite differences (float64)."""

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite.autograd import gradcheck, gradgradcheck
from tinygrad_lite.nn import functional as F
from tinygrad_lite.nn._stable import BinaryCrossEntropy, LogSigmoid

rng = np.random.default_rng(3)


def _t(a):
    return tl.tensor(np.asarray(a, dtype=np.float64), requires_grad=True)


def test_logsigmoid_values_are_stable():
    x = tl.tensor([-1000.0, -1.0, 0.0, 1.0, 1000.0], dtype=tl.float64)
    out = LogSigmoid.apply(x).numpy()
    expected = [-1000.0, -np.log1p(np.e), -np.log(2.0), -np.log1p(np.exp(-1.0)), 0.0]
    np.testing.assert_allclose(out, expected, rtol=1e-15)


def test_logsigmoid_first_and_second_derivatives():
    x = _t(np.concatenate([rng.standard_normal(6) * 3, [0.0]]))
    assert gradcheck(LogSigmoid.apply, (x,))
    assert gradgradcheck(LogSigmoid.apply, (x,))


def test_bce_primitive_derivatives_in_both_inputs():
    p = _t(rng.uniform(0.1, 0.9, 5))
    y = _t(rng.uniform(0, 1, 5))
    assert gradcheck(BinaryCrossEntropy.apply, (p, y))
    assert gradgradcheck(BinaryCrossEntropy.apply, (p, y))


LOSSES = [
    ("mse_loss", lambda x, t: F.mse_loss(x, t)),
    ("huber_loss", lambda x, t: F.huber_loss(x, t, delta=0.5)),
    ("bce_with_logits", lambda x, t: F.binary_cross_entropy_with_logits(x, t.sigmoid())),
    ("bce_with_logits pos_weight", lambda x, t: F.binary_cross_entropy_with_logits(
        x, t.sigmoid(), pos_weight=tl.tensor([2.0, 0.5, 1.0], dtype=tl.float64))),
    ("soft cross_entropy", lambda x, t: F.cross_entropy(x, t.softmax(1), label_smoothing=0.1)),
    ("softplus", lambda x, t: F.softplus(x * t, beta=2.0).sum()),
]  # fmt: skip


@pytest.mark.parametrize("name,fn", LOSSES, ids=[n for n, _ in LOSSES])
def test_losses_have_correct_second_derivatives(name, fn):
    x, t = _t(rng.standard_normal((4, 3))), _t(rng.standard_normal((4, 3)))
    assert gradcheck(fn, (x, t))
    assert gradgradcheck(fn, (x, t))


def test_cross_entropy_with_indices_second_derivative():
    x = _t(rng.standard_normal((5, 4)))
    t = tl.tensor([0, 3, 1, -100, 2])
    w = tl.tensor([1.0, 2.0, 0.5, 1.0], dtype=tl.float64)
    assert gradgradcheck(lambda x: F.cross_entropy(x, t, weight=w, label_smoothing=0.2), (x,))
