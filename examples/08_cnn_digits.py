"""A LeNet-style CNN on real handwritten digits: filters, a confusion matrix and the model graph.

The 1,797 8×8 digit images that ship with scikit-learn (``sklearn.datasets.load_digits``,
no download) are split 80/20 into training and test sets. The model is two blocks of
``Conv2d -> BatchNorm2d -> ReLU -> MaxPool2d`` (8×8 -> 4×4 -> 2×2), then ``Flatten ->
Linear -> ReLU -> Linear``, trained with ``CrossEntropyLoss`` and Adam (learning rate
halved every 5 epochs) in minibatches of 32 from a ``DataLoader``. The script prints the
loss and test accuracy per epoch and the training time, draws the 16 learned first-layer
filters and the test confusion matrix, and draws the module graph of one loss evaluation
with each layer collapsed into one box.

The code below the backend choice is plain PyTorch: ``--backend torch`` (or the
environment variable ``EXAMPLE_BACKEND=torch``) runs it on PyTorch instead. The starting
weights and the order of the batches come from NumPy, so both backends do the same float32
arithmetic: they print the same losses (to rounding) and the same test accuracy.

Run: ``python examples/08_cnn_digits.py [--backend torch|tinygrad_lite] [--epochs N] [--out DIR]``.
"""

# %% Choose the backend: the only lines that differ
import argparse
import os
import time

import numpy as np
from _shared import have_matplotlib, out_dir, wrote

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--backend", choices=["tinygrad_lite", "torch"],
                    default=os.environ.get("EXAMPLE_BACKEND", "tinygrad_lite"))  # fmt: skip
parser.add_argument("--epochs", type=int, default=15, help="training epochs (default 15)")
args, _ = parser.parse_known_args()
if args.backend == "torch":
    import torch
else:
    import tinygrad_lite as torch
nn = torch.nn
OUT = out_dir(__doc__)
print(f"backend: {torch.__name__}")

# %% The digits: 8x8 grey images with values 0..16, scaled to 0..1
try:
    from sklearn.datasets import load_digits
except ImportError:
    raise SystemExit("this example needs scikit-learn: pip install 'tinygrad_lite[data]'") from None

digits = load_digits()
images = (digits.images / 16.0).astype(np.float32)[:, None]  # (1797, 1, 8, 8)
labels = digits.target.astype(np.int64)
order = np.random.default_rng(0).permutation(len(labels))
test_idx, train_idx = order[:360], order[360:]
X_train, Y_train = torch.from_numpy(images[train_idx]), torch.from_numpy(labels[train_idx])
X_test, Y_test = torch.from_numpy(images[test_idx]), torch.from_numpy(labels[test_idx])
print(f"{len(train_idx)} training and {len(test_idx)} test images of size 8x8")

# %% The model: two conv blocks, then a small MLP
torch.manual_seed(0)
model = nn.Sequential(
    nn.Conv2d(1, 16, kernel_size=5, padding=2), nn.BatchNorm2d(16), nn.ReLU(),
    nn.MaxPool2d(2),  # 16 x 4 x 4
    nn.Conv2d(16, 32, kernel_size=3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
    nn.MaxPool2d(2),  # 32 x 2 x 2
    nn.Flatten(),
    nn.Linear(32 * 2 * 2, 64), nn.ReLU(),
    nn.Linear(64, 10),
)  # fmt: skip
print(model)
print(f"{sum(p.numel() for p in model.parameters())} parameters")

# Both backends start from the same weights and see the batches in the same order: the
# weights are PyTorch's default draws (uniform within ±1/sqrt(fan_in)) made by NumPy, and the
# shuffling is a NumPy permutation per epoch. (Delete this cell and use shuffle=True for a
# script of one backend only.)
rng = np.random.default_rng(0)
with torch.no_grad():
    for layer in model.modules():
        if isinstance(layer, (nn.Conv2d, nn.Linear)):
            bound = 1 / np.sqrt(layer.weight[0].numel())
            for p in (layer.weight, layer.bias):
                p.copy_(torch.from_numpy(rng.uniform(-bound, bound, tuple(p.shape)).astype("f")))


class NumpyShuffle:
    """A sampler: the indices 0..n-1 in a new NumPy-random order each epoch."""

    def __init__(self, n: int, seed: int) -> None:
        self.n, self.rng = n, np.random.default_rng(seed)

    def __iter__(self):
        return iter(self.rng.permutation(self.n).tolist())

    def __len__(self) -> int:
        return self.n


loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=5, gamma=0.5)
loader = torch.utils.data.DataLoader(
    torch.utils.data.TensorDataset(X_train, Y_train), batch_size=32,
    sampler=NumpyShuffle(len(train_idx), seed=1),
)  # fmt: skip


