"""Linear-algebra primitives: the matrix inverse, the determinant and the SVD.

Written like the table in ``primitives.py``: forward on arrays, backward with operators
(``@``, ``.mT``, indexing) that arrays and Tensors both understand, so they differentiate
twice. The SVD has three outputs; the engine records one output per node, so ``Svd`` returns
U, S and Vh packed side by side in one array and ``linalg.svd`` slices them apart (the
slices' gradients arrive packed in the same layout).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .autograd.function import Primitive

Ctx = Any


def inverse_of(a: Any) -> Any:
    """The inverse of (a batch of) square matrices: an array for arrays, a recorded Tensor
    for Tensors (so formulas that use it differentiate again)."""
    if isinstance(a, (np.ndarray, np.generic)):
        return np.linalg.inv(a)
    return Inverse.apply(a)


class Inverse(Primitive):
    """f(A) = A⁻¹, gradient -A⁻ᵀ g A⁻ᵀ"""

    @staticmethod
    def forward(ctx: Ctx, a):
        try:
            out = np.linalg.inv(a)
        except np.linalg.LinAlgError:
            raise RuntimeError(
                f"linalg.inv: the matrix is singular (not invertible), input shape {a.shape}; "
                "check its rows for linear dependence"
            ) from None
        ctx.saved = (out,)
        return out

    @staticmethod
    def backward(ctx: Ctx, g):
        (inv,) = ctx.saved
        inv_t = inv.mT
        return -(inv_t @ g @ inv_t)


class Det(Primitive):
    """f(A) = det A, gradient g · det A · A⁻ᵀ (A invertible)"""

    @staticmethod
    def forward(ctx: Ctx, a):
        out = np.linalg.det(a).astype(a.dtype, copy=False)
        ctx.saved = (a, out)
        return np.asarray(out)

    @staticmethod
    def backward(ctx: Ctx, g):
        a, out = ctx.saved
        scale = (g * out)[..., None, None]
        return scale * inverse_of(a).mT


def svd_sizes(shape: tuple, full_matrices: bool) -> tuple:
    """(m, n, k, u_cols, vh_rows) for an (..., m, n) input: k = min(m, n) singular values."""
    m, n = shape[-2], shape[-1]
    k = min(m, n)
    return m, n, k, (m if full_matrices else k), (n if full_matrices else k)


def unpack_svd(packed: Any, sizes: tuple) -> tuple:
    """U, S, Vh back out of ``Svd``'s packed output (or a gradient in the same layout)."""
    m, n, k, uc, vr = sizes
    batch = tuple(packed.shape[:-1])
    u = packed[..., : m * uc].reshape(batch + (m, uc))
    s = packed[..., m * uc : m * uc + k]
    vh = packed[..., m * uc + k :].reshape(batch + (vr, n))
    return u, s, vh


class Svd(Primitive):
    """A = U diag(S) Vh, the three packed in one array ``[U.ravel(), S, Vh.ravel()]`` per
    matrix. Gradient (distinct nonzero singular values; F_ij = 1/(s_j² - s_i²), i ≠ j):
    U[(F∘(UᵀgU - gUᵀU))S + diag(gS) + S(F∘(VᵀgV - gVᵀV))]Vᵀ
    + (I - UUᵀ)gU S⁻¹Vᵀ + U S⁻¹gVᵀ(I - VVᵀ)."""

    @staticmethod
    def forward(ctx: Ctx, a, full_matrices):
        u, s, vh = np.linalg.svd(a, full_matrices=full_matrices)
        batch = a.shape[:-2]
        flat = lambda x: x.reshape(batch + (-1,))  # noqa: E731
        out = np.concatenate([flat(u), s, flat(vh)], axis=-1).astype(a.dtype, copy=False)
        ctx.saved = (out,)  # U, S, Vh are read back from it (so they differentiate again)
        ctx.sizes = svd_sizes(a.shape, full_matrices)
        return out

    @staticmethod
    def backward(ctx: Ctx, g):
        (packed,) = ctx.saved
        m, n, k, uc, vr = ctx.sizes
        if (uc != k or vr != k) and m != n:
            raise RuntimeError(
                "linalg.svd: the derivative is not implemented for full_matrices=True on a "
                "non-square matrix; use full_matrices=False"
            )
        u, s, vh = unpack_svd(packed, ctx.sizes)
        g_u, g_s, g_vh = unpack_svd(g, ctx.sizes)
        u, vh, g_u, g_vh = u[..., :k], vh[..., :k, :], g_u[..., :k], g_vh[..., :k, :]
        v, g_v = vh.mT, g_vh.mT
        s_row, s_col = s[..., None, :], s[..., :, None]
        eye = np.eye(k, dtype=getattr(s, "_array", s).dtype)
        diff = s_row * s_row - s_col * s_col  # s_j² - s_i² at (i, j)
        f = (1 - eye) / (diff + eye)
        ut_gu = u.mT @ g_u
        vt_gv = v.mT @ g_v
        inner = (
            (f * (ut_gu - ut_gu.mT)) * s_row
            + eye * g_s[..., None, :]
            + s_col * (f * (vt_gv - vt_gv.mT))
        )
        out = u @ inner @ vh
        out = out + (g_u - u @ ut_gu) / s_row @ vh
        out = out + u @ ((g_v - v @ vt_gv) / s_row).mT
        return out, None
