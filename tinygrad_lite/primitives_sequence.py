"""Primitives for sequence models: the embedding lookup, the LSTM cell's pointwise step and
a whole LSTM layer.

Written exactly like the ones in ``primitives.py`` (see its docstring for the rules): forward
gets arrays, backward gets ``g`` and returns one gradient per input, and the same backward
formula runs on Tensors when a gradient of a gradient is wanted.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from .autograd.function import Primitive
from .primitives import ScatterAdd, one_minus

Ctx = Any

__all__ = ["Embedding", "embedding_grad", "LSTMPointwise", "LSTMLayer"]

# Table rows x positions up to which an embedding gradient is a matmul: 0 (always
# np.add.at) in the reference engine; the fast engine (autograd/fast) sets ONE_HOT_MAX_FAST.
_ONE_HOT_MAX = 0
ONE_HOT_MAX_FAST = 1 << 14


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


# ---------------------------------------------------------------------------------------
# A whole LSTM layer (one direction) as one node. Just an optimization: the same numbers as
# the unrolled steps in nn.rnn (tested), but backward computes the weight gradients of all
# time steps in one matmul each instead of one small matmul per step and their sum.
# ---------------------------------------------------------------------------------------


def _stack(items: list, axis: int = 0) -> Any:
    if isinstance(items[0], np.ndarray):
        return np.stack(items, axis)
    from .ops import stack

    return stack(items, axis)


def _cat(items: list, axis: int) -> Any:
    if isinstance(items[0], np.ndarray):
        return np.concatenate(items, axis)
    from .ops import cat

    return cat(items, axis)


def _lstm_unroll(x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse) -> tuple:
    """Run the layer on Tensors (the recorded reference of the two array functions below):
    the outputs (T, B, H) in time order with c_n appended as row T, and what backward needs
    (activations, states, inputs per step)."""
    n = c0.shape[-1]
    x_proj = x @ w_ih.T  # all steps at once: (T, B, 4H)
    if b_ih is not None:
        x_proj = x_proj + (b_ih + b_hh)
    steps = range(x.shape[0] - 1, -1, -1) if reverse else range(x.shape[0])
    h, c = h0, c0
    outs: list = [None] * x.shape[0]
    acts, h_prev, c_prev, tanh_c = {}, {}, {}, {}
    for t in steps:
        h_prev[t], c_prev[t] = h, c
        i, f, g, o = _lstm_activations(x_proj[t] + h @ w_hh.T, n)
        c = f * c + i * g
        tanh_c[t] = np.tanh(c)
        h = o * tanh_c[t]
        acts[t] = (i, f, g, o)
        outs[t] = h
    cache = (acts, h_prev, c_prev, tanh_c, list(steps))
    return _stack(outs + [c]), cache


_SCRATCH = threading.local()  # per thread: one reusable buffer per (purpose, shape, dtype)


def _scratch(purpose: str, shape: tuple, dtype: np.dtype) -> np.ndarray:
    """A buffer for temporaries that do not outlive the call that asks for it. Just an
    optimization: reusing it saves the page faults of a fresh multi-megabyte array (NumPy
    gets those from mmap each time), about a fifth of an LSTM layer's time."""
    pool = getattr(_SCRATCH, "pool", None)
    if pool is None:
        pool = _SCRATCH.pool = {}
    key = (purpose, shape, dtype)
    buf = pool.get(key)
    if buf is None:
        if len(pool) > 16:  # (shapes change: keep only the latest few)
            pool.clear()
        buf = pool[key] = np.empty(shape, dtype)
    return buf


def _sigmoid_gates_first(n: int) -> np.ndarray:
    """Row order i, f, o, g of PyTorch's i, f, g, o weight blocks (of n rows each)."""
    return np.r_[0 : 2 * n, 3 * n : 4 * n, 2 * n : 3 * n]


