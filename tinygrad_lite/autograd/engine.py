"""The backward engine: walk the graph from the outputs, newest node first, accumulating gradients.

``tape(outputs)`` is the Wengert list: every node that reaches the outputs, in the order the
program created them. ``run_backward`` visits those nodes in the reverse order without
building the list first: of the nodes that have received a gradient, it always takes the
newest (a heap keyed by creation number), calls its vector-Jacobian product, undoes
broadcasting centrally (``sum_to``), and adds up the gradients of tensors used more than
once. A node's consumers are all newer than it, so its gradient is complete when its turn
comes. No recursion anywhere, so a chain of a million ops is fine; a chain never touches
the heap (nor the dict of gradients), and a graph with k branches open at once pays log k
per node.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from heapq import heapify, heappop, heappush, heappushpop
from operator import attrgetter
from typing import Any

import numpy as np

from . import function as _function
from .function import FREED, Node, last_write
from .grad_mode import STATE, WATCHED, switch_grad_mode

__all__ = ["tape", "run_backward", "sum_to"]

_by_seq = attrgetter("seq")
_add_reduce = np.add.reduce


def tape(outputs: Any) -> list[Node]:
    """The nodes that lead to ``outputs`` (a Tensor or a list of them), oldest first."""
    if isinstance(outputs, _function.Tensor):
        outputs = [outputs]
    stack = [t.grad_fn for t in outputs if t.grad_fn is not None]
    seen = set(stack)
    nodes = []
    while stack:
        node = stack.pop()
        nodes.append(node)
        for p in node.parents:
            if type(p) is Node and p not in seen:
                seen.add(p)
                stack.append(p)
    nodes.sort(key=_by_seq)
    return nodes


def sum_to(grad: Any, shape: tuple) -> Any:
    """Undo broadcasting: sum ``grad`` down to ``shape`` (works on arrays and Tensors; an
    array summed down to shape () gives a NumPy scalar, as ``ndarray.sum()`` does)."""
    if shape:
        lead = grad.ndim - len(shape)
        gshape = grad.shape
        axes = tuple(range(lead)) + tuple(
            lead + i for i, n in enumerate(shape) if n == 1 and gshape[lead + i] != 1
        )
        if not axes:
            return grad.reshape(shape)
    elif type(grad) is np.ndarray:
        return _add_reduce(grad, None)  # down to a scalar: sum everything
    else:
        axes = None
    if type(grad) is np.ndarray:
        grad = _add_reduce(grad, axes, None, None, True)  # = .sum(axes, keepdims=True), faster
    else:
        grad = grad.sum(axis=axes, keepdims=True)
    return grad.reshape(shape)


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
    Gradients are NumPy arrays during the walk, or Tensors when ``create_graph=True``.
    """
    Tensor = _function.Tensor
    grads: dict = {}
    for out, g in zip(outputs, grad_outputs):
        key = out.grad_fn if out.grad_fn is not None else out
        grads[key] = grads[key] + g if key in grads else g
    wanted = capture_nodes = None
    captured: dict = {}
    if inputs is not None:
        wanted = [t.grad_fn if t.grad_fn is not None else t for t in inputs]
        capture_nodes = {k for k in wanted if type(k) is Node}
    keep = STATE.keep_intermediates
    anomaly = WATCHED[0] and STATE.anomaly  # (a plain read first: see grad_mode.WATCHED)
    pop, get = grads.pop, grads.get
    # Nodes that have a gradient and wait for their turn, as (-seq, node): a heap whose top
    # is the newest. A node's consumers are all newer, so when it is the newest waiting,
    # every contribution to its gradient has arrived.
    waiting = []
    for k in grads:
        if type(k) is Node:
            waiting.append((-k.seq, k))
    if len(waiting) > 1:
        heapify(waiting)
    # Backward code that works on Tensors (hooks, user Functions, create_graph) runs with
    # grad mode = create_graph. Primitives' backwards on arrays record nothing, so the
    # mode is switched (and restored at the end) only once such code is met.
    plain = not create_graph  # every node so far is a Primitive without hooks (see _Owner)
    prev_mode = None if plain else switch_grad_mode(bool(create_graph))
    try:
        node = heappop(waiting)[1] if waiting else None
        g = pop(node, None)
        while node is not None:  # (g: node's gradient, complete)
            fn = node.fn
            if plain and (node.hooks or not fn.array_mode):  # Tensor code from here on
                plain = False
                prev_mode = switch_grad_mode(bool(create_graph))
            if node.hooks:
                g = _run_hooks(node.hooks, g, create_graph)
            if capture_nodes and node in capture_nodes:
                captured[node] = g
            if keep:
                node.grad = _array_of(g)
            if create_graph:
                input_grads = _vjp_on_tensors(node, g)
            else:
                if node.saved is not None and (node.saved is FREED or node.seq < last_write[0]):
                    node.check_saved()  # raises if freed, or changed in place since saved
                input_grads = fn.vjp(node, g)
            if type(input_grads) is not tuple:
                input_grads = (input_grads,)
            if anomaly:
                from .anomaly import on_backward

                on_backward(node, input_grads)
            if not retain_graph:
                if node.saved is not None:
                    node.saved = FREED
                    node.args = None
                if not keep:
                    node.out = None
            # A node that gets its first gradient just now (`new`) keeps it in `new_g`, off the
            # dict and the heap: in a chain it is the next node.
            new = new_g = None
            for parent, ig in zip(node.parents, input_grads):
                if parent is None or ig is None:
                    continue
                is_node = type(parent) is Node
                # (a leaf's shape read from its array: skips the Tensor.shape property call)
                shape = parent.shape if is_node else parent._array.shape
                if ig.shape != shape:
                    ig = sum_to(ig, shape)
                if parent is new:  # the same input twice (x * x)
                    new_g = new_g + ig
                    continue
                old = get(parent)
                if old is not None:
                    grads[parent] = old + ig
                elif is_node and new is None:
                    new, new_g = parent, ig
                else:
                    grads[parent] = ig
                    if is_node:
                        heappush(waiting, (-parent.seq, parent))
            if new is not None:
                if not waiting or waiting[0][0] > -new.seq:
                    node, g = new, new_g  # nothing newer waits: `new` is next
                    continue
                grads[new] = new_g  # it waits too; the newest waiting is next
                node = heappushpop(waiting, (-new.seq, new))[1]
            else:
                node = heappop(waiting)[1] if waiting else None
            g = pop(node, None)
    finally:
        if prev_mode is not None:
            switch_grad_mode(prev_mode)

    # What is left in `grads` are the leaves' gradients.
    if not accumulate:
        result = []
        for key in wanted:
            g = captured.get(key) if type(key) is Node else grads.get(key)
            if g is not None and type(key) is not Node and key._hooks:
                g = _run_hooks(key._hooks, g, create_graph)
            if g is not None and not isinstance(g, Tensor):
                g = Tensor._make(_array_of(g), None, False)
            result.append(g)
        return result
    only = None if wanted is None else set(wanted)  # Tensors hash by identity
    owner = None
    for leaf, g in grads.items():
        if only is not None and leaf not in only:
            continue
        if owner is None and type(g) is np.ndarray and g.size >= _Owner.SMALL:
            owner = _Owner(grad_outputs, plain and not keep)  # (made only for a large array)
        _accumulate_leaf(leaf, g, create_graph, owner)
    return None


