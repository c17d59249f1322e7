"""Keyword spellings PyTorch accepts besides its own: NumPy's ``axis=``/``keepdims=`` on the
reductions (``x.mean(axis=0)``), and ``out=`` on the functions that take it.

``numpy_keywords`` wraps a function whose parameters are ``dim``/``keepdim``; the wrapper
renames the NumPy spellings and returns at once when neither is given.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from . import _argcheck

__all__ = ["numpy_keywords", "write_out", "with_out", "OUT_FUNCTIONS"]


def numpy_keywords(fn: Callable) -> Callable:
    """Let ``fn(dim=, keepdim=)`` also be called as ``fn(axis=, keepdims=)``."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return fn(*args, **_dim_names(fn, kwargs)) if kwargs else fn(*args)

    return wrapper


def _dim_names(fn: Callable, kwargs: dict) -> dict:
    """``kwargs`` with ``axis=``/``keepdims=`` renamed ``dim=``/``keepdim=`` (both: an error)."""
    for numpy_name, name in (("axis", "dim"), ("keepdims", "keepdim")):
        if numpy_name in kwargs:
            if name in kwargs:
                raise TypeError(f"{fn.__name__}(): got both {name}= and its alias {numpy_name}=")
            kwargs[name] = kwargs.pop(numpy_name)
    return kwargs


def write_out(result: Any, out: Any, op: str) -> Any:
    """``op(..., out=t)``: ``result`` written into ``t`` (resized if its shape differs, as
    PyTorch does) and ``t`` returned; ``out=None`` returns ``result``."""
    if out is None:
        return result
    from .autograd import function as _f
    from .autograd.grad_mode import STATE

    if not isinstance(out, _f.Tensor):
        raise TypeError(f"{op}(): argument 'out' must be Tensor, not {type(out).__name__}")
    if STATE.grad_enabled and (result.requires_grad or out.requires_grad):
        raise RuntimeError(
            f"{op}(): functions with out=... arguments don't support automatic differentiation, "
            "but one of the arguments requires grad; call it under no_grad() or drop out="
        )
    value = result._array
    if np.can_cast(value.dtype, out._array.dtype, casting="same_kind") is False:
        raise RuntimeError(
            f"{op}(): result type {value.dtype} can't be cast to the desired output type "
            f"{out._array.dtype}"
        )
    if out._array.shape == value.shape:
        np.copyto(out._array, value, casting="same_kind")
    else:
        out._array = value.astype(out._array.dtype, copy=True)
    _f.bump_version(out)
    return out


def with_out(fn: Callable) -> Callable:
    """``fn`` that also takes ``out=`` (the result written into that tensor)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, out: Any = None, **kwargs: Any) -> Any:
        try:
            result = fn(*args, **kwargs)
        except _argcheck.REFUSED as e:  # (a non-tensor argument: PyTorch's TypeError)
            clear = _argcheck.clear_error(e, fn.__name__)
            if clear is None:
                raise
            raise clear from None
        return result if out is None else write_out(result, out, fn.__name__)

    wrapper._explains = True  # type: ignore[attr-defined]
    return wrapper


OUT_FUNCTIONS = (
    "add", "sub", "mul", "div", "pow", "matmul", "mm", "bmm", "cat", "concat", "stack",
    "exp", "log", "sqrt", "abs", "sin", "cos", "tanh", "sigmoid", "clamp", "clip", "neg",
    "maximum", "minimum", "where", "sum", "mean", "prod", "cumsum", "mv", "dot", "outer",
    "einsum", "tensordot", "cross", "flip", "remainder", "floor", "ceil", "round", "sign",
    "zeros", "ones", "full", "arange", "linspace", "eye", "rand", "randn", "randint", "randperm",
)  # fmt: skip
"""The top-level functions that take ``out=`` (as in PyTorch), wrapped by ``with_out``."""
