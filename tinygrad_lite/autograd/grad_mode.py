"""Grad mode: whether new operations are recorded on the tape.

The switch is per thread (like PyTorch): ``no_grad`` in one thread never turns off
recording in another. Every context manager here also works as a decorator.
Nothing in this module knows about tensors.
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
    "no_grad",
    "enable_grad",
    "set_grad_enabled",
    "inference_mode",
    "is_grad_enabled",
    "is_inference_mode_enabled",
]


class _State(threading.local):
    """Per-thread switches read on every op. Class attributes are each thread's defaults."""

    _grad_enabled = True
    _off: Any = None  # an _Off while grad mode is off (see switch_grad_mode)
    inference = False
    anomaly_check_nan = True
    keep_intermediates = False
    watching = False  # anomaly or save_inputs is on: each op has more to record (one check)
    _anomaly = False
    _save_inputs = False

    @property
    def grad_enabled(self) -> bool:
        """Ops on tensors that require grad are recorded (``no_grad`` turns this off)."""
        return self._grad_enabled

    @grad_enabled.setter
    def grad_enabled(self, on: bool) -> None:
        switch_grad_mode(bool(on))

    @property
    def anomaly(self) -> bool:
        """Anomaly detection (``autograd.detect_anomaly``) is on."""
        return self._anomaly

    @anomaly.setter
    def anomaly(self, on: bool) -> None:
        self._anomaly = on
        self._watch(on or self._save_inputs)

    @property
    def save_inputs(self) -> bool:
        """Nodes keep their inputs (``autograd.graph.save_inputs``)."""
        return self._save_inputs

    @save_inputs.setter
    def save_inputs(self, on: bool) -> None:
        self._save_inputs = on
        self._watch(on or self._anomaly)

    def _watch(self, on: bool) -> None:
        with _lock:
            if on != self.watching:
                WATCHED[0] += 1 if on else -1
                self.watching = on


# One entry per thread that has grad mode off, and the number of threads that have
# ``watching`` on. Ops read these plain lists first: reading a thread-local attribute costs
# as much as a few dozen plain reads, and when no thread has flipped a switch, this one
# has not either.
GRAD_OFF: list = []
WATCHED = [0]
_lock = threading.Lock()  # (guards WATCHED)

STATE = _State()


class _Off:
    """Each thread's marker of whether it has an entry in GRAD_OFF (made the first time the
    thread turns grad mode off). When a thread ends with grad mode off, its thread-local
    state is dropped with this marker, which removes the entry: no global state outlives
    the thread."""

    __slots__ = ("off",)

    def __del__(self) -> None:
        if self.off:
            GRAD_OFF.pop()


def switch_grad_mode(on: bool) -> bool:
    """Set this thread's grad mode to the bool ``on``; return the mode it had (what the
    context managers below do on entry and exit)."""
    state = STATE
    prev = state._grad_enabled
    if on is not prev:
        GRAD_OFF.pop() if on else GRAD_OFF.append(None)  # (atomic: no lock needed)
        state._grad_enabled = on
        marker = state._off
        if marker is None:
            marker = state._off = _Off()
        marker.off = not on
    return prev


def is_grad_enabled() -> bool:
    """True when operations on tensors that require grad are being recorded (this thread)."""
    return STATE.grad_enabled


def is_inference_mode_enabled() -> bool:
    return STATE.inference


class _GradModeContext:
    """Base for the grad-mode switches: a context manager that is also a decorator."""

    __slots__ = ("_prev",)  # (no __dict__: ``with no_grad():`` runs once per training step)
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
            with self.__class__._clone(self):
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
    """``set_grad_enabled(mode)``: switch recording on or off.

    Takes effect immediately when called (as in PyTorch), and restores the previous mode on
    leaving a ``with`` block. As a decorator it sets the mode for each call.
    """

    def __init__(self, mode: bool) -> None:
        self._prev = STATE.grad_enabled
        self._enabled = bool(mode)
        STATE.grad_enabled = self._enabled

    def __enter__(self) -> None:
        pass

    def __call__(self, fn: F) -> F:
        STATE.grad_enabled = self._prev  # used as a decorator: undo the switch made by __init__
        return super().__call__(fn)

    def _clone(self) -> _GradModeContext:
        return _Switch(self._enabled)


class _Switch(_GradModeContext):
    """A plain on/off switch entered with ``with`` (what decorators use)."""

    def __init__(self, mode: bool) -> None:
        self._enabled = mode

    def _clone(self) -> _GradModeContext:
        return _Switch(self._enabled)


class inference_mode(_GradModeContext):
    """Like ``no_grad`` (``inference_mode(False)`` is a no-op), as a context manager or decorator."""

    def __new__(cls, mode: Any = True) -> Any:
        if callable(mode):  # ``@inference_mode`` without parentheses
            return cls()(mode)
        return super().__new__(cls)

    def __init__(self, mode: bool = True) -> None:
        self._mode = bool(mode)

    def __enter__(self) -> None:
        self._prev = STATE.grad_enabled
        self._prev_inf = STATE.inference
        if self._mode:
            STATE.grad_enabled = False
            STATE.inference = True

    def __exit__(self, *exc: object) -> None:
        STATE.grad_enabled = self._prev
        STATE.inference = self._prev_inf

    def _clone(self) -> _GradModeContext:
        return inference_mode(self._mode)
