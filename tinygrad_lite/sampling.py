"""Random fills and sampling with PyTorch's numbers: ``uniform_``, ``normal_``, ``bernoulli``,
``exponential_``, ``random_``, ``multinomial`` and ``topk``.

The values come from ``random_kernels`` (PyTorch CPU's transforms of the mt19937 stream);
this module checks arguments as PyTorch does and writes the values in the order PyTorch
visits elements (memory order, so a transposed tensor is filled as its storage is laid out).
"""

from __future__ import annotations

import builtins
from collections import namedtuple
from typing import Any

import numpy as np

from . import random as _random
from . import random_kernels as K

__all__ = [
    "bernoulli", "multinomial", "topk", "fill_uniform_", "fill_normal_", "fill_bernoulli_",
    "fill_exponential_", "fill_random_", "normal",
]  # fmt: skip

topk_result = namedtuple("topk", ["values", "indices"])


def _memory_axes(a: np.ndarray) -> list[int] | None:
    """The axes of ``a`` from largest stride to smallest (PyTorch visits elements in memory
    order), or None when that is plain C order."""
    if a.flags.c_contiguous or a.ndim < 2:
        return None
    return sorted(range(a.ndim), key=lambda d: -builtins.abs(a.strides[d]))


def _write_values(t: Any, values: np.ndarray, op: str) -> Any:
    """Write ``values`` (one per element, in memory order) into ``t`` and bump its version."""
    from . import ops

    axes = _memory_axes(t._array)
    if axes is None:
        block = values.reshape(t._array.shape)
    else:
        shape = tuple(t._array.shape[d] for d in axes)
        block = values.reshape(shape).transpose(np.argsort(axes))
    ops._write(t, block.astype(t._array.dtype, copy=False), op)
    return t


def _float_dtype(t: Any, kernel: str) -> np.dtype:
    dt = t._array.dtype
    if dt not in (np.float32, np.float64):
        raise NotImplementedError(
            f'"{kernel}" not implemented for {t.dtype}: random floats fill float32 or float64 '
            "tensors; make one with dtype=tinygrad_lite.float32"
        )
    return dt


def _check_fill(t: Any, op: str) -> None:
    from . import ops

    ops._check_leaf_inplace(t, op)


def fill_uniform_(t: Any, a: float = 0.0, b: float = 1.0, generator: Any = None) -> Any:
    """Fill ``t`` in place with U[a, b) (PyTorch's values for the same generator state)."""
    _check_fill(t, "uniform_")
    dt = _float_dtype(t, "check_uniform_bounds")
    if a > b:
        raise RuntimeError(
            f"uniform_ expects to return a [from, to) range, but found from={a:g} > to={b:g}"
        )
    gen = _random.generator_or_default(generator)
    return _write_values(t, K.uniform(gen, t._array.size, dt, a, b), "uniform_")


def fill_normal_(t: Any, mean: float = 0.0, std: float = 1.0, generator: Any = None) -> Any:
    """Fill ``t`` in place with N(mean, std²) (PyTorch's values for the same generator state)."""
    _check_fill(t, "normal_")
    dt = _float_dtype(t, "normal_kernel_cpu")
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    gen = _random.generator_or_default(generator)
    a = t._array
    values = K.normal(gen, a.size, dt, mean, std, contiguous=a.flags.c_contiguous)
    return _write_values(t, values, "normal_")


def fill_exponential_(t: Any, lambd: float = 1.0, generator: Any = None) -> Any:
    """Fill ``t`` in place with Exp(lambd) draws."""
    _check_fill(t, "exponential_")
    dt = _float_dtype(t, "exponential_cpu")
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd:g}")
    gen = _random.generator_or_default(generator)
    values = K.exponential(gen, t._array.size, lambd).astype(dt)
    return _write_values(t, values, "exponential_")


def _check_p_tensor(p: np.ndarray) -> None:
    if p.dtype.kind != "f":
        raise NotImplementedError(
            f'"bernoulli_tensor_cpu_p_" not implemented for {p.dtype}: probabilities must be '
            "a floating-point tensor"
        )
    if p.size and not ((p >= 0) & (p <= 1)).all():
        raise RuntimeError(
            "bernoulli: every probability must be in [0, 1] (Expected p_in >= 0 && p_in <= 1)"
        )


