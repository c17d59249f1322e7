"""Side by side with PyTorch (skipped when it is not installed): values, gradients, second
derivatives, dtype promotion, and the error types of common mistakes."""

from __future__ import annotations

import zlib

import numpy as np
import pytest

import tinygrad_lite as tl

torch = pytest.importorskip("torch")


def F(T, name):
    """``torch.nn.functional.<name>`` for PyTorch, ``tinygrad_lite.<name>`` for us."""
    return getattr(T.nn.functional, name) if T is torch else getattr(T, name)


def R(*shape):
    return (shape, "real")


def P(*shape):
    return (shape, "pos")


def A(*shape):
    return (shape, "away")


def _values(spec, rng):
    shape, domain = spec
    if domain == "real":
        return rng.standard_normal(shape)
    if domain == "pos":
        return rng.uniform(0.5, 2.0, shape)
    return np.where(rng.random(shape) < 0.5, -1, 1) * rng.uniform(0.3, 1.5, shape)


IDX = np.array([[0, 2, 1, 0], [1, 1, 0, 2]])
MASK = np.random.default_rng(5).random((3, 4)) < 0.5

# (id, fn(T, *inputs), input specs)
OPS = [
    ("add_bcast", lambda T, a, b: a + b, [R(2, 3, 4), R(3, 1)]),
    ("sub_number", lambda T, a: 3.0 - a, [R(3, 4)]),
    ("mul_bcast", lambda T, a, b: a * b, [R(3, 4), R(4)]),
    ("div", lambda T, a, b: a / b, [R(3, 4), A(3, 4)]),
    ("rdiv", lambda T, a: 2.0 / a, [A(3, 4)]),
    ("pow_tensor", lambda T, a, b: a**b, [P(3, 4), R(4)]),
    ("rpow", lambda T, a: 2.0**a, [R(3, 4)]),
    ("pow_scalar", lambda T, a: a**3, [R(3, 4)]),
    ("neg_abs", lambda T, a: (-a).abs(), [A(3, 4)]),
    ("exp_log", lambda T, a: a.exp() + a.abs().log(), [A(3, 4)]),
    ("log1p_expm1", lambda T, a: T.log1p(a) + T.expm1(a), [P(3, 4)]),
    ("sqrt_rsqrt", lambda T, a: a.sqrt() * a.rsqrt() + a.sqrt(), [P(3, 4)]),
    ("trig", lambda T, a: a.sin() * a.cos() + (a * 0.5).tan(), [R(3, 4)]),
    ("tanh_sigmoid", lambda T, a: a.tanh() + T.sigmoid(a), [R(3, 4)]),
    ("relu", lambda T, a: T.relu(a), [A(3, 4)]),
    ("leaky_relu", lambda T, a: F(T, "leaky_relu")(a, 0.2), [A(3, 4)]),
    ("gelu", lambda T, a: F(T, "gelu")(a), [R(3, 4)]),
    ("gelu_tanh", lambda T, a: F(T, "gelu")(a, approximate="tanh"), [R(3, 4)]),
    ("softplus", lambda T, a: F(T, "softplus")(a * 5, beta=0.5, threshold=2.0), [A(3, 4)]),
    ("clamp", lambda T, a: a.clamp(-0.5, 0.5) + T.clamp(a, min=0.2), [R(3, 4)]),
    ("clamp_tensor", lambda T, a, lo: T.clamp(a, min=lo), [R(3, 4), R(4)]),
    ("maximum_minimum", lambda T, a, b: T.maximum(a, b) * T.minimum(a, b), [R(3, 4), R(4)]),
    ("where", lambda T, a, b: T.where(T.tensor(MASK), a, b), [R(3, 4), R(4)]),
    ("sign_square_recip", lambda T, a: a.sign() * a.square() + a.reciprocal(), [A(3, 4)]),
    ("sum_dims", lambda T, a: a.sum(dim=(0, 2), keepdim=True), [R(2, 3, 4)]),
    ("mean_neg_dim", lambda T, a: a.mean(-1), [R(2, 3, 4)]),
    ("prod", lambda T, a: a.prod(1), [A(3, 4)]),
    (
        "prod_zero",
        lambda T, a: (a * T.tensor([1.0, 0.0, 1.0, 1.0], dtype=T.float64)).prod(1),
        [R(3, 4)],
    ),  # noqa: E501
    ("max_all", lambda T, a: a.max(), [R(3, 4)]),
    ("max_dim", lambda T, a: a.max(dim=1)[0], [R(3, 4)]),
    ("min_dim_keepdim", lambda T, a: a.min(0, keepdim=True).values, [R(3, 4)]),
    ("amax_tuple", lambda T, a: a.amax(dim=(0, 1)), [R(2, 3, 4)]),
    ("amin", lambda T, a: T.amin(a, 1), [R(3, 4)]),
    ("var_std", lambda T, a: a.var(1) + a.std(0, keepdim=True).sum(), [R(3, 4)]),
    ("var_unbiased_false", lambda T, a: a.var(dim=1, unbiased=False), [R(3, 4)]),
    ("std_correction", lambda T, a: a.std(dim=0, correction=0), [R(3, 4)]),
    ("logsumexp", lambda T, a: T.logsumexp(a * 50, dim=1), [R(3, 4)]),
    ("softmax", lambda T, a: T.softmax(a, dim=0), [R(3, 4)]),
    ("log_softmax", lambda T, a: T.log_softmax(a, dim=-1), [R(3, 4)]),
    ("norm", lambda T, a: a.norm(), [R(3, 4)]),
    ("cumsum", lambda T, a: a.cumsum(1), [R(3, 4)]),
    ("reshape_view", lambda T, a: a.reshape(4, 3).view(2, 6), [R(3, 4)]),
    ("flatten_unflatten", lambda T, a: a.flatten().unflatten(0, (4, 6)), [R(2, 3, 4)]),
    ("squeeze_unsqueeze", lambda T, a: a.unsqueeze(0).squeeze(2), [R(3, 1, 4)]),
    ("transpose_permute", lambda T, a: a.transpose(0, 1).permute(2, 0, 1), [R(2, 3, 4)]),
    ("T_mT", lambda T, a: a.mT * 2 + a.transpose(-1, -2), [R(2, 3, 4)]),
    ("expand", lambda T, a: a.expand(2, 3, 4) * T.arange(4.0, dtype=T.float64), [R(3, 1)]),
    (
        "expand_as_broadcast_to",
        lambda T, a: a.expand_as(T.zeros(3, 4)) + T.broadcast_to(a, (3, 4)),
        [R(1, 4)],
    ),  # noqa: E501
    ("repeat", lambda T, a: a.repeat(2, 1, 3), [R(2, 3)]),
    (
        "cat_stack",
        lambda T, a, b: T.cat([a, b], 1) * T.stack([a, a], -1).sum(-1).repeat(1, 2)[:, :5],
        [R(2, 3), R(2, 2)],
    ),  # noqa: E501
    (
        "split",
        lambda T, a: T.cat([p * (i + 1) for i, p in enumerate(a.split(2, dim=1))], 1),
        [R(3, 5)],
    ),  # noqa: E501
    ("chunk", lambda T, a: T.cat([p * (i + 1) for i, p in enumerate(a.chunk(3))], 0), [R(7, 2)]),  # noqa: E501
    ("matmul_1d_1d", lambda T, a, b: a @ b, [R(3), R(3)]),
    ("matmul_1d_2d", lambda T, a, b: a @ b, [R(3), R(3, 4)]),
    ("matmul_2d_1d", lambda T, a, b: a @ b, [R(2, 3), R(3)]),
    ("matmul_batched", lambda T, a, b: a @ b, [R(2, 2, 3), R(2, 3, 4)]),
    ("matmul_broadcast_batch", lambda T, a, b: T.matmul(a, b), [R(2, 1, 2, 3), R(3, 3, 2)]),
    ("matmul_1d_3d", lambda T, a, b: a @ b, [R(3), R(2, 3, 4)]),
    ("mm_bmm", lambda T, a, b: T.mm(a, b).sum() + T.bmm(a[None], b[None]), [R(2, 3), R(3, 4)]),
    ("outer_dot", lambda T, a, b: T.outer(a, b) * T.dot(a, a), [R(3), R(4)]),
    ("index_basic", lambda T, a: a[1:, None, ..., ::2], [R(3, 4)]),
    ("index_int_array_repeated", lambda T, a: a[T.tensor([0, 2, 2, 0])], [R(3, 4)]),
    ("index_two_arrays", lambda T, a: a[T.tensor([0, 0, 1]), T.tensor([1, 1, 3])], [R(3, 4)]),
    ("index_bool_mask", lambda T, a: a[T.tensor(MASK)], [R(3, 4)]),
    ("gather", lambda T, a: a.gather(0, T.tensor(IDX)), [R(3, 4)]),
    ("index_select", lambda T, a: T.index_select(a, 1, T.tensor([3, 0, 3])), [R(3, 4)]),
    ("masked_fill", lambda T, a: a.masked_fill(T.tensor(MASK), 2.0), [R(3, 4)]),
    ("setitem_non_leaf", lambda T, a, b: _setitem(a, b), [R(3, 4), R(4)]),
    ("inplace_non_leaf", lambda T, a, b: _inplace(a, b), [R(3, 4), R(3, 4)]),
    ("mlp", lambda T, x, w, b: T.tanh(x @ w + b).softmax(-1), [R(5, 4), R(4, 3), R(3)]),
]


