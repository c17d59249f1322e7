"""swell_table: the derivative grows super-linearly for a deep chain; the tape stays linear."""

import pytest

from tinygrad_lite.symbolic import SwellRow, swell_table


def test_chain_tape_is_linear_and_derivative_is_not():
    rows = swell_table(8)
    assert [r.size for r in rows] == list(range(1, 9))
    # by hand: each layer tanh(w_k * h + b_k) records mul, add, tanh on the tape
    assert [r.tape_nodes for r in rows] == [3 * n for n in range(1, 9)]
    # and adds five nodes (tanh, +, *, w_k, b_k) to the loss expression, which starts at x
    assert [r.expr_nodes for r in rows] == [5 * n + 1 for n in range(1, 9)]
    for col in ("raw_derivative_nodes", "simplified_derivative_nodes"):
        v = [getattr(r, col) for r in rows]
        steps = [b - a for a, b in zip(v, v[1:])]
        assert all(b > a for a, b in zip(steps, steps[1:])), (col, v)  # growing increments
        assert v[-1] / rows[-1].tape_nodes > 2 * v[0] / rows[0].tape_nodes  # per tape node
    assert all(r.simplified_derivative_nodes < r.raw_derivative_nodes for r in rows)


def test_line_model_stays_linear():
    rows = swell_table(6, model="line")
    for col in ("expr_nodes", "raw_derivative_nodes", "tape_nodes"):
        v = [getattr(r, col) for r in rows]
        steps = {b - a for a, b in zip(v, v[1:])}
        assert len(steps) == 1, (col, v)  # constant increments: linear


def test_printing():
    table = swell_table(3)
    text = str(table)
    assert "tape" in text and "derivative raw" in text and "respect to w1" in text
    assert len(text.splitlines()) == 2 + 1 + 3  # title, header, rule, rows
    last = text.splitlines()[-1].split()
    assert [int(v) for v in last] == list(table[-1])
    md = table.to_markdown().splitlines()
    assert md[0].startswith("| size") and len(md) == 2 + 3
    assert isinstance(table[0], SwellRow)


def test_bad_arguments():
    with pytest.raises(ValueError, match="unknown model"):
        swell_table(3, model="mlp")
    with pytest.raises(ValueError, match=">= 1"):
        swell_table(0)
