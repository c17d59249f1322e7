"""Numeric text tables: a header line of column names, then one row of numbers per line.

The format of ``data/pizza.txt``::

    Reservations  Pizzas
    13            33
    2             16

Columns are separated by whitespace or by commas (decided from the header line). Blank
lines and lines starting with ``#`` are skipped. ``load_text`` returns the column names and
one 2-D tensor; ``load_columns`` returns one 1-D tensor per column (``x, y = ...``).
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from ... import dtypes as _dt
from ...tensor import Tensor

__all__ = ["load_text", "load_columns"]


def _split(line: str, comma: bool) -> list[str]:
    return [f.strip() for f in line.split(",")] if comma else line.split()


def _is_number(field: str) -> bool:
    try:
        float(field)
    except ValueError:
        return False
    return True


def load_text(
    path: str | os.PathLike, dtype: Any = None, *, header: bool = True
) -> tuple[list[str], Tensor]:
    """Read a numeric table: returns ``(column names, Tensor of shape (rows, columns))``.

    ``dtype=None`` infers like ``tinygrad_lite.tensor``: int64 when every value is an
    integer, else the default float dtype. ``header=False`` reads a file without a header
    (columns named ``"0"``, ``"1"``, ...). A UTF-8 byte-order mark (as some editors and
    spreadsheets write) is skipped. Raises ``FileNotFoundError`` for a missing file
    and ``ValueError`` naming the file and line for an empty file or a malformed line.
    """
    name = os.fspath(path)
    with open(name, encoding="utf-8-sig") as f:
        try:
            lines = [(n, line.strip()) for n, line in enumerate(f, start=1)]
        except UnicodeDecodeError as e:
            raise ValueError(
                f"{name}: not a text file ({e.reason} at byte {e.start}); expected a header "
                "line of column names, then rows of numbers"
            ) from None
    lines = [(n, s) for n, s in lines if s and not s.startswith("#")]
    if not lines:
        raise ValueError(
            f"{name}: the file is empty; expected a header line of column names, then rows of "
            "numbers"
        )
    first_no, first = lines[0]
    comma = "," in first
    if header:
        names = _split(first, comma)
        if all(_is_number(f) for f in names):
            raise ValueError(
                f"{name}, line {first_no}: expected a header line of column names but found "
                f"numbers ({first!r}); pass header=False for a file without a header"
            )
        rows = lines[1:]
    else:
        names = [str(i) for i in range(len(_split(first, comma)))]
        rows = lines
    width = len(names)
    values: list[list[str]] = []
    for n, line in rows:
        fields = _split(line, comma)
        if len(fields) != width:
            raise ValueError(
                f"{name}, line {n}: expected {width} values ({', '.join(names)}), found "
                f"{len(fields)}: {line!r}"
            )
        values.append(fields)
    try:
        table = np.array(values, dtype=np.int64) if values else np.zeros((0, width), np.int64)
    except (ValueError, OverflowError):
        table = _parse_floats(name, names, rows, values)
    if dtype is not None:
        table = table.astype(_dt.to_numpy_dtype(dtype))
    elif table.dtype.kind == "f":
        table = table.astype(_dt.get_default_dtype().numpy)
    return names, Tensor._make(table, None, False)


def _parse_floats(
    name: str, names: list[str], rows: list[tuple[int, str]], values: list[list[str]]
) -> np.ndarray:
    """The table as float64, or ``ValueError`` pointing at the first field that isn't a number."""
    try:
        return np.array(values, dtype=np.float64)
    except ValueError:
        pass
    for (n, _), fields in zip(rows, values):
        for col, field in enumerate(fields):
            if not _is_number(field):
                raise ValueError(
                    f"{name}, line {n}: {field!r} in column {col + 1} ({names[col]}) is not a "
                    "number"
                ) from None
    raise ValueError(f"{name}: could not parse the table as numbers")  # pragma: no cover


def load_columns(
    path: str | os.PathLike, dtype: Any = None, *, header: bool = True
) -> tuple[Tensor, ...]:
    """One 1-D tensor per column of the table in ``path`` (see ``load_text``):
    ``x, y = load_columns("data/pizza.txt", dtype=tinygrad_lite.float32)``."""
    _, table = load_text(path, dtype, header=header)
    return tuple(Tensor._make(np.ascontiguousarray(table._array[:, j]), None, False)
                 for j in range(table.shape[1]))  # fmt: skip
