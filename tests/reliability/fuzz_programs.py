"""Random programs over the public tensor API, run in PyTorch and in tinygrad_lite.

A program is a list of steps ``(op, operand indices, params)``; every step appends one value.
Programs are drawn while running them in PyTorch (the reference), so every drawn parameter
fits the shapes at hand and a step PyTorch refuses is simply not kept. ``compare`` then replays
the program in tinygrad_lite and compares, step by step, the values (shape, dtype, numbers),
then the first derivatives of a weighted sum of every float value with respect to the leaves,
then a Hessian-vector product (second derivatives). Both libraries are driven by the same op
table: ``L`` is ``torch`` or ``tinygrad_lite``, ``F`` its ``nn.functional``.

A mismatch is reported as a class ``(kind, op)``: kind is ``error`` (tinygrad_lite raised
where PyTorch did not), ``shape``, ``dtype``, ``value``, ``grad`` or ``grad2``; op is the
first step whose result differs (for gradients: the shortest prefix whose gradients differ).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

# --- the op table --------------------------------------------------------------------------
# name -> (number of operands, draw(rng, shapes) -> params | None (does not fit), run(L, F, xs, p))
# The first operand is any value; a second operand is drawn to fit (see ``_partner``).

Draw = Callable[[random.Random, list], Any]
OPS: dict[str, tuple[int, Draw, Callable]] = {}


def op(name: str, arity: int = 1, draw: Draw | None = None) -> Callable:
    def register(run: Callable) -> Callable:
        OPS[name] = (arity, draw or (lambda r, s: ()), run)
        return run

    return register


def _dim(r: random.Random, shape: tuple) -> int | None:
    if not shape:
        return r.choice([0, -1]) if r.random() < 0.3 else None
    return r.randrange(-len(shape), len(shape))


def _need_dim(r, s):
    d = _dim(r, s[0])
    return None if d is None else (d,)


def _dim_keep(r, s):
    d = _dim(r, s[0])
    return None if d is None else (d, r.random() < 0.5)


def _dims_keep(r, s):  # None, an int or a tuple of dims, plus keepdim
    nd = len(s[0])
    c = r.random()
    if c < 0.3 or nd == 0:
        return (None, False)
    if c < 0.7:
        return (r.randrange(-nd, nd), r.random() < 0.5)
    k = r.randint(1, nd)
    return (tuple(r.sample(range(nd), k)), r.random() < 0.5)


# element-wise, one operand
for _name, _fn in {
    "neg": lambda L, x: -x,
    "abs": lambda L, x: x.abs(),
    "exp": lambda L, x: x.exp(),
    "log": lambda L, x: x.log(),
    "log_safe": lambda L, x: (x.abs() + 0.2).log(),
    "sqrt": lambda L, x: x.sqrt(),
    "sqrt_safe": lambda L, x: (x * x + 0.3).sqrt(),
    "rsqrt_safe": lambda L, x: (x.abs() + 0.3).rsqrt(),
    "tanh": lambda L, x: x.tanh(),
    "sigmoid": lambda L, x: x.sigmoid(),
    "sin": lambda L, x: x.sin(),
    "cos": lambda L, x: x.cos(),
    "tan_safe": lambda L, x: x.tanh().tan(),
    "relu": lambda L, x: x.relu(),
    "square": lambda L, x: x.square(),
    "reciprocal_safe": lambda L, x: (x.abs() + 0.5).reciprocal(),
    "log1p_safe": lambda L, x: x.abs().log1p(),
    "expm1": lambda L, x: x.tanh().expm1(),
    "erf": lambda L, x: L.erf(x),
    "sign": lambda L, x: x.sign(),
    "floor": lambda L, x: x.floor(),
    "ceil": lambda L, x: x.ceil(),
    "round": lambda L, x: x.round(),
    "trunc": lambda L, x: L.trunc(x),
    "clone": lambda L, x: x.clone(),
    "detach": lambda L, x: x.detach(),
    "mul_const": lambda L, x: x * 1.7,
    "rsub_const": lambda L, x: 0.5 - x,
    "rdiv_const": lambda L, x: 1.0 / (x.abs() + 0.5),
    "pow_const": lambda L, x: (x.abs() + 0.1) ** 1.5,
    "pow_int": lambda L, x: x**3,
    "pow_neg": lambda L, x: (x.abs() + 0.5) ** -2,
    "rpow_const": lambda L, x: 2.0**x,
    "float": lambda L, x: x.float(),
    "double": lambda L, x: x.double(),
    "long": lambda L, x: x.long(),
    "bool": lambda L, x: x.bool(),
    "isnan": lambda L, x: x.isnan(),
    "isfinite": lambda L, x: x.isfinite(),
    "logical_not": lambda L, x: L.logical_not(x),
}.items():
    op(_name)(lambda L, F, xs, p, _fn=_fn: _fn(L, xs[0]))

for _name, _fn in {
    "F.relu": lambda F, x: F.relu(x),
    "F.gelu": lambda F, x: F.gelu(x),
    "F.gelu_tanh": lambda F, x: F.gelu(x, approximate="tanh"),
    "F.softplus": lambda F, x: F.softplus(x),
    "F.softplus_beta": lambda F, x: F.softplus(x, beta=2.0, threshold=3.0),
    "F.silu": lambda F, x: F.silu(x),
    "F.logsigmoid": lambda F, x: F.logsigmoid(x),
    "F.leaky_relu": lambda F, x: F.leaky_relu(x, 0.1),
    "F.sigmoid": lambda F, x: F.sigmoid(x),
    "F.tanh": lambda F, x: F.tanh(x),
}.items():
    op(_name)(lambda L, F, xs, p, _fn=_fn: _fn(F, xs[0]))


@op("clamp", draw=lambda r, s: r.choice([(-0.5, 0.5), (None, 0.3), (-0.2, None), (0.4, -0.4)]))
def _clamp(L, F, xs, p):
    return xs[0].clamp(*p)


# element-wise, two operands (broadcasting)
for _name, _fn in {
    "add": lambda L, x, y: x + y,
    "sub": lambda L, x, y: x - y,
    "mul": lambda L, x, y: x * y,
    "div": lambda L, x, y: x / y,
    "div_safe": lambda L, x, y: x / (y.abs() + 0.5),
    "add_alpha": lambda L, x, y: L.add(x, y, alpha=0.5),
    "sub_alpha": lambda L, x, y: x.sub(y, alpha=2),
    "maximum": lambda L, x, y: L.maximum(x, y),
    "minimum": lambda L, x, y: L.minimum(x, y),
    "pow": lambda L, x, y: (x.abs() + 0.5) ** y,
    "where": lambda L, x, y: L.where(x > y, x, y),
    "where_scalar": lambda L, x, y: L.where(x > 0, x, 0.5),
    "lerp": lambda L, x, y: L.lerp(x, y, 0.3),
    "lerp_tensor": lambda L, x, y: L.lerp(x, y, y.sigmoid()),
    "masked_fill": lambda L, x, y: x.masked_fill(y > 0, -1.5),
    "clamp_tensor": lambda L, x, y: L.clamp(x, min=y, max=y + 0.5),
    "eq": lambda L, x, y: x == y,
    "lt": lambda L, x, y: x < y,
    "ge": lambda L, x, y: x >= y,
    "logical_and": lambda L, x, y: L.logical_and(x, y),
    "floor_divide": lambda L, x, y: x // (y.abs() + 0.5),
    "remainder": lambda L, x, y: x % (y.abs() + 0.5),
    "mse_loss": lambda L, x, y: L.nn.functional.mse_loss(x, y.expand_as(x)),
    "l1_loss": lambda L, x, y: L.nn.functional.l1_loss(x, y.expand_as(x)),
    "huber_loss": lambda L, x, y: L.nn.functional.huber_loss(x, y.expand_as(x), delta=0.5),
    "smooth_l1_loss": lambda L, x, y: L.nn.functional.smooth_l1_loss(x, y.expand_as(x)),
    "bce_logits": lambda L, x, y: L.nn.functional.binary_cross_entropy_with_logits(
        x, y.expand_as(x).sigmoid()
    ),
}.items():
    op(_name, 2)(lambda L, F, xs, p, _fn=_fn: _fn(L, xs[0], xs[1]))

# reductions
for _name in ["sum", "mean", "prod", "amax", "amin", "std", "var", "all", "any"]:
    op(_name, draw=_dims_keep)(
        lambda L, F, xs, p, _n=_name: (
            getattr(xs[0], _n)() if p[0] is None else getattr(xs[0], _n)(p[0], keepdim=p[1])
        )
    )
for _name in ["max", "min", "argmax", "argmin"]:
    op(_name, draw=lambda r, s: None if r.random() < 0.3 else _dim_keep(r, s))(
        lambda L, F, xs, p, _n=_name: getattr(xs[0], _n)(*p)
    )
    op(_name + "_all")(lambda L, F, xs, p, _n=_name: getattr(xs[0], _n)())
op("max_indices", draw=_dim_keep)(lambda L, F, xs, p: xs[0].max(*p)[1])
op("std_correction", draw=_need_dim)(lambda L, F, xs, p: xs[0].std(p[0], correction=0))
op("logsumexp", draw=_dim_keep)(lambda L, F, xs, p: xs[0].logsumexp(*p))
op("cumsum", draw=_need_dim)(lambda L, F, xs, p: xs[0].cumsum(p[0]))
op("count_nonzero")(lambda L, F, xs, p: L.count_nonzero(xs[0] > 0))
op("norm", draw=lambda r, s: (r.choice([1, 2, 3, "fro", math.inf, -math.inf, 0]),))(
    lambda L, F, xs, p: xs[0].norm(p[0])
)
op("norm_dim", draw=lambda r, s: None if not s[0] else (r.choice([1, 2, 0.5]),) + _dim_keep(r, s))(
    lambda L, F, xs, p: xs[0].norm(p[0], dim=p[1], keepdim=p[2])
)

# softmax family
op("softmax", draw=_need_dim)(lambda L, F, xs, p: xs[0].softmax(p[0]))
op("log_softmax", draw=_need_dim)(lambda L, F, xs, p: xs[0].log_softmax(p[0]))
op("F.softmax", draw=_need_dim)(lambda L, F, xs, p: F.softmax(xs[0], dim=p[0]))
op("F.log_softmax", draw=_need_dim)(lambda L, F, xs, p: F.log_softmax(xs[0], dim=p[0]))
op("F.normalize", draw=_need_dim)(lambda L, F, xs, p: F.normalize(xs[0], dim=p[0]))


def _draw_cross_entropy(r, s):
    if len(s[0]) != 2:
        return None
    return (tuple(r.randrange(s[0][1]) for _ in range(s[0][0])) if s[0][1] else None,)


op("cross_entropy", draw=_draw_cross_entropy)(
    lambda L, F, xs, p: F.cross_entropy(xs[0], L.tensor(p[0], dtype=L.int64))
)


# indexing of every kind
def _draw_index(r, s):
    shape = s[0]
    if not shape:
        return r.choice([(), None, Ellipsis, (None, Ellipsis)])
    parts: list = []
    for n in shape[: r.randint(1, len(shape))]:
        c = r.random()
        if c < 0.3 and n:
            parts.append(r.randrange(-n, n))
        elif c < 0.6:
            a, b = sorted([r.randint(-n - 1, n + 1), r.randint(-n - 1, n + 1)])
            parts.append(slice(a if r.random() < 0.7 else None, b, r.choice([None, 1, 2, 3])))
        elif c < 0.75:
            parts.append(None)
        elif c < 0.85:
            parts.append(Ellipsis)
        else:
            parts.append(slice(None))
    return tuple(parts) if r.random() < 0.8 else parts[0]


op("getitem", draw=_draw_index)(lambda L, F, xs, p: xs[0][p])


def _draw_int_index(r, s):
    if not s[0] or not s[0][0]:
        return None
    n = s[0][0]
    idx = [r.randrange(-n, n) for _ in range(r.randint(0, 4))]
    return (idx, r.random() < 0.5)


op("index_tensor", draw=_draw_int_index)(
    lambda L, F, xs, p: xs[0][L.tensor(p[0], dtype=L.int64)] if p[1] else xs[0][p[0]]
)
op("index_list_2d", draw=lambda r, s: None if len(s[0]) < 2 or 0 in s[0] else (
    [r.randrange(s[0][0]) for _ in range(3)], [r.randrange(s[0][1]) for _ in range(3)]))(
    lambda L, F, xs, p: xs[0][L.tensor(p[0]), L.tensor(p[1])]
)  # fmt: skip
op("index_mixed", draw=lambda r, s: None if len(s[0]) < 2 or not s[0][1] else (
    [r.randrange(s[0][1]) for _ in range(2)],))(
    lambda L, F, xs, p: xs[0][:, L.tensor(p[0])]
)  # fmt: skip
op("mask_index")(lambda L, F, xs, p: xs[0][xs[0] > 0])
op("mask_partial", draw=lambda r, s: None if not s[0] else (
    [r.random() < 0.5 for _ in range(s[0][0])],))(
    lambda L, F, xs, p: xs[0][L.tensor(p[0])]
)  # fmt: skip


def _draw_select(r, s):
    if not s[0]:
        return None
    d = r.randrange(len(s[0]))
    n = s[0][d]
    return (d, [r.randrange(n) for _ in range(r.randint(0, 4))] if n else [])


op("index_select", draw=_draw_select)(
    lambda L, F, xs, p: xs[0].index_select(p[0], L.tensor(p[1], dtype=L.int64))
)


def _draw_gather(r, s):
    if not s[0]:
        return None
    d = r.randrange(len(s[0]))
    shape = list(s[0])
    n = shape[d]
    if not n:
        return None
    shape[d] = r.randint(1, 3)
    idx = np.array([r.randrange(n) for _ in range(math.prod(shape))]).reshape(shape)
    return (d, idx.tolist())


op("gather", draw=_draw_gather)(
    lambda L, F, xs, p: xs[0].gather(p[0], L.tensor(p[1], dtype=L.int64))
)
op("take_along_dim", draw=_draw_gather)(
    lambda L, F, xs, p: L.take_along_dim(xs[0], L.tensor(p[1], dtype=L.int64), dim=p[0])
)


def _draw_narrow(r, s):
    if not s[0]:
        return None
    d = r.randrange(len(s[0]))
    n = s[0][d]
    start = r.randint(0, n)
    return (d, start, r.randint(0, n - start))


op("narrow", draw=_draw_narrow)(lambda L, F, xs, p: xs[0].narrow(*p))


# views and shape ops
def _draw_reshape(r, s):
    n = math.prod(s[0])
    dims = []
    while n > 1 and len(dims) < 3:
        f = r.choice([k for k in range(1, n + 1) if n % k == 0])
        dims.append(f)
        n //= f
    dims.append(n)
    r.shuffle(dims)
    if r.random() < 0.3:
        dims[r.randrange(len(dims))] = -1
    return (tuple(dims), r.random() < 0.5)


op("reshape", draw=_draw_reshape)(
    lambda L, F, xs, p: xs[0].reshape(p[0]) if p[1] else xs[0].view(*p[0])
)
op("flatten_all")(lambda L, F, xs, p: xs[0].flatten())
op("flatten", draw=lambda r, s: None if len(s[0]) < 2 else (0, r.randint(1, len(s[0]) - 1)))(
    lambda L, F, xs, p: xs[0].flatten(*p)
)
op("transpose", draw=lambda r, s: None if not s[0] else (_dim(r, s[0]), _dim(r, s[0])))(
    lambda L, F, xs, p: xs[0].transpose(*p)
)
op("permute", draw=lambda r, s: tuple(r.sample(range(len(s[0])), len(s[0]))))(
    lambda L, F, xs, p: xs[0].permute(*p)
)
op("squeeze")(lambda L, F, xs, p: xs[0].squeeze())
op("squeeze_dim", draw=_need_dim)(lambda L, F, xs, p: xs[0].squeeze(p[0]))
op("unsqueeze", draw=lambda r, s: (r.randint(-len(s[0]) - 1, len(s[0])),))(
    lambda L, F, xs, p: xs[0].unsqueeze(p[0])
)
op("expand", draw=lambda r, s: tuple([-1 if n != 1 else r.choice([1, 3]) for n in s[0]]
                                     ) if s[0] else None)(
    lambda L, F, xs, p: xs[0].expand(*p)
)  # fmt: skip
op("expand_new", draw=lambda r, s: (2,) + tuple(s[0]))(lambda L, F, xs, p: xs[0].expand(*p))
op("T2", draw=lambda r, s: () if len(s[0]) == 2 else None)(lambda L, F, xs, p: xs[0].T)
op("mT", draw=lambda r, s: () if len(s[0]) >= 2 else None)(lambda L, F, xs, p: xs[0].mT)
op("t")(lambda L, F, xs, p: xs[0].t())
op("contiguous")(lambda L, F, xs, p: xs[0].contiguous())
op("repeat", draw=lambda r, s: tuple(r.choice([1, 2]) for _ in range(len(s[0]) + r.randint(0, 1))))(
    lambda L, F, xs, p: xs[0].repeat(*p)
)
op("split", draw=lambda r, s: None if not s[0] else (r.randint(1, 3),) + _need_dim(r, s))(
    lambda L, F, xs, p: xs[0].split(p[0], dim=p[1])[-1]
)
op("chunk", draw=lambda r, s: None if not s[0] else (r.randint(1, 3),) + _need_dim(r, s))(
    lambda L, F, xs, p: xs[0].chunk(p[0], dim=p[1])[0]
)
op("unbind", draw=lambda r, s: None if not s[0] or not s[0][0] else ())(
    lambda L, F, xs, p: xs[0].unbind(0)[-1]
)
op("diag", draw=lambda r, s: () if len(s[0]) in (1, 2) else None)(lambda L, F, xs, p: xs[0].diag())
op("trace", draw=lambda r, s: () if len(s[0]) == 2 else None)(lambda L, F, xs, p: xs[0].trace())
op("cat", 2, draw=lambda r, s: None if not s[0] else _need_dim(r, s))(
    lambda L, F, xs, p: L.cat([xs[0], xs[1]], dim=p[0])
)
op("stack", 2, draw=lambda r, s: (r.randint(0, len(s[0])),))(
    lambda L, F, xs, p: L.stack([xs[0], xs[1]], dim=p[0])
)
op("unflatten", draw=lambda r, s: None if not s[0] or s[0][0] % 2 else (0, (2, -1)))(
    lambda L, F, xs, p: xs[0].unflatten(*p)
)

# matmul family (the second operand is drawn to fit: see _partner)
op("matmul", 2)(lambda L, F, xs, p: xs[0] @ xs[1])
op("mm", 2)(lambda L, F, xs, p: L.mm(xs[0], xs[1]))
op("bmm", 2)(lambda L, F, xs, p: L.bmm(xs[0], xs[1]))
op("dot", 2)(lambda L, F, xs, p: L.dot(xs[0], xs[1]))
op("outer", 2)(lambda L, F, xs, p: L.outer(xs[0], xs[1]))
op("linear", 2)(lambda L, F, xs, p: F.linear(xs[0], xs[1], xs[1][0]))


# in-place ops (always on a fresh clone, so leaves are not touched)
def _inplace(method: str) -> Callable:
    return lambda L, F, xs, p: getattr(xs[0].clone(), method)(xs[1])


for _name in ["add_", "sub_", "mul_", "div_", "copy_"]:
    op(_name, 2)(_inplace(_name))
op("clamp_", draw=lambda r, s: ())(lambda L, F, xs, p: xs[0].clone().clamp_(-0.3, 0.4))
op("pow_")(lambda L, F, xs, p: xs[0].clone().abs().pow_(2.5))
op("zero_")(lambda L, F, xs, p: xs[0].clone().zero_())
op("fill_")(lambda L, F, xs, p: xs[0].clone().fill_(0.25))
op("iadd_nograd")(lambda L, F, xs, p: _iadd_nograd(L, xs[0]))
op("setitem", 2, draw=_draw_index)(lambda L, F, xs, p: _setitem(xs, p))
op("setitem_scalar", draw=_draw_index)(lambda L, F, xs, p: _setitem([xs[0], 2.5], p))
op("setitem_mask")(lambda L, F, xs, p: _setitem([xs[0], -3.0], xs[0].detach() > 0))
op("view_inplace", draw=_draw_index)(lambda L, F, xs, p: _view_inplace(xs[0], p))


def _iadd_nograd(L, x):
    y = x.detach().clone()
    with L.no_grad():
        y += 1.5
    return y


def _setitem(xs, index):
    y = xs[0].clone()
    y[index] = xs[1]
    return y


def _view_inplace(x, index):
    y = x.clone()
    y[index].mul_(3.0)
    return y


# --- programs ------------------------------------------------------------------------------


@dataclass
class Program:
    """Leaves (arrays, whether they require grad) and steps; step i makes value i: a step
    ``("leaf", (), j)`` is leaf j, any other applies an op of ``OPS`` to earlier values."""

    leaves: list = field(default_factory=list)  # (np.ndarray, requires_grad)
    steps: list = field(default_factory=list)  # (op name, operand value indices, params)

    def __repr__(self) -> str:
        lines = []
        for k, (name, args, p) in enumerate(self.steps):
            if name == "leaf":
                a, rg = self.leaves[p]
                lines.append(f"v{k} = leaf {a.dtype}{list(a.shape)} requires_grad={rg}")
            else:
                lines.append(f"v{k} = {name}({', '.join(f'v{i}' for i in args)}; {p!r})")
        return "\n".join(lines)

    def is_leaf(self, k: int) -> bool:
        return self.steps[k][0] == "leaf"


def _random_shape(r: random.Random) -> tuple:
    nd = r.choice([0, 1, 1, 2, 2, 2, 3, 3, 4])
    return tuple(
        r.choice([1, 2, 3, 4, 0] if r.random() < 0.05 else [1, 2, 3, 4]) for _ in range(nd)
    )


def _leaf_array(r: random.Random, shape: tuple, kind: str) -> np.ndarray:
    g = np.random.default_rng(r.randrange(2**32))
    if kind == "int":
        return g.integers(-4, 5, size=shape).astype(np.int64)
    if kind == "bool":
        return g.random(shape) < 0.5
    a = g.uniform(-2, 2, size=shape)
    if r.random() < 0.15:  # ties and exact zeros: where max/abs/relu/clamp gradients differ
        a = np.round(a)
    return a.astype(np.float32 if kind == "float32" else np.float64)


def _broadcast_partner(r: random.Random, shape: tuple) -> tuple:
    """A shape that broadcasts with ``shape`` (sometimes growing the result)."""
    out = list(shape[r.randint(0, len(shape)) :]) if shape else []
    out = [1 if r.random() < 0.3 else n for n in out]
    if r.random() < 0.15:
        out = [r.choice([1, 2])] + out
    return tuple(out)


def _matmul_partner(r: random.Random, name: str, shape: tuple) -> tuple | None:
    k = r.choice([1, 2, 3])
    if name == "dot":
        return shape if len(shape) == 1 else None
    if name == "outer":
        return (k,) if len(shape) == 1 else None
    if name == "mm":
        return (shape[1], k) if len(shape) == 2 else None
    if name == "bmm":
        return (shape[0], shape[2], k) if len(shape) == 3 else None
    if name == "linear":
        return (k, shape[-1]) if shape else None
    if not shape:
        return None
    if len(shape) == 1:
        return r.choice([(shape[0],), (shape[0], k), (2, shape[0], k)])
    batch = _broadcast_partner(r, shape[:-2])
    if r.random() < 0.2:
        return (shape[-1],)
    return batch + (shape[-1], k)


@dataclass
class Drawn:
    program: Program
    values: list  # the reference (PyTorch) values


def draw_program(seed: int, torch: Any, n_steps: int | None = None) -> Drawn:
    """A random program and its values in PyTorch; steps PyTorch refuses are dropped."""
    r = random.Random(seed)
    prog = Program()
    values: list = []

    def new_leaf(shape: tuple, kind: str | None = None) -> int:
        kind = kind or r.choices(["f64", "float32", "int", "bool"], [0.85, 0.07, 0.05, 0.03])[0]
        arr = _leaf_array(r, shape, kind)
        rg = arr.dtype.kind == "f" and r.random() < 0.9
        prog.leaves.append((arr, rg))
        prog.steps.append(("leaf", (), len(prog.leaves) - 1))
        values.append(torch.tensor(arr, requires_grad=rg))
        return len(values) - 1

    for _ in range(r.randint(1, 2)):
        new_leaf(_random_shape(r), "f64")
    names = list(OPS)
    n_steps = n_steps if n_steps is not None else r.randint(1, 8)
    tries = made = 0
    while made < n_steps and tries < n_steps * 8:
        tries += 1
        name = r.choice(names)
        arity, draw, run = OPS[name]
        recent = max(0, len(values) - 4)
        first = r.randrange(recent, len(values)) if r.random() < 0.8 else r.randrange(len(values))
        args = [first]
        shape0 = tuple(values[first].shape)
        if arity == 2:
            if name in ("matmul", "mm", "bmm", "dot", "outer", "linear"):
                shape1 = _matmul_partner(r, name, shape0)
                if shape1 is None:
                    continue
            elif name in ("cat", "stack", "copy_", "setitem") or r.random() < 0.5:
                shape1 = shape0 if name != "setitem" else None
            else:
                shape1 = _broadcast_partner(r, shape0)
            if name == "setitem":
                args.append(-1)  # filled after drawing the index
            else:
                same = [i for i, v in enumerate(values) if tuple(v.shape) == shape1 and i != first]
                args.append(r.choice(same) if same and r.random() < 0.3 else new_leaf(shape1))
        shapes = [tuple(values[i].shape) for i in args if i >= 0]
        params = draw(r, shapes)
        if params is None:
            continue
        if name == "setitem":
            try:
                shape1 = tuple(values[first][params].shape)
            except Exception:  # noqa: BLE001 - an index PyTorch refuses: draw another step
                continue
            args[1] = new_leaf(_broadcast_partner(r, shape1))
        try:
            out = run(torch, torch.nn.functional, [values[i] for i in args], params)
        except Exception:  # noqa: BLE001 - PyTorch refuses: not a step of this program
            continue
        if not isinstance(out, torch.Tensor) or out.numel() > 2000:
            continue
        prog.steps.append((name, tuple(args), params))
        values.append(out)
        made += 1
    return Drawn(prog, values)


def run_program(prog: Program, L: Any, upto: int | None = None) -> list:
    """The program's values in library ``L`` (``torch`` or ``tinygrad_lite``)."""
    values: list = []
    for name, args, params in prog.steps[:upto]:
        values.append(_run_step(L, name, args, params, values, prog))
    return values


