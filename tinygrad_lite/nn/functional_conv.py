"""Convolution, pooling and resampling as functions (``F.conv2d``, ``F.max_pool2d``, ...).

Argument checking and PyTorch's conventions (int-or-tuple sizes, ``padding="same"``,
unbatched inputs, output sizes with ``ceil_mode``) live here; the arithmetic is the
primitives of ``primitives_conv`` (conv, its two VJPs, unfold/fold, plane gather/scatter)
or matrix products with constant matrices (adaptive average pooling, interpolation), so
every function is differentiable twice. 1-d forms run the 2-d code on a height of 1.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import ops
from .. import primitives_conv as P
from ..tensor import Tensor

__all__ = [
    "conv1d", "conv2d", "conv_transpose1d", "conv_transpose2d", "unfold", "fold",
    "max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d", "adaptive_avg_pool1d",
    "adaptive_avg_pool2d", "adaptive_max_pool1d", "adaptive_max_pool2d", "max_unpool2d",
    "pixel_shuffle", "pixel_unshuffle", "interpolate", "upsample", "pad_mode",
]  # fmt: skip


# ---------------------------------------------------------------------------------------
# argument helpers
# ---------------------------------------------------------------------------------------


def _tuple(value: Any, n: int, name: str, op: str) -> tuple:
    """An int or a sequence of ``n`` ints as a tuple of ``n`` ints (PyTorch's _pair)."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return (int(value),) * n
    if isinstance(value, (tuple, list)) and len(value) == 1:
        return (int(value[0]),) * n
    if isinstance(value, (tuple, list)) and len(value) == n:
        return tuple(int(v) for v in value)
    raise ValueError(f"{op}: {name} must be an int or a tuple of {n} ints, got {value!r}")


def _as_tensor(x: Any, op: str) -> Tensor:
    if isinstance(x, Tensor):
        return x
    raise TypeError(f"{op}(): argument 'input' must be Tensor, not {type(x).__name__}")


def _check_float(x: Tensor, op: str, name: str = "input") -> None:
    if x._array.dtype.kind != "f":
        raise RuntimeError(
            f"{op}: {name} must be a floating point tensor, got dtype {x.dtype}; convert it "
            "with .float()"
        )


def _batched(x: Tensor, spatial: int, op: str) -> tuple[Tensor, bool]:
    """``x`` with a batch dim (PyTorch accepts (C, *spatial) unbatched input); was it added?"""
    if x.ndim == spatial + 2:
        return x, False
    if x.ndim == spatial + 1:
        return x.unsqueeze(0), True
    raise RuntimeError(
        f"{op}: Expected {spatial + 1}D (unbatched) or {spatial + 2}D (batched) input, but got "
        f"input of size: {list(x.shape)}"
    )


def _to_2d(x: Tensor) -> Tensor:
    """(N, C, L) -> (N, C, 1, L)."""
    return x.unsqueeze(2)


# ---------------------------------------------------------------------------------------
# convolution
# ---------------------------------------------------------------------------------------


def _conv_pads(padding: Any, k: tuple, dilation: tuple, stride: tuple, op: str) -> tuple:
    """``padding`` (int, tuple, "same", "valid") as (top, bottom, left, right)."""
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0, 0, 0)
        if padding == "same":
            if any(s != 1 for s in stride):
                raise ValueError(f"{op}: padding='same' is not supported for strided convolutions")
            pads = []
            for kk, d in zip(k, dilation):
                total = d * (kk - 1)
                pads += [total // 2, total - total // 2]  # the odd one out on the right
            return tuple(pads)
        raise ValueError(
            f"{op}: Invalid padding string {padding!r}, should be one of {{'valid', 'same'}}"
        )
    ph, pw = _tuple(padding, 2, "padding", op)
    if ph < 0 or pw < 0:
        raise RuntimeError(f"{op}: negative padding is not supported, got {padding!r}")
    return (ph, ph, pw, pw)


def _check_conv(x: Tensor, w: Tensor, b: Any, groups: int, op: str, transposed: bool) -> None:
    _check_float(x, op)
    if not isinstance(w, Tensor):
        raise TypeError(f"{op}(): argument 'weight' must be Tensor, not {type(w).__name__}")
    if w.ndim != x.ndim:
        raise RuntimeError(
            f"{op}: weight must have {x.ndim} dims (out_channels, in_channels/groups, *kernel), "
            f"got weight of size {list(w.shape)} for input of size {list(x.shape)}"
        )
    if x._array.dtype != w._array.dtype or (b is not None and b._array.dtype != x._array.dtype):
        names = f"input {x.dtype}, weight {w.dtype}" + ("" if b is None else f", bias {b.dtype}")
        raise RuntimeError(
            f"{op}: input, weight and bias must have the same dtype, got {names}; convert "
            "with .to(dtype)"
        )
    if groups < 1:
        raise RuntimeError(f"{op}: non-positive groups is not supported, got groups={groups}")
    c = x.shape[1]
    if transposed:
        if w.shape[0] != c:
            raise RuntimeError(
                f"{op}: Given transposed=1, weight of size {list(w.shape)}, expected input"
                f"{list(x.shape)} to have {w.shape[0]} channels, but got {c} channels instead"
            )
        out = w.shape[1] * groups
        if c % groups:
            raise RuntimeError(f"{op}: in_channels ({c}) must be divisible by groups ({groups})")
    else:
        if w.shape[1] * groups != c:
            raise RuntimeError(
                f"{op}: Given groups={groups}, weight of size {list(w.shape)}, expected input"
                f"{list(x.shape)} to have {w.shape[1] * groups} channels, but got {c} channels "
                "instead"
            )
        out = w.shape[0]
        if out % groups:
            raise RuntimeError(f"{op}: out_channels ({out}) must be divisible by groups ({groups})")
    if b is not None and tuple(b.shape) != (out,):
        raise RuntimeError(
            f"{op}: Given weight of size {list(w.shape)}, expected bias to be 1-dimensional "
            f"with {out} elements, but got bias of size {list(b.shape)} instead"
        )


def _conv2d(x: Tensor, w: Tensor, b: Any, stride: Any, padding: Any, dilation: Any,
            groups: int, op: str) -> Tensor:  # fmt: skip
    k = tuple(w.shape[2:])
    stride = _tuple(stride, 2, "stride", op)
    dilation = _tuple(dilation, 2, "dilation", op)
    if min(stride) < 1 or min(dilation) < 1:
        raise RuntimeError(f"{op}: stride and dilation must be positive, got {stride}, {dilation}")
    pads = _conv_pads(padding, k, dilation, stride, op)
    h, wd = x.shape[2:]
    hp, wp = h + pads[0] + pads[1], wd + pads[2] + pads[3]
    eh, ew = dilation[0] * (k[0] - 1) + 1, dilation[1] * (k[1] - 1) + 1
    if hp < eh or wp < ew:
        raise RuntimeError(
            f"{op}: Calculated padded input size per channel: ({hp} x {wp}). Kernel size: "
            f"({eh} x {ew}). Kernel size can't be greater than actual input size"
        )
    return P.Conv2d.apply(x, w, b, (stride, pads, dilation, groups))


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Tensor:  # fmt: skip
    """2-d cross-correlation: input (N, C, H, W) or (C, H, W), weight (O, C/groups, kh, kw),
    bias (O,) -> (N, O, H', W'). ``padding``: int, pair, "valid" or "same" (stride 1)."""
    x = _as_tensor(input, "conv2d")
    x, added = _batched(x, 2, "conv2d")
    _check_conv(x, weight, bias, groups, "conv2d", False)
    out = _conv2d(x, weight, bias, stride, padding, dilation, groups, "conv2d")
    return out.squeeze(0) if added else out


def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Tensor:  # fmt: skip
    """1-d cross-correlation: input (N, C, L) or (C, L), weight (O, C/groups, k) -> (N, O, L')."""
    x = _as_tensor(input, "conv1d")
    x, added = _batched(x, 1, "conv1d")
    _check_conv(x, weight, bias, groups, "conv1d", False)
    if isinstance(padding, str):
        pad2: Any = padding
    else:
        pad2 = (0, _tuple(padding, 1, "padding", "conv1d")[0])
    s = (1, _tuple(stride, 1, "stride", "conv1d")[0])
    d = (1, _tuple(dilation, 1, "dilation", "conv1d")[0])
    out = _conv2d(_to_2d(x), _to_2d(weight), bias, s, pad2, d, groups, "conv1d").squeeze(2)
    return out.squeeze(0) if added else out


def _conv_transpose2d(x: Tensor, w: Tensor, b: Any, stride: tuple, padding: tuple,
                      output_padding: tuple, groups: int, dilation: tuple, op: str) -> Tensor:  # fmt: skip
    k = tuple(w.shape[2:])
    for s, d, p in zip(stride, dilation, output_padding):
        if p >= s and p >= d:
            raise RuntimeError(
                f"{op}: output padding must be smaller than either stride or dilation, got "
                f"output_padding={output_padding}, stride={stride}, dilation={dilation}"
            )
        if p >= s:
            raise NotImplementedError(
                f"{op}: output_padding >= stride (here {output_padding} and {stride}) is not "
                "supported; use a larger stride or crop/pad the result"
            )
    hw = tuple(
        (n - 1) * s - 2 * p + d * (kk - 1) + op_ + 1
        for n, s, p, d, kk, op_ in zip(x.shape[2:], stride, padding, dilation, k, output_padding)
    )
    if min(hw) < 1:
        raise RuntimeError(f"{op}: the output size {hw} is too small (non-positive)")
    pads = (padding[0], padding[0], padding[1], padding[1])
    out = P.ConvInput.apply(x, w, hw, (stride, pads, dilation, groups))
    if b is not None:
        out = out + b.reshape((1, -1, 1, 1))
    return out


def conv_transpose2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
                     padding: Any = 0, output_padding: Any = 0, groups: int = 1,
                     dilation: Any = 1) -> Tensor:  # fmt: skip
    """Transposed 2-d convolution (the VJP of conv2d in its input): input (N, C_in, H, W),
    weight (C_in, C_out/groups, kh, kw) -> (N, C_out, (H-1)·s - 2p + d·(k-1) + op + 1, ...)."""
    op = "conv_transpose2d"
    x = _as_tensor(input, op)
    x, added = _batched(x, 2, op)
    _check_conv(x, weight, bias, groups, op, True)
    out = _conv_transpose2d(
        x, weight, bias, _tuple(stride, 2, "stride", op), _tuple(padding, 2, "padding", op),
        _tuple(output_padding, 2, "output_padding", op), groups,
        _tuple(dilation, 2, "dilation", op), op,
    )  # fmt: skip
    return out.squeeze(0) if added else out


