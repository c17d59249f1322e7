"""The primitives: every differentiable op's forward and its vector-Jacobian product.

This file is the whole calculus of tinygrad_lite, one small class per op. ``forward`` gets
NumPy arrays (plus plain Python arguments such as ``dim``) and returns an array;
``backward`` gets ``g``, the gradient of the loss with respect to the output, and returns
one gradient per input of ``forward`` (None for arguments that are not differentiable).

Rules that keep this table short:
- Broadcasting is undone by the engine (``engine.sum_to``), so ``add`` may return ``g``
  for both inputs whatever their shapes.
- Save only inputs, the output, or constants (masks, shapes), as a tuple: ``ctx.saved =
  (x, out)`` (what ``ctx.save_for_backward(x, out)`` does, without the call: a user
  ``Function`` uses that and reads ``ctx.saved_tensors``); ``backward`` reads them back from
  ``ctx.saved`` (the engine has checked that they were neither freed nor changed in place).
- ``ctx.parents[i] is None`` when input ``i`` needs no gradient (what
  ``ctx.needs_input_grad[i]`` says, read without building a tuple: the hot binary ops use it).
- Promotion is applied by the machinery: a primitive with ``promotes = True`` gets NumPy's
  int + float or float32 + ``np.float64`` widening undone to PyTorch's result dtype.
- Write ``backward`` with operators, ``.sum(axis=, keepdims=)``, ``.reshape``, ``.mT``,
  indexing, NumPy ufuncs (``np.cos``...) and the two helpers ``expand``/``permute`` below.
  Arrays and Tensors understand all of these, so the same formula gives first-order
  gradients on arrays and higher-order ones on Tensors (``create_graph=True``).
- A primitive may declare ``method = "name"`` (and ``ufunc = np.something``): that alone
  makes ``Tensor.name``, ``tinygrad_lite.name`` and ``np.something(tensor)`` run it (see
  ``tensor.register_op``); ``inplace_ufunc`` names the ufunc its in-place form writes with.
  How to add an op: ``docs/adding-an-op.md``.
Composite ops (var, logsumexp, gelu, ...) live in ``ops.py`` and have no backward code of
their own.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .autograd.function import PRIMITIVE_CLASSES, Primitive
from .autograd.kinds import FloatOp, ViewPrimitive

Ctx = Any  # the Node that records this call (PyTorch's ``ctx``)

# ---------------------------------------------------------------------------------------
# Helpers that work on both NumPy arrays and Tensors
# ---------------------------------------------------------------------------------------


_add_reduce = np.add.reduce


def expand(g: Any, shape: tuple) -> Any:
    """Broadcast ``g`` to ``shape`` (for arrays: a read-only view)."""
    return np.broadcast_to(g, shape) if isinstance(g, (np.ndarray, np.generic)) else g.expand(shape)


def permute(g: Any, axes: tuple) -> Any:
    """Reorder the axes of ``g``."""
    if isinstance(g, (np.ndarray, np.generic)):
        return g.transpose(axes)
    return g.permute(axes)


def values(t: Any) -> Any:
    """The array behind a Tensor (for masks and tests on values); anything else unchanged."""
    return getattr(t, "_array", t)


def one_minus(a: Any) -> Any:
    """``1 - a`` (arrays and Tensors)."""
    return 1 - a


def _any(mask: Any) -> bool:
    return bool(mask.any()) if isinstance(mask, np.ndarray) else bool(mask)


def select(mask: Any, a: Any, b: Any) -> Any:
    """``a`` where the bool ``mask`` is true, else ``b`` (arrays, Tensors or numbers)."""
    if hasattr(a, "_array") or hasattr(b, "_array"):
        return Where.apply(mask, a, b)
    return np.where(mask, a, b)


def masked(g: Any, keep: Any) -> Any:
    """``g`` where the bool array ``keep`` is true, else exactly 0: the gradient of a masking
    op. A select, not ``g * keep``: an infinite or NaN ``g`` gives 0 (not NaN) where the
    mask is 0, as PyTorch. Keeps ``g``'s dtype; the shape is ``g`` and ``keep`` broadcast."""
    if hasattr(g, "_array"):
        return Where.apply(keep, g, 0.0)
    return np.where(keep, g, 0)  # (a Python 0 keeps g's dtype)


def cast(g: Any, dtype: np.dtype) -> Any:
    """``g`` converted to NumPy dtype ``dtype``."""
    if isinstance(g, (np.ndarray, np.generic)):
        return g.astype(dtype, copy=False)
    return Cast.apply(g, dtype)


def _keepdim_shape(shape: tuple, dim: Any) -> tuple:
    """``shape`` with the reduced axes ``dim`` (None = all) kept as size 1."""
    if dim is None:
        return (1,) * len(shape)
    dims = dim if isinstance(dim, tuple) else (dim,)
    dims = {d % len(shape) for d in dims} if shape else set()
    return tuple(1 if i in dims else n for i, n in enumerate(shape))


