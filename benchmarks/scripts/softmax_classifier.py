"""A small MLP classifier on three Gaussian blobs: CrossEntropyLoss, DataLoader, accuracy."""

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def main(scale=1.0):
    torch.manual_seed(0)
    n = 600
    labels = torch.randint(0, 3, (n,))
    centers = torch.tensor([[0.0, 2.0], [2.0, -1.0], [-2.0, -1.0]])
    X = centers[labels] + 0.8 * torch.randn(n, 2)
    loader = DataLoader(TensorDataset(X, labels), batch_size=32, shuffle=True)
    model = nn.Sequential(nn.Linear(2, 32), nn.ReLU(), nn.Linear(32, 3))
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    for epoch in range(max(1, int(10 * scale))):
        for xb, yb in loader:
            loss = loss_fn(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    with torch.no_grad():
        return (model(X).argmax(dim=1) == labels).float().mean().item()
