"""Linear regression from scratch on synthetic data, read in minibatches by a DataLoader."""

import torch
from torch.utils import data


def synthetic_data(w, b, num_examples):
    X = torch.normal(0, 1, (num_examples, len(w)))
    y = torch.matmul(X, w) + b
    y += torch.normal(0, 0.01, y.shape)
    return X, y.reshape((-1, 1))


def main(scale=1.0):
    torch.manual_seed(0)
    true_w, true_b = torch.tensor([2, -3.4]), 4.2
    features, labels = synthetic_data(true_w, true_b, 1000)
    loader = data.DataLoader(data.TensorDataset(features, labels), batch_size=10, shuffle=True)
    net = torch.nn.Sequential(torch.nn.Linear(2, 1))
    net[0].weight.data.normal_(0, 0.01)
    net[0].bias.data.fill_(0)
    loss = torch.nn.MSELoss()
    trainer = torch.optim.SGD(net.parameters(), lr=0.03)
    for epoch in range(max(1, int(3 * scale))):
        for X, y in loader:
            l = loss(net(X), y)
            trainer.zero_grad()
            l.backward()
            trainer.step()
    return loss(net(features), labels).item()