def _run_step(L: Any, name: str, args: tuple, params: Any, values: list, prog: Program) -> Any:
    if name == "leaf":
        a, rg = prog.leaves[params]
        return L.tensor(a.copy(), requires_grad=rg)
    return OPS[name][2](L, L.nn.functional, [values[i] for i in args], params)


# --- comparing ---------------------------------------------------------------------------


def _np(t: Any) -> np.ndarray:
    t = t.detach()
    if type(t).__module__.startswith("torch"):
        if t._is_zerotensor():  # (PyTorch's lazy zero gradients; .numpy() would fail)
            return np.zeros(tuple(t.shape), dtype=str(t.dtype).replace("torch.", ""))
        return np.asarray(t.numpy())
    return np.asarray(t.numpy())


def _close(a: np.ndarray, b: np.ndarray, rtol: float, atol: float) -> bool:
    if a.shape != b.shape:
        return False
    if a.dtype.kind == "b" or b.dtype.kind == "b":
        return bool(np.array_equal(a, b))
    a, b = a.astype(np.float64), b.astype(np.float64)
    scale = np.maximum(1.0, np.max(np.abs(np.nan_to_num(a, posinf=0, neginf=0)), initial=0))
    return bool(np.allclose(a, b, rtol=rtol, atol=atol * scale, equal_nan=True))


