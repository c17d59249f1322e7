"""How a user's ``Function`` (forward and backward on Tensors) runs inside the engine."""

from __future__ import annotations

from typing import Any

import numpy as np

from . import function as _function
from .errors import check_user_grads
from .grad_mode import switch_grad_mode

__all__ = ["run_user_forward", "user_vjp"]


def run_user_forward(fn: Any, node: Any, args: tuple) -> np.ndarray:
    """Run a user Function's forward on detached Tensors under no_grad; return an array."""
    detached = tuple(a.detach() if isinstance(a, _function.Tensor) else a for a in args)
    previous = switch_grad_mode(False)
    try:
        result = fn.forward(node, *detached)
    finally:
        switch_grad_mode(previous)
    if node.saved:  # keep arrays, so saved values can be traced back to inputs/output
        node.saved = tuple(s._array if isinstance(s, _function.Tensor) else s for s in node.saved)
    return result._array if isinstance(result, _function.Tensor) else np.asarray(result)


def user_vjp(cls: Any, ctx: Any, grad: Any) -> tuple:
    """Call the user's ``backward`` with Tensors; hand NumPy arrays back to the engine."""
    Tensor = _function.Tensor
    g = grad if ctx.tensor_mode else Tensor._make(np.asarray(grad), None, False)
    result = cls.backward(ctx, g)
    result = check_user_grads(ctx, result if isinstance(result, tuple) else (result,))
    if ctx.tensor_mode:
        return result
    return tuple(r._array if isinstance(r, Tensor) else r for r in result)
