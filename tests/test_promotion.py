"""PyTorch's type promotion (dtypes.result_type) and float ops on integer and bool tensors."""

import itertools

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite import dtypes

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]


def _operand(lib, kind, dtype):
    """A dimensioned tensor, a 0-d tensor or a Python number of ``dtype``."""
    value = {"bool": True}.get(dtype, 2)
    if kind == "number":
        return {"bool": True, "float": 2.5, "int": 3}[dtype]
    arr = np.array([value] * 2 if kind == "dims" else value, dtype=dtype)
    return lib.tensor(arr) if lib is tl else lib.from_numpy(arr)


def _name(dtype):
    return str(dtype).split(".")[-1]


KINDS = [("dims", d) for d in DTYPES] + [("0d", d) for d in DTYPES]
KINDS += [("number", k) for k in ("bool", "int", "float")]


@pytest.mark.parametrize("a,b", list(itertools.product(KINDS[:9], KINDS)))
def test_result_type_matches_pytorch(a, b):
    torch = pytest.importorskip("torch")
    ours = dtypes.result_type(_operand(tl, *a), _operand(tl, *b))
    theirs = torch.result_type(_operand(torch, *a), _operand(torch, *b))
    assert _name(ours) == _name(theirs)


@pytest.mark.parametrize("a,b", list(itertools.product(KINDS[::2], KINDS[1::2])))
def test_add_and_mul_give_pytorchs_dtype(a, b):
    torch = pytest.importorskip("torch")
    x, y = _operand(tl, *a), _operand(tl, *b)
    tx, ty = _operand(torch, *a), _operand(torch, *b)
    if a[1] == b[1] == "bool" or not isinstance(x, tl.Tensor):
        pytest.skip("bool + bool and number + number are not tensor ops here")
    for op in (lambda p, q: p * q, lambda p, q: q * p, lambda p, q: p + q):
        assert _name(op(x, y).dtype) == _name(op(tx, ty).dtype)


def test_result_type_rules_without_torch():
    f32, i32 = np.dtype(np.float32), np.dtype(np.int32)
    assert dtypes.result_type(tl.tensor([1], dtype=tl.int32), tl.tensor(5)) == i32
    assert dtypes.result_type(tl.tensor([1], dtype=tl.int32), 2.5) == f32
    assert dtypes.result_type(tl.tensor([1.0]), tl.tensor(2.0, dtype=tl.float64)) == f32
    assert dtypes.result_type(tl.tensor(1.0), tl.tensor(2, dtype=tl.int64)) == f32
    assert dtypes.result_type(tl.tensor([1], dtype=tl.int8), tl.tensor(2.0, dtype=tl.float64)) == (
        np.float64
    )
    assert dtypes.result_type(tl.tensor([1], dtype=tl.uint8), tl.tensor([1], dtype=tl.int8)) == (
        np.int16
    )
    assert dtypes.result_type(tl.tensor([True]), 3) == np.int64
    assert dtypes.result_type(tl.tensor([1.0], dtype=tl.float16), tl.tensor([2])) == np.float16
    with pytest.raises(TypeError, match="result_type: cannot promote a str"):
        dtypes.result_type(tl.tensor([1.0]), "a")


FLOAT_OPS = ["exp", "log", "log1p", "expm1", "sqrt", "rsqrt", "reciprocal", "sin", "cos", "tan",
             "tanh", "sigmoid", "erf"]  # fmt: skip


@pytest.mark.parametrize("op", FLOAT_OPS)
@pytest.mark.parametrize("dtype", ["bool", "uint8", "int8", "int32", "int64"])
def test_float_ops_on_integers_give_the_default_float(op, dtype):
    t = tl.tensor(np.array([0, 1, 2, 5]).astype(dtype))
    with np.errstate(all="ignore"):
        out = getattr(t, op)()
        expected = getattr(t.float(), op)()
    assert out.dtype == tl.float32
    np.testing.assert_array_equal(out.numpy(), expected.numpy())
    tl.set_default_dtype(tl.float64)
    try:
        assert getattr(t, op)().dtype == tl.float64
    finally:
        tl.set_default_dtype(tl.float32)


@pytest.mark.parametrize("op", FLOAT_OPS)
@pytest.mark.parametrize("dtype", ["bool", "uint8", "int8", "int64"])
def test_float_ops_on_integers_match_pytorch(op, dtype):
    torch = pytest.importorskip("torch")
    a = np.array([0, 1, 2, 5]).astype(dtype)
    with np.errstate(all="ignore"):
        ours = getattr(tl.tensor(a), op)()
    theirs = getattr(torch.from_numpy(a), op)()
    assert _name(ours.dtype) == _name(theirs.dtype)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)


