"""The two primitives ``nn.functional`` adds because composing them would be unstable.

- ``LogSigmoid``: log σ(x). Built from relu/abs/log1p its gradient at exactly x = 0 would be
  0 (both kinks contribute nothing) instead of ½; zero logits are common (zero-initialised
  models), so ``softplus`` and ``binary_cross_entropy_with_logits`` are built on this.
- ``BinaryCrossEntropy``: -(y log x + (1-y) log(1-x)) with each log clamped at -100, and
  PyTorch's gradient (x - y) / max(x(1-x), 1e-12), which stays finite when a saturated
  sigmoid gives x = 0 or 1 exactly (a composite would give 0/0 = nan there).

As in ``tinygrad_lite.primitives``, ``backward`` uses only operators and NumPy ufuncs, so it
also runs on Tensors when ``create_graph=True``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.function import Primitive

__all__ = ["LogSigmoid", "BinaryCrossEntropy"]

Ctx = Any


class LogSigmoid(Primitive):
    """f(x) = log σ(x) = min(x, 0) - log(1 + e^-|x|);  f'(x) = σ(-x) = -expm1(f(x))"""

    @staticmethod
    def forward(ctx: Ctx, x):
        out = np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))
        ctx.saved = (out,)
        return out

    @staticmethod
    def backward(ctx: Ctx, g):
        (out,) = ctx.saved
        return -g * np.expm1(out)


class BinaryCrossEntropy(Primitive):
    """f(x, y) = -(y·max(log x, -100) + (1-y)·max(log(1-x), -100))"""

    @staticmethod
    def forward(ctx: Ctx, x, y):
        with np.errstate(divide="ignore"):
            log_x = np.maximum(np.log(x), -100)
            log_1mx = np.maximum(np.log(1 - x), -100)
        ctx.saved = (x, y)
        return -(y * log_x + (1 - y) * log_1mx)

    @staticmethod
    def backward(ctx: Ctx, g):
        x, y = ctx.saved
        gx = gy = None
        if ctx.needs_input_grad[0]:
            gx = g * (x - y) / np.maximum(x * (1 - x), 1e-12)
        if ctx.needs_input_grad[1]:
            with np.errstate(divide="ignore"):
                gy = g * (np.maximum(np.log(1 - x), -100) - np.maximum(np.log(x), -100))
        return gx, gy
