"""diff: the seed's naive chain rule, simplified derivatives, and three-way agreement
(symbolic derivative, reverse-mode tape, finite differences) on random expressions."""

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import tinygrad_lite as tl
from tinygrad_lite.symbolic import (
    cos,
    diff,
    evaluate,
    exp,
    gradient,
    log,
    simplify,
    sin,
    sqrt,
    symbols,
    tanh,
    to_expr,
)

# The seed's printed outputs, copied verbatim.
SEED_DE_DX = "(+ (* 1 (+ (* (* 2 (** x 1)) 1) 0)) (* 1 (+ (* y 1) (* x 0))))"
SEED_DE_DY = "(+ (* 1 (+ (* (* 2 (** x 1)) 0) 0)) (* 1 (+ (* y 0) (* x 1))))"
SEED_DLOSS_DM = (
    "(+ (* 0.5 (+ (* 1 (+ 0 (* 1 (+ (* (* 2 (** (- (+ (* m -2) b) -3) 1)) (+ (* 1 (+ (* 1 "
    "(+ -2 (* m 0))) 0)) 0)) 0)))) (* 1 (+ (* (* 2 (** (- (+ (* m 3) b) 7) 1)) (+ (* 1 (+ (* 1"
    " (+ 3 (* m 0))) 0)) 0)) 0)))) (* (/ (- 0 (+ (+ 0 (** (- (+ (* m -2) b) -3) 2)) (** (- (+ "
    "(* m 3) b) 7) 2))) 4) 0))"
)
SEED_DLOSS_DB = (
    "(+ (* 0.5 (+ (* 1 (+ 0 (* 1 (+ (* (* 2 (** (- (+ (* m -2) b) -3) 1)) (+ (* 1 (+ (* 1 "
    "(+ 0 (* m 0))) 1)) 0)) 0)))) (* 1 (+ (* (* 2 (** (- (+ (* m 3) b) 7) 1)) (+ (* 1 (+ (* 1"
    " (+ 0 (* m 0))) 1)) 0)) 0)))) (* (/ (- 0 (+ (+ 0 (** (- (+ (* m -2) b) -3) 2)) (** (- (+ "
    "(* m 3) b) 7) 2))) 4) 0))"
)


def _seed_loss():
    m, b = symbols("m b")
    xs = [-2, 3]
    ts = [2 * x + 1 for x in xs]
    return m, b, sum((m * x + b - t) ** 2 for x, t in zip(xs, ts)) / len(xs)


def test_naive_rules_reproduce_the_seed_mess():
    x, y = symbols("x y")
    e = x**2 + x * y
    assert str(diff(e, "x", simplify=False)) == SEED_DE_DX
    assert str(diff(e, "y", simplify=False)) == SEED_DE_DY
    env = {"x": 2, "y": 3}
    assert evaluate(diff(e, "x", simplify=False), env) == 7
    assert evaluate(diff(e, "y", simplify=False), env) == 2


def test_simplified_derivative_of_the_seed_example():
    x, y = symbols("x y")
    e = x**2 + x * y
    de_dx = diff(e, "x")
    assert str(de_dx) == "(+ (* 2 x) y)"
    assert de_dx == simplify(y + x * 2)  # canonical: the order written does not matter
    assert diff(e, y) == x  # a Symbol works as well as a name
    for xv, yv in [(2, 3), (-1.5, 0.25), (10, -7)]:
        assert evaluate(de_dx, {"x": xv, "y": yv}) == 2 * xv + yv
    assert evaluate(de_dx, {"x": 2, "y": 3}) == 7


