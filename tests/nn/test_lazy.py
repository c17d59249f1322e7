"""Lazy modules: materialize on the first forward, step under an optimizer made before that,
load a state dict while uninitialized, become their ordinary class; match PyTorch."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite import nn


def model():
    return nn.Sequential(nn.LazyConv2d(4, 3, padding=1), nn.LazyBatchNorm2d(), nn.ReLU(),
                         nn.Flatten(), nn.LazyBatchNorm1d(), nn.LazyLinear(5))  # fmt: skip


def test_materialize_on_first_forward_and_become_ordinary_classes():
    m = model()
    assert isinstance(m[0].weight, nn.UninitializedParameter)
    with pytest.raises(RuntimeError, match="uninitialized parameter"):
        m[0].weight.shape  # noqa: B018
    y = m(tl.randn(2, 3, 5, 5))
    assert tuple(y.shape) == (2, 5)
    assert [type(layer).__name__ for layer in m] == [
        "Conv2d", "BatchNorm2d", "ReLU", "Flatten", "BatchNorm1d", "Linear"
    ]  # fmt: skip
    assert tuple(m[0].weight.shape) == (4, 3, 3, 3) and m[0].in_channels == 3
    assert tuple(m[5].weight.shape) == (5, 100) and m[5].in_features == 100
    assert type(m[0].weight) is nn.Parameter
    bound = 1 / np.sqrt(27)
    assert 0 < np.abs(m[0].weight.numpy()).max() <= bound


def test_optimizer_made_before_first_forward_steps_the_parameters():
    tl.manual_seed(0)
    m = model()
    opt = tl.optim.Adam(m.parameters(), lr=0.01)
    x, target = tl.randn(8, 3, 5, 5), tl.randint(0, 5, (8,))
    losses = []
    for _ in range(5):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(m(x), target)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0]
    ids = {id(p) for p in m.parameters()}
    assert ids == {id(p) for g in opt.param_groups for p in g["params"]}


def test_load_state_dict_into_uninitialized_module():
    m = model()
    m(tl.randn(2, 3, 5, 5))
    m.eval()
    fresh = model()
    fresh.load_state_dict(m.state_dict())
    fresh.eval()
    x = tl.randn(3, 3, 5, 5)
    np.testing.assert_array_equal(fresh(x).detach().numpy(), m(x).detach().numpy())


def test_lazy_state_dict_loads_into_torch(torch):
    m = nn.Sequential(nn.LazyConv2d(4, 3), nn.LazyBatchNorm2d(), nn.Flatten(), nn.LazyLinear(2))
    m(tl.randn(2, 3, 6, 6))
    theirs = torch.nn.Sequential(torch.nn.LazyConv2d(4, 3), torch.nn.LazyBatchNorm2d(),
                                 torch.nn.Flatten(), torch.nn.LazyLinear(2))  # fmt: skip
    theirs(torch.randn(2, 3, 6, 6))
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in m.state_dict().items()})
    m.eval()
    theirs.eval()
    x = np.random.default_rng(0).standard_normal((2, 3, 6, 6)).astype(np.float32)
    np.testing.assert_allclose(m(tl.tensor(x)).detach().numpy(),
                               theirs(torch.tensor(x)).detach().numpy(), atol=1e-5)  # fmt: skip
