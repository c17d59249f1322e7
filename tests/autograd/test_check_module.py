"""check_module: the per-parameter gradcheck table a student runs on a custom layer."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_lite as torch
from tinygrad_lite.autograd import CheckResult, Function, check_module
from tinygrad_lite.nn import Parameter
from tinygrad_lite.nn.module import Module


class Lin(Module):
    def __init__(self, n_in: int, n_out: int) -> None:
        super().__init__()
        self.weight = Parameter(torch.randn(n_out, n_in) * 0.5)
        self.bias = Parameter(torch.randn(n_out) * 0.1)

    def forward(self, x):
        return x @ self.weight.T + self.bias


class WrongSquare(Function):
    """x² with a deliberately wrong backward (forgets the factor 2)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * x


class RightSquare(WrongSquare):
    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 2 * g * x


class Net(Module):
    def __init__(self, square=None) -> None:
        super().__init__()
        self.fc1 = Lin(3, 4)
        self.fc2 = Lin(4, 1)
        self.square = square

    def forward(self, x):
        h = self.fc1(x)
        h = self.square.apply(h) if self.square else h.tanh()
        return self.fc2(h)


def mse(out, y):
    return ((out - y) ** 2).mean()


@pytest.fixture
def batch():
    torch.manual_seed(0)
    return torch.randn(6, 3), torch.randn(6, 1)


def test_correct_model_passes_and_is_not_changed(batch, capsys):
    torch.manual_seed(1)
    net = Net()
    before = {n: p.numpy().copy() for n, p in net.named_parameters()}
    result = check_module(net, mse, *batch)
    assert isinstance(result, CheckResult) and result.ok and bool(result)
    assert [r.name for r in result] == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
    assert result["fc1.weight"].shape == (4, 3) and result["fc1.weight"].checked == 12
    assert all(r.max_abs_err < 1e-7 for r in result)
    for n, p in net.named_parameters():
        assert p.dtype == torch.float32 and p.grad is None
        np.testing.assert_array_equal(p.numpy(), before[n])
    table = capsys.readouterr().out
    assert "parameter" in table and "fc2.bias" in table and "FAIL" not in table


def test_wrong_custom_function_is_caught(batch, capsys):
    torch.manual_seed(1)
    result = check_module(Net(WrongSquare), mse, *batch)
    assert not result.ok
    # the wrong backward sits between fc1 and fc2: only fc1's gradients are off (by half)
    assert not result["fc1.weight"].ok and not result["fc1.bias"].ok
    assert result["fc2.weight"].ok and result["fc2.bias"].ok
    assert result["fc1.weight"].max_rel_err == pytest.approx(0.5, abs=1e-6)
    table = capsys.readouterr().out
    assert table.count("FAIL") == 2 and "do NOT match" in table
    torch.manual_seed(1)
    assert check_module(Net(RightSquare), mse, *batch, verbose=False).ok


def test_max_checks_and_errors(batch):
    torch.manual_seed(1)
    net = Net()
    result = check_module(net, mse, *batch, max_checks=2, verbose=False)
    assert [r.checked for r in result] == [2, 2, 2, 1]
    with pytest.raises(ValueError, match="scalar"):
        check_module(net, lambda out, y: out - y, *batch, verbose=False)
    with pytest.raises(TypeError, match="batch"):
        check_module(net, mse)
    with pytest.raises(TypeError, match="Module"):
        check_module(lambda x: x, mse, *batch)


def test_real_layers_and_losses(batch):
    nn = torch.nn
    torch.manual_seed(2)
    model = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 1))
    result = check_module(model, nn.MSELoss(), *batch, verbose=False)
    assert result.ok and len(result) == 4
    assert str(result).splitlines()[2].split()[:2] == ["0.weight", "(5,"]


def test_dropout_in_training_mode_is_checked_with_fixed_masks(batch):
    nn = torch.nn
    torch.manual_seed(3)
    model = nn.Sequential(nn.Linear(3, 8), nn.Dropout(0.5), nn.Tanh(), nn.Linear(8, 1))
    model.train()
    before = torch.random.default_generator.get_state()
    assert check_module(model, nn.MSELoss(), *batch, verbose=False).ok
    assert torch.equal(torch.random.default_generator.get_state(), before)
