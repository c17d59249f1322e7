"""Cheaper NumPy calls with the same values (just optimizations), for ``primitives.py``.

- ``one_minus``: ``1 - a`` with the 1 as a shared 0-d array of ``a``'s dtype (what NumPy
  would convert the Python 1 to; the conversion costs more than the subtraction).
- ``expand``: a small broadcast in backward fills a new array (``np.broadcast_to`` costs
  ~2 µs of Python-level checks); above ``SMALL_BROADCAST`` elements it is still a view.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["one_minus", "expand", "ONES", "SMALL_BROADCAST"]

# A read-only 0-d one of each float dtype.
ONES: dict = {}
for _t in (np.float16, np.float32, np.float64):
    ONES[np.dtype(_t)] = _one = np.ones((), _t)
    _one.flags.writeable = False

SMALL_BROADCAST = 4096  # up to this many elements, filling a new array beats a broadcast view


def one_minus(a: Any) -> Any:
    """``1 - a`` (arrays and Tensors)."""
    return ONES.get(getattr(a, "dtype", None), 1) - a


def expand(g: Any, shape: tuple) -> Any:
    """Broadcast ``g`` to ``shape`` (for arrays: a new array if small, else a read-only view)."""
    if isinstance(g, (np.ndarray, np.generic)):
        if math.prod(shape) > SMALL_BROADCAST:
            return np.broadcast_to(g, shape)
        out = np.empty(shape, g.dtype)
        out[...] = g
        return out
    return g.expand(shape)
