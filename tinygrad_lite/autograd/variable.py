"""``autograd.Variable``, the legacy wrapper: since PyTorch 0.4 ``Variable(t)`` simply gives a
Tensor (``requires_grad`` as asked), and every Tensor counts as a Variable."""

from __future__ import annotations

from typing import Any

from . import function as _f


class _VariableMeta(type):
    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, _f.Tensor)


class Variable(metaclass=_VariableMeta):
    """``Variable(data, requires_grad=False)``: a Tensor sharing ``data``'s values."""

    def __new__(cls, data: Any = None, requires_grad: bool = False, volatile: bool = False) -> Any:
        from ..factories import tensor

        if data is None:
            data = []
        if isinstance(data, _f.Tensor):
            t = _f.Tensor._make(data._array, None, False)
        else:
            t = tensor(data)
        if requires_grad:
            t.requires_grad_(True)
        return t
