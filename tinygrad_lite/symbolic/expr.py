"""Symbolic expressions: symbols, numbers, operators, and the two printed forms.

An expression is either a plain Python number (``int``/``float``) or an ``Expr``:

- ``Sym(name)``: a variable, e.g. ``x``;
- ``Bin(op, lhs, rhs)``: a binary operation, ``op`` one of ``+ - * / **``;
- ``Call(fn, arg)``: a function of one argument, ``fn`` one of ``neg exp log sin cos tanh
  sqrt`` (``neg`` is unary minus).

Python operators build trees and do nothing else (no simplification here), so
``x**2 + x*y`` prints exactly as written: ``str(e)`` is the S-expression
``(+ (** x 2) (* x y))``; ``to_infix(e)`` gives ``x**2 + x * y`` with as few parentheses as
Python needs to read it back to the same tree. Expressions are immutable and compare
structurally (``==``), so they can be dict keys. Differentiation lives in ``diff.py``,
simplification in ``simplify.py``, evaluation in ``evaluate.py``.
"""

from __future__ import annotations

import numbers
import zlib
from typing import Any

__all__ = [
    "Expr",
    "Sym",
    "Bin",
    "Call",
    "Value",
    "symbols",
    "exp",
    "log",
    "sin",
    "cos",
    "tanh",
    "sqrt",
    "to_sexpr",
    "to_infix",
    "size",
    "is_number",
    "as_value",
    "BINARY_OPS",
    "FUNCTIONS",
]

BINARY_OPS = ("+", "-", "*", "/", "**")
FUNCTIONS = ("neg", "exp", "log", "sin", "cos", "tanh", "sqrt")
_OPCODE = {op: i + 1 for i, op in enumerate(BINARY_OPS + FUNCTIONS)}


def is_number(v: Any) -> bool:
    """True for a plain number leaf (int or float, not an Expr)."""
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def as_value(v: Any) -> Value:
    """``v`` as an expression: an Expr, an int or a float (NumPy scalars and bools
    become Python numbers). Raises TypeError for anything else."""
    if isinstance(v, Expr) or type(v) is int or type(v) is float:
        return v
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, numbers.Real):  # NumPy scalars, fractions, decimals
        item = v.item() if hasattr(v, "item") else float(v)
        return item if is_number(item) else float(item)
    raise TypeError(
        f"symbolic: cannot use {type(v).__name__} {v!r} in an expression; "
        "use symbols, ints or floats"
    )


def _leaf_hash(v: Any) -> int:
    return hash(v)  # numbers hash deterministically, and 2 and 2.0 alike


class Expr:
    """Base class of symbolic expressions (see the module docstring).

    ``_hash`` is a deterministic structural hash and ``_size`` the number of nodes of the
    tree (numbers count 1), both computed once when the node is built.
    """

    __slots__ = ("_hash", "_size")

    # --- building ------------------------------------------------------------------------
    def __add__(self, other: Any) -> Expr:
        return _bin("+", self, other)

    def __radd__(self, other: Any) -> Expr:
        return _bin("+", other, self)

    def __sub__(self, other: Any) -> Expr:
        return _bin("-", self, other)

    def __rsub__(self, other: Any) -> Expr:
        return _bin("-", other, self)

    def __mul__(self, other: Any) -> Expr:
        return _bin("*", self, other)

    def __rmul__(self, other: Any) -> Expr:
        return _bin("*", other, self)

    def __truediv__(self, other: Any) -> Expr:
        return _bin("/", self, other)

    def __rtruediv__(self, other: Any) -> Expr:
        return _bin("/", other, self)

    def __pow__(self, other: Any) -> Expr:
        return _bin("**", self, other)

    def __rpow__(self, other: Any) -> Expr:
        return _bin("**", other, self)

    def __neg__(self) -> Expr:
        return Call("neg", self)

    def __pos__(self) -> Expr:
        return self

    # --- comparing -----------------------------------------------------------------------
    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if not isinstance(other, Expr) or self._hash != other._hash:
            return False
        return self._same(other)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def _same(self, other: Expr) -> bool:
        raise NotImplementedError

    # --- printing ------------------------------------------------------------------------
    def __str__(self) -> str:
        return to_sexpr(self)

    def __repr__(self) -> str:
        return to_sexpr(self)

    def sexpr(self) -> str:
        """This expression as an S-expression, e.g. ``(+ (** x 2) (* x y))``."""
        return to_sexpr(self)

    def infix(self) -> str:
        """This expression in Python syntax with minimal parentheses, e.g. ``x**2 + x * y``."""
        return to_infix(self)

    def size(self) -> int:
        """Number of nodes in the tree (every number, symbol and operation counts 1)."""
        return self._size


def _same_leaf(a: Any, b: Any) -> bool:
    if isinstance(a, Expr):
        return a == b
    return not isinstance(b, Expr) and a == b


