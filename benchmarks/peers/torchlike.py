"""The workloads written once against PyTorch's API, run with ``torch`` or ``tinygrad_lite``.

This is the promise of tinygrad_lite in benchmark form: the same script, with only the
module passed as ``T`` changed, runs on both. See ``benchmarks/workloads.py`` for what each
function must return.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import numpy as np

DEEP_FACTOR = 1.0000001


def overhead(T: Any, n_ops: int) -> Callable[[], float]:
    x = T.tensor([0.5], requires_grad=True)
    a, b = T.tensor([0.9]), T.tensor([0.1])
    seed = T.ones(1)

    def run() -> float:
        x.grad = None
        y = x
        for _ in range(n_ops // 3):
            y = (y * a + b).tanh()
        y.backward(seed)
        return x.grad.item()

    return run


def pizza(T: Any, x: np.ndarray, y: np.ndarray, iters: int, lr: float) -> Callable[[], tuple]:
    X, Y = T.tensor(x), T.tensor(y)

    def run() -> tuple:
        w = T.tensor(0.0, requires_grad=True)
        b = T.tensor(0.0, requires_grad=True)
        for _ in range(iters):
            loss = ((X * w + b - Y) ** 2).mean()
            loss.backward()
            with T.no_grad():
                w -= lr * w.grad
                b -= lr * b.grad
            w.grad.zero_()
            b.grad.zero_()
        return w.item(), b.item()

    return run


def minibatch(T: Any, x: np.ndarray, y: np.ndarray, batch: int, lr: float) -> Callable[[], float]:
    data = importlib.import_module(T.__name__ + ".utils.data")
    T.manual_seed(0)
    dataset = data.TensorDataset(T.tensor(x[:, None]), T.tensor(y[:, None]))
    loader = data.DataLoader(dataset, batch_size=batch, shuffle=True)
    model = T.nn.Linear(1, 1)
    loss_fn = T.nn.MSELoss()
    opt = T.optim.SGD(model.parameters(), lr=lr)

    def epoch() -> float:
        for xb, yb in loader:
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
        return loss.item()

    return epoch


def mlp(
    T: Any, X: np.ndarray, labels: np.ndarray, steps: int, batch: int, lr: float
) -> Callable[[], float]:
    nn, F = T.nn, T.nn.functional
    T.manual_seed(0)
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    opt = T.optim.SGD(model.parameters(), lr=lr)
    batches = [
        (T.tensor(X[i : i + batch]), T.tensor(labels[i : i + batch]))
        for i in range(0, len(X) - batch + 1, batch)
    ]

    def run() -> float:
        for step in range(steps):
            xb, yb = batches[step % len(batches)]
            opt.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            opt.step()
        return loss.item()

    return run


def deep(T: Any, n: int) -> tuple[Callable, Callable]:
    def forward() -> tuple:
        x = T.ones(4, requires_grad=True)
        y = x
        for _ in range(n):
            y = y * DEEP_FACTOR
        return x, y

    def backward(state: tuple) -> np.ndarray:
        x, y = state
        y.backward(T.ones(4))
        return x.grad.numpy()

    return forward, backward
