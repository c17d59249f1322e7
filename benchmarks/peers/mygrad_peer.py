"""MyGrad (``pip install mygrad``): NumPy-backed tensors with ``backward()``; parameters
are updated by replacing the tensors."""

from __future__ import annotations

from collections.abc import Callable

import mygrad as mg
import numpy as np
from mygrad.nnet.activations import relu
from mygrad.nnet.losses import softmax_crossentropy

from . import mlp_start

DEEP_FACTOR = 1.0000001


def overhead(n_ops: int) -> Callable[[], float]:
    a = np.array([0.9], dtype=np.float32)
    b = np.array([0.1], dtype=np.float32)

    def run() -> float:
        x = mg.tensor(np.array([0.5], dtype=np.float32))
        y = x
        for _ in range(n_ops // 3):
            y = mg.tanh(y * a + b)
        y.backward()
        return float(x.grad[0])

    return run


def pizza(x: np.ndarray, y: np.ndarray, iters: int, lr: float) -> Callable[[], tuple]:
    def run() -> tuple:
        w = mg.tensor(0.0, dtype=np.float32)
        b = mg.tensor(0.0, dtype=np.float32)
        for _ in range(iters):
            loss = mg.mean((x * w + b - y) ** 2)
            loss.backward()
            w = mg.tensor(w.data - lr * w.grad)
            b = mg.tensor(b.data - lr * b.grad)
        return float(w.item()), float(b.item())

    return run


def minibatch(x: np.ndarray, y: np.ndarray, batch: int, lr: float) -> Callable[[], float]:
    rng = np.random.default_rng(0)
    X, Y = x[:, None], y[:, None]
    W = mg.tensor(rng.uniform(-1, 1, (1, 1)).astype(np.float32))
    b = mg.tensor(np.zeros(1, np.float32))

    def epoch() -> float:
        nonlocal W, b
        perm = rng.permutation(len(X))
        for i in range(0, len(X), batch):
            idx = perm[i : i + batch]
            loss = mg.mean((mg.matmul(X[idx], W.T) + b - Y[idx]) ** 2)
            loss.backward()
            W = mg.tensor(W.data - lr * W.grad)
            b = mg.tensor(b.data - lr * b.grad)
        return float(loss.item())

    return epoch


def mlp(X: np.ndarray, labels: np.ndarray, steps: int, batch: int, lr: float) -> Callable:
    params, batches = mlp_start(X, labels, batch)
    params = [mg.tensor(p) for p in params]

    def run() -> float:
        nonlocal params
        for step in range(steps):
            xb, yb = batches[step % len(batches)]
            W1, b1, W2, b2 = params
            logits = mg.matmul(relu(mg.matmul(xb, W1.T) + b1), W2.T) + b2
            loss = softmax_crossentropy(logits, yb)
            loss.backward()
            params = [mg.tensor(p.data - lr * p.grad) for p in params]
        return float(loss.item())

    return run


def deep(n: int) -> tuple[Callable, Callable]:
    def forward() -> tuple:
        x = mg.tensor(np.ones(4, dtype=np.float32))
        y = x
        for _ in range(n):
            y = y * DEEP_FACTOR
        return x, y

    def backward(state: tuple) -> np.ndarray:
        x, y = state
        y.backward(np.ones(4, dtype=np.float32))
        return x.grad

    return forward, backward
