"""PyTorch CPU's transforms from mt19937 words to random values, vectorised on NumPy.

Each function takes a ``Generator`` and returns a NumPy array with exactly the values (and
the stream consumption) of the PyTorch CPU kernel of the same name:

- uniform: float32 keeps the low 24 bits of one 32-bit word, float64 the low 53 bits of a
  64-bit draw; ``x * (to - from) + from`` in the tensor's dtype.
- normal: tensors of 16+ contiguous elements use Box-Muller on blocks of 16 uniforms (the
  first 8 give radii, the last 8 angles; a ragged tail redraws the last 16); float32 uses the
  Cephes-style polynomial log/sin/cos of PyTorch's AVX2 kernel, float64 libm's. Smaller
  tensors use the scalar Box-Muller on 53-bit uniforms, which caches its second sample in
  the generator.
- randint: ``word % range + low`` (a 64-bit word when range >= 2**32).
- randperm: Fisher-Yates from the front with ``word % (n - i)``.
- bernoulli: ``u < p`` (53-bit uniforms for a float or float64 ``p``, 24-bit float32
  uniforms for a float32 tensor ``p``).
- exponential: ``-1/lambda * log1p(-u53)``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .random import Generator

_F32_DIVISOR = np.float32(1.0 / (1 << 24))
_F64_DIVISOR = 1.0 / (1 << 53)
_M24 = np.uint64((1 << 24) - 1)
_M53 = np.uint64((1 << 53) - 1)


# ---- uniform ---------------------------------------------------------------------------


def unit_uniform(gen: Generator, n: int, dtype: np.dtype) -> np.ndarray:
    """``n`` uniforms on [0, 1) of ``dtype`` (float32: 24 bits, float64: 53 bits)."""
    if np.dtype(dtype) == np.float64:
        return (gen.random64(n) & _M53).astype(np.float64) * _F64_DIVISOR
    return (gen.random32(n) & _M24).astype(np.float32) * _F32_DIVISOR


def uniform(gen: Generator, n: int, dtype: np.dtype, low: float, high: float) -> np.ndarray:
    """``uniform_(low, high)``: ``x * (high - low) + low`` in ``dtype``, one fused
    multiply-add as PyTorch's compiled kernel."""
    dt = np.dtype(dtype)
    lo, hi = dt.type(low), dt.type(high)
    x = unit_uniform(gen, n, dt)
    if lo == 0 and hi == 1:  # x * 1 + 0 is exact: no rounding to reproduce
        return x
    if dt == np.float64:
        return fma64(x, hi - lo, lo)
    return fma32(x, hi - lo, lo)


# ---- normal ----------------------------------------------------------------------------


def normal(
    gen: Generator, n: int, dtype: np.dtype, mean: float, std: float, contiguous: bool = True
) -> np.ndarray:
    """``normal_(mean, std)`` on ``n`` elements of ``dtype`` (float32 or float64)."""
    dt = np.dtype(dtype)
    if n >= 16 and contiguous:
        if dt == np.float32:
            return _normal_fill_f32(gen, n, np.float32(mean), np.float32(std))
        return _normal_fill_f64(gen, n, float(mean), float(std))
    return _normal_scalar(gen, n, float(mean), float(std)).astype(dt)


def _blocks(gen: Generator, n: int, dtype: np.dtype) -> np.ndarray:
    """The uniforms the 16-wide Box-Muller reads, as rows of 16: n draws, then (if n is not a
    multiple of 16) 16 fresh draws that replace the last 16."""
    data = unit_uniform(gen, n, dtype)
    rows = data[: n - n % 16].reshape(-1, 16)
    if n % 16:
        rows = np.concatenate([rows, unit_uniform(gen, 16, dtype)[None]])
    return rows


