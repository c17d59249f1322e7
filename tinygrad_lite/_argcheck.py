"""Bad arguments explained: a non-tensor where a tensor is needed gets PyTorch's TypeError.

Nothing here runs while a call succeeds. When an op fails (the raw ``AttributeError`` of
``[1.0].exp()``, NumPy refusing a string, promotion refusing a list), ``clear_error`` looks
at the frames between the user's call and the failure, outermost first, and finds the first
public function one of whose tensor parameters (``input``, ``other``, ``tensors``, ...: see
``TENSOR_PARAMS``) holds something else; the op then raises
``exp(): argument 'input' (position 1) must be Tensor, not list`` instead (``from None``).
Numbers stay allowed where PyTorch takes one (``x.add(2)``, ``torch.add(2, x)``, a float
``min``), and None where the parameter defaults to None (``bias=None``).

``checked(fn)`` is the one wrapper for public functions that have no wrapper yet (the
``out=`` wrapper of ``_keywords`` does the same in its own ``except``). The hot paths
(operators, ``Tensor`` methods the fast engine binds to applies, the names in ``HOT``) get
no wrapper: their failures are explained where the engine reports them
(``autograd.errors.forward_error``, ``dtypes.result_type``), and the few places where NumPy
would take a list silently check it there (``ops.tensor_arg``, ``ops._operand``, matmul).
"""

from __future__ import annotations

import functools
import inspect
import numbers
import os
import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

import numpy as np

__all__ = ["checked", "clear_error", "clear_error_here", "REFUSED"]

PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep

# Parameter names that take a tensor in the public API (PyTorch's names).
TENSOR_PARAMS = frozenset({
    "input", "other", "mat2", "vec", "vec2", "condition", "mask", "index", "indices", "src",
    "exponent", "target", "weight", "bias", "tensor", "query", "key", "attn_mask",
    "running_mean", "running_var", "x1", "x2", "A", "B", "end", "min", "max", "mean", "std",
    "log_input", "labels", "offsets", "var",
})  # fmt: skip
SEQUENCE_PARAMS = frozenset({"tensors"})  # a tuple or list of tensors (or ``*tensors``)
OP_TENSOR_PARAMS = {"scaled_dot_product_attention": frozenset({"value"})}  # one op's own
# Parameters where None is valid even without a default of None (batch_norm's running stats).
NONE_OK_PARAMS = frozenset({"running_mean", "running_var"})
# Ops whose ``input`` may be a number, as in PyTorch (``torch.add(2, x)``); every other
# function refuses a number as ``input`` (``torch.exp(2.0)`` is a TypeError).
NUMBER_INPUT_OK = frozenset({
    "add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide", "floor_divide",
    "remainder", "pow", "where", "bitwise_and", "bitwise_or", "bitwise_xor", "eq", "ne", "lt", "le", "gt", "ge", "logical_and", "logical_or", "logical_xor",
    "isclose", "allclose", "full_like", "atan2", "lerp", "scalar_tensor", "clamp", "clip",
})  # fmt: skip
# The exceptions a bad argument shows up as (the raw ones and the engine's own).
REFUSED = (AttributeError, TypeError, ValueError, IndexError, RuntimeError, KeyError)
_WRAPPERS = frozenset({"wrapper", "checked", "apply", "apply1", "apply2"})
_NUMBERS = (numbers.Number, np.generic)


def _tensor_type() -> type:
    from .autograd import function as _f

    return _f.Tensor


def _type_name(value: Any) -> str:
    return "NoneType" if value is None else type(value).__name__


def _function_of(frame: FrameType) -> Any:
    """The function object running in ``frame`` (for its defaults), or None."""
    code, name = frame.f_code, frame.f_code.co_name
    candidates = [frame.f_globals.get(name)]
    owner = frame.f_locals.get("self")
    if owner is not None:
        candidates.append(getattr(type(owner), name, None))
    for fn in candidates:
        fn = inspect.unwrap(fn) if callable(fn) else fn
        if getattr(fn, "__code__", None) is code:
            return fn
    return None


def _none_default(fn: Any, name: str) -> bool:
    """True if parameter ``name`` of ``fn`` defaults to None (unknown ``fn``: True)."""
    if fn is None:
        return True
    try:
        p = inspect.signature(fn).parameters.get(name)
    except (TypeError, ValueError):
        return True
    return p is not None and p.default is None


