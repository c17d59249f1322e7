"""Rearranging ops built from primitives: ``flip``, ``roll``, ``repeat_interleave``,
``diff``, ``meshgrid``, ``kron``. They carry no backward code: the gradients come from the
indexing, reshaping and arithmetic primitives they use."""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from . import ops as _ops
from .autograd import function as _f

__all__ = ["flip", "fliplr", "flipud", "roll", "repeat_interleave", "diff", "meshgrid", "kron"]


_tensor_arg = _ops.tensor_arg


def _dims(x: Any, dims: Any, op: str) -> tuple:
    dims = (dims,) if isinstance(dims, (int, np.integer)) else tuple(dims)
    out = tuple(_ops.check_dim(x.ndim, d, op) for d in dims)
    if len(set(out)) != len(out):
        raise RuntimeError(f"{op}: dims {list(dims)} has a dim appearing multiple times")
    return out


def flip(input: Any, dims: Any) -> Any:
    """Reverse the order of elements along ``dims`` (an int or a sequence of ints)."""
    x = _tensor_arg(input, "flip")
    ds = _dims(x, dims, "flip")
    if x.ndim == 0 or not ds:
        return _ops.clone(x)
    index = tuple(slice(None, None, -1) if d in ds else slice(None) for d in range(x.ndim))
    return x[index]


def fliplr(input: Any) -> Any:
    """Flip a tensor of at least 2 dims left to right (dim 1)."""
    if _tensor_arg(input, "fliplr").ndim < 2:
        raise RuntimeError("fliplr: input tensor must be at least 2-D")
    return flip(input, 1)


def flipud(input: Any) -> Any:
    """Flip a tensor of at least 1 dim up to down (dim 0)."""
    if _tensor_arg(input, "flipud").ndim < 1:
        raise RuntimeError("flipud: input tensor must be at least 1-D")
    return flip(input, 0)


def roll(input: Any, shifts: Any, dims: Any = None) -> Any:
    """Shift elements cyclically by ``shifts`` along ``dims`` (flattened when ``dims`` is None)."""
    x = _tensor_arg(input, "roll")
    shifts_t = (shifts,) if isinstance(shifts, (int, np.integer)) else tuple(shifts)
    if dims is None:
        if len(shifts_t) != 1:
            raise RuntimeError("roll: shifts must be one number when dims is not given")
        return roll(x.flatten(), shifts_t[0], 0).reshape(x.shape)
    dims_t = (dims,) if isinstance(dims, (int, np.integer)) else tuple(dims)
    if len(shifts_t) != len(dims_t):
        raise RuntimeError(
            f"roll: shifts and dimensions must align. shifts: {len(shifts_t)}, dims: {len(dims_t)}"
        )
    out = x
    for s, d in zip(shifts_t, dims_t):
        d = _ops.check_dim(x.ndim, d, "roll")
        n = x.shape[d]
        if n == 0 or int(s) % n == 0:
            continue
        index = (np.arange(n) - int(s)) % n
        out = _ops.index_select(out, d, _ops._const(index))
    return out if out is not x else _ops.clone(x)


def repeat_interleave(
    input: Any, repeats: Any = None, dim: int | None = None, *, output_size: int | None = None
) -> Any:
    """Repeat each element ``repeats`` times (an int or a 1-D tensor of counts) along ``dim``
    (the flattened input when None). ``repeat_interleave(counts)`` repeats the indices."""
    x = _tensor_arg(input, "repeat_interleave")
    if repeats is None:  # torch.repeat_interleave(counts): indices 0.. repeated
        counts = _counts(x._array, "repeat_interleave")
        return _ops._const(np.repeat(np.arange(len(counts), dtype=np.int64), counts))
    if dim is None:
        x, d = x.flatten(), 0
    else:
        d = _ops.check_dim(x.ndim, dim, "repeat_interleave")
    n = x.shape[d] if x.ndim else 1
    r = repeats._array if isinstance(repeats, _f.Tensor) else np.asarray(repeats)
    if r.ndim == 0 or r.size == 1:
        r = np.full(n, int(r.reshape(())), dtype=np.int64)
    counts = _counts(r, "repeat_interleave")
    if len(counts) != n:
        raise RuntimeError(
            f"repeat_interleave: repeats must have the same size as input along dim, got "
            f"{len(counts)} repeats for size {n}"
        )
    if output_size is not None and output_size != int(counts.sum()):
        raise RuntimeError(f"repeat_interleave: output_size {output_size} != {int(counts.sum())}")
    index = np.repeat(np.arange(n, dtype=np.int64), counts)
    if x.ndim == 0:
        x = x.reshape(1)
    return _ops.index_select(x, d, _ops._const(index))


