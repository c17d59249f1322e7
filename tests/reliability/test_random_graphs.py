"""Random expression graphs: hypothesis draws a program (random ops on float64 leaves with
random, broadcast-compatible shapes: unary, binary with broadcasting, reductions, reshapes,
matmul, indexing, cat), and its gradients must match central finite differences.

A program is a list of instructions ``(op, operand indices, parameters)`` drawn while
running it once on the leaves (so every drawn parameter fits the shapes at hand); ``gradcheck``
then replays it on perturbed inputs. The output is projected on fixed random weights, so a
gradient that is wrong in only one direction cannot hide behind a plain ``sum()``.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_lite as tl
from tinygrad_lite.autograd import gradcheck, gradgradcheck

# Random graphs checked per run (raise them for a longer hunt: RANDOM_GRAPHS=5000 pytest ...)
MAX_EXAMPLES = int(os.environ.get("RANDOM_GRAPHS", "200"))  # first order, vs finite differences
MAX_EXAMPLES_2ND = max(MAX_EXAMPLES // 5, 1)  # second order (gradgradcheck)
MAX_NUMEL = 24  # keep every intermediate small: finite differences cost 2 runs per element

# --- the op table ------------------------------------------------------------------------
UNARY = {
    "neg": lambda x: -x,
    "scale": lambda x: x * 0.7 + 0.1,
    "exp": lambda x: x.tanh().exp(),
    "tanh": lambda x: x.tanh(),
    "sigmoid": lambda x: x.sigmoid(),
    "sin": lambda x: x.sin(),
    "cos": lambda x: x.cos(),
    "square": lambda x: x * x,
    "log": lambda x: (x * x + 1).log(),
    "log1p": lambda x: (x * x).log1p(),
    "expm1": lambda x: x.tanh().expm1(),
    "sqrt": lambda x: (x * x + 0.5).sqrt(),
    "rsqrt": lambda x: (x * x + 0.5).rsqrt(),
    "reciprocal": lambda x: (x * x + 0.5).reciprocal(),
    "pow_const": lambda x: (x * x + 0.5) ** 1.5,
    "abs": lambda x: x.abs(),
    "relu": lambda x: x.relu(),
    "leaky_relu": lambda x: tl.leaky_relu(x, 0.1),
    "softplus": lambda x: tl.softplus(x),
    "gelu": lambda x: tl.gelu(x),
    "erf": lambda x: tl.erf(x),
    "clamp": lambda x: x.clamp(-0.8, 0.8),
    "clone": lambda x: x.clone(),
    "tan": lambda x: (x.tanh() * 1.2).tan(),
    "rsub_const": lambda x: 1.5 - x,
    "rpow_const": lambda x: 2.0 ** x.tanh(),
    "div_const": lambda x: x / 3.0,
    "lerp": lambda x: tl.lerp(x, x.sin(), 0.3),
    "masked_fill": lambda x: x.masked_fill(x.detach() > 0.5, 0.25),
    "flatten": lambda x: x.flatten(),
    "repeat": lambda x: x.repeat(*([2] + [1] * max(x.ndim - 1, 0))) if x.ndim else x * 2,
    "stack": lambda x: tl.stack([x, x.cos()], dim=0),
}

BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / (b * b + 0.5),
    "rdiv_const": lambda a, b: 2.0 / (a * a + b * b + 0.5),
    "pow": lambda a, b: (a * a + 0.5) ** b.tanh(),
    "maximum": lambda a, b: tl.maximum(a, b),
    "minimum": lambda a, b: tl.minimum(a, b),
    "where": lambda a, b: tl.where(a.detach() > b.detach(), a, b * 2),
}

REDUCE = {  # (fn(x, dim, keepdim), needs a dim)
    "sum": lambda x, d, k: x.sum(d, keepdim=k),
    "mean": lambda x, d, k: x.mean(d, keepdim=k),
    "amax": lambda x, d, k: x.amax(d, keepdim=k),
    "amin": lambda x, d, k: x.amin(d, keepdim=k),
    "prod": lambda x, d, k: x.prod(d, keepdim=k),
    "logsumexp": lambda x, d, k: tl.logsumexp(x, d, keepdim=k),
    "norm": lambda x, d, k: (x * x + 0.1).norm(dim=d, keepdim=k),
    "softmax": lambda x, d, k: x.softmax(d),
    "log_softmax": lambda x, d, k: x.log_softmax(d),
    "var": lambda x, d, k: x.var(d, keepdim=k, correction=0),
    "std": lambda x, d, k: _std(x, d, k),
    "max_dim": lambda x, d, k: x.max(_one(d, x), keepdim=k).values,
    "min_dim": lambda x, d, k: x.min(_one(d, x), keepdim=k).values,
    "cumsum": lambda x, d, k: x.cumsum(_one(d, x)),
    "norm1": lambda x, d, k: x.norm(1, dim=d, keepdim=k),
    "mean_all": lambda x, d, k: x.mean(),
}


def _std(x, dim, keepdim):
    """std over ``dim`` of x plus a fixed ramp (so the spread is never 0, where std has no
    derivative); a plain sum when a single element is reduced."""
    dims = range(x.ndim) if dim is None else (dim if isinstance(dim, tuple) else (dim,))
    if int(np.prod([x.shape[i] for i in dims])) < 2:
        return x.sum(dim, keepdim=keepdim)
    ramp = tl.tensor(np.arange(x.numel(), dtype=np.float64).reshape(x.shape) * 0.3)
    return (x + ramp).std(dim, keepdim=keepdim, correction=0)


def _one(dim, x) -> int:
    """A single dim from a reduction's ``dim`` (None or tuple -> the first / last axis)."""
    if isinstance(dim, tuple):
        return dim[0]
    return x.ndim - 1 if dim is None else dim


