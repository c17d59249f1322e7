"""The convolution, pooling and batch-norm primitives: im2col on NumPy's strided views + one
BLAS matmul.

Three bilinear ops form a closed family, so every gradient of every order is one of them:

- ``Conv2d``      y  = conv(x, w) + b            x (N, C, H, W), w (O, C/G, kh, kw)
- ``ConvInput``   gx = conv_input(g, w)          the VJP of conv in x (a transposed conv)
- ``ConvWeight``  gw = conv_weight(x, g)         the VJP of conv in w

with ⟨conv(x, w), g⟩ = ⟨x, conv_input(g, w)⟩ = ⟨w, conv_weight(x, g)⟩. Each backward calls
the other two through ``_conv``/``_conv_input``/``_conv_weight``, which run the NumPy
kernels on arrays and the primitives on Tensors (``create_graph=True``): conv is
differentiable to any order. ``Im2Col``/``Col2Im`` (``F.unfold``/``F.fold``) and
``PlaneGather``/``PlaneScatter`` (max pooling and unpooling) are linear pairs, each the
other's VJP.

A ``spec`` is ``(stride, pads, dilation, groups)``: ``stride = (sh, sw)``, ``pads = (top,
bottom, left, right)`` zeros, ``dilation = (dh, dw)``, ``groups`` an int. Checking user
arguments is the job of ``nn.functional_conv``; these kernels assume valid shapes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .autograd.function import Primitive

Ctx = Any

# ---------------------------------------------------------------------------------------
# NumPy kernels
# ---------------------------------------------------------------------------------------


def out_size(n: int, k: int, s: int, p0: int, p1: int, d: int) -> int:
    """Output length of a window of ``k`` taps (dilation ``d``) sliding by ``s`` over
    ``n`` entries padded by ``p0``/``p1``."""
    return (n + p0 + p1 - d * (k - 1) - 1) // s + 1


def _padded(x: np.ndarray, pads: tuple, fill: float = 0.0) -> np.ndarray:
    """``x`` (N, C, H, W) with ``pads = (top, bottom, left, right)`` rows/columns of ``fill``."""
    pt, pb, pl, pr = pads
    if not (pt or pb or pl or pr):
        return x
    n, c, h, w = x.shape
    out = np.full((n, c, h + pt + pb, w + pl + pr), fill, dtype=x.dtype)
    out[:, :, pt : pt + h, pl : pl + w] = x
    return out


def windows(xp: np.ndarray, k: tuple, stride: tuple, dilation: tuple) -> np.ndarray:
    """A read-only view (N, C, kh, kw, OH, OW) of the windows of padded ``xp`` (no copy)."""
    n, c, hp, wp = xp.shape
    (kh, kw), (sh, sw), (dh, dw) = k, stride, dilation
    oh, ow = (hp - dh * (kh - 1) - 1) // sh + 1, (wp - dw * (kw - 1) - 1) // sw + 1
    s0, s1, s2, s3 = xp.strides
    return as_strided(
        xp, (n, c, kh, kw, oh, ow), (s0, s1, s2 * dh, s3 * dw, s2 * sh, s3 * sw), writeable=False
    )


def im2col(x: np.ndarray, k: tuple, spec: tuple) -> np.ndarray:
    """The columns (N, C·kh·kw, OH·OW) of ``x`` (N, C, H, W): one contiguous copy."""
    stride, pads, dilation, _ = spec
    v = windows(_padded(x, pads), k, stride, dilation)
    n, c, kh, kw, oh, ow = v.shape
    return v.reshape(n, c * kh * kw, oh * ow)  # (reshaping the strided view copies once)


def _add_windows(gp: np.ndarray, cols: np.ndarray, k: tuple, spec: tuple, out: tuple) -> None:
    """gp (N, C, Hp, Wp) padded += the columns (N, C·kh·kw, OH·OW) summed into their windows."""
    (sh, sw), _, (dh, dw), _ = spec
    (kh, kw), (oh, ow) = k, out
    dc = cols.reshape(cols.shape[0], -1, kh, kw, oh, ow)
    for i in range(kh):
        rows = slice(i * dh, i * dh + sh * (oh - 1) + 1, sh)
        for j in range(kw):
            gp[:, :, rows, j * dw : j * dw + sw * (ow - 1) + 1 : sw] += dc[:, :, i, j]


def _unpad(gp: np.ndarray, pads: tuple, hw: tuple) -> np.ndarray:
    pt, _, pl, _ = pads
    if any(pads):
        return gp[:, :, pt : pt + hw[0], pl : pl + hw[1]].copy()
    return gp


def _out_hw(hw: tuple, k: tuple, spec: tuple) -> tuple:
    (sh, sw), (pt, pb, pl, pr), (dh, dw), _ = spec
    return out_size(hw[0], k[0], sh, pt, pb, dh), out_size(hw[1], k[1], sw, pl, pr, dw)


def col2im(cols: np.ndarray, hw: tuple, k: tuple, spec: tuple) -> np.ndarray:
    """The adjoint of ``im2col``: columns (N, C·kh·kw, L) summed back into (N, C, H, W)."""
    pads = spec[1]
    n, c = cols.shape[0], cols.shape[1] // (k[0] * k[1])
    gp = np.zeros((n, c, hw[0] + pads[0] + pads[1], hw[1] + pads[2] + pads[3]), cols.dtype)
    _add_windows(gp, cols, k, spec, _out_hw(hw, k, spec))
    return _unpad(gp, pads, hw)


_CHUNK_BYTES = 1 << 20  # the columns of at most this many bytes exist at once (or one item)


def _chunks(n: int, item_bytes: int) -> list:
    """Slices of the batch whose columns take about ``_CHUNK_BYTES`` (at least one item
    each): memory stays a small multiple of the activations, the matmuls stay large."""
    step = max(1, _CHUNK_BYTES // max(item_bytes, 1))
    return [slice(i, min(i + step, n)) for i in range(0, n, step)]


def _cols_bytes(x: np.ndarray, k: tuple, out: tuple) -> int:
    return x.shape[1] * k[0] * k[1] * out[0] * out[1] * x.itemsize


def conv_arrays(x: np.ndarray, w: np.ndarray, b: Any, spec: tuple) -> np.ndarray:
    """conv2d on arrays: x (N, C, H, W), w (O, C/G, kh, kw), b (O,) or None -> (N, O, OH, OW)."""
    groups = spec[3]
    n, o = x.shape[0], w.shape[0]
    k = w.shape[2:]
    oh, ow = _out_hw(x.shape[2:], k, spec)
    out = np.empty((n, o, oh * ow), dtype=np.result_type(x, w))
    w2 = w.reshape(o, -1) if groups == 1 else w.reshape(groups, o // groups, -1)
    for part in _chunks(n, _cols_bytes(x, k, (oh, ow))):
        cols = im2col(x[part], k, spec)  # (n', C·K, L)
        if groups == 1:
            np.matmul(w2, cols, out=out[part])  # one BLAS call per item: (O, CK) @ (CK, L)
        else:
            cols = cols.reshape(cols.shape[0], groups, -1, oh * ow)
            out[part] = (w2 @ cols).reshape(cols.shape[0], o, oh * ow)
    if b is not None:
        out += b.reshape(o, 1)
    return out.reshape(n, o, oh, ow)


def conv_input_arrays(g: np.ndarray, w: np.ndarray, hw: tuple, spec: tuple) -> np.ndarray:
    """The VJP of conv2d in x: g (N, O, OH, OW), w (O, C/G, kh, kw) -> (N, C, H, W)."""
    groups, pads = spec[3], spec[1]
    n, o, oh, ow = g.shape
    k = w.shape[2:]
    c = w.shape[1] * groups
    g3 = g.reshape(n, o, oh * ow)
    gp = np.zeros((n, c, hw[0] + pads[0] + pads[1], hw[1] + pads[2] + pads[3]),
                  np.result_type(g, w))  # fmt: skip
    wt = (
        w.reshape(o, -1).T if groups == 1 else w.reshape(groups, o // groups, -1).transpose(0, 2, 1)
    )
    for part in _chunks(n, c * k[0] * k[1] * oh * ow * g.itemsize):
        if groups == 1:
            cols = wt @ g3[part]  # (CK, O) @ (O, L) per item
        else:
            gi = g3[part].reshape(-1, groups, o // groups, oh * ow)
            cols = (wt @ gi).reshape(gi.shape[0], -1, oh * ow)
        _add_windows(gp[part], cols, k, spec, (oh, ow))
    return _unpad(gp, pads, hw)


def conv_weight_arrays(x: np.ndarray, g: np.ndarray, k: tuple, spec: tuple) -> np.ndarray:
    """The VJP of conv2d in w: x (N, C, H, W), g (N, O, OH, OW) -> (O, C/G, kh, kw)."""
    groups = spec[3]
    n, o, oh, ow = g.shape
    g3 = g.reshape(n, o, oh * ow)
    gw = None
    # the columns are recomputed (chunk by chunk): far less memory than keeping them
    for part in _chunks(n, _cols_bytes(x, k, (oh, ow))):
        cols = im2col(x[part], k, spec)
        if groups == 1:
            term = np.add.reduce(g3[part] @ cols.transpose(0, 2, 1), 0)
        else:
            cols = cols.reshape(cols.shape[0], groups, -1, oh * ow)
            gi = g3[part].reshape(-1, groups, o // groups, oh * ow)
            term = np.add.reduce(gi @ cols.transpose(0, 1, 3, 2), 0)
        gw = term if gw is None else gw + term
    return gw.reshape(o, -1, *k)


def _is_array(*xs: Any) -> bool:
    return all(x is None or isinstance(x, (np.ndarray, np.generic)) for x in xs)


def conv(x: Any, w: Any, b: Any, spec: tuple) -> Any:
    """conv2d on arrays (NumPy) or Tensors (recorded, for higher-order gradients)."""
    if _is_array(x, w, b):
        return conv_arrays(x, w, b, spec)
    return Conv2d.apply(x, w, b, spec)


def conv_input(g: Any, w: Any, hw: tuple, spec: tuple) -> Any:
    """conv2d's VJP in x (a transposed conv) on arrays or Tensors."""
    if _is_array(g, w):
        return conv_input_arrays(g, w, hw, spec)
    return ConvInput.apply(g, w, hw, spec)


