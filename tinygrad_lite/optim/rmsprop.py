"""RMSprop (Hinton's lecture notes; centered variant of Graves), as PyTorch's ``RMSprop``.

One step for a parameter ``p`` with gradient ``g``::

    g = -g                                   if maximize
    g = g + weight_decay * p                 if weight_decay != 0
    v = alpha * v + (1 - alpha) * g * g      running mean of squared gradients
    if centered:
        m = alpha * m + (1 - alpha) * g      running mean of gradients
        denom = sqrt(v - m * m) + eps
    else:
        denom = sqrt(v) + eps
    if momentum > 0:
        buf = momentum * buf + g / denom;  p = p - lr * buf
    else:
        p = p - lr * g / denom
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ..tensor import Tensor
from ._checks import scalar_state, zeros_like
from .optimizer import Optimizer

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """Divide the gradient by a running root-mean-square of recent gradients; optional
    momentum, centering (subtract the mean gradient), L2 weight decay and ``maximize``."""

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if eps < 0.0:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if alpha < 0.0:
            raise ValueError(f"Invalid alpha value: {alpha}")
        defaults = dict(
            lr=lr,
            alpha=alpha,
            eps=eps,
            weight_decay=weight_decay,
            momentum=momentum,
            centered=centered,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def _update(self, p: Tensor, grad: np.ndarray, group: dict[str, Any]) -> None:
        alpha, momentum = group["alpha"], group["momentum"]
        state = self.state[p]
        if not state:
            state["step"] = scalar_state(0.0)
            state["square_avg"] = zeros_like(p)
            if momentum > 0:
                state["momentum_buffer"] = zeros_like(p)
            if group["centered"]:
                state["grad_avg"] = zeros_like(p)
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * p._array
        state["step"]._array += 1
        v = state["square_avg"]._array
        v *= alpha
        v += (1 - alpha) * grad * grad
        if group["centered"]:
            m = state["grad_avg"]._array
            m += (1 - alpha) * (grad - m)
            denom = np.sqrt(v - m * m)
        else:
            denom = np.sqrt(v)
        denom += group["eps"]
        if momentum > 0:
            buf = state["momentum_buffer"]._array
            buf *= momentum
            buf += grad / denom
            p._array -= group["lr"] * buf
        else:
            p._array -= group["lr"] * (grad / denom)
