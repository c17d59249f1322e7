"""End to end: a 2-layer MLP trained with plain manual SGD (``p.data -= lr * p.grad.data``)
follows PyTorch's trajectory step for step from identical starting weights."""

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite import nn


def _mlp(lib):
    return lib.nn.Sequential(lib.nn.Linear(4, 16), lib.nn.Tanh(), lib.nn.Linear(16, 3))


def _train(lib, model, x, y, loss_fn, steps=15, lr=0.1):
    losses = []
    for _ in range(steps):
        loss = loss_fn(model(lib.tensor(x)), lib.tensor(y))
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= lr * p.grad.data
        losses.append(loss.item())
    return losses


@pytest.mark.parametrize("loss_name", ["CrossEntropyLoss", "MSELoss"])
def test_mlp_manual_sgd_matches_torch(torch, loss_name):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((32, 4)).astype(np.float32)
    if loss_name == "CrossEntropyLoss":
        y = rng.integers(0, 3, 32)
    else:
        y = rng.standard_normal((32, 3)).astype(np.float32)
    ours, ref = _mlp(tl), _mlp(torch)
    ref.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    ours_losses = _train(tl, ours, x, y, getattr(nn, loss_name)())
    ref_losses = _train(torch, ref, x, y, getattr(torch.nn, loss_name)())
    np.testing.assert_allclose(ours_losses, ref_losses, rtol=2e-5)
    assert ours_losses[-1] < ours_losses[0]
    for (name, p), (_, q) in zip(ours.named_parameters(), ref.named_parameters()):
        np.testing.assert_allclose(
            p.numpy(), q.detach().numpy(), rtol=1e-4, atol=1e-6, err_msg=name
        )


def test_mlp_learns_xor_with_numpy_checked_first_step():
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
    y = np.array([0, 1, 1, 0])
    tl.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 2)).double()
    w1, b1, w2, b2 = (p.numpy().copy() for p in model.parameters())
    loss = nn.CrossEntropyLoss()(model(tl.tensor(x)), tl.tensor(y))
    loss.backward()
    # hand-written backprop of the same network
    h = np.tanh(x @ w1.T + b1)
    z = h @ w2.T + b2
    p = np.exp(z - z.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    dz = (p - np.eye(2)[y]) / 4
    dh = dz @ w2 * (1 - h**2)
    np.testing.assert_allclose(loss.item(), -np.log(p[np.arange(4), y]).mean(), rtol=1e-12)
    np.testing.assert_allclose(model[2].weight.grad.numpy(), dz.T @ h, rtol=1e-10)
    np.testing.assert_allclose(model[0].weight.grad.numpy(), dh.T @ x, rtol=1e-10)
    np.testing.assert_allclose(model[0].bias.grad.numpy(), dh.sum(0), rtol=1e-10)
    for _ in range(500):
        loss = nn.CrossEntropyLoss()(model(tl.tensor(x)), tl.tensor(y))
        model.zero_grad()
        loss.backward()
        for param in model.parameters():
            param.data -= 0.5 * param.grad.data
    assert (model(tl.tensor(x)).argmax(1).numpy() == y).all()