def _unreduce(g: Any, ctx: Ctx) -> Any:
    """Gradient of a reduction, broadcast back to the input's shape."""
    if not ctx.keepdim and ctx.dim is not None:  # (a total broadcasts as it is)
        g = g.reshape(_keepdim_shape(ctx.in_shape, ctx.dim))
    return expand(g, ctx.in_shape)


# ---------------------------------------------------------------------------------------
# Elementwise, two inputs
# ---------------------------------------------------------------------------------------


class Add(Primitive):
    """f(x, y) = x + y"""

    promotes = True
    inplace_ufunc = np.add  # add_ and the in-place operator write with it

    @staticmethod
    def forward(ctx: Ctx, x, y):
        return x + y

    @staticmethod
    def backward(ctx: Ctx, g):
        return g, g


class Sub(Primitive):
    """f(x, y) = x - y"""

    promotes = True
    inplace_ufunc = np.subtract  # sub_ and the in-place operator write with it

    @staticmethod
    def forward(ctx: Ctx, x, y):
        return x - y

    @staticmethod
    def backward(ctx: Ctx, g):
        return g, (-g if ctx.parents[1] is not None else None)


class Mul(Primitive):
    """f(x, y) = x * y"""

    promotes = True
    inplace_ufunc = np.multiply  # mul_ and the in-place operator write with it

    @staticmethod
    def forward(ctx: Ctx, x, y):
        ctx.saved = (x, y)
        return x * y

    @staticmethod
    def backward(ctx: Ctx, g):
        x, y = ctx.saved
        to_x, to_y = ctx.parents
        return (g * y if to_x is not None else None), (g * x if to_y is not None else None)


class Div(Primitive):
    """f(x, y) = x / y"""

    promotes = True
    inplace_ufunc = np.true_divide  # div_ and the in-place operator write with it

    @staticmethod
    def forward(ctx: Ctx, x, y):
        ctx.saved = (x, y)
        return x / y

    @staticmethod
    def backward(ctx: Ctx, g):
        x, y = ctx.saved
        to_x, to_y = ctx.parents
        return (g / y if to_x is not None else None), (
            -g * x / (y * y) if to_y is not None else None
        )


def power(x: Any, y: Any) -> Any:
    """``x ** y`` as PyTorch computes it for a number ``y``: 2, 3, -1, -2 and -0.5 by
    multiplication, division and square root (so ``x ** 3`` is ``x * x * x`` to the last bit,
    and as fast), other exponents and tensors by the general power."""
    if type(y) in (int, float) and isinstance(x, np.ndarray):
        if y == 2:
            return x * x
        if y == 3:
            return x * x * x
        if x.dtype.kind == "f":
            if y == -1:
                return 1 / x
            if y == -2:
                return 1 / (x * x)
            if y == -0.5:
                return 1 / np.sqrt(x)
    return x**y


class Pow(Primitive):
    """f(x, y) = x ** y"""

    promotes = True
    inplace_ufunc = np.power  # pow_ and the in-place operator write with it

    @staticmethod
    def forward(ctx: Ctx, x, y):
        out = x * x if type(y) in (int, float) and y == 2 else power(x, y)  # x**2, the usual case
        # the output is needed only for the exponent's gradient: not kept for a number
        ctx.saved = (x, y) if type(y) in (int, float) else (x, y, out)
        return out

    @staticmethod
    def backward(ctx: Ctx, g):
        x, y = ctx.saved[:2]
        gx = None if ctx.parents[0] is None else _pow_base_grad(g, x, y)
        return gx, (None if ctx.parents[1] is None else _pow_exponent_grad(g, x, y, ctx.saved[2]))


def _pow_base_grad(g: Any, x: Any, y: Any) -> Any:
    """g · y · x^(y-1); 0 where y = 0 (also at x = 0, where x^-1 would be inf)."""
    if type(y) in (int, float) and y == 2:  # x**2, the usual case
        return g * (x + x)  # = g * (2 x), PyTorch's order
    y_zero = values(y) == 0
    if _any(y_zero):
        return select(y_zero, 0.0, g * y * select(y_zero, 1.0, x) ** (y - 1))
    return g * (y * power(x, y - 1))  # PyTorch's order of the products


def _pow_exponent_grad(g: Any, x: Any, y: Any, out: Any) -> Any:
    """g · x^y · ln x, taken as 0 where x = 0 and y >= 0 (as PyTorch)."""
    zero_base = (values(x) == 0) & (values(y) >= 0)
    return select(zero_base, 0.0, g * out * np.log(select(zero_base, 1.0, x)))