def conv_weight(x: Any, g: Any, k: tuple, spec: tuple) -> Any:
    """conv2d's VJP in w on arrays or Tensors."""
    if _is_array(x, g):
        return conv_weight_arrays(x, g, k, spec)
    return ConvWeight.apply(x, g, k, spec)


# ---------------------------------------------------------------------------------------
# The convolution family
# ---------------------------------------------------------------------------------------


class Conv2d(Primitive):
    """f(x, w, b) = Σ w ⋆ x + b  (cross-correlation; ``F.conv2d``)"""

    @staticmethod
    def forward(ctx: Ctx, x, w, b, spec):
        ctx.saved = (x, w)
        ctx.spec = spec
        return conv_arrays(x, w, b, spec)

    @staticmethod
    def backward(ctx: Ctx, g):
        x, w = ctx.saved
        px, pw, pb = ctx.parents[:3]
        gx = None if px is None else conv_input(g, w, x.shape[2:], ctx.spec)
        gw = None if pw is None else conv_weight(x, g, w.shape[2:], ctx.spec)
        gb = None if pb is None else g.sum(axis=(0, 2, 3))
        return gx, gw, gb, None


class ConvInput(Primitive):
    """f(g, w) = conv2d's VJP in x  (a transposed convolution; ``F.conv_transpose2d``)"""

    @staticmethod
    def forward(ctx: Ctx, g, w, hw, spec):
        ctx.saved = (g, w)
        ctx.spec = spec
        return conv_input_arrays(g, w, hw, spec)

    @staticmethod
    def backward(ctx: Ctx, gg):
        g, w = ctx.saved
        pg, pw = ctx.parents[:2]
        d_g = None if pg is None else conv(gg, w, None, ctx.spec)
        d_w = None if pw is None else conv_weight(gg, g, w.shape[2:], ctx.spec)
        return d_g, d_w, None, None