def _reshape_targets(shape: tuple) -> list:
    n = int(np.prod(shape, dtype=np.int64))
    out = [(n,), (1, n), (n, 1)]
    out += [(a, n // a) for a in range(2, n) if n % a == 0]
    return out


# --- drawing a program -------------------------------------------------------------------
def _draw_leaf_shapes(draw) -> list:
    base = draw(st.lists(st.integers(1, 4), min_size=0, max_size=3))
    while int(np.prod(base)) > MAX_NUMEL:
        base = base[1:]
    shapes = []
    for _ in range(draw(st.integers(1, 3))):
        keep = draw(st.integers(0, len(base)))  # drop leading dims
        shape = [n if draw(st.booleans()) else 1 for n in base[len(base) - keep :]]
        shapes.append(tuple(shape))
    return shapes


def _broadcastable(s1: tuple, s2: tuple) -> bool:
    try:
        return int(np.prod(np.broadcast_shapes(s1, s2))) <= MAX_NUMEL
    except ValueError:
        return False


def _draw_instruction(draw, values: list) -> tuple | None:
    """One instruction that fits the current values' shapes (or None to skip)."""
    last = len(values) - 1
    i = last if draw(st.booleans()) else draw(st.integers(0, last))  # favour deep chains
    x = values[i]
    shape, ndim = x.shape, x.ndim
    kind = draw(
        st.sampled_from(
            ["unary", "unary", "binary", "binary", "reduce", "shape", "shape", "matmul"]
        )
    )
    if kind == "unary":
        return ("unary", (i,), draw(st.sampled_from(sorted(UNARY))))
    if kind == "binary":
        partners = [j for j, v in enumerate(values) if _broadcastable(shape, v.shape)]
        j = draw(st.sampled_from(partners))  # i itself is always a partner
        swap = draw(st.booleans())
        return ("binary", (j, i) if swap else (i, j), draw(st.sampled_from(sorted(BINARY))))
    if kind == "reduce":
        name = draw(st.sampled_from(sorted(REDUCE)))
        if ndim == 0:
            return ("unary", (i,), "tanh")
        if name in ("softmax", "log_softmax"):
            dim = draw(st.integers(-ndim, ndim - 1))
        else:
            dims = draw(st.lists(st.integers(0, ndim - 1), unique=True, max_size=ndim))
            dim = None if not dims else (dims[0] if len(dims) == 1 else tuple(dims))
            if name in ("logsumexp",) and dim is None:
                dim = tuple(range(ndim))
        return ("reduce", (i,), (name, dim, draw(st.booleans())))
    if kind == "shape":
        return ("shape", (i,), _draw_shape_op(draw, values, i))
    # matmul: pair x with a compatible value, or with a fixed random matrix
    if ndim == 0:
        return None
    k = shape[-1]
    partners = [
        j for j, v in enumerate(values) if v.ndim >= 1 and (v.shape[0] if v.ndim == 1 else v.shape[-2]) == k
        and v.ndim <= 2 and ndim <= 2
    ]  # fmt: skip
    if partners and draw(st.booleans()):
        return ("matmul", (i, draw(st.sampled_from(partners))), None)
    return ("matmul_const", (i,), (k, draw(st.integers(1, 3))))


def _draw_shape_op(draw, values: list, i: int) -> tuple:
    x = values[i]
    shape, ndim = x.shape, x.ndim
    options = ["reshape", "unsqueeze", "getitem", "cat"]
    if ndim >= 2:
        options += ["transpose", "permute"]
    if 1 in shape:
        options += ["expand", "squeeze"]
    op = draw(st.sampled_from(options))
    if op == "reshape":
        return (op, draw(st.sampled_from(_reshape_targets(shape))))
    if op == "unsqueeze":
        return (op, draw(st.integers(-ndim - 1, ndim)))
    if op == "transpose":
        return (op, draw(st.integers(0, ndim - 1)), draw(st.integers(0, ndim - 1)))
    if op == "permute":
        return (op, tuple(draw(st.permutations(range(ndim)))))
    if op == "expand":
        target = tuple(draw(st.integers(1, 3)) if n == 1 else n for n in shape)
        if int(np.prod(target)) > MAX_NUMEL:
            target = shape
        return (op, target)
    if op == "squeeze":
        return (op, draw(st.sampled_from([d for d, n in enumerate(shape) if n == 1])))
    if op == "getitem":
        if ndim == 0:
            return ("reshape", (1,))
        d = draw(st.integers(0, ndim - 1))
        n = shape[d]
        choice = draw(st.sampled_from(["slice", "reverse", "int", "fancy", "gather", "chunk"]))
        if choice == "gather":
            index = np.asarray(draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=3)))
            return ("gather", d, index)
        if choice == "chunk":
            return ("chunk", d, draw(st.integers(1, 3)), draw(st.integers(0, 2)))
        if choice == "slice":
            start = draw(st.integers(0, n - 1))
            return (op, d, slice(start, draw(st.integers(start + 1, n))))
        if choice == "reverse":
            return (op, d, slice(None, None, -1))
        if choice == "int":
            return (op, d, draw(st.integers(-n, n - 1)))
        return (op, d, np.array(draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=4))))
    # cat with a value of matching shape (or itself)
    if ndim == 0:
        return ("reshape", (1,))
    d = draw(st.integers(0, ndim - 1))
    partners = [
        j for j, v in enumerate(values)
        if v.ndim == ndim and all(a == b for k, (a, b) in enumerate(zip(v.shape, shape)) if k != d)
        and x.numel() + v.numel() <= MAX_NUMEL
    ]  # fmt: skip
    if not partners:
        return ("reshape", (x.numel(),))
    return ("cat", d, draw(st.sampled_from(partners)))


