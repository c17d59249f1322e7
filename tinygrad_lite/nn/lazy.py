"""Lazy modules: ``LazyLinear``, ``LazyConv2d``, ``LazyBatchNorm1d/2d`` infer their input
size from the first batch they see.

Until then their weights are ``UninitializedParameter`` objects (buffers:
``UninitializedBuffer``). Materializing one fills the *same* object in place and turns it
into a plain ``Parameter``, so an optimizer built before the first forward holds the right
objects and steps them. ``load_state_dict`` into a lazy module materializes each entry to
the checkpoint's shape. After its first forward a lazy module becomes the ordinary class
(``LazyLinear`` -> ``Linear``), as in PyTorch.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import dtypes as _dt
from ..tensor import Tensor
from .conv import Conv2d
from .linear import Linear
from .normalization import BatchNorm1d, BatchNorm2d
from .parameter import Parameter

__all__ = [
    "UninitializedParameter", "UninitializedBuffer", "LazyLinear", "LazyConv2d",
    "LazyBatchNorm1d", "LazyBatchNorm2d",
]  # fmt: skip


def _np_dtype(dtype: Any) -> np.dtype:
    return np.dtype(np.float32 if dtype is None else _dt.to_numpy_dtype(dtype))


class _Uninitialized:
    """What both placeholders share: no values yet; ``materialize`` gives them a shape."""

    __slots__ = ()
    is_uninitialized = True  # (read by Module.load_state_dict)
    cls_to_become: type = Tensor

    def materialize(self, shape: Any, device: Any = None, dtype: Any = None) -> None:
        """Give this placeholder ``shape`` (uninitialized values) and make it a plain
        ``Parameter``/``Tensor``, in place (the same object)."""
        shape = (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(shape)
        target = self._array.dtype if dtype is None else _np_dtype(dtype)
        self._array = np.empty(shape, dtype=target)
        self.__class__ = self.cls_to_become

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    @property
    def shape(self) -> Any:
        raise RuntimeError(
            "Can't access the shape of an uninitialized parameter or buffer. This error usually "
            "happens in `load_state_dict` when trying to load an uninitialized parameter into an "
            "initialized one. Call `forward` to initialize the parameters before accessing their "
            "attributes."
        )


class UninitializedParameter(_Uninitialized, Parameter):
    """A Parameter with no shape yet (a lazy module's weight before its first forward)."""

    __slots__ = ()
    cls_to_become = Parameter

    def __init__(self, requires_grad: bool = True, device: Any = None, dtype: Any = None) -> None:
        super().__init__(np.empty((0,), dtype=_np_dtype(dtype)), requires_grad)


class UninitializedBuffer(_Uninitialized, Tensor):
    """A buffer with no shape yet (a lazy batch norm's running statistics)."""

    __slots__ = ()
    cls_to_become = Tensor

    def __init__(self, requires_grad: bool = False, device: Any = None, dtype: Any = None) -> None:
        self._init_leaf(np.empty((0,), dtype=_np_dtype(dtype)), None, requires_grad)


class _LazyMixin:
    """Materialize on the first forward (a forward pre-hook), then become ``cls_to_become``."""

    cls_to_become: type

    def _lazy_setup(self) -> None:
        self._lazy_hook = self.register_forward_pre_hook(_infer_parameters)

    def has_uninitialized_params(self) -> bool:
        """True while any parameter or buffer of this module is still a placeholder."""
        entries = list(self._parameters.values()) + list(self._buffers.values())
        return any(isinstance(t, _Uninitialized) for t in entries)

    def initialize_parameters(self, input: Tensor) -> None:  # pragma: no cover (abstract)
        raise NotImplementedError


def _infer_parameters(module: Any, args: tuple) -> None:
    if module.has_uninitialized_params():
        if not args or not isinstance(args[0], Tensor):
            raise RuntimeError(
                f"{type(module).__name__}: the first call must get an input Tensor, from which "
                "the missing sizes are inferred"
            )
        module.initialize_parameters(args[0])
    if not module.has_uninitialized_params():
        module._lazy_hook.remove()
        del module.__dict__["_lazy_hook"]
        module.__class__ = module.cls_to_become


class LazyLinear(_LazyMixin, Linear):
    """``Linear`` whose ``in_features`` is the last dim of the first input."""

    cls_to_become = Linear

    def __init__(self, out_features: int, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:  # fmt: skip
        super().__init__(0, 0, False, device, dtype)
        self.out_features = out_features
        self.weight = UninitializedParameter(dtype=dtype)
        if bias:
            self.bias = UninitializedParameter(dtype=dtype)
        self._lazy_setup()

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.in_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input: Tensor) -> None:
        self.in_features = input.shape[-1]
        self.weight.materialize((self.out_features, self.in_features))
        if isinstance(self._parameters.get("bias"), _Uninitialized):
            self.bias.materialize((self.out_features,))
        self.reset_parameters()


class LazyConv2d(_LazyMixin, Conv2d):
    """``Conv2d`` whose ``in_channels`` is dim 1 of the first input."""

    cls_to_become = Conv2d

    def __init__(self, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 dilation: Any = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:  # fmt: skip
        super().__init__(0, 0, kernel_size, stride, padding, dilation, groups, False,
                         padding_mode, device, dtype)  # fmt: skip
        self.out_channels = out_channels
        self.weight = UninitializedParameter(dtype=dtype)
        if bias:
            self.bias = UninitializedParameter(dtype=dtype)
        self._lazy_setup()

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.in_channels != 0:
            super().reset_parameters()

    def initialize_parameters(self, input: Tensor) -> None:
        self.in_channels = input.shape[1] if input.ndim == 4 else input.shape[0]
        if self.in_channels % self.groups:
            raise ValueError("in_channels must be divisible by groups")
        shape = (self.out_channels, self.in_channels // self.groups) + self.kernel_size
        self.weight.materialize(shape)
        if isinstance(self._parameters.get("bias"), _Uninitialized):
            self.bias.materialize((self.out_channels,))
        self.reset_parameters()


class _LazyBatchNorm(_LazyMixin):
    def _lazy_init(self, affine: bool, track_running_stats: bool, dtype: Any, bias: bool) -> None:
        if affine:
            self.weight = UninitializedParameter(dtype=dtype)
            if bias:
                self.bias = UninitializedParameter(dtype=dtype)
        if track_running_stats:
            self._buffers["running_mean"] = UninitializedBuffer(dtype=dtype)
            self._buffers["running_var"] = UninitializedBuffer(dtype=dtype)
        self._lazy_setup()

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.num_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input: Tensor) -> None:
        self.num_features = input.shape[1]
        for name in ("weight", "bias"):
            if isinstance(self._parameters.get(name), _Uninitialized):
                self._parameters[name].materialize((self.num_features,))
        for name in ("running_mean", "running_var"):
            if isinstance(self._buffers.get(name), _Uninitialized):
                self._buffers[name].materialize((self.num_features,))
        self.reset_parameters()


class LazyBatchNorm1d(_LazyBatchNorm, BatchNorm1d):
    """``BatchNorm1d`` whose ``num_features`` is dim 1 of the first input."""

    cls_to_become = BatchNorm1d

    def __init__(self, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, device: Any = None, dtype: Any = None, *,
                 bias: bool = True) -> None:  # fmt: skip
        super().__init__(0, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)
        self._lazy_init(affine, track_running_stats, dtype, bias)


class LazyBatchNorm2d(_LazyBatchNorm, BatchNorm2d):
    """``BatchNorm2d`` whose ``num_features`` is dim 1 of the first input."""

    cls_to_become = BatchNorm2d

    def __init__(self, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, device: Any = None, dtype: Any = None, *,
                 bias: bool = True) -> None:  # fmt: skip
        super().__init__(0, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)
        self._lazy_init(affine, track_running_stats, dtype, bias)
