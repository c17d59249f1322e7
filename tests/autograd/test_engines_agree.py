"""Differential tests: the fast engine (autograd/fast) and the reference engine give the same
values, gradients and errors, bit for bit, on thousands of random graphs.

Each graph is a small random program (a function of its seed) run once on each engine with
fresh leaves: broadcasting between shapes such as (), (1,), (3,), (2, 3) and (4, 1, 3),
0-d tensors and Python numbers, inputs used more than once, tensor hooks, retain_grad,
in-place ops (recorded ones and ones under no_grad), autograd.grad with create_graph and a
second backward through it. Every result is compared with ``np.array_equal`` on the exact
arrays (same dtype, same bits, NaN equal to NaN); an error must be the same on both.
"""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite.autograd.fast import active_engine, use_engine

SHAPES = [(), (1,), (3,), (2, 3), (2, 1), (1, 3), (4, 1, 3), (4, 2, 3)]
UNARY = ["exp", "tanh", "sigmoid", "relu", "neg", "sin", "cos", "abs", "square", "log1p_abs",
         "sqrt_abs", "reciprocal_safe", "sum", "mean", "sum_dim", "mean_keepdim", "clone",
         "reshape", "amax"]  # fmt: skip
BINARY = ["add", "sub", "mul", "div_safe", "pow2", "pow_tensor", "maximum", "minimum", "rsub",
          "radd_number", "mul_number", "pow_number"]  # fmt: skip


def _unary(name: str, a: tl.Tensor) -> tl.Tensor:
    if name == "log1p_abs":
        return (a.abs() + 0.5).log1p()
    if name == "sqrt_abs":
        return (a.abs() + 0.25).sqrt()
    if name == "reciprocal_safe":
        return (a * a + 1.0).reciprocal()
    if name == "sum_dim":
        return a.sum(dim=-1) if a.ndim else a.sum()
    if name == "mean_keepdim":
        return a.mean(dim=0, keepdim=True) if a.ndim else a.mean()
    if name == "reshape":
        return a.reshape(-1)
    if name == "amax":
        return a.amax(dim=-1) if a.ndim else a * 1
    return getattr(a, name)()


def _binary(name: str, a: tl.Tensor, b: tl.Tensor, rng: np.random.Generator) -> tl.Tensor:
    number = float(rng.choice([0.5, 2.0, -1.5, 3]))
    if name == "div_safe":
        return a / (b * b + 1.0)
    if name == "pow2":
        return a**2
    if name == "pow_tensor":
        return (a.abs() + 0.5) ** b.tanh()
    if name == "rsub":
        return number - a
    if name == "radd_number":
        return number + a
    if name == "mul_number":
        return a * number
    if name == "pow_number":
        return (a.abs() + 0.5) ** number
    return {"add": a.__add__, "sub": a.__sub__, "mul": a.__mul__, "maximum": a.maximum,
            "minimum": a.minimum}[name](b)  # fmt: skip


def _broadcastable(a: tl.Tensor, b: tl.Tensor) -> bool:
    try:
        np.broadcast_shapes(a.shape, b.shape)
        return True
    except ValueError:
        return False


