"""Forward values of the ops against NumPy, the functional API, and their error messages."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

import tinygrad_lite as tl

RNG = np.random.default_rng(0)
A = RNG.standard_normal((2, 3, 4))
M = RNG.standard_normal((3, 4))


def t(a):
    return tl.tensor(a)


# --------------------------------------------------------------------------------------
# forward values against NumPy
# --------------------------------------------------------------------------------------

UNARY_NUMPY = [
    ("exp", np.exp, A),
    ("log", np.log, np.abs(A) + 0.1),
    ("log1p", np.log1p, np.abs(A)),
    ("expm1", np.expm1, A),
    ("sqrt", np.sqrt, np.abs(A)),
    ("rsqrt", lambda a: 1 / np.sqrt(a), np.abs(A) + 0.1),
    ("sin", np.sin, A),
    ("cos", np.cos, A),
    ("tan", np.tan, A),
    ("tanh", np.tanh, A),
    ("sigmoid", lambda a: 1 / (1 + np.exp(-a)), A),
    ("relu", lambda a: np.maximum(a, 0), A),
    ("abs", np.abs, A),
    ("neg", np.negative, A),
    ("sign", np.sign, A),
    ("square", np.square, A),
    ("reciprocal", np.reciprocal, A),
    ("erf", np.vectorize(math.erf), A),
    ("floor", np.floor, A * 3),
    ("ceil", np.ceil, A * 3),
    ("round", np.round, A * 3),
    ("trunc", np.trunc, A * 3),
]


@pytest.mark.parametrize("name, ref, a", UNARY_NUMPY, ids=[u[0] for u in UNARY_NUMPY])
def test_unary_matches_numpy_as_function_and_method(name, ref, a):
    expected = ref(a)
    np.testing.assert_allclose(getattr(tl, name)(t(a)).numpy(), expected, rtol=1e-12)
    if hasattr(tl.Tensor, name):
        np.testing.assert_allclose(getattr(t(a), name)().numpy(), expected, rtol=1e-12)


def test_activations_against_formulas():
    a = np.linspace(-30, 30, 13)
    np.testing.assert_allclose(tl.leaky_relu(t(a), 0.1).numpy(), np.where(a > 0, a, 0.1 * a))
    erf = np.vectorize(math.erf)
    np.testing.assert_allclose(tl.gelu(t(a)).numpy(), 0.5 * a * (1 + erf(a / math.sqrt(2))))
    tanh_gelu = 0.5 * a * (1 + np.tanh(math.sqrt(2 / math.pi) * (a + 0.044715 * a**3)))
    np.testing.assert_allclose(tl.gelu(t(a), approximate="tanh").numpy(), tanh_gelu, rtol=1e-12)
    np.testing.assert_allclose(tl.softplus(t(a)).numpy(), np.logaddexp(0, a), rtol=1e-12)
    soft2 = np.where(2 * a > 20, a, np.logaddexp(0, 2 * a) / 2)
    np.testing.assert_allclose(tl.softplus(t(a), beta=2).numpy(), soft2, rtol=1e-12)
    with pytest.raises(ValueError, match="approximate"):
        tl.gelu(t(a), approximate="fast")


def test_sigmoid_and_softplus_do_not_overflow():
    x = tl.tensor([-1000.0, 0.0, 1000.0])
    np.testing.assert_array_equal(tl.sigmoid(x).numpy(), [0.0, 0.5, 1.0])
    assert np.all(np.isfinite(tl.softplus(x).numpy()))


@pytest.mark.parametrize("dtype", [tl.float16, tl.float32, tl.float64])
@pytest.mark.parametrize("shape", [(), (5,), (2, 3, 4), (0, 3)])
def test_mean_of_all_agrees_with_the_mean_over_every_dim(dtype, shape):
    # x.mean() takes a shorter path than x.mean(dim); both are the same op
    a = RNG.standard_normal(shape)
    x = tl.tensor(a, dtype=dtype, requires_grad=True)
    y = tl.tensor(a, dtype=dtype, requires_grad=True)
    total, general = x.mean(), y.mean(tuple(range(len(shape))) or None, keepdim=False)
    assert total.shape == general.shape == ()
    assert total.dtype == general.dtype == dtype
    assert total.grad_fn.name() == general.grad_fn.name() == "MeanBackward0"
    np.testing.assert_array_equal(total.numpy(), general.numpy())
    assert np.isnan(total.item()) == (a.size == 0)
    total.backward()
    general.backward()
    assert x.grad.dtype == dtype
    np.testing.assert_array_equal(x.grad.numpy(), y.grad.numpy())
    np.testing.assert_allclose(x.grad.numpy(), np.full(shape, 1 / max(a.size, 1)), rtol=1e-3)


@pytest.mark.parametrize("dim", [None, 0, 1, -1, (0, 2), (-1, -2)])
@pytest.mark.parametrize("keepdim", [False, True])
def test_reductions_match_numpy(dim, keepdim):
    x = t(A)
    axis = dim
    np.testing.assert_allclose(x.sum(dim, keepdim).numpy(), A.sum(axis, keepdims=keepdim))
    np.testing.assert_allclose(x.mean(dim, keepdim).numpy(), A.mean(axis, keepdims=keepdim))
    np.testing.assert_allclose(
        x.amax(dim if dim is not None else (), keepdim).numpy(), A.max(axis, keepdims=keepdim)
    )  # noqa: E501
    np.testing.assert_allclose(
        x.amin(dim if dim is not None else (), keepdim).numpy(), A.min(axis, keepdims=keepdim)
    )  # noqa: E501
    np.testing.assert_allclose(
        x.var(dim, keepdim=keepdim).numpy(), A.var(axis, ddof=1, keepdims=keepdim)
    )  # noqa: E501
    np.testing.assert_allclose(
        x.std(dim, unbiased=False, keepdim=keepdim).numpy(), A.std(axis, keepdims=keepdim)
    )  # noqa: E501
    if dim is not None:
        lse = np.log(np.exp(A).sum(axis, keepdims=keepdim))
        np.testing.assert_allclose(x.logsumexp(dim, keepdim).numpy(), lse)
    if not isinstance(dim, tuple):
        np.testing.assert_allclose(x.prod(dim, keepdim).numpy(), A.prod(axis, keepdims=keepdim))


def test_max_min_argmax_with_dim():
    x = t(M)
    v, i = x.max(1)
    np.testing.assert_array_equal(v.numpy(), M.max(1))
    np.testing.assert_array_equal(i.numpy(), M.argmax(1))
    v, i = tl.min(x, dim=0, keepdim=True)
    np.testing.assert_array_equal(v.numpy(), M.min(0, keepdims=True))
    np.testing.assert_array_equal(i.numpy(), M.argmin(0)[None])
    assert x.argmax().item() == M.argmax()
    assert x.argmax(dim=-1, keepdim=True).shape == (3, 1)
    np.testing.assert_array_equal(tl.maximum(x, t(M.T.copy().T)).numpy(), M)


def test_softmax_family_is_stable_and_normalized():
    x = tl.tensor([[1000.0, 0.0, -1000.0], [1.0, 2.0, 3.0]])
    s = tl.softmax(x, dim=1).numpy()
    np.testing.assert_allclose(s.sum(1), [1.0, 1.0], rtol=1e-6)
    np.testing.assert_allclose(s[0], [1.0, 0.0, 0.0])
    ls = tl.log_softmax(x, 1).numpy()
    np.testing.assert_allclose(ls[0], [0.0, -1000.0, -2000.0])
    e = np.exp([1.0, 2.0, 3.0])
    np.testing.assert_allclose(ls[1], np.log(e / e.sum()), rtol=1e-6)
    np.testing.assert_allclose(tl.logsumexp(x, 1).numpy(), [1000.0, np.log(e.sum())], rtol=1e-6)
    big = tl.tensor([1000.0, 1000.0])
    assert tl.logsumexp(big, 0).item() == pytest.approx(1000 + math.log(2))
    inf = tl.tensor([-math.inf, 0.0])
    np.testing.assert_allclose(tl.softmax(inf, 0).numpy(), [0.0, 1.0])


def test_shape_ops_match_numpy():
    x = t(A)
    np.testing.assert_array_equal(x.reshape(6, 4).numpy(), A.reshape(6, 4))
    np.testing.assert_array_equal(x.view(-1).numpy(), A.reshape(-1))
    np.testing.assert_array_equal(x.flatten(1).numpy(), A.reshape(2, 12))
    np.testing.assert_array_equal(tl.flatten(x, 0, 1).numpy(), A.reshape(6, 4))
    np.testing.assert_array_equal(x.unflatten(2, (2, 2)).numpy(), A.reshape(2, 3, 2, 2))
    np.testing.assert_array_equal(x.permute(2, 0, 1).numpy(), A.transpose(2, 0, 1))
    np.testing.assert_array_equal(x.transpose(0, 2).numpy(), A.swapaxes(0, 2))
    np.testing.assert_array_equal(x.T.numpy(), A.T)
    np.testing.assert_array_equal(x.mT.numpy(), A.swapaxes(-1, -2))
    assert x.unsqueeze(0).shape == (1, 2, 3, 4) and x.unsqueeze(-1).shape == (2, 3, 4, 1)
    assert tl.zeros(1, 3, 1).squeeze().shape == (3,)
    assert tl.zeros(1, 3, 1).squeeze(0).shape == (3, 1)
    assert tl.zeros(1, 3, 1).squeeze(1).shape == (1, 3, 1)  # not size 1: unchanged
    np.testing.assert_array_equal(t(M[:1]).expand(3, 4).numpy(), np.broadcast_to(M[:1], (3, 4)))
    np.testing.assert_array_equal(t(M).repeat(2, 1).numpy(), np.tile(M, (2, 1)))
    np.testing.assert_array_equal(t(M[0]).repeat(2, 2).numpy(), np.tile(M[0], (2, 2)))


def test_cat_stack_split_chunk():
    a, b = t(M), t(M * 2)
    np.testing.assert_array_equal(tl.cat([a, b], 1).numpy(), np.concatenate([M, M * 2], 1))
    np.testing.assert_array_equal(tl.stack([a, b], 1).numpy(), np.stack([M, M * 2], 1))
    assert [p.shape for p in t(np.zeros((5, 2))).split(2)] == [(2, 2), (2, 2), (1, 2)]
    assert [p.shape for p in tl.split(t(np.zeros((5, 2))), [1, 4])] == [(1, 2), (4, 2)]
    assert [p.shape for p in t(np.zeros((5, 2))).chunk(2)] == [(3, 2), (2, 2)]
    assert [p.shape for p in t(np.zeros((6, 2))).chunk(4)] == [(2, 2), (2, 2), (2, 2)]
    pieces = t(M).split(1, dim=1)
    np.testing.assert_array_equal(tl.cat(pieces, 1).numpy(), M)


def test_matmul_family_matches_numpy():
    for sa, sb in [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 1, 2, 3), (5, 3, 2))]:
        a, b = RNG.standard_normal(sa), RNG.standard_normal(sb)
        np.testing.assert_allclose((t(a) @ t(b)).numpy(), a @ b)
    a, b = RNG.standard_normal((2, 3)), RNG.standard_normal((3, 4))
    np.testing.assert_allclose(tl.mm(t(a), t(b)).numpy(), a @ b)
    a3, b3 = RNG.standard_normal((2, 2, 3)), RNG.standard_normal((2, 3, 4))
    np.testing.assert_allclose(tl.bmm(t(a3), t(b3)).numpy(), a3 @ b3)
    u, v = RNG.standard_normal(3), RNG.standard_normal(4)
    np.testing.assert_allclose(tl.outer(t(u), t(v)).numpy(), np.outer(u, v))
    np.testing.assert_allclose(tl.dot(t(u), t(u)).item(), u @ u)


def test_indexing_matches_numpy():
    x = t(A)
    for index in [
        1,
        -1,
        (slice(None), 1),
        (Ellipsis, 2),
        (None, 0),
        (slice(0, 2), slice(None), slice(1, None, 2)),
        np.array([1, 0, 1]),
        (np.array([0, 1]), np.array([2, 0])),
        A > 0,
    ]:
        np.testing.assert_array_equal(x[index].numpy(), A[index])
    np.testing.assert_array_equal(x[tl.tensor([1, 1])].numpy(), A[[1, 1]])
    np.testing.assert_array_equal(x[tl.tensor(A > 0)].numpy(), A[A > 0])


def test_gather_index_select_masked_fill_where():
    idx = np.array([[0, 2, 1, 0], [2, 2, 0, 1]])
    np.testing.assert_array_equal(
        t(M).gather(0, tl.tensor(idx)).numpy(), np.take_along_axis(M, idx, 0)
    )
    np.testing.assert_array_equal(
        t(M).index_select(1, tl.tensor([3, 3, 0])).numpy(), M[:, [3, 3, 0]]
    )
    mask = M > 0
    np.testing.assert_array_equal(
        t(M).masked_fill(tl.tensor(mask), -1.0).numpy(), np.where(mask, -1.0, M)
    )
    np.testing.assert_array_equal(
        tl.where(tl.tensor(mask), t(M), 0.0).numpy(), np.where(mask, M, 0.0)
    )
    rows, cols = tl.where(tl.tensor(mask))
    np.testing.assert_array_equal(rows.numpy(), np.nonzero(mask)[0])
    np.testing.assert_array_equal(cols.numpy(), np.nonzero(mask)[1])


def test_clamp_variants():
    x = t(M)
    np.testing.assert_array_equal(x.clamp(-0.5, 0.5).numpy(), np.clip(M, -0.5, 0.5))
    np.testing.assert_array_equal(tl.clip(x, min=0.0).numpy(), np.maximum(M, 0.0))
    np.testing.assert_array_equal(x.clamp(max=0.1).numpy(), np.minimum(M, 0.1))
    lo = t(np.full(4, -0.2))
    np.testing.assert_array_equal(x.clamp(lo, 0.3).numpy(), np.clip(M, -0.2, 0.3))


@given(
    arrays(np.float64, array_shapes(max_dims=3, max_side=4), elements=st.floats(-10, 10)),
    arrays(np.float64, array_shapes(max_dims=3, max_side=4), elements=st.floats(-10, 10)),
)
def test_comparisons_match_numpy(a, b):
    try:
        np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        with pytest.raises(RuntimeError, match="eq"):
            tl.eq(t(a), t(b))
        return
    for name, ufunc in [("eq", np.equal), ("ne", np.not_equal), ("lt", np.less),
                        ("le", np.less_equal), ("gt", np.greater), ("ge", np.greater_equal)]:  # fmt: skip
        got = getattr(tl, name)(t(a), t(b))
        assert got.dtype == tl.bool
        np.testing.assert_array_equal(got.numpy(), ufunc(a, b))


def test_all_any_isnan_isinf_allclose_equal():
    x = tl.tensor([[1.0, float("nan")], [float("inf"), 0.0]])
    assert x.isnan().tolist() == [[False, True], [False, False]]
    assert x.isinf().tolist() == [[False, False], [True, False]]
    assert tl.isfinite(x).tolist() == [[True, False], [False, True]]
    assert (x > 0).any(dim=0).tolist() == [True, False]
    assert tl.all(tl.tensor([1, 1])).item() is True
    assert tl.allclose(tl.tensor([1.0, 2.0]), tl.tensor([1.0, 2.00001]), rtol=1e-4)
    assert tl.equal(tl.tensor([1, 2]), tl.tensor([1, 2]))
    assert not tl.equal(tl.tensor([1, 2]), tl.tensor([1, 2, 3]))


def test_integer_division_and_remainder():
    a = tl.tensor([-3, 3, 7])
    assert (a // 2).tolist() == [-2, 1, 3]
    assert (a % 2).tolist() == [1, 1, 1]
    assert tl.div(a, 2, rounding_mode="trunc").tolist() == [-1, 1, 3]
    assert (a / 2).tolist() == [-1.5, 1.5, 3.5]
    with pytest.raises(ValueError, match="rounding_mode"):
        tl.div(a, 2, rounding_mode="ceil")


# --------------------------------------------------------------------------------------
# errors: type and message
# --------------------------------------------------------------------------------------

ERRORS = [
    (lambda: tl.ones(2, 3) @ tl.ones(2, 3), RuntimeError, r"matmul.*\(2, 3\).*\(2, 3\)"),
    (lambda: tl.ones(3) @ tl.tensor(1.0), RuntimeError, "at least 1 dimension"),
    (lambda: tl.mm(tl.ones(2, 3), tl.ones(3)), RuntimeError, "mm: expected 2-D"),
    (lambda: tl.bmm(tl.ones(2, 2, 3), tl.ones(3, 3, 2)), RuntimeError, "bmm"),
    (lambda: tl.dot(tl.ones(2), tl.ones(3)), RuntimeError, "dot: inconsistent"),
    (lambda: tl.ones(2, 3) + tl.ones(4), RuntimeError, r"\(2, 3\).*\(4,\)"),
    (lambda: tl.ones(2, 3).sum(dim=2), IndexError, r"Dimension out of range.*\[-2, 1\].*2"),
    (lambda: tl.ones(2, 3).mean(dim=(0, 0)), RuntimeError, "multiple times"),
    (lambda: tl.ones(2, 3).max(dim=5), IndexError, "Dimension out of range"),
    (lambda: tl.ones(0).max(), RuntimeError, "non-empty"),
    (
        lambda: tl.ones(2, 3).reshape(4, -1),
        RuntimeError,
        r"shape \[4, -1\] is invalid for input of size 6",
    ),  # noqa: E501
    (lambda: tl.ones(2, 3).view(4), RuntimeError, "invalid for input of size 6"),
    (lambda: tl.ones(2, 1).expand(3, 3), RuntimeError, "expanded size"),
    (lambda: tl.ones(2, 3).permute(0), RuntimeError, "number of dims"),
    (
        lambda: tl.cat([tl.ones(2, 3), tl.ones(2, 2)]),
        RuntimeError,
        "cat: sizes of tensors must match",
    ),  # noqa: E501
    (lambda: tl.cat([]), RuntimeError, "non-empty"),
    (lambda: tl.stack([tl.ones(2), tl.ones(3)]), RuntimeError, "stack: expects each tensor"),
    (lambda: tl.ones(5).split([1, 2]), RuntimeError, "sum exactly to 5"),
    (lambda: tl.ones(5).chunk(0), RuntimeError, "chunk"),
    (lambda: tl.ones(2, 3)[5], IndexError, "out of bounds"),
    (lambda: tl.ones(2, 3)[tl.tensor([0.5])], IndexError, "long, int, byte or bool"),
    (lambda: tl.ones(2, 3).gather(1, tl.tensor([[5]])), IndexError, "gather.*5"),
    (lambda: tl.ones(2, 3).gather(1, tl.tensor([1])), RuntimeError, "same number of dimensions"),  # noqa: E501
    (lambda: tl.ones(3).index_select(0, tl.tensor([[0]])), RuntimeError, "1-D integer"),
    (lambda: tl.where(tl.tensor([1, 0]), tl.ones(2), 0.0), RuntimeError, "bool"),
    (lambda: tl.ones(2).masked_fill(tl.tensor([1, 0]), 0.0), RuntimeError, "bool mask"),
    (lambda: tl.ones(2).clamp(), RuntimeError, "at least one of 'min' or 'max'"),
    (lambda: tl.ones(2, 3, 4).t(), RuntimeError, "<= 2 dimensions"),
    (lambda: tl.tensor([1, 2]).var(), RuntimeError, "floating point"),
    (lambda: tl.ones(3).mT, RuntimeError, "mT is only supported on matrices"),
    (lambda: tl.outer(tl.ones(2, 2), tl.ones(3)), RuntimeError, "outer: expected two 1-D"),
    (
        lambda: tl.ones(2, 3).gather(1, tl.tensor([[-1], [2]])),
        IndexError,
        "index -1 is out of bounds",
    ),  # noqa: E501
    (lambda: tl.allclose(tl.ones(2), tl.ones(3)), RuntimeError, "allclose.*broadcast"),
]


@pytest.mark.parametrize("fn, exc, pattern", ERRORS)
def test_error_type_and_message(fn, exc, pattern):
    with pytest.raises(exc, match=pattern):
        fn()


def test_functional_and_method_forms_agree():
    x = t(M)
    pairs = [
        (tl.sum(x, 1), x.sum(1)),
        (tl.mean(x), x.mean()),
        (tl.std(x, 0), x.std(0)),
        (tl.transpose(x, 0, 1), x.transpose(0, 1)),
        (tl.reshape(x, (4, 3)), x.reshape(4, 3)),
        (tl.squeeze(tl.unsqueeze(x, 0)), x),
        (tl.softmax(x, 1), x.softmax(1)),
        (tl.clamp(x, 0, 1), x.clamp(0, 1)),
        (tl.pow(x, 2), x**2),
        (tl.sub(x, 1, alpha=2), x - 2),
        (tl.add(x, x, alpha=3), x * 4),
        (tl.narrow(x, 1, 1, 2), x[:, 1:3]),
        (tl.swapaxes(x, 0, 1), x.T),
    ]
    for a, b in pairs:
        np.testing.assert_allclose(a.numpy(), b.numpy())


def test_cat_skips_legacy_empty_1d_tensors():
    x = tl.tensor([[1.0, 2.0]], requires_grad=True)
    out = tl.cat([tl.tensor([]), x, tl.zeros(0)])
    assert out.shape == (1, 2)
    out.sum().backward()
    assert x.grad.tolist() == [[1.0, 1.0]]
    assert tl.cat([tl.zeros(0), tl.zeros(0)]).shape == (0,)


def test_trace_and_diag_methods_match_numpy_and_gradcheck():
    import numpy as np

    import tinygrad_lite as tl
    from tinygrad_lite.autograd import gradcheck

    a = np.arange(12.0).reshape(3, 4)
    x = tl.tensor(a, requires_grad=True)
    assert x.trace().item() == np.trace(a)
    np.testing.assert_array_equal(x.diag().numpy(), np.diag(a))
    assert gradcheck(lambda t: t.trace(), [tl.tensor(a, dtype=tl.float64, requires_grad=True)])
