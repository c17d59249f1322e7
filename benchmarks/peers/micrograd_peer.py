"""micrograd (``pip install micrograd``): a scalar engine, so every tensor op becomes a
Python loop over ``Value`` objects. It has no ``tanh``, so ``overhead`` chains mul/add/relu.
Its backward sorts the graph recursively, so long
chains need a raised recursion limit (set here for ``overhead``; ``deep`` keeps the default
and reports the RecursionError). ``mlp`` is not run: 784x256 scalar weights are out of reach.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import numpy as np
from micrograd.engine import Value

DEEP_FACTOR = 1.0000001


def overhead(n_ops: int) -> Callable[[], float]:
    def run() -> float:
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, 10 * n_ops + 1000))
        try:
            x = Value(0.5)
            y = x
            for _ in range(n_ops // 3):
                y = (y * 0.9 + 0.1).relu()
            y.backward()
        finally:
            sys.setrecursionlimit(limit)
        return x.grad

    return run


def _sgd_epoch(xs: list, ys: list, w: Value, b: Value, lr: float) -> float:
    loss = sum(((w * xi + b - yi) ** 2 for xi, yi in zip(xs, ys)), Value(0.0)) * (1 / len(xs))
    w.grad = b.grad = 0.0
    loss.backward()
    w.data -= lr * w.grad
    b.data -= lr * b.grad
    return loss.data


def pizza(x: np.ndarray, y: np.ndarray, iters: int, lr: float) -> Callable[[], tuple]:
    xs, ys = x.tolist(), y.tolist()

    def run() -> tuple:
        w, b = Value(0.0), Value(0.0)
        for _ in range(iters):
            _sgd_epoch(xs, ys, w, b, lr)
        return w.data, b.data

    return run


def minibatch(x: np.ndarray, y: np.ndarray, batch: int, lr: float) -> Callable[[], float]:
    rng = np.random.default_rng(0)
    xs, ys = x.tolist(), y.tolist()
    w, b = Value(rng.uniform(-1, 1)), Value(0.0)

    def epoch() -> float:
        perm = rng.permutation(len(xs)).tolist()
        loss = 0.0
        for i in range(0, len(xs), batch):
            idx = perm[i : i + batch]
            loss = _sgd_epoch([xs[j] for j in idx], [ys[j] for j in idx], w, b, lr)
        return loss

    return epoch


def deep(n: int) -> tuple[Callable, Callable]:
    def forward() -> tuple:
        xs = [Value(1.0) for _ in range(4)]
        ys = list(xs)
        for _ in range(n):
            ys = [v * DEEP_FACTOR for v in ys]
        return xs, ys

    def backward(state: tuple) -> np.ndarray:
        xs, ys = state
        for v in ys:
            v.backward()
        return np.array([v.grad for v in xs])

    return forward, backward
