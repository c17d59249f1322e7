"""Tensor operations as functions (``tinygrad_lite.mean(x)`` == ``x.mean()``).

Composite ops are written here in terms of primitives and carry no backward code of their
own: their gradients come from the chain rule over the primitives they use. This module
also holds the argument checking (dims, shapes) that gives clear error messages, the
non-differentiable ops (comparisons, argmax, ...) and the in-place machinery.
"""

from __future__ import annotations

import builtins
import math
import operator
from collections import namedtuple
from collections.abc import Sequence
from typing import Any

import numpy as np

from . import dtypes as _dt
from . import views as _views
from ._keywords import numpy_keywords
from .autograd import function as _f
from .autograd.grad_mode import STATE, switch_grad_mode
from .primitives import (
    Add,
    Amax,
    Amin,
    Cat,
    Clamp,
    Div,
    Erf,
    Exp,
    Expand,
    Extreme,
    GetItem,
    IndexPut,
    LeakyRelu,
    Log,
    Log1p,
    LogSoftmax,
    MatMul,
    Maximum,
    Mean,
    Minimum,
    Mul,
    Permute,
    Pow,
    Relu,
    Reshape,
    Rounding,
    Softmax,
    Sqrt,
    Sub,
    Sum,
    Tanh,
    Where,
)  # fmt: skip
from .primitives_scan import Cumprod, Cumsum

_bool = builtins.bool
_int = builtins.int
_float = builtins.float

# ---------------------------------------------------------------------------------------
# small helpers
# ---------------------------------------------------------------------------------------


def _is_tensor(x: Any) -> _bool:
    return isinstance(x, _f.Tensor)


def _operand(x: Any, op: str, name: str) -> Any:
    """A number (or array) given where a Tensor or a number goes; anything else (a list,
    None, a string) is PyTorch's TypeError naming the op and the argument."""
    if isinstance(x, (_int, _float, _bool, np.generic, np.ndarray)):
        return x
    from ._argcheck import clear_error_here

    raise clear_error_here(2) or TypeError(
        f"{op}(): argument '{name}' must be Tensor, not {type(x).__name__}"
    )


def _tensor_array(x: Any, op: str, name: str) -> Any:
    """The array of a Tensor (or an array) given where PyTorch takes only a tensor (an
    index, a mask); anything else is PyTorch's TypeError naming the op and the argument."""
    if isinstance(x, _f.Tensor):
        return x._array
    if isinstance(x, np.ndarray):
        return x
    from ._argcheck import clear_error_here

    raise clear_error_here(2) or TypeError(
        f"{op}(): argument '{name}' must be Tensor, not {type(x).__name__}"
    )


def tensor_arg(x: Any, op: str, name: str = "input", pos: int = 1) -> Any:
    """``x`` itself if it is a Tensor; else PyTorch's TypeError naming ``op`` and the argument."""
    if not isinstance(x, _f.Tensor):
        raise TypeError(
            f"{op}(): argument '{name}' (position {pos}) must be Tensor, not {type(x).__name__}"
        )
    return x


def _arr(x: Any) -> Any:
    """The array behind a Tensor; anything else unchanged."""
    return x._array if isinstance(x, _f.Tensor) else x


def _const(array: Any) -> Any:
    """A Tensor that records nothing (comparisons, argmax, ...)."""
    return _f.Tensor._make(np.asarray(array), None, False)


def _shape_args(args: tuple, op: str) -> tuple:
    """Accept ``f(2, 3)``, ``f((2, 3))`` or ``f([2, 3])``; return a tuple of ints."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = tuple(args[0])
    try:
        return tuple(operator.index(a) for a in args)  # (2.5 is refused, not truncated)
    except (TypeError, ValueError):
        raise TypeError(f"{op}(): sizes must be integers, got {args!r}") from None


def check_dim(ndim: int, dim: int, op: str = "op", extra: int = 0) -> int:
    """``dim`` as a non-negative int, or PyTorch's 'Dimension out of range' IndexError."""
    n = builtins.max(ndim + extra, 1)
    if not isinstance(dim, (int, np.integer)) or not -n <= dim < n:
        raise IndexError(
            f"{op}: Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
            f"but got {dim})"
        )
    return _int(dim) % n


def norm_dims(ndim: int, dim: Any, op: str = "reduction") -> Any:
    """None, or a validated int / tuple of ints for a reduction over ``dim``."""
    if dim is None:
        return None
    if isinstance(dim, (list, tuple)):
        dims = tuple(check_dim(ndim, d, op) for d in dim)
        if len(set(dims)) != len(dims):
            raise RuntimeError(f"{op}: dim {tuple(dim)} appears multiple times in the list of dims")
        return dims if ndim else None
    return check_dim(ndim, dim, op) if ndim else None


def _count(shape: tuple, dim: Any) -> int:
    if dim is None:
        return math.prod(shape)
    dims = dim if isinstance(dim, tuple) else (dim,)
    return math.prod([shape[d] for d in dims])


def _require_float(x: Any, op: str) -> None:
    if x._array.dtype.kind != "f":
        raise RuntimeError(
            f"{op}(): input dtype must be floating point, got {x.dtype}; convert with .float()"
        )


# ---------------------------------------------------------------------------------------
# arithmetic
# ---------------------------------------------------------------------------------------


def scaled(other: Any, alpha: Any) -> Any:
    """``alpha * other`` for the ``alpha=`` argument of add/sub (no op when alpha is 1)."""
    return other if alpha == 1 else other * alpha


def add(input: Any, other: Any, *, alpha: Any = 1) -> Any:
    return Add.apply(input, scaled(other, alpha))


def sub(input: Any, other: Any, *, alpha: Any = 1) -> Any:
    return Sub.apply(input, scaled(other, alpha))


subtract = sub


def mul(input: Any, other: Any) -> Any:
    return Mul.apply(input, other)


multiply = mul


def div(input: Any, other: Any, *, rounding_mode: str | None = None) -> Any:
    """True division (integers give the default float dtype, as PyTorch); with
    ``rounding_mode="floor"|"trunc"`` the rounded quotient (gradient 0)."""
    if rounding_mode is not None:
        if rounding_mode not in ("floor", "trunc"):
            raise ValueError(
                f"div: rounding_mode must be None, 'floor' or 'trunc', got {rounding_mode!r}"
            )
        dtype = _dt.result_type(input, other)
        if dtype.kind in "biu":  # exact integer division (no float round trip)
            return _const(_integer_divide(_arr(input), _arr(other), rounding_mode, dtype))
        return Rounding.apply(Div.apply(input, other), rounding_mode)
    if not _is_float(input) and not _is_float(other):
        input = _to_default_float(input)
    return Div.apply(input, other)


true_divide = divide = div


