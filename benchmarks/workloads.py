"""The five workloads: their data, sizes, and how each is timed and checked.

Every framework module in ``peers/`` implements the same five functions (any may be missing):

- ``overhead(n_ops)`` -> ``run()``: one forward+backward of a chain of ``n_ops`` elementwise
  ops (mul, add, tanh repeated) on shape-(1,) values.
- ``pizza(x, y, iters, lr)`` -> ``run()`` returning ``(w, b)`` after full-batch gradient
  descent on the mean squared error of ``w * x + b``, starting from ``w = b = 0``.
- ``minibatch(x, y, batch, lr)`` -> ``epoch()``: one shuffled epoch of SGD on a 1-in 1-out
  linear model (MSE), returning the last batch's loss.
- ``mlp(X, labels, steps, batch, lr)`` -> ``run()``: ``steps`` SGD steps of a 784-256-10
  ReLU MLP with cross-entropy, float32, returning the last loss.
- ``deep(n)`` -> ``(forward, backward)``: ``forward()`` builds ``y = x * c * c * ...`` (``n``
  multiplications of a shape-(4,) tensor), ``backward(state)`` returns dy/dx as an array.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .harness import median_time

__all__ = ["WORKLOADS", "Workload", "pizza_data", "PIZZA_W", "PIZZA_B"]

PIZZA_W, PIZZA_B = 1.0811, 13.1723  # the seeds' result after 20,000 iterations at lr 0.001
DEEP_FACTOR = 1.0000001  # the constant of the deep chain


def _repo_root() -> str:
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def pizza_data() -> tuple[np.ndarray, np.ndarray]:
    """Reservations and pizzas from ``data/pizza.txt`` as float32 arrays of shape (30,)."""
    path = os.path.join(_repo_root(), "data", "pizza.txt")
    table = np.loadtxt(path, skiprows=1, dtype=np.float64)
    return table[:, 0].astype(np.float32), table[:, 1].astype(np.float32)


def pizza_reference(iters: int, lr: float) -> tuple[float, float]:
    """(w, b) from the same gradient descent in float64 NumPy: what every framework must match."""
    x, y = (a.astype(np.float64) for a in pizza_data())
    w = b = 0.0
    for _ in range(iters):
        err = x * w + b - y
        w, b = w - lr * 2 * np.mean(x * err), b - lr * 2 * np.mean(err)
    return float(w), float(b)


def minibatch_data(rows: int) -> tuple[np.ndarray, np.ndarray]:
    """The pizza rows repeated (and cut) to ``rows`` rows."""
    x, y = pizza_data()
    reps = -(-rows // len(x))
    return np.tile(x, reps)[:rows], np.tile(y, reps)[:rows]


def mlp_data(pool: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``pool`` random 784-feature float32 rows with random labels 0..9 (fixed seed)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((pool, 784), dtype=np.float32)
    labels = rng.integers(0, 10, size=pool, dtype=np.int64)
    return X, labels


@dataclass
class Workload:
    """One row group of the results table."""

    name: str
    unit: str
    describe: str
    sizes: dict  # mode ("full" | "quick" | "tiny") -> parameters
    scaled: dict = field(default_factory=dict)  # framework -> mode -> parameters (smaller)


WORKLOADS: dict[str, Workload] = {
    w.name: w
    for w in [
        Workload(
            "overhead",
            "µs/op",
            "1,000 chained mul/add/tanh on shape-(1,) tensors, forward+backward, per op",
            {
                "full": {"n_ops": 999, "repeats": 45},
                "quick": {"n_ops": 999, "repeats": 5},
                "tiny": {"n_ops": 9, "repeats": 1},
            },
        ),
        Workload(
            "pizza",
            "s/20k it",
            "full-batch GD on data/pizza.txt, 20,000 iterations, lr 0.001, per 20k iterations",
            {
                "full": {"iters": 20000, "repeats": 3},
                "quick": {"iters": 2000, "repeats": 1},
                "tiny": {"iters": 3, "repeats": 1},
            },
            scaled={"micrograd_peer": {"full": {"iters": 1000, "repeats": 1}}},
        ),
        Workload(
            "minibatch",
            "s/epoch",
            "pizza rows x1000 (30,000), Linear(1,1), shuffled batches, SGD, per epoch",
            {
                "full": {"rows": 30000, "epochs": 5},
                "quick": {"rows": 30000, "epochs": 1},
                "tiny": {"rows": 64, "epochs": 1, "batches": (32,)},
            },
            scaled={"micrograd_peer": {"full": {"rows": 30000, "epochs": 1}}},
        ),
        Workload(
            "mlp",
            "s/200 steps",
            "784-256-10 ReLU MLP, cross-entropy, batch 128, 200 SGD steps, float32",
            {
                "full": {"steps": 200, "repeats": 3},
                "quick": {"steps": 50, "repeats": 1},
                "tiny": {"steps": 2, "repeats": 1},
            },
        ),
        Workload(
            "deep",
            "s",
            "y = y * c repeated on a shape-(4,) tensor, then backward (each run in a fresh process)",
            {
                "full": {"lengths": (100_000, 1_000_000)},
                "quick": {"lengths": (100_000,)},
                "tiny": {"lengths": (50,)},
            },
            scaled={
                "autograd_hips": {"full": {"lengths": (100_000,)}},
                "mygrad_peer": {"full": {"lengths": (100_000,)}},
                "micrograd_peer": {"full": {"lengths": (100_000,)}},
            },
        ),
    ]
}


def params_for(workload: Workload, framework: str, mode: str) -> tuple[dict, bool]:
    """The parameters this framework runs with, and whether they are scaled down."""
    scaled = workload.scaled.get(framework, {}).get(mode)
    if scaled is not None:
        return scaled, True
    return workload.sizes[mode], False


# --------------------------------------------------------------------------------------
# Measuring one framework on one workload (deep is measured in run.py, in subprocesses)
# --------------------------------------------------------------------------------------


def measure_overhead(peer: Any, p: dict) -> dict:
    run = peer.overhead(p["n_ops"])
    t, grad = median_time(run, p["repeats"])
    if not math.isfinite(float(grad)):
        raise AssertionError(f"overhead: gradient is {grad}")
    return {"value": t / p["n_ops"] * 1e6}


def measure_pizza(peer: Any, p: dict) -> dict:
    x, y = pizza_data()
    iters, lr = p["iters"], 1e-3
    run = peer.pizza(x, y, iters, lr)
    t, (w, b) = median_time(run, p["repeats"], warmup=0)
    ref_w, ref_b = pizza_reference(iters, lr)
    if abs(w - ref_w) > 2e-3 or abs(b - ref_b) > 2e-3:
        raise AssertionError(
            f"pizza: ended at w={w:.5f}, b={b:.5f}; NumPy float64 gives w={ref_w:.5f}, "
            f"b={ref_b:.5f} after {iters} iterations"
        )
    if iters == 20000 and (abs(w - PIZZA_W) > 2e-3 or abs(b - PIZZA_B) > 2e-3):
        raise AssertionError(f"pizza: w={w:.5f}, b={b:.5f}, expected w≈{PIZZA_W}, b≈{PIZZA_B}")
    return {"value": t / iters * 20000, "note": f"w={w:.4f} b={b:.4f}"}


def measure_minibatch(peer: Any, p: dict, batch: int) -> dict:
    import gc

    from . import harness

    x, y = minibatch_data(p["rows"])
    epoch = peer.minibatch(x, y, batch, 1e-3)
    times, loss = [], None
    for _ in range(p["epochs"]):
        gc.collect()
        start = harness.timer()
        loss = epoch()
        times.append(harness.timer() - start)
    if not math.isfinite(float(loss)):
        raise AssertionError(f"minibatch: loss is {loss}")
    times.sort()
    return {"value": times[len(times) // 2], "note": f"loss={float(loss):.3g}"}


def measure_mlp(peer: Any, p: dict) -> dict:
    X, labels = mlp_data(min(2048, 128 * p["steps"]))
    run = peer.mlp(X, labels, p["steps"], 128, 0.01)
    t, loss = median_time(run, p["repeats"], warmup=0 if p["steps"] > 20 else 1)
    if not math.isfinite(float(loss)):
        raise AssertionError(f"mlp: loss is {loss}")
    return {"value": t / p["steps"] * 200, "note": f"loss={float(loss):.3g}"}
