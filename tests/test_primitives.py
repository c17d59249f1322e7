"""Every differentiable op, gradient-checked in float64: first order, second order
(``gradgradcheck``), a random projection <u, J v> = <J^T u, v> on non-square shapes, and
hypothesis-generated broadcast shapes for the binary ops."""

from __future__ import annotations

import zlib

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import mutually_broadcastable_shapes

import tinygrad_lite as tl
from tinygrad_lite.autograd import GradcheckError, gradcheck, gradgradcheck
from tinygrad_lite.nn import functional as F
from tinygrad_lite.primitives import PRIMITIVES

# --------------------------------------------------------------------------------------
# Inputs: a shape and a domain that keeps the op smooth (away from kinks and poles)
# --------------------------------------------------------------------------------------


def R(*shape):  # any real number
    return (shape, "real")


def P(*shape):  # positive, away from 0
    return (shape, "pos")


def A(*shape):  # |x| >= 0.3 (away from the kink of abs/relu/...)
    return (shape, "away")


def _values(shape: tuple, domain: str, rng: np.random.Generator) -> np.ndarray:
    if domain == "real":
        return rng.standard_normal(shape)
    if domain == "pos":
        return rng.uniform(0.5, 2.0, shape)
    sign = np.where(rng.random(shape) < 0.5, -1.0, 1.0)
    return sign * rng.uniform(0.3, 1.5, shape)


def make_inputs(case_id: str, specs: list) -> list:
    rng = np.random.default_rng(zlib.crc32(case_id.encode()))
    return [
        tl.tensor(_values(shape, domain, rng), dtype=tl.float64, requires_grad=True)
        for shape, domain in specs
    ]


# Constants used inside the table (float64 arrays so they never narrow the dtype)
_C = np.random.default_rng(7)
ARR_34 = _C.uniform(0.5, 2.0, (3, 4))
ARR_4 = _C.uniform(0.5, 2.0, (4,))
ARR_43 = _C.standard_normal((4, 3))
MASK_34 = _C.random((3, 4)) < 0.5
IDX_REPEAT = np.array([0, 2, 2, 1, 0])
GATHER_IDX = np.array([[0, 2, 2, 1], [1, 1, 0, 0], [2, 0, 1, 1]])

# --------------------------------------------------------------------------------------
# The table: (id, function of the input tensors, input specs)
# --------------------------------------------------------------------------------------

BROADCAST_PAIRS = [
    ((3, 4), (3, 4)),
    ((3, 4), (4,)),
    ((4,), (3, 4)),
    ((2, 1, 4), (3, 1)),
    ((), (2, 3)),
    ((3, 1), (1, 4)),
]

CASES: list = []


def case(name: str, fn, *specs) -> None:
    CASES.append(pytest.param(fn, list(specs), id=name))


# operators and functional forms, with broadcasting
for sa, sb in BROADCAST_PAIRS:
    tag = f"{sa}x{sb}"
    case(f"add{tag}", lambda a, b: a + b, R(*sa), R(*sb))
    case(f"sub{tag}", lambda a, b: a - b, R(*sa), R(*sb))
    case(f"mul{tag}", lambda a, b: a * b, R(*sa), R(*sb))
    case(f"div{tag}", lambda a, b: a / b, R(*sa), A(*sb))
    case(f"pow_tensor_exponent{tag}", lambda a, b: a**b, P(*sa), R(*sb))
    case(f"maximum{tag}", tl.maximum, R(*sa), R(*sb))
    case(f"minimum{tag}", tl.minimum, R(*sa), R(*sb))
case("tl.add_alpha", lambda a, b: tl.add(a, b, alpha=2.5), R(3, 4), R(4))
case("tl.sub_alpha", lambda a, b: tl.sub(a, b, alpha=0.5), R(3, 4), R(3, 1))
case("tl.mul", tl.mul, R(3, 4), R(4))
case("tl.div", tl.div, R(3, 4), A(3, 1))
case("tl.pow", tl.pow, P(2, 3), R(3))
case("method.add", lambda a, b: a.add(b), R(2, 3), R(3))
case("method.sub", lambda a, b: a.sub(b), R(2, 3), R(3))
case("method.mul", lambda a, b: a.mul(b), R(2, 3), R(3))
case("method.div", lambda a, b: a.div(b), R(2, 3), A(3))
case("method.pow", lambda a, b: a.pow(b), P(2, 3), R(3))