def _integer_divide(a: Any, b: Any, mode: str, dtype: np.dtype) -> np.ndarray:
    """``a / b`` rounded down ('floor') or toward zero ('trunc'), exactly, in ``dtype``;
    a zero divisor raises ``RuntimeError('ZeroDivisionError')`` as PyTorch."""
    if dtype.kind == "b":
        raise RuntimeError(
            f"div: rounding_mode={mode!r} is not implemented for bool tensors; convert with .long()"
        )
    a, b = np.asarray(a).astype(dtype, copy=False), np.asarray(b).astype(dtype, copy=False)
    if (b == 0).any():
        raise RuntimeError("ZeroDivisionError")
    q = np.floor_divide(a, b)
    if mode == "trunc":  # floor rounds down where the signs differ and it does not divide
        q = q + ((np.remainder(a, b) != 0) & ((a < 0) != (b < 0)))
    return np.asarray(q).astype(dtype, copy=False)


def _is_float(x: Any) -> _bool:
    if isinstance(x, _f.Tensor):
        return x._array.dtype.kind == "f"
    if isinstance(x, np.ndarray):
        return x.dtype.kind == "f"
    return isinstance(x, _float)


def _to_default_float(x: Any) -> Any:
    if isinstance(x, _f.Tensor):
        return x.to(_dt.get_default_dtype())
    return np.asarray(x, dtype=_dt.get_default_dtype().numpy)


def floor_divide(input: Any, other: Any) -> Any:
    return div(input, other, rounding_mode="floor")


def remainder(input: Any, other: Any) -> Any:
    """Python-style modulo (sign of the divisor); gradient 1 with respect to ``input``."""
    quotient = floor_divide(input, other).detach()
    return sub(input, mul(quotient, other))


def pow(input: Any, exponent: Any) -> Any:  # noqa: A001
    return Pow.apply(input, exponent)


def neg(input: Any) -> Any:
    return -input


negative = neg


def abs(input: Any) -> Any:  # noqa: A001
    return input.abs()


def exp(input: Any) -> Any:
    return input.exp()


def log(input: Any) -> Any:
    return input.log()


def log1p(input: Any) -> Any:
    return input.log1p()


def expm1(input: Any) -> Any:
    return input.expm1()


def sqrt(input: Any) -> Any:
    return input.sqrt()


def rsqrt(input: Any) -> Any:
    return input.rsqrt()


def sin(input: Any) -> Any:
    return input.sin()


def cos(input: Any) -> Any:
    return input.cos()


def tan(input: Any) -> Any:
    return input.tan()


def tanh(input: Any) -> Any:
    return Tanh.apply(tensor_arg(input, "tanh"))


def sigmoid(input: Any) -> Any:
    return input.sigmoid()


def relu(input: Any) -> Any:
    return Relu.apply(tensor_arg(input, "relu"))


def leaky_relu(input: Any, negative_slope: float = 0.01) -> Any:
    return LeakyRelu.apply(input, negative_slope)


def erf(input: Any) -> Any:
    return Erf.apply(input)


def gelu(input: Any, approximate: str = "none") -> Any:
    """x·Φ(x) with the exact Gaussian CDF, or its tanh approximation (``approximate="tanh"``)."""
    if approximate == "none":
        return 0.5 * input * (1 + Erf.apply(input * (1 / math.sqrt(2))))
    if approximate == "tanh":
        inner = math.sqrt(2 / math.pi) * (input + 0.044715 * input * input * input)
        return 0.5 * input * (1 + Tanh.apply(inner))
    raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")


def softplus(input: Any, beta: float = 1.0, threshold: float = 20.0) -> Any:
    """log(1 + e^(βx))/β, computed stably; linear where βx > threshold (as PyTorch)."""
    z = input * beta if beta != 1 else input
    a = z.abs()
    smooth = (z + a) * 0.5 + Log1p.apply(Exp.apply(-a))  # (z+|z|)/2 = max(z, 0); slope ½ at 0
    if beta != 1:
        smooth = smooth / beta
    return Where.apply(_arr(z) > threshold, input, smooth)


def sign(input: Any) -> Any:
    return input.sign()


def square(input: Any) -> Any:
    return Mul.apply(input, input)


def reciprocal(input: Any) -> Any:
    return input.reciprocal()


def floor(input: Any) -> Any:
    return _rounding(input, "floor")


def ceil(input: Any) -> Any:
    return _rounding(input, "ceil")


def round(input: Any) -> Any:  # noqa: A001
    return _rounding(input, "round")


def trunc(input: Any) -> Any:
    return _rounding(input, "trunc")


def _rounding(x: Any, mode: str) -> Any:
    if x._array.dtype.kind != "f":
        return x
    return Rounding.apply(x, mode)


def clamp(input: Any, min: Any = None, max: Any = None) -> Any:  # noqa: A002
    """Limit values to [min, max] (either may be None; Tensors allowed)."""
    if min is None and max is None:
        raise RuntimeError("clamp: at least one of 'min' or 'max' must not be None")
    dtype = _dt.result_type(input, min, max)
    if dtype != input._array.dtype:  # e.g. an int tensor clamped to float bounds: floats
        input = input.to(dtype)
    if _is_tensor(min) or _is_tensor(max):  # a select each: at a tie the input gets the grad
        out = input
        if min is not None:
            out = Where.apply(np.less(out._array, _arr(min)), min, out)
        if max is not None:
            out = Where.apply(np.greater(out._array, _arr(max)), max, out)
        return out
    return Clamp.apply(input, min, max)


clip = clamp


def maximum(input: Any, other: Any) -> Any:
    """Elementwise max of two tensors (a number is refused, as PyTorch: use clamp(min=))."""
    return Maximum.apply(tensor_arg(input, "maximum"), tensor_arg(other, "maximum", "other", 2))


def minimum(input: Any, other: Any) -> Any:
    """Elementwise min of two tensors (a number is refused, as PyTorch: use clamp(max=))."""
    return Minimum.apply(tensor_arg(input, "minimum"), tensor_arg(other, "minimum", "other", 2))


def where(condition: Any, input: Any = None, other: Any = None) -> Any:
    """``input`` where ``condition`` is true, else ``other``; with one argument, the indices
    of the true elements (as ``nonzero(as_tuple=True)``)."""
    cond = condition._array if _is_tensor(condition) else _operand(condition, "where", "condition")
    if input is None and other is None:
        return tuple(_const(i) for i in np.nonzero(cond))
    if np.asarray(cond).dtype != np.bool_:
        raise RuntimeError(
            f"where: expected condition to be a bool tensor, got dtype {np.asarray(cond).dtype}"
        )
    return Where.apply(cond, input, other)


def masked_fill(input: Any, mask: Any, value: Any) -> Any:
    """``input`` with ``value`` wherever the bool ``mask`` (broadcastable) is true."""
    m = _tensor_array(mask, "masked_fill", "mask")
    if np.asarray(m).dtype != np.bool_:
        raise RuntimeError(f"masked_fill: expected a bool mask, got dtype {np.asarray(m).dtype}")
    if _is_tensor(value) and value.ndim != 0:
        raise RuntimeError(
            f"masked_fill only supports a 0-dimensional value tensor, but got one with {value.ndim} dimension(s)"
        )
    fill = value if _is_tensor(value) else np.asarray(value, dtype=input._array.dtype)
    return Where.apply(np.broadcast_to(m, input.shape), fill, input)


