"""evaluate: numbers, NumPy arrays, missing symbols, shared subtrees; free_symbols, count_nodes."""

import math

import numpy as np
import pytest

from tinygrad_lite.symbolic import (
    cos,
    count_nodes,
    diff,
    evaluate,
    exp,
    free_symbols,
    log,
    sin,
    sqrt,
    symbols,
    tanh,
    val,
)


def test_seed_values():
    x, y = symbols("x y")
    e = x**2 + x * y
    env = {"x": 2, "y": 3}
    assert evaluate(e, env) == 10 and type(evaluate(e, env)) is int
    assert evaluate(diff(e, "x"), env) == 7
    assert evaluate(diff(e, "y"), env) == 2
    assert val(e, env) == 10  # the seed's name


def test_symbol_keys_and_keywords():
    x, y = symbols("x y")
    assert evaluate(x - y, {x: 5}, y=2) == 3
    assert evaluate(7) == 7


def test_arrays_elementwise_with_broadcasting():
    x, y = symbols("x y")
    xs = np.array([[1.0, 2.0], [3.0, 4.0]])
    ys = np.array([10.0, 20.0])
    out = evaluate(x**2 + x * y - 1 / x, {"x": xs, "y": ys})
    np.testing.assert_allclose(out, xs**2 + xs * ys - 1 / xs)


@pytest.mark.parametrize(
    "fn, ref",
    [(exp, math.exp), (log, math.log), (sin, math.sin), (cos, math.cos), (tanh, math.tanh),
     (sqrt, math.sqrt)],
)  # fmt: skip
def test_functions_on_numbers_and_arrays(fn, ref):
    x = symbols("x")
    assert evaluate(fn(x), {"x": 0.7}) == pytest.approx(ref(0.7))
    arr = np.array([0.2, 0.7, 1.5])
    np.testing.assert_allclose(evaluate(fn(x), {"x": arr}), [ref(v) for v in arr])


def test_missing_symbol_names_it():
    x, y = symbols("x y")
    with pytest.raises(KeyError, match="'y'"):
        evaluate(x * y, {"x": 1})


def test_shared_subtrees_are_evaluated_once():
    x = symbols("x")
    e = x
    for _ in range(60):
        e = e + e  # a tree of 2**61 - 1 nodes but only 61 distinct objects
    assert evaluate(e, {"x": 3}) == 3 * 2**60
    assert count_nodes(e) == 2**61 - 1
    assert count_nodes(e, shared=True) == 61


def test_free_symbols_in_order_of_appearance():
    a, b, x = symbols("a b x")
    assert free_symbols(x * b + a * x + 2) == ["x", "b", "a"]
    assert free_symbols(3) == []
