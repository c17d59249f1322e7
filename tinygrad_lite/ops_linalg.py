"""Products and linear algebra built from primitives: ``mv``, ``cross``, ``cdist``,
``tensordot``, ``einsum``, ``inverse``/``det``/``svd``; the ``tinygrad_lite.linalg``
namespace re-exports them under PyTorch's ``torch.linalg`` names.

``einsum`` contracts its operands pairwise with matmuls (the way NumPy's optimized einsum
does), so its gradient comes from the reshape, permute, sum and matmul primitives.
"""

from __future__ import annotations

import builtins
import string
from collections import namedtuple
from typing import Any

import numpy as np

from . import ops as _ops
from .primitives_linalg import Det, Inverse, Svd, svd_sizes, unpack_svd

__all__ = ["mv", "cross", "cdist", "tensordot", "diagonal", "einsum", "inverse", "det", "svd"]

SvdResult = namedtuple("svd", ["U", "S", "V"])
LinalgSvdResult = namedtuple("svd", ["U", "S", "Vh"])


_tensor_arg = _ops.tensor_arg


def mv(input: Any, vec: Any) -> Any:
    """Matrix (n, m) times vector (m,) → (n,)."""
    a, v = _tensor_arg(input, "mv"), _tensor_arg(vec, "mv", "vec", 2)
    if a.ndim != 2 or v.ndim != 1:
        raise RuntimeError(
            f"mv: expected a 2-D matrix and a 1-D vector, got {a.ndim}-D and {v.ndim}-D"
        )
    if a.shape[1] != v.shape[0]:
        raise RuntimeError(
            f"mv: size mismatch, got input ({a.shape[0]}x{a.shape[1]}), vec ({v.shape[0]})"
        )
    return _ops.matmul(a, v)


def cross(input: Any, other: Any, dim: int | None = None) -> Any:
    """The cross product of 3-vectors along ``dim`` (the first dim of size 3 when None)."""
    a, b = _tensor_arg(input, "cross"), _tensor_arg(other, "cross", "other", 2)
    a, b = _ops.broadcast_tensors(a, b)
    if dim is None:
        dims = [i for i, n in enumerate(a.shape) if n == 3]
        if not dims:
            raise RuntimeError(f"cross: no dimension of size 3 in input of shape {tuple(a.shape)}")
        d = dims[0]
    else:
        d = _ops.check_dim(a.ndim, dim, "cross")
    if a.shape[d] != 3:
        raise RuntimeError(
            f"cross: inputs dimension {d} must have length 3, got {a.shape[d]} (shape {tuple(a.shape)})"
        )
    a0, a1, a2 = _ops.unbind(a, d)
    b0, b1, b2 = _ops.unbind(b, d)
    return _ops.stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], d)


def cdist(
    x1: Any, x2: Any, p: float = 2.0, compute_mode: str = "use_mm_for_euclid_dist_if_necessary"
) -> Any:
    """Pairwise p-norm distances between the rows of (..., P, M) and (..., R, M) → (..., P, R).
    The gradient at a zero distance is 0, as in PyTorch."""
    a, b = _tensor_arg(x1, "cdist", "x1"), _tensor_arg(x2, "cdist", "x2", 2)
    if a.ndim < 2 or b.ndim < 2:
        raise RuntimeError(
            f"cdist only supports at least 2D tensors, X1 got: {a.ndim}D, X2 got: {b.ndim}D"
        )
    if a.shape[-1] != b.shape[-1]:
        raise RuntimeError(
            f"cdist: X1 and X2 must have the same number of columns. X1: {a.shape[-1]} X2: {b.shape[-1]}"
        )
    if p < 0:
        raise RuntimeError(f"cdist only supports non-negative p values, got {p}")
    diff = a.unsqueeze(-2) - b.unsqueeze(-3)
    return _ops.norm(diff, p, dim=-1)


def tensordot(a: Any, b: Any, dims: Any = 2) -> Any:
    """Sum over the last ``dims`` dims of ``a`` and the first ``dims`` of ``b`` (or over the
    dims listed in ``dims = ([a dims], [b dims])``)."""
    a, b = _tensor_arg(a, "tensordot", "a"), _tensor_arg(b, "tensordot", "b", 2)
    if isinstance(dims, (int, np.integer)):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        da, db = list(range(a.ndim - dims, a.ndim)), list(range(dims))
    else:
        da, db = dims
        da = [da] if isinstance(da, (int, np.integer)) else list(da)
        db = [db] if isinstance(db, (int, np.integer)) else list(db)
    if len(da) != len(db):
        raise RuntimeError("tensordot: both dimension lists should have the same length")
    da = [_ops.check_dim(a.ndim, d, "tensordot") for d in da]
    db = [_ops.check_dim(b.ndim, d, "tensordot") for d in db]
    for i, j in zip(da, db):
        if a.shape[i] != b.shape[j]:
            raise RuntimeError(
                f"tensordot: contracted dimensions need to match, but first has size {a.shape[i]} "
                f"in dim {i} and second has size {b.shape[j]} in dim {j}"
            )
    ka = [d for d in range(a.ndim) if d not in da]
    kb = [d for d in range(b.ndim) if d not in db]
    size = int(np.prod([a.shape[d] for d in da], dtype=np.int64))
    am = a.permute(ka + da).reshape(-1, size)
    bm = b.permute(db + kb).reshape(size, -1)
    return (am @ bm).reshape(tuple(a.shape[d] for d in ka) + tuple(b.shape[d] for d in kb))


