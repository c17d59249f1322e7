"""cumsum / cumprod: real scans (no dense matrix), PyTorch's dtypes, inf, gradients with zeros."""

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite.autograd import gradcheck, gradgradcheck

INF = float("inf")


def test_a_long_cumsum_is_a_scan():
    x = tl.ones(200_000)
    out = x.cumsum(0)  # a dense 200,000² matrix would need 149 GiB
    assert out.shape == (200_000,) and out[-1].item() == 200_000.0


@pytest.mark.parametrize("op", ["cumsum", "cumprod"])
@pytest.mark.parametrize("dtype", ["bool", "uint8", "int8", "int32", "int64", "float16", "float32", "float64"])  # fmt: skip
def test_result_dtypes_match_pytorch(op, dtype):
    torch = pytest.importorskip("torch")
    a = np.array([[1, 0, 1], [1, 1, 1]]).astype(dtype)
    ours = getattr(tl.tensor(a), op)(1)
    theirs = getattr(torch.from_numpy(a), op)(1)
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_result_dtypes_without_torch():
    assert tl.tensor([True, True]).cumsum(0).dtype == tl.int64
    np.testing.assert_array_equal(tl.tensor([True, True]).cumsum(0).numpy(), [1, 2])
    assert tl.tensor([1, 2], dtype=tl.int32).cumprod(0).dtype == tl.int64
    assert tl.tensor([1.0], dtype=tl.float16).cumsum(0).dtype == tl.float16
    assert tl.tensor([1.0, 2.0]).cumsum(0, dtype=tl.float64).dtype == tl.float64


def test_float16_cumsum_accumulates_in_float32():
    x = np.full(4000, 0.1, np.float16)
    out = tl.tensor(x).cumsum(0).numpy()
    np.testing.assert_array_equal(out, np.cumsum(x, dtype=np.float32).astype(np.float16))


def test_inf_and_nan_are_handled():
    np.testing.assert_array_equal(tl.tensor([1.0, INF, 2.0]).cumsum(0).numpy(), [1, INF, INF])
    out = tl.tensor([INF, -INF, 1.0]).cumsum(0).numpy()
    assert out[0] == INF and np.isnan(out[1:]).all()
    np.testing.assert_array_equal(tl.tensor([2.0, INF, 0.5]).cumprod(0).numpy(), [2, INF, INF])


def test_values_match_pytorch_with_inf():
    torch = pytest.importorskip("torch")
    data = [[1.0, INF, 2.0, -INF], [0.0, 3.0, -1.0, 2.0]]
    for op in ("cumsum", "cumprod"):
        for dim in (0, 1, -1):
            ours = getattr(tl.tensor(data), op)(dim).numpy()
            theirs = getattr(torch.tensor(data), op)(dim).numpy()
            np.testing.assert_array_equal(ours, theirs)


def test_0d_scans():
    assert tl.tensor(3.0).cumsum(0).shape == () and tl.tensor(3.0).cumprod(0).item() == 3.0


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_cumsum_gradcheck(dim):
    x = tl.tensor(np.random.default_rng(0).standard_normal((3, 4)), requires_grad=True)
    assert gradcheck(lambda t: t.cumsum(dim), (x,))
    assert gradgradcheck(lambda t: t.cumsum(dim) * t, (x,))


CUMPROD_DATA = [
    [2.0, 3.0, -4.0, 0.5],
    [2.0, 0.0, 4.0, 5.0],
    [0.0, 3.0, 0.0, 5.0],
    [2.0, 3.0, 0.0, 0.0],
    [0.0, 0.0, 0.0, 1.0],
]


@pytest.mark.parametrize("data", CUMPROD_DATA)
def test_cumprod_gradcheck_with_zeros(data):
    x = tl.tensor(data, dtype=tl.float64, requires_grad=True)
    assert gradcheck(lambda t: t.cumprod(0), (x,))
    assert gradgradcheck(lambda t: t.cumprod(0), (x,))


def test_cumprod_gradcheck_along_each_dim_of_a_matrix():
    x = tl.tensor([[2.0, 0.0, 4.0], [0.0, 0.0, 1.5]], dtype=tl.float64, requires_grad=True)
    for dim in (0, 1):
        assert gradcheck(lambda t, dim=dim: t.cumprod(dim), (x,))
        assert gradgradcheck(lambda t, dim=dim: t.cumprod(dim), (x,))


@pytest.mark.parametrize("data", CUMPROD_DATA)
def test_cumprod_grads_match_pytorch(data):
    torch = pytest.importorskip("torch")
    w = [1.0, -2.0, 0.5, 3.0]
    a = tl.tensor(data, dtype=tl.float64, requires_grad=True)
    b = torch.tensor(data, dtype=torch.float64, requires_grad=True)
    (a.cumprod(0) * tl.tensor(w, dtype=tl.float64)).sum().backward()
    (b.cumprod(0) * torch.tensor(w, dtype=torch.float64)).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy())


def _hessian(lib, grad, data, f):
    x = lib.tensor(data, dtype=lib.float64, requires_grad=True)
    (g,) = grad(f(x), x, create_graph=True)
    return np.array(
        [grad(g[i], x, retain_graph=True)[0].detach().numpy() for i in range(len(data))]
    )


@pytest.mark.parametrize("data", [[0.0, 3.0, 0.0, 5.0], [0.0, 0.0, 0.0, 2.0], [1.0, 0.0, 2.0, 3.0]])
def test_prod_hessian_with_zeros(data):
    x = tl.tensor(data, dtype=tl.float64, requires_grad=True)
    assert gradgradcheck(lambda t: t.prod(), (x,))
    if data == [0.0, 3.0, 0.0, 5.0]:  # d²/dx0 dx2 = 3 * 5 though both are zero
        h = _hessian(tl, tl.autograd.grad, data, lambda t: t.prod())
        assert h[0, 2] == h[2, 0] == 15.0 and h[1, 3] == 0.0


def test_prod_hessian_over_dims_with_zeros():
    x = tl.tensor([[2.0, 0.0, 0.0], [0.0, 0.0, 1.5]], dtype=tl.float64, requires_grad=True)
    for dim in (0, 1, (0, 1)):
        assert gradgradcheck(lambda t, dim=dim: t.prod(dim), (x,))
    assert gradgradcheck(lambda t: t.prod(), (x,))


def test_prod_hessian_matches_pytorch():
    torch = pytest.importorskip("torch")
    for data in ([0.0, 3.0, 0.0, 5.0], [0.0, 0.0, 0.0, 2.0], [4.0, 0.0, 2.0, 3.0]):
        ours = _hessian(tl, tl.autograd.grad, data, lambda t: t.prod())
        theirs = _hessian(torch, torch.autograd.grad, data, lambda t: t.prod())
        np.testing.assert_allclose(ours, theirs)