def _place(rows: np.ndarray, n: int) -> np.ndarray:
    """Flatten the 16-wide rows back into ``n`` values (the last row covers the last 16)."""
    if n % 16 == 0:
        return rows.reshape(-1)
    out = np.empty(n, rows.dtype)
    full = n - n % 16
    out[:full] = rows[:-1].reshape(-1)
    out[n - 16 :] = rows[-1]
    return out


def _normal_fill_f64(gen: Generator, n: int, mean: float, std: float) -> np.ndarray:
    rows = _blocks(gen, n, np.float64)
    u1, u2 = 1.0 - rows[:, :8], rows[:, 8:]
    radius = np.sqrt(-2.0 * libm(math.log, u1))
    theta = (2.0 * math.pi) * u2
    out = np.empty_like(rows)
    out[:, :8] = _scale64(radius * np.cos(theta), std, mean)
    out[:, 8:] = _scale64(radius * np.sin(theta), std, mean)
    return _place(out, n)


def _normal_fill_f32(gen: Generator, n: int, mean: np.float32, std: np.float32) -> np.ndarray:
    rows = _blocks(gen, n, np.float32)
    u1 = np.float32(1.0) - rows[:, :8]
    u2 = rows[:, 8:]
    radius = np.sqrt(np.float32(-2.0) * cephes_logf(u1))
    theta = np.float32(2.0 * math.pi) * u2
    sin, cos = cephes_sincosf(theta)
    out = np.empty_like(rows)
    out[:, :8] = fma32(radius * cos, std, mean)
    out[:, 8:] = fma32(radius * sin, std, mean)
    return _place(out, n)


def _scale64(x: np.ndarray, std: float, mean: float) -> np.ndarray:
    """``fma(x, std, mean)``; for N(0, 1) that is ``x + 0.0`` (exact, -0 becomes +0)."""
    if std == 1.0 and mean == 0.0:
        return x + 0.0
    return fma64(x, std, mean)


def _normal_scalar(gen: Generator, n: int, mean: float, std: float) -> np.ndarray:
    """PyTorch's ``normal_distribution<double>``: Box-Muller on pairs of 53-bit uniforms, the
    sine sample cached in the generator for the next call."""
    out = np.empty(n, np.float64)
    start = 0
    if n and gen._next_normal is not None:
        out[0] = fma64(gen._next_normal, std, mean)
        gen._next_normal = None
        start = 1
    pairs = (n - start + 1) // 2
    if pairs:
        u = unit_uniform(gen, 2 * pairs, np.float64)
        u1, u2 = u[0::2], u[1::2]
        r = np.sqrt(-2.0 * libm(math.log1p, -u2))
        theta = 2.0 * math.pi * u1
        both = np.empty(2 * pairs)
        both[0::2] = fma64(r * np.cos(theta), std, mean)
        sin = r * np.sin(theta)
        both[1::2] = fma64(sin, std, mean)
        out[start:] = both[: n - start]
        if (n - start) % 2:
            gen._next_normal = float(sin[-1])
    return out


_LOW29 = np.uint64(0x1FFFFFFF)
_MID29 = np.uint64(0x10000000)


def fma32(a: Any, b: Any, c: Any) -> np.ndarray:
    """float32 ``a*b + c`` rounded once (a fused multiply-add). The float64 product is
    exact, so only a float64 sum that lands exactly on a float32 rounding midpoint (or in
    float32's subnormal range) can round twice; those few are rounded to odd first."""
    s = np.multiply(a, b, dtype=np.float64)
    s += c
    out = s.astype(np.float32)
    low = s.reshape(-1).view(np.uint32)[0::2] if s.dtype.byteorder in "=<" else None
    if low is not None:  # the low word of each double (little-endian): the tie test on it
        risky = np.flatnonzero((low & np.uint32(0x1FFFFFFF)) == np.uint32(0x10000000))
    else:
        risky = np.flatnonzero((s.reshape(-1).view(np.uint64) & _LOW29) == _MID29)
    tiny = np.abs(out) < np.float32(2.0**-125)  # float32 subnormal range: round exactly too
    if tiny.any():
        risky = np.union1d(risky, np.flatnonzero(tiny))
    if risky.size:
        shape = s.shape
        pick = [np.broadcast_to(np.asarray(v, np.float64), shape).reshape(-1)[risky]
                for v in (a, b, c)]  # fmt: skip
        pr, cr = pick[0] * pick[1], pick[2]
        sr = pr + cr
        bp = sr - cr
        err = (pr - bp) + (cr - (sr - bp))  # pr + cr == sr + err exactly (TwoSum)
        sb = sr.view(np.uint64)
        even = (err != 0) & ((sb & np.uint64(1)) == 0)
        away = (err > 0) == (sr > 0)
        odd = np.where(away, sb + np.uint64(1), sb - np.uint64(1)).view(np.float64)
        out.reshape(-1)[risky] = np.where(even, odd, sr).astype(np.float32)
    return out


