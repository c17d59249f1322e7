"""Watch a training loop: the graph, the loss curve and the parameters, redrawn every k steps.

``live = viz.Live(names, every=10)`` and, in the loop after ``loss.backward()``,
``live.update(step, loss)``. In Jupyter the picture lives in one output cell that is updated
in place (an IPython display handle): the graph with the current values and gradients
(Graphviz SVG), the loss so far as a small inline SVG curve, and a table of the parameters
and their gradients. Outside Jupyter (or with ``notebook=False``) it prints one line per
update instead: ``step 10: loss 0.5313   m = 1.85 (grad -2.5)   b = 0.45 (grad -1.25)``.
"""

from __future__ import annotations

import html
import sys
from typing import Any, TextIO

import numpy as np

from ._labels import fmt_array
from ._model import collect
from .renderer import find_renderer

__all__ = ["Live", "in_notebook"]


def in_notebook() -> bool:
    """True inside a Jupyter kernel (IPython with a kernel attached)."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    shell = ipython.get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


class Live:
    """Redraws graph, loss curve and parameters every ``every`` steps (see the module doc).

    ``names`` names tensors as in ``draw`` (its parameters are the ones listed);
    ``graph=False`` leaves the graph out (cheaper for big models); ``notebook`` forces the
    notebook (True) or printing (False) form; ``file`` is where printing goes."""

    def __init__(self, names: Any = None, every: int = 10, *, graph: bool = True,
                 max_elems: int = 4, notebook: bool | None = None,
                 file: TextIO | None = None) -> None:  # fmt: skip
        if every < 1:
            raise ValueError(f"Live: every must be >= 1, got {every}")
        self.names = names
        self.every = every
        self.graph = graph
        self.max_elems = max_elems
        self.notebook = in_notebook() if notebook is None else notebook
        self.file = file
        self.losses: list[tuple[int, float]] = []
        self.html = ""
        self.updates = 0
        self._handle: Any = None

    def update(self, step: int, loss: Any, names: Any = None) -> bool:
        """Note the loss of ``step``; every ``every``-th step (and step 0) redraw. Call it after
        ``loss.backward()`` and before the optimizer's step to show this step's gradients.
        Returns whether it redrew."""
        names = self.names if names is None else names
        self.losses.append((step, float(np.asarray(loss._array).sum())))
        if step % self.every:
            return False
        params = self._params(loss, names)
        if self.notebook:
            self.html = self._html(step, loss, names, params)
            self._show()
        else:
            parts = [f"step {step}: loss {fmt_array(self.losses[-1][1], 6)}"]
            for name, value, grad in params:
                g = f" (grad {fmt_array(grad, self.max_elems)})" if grad is not None else ""
                parts.append(f"{name} = {fmt_array(value, self.max_elems)}{g}")
            print("   ".join(parts), file=self.file or sys.stdout)
        self.updates += 1
        return True

    def _params(self, loss: Any, names: Any) -> list[tuple[str, Any, Any]]:
        model = collect(loss, names)
        return [(v.name, v.data, v.grad) for v in model.values.values() if v.kind == "param"]

    def _show(self) -> None:
        from IPython.display import HTML, display

        if self._handle is None:
            self._handle = display(HTML(self.html), display_id=True)
        else:
            self._handle.update(HTML(self.html))

    def _html(self, step: int, loss: Any, names: Any, params: list) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(n)}</td><td>{fmt_array(v, self.max_elems)}</td>"
            f"<td>{'' if g is None else fmt_array(g, self.max_elems)}</td></tr>"
            for n, v, g in params
        )
        picture = ""
        if self.graph:
            from .graph import draw

            g = draw(loss, names, max_elems=self.max_elems, legend=False)
            if find_renderer("svg") is not None:
                svg = g.pipe(format="svg").decode("utf-8")
                picture = svg[svg.index("<svg") :]
            else:
                picture = f"<pre>{html.escape(g.source)}</pre>"
        return (
            f'<div style="display:flex;gap:16px;align-items:flex-start">'
            f'<div style="max-width:60%;overflow:auto">{picture}</div><div>'
            f"<b>step {step}</b>: loss {fmt_array(self.losses[-1][1], 6)}<br>"
            f"{self._curve()}"
            f'<table style="border-collapse:collapse"><tr><th>param</th><th>value</th>'
            f"<th>grad</th></tr>{rows}</table></div></div>"
        )

    def _curve(self) -> str:
        """The losses so far as an inline SVG polyline (no matplotlib needed)."""
        ys = np.array([loss for _, loss in self.losses], dtype=float)
        lo, hi = float(ys.min()), float(ys.max())
        span = hi - lo or 1.0
        n = max(len(ys) - 1, 1)
        pts = " ".join(f"{10 + 280 * i / n:.1f},{110 - 100 * (y - lo) / span:.1f}"
                       for i, y in enumerate(ys))  # fmt: skip
        return (
            '<svg width="300" height="120" style="border:1px solid #ddd">'
            f'<polyline class="loss" fill="none" stroke="#1c7ed6" stroke-width="2" '
            f'points="{pts}"/></svg><br>'
        )
