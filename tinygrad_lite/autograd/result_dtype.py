"""The output of a primitive's forward as PyTorch would give it: an array of the right dtype.

NumPy returns scalars for 0-d results and promotes by its own rules (int + float, or
float32 + ``np.float64(2)``, give float64). PyTorch's rules (``dtypes.result_type``:
bool < int < float, dimensioned tensors over 0-d tensors over Python numbers) decide the
result dtype of Primitives with ``promotes = True``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import dtypes as _dt

__all__ = ["result_array"]


def result_array(fn: Any, node: Any, out: Any, args: tuple) -> np.ndarray:
    """``out`` as an array of PyTorch's result dtype; the values saved for backward follow.

    For Primitives with ``promotes = True`` the result gets PyTorch's dtype:
    ``dtypes.result_type`` of the operands, or the default float dtype where a float op ran
    on integers or bools.
    """
    raw, out, dtype = out, np.asarray(out), None
    if fn.promotes and not _same_dtype(out.dtype, args):  # (one dtype: PyTorch's too)
        want = _dt.result_type(*args)
        if out.dtype.kind == "f" and want.kind != "f":
            want = _dt.get_default_dtype().numpy
        if out.dtype != want:
            dtype = want
            out = out.astype(dtype)
    if out is not raw and getattr(node, "saved", None):
        node.saved = tuple(out if s is raw else _narrowed(s, dtype) for s in node.saved)
    return out


def _same_dtype(dtype: np.dtype, args: tuple) -> bool:
    """True when every array operand has ``dtype``: then NumPy's result dtype is PyTorch's
    (Python numbers of a higher category would have widened NumPy's result as well)."""
    return all(getattr(getattr(a, "_array", a), "dtype", dtype) == dtype for a in args)


def _narrowed(value: Any, dtype: Any) -> Any:
    """A saved integer or float64 array converted to ``dtype`` (None: left as it is), so
    that the gradients backward forms with it have the output's dtype."""
    if dtype is None or not isinstance(value, (np.ndarray, np.generic)):
        return value
    if value.dtype.kind in "iu" or value.dtype == np.float64:
        return np.asarray(value, dtype=dtype)
    return value