_SPLIT = float(2**27 + 1)


def fma64(a: Any, b: Any, c: Any) -> np.ndarray:
    """float64 ``a*b + c`` with the product kept exact (Dekker's TwoProduct) and one final
    rounding of the three parts, i.e. a fused multiply-add (barring sub-ulp double ties, and
    products so small that they underflow, which the random kernels never form)."""
    a, b, c = np.asarray(a, np.float64), np.asarray(b, np.float64), np.asarray(c, np.float64)
    p = a * b
    ta, tb = _SPLIT * a, _SPLIT * b
    ah, bh = ta - (ta - a), tb - (tb - b)
    al, bl = a - ah, b - bh
    e = ((ah * bh - p) + ah * bl + al * bh) + al * bl  # a*b == p + e exactly
    s = p + c
    bp = s - c
    t = (p - bp) + (c - (s - bp))  # p + c == s + t exactly
    return s + (t + e)


def libm(fn: Any, x: np.ndarray) -> np.ndarray:
    """``fn`` (``math.log``/``math.log1p``: the C library's, which PyTorch's scalar kernels
    call) over float64 ``x``; NumPy's own SIMD log rounds differently in ~0.3% of cases."""
    flat = np.ascontiguousarray(x, np.float64).reshape(-1)
    return np.fromiter(map(fn, flat.tolist()), np.float64, flat.size).reshape(np.shape(x))


# Cephes single-precision log and sin/cos, in the exact operation order of the AVX kernels
# PyTorch uses for float32 normal_ (every step rounded to float32).
_F = np.float32
_LOG_P = [_F(v) for v in (
    7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1,
    -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1,
)]  # fmt: skip
_LOG_Q1, _LOG_Q2 = _F(-2.12194440e-4), _F(0.693359375)
_SQRTHF = _F(0.707106781186547524)
_DP = (_F(-0.78515625), _F(-2.4187564849853515625e-4), _F(-3.77489497744594108e-8))
_SIN_P = (_F(-1.9515295891e-4), _F(8.3321608736e-3), _F(-1.6666654611e-1))
_COS_P = (_F(2.443315711809948e-5), _F(-1.388731625493765e-3), _F(4.166664568298827e-2))
_FOPI = _F(1.27323954473516)
_HALF, _ONE = _F(0.5), _F(1.0)


def cephes_logf(x: np.ndarray) -> np.ndarray:
    """Natural log of positive float32 ``x`` by Cephes' range reduction and polynomial,
    with the multiply-adds fused as PyTorch's compiled AVX2 kernel has them."""
    x = np.maximum(x, _F(np.finfo(np.float32).tiny))
    bits = x.view(np.uint32)
    e = ((bits >> np.uint32(23)).astype(np.int32) - 127).astype(np.float32) + _ONE
    m = ((bits & np.uint32(0x807FFFFF)) | np.uint32(0x3F000000)).view(np.float32)
    small = m < _SQRTHF
    m = (m - _ONE) + np.where(small, m, _F(0.0))
    e = e - np.where(small, _ONE, _F(0.0))
    z = m * m
    y = fma32(_LOG_P[0], m, _LOG_P[1])
    for c in _LOG_P[2:]:
        y = fma32(y, m, c)
    y = fma32(y * m, z, e * _LOG_Q1)
    y = fma32(-z, _HALF, y)
    return fma32(e, _LOG_Q2, m + y)


