"""Stochastic gradient descent (with momentum, Nesterov, weight decay), as PyTorch's ``SGD``.

One step for a parameter ``p`` with gradient ``g`` (PyTorch's documented algorithm)::

    g = -g                                   if maximize
    g = g + weight_decay * p                 if weight_decay != 0
    if momentum != 0:
        buf = g                              on the first step
        buf = momentum * buf + (1 - dampening) * g   afterwards
        g = g + momentum * buf               if nesterov, else g = buf
    p = p - lr * g
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ..tensor import Tensor
from .optimizer import Optimizer

__all__ = ["SGD"]


class SGD(Optimizer):
    """Gradient descent ``p -= lr * g`` with optional momentum, dampening, Nesterov momentum,
    L2 weight decay and ``maximize`` (ascend instead); defaults as PyTorch."""

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        defaults = dict(
            lr=lr,
            momentum=momentum,
            dampening=dampening,
            weight_decay=weight_decay,
            nesterov=nesterov,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def _update(self, p: Tensor, grad: np.ndarray, group: dict[str, Any]) -> None:
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * p._array
        momentum = group["momentum"]
        if momentum != 0:
            state = self.state[p]
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = Tensor._make(np.array(grad, copy=True), None, False)
                state["momentum_buffer"] = buf
            else:
                b = buf._array
                b *= momentum
                dampening = group["dampening"]
                b += grad if dampening == 0 else (1 - dampening) * grad
            grad = grad + momentum * buf._array if group["nesterov"] else buf._array
        p._array -= group["lr"] * grad