def test_seed_line_loss_derivatives():
    m, b, loss = _seed_loss()
    assert str(diff(loss, "m", simplify=False)) == SEED_DLOSS_DM
    assert str(diff(loss, "b", simplify=False)) == SEED_DLOSS_DB
    # by hand: loss = ((b - 2m + 3)^2 + (3m + b - 7)^2) / 2
    #   dloss/dm = -2(b - 2m + 3) + 3(3m + b - 7) = 13m + b - 27
    #   dloss/db = (b - 2m + 3) + (3m + b - 7)  = m + 2b - 4
    assert diff(loss, "m") == simplify(13 * m + b - 27)
    assert diff(loss, "b") == simplify(m + 2 * b - 4)
    assert gradient(loss, "m b") == {"m": diff(loss, m), "b": diff(loss, b)}


def test_seed_training_reaches_the_seed_numbers():
    _, _, loss = _seed_loss()
    dm, db = diff(loss, "m"), diff(loss, "b")
    vals = {"m": 0, "b": 0}
    for _ in range(20):
        gm, gb = evaluate(dm, vals), evaluate(db, vals)
        vals["m"] -= 0.1 * gm
        vals["b"] -= 0.1 * gb
    # the same loop in plain Python with the gradient of sum((m x + b - t)^2) / 2
    m = b = 0.0
    for _ in range(20):
        r = [m * x + b - (2 * x + 1) for x in (-2, 3)]
        gm = sum(ri * x for ri, x in zip(r, (-2, 3)))
        gb = sum(r)
        m, b = m - 0.1 * gm, b - 0.1 * gb
    assert vals["m"] == pytest.approx(m, abs=1e-12)
    assert vals["b"] == pytest.approx(b, abs=1e-12)
    assert round(vals["m"], 4) == 2.0011 and round(vals["b"], 4) == 0.9883  # the seed's


@pytest.mark.parametrize(
    "build, expected",
    [
        (lambda x: exp(x), lambda v: math.exp(v)),
        (lambda x: log(x), lambda v: 1 / v),
        (lambda x: sin(x), lambda v: math.cos(v)),
        (lambda x: cos(x), lambda v: -math.sin(v)),
        (lambda x: tanh(x), lambda v: 1 - math.tanh(v) ** 2),
        (lambda x: sqrt(x), lambda v: 0.5 / math.sqrt(v)),
        (lambda x: -x, lambda v: -1),
        (lambda x: 1 / x, lambda v: -1 / v**2),
        (lambda x: x**3, lambda v: 3 * v**2),
        (lambda x: x**-2, lambda v: -2 * v**-3),
        (lambda x: x**0.5, lambda v: 0.5 * v**-0.5),
        (lambda x: 2**x, lambda v: 2**v * math.log(2)),
        (lambda x: x**x, lambda v: v**v * (math.log(v) + 1)),
        (lambda x: sin(x**2), lambda v: math.cos(v**2) * 2 * v),
        (lambda x: exp(2 * x) / x, lambda v: math.exp(2 * v) * (2 * v - 1) / v**2),
    ],
)
@pytest.mark.parametrize("simple", [True, False])
def test_rules_against_hand_derivatives(build, expected, simple):
    x = symbols("x")
    d = diff(build(x), "x", simplify=simple)
    for v in (0.3, 1.7, 2.5):
        assert evaluate(d, {"x": v}) == pytest.approx(expected(v), rel=1e-12)


def test_simplified_function_rules_read_well():
    x = symbols("x")
    assert diff(exp(x), "x") == exp(x)
    assert diff(sin(x), "x") == cos(x)
    assert diff(cos(x), "x") == -sin(x)
    assert diff(log(x), "x") == 1 / x
    assert str(diff(x**3, "x")) == "(* 3 (** x 2))"
    assert diff(x * 5 + 1, "y") == 0
    assert diff(7, "x") == 0


def test_symbolic_exponent_uses_log():
    x, y = symbols("x y")
    d = diff(x**y, "y")
    assert d == simplify(x**y * log(x))
    assert evaluate(d, {"x": 2.0, "y": 3.0}) == pytest.approx(8 * math.log(2))


def test_bad_variable():
    x = symbols("x")
    with pytest.raises(TypeError, match="symbol"):
        diff(x, 3)


