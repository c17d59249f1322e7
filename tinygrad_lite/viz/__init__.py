"""tinygrad_lite.viz: make backprop visible (never imported by the engine).

- ``draw(loss, params)``: the computation as a Graphviz graph (``render`` writes files; the
  pictures come from graphviz-pure, pip-installed with the ``viz`` extra, or the system
  ``dot``: ``find_renderer()`` says which).
- ``as_text(loss)``: the same graph as an indented tree for terminals (no Graphviz needed).
- ``tape(loss, params)``: the forward tape as a Wengert list, ``v3 = mul(v1, v2)``.
- ``backward_trace(loss, params)``: each step of the reverse walk with the adjoint it adds,
  exportable as Markdown/LaTeX and as Graphviz frames / an animated GIF.
- ``backward(loss)``: backward that keeps every value and gradient for the tools above;
  ``record()``: remember constant inputs (data tensors) while the forward pass runs.

A lesson in six lines (the line y = 2x + 1 through two points, fitted from m = b = 0)::

    with viz.record():                       # also keep the data x, y for display
        loss = ((m * x + b - y) ** 2).mean()
    names = {"m": m, "b": b, "x": x, "y": y, "loss": loss}
    print(viz.tape(loss, names))             # v0 = mul(m, x) ...
    print(viz.backward_trace(loss, names))   # grad m += grad v0 * x = -27 ...
    viz.backward(loss); viz.draw(loss, names)  # every value and gradient in one picture

``check_module`` (a gradcheck table for a Module) lives in ``tinygrad_lite.autograd``.
"""

from __future__ import annotations

from ._labels import fmt_array
from ._model import record
from .frames import Frames
from .graph import GraphvizMissingError, draw, render
from .renderer import RenderError, find_renderer
from .tape import BackwardTrace, Listing, backward, backward_trace, tape
from .text import as_text, text_tree

__all__ = [
    "draw", "render", "GraphvizMissingError", "RenderError", "find_renderer",
    "as_text", "text_tree", "tape", "Listing",
    "backward_trace", "BackwardTrace", "backward", "record", "fmt_array", "Frames",
]  # fmt: skip
