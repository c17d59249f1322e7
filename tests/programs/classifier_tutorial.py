"""A small classifier written the way beginner tutorials and textbooks write one: the
companion helpers imported first, the device idiom at the top, LongTensor targets,
NumPy-style axis= keywords, a compiled model and the usual training loop."""

import numpy as np
import textbook_tools as tools
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

device = tools.try_device()
torch.backends.cudnn.benchmark = True
print("device:", device)

rng = np.random.RandomState(0)
centers = np.array([[0.0, 2.0], [2.0, -1.0], [-2.0, -1.0]])
labels = rng.randint(0, 3, size=300)
points = centers[labels] + rng.normal(scale=0.7, size=(300, 2))
X = torch.FloatTensor(points.tolist())
y = torch.LongTensor(labels.tolist())
print("targets:", y.type(), tuple(y.shape), "features:", X.type(), tuple(X.shape))

train_iter = DataLoader(TensorDataset(X[:240], y[:240]), batch_size=16, shuffle=False)
test_iter = DataLoader(TensorDataset(X[240:], y[240:]), batch_size=30)

net = nn.Sequential(nn.Flatten(), nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 3))
init = np.random.RandomState(1)
with torch.no_grad():
    for layer in net:
        if isinstance(layer, nn.Linear):
            layer.weight.copy_(
                torch.from_numpy(init.normal(0, 0.5, tuple(layer.weight.shape)).astype(np.float32))
            )
            layer.bias.zero_()
net = torch.compile(net).to(device)
optimizer = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
loss_fn = nn.CrossEntropyLoss()

for epoch in range(8):
    net.train()
    metric = tools.Accumulator(3)
    for Xb, yb in train_iter:
        Xb, yb = Xb.to(device), yb.to(device)
        with torch.amp.autocast("cpu", enabled=False):
            logits = net(Xb)
            loss = loss_fn(logits, yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        metric.add(float(loss) * yb.numel(), tools.accuracy(logits, yb), yb.numel())
    test_acc = tools.evaluate_accuracy(net, test_iter, device)
    print(
        f"epoch {epoch + 1}: loss {metric[0] / metric[2]:.6f}, train acc {metric[1] / metric[2]:.4f}, test acc {test_acc:.4f}"
    )

with torch.no_grad():
    probs = F.softmax(net(X[:5]), dim=1)
    print("probabilities:", [[round(float(p), 5) for p in row] for row in probs])
    print("mean logit per class:", [round(float(v), 5) for v in net(X).mean(axis=0)])
