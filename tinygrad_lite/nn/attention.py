"""``MultiheadAttention``: attention with several heads over learned projections of query,
key and value, with PyTorch's parameter layout (``in_proj_weight``, ``in_proj_bias``,
``out_proj``; ``q/k/v_proj_weight`` when key or value have other sizes)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import factories, ops
from ..primitives import Softmax
from ..tensor import Tensor
from . import functional as F
from . import init
from .linear import Linear
from .module import Module
from .parameter import Parameter

__all__ = ["MultiheadAttention", "NonDynamicallyQuantizableLinear"]


class NonDynamicallyQuantizableLinear(Linear):
    """The class of ``MultiheadAttention.out_proj`` in PyTorch: a plain ``Linear``."""


def _float_mask(mask: Any, dtype: np.dtype, what: str) -> Any:
    """A mask as something to add to the scores: bool True (= do not attend) becomes -inf;
    a float Tensor is added as it is (differentiable, as in PyTorch)."""
    if mask is None:
        return None
    m = mask._array if isinstance(mask, Tensor) else np.asarray(mask)
    if m.dtype == np.bool_:
        return np.where(m, np.asarray(-np.inf, dtype), np.asarray(0, dtype))
    if m.dtype.kind != "f":
        raise AssertionError(f"only bool and floating types of {what} are supported")
    return mask if isinstance(mask, Tensor) else m.astype(dtype, copy=False)


class MultiheadAttention(Module):
    """Attention(Q Wq, K Wk, V Wv) per head, joined and projected by ``out_proj``.

    Inputs (L, N, E) (or (N, L, E) with ``batch_first``, or unbatched (L, E)); returns
    ``(output, weights)``: output like the query, weights (N, L, S) averaged over heads
    (``average_attn_weights=False``: (N, num_heads, L, S)), or None if not ``need_weights``.
    """

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
                 add_bias_kv: bool = False, add_zero_attn: bool = False, kdim: int | None = None,
                 vdim: int | None = None, batch_first: bool = False, device: Any = None,
                 dtype: Any = None) -> None:  # fmt: skip
        super().__init__()
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(
                f"embed_dim and num_heads must be greater than 0, got embed_dim={embed_dim} "
                f"and num_heads={num_heads} instead"
            )
        if add_bias_kv or add_zero_attn:
            raise NotImplementedError(
                "MultiheadAttention: add_bias_kv and add_zero_attn are not supported"
            )
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads = num_heads
        self.dropout = dropout
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        if self.head_dim * num_heads != embed_dim:
            raise AssertionError("embed_dim must be divisible by num_heads")
        kw = {"dtype": dtype, "device": device}
        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(factories.empty((3 * embed_dim, embed_dim), **kw))
            self.register_parameter("q_proj_weight", None)
            self.register_parameter("k_proj_weight", None)
            self.register_parameter("v_proj_weight", None)
        else:
            self.q_proj_weight = Parameter(factories.empty((embed_dim, embed_dim), **kw))
            self.k_proj_weight = Parameter(factories.empty((embed_dim, self.kdim), **kw))
            self.v_proj_weight = Parameter(factories.empty((embed_dim, self.vdim), **kw))
            self.register_parameter("in_proj_weight", None)
        if bias:
            self.in_proj_bias = Parameter(factories.empty((3 * embed_dim,), **kw))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias, **kw)
        self.bias_k = self.bias_v = None
        self.add_zero_attn = False
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        """Xavier-uniform projections, zero biases (PyTorch's scheme)."""
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            init.xavier_uniform_(self.q_proj_weight)
            init.xavier_uniform_(self.k_proj_weight)
            init.xavier_uniform_(self.v_proj_weight)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)

    def _project(self, query: Tensor, key: Tensor, value: Tensor) -> tuple:
        E, b = self.embed_dim, self.in_proj_bias
        bq, bk, bv = (None, None, None) if b is None else (b[:E], b[E : 2 * E], b[2 * E :])
        if self._qkv_same_embed_dim:
            w = self.in_proj_weight
            if query is key and key is value:  # self-attention: one matmul for all three
                qkv = F.linear(query, w, b)
                return qkv[..., :E], qkv[..., E : 2 * E], qkv[..., 2 * E :]
            wq, wk, wv = w[:E], w[E : 2 * E], w[2 * E :]
        else:
            wq, wk, wv = self.q_proj_weight, self.k_proj_weight, self.v_proj_weight
        return F.linear(query, wq, bq), F.linear(key, wk, bk), F.linear(value, wv, bv)

    def forward(self, query: Tensor, key: Tensor, value: Tensor,
                key_padding_mask: Tensor | None = None, need_weights: bool = True,
                attn_mask: Tensor | None = None, average_attn_weights: bool = True,
                is_causal: bool = False) -> tuple[Tensor, Tensor | None]:  # fmt: skip
        unbatched = query.ndim == 2
        if query.ndim not in (2, 3) or key.ndim != query.ndim or value.ndim != query.ndim:
            raise AssertionError(
                "MultiheadAttention: query, key and value must all be 3-D (batched) or 2-D "
                f"(unbatched), got {tuple(query.shape)}, {tuple(key.shape)}, {tuple(value.shape)}"
            )
        if is_causal and attn_mask is None:
            raise RuntimeError("Need attn_mask if specifying the is_causal hint.")
        if unbatched:  # (L, E) -> (1, L, E)
            query, key, value = query.unsqueeze(0), key.unsqueeze(0), value.unsqueeze(0)
            if key_padding_mask is not None:
                key_padding_mask = key_padding_mask.unsqueeze(0)
        elif not self.batch_first:  # (L, N, E) -> (N, L, E)
            same_kv = key is value
            same_qk = query is key
            query = query.transpose(0, 1)
            key = query if same_qk else key.transpose(0, 1)
            value = key if same_kv else value.transpose(0, 1)
        N, L, E = query.shape
        S = key.shape[1]
        if E != self.embed_dim:
            raise AssertionError(
                f"was expecting embedding dimension of {self.embed_dim}, but got {E}"
            )
        H, hd = self.num_heads, self.head_dim
        q, k, v = self._project(query, key, value)
        q = q.reshape(N, L, H, hd).transpose(1, 2)  # (N, H, L, hd)
        k = k.reshape(N, S, H, hd).transpose(1, 2)
        v = v.reshape(N, S, H, hd).transpose(1, 2)
        dtype = q._array.dtype
        mask = self._mask(attn_mask, key_padding_mask, N, L, S, dtype)
        scores = ops.matmul(q * math.sqrt(1.0 / hd), k.transpose(-2, -1))  # (N, H, L, S)
        if mask is not None:
            scores = scores + mask
        weights = Softmax.apply(scores, -1)
        if self.training and self.dropout > 0.0:
            weights = F.dropout(weights, self.dropout)
        out = ops.matmul(weights, v).transpose(1, 2).reshape(N, L, E)
        out = self.out_proj(out)
        if unbatched:
            out = out.squeeze(0)
        elif not self.batch_first:
            out = out.transpose(0, 1)
        if not need_weights:
            return out, None
        if average_attn_weights:
            weights = weights.mean(1)
        return out, (weights.squeeze(0) if unbatched else weights)

    def _mask(self, attn_mask: Any, key_padding_mask: Any, N: int, L: int, S: int,
              dtype: np.dtype) -> Any:  # fmt: skip
        """attn_mask ((L, S) or (N·H, L, S)) and key_padding_mask ((N, S)) as one additive
        float array broadcastable to (N, H, L, S)."""
        am = _float_mask(attn_mask, dtype, "attn_mask")
        kpm = _float_mask(key_padding_mask, dtype, "key_padding_mask")
        if am is not None:
            if tuple(am.shape) == (L, S):
                pass
            elif tuple(am.shape) == (N * self.num_heads, L, S):
                am = am.reshape(N, self.num_heads, L, S)
            else:
                raise RuntimeError(
                    f"The shape of the attn_mask is {tuple(am.shape)}, but should be {(L, S)} or "
                    f"{(N * self.num_heads, L, S)}."
                )
        if kpm is not None:
            if tuple(kpm.shape) != (N, S):
                raise AssertionError(
                    f"expecting key_padding_mask shape of {(N, S)}, but got {tuple(kpm.shape)}"
                )
            kpm = kpm.reshape(N, 1, 1, S)
            am = kpm if am is None else am + kpm
        return am
