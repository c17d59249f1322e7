"""Grad-mode switches used as decorators (PyTorch's rules, kept out of the lecture files).

``decorate(mode, fn)`` is what ``@no_grad()`` and friends return: the mode holds for each
call of ``fn``; for a generator function it holds while the generator's body runs (each
step between two yields), not while its caller runs. ``Bare`` lets a switch without
arguments decorate with no parentheses (``@no_grad``), as PyTorch allows.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

__all__ = ["decorate", "Bare"]


def decorate(mode: Any, fn: Callable) -> Callable:
    """``fn`` run under a fresh copy of the switch ``mode`` (``mode._clone()``) per call."""
    if inspect.isgeneratorfunction(fn):
        return _generator(mode, fn)

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with mode._clone():
            return fn(*args, **kwargs)

    return wrapper


def _generator(mode: Any, fn: Callable) -> Callable:
    """A generator function whose body runs under ``mode``; its caller's mode is untouched
    between steps. Values sent in, exceptions thrown in and ``close()`` reach the body."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        gen = fn(*args, **kwargs)
        step = functools.partial(gen.send, None)
        while True:
            try:
                with mode._clone():
                    response = step()
            except StopIteration as stop:
                return stop.value
            try:
                request = yield response
            except GeneratorExit:
                with mode._clone():
                    gen.close()
                raise
            except BaseException as e:  # noqa: BLE001 - thrown into the body
                step = functools.partial(gen.throw, e)
            else:
                step = functools.partial(gen.send, request)

    return wrapper


class Bare:
    """Mixin: ``cls(fn)`` with a function is ``cls()(fn)``, so ``@no_grad`` decorates."""

    __slots__ = ()

    def __new__(cls, orig_func: Callable | None = None) -> Any:
        self = super().__new__(cls)
        return self if orig_func is None else self(orig_func)
