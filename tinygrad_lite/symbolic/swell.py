"""Expression swell: why frameworks record a tape instead of building derivative formulas.

``swell_table(max_size)`` builds the same model at sizes 1..max_size twice: symbolically
(an ``Expr``, differentiated with ``diff``) and with tinygrad_lite tensors (the recorded
tape). It counts nodes of

- the loss expression as a tree,
- the raw chain-rule derivative as a tree (``diff(..., simplify=False)``),
- the simplified derivative,
- and the tape (one node per op; reverse mode then costs a small constant times that).

Models: ``"chain"`` (default) is a deep chain ``h = tanh(w_k * h + b_k)`` for k = 1..n, the
derivative taken with respect to the first weight: the tape grows by 3 nodes per layer
while the derivative, which repeats every inner activation, grows quadratically, even
simplified. ``"line"`` is the seed's line fit ``sum((m*x + b - t)**2) / 2`` over n points:
each point adds a fixed amount to everything, so everything stays linear.
"""

from __future__ import annotations

from typing import NamedTuple

from .diff import diff
from .expr import Sym, Value, size, tanh
from .simplify import simplify

__all__ = ["SwellRow", "SwellTable", "swell_table", "MODELS"]

MODELS = ("chain", "line")


class SwellRow(NamedTuple):
    """One model size: node counts of the loss, its derivative (raw, simplified), the tape."""

    size: int
    expr_nodes: int
    raw_derivative_nodes: int
    simplified_derivative_nodes: int
    tape_nodes: int


class SwellTable(list):
    """A list of ``SwellRow``; ``str()`` gives an aligned text table."""

    model: str = ""
    wrt: str = ""

    def __str__(self) -> str:
        head = ("size", "loss expr", "derivative raw", "derivative simplified", "tape")
        rows = [head] + [tuple(str(v) for v in r) for r in self]
        widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
        lines = ["  ".join(c.rjust(w) for c, w in zip(r, widths)) for r in rows]
        lines.insert(1, "  ".join("-" * w for w in widths))
        title = (
            f"expression swell, model {self.model!r}: node counts of the loss, its derivative "
            f"with respect to {self.wrt} and the tape"
        )
        return "\n".join([title] + lines)

    def to_markdown(self) -> str:
        """The table as GitHub Markdown."""
        out = [
            "| size | loss expr | derivative raw | derivative simplified | tape |",
            "|---:|---:|---:|---:|---:|",
        ]
        out += ["| " + " | ".join(str(v) for v in r) + " |" for r in self]
        return "\n".join(out)


def _chain_expr(n: int) -> tuple[Value, str]:
    h: Value = Sym("x")
    for k in range(1, n + 1):
        h = tanh(Sym(f"w{k}") * h + Sym(f"b{k}"))
    return h, "w1"


def _chain_tape(n: int) -> int:
    import tinygrad_lite as tl

    h = tl.tensor(0.5, dtype=tl.float64)
    for _ in range(n):
        w = tl.tensor(0.3, dtype=tl.float64, requires_grad=True)
        b = tl.tensor(0.1, dtype=tl.float64, requires_grad=True)
        h = (w * h + b).tanh()
    return len(tl.autograd.tape(h))


def _line_expr(n: int) -> tuple[Value, str]:
    m, b = Sym("m"), Sym("b")
    xs = [(-1) ** i * (i + 1) for i in range(n)]
    loss: Value = 0
    for x in xs:
        loss = loss + (m * x + b - (2 * x + 1)) ** 2
    return loss / 2, "m"


def _line_tape(n: int) -> int:
    import tinygrad_lite as tl

    m = tl.tensor(0.0, dtype=tl.float64, requires_grad=True)
    b = tl.tensor(0.0, dtype=tl.float64, requires_grad=True)
    loss = None
    for i in range(n):
        x = float((-1) ** i * (i + 1))
        term = (m * x + b - (2 * x + 1)) ** 2
        loss = term if loss is None else loss + term
    return len(tl.autograd.tape(loss / 2))


_BUILDERS = {"chain": (_chain_expr, _chain_tape), "line": (_line_expr, _line_tape)}


def swell_table(max_size: int = 8, model: str = "chain") -> SwellTable:
    """Node counts for model sizes 1..``max_size`` (see the module docstring for models).
    Raises ValueError for an unknown model or a size below 1."""
    if model not in _BUILDERS:
        raise ValueError(f"swell_table: unknown model {model!r}; choose one of {MODELS}")
    if max_size < 1:
        raise ValueError(f"swell_table: max_size must be >= 1, got {max_size}")
    build_expr, build_tape = _BUILDERS[model]
    table = SwellTable()
    table.model = model
    table.wrt = build_expr(1)[1]
    for n in range(1, max_size + 1):
        e, wrt = build_expr(n)
        raw = diff(e, wrt, simplify=False)
        table.append(
            SwellRow(
                size=n,
                expr_nodes=size(e),
                raw_derivative_nodes=size(raw),
                simplified_derivative_nodes=size(simplify(raw)),
                tape_nodes=build_tape(n),
            )
        )
    return table