def _problem(frame: FrameType, op: str | None) -> TypeError | None:
    """PyTorch's TypeError for the first tensor parameter of ``frame``'s function that
    holds a non-tensor (None if every one is fine)."""
    Tensor = _tensor_type()
    code = frame.f_code
    n_pos, n_kw = code.co_argcount, code.co_kwonlyargcount
    names = list(code.co_varnames[: n_pos + n_kw])
    local = frame.f_locals
    method = bool(names) and names[0] == "self" and isinstance(local.get("self"), Tensor)
    op = op or code.co_name
    if code.co_flags & inspect.CO_VARARGS:  # broadcast_tensors(*tensors)
        star = code.co_varnames[n_pos + n_kw]
        if star in SEQUENCE_PARAMS:
            for k, t in enumerate(local.get(star, ())):
                if not isinstance(t, (Tensor, np.ndarray)):
                    return TypeError(
                        f"{op}(): expected Tensor as element {k} in argument '{star}', but got "
                        f"{_type_name(t)}"
                    )
    fn = None
    own = OP_TENSOR_PARAMS.get(op, ())
    for i, name in enumerate(names):
        if method and i == 0:
            continue
        if name not in TENSOR_PARAMS and name not in SEQUENCE_PARAMS and name not in own:
            continue
        if name not in local:
            continue
        value = local[name]
        pos = i + (0 if method else 1) if i < n_pos else None
        where = f"argument '{name}'" + ("" if pos is None else f" (position {pos})")
        if name in SEQUENCE_PARAMS:
            if isinstance(value, Tensor):
                continue
            if not isinstance(value, (list, tuple)):
                return TypeError(
                    f"{op}(): {where} must be a tuple or list of Tensors, not {_type_name(value)}"
                )
            for k, t in enumerate(value):
                if not isinstance(t, (Tensor, np.ndarray)):
                    return TypeError(
                        f"{op}(): expected Tensor as element {k} in {where}, but got "
                        f"{_type_name(t)}"
                    )
            continue
        if isinstance(value, (Tensor, np.ndarray)):
            continue
        if isinstance(value, _NUMBERS) and not isinstance(value, np.ndarray):
            if name != "input" or method or op in NUMBER_INPUT_OK:
                continue
        elif value is None:
            fn = fn or _function_of(frame) or False
            if name in NONE_OK_PARAMS or _none_default(fn or None, name):
                continue
        return TypeError(f"{op}(): {where} must be Tensor, not {_type_name(value)}")
    return None


def _explain(frames: list, op: str | None = None) -> TypeError | None:
    """The first problem in ``frames`` (outermost first) of the package's public functions;
    ``op`` names the outermost one (an alias's public name)."""
    first = True
    for frame in frames:
        code = frame.f_code
        if not code.co_filename.startswith(PACKAGE):
            continue
        if code.co_name in _WRAPPERS or code.co_name.startswith(("<", "_")):
            continue  # (wrappers, lambdas and private helpers are not what the user called)
        found = _problem(frame, op if first else None)
        first = False
        if found is not None:
            return found
    return None


def clear_error(exc: BaseException, op: str | None = None) -> TypeError | None:
    """For ``exc`` caught by a wrapper: PyTorch's TypeError if a bad argument caused it."""
    frames, tb = [], exc.__traceback__
    while tb is not None:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    return _explain(frames, op)


def clear_error_here(depth: int = 1) -> TypeError | None:
    """For a failure the engine reports itself: look at the calls that led here."""
    frames, frame = [], sys._getframe(depth)
    while frame is not None:
        frames.append(frame)
        frame = frame.f_back
    frames.reverse()
    return _explain(frames)


def checked(fn: Callable, name: str | None = None) -> Callable:
    """``fn`` whose failures caused by a non-tensor argument raise PyTorch's TypeError
    (nothing extra runs while ``fn`` succeeds)."""
    if getattr(fn, "_explains", False):
        return fn
    op = name or getattr(fn, "__name__", None)

    @functools.wraps(fn)
    def checked(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except REFUSED as e:
            clear = clear_error(e, op)
            if clear is None:
                raise
        raise clear from None

    checked._explains = True  # type: ignore[attr-defined]
    return checked


# Public functions and methods left without the wrapper: the hot paths (their failures are
# explained where the engine reports them) and those that take any object by design.
HOT = frozenset({
    "add", "sub", "mul", "div", "matmul", "pow", "sum", "mean", "view", "tanh",
    "relu", "exp", "log", "sigmoid", "backward", "neg", "sqrt", "abs", "square",
    "is_tensor", "tensor", "as_tensor", "from_numpy", "save", "load", "numel", "is_floating_point",
    "compile", "item", "tolist", "numpy", "size", "dim", "to", "type", "register_hook",
})  # fmt: skip


def check_namespace(namespace: dict, modules: Any) -> None:
    """Give each public function ``namespace[name]`` defined in one of ``modules`` (and not
    hot, see ``HOT``) the ``checked`` wrapper, unless it already explains its failures."""
    for name, fn in list(namespace.items()):
        if name.startswith("_") or name in HOT or not inspect.isfunction(fn):
            continue
        if fn.__module__ in modules and not getattr(fn, "_explains", False):
            namespace[name] = checked(fn, name)


def check_methods(cls: type) -> None:
    """The same for ``cls``'s public methods that take a tensor parameter, except those the
    fast engine rebinds (marked with ``primitive``) and the hot ones."""
    for name, fn in list(vars(cls).items()):
        if name.startswith("_") or name in HOT or not inspect.isfunction(fn):
            continue
        if getattr(fn, "primitive", None) is not None or getattr(fn, "_explains", False):
            continue
        code = inspect.unwrap(fn).__code__
        params = code.co_varnames[: code.co_argcount + code.co_kwonlyargcount]
        if any(p in TENSOR_PARAMS or p in SEQUENCE_PARAMS for p in params[1:]):
            setattr(cls, name, checked(fn, name))