def _lstm_forward_arrays(x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse) -> tuple:
    """``_lstm_unroll`` on arrays, written for speed (the same numbers): the gate rows are
    reordered i, f, o, g and the sigmoid rows halved, so that one tanh over all gates gives
    tanh(z/2) for i, f, o (σ(z) = (1 + tanh(z/2)) / 2, halving is exact) and tanh(z) for g;
    buffers are preallocated, ufuncs write in place, and the transposed weights are
    contiguous (OpenBLAS multiplies by them 2x faster)."""
    T, B = x.shape[:2]
    n = c0.shape[-1]
    half = x.dtype.type(0.5)
    perm = _sigmoid_gates_first(n)
    scale = np.ones(4 * n, x.dtype)
    scale[: 3 * n] = half
    x_proj = _scratch("x_proj", (T, B, 4 * n), x.dtype)
    w_ih_t = np.ascontiguousarray((w_ih[perm] * scale[:, None]).T)
    np.matmul(x.reshape(T * B, -1), w_ih_t, out=x_proj.reshape(T * B, 4 * n))
    if b_ih is not None:
        x_proj += (b_ih + b_hh)[perm] * scale
    w_hh_t = np.ascontiguousarray((w_hh[perm] * scale[:, None]).T)
    acts = np.empty((T, B, 4 * n), x.dtype)  # σ(i), σ(f), σ(o), tanh(g) of every step
    cs = np.empty((T, B, n), x.dtype)  # c of every step
    tanh_c = np.empty((T, B, n), x.dtype)
    out = np.empty((T + 1, B, n), x.dtype)  # h of every step, then c_T
    steps = range(T - 1, -1, -1) if reverse else range(T)
    h, c = h0, c0
    for t in steps:
        a = np.matmul(h, w_hh_t, out=acts[t])
        a += x_proj[t]
        np.tanh(a, out=a)
        sig = a[:, : 3 * n]
        sig *= half
        sig += half
        c = np.multiply(a[:, n : 2 * n], c, out=cs[t])
        c += a[:, :n] * a[:, 3 * n :]
        np.tanh(c, out=tanh_c[t])
        h = np.multiply(a[:, 2 * n : 3 * n], tanh_c[t], out=out[t])
    out[T] = c
    return out, (acts, cs, tanh_c, steps)


def _times_previous(target: np.ndarray, states: np.ndarray, first: np.ndarray,
                    reverse: bool) -> None:  # fmt: skip
    """``target[t] *= the state step t started from`` (``first`` for the first step, else
    what the step before produced; ``states`` in time order), in place."""
    if reverse:
        target[:-1] *= states[1:]
        target[-1] *= first
    else:
        target[1:] *= states[:-1]
        target[0] *= first


def _lstm_backward_arrays(ctx: Ctx, g_out: np.ndarray) -> tuple:
    """``LSTMLayer.backward`` on arrays: the gate derivatives of all steps in a few
    whole-sequence ufuncs (in place: no temporaries), one short loop over time, then one
    matmul per weight (gates in the order i, f, o, g of ``_lstm_forward_arrays``, put back
    at the end)."""
    x, h0, c0, w_ih, w_hh, b_ih, b_hh, out = ctx.saved
    acts, cs, tanh_c, steps = ctx.cache
    T, B, n = x.shape[0], x.shape[1], c0.shape[-1]
    perm = _sigmoid_gates_first(n)
    back = np.argsort(perm)
    i, f, o, g = (acts[..., k * n : (k + 1) * n] for k in range(4))
    # d(pre-activation of gate k) = (dc for i, f, g; dh for o) * factor k
    factor = _scratch("factor", (T, B, 4, n), acts.dtype)
    f0, f1, f2, f3 = (factor[:, :, k] for k in range(4))
    np.subtract(1, i, out=f0)  # σ'(i)·g
    f0 *= i
    f0 *= g
    np.subtract(1, f, out=f1)  # σ'(f)·c_prev
    f1 *= f
    _times_previous(f1, cs, c0, ctx.reverse)
    np.subtract(1, o, out=f2)  # σ'(o)·tanh c
    f2 *= o
    f2 *= tanh_c
    np.multiply(g, g, out=f3)  # tanh'(g)·i
    np.subtract(1, f3, out=f3)
    f3 *= i
    dc_from_dh = np.multiply(tanh_c, tanh_c)
    np.subtract(1, dc_from_dh, out=dc_from_dh)
    dc_from_dh *= o
    w_hh_p = w_hh[perm]
    d = _scratch("d", (T, B, 4, n), acts.dtype)
    dh_next: Any = 0
    dc_next = g_out[T]
    for t in reversed(steps):  # backpropagation through time
        dh = g_out[t] + dh_next
        dc = dh * dc_from_dh[t]
        dc += dc_next
        np.multiply(factor[t, :, 0:2], dc[:, None], out=d[t, :, 0:2])
        np.multiply(factor[t, :, 2], dh, out=d[t, :, 2])
        np.multiply(factor[t, :, 3], dc, out=d[t, :, 3])
        dh_next = d[t].reshape(B, 4 * n) @ w_hh_p
        dc_next = dc * f[t]
    d2 = d.reshape(T * B, 4 * n)
    d3 = d.reshape(T, B, 4 * n)
    d_w_ih = (d2.T @ x.reshape(T * B, -1))[back]
    if ctx.reverse:  # h_prev of step t is h of step t + 1 (h0 for the last)
        d_w_hh = d3[:-1].reshape(-1, 4 * n).T @ out[1:T].reshape(-1, n) + d3[-1].T @ h0
    else:
        d_w_hh = d3[1:].reshape(-1, 4 * n).T @ out[: T - 1].reshape(-1, n) + d3[0].T @ h0
    d_w_hh = d_w_hh[back]
    d_b = d2.sum(axis=0)[back] if b_ih is not None else None
    d_x = (d2 @ w_ih[perm]).reshape(x.shape)
    return d_x, dh_next, dc_next, d_w_ih, d_w_hh, d_b, d_b, None