# reflected operators with Python numbers and ndarrays
case("radd_number", lambda x: 2.5 + x, R(3, 4))
case("rsub_number", lambda x: 2.5 - x, R(3, 4))
case("rmul_number", lambda x: 2.5 * x, R(3, 4))
case("rdiv_number", lambda x: 2.5 / x, A(3, 4))
case("rpow_number", lambda x: 2.5**x, R(3, 4))
case("pow_number", lambda x: x**3, R(3, 4))
case("pow_fraction", lambda x: x**1.5, P(3, 4))
case("pow_negative", lambda x: x**-2, A(3, 4))
case("sub_number", lambda x: x - 1.5, R(3, 4))
case("div_number", lambda x: x / 4.0, R(3, 4))
case("radd_ndarray", lambda x: ARR_34 + x, R(3, 4))
case("rsub_ndarray_broadcast", lambda x: ARR_34 - x, R(4))
case("rmul_ndarray_broadcast", lambda x: ARR_4 * x, R(3, 1))
case("rdiv_ndarray", lambda x: ARR_34 / x, A(3, 4))
case("rpow_ndarray", lambda x: ARR_34**x, R(3, 4))
case("mul_ndarray", lambda x: x * ARR_34, R(3, 4))
case("div_ndarray", lambda x: x / ARR_4, R(3, 4))
case("rmatmul_ndarray", lambda x: ARR_34 @ x, R(4, 2))
case("matmul_ndarray", lambda x: x @ ARR_43, R(2, 4))
case("neg_operator", lambda x: -x, R(3, 4))
case("abs_operator", lambda x: abs(x), A(3, 4))

# unary math and activations
UNARY = [
    ("neg", tl.neg, R),
    ("abs", tl.abs, A),
    ("exp", tl.exp, R),
    ("log", tl.log, P),
    ("log1p", tl.log1p, P),
    ("expm1", tl.expm1, R),
    ("sqrt", tl.sqrt, P),
    ("rsqrt", tl.rsqrt, P),
    ("sin", tl.sin, R),
    ("cos", tl.cos, R),
    ("tan", lambda x: tl.tan(x * 0.5), R),
    ("tanh", tl.tanh, R),
    ("sigmoid", tl.sigmoid, R),
    ("relu", tl.relu, A),
    ("leaky_relu", tl.leaky_relu, A),
    ("leaky_relu_slope", lambda x: tl.leaky_relu(x, 0.2), A),
    ("gelu", tl.gelu, R),
    ("gelu_tanh", lambda x: tl.gelu(x, approximate="tanh"), R),
    ("softplus", tl.softplus, R),
    ("softplus_beta_threshold", lambda x: tl.softplus(x * 3, beta=2.0, threshold=1.0), A),
    ("erf", tl.erf, R),
    ("sign", tl.sign, A),
    ("square", tl.square, R),
    ("reciprocal", tl.reciprocal, A),
    ("clamp_both", lambda x: tl.clamp(x, -0.5, 0.5), R),
    ("clamp_min", lambda x: x.clamp(min=0.1), R),
    ("clamp_max", lambda x: x.clamp(max=-0.1), R),
    ("clip", lambda x: tl.clip(x, -0.2, 0.7), R),
    ("method_exp", lambda x: x.exp(), R),
    ("method_sigmoid", lambda x: x.sigmoid(), R),
    ("method_square", lambda x: x.square(), R),
    ("method_reciprocal", lambda x: x.reciprocal(), A),
    ("lerp", lambda x: tl.lerp(x, x * x, 0.3), R),
    ("floor_is_flat", lambda x: tl.floor(x) * x, R),
    ("numpy_ufunc_exp", np.exp, R),
    ("numpy_ufunc_sin", np.sin, R),
]
for name, fn, dom in UNARY:
    case(name, fn, dom(3, 4))
    case(name + "_0d", fn, dom())
