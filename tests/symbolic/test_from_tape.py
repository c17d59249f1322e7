"""to_expr: the recorded tape turned into an expression; one gradient three ways."""

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite.symbolic import diff, evaluate, exp, log, simplify, symbols, tanh, to_expr


def _f64(v, grad=True):
    return tl.tensor(v, dtype=tl.float64, requires_grad=grad)


def test_line_loss_from_the_tape_equals_the_hand_written_expression():
    w, b = _f64(1.5), _f64(0.5)
    x = tl.tensor([-2.0, 3.0], dtype=tl.float64)
    t = 2 * x + 1
    loss = ((w * x + b - t) ** 2).mean()
    e = to_expr(loss, {"w": w, "b": b})
    W, B = symbols("w b")
    by_hand = ((W * -2 + B - -3) ** 2 + (W * 3 + B - 7) ** 2) / 2
    assert simplify(e) == simplify(by_hand)
    assert evaluate(e, {"w": 1.5, "b": 0.5}) == pytest.approx(loss.item())


def test_one_gradient_three_ways():
    w, b = _f64(0.8), _f64(-0.3)
    x = tl.tensor([0.5, -1.0, 2.0], dtype=tl.float64)
    y = tl.tensor([1.0, 0.0, 0.5], dtype=tl.float64)
    loss = ((w * x + b).tanh() - y).pow(2).sum() / 3 + (w * w).exp() * 0.1
    e = to_expr(loss, {"w": w, "b": b})
    loss.backward()
    env = {"w": 0.8, "b": -0.3}

    def f(wv, bv):
        xs, ys = np.array([0.5, -1.0, 2.0]), np.array([1.0, 0.0, 0.5])
        return ((np.tanh(wv * xs + bv) - ys) ** 2).sum() / 3 + np.exp(wv * wv) * 0.1

    h = 1e-6
    fd = {"w": (f(0.8 + h, -0.3) - f(0.8 - h, -0.3)) / (2 * h)}
    fd["b"] = (f(0.8, -0.3 + h) - f(0.8, -0.3 - h)) / (2 * h)
    for name, param in (("w", w), ("b", b)):
        symbolic = evaluate(diff(e, name), env)
        assert symbolic == pytest.approx(param.grad.item(), rel=1e-10)
        assert symbolic == pytest.approx(fd[name], rel=1e-6)


def test_vector_leaves_get_indexed_names_and_ops_expand():
    v = _f64([1.0, 2.0, 3.0])
    loss = (v.sin() * 3 - 1).sum() / 2 + v[0].exp() + v.reshape(3, 1).permute(1, 0)[0, 2].log()
    e = to_expr(loss, {"v": v})
    a, b, c = symbols("v[0] v[1] v[2]")
    from tinygrad_lite.symbolic import sin

    by_hand = ((sin(a) * 3 - 1) + (sin(b) * 3 - 1) + (sin(c) * 3 - 1)) / 2 + exp(a) + log(c)
    assert simplify(e) == simplify(by_hand)


def test_matmul_and_mean_and_unnamed_leaves():
    A = _f64([[1.0, 2.0], [3.0, 4.0]])
    u = _f64([0.5, -1.0])
    out = (A @ u).mean()
    e = to_expr(out)
    names = {"v0[0,0]", "v0[0,1]", "v0[1,0]", "v0[1,1]", "v1[0]", "v1[1]"}
    from tinygrad_lite.symbolic import free_symbols

    assert set(free_symbols(e)) == names
    env = {"v0[0,0]": 1.0, "v0[0,1]": 2.0, "v0[1,0]": 3.0, "v0[1,1]": 4.0}
    env.update({"v1[0]": 0.5, "v1[1]": -1.0})
    assert evaluate(e, env) == pytest.approx(out.item())


def test_constants_on_both_sides():
    x = _f64(0.7)
    out = (2.5 - x) / (x + 3) * (1 - x) ** 2 - 4 / x + x**3 - tanh_t(x)
    e = to_expr(out, {"x": x})
    X = symbols("x")
    by_hand = (2.5 - X) / (X + 3) * (1 - X) ** 2 - 4 / X + X**3 - tanh(X)
    assert simplify(e) == simplify(by_hand)


def tanh_t(t):
    return t.tanh()


def test_leaf_and_constant_tensors():
    x = _f64(2.0)
    assert to_expr(x, {"x": x}) == symbols("x")
    assert to_expr(tl.tensor(3.0)) == 3


def test_errors():
    x = _f64([1.0, -2.0])
    with pytest.raises(ValueError, match="one-element"):
        to_expr(x * 2)
    with pytest.raises(NotImplementedError, match="Relu"):
        to_expr(x.relu().sum())
    big = _f64(np.ones(300))
    with pytest.raises(NotImplementedError, match="max_elements"):
        to_expr(big.sum())
    y = _f64(1.0)
    out = (y + 2) * 3
    out.backward()
    with pytest.raises(RuntimeError, match="before backward"):
        to_expr(out)


def test_after_backward_with_retain_graph():
    y = _f64(1.0)
    out = (y * 3) ** 2
    out.backward(retain_graph=True)
    assert simplify(to_expr(out, {"y": y})) == simplify(9 * symbols("y") ** 2)