def cephes_sincosf(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sin x, cos x) of float32 ``x`` by Cephes' octant reduction and polynomials, fused
    multiply-adds placed as in PyTorch's compiled AVX2 kernel."""
    sign_sin = np.signbit(x)
    x = np.abs(x)
    j = (x * _FOPI).astype(np.int32)
    j = (j + 1) & ~1
    y = j.astype(np.float32)
    swap_sin = (j & 4) != 0
    poly_sin = (j & 2) == 0  # the sine polynomial gives sin here, the cosine one gives cos
    x = fma32(y, _DP[2], fma32(y, _DP[1], fma32(y, _DP[0], x)))
    swap_cos = ((j - 2) & 4) == 0
    z = x * x
    yc = fma32(fma32(_COS_P[0], z, _COS_P[1]), z, _COS_P[2]) * z
    yc = fma32(yc, z, -(z * _HALF)) + _ONE
    ys = fma32(fma32(_SIN_P[0], z, _SIN_P[1]), z, _SIN_P[2]) * z
    ys = fma32(ys, x, x)
    sin = np.where(poly_sin, ys, yc)
    cos = np.where(poly_sin, yc, ys)
    sin = np.where(sign_sin ^ swap_sin, -sin, sin)
    cos = np.where(swap_cos, -cos, cos)
    return sin, cos


# ---- integers --------------------------------------------------------------------------


def randint(gen: Generator, n: int, low: int, high: int) -> np.ndarray:
    """``n`` integers in [low, high) as int64: ``word % (high - low) + low``."""
    span = high - low
    words = gen.random64(n) if span >= 1 << 32 else gen.random32(n)
    return ((words % np.uint64(span)).astype(np.int64) + np.int64(low)).astype(np.int64)


def randperm(gen: Generator, n: int) -> np.ndarray:
    """PyTorch's CPU ``randperm(n)`` (int64): for i = 0..n-2 swap positions i and
    t_i = i + word_i % (n - i), computed without a loop over the swaps.

    Position i is final after step i, and a position j > i changes only when it is a swap
    target. So with A(k) the value at position k just before step k: A(k) = A(k') for the
    last step k' < k whose target was k (else k), and the final value at k is A(k'') for
    the last earlier step k'' with the same target t_k (else t_k). The chains A(k) = A(k')
    are resolved by pointer jumping (about log2(chain length) passes).
    """
    if n >= (1 << 32) // 20:
        raise NotImplementedError(
            f"randperm: n = {n} is beyond the sizes tinygrad_lite reproduces (< 214748364)"
        )
    if n < 2:
        return np.arange(n, dtype=np.int64)
    steps = np.arange(n, dtype=np.int64)
    target = np.empty(n, np.int64)
    span = (n - steps[:-1]).astype(np.uint64)
    target[:-1] = steps[:-1] + (gen.random32(n - 1) % span).astype(np.int64)
    target[-1] = n - 1  # the last position as a no-op step: its final value comes out too
    keys = np.sort(target * n + steps)  # grouped by target, by step within a group
    key_target, key_step = keys // n, keys % n
    same_as_prev = np.zeros(n, bool)
    same_as_prev[1:] = key_target[1:] == key_target[:-1]
    # the group of target v ends at sorted position last[v] (-1: no step targets v)
    last = np.full(n, -1, np.int64)
    ends = np.flatnonzero(np.append(~same_as_prev[1:], True))
    last[key_target[ends]] = ends
    # last step k' < k whose target is k (k itself if none): group k's last entry, skipping
    # k's own entry when k targets itself (k is the largest step a group k can hold)
    pos = last.copy()
    own = (pos >= 0) & (key_step[np.maximum(pos, 0)] == steps)
    pos = np.where(own & same_as_prev[np.maximum(pos, 0)], pos - 1, np.where(own, -1, pos))
    parent = np.where(pos >= 0, key_step[np.maximum(pos, 0)], steps)
    while True:
        nxt = parent[parent]
        if np.array_equal(nxt, parent):
            break
        parent = nxt
    # the final value of each position: from the previous step with the same target
    out = np.empty(n, np.int64)
    prev_step = np.where(same_as_prev, np.roll(key_step, 1), -1)
    out[key_step] = np.where(prev_step >= 0, parent[np.maximum(prev_step, 0)], key_target)
    return out