def conv_transpose1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
                     padding: Any = 0, output_padding: Any = 0, groups: int = 1,
                     dilation: Any = 1) -> Tensor:  # fmt: skip
    """Transposed 1-d convolution: input (N, C_in, L), weight (C_in, C_out/groups, k)."""
    op = "conv_transpose1d"
    x = _as_tensor(input, op)
    x, added = _batched(x, 1, op)
    _check_conv(x, weight, bias, groups, op, True)

    def one(v: Any, name: str) -> tuple:
        return (0, _tuple(v, 1, name, op)[0])

    out = _conv_transpose2d(
        _to_2d(x), _to_2d(weight), bias, (1, _tuple(stride, 1, "stride", op)[0]),
        one(padding, "padding"), one(output_padding, "output_padding"), groups,
        (1, _tuple(dilation, 1, "dilation", op)[0]), op,
    ).squeeze(2)  # fmt: skip
    return out.squeeze(0) if added else out


# ---------------------------------------------------------------------------------------
# unfold / fold
# ---------------------------------------------------------------------------------------


def _fold_spec(kernel_size: Any, dilation: Any, padding: Any, stride: Any, op: str) -> tuple:
    k = _tuple(kernel_size, 2, "kernel_size", op)
    d = _tuple(dilation, 2, "dilation", op)
    p = _tuple(padding, 2, "padding", op)
    s = _tuple(stride, 2, "stride", op)
    if min(k) < 1 or min(d) < 1 or min(s) < 1 or min(p) < 0:
        raise RuntimeError(
            f"{op}: kernel_size, dilation and stride must be positive and padding non-negative, "
            f"got kernel_size={k}, dilation={d}, padding={p}, stride={s}"
        )
    return k, (s, (p[0], p[0], p[1], p[1]), d, 1)


