"""Switches about what the recorded graph keeps (for teaching and visualisation tools)."""

from __future__ import annotations

from .grad_mode import STATE

__all__ = ["keep_intermediates", "save_inputs"]


class keep_intermediates:
    """Inside this block, backward keeps every node's output value and gradient
    (``node.out``, ``node.grad``) instead of freeing them, so tools can show the whole
    computation after ``backward()``. Costs memory; per thread."""

    def __enter__(self) -> keep_intermediates:
        self._prev = STATE.keep_intermediates
        STATE.keep_intermediates = True
        return self

    def __exit__(self, *exc: object) -> None:
        STATE.keep_intermediates = self._prev


class save_inputs:
    """Inside this block every recorded node also keeps the arguments it was called with
    (``node.inputs``: Tensors, constants, dims), so tools can show data tensors that need
    no gradient. Costs memory (they live as long as the graph); per thread."""

    def __enter__(self) -> save_inputs:
        self._prev = STATE.save_inputs
        STATE.save_inputs = True
        return self

    def __exit__(self, *exc: object) -> None:
        STATE.save_inputs = self._prev
