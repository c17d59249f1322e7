"""Logistic regression with BCEWithLogitsLoss, full batch, as a first classification lesson."""

import torch


def main(scale=1.0):
    torch.manual_seed(0)
    X = torch.randn(500, 4)
    true_w = torch.tensor([[1.5], [-2.0], [0.5], [0.0]])
    y = (X @ true_w + 0.1 * torch.randn(500, 1) > 0).float()
    model = torch.nn.Linear(4, 1)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    for step in range(int(1000 * scale)):
        loss = loss_fn(model(X), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return loss.item()
