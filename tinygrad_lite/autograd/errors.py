"""The engine's error messages for bad input: they name the op, the shapes and dtypes, and
what to do (never a raw NumPy error)."""

from __future__ import annotations

from typing import Any

import numpy as np

from . import function as _function

__all__ = ["forward_error", "check_user_grads", "check_hook_result"]


_OPERATORS = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "**", "matmul": "@"}


def forward_error(op: str, arrays: Any, exc: Exception) -> RuntimeError:
    """A clear error for an op whose NumPy forward failed: op, shapes, dtypes, the fix (or
    PyTorch's TypeError if a public function was given a non-tensor, see ``_argcheck``)."""
    from .._argcheck import clear_error_here

    clear = clear_error_here(2)
    if clear is not None:
        return clear
    symbol = _OPERATORS.get(op)
    if symbol is not None and len(arrays) == 2:  # x + "a", x * None: as Python's operators
        for a in arrays:
            if not isinstance(a, (np.ndarray, np.generic, int, float, complex)):
                return TypeError(
                    f"unsupported operand type(s) for {symbol}: 'Tensor' and "
                    f"'{type(a).__name__}' ({op} takes Tensors and numbers)"
                )
    arrs = [a for a in arrays if isinstance(a, (np.ndarray, np.generic))]
    shapes = " and ".join(str(tuple(a.shape)) for a in arrs)
    dtypes = " and ".join(str(a.dtype) for a in arrs)
    clash = _broadcast_clash([a.shape for a in arrs])
    if clash is None:
        return RuntimeError(f"{op}: {exc} (input shapes {shapes}; dtypes {dtypes})")
    dim, sizes = clash
    return RuntimeError(
        f"{op}: input shapes {shapes} (dtypes {dtypes}) cannot be broadcast together: at "
        f"dim {dim} (counted from the right) the sizes are {' and '.join(map(str, sizes))}. "
        "Broadcasting aligns shapes from the right; each pair of sizes must be equal or one "
        "of them 1. Reshape or unsqueeze an input (e.g. x.unsqueeze(-1), x.reshape(...)) so "
        "the shapes line up."
    )


def _broadcast_clash(shapes: list) -> tuple | None:
    """(negative dim, sizes) of the first right-aligned dim where ``shapes`` cannot broadcast."""
    for k in range(1, max((len(s) for s in shapes), default=0) + 1):
        sizes = [s[-k] for s in shapes if len(s) >= k]
        if len({n for n in sizes if n != 1}) > 1:
            return -k, sizes
    return None


def check_user_grads(ctx: Any, grads: tuple) -> tuple:
    """What a user's ``backward`` returned, checked: one gradient (or None) per ``forward``
    input, each a Tensor (or array) whose shape the input's shape broadcasts to."""
    n = len(ctx.parents)
    if len(grads) < n or any(g is not None for g in grads[n:]):
        raise RuntimeError(
            f"function {ctx.name()} returned an incorrect number of gradients (expected {n}, "
            f"got {len(grads)}): backward must return one gradient, or None, per forward input"
        )
    for i, (g, p) in enumerate(zip(grads, ctx.parents)):
        if g is None or p is None:
            continue
        if not isinstance(g, (_function.Tensor, np.ndarray)):
            raise TypeError(
                f"function {ctx.name()} returned a {type(g).__name__} as the gradient of input "
                f"{i}; backward must return Tensors (or None)"
            )
        shape, got = tuple(p.shape), tuple(g.shape)
        if len(got) < len(shape) or any(a not in (b, 1) for a, b in zip(shape[::-1], got[::-1])):
            raise RuntimeError(
                f"function {ctx.name()} returned an invalid gradient at index {i} - got "
                f"{list(got)} but expected shape compatible with {list(shape)} (the shape of "
                f"input {i})"
            )
    return grads[:n]


def check_hook_result(hook: Any, result: Any, grad: Any) -> Any:
    """What a tensor hook returned instead of ``grad``: a Tensor (or array) of its shape."""
    name = getattr(hook, "__qualname__", None) or getattr(hook, "__name__", None) or repr(hook)
    if not isinstance(result, (_function.Tensor, np.ndarray)):
        raise TypeError(
            f"hook {name!r} returned a {type(result).__name__}; a hook must return a Tensor or "
            "None (None keeps the gradient as it is)"
        )
    if tuple(result.shape) != tuple(grad.shape):
        raise RuntimeError(
            f"hook {name!r} returned a gradient of shape {tuple(result.shape)} for a gradient "
            f"of shape {tuple(grad.shape)}; a hook may change a gradient's values, not its shape"
        )
    return (
        result
        if isinstance(result, _function.Tensor)
        else _function.Tensor._make(result, None, False)
    )
