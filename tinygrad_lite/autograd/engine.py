"""Backward: walk the tape newest node first, call each VJP, undo broadcasting, accumulate.

``tape(outputs)`` is the Wengert list: every node that leads to the outputs, in the order
the program created them. ``run_backward`` visits it in reverse. A node's consumers are all
newer than it, so when its turn comes its gradient is complete: the sum of what its
consumers sent. No recursion anywhere, so a chain of a million ops is fine.

What a gradient is: during the walk a NumPy array, or a NumPy scalar where NumPy gives one
for a 0-d result (the same number; ``sum_to`` down to shape ``()`` gives one too), or a
Tensor when ``create_graph=True``. What users see (hooks, ``.grad``, ``autograd.grad``) is
always a Tensor of at least a 0-d array.

This is the reference engine; ``autograd/fast`` installs a faster walk with the same results.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from . import function as _function
from .function import FREED, Node
from .grad_mode import STATE, switch_grad_mode

__all__ = ["tape", "run_backward", "sum_to"]


def tape(outputs: Any) -> list[Node]:
    """The nodes that lead to ``outputs`` (a Tensor or a list of them), oldest first."""
    if isinstance(outputs, _function.Tensor):
        outputs = [outputs]
    stack = [t.grad_fn for t in outputs if t.grad_fn is not None]
    seen = set(stack)
    nodes = []
    while stack:  # depth first, with a stack instead of recursion
        node = stack.pop()
        nodes.append(node)
        for p in node.parents:
            if type(p) is Node and p not in seen:
                seen.add(p)
                stack.append(p)
    nodes.sort(key=lambda node: node.seq)
    return nodes


def sum_to(grad: Any, shape: tuple) -> Any:
    """Undo broadcasting: sum ``grad`` down to ``shape`` (arrays and Tensors alike)."""
    if tuple(grad.shape) == tuple(shape):
        return grad
    lead = grad.ndim - len(shape)  # broadcasting added these leading dims: sum them away
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and grad.shape[lead + i] != 1
    )  # ... and stretched these dims of size 1
    return grad.sum(axis=axes, keepdims=True).reshape(shape)


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
    wanted = None if inputs is None else [t.grad_fn or t for t in inputs]
    only = None if wanted is None else set(wanted)  # (a set: Tensors hash by identity)
    captured: dict = {}  # the gradients of non-leaf ``inputs``
    previous = switch_grad_mode(create_graph)  # backward records only with create_graph
    try:
        for node in reversed(tape(outputs)):
            g = grads.pop(node, None)
            if g is None:  # no gradient reached this node
                continue
            if node.hooks:
                g = _run_hooks(node.hooks, g, create_graph)
            if only is not None and node in only:
                captured[node] = g
            if STATE.keep_intermediates:
                node.grad = _as_array(g)
            input_grads = _vjp(node, g, create_graph)
            if STATE.anomaly:
                from .anomaly import on_backward

                on_backward(node, input_grads)
            if not retain_graph:  # free what backward needed (the graph's buffers)
                if node.saved is not None:
                    node.saved = FREED
                if STATE.free_values and not STATE.keep_intermediates:  # (else the node keeps
                    node.out = node.args = None  # its value and inputs for the viz tools)
            for parent, ig in zip(node.parents, input_grads):
                if parent is not None and ig is not None:
                    _add_to(grads, parent, sum_to(ig, parent.shape))
    finally:
        switch_grad_mode(previous)
    # What is left in ``grads`` are the leaves' gradients.
    if not accumulate:
        return [_result(key, captured, grads, create_graph) for key in wanted]
    for leaf, g in grads.items():
        if only is None or leaf in only:
            accumulate_into_leaf(leaf, g, create_graph)
    fill_non_leaf_grads(inputs, captured, create_graph)
    return None


def fill_non_leaf_grads(inputs: Any, captured: dict, create_graph: bool) -> None:
    """``backward(inputs=[t])`` with a non-leaf ``t``: its gradient goes into ``t.grad``
    (added to what is there), as PyTorch does."""
    Tensor = _function.Tensor
    for t in inputs or ():
        g = captured.get(t.grad_fn) if t.grad_fn is not None else None
        if g is not None:
            g = g if isinstance(g, Tensor) else Tensor._make(np.array(g), None, False)
            t._grad = g if t._grad is None else t._grad + g  # (the slot: see accumulate_into_leaf)


def _add_to(grads: dict, key: Any, g: Any) -> None:
    """Add gradient ``g`` to what ``key`` (a node or leaf) has received so far."""
    grads[key] = grads[key] + g if key in grads else g


def _vjp(node: Node, g: Any, create_graph: bool) -> tuple:
    """The gradients for ``node``'s inputs, as a tuple (one per input, None allowed)."""
    if create_graph:
        input_grads = _vjp_on_tensors(node, g)
    else:
        if node.saved is not None:
            node.check_saved()  # raises if freed, or changed in place since saved
        input_grads = node.fn.vjp(node, g)
    return input_grads if type(input_grads) is tuple else (input_grads,)


def _vjp_on_tensors(node: Node, g: Any) -> Any:
    """``node``'s backward run on Tensors (for ``create_graph``): its saved values become
    Tensors joined to the graph, so the gradients it returns are recorded too."""
    node.tensor_mode = True
    saved = node.saved
    try:
        if saved is not None and node.fn.array_mode:
            node.saved = node.saved_tensors
        return node.fn.vjp(node, g)
    finally:
        node.saved = saved
        del node.tensor_mode


def _result(key: Any, captured: dict, grads: dict, create_graph: bool) -> Any:
    """The gradient of one of ``autograd.grad``'s inputs, as a Tensor (None: not reached)."""
    Tensor = _function.Tensor
    g = captured.get(key) if type(key) is Node else grads.get(key)
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
        if result is not None:
            if not isinstance(result, Tensor):
                raise TypeError(
                    f"hook {getattr(hook, '__qualname__', hook)!r} returned a "
                    f"{type(result).__name__}; a hook must return a Tensor or None"
                )
            if tuple(result.shape) != tuple(as_tensor.shape):
                raise RuntimeError(
                    f"hook {getattr(hook, '__name__', hook)!r} returned a gradient of shape "
                    f"{tuple(result.shape)} for a gradient of shape {tuple(as_tensor.shape)}; "
                    "a hook may change a gradient's values, not its shape"
                )
            as_tensor = result
    return as_tensor if create_graph else as_tensor._array


def accumulate_into_leaf(leaf: Any, g: Any, create_graph: bool) -> None:
    """Add ``g`` into ``leaf.grad`` (in place when not building a graph, as PyTorch).
    (The engine writes the slot ``_grad``: the checks of the ``grad`` setter are for users.)"""
    Tensor = _function.Tensor
    if leaf._hooks:
        g = _run_hooks(leaf._hooks, g, create_graph)
    if create_graph:
        g = g if isinstance(g, Tensor) else Tensor._make(_as_array(g), None, False)
        leaf._grad = g if leaf._grad is None else leaf._grad + g
        return
    dtype = leaf._array.dtype
    if leaf._grad is None:  # a copy: others may hold the same array (a + b sends g to both)
        leaf._grad = Tensor._make(np.array(g, dtype=dtype), None, False)
        return
    target = leaf._grad._array
    if target.shape == np.shape(g) and target.flags.writeable:
        np.add(target, g, out=target)
    else:  # e.g. a read-only broadcast view the user set as .grad
        leaf._grad = Tensor._make(np.asarray(target + g, dtype), None, False)
