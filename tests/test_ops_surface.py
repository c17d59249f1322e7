"""The wider PyTorch surface (ops_math, ops_shape, ops_sorting, ops_linalg, linalg): each op
checked by gradcheck in float64 (torch-free) and, where PyTorch is installed, against it
(values, gradients, dtypes)."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite.autograd import gradcheck, gradgradcheck

RNG = np.random.default_rng(0)


def _t(a, rg=True):
    return tl.tensor(np.asarray(a, dtype=np.float64), requires_grad=rg)


def _rand(*shape, lo=-1.0, hi=1.0):
    return RNG.uniform(lo, hi, shape)


# one row per differentiable op: (name, function, input arrays)
GRAD_CASES = [
    ("sinh", lambda x: tl.sinh(x), [_rand(3, 4)]),
    ("cosh", lambda x: tl.cosh(x), [_rand(3, 4)]),
    ("asin", lambda x: tl.asin(x), [_rand(3, 4, lo=-0.8, hi=0.8)]),
    ("acos", lambda x: tl.acos(x), [_rand(3, 4, lo=-0.8, hi=0.8)]),
    ("atan", lambda x: tl.atan(x), [_rand(3, 4)]),
    ("atan2", lambda y, x: tl.atan2(y, x), [_rand(3, 4), _rand(4, lo=0.5, hi=2)]),
    ("log2", lambda x: tl.log2(x), [_rand(5, lo=0.5, hi=3)]),
    ("log10", lambda x: tl.log10(x), [_rand(5, lo=0.5, hi=3)]),
    ("flip", lambda x: tl.flip(x, (0, 2)), [_rand(2, 3, 4)]),
    ("roll", lambda x: tl.roll(x, (1, -2), (0, 1)), [_rand(3, 4)]),
    ("roll-flat", lambda x: tl.roll(x, 5), [_rand(3, 4)]),
    (
        "repeat_interleave",
        lambda x: tl.repeat_interleave(x, tl.tensor([1, 0, 2]), 0),
        [_rand(3, 2)],
    ),
    ("diff", lambda x: tl.diff(x, 2, 1), [_rand(3, 5)]),
    (
        "meshgrid-xy",
        lambda a, b: tl.meshgrid(a, b, indexing="xy")[0] * tl.meshgrid(a, b, indexing="xy")[1],
        [_rand(3), _rand(4)],
    ),
    ("kron", lambda a, b: tl.kron(a, b), [_rand(2, 3), _rand(2, 2)]),
    (
        "sort",
        lambda x: tl.sort(x, 1, descending=True).values * tl.arange(4.0, dtype=tl.float64),
        [_rand(3, 4)],
    ),
    ("mv", lambda a, v: tl.mv(a, v), [_rand(3, 4), _rand(4)]),
    ("cross", lambda a, b: tl.cross(a, b, dim=1), [_rand(4, 3), _rand(4, 3)]),
    ("cdist", lambda a, b: tl.cdist(a, b), [_rand(3, 2), _rand(4, 2)]),
    ("cdist-p1", lambda a, b: tl.cdist(a, b, p=1), [_rand(3, 2), _rand(4, 2)]),
    (
        "tensordot",
        lambda a, b: tl.tensordot(a, b, ([1, 0], [0, 2])),
        [_rand(3, 2, 4), _rand(2, 5, 3)],
    ),
    ("einsum-mm", lambda a, b: tl.einsum("ij,jk->ik", a, b), [_rand(2, 3), _rand(3, 4)]),
    (
        "einsum-batch",
        lambda a, b: tl.einsum("bij,bjk->bki", a, b),
        [_rand(2, 2, 3), _rand(2, 3, 2)],
    ),
    ("einsum-trace", lambda a: tl.einsum("ii", a), [_rand(3, 3)]),
    ("einsum-diag", lambda a: tl.einsum("ii->i", a), [_rand(3, 3)]),
    ("einsum-implicit", lambda a, b: tl.einsum("ij,kj", a, b), [_rand(2, 3), _rand(4, 3)]),
    (
        "einsum-ellipsis",
        lambda a, b: tl.einsum("...ij,...jk->...ik", a, b),
        [_rand(2, 2, 3), _rand(3, 2)],
    ),
    (
        "einsum-three",
        lambda a, b, c: tl.einsum("i,ij,j->", a, b, c),
        [_rand(3), _rand(3, 4), _rand(4)],
    ),
    ("diagonal", lambda a: tl.diagonal(a, 1, 0, 2), [_rand(3, 2, 4)]),
    ("inverse", lambda a: tl.inverse(a), [_rand(3, 3) + 3 * np.eye(3)]),
    ("det", lambda a: tl.det(a), [_rand(2, 3, 3) + 2 * np.eye(3)]),
    ("svd-S", lambda a: tl.linalg.svd(a, full_matrices=False).S, [_rand(4, 3)]),
    (
        "svd-UV",
        lambda a: (lambda r: r.U.abs().sum() + r.Vh.abs().sum())(
            tl.linalg.svd(a, full_matrices=False)
        ),
        [_rand(3, 4)],
    ),
    (
        "svd-rebuild",
        lambda a: (lambda r: r.U @ tl.diag(r.S) @ r.Vh)(tl.linalg.svd(a, full_matrices=False)),
        [_rand(4, 3)],
    ),
    ("linalg.norm-nuc", lambda a: tl.linalg.norm(a, "nuc"), [_rand(3, 4)]),
    ("linalg.matrix_norm-1", lambda a: tl.linalg.matrix_norm(a, 1), [_rand(3, 4)]),
    ("linalg.vector_norm-3", lambda a: tl.linalg.vector_norm(a, 3, dim=1), [_rand(3, 4)]),
]


@pytest.mark.parametrize("name,fn,arrays", GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_gradients_match_finite_differences(name, fn, arrays):
    inputs = [_t(a) for a in arrays]
    assert gradcheck(fn, inputs)


@pytest.mark.parametrize(
    "name,fn,arrays",
    [
        c
        for c in GRAD_CASES
        if c[0]
        in ("sinh", "atan2", "asin", "einsum-mm", "inverse", "det", "svd-S", "kron", "cross")
    ],
    ids=lambda c: c if isinstance(c, str) else "",
)
def test_second_derivatives_match_finite_differences(name, fn, arrays):
    inputs = [_t(a) for a in arrays]
    assert gradgradcheck(fn, inputs)


def test_sort_is_stable_and_puts_nan_last_or_first():
    x = tl.tensor([2.0, float("nan"), 1.0, 2.0, 1.0])
    v, i = tl.sort(x)
    assert i.tolist() == [2, 4, 0, 3, 1]
    v, i = tl.sort(x, descending=True)
    assert i.tolist() == [1, 0, 3, 2, 4]
    assert tl.argsort(tl.tensor([[3, 1, 2]]), dim=1).tolist() == [[1, 2, 0]]


def test_unique_inverse_counts_and_dim():
    x = tl.tensor([3, 1, 2, 1, 3, 3])
    v, inv, cnt = tl.unique(x, return_inverse=True, return_counts=True)
    assert (
        v.tolist() == [1, 2, 3] and inv.tolist() == [2, 0, 1, 0, 2, 2] and cnt.tolist() == [2, 1, 3]
    )
    rows = tl.unique(tl.tensor([[1, 2], [0, 1], [1, 2]]), dim=0)
    assert rows.tolist() == [[0, 1], [1, 2]]


def test_nonzero_histc_bincount():
    x = tl.tensor([[0, 1], [2, 0]])
    assert tl.nonzero(x).tolist() == [[0, 1], [1, 0]]
    assert [t.tolist() for t in tl.nonzero(x, as_tuple=True)] == [[0, 1], [1, 0]]
    assert tl.histc(tl.tensor([1.0, 2.0, 1.0]), bins=4, min=0, max=3).tolist() == [0, 2, 1, 0]
    assert tl.bincount(tl.tensor([0, 1, 1, 3])).tolist() == [1, 2, 0, 1]
    assert tl.bincount(tl.tensor([0, 1, 1]), weights=tl.tensor([1.0, 2.0, 3.0])).dtype == tl.float32
    with pytest.raises(RuntimeError, match="bincount only supports 1-d non-negative"):
        tl.bincount(tl.tensor([-1, 2]))
    with pytest.raises(RuntimeError, match="histc: input must be a floating point"):
        tl.histc(tl.tensor([1, 2]))


def test_bitwise_ops():
    a, b = tl.tensor([12, 10]), tl.tensor([10, 6])
    assert tl.bitwise_and(a, b).tolist() == [8, 2]
    assert tl.bitwise_or(a, b).tolist() == [14, 14]
    assert tl.bitwise_xor(a, 3).tolist() == [15, 9]
    assert tl.bitwise_not(tl.tensor([True, False])).tolist() == [False, True]
    assert tl.bitwise_not(a).tolist() == [-13, -11]
    with pytest.raises(RuntimeError, match="bitwise_and: bitwise ops take bool or integer"):
        tl.bitwise_and(tl.tensor([1.0]), tl.tensor([1.0]))


def test_inplace_forms_write_into_the_tensor_and_refuse_leaves():
    x = tl.tensor([0.0, 1.0])
    assert x.sin_() is x and np.allclose(x.numpy(), np.sin([0.0, 1.0]))
    y = tl.ones(2, 3)
    assert y.unsqueeze_(0) is y and y.shape == (1, 2, 3)
    y.squeeze_()
    assert y.shape == (2, 3)
    y.t_()
    assert y.shape == (3, 2)
    w = tl.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="sin_: a leaf Variable that requires grad"):
        w.sin_()
    h = w * 2
    h.exp_().unsqueeze_(0)
    h.sum().backward()
    assert np.allclose(w.grad.numpy(), 2 * np.exp(2.0))


def test_legacy_constructors_and_type_strings():
    assert tl.LongTensor([1, 2]).dtype == tl.int64
    assert tl.FloatTensor(2, 3).shape == (2, 3) and tl.FloatTensor(2, 3).dtype == tl.float32
    assert tl.Tensor(2, 3).shape == (2, 3) and tl.Tensor([1, 2]).tolist() == [1.0, 2.0]
    x = tl.ones(2)
    assert x.type() == "torch.FloatTensor"
    assert x.type(tl.LongTensor).dtype == tl.int64
    assert x.type("torch.DoubleTensor").dtype == tl.float64
    assert isinstance(x.long(), tl.LongTensor) and not isinstance(x, tl.LongTensor)
    assert isinstance(x.shape, tl.Size) and x.size() == (2,) and tl.Size([2, 3]).numel() == 6
    assert x.nelement() == 2 == tl.nelement(x)


def test_device_idioms_are_accepted():
    assert tl.accelerator.is_available() is False and tl.accelerator.current_accelerator() is None
    tl.cuda.synchronize()
    tl.cuda.set_device(0)
    tl.backends.cudnn.benchmark = True
    tl.backends.cuda.matmul.allow_tf32 = True
    assert tl.backends.mps.is_available() is False
    model = tl.nn.Linear(2, 1)
    assert tl.compile(model) is model and tl.compile()(model) is model
    x = tl.ones(2)
    assert x.pin_memory() is x and not x.is_cuda and not x.is_xpu
    with tl.amp.autocast("cpu", enabled=False):
        y = x * 2
    assert y.tolist() == [2.0, 2.0]
    with pytest.raises(RuntimeError, match="device 'cuda' is not available"):
        tl.ones(2, device="cuda")


def test_missing_names_point_to_the_docs():
    with pytest.raises(AttributeError, match="does not have it yet.*coming-from-pytorch"):
        tl.definitely_not_an_op  # noqa: B018


def test_errors_name_the_op():
    with pytest.raises(
        TypeError, match=r"sinh\(\): argument 'input' \(position 1\) must be Tensor, not list"
    ):
        tl.sinh([1.0])
    with pytest.raises(RuntimeError, match="mv: size mismatch"):
        tl.mv(tl.ones(2, 3), tl.ones(2))
    with pytest.raises(RuntimeError, match="einsum\\(\\): the number of subscripts"):
        tl.einsum("ij,jk", tl.ones(2, 3), tl.ones(3))
    with pytest.raises(RuntimeError, match="linalg.inv: the matrix is singular"):
        tl.linalg.inv(tl.zeros(2, 2))
    with pytest.raises(RuntimeError, match="cross: inputs dimension 1 must have length 3"):
        tl.cross(tl.ones(2, 2), tl.ones(2, 2), dim=1)


# --------------------------------------------------------------------- against PyTorch

TORCH_CASES = [
    ("sinh", lambda T, x: T.sinh(x)),
    ("cosh", lambda T, x: T.cosh(x)),
    ("asin", lambda T, x: T.asin(x * 0.9)),
    ("acos", lambda T, x: T.acos(x * 0.9)),
    ("atan", lambda T, x: T.atan(x)),
    ("atan2", lambda T, x: T.atan2(x, x.flip(0) + 2)),
    ("log2", lambda T, x: T.log2(x.abs() + 0.5)),
    ("log10", lambda T, x: T.log10(x.abs() + 0.5)),
    ("flip", lambda T, x: T.flip(x, [1])),
    ("roll", lambda T, x: T.roll(x, 2, 1)),
    ("roll-none", lambda T, x: T.roll(x, -3)),
    ("repeat_interleave", lambda T, x: T.repeat_interleave(x, 2, dim=0)),
    ("diff", lambda T, x: T.diff(x, dim=0, prepend=x[:1])),
    ("meshgrid", lambda T, x: T.stack(T.meshgrid(x[0], x[1], indexing="xy"))),
    ("kron", lambda T, x: T.kron(x, x[:2, :2])),
    ("sort", lambda T, x: T.sort(x, dim=0, descending=True).values),
    ("mv", lambda T, x: T.mv(x, x[0])),
    ("cross", lambda T, x: T.cross(x[:3, :3], x[1:4, :3], dim=0)),
    ("cdist", lambda T, x: T.cdist(x, x[:2])),
    ("tensordot", lambda T, x: T.tensordot(x, x, dims=([1], [1]))),
    ("einsum", lambda T, x: T.einsum("ij,kj->ik", x, x)),
    ("einsum-implicit", lambda T, x: T.einsum("ij,jk", x, x.T)),
    ("inverse", lambda T, x: T.linalg.inv(x @ x.T + T.eye(4, dtype=x.dtype))),
    ("det", lambda T, x: T.det(x @ x.T + T.eye(4, dtype=x.dtype))),
    ("svdvals", lambda T, x: T.linalg.svd(x, full_matrices=False).S),
    ("linalg.norm", lambda T, x: T.linalg.norm(x)),
    ("linalg.norm-nuc", lambda T, x: T.linalg.norm(x, "nuc")),
    ("linalg.norm-inf", lambda T, x: T.linalg.norm(x, float("inf"))),
    ("linalg.vector_norm", lambda T, x: T.linalg.vector_norm(x, 1, dim=0)),
]


@pytest.mark.parametrize("name,fn", TORCH_CASES, ids=[c[0] for c in TORCH_CASES])
def test_values_and_gradients_match_pytorch(name, fn):
    torch = pytest.importorskip("torch")
    a = np.random.default_rng(1).standard_normal((4, 5))
    x = tl.tensor(a, requires_grad=True)
    xt = torch.tensor(a, requires_grad=True)
    out, out_t = fn(tl, x), fn(torch, xt)
    np.testing.assert_allclose(out.detach().numpy(), out_t.detach().numpy(), rtol=1e-10, atol=1e-12)
    g = np.random.default_rng(2).standard_normal(tuple(out_t.shape))
    out.backward(tl.tensor(g))
    out_t.backward(torch.tensor(g))
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), rtol=1e-9, atol=1e-10)


def test_integer_and_counting_ops_match_pytorch():
    torch = pytest.importorskip("torch")
    a = np.array([[3, 1, 2], [1, 3, 3]])
    x, xt = tl.tensor(a), torch.tensor(a)
    for f in (
        lambda T, x: T.unique(x, return_inverse=True, return_counts=True),
        lambda T, x: T.nonzero(x - 1),
        lambda T, x: T.argsort(x, dim=1, stable=True),
        lambda T, x: T.bincount(x.flatten()),
        lambda T, x: T.repeat_interleave(T.tensor([1, 2, 0])),
        lambda T, x: T.bitwise_xor(x, 5),
        lambda T, x: T.histc(x.float(), bins=3),
    ):
        ours, theirs = f(tl, x), f(torch, xt)
        ours = ours if isinstance(ours, tuple) else (ours,)
        theirs = theirs if isinstance(theirs, tuple) else (theirs,)
        for o, t in zip(ours, theirs):
            assert o.tolist() == t.tolist()
            assert str(o.dtype).split(".")[1] == str(t.dtype).split(".")[1]


def test_type_strings_and_sizes_match_pytorch():
    torch = pytest.importorskip("torch")
    for T in (tl, torch):
        assert T.ones(2).type() == "torch.FloatTensor"
        assert T.ones(2).long().type() == "torch.LongTensor"
        assert T.LongTensor([1]).dtype == T.int64
        assert T.ones(2, 3).shape[1:] == (3,)
        assert isinstance(T.ones(2, 3).shape[1:], T.Size)


def test_numpy_keyword_spellings_on_reductions():
    x = tl.tensor([[1.0, 5.0], [3.0, 2.0]])
    assert x.mean(axis=0).tolist() == [2.0, 3.5]
    assert tl.mean(x, axis=1, keepdims=True).shape == (2, 1)
    assert x.max(axis=1).indices.tolist() == [1, 0]
    assert tl.argmax(x, axis=0).tolist() == [1, 0]
    assert x.cumsum(axis=0).tolist() == [[1.0, 5.0], [4.0, 7.0]]
    assert x.std(axis=0, keepdims=True).shape == (1, 2)
    assert x.prod(axis=1).tolist() == [5.0, 6.0]
    with pytest.raises(TypeError, match="got both dim= and its alias axis="):
        x.mean(dim=0, axis=0)


def test_out_argument_writes_into_the_given_tensor():
    out = tl.empty(2)
    r = tl.add(tl.ones(2), 1, out=out)
    assert r is out and out.tolist() == [2.0, 2.0]
    grown = tl.empty(0)
    tl.zeros(2, 3, out=grown)
    assert grown.shape == (2, 3)
    tl.matmul(tl.ones(2, 2), tl.ones(2, 2), out=grown)
    assert grown.tolist() == [[2.0, 2.0], [2.0, 2.0]]
    with pytest.raises(
        RuntimeError, match="mul\\(\\): functions with out=... arguments don't support"
    ):
        tl.mul(tl.ones(2, requires_grad=True), 2, out=tl.empty(2))
    with pytest.raises(RuntimeError, match="can't be cast to the desired output type"):
        tl.add(tl.ones(2), 0.5, out=tl.zeros(2, dtype=tl.int64))


def test_legacy_variable_gives_a_tensor():
    from tinygrad_lite.autograd import Variable

    v = Variable(tl.ones(2), requires_grad=True)
    assert isinstance(v, tl.Tensor) and v.requires_grad and isinstance(tl.ones(1), Variable)
    (v * 3).sum().backward()
    assert v.grad.tolist() == [3.0, 3.0]


def test_numpy_keywords_and_out_match_pytorch():
    torch = pytest.importorskip("torch")
    a = np.random.default_rng(3).standard_normal((3, 4)).astype(np.float32)
    for T in (tl, torch):
        x = T.tensor(a)
        o = T.empty(4)
        T.sum(x, dim=0, out=o)
        assert np.allclose(o.numpy(), a.sum(0))
        assert np.allclose(x.mean(axis=1, keepdims=True).numpy(), a.mean(1, keepdims=True))
        assert x.argmax(axis=1).tolist() == a.argmax(1).tolist()
