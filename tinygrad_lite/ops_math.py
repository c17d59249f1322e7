"""More element-wise functions: hyperbolic and inverse trigonometric functions, ``atan2``,
``log2``/``log10``, the bitwise family, and the in-place forms users call (``sin_``,
``unsqueeze_``, ``t_`` ...).

Differentiable ones apply the primitives of ``primitives_math.py``; the bitwise ops take
bool or integer tensors only and record nothing, as in PyTorch.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import ops as _ops
from .autograd import function as _f
from .autograd.grad_mode import STATE, switch_grad_mode
from .primitives_math import Acos, Asin, Atan, Atan2, Cosh, Log2, Log10, Sinh

__all__ = [
    "sinh", "cosh", "asin", "acos", "atan", "atan2", "arcsin", "arccos", "arctan", "arctan2",
    "log2", "log10", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not",
]  # fmt: skip


_tensor_arg = _ops.tensor_arg


def sinh(input: Any) -> Any:
    """sinh x element-wise."""
    return Sinh.apply(_tensor_arg(input, "sinh"))


def cosh(input: Any) -> Any:
    """cosh x element-wise."""
    return Cosh.apply(_tensor_arg(input, "cosh"))


def asin(input: Any) -> Any:
    """asin x element-wise (NaN outside [-1, 1])."""
    return Asin.apply(_tensor_arg(input, "asin"))


def acos(input: Any) -> Any:
    """acos x element-wise (NaN outside [-1, 1])."""
    return Acos.apply(_tensor_arg(input, "acos"))


def atan(input: Any) -> Any:
    """atan x element-wise."""
    return Atan.apply(_tensor_arg(input, "atan"))


def atan2(input: Any, other: Any) -> Any:
    """atan2(input, other): the angle of the point (other, input), broadcasting."""
    return Atan2.apply(_tensor_arg(input, "atan2"), other)


def log2(input: Any) -> Any:
    """log₂ x element-wise."""
    return Log2.apply(_tensor_arg(input, "log2"))


def log10(input: Any) -> Any:
    """log₁₀ x element-wise."""
    return Log10.apply(_tensor_arg(input, "log10"))


arcsin, arccos, arctan, arctan2 = asin, acos, atan, atan2  # PyTorch's NumPy-style aliases


# ---------------------------------------------------------------------------------------
# bitwise ops (bool and integer tensors; no gradient)
# ---------------------------------------------------------------------------------------


def _bitwise_operand(x: Any, op: str) -> Any:
    a = x._array if isinstance(x, _f.Tensor) else np.asarray(x)
    if a.dtype.kind not in "biu":
        raise RuntimeError(
            f"{op}: bitwise ops take bool or integer tensors, got dtype {a.dtype}; "
            "convert with .long() or .bool() first"
        )
    return a


def _bitwise(ufunc: Any, input: Any, other: Any, op: str) -> Any:
    a = _bitwise_operand(_tensor_arg(input, op), op)
    if isinstance(other, (bool, int, np.integer, np.bool_)):  # a Python number takes a's dtype
        same = isinstance(other, (bool, np.bool_)) or a.dtype != bool
        b = np.asarray(other, dtype=a.dtype if same else np.int64)
    else:
        b = _bitwise_operand(other, op)
    return _ops._const(ufunc(a, b))


def bitwise_and(input: Any, other: Any) -> Any:
    """Element-wise AND of bool/integer tensors (``a & b``)."""
    return _bitwise(np.bitwise_and, input, other, "bitwise_and")


def bitwise_or(input: Any, other: Any) -> Any:
    """Element-wise OR of bool/integer tensors (``a | b``)."""
    return _bitwise(np.bitwise_or, input, other, "bitwise_or")


def bitwise_xor(input: Any, other: Any) -> Any:
    """Element-wise XOR of bool/integer tensors (``a ^ b``)."""
    return _bitwise(np.bitwise_xor, input, other, "bitwise_xor")


def bitwise_not(input: Any) -> Any:
    """Element-wise NOT of a bool/integer tensor (``~a``)."""
    a = _bitwise_operand(_tensor_arg(input, "bitwise_not"), "bitwise_not")
    return _ops._const(np.logical_not(a) if a.dtype == bool else np.invert(a))


# ---------------------------------------------------------------------------------------
# in-place forms
# ---------------------------------------------------------------------------------------


def inplace_view(t: Any, fn: Any, op: str) -> Any:
    """``t.unsqueeze_(d)`` and friends: ``t`` itself takes the new shape (same memory)."""
    _ops._check_leaf_inplace(t, op)
    if STATE.grad_enabled and t._requires_grad:
        result = fn(_f.Tensor._make(t._array, t.grad_fn, True))
        t._array, t.grad_fn = result._array, result.grad_fn
    else:
        prev = switch_grad_mode(False)
        try:
            t._array = fn(t.detach())._array
        finally:
            switch_grad_mode(prev)
    _f.bump_version(t)
    return t