def _counts(a: np.ndarray, op: str) -> np.ndarray:
    if a.dtype.kind not in "iu" or a.ndim != 1:
        raise RuntimeError(
            f"{op}: repeats must be a 1-D integer tensor, got {a.dtype} of {a.ndim}-D"
        )
    if (a < 0).any():
        raise RuntimeError(f"{op}: repeats can not be negative")
    return a.astype(np.int64)


def diff(input: Any, n: int = 1, dim: int = -1, prepend: Any = None, append: Any = None) -> Any:
    """The ``n``-th forward difference along ``dim`` (after joining ``prepend``/``append``)."""
    x = _tensor_arg(input, "diff")
    if x.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if not isinstance(n, (int, np.integer)) or n < 0:
        raise RuntimeError(f"diff: order must be non-negative but got {n}")
    d = _ops.check_dim(x.ndim, dim, "diff")
    parts = [p for p in (prepend, x, append) if p is not None]
    if len(parts) > 1:
        x = _ops.cat([p if isinstance(p, _f.Tensor) else _ops._const(p) for p in parts], d)
    for _ in range(n):
        m = x.shape[d]
        if m == 0:
            break
        x = _ops.narrow(x, d, 1, m - 1) - _ops.narrow(x, d, 0, m - 1)
        if x.dtype == _ops._dt.bool_:
            break
    return x


def meshgrid(*tensors: Any, indexing: str = "ij") -> tuple:
    """Coordinate grids from 1-D tensors: ``indexing="ij"`` (matrix, the default) or ``"xy"``
    (Cartesian: the first two grid dims swapped)."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f"meshgrid: indexing must be one of 'xy' or 'ij', got {indexing!r}")
    ts = [_tensor_arg(t, "meshgrid", f"tensors[{i}]") for i, t in enumerate(tensors)]
    for i, t in enumerate(ts):
        if t.ndim > 1:
            raise RuntimeError(
                f"meshgrid: expects 0-D or 1-D tensors, got {t.ndim}-D for tensor {i}"
            )
    ts = [t.reshape(-1) for t in ts]
    shape = tuple(t.shape[0] for t in ts)
    k = len(ts)
    grids = [
        t.reshape(tuple(-1 if j == i else 1 for j in range(k))).expand(shape)
        for i, t in enumerate(ts)
    ]
    if indexing == "xy" and k >= 2:  # Cartesian: the first two dims of every grid swapped
        grids = [g.transpose(0, 1) for g in grids]
    return tuple(grids)


def kron(input: Any, other: Any) -> Any:
    """The Kronecker product: blocks ``input[i, j] * other`` (any number of dims)."""
    a, b = _tensor_arg(input, "kron"), _tensor_arg(other, "kron", "other", 2)
    nd = builtins.max(a.ndim, b.ndim)
    a = a.reshape((1,) * (nd - a.ndim) + tuple(a.shape))
    b = b.reshape((1,) * (nd - b.ndim) + tuple(b.shape))
    a_shape = tuple(s for n in a.shape for s in (n, 1))
    b_shape = tuple(s for n in b.shape for s in (1, n))
    out = a.reshape(a_shape) * b.reshape(b_shape)
    return out.reshape(tuple(m * n for m, n in zip(a.shape, b.shape)))