# ---------------------------------------------------------------------------------------
# Random expressions: symbolic, tape and finite differences agree
# ---------------------------------------------------------------------------------------


class _Reject(Exception):
    pass


def _trees():
    leaves = st.sampled_from(["x", "y", "x", "y", 1, 2, 3, 0.5])

    def extend(children):
        return st.one_of(
            st.tuples(st.sampled_from(["+", "-", "*", "/"]), children, children),
            st.tuples(st.just("**"), children, st.sampled_from([2, 3, -1])),
            st.tuples(st.just("neg"), children),
        )

    return st.recursive(leaves, extend, max_leaves=8)


def _build(tree, env, checked=False):
    """The tree computed on env's values (Syms, Tensors or floats); with ``checked``,
    reject near-zero divisors and huge values."""
    if isinstance(tree, str):
        return env[tree]
    if not isinstance(tree, tuple):
        return tree
    op = tree[0]
    a = _build(tree[1], env, checked)
    if op == "neg":
        return -a
    b = tree[2] if op == "**" else _build(tree[2], env, checked)
    if checked:
        if (op == "/" and abs(b) < 0.2) or (op == "**" and b < 0 and abs(a) < 0.2):
            raise _Reject
    out = {"+": a + b, "-": a - b, "*": a * b}.get(op) if op in "+-*" else None
    if op == "/":
        out = a / b
    elif op == "**":
        out = a**b
    if checked and abs(out) > 1e4:
        raise _Reject
    return out


@settings(max_examples=120, deadline=None)
@given(_trees(), st.floats(-2.0, 2.0), st.floats(-2.0, 2.0))
def test_symbolic_tape_and_finite_differences_agree(tree, xv, yv):
    try:
        value = _build(tree, {"x": xv, "y": yv}, checked=True)
    except (_Reject, ZeroDivisionError, OverflowError):
        assume(False)
    x, y = symbols("x y")
    e = _build(tree, {"x": x, "y": y})
    X = tl.tensor(xv, dtype=tl.float64, requires_grad=True)
    Y = tl.tensor(yv, dtype=tl.float64, requires_grad=True)
    out = _build(tree, {"x": X, "y": Y})
    assume(isinstance(out, tl.Tensor) and out.grad_fn is not None)
    from_tape = to_expr(out, {"x": X, "y": Y})  # before backward frees the tape
    out.backward()
    env = {"x": xv, "y": yv}
    assert evaluate(e, env) == pytest.approx(value, rel=1e-12, abs=1e-12)
    assert evaluate(from_tape, env) == pytest.approx(value, rel=1e-9, abs=1e-9)
    h = 1e-6
    for name, T in (("x", X), ("y", Y)):
        sym = evaluate(diff(e, name), env)
        raw = evaluate(diff(e, name, simplify=False), env)
        via_tape_expr = evaluate(diff(from_tape, name), env)
        tape = 0.0 if T.grad is None else T.grad.item()
        up = dict(env, **{name: env[name] + h})
        down = dict(env, **{name: env[name] - h})
        try:
            fd = (_build(tree, up, True) - _build(tree, down, True)) / (2 * h)
        except (_Reject, ZeroDivisionError):
            assume(False)
        assume(abs(sym) < 1e5)
        assert sym == pytest.approx(tape, rel=1e-8, abs=1e-8)
        assert raw == pytest.approx(tape, rel=1e-8, abs=1e-8)
        assert via_tape_expr == pytest.approx(tape, rel=1e-7, abs=1e-7)
        assert abs(fd - sym) <= 1e-4 * (1 + abs(sym))


def test_numpy_arrays_through_derivatives():
    x, y = symbols("x y")
    d = diff(x**2 * y + sin(x), "x")
    xs = np.linspace(-1, 1, 5)
    np.testing.assert_allclose(evaluate(d, {"x": xs, "y": 2.0}), 4 * xs + np.cos(xs))
