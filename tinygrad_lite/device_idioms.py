"""What CPU-only scripts still write about devices: ``accelerator``, ``backends`` flags,
``compile``, ``amp.autocast``/``GradScaler`` — all accepted, none changing a result, since
tinygrad_lite computes on the CPU only. Asking for another device stays a clear error
(``device.check_device``)."""

from __future__ import annotations

import types
from contextlib import AbstractContextManager
from typing import Any

from .device import check_device

__all__ = ["accelerator", "backends", "compile", "amp", "autocast"]


class _Accelerator:
    """``tinygrad_lite.accelerator``: there is none, so scripts fall back to the CPU."""

    @staticmethod
    def is_available() -> bool:
        return False

    @staticmethod
    def current_accelerator(check_available: bool = False) -> None:
        return None

    @staticmethod
    def device_count() -> int:
        return 0

    @staticmethod
    def synchronize(device: Any = None) -> None:
        """Nothing to wait for on the CPU."""


accelerator = _Accelerator()


def _flags(**defaults: Any) -> types.SimpleNamespace:
    return types.SimpleNamespace(**defaults)


backends = types.SimpleNamespace(
    cudnn=_flags(
        enabled=True, benchmark=False, deterministic=False, allow_tf32=True,
        is_available=lambda: False, version=lambda: None,
    ),
    cuda=_flags(
        matmul=_flags(allow_tf32=False, allow_fp16_reduced_precision_reduction=True),
        is_built=lambda: False,
    ),
    mps=_flags(is_available=lambda: False, is_built=lambda: False),
    mkldnn=_flags(enabled=True, is_available=lambda: False),
    openmp=_flags(is_available=lambda: False),
)  # fmt: skip
"""``torch.backends``: the flags scripts set (cudnn.benchmark, cuda.matmul.allow_tf32, ...)
are plain attributes here, kept but without effect; ``mps.is_available()`` is False."""


def compile(model: Any = None, **options: Any) -> Any:  # noqa: A001 - PyTorch's name
    """``torch.compile``: returns ``model`` (a Module or a function) unchanged; with no model,
    a decorator that does the same (``@compile(mode=...)``)."""
    if model is None:
        return lambda m: m
    return model


class autocast(AbstractContextManager):
    """``torch.autocast``/``torch.amp.autocast``: a no-op context (and decorator); only
    ``enabled=False`` or the CPU is meaningful here, and nothing is cast."""

    def __init__(self, device_type: str = "cpu", dtype: Any = None, enabled: bool = True,
                 cache_enabled: Any = None) -> None:  # fmt: skip
        check_device(device_type, "autocast")
        self.device_type, self.fast_dtype, self.enabled = device_type, dtype, enabled

    def __exit__(self, *exc: Any) -> None:
        return None

    def __call__(self, fn: Any) -> Any:
        return fn


class GradScaler:
    """``torch.amp.GradScaler`` without mixed precision: ``scale(loss)`` is ``loss``,
    ``step(opt)`` calls ``opt.step()``, ``update()`` does nothing."""

    def __init__(self, device: str = "cpu", init_scale: float = 65536.0, growth_factor: float = 2.0,
                 backoff_factor: float = 0.5, growth_interval: int = 2000,
                 enabled: bool = True) -> None:  # fmt: skip
        self._enabled = enabled

    def scale(self, outputs: Any) -> Any:
        return outputs

    def step(self, optimizer: Any, *args: Any, **kwargs: Any) -> Any:
        return optimizer.step(*args, **kwargs)

    def update(self, new_scale: Any = None) -> None:
        return None

    def unscale_(self, optimizer: Any) -> None:
        return None

    def get_scale(self) -> float:
        return 1.0

    def is_enabled(self) -> bool:
        return False

    def state_dict(self) -> dict:
        return {}

    def load_state_dict(self, state_dict: dict) -> None:
        return None


amp = types.SimpleNamespace(autocast=autocast, GradScaler=GradScaler)
