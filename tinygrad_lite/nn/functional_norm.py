"""Normalization and channel dropout as functions (``F.batch_norm``, ``F.layer_norm``, ...).

Each is a composite of primitives (mean, subtract, multiply, rsqrt), so gradients of any
order come from the chain rule. Running statistics are updated in place on the buffers'
arrays, outside the tape, with the unbiased batch variance (as PyTorch).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .. import ops
from .. import random as _random
from ..autograd.function import bump_version
from ..primitives import Mul
from ..primitives_conv import BatchNorm
from ..tensor import Tensor

__all__ = [
    "batch_norm", "layer_norm", "group_norm", "instance_norm", "dropout1d", "dropout2d",
]  # fmt: skip


def _normalize(x: Tensor, dims: tuple, eps: float) -> Tensor:
    """(x - mean) / sqrt(var + eps) over ``dims`` (biased variance)."""
    mean = x.mean(dims, keepdim=True)
    xc = x - mean
    var = (xc * xc).mean(dims, keepdim=True)
    return xc * (var + eps).rsqrt()


def _channel_shape(x: Tensor) -> tuple:
    return (1, x.shape[1]) + (1,) * (x.ndim - 2)


def _update_running(buf: Tensor, value: np.ndarray, momentum: float) -> None:
    a = buf._array
    a *= 1.0 - momentum
    a += momentum * value.astype(a.dtype, copy=False)
    bump_version(buf)


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
               weight: Tensor | None = None, bias: Tensor | None = None, training: bool = False,
               momentum: float = 0.1, eps: float = 1e-5) -> Tensor:  # fmt: skip
    """Normalize each channel (dim 1) of (N, C, *) with the batch's statistics (training)
    or the running ones (eval); running stats move by ``momentum`` toward the batch's mean
    and unbiased variance. ``weight``/``bias`` (C,) scale and shift."""
    if input.ndim < 2:
        raise ValueError(f"batch_norm: expected at least 2D input, got {input.ndim}D input")
    c = input.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):  # fmt: skip
        if t is not None and tuple(t.shape) != (c,):
            raise RuntimeError(
                f"batch_norm: {name} should contain {c} elements not {int(np.prod(t.shape))}"
            )
    shape = _channel_shape(input)
    if training:
        count = input.numel() // c
        if count <= 1:
            raise ValueError(
                "Expected more than 1 value per channel when training, got input size "
                f"{list(input.shape)}"
            )
        if input._array.dtype.kind != "f":
            raise RuntimeError(f"batch_norm: input must be floating point, got {input.dtype}")
        stats: dict = {}
        out = BatchNorm.apply(input, weight, bias, eps, stats)
        if running_mean is not None:
            _update_running(running_mean, stats["mean"], momentum)
        if running_var is not None:
            _update_running(running_var, stats["var"] * (count / (count - 1)), momentum)
        return out
    else:
        if running_mean is None or running_var is None:
            raise RuntimeError("batch_norm: running_mean and running_var must be defined in eval "
                               "mode (or pass training=True)")  # fmt: skip
        rm = running_mean._array.reshape(shape)
        rstd = 1.0 / np.sqrt(running_var._array.reshape(shape) + eps)
        out = (input - rm.astype(input._array.dtype)) * rstd.astype(input._array.dtype)
    if weight is not None:
        out = out * weight.reshape(shape)
    if bias is not None:
        out = out + bias.reshape(shape)
    return out


def layer_norm(input: Tensor, normalized_shape: Sequence[int], weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:  # fmt: skip
    """Normalize over the last len(normalized_shape) dims, then scale by ``weight`` and
    shift by ``bias`` (both of shape ``normalized_shape``)."""
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    k = len(shape)
    if k == 0 or tuple(input.shape[input.ndim - k :]) != shape or input.ndim < k:
        raise RuntimeError(
            f"layer_norm: Given normalized_shape={list(shape)}, expected input with shape "
            f"[*, {', '.join(map(str, shape))}], but got input of size {list(input.shape)}"
        )
    out = _normalize(input, tuple(range(input.ndim - k, input.ndim)), eps)
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:  # fmt: skip
    """Split the C channels of (N, C, *) into ``num_groups`` groups and normalize each
    group of each item; ``weight``/``bias`` (C,) per channel."""
    if input.ndim < 2 or input.shape[1] % num_groups:
        raise RuntimeError(
            f"group_norm: Expected number of channels in input to be divisible by num_groups, "
            f"but got input of shape {list(input.shape)} and num_groups={num_groups}"
        )
    n, c = input.shape[:2]
    x = input.reshape((n, num_groups, -1))
    out = _normalize(x, (2,), eps).reshape(tuple(input.shape))
    shape = _channel_shape(input)
    if weight is not None:
        out = out * weight.reshape(shape)
    if bias is not None:
        out = out + bias.reshape(shape)
    return out


def instance_norm(input: Tensor, running_mean: Tensor | None = None,
                  running_var: Tensor | None = None, weight: Tensor | None = None,
                  bias: Tensor | None = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5) -> Tensor:  # fmt: skip
    """Normalize each channel of each item of (N, C, *) over its spatial dims."""
    if input.ndim < 3:
        raise ValueError(f"instance_norm: expected at least 3D input, got {input.ndim}D")
    n, c = input.shape[:2]
    dims = tuple(range(2, input.ndim))
    shape = _channel_shape(input)
    if use_input_stats:
        mean = input.mean(dims, keepdim=True)
        xc = input - mean
        var = (xc * xc).mean(dims, keepdim=True)
        out = xc * (var + eps).rsqrt()
        count = input.numel() // (n * c)
        if running_mean is not None:
            _update_running(running_mean, mean._array.reshape(n, c).mean(0), momentum)
        if running_var is not None:
            unbiased = var._array.reshape(n, c).mean(0) * (count / max(count - 1, 1))
            _update_running(running_var, unbiased, momentum)
    else:
        out = batch_norm(input, running_mean, running_var, None, None, False, momentum, eps)
    if weight is not None:
        out = out * weight.reshape(shape)
    if bias is not None:
        out = out + bias.reshape(shape)
    return out


def _channel_dropout(x: Tensor, p: float, training: bool, inplace: bool, batched_ndim: int,
                     op: str) -> Tensor:  # fmt: skip
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if x.ndim not in (batched_ndim - 1, batched_ndim):
        raise RuntimeError(
            f"{op}: Expected {batched_ndim - 1}D or {batched_ndim}D input, but received a "
            f"{x.ndim}D input of size {list(x.shape)}"
        )
    if not training or p == 0.0:
        return x
    lead = 2 if x.ndim == batched_ndim else 1
    mshape = tuple(x.shape[:lead]) + (1,) * (x.ndim - lead)
    dtype = x._array.dtype
    if p == 1.0:
        mask = np.zeros(mshape, dtype=dtype)
    else:
        keep = _random.rng().random(mshape, dtype=np.float32) >= p
        mask = keep.astype(dtype) * dtype.type(1.0 / (1.0 - p))
    if inplace:
        return ops.inplace(x, Mul, mask, op + "_")
    return x * mask


def dropout2d(
    input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False
) -> Tensor:
    """Zero whole channels of (N, C, H, W) (or (C, H, W)) with probability ``p`` in
    training, scaling the rest by 1/(1-p)."""
    return _channel_dropout(input, p, training, inplace, 4, "dropout2d")


def dropout1d(
    input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False
) -> Tensor:
    """Zero whole channels of (N, C, L) (or (C, L)) with probability ``p`` in training."""
    return _channel_dropout(input, p, training, inplace, 3, "dropout1d")