def lerp(input: Any, end: Any, weight: Any) -> Any:
    return input + weight * (end - input)


# ---------------------------------------------------------------------------------------
# linear algebra
# ---------------------------------------------------------------------------------------


def matmul(input: Any, other: Any) -> Any:
    """Matrix product with NumPy/PyTorch rules for 1-D, 2-D and batched operands."""
    a, b = np.asarray(_arr(input)), np.asarray(_arr(other))
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(
            f"matmul: both arguments need at least 1 dimension, got shapes {a.shape} and {b.shape}"
        )
    k_a = a.shape[-1]
    k_b = b.shape[0] if b.ndim == 1 else b.shape[-2]
    if k_a != k_b:
        raise RuntimeError(
            f"matmul: shapes {tuple(a.shape)} and {tuple(b.shape)} cannot be multiplied "
            f"(inner dimensions {k_a} and {k_b} differ). The last dimension of the first "
            "operand must equal the "
            + ("first" if b.ndim == 1 else "second-to-last")
            + " dimension of the second; transpose (.T / .mT) or reshape one of them."
        )
    batch_a, batch_b = a.shape[:-2], b.shape[:-2]
    if batch_a != batch_b and batch_a and batch_b:
        try:
            np.broadcast_shapes(batch_a, batch_b)
        except ValueError:
            raise RuntimeError(
                f"matmul: shapes {tuple(a.shape)} and {tuple(b.shape)} have batch dimensions "
                f"{batch_a} and {batch_b} that cannot be broadcast together (aligned from the "
                "right, each pair of sizes must be equal or one of them 1); reshape or unsqueeze "
                "one operand."
            ) from None
    return MatMul.apply(input, other)


def mm(input: Any, mat2: Any) -> Any:
    if input.ndim != 2 or mat2.ndim != 2:
        raise RuntimeError(
            f"mm: expected 2-D tensors, got shapes {tuple(input.shape)} and {tuple(mat2.shape)}"
        )
    return matmul(input, mat2)


def bmm(input: Any, mat2: Any) -> Any:
    if input.ndim != 3 or mat2.ndim != 3 or input.shape[0] != mat2.shape[0]:
        raise RuntimeError(
            f"bmm: expected 3-D tensors with the same batch size, got shapes "
            f"{tuple(input.shape)} and {tuple(mat2.shape)}"
        )
    return matmul(input, mat2)


def dot(input: Any, other: Any) -> Any:
    if input.ndim != 1 or other.ndim != 1:
        raise RuntimeError(
            f"dot: 1D tensors expected, but got {input.ndim}D and {other.ndim}D tensors"
        )
    if input.shape != other.shape:
        raise RuntimeError(
            f"dot: inconsistent tensor size, expected tensor [{input.shape[0]}] and src "
            f"[{other.shape[0]}] to have the same number of elements"
        )
    return matmul(input, other)


inner = dot


def outer(input: Any, vec2: Any) -> Any:
    """``out[i, j] = input[i] * vec2[j]`` for two 1-D tensors."""
    if input.ndim != 1 or vec2.ndim != 1:
        raise RuntimeError(
            f"outer: expected two 1-D tensors, got shapes {tuple(input.shape)} and "
            f"{tuple(vec2.shape)}; flatten them first"
        )
    return Mul.apply(reshape(input, (-1, 1)), vec2)


ger = outer

# ---------------------------------------------------------------------------------------
# reductions
# ---------------------------------------------------------------------------------------


@numpy_keywords
def sum(input: Any, dim: Any = None, keepdim: _bool = False, *, dtype: Any = None) -> Any:  # noqa: A001
    return input.sum(dim, keepdim, dtype=dtype)


@numpy_keywords
def mean(input: Any, dim: Any = None, keepdim: _bool = False, *, dtype: Any = None) -> Any:
    """Average over ``dim`` (all by default); floating point only, as PyTorch."""
    input = input if dtype is None else input.to(dtype)
    _require_float(input, "mean")
    return Mean.apply(input, None if dim is None else norm_dims(input.ndim, dim, "mean"), keepdim)


@numpy_keywords
def prod(input: Any, dim: Any = None, keepdim: _bool = False, *, dtype: Any = None) -> Any:
    return input.prod(dim, keepdim, dtype=dtype)


@numpy_keywords
def amax(input: Any, dim: Any = (), keepdim: _bool = False) -> Any:
    return input.amax(dim, keepdim)


@numpy_keywords
def amin(input: Any, dim: Any = (), keepdim: _bool = False) -> Any:
    return input.amin(dim, keepdim)


max_result = namedtuple("max", ["values", "indices"])
min_result = namedtuple("min", ["values", "indices"])


@numpy_keywords
def max(input: Any, dim: Any = None, keepdim: _bool = False) -> Any:  # noqa: A001
    """``max(x)``: the largest element; ``max(x, dim)``: ``(values, indices)``;
    ``max(x, other_tensor)``: elementwise maximum."""
    if _is_tensor(dim):
        return Maximum.apply(input, dim)
    if dim is None:
        _require_nonempty(input, "max")
        return Extreme.apply(input, np.max)
    return _select_reduce(input, dim, keepdim, np.argmax, max_result, "max")


@numpy_keywords
def min(input: Any, dim: Any = None, keepdim: _bool = False) -> Any:  # noqa: A001
    """Like ``max`` for the smallest element."""
    if _is_tensor(dim):
        return Minimum.apply(input, dim)
    if dim is None:
        _require_nonempty(input, "min")
        return Extreme.apply(input, np.min)
    return _select_reduce(input, dim, keepdim, np.argmin, min_result, "min")


def _require_nonempty(x: Any, op: str) -> None:
    if x.numel() == 0:
        raise RuntimeError(
            f"{op}(): expected a non-empty tensor; use amax/amin with dim for empty dims"
        )


def _select_reduce(x: Any, dim: int, keepdim: _bool, argfn: Any, result: Any, op: str) -> Any:
    dim = check_dim(x.ndim, dim, op)
    if x.ndim == 0:
        return result(x, _const(np.zeros((), dtype=np.int64)))
    idx = np.expand_dims(argfn(x._array, axis=dim), dim)
    values = gather(x, dim, idx)
    if not keepdim:
        values = squeeze(values, dim)
        idx = np.squeeze(idx, axis=dim)
    return result(values, _const(idx.astype(np.int64)))


@numpy_keywords
def argmax(input: Any, dim: Any = None, keepdim: _bool = False) -> Any:
    return _arg_reduce(input, dim, keepdim, np.argmax, "argmax")


@numpy_keywords
def argmin(input: Any, dim: Any = None, keepdim: _bool = False) -> Any:
    return _arg_reduce(input, dim, keepdim, np.argmin, "argmin")


