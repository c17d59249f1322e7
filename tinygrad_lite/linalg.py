"""``tinygrad_lite.linalg``: PyTorch's ``torch.linalg`` names (norms, inverse, determinant,
SVD, cross product) over the ops in ``ops_linalg.py`` and ``ops.py``."""

from __future__ import annotations

from typing import Any

from . import ops as _ops
from .ops_linalg import cross as _cross
from .ops_linalg import det, inverse, linalg_svd, svdvals

__all__ = ["norm", "vector_norm", "matrix_norm", "inv", "det", "svd", "svdvals", "cross"]

inv = inverse
svd = linalg_svd


def vector_norm(
    x: Any,
    ord: Any = 2,
    dim: Any = None,
    keepdim: bool = False,
    *,
    dtype: Any = None,  # noqa: A002
) -> Any:
    """The vector ``ord``-norm over ``dim`` (all elements when None)."""
    if dtype is not None:
        x = x.to(dtype)
    if ord == 0:
        return _ops.sum((x != 0).to(x.dtype), dim=dim, keepdim=keepdim)
    if ord in (float("-inf"),):
        return _ops.amin(x.abs(), dim=() if dim is None else dim, keepdim=keepdim)
    return _ops.norm(x, ord, dim=dim, keepdim=keepdim)


def matrix_norm(A: Any, ord: Any = "fro", dim: tuple = (-2, -1), keepdim: bool = False) -> Any:
    """The matrix norm over the two ``dim`` dims: 'fro', 'nuc', 1, -1, inf, -inf, 2, -2."""
    if A.ndim < 2:
        raise RuntimeError(
            f"linalg.matrix_norm: the input tensor A must have at least 2 dimensions, got {A.ndim}"
        )
    d0, d1 = (_ops.check_dim(A.ndim, d, "linalg.matrix_norm") for d in dim)
    if ord == "fro":
        return _ops.norm(A, 2, dim=(d0, d1), keepdim=keepdim)
    if ord in ("nuc", 2, -2):
        rest = [d for d in range(A.ndim) if d not in (d0, d1)]
        s = svdvals(A.permute(rest + [d0, d1]))
        out = s.sum(-1) if ord == "nuc" else (s.amax(-1) if ord == 2 else s.amin(-1))
        if keepdim:
            for d in sorted((d0, d1)):
                out = out.unsqueeze(d)
        return out
    if ord in (1, -1, float("inf"), float("-inf")):
        over, across = (d0, d1) if ord in (1, -1) else (d1, d0)
        sums = A.abs().sum(over, keepdim=True)
        reduce = _ops.amax if ord > 0 else _ops.amin
        out = reduce(sums, across, keepdim=True)
        return out if keepdim else out.squeeze((d0, d1))
    raise RuntimeError(f"linalg.matrix_norm: order {ord!r} not supported")


def norm(
    A: Any, ord: Any = None, dim: Any = None, keepdim: bool = False, *, dtype: Any = None
) -> Any:  # noqa: A002
    """``vector_norm`` for a 1-D ``dim`` (or any input when ``ord`` is None and ``dim`` is None),
    ``matrix_norm`` for a 2-tuple ``dim`` or a 2-D input with ``ord`` given."""
    if dtype is not None:
        A = A.to(dtype)
    if isinstance(dim, int):
        dim = (dim,)
    if dim is not None and len(dim) == 2:
        return matrix_norm(A, "fro" if ord is None else ord, dim, keepdim)
    if dim is None and ord is not None:
        if A.ndim == 2:
            return matrix_norm(A, ord, (-2, -1), keepdim)
        if A.ndim != 1:
            raise RuntimeError(
                f"linalg.norm: if dim is not specified but ord is, the input must be 1D or 2D. Got {A.ndim}D."
            )
    return vector_norm(A, 2 if ord is None else ord, dim, keepdim)


def cross(input: Any, other: Any, *, dim: int = -1) -> Any:
    """The cross product along ``dim`` (default the last)."""
    return _cross(input, other, dim)
