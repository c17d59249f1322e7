"""tinygrad_lite.viz: make backprop visible (never imported by the engine).

- ``draw(loss, params)``: the computation as a Graphviz graph (``render`` writes files).
- ``as_text(loss)``: the same graph as an indented tree for terminals (no Graphviz needed).
- ``tape(loss, params)``: the forward tape as a Wengert list, ``v3 = mul(v1, v2)``.
- ``backward_trace(loss, params)``: each step of the reverse walk with the adjoint it adds,
  exportable as Markdown/LaTeX and as Graphviz frames / an animated GIF.
- ``backward(loss)``: backward that keeps every value and gradient for the tools above;
  ``record()``: remember constant inputs (data tensors) while the forward pass runs.
"""

from __future__ import annotations

from ._labels import fmt_array
from ._model import record
from .frames import Frames
from .graph import GraphvizMissingError, draw, render
from .tape import BackwardTrace, Listing, backward, backward_trace, tape
from .text import as_text, text_tree

__all__ = [
    "draw", "render", "GraphvizMissingError", "as_text", "text_tree", "tape", "Listing",
    "backward_trace", "BackwardTrace", "backward", "record", "fmt_array", "Frames",
]  # fmt: skip
