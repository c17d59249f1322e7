"""Convolution layers: ``Conv1d``, ``Conv2d``, ``ConvTranspose1d``, ``ConvTranspose2d``,
``Unfold``, ``Fold`` (PyTorch's names, arguments, parameter shapes and initialisation)."""

from __future__ import annotations

import math
from typing import Any

from .. import factories
from ..tensor import Tensor
from . import functional_conv as FC
from . import init
from .module import Module
from .parameter import Parameter

__all__ = ["Conv1d", "Conv2d", "ConvTranspose1d", "ConvTranspose2d", "Unfold", "Fold"]

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def _ntuple(value: Any, n: int, name: str) -> tuple:
    return FC._tuple(value, n, name, "Conv")


class _ConvNd(Module):
    """What every convolution layer shares: arguments, parameters, initialisation, repr.

    ``weight``: (out, in/groups, *kernel) — (in, out/groups, *kernel) when transposed;
    ``bias``: (out,). Both ~ U(-1/√fan_in, 1/√fan_in) (kaiming_uniform_ with a = √5).
    """

    _n = 2
    transposed = False

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, dilation: Any = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None,
                 output_padding: Any = 0) -> None:  # fmt: skip
        super().__init__()
        n = self._n
        name = type(self).__name__
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups:
            raise ValueError("out_channels must be divisible by groups")
        if padding_mode not in _PADDING_MODES:
            raise ValueError(
                f"padding_mode must be one of {list(_PADDING_MODES)}, but got "
                f"padding_mode='{padding_mode}'"
            )
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = _ntuple(kernel_size, n, "kernel_size")
        self.stride = _ntuple(stride, n, "stride")
        self.dilation = _ntuple(dilation, n, "dilation")
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(
                    f"Invalid padding string '{padding}', should be one of ['valid', 'same']"
                )
            if padding == "same" and any(s != 1 for s in self.stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
            self.padding: Any = padding
        else:
            self.padding = _ntuple(padding, n, "padding")
        self.output_padding = _ntuple(output_padding, n, "output_padding")
        self.groups = groups
        self.padding_mode = padding_mode
        if padding_mode != "zeros" and self.transposed:
            raise ValueError(f'Only "zeros" padding mode is supported for {name}')
        # F.pad's order: last dim first, (left, right) each
        if isinstance(self.padding, str):
            pads: list = []
            if self.padding == "same":
                for d, k in zip(reversed(self.dilation), reversed(self.kernel_size)):
                    total = d * (k - 1)
                    pads += [total // 2, total - total // 2]
            else:
                pads = [0, 0] * n
            self._reversed_padding_repeated_twice = pads
        else:
            self._reversed_padding_repeated_twice = [
                p for p in reversed(self.padding) for _ in "ab"
            ]
        shape = (
            (in_channels, out_channels // groups) if self.transposed
            else (out_channels, in_channels // groups)
        ) + self.kernel_size  # fmt: skip
        self.weight = Parameter(factories.empty(shape, dtype=dtype, device=device))
        if bias:
            self.bias = Parameter(factories.empty((out_channels,), dtype=dtype, device=device))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw fresh starting values (PyTorch's default scheme, see the class docstring)."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def extra_repr(self) -> str:
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}"
        s += f", stride={self.stride}"
        if self.padding != (0,) * self._n:
            s += f", padding={self.padding}"
        if self.dilation != (1,) * self._n:
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * self._n:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s

    def _padded(self, input: Tensor) -> Tensor:
        """``input`` padded by ``padding_mode`` (for modes other than zeros)."""
        mode = "circular" if self.padding_mode == "circular" else self.padding_mode
        return FC.pad_mode(input, self._reversed_padding_repeated_twice, mode)


class Conv1d(_ConvNd):
    """1-d convolution: (N, C_in, L) -> (N, C_out, L_out)."""

    _n = 1

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, dilation: Any = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:  # fmt: skip
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, device, dtype)  # fmt: skip

    def forward(self, input: Tensor) -> Tensor:
        if self.padding_mode != "zeros":
            return FC.conv1d(self._padded(input), self.weight, self.bias, self.stride, 0,
                             self.dilation, self.groups)  # fmt: skip
        return FC.conv1d(input, self.weight, self.bias, self.stride, self.padding,
                         self.dilation, self.groups)  # fmt: skip


class Conv2d(_ConvNd):
    """2-d convolution: (N, C_in, H, W) -> (N, C_out, H_out, W_out), H_out =
    ⌊(H + 2p - d·(k-1) - 1)/s⌋ + 1."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, dilation: Any = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:  # fmt: skip
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, device, dtype)  # fmt: skip

    def forward(self, input: Tensor) -> Tensor:
        p = self._parameters
        weight = p["weight"] if "weight" in p else self.weight
        bias = p["bias"] if "bias" in p else self.bias
        if self.padding_mode != "zeros":
            return FC.conv2d(self._padded(input), weight, bias, self.stride, 0, self.dilation,
                             self.groups)  # fmt: skip
        return FC.conv2d(input, weight, bias, self.stride, self.padding, self.dilation,
                         self.groups)  # fmt: skip


class _ConvTransposeNd(_ConvNd):
    transposed = True

    def _output_padding(self, input: Tensor, output_size: Any) -> tuple:
        """The output_padding that gives ``output_size`` (PyTorch's rule), else the layer's."""
        if output_size is None:
            return self.output_padding
        n = self._n
        size = tuple(int(v) for v in output_size)[-n:]
        if len(size) != n:
            raise ValueError(f"output_size must have {n} or {n + 2} elements (got {len(size)})")
        result = []
        for i in range(n):
            length = input.shape[input.ndim - n + i]
            low = (
                (length - 1) * self.stride[i]
                - 2 * self.padding[i]
                + self.dilation[i] * (self.kernel_size[i] - 1)
                + 1
            )
            if not low <= size[i] < low + self.stride[i]:
                raise ValueError(
                    f"requested an output size of {size}, but valid sizes range from {low} to "
                    f"{low + self.stride[i] - 1} (for an input of {list(input.shape)[2:]})"
                )
            result.append(size[i] - low)
        return tuple(result)


class ConvTranspose2d(_ConvTransposeNd):
    """Transposed 2-d convolution (the gradient of Conv2d in its input): (N, C_in, H, W) ->
    (N, C_out, (H-1)·s - 2p + d·(k-1) + output_padding + 1, ...). ``weight`` is (C_in,
    C_out/groups, kh, kw)."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, output_padding: Any = 0, groups: int = 1, bias: bool = True,
                 dilation: Any = 1, padding_mode: str = "zeros", device: Any = None,
                 dtype: Any = None) -> None:  # fmt: skip
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, device, dtype, output_padding)  # fmt: skip

    def forward(self, input: Tensor, output_size: Any = None) -> Tensor:
        op = self._output_padding(input, output_size)
        return FC.conv_transpose2d(input, self.weight, self.bias, self.stride, self.padding, op,
                                   self.groups, self.dilation)  # fmt: skip


class ConvTranspose1d(_ConvTransposeNd):
    """Transposed 1-d convolution: (N, C_in, L) -> (N, C_out, L_out)."""

    _n = 1

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, output_padding: Any = 0, groups: int = 1, bias: bool = True,
                 dilation: Any = 1, padding_mode: str = "zeros", device: Any = None,
                 dtype: Any = None) -> None:  # fmt: skip
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, device, dtype, output_padding)  # fmt: skip

    def forward(self, input: Tensor, output_size: Any = None) -> Tensor:
        op = self._output_padding(input, output_size)
        return FC.conv_transpose1d(input, self.weight, self.bias, self.stride, self.padding, op,
                                   self.groups, self.dilation)  # fmt: skip


