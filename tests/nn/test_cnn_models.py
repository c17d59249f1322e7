"""Whole small CNNs: state dicts go into PyTorch's modules and back, and a training step
gives PyTorch's outputs, gradients and running statistics (float32, copied weights)."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite import nn


def build(lib):
    m = lib.nn
    return m.Sequential(
        m.Conv2d(3, 8, 3, padding=1), m.BatchNorm2d(8), m.ReLU(), m.MaxPool2d(2),
        m.Conv2d(8, 8, 3, padding="same", groups=4, padding_mode="reflect"), m.GroupNorm(2, 8),
        m.ConvTranspose2d(8, 4, 2, stride=2), m.InstanceNorm2d(4, affine=True),
        m.AdaptiveAvgPool2d(2), m.Flatten(), m.LayerNorm(16), m.Linear(16, 5),
    )  # fmt: skip


def test_state_dict_round_trip_and_one_training_step_match_torch(torch):
    tl.manual_seed(0)
    ours, theirs = build(tl), build(torch)
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    assert list(theirs.state_dict()) == list(ours.state_dict())
    x = np.random.default_rng(0).standard_normal((4, 3, 8, 8)).astype(np.float32)
    xo, xt = tl.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    yo, yt = ours(xo), theirs(xt)
    np.testing.assert_allclose(yo.detach().numpy(), yt.detach().numpy(), atol=2e-5)
    yo.square().sum().backward()
    yt.square().sum().backward()
    np.testing.assert_allclose(xo.grad.numpy(), xt.grad.numpy(), atol=2e-4, rtol=1e-3)
    for (name, p), q in zip(theirs.named_parameters(), ours.parameters()):
        np.testing.assert_allclose(q.grad.numpy(), p.grad.numpy(), atol=2e-4, rtol=1e-3,
                                   err_msg=name)  # fmt: skip
    for k, v in theirs.state_dict().items():  # the running statistics moved once, alike
        np.testing.assert_allclose(ours.state_dict()[k].numpy(), v.numpy(), atol=1e-6, err_msg=k)
    assert int(ours.state_dict()["1.num_batches_tracked"].item()) == 1
    back = build(tl)
    back.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    back.eval()
    theirs.eval()
    np.testing.assert_allclose(back(tl.tensor(x)).detach().numpy(),
                               theirs(torch.tensor(x)).detach().numpy(), atol=2e-5)  # fmt: skip


def test_double_backward_through_a_cnn():
    """A gradient penalty (‖∂loss/∂x‖²) needs second derivatives of conv, pooling and norm."""
    tl.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.Tanh(), nn.AvgPool2d(2),
                          nn.Flatten(), nn.Linear(8, 1)).double()  # fmt: skip
    x = tl.randn(3, 1, 6, 6, dtype=tl.float64, requires_grad=True)

    def penalty(x):
        (g,) = tl.autograd.grad(model(x).sum(), x, create_graph=True)
        return (g * g).sum()

    value = penalty(x)
    value.backward()
    eps = 1e-6
    v = np.random.default_rng(1).standard_normal(x.shape)
    plus = penalty(tl.tensor(x.detach().numpy() + eps * v, requires_grad=True)).item()
    minus = penalty(tl.tensor(x.detach().numpy() - eps * v, requires_grad=True)).item()
    assert float((x.grad.numpy() * v).sum()) == pytest.approx((plus - minus) / (2 * eps), rel=1e-4)
