"""Functions that make tensors: ``tensor``, ``zeros``, ``arange``, ``randn``, ...

All take PyTorch's keywords: ``dtype=``, ``requires_grad=``, ``device=`` ("cpu" only) and,
for random ones, ``generator=``. Python floats become the default dtype (float32).
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

import numpy as np

from . import dtypes as _dt
from . import random as _random
from .device import check_device
from .tensor import Tensor

__all__ = [
    "tensor", "as_tensor", "from_numpy", "zeros", "ones", "full", "empty", "eye", "arange",
    "linspace", "zeros_like", "ones_like", "full_like", "empty_like", "rand", "randn",
    "randint", "randn_like", "rand_like", "randint_like", "randperm", "normal", "scalar_tensor",
]  # fmt: skip


def _finish(array: np.ndarray, requires_grad: bool, device: Any, op: str) -> Tensor:
    check_device(device, op)
    t = Tensor._make(array, None, False)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _infer_array(data: Any, dtype: Any) -> np.ndarray:
    """``data`` as an array of ``dtype`` or, if None, PyTorch's inferred dtype."""
    if isinstance(data, Tensor):
        data = data._array
    if dtype is not None:
        return np.array(data, dtype=_dt.to_numpy_dtype(dtype))
    if isinstance(data, (np.ndarray, np.generic)):
        arr = np.array(data)
        if arr.dtype.kind == "f" and arr.dtype not in (np.float16, np.float32, np.float64):
            arr = arr.astype(_dt.get_default_dtype().numpy)
        return arr
    try:
        arr = np.array(data)
    except ValueError as e:
        raise ValueError(
            f"tensor: could not make a tensor from {type(data).__name__}: {e}"
        ) from None
    if arr.dtype == object:
        if arr.size and builtins.all(isinstance(x, Tensor) for x in arr.flat):
            arr = np.array([x._array for x in arr.flat]).reshape(
                arr.shape + np.shape(arr.flat[0]._array)
            )
        else:
            raise TypeError(
                f"tensor: could not infer a numeric dtype from {type(data).__name__} "
                "(nested sequences must be rectangular and hold numbers)"
            )
    if arr.dtype.kind == "f":
        return arr.astype(_dt.get_default_dtype().numpy)
    if arr.dtype == np.uint64 and arr.size and arr.max() > np.iinfo(np.int64).max:
        raise ValueError(
            f"tensor: value {arr.max()} is too large for int64 (the largest integer dtype); "
            "pass dtype=float64 for such numbers"
        )
    if arr.dtype.kind in "iu":
        return arr.astype(np.int64)
    if arr.dtype.kind == "b":
        return arr
    if arr.size == 0:
        return arr.astype(_dt.get_default_dtype().numpy)
    raise TypeError(f"tensor: unsupported element type {arr.dtype}")


