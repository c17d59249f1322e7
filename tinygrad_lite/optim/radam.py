"""RAdam (Liu et al., 2019: Adam with a rectified adaptive learning rate), as PyTorch's
``RAdam``.

One step for a parameter ``p`` with gradient ``g`` at step ``t = 1, 2, ...``::

    g = -g                                          if maximize
    p = p * (1 - lr * weight_decay)                 if decoupled_weight_decay, else
    g = g + weight_decay * p                        (if weight_decay != 0)
    m = beta1 * m + (1 - beta1) * g;   v = beta2 * v + (1 - beta2) * g * g
    m_hat = m / (1 - beta1**t)
    rho_inf = 2 / (1 - beta2) - 1;     rho_t = rho_inf - 2 t beta2**t / (1 - beta2**t)
    if rho_t > 5:  p = p - lr * m_hat * sqrt(1 - beta2**t) / (sqrt(v) + eps) * r_t,
                   r_t = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
    else:          p = p - lr * m_hat   (the variance estimate is not yet reliable)
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

__all__ = ["RAdam"]


class RAdam(Optimizer):
    """Adam that falls back to plain momentum SGD while the second-moment estimate has too
    few samples (rho_t <= 5), then rectifies the adaptive step."""

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        decoupled_weight_decay: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
    ) -> None:
        check_nonneg(lr=lr, eps=eps)
        check_betas(betas)
        check_nonneg(weight_decay=weight_decay)
        check_flags("RAdam", capturable, differentiable)
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                        decoupled_weight_decay=decoupled_weight_decay,
                        **flag_defaults(foreach, maximize, capturable, differentiable))  # fmt: skip
        super().__init__(params, defaults)

    def _update(self, p: Tensor, grad: np.ndarray, group: dict[str, Any]) -> None:
        lr, wd, eps = group["lr"], group["weight_decay"], group["eps"]
        beta1, beta2 = group["betas"]
        state = self.state[p]
        if not state:
            state["step"] = scalar_state(0.0)
            state["exp_avg"] = zeros_like(p)
            state["exp_avg_sq"] = zeros_like(p)
        if group["maximize"]:
            grad = -grad
        state["step"]._array += 1
        step = float(state["step"]._array)
        if wd != 0:
            if group["decoupled_weight_decay"]:
                p._array *= 1 - lr * wd
            else:
                grad = grad + wd * p._array
        m, v = state["exp_avg"]._array, state["exp_avg_sq"]._array
        m += (1 - beta1) * (grad - m)
        v *= beta2
        v += (1 - beta2) * grad * grad
        bias_correction1 = 1 - beta1**step
        bias_correction2 = 1 - beta2**step
        m_hat = m / bias_correction1
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2**step) / bias_correction2
        if rho_t > 5.0:
            rect = (
                (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)
            ) ** 0.5
            adaptive = (bias_correction2**0.5) / (np.sqrt(v) + eps)
            p._array -= m_hat * lr * adaptive * rect
        else:
            p._array -= m_hat * lr
