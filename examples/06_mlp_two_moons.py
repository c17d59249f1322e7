"""A small MLP classifier on two interleaving half-moons, with its decision boundary and graph.

The data is made with NumPy (two noisy half circles, 200 points). The model is
``Linear(2, 16) -> Tanh -> Linear(16, 16) -> Tanh -> Linear(16, 1)``, trained with
``BCEWithLogitsLoss`` and Adam on the full batch. The script prints the loss and the
accuracy as training goes, draws the decision boundary, and draws the computation graph of
one loss evaluation with one cluster per layer.

Run: ``python examples/06_mlp_two_moons.py [--out DIR]``.
"""

# %% Setup: two moons from NumPy
import numpy as np
from _shared import have_matplotlib, out_dir, wrote

import tinygrad_lite as torch
from tinygrad_lite import nn, viz

OUT = out_dir(__doc__)


def two_moons(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points on two interleaving half circles (label 0 upper, 1 lower) plus noise."""
    half = n // 2
    angle_top = rng.uniform(0, np.pi, half)
    angle_bottom = rng.uniform(0, np.pi, n - half)
    top = np.stack([np.cos(angle_top), np.sin(angle_top)], axis=1)
    bottom = np.stack([1 - np.cos(angle_bottom), 0.5 - np.sin(angle_bottom)], axis=1)
    points = np.concatenate([top, bottom]) + rng.normal(0, noise, (n, 2))
    labels = np.concatenate([np.zeros(half), np.ones(n - half)])
    return points, labels


rng = np.random.default_rng(0)
points, labels = two_moons(200, 0.15, rng)
X = torch.tensor(points, dtype=torch.float32)
Y = torch.tensor(labels, dtype=torch.float32).reshape(-1, 1)
print(f"{len(X)} points, {int(labels.sum())} in class 1")

# %% The model, the loss, the optimizer
torch.manual_seed(0)
model = nn.Sequential(
    nn.Linear(2, 16), nn.Tanh(),
    nn.Linear(16, 16), nn.Tanh(),
    nn.Linear(16, 1),
)  # fmt: skip
loss_fn = nn.BCEWithLogitsLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.03)
print(model)
print(f"{sum(p.numel() for p in model.parameters())} parameters")


def accuracy() -> float:
    with torch.no_grad():
        return ((model(X) > 0).float() == Y).float().mean().item()


# %% Training
for epoch in range(301):
    optimizer.zero_grad()
    loss = loss_fn(model(X), Y)
    loss.backward()
    optimizer.step()
    if epoch % 50 == 0:
        print(f"epoch {epoch:3d}: loss {loss.item():.4f}, accuracy {accuracy():.3f}")
final_accuracy = accuracy()
print(f"final accuracy: {final_accuracy:.3f}")

# %% The decision boundary
if have_matplotlib():
    import matplotlib.pyplot as plt

    gx, gy = np.meshgrid(np.linspace(-1.7, 2.7, 200), np.linspace(-1.2, 1.7, 200))
    grid = torch.tensor(np.stack([gx.ravel(), gy.ravel()], axis=1), dtype=torch.float32)
    with torch.no_grad():
        prob = torch.sigmoid(model(grid)).numpy().reshape(gx.shape)
    fig, ax = plt.subplots(figsize=(6, 4.5))
    ax.contourf(gx, gy, prob, levels=20, cmap="RdBu_r", alpha=0.6)
    ax.contour(gx, gy, prob, levels=[0.5], colors="black")
    ax.scatter(points[:, 0], points[:, 1], c=labels, cmap="RdBu_r", edgecolors="black", s=18)
    ax.set_title(f"Two moons: decision boundary (accuracy {final_accuracy:.1%})")
    fig.tight_layout()
    fig.savefig(OUT / "moons_boundary.png")
    plt.close(fig)
    wrote(OUT / "moons_boundary.png")

# %% The computation graph of one loss evaluation, one cluster per layer
with viz.record():
    loss = loss_fn(model(X[:4]), Y[:4])  # four points keep the boxes small
graph = viz.draw(loss, model, title="BCEWithLogitsLoss of the MLP on 4 points")
try:
    wrote(viz.render(graph, str(OUT / "moons_graph.svg"), missing="raise"))
except viz.GraphvizMissingError as e:
    print(f"({e})")
