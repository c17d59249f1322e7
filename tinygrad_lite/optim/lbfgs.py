"""L-BFGS (limited-memory BFGS, after Nocedal & Wright, Algorithm 7.4/7.5, as PyTorch's
``LBFGS``), optionally with a strong-Wolfe line search.

``step(closure)`` runs up to ``max_iter`` iterations, each: a search direction
``d = -H g`` from the two-loop recursion over the last ``history_size`` pairs
(s = parameter change, y = gradient change), then a step of length ``t`` along ``d``
(``lr``, or ``min(1, 1/|g|_1) * lr`` on the very first iteration, or the length the
strong-Wolfe search finds). All parameters are handled as one flat vector; there is one
parameter group. The closure must zero the gradients, compute the loss, call ``backward``
and return the loss.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from ..autograd.function import bump_version
from ..autograd.grad_mode import enable_grad, no_grad
from ..tensor import Tensor
from ._checks import check_nonneg
from .optimizer import Optimizer

__all__ = ["LBFGS"]


def _cubic_minimum(
    x1: float, f1: float, g1: float, x2: float, f2: float, g2: float, bounds: Any = None
) -> float:
    """The minimiser of the cubic through (x1, f1, slope g1) and (x2, f2, slope g2), clipped
    to ``bounds`` (default: the interval between x1 and x2); the bounds' midpoint if the
    cubic has no real minimum."""
    lo, hi = bounds if bounds is not None else (min(x1, x2), max(x1, x2))
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    disc = d1**2 - g1 * g2
    if disc < 0:
        return (lo + hi) / 2.0
    d2 = np.sqrt(disc)
    if x1 <= x2:
        at = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    else:
        at = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
    return min(max(at, lo), hi)


def _strong_wolfe(
    evaluate: Callable[[Any], tuple[float, np.ndarray]],
    t: Any,
    d: np.ndarray,
    f: float,
    g: np.ndarray,
    gtd: Any,
    c1: float = 1e-4,
    c2: float = 0.9,
    tolerance_change: float = 1e-9,
    max_ls: int = 25,
) -> tuple[float, np.ndarray, Any, int]:
    """A step length along ``d`` meeting the strong Wolfe conditions (sufficient decrease
    with ``c1``, curvature |g·d| <= -c2 g0·d), by bracketing then cubic zoom.

    ``evaluate(t)`` returns (loss, flat gradient) at x + t d. Returns (loss, gradient, t,
    number of evaluations)."""
    d_norm = np.abs(d).max()
    g = g.copy()
    f_new, g_new = evaluate(t)
    evals = 1
    gtd_new = g_new.dot(d)
    t_prev, f_prev, g_prev, gtd_prev = 0, f, g, gtd
    done = False
    it = 0
    # phase 1: grow the step until an interval is known to hold an acceptable point
    while it < max_ls:
        if f_new > (f + c1 * t * gtd) or (it > 1 and f_new >= f_prev):
            bracket, bf, bg, bgtd = [t_prev, t], [f_prev, f_new], [g_prev, g_new.copy()], [
                gtd_prev, gtd_new]  # fmt: skip
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket, bf, bg = [t], [f_new], [g_new]
            done = True
            break
        if gtd_new >= 0:
            bracket, bf, bg, bgtd = [t_prev, t], [f_prev, f_new], [g_prev, g_new.copy()], [
                gtd_prev, gtd_new]  # fmt: skip
            break
        lo, hi = t + 0.01 * (t - t_prev), t * 10
        t_prev, t = t, _cubic_minimum(t_prev, f_prev, gtd_prev, t, f_new, gtd_new, (lo, hi))
        f_prev, g_prev, gtd_prev = f_new, g_new.copy(), gtd_new
        f_new, g_new = evaluate(t)
        evals += 1
        gtd_new = g_new.dot(d)
        it += 1
    if it == max_ls:
        bracket, bf, bg = [0, t], [f, f_new], [g, g_new]
    # phase 2: zoom into the bracket
    stalled = False
    low, high = (0, 1) if bf[0] <= bf[-1] else (1, 0)
    while not done and it < max_ls:
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:
            break
        t = _cubic_minimum(bracket[0], bf[0], bgtd[0], bracket[1], bf[1], bgtd[1])
        # keep away from the ends of the bracket (at least 10% of its width inside)
        left, right = min(bracket), max(bracket)
        margin = 0.1 * (right - left)
        if min(right - t, t - left) < margin:
            if stalled or t >= right or t <= left:
                t = right - margin if abs(t - right) < abs(t - left) else left + margin
                stalled = False
            else:
                stalled = True
        else:
            stalled = False
        f_new, g_new = evaluate(t)
        evals += 1
        gtd_new = g_new.dot(d)
        it += 1
        if f_new > (f + c1 * t * gtd) or f_new >= bf[low]:
            bracket[high], bf[high], bg[high], bgtd[high] = t, f_new, g_new.copy(), gtd_new
            low, high = (0, 1) if bf[0] <= bf[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket[high] - bracket[low]) >= 0:
                bracket[high], bf[high], bg[high], bgtd[high] = (
                    bracket[low], bf[low], bg[low], bgtd[low])  # fmt: skip
            bracket[low], bf[low], bg[low], bgtd[low] = t, f_new, g_new.copy(), gtd_new
    return bf[low], bg[low], bracket[low], evals


def _tensor(v: Any) -> Any:
    """A NumPy array or scalar as a state tensor (Python numbers stay numbers)."""
    if isinstance(v, (np.ndarray, np.generic)):
        return Tensor._make(np.asarray(v), None, False)
    return v


def _array(v: Any) -> Any:
    """A state tensor back as the NumPy value the iteration works with (0-d: a scalar)."""
    if isinstance(v, Tensor):
        a = v._array
        return a[()] if a.ndim == 0 else a
    return v


def _arrays(vs: Any) -> Any:
    return None if vs is None else [_array(v) for v in vs]


class LBFGS(Optimizer):
    """L-BFGS over all parameters as one vector (one parameter group only); ``step`` needs
    the closure. ``line_search_fn`` is None (fixed step ``lr``) or ``"strong_wolfe"``."""

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1,
        max_iter: int = 20,
        max_eval: int | None = None,
        tolerance_grad: float = 1e-7,
        tolerance_change: float = 1e-9,
        history_size: int = 100,
        line_search_fn: str | None = None,
    ) -> None:
        check_nonneg(lr=lr)
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        defaults = dict(lr=lr, max_iter=max_iter, max_eval=max_eval,
                        tolerance_grad=tolerance_grad, tolerance_change=tolerance_change,
                        history_size=history_size, line_search_fn=line_search_fn)  # fmt: skip
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params: list[Tensor] = self.param_groups[0]["params"]

    # ---- the parameters as one flat vector ------------------------------------------

    def _flat_grad(self) -> np.ndarray:
        parts = [
            np.zeros(p._array.size, p._array.dtype) if p.grad is None else p.grad._array.reshape(-1)
            for p in self._params
        ]
        return np.concatenate(parts)

    def _add(self, t: Any, d: np.ndarray) -> None:
        """x += t * d, parameter by parameter, in place."""
        offset = 0
        for p in self._params:
            n = p._array.size
            p._array += t * d[offset : offset + n].reshape(p._array.shape)
            bump_version(p)
            offset += n

    def _save(self) -> list[np.ndarray]:
        return [p._array.copy() for p in self._params]

    def _restore(self, saved: list[np.ndarray]) -> None:
        for p, a in zip(self._params, saved):
            p._array[...] = a
            bump_version(p)

    def _evaluate(self, closure: Callable[[], Any]) -> float:
        with enable_grad():
            return float(closure())

    def step(self, closure: Callable[[], Any]) -> Any:  # type: ignore[override]
        """Run up to ``max_iter`` L-BFGS iterations; returns the closure's first loss."""
        if closure is None:
            raise RuntimeError(
                "LBFGS.step needs a closure that zeroes the gradients, computes the loss, "
                "calls backward() and returns the loss"
            )
        self._opt_called = True
        group = self.param_groups[0]
        lr, max_iter, max_eval = group["lr"], group["max_iter"], group["max_eval"]
        tol_grad, tol_change = group["tolerance_grad"], group["tolerance_change"]
        history = group["history_size"]
        line_search = group["line_search_fn"]
        if line_search is not None and line_search != "strong_wolfe":
            raise RuntimeError("only 'strong_wolfe' is supported")
        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        with enable_grad():
            first_loss = closure()
        loss = float(first_loss)
        evals = 1
        state["func_evals"] += 1
        g = self._flat_grad()
        if np.abs(g).max() <= tol_grad:
            return first_loss

        d, t = _array(state.get("d")), _array(state.get("t"))
        dirs, steps = _arrays(state.get("old_dirs")), _arrays(state.get("old_stps"))
        rho, h_diag = _arrays(state.get("ro")), _array(state.get("H_diag"))
        g_prev, loss_prev = _array(state.get("prev_flat_grad")), None
        with no_grad():
            n_iter = 0
            while n_iter < max_iter:
                n_iter += 1
                state["n_iter"] += 1
                if state["n_iter"] == 1:
                    d, dirs, steps, rho, h_diag = -g, [], [], [], 1
                else:
                    y, s = g - g_prev, d * t
                    ys = y.dot(s)
                    if ys > 1e-10:  # keep the pair only if the curvature is positive
                        if len(dirs) == history:
                            dirs.pop(0), steps.pop(0), rho.pop(0)
                        dirs.append(y), steps.append(s), rho.append(1.0 / ys)
                        h_diag = ys / y.dot(y)
                    # two-loop recursion: d = -H g with H from the stored pairs
                    alpha = [None] * len(dirs)
                    q = -g
                    for i in range(len(dirs) - 1, -1, -1):
                        alpha[i] = steps[i].dot(q) * rho[i]
                        q = q - alpha[i] * dirs[i]
                    d = q * h_diag
                    for i in range(len(dirs)):
                        beta = dirs[i].dot(d) * rho[i]
                        d = d + (alpha[i] - beta) * steps[i]
                g_prev = g.copy()
                loss_prev = loss
                t = min(1.0, 1.0 / np.abs(g).sum()) * lr if state["n_iter"] == 1 else lr
                gtd = g.dot(d)
                if gtd > -tol_change:  # not a descent direction
                    break
                if line_search is not None:
                    start = self._save()

                    def evaluate(step: Any, start: Any = start, d: Any = d) -> Any:
                        self._add(step, d)
                        f = self._evaluate(closure)
                        grad = self._flat_grad()
                        self._restore(start)
                        return f, grad

                    loss, g, t, ls_evals = _strong_wolfe(
                        evaluate, t, d, loss, g, gtd, max_ls=max_eval - evals
                    )
                    self._add(t, d)
                    converged = np.abs(g).max() <= tol_grad
                else:
                    self._add(t, d)
                    ls_evals = 0
                    converged = False
                    if n_iter != max_iter:
                        loss = self._evaluate(closure)
                        g = self._flat_grad()
                        converged = np.abs(g).max() <= tol_grad
                        ls_evals = 1
                evals += ls_evals
                state["func_evals"] += ls_evals
                if n_iter == max_iter or evals >= max_eval or converged:
                    break
                if np.abs(d * t).max() <= tol_change or abs(loss - loss_prev) < tol_change:
                    break

        # kept as tensors (as PyTorch), so the optimizer's state_dict saves like any other
        state.update(d=_tensor(d), t=_tensor(t), old_dirs=[_tensor(v) for v in dirs],
                     old_stps=[_tensor(v) for v in steps], ro=[_tensor(v) for v in rho],
                     H_diag=_tensor(h_diag), prev_flat_grad=_tensor(g_prev),
                     prev_loss=loss_prev)  # fmt: skip
        return first_loss
