"""A lecture's single neuron on scalars: tanh(w·x + b) and its gradient, many small steps."""

import torch


def main(scale=1.0):
    x1 = torch.tensor(2.0, dtype=torch.float64)
    x2 = torch.tensor(0.0, dtype=torch.float64)
    w1 = torch.tensor(-3.0, dtype=torch.float64, requires_grad=True)
    w2 = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(6.8813735870195432, dtype=torch.float64, requires_grad=True)
    for step in range(int(3000 * scale)):
        n = x1 * w1 + x2 * w2 + b
        o = torch.tanh(n)
        loss = (o - 0.5) ** 2
        loss.backward()
        with torch.no_grad():
            for p in (w1, w2, b):
                p -= 0.05 * p.grad
                p.grad.zero_()
    return loss.item()