def _tol(dtype: np.dtype) -> tuple:
    return (2e-4, 2e-5) if dtype == np.float32 else (1e-6, 1e-8)


def _dtype_name(t: Any) -> str:
    return str(t.dtype).replace("torch.", "").replace("tinygrad_lite.", "")


def _weights(values: list, seed: int) -> list:
    g = np.random.default_rng(seed)
    return [g.uniform(0.5, 1.5, size=tuple(v.shape)) for v in values]


def _grads(L: Any, values: list, leaves: list, weights: list, upto: int) -> tuple:
    """d(sum_k sum(value_k * w_k))/d leaves for the float values 0..upto that need grad, and
    the Hessian-vector product of that loss along fixed directions (None where unused)."""
    terms = [
        (v * L.tensor(w, dtype=v.dtype)).sum()
        for v, w in zip(values[: upto + 1], weights)
        if v.is_floating_point() and v.requires_grad and v.numel()
    ]
    diff = [x for x in leaves if x.requires_grad]
    if not terms or not diff:
        return None, None
    loss = terms[0]
    for t in terms[1:]:
        loss = loss + t.to(loss.dtype) if t.dtype != loss.dtype else loss + t
    g1 = L.autograd.grad(loss, diff, create_graph=True, allow_unused=True)
    dirs = _weights(diff, 7)
    terms2 = [(g * L.tensor(d, dtype=g.dtype)).sum() for g, d in zip(g1, dirs)
              if g is not None and g.requires_grad]  # fmt: skip
    g2 = None
    if terms2:
        s = terms2[0]
        for t in terms2[1:]:
            s = s + t
        g2 = L.autograd.grad(s, diff, allow_unused=True)
    return g1, g2


