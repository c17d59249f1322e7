"""Shared formatting for the viz tools: numbers, arrays, shapes and op names as short text.

Everything that turns a value into a label goes through here, so the graph, the text tree,
the printed tape and the backward trace all write ``[-2, 3]`` the same way.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["fmt_number", "fmt_array", "fmt_shape", "op_name", "fmt_value"]


def fmt_number(x: Any, precision: int = 4) -> str:
    """One number in ``precision`` significant digits: ``2``, ``-0.5``, ``1.235e+06``."""
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    x = float(x)
    if x == 0:
        return "0"  # also turns -0 into 0
    if x != x or x in (float("inf"), float("-inf")):
        return str(x)
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.{precision}g}"


def fmt_array(a: Any, max_elems: int = 6, precision: int = 4) -> str:
    """An array as one line: all elements up to ``max_elems``, else the first few and a count
    of the rest (``[1, 2, 3, … +97]``); scalars (0-d) as a bare number."""
    arr = np.asarray(a)
    if arr.ndim == 0:
        return fmt_number(arr.item(), precision)
    flat = arr.reshape(-1)
    if flat.size <= max_elems:
        body = ", ".join(fmt_number(v, precision) for v in flat.tolist())
        return f"[{body}]"
    shown = max(max_elems - 1, 1)
    body = ", ".join(fmt_number(v, precision) for v in flat[:shown].tolist())
    return f"[{body}, … +{flat.size - shown}]"


def fmt_value(x: Any, max_elems: int = 6, precision: int = 4) -> str:
    """A scalar argument or an array, formatted (``None`` as ``?`` meaning: not available)."""
    if x is None:
        return "?"
    if isinstance(x, (list, tuple)) and not x:
        return "()"
    return fmt_array(x, max_elems, precision)


def fmt_shape(shape: Any) -> str:
    """A shape as PyTorch prints a size tuple: ``(2, 3)``, ``(5,)``, ``()``."""
    if shape is None:
        return "?"
    return str(tuple(int(n) for n in shape))


def op_name(node: Any) -> str:
    """The lower-case op name of a tape node: ``MulBackward0`` -> ``mul``; a user Function's
    class name (``MySquare``) is kept as written."""
    fn = node.fn
    name = fn.__name__
    if getattr(fn, "array_mode", False):
        return {
            "MatMul": "matmul", "LogSoftmax": "log_softmax", "LeakyRelu": "leaky_relu",
            "GetItem": "getitem", "ScatterAdd": "scatter_add", "CopyFrom": "copy_from",
            "NllLoss": "nll_loss",
        }.get(name, name.lower())  # fmt: skip
    return name
