"""Symbolic differentiation: the chain rule applied recursively, one rule per operator.

For ``e = op(l, r)`` the chain rule says

    de/dx = de/dl * dl/dx + de/dr * dr/dx

where ``dl/dx`` and ``dr/dx`` are recursive calls and ``de/dl``, ``de/dr`` depend only on
``op`` (the table in ``_local``). The glue is written with ordinary Python arithmetic, so
numbers combine at once (``1 * 0`` is ``0``) while anything symbolic builds a tree: with
``simplify=False`` this reproduces the classic "unsimplified mess" of naive rules, e.g.
``(+ (* 1 (+ (* (* 2 (** x 1)) 1) 0)) (* 1 (+ (* y 1) (* x 0))))`` for ``x**2 + x*y``.
By default the result goes through ``simplify`` and reads ``(+ (* 2 x) y)``.
"""

from __future__ import annotations

from typing import Any

from .expr import Bin, Call, Expr, Sym, Value, as_value, is_number, log
from .simplify import simplify as _simplify

__all__ = ["diff", "gradient"]


def diff(e: Any, x: str | Sym, *, simplify: bool = True) -> Value:
    """The derivative of expression ``e`` with respect to symbol ``x`` (a name or a Sym).

    ``simplify=False`` returns the raw output of the chain rule (correct but unreadable).
    Raises TypeError if ``x`` is not a symbol name.
    """
    name = x.name if isinstance(x, Sym) else x
    if not isinstance(name, str):
        raise TypeError(
            f"diff: differentiate with respect to a symbol or its name, got {type(x).__name__}"
        )
    d = _d(as_value(e), name, {})
    return _simplify(d) if simplify else d


def gradient(e: Any, xs: Any, *, simplify: bool = True) -> dict[str, Value]:
    """``{name: de/dname}`` for each symbol in ``xs`` (names, Syms, or "m b")."""
    if isinstance(xs, str):
        xs = xs.replace(",", " ").split()
    names = [x.name if isinstance(x, Sym) else x for x in xs]
    return {n: diff(e, n, simplify=simplify) for n in names}


def _d(e: Value, x: str, memo: dict) -> Value:
    """Naive derivative of ``e`` w.r.t. the symbol named ``x``; shared subtrees once."""
    if not isinstance(e, Expr):
        return 0  # a number
    if isinstance(e, Sym):
        return 1 if e.name == x else 0
    key = id(e)
    hit = memo.get(key)
    if hit is not None:
        return hit[1]
    if isinstance(e, Bin):
        dl_dx = _d(e.lhs, x, memo)
        dr_dx = _d(e.rhs, x, memo)
        de_dl, de_dr = _local(e)
        result = de_dl * dl_dx + de_dr * dr_dx
    elif isinstance(e, Call):
        da_dx = _d(e.arg, x, memo)
        result = _local_call(e) * da_dx
    else:  # pragma: no cover - every Expr is one of the above
        raise TypeError(f"diff: unknown expression type {type(e).__name__}")
    memo[key] = (e, result)  # keep e alive so its id is not reused
    return result


def _local(e: Bin) -> tuple[Value, Value]:
    """(de/dl, de/dr) for ``e = (op l r)``."""
    op, l, r = e.op, e.lhs, e.rhs
    if op == "+":
        return 1, 1
    if op == "-":
        return 1, -1
    if op == "*":
        return r, l
    if op == "/":
        return 1 / r, (0 - l) / r**2
    # op == "**": power rule for the base; for a symbolic exponent also
    # d(l**r)/dr = l**r * log(l)
    de_dl = r * l ** (r - 1)
    de_dr = 0 if is_number(r) else e * log(l)
    return de_dl, de_dr


def _local_call(e: Call) -> Value:
    """de/da for ``e = fn(a)``."""
    fn, a = e.fn, e.arg
    if fn == "neg":
        return -1
    if fn == "exp":
        return e  # d exp(a) = exp(a) da
    if fn == "log":
        return 1 / a
    if fn == "sin":
        return Call("cos", a)
    if fn == "cos":
        return -Call("sin", a)
    if fn == "tanh":
        return 1 - e**2
    if fn == "sqrt":
        return 1 / (2 * e)
    raise NotImplementedError(f"diff: no derivative rule for function {fn!r}")
