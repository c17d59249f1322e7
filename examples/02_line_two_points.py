"""A line from two points: symbolic derivatives, then the tape, then finite differences.

Reproduces "A Little Gradient Descent": the model m*x + b learns the target line
y = 2x + 1 from the two points x = -2 and x = 3, starting at m = b = 0, with lr 0.1 for
20 iterations (ending at m = 2.0011, b = 0.9883). The loss is first an *expression* you can
print as an S-expression and differentiate symbolically; then the same loss is recorded on
the tape and differentiated by ``backward()``; finite differences check both.

It writes the graph of the loss (``line_graph.svg``) and two pages to open in a browser,
offline: ``line_backprop.html`` steps through the forward pass and the backward pass of the
first loss, node by node; ``line_fit.html`` scrubs through the 20 training iterations.

Run: ``python examples/02_line_two_points.py [--out DIR]``.
"""

# %% Setup
from _shared import have_matplotlib, load_xy, out_dir, wrote

import tinygrad_lite as torch
from tinygrad_lite import symbolic, viz
from tinygrad_lite.symbolic import diff, evaluate, symbols

OUT = out_dir(__doc__)


def target(x):
    return 2 * x + 1


train_xs = [-2, 3]
train_ys = [target(x) for x in train_xs]
xs_file, ys_file = load_xy("line.txt")  # the same two points, as written in data/
assert list(xs_file) == train_xs and list(ys_file) == train_ys
print(f"training points: {list(zip(train_xs, train_ys))}")

# %% The loss as an expression (symbolic differentiation)
m, b = symbols("m b")


def model(x):
    return m * x + b


predictions = [model(x) for x in train_xs]
loss = sum((pi - yi) ** 2 for pi, yi in zip(predictions, train_ys)) / len(train_xs)
print(f"loss = {loss}")
dloss_dm_raw = diff(loss, "m", simplify=False)
print(f"dloss/dm, the chain rule unsimplified ({dloss_dm_raw.size()} nodes):")
print(f"  {dloss_dm_raw}")
dloss_dm = diff(loss, "m")
dloss_db = diff(loss, "b")
print(f"dloss/dm = {dloss_dm}   i.e. {symbolic.to_infix(dloss_dm)}")
print(f"dloss/db = {dloss_db}   i.e. {symbolic.to_infix(dloss_db)}")

# %% Training with the symbolic derivatives
lr = 0.1
n_iter = 20
param_vals = {"m": 0, "b": 0}
history = [{"step": 0, **param_vals}]
for _ in range(n_iter):
    grad_m = evaluate(dloss_dm, param_vals)
    grad_b = evaluate(dloss_db, param_vals)
    param_vals["m"] -= lr * grad_m
    param_vals["b"] -= lr * grad_b
    history.append({"step": len(history), **param_vals})
print(f"symbolic training: m={param_vals['m']:.4f}, b={param_vals['b']:.4f}, "
      f"loss={evaluate(loss, param_vals):.6f}")  # fmt: skip


# %% Gradient descent "for real": record the computation, backpropagate from the root
X = torch.tensor(train_xs, dtype=torch.float64)
Y = torch.tensor(train_ys, dtype=torch.float64)


def tape_loss(m_t, b_t):
    """The same loss, computed with tensors (so the engine records it on the tape)."""
    return ((m_t * X + b_t - Y) ** 2).mean()


m_t = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
b_t = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
names = {"m": m_t, "b": b_t, "x": X, "y": Y}
print("the tape of the loss at m = b = 0:")
L = tape_loss(m_t, b_t)
print(viz.tape(L, names))
try:  # a page to open in a browser: step through this loss's forward and backward pass
    backprop_page = viz.stepper(L, {**names, "loss": L})  # (made now: training changes m, b)
except viz.GraphvizMissingError as e:
    backprop_page = None
    print(f"(no step-through page: {e})")
