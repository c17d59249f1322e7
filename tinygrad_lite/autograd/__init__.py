"""tinygrad_lite.autograd: the tape, backward, custom Functions, gradcheck, anomaly mode.

Read in this order: ``grad_mode`` (is recording on?), ``function`` (one op = one Node on the
tape), ``engine`` (walk the tape backwards), then ``../primitives.py`` (the calculus). That is
the reference engine; ``fast`` holds the speed-only paths, installed at import unless
``TINYGRAD_LITE_REFERENCE=1`` (``fast.use_engine("reference")`` swaps them at run time).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import engine as _engine
from . import fast, graph
from . import function as _f
from .anomaly import detect_anomaly, is_anomaly_enabled, set_detect_anomaly
from .check_module import CheckResult, check_module
from .engine import run_backward, sum_to, tape
from .function import Function, FunctionCtx, Node, Primitive
from .grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .variable import Variable  # the legacy wrapper (issue 24)

__all__ = [
    "backward", "grad", "Function", "FunctionCtx", "Node", "Primitive", "tape", "sum_to",
    "gradcheck", "gradgradcheck", "GradcheckError", "no_grad", "enable_grad", "set_grad_enabled",
    "inference_mode", "is_grad_enabled", "is_inference_mode_enabled", "detect_anomaly",
    "set_detect_anomaly", "is_anomaly_enabled", "graph", "run_backward",
    "check_module", "CheckResult", "Variable", "fast",
]  # fmt: skip


def _as_list(x: Any) -> list:
    if x is None:
        return []
    return list(x) if isinstance(x, (tuple, list)) else [x]


def _initial_grads(outputs: list, grad_outputs: list, create_graph: bool) -> list:
    """One starting gradient per output: given, or 1 for a scalar output."""
    Tensor = _f.Tensor
    if grad_outputs and len(grad_outputs) != len(outputs):
        raise RuntimeError(
            f"grad_tensors should have the same length as tensors: got {len(grad_outputs)} "
            f"gradients for {len(outputs)} outputs"
        )
    grads = []
    for k, out in enumerate(outputs):
        if not isinstance(out, Tensor):
            raise TypeError(f"backward: expected Tensors as outputs, got {type(out).__name__}")
        if not out._requires_grad:
            raise RuntimeError(
                f"element {k} of tensors does not require grad and does not have a grad_fn: "
                "nothing recorded it. Did you create the inputs with requires_grad=True, or "
                "compute it under no_grad()?"
            )
        g = grad_outputs[k] if grad_outputs else None
        if g is None:
            if out._array.size != 1:
                raise RuntimeError(
                    f"grad can be implicitly created only for scalar outputs: the output has shape "
                    f"{tuple(out.shape)}. Reduce it first (e.g. loss.sum() or loss.mean()) or pass "
                    "gradient= with the same shape as the output."
                )
            g = np.ones(out._array.shape, out._array.dtype)  # d out / d out = 1
        else:
            arr = g._array if isinstance(g, Tensor) else np.asarray(g, dtype=out._array.dtype)
            if arr.shape != out.shape:
                raise RuntimeError(
                    f"Mismatch in shape: grad_output[{k}] has a shape of {tuple(arr.shape)} and "
                    f"output[{k}] has a shape of {tuple(out.shape)}."
                )
            if create_graph and isinstance(g, Tensor):
                grads.append(g)
                continue
            g = arr
        grads.append(Tensor._make(g, None, False) if create_graph else g)
    return grads


def backward(
    tensors: Any,
    grad_tensors: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    inputs: Any = None,
) -> None:
    """Accumulate the gradients of ``tensors`` into the ``.grad`` of the leaves.

    ``grad_tensors`` are needed for non-scalar outputs. The graph's saved values are freed
    afterwards unless ``retain_graph=True``; ``create_graph=True`` records the backward pass
    itself, so the gradients can be differentiated again.
    """
    outputs = [tensors] if isinstance(tensors, _f.Tensor) else _as_list(tensors)
    grads = _initial_grads(outputs, _as_list(grad_tensors), create_graph)
    if retain_graph is None:
        retain_graph = create_graph
    only = _as_list(inputs) or None
    _engine.run_backward(outputs, grads, retain_graph, create_graph, inputs=only, accumulate=True)


def grad(
    outputs: Any,
    inputs: Any,
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool | None = None,
    materialize_grads: bool = False,
) -> tuple:
    """The gradients of ``outputs`` with respect to ``inputs``, returned (not accumulated).

    An input the outputs do not depend on is an error unless ``allow_unused=True`` (then its
    gradient is None, or zeros with ``materialize_grads=True``).
    """
    outs = _as_list(outputs)
    ins = _as_list(inputs)
    for i, t in enumerate(ins):
        if not isinstance(t, _f.Tensor) or not t._requires_grad:
            raise RuntimeError(
                f"One of the differentiated Tensors (input {i}) does not require grad"
            )
    grads = _initial_grads(outs, _as_list(grad_outputs), create_graph)
    if retain_graph is None:
        retain_graph = create_graph
    result = _engine.run_backward(
        outs, grads, retain_graph, create_graph, inputs=ins, accumulate=False
    )
    if allow_unused is None:
        allow_unused = materialize_grads
    for i, g in enumerate(result):
        if g is None:
            if not allow_unused:
                raise RuntimeError(
                    f"One of the differentiated Tensors (input {i}) appears to not have been used "
                    "in the graph. Set allow_unused=True if this is the desired behavior."
                )
            if materialize_grads:
                result[i] = _f.Tensor._make(
                    np.zeros(ins[i].shape, ins[i]._array.dtype), None, False
                )
        elif g._array.dtype != ins[i]._array.dtype:  # e.g. float32 x used with float64 y
            result[i] = g.to(ins[i].dtype)
    return tuple(result)