def _setitem(a, b):
    h = a * 1
    h[1] = b * 2
    return h


def _inplace(a, b):
    h = a * 1
    h.mul_(b)
    h += 1
    h /= 2.0
    return h


def _run(T, fn, arrays, u):
    inputs = [T.tensor(a, dtype=T.float64, requires_grad=True) for a in arrays]
    out = fn(T, *inputs)
    grads = T.autograd.grad((out * T.tensor(u)).sum(), inputs, create_graph=True)
    as_np = [g.detach().numpy() for g in grads]
    # a second-order quantity: d/d(inputs) of sum(grad^2) (None where grad is constant)
    objective = sum((g * g).sum() for g in grads)
    if not objective.requires_grad:
        return out.detach().numpy(), as_np, [None] * len(inputs)
    second = T.autograd.grad(objective, inputs, allow_unused=True)
    second = [None if s is None else s.detach().numpy() for s in second]
    return out.detach().numpy(), as_np, second


@pytest.mark.parametrize("fn, specs", [pytest.param(f, s, id=n) for n, f, s in OPS])
def test_values_and_gradients_match_pytorch(fn, specs, request):
    rng = np.random.default_rng(zlib.crc32(request.node.callspec.id.encode()))
    arrays = [_values(s, rng) for s in specs]
    with torch.no_grad():
        probe = fn(torch, *[torch.tensor(a) for a in arrays])
    u = rng.standard_normal(tuple(probe.shape))
    t_out, t_grads, t_second = _run(torch, fn, arrays, u)
    o_out, o_grads, o_second = _run(tl, fn, arrays, u)
    np.testing.assert_allclose(o_out, t_out, rtol=1e-10, atol=1e-12)
    for ours, theirs in zip(o_grads, t_grads):
        np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12)
    for ours, theirs in zip(o_second, t_second):
        if theirs is None or ours is None:  # zero second derivative: None in one, 0 in other
            assert ours is None or not np.any(ours)
            continue
        scale = max(1.0, float(np.abs(theirs).max()))
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-7 * scale)


