"""Switches about what the recorded graph keeps (for teaching and visualisation tools)."""

from __future__ import annotations

from .grad_mode import STATE

__all__ = ["keep_intermediates", "save_inputs", "free_values"]


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


class free_values:
    """Inside this block, backward also drops each node's output value and arguments
    (``node.out``, ``node.args``), as well as the saved tensors it always frees.

    By default a graph keeps them until it is dropped (until nothing refers to its output),
    so that ``viz.draw(loss)`` after a plain ``loss.backward()`` can show every value: the
    outputs of the ops (the arrays backward had saved anyway) and the constant inputs. In a
    training loop that keeps the previous ``loss`` while the next forward pass runs, that is
    one extra graph's worth of activations. Use this (per thread) to free them early::

        with autograd.graph.free_values():
            for x, y in loader: ...
    """

    def __enter__(self) -> free_values:
        self._prev = STATE.free_values
        STATE.free_values = True
        return self

    def __exit__(self, *exc: object) -> None:
        STATE.free_values = self._prev