case("clamp_tensor_bounds", lambda x, lo, hi: x.clamp(lo, hi), R(3, 4), R(4), R(3, 1))
case("where", lambda a, b: tl.where(MASK_34, a, b), R(3, 4), R(4))
case("where_method", lambda a, b: a.where(tl.tensor(MASK_34), b), R(3, 4), R(3, 4))
case("where_scalar_other", lambda a: tl.where(tl.tensor(MASK_34), a, 0.0), R(3, 4))
case("masked_fill", lambda x: x.masked_fill(tl.tensor(MASK_34), 1.5), R(3, 4))
case("masked_fill_broadcast_mask", lambda x: tl.masked_fill(x, tl.tensor(MASK_34[0]), 0.0), R(3, 4))

# reductions
for dim, keep in [(None, False), (0, False), (1, True), (-1, False), ((0, 2), False),
                  ((-1, 0), True), (-2, True)]:  # fmt: skip
    tag = f"dim={dim},keepdim={keep}"
    case(
        f"sum[{tag}]",
        lambda x, d=dim, k=keep: x.sum(d, keepdim=k) if d is not None else x.sum(),
        R(2, 3, 4),
    )  # noqa: E501
    if dim is not None:
        case(f"mean[{tag}]", lambda x, d=dim, k=keep: x.mean(d, keepdim=k), R(2, 3, 4))
        case(
            f"prod[{tag}]",
            lambda x, d=dim, k=keep: (
                x.prod(d, keepdim=k) if not isinstance(d, tuple) else x.prod(d[0], keepdim=k)
            ),
            A(2, 3, 4),
        )  # noqa: E501
        case(f"amax[{tag}]", lambda x, d=dim, k=keep: x.amax(d, keepdim=k), R(2, 3, 4))
        case(f"amin[{tag}]", lambda x, d=dim, k=keep: tl.amin(x, d, keepdim=k), R(2, 3, 4))
        case(f"var[{tag}]", lambda x, d=dim, k=keep: x.var(d, keepdim=k), R(2, 3, 4))
        case(f"std[{tag}]", lambda x, d=dim, k=keep: x.std(d, keepdim=k), R(2, 3, 4))
        case(f"logsumexp[{tag}]", lambda x, d=dim, k=keep: x.logsumexp(d, keepdim=k), R(2, 3, 4))
case("mean_all", lambda x: x.mean(), R(3, 4))
case("prod_all", lambda x: x.prod(), A(3, 4))
case(
    "prod_with_zero",
    lambda x: (x * tl.tensor([[1.0, 0.0, 1.0]], dtype=tl.float64)).prod(1),
    R(2, 3),
)  # noqa: E501
case("max_all", lambda x: x.max(), R(3, 4))
case("min_all", lambda x: tl.min(x), R(3, 4))
case("max_dim_values", lambda x: x.max(dim=1).values, R(3, 4))
case("max_dim_keepdim", lambda x: x.max(0, keepdim=True)[0], R(3, 4))
case("min_dim_negative", lambda x: tl.min(x, -1).values, R(3, 4))
case("max_binary", lambda a, b: tl.max(a, b), R(3, 4), R(4))
case("var_unbiased_false", lambda x: x.var(1, unbiased=False), R(3, 4))
case("var_correction0", lambda x: tl.var(x, 0, correction=0), R(3, 4))
case("var_all", lambda x: x.var(), R(3, 4))
case("std_all", lambda x: x.std(), R(3, 4))
case("norm", lambda x: x.norm(), R(3, 4))
case("norm_dim", lambda x: x.norm(dim=1), R(3, 4))
for d in (0, 1, -1):
    case(f"softmax[{d}]", lambda x, d=d: x.softmax(d), R(3, 4))
    case(f"log_softmax[{d}]", lambda x, d=d: tl.log_softmax(x, d), R(3, 4))
