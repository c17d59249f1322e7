"""Draw the training pictures of the docs with tinygrad_lite.viz.plots.

Run from the repository root: ``python docs/images/make_plots.py``. Writes, next to this file:

- ``weight_vs_loss.png``: the pizza data's loss for w from -1 to 4 (no bias), minimum marked;
- ``loss_curve.png``: the loss while gradient descent fits w and b to the pizza data;
- ``loss_surface.png``: contours of that loss over (w, b) with the descent's path on top;
- ``fit.gif``: the line m*x + b learning the target 2x + 1 from two points (x = -2 and 3,
  learning rate 0.1, 20 steps from m = b = 0), as in the blog note the examples follow.
"""

from __future__ import annotations

import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, ROOT)

import tinygrad_lite as tl  # noqa: E402
from tinygrad_lite.viz import plots  # noqa: E402


def load_pizza() -> tuple[np.ndarray, np.ndarray]:
    """Reservations (x) and pizzas (y) from data/pizza.txt."""
    data = np.loadtxt(os.path.join(ROOT, "data", "pizza.txt"), skiprows=1)
    return data[:, 0], data[:, 1]


def train_line(x, y, lr, steps, record_every=1):
    """Gradient descent on mean((w*x + b - y)**2) from w = b = 0, with tinygrad_lite autograd.
    Returns the Snapshots (w, b and loss before each recorded step, and the final values)."""
    X, Y = tl.tensor(x, dtype=tl.float64), tl.tensor(y, dtype=tl.float64)
    w = tl.tensor(0.0, dtype=tl.float64, requires_grad=True)
    b = tl.tensor(0.0, dtype=tl.float64, requires_grad=True)
    snaps = plots.Snapshots({"w": w, "b": b})
    for step in range(steps + 1):
        loss = ((X * w + b - Y) ** 2).mean()
        if step % record_every == 0 or step == steps:
            snaps.record(loss=loss, step=step)
        if step == steps:
            break
        loss.backward()
        with tl.no_grad():
            w -= lr * w.grad
            b -= lr * b.grad
        w.grad = None
        b.grad = None
    return snaps


def main() -> None:
    x, y = load_pizza()
    X, Y = tl.tensor(x, dtype=tl.float64), tl.tensor(y, dtype=tl.float64)

    plots.loss_vs_weight(
        lambda w: ((X * w - Y) ** 2).mean(),
        np.linspace(-1, 4, 201),
        title="Pizza data: loss vs weight (no bias)",
        path=os.path.join(HERE, "weight_vs_loss.png"),
    )

    steps = 20_000
    snaps = train_line(x, y, lr=0.001, steps=steps, record_every=10)
    final = snaps[-1]
    print(f"pizza fit after {steps} steps: w={final['w']:.4f} b={final['b']:.4f} "
          f"loss={final['loss']:.4f}")  # fmt: skip
    plots.loss_curve(
        snaps.losses,
        steps=[s["step"] for s in snaps],
        log_scale=True,
        title="Gradient descent on the pizza data (lr 0.001)",
        path=os.path.join(HERE, "loss_curve.png"),
    )

    def mse(w, b):  # NumPy arrays in, a grid of losses out
        return ((x[:, None, None] * w + b - y[:, None, None]) ** 2).mean(axis=0)

    path = snaps.trajectory("w", "b")
    keep = np.unique(np.geomspace(1, len(path), 80).astype(int) - 1)  # dense early, sparse late
    plots.loss_surface(
        mse,
        (-0.5, 3.0),
        (-5.0, 25.0),
        trajectory=path[keep],
        title="Pizza data: loss over (w, b) and the path of gradient descent",
        path=os.path.join(HERE, "loss_surface.png"),
    )

    xs = np.array([-2.0, 3.0])
    line = train_line(xs, 2 * xs + 1, lr=0.1, steps=20)
    last = line[-1]
    print(f"line fit after 20 steps: m={last['w']:.4f} b={last['b']:.4f}")
    plots.fit_animation(
        xs,
        2 * xs + 1,
        line,
        os.path.join(HERE, "fit.gif"),
        target=lambda t: 2 * t + 1,
        x_range=(-3.0, 4.0),
        fps=4,
    )


if __name__ == "__main__":
    main()
