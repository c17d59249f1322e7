"""distributions.Normal: PyTorch's samples for the same seed, rsample gradients, log_prob,
entropy, cdf, moments and errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite.autograd import gradcheck
from tinygrad_lite.distributions import Normal


def test_moments_shapes_and_broadcasting():
    n = Normal(tl.zeros(3), 2.0)
    assert n.batch_shape == (3,) and n.event_shape == ()
    assert n.mean.tolist() == [0.0] * 3 and n.stddev.tolist() == [2.0] * 3
    assert n.variance.tolist() == [4.0] * 3 and n.mode.tolist() == [0.0] * 3
    assert tuple(n.sample((5,)).shape) == (5, 3) and tuple(n.rsample().shape) == (3,)
    assert Normal(1, 2).variance.item() == 4.0 and Normal(1, 2).mean.dtype == tl.float32


def test_log_prob_entropy_cdf_values():
    n = Normal(1.0, 2.0)
    x = 0.3
    lp = -((x - 1) ** 2) / 8 - math.log(2) - 0.5 * math.log(2 * math.pi)
    assert n.log_prob(tl.tensor(x)).item() == pytest.approx(lp, rel=1e-6)
    assert n.entropy().item() == pytest.approx(0.5 + 0.5 * math.log(2 * math.pi) + math.log(2))
    assert n.cdf(1.0).item() == pytest.approx(0.5)
    s = Normal(tl.tensor(3.0, dtype=tl.float64), 0.5).sample((20000,))
    assert abs(s.mean().item() - 3) < 0.02 and abs(s.std().item() - 0.5) < 0.02


def test_rsample_and_log_prob_gradients():
    loc = tl.tensor([0.5, -1.0], dtype=tl.float64, requires_grad=True)
    scale = tl.tensor([1.5, 0.7], dtype=tl.float64, requires_grad=True)
    x = tl.tensor([0.1, 0.2], dtype=tl.float64)
    assert gradcheck(lambda m, s: Normal(m, s).log_prob(x), (loc, scale))
    assert gradcheck(lambda s: Normal(loc, s).entropy(), (scale,))
    tl.manual_seed(0)
    z = Normal(loc, scale).rsample()
    z.sum().backward()
    eps = (z.detach() - loc.detach()) / scale.detach()
    np.testing.assert_allclose(loc.grad.numpy(), [1.0, 1.0])
    np.testing.assert_allclose(scale.grad.numpy(), eps.numpy())
    assert not Normal(loc, scale).sample().requires_grad


def test_errors():
    with pytest.raises(ValueError, match="GreaterThan"):
        Normal(0.0, -1.0)
    with pytest.raises(ValueError, match="GreaterThan"):
        Normal(tl.zeros(2), tl.tensor([1.0, 0.0]))
    Normal(0.0, -1.0, validate_args=False)  # the check can be switched off


def test_against_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    for dtype in ("float32", "float64"):
        loc, scale = rng.standard_normal(20).astype(dtype), rng.random(20).astype(dtype) + 0.1
        for lib in (tl, torch):
            lib.manual_seed(7)
        ours, theirs = (
            Normal(tl.tensor(loc), tl.tensor(scale)),
            torch.distributions.Normal(torch.tensor(loc), torch.tensor(scale)),
        )
        np.testing.assert_array_equal(ours.sample().numpy(), theirs.sample().numpy())
        np.testing.assert_array_equal(ours.sample((3,)).numpy(), theirs.sample((3,)).numpy())
        np.testing.assert_array_equal(
            ours.rsample((2,)).detach().numpy(), theirs.rsample((2,)).detach().numpy()
        )
        x = rng.standard_normal(20).astype(dtype)
        np.testing.assert_allclose(
            ours.log_prob(tl.tensor(x)).numpy(), theirs.log_prob(torch.tensor(x)).numpy(),
            rtol=1e-6,
        )  # fmt: skip
        np.testing.assert_allclose(ours.entropy().numpy(), theirs.entropy().numpy(), rtol=1e-6)
        np.testing.assert_allclose(
            ours.cdf(tl.tensor(x)).numpy(), theirs.cdf(torch.tensor(x)).numpy(), rtol=1e-5
        )
    # the scalar-parameter form used in tutorials
    for lib in (tl, torch):
        lib.manual_seed(3)
    a = Normal(0.0, 1.0).sample((4,))
    b = torch.distributions.Normal(0.0, 1.0).sample((4,))
    np.testing.assert_array_equal(a.numpy(), b.numpy())