# ---- bernoulli, exponential ------------------------------------------------------------


def bernoulli_scalar(gen: Generator, n: int, p: float) -> np.ndarray:
    """``bernoulli_(p)`` for a float ``p``: ``u53 < p`` for each of n elements (bool)."""
    return unit_uniform(gen, n, np.float64) < p


def bernoulli_tensor(gen: Generator, p: np.ndarray) -> np.ndarray:
    """``bernoulli(p)`` for a tensor of probabilities: ``u < p`` per element, with 53-bit
    uniforms if ``p`` is float64 and 24-bit float32 uniforms otherwise."""
    if p.dtype == np.float64:
        return unit_uniform(gen, p.size, np.float64).reshape(p.shape) < p
    return unit_uniform(gen, p.size, np.float32).reshape(p.shape) < p.astype(np.float32)


def exponential(gen: Generator, n: int, lambd: float) -> np.ndarray:
    """``exponential_(lambd)`` in float64: ``-1/lambd * log1p(-u)``."""
    return (-1.0 / lambd) * libm(math.log1p, -unit_uniform(gen, n, np.float64))


# ---- multinomial -----------------------------------------------------------------------


def multinomial(
    gen: Generator, probs: np.ndarray, num_samples: int, replacement: bool
) -> np.ndarray:
    """Indices drawn from the rows of ``probs`` (1-D or 2-D, float32/float64, checked by the
    caller), int64 of shape ``probs.shape[:-1] + (num_samples,)``.

    Without replacement (or for one sample) PyTorch takes the ``num_samples`` largest of
    ``p / q`` with ``q ~ Exp(1)`` (exponential draws in float64, cast to the dtype); with
    replacement, a 53-bit uniform per sample (row by row) searched in the row's cumulative
    sum, normalised in the dtype, its last entry set to 1.
    """
    dt = probs.dtype
    rows = probs.reshape(-1, probs.shape[-1])
    if not replacement or num_samples == 1:
        q = exponential(gen, rows.size, 1.0).astype(dt).reshape(rows.shape)
        keys = rows / q
        if num_samples == 1:
            out = np.argmax(keys, axis=-1)[:, None]
        else:  # the num_samples largest keys, largest first (ties: lower index first)
            cols = keys.shape[-1]
            if num_samples < cols:
                part = np.argpartition(-keys, num_samples - 1, axis=-1)[:, :num_samples]
            else:
                part = np.broadcast_to(np.arange(cols), keys.shape)
            chosen = np.take_along_axis(keys, part, axis=-1)
            order = np.lexsort((part, -chosen), axis=-1)
            out = np.take_along_axis(part, order, axis=-1)
    else:
        u = unit_uniform(gen, rows.shape[0] * num_samples, np.float64)
        u = u.reshape(rows.shape[0], num_samples)
        out = np.empty((rows.shape[0], num_samples), np.int64)
        for i, row in enumerate(rows):  # one row per distribution; the samples are vectorised
            cum = np.cumsum(row, dtype=dt)
            cum = cum / cum[-1]
            cum[-1] = 1
            out[i] = np.searchsorted(cum.astype(np.float64), u[i], side="left")
    return out.astype(np.int64).reshape(probs.shape[:-1] + (num_samples,))