def _grads_differ(prog: Program, tl: Any, torch: Any, upto: int, seed: int) -> str | None:
    ref = run_program(prog, torch, upto + 1)
    got = run_program(prog, tl, upto + 1)
    leaves = [k for k in range(upto + 1) if prog.is_leaf(k)]
    w = _weights(ref, seed)
    try:
        r1, r2 = _grads(torch, ref, [ref[k] for k in leaves], w, upto)
    except RuntimeError:  # PyTorch cannot differentiate this program (e.g. floor_divide)
        return None
    g1, g2 = _grads(tl, got, [got[k] for k in leaves], w, upto)
    # a float32 value on the way makes float64 gradients as exact as float32 only
    f32 = any(str(v.dtype) == "torch.float32" for v in ref)
    for kind, a, b in (("grad", r1, g1), ("grad2", r2, g2)):
        if a is None and b is None:
            continue  # nothing to differentiate in either
        a, b = a or [None] * len(b), b or [None] * len(a)  # (None: zero gradients)
        for x, y in zip(a, b):
            if x is None and y is None:
                continue
            xa = np.zeros(()) if x is None else _np(x)
            ya = np.zeros(()) if y is None else _np(y)
            if x is None or y is None:
                xa, ya = np.broadcast_arrays(xa, ya)
            if not _close(xa, ya, *_tol(np.dtype(np.float32) if f32 else xa.dtype)):
                return kind
    return None