class Maximum(Primitive):
    """f(x, y) = max(x, y); a tie splits the gradient evenly, a NaN sends it to both"""

    promotes = True

    @staticmethod
    def forward(ctx: Ctx, x, y):
        ctx.saved = (np.less(x, y), np.greater(x, y), np.equal(x, y))  # (x loses, y loses, tie)
        return np.maximum(x, y)

    @staticmethod
    def backward(ctx: Ctx, g):
        return _pick_backward(ctx, g)


class Minimum(Primitive):
    """f(x, y) = min(x, y); a tie splits the gradient evenly, a NaN sends it to both"""

    promotes = True

    @staticmethod
    def forward(ctx: Ctx, x, y):
        ctx.saved = (np.greater(x, y), np.less(x, y), np.equal(x, y))  # (x loses, y loses, tie)
        return np.minimum(x, y)

    @staticmethod
    def backward(ctx: Ctx, g):
        return _pick_backward(ctx, g)


def _pick_backward(ctx: Ctx, g: Any) -> tuple:
    """Gradients of max/min(x, y): g to the input that was picked, g/2 to each at a tie,
    nothing to the one that lost (a select: an inf ``g`` stays out of the loser). Where
    either is NaN neither lost, and both get g (PyTorch's rule)."""
    x_lost, y_lost, tie = ctx.saved
    to_x, to_y = ctx.parents
    if tie.any():
        g = select(tie, g * 0.5, g)
    return (masked(g, ~x_lost) if to_x is not None else None), (
        masked(g, ~y_lost) if to_y is not None else None
    )


class Where(Primitive):
    """f(c, x, y) = x where c else y"""

    promotes = True

    @staticmethod
    def forward(ctx: Ctx, cond, x, y):
        cond = np.asarray(cond, dtype=bool)
        ctx.saved = (cond,)
        return np.where(cond, x, y)

    @staticmethod
    def backward(ctx: Ctx, g):
        (cond,) = ctx.saved
        to_x, to_y = ctx.parents[1:]
        return (
            None,
            (masked(g, cond) if to_x is not None else None),
            (masked(g, ~cond) if to_y is not None else None),
        )


# ---------------------------------------------------------------------------------------
# Elementwise, one input
# ---------------------------------------------------------------------------------------


class Neg(Primitive):
    """f(x) = -x"""

    @staticmethod
    def forward(ctx: Ctx, x):
        return -x

    @staticmethod
    def backward(ctx: Ctx, g):
        return -g


class Exp(FloatOp):
    """f(x) = e^x"""

    @staticmethod
    def forward(ctx: Ctx, x):
        out = np.exp(x)
        ctx.saved = (out,)
        return out

    @staticmethod
    def backward(ctx: Ctx, g):
        (out,) = ctx.saved
        return g * out


class Log(FloatOp):
    """f(x) = ln x"""

    @staticmethod
    def forward(ctx: Ctx, x):
        ctx.saved = (x,)
        return np.log(x)

    @staticmethod
    def backward(ctx: Ctx, g):
        (x,) = ctx.saved
        return g / x


class Log1p(FloatOp):
    """f(x) = ln(1 + x)"""

    @staticmethod
    def forward(ctx: Ctx, x):
        ctx.saved = (x,)
        return np.log1p(x)

    @staticmethod
    def backward(ctx: Ctx, g):
        (x,) = ctx.saved
        return g / (1 + x)


class Expm1(FloatOp):
    """f(x) = e^x - 1"""

    @staticmethod
    def forward(ctx: Ctx, x):
        out = np.expm1(x)
        ctx.saved = (out,)
        return out

    @staticmethod
    def backward(ctx: Ctx, g):
        (out,) = ctx.saved
        return g * (out + 1)


class Sqrt(FloatOp):
    """f(x) = √x"""

    @staticmethod
    def forward(ctx: Ctx, x):
        out = np.sqrt(x)
        ctx.saved = (out,)
        return out

    @staticmethod
    def backward(ctx: Ctx, g):
        (out,) = ctx.saved
        return g / (2 * out)


class Rsqrt(FloatOp):
    """f(x) = 1 / √x"""

    @staticmethod
    def forward(ctx: Ctx, x):
        out = 1 / np.sqrt(x)
        ctx.saved = (out,)
        return out

    @staticmethod
    def backward(ctx: Ctx, g):
        (out,) = ctx.saved
        return -0.5 * g * out * out * out


class Reciprocal(FloatOp):
    """f(x) = 1 / x"""

    @staticmethod
    def forward(ctx: Ctx, x):
        out = 1 / x
        ctx.saved = (out,)
        return out

    @staticmethod
    def backward(ctx: Ctx, g):
        (out,) = ctx.saved
        return -g * out * out


class Sin(FloatOp):
    """f(x) = sin x"""

    @staticmethod
    def forward(ctx: Ctx, x):
        ctx.saved = (x,)
        return np.sin(x)

    @staticmethod
    def backward(ctx: Ctx, g):
        (x,) = ctx.saved
        return g * np.cos(x)


