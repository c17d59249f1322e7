"""A network whose depth changes at every forward pass (Python control flow), SGD+momentum."""

import math
import random

import torch


class DynamicNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.a = torch.nn.Parameter(torch.randn(()))
        self.b = torch.nn.Parameter(torch.randn(()))
        self.c = torch.nn.Parameter(torch.randn(()))
        self.d = torch.nn.Parameter(torch.randn(()))
        self.e = torch.nn.Parameter(torch.randn(()))

    def forward(self, x, k):
        y = self.a + self.b * x + self.c * x**2 + self.d * x**3
        for exp in range(4, k):
            y = y + self.e * x**exp
        return y


def main(scale=1.0):
    torch.manual_seed(0)
    rng = random.Random(0)
    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x)
    model = DynamicNet()
    criterion = torch.nn.MSELoss(reduction="sum")
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-8, momentum=0.9)
    for t in range(int(1000 * scale)):
        y_pred = model(x, rng.randint(4, 6))
        loss = criterion(y_pred, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return loss.item()