def _apply(ins: tuple, values: list, consts: dict) -> tl.Tensor:
    kind, idx, param = ins
    if kind == "unary":
        return UNARY[param](values[idx[0]])
    if kind == "binary":
        return BINARY[param](values[idx[0]], values[idx[1]])
    if kind == "reduce":
        name, dim, keep = param
        return REDUCE[name](values[idx[0]], dim, keep)
    if kind == "matmul":
        return values[idx[0]] @ values[idx[1]]
    if kind == "matmul_const":
        return values[idx[0]] @ consts[param]
    x = values[idx[0]]
    op = param[0]
    if op == "reshape":
        return x.reshape(param[1])
    if op == "unsqueeze":
        return x.unsqueeze(param[1])
    if op == "transpose":
        return x.transpose(param[1], param[2])
    if op == "permute":
        return x.permute(*param[1])
    if op == "expand":
        return x.expand(*param[1])
    if op == "squeeze":
        return x.squeeze(param[1])
    if op == "getitem":
        return x[(slice(None),) * param[1] + (param[2],)]
    if op == "gather":  # index of length m along dim d, same sizes elsewhere
        d, index = param[1], param[2]
        shape = [1] * x.ndim
        shape[d] = len(index)
        idx = np.broadcast_to(index.reshape(shape), x.shape[:d] + (len(index),) + x.shape[d + 1 :])
        return x.gather(d, tl.tensor(np.ascontiguousarray(idx)))
    if op == "chunk":
        pieces = x.chunk(param[2], param[1])
        return pieces[min(param[3], len(pieces) - 1)]
    if op == "cat":
        return tl.cat([x, values[param[2]]], dim=param[1])
    raise AssertionError(op)


