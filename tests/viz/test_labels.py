"""viz._labels: how numbers, arrays and shapes are abbreviated."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from tinygrad_lite.viz._labels import fmt_array, fmt_number, fmt_shape


def test_numbers():
    assert fmt_number(2.0) == "2"
    assert fmt_number(-0.0) == "0"
    assert fmt_number(0.123456) == "0.1235"
    assert fmt_number(np.int64(7)) == "7"
    assert fmt_number(float("nan")) == "nan"


def test_arrays_and_shapes():
    assert fmt_array(np.array(3.5)) == "3.5"
    assert fmt_array(np.array([[1.0, 2.0], [3.0, 4.0]])) == "[1, 2, 3, 4]"
    assert fmt_array(np.arange(100), max_elems=4) == "[0, 1, 2, … +97]"
    assert fmt_shape((2, 3)) == "(2, 3)" and fmt_shape(()) == "()" and fmt_shape((5,)) == "(5,)"


@given(st.integers(1, 50), st.integers(1, 12))
def test_abbreviation_shows_at_most_max_elems_items(n, max_elems):
    text = fmt_array(np.arange(n, dtype=np.float64), max_elems)
    items = text.strip("[]").split(", ")
    if n <= max_elems:
        assert [int(i) for i in items] == list(range(n))
    else:  # the first numbers, then how many were left out; never more than max_elems items
        shown = max(max_elems - 1, 1)
        assert [int(i) for i in items[:-1]] == list(range(shown))
        assert items[-1] == f"… +{n - shown}"
