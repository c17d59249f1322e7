"""PyTorch-style printing of tensor values: ``tensor([ 0.1748, -0.5485], requires_grad=True)``.

The rules follow PyTorch's printer: one number format for all elements (integers get a
trailing ``.``, else 4 decimals, or scientific notation when the magnitudes span more than
1000x, exceed 1e8 or go below 1e-4), every element right-aligned to the widest, lines of at
most 80 characters, and tensors of more than 1000 elements summarised with ``...``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

__all__ = ["tensor_repr", "format_array"]

_PREFIX = "tensor("
_LINEWIDTH = 80
_THRESHOLD = 1000
_EDGEITEMS = 3
_PRECISION = 4


def _number_format(arr: np.ndarray) -> tuple[Callable[[object], str], int]:
    """A function formatting one element, and the width every element is padded to."""
    values = arr.reshape(-1)
    if arr.dtype.kind != "f":
        width = max((len(str(v)) for v in values.tolist()), default=1)
        return str, max(width, 1)
    finite = values[np.isfinite(values) & (values != 0)].astype(np.float64)
    if finite.size == 0:
        return _int_style, 1
    absolute = np.abs(finite)
    lo, hi = float(absolute.min()), float(absolute.max())
    integral = bool(np.all(finite == np.ceil(finite)))
    wide = hi / lo > 1000.0 or hi > 1.0e8
    if wide or (not integral and lo < 1.0e-4):
        style = _sci_style
    else:
        style = _int_style if integral else _fixed_style
    width = max(len(style(v)) for v in finite.tolist())
    return style, width


def _int_style(v: object) -> str:
    v = float(v)  # type: ignore[arg-type]
    text = f"{v:.0f}"
    return text if math.isinf(v) or math.isnan(v) else text + "."


def _fixed_style(v: object) -> str:
    return f"{float(v):.{_PRECISION}f}"  # type: ignore[arg-type]


def _sci_style(v: object) -> str:
    return f"{float(v):.{_PRECISION}e}"  # type: ignore[arg-type]


def _summarized(arr: np.ndarray) -> np.ndarray:
    """The elements PyTorch shows for a summarised tensor (first and last 3 of each dim)."""
    if arr.ndim == 0:
        return arr
    n = arr.shape[0]
    if n > 2 * _EDGEITEMS:
        ends = np.concatenate([arr[:_EDGEITEMS], arr[n - _EDGEITEMS :]])
    else:
        ends = arr
    return np.stack([_summarized(x) for x in ends]) if arr.ndim > 1 else ends


def _vector(arr: np.ndarray, indent: int, summarize: bool, fmt: Callable, width: int) -> str:
    def cell(v: object) -> str:
        return fmt(v).rjust(width)

    n = arr.shape[0]
    if summarize and n > 2 * _EDGEITEMS:
        data = [cell(v) for v in arr[:_EDGEITEMS].tolist()] + [" ..."]
        data += [cell(v) for v in arr[n - _EDGEITEMS :].tolist()]
    else:
        data = [cell(v) for v in arr.tolist()]
    per_line = max(1, (_LINEWIDTH - indent) // (width + 2))
    lines = [", ".join(data[i : i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nested(arr: np.ndarray, indent: int, summarize: bool, fmt: Callable, width: int) -> str:
    if arr.ndim == 0:
        return fmt(arr.item()).rjust(width)
    if arr.ndim == 1:
        return _vector(arr, indent, summarize, fmt, width)
    n = arr.shape[0]
    if summarize and n > 2 * _EDGEITEMS:
        rows = list(range(_EDGEITEMS)) + [None] + list(range(n - _EDGEITEMS, n))
    else:
        rows = list(range(n))
    parts = [
        "..." if i is None else _nested(arr[i], indent + 1, summarize, fmt, width) for i in rows
    ]
    return "[" + ("," + "\n" * (arr.ndim - 1) + " " * (indent + 1)).join(parts) + "]"


def format_array(arr: np.ndarray, indent: int) -> str:
    """The bracketed value text of ``arr``, continuation lines indented by ``indent``."""
    summarize = arr.size > _THRESHOLD
    fmt, width = _number_format(_summarized(arr) if summarize else arr)
    if arr.ndim == 0:
        return fmt(arr.item())
    return _nested(arr, indent, summarize, fmt, width)


def tensor_repr(
    arr: np.ndarray, dtype_text: str, default_float: np.dtype, extras: list[str]
) -> str:
    """``tensor(<values>, <suffixes>)``; ``extras`` are e.g. ``requires_grad=True``.

    The dtype (``dtype_text``, e.g. ``tinygrad_lite.float64``) is shown unless the values
    imply it: the default float, int64 or bool (for empty tensors only the default float).
    """
    suffixes = []
    if arr.size == 0:
        body = "[]"
        if arr.ndim != 1:
            suffixes.append(f"size={tuple(arr.shape)}")
        implied = arr.dtype == default_float
    else:
        body = format_array(arr, len(_PREFIX))
        implied = arr.dtype == default_float or arr.dtype in (np.int64, np.bool_)
    if not implied:
        suffixes.append(f"dtype={dtype_text}")
    suffixes += extras
    out = [_PREFIX, body]
    text = _PREFIX + body
    last_line = len(text) - text.rfind("\n") + 1
    for s in suffixes:
        if last_line + len(s) + 2 > _LINEWIDTH:
            out.append(",\n" + " " * len(_PREFIX) + s)
            last_line = len(_PREFIX) + len(s)
        else:
            out.append(", " + s)
            last_line += len(s) + 2
    return "".join(out) + ")"
