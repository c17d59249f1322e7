"""Primitives for sequence models: the embedding lookup (forward and VJP side by side).

Written exactly like the ones in ``primitives.py`` (see its docstring for the rules): forward
gets arrays, backward gets ``g`` and returns one gradient per input, and the same backward
formula runs on Tensors when a gradient of a gradient is wanted.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .autograd.function import Primitive
from .primitives import ScatterAdd

Ctx = Any

__all__ = ["Embedding", "embedding_grad"]


def embedding_grad(g: np.ndarray, shape: tuple, indices: np.ndarray, padding_idx: Any,
                   scale_by_freq: bool) -> np.ndarray:  # fmt: skip
    """The table gradient of ``W[indices]``: row ``r`` gets the sum of ``g`` over every
    position holding ``r`` (repeats add up); the ``padding_idx`` row gets nothing."""
    flat = indices.reshape(-1)
    rows = g.reshape(flat.size, -1)
    if scale_by_freq:  # each position's gradient divided by how often its row appears
        counts = np.bincount(flat, minlength=shape[0])
        rows = rows / counts[flat][:, None].astype(g.dtype)
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
