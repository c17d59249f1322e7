"""Numeric text tables (``load_text`` / ``load_columns``): the pizza file and bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import tinygrad_lite as tg
from tinygrad_lite.utils.data import load_columns, load_text

PIZZA = Path(__file__).resolve().parents[3] / "data" / "pizza.txt"


def test_pizza_file_matches_numpy_loadtxt():
    names, table = load_text(PIZZA)
    assert names == ["Reservations", "Pizzas"]
    want = np.loadtxt(PIZZA, skiprows=1)
    assert table.shape == (30, 2) and table.dtype == tg.int64
    np.testing.assert_array_equal(table.numpy(), want)


def test_load_columns_with_dtype():
    x, y = load_columns(PIZZA, dtype=tg.float32)
    want = np.loadtxt(PIZZA, skiprows=1)
    assert x.dtype == y.dtype == tg.float32 and x.shape == (30,)
    np.testing.assert_array_equal(x.numpy(), want[:, 0])
    np.testing.assert_array_equal(y.numpy(), want[:, 1])


def test_comma_separated_floats_comments_and_blank_lines(tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("# a comment\nx, y ,z\n\n1, 2.5, -3e2\n4,5,6\n")
    names, table = load_text(f)
    assert names == ["x", "y", "z"]
    assert table.dtype == tg.float32  # floats take the default dtype, like tinygrad_lite.tensor
    np.testing.assert_array_equal(table.numpy(), [[1, 2.5, -300], [4, 5, 6]])
    _, t64 = load_text(f, dtype=tg.float64)
    assert t64.dtype == tg.float64


def test_no_header_option(tmp_path):
    f = tmp_path / "t.txt"
    f.write_text("1 2\n3 4\n")
    with pytest.raises(ValueError, match=r"line 1: expected a header line.*header=False"):
        load_text(f)
    names, table = load_text(f, header=False)
    assert names == ["0", "1"] and table.tolist() == [[1, 2], [3, 4]]


@pytest.mark.parametrize(
    "text, pattern",
    [
        ("a b\n1 2\n3\n", r"t\.txt, line 3: expected 2 values \(a, b\), found 1: '3'"),
        ("a b\n1 2\n3 4 5\n", r"line 3: expected 2 values .* found 3"),
        ("a b\n1 2\n\n3 oops\n", r"line 4: 'oops' in column 2 \(b\) is not a number"),
        ("a,b\n1,\n", r"line 2: '' in column 2 \(b\) is not a number"),
        ("", r"t\.txt: the file is empty"),
        ("\n  \n# only a comment\n", r"the file is empty"),
    ],
)
def test_malformed_files_name_file_and_line(tmp_path, text, pattern):
    f = tmp_path / "t.txt"
    f.write_text(text)
    with pytest.raises(ValueError, match=pattern):
        load_text(f)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.txt"):
        load_text(tmp_path / "nope.txt")


def test_header_only_gives_empty_table(tmp_path):
    f = tmp_path / "t.txt"
    f.write_text("a b\n")
    names, table = load_text(f)
    assert names == ["a", "b"] and table.shape == (0, 2)


def test_binary_file_is_a_clear_value_error(tmp_path):
    path = tmp_path / "data.bin"
    path.write_bytes(b"\x00\xff\xfe\x00binary")
    with pytest.raises(ValueError, match=r"data\.bin: not a text file"):
        load_text(path)
