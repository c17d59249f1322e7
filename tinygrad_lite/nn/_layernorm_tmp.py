"""A minimal ``LayerNorm`` (PyTorch's names and init) for the Transformer layers, until the
normalisation layers module provides the full one."""

from __future__ import annotations

from typing import Any

from .. import factories
from ..tensor import Tensor
from .module import Module
from .parameter import Parameter

__all__ = ["LayerNorm"]


class LayerNorm(Module):
    """(x - mean) / √(var + eps) · weight + bias over the last ``len(normalized_shape)``
    dims (biased variance); weight starts at 1, bias at 0."""

    def __init__(self, normalized_shape: Any, eps: float = 1e-5, elementwise_affine: bool = True,
                 bias: bool = True, device: Any = None, dtype: Any = None) -> None:  # fmt: skip
        super().__init__()
        if isinstance(normalized_shape, int):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(factories.ones(self.normalized_shape, dtype=dtype))
            if bias:
                self.bias = Parameter(factories.zeros(self.normalized_shape, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, input: Tensor) -> Tensor:
        n = len(self.normalized_shape)
        if tuple(input.shape[-n:]) != self.normalized_shape:
            raise RuntimeError(
                f"layer_norm: expected input with shape [*, {', '.join(map(str, self.normalized_shape))}], "
                f"but got input of size {list(input.shape)}"
            )
        dims = tuple(range(-n, 0))
        mean = input.mean(dims, keepdim=True)
        centred = input - mean
        var = (centred * centred).mean(dims, keepdim=True)
        out = centred * (var + self.eps).rsqrt()
        if self.weight is not None:
            out = out * self.weight
        if self.bias is not None:
            out = out + self.bias
        return out

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")  # fmt: skip
