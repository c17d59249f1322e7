"""Argument checks and state makers shared by the optimizers (PyTorch's messages and dtypes)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import dtypes as _dt
from ..tensor import Tensor


def check_nonneg(**values: float) -> None:
    """``ValueError('Invalid <name>: v')`` for any negative value (names as PyTorch's)."""
    labels = {"lr": "learning rate", "eps": "epsilon value", "weight_decay": "weight_decay value",
              "momentum_decay": "momentum_decay value"}  # fmt: skip
    for name, v in values.items():
        if not 0.0 <= v:
            raise ValueError(f"Invalid {labels.get(name, name + ' value')}: {v}")


def check_betas(betas: tuple[float, float]) -> None:
    for i in (0, 1):
        if not 0.0 <= betas[i] < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {betas[i]}")


def check_flags(op: str, capturable: bool = False, differentiable: bool = False) -> None:
    if capturable or differentiable:
        raise NotImplementedError(
            f"{op}: capturable=True and differentiable=True are not supported (CPU, no "
            "graph capture); leave them False"
        )


def scalar_dtype() -> np.dtype:
    """The dtype of PyTorch's scalar optimizer state: float64 under a float64 default dtype,
    else float32."""
    return np.dtype(np.float64 if _dt.get_default_dtype() == _dt.float64 else np.float32)


def scalar_state(value: float) -> Tensor:
    """A 0-d state tensor such as ``state['step']``, in ``scalar_dtype()`` (as PyTorch)."""
    return Tensor._make(np.array(value, dtype=scalar_dtype()), None, False)


def zeros_like(p: Tensor) -> Tensor:
    """A zero buffer of ``p``'s shape and dtype that records no history."""
    return Tensor._make(np.zeros_like(p._array), None, False)


def flag_defaults(foreach: Any, maximize: bool, capturable: bool, differentiable: bool) -> dict:
    return dict(foreach=foreach, maximize=maximize, capturable=capturable,
                differentiable=differentiable)  # fmt: skip
