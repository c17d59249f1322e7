"""Adam and AdamW (Kingma & Ba; Loshchilov & Hutter), as PyTorch's ``Adam`` and ``AdamW``.

One step for a parameter ``p`` with gradient ``g`` at step ``t = 1, 2, ...``::

    g = -g                                   if maximize
    g = g + weight_decay * p                 Adam's L2 penalty (if weight_decay != 0)
    p = p * (1 - lr * weight_decay)          AdamW's decoupled decay, instead of the line above
    m = beta1 * m + (1 - beta1) * g          running mean of gradients
    v = beta2 * v + (1 - beta2) * g * g      running mean of squared gradients
    v_max = max(v_max, v)                    if amsgrad (then v_max replaces v below)
    p = p - lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from ..tensor import Tensor
from ._checks import scalar_state, zeros_like
from .optimizer import Optimizer

__all__ = ["Adam", "AdamW"]


def _check_adam_args(lr: float, betas: tuple, eps: float, weight_decay: float) -> None:
    if lr < 0.0:
        raise ValueError(f"Invalid learning rate: {lr}")
    if eps < 0.0:
        raise ValueError(f"Invalid epsilon value: {eps}")
    if not 0.0 <= betas[0] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
    if not 0.0 <= betas[1] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
    if weight_decay < 0.0:
        raise ValueError(f"Invalid weight_decay value: {weight_decay}")


class Adam(Optimizer):
    """Adam with bias-corrected moment estimates; ``weight_decay`` adds an L2 term to the
    gradient (use ``AdamW`` for decoupled decay); optional AMSGrad and ``maximize``."""

    _decoupled = False

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        _check_adam_args(lr, betas, eps, weight_decay)
        defaults = dict(
            lr=lr,
            betas=tuple(betas),
            eps=eps,
            weight_decay=weight_decay,
            amsgrad=amsgrad,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def _update(self, p: Tensor, grad: np.ndarray, group: dict[str, Any]) -> None:
        lr, weight_decay, eps = group["lr"], group["weight_decay"], group["eps"]
        beta1, beta2 = group["betas"]
        state = self.state[p]
        if not state:
            state["step"] = scalar_state(0.0)
            state["exp_avg"] = zeros_like(p)
            state["exp_avg_sq"] = zeros_like(p)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = zeros_like(p)
        if group["maximize"]:
            grad = -grad
        if weight_decay != 0:
            if self._decoupled:
                p._array *= 1 - lr * weight_decay
            else:
                grad = grad + weight_decay * p._array
        step_t = state["step"]._array
        step_t += 1
        step = float(step_t)
        m, v = state["exp_avg"]._array, state["exp_avg_sq"]._array
        m += (1 - beta1) * (grad - m)
        v *= beta2
        v += (1 - beta2) * grad * grad
        if group["amsgrad"]:
            v_max = state["max_exp_avg_sq"]._array
            np.maximum(v_max, v, out=v_max)
            v = v_max
        step_size = lr / (1 - beta1**step)
        denom = np.sqrt(v) / math.sqrt(1 - beta2**step)
        denom += eps
        p._array -= step_size * (m / denom)


class AdamW(Adam):
    """Adam with decoupled weight decay: ``p *= 1 - lr * weight_decay`` before the Adam step
    (default ``weight_decay=1e-2``), instead of adding ``weight_decay * p`` to the gradient."""

    _decoupled = True

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize)
