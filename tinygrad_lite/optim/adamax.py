"""Adamax (Kingma & Ba, section 7.1: Adam with the infinity norm), as PyTorch's ``Adamax``.

One step for a parameter ``p`` with gradient ``g`` at step ``t = 1, 2, ...``::

    g = -g                                        if maximize
    g = g + weight_decay * p                      if weight_decay != 0
    m = beta1 * m + (1 - beta1) * g               running mean of gradients
    u = max(beta2 * u, |g| + eps)                 decaying infinity norm
    p = p - lr / (1 - beta1**t) * m / u
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

__all__ = ["Adamax"]


class Adamax(Optimizer):
    """Adam whose second moment is a decaying maximum of |g| (default ``lr=2e-3``)."""

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
    ) -> None:
        check_nonneg(lr=lr, eps=eps)
        check_betas(betas)
        check_nonneg(weight_decay=weight_decay)
        check_flags("Adamax", capturable, differentiable)
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                        **flag_defaults(foreach, maximize, capturable, differentiable))  # fmt: skip
        super().__init__(params, defaults)

    def _update(self, p: Tensor, grad: np.ndarray, group: dict[str, Any]) -> None:
        beta1, beta2 = group["betas"]
        state = self.state[p]
        if not state:
            state["step"] = scalar_state(0.0)
            state["exp_avg"] = zeros_like(p)
            state["exp_inf"] = zeros_like(p)
        if group["maximize"]:
            grad = -grad
        state["step"]._array += 1
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * p._array
        m, u = state["exp_avg"]._array, state["exp_inf"]._array
        m += (1 - beta1) * (grad - m)
        u *= beta2
        np.maximum(u, np.abs(grad) + group["eps"], out=u)
        clr = group["lr"] / (1 - beta1 ** float(state["step"]._array))
        p._array += -clr * m / u