class Cos(FloatOp):
    """f(x) = cos x"""

    @staticmethod
    def forward(ctx: Ctx, x):
        ctx.saved = (x,)
        return np.cos(x)

    @staticmethod
    def backward(ctx: Ctx, g):
        (x,) = ctx.saved
        return -g * np.sin(x)


class Tan(FloatOp):
    """f(x) = tan x"""

    @staticmethod
    def forward(ctx: Ctx, x):
        out = np.tan(x)
        ctx.saved = (out,)
        return out

    @staticmethod
    def backward(ctx: Ctx, g):
        (out,) = ctx.saved
        return g * (1 + out * out)


class Tanh(FloatOp):
    """f(x) = tanh x"""

    @staticmethod
    def forward(ctx: Ctx, x):
        out = np.tanh(x)
        ctx.saved = (out,)
        return out

    @staticmethod
    def backward(ctx: Ctx, g):
        (out,) = ctx.saved
        return g * one_minus(out * out)


class Sigmoid(FloatOp):
    """f(x) = 1 / (1 + e^-x), computed without overflow"""

    @staticmethod
    def forward(ctx: Ctx, x):
        e = np.exp(-np.abs(x))
        out = np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(e.dtype, copy=False)
        ctx.saved = (out,)
        return out

    @staticmethod
    def backward(ctx: Ctx, g):
        (out,) = ctx.saved
        return g * out * one_minus(out)


class Relu(Primitive):
    """f(x) = max(x, 0)"""

    @staticmethod
    def forward(ctx: Ctx, x):
        out = np.maximum(x, 0)  # not x * (x > 0): that gives -0.0 for negative x
        ctx.saved = (out,)  # the output, as PyTorch (no mask to keep: out > 0 where x > 0)
        return out

    @staticmethod
    def backward(ctx: Ctx, g):
        (out,) = ctx.saved
        return masked(g, values(out) > 0)


class LeakyRelu(Primitive):
    """f(x) = x if x > 0 else slope * x"""

    @staticmethod
    def forward(ctx: Ctx, x, slope):
        scale = np.where(x > 0, 1, slope).astype(x.dtype)
        ctx.saved = (scale,)
        return x * scale

    @staticmethod
    def backward(ctx: Ctx, g):
        (scale,) = ctx.saved
        return g * scale, None


class Abs(Primitive):
    """f(x) = |x|  (derivative sign(x), 0 at 0)"""

    @staticmethod
    def forward(ctx: Ctx, x):
        ctx.saved = (np.sign(x),)
        return np.abs(x)

    @staticmethod
    def backward(ctx: Ctx, g):
        (sign,) = ctx.saved
        return g * sign


class Sign(Primitive):
    """f(x) = sign(x)  (derivative 0)"""

    @staticmethod
    def forward(ctx: Ctx, x):
        return np.sign(x)

    @staticmethod
    def backward(ctx: Ctx, g):
        return g * 0


class Clamp(Primitive):
    """f(x) = min(max(x, lo), hi); gradient passes where lo <= x <= hi"""

    @staticmethod
    def forward(ctx: Ctx, x, lo, hi):
        inside = np.ones(x.shape, dtype=bool)
        if lo is not None:
            inside &= x >= lo
        if hi is not None:
            inside &= x <= hi
        ctx.saved = (inside,)
        return np.clip(x, lo, hi)

    @staticmethod
    def backward(ctx: Ctx, g):
        (inside,) = ctx.saved
        return masked(g, inside), None, None


def _erf(x: np.ndarray) -> np.ndarray:
    """Elementwise error function (NumPy has none); exact to double precision."""
    dtype = x.dtype if x.dtype.kind == "f" else np.float64  # (ints: see promotes)
    return np.asarray(np.frompyfunc(math.erf, 1, 1)(x), dtype=dtype)


class Erf(FloatOp):
    """f(x) = erf(x) = 2/√π ∫₀ˣ e^(-t²) dt"""

    @staticmethod
    def forward(ctx: Ctx, x):
        ctx.saved = (x,)
        return _erf(x)

    @staticmethod
    def backward(ctx: Ctx, g):
        (x,) = ctx.saved
        return g * (2 / math.sqrt(math.pi)) * np.exp(-(x * x))


class Rounding(Primitive):
    """f(x) = floor(x), ceil(x), round(x) or trunc(x)  (derivative 0 almost everywhere)"""

    @staticmethod
    def forward(ctx: Ctx, x, mode):
        return {"floor": np.floor, "ceil": np.ceil, "round": np.round, "trunc": np.trunc}[mode](x)

    @staticmethod
    def backward(ctx: Ctx, g):
        return g * 0, None