def test_float32_forward_and_backward_match_pytorch():
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((8, 5)).astype(np.float32), rng.standard_normal((5, 3))
    w = w.astype(np.float32)
    results = []
    for T in (torch, tl):
        xt, wt = T.tensor(x), T.tensor(w, requires_grad=True)
        loss = T.log_softmax(T.relu(xt @ wt), dim=1).mean()
        loss.backward()
        assert loss.dtype == T.float32 and wt.grad.dtype == T.float32
        results.append((loss.item(), wt.grad.numpy().copy()))
    assert results[0][0] == pytest.approx(results[1][0], rel=1e-5)
    np.testing.assert_allclose(results[1][1], results[0][1], rtol=1e-4, atol=1e-6)


def test_gradients_at_special_points_match_pytorch():
    two = [2.0, 2.0, 0.0]
    for values, op in [
        ([0.0, 1.0, 2.0], lambda T, x: (x**0).sum()),
        ([0.0, 1.0, 2.0], lambda T, x: (x ** T.tensor([0.0, 0.0, 2.0], dtype=T.float64)).sum()),
        ([0.0, 1.0, 2.0], lambda T, x: (T.tensor(two, dtype=T.float64) ** x).sum()),
        ([0.0, 1.0, 2.0], lambda T, x: (0.0**x).sum()),
        ([0.0, 0.0], lambda T, x: x.norm()),
        ([0.0, 3.0], lambda T, x: x.norm(dim=0)),
        ([1.0, 1.0], lambda T, x: x.std()),
        ([0.0, 2.0], lambda T, x: (x.sqrt() * 0 + x).sum()),
        ([3.0, 1.0, 3.0], lambda T, x: x.max()),
        ([3.0, 1.0, 3.0], lambda T, x: x.amax(0)),
        ([0.0, 1.0, -2.0], lambda T, x: x.abs().sum()),
        ([0.0, 1.0, -2.0], lambda T, x: T.relu(x).sum()),
        ([1.0, 1.0], lambda T, x: T.maximum(x, T.tensor([1.0, 0.0], dtype=T.float64)).sum()),
        ([0.5, 2.0], lambda T, x: x.clamp(0.5, 2.0).sum()),
        ([0.0, 2.0], lambda T, x: (x ** T.tensor([2.0, 0.5], dtype=T.float64)).sum()),
    ]:
        grads = []
        for T in (torch, tl):
            x = T.tensor(values, dtype=T.float64, requires_grad=True)
            op(T, x).backward()
            grads.append(x.grad.numpy().copy())
        np.testing.assert_allclose(grads[1], grads[0])


