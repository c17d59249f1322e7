"""nn.init: values, bounds and spreads (statistical checks), gains vs PyTorch, seeding."""

import math

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite import nn
from tinygrad_lite.nn import init


@pytest.mark.parametrize(
    "nonlinearity,param",
    [("linear", None), ("sigmoid", None), ("tanh", None), ("relu", None), ("leaky_relu", None),
     ("leaky_relu", 0.2), ("selu", None), ("conv2d", None)],
)  # fmt: skip
def test_calculate_gain_matches_torch(torch, nonlinearity, param):
    assert init.calculate_gain(nonlinearity, param) == pytest.approx(
        torch.nn.init.calculate_gain(nonlinearity, param)
    )


def test_calculate_gain_by_hand_and_errors():
    assert init.calculate_gain("relu") == pytest.approx(math.sqrt(2))
    assert init.calculate_gain("tanh") == pytest.approx(5 / 3)
    assert init.calculate_gain("leaky_relu", 1.0) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="Unsupported nonlinearity"):
        init.calculate_gain("swish")
    with pytest.raises(ValueError, match="not a valid number"):
        init.calculate_gain("leaky_relu", True)


def test_constant_fills_work_on_parameters_without_recording():
    p = nn.Parameter(tl.empty(3, 2))
    assert init.zeros_(p) is p and not p.numpy().any() and p.grad_fn is None
    init.ones_(p)
    np.testing.assert_array_equal(p.numpy(), 1)
    init.constant_(p, 2.5)
    np.testing.assert_array_equal(p.numpy(), 2.5)
    init.eye_(p)
    np.testing.assert_array_equal(p.numpy(), np.eye(3, 2))
    assert p.requires_grad and p.is_leaf


def _stats(t):
    a = t.numpy().astype(np.float64)
    return a.mean(), a.std(), np.abs(a).max()


def test_uniform_and_normal():
    t = tl.empty(300, 300)
    mean, std, top = _stats(init.uniform_(t, -2.0, 4.0))
    assert t.numpy().min() >= -2.0 and t.numpy().max() < 4.0
    assert abs(mean - 1.0) < 0.03 and abs(std - 6 / math.sqrt(12)) < 0.02
    mean, std, _ = _stats(init.normal_(t, 3.0, 0.5))
    assert abs(mean - 3.0) < 0.01 and abs(std - 0.5) < 0.01
    init.trunc_normal_(t, 0.0, 1.0, -1.0, 1.5)
    assert t.numpy().min() >= -1.0 and t.numpy().max() <= 1.5


def test_xavier_bounds_and_std():
    t = tl.empty(200, 600)  # fan_in 600, fan_out 200
    std = 2.0 * math.sqrt(2.0 / 800)
    _, s, top = _stats(init.xavier_uniform_(t, gain=2.0))
    assert top <= math.sqrt(3) * std + 1e-6 and abs(s - std) < 0.02 * std
    _, s, _ = _stats(init.xavier_normal_(t, gain=2.0))
    assert abs(s - std) < 0.02 * std


@pytest.mark.parametrize("mode,fan", [("fan_in", 600), ("fan_out", 200)])
def test_kaiming_bounds_and_std(mode, fan):
    t = tl.empty(200, 600)
    std = math.sqrt(2.0) / math.sqrt(fan)
    _, s, top = _stats(init.kaiming_uniform_(t, mode=mode, nonlinearity="relu"))
    assert top <= math.sqrt(3) * std + 1e-6 and abs(s - std) < 0.02 * std
    _, s, _ = _stats(init.kaiming_normal_(t, mode=mode, nonlinearity="relu"))
    assert abs(s - std) < 0.02 * std


def test_kaiming_std_matches_torch(torch):
    ours = init.kaiming_normal_(tl.empty(300, 100, 3), a=0.1, mode="fan_out").numpy().std()
    ref = torch.nn.init.kaiming_normal_(torch.empty(300, 100, 3), a=0.1, mode="fan_out").std()
    assert abs(ours - ref.item()) < 0.03 * ref.item()


def test_seeding_and_generator():
    t = tl.empty(4, 4)
    tl.manual_seed(5)
    a = init.kaiming_uniform_(t).numpy().copy()
    tl.manual_seed(5)
    np.testing.assert_array_equal(init.kaiming_uniform_(t).numpy(), a)
    g1, g2 = tl.Generator().manual_seed(9), tl.Generator().manual_seed(9)
    x = init.normal_(tl.empty(5), generator=g1).numpy().copy()
    np.testing.assert_array_equal(init.normal_(tl.empty(5), generator=g2).numpy(), x)


def test_fan_errors():
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init.xavier_uniform_(tl.empty(5))
    with pytest.raises(ValueError, match="Mode fan_avg not supported"):
        init.kaiming_uniform_(tl.empty(2, 2), mode="fan_avg")
    with pytest.warns(UserWarning, match="zero-element"):
        init.kaiming_uniform_(tl.empty(0, 3))


# --- issue 20: orthogonal_ and dirac_ -------------------------------------------------
def test_orthogonal_rows_and_columns_are_orthonormal():

    for shape in [(3, 5), (5, 3), (4, 2, 3)]:
        w = tl.empty(*shape)
        nn.init.orthogonal_(w, gain=2.0)
        m = w.numpy().reshape(shape[0], -1).astype(np.float64)
        small = min(m.shape)
        gram = m @ m.T if m.shape[0] == small else m.T @ m
        np.testing.assert_allclose(gram, 4.0 * np.eye(small), atol=1e-5)
    with pytest.raises(ValueError, match="2 or more dimensions"):
        nn.init.orthogonal_(tl.empty(3))


def test_dirac_conv_copies_its_input():

    w = tl.empty(6, 3, 3, 3)
    nn.init.dirac_(w, groups=2)
    x = tl.randn(1, 3, 5, 5)
    y = nn.functional.conv2d(x, w, padding=1).numpy()
    np.testing.assert_allclose(y[:, :3], x.numpy(), atol=1e-6)
    np.testing.assert_allclose(y[:, 3:], x.numpy(), atol=1e-6)
    with pytest.raises(ValueError, match="3, 4, or 5 dimensions"):
        nn.init.dirac_(tl.empty(3, 3))


def test_trunc_normal_both_branches_stay_in_range_and_are_seeded():
    """Wide [a, b] (normal draws, redrawing the outside ones) and narrow [a, b] (uniform
    candidates accepted by density): values inside [a, b], same seed -> same values."""
    for a, b in [(-2.0, 2.0), (1.5, 2.5)]:
        tl.manual_seed(0)
        w = tl.nn.init.trunc_normal_(tl.empty(2000), 0.0, 1.0, a, b)
        assert w.min().item() >= a and w.max().item() <= b
        tl.manual_seed(0)
        assert tl.equal(w, tl.nn.init.trunc_normal_(tl.empty(2000), 0.0, 1.0, a, b))
    tl.manual_seed(1)
    narrow = tl.nn.init.trunc_normal_(tl.empty(20000, dtype=tl.float64), 0.0, 1.0, 1.5, 2.5)
    # the truncated normal's mean on [1.5, 2.5]: (φ(1.5) - φ(2.5)) / (Φ(2.5) - Φ(1.5))
    phi = lambda x: math.exp(-x * x / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    Phi = lambda x: (1 + math.erf(x / math.sqrt(2))) / 2  # noqa: E731
    expected = (phi(1.5) - phi(2.5)) / (Phi(2.5) - Phi(1.5))
    assert abs(narrow.mean().item() - expected) < 0.01