def unfold(input: Tensor, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
           stride: Any = 1) -> Tensor:  # fmt: skip
    """The sliding windows as columns: (N, C, H, W) -> (N, C·kh·kw, L), L windows."""
    x = _as_tensor(input, "unfold")
    x, added = _batched(x, 2, "unfold")
    k, spec = _fold_spec(kernel_size, dilation, padding, stride, "unfold")
    (s, pads, d, _) = spec
    oh = P.out_size(x.shape[2], k[0], s[0], pads[0], pads[1], d[0])
    ow = P.out_size(x.shape[3], k[1], s[1], pads[2], pads[3], d[1])
    if oh < 1 or ow < 1:
        raise RuntimeError(
            f"unfold: the kernel {k} (dilation {d}) does not fit the padded input of size "
            f"{list(x.shape)} (padding {spec[1][0::2]})"
        )
    out = P.Im2Col.apply(x, k, spec)
    return out.squeeze(0) if added else out


def fold(input: Tensor, output_size: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
         stride: Any = 1) -> Tensor:  # fmt: skip
    """Sum columns back into an image: (N, C·kh·kw, L) -> (N, C, *output_size) (unfold's
    adjoint; overlapping entries add up)."""
    x = _as_tensor(input, "fold")
    added = x.ndim == 2
    if added:
        x = x.unsqueeze(0)
    if x.ndim != 3:
        raise RuntimeError(
            f"fold: Expected 2D or 3D (batch mode) tensor for input, got size {list(x.shape)}"
        )
    hw = _tuple(output_size, 2, "output_size", "fold")
    k, spec = _fold_spec(kernel_size, dilation, padding, stride, "fold")
    (s, pads, d, _) = spec
    kk = k[0] * k[1]
    oh = P.out_size(hw[0], k[0], s[0], pads[0], pads[1], d[0])
    ow = P.out_size(hw[1], k[1], s[1], pads[2], pads[3], d[1])
    if x.shape[1] % kk or oh * ow != x.shape[2] or oh < 1 or ow < 1:
        raise RuntimeError(
            f"fold: input of size {list(x.shape)} does not match: dim 1 must be divisible by "
            f"kh·kw = {kk} and dim 2 must be the number of windows {max(oh, 0) * max(ow, 0)} for "
            f"output_size={hw}, kernel_size={k}, dilation={d}, padding={spec[1][0::2]}, "
            f"stride={s}"
        )
    out = P.Col2Im.apply(x, hw, k, spec)
    return out.squeeze(0) if added else out


