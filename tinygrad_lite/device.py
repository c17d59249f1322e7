"""Devices: tinygrad_lite computes on the CPU only; ``device("cpu")`` is accepted everywhere
PyTorch takes a device, and anything else is a clear error."""

from __future__ import annotations

from typing import Any

__all__ = ["device", "check_device", "set_default_device", "get_default_device", "cuda"]


class device:
    """``device("cpu")`` (or ``device("cpu", 0)``); the only device there is."""

    __slots__ = ("type", "index")

    def __init__(self, type: Any = "cpu", index: int | None = None) -> None:  # noqa: A002
        if isinstance(type, device):
            type, index = type.type, type.index
        name = str(type)
        if ":" in name:
            name, _, idx = name.partition(":")
            index = int(idx)
        if name != "cpu":
            raise RuntimeError(_unsupported(name))
        self.type = "cpu"
        self.index = index

    def __repr__(self) -> str:
        return (
            "device(type='cpu')"
            if self.index is None
            else f"device(type='cpu', index={self.index})"
        )

    def __str__(self) -> str:
        return "cpu"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            return other in ("cpu", "cpu:0")
        return isinstance(other, device)

    def __hash__(self) -> int:
        return hash("cpu")


def _unsupported(name: str) -> str:
    return (
        f"device '{name}' is not available: tinygrad_lite runs on the CPU only. "
        "Use device='cpu' (scripts that check tinygrad_lite.cuda.is_available() pick it)."
    )


def check_device(dev: Any, op: str = "tensor") -> None:
    """Raise a clear error unless ``dev`` is None, "cpu", "cpu:N" or a cpu ``device``."""
    if dev is None or isinstance(dev, device):
        return
    name = str(dev).partition(":")[0]
    if name != "cpu":
        raise RuntimeError(f"{op}: " + _unsupported(str(dev)))


def set_default_device(dev: Any) -> None:
    """Only "cpu" (or None) is accepted."""
    check_device(dev, "set_default_device")


def get_default_device() -> device:
    return device("cpu")


class cuda:
    """``tinygrad_lite.cuda.is_available()`` is False, so device-agnostic scripts pick the CPU."""

    @staticmethod
    def is_available() -> bool:
        return False

    @staticmethod
    def device_count() -> int:
        return 0

    @staticmethod
    def manual_seed(seed: int) -> None:
        pass

    @staticmethod
    def manual_seed_all(seed: int) -> None:
        pass

    @staticmethod
    def synchronize(device: Any = None) -> None:
        """Nothing to wait for on the CPU."""

    @staticmethod
    def empty_cache() -> None:
        """No device memory to free."""

    @staticmethod
    def is_initialized() -> bool:
        return False

    @staticmethod
    def set_device(device: Any) -> None:
        """Accepted and ignored: scripts call it before checking ``is_available()``; tensors
        asked for on a CUDA device still get the clear error."""