@st.composite
def programs(draw):
    """(leaf arrays, instructions, constant matrices, projection weights)."""
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    shapes = _draw_leaf_shapes(draw)
    leaves = [rng.uniform(-1.5, 1.5, size=s) for s in shapes]
    values = [tl.tensor(a) for a in leaves]
    consts: dict = {}
    program = []
    with tl.no_grad():
        for _ in range(draw(st.integers(3, 10))):
            ins = _draw_instruction(draw, values)
            if ins is None:
                continue
            if ins[0] == "matmul_const" and ins[2] not in consts:
                consts[ins[2]] = tl.tensor(rng.standard_normal(ins[2]))
            out = _apply(ins, values, consts)
            if out.numel() > MAX_NUMEL or out.numel() == 0:
                continue
            program.append(ins)
            values.append(out)
    weights = [rng.standard_normal(v.shape) for v in values[len(leaves) :]]
    return leaves, program, consts, weights


def _run(program: list, consts: dict, weights: list, leaves: tuple) -> tl.Tensor:
    """Replay ``program``; the output projects every value it made on fixed weights, so
    every instruction reaches the output."""
    values = list(leaves)
    for ins in program:
        values.append(_apply(ins, values, consts))
    out = leaves[0].sum() * 0.0  # (an empty program still depends on the inputs)
    for v, w in zip(values[len(leaves) :], weights):
        out = out + (v * tl.tensor(w)).sum()
    return out


def _describe(program: list) -> str:
    return " -> ".join(f"{k}:{p if not isinstance(p, tuple) else p[0]}" for k, _, p in program)


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(programs())
def test_random_graph_gradients_match_finite_differences(prog):
    leaves, program, consts, weights = prog
    inputs = tuple(tl.tensor(a, requires_grad=True) for a in leaves)
    assert all(t.dtype == tl.float64 for t in inputs)
    out = _run(program, consts, weights, inputs)
    assert np.isfinite(out.numpy()).all(), _describe(program)

    def f(*xs):
        return _run(program, consts, weights, xs)

    assert gradcheck(f, inputs, atol=1e-5, rtol=1e-4), _describe(program)


@settings(max_examples=MAX_EXAMPLES_2ND, deadline=None)
@given(programs())
def test_random_graph_second_derivatives_match(prog):
    leaves, program, consts, weights = prog
    inputs = tuple(tl.tensor(a, requires_grad=True) for a in leaves)

    def f(*xs):
        return _run(program, consts, weights, xs)

    assert gradgradcheck(f, inputs, atol=1e-4, rtol=1e-3), _describe(program)


def test_random_graph_accumulates_like_separate_backwards():
    """Sanity of the harness itself: a fixed program gives the same gradient through
    gradcheck's replay as through .backward()."""
    leaves = [np.linspace(-1, 1, 6).reshape(2, 3), np.array([0.3, -0.2, 0.5])]
    program = [
        ("binary", (0, 1), "mul"),
        ("unary", (2,), "tanh"),
        ("reduce", (3,), ("sum", 1, False)),
    ]
    weights = [np.zeros((2, 3)), np.zeros((2, 3)), np.array([1.0, -2.0])]
    xs = tuple(tl.tensor(a, requires_grad=True) for a in leaves)
    _run(program, {}, weights, xs).backward()
    a, b = leaves
    sech2 = 1 - np.tanh(a * b) ** 2
    w = weights[2][:, None]  # only the final sum is weighted
    np.testing.assert_allclose(xs[0].grad.numpy(), w * sech2 * b)
    np.testing.assert_allclose(xs[1].grad.numpy(), (w * sech2 * a).sum(0))


@pytest.mark.parametrize("name", sorted(UNARY))
def test_every_unary_table_entry_gradchecks_alone(name):
    x = tl.tensor(np.random.default_rng(3).uniform(-1.5, 1.5, (2, 3)), requires_grad=True)
    assert gradcheck(UNARY[name], (x,))


@pytest.mark.parametrize("name", sorted(BINARY))
def test_every_binary_table_entry_gradchecks_with_broadcasting(name):
    rng = np.random.default_rng(4)
    a = tl.tensor(rng.uniform(-1.5, 1.5, (2, 1, 3)), requires_grad=True)
    b = tl.tensor(rng.uniform(-1.5, 1.5, (4, 1)), requires_grad=True)
    assert gradcheck(BINARY[name], (a, b))
