"""Regenerate the pictures in docs/images from the code (needs the viz and plot extras).

Run from the repository root:  python docs/images/make_images.py
"""

from __future__ import annotations

import os

import tinygrad_lite as torch
from tinygrad_lite import nn, viz

HERE = os.path.dirname(os.path.abspath(__file__))


def line_example():
    """The seed's line: two points on y = 2x + 1, fitted by m·x + b from m = b = 0."""
    m = torch.tensor(0.0, requires_grad=True)
    b = torch.tensor(0.0, requires_grad=True)
    x = torch.tensor([-2.0, 3.0])
    y = 2 * x + 1
    with viz.record():  # remember the data x, y so the drawing can show them
        loss = ((m * x + b - y) ** 2).mean()
    return loss, {"m": m, "b": b, "x": x, "y": y, "loss": loss}


def main() -> None:
    # 1. the line example, every value and gradient
    loss, names = line_example()
    trace = viz.backward_trace(loss, names)  # before backward: the graph is still whole
    viz.backward(loss)
    graph = viz.draw(loss, names, title="loss = mean((m·x + b - y)²), after backward")
    viz.render(graph, os.path.join(HERE, "line_graph"), "svg")
    viz.render(graph, os.path.join(HERE, "line_graph"), "png")

    # 2. one backward step, and the whole backward pass as a GIF
    frames = trace.frames()
    step = frames[2]
    viz.render(step, os.path.join(HERE, "backward_step"), "png")
    frames.gif(os.path.join(HERE, "backward.gif"), duration_ms=1800)

    # 3. a 784-256-10 MLP's loss: module clusters, and collapsed
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    images = torch.randn(8, 784)
    labels = torch.randint(0, 10, (8,))
    with viz.record():
        mlp_loss = nn.functional.cross_entropy(model(images), labels)
    viz.backward(mlp_loss)
    named = (model, {"images": images, "labels": labels, "loss": mlp_loss})
    viz.render(
        viz.draw(mlp_loss, named, max_elems=4, rankdir="TB"), os.path.join(HERE, "mlp_graph"), "svg"
    )
    collapsed = viz.draw(mlp_loss, named, collapse_modules=True, max_elems=4, rankdir="TB")
    viz.render(collapsed, os.path.join(HERE, "mlp_collapsed"), "svg")
    viz.render(collapsed, os.path.join(HERE, "mlp_collapsed"), "png")
    for name in os.listdir(HERE):  # keep the pictures, not the DOT sources next to them
        if name.endswith(".dot"):
            os.remove(os.path.join(HERE, name))


if __name__ == "__main__":
    main()
