"""check_module: gradcheck every parameter of a Module against central finite differences.

What a student runs after writing a custom layer or ``autograd.Function``::

    result = autograd.check_module(model, nn.MSELoss(), x, y)   # prints a table
    assert result.ok

The check works on a float64 copy of the model and the batch (float32 rounding would swamp
the finite differences); the model you pass in is not changed. For each parameter it
compares the gradient from backward with ``(L(p + ε) - L(p - ε)) / 2ε`` element by element.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from . import function as _f
from .grad_mode import enable_grad, no_grad

__all__ = ["check_module", "CheckResult", "CheckRow"]


class CheckRow:
    """One parameter's verdict: name, shape, max abs/rel error, elements checked, ok."""

    __slots__ = ("name", "shape", "max_abs_err", "max_rel_err", "checked", "ok")

    def __init__(self, name: str, shape: tuple, abs_err: float, rel_err: float, checked: int,
                 ok: bool) -> None:  # fmt: skip
        self.name = name
        self.shape = shape
        self.max_abs_err = abs_err
        self.max_rel_err = rel_err
        self.checked = checked
        self.ok = ok

    def __repr__(self) -> str:
        return (f"CheckRow({self.name!r}, shape={self.shape}, max_abs_err={self.max_abs_err:.3g}, "
                f"max_rel_err={self.max_rel_err:.3g}, ok={self.ok})")  # fmt: skip


class CheckResult:
    """The rows of ``check_module`` (one per parameter); ``ok`` is True if all passed.
    ``str(result)`` is the table."""

    def __init__(self, rows: list[CheckRow], atol: float, rtol: float) -> None:
        self.rows = rows
        self.atol = atol
        self.rtol = rtol

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.rows)

    def __bool__(self) -> bool:
        return self.ok

    def __iter__(self) -> Any:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, key: int | str) -> CheckRow:
        if isinstance(key, str):
            for r in self.rows:
                if r.name == key:
                    return r
            raise KeyError(f"check_module: no parameter named {key!r}")
        return self.rows[key]

    def __str__(self) -> str:
        head = ("parameter", "shape", "max abs err", "max rel err", "result")
        body = [
            (r.name, str(r.shape), f"{r.max_abs_err:.3e}", f"{r.max_rel_err:.3e}",
             "pass" if r.ok else "FAIL")
            for r in self.rows
        ]  # fmt: skip
        widths = [max(len(row[i]) for row in [head, *body]) for i in range(5)]
        lines = [
            "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in [head, *body]
        ]
        lines.insert(1, "  ".join("-" * w for w in widths))
        verdict = "all gradients match" if self.ok else "some gradients do NOT match"
        rule = f"|backward - numeric| <= {self.atol:g} + {self.rtol:g}·|numeric|"
        lines.append(f"{verdict} ({rule})")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)


def _double_copy(model: Any) -> Any:
    twin = copy.deepcopy(model)
    if hasattr(twin, "double"):
        twin.double()
    for _, p in twin.named_parameters():
        p.grad = None
    return twin


def _double_input(x: Any) -> Any:
    if isinstance(x, _f.Tensor) and x.is_floating_point():
        return x.detach().double()
    return x


def check_module(
    model: Any,
    loss_fn: Callable[..., Any],
    *batch: Any,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    max_checks: int | None = None,
    seed: int = 0,
    verbose: bool = True,
) -> CheckResult:
    """Compare backward's gradient of every parameter of ``model`` with finite differences.

    The loss is ``loss_fn(model(batch[0]), *batch[1:])`` (e.g. ``nn.MSELoss()`` with
    ``x, y``) and must be a scalar. ``max_checks`` limits how many elements per parameter
    are perturbed (chosen at random with ``seed``); the table is printed unless
    ``verbose=False``. Every evaluation replays the same random numbers, so dropout layers
    can stay in training mode. Returns a ``CheckResult`` (rows + ``.ok``)."""
    if not batch:
        raise TypeError("check_module: pass the batch after loss_fn, e.g. check_module(model, "
                        "loss_fn, x, y); the loss is loss_fn(model(x), y)")  # fmt: skip
    if not hasattr(model, "named_parameters"):
        raise TypeError(f"check_module: expected a Module, got {type(model).__name__}")
    twin = _double_copy(model)
    inputs = [_double_input(b) for b in batch]
    params = [(n, p) for n, p in twin.named_parameters() if p.requires_grad]
    if not params:
        raise ValueError("check_module: the model has no parameters that require grad")

    from ..random import default_generator

    rng_state = default_generator.get_state()

    def loss_value() -> Any:
        # the same random numbers every time, so dropout masks match between evaluations
        default_generator.set_state(rng_state)
        loss = loss_fn(twin(inputs[0]), *inputs[1:])
        if not isinstance(loss, _f.Tensor) or loss.numel() != 1:
            shape = tuple(loss.shape) if isinstance(loss, _f.Tensor) else type(loss).__name__
            raise ValueError(f"check_module: loss_fn must return a scalar Tensor, got {shape}")
        return loss

    from . import grad as _grad

    with enable_grad():
        loss = loss_value()
        analytic = _grad([loss], [p for _, p in params], allow_unused=True)
    rng = np.random.default_rng(seed)
    rows = []
    with no_grad():
        for (name, p), g in zip(params, analytic):
            a_all = np.zeros(p.shape) if g is None else np.asarray(g._array, dtype=np.float64)
            flat = p._array.reshape(-1)  # a view: writing to it perturbs the parameter
            idx = np.arange(flat.size)
            if max_checks is not None and flat.size > max_checks:
                idx = np.sort(rng.choice(flat.size, size=max_checks, replace=False))
            a = a_all.reshape(-1)[idx]
            n = np.empty(len(idx))
            for k, j in enumerate(idx):
                old = flat[j].item()
                flat[j] = old + eps
                plus = float(loss_value()._array)
                flat[j] = old - eps
                minus = float(loss_value()._array)
                flat[j] = old
                n[k] = (plus - minus) / (2 * eps)
            diff = np.abs(a - n)
            rel = diff / np.maximum(np.maximum(np.abs(a), np.abs(n)), 1e-12)
            ok = bool(np.all(diff <= atol + rtol * np.abs(n)))
            rows.append(CheckRow(name, tuple(p.shape), float(diff.max(initial=0.0)),
                                 float(rel.max(initial=0.0)), len(idx), ok))  # fmt: skip
    default_generator.set_state(rng_state)  # the check draws no random numbers of yours
    result = CheckResult(rows, atol, rtol)
    if verbose:
        print(result, file=sys.stdout)
    return result
