"""Scans: ``cumsum`` and ``cumprod`` along one dim, as primitives (forward, VJP side by side).

Written like the ops in ``primitives.py``: NumPy's own scans forward (O(n), no dense
matrix), backward formulas that arrays and Tensors both understand, so that they give
higher-order gradients too. Result dtypes are PyTorch's: bool and integers give int64,
float16 accumulates in float32.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .autograd.function import Primitive
from .primitives import PRIMITIVES, select, values

Ctx = Any

_F16, _F32, _I64 = np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.int64)


def _scan_dtype(dtype: np.dtype) -> tuple:
    """(dtype to accumulate in, result dtype) of a scan over ``dtype``."""
    if dtype.kind in "biu":
        return _I64, _I64
    if dtype is _F16:
        return _F32, _F16
    return dtype, dtype


def flip(a: Any, dim: int) -> Any:
    """``a`` reversed along ``dim`` (an array view, or a Tensor op)."""
    return a[(slice(None),) * dim + (slice(None, None, -1),)]


def cumsum(a: Any, dim: int) -> Any:
    """Running sum of ``a`` along ``dim`` (arrays directly, Tensors through ``Cumsum``)."""
    if isinstance(a, (np.ndarray, np.generic)):
        return np.cumsum(a, axis=dim)
    return Cumsum.apply(a, dim)


def cumprod(a: Any, dim: int) -> Any:
    """Running product of ``a`` along ``dim`` (arrays directly, Tensors through ``Cumprod``)."""
    if isinstance(a, (np.ndarray, np.generic)):
        return np.cumprod(a, axis=dim)
    return Cumprod.apply(a, dim)


def reverse_cumsum(g: Any, dim: int) -> Any:
    """``out[i] = Σ_{j >= i} g[j]`` along ``dim``: the transpose of a running sum."""
    return flip(cumsum(flip(g, dim), dim), dim)


class Cumsum(Primitive):
    """f(x)ᵢ = Σ_{j <= i} xⱼ along dim"""

    @staticmethod
    def forward(ctx: Ctx, x, dim):
        ctx.dim = dim
        acc, result = _scan_dtype(x.dtype)
        return np.cumsum(x, axis=dim, dtype=acc).astype(result, copy=False)

    @staticmethod
    def backward(ctx: Ctx, g):
        return reverse_cumsum(g, ctx.dim), None


class Cumprod(Primitive):
    """f(x)ᵢ = Π_{j <= i} xⱼ along dim  (∂fⱼ/∂xᵢ = product of the others up to j, zeros allowed)"""

    @staticmethod
    def forward(ctx: Ctx, x, dim):
        ctx.dim = dim
        acc, result = _scan_dtype(x.dtype)
        out = np.cumprod(x, axis=dim, dtype=acc).astype(result, copy=False)
        ctx.saved = (x, out)
        return out

    @staticmethod
    def backward(ctx: Ctx, g):
        x, out = ctx.saved
        d = ctx.dim
        zeros_so_far = np.cumsum(values(x) == 0, axis=d)
        if not zeros_so_far.any():  # the usual case: out_j / x_i is the product of the others
            return reverse_cumsum(g * out, d) / x, None
        if not isinstance(x, np.ndarray):  # a gradient to differentiate again: exact form
            return _dense_cumprod_grad(x, g, d), None
        # Before the first zero of a slice, out_j / x_i is still right (x_i != 0, and the
        # out_j past the zero are 0). At the first zero z, ∂out_j/∂x_z is the running product
        # with x_z taken as 1. Past it, every out_j has another factor 0: the gradient is 0.
        before = zeros_so_far == 0
        first_zero = (zeros_so_far == 1) & (values(x) == 0)
        up_to_zero = reverse_cumsum(g * out, d) / select(before, x, 1.0)
        at_zero = reverse_cumsum(g * cumprod(select(first_zero, 1.0, x), d), d)
        return select(before, up_to_zero, select(first_zero, at_zero, 0.0)), None


def _dense_cumprod_grad(x: Any, g: Any, d: int) -> Any:
    """The gradient of ``cumprod`` along ``d`` as a Tensor formula that stays exact when
    differentiated again at zeros: ``grad_i = Σ_{j >= i} g_j · Π_{k <= j, k != i} x_k``, one
    running product per i (O(n²) along ``d``; used only for higher-order gradients)."""
    xt, gt = x.transpose(d, -1), g.transpose(d, -1)
    n = xt.shape[-1]
    eye = np.eye(n, dtype=bool)
    later = np.triu(np.ones((n, n), dtype=bool))  # later[i, j]: j >= i
    rep = xt.unsqueeze(-2).expand(xt.shape[:-1] + (n, n))  # rep[..., i, j] = x_j
    others = select(later, cumprod(select(eye, 1.0, rep), rep.ndim - 1), 0.0)
    return (others * gt.unsqueeze(-2)).sum(-1).transpose(d, -1)


PRIMITIVES.update({"Cumsum": Cumsum, "Cumprod": Cumprod})