# ---------------------------------------------------------------------------------------
# padding modes
# ---------------------------------------------------------------------------------------


def _mode_index(n: int, before: int, after: int, mode: str, op: str) -> np.ndarray:
    """Source positions of a dim of size ``n`` padded by ``before``/``after`` in ``mode``."""
    i = np.arange(-before, n + after)
    if mode == "reflect":
        if before >= n or after >= n:
            raise RuntimeError(
                f"{op}: Padding size should be less than the corresponding input dimension, "
                f"but got: padding ({before}, {after}) at dimension of size {n}"
            )
        i = np.abs(i)
        return np.where(i >= n, 2 * (n - 1) - i, i)
    if mode == "replicate":
        return np.clip(i, 0, n - 1)
    if mode == "circular":
        if before > n or after > n:
            raise RuntimeError(
                f"{op}: Padding value causes wrapping around more than once: padding "
                f"({before}, {after}) at dimension of size {n}"
            )
        return i % n
    raise NotImplementedError(
        f"{op}: padding mode {mode!r} is not supported; use 'constant', 'reflect', "
        "'replicate' or 'circular'"
    )


def pad_mode(input: Tensor, pad: Sequence[int], mode: str) -> Tensor:
    """``F.pad`` for mode 'reflect' | 'replicate' | 'circular': ``pad = (left_last,
    right_last, left_2nd_last, ...)``; pads the last len(pad)//2 dims by gathering entries."""
    if len(pad) % 2 or len(pad) // 2 > input.ndim - 1:
        raise ValueError(
            f"pad: padding length must be even and pad at most input.ndim - 1 dims for mode "
            f"{mode!r}, got {len(pad)} for input of size {list(input.shape)}"
        )
    out = input
    for i in range(len(pad) // 2):
        dim = input.ndim - 1 - i
        before, after = int(pad[2 * i]), int(pad[2 * i + 1])
        if before < 0 or after < 0:
            raise NotImplementedError("pad: negative padding is supported only in 'constant' mode")
        if before == 0 and after == 0:
            continue
        idx = _mode_index(out.shape[dim], before, after, mode, "pad")
        out = out[(slice(None),) * dim + (idx,)]
    return out


# ---------------------------------------------------------------------------------------
# pooling
# ---------------------------------------------------------------------------------------


def _pool_len(n: int, k: int, s: int, p: int, d: int, ceil: bool) -> int:
    """Output length of a pooling window (PyTorch's rule: with ``ceil_mode`` the last window
    must start inside the input or its left padding)."""
    num = n + 2 * p - d * (k - 1) - 1
    out = (num + (s - 1 if ceil else 0)) // s + 1
    if ceil and (out - 1) * s >= n + p:
        out -= 1
    return out


def _pool_args(x: Tensor, kernel_size: Any, stride: Any, padding: Any, dilation: Any,
               ceil_mode: bool, op: str) -> tuple:  # fmt: skip
    """(k, s, p, d, (OH, OW), pads incl. the extra right padding of ceil_mode)."""
    k = _tuple(kernel_size, 2, "kernel_size", op)
    s = (
        k
        if stride is None or (isinstance(stride, (list, tuple)) and not stride)
        else _tuple(stride, 2, "stride", op)
    )
    p = _tuple(padding, 2, "padding", op)
    d = _tuple(dilation, 2, "dilation", op)
    if min(k) < 1 or min(s) < 1 or min(d) < 1:
        raise RuntimeError(
            f"{op}: kernel_size, stride and dilation must be greater than zero, got "
            f"kernel_size={k}, stride={s}, dilation={d}"
        )
    if any(pp < 0 or pp > kk // 2 for pp, kk in zip(p, k)):
        raise RuntimeError(
            f"{op}: pad should be at most half of effective kernel size, but got pad={p}, "
            f"kernel_size={k}"
        )
    h, w = x.shape[2:]
    oh, ow = (_pool_len(n, kk, ss, pp, dd, ceil_mode) for n, kk, ss, pp, dd in
              zip((h, w), k, s, p, d))  # fmt: skip
    if oh < 1 or ow < 1:
        raise RuntimeError(
            f"{op}: Given input size: ({x.shape[1]}x{h}x{w}). Calculated output size: "
            f"({x.shape[1]}x{oh}x{ow}). Output size is too small"
        )
    extra_h = max(0, (oh - 1) * s[0] + d[0] * (k[0] - 1) + 1 - (h + 2 * p[0]))
    extra_w = max(0, (ow - 1) * s[1] + d[1] * (k[1] - 1) + 1 - (w + 2 * p[1]))
    pads = (p[0], p[0] + extra_h, p[1], p[1] + extra_w)
    return k, s, p, d, (oh, ow), pads


def _max_indices(xa: np.ndarray, k: tuple, s: tuple, d: tuple, pads: tuple) -> np.ndarray:
    """Flat plane index (row·W + col in the unpadded input) of each window's maximum."""
    n, c, h, w = xa.shape
    fill = -np.inf if xa.dtype.kind == "f" else np.iinfo(xa.dtype).min
    view = P.windows(P._padded(xa, pads, fill), k, s, d)  # (N, C, kh, kw, OH, OW)
    oh, ow = view.shape[4:]
    flat = view.reshape(n, c, k[0] * k[1], oh, ow)  # (one copy)
    pos = np.argmax(flat, axis=2)  # the first maximum; NaN wins, as in PyTorch
    small = np.int32 if h * w < 2**31 else np.int64  # (half the memory of int64)
    ki, kj = np.divmod(pos.astype(small, copy=False), small(k[1]))
    rows = ki * small(d[0]) + (np.arange(oh, dtype=small) * s[0] - pads[0]).reshape(oh, 1)
    rows *= small(w)
    rows += kj * small(d[1])
    rows += np.arange(ow, dtype=small) * s[1] - pads[2]
    return rows


def _max_pool2d(x: Tensor, kernel_size: Any, stride: Any, padding: Any, dilation: Any,
                ceil_mode: bool, op: str) -> tuple[Tensor, np.ndarray]:  # fmt: skip
    k, s, p, d, _, pads = _pool_args(x, kernel_size, stride, padding, dilation, ceil_mode, op)
    idx = _max_indices(x._array, k, s, d, pads)
    unique = s[0] >= d[0] * (k[0] - 1) + 1 and s[1] >= d[1] * (k[1] - 1) + 1  # no overlap
    return P.PlaneGather.apply(x, idx, unique), idx


def max_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False) -> Any:  # fmt: skip
    """The maximum of each (dilated) window: (N, C, H, W) -> (N, C, H', W'); with
    ``return_indices`` also the int64 flat index (row·W + col) of each maximum."""
    x = _as_tensor(input, "max_pool2d")
    x, added = _batched(x, 2, "max_pool2d")
    out, idx = _max_pool2d(x, kernel_size, stride, padding, dilation, ceil_mode, "max_pool2d")
    if added:
        out, idx = out.squeeze(0), idx[0]
    if return_indices:
        return out, Tensor._make(idx.astype(np.int64, copy=False), None, False)
    return out


def _one(v: Any, name: str, op: str, fill: int) -> tuple:
    return (fill, _tuple(v, 1, name, op)[0])


def max_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False) -> Any:  # fmt: skip
    """``max_pool2d`` along the last dim: (N, C, L) -> (N, C, L')."""
    op = "max_pool1d"
    x = _as_tensor(input, op)
    x, added = _batched(x, 1, op)
    s = None if stride is None or stride == () else _one(stride, "stride", op, 1)
    out, idx = _max_pool2d(
        _to_2d(x), _one(kernel_size, "kernel_size", op, 1), s, _one(padding, "padding", op, 0),
        _one(dilation, "dilation", op, 1), ceil_mode, op,
    )  # fmt: skip
    out, idx = out.squeeze(2), idx[:, :, 0]
    if added:
        out, idx = out.squeeze(0), idx[0]
    if return_indices:
        return out, Tensor._make(idx.astype(np.int64, copy=False), None, False)
    return out