def test_accuracy() -> float:
    model.eval()
    with torch.no_grad():
        predicted = model(X_test).argmax(dim=1)
    model.train()
    return (predicted == Y_test).float().mean().item()


# %% Training
start = time.perf_counter()
for epoch in range(1, args.epochs + 1):
    total = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(xb)
    scheduler.step()
    print(f"epoch {epoch:2d}: train loss {total / len(train_idx):.4f}, "
          f"test accuracy {test_accuracy():.3f}")  # fmt: skip
seconds = time.perf_counter() - start
accuracy = test_accuracy()
print(f"test accuracy: {accuracy:.4f}")
print(f"trained {args.epochs} epochs in {seconds:.1f} s")

# %% The confusion matrix: rows are the true digits, columns the predictions
with torch.no_grad():
    predicted = model(X_test).argmax(dim=1).numpy()
confusion = np.zeros((10, 10), dtype=int)
np.add.at(confusion, (labels[test_idx], predicted), 1)
print("confusion matrix (rows: true digit, columns: predicted):")
for digit, row in enumerate(confusion):
    print(f"  {digit}: " + " ".join(f"{n:3d}" for n in row))

# %% Pictures: the learned 5x5 filters of the first layer and the confusion matrix
if have_matplotlib():
    import matplotlib.pyplot as plt

    filters = model[0].weight.detach().numpy()[:, 0]  # (16, 5, 5)
    fig, axes = plt.subplots(2, 8, figsize=(8, 2.4))
    for ax, f, i in zip(axes.ravel(), filters, range(16)):
        ax.imshow(f, cmap="RdBu_r", vmin=-np.abs(f).max(), vmax=np.abs(f).max())
        ax.set_title(f"{i}", fontsize=8)
        ax.set_axis_off()
    fig.suptitle("First-layer filters (5×5; red positive, blue negative)")
    fig.tight_layout()
    fig.savefig(OUT / "digits_filters.png", dpi=100)
    plt.close(fig)
    wrote(OUT / "digits_filters.png")

    fig, ax = plt.subplots(figsize=(5, 4.5))
    ax.imshow(confusion, cmap="Blues")
    for i in range(10):
        for j in range(10):
            if confusion[i, j]:
                color = "white" if confusion[i, j] > confusion.max() / 2 else "black"
                ax.text(j, i, str(confusion[i, j]), ha="center", va="center", color=color,
                        fontsize=8)  # fmt: skip
    ax.set_xticks(range(10))
    ax.set_yticks(range(10))
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    ax.set_title(f"Test confusion matrix (accuracy {accuracy:.1%})")
    fig.tight_layout()
    fig.savefig(OUT / "digits_confusion.png", dpi=100)
    plt.close(fig)
    wrote(OUT / "digits_confusion.png")

# %% The module graph of one loss evaluation, each layer collapsed into one box
if args.backend == "tinygrad_lite":
    from tinygrad_lite import viz

    with viz.record():
        loss = loss_fn(model(X_test[:2]), Y_test[:2])
    graph = viz.draw(loss, model, collapse_modules=True, rankdir="TB", show_values=False,
                     title="LeNet-style CNN on 2 digits, one box per layer")  # fmt: skip
    try:
        wrote(viz.render(graph, str(OUT / "digits_graph.png"), format="png"))
    except viz.GraphvizMissingError as e:
        print(f"({e})")
