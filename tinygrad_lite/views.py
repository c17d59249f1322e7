"""Views and in-place writes through them (PyTorch's view semantics, ``CopySlices``).

A view (``x[1]``, ``x[0, :]``, a slice, ``view``/``reshape``/``squeeze``, ``t()``/``permute``)
shares its base's memory. Each view Tensor remembers its root ``base`` and the ``steps``
(view primitive, argument) that make it from the base, in ``t._base``.

An in-place op on a view of a tensor that is part of a graph is recorded the way PyTorch
does it: the new values of the view are computed from its old ones (one node), written
into the base by a ``CopySlices`` node (the base's history is rebased: it now comes out of
that node), and the view is made again from the rebased base. Views of the base that are
in the graph are made again too, so none of them keeps a stale history.

Nothing here runs for an op that is not a view or not in place.
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np

from .autograd import function as _f
from .autograd.function import Primitive
from .primitives import Expand, GetItem, Permute, Reshape, masked

Ctx = Any

# the recorded views of each base (weak references), made again when the base is rebased
# (keyed by id: a WeakKeyDictionary would compare Tensors with ==, which is elementwise)
_LIVE: dict = {}  # id(base) -> (weak reference to base, [weak references to its views])


def _live_views(base: Any, create: bool = False) -> list | None:
    """The list of ``base``'s recorded views (made if ``create``; gone with the base)."""
    key = id(base)
    entry = _LIVE.get(key)
    if entry is not None and entry[0]() is base:
        return entry[1]
    if not create:
        return None
    entry = _LIVE[key] = (weakref.ref(base, lambda _, key=key: _LIVE.pop(key, None)), [])
    return entry[1]


# how each view primitive makes its view of an array (replayed on arrays in CopySlices)
_ON_ARRAY = {
    GetItem: lambda a, index: a[index],
    Reshape: lambda a, shape: a.reshape(shape),
    Permute: lambda a, axes: a.transpose(axes),
    Expand: lambda a, shape: np.broadcast_to(a, shape),
}


def record_view(t: Any, fn: Any, args: tuple) -> None:
    """Called for the output ``t`` of a view primitive ``fn`` on ``args``: if ``t`` really
    shares memory with its input (not the copy an advanced index makes), remember its root
    base and the steps from it; a recorded view is listed (``_LIVE``), so that a write
    into the base makes it again."""
    x = args[0]
    if not isinstance(x, _f.Tensor) or not np.may_share_memory(t._array, x._array):
        return
    info = getattr(x, "_base", None)
    base, steps, mark = (x, (), ()) if info is None else (info[0], info[1], info[2:])
    t._base = (base, steps + ((fn, args[1:]),), *mark)  # (a view of one of several: too)
    if t._requires_grad:
        refs = _live_views(base, create=True)
        refs.append(weakref.ref(t))
        n = len(refs)
        if n >= 64 and not n & (n - 1):  # now and then: drop the views that are gone
            refs[:] = [r for r in refs if r() is not None]


def multiple_views(views: tuple, name: str) -> tuple:
    """Mark the views one call returned together (``unbind``, ``split``, iteration): as in
    PyTorch, a recorded in-place write into one of them is refused."""
    for i, v in enumerate(views):
        info = getattr(v, "_base", None)
        if info is not None and v._requires_grad:
            v._base = (info[0], info[1], (i, name))
    return views


def view_info(t: Any) -> tuple | None:
    """``(base, steps)`` if ``t`` is a view of another tensor, else None."""
    return getattr(t, "_base", None)


def replay(base: Any, steps: tuple) -> Any:
    """The view ``steps`` make of ``base`` now (recorded if ``base`` requires grad)."""
    t = base
    for fn, args in steps:
        t = fn.apply(t, *args)
    return t


def _view_of_array(a: np.ndarray, steps: tuple) -> np.ndarray:
    for fn, args in steps:
        a = _ON_ARRAY[fn](a, *args)
    return a


class CopySlices(Primitive):
    """f(base, v) = base with v written into the view ``steps`` make of it (the node an
    in-place write through a view records; PyTorch's CopySlices). The gradient: g outside
    the view for the base, the view of g for v."""

    @staticmethod
    def forward(ctx: Ctx, base, v, steps):
        out = np.array(base, copy=True, order="K")  # (same layout: the views stay views)
        region = _view_of_array(out, steps)
        if not np.may_share_memory(region, out):
            raise ValueError("the view steps do not give a view of the base")
        region[...] = v
        kept = np.ones(base.shape, dtype=bool)
        _view_of_array(kept, steps)[...] = False
        ctx.kept, ctx.steps = kept, steps
        return out

    @staticmethod
    def backward(ctx: Ctx, g):
        to_base, to_v = ctx.parents[:2]
        gv = None
        if to_v is not None:
            gv = _view_of_array(g, ctx.steps) if isinstance(g, np.ndarray) else replay(g, ctx.steps)
        return (masked(g, ctx.kept) if to_base is not None else None), gv, None


def write_through_view(t: Any, compute: Any, op: str, rebase: Any) -> Any:
    """Record the in-place op ``t = compute(t)`` on the view ``t``: the view's new values
    from its current history, written into its base through ``CopySlices`` (``rebase``
    writes them and makes the base the node's output); ``t`` and the base's other recorded
    views are then made again from the base."""
    base, steps = t._base[:2]
    if len(t._base) > 2:
        i, name = t._base[2]
        raise RuntimeError(
            f"{op}: Output {i} of {name} is a view and is being modified inplace. This view is "
            "the output of a function that returns multiple views. Such functions do not allow "
            "the output views to be modified inplace. You should replace the inplace operation "
            "by an out-of-place one (or clone() the view first)."
        )
    if base._requires_grad and base.grad_fn is None:
        raise RuntimeError(
            f"{op}: a view of a leaf Variable that requires grad is being used in an in-place "
            "operation. Wrap the update in `with tinygrad_lite.no_grad():`, or use the "
            "out-of-place form."
        )
    current = replay(base, steps)
    old = _f.Tensor._make(current._array.copy(), current.grad_fn, current._requires_grad)
    new = compute(old)
    if new.shape != t.shape:
        raise RuntimeError(
            f"{op}: output with shape {tuple(t.shape)} doesn't match the broadcast shape "
            f"{tuple(new.shape)}"
        )
    alias = _f.Tensor._make(
        base._array, base.grad_fn, base._requires_grad
    )  # (read only: not saved)
    rebase(base, CopySlices.apply(alias, new, steps), op)
    refresh_views(base)
    if not t._requires_grad:  # (a view that was not recorded: it is now)
        refresh(t)
    return t


def refresh(v: Any) -> None:
    """Make the view ``v`` again from its base's current history (same memory)."""
    base, steps = v._base[:2]
    fresh = replay(base, steps)
    v.grad_fn, v._requires_grad = fresh.grad_fn, fresh._requires_grad
    if fresh.grad_fn is not None:
        fresh.grad_fn.out = v._array


def refresh_views(base: Any) -> None:
    """After ``base`` was rebased by an in-place write: make its recorded views again."""
    refs = _live_views(base)
    if not refs:
        return
    listed = refs[:]
    for ref in listed:
        v = ref()
        if v is not None:
            refresh(v)  # (this lists a temporary view: dropped below)
    refs[:] = [r for r in listed if r() is not None]


_f.record_view = record_view
