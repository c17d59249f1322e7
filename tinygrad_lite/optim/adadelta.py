"""Adadelta (Zeiler, 2012), as PyTorch's ``Adadelta``.

One step for a parameter ``p`` with gradient ``g``::

    g = -g                                       if maximize
    g = g + weight_decay * p                     if weight_decay != 0
    v = rho * v + (1 - rho) * g * g              running mean of squared gradients
    delta = sqrt(u + eps) / sqrt(v + eps) * g    u: running mean of squared updates
    u = rho * u + (1 - rho) * delta * delta
    p = p - lr * delta
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ..tensor import Tensor
from ._checks import check_flags, check_nonneg, flag_defaults, scalar_state, zeros_like
from .optimizer import Optimizer

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    """Per-coordinate steps from the ratio of running RMS of updates to RMS of gradients
    (``lr`` only scales the result; default 1.0)."""

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0,
        foreach: bool | None = None,
        *,
        capturable: bool = False,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        check_nonneg(lr=lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        check_nonneg(eps=eps, weight_decay=weight_decay)
        check_flags("Adadelta", capturable, differentiable)
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay,
                        **flag_defaults(foreach, maximize, capturable, differentiable))  # fmt: skip
        super().__init__(params, defaults)

    def _update(self, p: Tensor, grad: np.ndarray, group: dict[str, Any]) -> None:
        rho, eps = group["rho"], group["eps"]
        state = self.state[p]
        if not state:
            state["step"] = scalar_state(0.0)
            state["square_avg"] = zeros_like(p)
            state["acc_delta"] = zeros_like(p)
        state["step"]._array += 1
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * p._array
        v, u = state["square_avg"]._array, state["acc_delta"]._array
        v *= rho
        v += (1 - rho) * grad * grad
        delta = np.sqrt(u + eps) / np.sqrt(v + eps) * grad
        u *= rho
        u += (1 - rho) * delta * delta
        p._array -= group["lr"] * delta