class Cast(Primitive):
    """f(x) = x converted to another dtype (the gradient is converted back)"""

    @staticmethod
    def forward(ctx: Ctx, x, dtype):
        ctx.in_dtype = x.dtype
        return x.astype(dtype)

    @staticmethod
    def backward(ctx: Ctx, g):
        return cast(g, ctx.in_dtype), None


class CopyFrom(Primitive):
    """f(x, src) = src broadcast to x's shape and dtype (the value ``x.copy_(src)`` writes)"""

    @staticmethod
    def forward(ctx: Ctx, x, src):
        ctx.src_dtype = np.asarray(src).dtype
        return np.broadcast_to(np.asarray(src, dtype=x.dtype), x.shape).copy()

    @staticmethod
    def backward(ctx: Ctx, g):
        return None, cast(g, ctx.src_dtype)


class Clone(Primitive):
    """f(x) = a copy of x"""

    @staticmethod
    def forward(ctx: Ctx, x):
        return x.copy()

    @staticmethod
    def backward(ctx: Ctx, g):
        return g


# ---------------------------------------------------------------------------------------
# Reductions (dim: None, an int or a tuple of ints; keepdim: bool)
# ---------------------------------------------------------------------------------------


_F16 = np.dtype(np.float16)
# what a sum of these dtypes adds up in, and the result dtype for that (PyTorch's rules)
_ACCUMULATE = {_F16: np.dtype(np.float32), np.dtype(np.bool_): np.dtype(np.int64)}
_ACCUMULATE.update(
    {np.dtype(t): np.dtype(np.int64) for t in (np.int8, np.int16, np.int32, np.uint8)}
)
_SUM_RESULT = {np.dtype(np.float32): _F16, np.dtype(np.int64): np.dtype(np.int64)}


class Sum(Primitive):
    """f(x) = Σ x over dim"""

    @staticmethod
    def forward(ctx: Ctx, x, dim, keepdim):
        ctx.in_shape, ctx.dim, ctx.keepdim = x.shape, dim, keepdim
        acc = _ACCUMULATE.get(x.dtype)
        if acc is not None:  # float16 adds up in float32; integers and bools in int64
            return x.sum(axis=dim, keepdims=keepdim, dtype=acc).astype(_SUM_RESULT[acc])
        return x.sum(axis=dim, keepdims=keepdim)

    @staticmethod
    def backward(ctx: Ctx, g):
        return _unreduce(g, ctx), None, None


class Mean(Primitive):
    """f(x) = (Σ x over dim) / n, where n is the number of elements summed"""

    @staticmethod
    def forward(ctx: Ctx, x, dim=None, keepdim=False):
        ctx.in_shape, ctx.dim, ctx.keepdim = x.shape, dim, keepdim
        total = _add_reduce(x, dim, _ACCUMULATE.get(x.dtype), None, keepdim)  # (f16: in f32)
        ctx.n = n = x.size // total.size if total.size else 0  # the mean of nothing is nan:
        return (total / n if n else total * np.nan).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx: Ctx, g):
        return _unreduce(g / ctx.n, ctx), None, None


class Prod(Primitive):
    """f(x) = Π x over dim  (∂f/∂xᵢ = product of the other elements)"""

    @staticmethod
    def forward(ctx: Ctx, x, dim, keepdim):
        ctx.in_shape, ctx.dim, ctx.keepdim = x.shape, dim, keepdim
        out = x.prod(axis=dim, keepdims=keepdim)
        ctx.saved = (x, out)
        return out

    @staticmethod
    def backward(ctx: Ctx, g):
        x, out = ctx.saved
        g = _unreduce(g, ctx)
        if isinstance(x, np.ndarray) and (x == 0).any():
            return g * _prod_of_others(x, ctx.dim), None, None
        if not isinstance(x, np.ndarray) and (x._array == 0).any():
            return g * _prod_of_others_tensor(x, ctx.dim), None, None
        out = out if ctx.keepdim else out.reshape(_keepdim_shape(ctx.in_shape, ctx.dim))
        return g * out / x, None, None


def _prod_of_others(x: np.ndarray, dim: Any) -> np.ndarray:
    """For each element, the product of the other elements along ``dim`` (zeros allowed)."""
    if dim is None:
        flat = x.reshape(-1)
        return _prod_of_others(flat, 0).reshape(x.shape)
    if isinstance(dim, tuple):
        moved = np.moveaxis(x, dim, tuple(range(-len(dim), 0)))
        merged = moved.reshape(moved.shape[: -len(dim)] + (-1,))
        others = _prod_of_others(merged, -1).reshape(moved.shape)
        return np.moveaxis(others, tuple(range(-len(dim), 0)), dim)
    ones = np.ones_like(np.take(x, [0], axis=dim))
    before = np.cumprod(np.concatenate([ones, x], axis=dim), axis=dim)
    after = np.flip(np.cumprod(np.flip(np.concatenate([x, ones], axis=dim), dim), axis=dim), dim)
    n = x.shape[dim]
    return np.take(before, range(n), axis=dim) * np.take(after, range(1, n + 1), axis=dim)