class Sym(Expr):
    """A variable with a name, e.g. ``Sym("x")``."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        if not isinstance(name, str) or not name:
            raise ValueError(f"Sym: a symbol needs a non-empty string name, got {name!r}")
        self.name = name
        self._hash = zlib.crc32(name.encode())
        self._size = 1

    def __iter__(self):  # the seed's unpacking: (name,) = sym
        return iter((self.name,))

    def _same(self, other: Expr) -> bool:
        return isinstance(other, Sym) and other.name == self.name


class Bin(Expr):
    """A binary operation ``(op lhs rhs)`` with ``op`` in ``+ - * / **``."""

    __slots__ = ("op", "lhs", "rhs")

    def __init__(self, op: str, lhs: Value, rhs: Value) -> None:
        if op not in BINARY_OPS:
            raise ValueError(f"Bin: unknown operator {op!r}; expected one of {BINARY_OPS}")
        self.op = op
        self.lhs = as_value(lhs)
        self.rhs = as_value(rhs)
        self._hash = hash((_OPCODE[op], _hash_of(self.lhs), _hash_of(self.rhs)))
        self._size = 1 + size(self.lhs) + size(self.rhs)

    def __iter__(self):  # the seed's unpacking: op, lhs, rhs = e
        return iter((self.op, self.lhs, self.rhs))

    def _same(self, other: Expr) -> bool:
        return (
            isinstance(other, Bin)
            and other.op == self.op
            and _same_leaf(self.lhs, other.lhs)
            and _same_leaf(self.rhs, other.rhs)
        )


class Call(Expr):
    """A function applied to one argument ``(fn arg)``; ``fn`` in ``FUNCTIONS``."""

    __slots__ = ("fn", "arg")

    def __init__(self, fn: str, arg: Value) -> None:
        if fn not in FUNCTIONS:
            raise ValueError(f"Call: unknown function {fn!r}; expected one of {FUNCTIONS}")
        self.fn = fn
        self.arg = as_value(arg)
        self._hash = hash((_OPCODE[fn], _hash_of(self.arg)))
        self._size = 1 + size(self.arg)

    def __iter__(self):  # fn, arg = e
        return iter((self.fn, self.arg))

    def _same(self, other: Expr) -> bool:
        return isinstance(other, Call) and other.fn == self.fn and _same_leaf(self.arg, other.arg)


Value = Expr | int | float
"""What an expression can be: an Expr or a plain number."""


def _hash_of(v: Value) -> int:
    return v._hash if isinstance(v, Expr) else _leaf_hash(v)


def size(e: Value) -> int:
    """Number of nodes of the expression tree ``e`` (a number or a symbol is 1)."""
    return e._size if isinstance(e, Expr) else 1


def _bin(op: str, lhs: Any, rhs: Any) -> Any:
    try:
        return Bin(op, lhs, rhs)
    except TypeError:
        return NotImplemented


def symbols(names: str) -> Any:
    """``symbols("x y")`` → ``(Sym("x"), Sym("y"))``; one name gives one symbol.
    Names are separated by spaces or commas."""
    parts = names.replace(",", " ").split()
    if not parts:
        raise ValueError("symbols: give at least one name, e.g. symbols('x y')")
    syms = tuple(Sym(p) for p in parts)
    return syms[0] if len(syms) == 1 else syms


def exp(e: Any) -> Call:
    """The expression ``exp(e)``."""
    return Call("exp", e)


def log(e: Any) -> Call:
    """The expression ``log(e)`` (natural logarithm)."""
    return Call("log", e)


def sin(e: Any) -> Call:
    """The expression ``sin(e)``."""
    return Call("sin", e)


def cos(e: Any) -> Call:
    """The expression ``cos(e)``."""
    return Call("cos", e)


def tanh(e: Any) -> Call:
    """The expression ``tanh(e)``."""
    return Call("tanh", e)


def sqrt(e: Any) -> Call:
    """The expression ``sqrt(e)``."""
    return Call("sqrt", e)


# ---------------------------------------------------------------------------------------
# Printing
# ---------------------------------------------------------------------------------------


def _num_str(v: Any) -> str:
    return repr(v)


def to_sexpr(e: Value) -> str:
    """``e`` as an S-expression: ``(op lhs rhs)``, ``(fn arg)``, unary minus as ``(- a)``."""
    if isinstance(e, Sym):
        return e.name
    if isinstance(e, Bin):
        return f"({e.op} {to_sexpr(e.lhs)} {to_sexpr(e.rhs)})"
    if isinstance(e, Call):
        fn = "-" if e.fn == "neg" else e.fn
        return f"({fn} {to_sexpr(e.arg)})"
    return _num_str(e)


_PREC = {"+": 1, "-": 1, "*": 2, "/": 2, "neg": 3, "**": 4}


def _prec(e: Value) -> int:
    if isinstance(e, Bin):
        return _PREC[e.op]
    if isinstance(e, Call):
        return 3 if e.fn == "neg" else 5
    if is_number(e) and (e < 0 or str(e).startswith("-")):
        return 3  # a negative literal reads like unary minus
    return 5


def _wrap(s: str, paren: bool) -> str:
    return f"({s})" if paren else s


def to_infix(e: Value) -> str:
    """``e`` in Python syntax with minimal parentheses; ``eval`` of the text with the
    symbols in scope rebuilds the same tree (``x**2 + x * y``, ``-(a + b)``, ``(-x)**2``)."""
    if isinstance(e, Sym):
        return e.name
    if isinstance(e, Call):
        if e.fn == "neg":
            return "-" + _wrap(to_infix(e.arg), _prec(e.arg) < 3)
        return f"{e.fn}({to_infix(e.arg)})"
    if isinstance(e, Bin):
        p = _PREC[e.op]
        lp, rp = _prec(e.lhs), _prec(e.rhs)
        if e.op == "**":
            left = _wrap(to_infix(e.lhs), lp <= p)
            right = _wrap(to_infix(e.rhs), rp < 3)
            return f"{left}**{right}"
        left = _wrap(to_infix(e.lhs), lp < p)
        right = _wrap(to_infix(e.rhs), rp <= p)
        return f"{left} {e.op} {right}"
    return _num_str(e)