# --------------------------------------------------------------------------------------
# dtype promotion
# --------------------------------------------------------------------------------------

PROMOTION = [
    lambda T: T.tensor([1, 2]) * 2.5,
    lambda T: T.tensor([1, 2]) / T.tensor([2, 3]),
    lambda T: T.tensor([1, 2]) / 2,
    lambda T: T.tensor([1, 2]) + 1,
    lambda T: T.tensor([1, 2]) + True,
    lambda T: T.tensor([True, False]) + 1,
    lambda T: T.tensor([True, False]) * 1.5,
    lambda T: T.tensor([1.0, 2.0]) + T.tensor([1, 2]),
    lambda T: T.tensor([1.0, 2.0]) * np.float64(2.0),
    lambda T: T.tensor([1, 2]) + np.float64(1.5),
    lambda T: T.tensor([1.0, 2.0], dtype=T.float64) * T.tensor([1.0, 2.0]),
    lambda T: T.tensor([1, 2]) ** 2,
    lambda T: T.tensor([1, 2]) ** 0.5,
    lambda T: 2 ** T.tensor([1, 2]),
    lambda T: 2.0 ** T.tensor([1, 2]),
    lambda T: T.tensor([1, 2], dtype=T.int32) + T.tensor([1, 2]),
    lambda T: T.tensor([1, 2]).sum(),
    lambda T: T.tensor([True, True]).sum(),
    lambda T: T.tensor([1, 2]) // 2,
    lambda T: T.tensor([5, -3]) % 3,
    lambda T: T.tensor([1.0, 2.0]) // 2,
    lambda T: T.maximum(T.tensor([1]), T.tensor([0.5])),
    lambda T: T.where(T.tensor([True, False]), T.tensor([1, 2]), 0.5),
    lambda T: T.tensor([1.0, 2.0]).double() + 1,
    lambda T: T.tensor(np.array([1.0, 2.0])),
    lambda T: T.tensor([1, 2]).float() * np.int64(3),
    lambda T: T.arange(3) * 1.0,
    lambda T: T.full((2,), 3),
    lambda T: T.full((2,), 3.0),
    lambda T: T.zeros(2, dtype=T.long) + 0.5,
    lambda T: -T.tensor([1, 2]),
    lambda T: T.tensor([1, -2]).abs(),
    lambda T: T.tensor([1, 2]).argmax(),
    lambda T: T.tensor([1.0, 2.0]) > 1,
]


