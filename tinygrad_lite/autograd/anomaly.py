"""Anomaly detection: find the op whose value or gradient first became NaN or Inf.

Inside ``detect_anomaly()`` (or after ``set_detect_anomaly(True)``) every recorded op keeps
the place in the user's code that created it, a forward output that has NaN/Inf although
the op's inputs were finite raises, and so does every NaN/Inf gradient backward computes. The error names the op and that file:line. It is
slow (a stack walk per op), so it is off unless asked for. Per thread, like grad mode.
"""

from __future__ import annotations

import functools
import math
import os
import sys
from typing import Any

import numpy as np

from .grad_mode import STATE

__all__ = ["detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled"]

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def is_anomaly_enabled() -> bool:
    return STATE.anomaly


class detect_anomaly:
    """Context manager (and decorator) that turns anomaly detection on in this thread."""

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan

    def __enter__(self) -> None:
        self._prev = (STATE.anomaly, STATE.anomaly_check_nan)
        STATE.anomaly, STATE.anomaly_check_nan = True, self.check_nan

    def __exit__(self, *exc: object) -> None:
        STATE.anomaly, STATE.anomaly_check_nan = self._prev

    def __call__(self, fn: Any) -> Any:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with detect_anomaly(self.check_nan):
                return fn(*args, **kwargs)

        return wrapper


class set_detect_anomaly(detect_anomaly):
    """``set_detect_anomaly(mode)``: switch anomaly detection on/off now (and on ``with`` exit, back)."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self._prev = (STATE.anomaly, STATE.anomaly_check_nan)
        self.check_nan = check_nan
        STATE.anomaly, STATE.anomaly_check_nan = bool(mode), check_nan

    def __enter__(self) -> None:
        pass


def _user_frame() -> str:
    """file:line of the innermost caller outside this package."""
    frame = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not os.path.abspath(filename).startswith(_PACKAGE_DIR):
            return f"{filename}:{frame.f_lineno}"
        frame = frame.f_back
    return "<unknown>"


def _bad(values: Any) -> bool:
    """True if ``values`` (an array or Tensor) is floating point and has a NaN or Inf."""
    arr = getattr(values, "_array", values)
    if isinstance(arr, float):  # a Python constant such as float("-inf")
        return not math.isfinite(arr)
    return isinstance(arr, np.ndarray) and arr.dtype.kind == "f" and not np.isfinite(arr).all()


def on_forward(node: Any, out: np.ndarray, inputs: Any = ()) -> None:
    """Called for each recorded op while anomaly mode is on: remember where the op was
    created, and raise if its output has NaN/Inf although its inputs were finite (the op
    where the problem first appears; a deliberate -inf mask passed in is not an anomaly)."""
    node.trace = _user_frame()
    if STATE.anomaly_check_nan and _bad(out) and not any(_bad(x) for x in inputs):
        raise RuntimeError(
            f"anomaly detected: the forward value of {node.fn.__name__} (created at {node.trace}) "
            "contains NaN or Inf. Check that op's inputs (log/sqrt of non-positive values, "
            "division by zero, overflow in exp)."
        )


def on_backward(node: Any, input_grads: tuple) -> None:
    """Called after each VJP while anomaly mode is on."""
    if not STATE.anomaly_check_nan:
        return
    for i, g in enumerate(input_grads):
        if g is not None and _bad(g):
            raise RuntimeError(
                f"anomaly detected: function '{node.name()}' returned NaN or Inf values in its "
                f"gradient for input {i}. The op was created at {node.trace or '<unknown>'}."
            )
