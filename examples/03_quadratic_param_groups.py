"""A quadratic: one learning rate for all fails, one learning rate per parameter converges.

The experiment at the end of "A Little Gradient Descent": fitting a quadratic
a2·x² + a1·x + a0 to 3 and then 10 points of y = 0.5x² - 3x + 2 (data/quadratic*.txt).
With one shared learning rate the loss either drops and then bottoms out above 0 (lr small
enough for a2 is far too small for a0) or overflows (lr large enough for a0 makes a2
oscillate wildly). The parameters have very different sensitivities; giving each its own
learning rate through optimizer param groups makes the fit converge.

Run: ``python examples/03_quadratic_param_groups.py [--out DIR]``.
"""

# %% Setup
import math

import numpy as np
from _shared import data_path, have_matplotlib, out_dir, wrote

import tinygrad_lite as torch
from tinygrad_lite import nn
from tinygrad_lite.utils.data import load_columns

OUT = out_dir(__doc__)
DATASETS = {n: load_columns(data_path(f"quadratic{n}.txt"), dtype=torch.float64) for n in (3, 10)}
ITERATIONS = 200

# %% Why one learning rate cannot suit all three: the curvature of the loss per parameter
# For L = mean((a2 x² + a1 x + a0 - y)²), d²L/da_k² = 2·mean(x^(2k)): how fast each
# gradient changes when its parameter moves. Gradient descent on one parameter is stable
# only for lr < 2 / curvature, and slow when lr is much smaller than 1 / curvature.
for n, (x, _) in DATASETS.items():
    curv = {f"a{k}": 2 * (x ** (2 * k)).mean().item() for k in (2, 1, 0)}
    text = ", ".join(f"{k}: {v:,.1f} (lr < {2 / v:.2g})" for k, v in curv.items())
    print(f"{n:>2} points, curvature per parameter: {text}")


# %% Training: shared learning rates vs one learning rate per parameter
def fit(x, y, groups_of) -> tuple[nn.Polynomial, list[float], int | None]:
    """Full-batch SGD on a fresh Polynomial(2); returns (model, loss per iteration,
    the iteration where the loss overflowed or None)."""
    model = nn.Polynomial(2, dtype=torch.float64)
    optimizer = torch.optim.SGD(groups_of(model), lr=0.01)
    loss_fn = nn.MSELoss()
    losses = []
    with np.errstate(over="ignore", invalid="ignore"):
        for i in range(ITERATIONS):
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            losses.append(loss.item())
            if not math.isfinite(losses[-1]) or losses[-1] > 1e100:
                return model, losses, i
            loss.backward()
            optimizer.step()
    return model, losses, None


RUNS = {
    "shared lr 2e-4": lambda m: [{"params": m.parameters(), "lr": 2e-4}],
    "shared lr 1e-3": lambda m: [{"params": m.parameters(), "lr": 1e-3}],
    "per-parameter lr": lambda m: [  # tailored to the curvatures printed above
        {"params": [m.a2], "lr": 1e-4},
        {"params": [m.a1], "lr": 1e-2},
        {"params": [m.a0], "lr": 0.4},
    ],
}
COLORS = {
    "shared lr 2e-4": "tab:blue",
    "shared lr 1e-3": "tab:red",
    "per-parameter lr": "tab:green",
}
results = {}
for n, (x, y) in DATASETS.items():
    print(f"--- {n} points, {ITERATIONS} iterations from a0 = a1 = a2 = 0")
    for name, groups_of in RUNS.items():
        model, losses, overflow = fit(x, y, groups_of)
        results[n, name] = (model, losses)
        coefs = ", ".join(f"{k}={p.item():.4g}" for k, p in model.named_parameters())
        if overflow is not None:
            print(f"{name:>17}: overflow at iteration {overflow} (loss {losses[-1]:.3g})")
        else:
            print(f"{name:>17}: loss={losses[-1]:.6g}  {coefs}")
print("target: a0=2, a1=-3, a2=0.5")

# %% Plots: the loss per iteration, and the fitted curves
if have_matplotlib():
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(11, 8))
    for row, (n, (x, y)) in enumerate(DATASETS.items()):
        ax_loss, ax_fit = axes[row]
        grid = np.linspace(-10, 10, 201)
        ax_fit.plot(grid, 0.5 * grid**2 - 3 * grid + 2, color="black", lw=3, alpha=0.3,
                    label="target")  # fmt: skip
        ax_fit.scatter(x.numpy(), y.numpy(), color="black", zorder=3)
        for name in RUNS:
            model, losses = results[n, name]
            finite = [v if math.isfinite(v) else np.nan for v in losses]
            ax_loss.plot(finite, label=name, color=COLORS[name])
            if name != "shared lr 1e-3":
                with torch.no_grad():
                    curve = model(torch.tensor(grid)).numpy()
                ax_fit.plot(grid, curve, label=name, color=COLORS[name])
        ax_loss.set_yscale("log")
        ax_loss.set_title(f"{n} points: loss per iteration")
        ax_loss.set_xlabel("iteration")
        ax_loss.legend()
        ax_fit.set_ylim(-10, 90)
        ax_fit.set_title(f"{n} points: fitted quadratics")
        ax_fit.legend()
    fig.tight_layout()
    fig.savefig(OUT / "quadratic.png")
    plt.close(fig)
    wrote(OUT / "quadratic.png")
