"""Sorting and counting: ``sort``, ``argsort``, ``unique``, ``nonzero``, ``histc``,
``histogram``, ``bincount``.

``sort`` is differentiable through its values (a gather with the sorting indices); the
others return indices or counts and record nothing, as in PyTorch.
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from . import ops as _ops
from .autograd import function as _f

__all__ = ["sort", "argsort", "unique", "nonzero", "argwhere", "histc", "histogram", "bincount"]

SortResult = namedtuple("sort", ["values", "indices"])
HistogramResult = namedtuple("histogram", ["hist", "bin_edges"])


_tensor_arg = _ops.tensor_arg


def _sort_indices(a: np.ndarray, dim: int, descending: bool) -> np.ndarray:
    """Stable sorting indices along ``dim``; NaN counts as the largest value (as PyTorch)."""
    if not descending:
        return np.argsort(a, axis=dim, kind="stable")
    # a stable ascending sort of the reversed array, reversed again, is a stable descending
    # sort (equal elements keep their order) with NaN first
    n = a.shape[dim]
    rev = np.flip(a, axis=dim)
    idx = np.flip(np.argsort(rev, axis=dim, kind="stable"), axis=dim)
    return (n - 1) - idx


def sort(input: Any, dim: int = -1, descending: bool = False, stable: bool = False) -> Any:
    """``(values, indices)`` sorted along ``dim`` (stable in any case)."""
    x = _tensor_arg(input, "sort")
    if x.ndim == 0:
        return SortResult(_ops.clone(x), _ops._const(np.zeros((), np.int64)))
    d = _ops.check_dim(x.ndim, dim, "sort")
    idx = _sort_indices(x._array, d, descending).astype(np.int64)
    index = _ops._const(idx)
    return SortResult(_ops.take_along_dim(x, index, d), index)


def argsort(input: Any, dim: int = -1, descending: bool = False, stable: bool = False) -> Any:
    """The indices that sort ``input`` along ``dim`` (int64)."""
    x = _tensor_arg(input, "argsort")
    if x.ndim == 0:
        return _ops._const(np.zeros((), np.int64))
    d = _ops.check_dim(x.ndim, dim, "argsort")
    return _ops._const(_sort_indices(x._array, d, descending).astype(np.int64))


def unique(
    input: Any,
    sorted: bool = True,  # noqa: A002 - PyTorch's name
    return_inverse: bool = False,
    return_counts: bool = False,
    dim: int | None = None,
) -> Any:
    """The distinct values (always sorted, as PyTorch's CPU result); with
    ``return_inverse``/``return_counts`` also where each input element went and how often
    each value occurs. ``dim`` makes the unit a slice along that dim."""
    x = _tensor_arg(input, "unique")
    a = x._array
    if dim is None:
        values, inverse, counts = np.unique(a.reshape(-1), return_inverse=True, return_counts=True)
        inverse = inverse.reshape(a.shape)
    else:
        d = _ops.check_dim(x.ndim, dim, "unique")
        values, inverse, counts = np.unique(a, return_inverse=True, return_counts=True, axis=d)
        inverse = inverse.reshape(-1)
    out = [_ops._const(values.astype(a.dtype, copy=False))]
    if return_inverse:
        out.append(_ops._const(inverse.astype(np.int64)))
    if return_counts:
        out.append(_ops._const(counts.astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


def nonzero(input: Any, *, as_tuple: bool = False) -> Any:
    """Indices of the nonzero elements: an (n, ndim) int64 tensor, or one 1-D tensor per dim
    with ``as_tuple=True``."""
    a = _tensor_arg(input, "nonzero")._array
    if as_tuple:
        if a.ndim == 0:
            return (_ops._const(np.nonzero(a.reshape(1))[0].astype(np.int64)),)
        return tuple(_ops._const(i.astype(np.int64)) for i in np.nonzero(a))
    return _ops._const(np.argwhere(a).astype(np.int64).reshape(-1, a.ndim))


def argwhere(input: Any) -> Any:
    """``nonzero(input)``: an (n, ndim) int64 tensor of indices."""
    return nonzero(input)


def histc(input: Any, bins: int = 100, min: float = 0, max: float = 0) -> Any:  # noqa: A002
    """Counts in ``bins`` equal bins over [min, max] (the data's range when both are 0);
    values outside are ignored. Same dtype as the (float) input."""
    x = _tensor_arg(input, "histc")
    a = x._array
    if a.dtype.kind != "f":
        raise RuntimeError(f"histc: input must be a floating point tensor, got {x.dtype}")
    if not isinstance(bins, (int, np.integer)) or bins <= 0:
        raise RuntimeError(f"histc: bins must be > 0, got {bins}")
    lo, hi = float(min), float(max)
    if lo == hi and a.size:
        lo, hi = float(a.min()), float(a.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if lo > hi:
        raise RuntimeError(f"histc: max must be larger than min, got min={min}, max={max}")
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise RuntimeError(f"histc: range of [{lo}, {hi}] is not finite")
    v = a.reshape(-1).astype(np.float64)
    v = v[(v >= lo) & (v <= hi)]
    pos = ((v - lo) * bins / (hi - lo)).astype(np.int64)
    pos = np.minimum(pos, bins - 1)  # the top edge falls in the last bin
    return _ops._const(np.bincount(pos, minlength=bins).astype(a.dtype))


def histogram(
    input: Any,
    bins: Any = 100,
    *,
    range: Any = None,
    weight: Any = None,
    density: bool = False,  # noqa: A002
) -> Any:
    """``(hist, bin_edges)`` as NumPy's ``histogram``: ``bins`` an int or a 1-D tensor of edges."""
    x = _tensor_arg(input, "histogram")
    a = x._array
    if a.dtype.kind != "f":
        raise RuntimeError(f"histogram: input must be a floating point tensor, got {x.dtype}")
    b = bins._array if isinstance(bins, _f.Tensor) else bins
    w = weight._array if isinstance(weight, _f.Tensor) else weight
    hist, edges = np.histogram(
        a.reshape(-1),
        bins=b,
        range=range,
        weights=None if w is None else w.reshape(-1),
        density=density,
    )
    return HistogramResult(_ops._const(hist.astype(a.dtype)), _ops._const(edges.astype(a.dtype)))


def bincount(input: Any, weights: Any = None, minlength: int = 0) -> Any:
    """How often each value 0..max occurs in a 1-D non-negative integer tensor (int64), or the
    sum of ``weights`` per value (the weights' dtype)."""
    a = _tensor_arg(input, "bincount")._array
    if a.ndim != 1 or a.dtype.kind not in "iub":
        raise RuntimeError(
            f"bincount only supports 1-d non-negative integral inputs, got {a.ndim}-D {a.dtype}"
        )
    if a.size and a.min() < 0:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs")
    if minlength < 0:
        raise RuntimeError(f"bincount: minlength should be >= 0, got {minlength}")
    if weights is None:
        return _ops._const(np.bincount(a, minlength=minlength).astype(np.int64))
    w = weights._array if isinstance(weights, _f.Tensor) else np.asarray(weights)
    if w.shape != a.shape:
        raise RuntimeError(
            f"bincount: weights should be 1-d and have the same length as input, got {w.shape} for {a.shape}"
        )
    dtype = w.dtype if w.dtype.kind == "f" else np.float64
    return _ops._const(np.bincount(a, weights=w, minlength=minlength).astype(dtype))
