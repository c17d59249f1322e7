"""The numbers our seed texts teach with, reproduced through the public training API.

1. "Walking the Gradient": full-batch gradient descent on data/pizza.txt, 20,000 iterations
   at lr 0.001 from w = b = 0 with the mean squared error, gives w ≈ 1.0811, b ≈ 13.1723 and
   predicts ≈ 34.79 pizzas for 20 reservations.
2. "A Little Gradient Descent": m·x + b learns 2x + 1 from two points in 20 steps; then,
   fitting a quadratic, one shared learning rate either blows up or crawls (the x²
   coefficient's gradient is thousands of times steeper than the constant's), while
   per-parameter learning rates (param groups) converge.

Expectations come from the book and from the closed form of the same gradient descent in
NumPy float64 (for a quadratic loss, GD is a linear recurrence), never from our own code.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import tinygrad_lite as tg
from tinygrad_lite.utils.data import load_columns

DATA = Path(__file__).resolve().parents[1] / "data"


def closed_form_gd(X, y, lrs, steps, theta0=None):
    """θ after ``steps`` of θ ← θ - lrs·∇MSE(θ), in closed form (float64).

    ∇MSE = H θ - g with H = 2XᵀX/n and g = 2Xᵀy/n, so
    θ_k - θ* = (I - diag(lrs) H)^k (θ_0 - θ*) where θ* solves H θ* = g.
    """
    n = len(y)
    H, g = 2 * X.T @ X / n, 2 * X.T @ y / n
    theta_star = np.linalg.solve(H, g)
    theta0 = np.zeros(X.shape[1]) if theta0 is None else theta0
    M = np.eye(X.shape[1]) - np.diag(lrs) @ H
    return theta_star + np.linalg.matrix_power(M, steps) @ (theta0 - theta_star)


def _pizza_numpy():
    table = np.loadtxt(DATA / "pizza.txt", skiprows=1)
    x, y = table[:, 0], table[:, 1]
    return np.stack([x, np.ones_like(x)], axis=1), y  # columns: w, b


def _train_pizza(dtype, steps=20_000):
    x, y = load_columns(DATA / "pizza.txt", dtype=dtype)
    model = tg.nn.LinearRegression(dtype=dtype)
    opt = tg.optim.SGD(model.parameters(), lr=0.001)
    loss_fn = tg.nn.MSELoss()
    for _ in range(steps):
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()
    return model


def test_pizza_float64_matches_closed_form_and_book():
    model = _train_pizza(tg.float64)
    w, b = model.w.item(), model.b.item()
    X, y = _pizza_numpy()
    w_ref, b_ref = closed_form_gd(X, y, [0.001, 0.001], 20_000)
    assert w == pytest.approx(w_ref, rel=1e-9) and b == pytest.approx(b_ref, rel=1e-9)
    assert w == pytest.approx(1.0811, abs=5e-5)  # the book's four decimals
    assert b == pytest.approx(13.1723, abs=5e-5)
    prediction = model(tg.tensor(20.0, dtype=tg.float64)).item()
    assert prediction == pytest.approx(34.79, abs=5e-3)
    assert prediction == pytest.approx(20 * w_ref + b_ref, rel=1e-9)


def test_pizza_default_float32_is_close_to_the_book():
    model = _train_pizza(tg.float32)
    assert model.w.dtype == tg.float32
    X, y = _pizza_numpy()
    w_ref, b_ref = closed_form_gd(X, y, [0.001, 0.001], 20_000)
    # float32 rounding over 20,000 steps moves b by a few 1e-4 (NumPy float32 does the same)
    assert model.w.item() == pytest.approx(w_ref, abs=2e-4)
    assert model.b.item() == pytest.approx(b_ref, abs=3e-3)
    assert round(model(20.0).item(), 2) == 34.79
    assert "1.081" in repr(model) and "13.17" in repr(model)


def test_pizza_first_steps_match_pytorch():
    torch = pytest.importorskip("torch")
    ours = _train_pizza(tg.float64, steps=300)
    table = np.loadtxt(DATA / "pizza.txt", skiprows=1)
    x, y = torch.tensor(table[:, 0]), torch.tensor(table[:, 1])
    w = torch.zeros((), dtype=torch.float64, requires_grad=True)
    b = torch.zeros((), dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([w, b], lr=0.001)
    for _ in range(300):
        opt.zero_grad()
        torch.nn.functional.mse_loss(w * x + b, y).backward()
        opt.step()
    assert ours.w.item() == pytest.approx(w.item(), rel=1e-12)
    assert ours.b.item() == pytest.approx(b.item(), rel=1e-12)


# ---------------------------------------------------------------------- the line
def test_line_from_two_points_twenty_steps():
    """ "A Little Gradient Descent": m·x + b learns 2x + 1 from x = -2, 3 (lr 0.1, 20 steps)."""
    x, y = load_columns(DATA / "line.txt", dtype=tg.float64)
    m = tg.zeros((), dtype=tg.float64, requires_grad=True)
    b = tg.zeros((), dtype=tg.float64, requires_grad=True)
    opt = tg.optim.SGD([m, b], lr=0.1)
    for _ in range(20):
        opt.zero_grad()
        ((m * x + b - y) ** 2).mean().backward()
        opt.step()
    X = np.stack([x.numpy(), np.ones(2)], axis=1)
    want = closed_form_gd(X, y.numpy(), [0.1, 0.1], 20)
    np.testing.assert_allclose([m.item(), b.item()], want, rtol=1e-12)
    assert m.item() == pytest.approx(2.0, abs=0.01) and b.item() == pytest.approx(1.0, abs=0.02)


# ---------------------------------------------------------------------- the quadratic
QUADRATIC = {"quadratic10.txt": 10, "quadratic3.txt": 3}
TRUE_COEFFICIENTS = (2.0, -3.0, 0.5)  # y = 0.5x² - 3x + 2 (data/README.md)
PER_PARAMETER_LR = {"a0": 0.5, "a1": 1e-2, "a2": 1e-4}


def _quadratic(name):
    x, y = load_columns(DATA / name, dtype=tg.float64)
    X = np.stack([np.ones(len(x)), x.numpy(), x.numpy() ** 2], axis=1)
    return x, y, X, y.numpy()


def _fit(x, y, groups, steps, lr):
    model = tg.nn.Polynomial(2, dtype=tg.float64)
    opt = tg.optim.SGD(groups(model), lr=lr)
    loss_fn = tg.nn.MSELoss()
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            opt.zero_grad()
            loss = loss_fn(model(x), y)
            if not np.isfinite(loss.item()):
                break
            loss.backward()
            opt.step()
    return model, loss.item()


def _shared(model):
    return model.parameters()


def _per_parameter(model):
    return [{"params": [p], "lr": PER_PARAMETER_LR[name]} for name, p in model.named_parameters()]


@pytest.mark.parametrize("name", list(QUADRATIC))
def test_quadratic_data_makes_one_learning_rate_unworkable(name):
    x, y, X, y_np = _quadratic(name)
    assert len(y_np) == QUADRATIC[name]
    H = 2 * X.T @ X / len(y_np)
    # the x² coefficient's curvature is over a thousand times the constant's
    assert H[2, 2] / H[0, 0] > 1000
    # a shared lr of 1e-3 is past the stability limit 2 / λ_max: the loss blows up
    assert 1e-3 > 2 / np.linalg.eigvalsh(H).max()
    _, loss = _fit(x, y, _shared, 300, lr=1e-3)
    assert not np.isfinite(loss) or loss > 1e10
    # a stable shared lr crawls: after 2,000 steps the loss is still far from 0
    model, loss = _fit(x, y, _shared, 2000, lr=2e-4)
    want = closed_form_gd(X, y_np, [2e-4] * 3, 2000)
    np.testing.assert_allclose([p.item() for p in model.coefficients()], want, rtol=1e-8)
    assert loss > 0.5
    assert abs(model.a0.item() - TRUE_COEFFICIENTS[0]) > 1.0


@pytest.mark.parametrize("name", list(QUADRATIC))
def test_quadratic_per_parameter_learning_rates_converge(name):
    x, y, X, y_np = _quadratic(name)
    model, loss = _fit(x, y, _per_parameter, 2000, lr=123.0)  # every group overrides lr
    lrs = [PER_PARAMETER_LR[k] for k in ("a0", "a1", "a2")]
    want = closed_form_gd(X, y_np, lrs, 2000)
    got = [p.item() for p in model.coefficients()]
    np.testing.assert_allclose(got, want, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(got, TRUE_COEFFICIENTS, atol=1e-8)
    assert loss < 1e-12
