"""Simplification: turn the raw output of the chain rule into something a person can read.

``simplify(e)`` works bottom-up and brings every sum and product to one canonical shape:

- constant folding: ``2 * 3`` → ``6``, ``exp(0)`` → ``1`` (integral floats print as ints);
- identities: ``a + 0``, ``a * 1``, ``a / 1``, ``a ** 1`` → ``a``; ``a * 0``, ``0 / a`` → ``0``;
  ``a ** 0`` → ``1``; ``--a`` → ``a``; ``log(exp(a))`` → ``a``;
- like factors: a product is a number times powers of distinct bases, so
  ``x * x`` → ``x**2``, ``x / x`` → ``1``, ``(2 * x)**2`` → ``4 * x**2`` (integer powers);
- like terms: a sum is a list of distinct products with number coefficients, so
  ``x + x`` → ``2 * x``, ``x - x`` → ``0``; a number times a sum is multiplied out when it
  is a term of a sum or the whole result, ``2 * (x + 1)`` → ``2 * x + 2`` (inside a product
  or a function it stays as written, so that a second ``simplify`` changes nothing).

Terms are ordered by degree, then by symbol name (constants last), and factors by name, so
expressions that differ only in the order of terms or factors simplify to equal trees:
``simplify(diff(x**2 + x*y, "x"))`` is ``(+ (* 2 x) y)``. Products of sums and powers of
sums are not expanded (that could blow up), so it is a canonical form for sums of
monomials, not for every polynomial. The rewrites assume values where the input is
defined (``x / x`` → ``1`` even though ``0 / 0`` is undefined), as algebra by hand does.
"""

from __future__ import annotations

import math
from typing import Any

from .expr import Bin, Call, Expr, Sym, Value, as_value, is_number

__all__ = ["simplify", "normalize_number"]

_MAX_EXACT = 2**53


def normalize_number(v: Any) -> int | float:
    """``v`` as a plain number; floats with an integral value become ints (``2.0`` → ``2``)."""
    if isinstance(v, float) and v.is_integer() and abs(v) < _MAX_EXACT:
        return int(v)
    return v


def simplify(e: Any) -> Value:
    """A canonical, simpler expression with the same value as ``e`` (see module docstring)."""
    s = _Simplifier()
    out = s.run(as_value(e))
    if isinstance(out, Expr) and not _is_sum(out):
        c, fs = s._normal_term(*s._term(out))
        if c != 1 and len(fs) == 1 and fs[0][1] == 1 and _is_sum(fs[0][0]):
            acc: dict = {}
            s._collect(out, 1, acc)  # 2 * (x + 1) -> 2*x + 2
            return s._render_sum(acc)
    return out


_FOLD = {
    "neg": lambda a: -a,
    "exp": math.exp,
    "log": math.log,
    "sin": math.sin,
    "cos": math.cos,
    "tanh": math.tanh,
    "sqrt": math.sqrt,
}


def _fold(fn: Any, *args: Any) -> Any:
    """``fn(*args)`` if it gives a finite real number, else None (the caller keeps the tree)."""
    try:
        v = fn(*args)
    except (ArithmeticError, ValueError):
        return None
    if isinstance(v, complex) or (isinstance(v, float) and not math.isfinite(v)):
        return None
    return normalize_number(v)


def _is_sum(e: Value) -> bool:
    return isinstance(e, Bin) and e.op in ("+", "-")


def _base_key(b: Value) -> tuple:
    """Sort key of a factor's base: symbols by name first, then the rest by shape."""
    if isinstance(b, Sym):
        return (0, b.name, 0, 0)
    if is_number(b):
        return (1, "", 0, hash(b))
    op = b.op if isinstance(b, Bin) else b.fn
    return (2, op, b._size, b._hash)


def _exp_key(x: Value) -> tuple:
    return (0, -x) if is_number(x) else (1, x._hash)


def _term_key(factors: tuple) -> tuple:
    degree = sum(x for _, x in factors if is_number(x))
    return (-degree, [(_base_key(b), _exp_key(x)) for b, x in factors])


