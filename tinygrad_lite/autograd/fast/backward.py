"""Backward without building the tape first (just an optimization: the same walk, same sums).

``run_backward`` visits the nodes in the order of ``engine.run_backward`` (newest first)
without sorting the whole tape: of the nodes that have received a gradient it takes the
newest (a heap keyed by creation number). The speed-only branches, each tagged ``[fast]``:
- chain hand-off: a node's only new parent is the next node unless something newer waits,
  so a chain never touches the heap nor the dict of gradients;
- lazy grad-mode switch: grad mode is switched (for create_graph, hooks, user Functions)
  only once Tensor code is met; Primitives' array backwards record nothing anyway;
- saved-value checks only for nodes older than the latest in-place write anywhere;
- leaf gradients kept without a copy when nobody else can see the array (``GradOwnership``);
- 0-d gradients accumulate with NumPy's scalar math; ``loss.backward()`` seeds with a shared
  NumPy scalar 1 (``SCALAR_ONES``).
"""

from __future__ import annotations

from collections.abc import Sequence
from heapq import heapify, heappop, heappush, heappushpop
from typing import Any

import numpy as np

from .. import engine as _engine
from .. import function as _function
from ..function import FREED, Node
from ..grad_mode import STATE, switch_grad_mode
from .grad_mode import FREEING_THREADS, WATCHING_THREADS
from .versions import LATEST_WRITE

__all__ = ["run_backward", "tensor_backward", "GradOwnership", "SCALAR_ONES"]

_add_reduce = np.add.reduce
_run_hooks, _as_array = (
    _engine._run_hooks,
    _engine._as_array,
)

# 1 as a NumPy scalar of each float dtype: the seed of ``loss.backward()`` (immutable, shared)
SCALAR_ONES: dict = {np.dtype(t): t(1) for t in (np.float16, np.float32, np.float64)}


def sum_to(grad: Any, shape: tuple) -> Any:
    """``engine.sum_to`` with ``np.add.reduce`` called directly (arrays only here)."""
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
        return _engine.sum_to(grad, shape)
    if type(grad) is np.ndarray:
        return _add_reduce(grad, axes, None, None, True).reshape(shape)
    return _engine.sum_to(grad, shape)


def run_backward(
    outputs: Sequence[Any],
    grad_outputs: Sequence[Any],
    retain_graph: bool = False,
    create_graph: bool = False,
    inputs: Sequence[Any] | None = None,
    accumulate: bool = True,
) -> list | None:
    """``engine.run_backward``, faster (same arguments, same results)."""
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
    free_values = FREEING_THREADS and STATE.free_values and not keep  # graph.free_values()
    anomaly = WATCHING_THREADS and STATE.anomaly
    pop, get = grads.pop, grads.get
    # Nodes that have a gradient and wait for their turn, as (-seq, node): a heap whose top
    # is the newest.
    waiting = []
    for k in grads:
        if type(k) is Node:
            waiting.append((-k.seq, k))
    if len(waiting) > 1:
        heapify(waiting)
    only_array_code = not create_graph  # [fast] lazy grad-mode switch: no Tensor code met yet
    previous_mode = None if only_array_code else switch_grad_mode(bool(create_graph))
    try:
        node = heappop(waiting)[1] if waiting else None
        g = pop(node, None)
        while node is not None:  # (g: node's gradient, complete)
            fn = node.fn
            if only_array_code and (node.hooks or not fn.array_mode):  # Tensor code from here on
                only_array_code = False
                previous_mode = switch_grad_mode(bool(create_graph))
            if node.hooks:
                g = _run_hooks(node.hooks, g, create_graph)
            if capture_nodes and node in capture_nodes:
                captured[node] = g
            if keep:
                node.grad = _as_array(g)
            if create_graph:
                input_grads = node.vjp_on_tensors(g)
            else:
                saved = node.saved  # [fast] check only if freed or written in place since
                if saved is not None and (saved is FREED or node.seq < LATEST_WRITE.seq):
                    node.check_saved()
                input_grads = fn.vjp(node, g)
            if type(input_grads) is not tuple:
                input_grads = (input_grads,)
            if anomaly:
                from ..anomaly import on_backward

                on_backward(node, input_grads)
            if not retain_graph:
                if node.saved is not None:
                    node.saved = FREED
                if free_values:  # (else the node keeps its value and inputs for viz)
                    node.out = node.args = None
            # [fast] chain hand-off: a node that gets its first gradient just now (``new``)
            # keeps it in ``new_g``, off the dict and the heap: in a chain it is the next node.
            new = new_g = None
            for parent, ig in zip(node.parents, input_grads):
                if parent is None or ig is None:
                    continue
                is_node = type(parent) is Node
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
                    node, g = new, new_g  # nothing newer waits: ``new`` is next
                    continue
                grads[new] = new_g  # it waits too; the newest waiting is next
                node = heappushpop(waiting, (-new.seq, new))[1]
            else:
                node = heappop(waiting)[1] if waiting else None
            g = pop(node, None)
    finally:
        if previous_mode is not None:
            switch_grad_mode(previous_mode)

    if not accumulate:
        found = {**grads, **captured}  # (leaves' and non-leaf inputs' gradients)
        return [_engine._result(key, found, create_graph) for key in wanted]
    only = None if wanted is None else set(wanted)
    ownership = None
    for leaf, g in grads.items():
        if only is not None and leaf not in only:
            continue
        if ownership is None and type(g) is np.ndarray and g.size >= GradOwnership.MIN_SIZE:
            ownership = GradOwnership(grad_outputs, only_array_code and not keep)
        accumulate_into_leaf(leaf, g, create_graph, ownership)
    if capture_nodes:
        fill_non_leaf_grads(inputs, captured, create_graph)
    return None


