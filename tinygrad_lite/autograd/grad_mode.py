"""Grad mode: whether new operations are recorded on the tape.

The switches live in ``STATE``, one copy per thread (like PyTorch): ``no_grad`` in one
thread never turns off recording in another. Every context manager here also works as a
decorator (``set_grad_enabled`` and ``inference_mode`` are in ``grad_switches.py``).
Nothing in this module knows about tensors.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from .decorating import Bare, decorate

F = TypeVar("F", bound=Callable[..., Any])

__all__ = ["no_grad", "enable_grad", "is_grad_enabled", "switch_grad_mode", "STATE"]


class GradModeState(threading.local):
    """This thread's switches, read by recording and backward (class attributes: defaults)."""

    grad_enabled = True  # ops on tensors that require grad are recorded
    inference = False  # inside inference_mode()
    anomaly = False  # autograd.detect_anomaly() is on
    anomaly_check_nan = True  # ... and raises on NaN/Inf
    keep_intermediates = False  # autograd.graph.keep_intermediates(): backward frees nothing
    save_inputs = False  # autograd.graph.save_inputs(): nodes keep their arguments
    free_values = False  # autograd.graph.free_values(): backward also drops out and args


STATE = GradModeState()


def switch_grad_mode(on: bool) -> bool:
    """Set this thread's grad mode to the bool ``on``; return the mode it had."""
    previous, STATE.grad_enabled = STATE.grad_enabled, on
    return previous


def is_grad_enabled() -> bool:
    """True when operations on tensors that require grad are being recorded (this thread)."""
    return STATE.grad_enabled


class _GradModeContext:
    """Base for the grad-mode switches: a context manager that is also a decorator."""

    __slots__ = ("_prev",)
    _enabled: bool = True

    def __enter__(self) -> None:
        self._prev = switch_grad_mode(self._enabled)

    def __exit__(self, *exc: object) -> None:
        switch_grad_mode(self._prev)

    def __call__(self, fn: F) -> F:
        return decorate(self, fn)  # (generator functions too: see decorating.py)

    def _clone(self) -> _GradModeContext:
        return self.__class__()


class no_grad(Bare, _GradModeContext):
    """Context manager / decorator (``@no_grad`` or ``@no_grad()``): ops inside record
    nothing and results don't require grad."""

    __slots__ = ()
    _enabled = False


class enable_grad(Bare, _GradModeContext):
    """Context manager / decorator: turn recording back on (e.g. inside ``no_grad``)."""

    __slots__ = ()
    _enabled = True
