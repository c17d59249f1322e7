"""PyTorch-style printing of tensor values: ``tensor([1.5000, 2.0000], requires_grad=True)``."""

from __future__ import annotations

import numpy as np

_PREFIX = "tensor("


def _float_formatter(arr: np.ndarray):
    """Pick one number format for all elements, as PyTorch does (4 decimals or scientific)."""
    finite = arr[np.isfinite(arr)]
    if finite.size == 0:
        return lambda v: _special(v)
    absmax = float(np.abs(finite).max())
    nonzero = np.abs(finite[finite != 0])
    absmin = float(nonzero.min()) if nonzero.size else 0.0
    integral = bool(np.all(finite == np.round(finite)))
    if integral and absmax < 1e8:

        def fmt_int(v: float) -> str:
            return _special(v) if not np.isfinite(v) else f"{v:.0f}."

        return fmt_int
    if absmax >= 1e8 or (absmin > 0 and (absmax / absmin > 1000 or absmin < 1e-4)):
        return lambda v: _special(v) if not np.isfinite(v) else f"{v:.4e}"
    return lambda v: _special(v) if not np.isfinite(v) else f"{v:.4f}"


def _special(v: float) -> str:
    if np.isnan(v):
        return "nan"
    return "inf" if v > 0 else "-inf"


def format_array(arr: np.ndarray, indent: int) -> str:
    """The bracketed value text of ``arr``, continuation lines indented by ``indent``."""
    if arr.dtype.kind == "f":
        fmt = _float_formatter(arr)
        formatter = {"float_kind": fmt}
    elif arr.dtype.kind == "b":
        formatter = {"bool": lambda v: "True" if v else "False"}
    else:
        formatter = {"int": lambda v: str(v)}
    body = np.array2string(
        arr,
        separator=", ",
        formatter=formatter,
        threshold=1000,
        edgeitems=3,
        max_line_width=80,
        prefix=" " * indent,
    )
    if arr.ndim == 0:
        body = formatter.get("float_kind", formatter.get("bool", formatter.get("int")))(arr.item())
    return body


def tensor_repr(arr: np.ndarray, extras: list[str]) -> str:
    """``tensor(<values>, <extras>)`` where extras are e.g. ``requires_grad=True``."""
    body = format_array(arr, len(_PREFIX))
    if arr.size == 0:
        body = "[]"
        if arr.shape != (0,):
            extras = [f"size={tuple(arr.shape)}"] + extras
    parts = [body] + extras
    return _PREFIX + ", ".join(parts) + ")"