def fill_bernoulli_(t: Any, p: Any = 0.5, generator: Any = None) -> Any:
    """Fill ``t`` in place with 0/1 draws that are 1 with probability ``p`` (a number, or a
    tensor broadcastable to ``t``)."""
    _check_fill(t, "bernoulli_")
    gen = _random.generator_or_default(generator)
    if hasattr(p, "_array"):
        probs = p._array
        _check_p_tensor(probs)
        probs = np.broadcast_to(probs, t.shape)
        axes = _memory_axes(t._array)
        if axes is not None:
            probs = probs.transpose(axes)
        values = K.bernoulli_tensor(gen, np.ascontiguousarray(probs)).reshape(-1)
        return _write_values(t, values.astype(t._array.dtype), "bernoulli_")
    p = float(p)
    if not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p:g}")
    values = K.bernoulli_scalar(gen, t._array.size, p)
    return _write_values(t, values.astype(t._array.dtype), "bernoulli_")


def bernoulli(input: Any, p: Any = None, *, generator: Any = None) -> Any:
    """0/1 draws of ``input``'s shape and dtype: 1 with probability ``input`` (elementwise),
    or with probability ``p`` if given. Not differentiable (as PyTorch)."""
    from .factories import empty

    out = empty(tuple(input.shape), dtype=input.dtype)
    if p is None:
        return fill_bernoulli_(out, input, generator)
    return fill_bernoulli_(out, p, generator)


_INT_BITS = {np.dtype(np.int64): 63, np.dtype(np.int32): 31, np.dtype(np.int16): 15,
             np.dtype(np.int8): 7, np.dtype(np.uint8): 8, np.dtype(np.float32): 24,
             np.dtype(np.float64): 53}  # fmt: skip


def fill_random_(t: Any, from_: int = 0, to: int | None = None, generator: Any = None) -> Any:
    """``random_()``: integers in [0, 2**mantissa or max] (PyTorch's ``random_``);
    ``random_(to)``: [0, to); ``random_(from, to)``: [from, to)."""
    _check_fill(t, "random_")
    gen = _random.generator_or_default(generator)
    dt = t._array.dtype
    n = t._array.size
    if to is None and from_ == 0 and dt != np.bool_:
        bits = _INT_BITS.get(dt)
        if bits is None:
            raise NotImplementedError(f"random_: not implemented for {t.dtype}")
        words = gen.random64(n) if dt in (np.int64, np.float64) else gen.random32(n)
        mod = (1 << bits) + (1 if dt.kind == "f" else 0)
        values = (words % np.uint64(mod)).astype(np.int64)
        return _write_values(t, values.astype(dt), "random_")
    if to is None:
        from_, to = 0, from_
    if from_ >= to:
        raise RuntimeError(
            f"random_ expects 'from' to be less than 'to', but got from={from_} >= to={to}"
        )
    return _write_values(t, K.randint(gen, n, int(from_), int(to)).astype(dt), "random_")


def _check_probs(input: Any, num_samples: int, replacement: bool) -> np.ndarray:
    a = input._array
    if a.dtype.kind != "f":
        raise RuntimeError(
            f"multinomial only supports floating-point dtypes for input, got: {input.dtype}"
        )
    if a.ndim not in (1, 2):
        raise RuntimeError(f"prob_dist must be 1 or 2 dim (multinomial got shape {tuple(a.shape)})")
    if isinstance(num_samples, bool) or not isinstance(num_samples, (int, np.integer)):
        raise TypeError(
            f"multinomial: num_samples must be an int, got {type(num_samples).__name__}"
        )
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    if not replacement and num_samples > a.shape[-1]:
        raise RuntimeError(
            "cannot sample n_sample > prob_dist.size(-1) samples without replacement "
            f"({num_samples} > {a.shape[-1]})"
        )
    if a.shape[-1] > 2**24:
        raise RuntimeError("number of categories cannot exceed 2^24")
    if not replacement or num_samples == 1:
        if a.size and not (np.all(a >= 0) and np.all(a < np.inf)):
            raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    else:
        if a.size and np.any(a < 0):
            raise RuntimeError(
                "invalid multinomial distribution (encountering probability entry < 0)"
            )
        if a.size and not np.all(np.isfinite(a)):
            raise RuntimeError(
                "invalid multinomial distribution (encountering probability entry = "
                "infinity or NaN)"
            )
    rows = a.reshape(-1, a.shape[-1])
    if rows.size == 0 or np.any(rows.sum(axis=-1) <= 0):
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    return np.ascontiguousarray(a)


