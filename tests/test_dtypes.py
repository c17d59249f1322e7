"""dtypes: PyTorch's names and aliases, the default dtype, promotion rules."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_lite as tl


def test_names_and_aliases():
    assert tl.float32 is tl.float and tl.float64 is tl.double and tl.int64 is tl.long
    assert tl.int32 is tl.int and tl.float16 is tl.half
    assert repr(tl.float32) == "tinygrad_lite.float32" and repr(tl.bool) == "tinygrad_lite.bool"
    assert tl.float32.is_floating_point and not tl.int64.is_floating_point
    assert tl.float64.itemsize == 8
    assert isinstance(tl.float32, tl.dtype)


def test_default_dtype():
    assert tl.get_default_dtype() == tl.float32
    tl.set_default_dtype(tl.float64)
    try:
        assert tl.tensor([1.5]).dtype == tl.float64
        assert tl.zeros(2).dtype == tl.float64
        assert tl.arange(0.0, 1.0, 0.5).dtype == tl.float64
        assert (tl.tensor([1, 2]) / 2).dtype == tl.float64
    finally:
        tl.set_default_dtype(tl.float32)
    assert tl.tensor([1.5]).dtype == tl.float32
    with pytest.raises(TypeError, match="floating"):
        tl.set_default_dtype(tl.int64)


@pytest.mark.parametrize(
    "expr, dtype",
    [
        (lambda: tl.tensor([1, 2]) * 2.5, tl.float32),
        (lambda: 2.5 * tl.tensor([1, 2]), tl.float32),
        (lambda: tl.tensor([1, 2]) / tl.tensor([2, 4]), tl.float32),
        (lambda: tl.tensor([1, 2]) / 2, tl.float32),
        (lambda: tl.tensor([1, 2]) + 1, tl.int64),
        (lambda: tl.tensor([1, 2]) * True, tl.int64),
        (lambda: tl.tensor([True, False]) + 1, tl.int64),
        (lambda: tl.tensor([1.0, 2.0]) + tl.tensor([1, 2]), tl.float32),
        (lambda: tl.tensor([1.0]) * np.float64(2.0), tl.float32),
        (lambda: tl.tensor([1]) + np.float64(1.5), tl.float32),
        (lambda: tl.tensor([1.0]) + np.array([1.0]), tl.float64),
        (lambda: tl.tensor([1.0]) + tl.tensor([1.0], dtype=tl.float64), tl.float64),
        (lambda: tl.tensor([1, 2]) ** 2, tl.int64),
        (lambda: tl.tensor([1, 2]) ** 0.5, tl.float32),
        (lambda: tl.tensor([1.0]) ** tl.tensor([2]), tl.float32),
        (lambda: tl.maximum(tl.tensor([1]), tl.tensor([0.5])), tl.float32),
        (lambda: tl.where(tl.tensor([True]), tl.tensor([1]), 0.5), tl.float32),
        (lambda: tl.tensor([1, 2]).sum(), tl.int64),
        (lambda: tl.tensor([True, True]).sum(), tl.int64),
        (lambda: tl.tensor([1, 2]) // 2, tl.int64),
        (lambda: tl.tensor([1.0], dtype=tl.float64).exp(), tl.float64),
        (lambda: tl.tensor([1.0, 2.0]).mean(dtype=tl.float64), tl.float64),
    ],
)
def test_promotion(expr, dtype):
    assert expr().dtype == dtype


def test_promotion_follows_the_default_dtype():
    tl.set_default_dtype(tl.float64)
    try:
        assert (tl.tensor([1, 2]) * 2.5).dtype == tl.float64
    finally:
        tl.set_default_dtype(tl.float32)


def test_integer_mean_is_an_error():
    with pytest.raises(RuntimeError, match="floating point"):
        tl.tensor([1, 2]).mean()


def test_only_floats_require_grad():
    with pytest.raises(RuntimeError, match="floating point.*int64"):
        tl.zeros(2, dtype=tl.int64, requires_grad=True)
    x = tl.tensor([1.0], requires_grad=True)
    assert not (x > 0).requires_grad  # bool results never require grad
    assert not x.argmax().requires_grad


def test_unsupported_numpy_dtype_is_a_clear_error():
    with pytest.raises(TypeError, match="unsupported NumPy dtype"):
        tl.from_numpy(np.array(["a"]))


@pytest.mark.parametrize(
    "op",
    [
        lambda x: x * tl.tensor([3, 4]),
        lambda x: x / tl.tensor([3, 4]),
        lambda x: x ** tl.tensor([2, 3]),
        lambda x: x * np.float64(2.0),
        lambda x: tl.maximum(x, tl.tensor([1.5, 1.5])),
        lambda x: x.max(),
        lambda x: x * tl.tensor([1.0, 2.0], dtype=tl.float64),
        lambda x: x + np.array([1.0, 2.0]),
    ],
)
def test_gradients_have_the_input_dtype(op):
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    (g,) = tl.autograd.grad(op(x).sum(), x)
    assert g.dtype == tl.float32
    h = x * 1
    h.retain_grad()
    op(h).sum().backward()
    assert x.grad.dtype == tl.float32
    if op(tl.ones(2)).dtype == tl.float32:  # no float64 operand anywhere: all float32
        assert h.grad.dtype == tl.float32
