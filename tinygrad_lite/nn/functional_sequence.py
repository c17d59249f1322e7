"""Functional pieces of sequence models: ``embedding``, ``embedding_bag``, ``mish`` and
``scaled_dot_product_attention`` (re-exported by ``nn.functional``).

All are composites of primitives except the table lookup, which is the ``Embedding``
primitive (its backward is a scatter-add). PyTorch's arguments, defaults and error cases.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import ops
from .. import random as _random
from .. import random_kernels as _rk
from ..autograd.function import bump_version
from ..primitives import Mul, Softmax, Where
from ..primitives_sequence import Embedding
from ..tensor import Tensor

__all__ = ["embedding", "embedding_bag", "mish", "scaled_dot_product_attention"]


def _indices(input: Any, num_rows: int, op: str) -> np.ndarray:
    """The integer index array of ``input``, checked against a table of ``num_rows`` rows."""
    idx = np.asarray(input._array if isinstance(input, Tensor) else input)
    if idx.dtype.kind not in "iu":
        raise RuntimeError(
            f"{op}: expected indices of an integer dtype (Long or Int), got {idx.dtype}; "
            "convert them with .long()"
        )
    if idx.size and (idx.min() < 0 or idx.max() >= num_rows):
        bad = int(idx.min() if idx.min() < 0 else idx.max())
        raise IndexError(f"{op}: index {bad} is out of range for a table of {num_rows} rows")
    return idx


def _padding_row(padding_idx: int | None, num_rows: int, op: str) -> int | None:
    if padding_idx is None:
        return None
    if not -num_rows <= padding_idx < num_rows:
        raise ValueError(f"{op}: padding_idx {padding_idx} must be within num_embeddings")
    return padding_idx % num_rows


def _renorm_(weight: Tensor, idx: np.ndarray, max_norm: float, norm_type: float) -> None:
    """Rescale, in place and unrecorded, the rows of ``weight`` used by ``idx`` whose
    ``norm_type``-norm exceeds ``max_norm`` to norm ``max_norm`` (PyTorch's embedding_renorm_)."""
    rows = np.unique(idx)
    w = weight._array
    norms = np.linalg.norm(w[rows], ord=norm_type, axis=1)
    big = norms > max_norm
    if big.any():
        scale = (max_norm / (norms[big] + 1e-7)).astype(w.dtype)
        w[rows[big]] *= scale[:, None]
        bump_version(weight)


def _refuse_sparse(op: str, sparse: bool) -> None:
    """Sparse gradients are not supported: raise NotImplementedError naming ``op`` and the fix."""
    if sparse:
        raise NotImplementedError(
            f"{op}: sparse=True (sparse gradients) is not supported; use sparse=False, "
            "which gives the same values and a dense gradient"
        )


def embedding(input: Any, weight: Tensor, padding_idx: int | None = None,
              max_norm: float | None = None, norm_type: float = 2.0,
              scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:  # fmt: skip
    """Rows of ``weight`` (num_embeddings, dim) picked by the integer ``input`` of any shape:
    output (*input.shape, dim). The ``padding_idx`` row gets no gradient; ``max_norm``
    renormalises the rows used, in place, before the lookup."""
    if weight.ndim != 2:
        raise RuntimeError(f"embedding: weight must be 2-D, got shape {tuple(weight.shape)}")
    _refuse_sparse("embedding", sparse)
    idx = _indices(input, weight.shape[0], "embedding")
    pad = _padding_row(padding_idx, weight.shape[0], "embedding")
    if max_norm is not None:
        _renorm_(weight, idx, float(max_norm), float(norm_type))
    return Embedding.apply(weight, idx, pad, bool(scale_grad_by_freq))


def embedding_bag(input: Any, weight: Tensor, offsets: Any = None,
                  max_norm: float | None = None, norm_type: float = 2,
                  scale_grad_by_freq: bool = False, mode: str = "mean", sparse: bool = False,
                  per_sample_weights: Tensor | None = None, include_last_offset: bool = False,
                  padding_idx: int | None = None) -> Tensor:  # fmt: skip
    """The sum, mean or max of the embeddings in each bag: ``input`` (B, N) is B bags of N
    indices; a 1-D ``input`` with ``offsets`` (start of each bag) has bags of any length.
    Output (B, dim); an empty bag gives zeros; ``padding_idx`` entries are left out."""
    if mode not in ("sum", "mean", "max"):
        raise ValueError(f"embedding_bag: mode has to be one of sum, mean or max, got {mode!r}")
    idx = _indices(input, weight.shape[0], "embedding_bag")
    if idx.ndim == 2:
        if offsets is not None:
            raise ValueError("embedding_bag: if input is 2-D, offsets has to be None")
        n_bags, per = idx.shape
        starts = np.arange(0, idx.size, per) if per else np.zeros(n_bags, np.int64)
        idx = idx.reshape(-1)
    elif idx.ndim == 1:
        if offsets is None:
            raise ValueError("embedding_bag: offsets has to be a 1-D tensor for a 1-D input")
        starts = np.asarray(offsets._array if isinstance(offsets, Tensor) else offsets)
        if starts.ndim != 1:
            raise ValueError(f"embedding_bag: offsets has to be 1-D, got shape {starts.shape}")
        if include_last_offset:
            starts = starts[:-1]
        if starts.size and (starts[0] != 0 or (np.diff(starts) < 0).any()):
            raise ValueError("embedding_bag: offsets must start at 0 and not decrease")
    else:
        raise ValueError(f"embedding_bag: input has to be 1-D or 2-D, got shape {idx.shape}")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(
            f"embedding_bag: per_sample_weights is only supported for mode='sum', got {mode!r}"
        )
    pad = _padding_row(padding_idx, weight.shape[0], "embedding_bag")
    rows = embedding(idx, weight, None, max_norm, norm_type, scale_grad_by_freq, sparse)
    if per_sample_weights is not None:
        if tuple(per_sample_weights.shape) != idx.shape:
            raise ValueError(
                f"embedding_bag: per_sample_weights of shape {tuple(per_sample_weights.shape)} "
                f"must match the flattened input {idx.shape}"
            )
        rows = rows * per_sample_weights.reshape(-1, 1)
    ends = np.append(starts[1:], idx.size).astype(np.int64)
    bag = np.repeat(np.arange(len(starts)), ends - starts)  # each position's bag
    used = np.ones(idx.size, dtype=bool) if pad is None else idx != pad
    if mode == "max":
        outs = []
        for s, e in zip(starts, ends):
            keep = np.nonzero(used[s:e])[0] + s
            outs.append(rows[keep].amax(0) if keep.size else rows[0:0].sum(0))
        return ops.stack(outs) if outs else rows[0:0]
    member = np.zeros((len(starts), idx.size), dtype=weight._array.dtype)
    member[bag[used], np.nonzero(used)[0]] = 1  # bag b sums the positions it holds
    if mode == "mean":
        counts = member.sum(1, keepdims=True)
        member = member / np.maximum(counts, 1)
    return ops.matmul(Tensor._make(member, None, False), rows)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """x·tanh(softplus(x))."""
    from . import functional as F

    if inplace:
        return ops.inplace_unary(input, lambda t: t * F.softplus(t).tanh(), "mish_")
    return input * F.softplus(input).tanh()


def _causal(n: int, m: int) -> np.ndarray:
    return np.tri(n, m, 0, dtype=np.bool_)


def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor,
                                 attn_mask: Tensor | None = None, dropout_p: float = 0.0,
                                 is_causal: bool = False, scale: float | None = None,
                                 enable_gqa: bool = False) -> Tensor:  # fmt: skip
    """softmax(Q Kᵀ·scale + mask) V over the last two dims: query (..., L, E), key
    (..., S, E), value (..., S, Ev) -> (..., L, Ev). A bool ``attn_mask`` says which
    positions may be attended to (True), a float one is added; ``is_causal`` masks j > i;
    ``scale`` defaults to 1/√E; ``dropout_p`` drops attention weights (always, as PyTorch)."""
    if query.ndim < 2 or key.ndim < 2 or value.ndim < 2:
        raise RuntimeError(
            "scaled_dot_product_attention: query, key and value must be at least 2-D, got "
            f"{tuple(query.shape)}, {tuple(key.shape)}, {tuple(value.shape)}"
        )
    if query.shape[-1] != key.shape[-1] or key.shape[-2] != value.shape[-2]:
        raise RuntimeError(
            "scaled_dot_product_attention: expected query (..., L, E), key (..., S, E) and "
            f"value (..., S, Ev), got {tuple(query.shape)}, {tuple(key.shape)}, "
            f"{tuple(value.shape)}"
        )
    if is_causal and attn_mask is not None:
        raise RuntimeError(
            "scaled_dot_product_attention: explicit attn_mask should not be set when is_causal=True"
        )
    if enable_gqa and query.ndim >= 3 and key.shape[-3] != query.shape[-3]:
        reps = query.shape[-3] // key.shape[-3]
        heads = np.repeat(np.arange(key.shape[-3]), reps)
        key, value = key.index_select(-3, heads), value.index_select(-3, heads)
    L, S = query.shape[-2], key.shape[-2]
    s = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    scores = ops.matmul(query, key.transpose(-2, -1)) * s
    if is_causal:
        scores = Where.apply(_causal(L, S), scores, np.asarray(-np.inf, scores._array.dtype))
    elif attn_mask is not None:
        mask = attn_mask._array if isinstance(attn_mask, Tensor) else np.asarray(attn_mask)
        if mask.dtype == np.bool_:
            scores = Where.apply(mask, scores, np.asarray(-np.inf, scores._array.dtype))
        else:
            scores = scores + attn_mask
    weights = Softmax.apply(scores, -1)
    if dropout_p > 0.0:
        dt = weights._array.dtype  # PyTorch's mask: bernoulli_(1 - p) of the weights, / (1 - p)
        keep = _rk.bernoulli_scalar(_random.default_generator, weights._array.size, 1.0 - dropout_p)
        weights = Mul.apply(
            weights, keep.reshape(weights.shape).astype(dt) / dt.type(1 - dropout_p)
        )
    return ops.matmul(weights, value)