def _avg_divisor(n: int, k: int, s: int, p: int, out: int, include_pad: bool) -> np.ndarray:
    """How many entries each output position of one dim averages (PyTorch's rule)."""
    start = np.arange(out) * s - p
    end = np.minimum(start + k, n + p)
    if include_pad:
        return (end - start).astype(np.float64)
    return (np.minimum(end, n) - np.maximum(start, 0)).astype(np.float64)


def _avg_pool2d(x: Tensor, kernel_size: Any, stride: Any, padding: Any, ceil_mode: bool,
                count_include_pad: bool, divisor_override: Any, op: str) -> Tensor:  # fmt: skip
    _check_float(x, op)
    k, s, p, _, (oh, ow), pads = _pool_args(x, kernel_size, stride, padding, 1, ceil_mode, op)
    n, c, h, w = x.shape
    cols = P.Im2Col.apply(x.reshape((n * c, 1, h, w)), k, (s, pads, (1, 1), 1))
    total = cols.sum(1).reshape((n, c, oh, ow))
    if divisor_override:
        return total / float(divisor_override)
    dh = _avg_divisor(h, k[0], s[0], p[0], oh, count_include_pad)
    dw = _avg_divisor(w, k[1], s[1], p[1], ow, count_include_pad)
    if (dh == dh[0]).all() and (dw == dw[0]).all():
        return total / float(dh[0] * dw[0])
    return total / np.outer(dh, dw).astype(x._array.dtype)


