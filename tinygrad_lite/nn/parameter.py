"""``Parameter``: a Tensor that a Module registers as learnable (requires grad by default)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.function import version_counter
from ..tensor import Tensor

__all__ = ["Parameter"]


class Parameter(Tensor):
    """A leaf Tensor that is a Module's learnable weight.

    ``Parameter(t)`` shares ``t``'s array; ``requires_grad`` defaults to True.
    """

    __slots__ = ()

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        if data is None:
            array = np.zeros((0,), dtype=np.float32)
        elif isinstance(data, Tensor):
            array = data._array
        else:
            array = np.asarray(data)
        self._init_leaf(
            array, version_counter(data) if isinstance(data, Tensor) else None, requires_grad
        )

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()