def _prod_of_others_tensor(x: Any, dim: Any) -> Any:
    """``_prod_of_others`` as a differentiable Tensor formula (for ``create_graph=True``): the
    product of the elements before each one times the product of those after it, two
    running products (``Cumprod``) over the reduced dims. Exact at every order, whatever
    the number of zeros."""
    from .primitives_scan import Cumprod, flip  # (that module builds on this one)

    nd = x.ndim
    if nd == 0:
        return x * 0 + 1
    dims = tuple(range(nd)) if dim is None else dim if isinstance(dim, tuple) else (dim,)
    dims = tuple(d % nd for d in dims)
    order = tuple(i for i in range(nd) if i not in dims) + dims
    moved = x.permute(order)
    flat = moved.reshape(moved.shape[: nd - len(dims)] + (-1,))
    last = flat.ndim - 1
    one = np.ones(flat.shape[:-1] + (1,), dtype=x._array.dtype)
    before = Cumprod.apply(Cat.apply(last, one, flat[..., :-1]), last)
    after = flip(Cumprod.apply(flip(Cat.apply(last, flat[..., 1:], one), last), last), last)
    return (before * after).reshape(moved.shape).permute(tuple(np.argsort(order).tolist()))


class Amax(Primitive):
    """f(x) = max of x over dim; ties share the gradient evenly"""

    @staticmethod
    def forward(ctx: Ctx, x, dim, keepdim):
        return _extremum(ctx, x, dim, keepdim, np.max)

    @staticmethod
    def backward(ctx: Ctx, g):
        (share,) = ctx.saved
        return _unreduce(g, ctx) * share, None, None


class Amin(Primitive):
    """f(x) = min of x over dim; ties share the gradient evenly"""

    @staticmethod
    def forward(ctx: Ctx, x, dim, keepdim):
        return _extremum(ctx, x, dim, keepdim, np.min)

    @staticmethod
    def backward(ctx: Ctx, g):
        (share,) = ctx.saved
        return _unreduce(g, ctx) * share, None, None


class Extreme(Primitive):
    """f(x) = the max (or min) of all of x (``x.max()``); the elements equal to it share the
    gradient evenly (the NaN ones if it is NaN), the others get exactly 0"""

    @staticmethod
    def forward(ctx: Ctx, x, reduce):
        out = reduce(x)
        hit = np.isnan(x) if np.isnan(out) else x == out
        ctx.saved = (hit, np.asarray(hit.sum(), x.dtype))
        return out

    @staticmethod
    def backward(ctx: Ctx, g):
        hit, count = ctx.saved
        return masked(g / count, hit), None


def _extremum(ctx: Ctx, x: np.ndarray, dim: Any, keepdim: bool, reduce: Any) -> np.ndarray:
    """Forward of Amax/Amin: the extreme value, saving each element's share of the gradient."""
    ctx.in_shape, ctx.dim, ctx.keepdim = x.shape, dim, keepdim
    out = reduce(x, axis=dim, keepdims=True)
    hit = x == out
    ctx.saved = ((hit / hit.sum(axis=dim, keepdims=True)).astype(x.dtype),)
    return out if keepdim else np.squeeze(out, axis=dim)


def _amax_keepdims(x: np.ndarray, dim: int) -> np.ndarray:
    """``x.max(axis=dim, keepdims=True)``, the same values. For a 2-D ``x`` with a short last
    axis (a few class scores per row) NumPy pays per row; the max of a transposed copy runs
    down long columns instead (3x faster at 128 x 10)."""
    if x.ndim == 2 and dim % 2 == 1 and x.shape[1] <= 32 < x.shape[0]:
        return np.maximum.reduce(np.ascontiguousarray(x.T), 0)[:, None]
    if not x.size:  # an empty input (issue 19): (log_)softmax of it is empty, as in PyTorch
        return np.zeros(x.shape[:dim] + (1,) + x.shape[dim + 1 :], x.dtype)
    return x.max(axis=dim, keepdims=True)


class LogSoftmax(Primitive):
    """f(x) = x - log Σ exp(x) over dim (shifted by the max, so it never overflows)"""

    @staticmethod
    def forward(ctx: Ctx, x, dim):
        ctx.dim = dim
        m = _amax_keepdims(x, dim)
        m = np.where(np.isfinite(m), m, 0)
        shifted = x - m
        out = shifted - np.log(np.exp(shifted).sum(axis=dim, keepdims=True))
        ctx.saved = (out,)
        return out

    @staticmethod
    def backward(ctx: Ctx, g):
        (out,) = ctx.saved
        return g - np.exp(out) * g.sum(axis=ctx.dim, keepdims=True), None