def test_int_true_division_and_power_by_a_float():
    assert (tl.tensor([1, 2]) / 2).dtype == tl.float32
    assert (tl.tensor([1, 2]) ** 0.5).dtype == tl.float32
    assert (tl.tensor([1, 2]) ** 2).dtype == tl.int64


def test_cat_promotes_as_pytorch():
    torch = pytest.importorskip("torch")
    for a, b in [
        ("float16", "int64"),
        ("int8", "uint8"),
        ("bool", "int32"),
        ("float32", "float64"),
    ]:
        xa, xb = np.ones(2, a), np.ones(3, b)
        ours = tl.cat([tl.tensor(xa), tl.tensor(xb)])
        theirs = torch.cat([torch.from_numpy(xa), torch.from_numpy(xb)])
        assert _name(ours.dtype) == _name(theirs.dtype)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_cat_of_mixed_float_dtypes_backpropagates_to_each():
    a = tl.ones(2, dtype=tl.float32, requires_grad=True)
    b = tl.ones(3, dtype=tl.float64, requires_grad=True)
    out = tl.cat([a, b])
    assert out.dtype == tl.float64
    (out * tl.arange(5.0, dtype=tl.float64)).sum().backward()
    assert a.grad.dtype == tl.float32 and b.grad.dtype == tl.float64
    np.testing.assert_array_equal(a.grad.numpy(), [0, 1])
    np.testing.assert_array_equal(b.grad.numpy(), [2, 3, 4])


def test_clamp_of_an_int_tensor_with_float_bounds_gives_floats():
    out = tl.tensor([0, 1, 2, 3]).clamp(0.5, 2.5)
    assert out.dtype == tl.float32
    np.testing.assert_array_equal(out.numpy(), [0.5, 1.0, 2.0, 2.5])
    assert tl.tensor([0, 5]).clamp(1, 3).dtype == tl.int64


def test_clamp_promotion_matches_pytorch():
    torch = pytest.importorskip("torch")
    for data, lo, hi in [([0, 1, 2, 3], 0.5, 2.5), ([0, 5], 1, 3), ([True, False], 0.2, None)]:
        ours = tl.clamp(tl.tensor(data), lo, hi)
        theirs = torch.clamp(torch.tensor(data), lo, hi)
        assert _name(ours.dtype) == _name(theirs.dtype)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_where_promotes_as_pytorch():
    torch = pytest.importorskip("torch")
    cond = np.array([True, False])
    for x, y in [(0.5, np.array([1, 2])), (np.array([1, 2], np.int32), np.array(3.0)),
                 (np.array(1, np.int8), np.array(2, np.int16))]:  # fmt: skip

        def mk(lib, v):
            return (
                v
                if not isinstance(v, np.ndarray)
                else (tl.tensor(v) if lib is tl else torch.from_numpy(v))
            )

        ours = tl.where(tl.tensor(cond), mk(tl, x), mk(tl, y))
        theirs = torch.where(torch.from_numpy(cond), mk(torch, x), mk(torch, y))
        assert _name(ours.dtype) == _name(theirs.dtype)


def test_float16_sums_accumulate_in_float32():
    x = np.full(10000, 0.1, np.float16)
    total = tl.tensor(x).sum()
    assert total.dtype == tl.float16
    exact = np.float16(x.astype(np.float32).sum())
    assert total.item() == exact  # a float16 running sum would stop growing at 256
    assert tl.tensor(x).mean().item() == np.float16(x.astype(np.float32).mean())
    assert tl.tensor(x.reshape(100, 100)).sum(1).numpy()[0] == np.float16(
        x[:100].astype(np.float32).sum()
    )


def test_integer_sums_are_int64():
    assert tl.tensor(np.array([200, 100], np.uint8)).sum().item() == 300
    assert tl.tensor(np.array([200, 100], np.uint8)).sum().dtype == tl.int64
    assert tl.tensor([True, True]).sum().dtype == tl.int64
    assert tl.tensor(np.array([1, 2], np.int32)).sum(0).dtype == tl.int64


def test_reductions_match_pytorch_for_float16_and_ints():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    x = rng.standard_normal((30, 700)).astype(np.float16)
    np.testing.assert_array_equal(tl.tensor(x).sum(1).numpy(), torch.from_numpy(x).sum(1).numpy())
    np.testing.assert_allclose(
        tl.tensor(x).mean().numpy(), torch.from_numpy(x).mean().numpy(), rtol=1e-3
    )
    u = np.array([250, 250, 250], np.uint8)
    assert tl.tensor(u).sum().item() == torch.from_numpy(u).sum().item()
