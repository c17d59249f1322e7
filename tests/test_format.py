"""repr of tensors: PyTorch's layout (padding, 4 decimals or scientific, suffixes)."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

import tinygrad_lite as tl

# Expected strings written by hand from PyTorch's documented printing rules.
CASES = [
    (tl.tensor([0.1748, -0.5485]), "tensor([ 0.1748, -0.5485])"),
    (tl.tensor(3.0), "tensor(3.)"),
    (tl.tensor(-0.5), "tensor(-0.5000)"),
    (tl.tensor(3), "tensor(3)"),
    (tl.tensor(True), "tensor(True)"),
    (tl.tensor([1.0, 2.0]), "tensor([1., 2.])"),
    (tl.tensor([1, -2, 3]), "tensor([ 1, -2,  3])"),
    (tl.tensor([True, False]), "tensor([ True, False])"),
    (tl.tensor([1.5, 100.25]), "tensor([  1.5000, 100.2500])"),
    (tl.tensor([1e-5, 1.0]), "tensor([1.0000e-05, 1.0000e+00])"),
    (tl.tensor([1e10, 1.0]), "tensor([1.0000e+10, 1.0000e+00])"),
    (tl.tensor([1.0, 10000.0]), "tensor([1.0000e+00, 1.0000e+04])"),
    (tl.tensor([float("nan"), 1.5, float("inf")]), "tensor([   nan, 1.5000,    inf])"),
    (tl.tensor([float("nan"), 2.0]), "tensor([nan, 2.])"),
    (tl.tensor([0.0, 0.0]), "tensor([0., 0.])"),
    (tl.tensor([[1.0, 2.0], [3.0, 4.0]]), "tensor([[1., 2.],\n        [3., 4.]])"),
    (tl.tensor([[1, -2], [30, 4]]), "tensor([[ 1, -2],\n        [30,  4]])"),
    (
        tl.tensor([[[1.0]], [[2.0]]]),
        "tensor([[[1.]],\n\n        [[2.]]])",
    ),
    (tl.tensor([]), "tensor([])"),
    (tl.zeros(2, 0), "tensor([], size=(2, 0))"),
    (tl.tensor([], dtype=tl.int64), "tensor([], dtype=tinygrad_lite.int64)"),
    (tl.tensor([1.0, 2.0], dtype=tl.float64), "tensor([1., 2.], dtype=tinygrad_lite.float64)"),
    (tl.tensor([1, 2], dtype=tl.int32), "tensor([1, 2], dtype=tinygrad_lite.int32)"),
    (tl.tensor([1.0, 2.0], requires_grad=True), "tensor([1., 2.], requires_grad=True)"),
    (
        tl.tensor([1.0], dtype=tl.float64, requires_grad=True),
        "tensor([1.], dtype=tinygrad_lite.float64, requires_grad=True)",
    ),
]


@pytest.mark.parametrize("t, expected", CASES)
def test_repr_by_hand(t, expected):
    assert repr(t) == expected


def test_repr_grad_fn_suffix():
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    assert repr(x * 2) == "tensor([2., 4.], grad_fn=<MulBackward0>)"
    assert repr(x.sum()) == "tensor(3., grad_fn=<SumBackward0>)"
    assert repr(x.detach()) == "tensor([1., 2.])"


def test_repr_wraps_long_rows_at_80_columns():
    text = repr(tl.arange(20.0))
    assert text == (
        "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n"
        "        14., 15., 16., 17., 18., 19.])"
    )
    assert all(len(line) <= 80 for line in repr(tl.randn(7, 30)).splitlines())


def test_repr_summarizes_large_tensors():
    text = repr(tl.arange(2000))
    assert text == "tensor([   0,    1,    2,  ..., 1997, 1998, 1999])"
    big = repr(tl.zeros(100, 100))
    assert "..." in big and big.count("\n") < 10


def test_default_dtype_changes_the_suffix():
    tl.set_default_dtype(tl.float64)
    try:
        assert repr(tl.tensor([1.5])) == "tensor([1.5000])"
        assert (
            repr(tl.tensor([1.5], dtype=tl.float32))
            == "tensor([1.5000], dtype=tinygrad_lite.float32)"
        )
    finally:
        tl.set_default_dtype(tl.float32)


def test_str_and_format():
    t = tl.tensor(2.5)
    assert str(t) == repr(t)
    assert f"{t:.2f}" == "2.50"
    assert f"{tl.tensor([1.0])}" == "tensor([1.])"


# --- against PyTorch ---------------------------------------------------------------------


def _unwrap_suffixes(text: str) -> str:
    """Join suffixes PyTorch moved to a new line: our dtype names are longer than torch's,
    so the 80-column wrap of the suffixes legitimately differs."""
    return re.sub(r",\n\s+(dtype=|requires_grad=|grad_fn=|size=)", r", \1", text)


def _torch_repr(torch, values: np.ndarray, requires_grad: bool = False) -> str:
    t = torch.tensor(values, requires_grad=requires_grad)
    return _unwrap_suffixes(repr(t).replace("torch.", "tinygrad_lite."))


def _our_repr(values: np.ndarray, requires_grad: bool = False) -> str:
    return _unwrap_suffixes(repr(tl.tensor(values, requires_grad=requires_grad)))


@pytest.mark.parametrize(
    "values",
    [
        np.array([0.1748, -0.5485], dtype=np.float32),
        np.array([[1.0, -2.5], [1e-3, 4.0]], dtype=np.float32),
        np.array([123456.789, 0.5], dtype=np.float32),
        np.array([1e-12, -3.0], dtype=np.float64),
        np.array([[1, 200], [-3, 4]]),
        np.array([[True], [False]]),
        np.arange(30, dtype=np.float32).reshape(5, 6) / 7,
        np.arange(3000, dtype=np.float32).reshape(30, 100) - 1500,
        np.array(-7.25, dtype=np.float32),
        np.array([np.inf, -np.inf, 0.0], dtype=np.float32),
        np.zeros((2, 1, 3), dtype=np.float32),
    ],
)
def test_repr_matches_pytorch(values):
    torch = pytest.importorskip("torch")
    assert _our_repr(values) == _torch_repr(torch, values)
    if values.dtype.kind == "f":
        assert _our_repr(values, True) == _torch_repr(torch, values, requires_grad=True)


@given(
    arrays(
        dtype=np.float64,
        shape=array_shapes(min_dims=0, max_dims=3, max_side=5),
        elements=st.floats(-1e6, 1e6, width=32) | st.sampled_from([0.0, 1.0, -2.0, 1e-7]),
    ),
    st.sampled_from([np.float32, np.float64, np.int64]),
)
def test_repr_matches_pytorch_on_random_tensors(values, dtype):
    torch = pytest.importorskip("torch")
    values = values.astype(dtype)
    assert _our_repr(values) == _torch_repr(torch, values)