class Unfold(Module):
    """Sliding windows as columns: (N, C, H, W) -> (N, C·kh·kw, L) (``F.unfold``)."""

    def __init__(self, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
                 stride: Any = 1) -> None:  # fmt: skip
        super().__init__()
        self.kernel_size, self.dilation, self.padding, self.stride = (
            kernel_size,
            dilation,
            padding,
            stride,
        )

    def forward(self, input: Tensor) -> Tensor:
        return FC.unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, dilation={self.dilation}, "
                f"padding={self.padding}, stride={self.stride}")  # fmt: skip


class Fold(Module):
    """Columns summed back into an image: (N, C·kh·kw, L) -> (N, C, *output_size)."""

    def __init__(self, output_size: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
                 stride: Any = 1) -> None:  # fmt: skip
        super().__init__()
        self.output_size, self.kernel_size = output_size, kernel_size
        self.dilation, self.padding, self.stride = dilation, padding, stride

    def forward(self, input: Tensor) -> Tensor:
        return FC.fold(input, self.output_size, self.kernel_size, self.dilation, self.padding,
                       self.stride)  # fmt: skip

    def extra_repr(self) -> str:
        return (f"output_size={self.output_size}, kernel_size={self.kernel_size}, "
                f"dilation={self.dilation}, padding={self.padding}, stride={self.stride}")  # fmt: skip
