"""The output of a primitive's forward as PyTorch would give it: an array of the right dtype.

NumPy returns scalars for 0-d results, and widens int + float, or float32 +
``np.float64(2)``, to float64. PyTorch gives the default float dtype (float32) unless a
float64 tensor was an operand; so do we, for Primitives with ``promotes = True``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import dtypes as _dt

__all__ = ["result_array"]


def result_array(fn: Any, node: Any, out: Any, args: tuple) -> np.ndarray:
    """``out`` as an array of PyTorch's result dtype; the values saved for backward follow."""
    raw, out, dtype = out, np.asarray(out), None
    if fn.promotes and out.dtype == np.float64:
        arrays = [getattr(a, "_array", a) for a in args]
        if not any(type(a) is np.ndarray and a.dtype == np.float64 for a in arrays):
            dtype = _dt.get_default_dtype().numpy
            out = out.astype(dtype)
    if out is not raw and getattr(node, "saved", None):
        node.saved = tuple(out if s is raw else _narrowed(s, dtype) for s in node.saved)
    return out


def _narrowed(value: Any, dtype: Any) -> Any:
    """A saved integer or float64 array converted to ``dtype`` (None: left as it is), so
    that the gradients backward forms with it have the output's dtype."""
    if dtype is None or not isinstance(value, (np.ndarray, np.generic)):
        return value
    if value.dtype.kind in "iu" or value.dtype == np.float64:
        return np.asarray(value, dtype=dtype)
    return value
