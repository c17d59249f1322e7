"""Values and gradients at the edges: norm at zero and for p = 0 / -inf, exact integer
division, boolean masks of the wrong shape, default_collate of mixed numbers."""

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite.autograd import gradcheck, gradgradcheck
from tinygrad_lite.utils.data import default_collate

INF = float("inf")
PS = [0, 0.5, 1, 1.5, 2, 3, "fro", INF, -INF]


@pytest.mark.parametrize("p", PS)
def test_norm_gradient_is_zero_at_the_zero_vector(p):
    x = tl.zeros(4, requires_grad=True)
    n = x.norm(p)
    n.backward()
    assert n.item() == 0.0
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros(4))


@pytest.mark.parametrize("p", [0.5, 1.5, 3])
def test_norm_gradient_is_zero_at_zero_elements(p):
    x = tl.tensor([0.0, 3.0, -4.0], requires_grad=True)
    x.norm(p).backward()
    assert x.grad.numpy()[0] == 0.0 and np.isfinite(x.grad.numpy()).all()


def test_norm_0_counts_nonzeros_and_norm_minus_inf_is_min_abs():
    x = tl.tensor([[1.0, 0.0, -3.0], [0.0, 0.0, 2.0]])
    assert x.norm(0).item() == 3.0
    np.testing.assert_array_equal(x.norm(0, dim=1).numpy(), [2.0, 1.0])
    assert tl.tensor([1.0, -0.5, -3.0]).norm(-INF).item() == 0.5
    np.testing.assert_array_equal(x.norm(-INF, dim=0).numpy(), [0.0, 0.0, 2.0])


@pytest.mark.parametrize("p", PS + [-1])
@pytest.mark.parametrize("data", [[0.0, 0.0, 0.0], [0.0, 3.0, -4.0], [1.0, -2.0, 0.5]])
def test_norm_values_and_grads_match_pytorch(p, data):
    torch = pytest.importorskip("torch")
    if p == -1 and 0.0 in data:
        pytest.skip("(negative p at a zero element: inf inside; not compared)")
    a = tl.tensor(data, dtype=tl.float64, requires_grad=True)
    b = torch.tensor(data, dtype=torch.float64, requires_grad=True)
    na, nb = a.norm(p), b.norm(p)
    np.testing.assert_allclose(na.item(), nb.item())
    na.backward()
    nb.backward()
    expected = np.zeros(3) if b.grad is None else b.grad.numpy()
    np.testing.assert_allclose(a.grad.numpy(), expected, atol=1e-12)


@pytest.mark.parametrize("p", [0.5, 1, 1.5, 2, 3, INF, -INF])
def test_norm_gradcheck_away_from_zero(p):
    x = tl.tensor([[0.7, -1.3, 2.1], [-0.4, 0.9, 1.6]], dtype=tl.float64, requires_grad=True)
    assert gradcheck(lambda t: t.norm(p, dim=1), (x,))
    assert gradgradcheck(lambda t: t.norm(p), (x,))


@pytest.mark.parametrize("mode", ["trunc", "floor"])
def test_integer_div_is_exact_for_large_int64(mode):
    big = 2**62 + 1
    a = tl.tensor([big, -big, big, -big, 7, -7])
    b = tl.tensor([3, 3, -3, -3, 2, 2])
    out = tl.div(a, b, rounding_mode=mode)
    assert out.dtype == tl.int64
    want = [
        (x // y) if mode == "floor" else int(abs(x) // abs(y)) * (1 if (x < 0) == (y < 0) else -1)
        for x, y in zip(a.tolist(), b.tolist())
    ]
    assert out.tolist() == want


def test_integer_div_matches_pytorch_and_keeps_the_dtype():
    torch = pytest.importorskip("torch")
    a = np.array([2**62 + 1, -(2**61) - 7, 9, -9], np.int64)
    b = np.array([3, 5, -4, 4], np.int64)
    for mode in ("trunc", "floor"):
        ours = tl.div(tl.tensor(a), tl.tensor(b), rounding_mode=mode)
        theirs = torch.div(torch.from_numpy(a), torch.from_numpy(b), rounding_mode=mode)
        assert ours.tolist() == theirs.tolist()
        small = tl.div(tl.tensor(np.array([7, -7], np.int32)), 2, rounding_mode=mode)
        assert small.dtype == tl.int32
        assert (
            small.tolist()
            == torch.div(torch.tensor([7, -7], dtype=torch.int32), 2, rounding_mode=mode).tolist()
        )


def test_integer_div_by_zero_raises_as_pytorch():
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        tl.div(tl.tensor([5]), 0, rounding_mode="floor")
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        tl.tensor([5]) // tl.tensor([0])


@pytest.mark.parametrize(
    "index,msg",
    [
        (lambda: tl.tensor([True, False, True]), r"mask \[3\] at index 0 .* tensor \[4, 3\] at index 0"),
        (lambda: (slice(None), tl.tensor([True, False])), r"mask \[2\] at index 0 .* at index 1"),
        (lambda: tl.ones(4, 2, dtype=tl.bool), r"mask \[4, 2\] at index 1 .* at index 1"),
        (lambda: (Ellipsis, tl.tensor([True, True])), r"mask \[2\] at index 0 .* at index 1"),
    ],
)  # fmt: skip
def test_a_bool_mask_of_the_wrong_shape_is_an_index_error(index, msg):
    x = tl.zeros(4, 3)
    with pytest.raises(IndexError, match="The shape of the mask " + msg[len(r"mask ") :]):
        x[index()]
    with pytest.raises(IndexError, match="does not match the shape of the indexed tensor"):
        x[index()] = 1.0


def test_a_bool_mask_of_the_wrong_shape_matches_pytorchs_message():
    torch = pytest.importorskip("torch")
    for index in ([True, False, True], [[True, False]] * 4):
        with pytest.raises(IndexError) as ours:
            tl.zeros(4, 3)[tl.tensor(index)]
        with pytest.raises(IndexError) as theirs:
            torch.zeros(4, 3)[torch.tensor(index)]
        assert str(ours.value) == str(theirs.value)


def test_a_bool_mask_that_fits_still_works():
    x = tl.arange(12.0).reshape(4, 3)
    np.testing.assert_array_equal(x[x > 5].numpy(), np.arange(6.0, 12.0))
    np.testing.assert_array_equal(x[..., tl.tensor([True, False, True])].numpy()[0], [0.0, 2.0])


def test_default_collate_of_mixed_numbers():
    out = default_collate([1, 2.5])
    assert out.dtype == tl.float32 and out.tolist() == [1.0, 2.5]
    assert default_collate([2.5, 1]).dtype == tl.float64
    assert default_collate([1, 2]).dtype == tl.int64
    assert default_collate([True, False]).dtype == tl.bool
    assert default_collate([True, 2]).tolist() == [1, 2]


def test_default_collate_matches_pytorch():
    pytest.importorskip("torch")
    from torch.utils.data import default_collate as torch_collate

    for batch in ([1, 2.5], [2.5, 1], [1, 2], [True, False], [True, 2]):
        ours, theirs = default_collate(batch), torch_collate(batch)
        assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
        assert ours.tolist() == theirs.tolist()
