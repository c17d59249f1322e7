"""``nn.utils``: gradient clipping and flattening parameters into one vector."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ... import ops
from ...autograd.function import bump_version
from ...tensor import Tensor

__all__ = [
    "clip_grad_norm_", "clip_grad_value_", "parameters_to_vector", "vector_to_parameters",
]  # fmt: skip


def _as_list(parameters: Tensor | Iterable[Tensor]) -> list[Tensor]:
    return [parameters] if isinstance(parameters, Tensor) else list(parameters)


def _write(grad: Tensor, value: np.ndarray) -> None:
    """Store ``value`` in the gradient tensor's own memory (as PyTorch's in-place ops)."""
    if grad._array.flags.writeable:
        np.copyto(grad._array, value, casting="unsafe")
    else:
        grad._array = value.astype(grad._array.dtype, copy=False)
    bump_version(grad)


def clip_grad_norm_(
    parameters: Tensor | Iterable[Tensor],
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
    foreach: bool | None = None,
) -> Tensor:
    """Scale all gradients in place so that their joint ``norm_type``-norm (as if all were
    concatenated into one vector) is at most ``max_norm``; returns that norm before clipping.

    Raises RuntimeError if the norm is nan/inf and ``error_if_nonfinite`` is True.
    """
    grads = [p.grad for p in _as_list(parameters) if p.grad is not None]
    if not grads:
        return Tensor._make(np.zeros((), dtype=np.float32), None, False)
    norm_type = float(norm_type)
    dtype = grads[0]._array.dtype
    if norm_type == np.inf:
        norms = [np.abs(g._array).max(initial=0) for g in grads]
        total = np.max(np.asarray(norms, dtype=dtype))
    else:
        norms = [np.linalg.norm(g._array.ravel(), norm_type) for g in grads]
        total = np.linalg.norm(np.asarray(norms, dtype=dtype), norm_type)
    total = np.asarray(total, dtype=dtype)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is "
            "non-finite, so it cannot be clipped. To disable this error and scale the "
            "gradients by the non-finite norm anyway, set `error_if_nonfinite=False`"
        )
    coef = np.minimum(np.asarray(max_norm, dtype=dtype) / (total + dtype.type(1e-6)), 1.0)
    for g in grads:
        _write(g, g._array * coef.astype(g._array.dtype))
    return Tensor._make(total, None, False)


def clip_grad_value_(
    parameters: Tensor | Iterable[Tensor], clip_value: float, foreach: bool | None = None
) -> None:
    """Clamp every gradient element in place to [-clip_value, clip_value]."""
    clip_value = float(clip_value)
    for p in _as_list(parameters):
        if p.grad is not None:
            _write(p.grad, np.clip(p.grad._array, -clip_value, clip_value))


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """All parameters flattened and joined into one 1-D tensor (differentiable)."""
    return ops.cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Copy consecutive slices of the 1-D ``vec`` into the parameters (inverse of
    ``parameters_to_vector``); raises if the sizes do not add up."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected Tensor, but got: {type(vec).__name__}")
    params = list(parameters)
    total = sum(p.numel() for p in params)
    if vec.ndim != 1 or vec.numel() != total:
        raise RuntimeError(
            f"vector_to_parameters: vec of shape {tuple(vec.shape)} does not match the "
            f"parameters' total size {total}"
        )
    flat = vec._array
    pointer = 0
    for p in params:
        n = p.numel()
        p._array = flat[pointer : pointer + n].reshape(p.shape).astype(p._array.dtype, copy=False)
        pointer += n
