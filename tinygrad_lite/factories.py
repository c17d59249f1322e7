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
from . import random_kernels as _rk
from .device import check_device
from .tensor import Tensor

__all__ = [
    "tensor", "as_tensor", "from_numpy", "zeros", "ones", "full", "empty", "eye", "arange",
    "linspace", "zeros_like", "ones_like", "full_like", "empty_like", "rand", "randn",
    "randint", "randn_like", "rand_like", "randint_like", "randperm", "normal", "scalar_tensor",
    "logspace",
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


def _sizes(sizes: tuple, size: Any, op: str) -> tuple:
    """The shape from ``f(2, 3)``, ``f((2, 3))`` or ``f(size=(2, 3))`` (not both forms)."""
    if size is None:
        return _size(sizes)
    if sizes:
        raise TypeError(f"{op}() got the size both as positional arguments and as size=")
    return _size((size,) if isinstance(size, (int, np.integer)) else (tuple(size),))


def zeros(*sizes: Any, size: Any = None, dtype: Any = None, device: Any = None,
          requires_grad: bool = False) -> Tensor:  # fmt: skip
    return _finish(np.zeros(_sizes(sizes, size, "zeros"), _dtype(dtype)), requires_grad, device,
                   "zeros")  # fmt: skip


def ones(*sizes: Any, size: Any = None, dtype: Any = None, device: Any = None,
          requires_grad: bool = False) -> Tensor:  # fmt: skip
    return _finish(np.ones(_sizes(sizes, size, "ones"), _dtype(dtype)), requires_grad, device,
                   "ones")  # fmt: skip


def empty(*sizes: Any, size: Any = None, dtype: Any = None, device: Any = None,
          requires_grad: bool = False) -> Tensor:  # fmt: skip
    """Uninitialised memory in PyTorch; zeros here (deterministic and just as fast)."""
    return _finish(np.zeros(_sizes(sizes, size, "empty"), _dtype(dtype)), requires_grad, device,
                   "empty")  # fmt: skip


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


# ---- random factories (issue 24: PyTorch's numbers, see random_kernels) -----------------


def _random_float(op: str, dtype: Any) -> np.dtype:
    dt = _dtype(dtype)
    if dt not in (np.float32, np.float64):
        kernel = "check_uniform_bounds" if op == "rand" else "normal_kernel_cpu"
        raise NotImplementedError(
            f'"{kernel}" not implemented for {_dt.from_any(dtype)}: {op} makes float32 or '
            "float64 tensors"
        )
    return dt


def rand(*sizes: Any, size: Any = None, generator: Any = None, dtype: Any = None,
         device: Any = None, requires_grad: bool = False) -> Tensor:  # fmt: skip
    """Uniform on [0, 1): PyTorch's values after the same ``manual_seed``."""
    dt = _random_float("rand", dtype)
    shape = _sizes(sizes, size, "rand")
    gen = _random.generator_or_default(generator)
    values = _rk.uniform(gen, builtins.int(np.prod(shape, dtype=np.int64)), dt, 0.0, 1.0)
    return _finish(values.reshape(shape), requires_grad, device, "rand")


def randn(*sizes: Any, size: Any = None, generator: Any = None, dtype: Any = None,
          device: Any = None, requires_grad: bool = False) -> Tensor:  # fmt: skip
    """Standard normal: PyTorch's values after the same ``manual_seed``."""
    dt = _random_float("randn", dtype)
    shape = _sizes(sizes, size, "randn")
    gen = _random.generator_or_default(generator)
    values = _rk.normal(gen, builtins.int(np.prod(shape, dtype=np.int64)), dt, 0.0, 1.0)
    return _finish(values.reshape(shape), requires_grad, device, "randn")


def randint(low: int = 0, high: Any = None, size: Any = None, *, generator: Any = None,
            dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:  # fmt: skip
    """Integers in [low, high) (``randint(high, size)`` starts at 0); int64 by default;
    PyTorch's values after the same ``manual_seed``."""
    if size is None:
        low, high, size = 0, low, high
    elif high is None:
        low, high = 0, low
    if size is None or high is None:
        raise TypeError("randint: missing the size argument, e.g. randint(0, 10, (3,))")
    low, high = builtins.int(low), builtins.int(high)
    if low >= high:
        raise RuntimeError(
            f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"
        )
    shape = _size(tuple(size) if isinstance(size, (tuple, list)) else (size,))
    gen = _random.generator_or_default(generator)
    values = _rk.randint(gen, builtins.int(np.prod(shape, dtype=np.int64)), low, high)
    dt = _dt.to_numpy_dtype(dtype or _dt.int64)
    return _finish(values.reshape(shape).astype(dt), requires_grad, device, "randint")


def rand_like(input: Tensor, *, dtype: Any = None, generator: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:  # fmt: skip
    return rand(input.shape, dtype=dtype or input.dtype, generator=generator, device=device,
                requires_grad=requires_grad)  # fmt: skip


def randn_like(input: Tensor, *, dtype: Any = None, generator: Any = None, device: Any = None,
               requires_grad: bool = False) -> Tensor:  # fmt: skip
    return randn(input.shape, dtype=dtype or input.dtype, generator=generator, device=device,
                 requires_grad=requires_grad)  # fmt: skip


def randint_like(input: Tensor, low: int = 0, high: Any = None, *, dtype: Any = None,
                 generator: Any = None, device: Any = None,
                 requires_grad: bool = False) -> Tensor:  # fmt: skip
    if high is None:
        low, high = 0, low
    return randint(low, high, tuple(input.shape), dtype=dtype or input.dtype, generator=generator,
                   device=device, requires_grad=requires_grad)  # fmt: skip


def randperm(n: int, *, generator: Any = None, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:  # fmt: skip
    """A random permutation of 0..n-1 (int64): PyTorch's after the same ``manual_seed``."""
    if isinstance(n, bool) or not isinstance(n, (builtins.int, np.integer)):
        raise TypeError(f"randperm: n must be an int, got {type(n).__name__}")
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    gen = _random.generator_or_default(generator)
    values = _rk.randperm(gen, builtins.int(n)).astype(_dt.to_numpy_dtype(dtype or _dt.int64))
    return _finish(values, requires_grad, device, "randperm")


def normal(mean: Any = 0.0, std: Any = 1.0, size: Any = None, *, generator: Any = None,
           dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:  # fmt: skip
    """N(mean, std²): tensor or number ``mean``/``std``, or numbers and ``size``."""
    from .sampling import normal as _normal

    check_device(device, "normal")
    return _normal(mean, std, size, generator=generator, dtype=dtype,
                   requires_grad=requires_grad)  # fmt: skip


def scalar_tensor(s: Any, *, dtype: Any = None, device: Any = None,
                  requires_grad: bool = False) -> Tensor:  # fmt: skip
    """A 0-d tensor holding the number ``s`` (the default float dtype unless ``dtype``)."""
    return tensor(s, dtype=dtype or _dt.get_default_dtype(), device=device,
                  requires_grad=requires_grad)  # fmt: skip


def logspace(start: float, end: float, steps: int, base: float = 10.0, *, dtype: Any = None,
             device: Any = None, requires_grad: bool = False) -> Tensor:  # fmt: skip
    """``steps`` values from ``base**start`` to ``base**end``, evenly spaced in the exponent."""
    _number(start, "logspace", "start")
    _number(end, "logspace", "end")
    if not isinstance(steps, (builtins.int, np.integer)) or steps < 0:
        raise RuntimeError(f"logspace: number of steps must be non-negative, got {steps!r}")
    values = np.logspace(start, end, steps, base=base).astype(_dtype(dtype))
    return _finish(values, requires_grad, device, "logspace")