def multinomial(
    input: Any, num_samples: int, replacement: bool = False, *, generator: Any = None
) -> Any:
    """``num_samples`` category indices per row of ``input`` (1-D or 2-D non-negative weights,
    need not sum to 1), int64 of shape ``input.shape[:-1] + (num_samples,)``; PyTorch's draws
    for the same generator state. Without replacement each index appears at most once."""
    from .tensor import Tensor

    probs = _check_probs(input, num_samples, replacement)
    gen = _random.generator_or_default(generator)
    out = K.multinomial(gen, probs, int(num_samples), bool(replacement))
    return Tensor._make(out, None, False)


def topk(
    input: Any, k: int, dim: int = -1, largest: bool = True, sorted: bool = True
) -> topk_result:
    """The ``k`` largest (or smallest) entries along ``dim``: ``(values, indices)``, values
    differentiable (the gradient flows to the chosen entries). Sorted (largest first, or
    smallest first) when ``sorted``; with ``sorted=False`` the same order is returned."""
    from . import ops
    from .tensor import Tensor

    a = input._array
    d = ops.check_dim(a.ndim, dim, "topk")
    size = a.shape[d] if a.ndim else 1
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 0 <= k <= size:
        raise RuntimeError(
            f"topk: selected index k out of range (k = {k}, dimension {dim} has size {size})"
        )
    if a.ndim == 0:
        idx = np.zeros((), np.int64) if k else np.zeros((0,), np.int64)
        return topk_result(input.clone() if k else input.reshape(0), Tensor._make(idx, None, False))
    key = a
    if a.dtype == np.bool_:
        key = a.astype(np.int8)
    # NaN counts as the largest value (as PyTorch); a stable sort keeps lower indices first
    if largest:
        nan = np.isnan(key) if key.dtype.kind == "f" else None
        order = np.argsort(-key if nan is None else np.where(nan, -np.inf, -key), axis=d,
                           kind="stable")  # fmt: skip
    else:
        order = np.argsort(key, axis=d, kind="stable")
    idx = np.take(order, np.arange(k), axis=d).astype(np.int64)
    values = ops.gather(input, d, idx)
    return topk_result(values, Tensor._make(idx, None, False))


def normal(
    mean: Any = 0.0,
    std: Any = 1.0,
    size: Any = None,
    *,
    generator: Any = None,
    dtype: Any = None,
    requires_grad: bool = False,
) -> Any:
    """``torch.normal``: N(mean, std²) with tensor or number mean/std (broadcast together),
    or numbers with ``size``; PyTorch's draws for the same generator state."""
    from . import dtypes as _dt
    from .factories import empty

    m_t, s_t = hasattr(mean, "_array"), hasattr(std, "_array")
    for pos, (name, v, is_t) in enumerate((("mean", mean, m_t), ("std", std, s_t)), 1):
        if not is_t and not isinstance(v, (builtins.int, builtins.float, np.number)):
            raise TypeError(
                f"normal(): argument '{name}' (position {pos}) must be Tensor, not "
                f"{type(v).__name__}"
            )
    if not m_t and not s_t:
        if size is None:
            raise TypeError(
                "normal(): with float mean and std, give size, e.g. normal(0., 1., (3,))"
            )
        out = empty(size, dtype=dtype)
        fill_normal_(out, float(mean), float(std), generator)
    else:
        if s_t and std._array.size and np.any(std._array < 0):
            raise RuntimeError("normal expects all elements of std >= 0.0")
        if not s_t and std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
        ref = mean if m_t else std
        shape = np.broadcast_shapes(np.shape(getattr(mean, "_array", mean)),
                                    np.shape(getattr(std, "_array", std)))  # fmt: skip
        dt = ref.dtype if ref.is_floating_point() else _dt.get_default_dtype()
        out = empty(shape, dtype=dt)
        if s_t:
            fill_normal_(out, 0.0, 1.0, generator)
            out._array *= std._array.astype(out._array.dtype)
        else:
            fill_normal_(out, 0.0, float(std), generator)
        out._array += getattr(mean, "_array", mean)
    if requires_grad:
        out.requires_grad_(True)
    return out