def avg_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: Any = None) -> Tensor:  # fmt: skip
    """The mean of each window: (N, C, H, W) -> (N, C, H', W'); ``count_include_pad``:
    zeros of the padding count in the mean."""
    x = _as_tensor(input, "avg_pool2d")
    x, added = _batched(x, 2, "avg_pool2d")
    out = _avg_pool2d(x, kernel_size, stride, padding, ceil_mode, count_include_pad,
                      divisor_override, "avg_pool2d")  # fmt: skip
    return out.squeeze(0) if added else out


def avg_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               ceil_mode: bool = False, count_include_pad: bool = True) -> Tensor:  # fmt: skip
    """``avg_pool2d`` along the last dim: (N, C, L) -> (N, C, L')."""
    op = "avg_pool1d"
    x = _as_tensor(input, op)
    x, added = _batched(x, 1, op)
    s = None if stride is None or stride == () else _one(stride, "stride", op, 1)
    out = _avg_pool2d(_to_2d(x), _one(kernel_size, "kernel_size", op, 1), s,
                      _one(padding, "padding", op, 0), ceil_mode, count_include_pad, None,
                      op).squeeze(2)  # fmt: skip
    return out.squeeze(0) if added else out


def _adaptive_bounds(n: int, out: int) -> tuple[np.ndarray, np.ndarray]:
    """Window [start, end) of each of ``out`` adaptive cells over ``n`` entries."""
    i = np.arange(out)
    return (i * n) // out, -((-(i + 1) * n) // out)


def _adaptive_size(output_size: Any, hw: tuple, op: str) -> tuple:
    if isinstance(output_size, (int, np.integer)) or output_size is None:
        output_size = (output_size,) * len(hw)
    if len(output_size) != len(hw):
        raise ValueError(f"{op}: output_size must be an int or {len(hw)} ints, got {output_size}")
    out = tuple(n if o is None else int(o) for o, n in zip(output_size, hw))
    if min(out) < 0:
        raise RuntimeError(f"{op}: output_size must be non-negative, got {output_size}")
    return out


def _averaging_matrix(n: int, out: int, dtype: Any) -> np.ndarray:
    start, end = _adaptive_bounds(n, out)
    m = np.zeros((out, n), dtype=dtype)
    for i, (a, b) in enumerate(zip(start, end)):
        m[i, a:b] = 1.0 / (b - a)
    return m


def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:
    """Average over an adaptive grid: (N, C, H, W) -> (N, C, *output_size); cell i spans
    [⌊i·H/OH⌋, ⌈(i+1)·H/OH⌉). A size of None keeps that dim."""
    op = "adaptive_avg_pool2d"
    x = _as_tensor(input, op)
    _check_float(x, op)
    if x.ndim not in (3, 4):
        raise RuntimeError(f"{op}: Expected 3D or 4D tensor, but got {list(x.shape)}")
    h, w = x.shape[-2:]
    oh, ow = _adaptive_size(output_size, (h, w), op)
    if (oh, ow) == (1, 1):
        return x.mean((-2, -1), keepdim=True)
    dtype = x._array.dtype
    out = x
    if oh != h:
        out = ops.matmul(Tensor._make(_averaging_matrix(h, oh, dtype), None, False), out)
    if ow != w:
        out = ops.matmul(out, Tensor._make(_averaging_matrix(w, ow, dtype).T.copy(), None, False))
    return out


def adaptive_avg_pool1d(input: Tensor, output_size: Any) -> Tensor:
    """``adaptive_avg_pool2d`` along the last dim: (N, C, L) -> (N, C, output_size)."""
    size = _tuple(output_size, 1, "output_size", "adaptive_avg_pool1d")[0]
    return adaptive_avg_pool2d(input.unsqueeze(-2), (1, size)).squeeze(-2)


