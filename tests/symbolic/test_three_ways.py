"""three_ways: symbolic, tape and finite-difference gradients side by side."""

import math

import pytest

import tinygrad_lite as tl
from tinygrad_lite.symbolic import simplify, symbols, three_ways


def test_seed_line_gradient_three_ways():
    x = tl.tensor([-2.0, 3.0], dtype=tl.float64)
    table = three_ways(lambda m, b: ((m * x + b - (2 * x + 1)) ** 2).mean(), {"m": 0, "b": 0})
    m, b = symbols("m b")
    # by hand at m = b = 0: dL/dm = 13m + b - 27 = -27, dL/db = m + 2b - 4 = -4
    assert [r.name for r in table] == ["m", "b"]
    assert table[0].derivative == simplify(13 * m + b - 27)
    assert table[1].derivative == simplify(m + 2 * b - 4)
    for row, want in zip(table, (-27.0, -4.0)):
        assert row.symbolic == pytest.approx(want, abs=1e-12)
        assert row.tape == pytest.approx(want, abs=1e-12)
        assert row.finite_difference == pytest.approx(want, abs=1e-6)
    assert table.max_disagreement() < 1e-6
    text = str(table)
    assert text.startswith("loss = ") and "finite diff" in text and "-27" in text


def test_functions_and_an_unused_parameter():
    table = three_ways(lambda a, c: (a * 2.0).sin() * a.exp(), {"a": 0.3, "c": 5.0})
    want = 2 * math.cos(0.6) * math.exp(0.3) + math.sin(0.6) * math.exp(0.3)
    assert table[0].symbolic == pytest.approx(want, rel=1e-12)
    assert table[0].tape == pytest.approx(want, rel=1e-12)
    assert table[0].finite_difference == pytest.approx(want, rel=1e-7)
    assert (table[1].symbolic, table[1].tape) == (0.0, 0.0)
