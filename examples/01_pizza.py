"""Walking the gradient: the pizza model, from a "tweak" search to gradient descent.

Reproduces "Walking the Gradient" (chapter 3 of a machine-learning course, pizza data):
the chapter-2 search that nudges w and b by lr (157,777 iterations at lr 0.0001) against
gradient descent (20,000 iterations at lr 0.001); the weight-vs-loss curve; the gradient
without bias; partial derivatives with bias, by hand and by autograd. Both approaches end
near w = 1.08, b = 13.17 and predict about 34.79 pizzas for 20 reservations.

Run: ``python examples/01_pizza.py [--out DIR]`` (pictures go to ./out by default).
"""

# %% Setup: the data and the output folder
import time

import numpy as np
from _shared import have_matplotlib, load_xy, out_dir, wrote

import tinygrad_lite as torch

OUT = out_dir(__doc__)
reservations, pizzas = load_xy("pizza.txt")
first = ", ".join(f"{r:.0f} -> {p:.0f}" for r, p in zip(reservations[:3], pizzas[:3]))
print(f"{len(reservations)} rows of reservations -> pizzas; the first three: {first}")

# float64 tensors, so the numbers match the book's to the last printed digit
X = torch.tensor(reservations)
Y = torch.tensor(pizzas)


def predict(x, w, b):
    """The model: a line through the data, pizzas = reservations * w + b."""
    return x * w + b


def loss(x, y, w, b):
    """Mean squared error of the line (w, b) on the data (x, y)."""
    return ((predict(x, w, b) - y) ** 2).mean()


# %% Chapter 2's "tweak" search: nudge w or b by lr while the loss goes down
# The loss of a line on fixed data is a quadratic in (w, b):
#   L(w, b) = w²·mean(x²) + 2wb·mean(x) + b² - 2w·mean(xy) - 2b·mean(y) + mean(y²)
# so five means computed once (with tensors) let every one of the ~600,000 loss
# evaluations below cost a few float operations: the search runs in a fraction of a second
# instead of minutes, and it visits exactly the same points.
m_xx, m_x, m_xy, m_y, m_yy = (
    t.item() for t in ((X * X).mean(), X.mean(), (X * Y).mean(), Y.mean(), (Y * Y).mean())
)


def fast_loss(w: float, b: float) -> float:
    return w * w * m_xx + 2 * w * b * m_x + b * b - 2 * w * m_xy - 2 * b * m_y + m_yy


def tweak_train(iterations: int, lr: float) -> tuple[float, float, int]:
    """The chapter-2 search from w = b = 0; returns (w, b, iteration where it stopped)."""
    w = b = 0.0
    for i in range(iterations + 1):  # the book loops over 0..iterations, inclusive
        current = fast_loss(w, b)
        if fast_loss(w + lr, b) < current:
            w += lr
        elif fast_loss(w - lr, b) < current:
            w -= lr
        elif fast_loss(w, b + lr) < current:
            b += lr
        elif fast_loss(w, b - lr) < current:
            b -= lr
        else:
            return w, b, i  # no nudge lowers the loss: the search halts
    return w, b, iterations


start = time.perf_counter()
w_tweak, b_tweak, stopped = tweak_train(157_777, 0.0001)
seconds = time.perf_counter() - start
loss_tweak = loss(X, Y, w_tweak, b_tweak).item()  # checked with the tensor loss
print(f"tweak search: stopped at iteration {stopped:,} after {seconds:.2f} s")
print(f"  w={w_tweak:.4f}, b={b_tweak:.4f}, loss={loss_tweak:.4f}")
print(f"  prediction x=20 => y={predict(20, w_tweak, b_tweak):.4f}")

# %% The weight-vs-loss curve (no bias): the loss as w goes from -1 to 4
weights = np.linspace(-1, 4, 51)
curve = [loss(X, Y, float(w), 0.0).item() for w in weights]
for w in range(-1, 5):
    print(f"  w={w:>2}: loss={loss(X, Y, float(w), 0.0).item():9.2f}")