def _adaptive_max(x: Tensor, oh: int, ow: int) -> tuple[Tensor, np.ndarray]:
    xa = x._array
    n, c, h, w = xa.shape
    idx = np.empty((n, c, oh, ow), dtype=np.int64)
    hs, he = _adaptive_bounds(h, oh)
    ws, we = _adaptive_bounds(w, ow)
    for i in range(oh):
        for j in range(ow):
            win = xa[:, :, hs[i] : he[i], ws[j] : we[j]].reshape(n, c, -1)
            pos = np.argmax(win, axis=2)
            r, q = np.divmod(pos, we[j] - ws[j])
            idx[:, :, i, j] = (r + hs[i]) * w + q + ws[j]
    return P.PlaneGather.apply(x, idx, False), idx


def adaptive_max_pool2d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """Maximum over an adaptive grid (cells as in ``adaptive_avg_pool2d``); with
    ``return_indices`` also the flat index of each maximum."""
    op = "adaptive_max_pool2d"
    x = _as_tensor(input, op)
    x, added = _batched(x, 2, op)
    oh, ow = _adaptive_size(output_size, tuple(x.shape[2:]), op)
    if min(x.shape[2:]) < 1 or oh < 1 or ow < 1:
        raise RuntimeError(f"{op}: input {list(x.shape)} and output_size {output_size} must be "
                           "non-empty")  # fmt: skip
    out, idx = _adaptive_max(x, oh, ow)
    if added:
        out, idx = out.squeeze(0), idx[0]
    return (out, Tensor._make(idx, None, False)) if return_indices else out


def adaptive_max_pool1d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """``adaptive_max_pool2d`` along the last dim."""
    size = _tuple(output_size, 1, "output_size", "adaptive_max_pool1d")[0]
    res = adaptive_max_pool2d(input.unsqueeze(-2), (1, size), True)
    out, idx = res[0].squeeze(-2), res[1].squeeze(-2)
    return (out, idx) if return_indices else out


def max_unpool2d(input: Tensor, indices: Tensor, kernel_size: Any, stride: Any = None,
                 padding: Any = 0, output_size: Any = None) -> Tensor:  # fmt: skip
    """Put each value back at its max-pooling index, zeros elsewhere: (N, C, H, W) ->
    (N, C, H_out, W_out), H_out = (H-1)·s - 2p + k unless ``output_size`` says."""
    op = "max_unpool2d"
    x = _as_tensor(input, op)
    k = _tuple(kernel_size, 2, "kernel_size", op)
    s = k if stride is None else _tuple(stride, 2, "stride", op)
    p = _tuple(padding, 2, "padding", op)
    x, added = _batched(x, 2, op)
    idx = indices._array if isinstance(indices, Tensor) else np.asarray(indices)
    if added:
        idx = idx[None]
    if idx.shape != tuple(x.shape) or idx.dtype.kind not in "iu":
        raise RuntimeError(
            f"{op}: Expected shape of indices to be same as that of the input tensor "
            f"({list(x.shape)}) and an integer dtype, got {list(idx.shape)} of {idx.dtype}"
        )
    if output_size is None:
        hw = tuple((n - 1) * ss - 2 * pp + kk for n, ss, pp, kk in zip(x.shape[2:], s, p, k))
    else:
        hw = tuple(int(v) for v in tuple(output_size)[-2:])
    if idx.size and (idx.min() < 0 or idx.max() >= hw[0] * hw[1]):
        raise RuntimeError(
            f"{op}: Found an invalid max index: {int(idx.max())} (output volumes are of size "
            f"{hw[0]}x{hw[1]})"
        )
    out = P.PlaneScatter.apply(x, idx.astype(np.int64), tuple(x.shape[:2]) + hw, True)
    return out.squeeze(0) if added else out


