"""``set_grad_enabled`` and ``inference_mode``: the other switches of grad mode (PyTorch's)."""

from __future__ import annotations

from typing import Any

from .grad_mode import STATE, F, _GradModeContext, switch_grad_mode

__all__ = ["set_grad_enabled", "inference_mode", "is_inference_mode_enabled"]


def is_inference_mode_enabled() -> bool:
    return STATE.inference


class set_grad_enabled(_GradModeContext):
    """``set_grad_enabled(mode)``: switch recording on or off now (as in PyTorch); leaving a
    ``with`` block restores the previous mode. As a decorator it sets the mode for each call."""

    __slots__ = ("_enabled",)

    def __init__(self, mode: bool) -> None:
        self._enabled = bool(mode)
        self._prev = switch_grad_mode(self._enabled)

    def __enter__(self) -> None:
        pass

    def __call__(self, fn: F) -> F:
        switch_grad_mode(self._prev)  # used as a decorator: undo the switch made by __init__
        return super().__call__(fn)

    def _clone(self) -> _GradModeContext:
        return _Switch(self._enabled)


class _Switch(_GradModeContext):
    """A plain on/off switch entered with ``with`` (what decorators use)."""

    __slots__ = ("_enabled",)

    def __init__(self, mode: bool) -> None:
        self._enabled = mode

    def _clone(self) -> _GradModeContext:
        return _Switch(self._enabled)


class inference_mode(_GradModeContext):
    """Like ``no_grad`` (``inference_mode(False)`` is a no-op), as a context manager or decorator."""

    __slots__ = ("_mode", "_prev_inference")

    def __new__(cls, mode: Any = True) -> Any:
        if callable(mode):  # ``@inference_mode`` without parentheses (as PyTorch)
            return cls()(mode)
        return super().__new__(cls)

    def __init__(self, mode: bool = True) -> None:
        self._mode = bool(mode)

    def __enter__(self) -> None:
        self._prev_inference = STATE.inference
        self._prev = switch_grad_mode(False) if self._mode else STATE.grad_enabled
        if self._mode:
            STATE.inference = True

    def __exit__(self, *exc: object) -> None:
        switch_grad_mode(self._prev)
        STATE.inference = self._prev_inference

    def _clone(self) -> _GradModeContext:
        return inference_mode(self._mode)