class LSTMLayer(Primitive):
    """f(x, h0, c0, Wᵢₕ, Wₕₕ, bᵢₕ, bₕₕ) = the outputs h_1..h_T of one LSTM direction over a
    padded sequence x (T, B, F), with c_T appended as row T: (T + 1, B, H)

    Just an optimization: the unrolled LSTMPointwise steps of ``nn.LSTM`` in one node."""

    @staticmethod
    def forward(ctx: Ctx, x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse):
        out, ctx.cache = _lstm_forward_arrays(x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse)
        ctx.saved = (x, h0, c0, w_ih, w_hh, b_ih, b_hh, out)
        ctx.reverse = reverse
        return out

    @staticmethod
    def backward(ctx: Ctx, g_out):
        if isinstance(g_out, np.ndarray):
            return _lstm_backward_arrays(ctx, g_out)
        # on Tensors (create_graph=True): the forward again, as functions of the inputs, and
        # the same backward written with ops that record
        x, h0, c0, w_ih, w_hh, b_ih, b_hh, _ = ctx.saved
        _, cache = _lstm_unroll(x, h0, c0, w_ih, w_hh, b_ih, b_hh, ctx.reverse)
        acts, h_prev, c_prev, tanh_c, steps = cache
        T = x.shape[0]
        dh_next: Any = 0  # (what flows into h_t from step t + 1)
        dc_next = g_out[T]  # the gradient of c_T
        d_gates: list = [None] * T
        for t in reversed(steps):  # backpropagation through time
            i, f, g, o = acts[t]
            dh = g_out[t] + dh_next
            dc = dc_next + dh * o * one_minus(tanh_c[t] * tanh_c[t])
            d_gates[t] = _cat([dc * g * i * one_minus(i), dc * c_prev[t] * f * one_minus(f),
                               dc * i * one_minus(g * g),
                               dh * tanh_c[t] * o * one_minus(o)], -1)  # fmt: skip
            dh_next = d_gates[t] @ w_hh
            dc_next = dc * f
        D = _stack(d_gates)  # (T, B, 4H)
        H_prev = _stack([h_prev[t] for t in range(T)])
        D2 = D.reshape(-1, D.shape[-1])
        d_w_ih = D2.T @ x.reshape(-1, x.shape[-1])
        d_w_hh = D2.T @ H_prev.reshape(-1, H_prev.shape[-1])
        d_b = D2.sum(axis=0) if b_ih is not None else None
        return D @ w_ih, dh_next, dc_next, d_w_ih, d_w_hh, d_b, d_b, None