case("softmax_3d", lambda x: tl.softmax(x, dim=-2), R(2, 3, 4))
case("logsumexp_large", lambda x: tl.logsumexp(x * 200, 1), R(3, 4))
case("log_softmax_large", lambda x: tl.log_softmax(x * 200, 1), R(3, 4))
case("log_softmax_many_short_rows", lambda x: tl.log_softmax(x, 1), R(40, 5))  # transposed max
case("softmax_many_short_rows", lambda x: tl.softmax(x, -1), R(40, 5))
case("cumsum", lambda x: x.cumsum(1), R(3, 4))
case("cumprod", lambda x: x.cumprod(0), R(3, 4))
case(
    "cumprod_with_zeros",
    lambda x: (x * tl.tensor([[1.0, 0.0, 1.0, 0.0]], dtype=tl.float64)).cumprod(1),
    R(2, 4),
)
case("norm_p3_dim", lambda x: x.norm(3, dim=0), R(3, 4))
case("norm_minus_inf", lambda x: x.norm(float("-inf"), dim=1), R(3, 4))


def _setitem(x, v, index=(slice(None), [0, 2])):
    y = x * 1
    y[index] = v
    return y


case("setitem", _setitem, R(3, 4), R(3, 2))
case("setitem_broadcast_row", lambda x, v: _setitem(x, v, 1), R(3, 4), R(4))

# nll_loss (the NllLoss primitive): reductions, class weights, ignored items, any shape
NLL_T = tl.tensor([0, 3, 2, 2, 1])
NLL_T_IGN = tl.tensor([0, -100, 2, 2, -100])
NLL_W = tl.tensor([0.5, 1.0, 2.0, 0.25], dtype=tl.float64)
for red in ("mean", "sum", "none"):
    case(f"nll_loss[{red}]", lambda x, r=red: F.nll_loss(x, NLL_T, reduction=r), R(5, 4))
    case(f"nll_loss_weight[{red}]", lambda x, r=red: F.nll_loss(x, NLL_T, NLL_W, reduction=r),
         R(5, 4))  # fmt: skip
    case(f"nll_loss_ignore[{red}]",
         lambda x, r=red: F.nll_loss(x, NLL_T_IGN, NLL_W, reduction=r), R(5, 4))  # fmt: skip
case("nll_loss_nd", lambda x: F.nll_loss(x, tl.tensor([[0, 2, 1], [3, 3, 0]])), R(2, 4, 3))
case("nll_loss_unbatched", lambda x: F.nll_loss(x, tl.tensor(2)), R(4))
case("cross_entropy", lambda x: F.cross_entropy(x, NLL_T), R(5, 4))
case("cross_entropy_smoothing", lambda x: F.cross_entropy(x, NLL_T_IGN, label_smoothing=0.2),
     R(5, 4))  # fmt: skip

