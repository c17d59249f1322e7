"""distributions.Categorical: PyTorch's samples for the same seed, log_prob, entropy,
probs/logits, gradients and errors."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite.autograd import gradcheck
from tinygrad_lite.distributions import Categorical


def test_probs_and_logits_agree():
    c = Categorical(probs=tl.tensor([1.0, 3.0]))
    np.testing.assert_allclose(c.probs.numpy(), [0.25, 0.75])
    np.testing.assert_allclose(c.logits.numpy(), np.log([0.25, 0.75]), rtol=1e-6)
    d = Categorical(logits=tl.tensor([0.0, np.log(3.0)]))
    np.testing.assert_allclose(d.probs.numpy(), [0.25, 0.75], rtol=1e-6)
    assert d.batch_shape == () and d.event_shape == ()
    assert d.param_shape == (2,)


def test_sample_shapes_support_and_frequencies():
    c = Categorical(probs=tl.tensor([[0.0, 1.0, 0.0], [0.5, 0.0, 0.5]]))
    s = c.sample((1000,))
    assert tuple(s.shape) == (1000, 2) and s.dtype == tl.int64
    assert set(s[:, 0].tolist()) == {1} and set(s[:, 1].tolist()) == {0, 2}
    assert abs((s[:, 1] == 2).float().mean().item() - 0.5) < 0.06
    assert tuple(c.sample().shape) == (2,)
    assert c.mode.tolist() == [1, 0]


def test_log_prob_entropy_and_gradients():
    logits = tl.tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]], dtype=tl.float64, requires_grad=True)
    c = Categorical(logits=logits)
    lp = c.log_prob(tl.tensor([2, 1]))
    expected = np.array([3 - np.log(np.exp([1, 2, 3]).sum()), -np.log(3)])
    np.testing.assert_allclose(lp.detach().numpy(), expected)
    p = np.exp([1, 2, 3]) / np.exp([1, 2, 3]).sum()
    np.testing.assert_allclose(c.entropy()[0].item(), -(p * np.log(p)).sum())
    assert gradcheck(lambda t: Categorical(logits=t).log_prob(tl.tensor([0, 2])), (logits,))
    assert gradcheck(lambda t: Categorical(logits=t).entropy(), (logits,))
    probs = tl.tensor([0.2, 0.3, 0.5], dtype=tl.float64, requires_grad=True)
    assert gradcheck(lambda t: Categorical(probs=t).log_prob(tl.tensor(1)), (probs,))
    # a zero probability contributes 0 to the entropy (not nan)
    assert abs(Categorical(probs=tl.tensor([0.0, 1.0])).entropy().item()) < 1e-6


def test_errors():
    with pytest.raises(ValueError, match="but not both"):
        Categorical()
    with pytest.raises(ValueError, match="but not both"):
        Categorical(probs=tl.tensor([0.5, 0.5]), logits=tl.tensor([0.0, 0.0]))
    with pytest.raises(ValueError, match="Simplex"):
        Categorical(probs=tl.tensor([-1.0, 2.0]))
    with pytest.raises(ValueError, match="at least one-dimensional"):
        Categorical(probs=tl.tensor(0.5))
    with pytest.raises(ValueError, match="support"):
        Categorical(probs=tl.tensor([0.5, 0.5])).log_prob(tl.tensor([2]))


def test_against_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    w = rng.random((3, 27)).astype(np.float32)
    for kw in ("probs", "logits"):
        for lib in (tl, torch):
            lib.manual_seed(2147483647)
        ours = Categorical(**{kw: tl.tensor(w)})
        theirs = torch.distributions.Categorical(**{kw: torch.tensor(w)})
        np.testing.assert_array_equal(ours.sample((50,)).numpy(), theirs.sample((50,)).numpy())
        np.testing.assert_array_equal(ours.sample().numpy(), theirs.sample().numpy())
        v = rng.integers(0, 27, 3)
        np.testing.assert_allclose(
            ours.log_prob(tl.tensor(v)).numpy(), theirs.log_prob(torch.tensor(v)).numpy(),
            rtol=1e-6,
        )  # fmt: skip
        np.testing.assert_allclose(ours.entropy().numpy(), theirs.entropy().numpy(), rtol=1e-6)
        np.testing.assert_allclose(ours.probs.numpy(), theirs.probs.numpy(), rtol=1e-6)
        np.testing.assert_allclose(ours.logits.numpy(), theirs.logits.numpy(), rtol=1e-5)
