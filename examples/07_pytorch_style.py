"""A PyTorch-style training script that runs unchanged on PyTorch or on tinygrad_lite.

Everything below the backend choice is ordinary PyTorch code: ``nn.Sequential``,
``DataLoader``, ``SGD`` with momentum, a learning-rate schedule, ``state_dict`` save and
load. Pick the backend with ``--backend torch`` (or the environment variable
``EXAMPLE_BACKEND=torch``); the default is ``import tinygrad_lite as torch``. The weights
and data come from a seeded NumPy generator, so both backends start from the same numbers
and print the same losses (to about 1e-10 in float64).

Run: ``python examples/07_pytorch_style.py [--backend torch|tinygrad_lite] [--out DIR]``.
"""

# %% Choose the backend: the only lines that differ
import argparse
import os

import numpy as np

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--backend", choices=["tinygrad_lite", "torch"],
                    default=os.environ.get("EXAMPLE_BACKEND", "tinygrad_lite"))  # fmt: skip
parser.add_argument("--out", default="out", help="directory for the checkpoint")
args, _ = parser.parse_known_args()
if args.backend == "torch":
    import torch
else:
    import tinygrad_lite as torch
nn = torch.nn
print(f"backend: {torch.__name__}")

# %% Data and weights from NumPy, so that both backends see the same numbers
torch.set_default_dtype(torch.float64)
rng = np.random.default_rng(42)
inputs = rng.uniform(-2, 2, size=(256, 2))
targets = np.sin(2 * inputs[:, :1]) + 0.5 * inputs[:, 1:] ** 2 + rng.normal(0, 0.05, (256, 1))
X, Y = torch.from_numpy(inputs), torch.from_numpy(targets)

model = nn.Sequential(nn.Linear(2, 32), nn.Tanh(), nn.Linear(32, 32), nn.Tanh(), nn.Linear(32, 1))
with torch.no_grad():
    for p in model.parameters():  # weights ~ N(0, 1/fan_in), biases ~ N(0, 0.1^2)
        scale = p.shape[-1] ** -0.5 if p.dim() == 2 else 0.1
        p.copy_(torch.from_numpy(rng.normal(0, scale, size=tuple(p.shape))))

# %% The usual training loop
loader = torch.utils.data.DataLoader(
    torch.utils.data.TensorDataset(X, Y), batch_size=32, shuffle=False
)
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=10, gamma=0.5)
loss_fn = nn.MSELoss()

for epoch in range(30):
    model.train()
    total = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(xb)
    scheduler.step()
    if epoch % 5 == 4:
        print(f"epoch {epoch + 1:2d}: train loss {total / len(X):.12f}")

# %% Evaluate, save, load back
model.eval()
with torch.no_grad():
    final = torch.nn.functional.mse_loss(model(X), Y).item()
print(f"final loss {final:.12f}")
os.makedirs(args.out, exist_ok=True)
path = os.path.join(args.out, f"pytorch_style_{args.backend}.pt")
torch.save(model.state_dict(), path)
copy = nn.Sequential(nn.Linear(2, 32), nn.Tanh(), nn.Linear(32, 32), nn.Tanh(), nn.Linear(32, 1))
copy.load_state_dict(torch.load(path))
with torch.no_grad():
    print(f"reloaded model loss {torch.nn.functional.mse_loss(copy(X), Y).item():.12f}")
print(f"wrote {path}")
