"""Seeded training programs written the way tutorials write them, run under PyTorch and
with the import swapped: every random draw (init, data, shuffling, dropout, sampling) is
PyTorch's, so the two runs stay in step."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_lite


def tutorial_run(torch):
    """A small regression script in the usual idiom (seed, randn data, TensorDataset +
    shuffled DataLoader, an MLP with Dropout, Adam), returning what it would print."""
    torch.manual_seed(42)
    X = torch.randn(64, 3)
    y = (X[:, :1] * 2 - X[:, 1:2] + 0.1 * torch.randn(64, 1)).detach()
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(X, y), batch_size=16, shuffle=True
    )
    model = torch.nn.Sequential(
        torch.nn.Linear(3, 32), torch.nn.ReLU(), torch.nn.Dropout(0.25), torch.nn.Linear(32, 1)
    )
    first_weight = model[0].weight.detach().numpy().copy()
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    losses, orders = [], []
    for _ in range(3):
        for xb, yb in loader:
            orders.append(xb[:, 0].detach().numpy().copy())
            loss = torch.nn.functional.mse_loss(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
    model.eval()
    g = torch.Generator().manual_seed(2147483647)
    probs = torch.softmax(model(X[:5]).detach().reshape(-1), 0)
    picks = torch.multinomial(probs, 20, replacement=True, generator=g).tolist()
    return first_weight, orders, losses, picks, torch.rand(3).numpy().copy()


def test_tutorial_program_matches_pytorch():
    torch = pytest.importorskip("torch")
    ours, theirs = tutorial_run(tinygrad_lite), tutorial_run(torch)
    np.testing.assert_array_equal(ours[0], theirs[0])  # nn.Linear's default init
    for a, b in zip(ours[1], theirs[1], strict=True):  # the shuffled batches
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-4)  # losses (float32 matmuls)
    assert ours[3] == theirs[3]
    np.testing.assert_array_equal(ours[4], theirs[4])  # the stream is still in step


def test_tutorial_program_is_reproducible_without_torch():
    a, b = tutorial_run(tinygrad_lite), tutorial_run(tinygrad_lite)
    np.testing.assert_array_equal(a[0], b[0])
    assert a[2] == b[2] and a[3] == b[3]
    assert a[2][-1] < a[2][0]
