"""Data types with PyTorch's names (``float32``, ``float64``, ``int64``, ``bool``, ...).

A ``DType`` wraps a NumPy dtype. The default floating dtype (float32) is per process, as
in PyTorch, and is what Python floats become.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

_py_float, _py_int, _py_bool = builtins.float, builtins.int, builtins.bool

__all__ = [
    "DType",
    "float16",
    "float32",
    "float64",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "bool_",
    "half",
    "float",
    "double",
    "short",
    "int",
    "long",
    "get_default_dtype",
    "set_default_dtype",
    "to_numpy_dtype",
    "from_numpy_dtype",
]


class DType:
    """A tensor element type; ``DType.numpy`` is the matching NumPy dtype."""

    __slots__ = ("name", "numpy", "is_floating_point", "itemsize")

    def __init__(self, name: str, np_dtype: Any) -> None:
        self.name = name
        self.numpy = np.dtype(np_dtype)
        self.is_floating_point = self.numpy.kind == "f"
        self.itemsize = self.numpy.itemsize

    def __repr__(self) -> str:
        return f"tinygrad_lite.{self.name}"

    def __reduce__(self) -> str:
        return self.name


float16 = half = DType("float16", np.float16)
float32 = float = DType("float32", np.float32)  # noqa: A001 - PyTorch's name
float64 = double = DType("float64", np.float64)
int8 = DType("int8", np.int8)
int16 = short = DType("int16", np.int16)
int32 = int = DType("int32", np.int32)  # noqa: A001 - PyTorch's name
int64 = long = DType("int64", np.int64)
uint8 = DType("uint8", np.uint8)
bool_ = DType("bool", np.bool_)

_BY_NUMPY = {
    d.numpy: d for d in (float16, float32, float64, int8, int16, int32, int64, uint8, bool_)
}
_DEFAULT = {"float": float32}


def get_default_dtype() -> DType:
    """The dtype Python floats and ``rand``/``zeros``/... produce (float32 unless changed)."""
    return _DEFAULT["float"]


def set_default_dtype(d: DType) -> None:
    """Set the default floating dtype; only float32 and float64 are allowed (as PyTorch)."""
    if d is None:  # (np.dtype(None) would be float64)
        raise TypeError("set_default_dtype: expected a floating dtype such as float32, got None")
    d = from_any(d)
    if d not in (float32, float64):
        raise TypeError(
            f"set_default_dtype: only floating types are supported as the default type, got {d}"
        )
    _DEFAULT["float"] = d


def from_numpy_dtype(np_dtype: np.dtype) -> DType:
    """Our ``DType`` for a NumPy dtype; a clear error for types we do not support."""
    try:
        return _BY_NUMPY[np_dtype]
    except KeyError:
        raise TypeError(
            f"unsupported NumPy dtype {np_dtype}; use one of "
            + ", ".join(str(k) for k in _BY_NUMPY)
        ) from None


def from_any(d: Any) -> DType:
    """Accept a ``DType``, a NumPy dtype/type, or the Python types ``float``/``int``/``bool``."""
    if isinstance(d, DType):
        return d
    if d is _py_float:
        return get_default_dtype()
    if d is _py_int:
        return int64
    if d is _py_bool:
        return bool_
    try:
        return from_numpy_dtype(np.dtype(d))
    except TypeError:
        raise TypeError(
            f"dtype must be a tinygrad_lite dtype such as tinygrad_lite.float32, got {d!r}"
        ) from None


def to_numpy_dtype(d: Any) -> np.dtype:
    """NumPy dtype for anything ``from_any`` accepts."""
    return from_any(d).numpy


# ---------------------------------------------------------------------------------------
# Type promotion (PyTorch's rules for the dtypes we have)
# ---------------------------------------------------------------------------------------

_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2}  # bool < integer < floating
_INT64 = np.dtype(np.int64)
_BOOL = np.dtype(np.bool_)


def _promote_within(dtypes: list) -> np.dtype:
    """The promoted dtype of tensors of one priority class: the highest category wins, and
    NumPy's promotion decides among the dtypes of that category (int8 + uint8 -> int16)."""
    top = builtins.max(_CATEGORY[d.kind] for d in dtypes)
    result = None
    for d in dtypes:
        if _CATEGORY[d.kind] == top:
            result = d if result is None else np.promote_types(result, d)
    return result


def result_type(*operands: Any) -> np.dtype:
    """The NumPy dtype PyTorch gives an op on ``operands`` (Tensors, arrays, Python or NumPy
    numbers; None is skipped): tensors with dims decide, then 0-d tensors, then numbers, and
    a later class only counts if its category (bool < int < float) is higher. A number of
    a higher category gives that category's default (int64, the default float dtype)."""
    dims, zero_d, numbers = [], [], -1
    for x in operands:
        if x is None:
            continue
        a = getattr(x, "_array", x)
        if type(a) is np.ndarray:
            (dims if a.ndim else zero_d).append(a.dtype)
        elif isinstance(a, (_py_bool, np.bool_)):
            numbers = builtins.max(numbers, 0)
        elif isinstance(a, (_py_int, np.integer)):
            numbers = builtins.max(numbers, 1)
        elif isinstance(a, (_py_float, np.floating)):
            numbers = builtins.max(numbers, 2)
        else:  # (a public function given a non-tensor: PyTorch's TypeError names it)
            from ._argcheck import clear_error_here

            raise clear_error_here(2) or TypeError(
                f"result_type: cannot promote a {type(a).__name__}: an op on tensors takes "
                "Tensors and numbers (make one with tinygrad_lite.tensor(...))"
            )
    result = _promote_within(dims) if dims else None
    if zero_d:
        z = _promote_within(zero_d)
        if result is None or _CATEGORY[z.kind] > _CATEGORY[result.kind]:
            result = z
    if numbers >= 0 and (result is None or numbers > _CATEGORY[result.kind]):
        result = (_BOOL, _INT64, get_default_dtype().numpy)[numbers]
    if result is None:
        raise TypeError("result_type: no operands")
    return result