@pytest.mark.parametrize("expr", PROMOTION)
def test_result_dtype_and_values_match_pytorch(expr):
    theirs, ours = expr(torch), expr(tl)
    assert str(ours.dtype).replace("tinygrad_lite.", "") == str(theirs.dtype).replace("torch.", "")
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


# --------------------------------------------------------------------------------------
# error types of common mistakes
# --------------------------------------------------------------------------------------

MISTAKES = [
    lambda T: T.ones(2, 3) @ T.ones(2, 3),
    lambda T: T.ones(2, 3) + T.ones(4),
    lambda T: T.ones(2, 3).sum(dim=2),
    lambda T: T.ones(2, 3).reshape(4, -1),
    lambda T: T.ones(2, 3).view(5),
    lambda T: T.cat([T.ones(2, 3), T.ones(2, 2)]),
    lambda T: T.stack([T.ones(2), T.ones(3)]),
    lambda T: T.ones(2, 3)[5],
    lambda T: T.ones(2, 1).expand(3, 3),
    lambda T: T.ones(2, 3).permute(0),
    lambda T: T.ones(2, 3).max(dim=4),
    lambda T: T.ones(2).item(),
    lambda T: bool(T.ones(2)),
    lambda T: len(T.tensor(1.0)),
    lambda T: T.tensor([1, 2]).mean(),
    lambda T: T.tensor([1, 2], dtype=T.int64).requires_grad_(),
    lambda T: T.zeros(2, dtype=T.int64, requires_grad=True),
    lambda T: (T.ones(2, requires_grad=True) * 2).backward(),
    lambda T: T.ones(2).sum().backward(),
    lambda T: T.ones(2, requires_grad=True).add_(1),
    lambda T: T.where(T.tensor([1, 0]), T.ones(2), T.zeros(2)),
    lambda T: T.ones(2).clamp(),
    lambda T: T.mm(T.ones(2, 3), T.ones(3)),
    lambda T: T.dot(T.ones(2), T.ones(3)),
    lambda T: T.ones(2, 3, 4).t(),
    lambda T: T.tensor([[1, 2], [3]]),
    lambda T: T.ones(3).split([1, 1]),
    lambda T: T.autograd.grad(T.ones(1, requires_grad=True).sum(), [T.ones(1)]),
]


def _error_type(fn, T):
    try:
        fn(T)
    except Exception as e:  # noqa: BLE001 - comparing which exception each library raises
        return type(e)
    return None


@pytest.mark.parametrize("fn", MISTAKES)
def test_common_mistakes_raise_the_same_error_type(fn):
    theirs, ours = _error_type(fn, torch), _error_type(fn, tl)
    assert theirs is not None and ours is not None
    assert issubclass(ours, theirs) or ours.__name__ == theirs.__name__, (ours, theirs)


def test_second_backward_and_version_counter_errors_match_pytorch():
    for T in (torch, tl):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        y = (x * x).sum()
        y.backward()
        with pytest.raises(RuntimeError, match="second time"):
            y.backward()
        h = x * 1
        z = h * h
        h.add_(1)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            z.sum().backward()


def test_relu_saves_its_output_as_pytorch_does():
    # ReluBackward0 keeps the result, so changing it in place breaks backward in both
    for T in (torch, tl):
        x = T.tensor([-1.0, 2.0], requires_grad=True)
        y = T.relu(x * 1)
        y.add_(1)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.sum().backward()


def test_cross_entropy_graph_is_nll_loss_after_log_softmax_as_in_pytorch():
    for T in (torch, tl):
        x = T.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
        loss = T.nn.functional.cross_entropy(x, T.tensor([2, 0]))
        node = loss.grad_fn
        inner = node.next_functions[0][0]
        names = [type(n).__name__ if T is torch else n.name() for n in (node, inner)]
        assert names == ["NllLossBackward0", "LogSoftmaxBackward0"]


def test_a_number_on_the_left_is_the_second_input_as_in_pytorch():
    # 2 * x is x.__rmul__(2), which is x * 2: the tensor is input 0 of the node in both
    def order(T):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        return [
            [f is not None for f, _ in e.grad_fn.next_functions][:2] for e in (2 * x, 2 + x, x * 2)
        ]

    assert order(tl) == order(torch) == [[True, False]] * 3