# shape ops
case("reshape", lambda x: x.reshape(4, 3), R(3, 4))
case("reshape_infer", lambda x: tl.reshape(x, (2, -1)), R(3, 4))
case("view", lambda x: x.view(12), R(3, 4))
case("view_as", lambda x: x.view_as(tl.zeros(2, 6)), R(3, 4))
case("flatten", lambda x: x.flatten(), R(2, 3, 4))
case("flatten_range", lambda x: tl.flatten(x, 1), R(2, 3, 4))
case("unflatten", lambda x: x.unflatten(1, (2, 2)), R(3, 4))
case("squeeze", lambda x: x.squeeze(), R(3, 1, 4))
case("squeeze_dim", lambda x: tl.squeeze(x, -2), R(3, 1, 4))
case("unsqueeze", lambda x: x.unsqueeze(1), R(3, 4))
case("unsqueeze_negative", lambda x: tl.unsqueeze(x, -1), R(3, 4))
case("transpose", lambda x: x.transpose(0, 2), R(2, 3, 4))
case("transpose_fn", lambda x: tl.transpose(x, -1, -2), R(2, 3, 4))
case("permute", lambda x: x.permute(2, 0, 1), R(2, 3, 4))
case("permute_tuple", lambda x: tl.permute(x, (1, 2, 0)), R(2, 3, 4))
case("T", lambda x: x.T, R(3, 4))
case("mT", lambda x: x.mT, R(2, 3, 4))
case("t", lambda x: x.t(), R(3, 4))
case("expand", lambda x: x.expand(2, 3, 4), R(3, 1))
case("expand_minus1", lambda x: x.expand(-1, 5), R(3, 1))
case("expand_as", lambda x: x.expand_as(tl.zeros(2, 3, 4)), R(4))
case("broadcast_to", lambda x: tl.broadcast_to(x, (3, 4)), R(1, 4))
case("repeat", lambda x: x.repeat(2, 3), R(2, 3))
case("repeat_new_dims", lambda x: x.repeat(2, 1, 2), R(3))
case("cat", lambda a, b: tl.cat([a, b]), R(2, 3), R(4, 3))
case("cat_dim1", lambda a, b, c: tl.cat([a, b, c], dim=1), R(2, 3), R(2, 1), R(2, 2))
case("cat_negative_dim", lambda a, b: tl.cat((a, b), -1), R(2, 3), R(2, 2))
case("stack", lambda a, b: tl.stack([a, b]), R(2, 3), R(2, 3))
case("stack_dim_last", lambda a, b: tl.stack([a, b], dim=-1), R(2, 3), R(2, 3))
case("split", lambda x: x.split(2), R(5, 3))
case("split_sizes", lambda x: tl.split(x, [1, 2], dim=1), R(2, 3))
case("chunk", lambda x: x.chunk(3, dim=1), R(2, 7))
case("unbind", lambda x: x.unbind(1), R(2, 3))
case("narrow", lambda x: tl.narrow(x, 1, 1, 2), R(2, 4))

# linear algebra
MATMUL_SHAPES = [
    ((3,), (3,)),
    ((3,), (3, 2)),
    ((2, 3), (3,)),
    ((2, 3), (3, 4)),
    ((2, 2, 3), (2, 3, 4)),
    ((2, 1, 2, 3), (3, 3, 2)),
    ((2, 2, 3), (3, 4)),
    ((3,), (2, 3, 4)),
    ((2, 2, 3), (3,)),
]
for sa, sb in MATMUL_SHAPES:
    case(f"matmul{sa}@{sb}", lambda a, b: a @ b, R(*sa), R(*sb))
case("tl.matmul", tl.matmul, R(2, 3), R(3, 2))
case("mm", tl.mm, R(2, 3), R(3, 4))
case("bmm", lambda a, b: a.bmm(b), R(2, 2, 3), R(2, 3, 2))
case("outer", tl.outer, R(3), R(4))
case("dot", lambda a, b: a.dot(b), R(4), R(4))
case("linear", tl.nn.functional.linear, R(3, 4), R(5, 4), R(5))
case("linear_batched_nobias", tl.nn.functional.linear, R(2, 3, 4), R(5, 4))
case("linear_vector", tl.nn.functional.linear, R(4), R(5, 4), R(5))