class _Simplifier:
    """One simplification run; remembers results by node identity (shared subtrees once)."""

    def __init__(self) -> None:
        self.memo: dict[int, tuple] = {}

    def run(self, e: Value) -> Value:
        if not isinstance(e, Expr):
            return normalize_number(e)
        if isinstance(e, Sym):
            return e
        hit = self.memo.get(id(e))
        if hit is not None:
            return hit[1]
        if isinstance(e, Bin):
            out = self._bin(e.op, self.run(e.lhs), self.run(e.rhs))
        else:
            out = self._call(e.fn, self.run(e.arg))
        self.memo[id(e)] = (e, out)  # keep e alive so its id stays unique
        return out

    # --- operators -------------------------------------------------------------------------
    def _bin(self, op: str, l: Value, r: Value) -> Value:
        if op == "+" or op == "-":
            acc: dict = {}
            self._collect(l, 1, acc)
            self._collect(r, 1 if op == "+" else -1, acc)
            return self._render_sum(acc)
        if op == "*" or op == "/":
            cl, fl = self._term(l)
            cr, fr = self._term(r)
            if op == "/":
                if cr == 0:
                    return Bin("/", l, r)  # division by zero: leave it visible
                coef = _fold(lambda a, b: a / b, cl, cr)
                if coef is None:
                    return Bin("/", l, r)
                return self._product(coef, fl + [(b, self._neg_exp(x)) for b, x in fr])
            return self._product(normalize_number(cl * cr), fl + fr)
        return self._power(l, r)

    def _call(self, fn: str, a: Value) -> Value:
        if fn == "neg":
            c, f = self._term(a)
            return self._product(normalize_number(-c), f)
        if is_number(a):
            v = _fold(_FOLD[fn], a)
            if v is not None:
                return v
        if fn == "log" and isinstance(a, Call) and a.fn == "exp":
            return a.arg
        if fn == "exp" and isinstance(a, Call) and a.fn == "log":
            return a.arg
        return Call(fn, a)

    def _power(self, l: Value, r: Value) -> Value:
        if is_number(r):
            if r == 0:
                return 1
            if r == 1:
                return l
            if is_number(l):
                v = _fold(lambda a, b: a**b, l, r)
                return Bin("**", l, r) if v is None else v
            if float(r).is_integer():
                n = int(r)
                c, f = self._term(l)
                coef = _fold(lambda a, b: a**b, c, n)
                if coef is None:
                    return Bin("**", l, r)
                return self._product(coef, [(b, self._mul_exp(x, n)) for b, x in f])
        if l == 1:
            return 1
        return Bin("**", l, r)

    # --- products --------------------------------------------------------------------------
    def _neg_exp(self, x: Value) -> Value:
        return normalize_number(-x) if is_number(x) else self.run(Call("neg", x))

    def _mul_exp(self, x: Value, n: int) -> Value:
        return normalize_number(x * n) if is_number(x) else self.run(Bin("*", x, n))

    def _add_exp(self, a: Value, b: Value) -> Value:
        if is_number(a) and is_number(b):
            return normalize_number(a + b)
        return self.run(Bin("+", a, b))

    def _term(self, e: Value) -> tuple[Any, list]:
        """``e`` (already simplified) as (number coefficient, [(base, exponent), ...])."""
        if is_number(e):
            return e, []
        if isinstance(e, Bin):
            if e.op == "*":
                cl, fl = self._term(e.lhs)
                cr, fr = self._term(e.rhs)
                return normalize_number(cl * cr), fl + fr
            if e.op == "/":
                cl, fl = self._term(e.lhs)
                cr, fr = self._term(e.rhs)
                coef = None if cr == 0 else _fold(lambda a, b: a / b, cl, cr)
                if coef is not None:
                    return coef, fl + [(b, self._neg_exp(x)) for b, x in fr]
            if e.op == "**" and not is_number(e.lhs):  # a number base did not fold: keep whole
                return 1, [(e.lhs, e.rhs)]
        if isinstance(e, Call) and e.fn == "neg":
            c, f = self._term(e.arg)
            return normalize_number(-c), f
        return 1, [(e, 1)]

    def _normal_term(self, coef: Any, factors: list) -> tuple[Any, tuple]:
        """Merge like bases (adding exponents), fold numeric powers, sort; coefficient first."""
        merged: dict = {}
        for b, x in factors:
            merged[b] = self._add_exp(merged[b], x) if b in merged else x
        out = []
        for b, x in merged.items():
            if is_number(x) and x == 0:
                continue
            if is_number(b) and is_number(x):
                v = _fold(lambda p, q: p**q, b, x)
                if v is not None:
                    coef = normalize_number(coef * v)
                    continue
            out.append((b, x))
        out.sort(key=lambda bx: (_base_key(bx[0]), _exp_key(bx[1])))
        return coef, tuple(out)

    def _product(self, coef: Any, factors: list) -> Value:
        if coef == 0:
            return 0
        coef, fs = self._normal_term(coef, factors)
        if coef == 0:
            return 0
        return _render_product(coef, fs)

    # --- sums ------------------------------------------------------------------------------
    def _collect(self, e: Value, scale: Any, acc: dict) -> None:
        """Add ``scale * e`` (e simplified) into ``acc``: {factors tuple: coefficient}."""
        if is_number(e):
            acc[()] = normalize_number(acc.get((), 0) + scale * e)
            return
        if _is_sum(e):
            self._collect(e.lhs, scale, acc)
            self._collect(e.rhs, scale if e.op == "+" else -scale, acc)
            return
        c, f = self._term(e)
        c, fs = self._normal_term(c, f)
        if len(fs) == 1 and fs[0][1] == 1 and _is_sum(fs[0][0]):
            self._collect(fs[0][0], scale * c, acc)
            return
        acc[fs] = normalize_number(acc.get(fs, 0) + scale * c)

    def _render_sum(self, acc: dict) -> Value:
        const = acc.pop((), 0)
        terms = [(fs, c) for fs, c in acc.items() if c != 0]
        terms.sort(key=lambda t: _term_key(t[0]))
        out: Value | None = None
        if terms and terms[0][1] < 0:  # lead with a positive term: y - x, not -x + y
            first = next((i for i, (_, c) in enumerate(terms) if c > 0), None)
            if first is not None:
                terms.insert(0, terms.pop(first))
            elif const > 0:
                out, const = const, 0
        for fs, c in terms:
            if out is None:
                out = _render_product(c, fs)
            elif c < 0:
                out = Bin("-", out, _render_product(normalize_number(-c), fs))
            else:
                out = Bin("+", out, _render_product(c, fs))
        if out is None:
            return normalize_number(const)
        if const > 0:
            return Bin("+", out, const)
        if const < 0:
            return Bin("-", out, normalize_number(-const))
        return out


