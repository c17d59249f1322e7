"""One check for every public op: arguments that must be tensors are tensors.

``guard(fn, name)`` reads ``fn``'s signature once and, if it has parameters that take a
tensor (``input``, ``other``, ``tensors``, ``index``, ...: see ``TENSOR_PARAMS``), returns a
wrapper that refuses a list, None, a string or any other non-tensor there with PyTorch's
``TypeError``: ``exp(): argument 'input' (position 1) must be Tensor, not list``. Python and
NumPy numbers stay allowed where an op accepts a scalar (``x + 2``), and None where the
parameter's default is None (``bias=None``). Functions without such parameters are returned
unchanged, so reductions and shape ops pay nothing.
"""

from __future__ import annotations

import functools
import inspect
import numbers
from collections.abc import Callable
from typing import Any

import numpy as np

from .autograd import function as _f

# Parameter names that take a tensor in the public API (PyTorch's names).
TENSOR_PARAMS = frozenset({
    "input", "other", "mat2", "vec2", "condition", "mask", "index", "indices", "end", "src",
    "exponent", "target", "weight", "bias", "min", "max", "tensor", "self",
    "query", "key", "attn_mask", "running_mean", "running_var",
})  # fmt: skip
# More such names for one op only (elsewhere ``value`` is a fill value with its own check).
OP_TENSOR_PARAMS = {"scaled_dot_product_attention": frozenset({"value"})}
# Parameters where None is a valid value even without a default of None (``batch_norm(x,
# None, None, training=True)``, as PyTorch).
NONE_OK_PARAMS = frozenset({"running_mean", "running_var"})
SEQUENCE_PARAMS = frozenset({"tensors"})  # a list or tuple of tensors
# Ops whose ``input`` may be a number, as in PyTorch (``torch.add(2, x)``); every other op
# refuses a number there too (``torch.exp(2.0)`` is a TypeError).
NUMBER_INPUT_OK = frozenset({
    "add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide", "floor_divide",
    "remainder", "pow", "where", "bitwise_and", "bitwise_or", "bitwise_xor", "maximum",
    "minimum",
})  # fmt: skip

_SCALARS = (numbers.Number, np.generic, np.ndarray)


def _type_name(value: Any) -> str:
    return "NoneType" if value is None else type(value).__name__


def _refuse(op: str, name: str, pos: int, value: Any) -> TypeError:
    return TypeError(
        f"{op}(): argument '{name}' (position {pos}) must be Tensor, not {_type_name(value)}"
    )


def _check_one(op: str, name: str, pos: int, value: Any, none_ok: bool) -> None:
    if isinstance(value, _SCALARS) or (value is None and none_ok):
        return
    raise _refuse(op, name, pos, value)


def _check_tensor(op: str, name: str, pos: int, value: Any, none_ok: bool) -> None:
    if isinstance(value, _f.Tensor) or (value is None and none_ok):
        return
    raise _refuse(op, name, pos, value)


def _check_sequence(op: str, name: str, pos: int, value: Any) -> None:
    if not isinstance(value, (list, tuple)):
        if isinstance(value, _f.Tensor):
            return  # (cat(t) of a Tensor: the op itself explains)
        raise TypeError(
            f"{op}(): argument '{name}' (position {pos}) must be a tuple or list of Tensors, "
            f"not {_type_name(value)}"
        )
    for k, t in enumerate(value):
        if not isinstance(t, (_f.Tensor, np.ndarray)):
            raise TypeError(
                f"{op}(): expected Tensor as element {k} in argument '{name}' (position {pos}), "
                f"but got {_type_name(t)}"
            )