# ---------------------------------------------------------------------------------------
# resampling
# ---------------------------------------------------------------------------------------


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """(*, C·r², H, W) -> (*, C, H·r, W·r): channel blocks become r×r pixel blocks."""
    r = int(upscale_factor)
    x = _as_tensor(input, "pixel_shuffle")
    if x.ndim < 3 or x.shape[-3] % (r * r):
        raise RuntimeError(
            f"pixel_shuffle: expected an input of at least 3 dims whose channel dim (-3) is "
            f"divisible by upscale_factor² = {r * r}, got {list(x.shape)}"
        )
    *lead, c, h, w = x.shape
    y = x.reshape((-1, c // (r * r), r, r, h, w)).permute(0, 1, 4, 2, 5, 3)
    return y.reshape((*lead, c // (r * r), h * r, w * r))


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """(*, C, H·r, W·r) -> (*, C·r², H, W): the inverse of ``pixel_shuffle``."""
    r = int(downscale_factor)
    x = _as_tensor(input, "pixel_unshuffle")
    if x.ndim < 3 or x.shape[-1] % r or x.shape[-2] % r:
        raise RuntimeError(
            f"pixel_unshuffle: expected an input of at least 3 dims whose height and width are "
            f"divisible by downscale_factor = {r}, got {list(x.shape)}"
        )
    *lead, c, h, w = x.shape
    y = x.reshape((-1, c, h // r, r, w // r, r)).permute(0, 1, 3, 5, 2, 4)
    return y.reshape((*lead, c * r * r, h // r, w // r))


def _interp_matrix(n: int, out: int, mode: str, align_corners: Any, scale: Any) -> np.ndarray:
    """(out, n) matrix M with resized = M @ original along one dim."""
    m = np.zeros((out, n))
    dst = np.arange(out, dtype=np.float64)
    if mode == "nearest":
        ratio = n / out if scale is None else 1.0 / scale
        src = np.minimum(np.floor(dst * ratio).astype(np.int64), n - 1)
        m[np.arange(out), src] = 1.0
        return m
    if align_corners:
        src = dst * ((n - 1) / (out - 1)) if out > 1 else np.zeros(out)
    else:
        ratio = n / out if scale is None else 1.0 / scale
        src = np.maximum((dst + 0.5) * ratio - 0.5, 0.0)
    i0 = np.minimum(np.floor(src).astype(np.int64), n - 1)
    i1 = np.minimum(i0 + 1, n - 1)
    lam = src - i0
    np.add.at(m, (np.arange(out), i0), 1.0 - lam)
    np.add.at(m, (np.arange(out), i1), lam)
    return m


def interpolate(input: Tensor, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
                align_corners: Any = None, recompute_scale_factor: Any = None,
                antialias: bool = False) -> Tensor:  # fmt: skip
    """Resize the spatial dims of (N, C, L) or (N, C, H, W): ``mode`` 'nearest' (both),
    'linear' (3-d) or 'bilinear' (4-d); give ``size`` or ``scale_factor``, not both."""
    op = "interpolate"
    x = _as_tensor(input, op)
    _check_float(x, op)
    spatial = x.ndim - 2
    if spatial not in (1, 2):
        raise NotImplementedError(
            f"{op}: only 3-D (N, C, L) and 4-D (N, C, H, W) inputs are supported, got "
            f"{list(x.shape)}"
        )
    wanted = {"nearest": (1, 2), "linear": (1,), "bilinear": (2,)}
    if mode not in wanted:
        raise NotImplementedError(
            f"{op}: mode {mode!r} is not supported; use 'nearest', 'linear' or 'bilinear'"
        )
    if spatial not in wanted[mode]:
        raise ValueError(f"{op}: mode {mode!r} needs a {wanted[mode][0] + 2}-D input, got "
                         f"{x.ndim}-D")  # fmt: skip
    if mode == "nearest" and align_corners is not None:
        raise ValueError(
            "align_corners option can only be set with the interpolating modes: linear | "
            "bilinear | bicubic | trilinear"
        )
    if antialias:
        raise NotImplementedError(f"{op}: antialias=True is not supported")
    if (size is None) == (scale_factor is None):
        raise ValueError("only one of size or scale_factor should be defined")
    n_in = tuple(x.shape[2:])
    if size is not None:
        sizes = _tuple(size, spatial, "size", op)
        scales: tuple = (None,) * spatial
    else:
        sf = scale_factor if isinstance(scale_factor, (tuple, list)) else (scale_factor,) * spatial
        if len(sf) != spatial:
            raise ValueError(f"{op}: scale_factor must have {spatial} entries, got {scale_factor}")
        sizes = tuple(int(math.floor(n * float(f))) for n, f in zip(n_in, sf))
        scales = (None,) * spatial if recompute_scale_factor else tuple(float(f) for f in sf)
    if min(sizes) < 1:
        raise ValueError(f"{op}: the output size {sizes} must be positive")
    dtype = x._array.dtype
    out = x
    if spatial == 2 and sizes[0] != n_in[0] or spatial == 2 and mode != "nearest":
        mh = _interp_matrix(n_in[0], sizes[0], mode, align_corners, scales[0]).astype(dtype)
        out = ops.matmul(Tensor._make(mh, None, False), out)
    mw = _interp_matrix(n_in[-1], sizes[-1], mode, align_corners, scales[-1]).astype(dtype)
    return ops.matmul(out, Tensor._make(mw.T.copy(), None, False))


def upsample(input: Tensor, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
             align_corners: Any = None) -> Tensor:  # fmt: skip
    """The old name of ``interpolate``."""
    return interpolate(input, size, scale_factor, mode, align_corners)
