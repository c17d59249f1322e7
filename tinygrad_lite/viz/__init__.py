"""tinygrad_lite.viz: make backprop visible (never imported by the engine).

- ``draw(loss, params)``: the computation as a Graphviz graph (``render`` writes files; the
  pictures come from graphviz-pure, pip-installed with the ``viz`` extra, or the system
  ``dot``: ``find_renderer()`` says which). A legend;
  ``rankdir="auto"`` turns wide graphs top to bottom.
- ``as_text(loss)``: the same graph as an indented tree for terminals (no Graphviz needed).
- ``tape(loss, params)``: the forward tape as a Wengert list, ``v3 = mul(v1, v2)``.
- ``backward_trace(loss, params)``: each step of the reverse walk with the adjoint it adds,
  exportable as Markdown/LaTeX and as Graphviz frames / an animated GIF.
- ``stepper(loss, params)``: one offline HTML page stepping through the forward and the
  backward pass (``.save("backprop.html")``); ``stepper(Recorder)`` scrubs through training.
- ``Live(params, every=k)``: a training loop's graph, loss curve and parameters, redrawn in
  place in a notebook cell every k steps (printed outside Jupyter).
- ``backward(loss)``: backward that also keeps the intermediate gradients and the saved
  tensors; ``record()``: keep constant inputs even under ``autograd.graph.free_values()``.

All of them work after a plain ``loss.backward()``: the graph keeps its values until it is
dropped. A lesson in five lines (the line y = 2x + 1 through two points, from m = b = 0)::

    loss = ((m * x + b - y) ** 2).mean()
    names = {"m": m, "b": b, "x": x, "y": y, "loss": loss}
    print(viz.tape(loss, names))             # v0 = mul(m, x) ...
    loss.backward(); viz.draw(loss, names)   # every value and gradient in one picture
    print(viz.backward_trace(loss, names))   # grad m += grad v0 * x = -27 ...

``check_module`` (a gradcheck table for a Module) lives in ``tinygrad_lite.autograd``.
"""

from __future__ import annotations

from ._labels import fmt_array
from ._model import record
from .frames import Frames
from .graph import GraphvizMissingError, draw, render
from .live import Live
from .renderer import RenderError, find_renderer
from .stepper import Iteration, Recorder, Stepper, stepper
from .tape import BackwardTrace, Listing, backward, backward_trace, tape
from .text import as_text, text_tree

__all__ = [
    "draw", "render", "GraphvizMissingError", "RenderError", "find_renderer",
    "as_text", "text_tree", "tape", "Listing",
    "backward_trace", "BackwardTrace", "backward", "record", "fmt_array", "Frames",
    "stepper", "Stepper", "Recorder", "Iteration", "Live",
]  # fmt: skip