def tensor(
    data: Any, *, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """A new tensor holding a copy of ``data`` (numbers, nested lists, arrays, tensors).

    Python floats give float32 (the default dtype); ints give int64; a NumPy array keeps
    its dtype. Only floating tensors may require grad.
    """
    return _finish(_infer_array(data, dtype), requires_grad, device, "tensor")


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """Like ``tensor`` but shares memory with a Tensor or ndarray when the dtype already fits."""
    if isinstance(data, Tensor) and (
        dtype is None or _dt.to_numpy_dtype(dtype) == data._array.dtype
    ):
        check_device(device, "as_tensor")
        return data
    if isinstance(data, np.ndarray) and (dtype is None or _dt.to_numpy_dtype(dtype) == data.dtype):
        return _finish(data, False, device, "as_tensor")
    return tensor(data, dtype=dtype, device=device)


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing memory with ``array`` (changes show in both)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected np.ndarray (got {type(array).__name__})")
    _dt.from_numpy_dtype(array.dtype)
    return Tensor._make(array, None, False)


def _dtype(dtype: Any) -> np.dtype:
    return (_dt.get_default_dtype() if dtype is None else _dt.from_any(dtype)).numpy


def _size(size: tuple) -> tuple:
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    for n in size:
        if not isinstance(n, (int, np.integer)) or n < 0:
            raise ValueError(f"sizes must be non-negative integers, got {size}")
    return tuple(builtins.int(n) for n in size)


def zeros(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    return _finish(np.zeros(_size(size), _dtype(dtype)), requires_grad, device, "zeros")


def ones(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    return _finish(np.ones(_size(size), _dtype(dtype)), requires_grad, device, "ones")


def empty(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """Uninitialised memory in PyTorch; zeros here (deterministic and just as fast)."""
    return _finish(np.zeros(_size(size), _dtype(dtype)), requires_grad, device, "empty")


def full(size: Sequence[int], fill_value: Any, *, dtype: Any = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:  # fmt: skip
    """Filled with ``fill_value``; the dtype follows the value (bool, int64 or float32) if not given."""
    _number(fill_value, "full", "fill_value")
    if dtype is None:
        dtype = _infer_array(fill_value, None).dtype
    _check_fits(fill_value, _dt.to_numpy_dtype(dtype), "full")
    return _finish(
        np.full(_size(tuple(size)), fill_value, _dt.to_numpy_dtype(dtype)),
        requires_grad,
        device,
        "full",
    )


def _number(value: Any, op: str, name: str, tensors: bool = True) -> None:
    """Refuse a fill value / bound that is not a number (or, if ``tensors``, a 0-d tensor)."""
    if isinstance(value, (int, builtins.float, np.number, np.bool_)):
        return
    if tensors and isinstance(value, Tensor) and not value.ndim:
        return
    what = "a Number or a 0-d Tensor" if tensors else "a Number"
    raise TypeError(f"{op}(): argument '{name}' must be {what}, not {type(value).__name__}")


def _check_fits(value: Any, dtype: np.dtype, op: str) -> None:
    """Refuse a Python number an integer dtype cannot hold (NaN, inf, out of range)."""
    if np.dtype(dtype).kind not in "iu" or not isinstance(value, (int, builtins.float, np.number)):
        return
    info = np.iinfo(dtype)
    finite = not isinstance(value, (builtins.float, np.floating)) or np.isfinite(value)
    if not finite or not info.min <= value <= info.max:
        raise RuntimeError(
            f"{op}: value {value} cannot be converted to type {np.dtype(dtype)} without overflow"
        )


def eye(
    n: int,
    m: int | None = None,
    *,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    return _finish(np.eye(n, m, dtype=_dtype(dtype)), requires_grad, device, "eye")


def arange(start: Any, end: Any = None, step: Any = 1, *, dtype: Any = None, device: Any = None,
           requires_grad: bool = False) -> Tensor:  # fmt: skip
    """[start, end) in steps of ``step``; int64 if all are ints, else the default float dtype."""
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("arange: step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError(
            f"arange: upper bound ({end}) and lower bound ({start}) inconsistent with step sign "
            f"({step})"
        )
    if dtype is None:
        ints = builtins.all(isinstance(v, (int, np.integer)) for v in (start, end, step))
        dtype = _dt.int64 if ints else _dt.get_default_dtype()
    values = np.arange(
        start, end, step, dtype=np.float64 if _dt.from_any(dtype).is_floating_point else None
    )
    return _finish(values.astype(_dt.to_numpy_dtype(dtype)), requires_grad, device, "arange")


def linspace(start: float, end: float, steps: int, *, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:  # fmt: skip
    _number(start, "linspace", "start")
    _number(end, "linspace", "end")
    if not isinstance(steps, (int, np.integer)) or steps < 0:
        raise RuntimeError(
            f"linspace(): number of steps must be a non-negative integer, got {steps!r}"
        )
    return _finish(
        np.linspace(start, end, steps).astype(_dtype(dtype)), requires_grad, device, "linspace"
    )


def _like(t: Tensor, dtype: Any) -> np.dtype:
    return t._array.dtype if dtype is None else _dt.to_numpy_dtype(dtype)


def zeros_like(
    input: Tensor, *, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    return _finish(np.zeros(input.shape, _like(input, dtype)), requires_grad, device, "zeros_like")


def ones_like(
    input: Tensor, *, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    return _finish(np.ones(input.shape, _like(input, dtype)), requires_grad, device, "ones_like")


def empty_like(
    input: Tensor, *, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    return zeros_like(input, dtype=dtype, device=device, requires_grad=requires_grad)


def full_like(input: Tensor, fill_value: Any, *, dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:  # fmt: skip
    _number(fill_value, "full_like", "fill_value")
    _check_fits(fill_value, _like(input, dtype), "full_like")
    return _finish(
        np.full(input.shape, fill_value, _like(input, dtype)), requires_grad, device, "full_like"
    )


def rand(*size: Any, generator: Any = None, dtype: Any = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:  # fmt: skip
    """Uniform on [0, 1)."""
    values = _random.rng(generator).random(_size(size))
    return _finish(values.astype(_dtype(dtype)), requires_grad, device, "rand")


def randn(*size: Any, generator: Any = None, dtype: Any = None, device: Any = None,
          requires_grad: bool = False) -> Tensor:  # fmt: skip
    """Standard normal."""
    values = _random.rng(generator).standard_normal(_size(size))
    return _finish(values.astype(_dtype(dtype)), requires_grad, device, "randn")


def randint(low: int, high: Any = None, size: Any = None, *, generator: Any = None, dtype: Any = None,
            device: Any = None, requires_grad: bool = False) -> Tensor:  # fmt: skip
    """Integers in [low, high) (``randint(high, size)`` starts at 0); int64 by default."""
    if size is None:
        low, high, size = 0, low, high
    if size is None:
        raise TypeError("randint: missing the size argument, e.g. randint(0, 10, (3,))")
    values = _random.rng(generator).integers(low, high, size=_size(tuple(size)))
    return _finish(
        values.astype(_dt.to_numpy_dtype(dtype or _dt.int64)), requires_grad, device, "randint"
    )


def rand_like(input: Tensor, *, dtype: Any = None, generator: Any = None) -> Tensor:
    return rand(input.shape, dtype=dtype or input.dtype, generator=generator)


def randn_like(input: Tensor, *, dtype: Any = None, generator: Any = None) -> Tensor:
    return randn(input.shape, dtype=dtype or input.dtype, generator=generator)


def randint_like(input: Tensor, low: int, high: Any = None, *, dtype: Any = None) -> Tensor:
    return randint(low, high, tuple(input.shape), dtype=dtype or input.dtype)


def randperm(n: int, *, generator: Any = None, dtype: Any = None, device: Any = None) -> Tensor:
    """A random permutation of 0..n-1 (int64); n must be a non-negative integer."""
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 0:
        raise RuntimeError(f"randperm: n must be a non-negative integer, got {n!r}")
    return _finish(
        _random.rng(generator).permutation(n).astype(_dt.to_numpy_dtype(dtype or _dt.int64)),
        False,
        device,
        "randperm",
    )


def normal(mean: Any, std: Any = 1.0, size: Any = None, *, generator: Any = None) -> Tensor:
    """Samples of N(mean, std²); ``mean``/``std`` are numbers or tensors (broadcast)."""
    for name, v in (("mean", mean), ("std", std)):
        if not isinstance(v, Tensor):
            _number(v, "normal", name, tensors=False)
    m, s = np.asarray(getattr(mean, "_array", mean)), np.asarray(getattr(std, "_array", std))
    shape = _size(tuple(size)) if size is not None else np.broadcast_shapes(m.shape, s.shape)
    values = _random.rng(generator).normal(m, s, size=shape)
    dt = m.dtype if m.dtype.kind == "f" and m.ndim else _dt.get_default_dtype().numpy
    return _finish(values.astype(dt), False, None, "normal")


def scalar_tensor(s: Any, *, dtype: Any = None) -> Tensor:
    return tensor(s, dtype=dtype or _dt.get_default_dtype())


# issue 19: the *_like factories refuse a non-tensor input (see _argcheck)
from ._argcheck import guard_namespace  # noqa: E402

guard_namespace(globals(), [n for n in list(globals()) if n.endswith("_like")])
