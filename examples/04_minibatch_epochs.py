"""Batches and epochs with ``DataLoader``: full batch vs minibatches vs one sample at a time.

"Gradient descent, for real" in "A Little Gradient Descent": an epoch is however many
training iterations it takes to see the training data once, and each iteration uses only
a batch of it, so the loss being minimised changes from one step to the next. Here the
pizza model (``nn.LinearRegression``) is trained for the same number of epochs three ways:
the whole data set per step (30 rows), minibatches of 6, and single samples (SGD).

Run: ``python examples/04_minibatch_epochs.py [--out DIR]``.
"""

# %% Setup
from _shared import data_path, have_matplotlib, out_dir, wrote

import tinygrad_lite as torch
from tinygrad_lite import nn
from tinygrad_lite.utils.data import DataLoader, TensorDataset, load_columns

OUT = out_dir(__doc__)
x, y = load_columns(data_path("pizza.txt"), dtype=torch.float64)
dataset = TensorDataset(x, y)
EPOCHS = 40
LR = 0.001
print(f"{len(dataset)} samples, {EPOCHS} epochs at lr {LR} for every run")


# %% One training loop, three batch sizes
def train(batch_size: int, seed: int = 0) -> tuple[nn.LinearRegression, list[float], int]:
    """Train a fresh model; returns (model, full-data loss after each epoch, steps taken)."""
    model = nn.LinearRegression(dtype=torch.float64)
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    loss_fn = nn.MSELoss()
    loader = DataLoader(
        dataset, batch_size=batch_size, shuffle=True, generator=torch.Generator().manual_seed(seed)
    )
    losses, steps = [], 0
    for _epoch in range(EPOCHS):
        for xb, yb in loader:  # a batch: its own loss, its own gradient, one step
            optimizer.zero_grad()
            loss_fn(model(xb), yb).backward()
            optimizer.step()
            steps += 1
        with torch.no_grad():  # the loss on all the data, to compare the runs
            losses.append(loss_fn(model(x), y).item())
    return model, losses, steps


runs = {"full batch (30)": 30, "minibatch (6)": 6, "single sample (1)": 1}
curves = {}
for name, batch_size in runs.items():
    model, losses, steps = train(batch_size)
    curves[name] = losses
    print(f"{name:>18}: {steps:5d} steps, loss after epoch 1: {losses[0]:8.3f}, "
          f"after epoch {EPOCHS}: {losses[-1]:7.3f}, {model}")  # fmt: skip

# %% Each epoch's loss: more, noisier steps per epoch go down faster but not smoothly
for epoch in (1, 2, 5, 10, 20, 40):
    row = "  ".join(f"{curves[name][epoch - 1]:9.3f}" for name in runs)
    print(f"epoch {epoch:>2}: {row}")

if have_matplotlib():
    from tinygrad_lite.viz import plots

    plots.loss_curve(curves, steps=range(1, EPOCHS + 1), xlabel="epoch", log_scale=True,
                     ylabel="loss on all 30 samples", title="Pizza model: loss per epoch",
                     path=OUT / "minibatch_loss.png")  # fmt: skip
    wrote(OUT / "minibatch_loss.png")
