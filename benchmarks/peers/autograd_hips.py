"""HIPS autograd (``pip install autograd``): functions of NumPy arrays, differentiated with
``grad``/``make_vjp``; training loops written by hand around them."""

from __future__ import annotations

from collections.abc import Callable

import autograd.numpy as anp
import numpy as np
from autograd import grad, make_vjp

from . import mlp_start

DEEP_FACTOR = 1.0000001


def overhead(n_ops: int) -> Callable[[], float]:
    a = np.array([0.9], dtype=np.float32)
    b = np.array([0.1], dtype=np.float32)
    x = np.array([0.5], dtype=np.float32)

    def chain(x):
        y = x
        for _ in range(n_ops // 3):
            y = anp.tanh(y * a + b)
        return anp.sum(y)

    dchain = grad(chain)
    return lambda: float(dchain(x)[0])


def pizza(x: np.ndarray, y: np.ndarray, iters: int, lr: float) -> Callable[[], tuple]:
    def loss(params):
        w, b = params
        return anp.mean((x * w + b - y) ** 2)

    dloss = grad(loss)

    def run() -> tuple:
        w = b = 0.0
        for _ in range(iters):
            gw, gb = dloss((w, b))
            w, b = w - lr * gw, b - lr * gb
        return float(w), float(b)

    return run


def minibatch(x: np.ndarray, y: np.ndarray, batch: int, lr: float) -> Callable[[], float]:
    rng = np.random.default_rng(0)
    X, Y = x[:, None], y[:, None]
    params = [rng.uniform(-1, 1, (1, 1)).astype(np.float32), np.zeros(1, np.float32)]

    def loss(params, xb, yb):
        W, b = params
        err = anp.dot(xb, W.T) + b - yb
        return anp.mean(err**2)

    dloss = grad(loss)

    def epoch() -> float:
        perm = rng.permutation(len(X))
        for i in range(0, len(X), batch):
            idx = perm[i : i + batch]
            gW, gb = dloss(params, X[idx], Y[idx])
            params[0] = params[0] - lr * gW
            params[1] = params[1] - lr * gb
        return float(loss(params, X[idx], Y[idx]))

    return epoch


def mlp(X: np.ndarray, labels: np.ndarray, steps: int, batch: int, lr: float) -> Callable:
    params, batches = mlp_start(X, labels, batch)

    def loss(params, xb, yb):
        W1, b1, W2, b2 = params
        logits = anp.dot(anp.maximum(anp.dot(xb, W1.T) + b1, 0), W2.T) + b2
        shifted = logits - anp.max(logits, axis=1, keepdims=True)
        logp = shifted - anp.log(anp.sum(anp.exp(shifted), axis=1, keepdims=True))
        return -anp.mean(logp[np.arange(len(yb)), yb])

    dloss = grad(loss)

    def run() -> float:
        for step in range(steps):
            xb, yb = batches[step % len(batches)]
            grads = dloss(params, xb, yb)
            for i, g in enumerate(grads):
                params[i] = params[i] - lr * g
        return float(loss(params, xb, yb))

    return run


def deep(n: int) -> tuple[Callable, Callable]:
    def chain(x):
        y = x
        for _ in range(n):
            y = y * DEEP_FACTOR
        return y

    def forward() -> tuple:
        return make_vjp(chain)(np.ones(4, dtype=np.float32))

    def backward(state: tuple) -> np.ndarray:
        vjp, _ = state
        return vjp(np.ones(4, dtype=np.float32))

    return forward, backward
