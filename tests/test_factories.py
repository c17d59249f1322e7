"""Factories: tensor, as_tensor, from_numpy, zeros, ones, full, empty, eye, arange, linspace,
*_like, rand, randn, randint, randn_like; dtype=, requires_grad=, device= arguments."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_lite as tl


def test_tensor_infers_dtype_like_pytorch():
    assert tl.tensor([1.0, 2.0]).dtype == tl.float32
    assert tl.tensor(1.5).dtype == tl.float32 and tl.tensor(1.5).shape == ()
    assert tl.tensor([1, 2]).dtype == tl.int64
    assert tl.tensor([True, False]).dtype == tl.bool
    assert tl.tensor([1, 2.5]).dtype == tl.float32
    assert tl.tensor(np.array([1.0, 2.0])).dtype == tl.float64  # ndarray keeps float64
    assert tl.tensor(np.array([1, 2], dtype=np.int32)).dtype == tl.int32
    assert tl.tensor(np.float64(2.0)).dtype == tl.float64
    assert tl.tensor([]).dtype == tl.float32 and tl.tensor([]).shape == (0,)
    assert tl.tensor([[1, 2], [3, 4]]).shape == (2, 2)


def test_tensor_copies_its_data():
    a = np.array([1.0, 2.0])
    t = tl.tensor(a)
    a[0] = 9.0
    assert t.tolist() == [1.0, 2.0]
    u = tl.tensor(t)
    t.numpy()[1] = 7.0
    assert u.tolist() == [1.0, 2.0]


def test_tensor_dtype_and_requires_grad_arguments():
    t = tl.tensor([1, 2], dtype=tl.float64, requires_grad=True)
    assert t.dtype == tl.float64 and t.requires_grad and t.is_leaf
    assert tl.tensor([1.7, -1.7], dtype=tl.int64).tolist() == [1, -1]
    assert tl.tensor([1, 0], dtype=tl.bool).tolist() == [True, False]
    assert tl.tensor([1.0], dtype=float).dtype == tl.float32  # Python float = default
    assert tl.tensor([1.0], dtype=np.float64).dtype == tl.float64


def test_tensor_from_a_list_of_tensors():
    t = tl.tensor([tl.tensor(1.0), tl.tensor(2.0)])
    assert t.tolist() == [1.0, 2.0] and t.dtype == tl.float32


def test_tensor_bad_data_errors():
    with pytest.raises(ValueError, match="tensor"):
        tl.tensor([[1, 2], [3]])
    with pytest.raises(TypeError, match="tensor"):
        tl.tensor("abc")
    with pytest.raises(TypeError, match="dtype"):
        tl.tensor([1.0], dtype="not a dtype")


def test_as_tensor_and_from_numpy_share_memory():
    a = np.array([1.0, 2.0], dtype=np.float32)
    t = tl.as_tensor(a)
    f = tl.from_numpy(a)
    a[0] = 5.0
    assert t[0].item() == 5.0 and f[0].item() == 5.0
    assert tl.as_tensor(t) is t
    assert tl.as_tensor([1, 2]).dtype == tl.int64
    assert tl.as_tensor(a, dtype=tl.float64).dtype == tl.float64
    with pytest.raises(TypeError, match="expected np.ndarray"):
        tl.from_numpy([1.0])


@pytest.mark.parametrize("fn, value", [(tl.zeros, 0.0), (tl.ones, 1.0), (tl.empty, None)])
def test_zeros_ones_empty(fn, value):
    for t in (fn(2, 3), fn((2, 3)), fn([2, 3])):
        assert t.shape == (2, 3) and t.dtype == tl.float32 and not t.requires_grad
        if value is not None:
            assert np.all(t.numpy() == value)
    assert fn(2, dtype=tl.int64).dtype == tl.int64
    assert fn(2, requires_grad=True).requires_grad
    assert fn(()).shape == () and fn(0).shape == (0,)
    with pytest.raises(ValueError, match="non-negative"):
        fn(-1)


def test_full_infers_dtype_from_value():
    assert tl.full((2,), 3).dtype == tl.int64
    assert tl.full((2,), 3.0).dtype == tl.float32
    assert tl.full((2,), True).dtype == tl.bool
    t = tl.full((2, 2), 1.5, dtype=tl.float64, requires_grad=True)
    assert t.dtype == tl.float64 and t.requires_grad and np.all(t.numpy() == 1.5)


def test_eye_arange_linspace():
    np.testing.assert_array_equal(tl.eye(3).numpy(), np.eye(3))
    assert tl.eye(2, 3).shape == (2, 3) and tl.eye(2).dtype == tl.float32
    assert tl.arange(5).tolist() == [0, 1, 2, 3, 4] and tl.arange(5).dtype == tl.int64
    assert tl.arange(1, 7, 2).tolist() == [1, 3, 5]
    assert tl.arange(0, 1, 0.25).tolist() == [0.0, 0.25, 0.5, 0.75]
    assert tl.arange(0, 1, 0.25).dtype == tl.float32
    assert tl.arange(3.0).dtype == tl.float32
    assert tl.arange(3, dtype=tl.float64).dtype == tl.float64
    assert tl.arange(0, 1, 0.1).shape == (10,)
    with pytest.raises(RuntimeError, match="step"):
        tl.arange(0, 1, 0)
    np.testing.assert_allclose(tl.linspace(0, 1, 5).numpy(), [0, 0.25, 0.5, 0.75, 1.0])
    assert tl.linspace(0, 1, steps=3).dtype == tl.float32


def test_like_factories_follow_the_input():
    base = tl.tensor([[1, 2]], dtype=tl.int64)
    assert tl.zeros_like(base).dtype == tl.int64 and tl.zeros_like(base).shape == (1, 2)
    assert tl.ones_like(base, dtype=tl.float64).dtype == tl.float64
    assert tl.full_like(base, 7).tolist() == [[7, 7]]
    f = tl.tensor([1.0, 2.0], requires_grad=True)
    z = tl.zeros_like(f)
    assert not z.requires_grad and z.dtype == tl.float32
    assert tl.ones_like(f, requires_grad=True).requires_grad
    assert tl.randn_like(f).shape == (2,) and tl.randn_like(f).dtype == tl.float32


def test_random_factories_shapes_dtypes_and_ranges():
    r = tl.rand(1000)
    assert r.dtype == tl.float32 and 0 <= r.numpy().min() and r.numpy().max() < 1
    n = tl.randn(2, 3, dtype=tl.float64)
    assert n.shape == (2, 3) and n.dtype == tl.float64
    big = tl.randn(20000).numpy()
    assert abs(big.mean()) < 0.05 and abs(big.std() - 1) < 0.05
    i = tl.randint(0, 10, (1000,))
    assert i.dtype == tl.int64 and i.numpy().min() >= 0 and i.numpy().max() <= 9
    assert tl.randint(5, (2, 2)).shape == (2, 2)
    assert sorted(tl.randperm(5).tolist()) == [0, 1, 2, 3, 4]
    assert tl.randn(3, requires_grad=True).requires_grad


@pytest.mark.parametrize(
    "make",
    [
        lambda d: tl.tensor([1.0], device=d),
        lambda d: tl.zeros(2, device=d),
        lambda d: tl.ones(2, device=d),
        lambda d: tl.full((2,), 1.0, device=d),
        lambda d: tl.empty(2, device=d),
        lambda d: tl.eye(2, device=d),
        lambda d: tl.arange(3, device=d),
        lambda d: tl.linspace(0, 1, 3, device=d),
        lambda d: tl.rand(2, device=d),
        lambda d: tl.randn(2, device=d),
        lambda d: tl.randint(0, 3, (2,), device=d),
        lambda d: tl.zeros_like(tl.ones(2), device=d),
    ],
)
def test_device_argument(make):
    for ok in ("cpu", "cpu:0", tl.device("cpu"), None):
        assert make(ok).device == tl.device("cpu")
    with pytest.raises(RuntimeError, match="'cuda' is not available.*CPU only"):
        make("cuda")
    with pytest.raises(RuntimeError, match="not available"):
        make("mps")


def test_every_factory_takes_pytorchs_common_keywords():
    """dtype=, device=, requires_grad= (and generator= on the random ones), as in PyTorch."""
    import inspect

    names = (
        "tensor zeros ones empty full eye arange linspace logspace zeros_like ones_like "
        "empty_like full_like rand randn randint rand_like randn_like randint_like randperm "
        "normal scalar_tensor"
    ).split()
    for name in names:
        params = set(inspect.signature(inspect.unwrap(getattr(tl, name))).parameters)
        wanted = {"dtype", "device", "requires_grad"}
        if name.startswith("rand") or name == "normal":
            wanted.add("generator")
        assert wanted <= params, (name, wanted - params)


def test_logspace_and_scalar_tensor():
    assert tl.logspace(0, 2, 3).tolist() == [1.0, 10.0, 100.0]
    assert tl.logspace(0, 3, 4, base=2).tolist() == [1.0, 2.0, 4.0, 8.0]
    s = tl.scalar_tensor(2, requires_grad=True)
    assert s.shape == () and s.requires_grad and s.dtype == tl.float32
