"""LinearRegression and Polynomial: parameters, elementwise forward, gradients vs the
hand-derived partial derivatives, formula reprs, and the lessons' fits (pizza data, and the
quadratic that needs one learning rate per coefficient)."""

from pathlib import Path

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite import nn
from tinygrad_lite.nn import functional as F

DATA = Path(__file__).resolve().parents[2] / "data"


def test_linear_regression_parameters_and_forward():
    m = nn.LinearRegression()
    assert [n for n, _ in m.named_parameters()] == ["w", "b"]
    assert m.w.shape == () and m.w.item() == 0.0 and m.b.item() == 0.0
    m = nn.LinearRegression(w=2.0, b=1.0)
    for x in ([1.0, 2.0, 3.0], [[0.5, -1.0], [2.0, 4.0]], 3.0):
        np.testing.assert_allclose(m(tl.tensor(x)).numpy(), 2 * np.asarray(x) + 1)
    assert m(5).item() == 11.0  # plain numbers are accepted too
    assert m.w.dtype == tl.float32
    assert nn.LinearRegression(dtype=tl.float64).b.dtype == tl.float64


def test_linear_regression_gradients_are_the_lessons_partial_derivatives():
    x, y = np.array([13.0, 2.0, 14.0, 23.0]), np.array([33.0, 16.0, 32.0, 51.0])
    m = nn.LinearRegression(w=0.5, b=1.5, dtype=tl.float64)
    F.mse_loss(m(tl.tensor(x)), tl.tensor(y)).backward()
    err = 0.5 * x + 1.5 - y
    assert m.w.grad.item() == pytest.approx(2 * np.mean(err * x), rel=1e-12)
    assert m.b.grad.item() == pytest.approx(2 * np.mean(err), rel=1e-12)


def test_linear_regression_repr_shows_the_formula():
    assert repr(nn.LinearRegression(1.0811, 13.1723)) == "LinearRegression(y = 1.0811·x + 13.1723)"
    assert repr(nn.LinearRegression(-2, -0.5)) == "LinearRegression(y = -2.0000·x - 0.5000)"


@pytest.mark.slow
def test_pizza_gradient_descent_reproduces_the_lesson():
    """20,000 full-batch steps at lr 0.001 from w = b = 0 (chapter 3 of the lesson)."""
    data = np.loadtxt(DATA / "pizza.txt", skiprows=1)
    x, y = tl.tensor(data[:, 0]), tl.tensor(data[:, 1])
    m = nn.LinearRegression(dtype=tl.float64)
    # Reference loop in plain NumPy with the lesson's hand-derived gradients.
    w = b = 0.0
    for _ in range(20_000):
        err = w * data[:, 0] + b - data[:, 1]
        w, b = w - 0.001 * 2 * np.mean(err * data[:, 0]), b - 0.001 * 2 * np.mean(err)
    for _ in range(20_000):
        loss = F.mse_loss(m(x), y)
        m.zero_grad()
        loss.backward()
        with tl.no_grad():
            for p in m.parameters():
                p -= 0.001 * p.grad
    assert m.w.item() == pytest.approx(w, rel=1e-9) and m.b.item() == pytest.approx(b, rel=1e-9)
    assert m.w.item() == pytest.approx(1.0811, abs=1e-4)
    assert m.b.item() == pytest.approx(13.1723, abs=1e-4)
    assert m(20.0).item() == pytest.approx(34.79, abs=0.01)
    assert repr(m) == "LinearRegression(y = 1.0811·x + 13.1723)"


def test_polynomial_parameters_forward_and_gradients():
    m = nn.Polynomial(3, [1.0, -2.0, 0.5, 0.25], dtype=tl.float64)
    assert [n for n, _ in m.named_parameters()] == ["a0", "a1", "a2", "a3"]
    assert m.coefficients() == [m.a0, m.a1, m.a2, m.a3]
    x = np.array([[-1.5, 0.0], [2.0, 3.0]])
    expected = 1.0 - 2.0 * x + 0.5 * x**2 + 0.25 * x**3
    out = m(tl.tensor(x))
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12)
    out.sum().backward()
    for k, p in enumerate(m.coefficients()):
        assert p.grad.item() == pytest.approx(np.sum(x**k), rel=1e-12)


def test_polynomial_defaults_repr_and_errors():
    q = nn.Polynomial()
    assert q.degree == 2 and all(p.item() == 0 for p in q.parameters())
    assert nn.Polynomial(0, [3.0])(tl.zeros(2, 2)).tolist() == [[3.0, 3.0], [3.0, 3.0]]
    text = repr(nn.Polynomial(2, [2.0, -3.0, 0.5]))
    assert text == "Polynomial(y = 0.5000·x² - 3.0000·x + 2.0000)"
    with pytest.raises(ValueError, match="needs 3 coefficients"):
        nn.Polynomial(2, [1.0])
    with pytest.raises(ValueError, match="non-negative int"):
        nn.Polynomial(-1)


def _fit_quadratic(lrs, steps):
    data = np.loadtxt(DATA / "quadratic10.txt", skiprows=1)
    x, y = tl.tensor(data[:, 0]), tl.tensor(data[:, 1])
    m = nn.Polynomial(2, dtype=tl.float64)
    with np.errstate(all="ignore"):
        for _ in range(steps):
            loss = F.mse_loss(m(x), y)
            m.zero_grad()
            loss.backward()
            with tl.no_grad():
                for p, lr in zip(m.coefficients(), lrs):
                    p -= lr * p.grad
    return m, loss.item()


def test_quadratic_needs_a_learning_rate_per_coefficient():
    """y = 0.5x² - 3x + 2 on 10 points in [-9, 9]: a shared lr either diverges or crawls;
    lrs scaled to each coefficient's curvature (a0: 0.25, a1: 0.0075, a2: 1.3e-4) converge."""
    _, diverged = _fit_quadratic([1e-3] * 3, 200)
    assert not np.isfinite(diverged) or diverged > 1e6
    slow, crawl_loss = _fit_quadratic([1e-4] * 3, 500)
    assert abs(slow.a0.item() - 2.0) > 1.0 and crawl_loss > 0.5
    fast, loss = _fit_quadratic([0.25, 0.0075, 1.3e-4], 500)
    assert loss < 1e-10
    np.testing.assert_allclose([p.item() for p in fast.coefficients()], [2, -3, 0.5], atol=1e-6)