def _arg_reduce(x: Any, dim: Any, keepdim: _bool, fn: Any, op: str) -> Any:
    a = x._array
    if dim is None:
        if not a.size:
            raise IndexError(
                f"{op}(): Expected reduction dim to be specified for input.numel() == 0."
            )
        out = fn(a)
        if keepdim:
            out = np.reshape(out, (1,) * a.ndim)
    else:
        dim = check_dim(a.ndim, dim, op)
        if a.ndim and not a.shape[dim]:
            raise IndexError(f"{op}(): Expected reduction dim {dim} to have non-zero size.")
        out = fn(a, axis=dim, keepdims=keepdim) if a.ndim else fn(a)
    return _const(np.asarray(out, dtype=np.int64))


def _correction(unbiased: Any, correction: Any, op: str) -> float:
    if correction is not None:
        return _float(correction)
    if unbiased is None or unbiased is True:
        return 1.0
    if unbiased is False:
        return 0.0
    raise TypeError(f"{op}: unbiased must be a bool, got {unbiased!r}")


@numpy_keywords
def var(input: Any, dim: Any = None, unbiased: Any = None, keepdim: _bool = False, *,
        correction: Any = None) -> Any:  # fmt: skip
    """Variance over ``dim``: Σ(x - mean)² / (N - correction); correction defaults to 1."""
    if isinstance(unbiased, (int, tuple, list)) and not isinstance(unbiased, _bool):
        dim, unbiased = unbiased, None  # var(x, dim) written positionally as var(x, 1)
    _require_float(input, "var")
    corr = _correction(unbiased, correction, "var")
    dim = norm_dims(input.ndim, dim, "var")
    n = _count(input.shape, dim)
    centered = input - mean(input, dim, True)
    denom = n - corr
    return Sum.apply(centered * centered, dim, keepdim) * (1.0 / denom if denom > 0 else np.inf)


@numpy_keywords
def std(input: Any, dim: Any = None, unbiased: Any = None, keepdim: _bool = False, *,
        correction: Any = None) -> Any:  # fmt: skip
    """Standard deviation: sqrt of ``var`` with the same arguments."""
    return _sqrt_zero_grad_at_zero(var(input, dim, unbiased, keepdim, correction=correction))


def _sqrt_zero_grad_at_zero(v: Any) -> Any:
    """√v, with gradient 0 (not inf·0 = nan) where v == 0: PyTorch's choice for std and norm."""
    return _pow_zero_grad_at_zero(v, 0.5)


def _pow_zero_grad_at_zero(v: Any, e: float) -> Any:
    """``v ** e`` for v >= 0, with gradient 0 where v == 0 (where e < 1 makes it infinite):
    selects, so nothing infinite is multiplied by 0."""
    zero = v._array == 0
    if not zero.any():
        return Sqrt.apply(v) if e == 0.5 else Pow.apply(v, e)
    safe = Where.apply(zero, 1.0, v)
    return Where.apply(zero, 0.0, Sqrt.apply(safe) if e == 0.5 else Pow.apply(safe, e))


@numpy_keywords
def norm(input: Any, p: Any = "fro", dim: Any = None, keepdim: _bool = False) -> Any:
    """p-norm over ``dim`` (all elements by default): p = 2/'fro', 1, inf, -inf (min |x|),
    0 (the number of nonzeros) or any number. The gradient is 0 at the zero vector, and
    at zero elements, for every p (as PyTorch)."""
    dim = norm_dims(input.ndim, dim, "norm")
    if p in ("fro", 2, 2.0):
        return _sqrt_zero_grad_at_zero(Sum.apply(input * input, dim, keepdim))
    if p in (float("inf"), "inf"):
        return Amax.apply(input.abs(), dim, keepdim)
    if p in (float("-inf"), "-inf"):
        return Amin.apply(input.abs(), dim, keepdim)
    if p == 0:  # counts the nonzeros (gradient 0): Sign of |x| is 1 there, 0 at zeros
        return Sum.apply(input.abs().sign(), dim, keepdim)
    if p == 1:
        return Sum.apply(input.abs(), dim, keepdim)
    a = input.abs()
    if p < 0:  # (a zero element makes the sum inf and the norm 0)
        return Sum.apply(a**p, dim, keepdim) ** (1.0 / p)
    return _pow_zero_grad_at_zero(Sum.apply(_pow_zero_grad_at_zero(a, p), dim, keepdim), 1.0 / p)


@numpy_keywords
def logsumexp(input: Any, dim: Any, keepdim: _bool = False) -> Any:
    """log Σ exp(x) over ``dim``, shifted by the (constant) max so it cannot overflow."""
    dim = norm_dims(input.ndim, dim, "logsumexp")
    shift = (
        input._array.max(axis=dim, keepdims=True) if input.numel() else np.zeros((1,) * input.ndim)
    )
    shift = np.where(np.isfinite(shift), shift, 0).astype(input._array.dtype)
    out = Log.apply(Sum.apply(Exp.apply(input - shift), dim, True)) + shift
    return out if keepdim else squeeze(out, dim)


def softmax(input: Any, dim: int, dtype: Any = None) -> Any:
    if dtype is not None:
        input = input.to(dtype)
    return Softmax.apply(input, check_dim(input.ndim, dim, "softmax"))


def log_softmax(input: Any, dim: int, dtype: Any = None) -> Any:
    if dtype is not None:
        input = input.to(dtype)
    return LogSoftmax.apply(input, check_dim(input.ndim, dim, "log_softmax"))


@numpy_keywords
def cumsum(input: Any, dim: int, *, dtype: Any = None) -> Any:
    """Running sum along ``dim`` (a scan: O(n)); bool and integers give int64, as PyTorch."""
    return _scan(Cumsum, input, dim, dtype, "cumsum")


def cumprod(input: Any, dim: int, *, dtype: Any = None) -> Any:
    """Running product along ``dim`` (zeros allowed in the gradient); ints give int64."""
    return _scan(Cumprod, input, dim, dtype, "cumprod")


def _scan(prim: Any, input: Any, dim: int, dtype: Any, op: str) -> Any:
    if dtype is not None:
        input = input.to(dtype)
    d = check_dim(input.ndim, dim, op)
    if input.ndim == 0:
        input = reshape(input, (1,))
        return reshape(prim.apply(input, 0), ())
    return prim.apply(input, d)


@numpy_keywords
def all(input: Any, dim: Any = None, keepdim: _bool = False) -> Any:  # noqa: A001
    return _const(np.all(input._array, axis=norm_dims(input.ndim, dim), keepdims=keepdim))


@numpy_keywords
def any(input: Any, dim: Any = None, keepdim: _bool = False) -> Any:  # noqa: A001
    return _const(np.any(input._array, axis=norm_dims(input.ndim, dim), keepdims=keepdim))


@numpy_keywords
def count_nonzero(input: Any, dim: Any = None) -> Any:
    return _const(np.count_nonzero(input._array, axis=dim).astype(np.int64))


