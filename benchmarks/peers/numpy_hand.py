"""Hand-written NumPy with hand-derived gradients: the floor for every workload.

No framework, no graph: the forward pass keeps exactly what the derivative needs, and the
backward pass is the chain rule written out for this one model.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import mlp_start

DEEP_FACTOR = 1.0000001


def overhead(n_ops: int) -> Callable[[], float]:
    x = np.array([0.5], dtype=np.float32)
    a = np.array([0.9], dtype=np.float32)
    b = np.array([0.1], dtype=np.float32)
    steps = n_ops // 3

    def run() -> float:
        outs = []
        y = x
        for _ in range(steps):  # y <- tanh(y * a + b)
            y = np.tanh(y * a + b)
            outs.append(y)
        g = np.ones(1, dtype=np.float32)
        for t in reversed(outs):
            g = g * (1 - t * t)  # tanh' = 1 - tanh^2
            # the add passes the gradient through unchanged
            g = g * a
        return float(g[0])

    return run


def pizza(x: np.ndarray, y: np.ndarray, iters: int, lr: float) -> Callable[[], tuple]:
    def run() -> tuple:
        w = np.float32(0.0)
        b = np.float32(0.0)
        for _ in range(iters):
            err = x * w + b - y  # d/dw mean(err^2) = 2 mean(err x); d/db = 2 mean(err)
            w = w - lr * 2 * np.mean(err * x)
            b = b - lr * 2 * np.mean(err)
        return float(w), float(b)

    return run


def minibatch(x: np.ndarray, y: np.ndarray, batch: int, lr: float) -> Callable[[], float]:
    rng = np.random.default_rng(0)
    X, Y = x[:, None], y[:, None]
    W = rng.uniform(-1, 1, size=(1, 1)).astype(np.float32)
    b = rng.uniform(-1, 1, size=(1,)).astype(np.float32)
    n = len(X)

    def epoch() -> float:
        nonlocal W, b
        perm = rng.permutation(n)
        loss = 0.0
        for i in range(0, n, batch):
            idx = perm[i : i + batch]
            xb, yb = X[idx], Y[idx]
            err = xb @ W.T + b - yb
            loss = np.mean(err * err)
            d = 2 * err / err.size  # dloss/dpred
            W = W - lr * (d.T @ xb)
            b = b - lr * d.sum(0)
        return float(loss)

    return epoch


def mlp(X: np.ndarray, labels: np.ndarray, steps: int, batch: int, lr: float) -> Callable:
    (W1, b1, W2, b2), batches = mlp_start(X, labels, batch)

    def run() -> float:
        nonlocal W1, b1, W2, b2
        loss = 0.0
        for step in range(steps):
            xb, yb = batches[step % len(batches)]
            rows = np.arange(len(yb))
            h = xb @ W1.T + b1
            a = np.maximum(h, 0)
            logits = a @ W2.T + b2
            shifted = logits - logits.max(axis=1, keepdims=True)
            exp = np.exp(shifted)
            total = exp.sum(axis=1, keepdims=True)
            loss = np.mean(np.log(total[:, 0]) - shifted[rows, yb])
            dlogits = exp / total  # softmax - onehot, averaged over the batch
            dlogits[rows, yb] -= 1
            dlogits /= len(yb)
            dW2, db2 = dlogits.T @ a, dlogits.sum(0)
            dh = (dlogits @ W2) * (h > 0)
            dW1, db1 = dh.T @ xb, dh.sum(0)
            W1 -= lr * dW1
            b1 -= lr * db1
            W2 -= lr * dW2
            b2 -= lr * db2
        return float(loss)

    return run


def deep(n: int) -> tuple[Callable, Callable]:
    def forward() -> tuple:
        x = np.ones(4, dtype=np.float32)
        y = x
        for _ in range(n):  # dy/dy_prev = c: nothing to keep
            y = y * DEEP_FACTOR
        return x, y

    def backward(state: tuple) -> np.ndarray:
        g = np.ones(4, dtype=np.float32)
        for _ in range(n):
            g = g * DEEP_FACTOR
        return g

    return forward, backward