def guard(fn: Callable, name: str | None = None, *, method: bool = False) -> Callable:
    """``fn`` with its tensor arguments checked (``fn`` itself if it takes none).

    ``name`` is the op's public name for messages (default ``fn.__name__``); ``method=True``
    skips ``self`` (always a Tensor) and counts positions as PyTorch's methods do.
    """
    if getattr(fn, "_checked", False):  # re-guarding (e.g. as a method): start from the plain one
        fn = fn.__wrapped__
    inner = inspect.unwrap(fn)  # the parameters are those of the function under any wrappers
    op = name or inner.__name__
    code = getattr(inner, "__code__", None)
    if code is None:
        return fn
    # the parameters from the code object (inspect.signature costs 50x more at import)
    n_pos, n_kw = code.co_argcount, code.co_kwonlyargcount
    names = code.co_varnames[: n_pos + n_kw]
    defaults = inner.__defaults__ or ()
    kw_defaults = inner.__kwdefaults__ or {}
    params = []  # (name, position or None, default is None, *args)
    for i, pname in enumerate(names):
        if i < n_pos:
            k = i - (n_pos - len(defaults))
            params.append((pname, i, k >= 0 and defaults[k] is None, False))
        else:
            params.append((pname, None, pname in kw_defaults and kw_defaults[pname] is None, False))
    if code.co_flags & inspect.CO_VARARGS:
        params.append((code.co_varnames[n_pos + n_kw], n_pos, False, True))
    skip = 1 if method else 0
    checks = []  # (position in *args after self, name, kind, None allowed)
    for pname, pos, none_ok, var in params:
        none_ok = none_ok or pname in NONE_OK_PARAMS
        if method and pos == 0:
            continue  # self
        tensor_param = pname in TENSOR_PARAMS or pname in OP_TENSOR_PARAMS.get(op, ())
        kind = "seq" if pname in SEQUENCE_PARAMS else "one" if tensor_param else None
        if kind is None:
            continue
        if pname == "input" and not method and op not in NUMBER_INPUT_OK:
            kind = "tensor"  # a number is refused too
        pos = None if pos is None else pos - skip
        checks.append((pos, pname, "var" if var else kind, none_ok))
    if not checks:
        return fn
    checks = tuple(checks)

    @functools.wraps(fn)
    def checked(*args: Any, **kwargs: Any) -> Any:
        Tensor = _f.Tensor
        n = len(args) - skip
        for pos, pname, kind, none_ok in checks:
            if pos is not None and pos < n:
                value = args[pos + skip]
            elif pname in kwargs:
                value = kwargs[pname]
            elif kind == "var":
                for k, v in enumerate(args[pos + skip :]):
                    if type(v) is not Tensor and not isinstance(v, Tensor):
                        _check_one(op, pname, pos + k + 1, v, False)
                continue
            else:
                continue
            if type(value) is Tensor:
                continue
            if kind == "seq":
                _check_sequence(op, pname, (pos or 0) + 1, value)
            elif kind == "tensor":
                _check_tensor(op, pname, (pos if pos is not None else 0) + 1, value, none_ok)
            elif not isinstance(value, Tensor):
                _check_one(op, pname, (pos if pos is not None else 0) + 1, value, none_ok)
        return fn(*args, **kwargs)

    checked.__wrapped__ = fn
    checked._checked = True
    return checked


def guard_namespace(namespace: dict, names: Any = None, modules: Any = None) -> None:
    """Replace each function ``namespace[name]`` (default: every public one) defined in one
    of ``modules`` (default: the namespace's own module) by ``guard(function, name)``."""
    modules = set(modules or [namespace["__name__"]])
    if names is None:
        names = [n for n in namespace if not n.startswith("_")]
    for name in names:
        fn = namespace.get(name)
        if inspect.isfunction(fn) and fn.__module__ in modules and not getattr(fn, "_checked", 0):
            namespace[name] = guard(fn, name)


def guard_methods(cls: type) -> None:
    """Replace each public method of ``cls`` that takes another tensor by its checked form."""
    for name, fn in list(vars(cls).items()):
        if not name.startswith("_") and inspect.isfunction(fn):
            checked = guard(fn, name, method=True)
            if checked is not fn:
                setattr(cls, name, checked)