# ---------------------------------------------------------------------------------------
# comparisons and tests (no gradients)
# ---------------------------------------------------------------------------------------


def _compare(ufunc: Any, a: Any, b: Any, op: str) -> Any:
    """``ufunc(a, b)`` as a constant Tensor; a shape/dtype clash gives a clear RuntimeError."""
    x = a._array if isinstance(a, _f.Tensor) else _operand(a, op, "input")
    y = b._array if isinstance(b, _f.Tensor) else _operand(b, op, "other")
    try:
        return _const(ufunc(x, y))
    except (ValueError, TypeError) as e:
        raise _f.forward_error(op, [np.asarray(x), np.asarray(y)], e) from None


def eq(input: Any, other: Any) -> Any:
    return _compare(np.equal, input, other, "eq")


def ne(input: Any, other: Any) -> Any:
    return _compare(np.not_equal, input, other, "ne")


def lt(input: Any, other: Any) -> Any:
    return _compare(np.less, input, other, "lt")


def le(input: Any, other: Any) -> Any:
    return _compare(np.less_equal, input, other, "le")


def gt(input: Any, other: Any) -> Any:
    return _compare(np.greater, input, other, "gt")


def ge(input: Any, other: Any) -> Any:
    return _compare(np.greater_equal, input, other, "ge")


greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne


def logical_op(ufunc: Any, a: Any, b: Any) -> Any:
    return _compare(ufunc, a, b, ufunc.__name__)


def invert(input: Any) -> Any:
    """``~x``: logical not of a bool tensor, bitwise not of an integer one; TypeError for
    floats, as PyTorch's operator."""
    if input._array.dtype.kind not in "biu":
        raise TypeError(
            "~ (bitwise_not) is only implemented on integer and Boolean-type tensors, got "
            f"{input.dtype}"
        )
    return _const(np.invert(input._array))


def logical_not(input: Any) -> Any:
    a = input._array
    return _const(~a if a.dtype == np.bool_ or a.dtype.kind in "iu" else np.logical_not(a))


def logical_and(input: Any, other: Any) -> Any:
    return _compare(np.logical_and, input, other, "logical_and")


def logical_or(input: Any, other: Any) -> Any:
    return _compare(np.logical_or, input, other, "logical_or")


def isnan(input: Any) -> Any:
    return _const(np.isnan(input._array))


def isinf(input: Any) -> Any:
    return _const(np.isinf(input._array))


def isfinite(input: Any) -> Any:
    return _const(np.isfinite(input._array))


def allclose(
    input: Any, other: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: _bool = False
) -> _bool:
    try:
        close = np.allclose(_arr(input), _arr(other), rtol=rtol, atol=atol, equal_nan=equal_nan)
    except ValueError as e:
        raise RuntimeError(f"allclose: {e}") from None
    return _bool(close)


def isclose(
    input: Any, other: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: _bool = False
) -> Any:
    return _const(np.isclose(_arr(input), _arr(other), rtol=rtol, atol=atol, equal_nan=equal_nan))


def equal(input: Any, other: Any) -> _bool:
    a, b = _arr(input), _arr(other)
    return a.shape == b.shape and _bool(np.array_equal(a, b))


# ---------------------------------------------------------------------------------------
# shape
# ---------------------------------------------------------------------------------------


def reshape(input: Any, *shape: Any) -> Any:
    """Same elements in a new shape; one size may be -1 (inferred)."""
    shape = _shape_args(shape, "reshape")
    known = [s for s in shape if s != -1]
    total = input.numel()
    size_ok = (shape.count(-1) == 0 and _int(np.prod(shape, dtype=np.int64)) == total) or (
        shape.count(-1) == 1
        and (np.prod(known, dtype=np.int64) or 1)
        and total % _int(np.prod(known, dtype=np.int64) or 1) == 0
        and (0 not in known or total == 0)
    )
    if not size_ok:
        raise RuntimeError(
            f"reshape: shape {list(shape)} is invalid for input of size {total} "
            f"(input shape {tuple(input.shape)}); the sizes must multiply to {total}"
        )
    return Reshape.apply(input, shape)  # (also for the same shape: a new view, as PyTorch)


view = reshape


def flatten(input: Any, start_dim: int = 0, end_dim: int = -1) -> Any:
    if input.ndim == 0:
        return reshape(input, (1,))
    s = check_dim(input.ndim, start_dim, "flatten")
    e = check_dim(input.ndim, end_dim, "flatten")
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    shape = input.shape
    return reshape(input, shape[:s] + (math.prod(shape[s : e + 1]),) + shape[e + 1 :])