def diagonal(input: Any, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Any:
    """The diagonal of the (dim1, dim2) planes, ``offset`` above (>0) or below (<0) the main
    one, as the last dim of the result."""
    x = _tensor_arg(input, "diagonal")
    d1 = _ops.check_dim(x.ndim, dim1, "diagonal")
    d2 = _ops.check_dim(x.ndim, dim2, "diagonal")
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    rest = [d for d in range(x.ndim) if d not in (d1, d2)]
    x = x.permute(rest + [d1, d2])
    n1, n2 = x.shape[-2], x.shape[-1]
    start1, start2 = (0, offset) if offset >= 0 else (-offset, 0)
    n = builtins.max(0, builtins.min(n1 - start1, n2 - start2))
    i = np.arange(start1, start1 + n)
    j = np.arange(start2, start2 + n)
    return x[(Ellipsis, i, j)]


# ---------------------------------------------------------------------------------------
# einsum
# ---------------------------------------------------------------------------------------


def _parse_einsum(equation: str, shapes: list) -> tuple:
    """Subscripts per operand and for the output, with ``...`` replaced by fresh letters."""
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(shapes):
        raise RuntimeError(
            f"einsum(): {len(terms)} subscript groups for {len(shapes)} operands in {equation!r}"
        )
    used = set(c for c in eq if c.isalpha())
    spare = [c for c in string.ascii_letters if c not in used]
    n_ell = 0
    for t, s in zip(terms, shapes):
        if "..." in t:
            n_ell = builtins.max(n_ell, len(s) - (len(t) - 3))
    ell = "".join(spare[:n_ell])
    out_terms = []
    for t, s in zip(terms, shapes):
        if "..." in t:
            k = len(s) - (len(t) - 3)
            t = t.replace("...", ell[n_ell - k :] if k else "")
        if not all(c.isalpha() for c in t):
            raise RuntimeError(f"einsum(): invalid subscript in {equation!r}: use letters a-z, A-Z")
        if len(t) != len(s):
            raise RuntimeError(
                f"einsum(): the number of subscripts in {t!r} ({len(t)}) does not match the "
                f"number of dimensions ({len(s)}) of its operand"
            )
        out_terms.append(t)
    if arrow:
        if "..." in rhs:
            rhs = rhs.replace("...", ell)
        out = rhs
    else:  # implicit form: the ellipsis letters, then the letters used once, sorted
        counts: dict = {}
        for t in out_terms:
            for c in t:
                counts[c] = counts.get(c, 0) + 1
        out = ell + "".join(sorted(c for c, n in counts.items() if n == 1 and c not in ell))
    if len(set(out)) != len(out):
        raise RuntimeError(f"einsum(): output subscript {rhs!r} has repeated letters")
    for c in out:
        if not any(c in t for t in out_terms):
            raise RuntimeError(f"einsum(): output subscript {c!r} does not appear in the input")
    return out_terms, out


def _reduce_single(x: Any, term: str, keep: set) -> tuple:
    """Take diagonals of repeated letters and sum out letters not in ``keep``."""
    while len(set(term)) != len(term):
        c = next(c for c in term if term.count(c) > 1)
        i = term.index(c)
        j = term.index(c, i + 1)
        x = diagonal(x, 0, i, j)
        term = "".join(t for k, t in enumerate(term) if k not in (i, j)) + c
    drop = [i for i, c in enumerate(term) if c not in keep]
    if drop:
        x = _ops.sum(x, tuple(drop))
        term = "".join(c for c in term if c in keep)
    return x, term


def _contract_pair(a: Any, ta: str, b: Any, tb: str, keep: set) -> tuple:
    """Contract two operands over the letters they share that are not kept."""
    batch = [c for c in ta if c in tb and c in keep]
    contract = [c for c in ta if c in tb and c not in keep]
    a_only = [c for c in ta if c not in tb]
    b_only = [c for c in tb if c not in ta]
    size = {c: n for t, x in ((ta, a), (tb, b)) for c, n in zip(t, x.shape)}
    for c in batch + contract:  # size-1 dims broadcast, as in PyTorch
        na, nb = a.shape[ta.index(c)], b.shape[tb.index(c)]
        if na != nb and 1 not in (na, nb):
            raise RuntimeError(
                f"einsum(): operands do not broadcast with remapped shapes: subscript {c!r} has "
                f"size {na} in one operand and {nb} in the other"
            )
        size[c] = builtins.max(na, nb)
    a = a.permute([ta.index(c) for c in batch + a_only + contract])
    b = b.permute([tb.index(c) for c in batch + contract + b_only])
    a = a.expand(tuple(size[c] for c in batch + a_only + contract))
    b = b.expand(tuple(size[c] for c in batch + contract + b_only))
    nb_, na_, nc_, no_ = (
        tuple(size[c] for c in batch),
        int(np.prod([size[c] for c in a_only], dtype=np.int64)),
        int(np.prod([size[c] for c in contract], dtype=np.int64)),
        int(np.prod([size[c] for c in b_only], dtype=np.int64)),
    )
    out = a.reshape(nb_ + (na_, nc_)) @ b.reshape(nb_ + (nc_, no_))
    shape = nb_ + tuple(size[c] for c in a_only) + tuple(size[c] for c in b_only)
    return out.reshape(shape), "".join(batch + a_only + b_only)


def einsum(equation: str, *operands: Any) -> Any:
    """Einstein summation: ``einsum("ij,jk->ik", a, b)``; the implicit form (no ``->``),
    ``...`` broadcasting and repeated subscripts (diagonals) work as in PyTorch."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not isinstance(equation, str):
        raise TypeError(f"einsum(): the equation must be a string, got {type(equation).__name__}")
    ops_ = [_tensor_arg(x, "einsum", f"operands[{i}]") for i, x in enumerate(operands)]
    if not ops_:
        raise RuntimeError("einsum(): must provide at least one operand")
    terms, out = _parse_einsum(equation, [x.shape for x in ops_])
    for i, (t, x) in enumerate(zip(terms, ops_)):
        for c in set(t):
            sizes = {x.shape[k] for k, ch in enumerate(t) if ch == c}
            if len(sizes) > 1:
                raise RuntimeError(
                    f"einsum(): subscript {c!r} is repeated for operand {i} but the sizes don't match"
                )
    pending = list(zip(ops_, terms))
    x, t = pending.pop(0)
    rest = set(out).union(*[set(tt) for _, tt in pending])
    x, t = _reduce_single(x, t, rest)
    while pending:
        y, ty = pending.pop(0)
        rest = set(out).union(*[set(tt) for _, tt in pending])
        y, ty = _reduce_single(y, ty, rest | set(t))
        x, t = _contract_pair(x, t, y, ty, rest)
    x, t = _reduce_single(x, t, set(out))
    order = [t.index(c) for c in out]
    return x.permute(order) if order != sorted(order) else x


# ---------------------------------------------------------------------------------------
# inverse, determinant, SVD
# ---------------------------------------------------------------------------------------


def _square(a: Any, op: str) -> Any:
    a = _tensor_arg(a, op, "A")
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise RuntimeError(
            f"{op}: A must be batches of square matrices, but they are {tuple(a.shape[-2:])} matrices"
        )
    if a._array.dtype.kind != "f":
        raise RuntimeError(f"{op}: expected a floating point tensor, got {a.dtype}")
    return a


def inverse(input: Any) -> Any:
    """The inverse of (a batch of) square matrices; a singular matrix is an error."""
    return Inverse.apply(_square(input, "linalg.inv"))


def det(input: Any) -> Any:
    """The determinant of (a batch of) square matrices."""
    return Det.apply(_square(input, "linalg.det"))


def linalg_svd(A: Any, full_matrices: bool = True) -> Any:
    """``(U, S, Vh)`` with ``A = U diag(S) Vh`` (``torch.linalg.svd``)."""
    a = _tensor_arg(A, "linalg.svd", "A")
    if a.ndim < 2:
        raise RuntimeError(
            f"linalg.svd: the input tensor A must have at least 2 dimensions, got {a.ndim}"
        )
    if a._array.dtype.kind != "f":
        raise RuntimeError(f"linalg.svd: expected a floating point tensor, got {a.dtype}")
    m, n, k, uc, vr = svd_sizes(tuple(a.shape), full_matrices)
    return LinalgSvdResult(*unpack_svd(Svd.apply(a, full_matrices), (m, n, k, uc, vr)))


def svd(input: Any, some: bool = True, compute_uv: bool = True) -> Any:
    """``(U, S, V)`` with ``A = U diag(S) Vᵀ`` (the older ``torch.svd``)."""
    u, s, vh = linalg_svd(input, full_matrices=not some)
    if not compute_uv:
        return SvdResult(u.detach() * 0, s, vh.mT.detach() * 0)
    return SvdResult(u, s, vh.mT)


def svdvals(A: Any) -> Any:
    """The singular values of ``A``, in descending order."""
    return linalg_svd(A, full_matrices=False).S
