"""Shared helpers for the optimizer tests: one smooth objective, evaluated three ways.

The objective ``sign * sum_k [ sum(A_k * (p_k - c_k)**2) + 0.1 * sum(p_k**4) ]`` uses only
operators, so the same Python function runs on our tensors and PyTorch's; its gradient is
written out by hand for the NumPy reference implementations of each algorithm.
"""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_lite as tg

SHAPES = [(3, 4), (5,)]


def _setup(dtype=np.float64):
    rng = np.random.default_rng(1234)
    init = [rng.normal(size=s).astype(dtype) for s in SHAPES]
    A = [rng.uniform(0.5, 2.0, size=s).astype(dtype) for s in SHAPES]
    c = [rng.normal(size=s).astype(dtype) for s in SHAPES]
    return init, A, c


def objective(params, A, c, sign=1.0):
    total = 0
    for p, a, cc in zip(params, A, c):
        total = total + (a * (p - cc) ** 2).sum() + 0.1 * (p**4).sum()
    return total * sign


def numpy_grads(params, A, c, sign=1.0):
    return [sign * (2 * a * (p - cc) + 0.4 * p**3) for p, a, cc in zip(params, A, c)]


class Problem:
    """Initial weights and constants; runners for ours, PyTorch's and a NumPy reference."""

    @staticmethod
    def assert_same(got, want, rtol=1e-10, atol=1e-12):
        assert_same_trajectory(got, want, rtol, atol)

    def __init__(self, dtype=np.float64):
        self.init, self.A, self.c = _setup(dtype)
        self.dtype = dtype

    def groups(self, params, group_opts):
        if group_opts is None:
            return params
        return [dict(opts, params=[p]) for p, opts in zip(params, group_opts)]

    def run_ours(self, cls, kwargs, steps=20, group_opts=None, sign=1.0):
        return self.run_with(tg, cls, kwargs, steps, group_opts, sign)

    def run_torch(self, torch, cls, kwargs, steps=20, group_opts=None, sign=1.0):
        return self.run_with(torch, cls, kwargs, steps, group_opts, sign)

    def run_with(self, lib, cls, kwargs, steps, group_opts, sign):
        """The same training loop for either library (``tinygrad_lite`` or ``torch``)."""
        params = [lib.nn.Parameter(lib.tensor(a.copy())) for a in self.init]
        A = [lib.tensor(a) for a in self.A]
        c = [lib.tensor(a) for a in self.c]
        opt = cls(self.groups(params, group_opts), **kwargs)
        out = []
        for _ in range(steps):
            opt.zero_grad()
            objective(params, A, c, sign).backward()
            opt.step()
            out.append([p.detach().numpy().copy() for p in params])
        return out

    def run_numpy(self, update, steps=20, sign=1.0, per_param_opts=None):
        """``update(i, p, g, state, opts)`` returns the new p (NumPy reference algorithm)."""
        params = [a.copy() for a in self.init]
        states = [{} for _ in params]
        out = []
        for _ in range(steps):
            grads = numpy_grads(params, self.A, self.c, sign)
            params = [
                update(p, g, st, (per_param_opts or [{}] * len(params))[i])
                for i, (p, g, st) in enumerate(zip(params, grads, states))
            ]
            out.append([p.copy() for p in params])
        return out


def assert_same_trajectory(got, want, rtol=1e-10, atol=1e-12):
    assert len(got) == len(want)
    for step, (g, w) in enumerate(zip(got, want)):
        for k, (a, b) in enumerate(zip(g, w)):
            np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=f"step {step} param {k}")


@pytest.fixture
def problem():
    return Problem()


@pytest.fixture
def problem32():
    return Problem(np.float32)