def unflatten(input: Any, dim: int, sizes: Sequence[int]) -> Any:
    d = check_dim(input.ndim, dim, "unflatten")
    sizes = tuple(sizes)
    known = _int(np.prod([s for s in sizes if s != -1], dtype=np.int64))
    n = input.shape[d]
    if (-1 not in sizes and known != n) or (-1 in sizes and (known == 0 or n % known)):
        raise RuntimeError(
            f"unflatten: provided sizes {list(sizes)} don't multiply up to the size of dim {dim} ({n}) in the input tensor"
        )
    if -1 in sizes:  # resolved here: with a zero-size dim elsewhere NumPy cannot infer it
        sizes = tuple(n // known if s == -1 else s for s in sizes)
    return reshape(input, input.shape[:d] + sizes + input.shape[d + 1 :])


def squeeze(input: Any, dim: Any = None) -> Any:
    """Remove size-1 dims (all, or the given ones; a dim that is not size 1 is left alone)."""
    shape = input.shape
    if dim is None:
        dims = {i for i, n in enumerate(shape) if n == 1}
    else:
        dims = (
            {
                check_dim(input.ndim, d, "squeeze")
                for d in (dim if isinstance(dim, (tuple, list)) else (dim,))
            }
            if input.ndim
            else set()
        )
        dims = {d for d in dims if shape[d] == 1}
    return reshape(input, tuple(n for i, n in enumerate(shape) if i not in dims))


def unsqueeze(input: Any, dim: int) -> Any:
    d = check_dim(input.ndim, dim, "unsqueeze", extra=1)
    shape = input.shape
    return Reshape.apply(input, shape[:d] + (1,) + shape[d:])


def permute(input: Any, *dims: Any) -> Any:
    dims = _shape_args(dims, "permute")
    if len(dims) != input.ndim:
        raise RuntimeError(
            f"permute: number of dims don't match: the tensor has {input.ndim} dims but {len(dims)} were given"
        )
    axes = tuple(check_dim(input.ndim, d, "permute") for d in dims)
    if len(set(axes)) != len(axes):
        raise RuntimeError(f"permute: repeated dim in {dims}")
    return Permute.apply(input, axes)


def transpose(input: Any, dim0: int, dim1: int) -> Any:
    if input.ndim < 2 and input.ndim == 0:
        return input
    d0, d1 = check_dim(input.ndim, dim0, "transpose"), check_dim(input.ndim, dim1, "transpose")
    axes = list(range(input.ndim))
    axes[d0], axes[d1] = axes[d1], axes[d0]
    return Permute.apply(input, tuple(axes))


swapaxes = swapdims = transpose


def t(input: Any) -> Any:
    return input.t()


def expand(input: Any, *sizes: Any) -> Any:
    """Broadcast to a larger shape without copying; -1 keeps a size."""
    sizes = _shape_args(sizes, "expand")
    shape = input.shape
    if len(sizes) < len(shape):
        raise RuntimeError(
            f"expand: the number of sizes provided ({len(sizes)}) must be greater or equal to the "
            f"number of dimensions in the tensor ({len(shape)})"
        )
    lead = len(sizes) - len(shape)
    target = list(sizes)
    for i, n in enumerate(shape):
        want = sizes[lead + i]
        if want == -1:
            target[lead + i] = n
        elif n != 1 and want != n:
            raise RuntimeError(
                f"expand: the expanded size of the tensor ({want}) must match the existing size ({n}) "
                f"at non-singleton dimension {lead + i}. Target sizes: {list(sizes)}. "
                f"Tensor sizes: {list(shape)}"
            )
    target = tuple(target)
    if target == shape:
        return input
    return Expand.apply(input, target)


def broadcast_to(input: Any, shape: Sequence[int]) -> Any:
    return expand(tensor_arg(input, "broadcast_to"), _shape_args((shape,), "broadcast_to"))


def broadcast_tensors(*tensors: Any) -> tuple:
    shape = np.broadcast_shapes(*(x.shape for x in tensors))
    return tuple(expand(x, shape) for x in tensors)


def repeat(input: Any, *repeats: Any) -> Any:
    """Tile the tensor ``repeats[i]`` times along dim i (built from reshape + expand)."""
    reps = _shape_args(repeats, "repeat")
    if len(reps) < input.ndim:
        raise RuntimeError(
            "repeat: number of dimensions of repeat dims can not be smaller than number of "
            f"dimensions of tensor ({len(reps)} < {input.ndim})"
        )
    shape = (1,) * (len(reps) - input.ndim) + input.shape
    spread = reshape(input, tuple(x for n in shape for x in (1, n)))
    tiled = expand(spread, tuple(x for r, n in zip(reps, shape) for x in (r, n)))
    return reshape(tiled, tuple(r * n for r, n in zip(reps, shape)))


def cat(tensors: Sequence[Any], dim: int = 0) -> Any:
    """Join tensors along an existing dim; all other sizes must match."""
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("cat: expected a non-empty list of Tensors")
    if builtins.any(x.shape != (0,) for x in tensors):  # PyTorch skips legacy empty 1-D tensors
        tensors = [x for x in tensors if x.shape != (0,)]
    for i, x in enumerate(tensors):
        if not x.ndim:
            raise RuntimeError(
                f"cat(): zero-dimensional tensor (at position {i}) cannot be concatenated; "
                "use stack, or unsqueeze it first"
            )
    ref = tensors[0]
    d = check_dim(ref.ndim, dim, "cat")
    for i, x in enumerate(tensors):
        if x.ndim != ref.ndim or any_mismatch(x.shape, ref.shape, d):
            raise RuntimeError(
                f"cat: sizes of tensors must match except in dimension {d}: tensor 0 has shape "
                f"{tuple(ref.shape)} but tensor {i} has shape {tuple(x.shape)}"
            )
    if len(tensors) == 1:
        return tensors[0]
    dtype = _dt.result_type(*tensors)  # PyTorch's promotion (float16 + int64 -> float16)
    tensors = [x if x._array.dtype == dtype else x.to(dtype) for x in tensors]
    return Cat.apply(d, *tensors)


def any_mismatch(a: tuple, b: tuple, skip: int) -> _bool:
    return builtins.any(x != y for i, (x, y) in enumerate(zip(a, b)) if i != skip)


concat = concatenate = cat


def stack(tensors: Sequence[Any], dim: int = 0) -> Any:
    """Join same-shaped tensors along a new dim."""
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack: expected a non-empty list of Tensors")
    for i, x in enumerate(tensors):
        if x.shape != tensors[0].shape:
            raise RuntimeError(
                f"stack: expects each tensor to be equal size, but got {tuple(tensors[0].shape)} at "
                f"entry 0 and {tuple(x.shape)} at entry {i}"
            )
    d = check_dim(tensors[0].ndim, dim, "stack", extra=1)
    return cat([unsqueeze(x, d) for x in tensors], d)


def hstack(tensors: Sequence[Any]) -> Any:
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1)


def vstack(tensors: Sequence[Any]) -> Any:
    return cat([x if x.ndim > 1 else reshape(x, (1, -1)) for x in tensors], 0)


def split(input: Any, split_size_or_sections: Any, dim: int = 0) -> tuple:
    """Pieces of ``split_size`` along ``dim`` (the last may be smaller), or of the given sizes."""
    d = check_dim(input.ndim, dim, "split")
    n = input.shape[d]
    if isinstance(split_size_or_sections, (int, np.integer)):
        step = _int(split_size_or_sections)
        if step <= 0:
            raise RuntimeError(f"split: split_size must be positive, got {step}")
        sizes = [builtins.min(step, n - i) for i in range(0, n, step)] or [0]
    else:
        sizes = [_int(s) for s in split_size_or_sections]
        if builtins.sum(sizes) != n:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size "
                f"at dimension {d}), but got split_sizes={sizes}"
            )
    lead = (slice(None),) * d
    out, start = [], 0
    for s in sizes:
        out.append(GetItem.apply(input, lead + (slice(start, start + s),)))
        start += s
    return _views.multiple_views(tuple(out), "SplitBackward0")


