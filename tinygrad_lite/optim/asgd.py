"""ASGD (averaged SGD; Polyak & Juditsky, 1992), as PyTorch's ``ASGD``.

One step for a parameter ``p`` with gradient ``g`` at step ``t = 1, 2, ...`` (``eta`` starts
at ``lr``, ``mu`` at 1; both are scalar state tensors)::

    g = -g                                       if maximize
    g = g + weight_decay * p                     if weight_decay != 0
    p = p * (1 - lambd * eta) - eta * g
    ax = ax + mu * (p - ax)                      (ax = p while mu == 1)
    eta = lr / (1 + lambd * lr * t) ** alpha
    mu = 1 / max(1, t - t0)                      averaging starts after t0 steps
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ..tensor import Tensor
from ._checks import check_flags, check_nonneg, flag_defaults, scalar_state, zeros_like
from .optimizer import Optimizer

__all__ = ["ASGD"]


class ASGD(Optimizer):
    """SGD with a decaying step size and a running average ``state['ax']`` of the iterates
    (the averaged parameters are in the state; the parameters themselves follow SGD)."""

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        lambd: float = 1e-4,
        alpha: float = 0.75,
        t0: float = 1e6,
        weight_decay: float = 0,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
    ) -> None:
        check_nonneg(lr=lr, weight_decay=weight_decay)
        check_flags("ASGD", capturable, differentiable)
        defaults = dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                        **flag_defaults(foreach, maximize, capturable, differentiable))  # fmt: skip
        super().__init__(params, defaults)

    def _update(self, p: Tensor, grad: np.ndarray, group: dict[str, Any]) -> None:
        lr, lambd = group["lr"], group["lambd"]
        state = self.state[p]
        if not state:
            state["step"] = scalar_state(0.0)
            state["eta"] = scalar_state(lr)
            state["mu"] = scalar_state(1.0)
            state["ax"] = zeros_like(p)
        if group["maximize"]:
            grad = -grad
        state["step"]._array += 1
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * p._array
        eta = float(state["eta"]._array)
        p._array *= 1 - lambd * eta
        p._array += -eta * grad
        ax, mu = state["ax"]._array, state["mu"]._array
        if float(mu) != 1:
            ax += (p._array - ax) * mu
        else:
            ax[...] = p._array
        step = float(state["step"]._array)
        state["eta"]._array[...] = lr / ((1 + lambd * lr * step) ** group["alpha"])
        state["mu"]._array[...] = 1 / max(1, step - group["t0"])