def run_program(seed: int) -> list:
    """Build and run random graph number ``seed``; return everything it produced (arrays,
    or the error it raised as ``(type name, message)``)."""
    rng = np.random.default_rng(seed)
    dtype = tl.float64 if rng.random() < 0.3 else tl.float32
    n_leaves = int(rng.integers(1, 4))
    leaves = []
    for _ in range(n_leaves):
        shape = SHAPES[int(rng.integers(len(SHAPES)))]
        leaves.append(tl.tensor(rng.standard_normal(shape), dtype=dtype, requires_grad=True))
    constant = tl.tensor(rng.standard_normal(SHAPES[int(rng.integers(len(SHAPES)))]), dtype=dtype)
    values = list(leaves) + [constant]
    results: list = []
    hooks_seen: list = []
    try:
        for step in range(int(rng.integers(2, 9))):
            kind = rng.random()
            a = values[int(rng.integers(len(values)))]
            if kind < 0.4:
                out = _unary(UNARY[int(rng.integers(len(UNARY)))], a)
            else:
                b = values[int(rng.integers(len(values)))]  # may be a again: repeated input
                if not _broadcastable(a, b):
                    b = a
                out = _binary(BINARY[int(rng.integers(len(BINARY)))], a, b, rng)
            if out.requires_grad and rng.random() < 0.15:  # a hook that scales the gradient
                out.register_hook(lambda g, k=step: hooks_seen.append(g.numpy().copy()) or g * 2)
            if out.requires_grad and out.grad_fn is not None and rng.random() < 0.1:
                out.retain_grad()
                results.append(("retained", out))
            if out.requires_grad and out.grad_fn is not None and rng.random() < 0.15:
                out = out * 1.0  # a fresh tensor that nothing saved yet ...
                out.add_(values[0].detach().sum())  # ... changed in place (recorded)
            values.append(out)
        loss = values[-1]
        if not loss.requires_grad:
            loss = loss + leaves[0]
        loss = loss.sum() if rng.random() < 0.7 else (loss * loss).mean()
        results.append(loss.numpy().copy())
        mode = rng.random()
        if mode < 0.6:
            loss.backward(retain_graph=rng.random() < 0.2)
            results.extend(leaf.grad for leaf in leaves)
        elif mode < 0.8:  # gradient of the gradient
            grads = tl.autograd.grad(loss, leaves, create_graph=True, allow_unused=True)
            results.extend(grads)
            used = [g for g in grads if g is not None and g.requires_grad]
            if used:
                total = sum((g * g).sum() for g in used)
                total.backward()
                results.extend(leaf.grad for leaf in leaves)
        else:  # in-place writes to the leaves under no_grad: backward refuses if one was saved
            with tl.no_grad():
                for leaf in leaves:
                    leaf.mul_(1.5)
            loss.backward()
            results.extend(leaf.grad for leaf in leaves)
    except (RuntimeError, ValueError, TypeError) as e:
        results.append((type(e).__name__, str(e)))
    results.extend(hooks_seen)
    return [_plain(r) for r in results]


def _plain(r: object) -> object:
    if isinstance(r, tuple) and r and r[0] == "retained":
        r = r[1].grad
    if isinstance(r, tl.Tensor):
        return r.numpy().copy()
    return r


def _same(a: object, b: object) -> bool:
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
        return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
    return type(a) is type(b) and a == b


def _differences(seed: int) -> list:
    with use_engine("fast"):
        fast = run_program(seed)
    with use_engine("reference"):
        reference = run_program(seed)
    if len(fast) != len(reference):
        return [("lengths", len(fast), len(reference))]
    return [(i, f, r) for i, (f, r) in enumerate(zip(fast, reference)) if not _same(f, r)]


N_GRAPHS = 3000


@pytest.mark.parametrize("block", range(6))
def test_random_graphs_give_the_same_bits_on_both_engines(block):
    per_block = N_GRAPHS // 6
    for seed in range(block * per_block, (block + 1) * per_block):
        diff = _differences(seed)
        assert not diff, f"graph {seed}: {diff[:3]}"


def test_the_programs_exercise_what_they_claim():
    # the generator must really produce errors, second-order gradients and hook calls,
    # or the comparison above would be weaker than it says
    kinds = {"error": 0, "arrays": 0}
    for seed in range(200):
        for r in run_program(seed):
            kinds["error" if isinstance(r, tuple) else "arrays"] += 1
    assert kinds["error"] >= 10 and kinds["arrays"] >= 500


def test_a_wrong_fast_path_is_caught():
    # if the fast engine changed a result, the comparison would see it: break one step
    # of the fast backward (a gradient scaled by 2) and check that graphs disagree
    from tinygrad_lite.autograd.fast import backward as fast_backward

    original = fast_backward.sum_to
    fast_backward.sum_to = lambda g, shape: original(g, shape) * 2
    try:
        assert any(_differences(seed) for seed in range(50))
    finally:
        fast_backward.sum_to = original


def test_use_engine_switches_and_restores():
    before = active_engine()
    with use_engine("reference"):
        assert active_engine() == "reference"
        assert tl.Tensor.__mul__.__qualname__ == "Tensor.__mul__"
        with use_engine("fast"):
            assert active_engine() == "fast"
            assert tl.Tensor.__mul__.__qualname__ == "Mul.apply"
        assert active_engine() == "reference"
    assert active_engine() == before
    with pytest.raises(ValueError, match="'fast' or 'reference'"):
        with use_engine("quick"):
            pass
