"""One gradient, three ways: symbolic ``diff``, the reverse-mode tape, finite differences.

``three_ways(fn, {"w": 0.5, "b": -1.0})`` calls ``fn(w=..., b=...)`` on float64 tensors,
turns the recorded tape into an expression (``to_expr``), differentiates it symbolically,
runs ``backward()``, and estimates each partial derivative with central differences
``(f(v + h) - f(v - h)) / 2h``. The rows it returns print as a table, so a lecture can show
that the three agree (to about 1e-8 for the difference quotient).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from .diff import diff
from .evaluate import evaluate
from .expr import Value, to_infix
from .from_tape import to_expr

__all__ = ["three_ways", "GradientRow", "GradientTable"]


class GradientRow(NamedTuple):
    """One parameter: its symbolic derivative and the three values of it."""

    name: str
    derivative: Value
    symbolic: float
    tape: float
    finite_difference: float


class GradientTable(list):
    """``GradientRow``s plus the loss ``expr``; ``str()`` gives an aligned text table."""

    expr: Value = 0

    def __str__(self) -> str:
        head = ("param", "symbolic", "tape", "finite diff", "derivative")
        rows = [head] + [
            (r.name, f"{r.symbolic:.10g}", f"{r.tape:.10g}", f"{r.finite_difference:.10g}",
             _short(to_infix(r.derivative)))
            for r in self
        ]  # fmt: skip
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        lines = ["  ".join(c.ljust(w) for c, w in zip(r[:4], widths)) + "  " + r[4] for r in rows]
        return f"loss = {_short(to_infix(self.expr))}\n" + "\n".join(lines)

    def max_disagreement(self) -> float:
        """Largest |difference| between the symbolic value and the other two, over rows."""
        return max(
            (max(abs(r.symbolic - r.tape), abs(r.symbolic - r.finite_difference)) for r in self),
            default=0.0,
        )


def _short(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def three_ways(
    fn: Callable[..., Any], values: Mapping[str, float], *, h: float = 1e-6
) -> GradientTable:
    """The gradient of the scalar ``fn(**tensors)`` at ``values`` computed three ways.
    ``fn`` gets one float64 tensor (requires_grad) per name and returns a one-element tensor."""
    import tinygrad_lite as tl

    def make(vals: Mapping[str, float], grad: bool) -> dict[str, Any]:
        return {
            n: tl.tensor(float(v), dtype=tl.float64, requires_grad=grad) for n, v in vals.items()
        }

    params = make(values, True)
    loss = fn(**params)
    expr = to_expr(loss, params)
    loss.backward()
    env = {n: float(v) for n, v in values.items()}
    table = GradientTable()
    table.expr = expr
    for name, p in params.items():
        d = diff(expr, name)
        with tl.no_grad():
            up = float(fn(**make(dict(env, **{name: env[name] + h}), False)).item())
            down = float(fn(**make(dict(env, **{name: env[name] - h}), False)).item())
        table.append(
            GradientRow(
                name=name,
                derivative=d,
                symbolic=float(evaluate(d, env)),
                tape=0.0 if p.grad is None else float(p.grad.item()),
                finite_difference=(up - down) / (2 * h),
            )
        )
    return table