@dataclass
class Mismatch:
    kind: str  # error | shape | dtype | value | grad | grad2
    op: str
    seed: int
    detail: str
    program: Program
    mixed: bool = False  # the step had an operand that is not float64 (type promotion)
    nonfinite: bool = False  # some value of the program is inf or NaN

    @property
    def cls(self) -> tuple:
        return (self.kind, self.op)

    def __str__(self) -> str:
        return (
            f"{self.kind} mismatch in {self.op} (seed {self.seed}): {self.detail}\n{self.program}"
        )


def _nonfinite(torch: Any, v: Any) -> bool:
    return v.is_floating_point() and not bool(torch.isfinite(v).all())


def compare(seed: int, tl: Any, torch: Any) -> tuple[int, Mismatch | None]:
    """Draw program ``seed``, run it in both libraries; (number of steps, first mismatch)."""
    drawn = draw_program(seed, torch)
    prog, ref = drawn.program, drawn.values
    got: list = []
    for k, (name, args, params) in enumerate(prog.steps):
        mixed = (
            any(_dtype_name(ref[i]) != "float64" for i in args) or _dtype_name(ref[k]) != "float64"
        )
        nonfinite = any(_nonfinite(torch, v) for v in ref[: k + 1])

        def mismatch(kind: str, detail: str, name: str = name, mixed: bool = mixed,
                     nonfinite: bool = nonfinite) -> tuple:  # fmt: skip
            return len(prog.steps), Mismatch(kind, name, seed, detail, prog, mixed, nonfinite)

        try:
            out = _run_step(tl, name, args, params, got, prog)
        except Exception as e:  # noqa: BLE001 - a mismatch: PyTorch ran this step
            return mismatch("error", f"{type(e).__name__}: {e}")
        want = ref[k]
        if not isinstance(out, tl.Tensor):
            return mismatch("error", f"returned {type(out)}")
        if tuple(out.shape) != tuple(want.shape):
            return mismatch("shape", f"{tuple(out.shape)} vs {tuple(want.shape)}")
        if _dtype_name(out) != _dtype_name(want):
            return mismatch("dtype", f"{_dtype_name(out)} vs {_dtype_name(want)}")
        a, b = _np(out), _np(want)
        if not _close(a, b, *_tol(b.dtype)):
            return mismatch("value", f"{a} vs {b}")
        if bool(out.requires_grad) != bool(want.requires_grad):
            return mismatch("requires_grad", f"{out.requires_grad} vs {want.requires_grad}")
        got.append(out)
    last = len(ref) - 1
    nonfinite = any(_nonfinite(torch, v) for v in ref)
    try:
        kind = _grads_differ(prog, tl, torch, last, seed)
    except Exception as e:  # noqa: BLE001
        kind, err = "error", e
    else:
        err = None
    if kind is None:
        return len(prog.steps), None
    # the shortest prefix whose gradients differ names the op
    for upto in range(last + 1):
        try:
            k2 = _grads_differ(prog, tl, torch, upto, seed)
        except Exception as e:  # noqa: BLE001
            k2, err = "error", e
        if k2 is not None:
            name = prog.steps[upto][0]
            what = "backward" if k2 == "error" else k2
            detail = f"{type(err).__name__}: {err}" if k2 == "error" and err else what
            kind2 = k2 if k2 != "error" else "backward"
            return len(prog.steps), Mismatch(kind2, name, seed, detail, prog, False, nonfinite)
    return len(prog.steps), Mismatch(kind, "?", seed, str(err), prog, False, nonfinite)