class ConvWeight(Primitive):
    """f(x, g) = conv2d's VJP in w  (the weight gradient, itself differentiable)"""

    @staticmethod
    def forward(ctx: Ctx, x, g, k, spec):
        ctx.saved = (x, g)
        ctx.spec = spec
        return conv_weight_arrays(x, g, k, spec)

    @staticmethod
    def backward(ctx: Ctx, gg):
        x, g = ctx.saved
        px, pg = ctx.parents[:2]
        d_x = None if px is None else conv_input(g, gg, x.shape[2:], ctx.spec)
        d_g = None if pg is None else conv(x, gg, None, ctx.spec)
        return d_x, d_g, None, None


# ---------------------------------------------------------------------------------------
# unfold / fold
# ---------------------------------------------------------------------------------------


def unfold_any(x: Any, k: tuple, spec: tuple) -> Any:
    if _is_array(x):
        return im2col(x, k, spec)
    return Im2Col.apply(x, k, spec)


def fold_any(cols: Any, hw: tuple, k: tuple, spec: tuple) -> Any:
    if _is_array(cols):
        return col2im(cols, hw, k, spec)
    return Col2Im.apply(cols, hw, k, spec)


class Im2Col(Primitive):
    """f(x) = the sliding windows of x as columns (N, C·kh·kw, L)  (``F.unfold``)"""

    @staticmethod
    def forward(ctx: Ctx, x, k, spec):
        ctx.hw, ctx.k, ctx.spec = x.shape[2:], k, spec
        return im2col(x, k, spec)

    @staticmethod
    def backward(ctx: Ctx, g):
        return fold_any(g, ctx.hw, ctx.k, ctx.spec), None, None


