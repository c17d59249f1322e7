"""When gradient descent fails: bumps, cliffs and cusps.

"Walking the Gradient" ends with the three things gradient descent needs from a loss: it
should be convex (no bumps), continuous (no cliffs or gaps) and differentiable (no cusps).
Here each one is broken in turn, and the printed numbers show what GD does then.

Run: ``python examples/05_when_gd_fails.py [--out DIR]``.
"""

# %% Setup
import numpy as np
from _shared import have_matplotlib, out_dir, wrote

import tinygrad_lite as torch

OUT = out_dir(__doc__)


def descend(loss_fn, w0: float, lr: float, steps: int) -> list[float]:
    """Plain gradient descent on one weight from w0; returns every w visited (steps + 1)."""
    w = torch.tensor(w0, dtype=torch.float64, requires_grad=True)
    path = [w.item()]
    for _ in range(steps):
        loss_fn(w).backward()
        with torch.no_grad():
            w -= lr * w.grad
        w.grad = None
        path.append(w.item())
    return path


def L(loss_fn, w: float) -> float:
    return loss_fn(torch.tensor(w, dtype=torch.float64)).item()


# %% 1. Not convex: a bump separates a local minimum from the global one
def bumpy(w):
    """L(w) = w^4 - 3w^2 + w: two valleys, the left one deeper."""
    return w**4 - 3 * w**2 + w


grid = np.linspace(-2.2, 2.2, 4401)
values = grid**4 - 3 * grid**2 + grid
w_best = grid[np.argmin(values)]
print(f"bumpy: the lowest loss is L({w_best:.3f}) = {values.min():.4f}")
paths = {}
for w0 in (2.0, -2.0):
    path = descend(bumpy, w0, lr=0.01, steps=200)
    paths[w0] = path
    print(f"  GD from w={w0:+.0f}: ends at w={path[-1]:.3f}, L={L(bumpy, path[-1]):.4f}")
print("  from w=+2 gradient descent settles in the shallow valley: its gradient is 0 there too")


# %% 2. Not continuous: a cliff that the gradient cannot see
def cliff(w):
    """L(w) = (w - 3)^2 + 10 where w > 2.5: a smooth bowl with a step of height 10."""
    return (w - 3) ** 2 + 10 * (w > 2.5).double()


cliff_path = descend(cliff, 0.0, lr=0.1, steps=50)
print(f"cliff: GD from w=0 ends at w={cliff_path[-1]:.3f} with L={L(cliff, cliff_path[-1]):.4f}")
print(f"  but L(2.5) = {L(cliff, 2.5):.4f}: the step has zero gradient, so GD walked off it")


def stairs(w):
    """L(w) = (round(w) - 3)^2: a staircase, flat (zero gradient) almost everywhere."""
    return (torch.round(w) - 3) ** 2


w = torch.tensor(0.2, dtype=torch.float64, requires_grad=True)
stairs(w).backward()
stairs_path = descend(stairs, 0.2, lr=0.1, steps=50)
print(f"stairs: at w=0.2 L={L(stairs, 0.2):.1f} and dL/dw={w.grad.item() + 0.0:.1f}; "
      f"after 50 steps w={stairs_path[-1]:.1f} (GD never moves)")  # fmt: skip


# %% 3. Not differentiable: the cusp of an absolute-value loss
def absolute(w):
    """L(w) = |w - 1|: the slope is -1 or +1 however close w gets to the minimum."""
    return torch.abs(w - 1)


def squared(w):
    """L(w) = (w - 1)^2: the slope shrinks near the minimum, so the steps do too."""
    return (w - 1) ** 2


abs_path = descend(absolute, 0.0, lr=0.3, steps=30)
sq_path = descend(squared, 0.0, lr=0.3, steps=30)
print("cusp: |w - 1| from w=0 at lr 0.3, the last four w:",
      ", ".join(f"{v:.2f}" for v in abs_path[-4:]))  # fmt: skip
print(f"  it bounces around w=1 forever (loss {L(absolute, abs_path[-1]):.2f}); "
      f"(w - 1)^2 ends at w={sq_path[-1]:.6f}")  # fmt: skip

# %% The three losses with the paths gradient descent took
if have_matplotlib():
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(13, 4))
    panels = [
        (axes[0], bumpy, np.linspace(-2.1, 2.1, 400), paths[2.0], "not convex"),
        (axes[1], cliff, np.linspace(-0.5, 4.5, 801), cliff_path, "not continuous"),
        (axes[2], absolute, np.linspace(-0.5, 2.5, 400), abs_path, "not differentiable"),
    ]
    for ax, fn, ws, path, title in panels:
        ax.plot(ws, [L(fn, float(v)) for v in ws], color="tab:blue")
        ax.plot(path, [L(fn, v) for v in path], "o-", color="tab:orange", ms=3, lw=0.8)
        ax.set_title(title)
        ax.set_xlabel("w")
    axes[0].set_ylabel("loss")
    fig.tight_layout()
    fig.savefig(OUT / "gd_fails.png")
    plt.close(fig)
    wrote(OUT / "gd_fails.png")
