"""PyTorch's legacy names that old scripts still use: the typed tensor classes
(``LongTensor([1, 2])``, ``FloatTensor(2, 3)``, ``x.type(torch.LongTensor)``), ``Size`` and
the type strings ``x.type()`` returns (``'torch.FloatTensor'``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from . import dtypes as _dt

__all__ = [
    "Size", "FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor", "IntTensor",
    "ShortTensor", "CharTensor", "ByteTensor", "BoolTensor", "type_name", "dtype_of_type",
]  # fmt: skip


class Size(tuple):
    """The shape of a tensor: a tuple of ints (``x.shape``, ``x.size()``), as ``torch.Size``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"tinygrad_lite.Size({list(self)})"

    def numel(self) -> int:
        """The number of elements a tensor of this shape holds."""
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, key: Any) -> Any:
        out = tuple.__getitem__(self, key)
        return Size(out) if isinstance(key, slice) else out

    def __add__(self, other: Any) -> Size:
        return Size(tuple.__add__(self, tuple(other)))


_TYPE_NAMES = {
    "float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor",
    "int64": "LongTensor", "int32": "IntTensor", "int16": "ShortTensor", "int8": "CharTensor",
    "uint8": "ByteTensor", "bool": "BoolTensor",
}  # fmt: skip
_TYPES_BY_NAME = {v: k for k, v in _TYPE_NAMES.items()}


def type_name(np_dtype: np.dtype) -> str:
    """``'torch.FloatTensor'`` for float32 and so on: the string ``x.type()`` returns."""
    return "torch." + _TYPE_NAMES.get(np.dtype(np_dtype).name, "Tensor")


class _TensorType(type):
    """The metaclass of the typed tensor classes: ``isinstance(x, LongTensor)`` is true for an
    int64 tensor, and calling the class builds a tensor of its dtype."""

    dtype_name: str

    def __instancecheck__(cls, obj: Any) -> bool:
        from .tensor import Tensor

        return isinstance(obj, Tensor) and obj._array.dtype.name == cls.dtype_name

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        from . import factories

        dtype = _dt.from_numpy_dtype(np.dtype(cls.dtype_name))
        device = kwargs.pop("device", None)
        if kwargs:
            raise TypeError(f"{cls.__name__}() got unexpected keyword arguments {sorted(kwargs)}")
        if args and all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in args):
            return factories.zeros(*args, dtype=dtype, device=device)  # the size form
        if len(args) > 1:
            raise TypeError(
                f"{cls.__name__}(): pass sizes as integers ({cls.__name__}(2, 3)) or one "
                f"sequence of data ({cls.__name__}([1, 2])), got {args!r}"
            )
        data = args[0] if args else []
        return factories.tensor(data, dtype=dtype, device=device)

    def __repr__(cls) -> str:
        return f"<class 'tinygrad_lite.{cls.__name__}'>"


def _typed(name: str) -> Any:
    return _TensorType(name, (), {"dtype_name": _TYPES_BY_NAME[name], "__slots__": ()})


FloatTensor = _typed("FloatTensor")
DoubleTensor = _typed("DoubleTensor")
HalfTensor = _typed("HalfTensor")
LongTensor = _typed("LongTensor")
IntTensor = _typed("IntTensor")
ShortTensor = _typed("ShortTensor")
CharTensor = _typed("CharTensor")
ByteTensor = _typed("ByteTensor")
BoolTensor = _typed("BoolTensor")


def dtype_of_type(t: Any) -> Any:
    """The dtype a ``x.type(...)`` argument names: a typed class, a type string
    (``'torch.LongTensor'``) or a dtype; None when it names none of them."""
    if isinstance(t, _TensorType):
        return np.dtype(t.dtype_name)
    if isinstance(t, str):
        name = t.rpartition(".")[2]
        if name in _TYPES_BY_NAME:
            return np.dtype(_TYPES_BY_NAME[name])
        raise ValueError(f"type(): invalid type {t!r}; use e.g. 'torch.LongTensor' or a dtype")
    return None
