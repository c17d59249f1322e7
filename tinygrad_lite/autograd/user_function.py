"""How a user's ``Function`` (forward and backward on Tensors) runs inside the engine.

A forward that returns several Tensors (a tuple or list) gives one node whose output is
all of them raveled end to end; ``MyFn.apply`` hands back each output as a recorded slice
of it reshaped, so the engine sends the node one flat gradient, which ``user_vjp`` splits
again (zeros for an output that was not used) before calling the user's ``backward``.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from . import function as _function
from .errors import check_user_grads
from .grad_mode import switch_grad_mode
from .saved import version_counter

__all__ = ["run_user_forward", "user_apply", "user_vjp"]

_SEVERAL = threading.local()  # .outs: the arrays of the last forward with several outputs


def user_apply(cls: Any, *args: Any) -> Any:
    """``MyFn.apply(*args)``: the engine's ``_apply``; a forward that returned several
    Tensors gives a tuple of Tensors (float outputs differentiable, as in PyTorch)."""
    _SEVERAL.outs = None
    whole = _function._apply(cls, *args)
    outs, _SEVERAL.outs = getattr(_SEVERAL, "outs", None), None
    if outs is None:
        return whole
    results, start = [], 0
    for o in outs:
        if whole.requires_grad and o.dtype.kind == "f":
            part = whole[start : start + o.size].reshape(o.shape)
            results.append(part if part.dtype.numpy == o.dtype else part.to(o.dtype.type))
        else:
            results.append(_function.Tensor._make(o, None, False))
        start += o.size
    return tuple(results)


def run_user_forward(fn: Any, node: Any, args: tuple) -> np.ndarray:
    """Run a user Function's forward on detached Tensors under no_grad; return an array."""
    # (the input's own array, not detach()'s new view: what forward saves is traced back to
    # the inputs by the array object, see Node._source)
    Tensor = _function.Tensor
    detached = tuple(
        Tensor._make(a._array, None, False, version_counter(a)) if isinstance(a, Tensor) else a
        for a in args
    )
    previous = switch_grad_mode(False)
    try:
        result = fn.forward(node, *detached)
    finally:
        switch_grad_mode(previous)
    if node.saved:  # keep arrays, so saved values can be traced back to inputs/output
        node.saved = tuple(s._array if isinstance(s, _function.Tensor) else s for s in node.saved)
    if isinstance(result, (tuple, list)):
        return _several(
            node, [r._array if isinstance(r, Tensor) else np.asarray(r) for r in result]
        )
    return result._array if isinstance(result, _function.Tensor) else np.asarray(result)


def _several(node: Any, outs: list) -> np.ndarray:
    """Several outputs as one flat array (of their common float dtype); the layout is kept
    on the node for ``user_vjp`` and the arrays for ``user_apply``."""
    floats = [o.dtype for o in outs if o.dtype.kind == "f"]
    dtype = np.result_type(*floats) if floats else np.dtype(np.float64)
    node.layout = [o.shape for o in outs]
    _SEVERAL.outs = outs
    return np.concatenate([np.ravel(o).astype(dtype) for o in outs] or [np.zeros(0, dtype)])


def user_vjp(cls: Any, ctx: Any, grad: Any) -> tuple:
    """Call the user's ``backward`` with Tensors; hand NumPy arrays back to the engine."""
    Tensor = _function.Tensor
    layout = getattr(ctx, "layout", None)
    if layout is not None:  # several outputs: one gradient each
        result = cls.backward(ctx, *_split(grad, layout, ctx.tensor_mode))
    else:
        g = grad if ctx.tensor_mode else Tensor._make(np.asarray(grad), None, False)
        result = cls.backward(ctx, g)
    result = check_user_grads(ctx, result if isinstance(result, tuple) else (result,))
    if ctx.tensor_mode:
        return result
    return tuple(r._array if isinstance(r, Tensor) else r for r in result)


def _split(grad: Any, layout: list, tensor_mode: bool) -> tuple:
    """One flat gradient of several outputs as one gradient (a Tensor) per output."""
    grads, start = [], 0
    for shape in layout:
        n = int(np.prod(shape))
        g = grad[start : start + n].reshape(shape)
        grads.append(g if tensor_mode else _function.Tensor._make(np.asarray(g), None, False))
        start += n
    return tuple(grads)
