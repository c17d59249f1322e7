"""Normalization layers: ``BatchNorm1d/2d``, ``LayerNorm``, ``GroupNorm``,
``InstanceNorm1d/2d`` (PyTorch's arguments, buffers, state-dict keys and train/eval rules)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import factories
from ..autograd.function import bump_version
from ..tensor import Tensor
from . import functional_norm as FN
from . import init
from .module import Module
from .parameter import Parameter

__all__ = [
    "BatchNorm1d", "BatchNorm2d", "LayerNorm", "GroupNorm", "InstanceNorm1d", "InstanceNorm2d",
]  # fmt: skip


def _register_affine(
    module: Module, shape: Any, make: bool, bias: bool, dtype: Any, device: Any = None
) -> None:
    """Register ``weight`` (ones) and ``bias`` (zeros, or None if not ``bias``) of ``shape``
    as parameters if ``make``, else both as None (PyTorch's names and state-dict keys)."""
    weight = Parameter(factories.ones(shape, dtype=dtype, device=device)) if make else None
    module.register_parameter("weight", weight)
    has_bias = make and bias
    module.register_parameter(
        "bias", Parameter(factories.zeros(shape, dtype=dtype, device=device)) if has_bias else None
    )


def _reset_affine(module: Module) -> None:
    """Weight back to ones and bias to zeros (those that exist)."""
    if module.weight is not None:
        init.ones_(module.weight)
    if module.bias is not None:
        init.zeros_(module.bias)


class _NormBase(Module):
    """``weight`` (ones) and ``bias`` (zeros, unless ``bias=False``) of shape (C,) if
    ``affine``; buffers
    ``running_mean`` (zeros), ``running_var`` (ones) and ``num_batches_tracked`` (int64)
    if ``track_running_stats``."""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, device: Any = None,
                 dtype: Any = None, *, bias: bool = True) -> None:  # fmt: skip
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        _register_affine(self, num_features, affine, bias, dtype, device)
        if track_running_stats:
            self.register_buffer("running_mean", factories.zeros(num_features, dtype=dtype))
            self.register_buffer("running_var", factories.ones(num_features, dtype=dtype))
            self.register_buffer(
                "num_batches_tracked", Tensor._make(np.zeros((), dtype=np.int64), None, False)
            )
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    def reset_running_stats(self) -> None:
        """Running mean 0, running variance 1, no batches tracked."""
        if self.track_running_stats:
            for name, value in (
                ("running_mean", 0),
                ("running_var", 1),
                ("num_batches_tracked", 0),
            ):
                buf = self._buffers[name]
                buf._array[...] = value
                bump_version(buf)

    def reset_parameters(self) -> None:
        """Reset the running statistics; weight to ones and bias to zeros."""
        self.reset_running_stats()
        _reset_affine(self)

    def _check_input_dim(self, input: Tensor) -> None:
        raise NotImplementedError

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")  # fmt: skip


class _BatchNorm(_NormBase):
    def forward(self, input: Tensor) -> Tensor:
        self._check_input_dim(input)
        factor = 0.0 if self.momentum is None else self.momentum
        b = self._buffers
        if self.training and self.track_running_stats and b["num_batches_tracked"] is not None:
            nbt = b["num_batches_tracked"]
            nbt._array[...] += 1
            bump_version(nbt)
            if self.momentum is None:  # a cumulative moving average
                factor = 1.0 / float(nbt._array)
        use_batch = self.training or (b["running_mean"] is None and b["running_var"] is None)
        keep = not self.training or self.track_running_stats
        return FN.batch_norm(
            input, b["running_mean"] if keep else None, b["running_var"] if keep else None,
            self._parameters["weight"], self._parameters["bias"], use_batch, factor, self.eps,
        )  # fmt: skip


class BatchNorm1d(_BatchNorm):
    """Batch normalization of (N, C) or (N, C, L) over the batch (and length) per channel."""

    def _check_input_dim(self, input: Tensor) -> None:
        if input.ndim not in (2, 3):
            raise ValueError(f"expected 2D or 3D input (got {input.ndim}D input)")


class BatchNorm2d(_BatchNorm):
    """Batch normalization of (N, C, H, W) over batch, height and width per channel."""

    def _check_input_dim(self, input: Tensor) -> None:
        if input.ndim != 4:
            raise ValueError(f"expected 4D input (got {input.ndim}D input)")


class _InstanceNorm(_NormBase):
    _dims = 2

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = False, track_running_stats: bool = False, device: Any = None,
                 dtype: Any = None, *, bias: bool = True) -> None:  # fmt: skip
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype,
                         bias=bias)  # fmt: skip

    def forward(self, input: Tensor) -> Tensor:
        d = self._dims
        if input.ndim not in (d + 1, d + 2):
            raise ValueError(f"expected {d + 1}D or {d + 2}D input (got {input.ndim}D input)")
        unbatched = input.ndim == d + 1
        x = input.unsqueeze(0) if unbatched else input
        if x.shape[1] != self.num_features and self.affine:
            raise ValueError(
                f"expected input's size at dim=1 to match num_features ({self.num_features}), "
                f"but got: {x.shape[1]}."
            )
        b = self._buffers
        out = FN.instance_norm(
            x, b["running_mean"], b["running_var"], self._parameters["weight"],
            self._parameters["bias"], self.training or not self.track_running_stats,
            0.1 if self.momentum is None else self.momentum, self.eps,
        )  # fmt: skip
        return out.squeeze(0) if unbatched else out


class InstanceNorm1d(_InstanceNorm):
    """Instance normalization of (N, C, L): each channel of each item over its length."""

    _dims = 1


class InstanceNorm2d(_InstanceNorm):
    """Instance normalization of (N, C, H, W): each channel of each item over H and W."""

    _dims = 2


class LayerNorm(Module):
    """Normalize over the last dims ``normalized_shape``; ``weight`` (ones) and ``bias``
    (zeros) of that shape if ``elementwise_affine`` (no bias if ``bias=False``)."""

    def __init__(self, normalized_shape: Any, eps: float = 1e-5, elementwise_affine: bool = True,
                 bias: bool = True, device: Any = None, dtype: Any = None) -> None:  # fmt: skip
        super().__init__()
        if isinstance(normalized_shape, int):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        _register_affine(self, self.normalized_shape, elementwise_affine, bias, dtype, device)

    def reset_parameters(self) -> None:
        _reset_affine(self)

    def forward(self, input: Tensor) -> Tensor:
        p = self._parameters
        return FN.layer_norm(input, self.normalized_shape, p["weight"], p["bias"], self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}")  # fmt: skip


class GroupNorm(Module):
    """Normalize (N, C, *) in ``num_groups`` groups of channels; per-channel ``weight``
    (ones) and ``bias`` (zeros) if ``affine``."""

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5, affine: bool = True,
                 device: Any = None, dtype: Any = None, *, bias: bool = True) -> None:  # fmt: skip
        super().__init__()
        if num_channels % num_groups:
            raise ValueError("num_channels must be divisible by num_groups")
        self.num_groups = num_groups
        self.num_channels = num_channels
        self.eps = eps
        self.affine = affine
        _register_affine(self, num_channels, affine, bias, dtype, device)

    def reset_parameters(self) -> None:
        _reset_affine(self)

    def forward(self, input: Tensor) -> Tensor:
        p = self._parameters
        return FN.group_norm(input, self.num_groups, p["weight"], p["bias"], self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
                f"bias={self.bias is not None}")  # fmt: skip