class _Owner:
    """Decides whether a leaf may keep a gradient array as its ``.grad`` without a copy.

    Copying a large gradient costs about as much as the optimizer's step. The copy is only
    needed if someone else can see the array: a seed the caller passed, another leaf that
    got the same array (``a + b`` sends one gradient to both), a hook or a user Function
    (which may return arrays they keep), or a view of another array.
    """

    SMALL = 4096  # below this many elements, copying is cheaper than making sure

    def __init__(self, seeds: Sequence[Any], allowed: bool) -> None:
        self.seeds, self.allowed = seeds, allowed  # allowed: no hooks, user Functions, keep...
        self.taken: set = set()

    def may_own(self, g: Any) -> bool:
        if not self.allowed or type(g) is not np.ndarray or g.size < self.SMALL:
            return False
        if g.base is not None or not g.flags.writeable or id(g) in self.taken:
            return False
        if any(g is s for s in self.seeds):
            return False
        self.taken.add(id(g))
        return True


def _array_of(g: Any) -> Any:
    """``g`` with a NumPy scalar made a 0-d array. Gradients of 0-d values may be NumPy
    scalars during the walk (cheaper arithmetic than 0-d arrays); what users see is an array."""
    return np.asarray(g) if isinstance(g, np.generic) else g


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


def _run_hooks(hooks: Iterable, g: Any, create_graph: bool) -> Any:
    """Call tensor hooks with the gradient as a Tensor; a returned Tensor replaces it."""
    Tensor = _function.Tensor
    as_tensor = g if isinstance(g, Tensor) else Tensor._make(_array_of(g), None, False)
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


def _accumulate_leaf(leaf: Any, g: Any, create_graph: bool, owner: _Owner | None = None) -> None:
    """Add ``g`` into ``leaf.grad`` (in place when not building a graph, as PyTorch)."""
    Tensor = _function.Tensor
    if leaf._hooks:
        g = _run_hooks(leaf._hooks, g, create_graph)
    if create_graph:
        if not isinstance(g, Tensor):
            g = Tensor._make(g, None, False)
        leaf._grad = g if leaf._grad is None else leaf._grad + g
        return
    dtype = leaf._array.dtype
    if leaf._grad is None:
        if g.dtype is dtype and not leaf._hooks and owner is not None and owner.may_own(g):
            leaf._grad = Tensor._make(g, None, False)
        else:  # a copy: others may hold the same array (see _Owner)
            leaf._grad = Tensor._make(np.array(g, dtype=dtype), None, False)
    else:
        target = leaf._grad._array
        if target.shape == g.shape:
            try:
                if target.ndim:
                    np.add(target, g, target)  # (out= as a keyword costs 0.5 µs more)
                else:  # 0-d: NumPy's scalar math, 3x cheaper than a ufunc writing to out
                    target[()] = target[()] + g
                return
            except ValueError:  # a read-only array (e.g. a broadcast view the user set)
                pass
        leaf._grad = Tensor._make(np.asarray(target + g, dtype), None, False)