class Softmax(Primitive):
    """f(x) = exp(x) / Σ exp(x) over dim (shifted by the max, so it never overflows)"""

    @staticmethod
    def forward(ctx: Ctx, x, dim):
        ctx.dim = dim
        m = _amax_keepdims(x, dim)
        e = np.exp(x - np.where(np.isfinite(m), m, 0))
        out = e / e.sum(axis=dim, keepdims=True)
        ctx.saved = (out,)
        return out

    @staticmethod
    def backward(ctx: Ctx, g):
        (out,) = ctx.saved
        return out * (g - (g * out).sum(axis=ctx.dim, keepdims=True)), None


# ---------------------------------------------------------------------------------------
# Shape and indexing
# ---------------------------------------------------------------------------------------


class Reshape(ViewPrimitive):
    """f(x) = x with a new shape (same elements, same order)"""

    @staticmethod
    def forward(ctx: Ctx, x, shape):
        ctx.in_shape = x.shape
        return x.reshape(shape)

    @staticmethod
    def backward(ctx: Ctx, g):
        return g.reshape(ctx.in_shape), None


class Permute(ViewPrimitive):
    """f(x) = x with its axes reordered"""

    @staticmethod
    def forward(ctx: Ctx, x, axes):
        ctx.axes = axes
        return x.transpose(axes)

    @staticmethod
    def backward(ctx: Ctx, g):
        return permute(g, tuple(np.argsort(ctx.axes).tolist())), None


class Expand(ViewPrimitive):
    """f(x) = x broadcast to a larger shape (backward: the engine sums it back)"""

    @staticmethod
    def forward(ctx: Ctx, x, shape):
        return np.broadcast_to(x, shape)

    @staticmethod
    def backward(ctx: Ctx, g):
        return g, None


class GetItem(ViewPrimitive):
    """f(x) = x[index]; repeated indices accumulate their gradients"""

    @staticmethod
    def forward(ctx: Ctx, x, index):
        ctx.in_shape, ctx.index = x.shape, index
        out = x[index]
        if type(out) is not np.ndarray and _is_basic(index):  # x[i] of a 1-D x: a NumPy
            out = x[
                (*(index if type(index) is tuple else (index,)), Ellipsis)
            ]  # scalar; a 0-d view
        return out

    @staticmethod
    def backward(ctx: Ctx, g):
        return scatter(g, ctx.in_shape, ctx.index), None


def scatter(g: Any, shape: tuple, index: Any, unique: bool = False) -> Any:
    """Zeros of ``shape`` with ``g`` added at ``index`` (the backward of ``x[index]``): on
    arrays directly, on Tensors through ``ScatterAdd`` so that it stays differentiable."""
    if isinstance(g, (np.ndarray, np.generic)):
        return _scatter_add(g, shape, index, unique)
    return ScatterAdd.apply(g, shape, index)


def _is_basic(index: Any) -> bool:
    """True if ``index`` uses only ints, slices, None and Ellipsis (no repeats possible)."""
    items = index if isinstance(index, tuple) else (index,)
    return all(i is None or i is Ellipsis or isinstance(i, (int, slice)) for i in items)


def _scatter_add(g: np.ndarray, shape: tuple, index: Any, unique: bool = False) -> np.ndarray:
    """Zeros of ``shape`` with ``g`` added at ``index`` (repeated indices add up; ``unique``:
    the caller knows none repeats, so one assignment does)."""
    out = np.zeros(shape, dtype=g.dtype)
    if unique or _is_basic(index):
        out[index] = g
    else:
        np.add.at(out, index, g)
    return out


class ScatterAdd(Primitive):
    """f(g) = zeros(shape) with g added at index  (the backward of x[index])"""

    @staticmethod
    def forward(ctx: Ctx, g, shape, index):
        ctx.index = index
        return _scatter_add(g, shape, index)

    @staticmethod
    def backward(ctx: Ctx, gg):
        return gg[ctx.index], None, None


class IndexPut(Primitive):
    """f(x, v) = x with v written at index (``x[index] = v``; a repeated index: the last
    write wins). The gradient: g where x was kept, g[index] for v (each write gets it)."""

    @staticmethod
    def forward(ctx: Ctx, x, v, index):
        out = x.copy()
        out[index] = v
        written = np.zeros(x.shape, dtype=bool)
        written[index] = True
        ctx.kept, ctx.index = ~written, index
        return out

    @staticmethod
    def backward(ctx: Ctx, g):
        to_x, to_v = ctx.parents[:2]
        return (
            (masked(g, ctx.kept) if to_x is not None else None),
            (g[ctx.index] if to_v is not None else None),
            None,
        )


