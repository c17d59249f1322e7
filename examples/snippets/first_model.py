"""The training example of the README and the docs: the pizza model in 20 lines."""

import tinygrad_lite as torch
from tinygrad_lite import nn, viz
from tinygrad_lite.utils.data import load_columns

x, y = load_columns("data/pizza.txt", dtype=torch.float64)  # reservations, pizzas
model = nn.LinearRegression(dtype=torch.float64)  # y = w·x + b, from w = b = 0
optimizer = torch.optim.SGD(model.parameters(), lr=0.001)
loss_fn = nn.MSELoss()

for _ in range(20_000):
    optimizer.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    optimizer.step()

print(model)  # LinearRegression(y = 1.0811·x + 13.1723)
print(f"loss {loss.item():.4f}; 20 reservations -> {model(20.0).item():.2f} pizzas")
viz.render(viz.draw(loss, (model, {"x": x, "y": y})), "out/pizza_graph.svg")  # values, grads
