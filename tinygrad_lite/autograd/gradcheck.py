"""gradcheck / gradgradcheck: compare autograd's gradients with central finite differences.

Both build the full Jacobian d(outputs)/d(inputs) twice, once from backward (one pass per
output element) and once numerically ((f(x+ε) - f(x-ε)) / 2ε per input element), and
compare them elementwise with ``|analytic - numeric| <= atol + rtol·|numeric|``. Use
float64 inputs: float32 rounding swamps the finite differences.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import function as _f
from .grad_mode import enable_grad, no_grad

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError"]


class GradcheckError(RuntimeError):
    """Raised by gradcheck when an analytic gradient disagrees with the numerical one."""


def _as_tuple(x: Any) -> tuple:
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _float_outputs(outputs: tuple) -> list:
    return [
        (k, o) for k, o in enumerate(outputs) if isinstance(o, _f.Tensor) and o.is_floating_point()
    ]


def _numerical_jacobian(
    func: Callable, inputs: tuple, i: int, k: int, n_out: int, eps: float
) -> np.ndarray:
    """d(output k)/d(input i) by central differences: shape (out.numel(), in.numel())."""
    x = inputs[i]._array
    flat = x.reshape(-1)  # a view: writing to it perturbs the input in place
    columns = []
    with no_grad():
        for j in range(flat.size):
            old = flat[j].item()
            flat[j] = old + eps
            plus = np.array(_as_tuple(func(*inputs))[k]._array, dtype=np.float64).reshape(-1)
            flat[j] = old - eps
            minus = np.array(_as_tuple(func(*inputs))[k]._array, dtype=np.float64).reshape(-1)
            flat[j] = old
            columns.append((plus - minus) / (2 * eps))
    if not columns:
        return np.zeros((n_out, 0))
    return np.stack(columns, axis=1)


def _analytic_jacobian(output: Any, inputs: tuple, idx: list) -> list:
    """d(output)/d(inputs[i]) for i in idx from one backward pass per output element."""
    from . import grad

    n_out = output.numel()
    jac = [np.zeros((n_out, inputs[i].numel())) for i in idx]
    if not output.requires_grad:
        return jac
    for r in range(n_out):
        seed = np.zeros(n_out, dtype=output._array.dtype)
        seed[r] = 1
        seed_t = _f.Tensor._make(seed.reshape(output.shape), None, False)
        grads = grad(
            [output], [inputs[i] for i in idx], [seed_t], retain_graph=True, allow_unused=True
        )
        for c, g in enumerate(grads):
            if g is not None:
                if g.shape != inputs[idx[c]].shape:
                    raise GradcheckError(
                        f"gradcheck: gradient for input {idx[c]} has shape {tuple(g.shape)}, "
                        f"expected {tuple(inputs[idx[c]].shape)}"
                    )
                jac[c][r] = g._array.reshape(-1)
    return jac


def gradcheck(
    func: Callable[..., Any],
    inputs: Any,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    **_ignored: Any,
) -> bool:
    """True if ``func``'s gradients with respect to every input that requires grad match
    finite differences; otherwise raise ``GradcheckError`` naming the output, the input and
    the element (or return False with ``raise_exception=False``)."""
    inputs = _as_tuple(inputs)
    idx = [i for i, t in enumerate(inputs) if isinstance(t, _f.Tensor) and t.requires_grad]
    if not idx:
        raise ValueError("gradcheck expects at least one input tensor with requires_grad=True")
    outputs = _as_tuple(func(*inputs))
    for k, out in _float_outputs(outputs):
        analytic = _analytic_jacobian(out, inputs, idx)
        for c, i in enumerate(idx):
            numeric = _numerical_jacobian(func, inputs, i, k, out.numel(), eps)
            # 'not close' rather than 'far': NaN in either Jacobian counts as a mismatch
            bad = ~(np.abs(analytic[c] - numeric) <= atol + rtol * np.abs(numeric))
            if bad.any():
                r, col = np.argwhere(bad)[0]
                where_in = np.unravel_index(col, inputs[i].shape) if inputs[i].ndim else ()
                where_out = np.unravel_index(r, out.shape) if out.ndim else ()
                msg = (
                    f"Jacobian mismatch for output {k} with respect to input {i}: "
                    f"d out{tuple(int(v) for v in where_out)} / d in{tuple(int(v) for v in where_in)} "
                    f"is {analytic[c][r, col]!r} from backward but {numeric[r, col]!r} numerically "
                    f"({int(bad.sum())} of {bad.size} entries differ; eps={eps}, atol={atol}, rtol={rtol})"
                )
                if raise_exception:
                    raise GradcheckError(msg)
                return False
    return True


def gradgradcheck(
    func: Callable[..., Any],
    inputs: Any,
    grad_outputs: Sequence[Any] | None = None,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    seed: int = 0,
    **_ignored: Any,
) -> bool:
    """gradcheck of the gradient itself: checks second derivatives (``create_graph=True``).

    ``grad_outputs`` default to random float64 tensors (fixed ``seed``) that also get
    checked, so every term of the second-order product is exercised."""
    from . import grad

    inputs = _as_tuple(inputs)
    idx = [i for i, t in enumerate(inputs) if isinstance(t, _f.Tensor) and t.requires_grad]
    outputs = _as_tuple(func(*inputs))
    float_outs = [o for _, o in _float_outputs(outputs)]
    if grad_outputs is None:
        rng = np.random.default_rng(seed)
        grad_outputs = [
            _f.Tensor._make(
                rng.standard_normal(o.shape).astype(o._array.dtype), None, False
            ).requires_grad_()
            for o in float_outs
        ]
    grad_outputs = list(grad_outputs)
    n_in = len(inputs)

    def first_grads(*args: Any) -> tuple:
        ins, gos = args[:n_in], args[n_in:]
        with enable_grad():  # gradcheck evaluates us under no_grad for finite differences
            outs = [o for _, o in _float_outputs(_as_tuple(func(*ins)))]
            gs = grad(outs, [ins[i] for i in idx], list(gos), create_graph=True, allow_unused=True)
        return tuple(
            g
            if g is not None
            else _f.Tensor._make(np.zeros(ins[i].shape, ins[i]._array.dtype), None, False)
            for g, i in zip(gs, idx)
        )

    return gradcheck(
        first_grads, tuple(inputs) + tuple(grad_outputs), eps=eps, atol=atol, rtol=rtol,
        raise_exception=raise_exception,
    )  # fmt: skip
