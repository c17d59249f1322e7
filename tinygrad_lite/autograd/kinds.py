"""Two kinds of primitive that add one rule to ``Primitive`` (see ``function.py``)."""

from __future__ import annotations

from typing import Any

from .. import dtypes as _dt
from . import function as _function
from .function import Primitive, _apply

__all__ = ["FloatOp", "ViewPrimitive"]


class FloatOp(Primitive):
    """A primitive of floating-point math (exp, sin, tanh, ...): integer and bool inputs run
    in the default float dtype, as in PyTorch (NumPy would pick float16 or float64)."""

    promotes = True

    @classmethod
    def run_forward(cls, node: Any, args: tuple) -> Any:
        x = args[0]
        if isinstance(x, _function.Tensor) and x._array.dtype.kind != "f":
            x = _function.Tensor._make(x._array.astype(_dt.get_default_dtype().numpy), None, False)
        return super().run_forward(node, (x, *args[1:]))


class ViewPrimitive(Primitive):
    """A primitive whose output may share its input's memory (reshape, permute, expand,
    basic indexing): the output shares the input's version counter, and ``views.py``
    remembers its base, so that in-place writes through it reach the base."""

    is_view = True

    @classmethod
    def apply(cls, *args: Any) -> Any:
        return _function.record_view(_apply(cls, *args), cls, args)