class Col2Im(Primitive):
    """f(cols) = the columns summed back into their windows (N, C, H, W)  (``F.fold``)"""

    @staticmethod
    def forward(ctx: Ctx, cols, hw, k, spec):
        ctx.k, ctx.spec = k, spec
        return col2im(cols, hw, k, spec)

    @staticmethod
    def backward(ctx: Ctx, g):
        return unfold_any(g, ctx.k, ctx.spec), None, None, None


# ---------------------------------------------------------------------------------------
# gather / scatter within each (N, C) plane: max pooling and unpooling
# ---------------------------------------------------------------------------------------


def gather_arrays(x: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """out[n, c, ...] = x[n, c].flat[idx[n, c, ...]]."""
    n, c = x.shape[:2]
    flat = x.reshape(n, c, -1)
    out = np.take_along_axis(flat, idx.reshape(n, c, -1), axis=2)
    return out.reshape(idx.shape)


def scatter_arrays(g: np.ndarray, idx: np.ndarray, shape: tuple, unique: bool) -> np.ndarray:
    """Zeros of ``shape`` (N, C, ...) with g[n, c, ...] added at plane index idx[n, c, ...]."""
    n, c = shape[:2]
    plane = int(np.prod(shape[2:]))
    if unique:
        out = np.zeros((n, c, plane), dtype=g.dtype)
        np.put_along_axis(out, idx.reshape(n, c, -1), g.reshape(n, c, -1), axis=2)
        return out.reshape(shape)
    offsets = (np.arange(n * c, dtype=np.int64) * plane).reshape(n, c, *(1,) * (idx.ndim - 2))
    total = np.bincount((idx + offsets).ravel(), weights=g.ravel(), minlength=n * c * plane)
    return total.astype(g.dtype, copy=False).reshape(shape)


def gather_any(x: Any, idx: np.ndarray, unique: bool) -> Any:
    if _is_array(x):
        return gather_arrays(x, idx)
    return PlaneGather.apply(x, idx, unique)


def scatter_any(g: Any, idx: np.ndarray, shape: tuple, unique: bool) -> Any:
    if _is_array(g):
        return scatter_arrays(g, idx, shape, unique)
    return PlaneScatter.apply(g, idx, shape, unique)


class PlaneGather(Primitive):
    """f(x) = x[n, c].flat[idx[n, c, ...]]  (max pooling once the argmax is known)"""

    @staticmethod
    def forward(ctx: Ctx, x, idx, unique):
        ctx.in_shape, ctx.idx, ctx.unique = x.shape, idx, unique
        return gather_arrays(x, idx)

    @staticmethod
    def backward(ctx: Ctx, g):
        return scatter_any(g, ctx.idx, ctx.in_shape, ctx.unique), None, None


class PlaneScatter(Primitive):
    """f(g) = zeros(shape) with g added at plane indices idx  (``F.max_unpool2d``)"""

    @staticmethod
    def forward(ctx: Ctx, g, idx, shape, unique):
        ctx.idx, ctx.unique = idx, unique
        return scatter_arrays(g, idx, shape, unique)

    @staticmethod
    def backward(ctx: Ctx, gg):
        return gather_any(gg, ctx.idx, ctx.unique), None, None, None


# ---------------------------------------------------------------------------------------
# batch normalization with the batch's statistics
# ---------------------------------------------------------------------------------------


class BatchNorm(Primitive):
    """f(x, w, b) = (x - mean) / sqrt(var + eps) · w + b, mean and biased var of each
    channel (dim 1) over all other dims  (``F.batch_norm`` in training)

    One node instead of about ten (speed); backward saves only x and w and recomputes the
    statistics with operators, so it runs on Tensors too (gradients of any order).
    ``stats`` (a dict) receives the batch's mean and biased variance per channel, for the
    running statistics.
    """

    @staticmethod
    def forward(ctx: Ctx, x, w, b, eps, stats):
        dims = (0,) + tuple(range(2, x.ndim))
        shape = (1, x.shape[1]) + (1,) * (x.ndim - 2)
        m = x.size // x.shape[1]
        mean = np.add.reduce(x, axis=dims, keepdims=True) / x.dtype.type(m)
        xc = x - mean
        var = np.add.reduce(xc * xc, axis=dims, keepdims=True) / x.dtype.type(m)
        scale = 1.0 / np.sqrt(var + x.dtype.type(eps))
        if w is not None:
            scale = scale * w.reshape(shape)
        xc *= scale  # (xc is ours: scaled in place)
        if b is not None:
            xc += b.reshape(shape)
        stats["mean"], stats["var"] = mean.reshape(-1), var.reshape(-1)
        ctx.saved = (x, w)
        ctx.eps, ctx.dims, ctx.cshape, ctx.m = eps, dims, shape, m
        return xc

    @staticmethod
    def backward(ctx: Ctx, g):
        x, w = ctx.saved
        px, pw, pb = ctx.parents[:3]
        dims, shape, m = ctx.dims, ctx.cshape, ctx.m
        xc = x - x.sum(axis=dims, keepdims=True) / m
        rstd = (((xc * xc).sum(axis=dims, keepdims=True) / m) + ctx.eps) ** -0.5
        xhat = xc * rstd
        # w is one number per channel: Σ g·w = w·Σ g and Σ g·w·x̂ = w·Σ g·x̂ (fewer passes)
        sum_g = g.sum(axis=dims, keepdims=True)
        sum_gx = (g * xhat).sum(axis=dims, keepdims=True)
        gw = None if pw is None else sum_gx.reshape((-1,))
        gb = None if pb is None else sum_g.reshape((-1,))
        gx = None
        if px is not None:
            scale = rstd if w is None else rstd * w.reshape(shape)
            gx = (g - sum_g / m - xhat * (sum_gx / m)) * scale
        return gx, gw, gb, None, None


CONV_PRIMITIVES: dict[str, type] = {
    cls.__name__: cls
    for cls in (Conv2d, ConvInput, ConvWeight, Im2Col, Col2Im, PlaneGather, PlaneScatter, BatchNorm)
}
"""The primitives of this file by name (merged into ``primitives.PRIMITIVES``)."""
