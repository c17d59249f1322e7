"""Evaluation: the value of an expression once every symbol has a number (or an array).

``evaluate(e, {"x": 2, "y": 3})`` walks the tree with Python arithmetic, so ints stay ints
(``x**2 + x*y`` gives ``10``), floats give floats, and NumPy arrays give arrays computed
elementwise with broadcasting. Shared subtrees are evaluated once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from .expr import Bin, Call, Expr, Sym, Value, as_value, size

__all__ = ["evaluate", "free_symbols", "count_nodes"]

_MATH = {
    "exp": (math.exp, np.exp),
    "log": (math.log, np.log),
    "sin": (math.sin, np.sin),
    "cos": (math.cos, np.cos),
    "tanh": (math.tanh, np.tanh),
    "sqrt": (math.sqrt, np.sqrt),
}


def evaluate(e: Any, env: Mapping[Any, Any] | None = None, **values: Any) -> Any:
    """The value of ``e`` with symbols bound by ``env`` (keys are names or Syms) and/or
    keyword arguments. Raises KeyError naming any symbol that has no value."""
    bound: dict[str, Any] = {}
    for k, v in (env or {}).items():
        bound[k.name if isinstance(k, Sym) else k] = v
    bound.update(values)
    return _eval(as_value(e), bound, {})


def _eval(e: Value, env: dict, memo: dict) -> Any:
    if not isinstance(e, Expr):
        return e
    if isinstance(e, Sym):
        try:
            return env[e.name]
        except KeyError:
            raise KeyError(
                f"evaluate: no value for symbol {e.name!r}; pass it in env, e.g. "
                f"evaluate(e, {{{e.name!r}: 1.0, ...}}) (bound: {sorted(env) or 'none'})"
            ) from None
    hit = memo.get(id(e))
    if hit is not None:
        return hit[1]
    if isinstance(e, Bin):
        a = _eval(e.lhs, env, memo)
        b = _eval(e.rhs, env, memo)
        op = e.op
        if op == "+":
            v = a + b
        elif op == "-":
            v = a - b
        elif op == "*":
            v = a * b
        elif op == "/":
            v = a / b
        else:
            v = a**b
    elif isinstance(e, Call):
        a = _eval(e.arg, env, memo)
        if e.fn == "neg":
            v = -a
        else:
            scalar, array = _MATH[e.fn]
            v = array(a) if isinstance(a, (np.ndarray, np.generic)) else scalar(a)
    else:  # pragma: no cover
        raise TypeError(f"evaluate: unknown expression type {type(e).__name__}")
    memo[id(e)] = (e, v)
    return v


def free_symbols(e: Any) -> list[str]:
    """Names of the symbols in ``e``, in order of first appearance (left to right)."""
    seen: dict[str, None] = {}
    stack = [as_value(e)]
    visited: set[int] = set()
    while stack:
        node = stack.pop()
        if not isinstance(node, Expr) or id(node) in visited:
            continue
        visited.add(id(node))
        if isinstance(node, Sym):
            seen.setdefault(node.name, None)
        elif isinstance(node, Bin):
            stack.append(node.rhs)
            stack.append(node.lhs)
        else:
            stack.append(node.arg)
    return list(seen)


def count_nodes(e: Any, *, shared: bool = False) -> int:
    """Nodes of ``e``: as a printed tree (default), or distinct objects if ``shared``
    (the expression as a graph, where a reused subexpression counts once)."""
    e = as_value(e)
    if not shared:
        return size(e)
    visited: set[int] = set()
    stack = [e]
    n = 0
    while stack:
        node = stack.pop()
        if isinstance(node, Expr):
            if id(node) in visited:
                continue
            visited.add(id(node))
            if isinstance(node, Bin):
                stack.extend((node.lhs, node.rhs))
            elif isinstance(node, Call):
                stack.append(node.arg)
        n += 1
    return n