class NllLoss(Primitive):
    """f(x) = -Σᵢ wᵢ·x[i, tᵢ] / d: each item's entry at its target class, weighted and summed;
    d = Σᵢ wᵢ for 'mean', 1 for 'sum' (``F.nll_loss``; one value per item for 'none')"""

    @staticmethod
    def forward(ctx: Ctx, x, index, weight, divisor):
        # index picks x[i, t_i] for each item i once; weight: the items' weights (None: all
        # 1); divisor: None for 'none' (no sum), else what the sum is divided by
        ctx.in_shape, ctx.index, ctx.weight, ctx.divisor = x.shape, index, weight, divisor
        picked = x[index] if weight is None else x[index] * weight
        if divisor is None:
            return -picked
        if not divisor:  # the mean over no items (all ignored) is nan, as in PyTorch
            return np.full((), np.nan, x.dtype)
        return np.asarray(-(np.add.reduce(picked, None) / divisor), x.dtype)

    @staticmethod
    def backward(ctx: Ctx, g):
        d = ctx.divisor
        if d is None:
            coef = -g
        else:  # all ignored: gradient 0, as in PyTorch
            coef = -(g / d) if d else g * 0
        if ctx.weight is not None:
            coef = coef * ctx.weight
        return scatter(coef, ctx.in_shape, ctx.index, unique=True), None, None, None


class Cat(Primitive):
    """f(dim, x1, x2, ...) = the inputs joined along dim"""

    @staticmethod
    def forward(ctx: Ctx, dim, *xs):
        ctx.dim = dim
        ctx.bounds = np.cumsum([0] + [x.shape[dim] for x in xs]).tolist()
        return np.concatenate(xs, axis=dim)

    @staticmethod
    def backward(ctx: Ctx, g):
        lead = (slice(None),) * (ctx.dim % g.ndim)
        b = ctx.bounds
        return (None,) + tuple(g[lead + (slice(b[i], b[i + 1]),)] for i in range(len(b) - 1))


# ---------------------------------------------------------------------------------------
# Linear algebra
# ---------------------------------------------------------------------------------------


_SEQUENCES = (list, tuple)  # what NumPy turns into arrays but an op must refuse (issue 19)


class MatMul(Primitive):
    """f(a, b) = a @ b  for 1-D, 2-D and batched operands (NumPy's matmul rules)"""

    @staticmethod
    def forward(ctx: Ctx, a, b):
        if type(a) in _SEQUENCES or type(b) in _SEQUENCES:  # (NumPy would take a list)
            raise TypeError("matmul: expected Tensors, got a list or tuple")
        ctx.saved = (a, b)
        return a @ b

    @staticmethod
    def backward(ctx: Ctx, g):
        a, b = ctx.saved
        a_vec, b_vec = a.ndim == 1, b.ndim == 1
        if a_vec:  # treat a as a row (1, n)
            a = a.reshape((1,) + a.shape)
            g = g.reshape(g.shape[:-1] + (1,) + g.shape[-1:]) if not b_vec else g.reshape((1,))
        if b_vec:  # treat b as a column (n, 1)
            b = b.reshape(b.shape + (1,))
            g = g.reshape(g.shape + (1,))
        ga = g @ b.mT if ctx.needs_input_grad[0] else None
        gb = a.mT @ g if ctx.needs_input_grad[1] else None
        if a_vec and ga is not None:
            ga = ga.reshape(ga.shape[:-2] + ga.shape[-1:])
        if b_vec and gb is not None:
            gb = gb.reshape(gb.shape[:-1])
        return ga, gb


class Linear(Primitive):
    """f(x, W, b) = x Wᵀ + b  (``nn.Linear``: x (*, in), W (out, in), b (out,) or None)

    One node instead of transpose + matmul + add: the weight's gradient comes out in W's
    own layout (gᵀx, as written by hand), and no broadcast has to be undone for b.
    """

    @staticmethod
    def forward(ctx: Ctx, x, w, b):
        ctx.saved = (x, w)
        out = x @ w.T
        if b is None:
            return out
        if out.dtype is b.dtype and out.ndim:
            out += b  # in place: the product is a new array of ours (saves a second one)
            return out
        return out + b

    @staticmethod
    def backward(ctx: Ctx, g):
        x, w = ctx.saved
        px, pw, pb = ctx.parents  # (None: no gradient wanted)
        gx = None if px is None else g @ w
        g2 = g.reshape((-1, g.shape[-1]))  # leading batch dims flattened
        gw = None if pw is None else g2.mT @ x.reshape((-1, x.shape[-1]))
        gb = None if pb is None else g2.sum(axis=0)
        return gx, gw, gb


PRIMITIVES: dict[str, type] = {
    cls.__name__: cls for cls in PRIMITIVE_CLASSES if cls.__module__ == __name__
}
"""Every primitive by name: the registry tools (docs, tests, the tape printer) read."""