# indexing
case("index_int", lambda x: x[1], R(3, 4))
case("index_negative_int", lambda x: x[-1, -2], R(3, 4))
case("index_slice", lambda x: x[:, 1:3], R(3, 4))
case("index_step", lambda x: x[::2, 1::2], R(3, 4))
case("index_none_ellipsis", lambda x: x[None, ..., 0], R(2, 3, 4))
case("index_ellipsis", lambda x: x[..., 1:], R(2, 3, 4))
case("index_int_array", lambda x: x[tl.tensor([2, 0])], R(3, 4))
case("index_repeated", lambda x: x[IDX_REPEAT], R(3, 4))
case("index_repeated_list", lambda x: x[[0, 0, 1], [1, 1, 3]], R(3, 4))
case("index_bool_mask", lambda x: x[tl.tensor(MASK_34)], R(3, 4))
case("index_bool_rows", lambda x: x[np.array([True, False, True])], R(3, 4))
case("index_mixed", lambda x: x[1:, IDX_REPEAT[:3] % 4], R(3, 4))
case("index_scalar_tensor", lambda x: x[tl.tensor(1)], R(3, 4))
case("gather", lambda x: x.gather(0, tl.tensor(GATHER_IDX)), R(3, 4))
case("gather_dim1", lambda x: tl.gather(x, 1, tl.tensor(GATHER_IDX[:, :2])), R(3, 4))
case("take_along_dim", lambda x: tl.take_along_dim(x, tl.tensor(GATHER_IDX), -2), R(3, 4))
case("index_select", lambda x: x.index_select(1, tl.tensor([3, 0, 3])), R(3, 4))
case("index_select_dim0", lambda x: tl.index_select(x, 0, tl.tensor([2, 2])), R(3, 4))
case("diag", lambda x: tl.diag(x), R(3, 3))
case("trace", lambda x: tl.trace(x), R(3, 3))

# compositions (a small net, and the same tensor used twice)
case("mlp", lambda x, w, b: (x @ w + b).tanh().sum(1).sigmoid(), R(3, 4), R(4, 2), R(2))
case("reuse", lambda x: x * x.exp() - x.sin() * x, R(3, 4))
case("clone", lambda x: x.clone() * 2, R(3, 4))
case("cast_roundtrip", lambda x: x.float().double() * 1.0, R(3, 4))


# --------------------------------------------------------------------------------------
# The checks
# --------------------------------------------------------------------------------------

# Ops whose gradient is only first-order correct by design in float32 rounding etc.: none.
# Cast to float32 loses precision, so finite differences of the round trip need looser tols.
LOOSE = {"cast_roundtrip": dict(atol=1e-3, rtol=1e-2, eps=1e-3)}


def _id(request) -> str:
    return request.node.callspec.id


@pytest.mark.parametrize("fn, specs", CASES)
def test_gradcheck(fn, specs, request):
    inputs = make_inputs(_id(request), specs)
    assert gradcheck(fn, inputs, **LOOSE.get(_id(request), {}))


@pytest.mark.parametrize("fn, specs", CASES)
def test_gradgradcheck(fn, specs, request):
    inputs = make_inputs(_id(request), specs)
    assert gradgradcheck(fn, inputs, **LOOSE.get(_id(request), {}))


@pytest.mark.parametrize("fn, specs", CASES)
def test_gradient_shape_and_dtype_match_input(fn, specs, request):
    inputs = make_inputs(_id(request), specs)
    outs = fn(*inputs)
    outs = outs if isinstance(outs, tuple) else (outs,)
    loss = sum((o * o).sum() for o in outs)
    loss.backward()
    for x in inputs:
        assert x.grad is not None
        assert x.grad.shape == x.shape
        assert x.grad.dtype == tl.float64


@pytest.mark.parametrize("fn, specs", CASES)
def test_random_projection(fn, specs, request):
    """<u, J v> by central differences equals <J^T u, v> from backward (random u, v).

    ``sum()`` as the loss would only test J^T 1, which hides transposed Jacobians."""
    cid = _id(request)
    inputs = make_inputs(cid, specs)
    rng = np.random.default_rng(zlib.crc32(cid.encode()) + 1)
    outs = fn(*inputs)
    outs = outs if isinstance(outs, tuple) else (outs,)
    us = [rng.standard_normal(o.shape) for o in outs]
    vs = [rng.standard_normal(x.shape) for x in inputs]
    grads = tl.autograd.grad(list(outs), inputs, [tl.tensor(u) for u in us], allow_unused=True)
    analytic = sum(float((g.numpy() * v).sum()) for g, v in zip(grads, vs) if g is not None)

    def project(step: float) -> float:
        shifted = [tl.tensor(x.numpy() + step * v) for x, v in zip(inputs, vs)]
        with tl.no_grad():
            o = fn(*shifted)
        o = o if isinstance(o, tuple) else (o,)
        return sum(float((oi.numpy() * u).sum()) for oi, u in zip(o, us))

    eps = LOOSE.get(cid, {}).get("eps", 1e-6)
    numeric = (project(eps) - project(-eps)) / (2 * eps)
    tol = 1e-2 if cid in LOOSE else 1e-5
    assert analytic == pytest.approx(numeric, rel=tol, abs=tol)


