"""Loss modules: same numbers as nn.functional and PyTorch's modules, options stored,
class weights registered as buffers, reprs like PyTorch."""

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite import nn

rng = np.random.default_rng(21)
X, Y = rng.standard_normal((6, 4)), rng.standard_normal((6, 4))
T = np.array([0, 1, 3, 2, 2, -100])
W = np.array([1.0, 2.0, 0.5, 1.5])
P = rng.uniform(0.05, 0.95, (6, 4))
B = rng.integers(0, 2, (6, 4)).astype(float)

CASES = [
    ("MSELoss", {}, X, Y),
    ("L1Loss", {}, X, Y),
    ("HuberLoss", {"delta": 0.5}, X, Y),
    ("SmoothL1Loss", {"beta": 0.3}, X, Y),
    ("CrossEntropyLoss", {"weight": W, "label_smoothing": 0.1}, X, T),
    ("CrossEntropyLoss", {"ignore_index": 2}, X, np.array([0, 1, 3, 2, 2, 1])),
    ("NLLLoss", {"weight": W}, X, T),
    ("BCELoss", {"weight": W}, P, B),
    ("BCEWithLogitsLoss", {"pos_weight": W}, X, B),
]


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("name,kwargs,x,t", CASES, ids=[f"{c[0]}{list(c[1])}" for c in CASES])
def test_loss_modules_match_torch(torch, name, kwargs, x, t, reduction):
    ours = getattr(nn, name)(
        reduction=reduction,
        **{k: tl.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()},
    )
    ref = getattr(torch.nn, name)(
        reduction=reduction,
        **{k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()},
    )
    assert repr(ours) == repr(ref)
    xo, xr = tl.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, ref_out = ours(xo, tl.tensor(t)), ref(xr, torch.tensor(t))
    np.testing.assert_allclose(out.numpy(), ref_out.detach().numpy(), rtol=1e-7, atol=1e-12)
    out.sum().backward()
    ref_out.sum().backward()
    np.testing.assert_allclose(xo.grad.numpy(), xr.grad.numpy(), rtol=1e-7, atol=1e-12)
    assert list(ours.state_dict()) == list(ref.state_dict())


def test_mse_loss_module_by_hand():
    loss = nn.MSELoss()(tl.tensor([1.0, 2.0, 4.0]), tl.tensor([1.0, 0.0, 1.0]))
    assert loss.item() == pytest.approx((0 + 4 + 9) / 3)
    assert nn.MSELoss(reduction="sum")(tl.tensor([3.0]), tl.tensor([1.0])).item() == 4.0


def test_loss_modules_store_options_and_buffers():
    w = tl.tensor([1.0, 2.0])
    ce = nn.CrossEntropyLoss(weight=w, ignore_index=5, label_smoothing=0.2)
    assert ce.weight is w and ce.ignore_index == 5 and ce.label_smoothing == 0.2
    assert list(ce.state_dict()) == ["weight"]
    assert list(nn.CrossEntropyLoss().state_dict()) == []
    assert nn.HuberLoss(delta=2.0).delta == 2.0
    assert nn.MSELoss(size_average=False).reduction == "sum"
    ce.double()
    assert ce.weight.dtype == tl.float64
    with pytest.raises(ValueError, match="not a valid value for reduction"):
        nn.L1Loss(reduction="average")


def test_cross_entropy_module_with_probability_targets():
    x = tl.tensor([[2.0, 0.0], [0.0, 0.0]])
    p = tl.tensor([[1.0, 0.0], [0.5, 0.5]])
    expected = (-np.log(np.exp(2) / (np.exp(2) + 1)) + np.log(2)) / 2
    assert nn.CrossEntropyLoss()(x, p).item() == pytest.approx(expected, rel=1e-6)
