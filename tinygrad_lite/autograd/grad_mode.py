"""Grad mode: whether new operations are recorded on the tape.

The switches live in ``STATE``, one copy per thread (like PyTorch): ``no_grad`` in one
thread never turns off recording in another. Every context manager here also works as a
decorator. Nothing in this module knows about tensors.
"""

from __future__ import annotations

import functools
import inspect
import sys
import threading
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

__all__ = [
    "no_grad", "enable_grad", "set_grad_enabled", "inference_mode", "is_grad_enabled",
    "is_inference_mode_enabled",
]  # fmt: skip


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
    previous = STATE.grad_enabled
    STATE.grad_enabled = on
    return previous


def is_grad_enabled() -> bool:
    """True when operations on tensors that require grad are being recorded (this thread)."""
    return STATE.grad_enabled


def is_inference_mode_enabled() -> bool:
    return STATE.inference


class _GradModeContext:
    """Base for the grad-mode switches: a context manager that is also a decorator."""

    __slots__ = ("_prev",)
    _enabled: bool = True

    def __enter__(self) -> None:
        self._prev = switch_grad_mode(self._enabled)

    def __exit__(self, *exc: object) -> None:
        switch_grad_mode(self._prev)

    def __call__(self, fn: F) -> F:
        if inspect.isgeneratorfunction(fn):
            return _generator_wrapper(fn, self)  # type: ignore[return-value]

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self._clone():
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    def _clone(self) -> _GradModeContext:
        return self.__class__()


def _generator_wrapper(fn: Callable, mode: _GradModeContext) -> Callable:
    """A decorated generator function: the mode holds while the generator's body runs (each
    step between yields), not while its caller runs, as in PyTorch."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        gen = fn(*args, **kwargs)
        try:
            with mode._clone():
                response = gen.send(None)
            while True:
                try:
                    request = yield response
                except GeneratorExit:
                    with mode._clone():
                        gen.close()
                    raise
                except BaseException:
                    with mode._clone():
                        response = gen.throw(*sys.exc_info()[1:2])
                else:
                    with mode._clone():
                        response = gen.send(request)
        except StopIteration as e:
            return e.value

    return wrapper


class _Bare:
    """``@no_grad`` without parentheses decorates the function directly (as PyTorch)."""

    __slots__ = ()

    def __new__(cls, orig_func: Callable | None = None) -> Any:
        self = super().__new__(cls)
        return self if orig_func is None else self(orig_func)


class no_grad(_Bare, _GradModeContext):
    """Context manager / decorator (``@no_grad()`` or ``@no_grad``): ops inside record nothing
    and results don't require grad."""

    __slots__ = ()
    _enabled = False


class enable_grad(_Bare, _GradModeContext):
    """Context manager / decorator (``@enable_grad()`` or ``@enable_grad``): turn recording
    back on (e.g. inside ``no_grad``)."""

    __slots__ = ()
    _enabled = True


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
        if callable(mode):  # ``@inference_mode`` without parentheses
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