# record every iteration (values, gradients, loss) for a page that scrubs through them
recorder = viz.Recorder(fit=(train_xs, train_ys, lambda v: m_t.item() * v + b_t.item()))
for _ in range(n_iter):
    L = tape_loss(m_t, b_t)  # run the loss on the current parameter values
    L.backward()  # backpropagate to compute the gradients
    recorder(L, {**names, "loss": L})  # (before the update: this step's gradients)
    with torch.no_grad():  # update the parameter values
        m_t -= lr * m_t.grad
        b_t -= lr * b_t.grad
    m_t.grad = b_t.grad = None
print(f"tape training: m={m_t.item():.4f}, b={b_t.item():.4f}")

# %% Three ways to the same gradient: symbolic, tape, finite differences
print(f"{'at (m, b)':>16} {'how':>18} {'dL/dm':>12} {'dL/db':>12}")
eps = 1e-6
for point in ({"m": 0.0, "b": 0.0}, {"m": 1.5, "b": -0.5}, history[-1]):
    sym = (evaluate(dloss_dm, point), evaluate(dloss_db, point))
    mt = torch.tensor(point["m"], dtype=torch.float64, requires_grad=True)
    bt = torch.tensor(point["b"], dtype=torch.float64, requires_grad=True)
    tape_loss(mt, bt).backward()
    tape = (mt.grad.item(), bt.grad.item())

    def f(mv, bv):
        return evaluate(loss, {"m": mv, "b": bv})

    fd = (
        (f(point["m"] + eps, point["b"]) - f(point["m"] - eps, point["b"])) / (2 * eps),
        (f(point["m"], point["b"] + eps) - f(point["m"], point["b"] - eps)) / (2 * eps),
    )
    where = f"({point['m']:.3g}, {point['b']:.3g})"
    for how, (gm, gb) in (("symbolic", sym), ("tape", tape), ("finite difference", fd)):
        print(f"{where:>16} {how:>18} {gm:12.6f} {gb:12.6f}")
        where = ""
    assert abs(sym[0] - tape[0]) < 1e-9 and abs(sym[0] - fd[0]) < 1e-5
    assert abs(sym[1] - tape[1]) < 1e-9 and abs(sym[1] - fd[1]) < 1e-5
print("all three agree")

# %% The tape turned back into a formula
m0 = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
b0 = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
from_tape = symbolic.to_expr(tape_loss(m0, b0), {"m": m0, "b": b0})
print(f"the recorded loss as an expression: {symbolic.to_infix(symbolic.simplify(from_tape))}")
print(f"its derivative in m: {symbolic.to_infix(diff(from_tape, 'm'))}")

# %% Pictures: the graph of the loss, step-through pages, and the line learning the target
L = tape_loss(m_t, b_t)
L.backward()  # a plain backward: the drawing still shows every value and gradient
graph = viz.draw(L, {**names, "loss": L}, title="loss of m*x + b")
try:
    wrote(viz.render(graph, str(OUT / "line_graph.svg"), missing="raise"))
    if backprop_page is not None:  # the forward pass and the reverse walk, node by node
        wrote(backprop_page.save(OUT / "line_backprop.html"))
    # scrub through the 20 training iterations (offline, in a browser)
    wrote(viz.stepper(recorder, title="m*x + b learning 2x + 1").save(OUT / "line_fit.html"))
except viz.GraphvizMissingError as e:
    print(f"({e})")
if have_matplotlib():
    from tinygrad_lite.viz import plots

    try:  # one frame per iteration: the orange model line turns onto the blue target
        plots.fit_animation(train_xs, train_ys, history, OUT / "line_fit.gif", target=target,
                            x_range=(-3.0, 4.0), fps=4, title="iteration {step}")  # fmt: skip
        wrote(OUT / "line_fit.gif")
    except ImportError as e:  # no Pillow
        print(f"(no animation: {e}; pip install pillow)")
