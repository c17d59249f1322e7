"""In-place ops on a 0-d float tensor with NumPy's scalar math (just an optimization).

``w -= lr * w.grad`` on a scalar parameter: ``target[()] = target[()] - value`` gives the
same bits and casting as ``np.subtract(target, value, target)`` and costs a third. Anything
unusual (recording, an array operand, another dtype, an error) goes to ``ops.inplace``.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from ..grad_mode import STATE
from .versions import bump_version

__all__ = ["inplace", "SCALAR_MATH"]

# The ufunc an in-place op writes with (``Primitive.inplace_ufunc``) -> the same operation
# in NumPy's scalar math, for the ops where both give the same bits (not ``power``).
SCALAR_MATH = {
    np.add: operator.add,
    np.subtract: operator.sub,
    np.multiply: operator.mul,
    np.true_divide: operator.truediv,
}

reference_inplace: Any = None  # ops.inplace of the reference engine (set by install)


def inplace(t: Any, prim: Any, other: Any, op: str) -> Any:
    """``ops.inplace``, with a 0-d float ``t`` written by scalar math when nothing records."""
    if not STATE._grad_enabled:  # (a CountingState: see fast.grad_mode)
        scalar_math = SCALAR_MATH.get(prim.inplace_ufunc)
        target = t._array
        if scalar_math is not None and not target.ndim and target.dtype.kind == "f":
            value = getattr(other, "_array", other)
            is_array = type(value) is np.ndarray
            if not (is_array and value.ndim):
                try:
                    result = scalar_math(target[()], value[()] if is_array else value)
                    if isinstance(result, np.floating):  # (else: the ufunc says what is wrong)
                        target[()] = result  # (a float64 result is cast, as same_kind does)
                        bump_version(t)
                        return t
                except (TypeError, ValueError):  # e.g. read-only: the ufunc gives the error
                    pass
    return reference_inplace(t, prim, other, op)