class GradOwnership:
    """[fast] Decides whether a leaf may keep a gradient array as its ``.grad`` without a copy.

    Copying a large gradient costs about as much as the optimizer's step. The copy is only
    needed if someone else can see the array: a seed the caller passed, another leaf that
    got the same array (``a + b`` sends one gradient to both), a hook or a user Function
    (which may keep arrays), or a view of another array.
    """

    MIN_SIZE = 4096  # below this many elements, copying is cheaper than making sure

    def __init__(self, seeds: Sequence[Any], allowed: bool) -> None:
        self.seeds, self.allowed = seeds, allowed  # allowed: no hooks, user Functions, keep...
        self.taken: set = set()

    def may_own(self, g: Any) -> bool:
        if not self.allowed or type(g) is not np.ndarray or g.size < self.MIN_SIZE:
            return False
        if g.base is not None or not g.flags.writeable or id(g) in self.taken:
            return False
        if any(g is s for s in self.seeds):
            return False
        self.taken.add(id(g))
        return True


def accumulate_into_leaf(
    leaf: Any, g: Any, create_graph: bool, ownership: GradOwnership | None = None
) -> None:
    """``engine.accumulate_into_leaf`` without needless copies (same values)."""
    if leaf._hooks or create_graph:
        _engine.accumulate_into_leaf(leaf, g, create_graph)
        return
    Tensor = _function.Tensor
    dtype = leaf._array.dtype
    if leaf._grad is None:
        if g.dtype is dtype and ownership is not None and ownership.may_own(g):
            leaf._grad = Tensor._make(g, None, False)
        else:  # a copy: others may hold the same array (see GradOwnership)
            leaf._grad = Tensor._make(np.array(g, dtype=dtype), None, False)
        return
    target = leaf._grad._array
    if target.shape == g.shape:
        try:
            if target.ndim:
                np.add(target, g, target)  # (out= as a keyword costs more)
            else:  # [fast] 0-d: NumPy's scalar math, cheaper than a ufunc writing to out
                target[()] = target[()] + g
            return
        except ValueError:  # a read-only array (e.g. a broadcast view the user set)
            pass
    leaf._grad = Tensor._make(np.asarray(target + g, dtype), None, False)


def tensor_backward(
    self: Any,
    gradient: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    inputs: Any = None,
) -> None:
    """``Tensor.backward``; ``loss.backward()`` on a 0-d recorded float tensor goes straight
    to ``run_backward`` with a shared NumPy scalar seed (no argument checks needed)."""
    if gradient is None and inputs is None and not create_graph and self.grad_fn is not None:
        a = self._array
        seed = None if a.ndim else SCALAR_ONES.get(a.dtype)
        if seed is not None:
            run_backward((self,), (seed,), bool(retain_graph))
            return
    _reference_tensor_backward(self, gradient, retain_graph, create_graph, inputs)


_reference_tensor_backward: Any = None  # Tensor.backward of the reference engine (set by install)


def fill_non_leaf_grads(inputs: Any, grads: dict, create_graph: bool) -> None:
    """``backward(inputs=[t])`` with a non-leaf ``t``: its gradient goes into ``t.grad``
    (added to what is there), as PyTorch does."""
    Tensor = _engine._function.Tensor
    for t in inputs or ():
        g = grads.get(t.grad_fn) if t.grad_fn is not None else None
        if g is not None:
            g = g if isinstance(g, Tensor) else Tensor._make(np.array(g), None, False)
            t._grad = g if t._grad is None else t._grad + g
