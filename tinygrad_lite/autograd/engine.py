"""Backward: walk the tape newest node first, call each VJP, undo broadcasting, accumulate.

``tape(outputs)`` is the Wengert list: every node that leads to the outputs, in the order
the program created them. ``run_backward`` visits it in reverse. A node's consumers are all
newer than it, so when its turn comes its gradient is complete: the sum of what its
consumers sent. No recursion anywhere, so a chain of a million ops is fine.

What a gradient is: during the walk a NumPy array, or a NumPy scalar where NumPy gives one
for a 0-d result (the same number), or a Tensor when ``create_graph=True``. What users see
(hooks, ``.grad``, ``autograd.grad``) is always a Tensor of at least a 0-d array.

This is the reference engine: it keeps every node's gradient in one dict until the walk
ends; ``autograd/fast`` installs a faster walk with the same results.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from . import function as _function
from .errors import check_hook_result
from .function import FREED, Node
from .grad_mode import STATE, switch_grad_mode

__all__ = ["tape", "run_backward", "sum_to"]


def tape(outputs: Any) -> list[Node]:
    """The nodes that lead to ``outputs`` (a Tensor or a list of them), oldest first."""
    return _tape([outputs] if isinstance(outputs, _function.Tensor) else outputs)


def _tape(outputs: list) -> list[Node]:
    nodes = [t.grad_fn for t in outputs if t.grad_fn is not None]
    seen = set(nodes)
    for node in nodes:  # the list grows while we walk it: each node once, no recursion
        for p in node.parents:
            if type(p) is Node and p not in seen:
                seen.add(p)
                nodes.append(p)
    return sorted(nodes, key=lambda n: n.seq)  # creation order: consumers after producers


def sum_to(g: Any, shape: tuple) -> Any:
    """Undo broadcasting: sum gradient ``g`` down to ``shape`` (arrays and Tensors alike)."""
    lead = g.ndim - len(shape)  # broadcasting added ``lead`` dims in front, and stretched dims
    axes = (*range(lead), *(lead + i for i, n in enumerate(shape) if n == 1 != g.shape[lead + i]))
    return g.sum(axis=axes, keepdims=True).reshape(shape) if axes else g  # of size 1 (n == 1)


def run_backward(
    outputs: Sequence[Any],
    grad_outputs: Sequence[Any],
    retain_graph: bool = False,
    create_graph: bool = False,
    inputs: Sequence[Any] | None = None,
    accumulate: bool = True,
) -> list | None:
    """Backpropagate ``grad_outputs`` from ``outputs``.

    With ``accumulate=True`` the gradients are added into the leaves' ``.grad`` (only the
    leaves in ``inputs`` if given). With ``accumulate=False`` nothing is stored and the
    gradients of ``inputs`` are returned (None where an input was not reached).
    """
    grads: dict = {}  # node or leaf -> the sum of the gradients it has received so far
    for out, g in zip(outputs, grad_outputs):
        _add_to(grads, out.grad_fn or out, g)
    only = None if inputs is None else {t.grad_fn or t: t for t in inputs}  # (hash by id)
    previous = switch_grad_mode(create_graph)  # backward records only with create_graph
    try:
        for node in reversed(_tape(outputs)):
            g = grads.get(node)
            if g is None:  # no gradient reached this node
                continue
            if node.hooks:
                g = grads[node] = _run_hooks(node.hooks, g, create_graph)
            node.check_saved()  # raises if freed, or changed in place since saved
            input_grads = node.vjp_on_tensors(g) if create_graph else node.fn.vjp(node, g)
            input_grads = input_grads if type(input_grads) is tuple else (input_grads,)
            if STATE.keep_intermediates or STATE.anomaly:  # tools that watch every node
                _watch(node, g, input_grads)
            node.saved = node.saved if retain_graph or node.saved is None else FREED  # (buffers)
            if STATE.free_values and not (retain_graph or STATE.keep_intermediates):  # (else
                node.out = node.args = None  # the node keeps its value and inputs for viz)
            for parent, ig in zip(node.parents, input_grads):
                if parent is not None and ig is not None:
                    _add_to(grads, parent, sum_to(ig, parent.shape))
    finally:
        switch_grad_mode(previous)
    if not accumulate:  # autograd.grad: return the gradients of ``inputs``
        return [_result(t.grad_fn or t, grads, create_graph) for t in inputs]
    for key, g in grads.items():  # the leaves; with ``inputs=``, those inputs (non-leaves too)
        if (type(key) is not Node) if only is None else key in only:
            accumulate_into_leaf(key if only is None else only[key], g, create_graph)


def _add_to(grads: dict, key: Any, g: Any) -> None:
    """Add gradient ``g`` to what ``key`` (a node or leaf) has received so far."""
    grads[key] = grads[key] + g if key in grads else g


def _watch(node: Node, g: Any, input_grads: tuple) -> None:
    """keep_intermediates(): keep the node's gradient; anomaly mode: check what it returned."""
    if STATE.keep_intermediates:
        node.grad = _as_array(g)
    if STATE.anomaly:
        from .anomaly import on_backward

        on_backward(node, input_grads)


def _result(key: Any, grads: dict, create_graph: bool) -> Any:
    """The gradient of one of ``autograd.grad``'s inputs, as a Tensor (None: not reached)."""
    Tensor = _function.Tensor
    g = grads.get(key)
    if g is not None and type(key) is not Node and key._hooks:
        g = _run_hooks(key._hooks, g, create_graph)
    if g is not None and not isinstance(g, Tensor):
        g = Tensor._make(_as_array(g), None, False)
    return g


def _as_array(g: Any) -> Any:
    """``g`` with a NumPy scalar made a 0-d array (what users see)."""
    return np.asarray(g) if isinstance(g, np.generic) else g


def _run_hooks(hooks: Iterable, g: Any, create_graph: bool) -> Any:
    """Call tensor hooks with the gradient as a Tensor; a returned Tensor replaces it."""
    Tensor = _function.Tensor
    as_tensor = g if isinstance(g, Tensor) else Tensor._make(_as_array(g), None, False)
    for hook in hooks:
        result = hook(as_tensor)
        if result is not None:  # (checked: a Tensor of the same shape, see errors.py)
            as_tensor = check_hook_result(hook, result, as_tensor)
    return as_tensor if create_graph else as_tensor._array


def accumulate_into_leaf(leaf: Any, g: Any, create_graph: bool) -> None:
    """Add ``g`` into ``leaf.grad`` (in place when not building a graph, as PyTorch)."""
    if leaf._hooks:
        g = _run_hooks(leaf._hooks, g, create_graph)
    if create_graph:
        g = (
            g
            if isinstance(g, _function.Tensor)
            else _function.Tensor._make(_as_array(g), None, False)
        )
        leaf._grad = g if leaf._grad is None else leaf._grad + g
    elif leaf._grad is None:  # a copy: others may hold the same array (a + b sends g to both)
        leaf._grad = _function.Tensor._make(np.array(g, dtype=leaf._array.dtype), None, False)
    elif leaf._grad.shape == np.shape(g) and leaf._grad._array.flags.writeable:
        np.add(leaf._grad._array, g, out=leaf._grad._array)
    else:  # e.g. a read-only broadcast view the user set as .grad
        total = np.asarray(leaf._grad._array + g, leaf._array.dtype)
        leaf._grad = _function.Tensor._make(total, None, False)