def _power_of(b: Value, x: Value) -> Value:
    return b if is_number(x) and x == 1 else Bin("**", b, x)


def _render_product(coef: Any, fs: tuple) -> Value:
    """``coef * num_1 * ... / (den_1 * ...)``; ``-1 * a`` prints as ``-a``."""
    num = [_power_of(b, x) for b, x in fs if not (is_number(x) and x < 0)]
    den = [_power_of(b, normalize_number(-x)) for b, x in fs if is_number(x) and x < 0]
    if not num and not den:
        return coef
    body: Value | None = None
    for f in num:
        body = f if body is None else Bin("*", body, f)
    negate = False
    if coef == -1 and body is not None:
        negate = True
    elif coef != 1:
        body = coef if body is None else _prepend(coef, body)
    if body is None:
        body = 1
    if den:
        d = den[0]
        for f in den[1:]:
            d = Bin("*", d, f)
        body = Bin("/", body, d)
    return Call("neg", body) if negate else body


def _prepend(coef: Any, body: Value) -> Value:
    """``coef * f1 * f2 ...`` as a left-nested product (coef leftmost)."""
    if isinstance(body, Bin) and body.op == "*":
        return Bin("*", _prepend(coef, body.lhs), body.rhs)
    return Bin("*", coef, body)
