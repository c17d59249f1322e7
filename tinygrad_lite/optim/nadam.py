"""NAdam (Dozat, 2016: Adam with Nesterov momentum and a momentum schedule), as PyTorch's
``NAdam``.

One step for a parameter ``p`` with gradient ``g`` at step ``t = 1, 2, ...``::

    g = -g                                          if maximize
    p = p * (1 - lr * weight_decay)                 if decoupled_weight_decay, else
    g = g + weight_decay * p                        (if weight_decay != 0)
    mu_t = beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))
    prod = mu_1 * ... * mu_t                        (kept in a scalar state tensor)
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g * g
    denom = sqrt(v / (1 - beta2**t)) + eps
    p = p - lr * (1 - mu_t) / (1 - prod) * g / denom
          - lr * mu_{t+1} / (1 - prod * mu_{t+1}) * m / denom
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ..tensor import Tensor
from ._checks import (
    check_betas,
    check_flags,
    check_nonneg,
    flag_defaults,
    scalar_state,
    zeros_like,
)
from .optimizer import Optimizer

__all__ = ["NAdam"]


class NAdam(Optimizer):
    """Adam with Nesterov momentum (default ``lr=2e-3``, ``momentum_decay=4e-3``)."""

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum_decay: float = 4e-3,
        decoupled_weight_decay: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
    ) -> None:
        check_nonneg(lr=lr, eps=eps)
        check_betas(betas)
        check_nonneg(weight_decay=weight_decay, momentum_decay=momentum_decay)
        check_flags("NAdam", capturable, differentiable)
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                        momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay,
                        **flag_defaults(foreach, maximize, capturable, differentiable))  # fmt: skip
        super().__init__(params, defaults)

    def _update(self, p: Tensor, grad: np.ndarray, group: dict[str, Any]) -> None:
        lr, wd, eps = group["lr"], group["weight_decay"], group["eps"]
        beta1, beta2 = group["betas"]
        decay = group["momentum_decay"]
        state = self.state[p]
        if not state:
            state["step"] = scalar_state(0.0)
            state["mu_product"] = scalar_state(1.0)
            state["exp_avg"] = zeros_like(p)
            state["exp_avg_sq"] = zeros_like(p)
        if group["maximize"]:
            grad = -grad
        state["step"]._array += 1
        step = float(state["step"]._array)
        bias_correction2 = 1 - beta2**step
        if wd != 0:
            if group["decoupled_weight_decay"]:
                p._array *= 1 - lr * wd
            else:
                grad = grad + wd * p._array
        mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * decay)))
        mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * decay)))
        prod = state["mu_product"]._array
        prod *= mu
        m, v = state["exp_avg"]._array, state["exp_avg_sq"]._array
        m += (1 - beta1) * (grad - m)
        v *= beta2
        v += (1 - beta2) * grad * grad
        denom = np.sqrt(v / bias_correction2) + eps
        prod_value = float(prod)
        prod_next = prod_value * mu_next
        p._array += (-lr * (1.0 - mu) / (1.0 - prod_value)) * grad / denom
        p._array += ((-lr * mu_next) / (1.0 - prod_next)) * m / denom
