"""Primitives for sequence models: the embedding lookup and the LSTM cell's pointwise step.

Written exactly like the ones in ``primitives.py`` (see its docstring for the rules): forward
gets arrays, backward gets ``g`` and returns one gradient per input, and the same backward
formula runs on Tensors when a gradient of a gradient is wanted.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .autograd.function import Primitive
from .primitives import ScatterAdd, one_minus

Ctx = Any

__all__ = ["Embedding", "embedding_grad", "LSTMPointwise"]

_ONE_HOT_MAX = 1 << 14  # table rows x positions up to which the gradient is a matmul


def embedding_grad(g: np.ndarray, shape: tuple, indices: np.ndarray, padding_idx: Any,
                   scale_by_freq: bool) -> np.ndarray:  # fmt: skip
    """The table gradient of ``W[indices]``: row ``r`` gets the sum of ``g`` over every
    position holding ``r`` (repeats add up); the ``padding_idx`` row gets nothing."""
    flat = indices.reshape(-1)
    rows = g.reshape(flat.size, -1)
    if scale_by_freq:  # each position's gradient divided by how often its row appears
        counts = np.bincount(flat, minlength=shape[0])
        rows = rows / counts[flat][:, None].astype(g.dtype)
    if shape[0] * flat.size <= _ONE_HOT_MAX:
        # just an optimization (the same sums): for a small table, a 0/1 matrix times g is
        # 4x faster than np.add.at (27 rows, 96 positions)
        one_hot = np.zeros((shape[0], flat.size), dtype=g.dtype)
        one_hot[flat, np.arange(flat.size)] = 1
        out = one_hot @ rows
    else:
        out = np.zeros((shape[0], rows.shape[1]), dtype=g.dtype)
        np.add.at(out, flat, rows)  # unbuffered: repeated rows accumulate
    if padding_idx is not None:
        out[padding_idx] = 0
    return out.reshape(shape)


class Embedding(Primitive):
    """f(W, idx) = W[idx]: one row of the table per index; backward adds the gradients of
    repeated indices and gives the ``padding_idx`` row none (``F.embedding``)"""

    @staticmethod
    def forward(ctx: Ctx, weight, indices, padding_idx, scale_by_freq):
        ctx.in_shape, ctx.indices = weight.shape, indices
        ctx.padding_idx, ctx.scale_by_freq = padding_idx, scale_by_freq
        return weight.take(indices, axis=0)  # (take: a fancy index without the index checks)

    @staticmethod
    def backward(ctx: Ctx, g):
        shape, idx, pad = ctx.in_shape, ctx.indices, ctx.padding_idx
        if isinstance(g, np.ndarray):
            return embedding_grad(g, shape, idx, pad, ctx.scale_by_freq), None, None, None
        # on Tensors (create_graph=True): the same sum, through differentiable ops
        keep = np.ones(idx.shape + (1,) * (g.ndim - idx.ndim), dtype=g._array.dtype)
        if pad is not None:
            keep = keep * (idx == pad)[(...,) + (None,) * (g.ndim - idx.ndim)].__invert__()
        if ctx.scale_by_freq:
            counts = np.bincount(idx.reshape(-1), minlength=shape[0])
            keep = keep / counts[idx][(...,) + (None,) * (g.ndim - idx.ndim)]
        return ScatterAdd.apply(g * keep.astype(g._array.dtype), shape, idx), None, None, None


def _sigmoid(x: np.ndarray) -> np.ndarray:
    """σ(x) = (1 + tanh(x/2)) / 2: no overflow, and three ufuncs instead of seven."""
    half = x.dtype.type(0.5)
    out = np.tanh(x * half)
    out *= half
    out += half
    return out


def _lstm_activations(gates: Any, n: int) -> tuple:
    """σ(i), σ(f), tanh(g), σ(o) of the gate pre-activations (..., 4n), on arrays or Tensors."""
    if isinstance(gates, np.ndarray):
        s = _sigmoid(gates)
        return s[..., :n], s[..., n : 2 * n], np.tanh(gates[..., 2 * n : 3 * n]), s[..., 3 * n :]
    return (gates[..., :n].sigmoid(), gates[..., n : 2 * n].sigmoid(),
            gates[..., 2 * n : 3 * n].tanh(), gates[..., 3 * n :].sigmoid())  # fmt: skip


class LSTMPointwise(Primitive):
    """f(a, b, c) = stack(h', c'): with gates a + b = (i, f, g, o) along the last dim,
    c' = σ(f)·c + σ(i)·tanh(g) and h' = σ(o)·tanh(c')  (one LSTM step after its matmuls)

    Just an optimization: the same step as 12 pointwise primitives, in one node."""

    @staticmethod
    def forward(ctx: Ctx, x_gates, h_gates, c):
        n = c.shape[-1]
        i, f, g, o = _lstm_activations(x_gates + h_gates, n)
        c_new = f * c + i * g
        tc = np.tanh(c_new)
        ctx.saved = (x_gates, h_gates, c)
        ctx.acts = (i, f, g, o, tc)
        return np.stack([o * tc, c_new])

    @staticmethod
    def backward(ctx: Ctx, g2):
        x_gates, h_gates, c = ctx.saved
        n = c.shape[-1]
        if isinstance(g2, np.ndarray):
            i, f, g, o, tc = ctx.acts
            cat = np.concatenate
        else:  # on Tensors: the activations again, as functions of the inputs
            from .ops import cat

            i, f, g, o = _lstm_activations(x_gates + h_gates, n)
            tc = (f * c + i * g).tanh()
        gh, gc = g2[0], g2[1]
        dc = gc + gh * o * one_minus(tc * tc)
        d_gates = cat([dc * g * i * one_minus(i), dc * c * f * one_minus(f),
                       dc * i * one_minus(g * g), gh * tc * o * one_minus(o)], -1)  # fmt: skip
        return d_gates, d_gates, dc * f