def test_table_covers_every_primitive():
    """Each registered primitive is reached by at least one case of the table."""
    used: set = set()
    for param in CASES:
        fn, specs = param.values
        inputs = make_inputs(param.id, specs)
        outs = fn(*inputs)
        outs = outs if isinstance(outs, tuple) else (outs,)
        used |= {n.fn.__name__ for n in tl.autograd.tape(list(outs))}
        seeds = [tl.ones_like(o).requires_grad_() for o in outs]  # so backward ops get recorded
        grads = tl.autograd.grad(list(outs), inputs, seeds, create_graph=True, allow_unused=True)
        used |= {n.fn.__name__ for n in tl.autograd.tape([g for g in grads if g is not None])}
    assert set(PRIMITIVES) - used - {"CopyFrom"} == set()


def test_every_primitive_has_a_math_docstring():
    for name, cls in PRIMITIVES.items():
        doc = (cls.__doc__ or "").strip()
        assert doc.startswith("f("), f"{name} needs a one-line math docstring 'f(x) = ...'"


# --------------------------------------------------------------------------------------
# Third derivatives (closed forms by hand)
# --------------------------------------------------------------------------------------


def _nth_derivative(f, x, n):
    y = f(x)
    for _ in range(n):
        (y,) = tl.autograd.grad(y.sum(), x, create_graph=True)
    return y


@pytest.mark.parametrize(
    "f, third",
    [
        (lambda x: x**4, lambda x: 24 * x),
        (lambda x: x.sin(), lambda x: -np.cos(x)),
        (lambda x: x.exp() * x, lambda x: np.exp(x) * (x + 3)),
        (lambda x: x.tanh(), lambda x: -2 * (1 - np.tanh(x) ** 2) * (1 - 3 * np.tanh(x) ** 2)),
        (lambda x: x.log(), lambda x: 2 / x**3),
        (lambda x: x.sqrt(), lambda x: 3 / 8 * x**-2.5),
        (lambda x: x.sigmoid(), None),
        (lambda x: 1 / x, lambda x: -6 / x**4),
    ],
    ids=["x^4", "sin", "x*exp", "tanh", "log", "sqrt", "sigmoid", "reciprocal"],
)
def test_third_derivative(f, third):
    values = np.array([0.3, 0.8, 1.7])
    x = tl.tensor(values, requires_grad=True)
    got = _nth_derivative(f, x, 3).numpy()
    if third is None:  # sigmoid: s''' = s(1-s)(1 - 6s + 6s^2)
        s = 1 / (1 + np.exp(-values))
        expected = s * (1 - s) * (1 - 6 * s + 6 * s * s)
    else:
        expected = third(values)
    np.testing.assert_allclose(got, expected, rtol=1e-10)


def test_third_derivative_of_matmul_mixed_terms():
    # f(a, b) = sum((a @ b)^3): d^3 f / da^3 along direction v by finite differences of d^2.
    rng = np.random.default_rng(3)
    a = tl.tensor(rng.standard_normal((2, 3)), requires_grad=True)
    b = tl.tensor(rng.standard_normal((3, 2)), requires_grad=True)

    @tl.enable_grad()  # gradcheck evaluates finite differences under no_grad
    def second(a_, b_):
        (ga,) = tl.autograd.grad(((a_ @ b_) ** 3).sum(), a_, create_graph=True)
        (gaa,) = tl.autograd.grad((ga * ga).sum(), a_, create_graph=True)
        return gaa

    assert gradcheck(second, (a, b))


# --------------------------------------------------------------------------------------
# Hypothesis: random broadcast shapes for the binary ops
# --------------------------------------------------------------------------------------

BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: a**b,
    "maximum": tl.maximum,
    "minimum": tl.minimum,
    "where": lambda a, b: tl.where(a > 0, a, b),
}


@pytest.mark.parametrize("op", sorted(BINARY))
@given(
    shapes=mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3),
    seed=st.integers(0, 2**16),
)
def test_binary_broadcast_gradients(op, shapes, seed):
    rng = np.random.default_rng(seed)
    sa, sb = shapes.input_shapes
    a_vals = rng.uniform(0.5, 2.0, sa) if op == "pow" else rng.standard_normal(sa)
    b_vals = np.where(rng.random(sb) < 0.5, -1, 1) * rng.uniform(0.5, 2.0, sb)
    a = tl.tensor(a_vals, requires_grad=True)
    b = tl.tensor(b_vals, requires_grad=True)
    out = BINARY[op](a, b)
    assert out.shape == shapes.result_shape
    out.backward(tl.ones_like(out))
    assert a.grad.shape == a.shape and b.grad.shape == b.shape
    if op in ("maximum", "minimum", "where"):  # kinks: keep values apart before checking
        if np.any(
            np.abs(np.broadcast_arrays(a_vals, b_vals)[0] - np.broadcast_arrays(a_vals, b_vals)[1])
            < 1e-3
        ):  # noqa: E501
            return
        if op == "where" and np.any(np.abs(a_vals) < 1e-3):
            return
    assert gradcheck(BINARY[op], (tl.tensor(a_vals, requires_grad=True),
                                  tl.tensor(b_vals, requires_grad=True)))  # fmt: skip


# --------------------------------------------------------------------------------------
# gradcheck itself must be able to fail
# --------------------------------------------------------------------------------------


class _WrongSin(tl.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.sin()

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * x.cos() * 1.01  # 1% wrong


def test_gradcheck_catches_a_wrong_gradient():
    x = tl.tensor([0.1, 0.4, 0.9], dtype=tl.float64, requires_grad=True)
    with pytest.raises(GradcheckError, match=r"input 0.*d out\(0,\) / d in\(0,\)"):
        gradcheck(_WrongSin.apply, (x,))
    assert gradcheck(_WrongSin.apply, (x,), raise_exception=False) is False


class _TransposedMatmulGrad(tl.autograd.Function):
    """Gradient written with the wrong transpose: J^T 1 happens to agree for square inputs."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return a @ a

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g @ a + a @ g  # correct is g @ a.T + a.T @ g


def test_random_projection_catches_transpose_bugs():
    a = tl.tensor([[0.0, 1.0], [0.0, 0.0]], dtype=tl.float64, requires_grad=True)
    _TransposedMatmulGrad.apply(a).sum().backward()
    # With u = ones the wrong formula may agree; with a random u it must not.
    u = tl.tensor([[0.3, -1.2], [0.7, 2.0]], dtype=tl.float64)
    (wrong,) = tl.autograd.grad(_TransposedMatmulGrad.apply(a), a, u)
    (right,) = tl.autograd.grad(a @ a, a, u)
    assert not np.allclose(wrong.numpy(), right.numpy())
    with pytest.raises(GradcheckError):
        gradcheck(_TransposedMatmulGrad.apply, (a,))


@pytest.mark.parametrize("shape", [(40, 5), (33, 32), (40, 33), (5, 40), (1, 3)])
def test_amax_keepdims_gives_the_plain_max(shape):
    """The transposed max that log_softmax/softmax use for short rows equals NumPy's max,
    also with inf and nan entries."""
    from tinygrad_lite.primitives import _amax_keepdims

    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    x[0, 0], x[-1, -1] = np.inf, -np.inf
    if shape[0] > 2:
        x[1, :] = -np.inf
        x[2, 1] = np.nan
    for dim in (1, -1, 0):
        got = _amax_keepdims(x, dim)
        assert got.shape == np.max(x, axis=dim, keepdims=True).shape
        np.testing.assert_array_equal(got, np.max(x, axis=dim, keepdims=True))