def chunk(input: Any, chunks: int, dim: int = 0) -> tuple:
    if chunks <= 0:
        raise RuntimeError(f"chunk: number of chunks must be positive, got {chunks}")
    n = input.shape[check_dim(input.ndim, dim, "chunk")]
    return split(input, builtins.max(-(-n // chunks), 1), dim)


def unbind(input: Any, dim: int = 0) -> tuple:
    d = check_dim(input.ndim, dim, "unbind")
    lead = (slice(None),) * d
    views = tuple(GetItem.apply(input, lead + (i,)) for i in range(input.shape[d]))
    return _views.multiple_views(views, "UnbindBackward0")


def gather(input: Any, dim: int, index: Any) -> Any:
    """``out[i][j] = input[index[i][j]][j]`` for dim 0 (and likewise for other dims)."""
    idx = _tensor_array(index, "gather", "index")
    d = check_dim(input.ndim, dim, "gather")
    if idx.dtype.kind not in "iu":
        raise RuntimeError(f"gather: index must be an integer tensor, got dtype {idx.dtype}")
    if idx.ndim != input.ndim:
        raise RuntimeError(
            f"gather: index tensor must have the same number of dimensions as input tensor "
            f"({idx.ndim} vs {input.ndim})"
        )
    for i, (m, n) in enumerate(zip(idx.shape, input.shape)):
        if i != d and m > n:
            raise RuntimeError(
                f"gather: size of index {tuple(idx.shape)} does not fit input {tuple(input.shape)} "
                f"at dimension {i}"
            )
    if idx.size and (idx.min() < 0 or idx.max() >= input.shape[d]):  # no negative wrap-around
        raise IndexError(
            f"gather: index {int(idx.max() if idx.max() >= input.shape[d] else idx.min())} is out of "
            f"bounds for dimension {d} with size {input.shape[d]}"
        )
    grids = np.ix_(*[np.arange(m) for m in idx.shape]) if idx.ndim else ()
    full = tuple(idx if i == d else g for i, g in enumerate(grids))
    return GetItem.apply(input, full)


def index_select(input: Any, dim: int, index: Any) -> Any:
    idx = _tensor_array(index, "index_select", "index")
    if idx.ndim > 1 or idx.dtype.kind not in "iu":
        raise RuntimeError("index_select: index must be a 1-D integer tensor")
    d = check_dim(input.ndim, dim, "index_select")
    n = input.shape[d] if input.ndim else 1
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        bad = idx.min() if idx.min() < 0 else idx.max()
        raise RuntimeError(
            f"index_select(): index {bad} is out of range for dimension {d} of size {n} "
            "(indices must be in [0, size))"
        )
    return GetItem.apply(input, (slice(None),) * d + (idx.reshape(-1),))


def take_along_dim(input: Any, indices: Any, dim: int) -> Any:
    return gather(input, dim, indices)


def narrow(input: Any, dim: int, start: int, length: int) -> Any:
    d = check_dim(input.ndim, dim, "narrow")
    n = input.shape[d]
    if not -n <= start <= n:
        raise IndexError(f"narrow(): start {start} out of range for dimension {d} of size {n}")
    start = start % n if start < 0 else start
    if length < 0 or start + length > n:
        raise RuntimeError(
            f"narrow(): start ({start}) + length ({length}) exceeds dimension size ({n}), or "
            "length is negative"
        )
    return GetItem.apply(input, (slice(None),) * d + (slice(start, start + length),))


def normalize_index(index: Any, shape: tuple | None = None) -> Any:
    """Turn Tensors/lists in an index into arrays, and bool masks into integer arrays. With
    the indexed tensor's ``shape``, a bool mask whose shape does not match the dims it
    covers raises PyTorch's ``IndexError``."""
    items = index if isinstance(index, tuple) else (index,)
    if shape is not None:
        _check_masks(items, shape)
    out: list = []
    for i in items:
        if isinstance(i, _f.Tensor):
            i = i._array
            if i.ndim == 0 and i.dtype.kind in "iu":
                i = _int(i)
        elif isinstance(i, list):
            i = np.asarray(i) if i else np.zeros(0, np.int64)  # ([] is an empty int index)
        if isinstance(i, np.ndarray):
            if i.dtype == np.bool_:
                if i.ndim == 0:  # a 0-d mask adds a dim of size 1 or 0, as x[True]/x[False]
                    out.append(_bool(i))
                    continue
                out.extend(np.nonzero(i))
                continue
            if i.dtype.kind not in "iu":
                raise IndexError(
                    f"tensors used as indices must be long, int, byte or bool tensors, got {i.dtype}"
                )
        out.append(i)
    return tuple(out) if isinstance(index, tuple) or len(out) != 1 else out[0]


def _dims_used(item: Any) -> int:
    """How many dims of the indexed tensor an index item covers (None and bools: none)."""
    if item is None or isinstance(item, (_bool, np.bool_)):
        return 0
    a = _arr(item)
    if isinstance(a, np.ndarray) and a.dtype == np.bool_:
        return a.ndim
    return 1


def _check_masks(items: tuple, shape: tuple) -> None:
    """IndexError (PyTorch's message) for a bool mask that does not match the dims it covers."""
    used = [0 if i is Ellipsis else _dims_used(i) for i in items]
    dim = 0
    for item, n in zip(items, used):
        if item is Ellipsis:
            dim = len(shape) - builtins.sum(used[items.index(Ellipsis) + 1 :])
            continue
        a = _arr(item)
        if isinstance(a, np.ndarray) and a.dtype == np.bool_ and a.ndim:
            for k, m in enumerate(a.shape):
                if dim + k >= len(shape) or shape[dim + k] != m:
                    raise IndexError(
                        f"The shape of the mask {list(a.shape)} at index {k} does not match the "
                        f"shape of the indexed tensor {list(shape)} at index {dim + k}"
                    )
        dim += n


# ---------------------------------------------------------------------------------------
# in-place ops
# ---------------------------------------------------------------------------------------


def _check_leaf_inplace(t: Any, op: str) -> None:
    if t._requires_grad and t.grad_fn is None and STATE.grad_enabled:
        raise RuntimeError(
            f"{op}: a leaf Variable that requires grad is being used in an in-place operation. "
            "Wrap the update in `with tinygrad_lite.no_grad():` (as optimizers do), or use the "
            "out-of-place form."
        )


def _record_write(t: Any, compute: Any, op: str, other: Any) -> Any:
    """While recording: if the in-place op ``t = compute(t)`` must be recorded (``t``, ``other``
    or the base ``t`` is a view of requires grad), record it and return ``t``; else None.
    On a view the write goes through its base (see ``views.py``: PyTorch's CopySlices)."""
    info = _views.view_info(t)
    if not (
        t._requires_grad
        or (_is_tensor(other) and other._requires_grad)
        or (info is not None and info[0]._requires_grad)
    ):
        return None
    if info is None:
        return _rebase(t, compute(_snapshot(t)), op)
    return _views.write_through_view(t, compute, op, _rebase)


def _write(t: Any, value: np.ndarray, op: str) -> None:
    """Copy ``value`` into ``t``'s array (the memory is shared with views) and bump its version."""
    try:
        np.copyto(t._array, value, casting="same_kind")
    except (TypeError, ValueError) as e:
        raise _inplace_error(t, value, op, e) from None
    _f.bump_version(t)


def _inplace_error(t: Any, value: Any, op: str, e: Exception) -> RuntimeError:
    v = np.asarray(value)
    if not t._array.flags.writeable:
        return RuntimeError(
            f"{op}: this tensor is a broadcast view (from expand/broadcast_to) and cannot be "
            "written in place; call .clone() first"
        )
    return RuntimeError(
        f"{op}: cannot write a result of shape {tuple(v.shape)} and dtype {v.dtype} into a tensor "
        f"of shape {tuple(t.shape)} and dtype {t._array.dtype} ({e}). In-place ops keep the "
        "tensor's shape and dtype: the other operand must broadcast to it and not need a wider type."
    )


def inplace(t: Any, prim: Any, other: Any, op: str) -> Any:
    """``t = prim(t, other)`` written into ``t``'s own memory (see the Tensor class notes)."""
    if STATE.grad_enabled:  # (the checks and the recording apply only while recording)
        _check_leaf_inplace(t, op)
        done = _record_write(t, lambda old: prim.apply(old, other), op, other)
        if done is not None:
            return done
    ufunc = prim.inplace_ufunc  # the ufunc that writes the op's result into t (see primitives)
    if ufunc is None:  # copy_
        value = np.asarray(_arr(other))
        if value.dtype.kind == "f" and t._array.dtype.kind in "iub":
            value = value.astype(t._array.dtype)
        try:
            np.copyto(t._array, value, casting="unsafe")
        except (TypeError, ValueError) as e:
            raise _inplace_error(t, value, op, e) from None
        _f.bump_version(t)
        return t
    target = t._array
    if ufunc is np.true_divide and target.dtype.kind != "f":
        raise RuntimeError(
            f"{op}: result type Float can't be cast to the desired output type {t.dtype}"
        )
    try:  # (casting="same_kind", the default)
        ufunc(target, _arr(other), target)
    except (TypeError, ValueError) as e:
        raise _inplace_error(
            t,
            np.broadcast_arrays(t._array, np.asarray(_arr(other)))[1]
            if _broadcastable(t, other)
            else _arr(other),
            op,
            e,
        ) from None
    _f.bump_version(t)
    return t


def _broadcastable(t: Any, other: Any) -> _bool:
    try:
        np.broadcast_shapes(t.shape, np.shape(_arr(other)))
        return True
    except ValueError:
        return False


def inplace_unary(t: Any, fn: Any, op: str) -> Any:
    """``t = fn(t)`` written into ``t``'s own memory."""
    _check_leaf_inplace(t, op)
    if STATE.grad_enabled:
        done = _record_write(t, fn, op, None)
        if done is not None:
            return done
    prev = switch_grad_mode(False)
    try:
        value = fn(t.detach())._array
    finally:
        switch_grad_mode(prev)
    _write(t, value, op)
    return t


def _snapshot(t: Any) -> Any:
    """The old value of ``t`` (a copy) attached where ``t`` was in the graph."""
    return _f.Tensor._make(t._array.copy(), t.grad_fn, t._requires_grad)


def _rebase(t: Any, result: Any, op: str) -> Any:
    """Make ``t`` hold ``result`` and become the output of ``result``'s node."""
    if result.shape != t.shape:
        raise RuntimeError(
            f"{op}: output with shape {tuple(t.shape)} doesn't match the broadcast shape {tuple(result.shape)}"
        )
    _write(t, result._array, op)
    node = result.grad_fn
    if node.saved:  # a saved output is t's memory from now on
        node.saved = tuple(t._array if s is node.out else s for s in node.saved)
    node.out = t._array
    node.out_version = counter = _f.version_counter(t)
    counter.last_write_seq = node.seq  # this write made the node's output: not against it
    t.grad_fn = node
    t._requires_grad = True
    _views.refresh_views(t)  # its views in the graph come out of the new node now
    return t


def setitem_(t: Any, index: Any, value: Any) -> None:
    """``t[index] = value`` (differentiable when recording, like PyTorch's index_put)."""
    if not isinstance(value, (_f.Tensor, _bool, _int, _float, np.generic, np.ndarray, list, tuple)):
        raise TypeError(f"__setitem__: can't assign a {type(value).__name__} to a Tensor")
    idx = normalize_index(index, t.shape)
    _check_leaf_inplace(t, "__setitem__")
    if STATE.grad_enabled:
        v = value if _is_tensor(value) else np.asarray(value, dtype=t._array.dtype)

        def put(old: Any) -> Any:  # a write, as PyTorch's index_put_: the last write wins
            try:
                return IndexPut.apply(old, v, idx)
            except RuntimeError as e:
                raise RuntimeError(
                    f"__setitem__: cannot assign value of shape {np.shape(_arr(value))} to "
                    f"index {index!r} of a tensor of shape {tuple(t.shape)}: {e.__cause__ or e}"
                ) from None

        if _record_write(t, put, "__setitem__", value) is not None:
            return
    try:
        t._array[idx] = _arr(value)
    except (TypeError, ValueError) as e:
        raise RuntimeError(
            f"__setitem__: cannot assign value of shape {np.shape(_arr(value))} to index {index!r} of a tensor of shape {tuple(t.shape)}: {e}"
        ) from None
    _f.bump_version(t)


def fill_random_(t: Any, kind: str, a: float, b: float, generator: Any) -> Any:
    """Fill ``t`` in place from U[a, b) or N(mean=a, std=b), PyTorch's values (issue 24)."""
    from . import sampling

    if kind == "uniform":
        return sampling.fill_uniform_(t, a, b, generator)
    return sampling.fill_normal_(t, a, b, generator)


# ---------------------------------------------------------------------------------------
# misc
# ---------------------------------------------------------------------------------------


def clone(input: Any) -> Any:
    return input.clone()


def detach(input: Any) -> Any:
    return input.detach()


def numel(input: Any) -> int:
    return input.numel()


def is_tensor(obj: Any) -> _bool:
    return isinstance(obj, _f.Tensor)


def is_floating_point(input: Any) -> _bool:
    return input.is_floating_point()


def diag(input: Any) -> Any:
    if input.ndim not in (1, 2):
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input.ndim}D")
    if input.ndim == 1:
        # a mask, not a product with the identity: inf/NaN stay off the diagonal
        n = input.shape[0]
        return where(np.eye(n, dtype=np.bool_), unsqueeze(input, 0), input._array.dtype.type(0))
    n = builtins.min(input.shape)
    return GetItem.apply(input, (np.arange(n), np.arange(n)))


def trace(input: Any) -> Any:
    if input.ndim != 2:
        raise RuntimeError(f"trace(): expected a matrix, but got tensor with dim {input.ndim}")
    return Sum.apply(diag(input), None, False)


# --- issue 21: triangular parts (torch.tril / torch.triu) ------------------------------


def _triangle(input: Any, diagonal: _int, lower: _bool) -> Any:
    op = "tril" if lower else "triu"
    if input.ndim < 2:
        raise RuntimeError(
            f"{op}: input tensor must have at least 2 dimensions, got shape {tuple(input.shape)}"
        )
    n, m = input.shape[-2:]
    keep = np.tri(n, m, _int(diagonal), dtype=np.bool_) if lower else _upper(n, m, diagonal)
    return Where.apply(keep, input, np.zeros((), dtype=input._array.dtype))


def _upper(n: _int, m: _int, k: _int) -> np.ndarray:
    return ~np.tri(n, m, _int(k) - 1, dtype=np.bool_)


def tril(input: Any, diagonal: _int = 0) -> Any:
    """The lower triangle of the last two dims (entries j <= i + diagonal), zeros elsewhere."""
    return _triangle(input, diagonal, True)


def triu(input: Any, diagonal: _int = 0) -> Any:
    """The upper triangle of the last two dims (entries j >= i + diagonal), zeros elsewhere."""
    return _triangle(input, diagonal, False)