best = weights[int(np.argmin(curve))]
print(f"lowest loss on the curve at w={best:.1f}")
if have_matplotlib():
    from tinygrad_lite.viz import plots

    plots.loss_vs_weight(lambda w: loss(X, Y, w, 0.0), weights, xlabel="weight w (b = 0)",
                         path=OUT / "pizza_weight_vs_loss.png")  # fmt: skip
    wrote(OUT / "pizza_weight_vs_loss.png")


# %% Gradient descent without bias: the derivative of the loss, by hand and by autograd
def gradient_no_bias(x, y, w):
    """dL/dw of mean((x*w - y)^2) = 2 * mean((x*w - y) * x), written out by hand."""
    return 2 * ((predict(x, w, 0) - y) * x).mean()


w = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
loss(X, Y, w, 0).backward()
print(f"at w=0: dL/dw by hand = {gradient_no_bias(X, Y, 0.0).item():.4f}, "
      f"by autograd = {w.grad.item():.4f}")  # fmt: skip

w = 0.0
for i in range(100 + 1):
    if i % 25 == 0:
        print(f"Iteration {i} => Loss {loss(X, Y, w, 0).item():.4f}")
    w = w - gradient_no_bias(X, Y, w).item() * 0.001
print(f"without bias: w={w:.4f}, loss={loss(X, Y, w, 0).item():.4f}")


# %% Escape from flatland: partial derivatives with bias, by hand
def gradient(x, y, w, b):
    """(dL/dw, dL/db): the derivative of the loss while pretending the other is a constant."""
    error = predict(x, w, b) - y
    return 2 * (error * x).mean(), 2 * error.mean()


def train(x, y, iterations, lr):
    w = b = 0.0
    for _ in range(iterations + 1):
        w_gradient, b_gradient = gradient(x, y, w, b)
        w = w - w_gradient.item() * lr
        b = b - b_gradient.item() * lr
    return w, b


start = time.perf_counter()
w_hand, b_hand = train(X, Y, 20_000, 0.001)
print(f"gradient descent (hand-written gradient), {time.perf_counter() - start:.1f} s:")
print(f"  w={w_hand:.4f}, b={b_hand:.4f}, loss={loss(X, Y, w_hand, b_hand).item():.4f}")
print(f"  prediction x=20 => y={predict(20, w_hand, b_hand):.4f}")

# %% The same with autograd: backward() computes both partial derivatives
w = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
b = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
losses, path = [], []
start = time.perf_counter()
for i in range(20_000 + 1):
    L = loss(X, Y, w, b)
    losses.append(L.item())
    if i % 200 == 0:
        path.append((w.item(), b.item()))
    L.backward()
    with torch.no_grad():
        w -= 0.001 * w.grad
        b -= 0.001 * b.grad
    w.grad = b.grad = None
print(f"gradient descent (autograd), {time.perf_counter() - start:.1f} s:")
print(f"  w={w.item():.4f}, b={b.item():.4f}, loss={loss(X, Y, w, b).item():.4f}")
print(f"  prediction x=20 => y={predict(20, w, b).item():.4f}")
assert abs(w.item() - w_hand) < 1e-9 and abs(b.item() - b_hand) < 1e-9

# %% Side by side
print(f"{'':>18} {'w':>8} {'b':>8} {'loss':>8} {'y(20)':>8}")
for name, (wv, bv) in {"tweak (157,777)": (w_tweak, b_tweak),
                       "gradient (20,000)": (w.item(), b.item())}.items():  # fmt: skip
    print(f"{name:>18} {wv:8.4f} {bv:8.4f} {loss(X, Y, wv, bv).item():8.4f} {20 * wv + bv:8.4f}")
if have_matplotlib():
    from tinygrad_lite.viz import plots

    plots.loss_curve(losses, log_scale=True, title="Gradient descent on the pizza data",
                     path=OUT / "pizza_loss.png")  # fmt: skip
    wrote(OUT / "pizza_loss.png")
    # the loss over (w, b), a long narrow valley, and the path gradient descent took down it
    plots.loss_surface(lambda w, b: fast_loss(w, b), (-0.5, 3.0), (-5.0, 20.0),
                       trajectory=path + [(w.item(), b.item())], title="Pizza: loss over (w, b)",
                       path=OUT / "pizza_loss_surface.png")  # fmt: skip
    wrote(OUT / "pizza_loss_surface.png")
