"""Symbolic differentiation for teaching: expressions you can print, differentiate,
simplify and evaluate, next to the tape-based autograd of the engine.

    >>> from tinygrad_lite.symbolic import symbols, diff, evaluate
    >>> x, y = symbols("x y")
    >>> e = x**2 + x*y
    >>> print(e)                      # str() is the S-expression
    (+ (** x 2) (* x y))
    >>> print(diff(e, "x"))           # simplified by default
    (+ (* 2 x) y)
    >>> evaluate(diff(e, "x"), {"x": 2, "y": 3})
    7

``diff(e, x, simplify=False)`` shows the raw chain rule; ``to_infix(e)`` prints Python
syntax; ``to_expr(tensor)`` turns a recorded tape into an expression; ``three_ways(fn,
values)`` compares symbolic, tape and finite-difference gradients; ``swell_table()``
shows how symbolic derivatives grow while the tape stays linear. The seed's names
``params``, ``d`` and ``val`` are aliases of ``symbols``, ``diff`` and ``evaluate``.
The engine never imports this package.
"""

from .diff import diff, gradient
from .evaluate import count_nodes, evaluate, free_symbols
from .expr import (
    Bin,
    Call,
    Expr,
    Sym,
    cos,
    exp,
    log,
    sin,
    sqrt,
    symbols,
    tanh,
    to_infix,
    to_sexpr,
)
from .from_tape import to_expr
from .simplify import simplify
from .swell import SwellRow, SwellTable, swell_table
from .three_ways import GradientRow, GradientTable, three_ways

params = symbols  # the seed's name
d = diff  # the seed's name (simplified unless simplify=False)
val = evaluate  # the seed's name

__all__ = [
    "Expr",
    "Sym",
    "Bin",
    "Call",
    "symbols",
    "exp",
    "log",
    "sin",
    "cos",
    "tanh",
    "sqrt",
    "diff",
    "gradient",
    "simplify",
    "evaluate",
    "free_symbols",
    "count_nodes",
    "to_sexpr",
    "to_infix",
    "to_expr",
    "swell_table",
    "SwellTable",
    "SwellRow",
    "three_ways",
    "GradientTable",
    "GradientRow",
    "params",
    "d",
    "val",
]
