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
    loss = ((m * x + b - y) ** 2).mean()
    return loss, {"m": m, "b": b, "x": x, "y": y, "loss": loss}


def line_fit(n_iter: int = 20, lr: float = 0.1) -> viz.Recorder:
    """Example 2's training loop (m*x + b towards 2x + 1), every iteration recorded."""
    m = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    x = torch.tensor([-2.0, 3.0], dtype=torch.float64)
    y = 2 * x + 1
    recorder = viz.Recorder(fit=(x.numpy(), y.numpy(), lambda v: m.item() * v + b.item()))
    for _ in range(n_iter):
        loss = ((m * x + b - y) ** 2).mean()
        loss.backward()
        recorder(loss, {"m": m, "b": b, "x": x, "y": y, "loss": loss})
        with torch.no_grad():
            m -= lr * m.grad
            b -= lr * b.grad
        m.grad = b.grad = None
    return recorder


def stepper_pages() -> None:
    """The stepper pages the docs link to, and three screenshots of the first one."""
    from tinygrad_lite.viz.browser import browser_missing, offline_browser

    loss, names = line_example()
    loss.backward()
    folder = os.path.join(os.path.dirname(HERE), "stepper")
    page = viz.stepper(loss, names, title="loss = mean((m·x + b - y)²): step through backprop")
    path = page.save(os.path.join(folder, "line_backprop.html"))
    rec = line_fit()
    viz.stepper(rec, title="m·x + b learning 2x + 1: 20 iterations").save(
        os.path.join(folder, "line_fit.html")
    )
    reason = browser_missing()
    if reason:
        print(f"no screenshots: {reason}")
        return
    from pathlib import Path

    from selenium.webdriver.common.by import By

    driver = offline_browser(width=1200, height=820)
    try:
        driver.get(Path(path).resolve().as_uri())
        heads = [s["head"] for s in page.steps]
        shots = {"stepper_forward": heads.index("forward 3/5"),
                 "stepper_backward": heads.index("backward 4/5"),
                 "stepper_done": len(heads) - 1}  # fmt: skip
        for name, k in shots.items():
            driver.execute_script(f"document.getElementById('first').click();"
                                  f"for (var i = 0; i < {k}; i++)"
                                  " document.getElementById('next').click();")  # fmt: skip
            if name == "stepper_done":
                driver.find_element(By.ID, "t0").click()  # m's details in the side panel
            driver.save_screenshot(os.path.join(HERE, name + ".png"))
    finally:
        driver.quit()


def main() -> None:
    # 1. the line example after a plain backward(): every value and gradient
    loss, names = line_example()
    trace = viz.backward_trace(loss, names)  # the reverse walk, step by step
    loss.backward()
    graph = viz.draw(loss, names, title="loss = mean((m·x + b - y)²), after backward")
    viz.render(graph, os.path.join(HERE, "line_graph"), "svg")
    viz.render(graph, os.path.join(HERE, "line_graph"), "png")

    # 1b. what the README's "Training in 20 lines" draws at its end
    from tinygrad_lite.utils.data import load_columns

    root = os.path.dirname(os.path.dirname(HERE))
    x, y = load_columns(os.path.join(root, "data", "pizza.txt"), dtype=torch.float64)
    model = nn.LinearRegression(dtype=torch.float64)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.001)
    loss_fn = nn.MSELoss()
    for _ in range(20_000):
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
    viz.render(viz.draw(loss, (model, {"x": x, "y": y})), os.path.join(HERE, "pizza_graph"), "png")

    # 1c. the stepper pages and their screenshots
    stepper_pages()

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
    mlp_loss = nn.functional.cross_entropy(model(images), labels)
    mlp_loss.backward()
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
