"""Pooling, unpooling and resampling against PyTorch (values, indices, input gradients),
finite differences in float64 and hypothesis-drawn window arguments."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_lite as tl
from tinygrad_lite import nn
from tinygrad_lite.autograd import gradcheck, gradgradcheck
from tinygrad_lite.nn import functional as F

RNG = np.random.default_rng(1)


def compare(torch, ours_fn, torch_fn, x, atol=1e-10):
    xo = tl.tensor(x, dtype=tl.float64, requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    yo, yt = ours_fn(xo), torch_fn(xt)
    if isinstance(yt, tuple):
        np.testing.assert_array_equal(yo[1].numpy(), yt[1].numpy())
        yo, yt = yo[0], yt[0]
    assert tuple(yo.shape) == tuple(yt.shape)
    np.testing.assert_allclose(yo.detach().numpy(), yt.detach().numpy(), atol=atol)
    g = RNG.standard_normal(tuple(yt.shape))
    yo.backward(tl.tensor(g))
    yt.backward(torch.tensor(g))
    np.testing.assert_allclose(xo.grad.numpy(), xt.grad.numpy(), atol=atol)


MAX_CASES = [
    dict(kernel_size=2),
    dict(kernel_size=3, stride=2, padding=1),
    dict(kernel_size=(3, 2), stride=(2, 1), padding=(1, 1), dilation=(1, 2)),
    dict(kernel_size=3, stride=2, ceil_mode=True),
    dict(kernel_size=2, stride=1, padding=1, ceil_mode=True, dilation=2),
]


@pytest.mark.parametrize("kw", MAX_CASES, ids=str)
def test_max_pool2d_matches_torch(torch, kw):
    x = RNG.standard_normal((2, 3, 7, 8))
    compare(torch, lambda a: F.max_pool2d(a, return_indices=True, **kw),
            lambda a: torch.nn.functional.max_pool2d(a, return_indices=True, **kw), x)  # fmt: skip
    compare(torch, nn.MaxPool2d(**kw), torch.nn.MaxPool2d(**kw), x)


@pytest.mark.parametrize("kw", [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1,
                                ceil_mode=True), dict(kernel_size=2, dilation=2)], ids=str)  # fmt: skip
def test_max_pool1d_matches_torch(torch, kw):
    x = RNG.standard_normal((2, 3, 9))
    compare(torch, lambda a: F.max_pool1d(a, return_indices=True, **kw),
            lambda a: torch.nn.functional.max_pool1d(a, return_indices=True, **kw), x)  # fmt: skip
    compare(torch, nn.MaxPool1d(**kw), torch.nn.MaxPool1d(**kw), x)


def test_max_pool_ties_pick_one_index_as_torch(torch):
    x = np.zeros((1, 1, 4, 4))
    compare(torch, lambda a: F.max_pool2d(a, 2, return_indices=True),
            lambda a: torch.nn.functional.max_pool2d(a, 2, return_indices=True), x)  # fmt: skip


AVG_CASES = [
    dict(kernel_size=2),
    dict(kernel_size=3, stride=2, padding=1),
    dict(kernel_size=3, stride=2, padding=1, count_include_pad=False),
    dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
    dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
    dict(kernel_size=(2, 3), stride=(1, 2), divisor_override=5),
]


@pytest.mark.parametrize("kw", AVG_CASES, ids=str)
def test_avg_pool2d_matches_torch(torch, kw):
    x = RNG.standard_normal((2, 3, 7, 8))
    compare(torch, nn.AvgPool2d(**kw), torch.nn.AvgPool2d(**kw), x)


@pytest.mark.parametrize("kw", [dict(kernel_size=3), dict(kernel_size=3, stride=2, padding=1,
                                count_include_pad=False, ceil_mode=True)], ids=str)  # fmt: skip
def test_avg_pool1d_matches_torch(torch, kw):
    x = RNG.standard_normal((2, 3, 10))
    compare(torch, nn.AvgPool1d(**kw), torch.nn.AvgPool1d(**kw), x)


@pytest.mark.parametrize("size", [1, (3, 2), (5, 7), (None, 3), 4])
def test_adaptive_pools_match_torch(torch, size):
    x = RNG.standard_normal((2, 3, 7, 9))
    compare(torch, nn.AdaptiveAvgPool2d(size), torch.nn.AdaptiveAvgPool2d(size), x)
    compare(torch, nn.AdaptiveMaxPool2d(size, return_indices=True),
            torch.nn.AdaptiveMaxPool2d(size, return_indices=True), x)  # fmt: skip


def test_adaptive_1d_pools_match_torch(torch):
    x = RNG.standard_normal((2, 3, 10))
    compare(torch, nn.AdaptiveAvgPool1d(4), torch.nn.AdaptiveAvgPool1d(4), x)
    compare(torch, nn.AdaptiveMaxPool1d(3), torch.nn.AdaptiveMaxPool1d(3), x)


def test_max_unpool2d_matches_torch(torch):
    ours = nn.MaxUnpool2d(2)
    theirs = torch.nn.MaxUnpool2d(2)
    x = RNG.standard_normal((2, 3, 6, 6))
    out, idx = torch.nn.functional.max_pool2d(torch.tensor(x), 2, return_indices=True)
    compare(torch, lambda a: ours(a, tl.tensor(idx.numpy())), lambda a: theirs(a, idx), out.numpy())
    x = RNG.standard_normal((2, 3, 6, 7))
    out, idx = torch.nn.functional.max_pool2d(torch.tensor(x), 2, return_indices=True)
    compare(torch, lambda a: ours(a, tl.tensor(idx.numpy()), output_size=(6, 7)),
            lambda a: theirs(a, idx, output_size=(6, 7)), out.numpy())  # fmt: skip


def test_pixel_shuffle_matches_torch(torch):
    x = RNG.standard_normal((2, 8, 3, 4))
    compare(torch, nn.PixelShuffle(2), torch.nn.PixelShuffle(2), x)
    compare(
        torch, nn.PixelUnshuffle(2), torch.nn.PixelUnshuffle(2), RNG.standard_normal((2, 3, 4, 6))
    )


UPSAMPLE = [
    dict(scale_factor=2, mode="nearest"),
    dict(size=(5, 7), mode="nearest"),
    dict(scale_factor=1.7, mode="nearest"),
    dict(scale_factor=2, mode="bilinear"),
    dict(size=(5, 9), mode="bilinear", align_corners=True),
    dict(size=(3, 2), mode="bilinear", align_corners=False),
    dict(scale_factor=(1.5, 2.5), mode="bilinear"),
]


@pytest.mark.parametrize("kw", UPSAMPLE, ids=str)
def test_interpolate_matches_torch(torch, kw):
    x = RNG.standard_normal((2, 3, 4, 5))
    compare(torch, lambda a: F.interpolate(a, **kw),
            lambda a: torch.nn.functional.interpolate(a, **kw), x)  # fmt: skip
    compare(torch, nn.Upsample(**kw), torch.nn.Upsample(**kw), x)


def test_interpolate_linear_1d_matches_torch(torch):
    x = RNG.standard_normal((2, 3, 6))
    for kw in (dict(scale_factor=2, mode="linear"), dict(size=4, mode="nearest"),
               dict(size=9, mode="linear", align_corners=True)):  # fmt: skip
        compare(torch, lambda a, kw=kw: F.interpolate(a, **kw),
                lambda a, kw=kw: torch.nn.functional.interpolate(a, **kw), x)  # fmt: skip


def test_pooling_gradchecks():
    x = tl.tensor(RNG.standard_normal((1, 2, 5, 5)), requires_grad=True)
    assert gradcheck(lambda a: F.max_pool2d(a, 3, 2, 1), (x,))
    assert gradgradcheck(lambda a: F.max_pool2d(a, 3, 1, 1) ** 2, (x,))
    assert gradgradcheck(lambda a: F.avg_pool2d(a, 3, 2, 1, count_include_pad=False) ** 2, (x,))
    assert gradgradcheck(lambda a: F.adaptive_avg_pool2d(a, 3) ** 2, (x,))
    assert gradgradcheck(lambda a: F.adaptive_max_pool2d(a, 2) ** 2, (x,))
    assert gradgradcheck(lambda a: F.interpolate(a, scale_factor=1.5, mode="bilinear") ** 2, (x,))
    assert gradgradcheck(lambda a: F.pixel_shuffle(a.repeat(1, 2, 1, 1), 2) ** 2, (x,))


@settings(max_examples=40, deadline=None)
@given(h=st.integers(2, 9), w=st.integers(2, 9), kh=st.integers(1, 3), kw=st.integers(1, 3),
       s=st.integers(1, 3), p=st.integers(0, 1), d=st.integers(1, 2), ceil=st.booleans(),
       include=st.booleans())  # fmt: skip
def test_pool_random_arguments_match_torch(h, w, kh, kw, s, p, d, ceil, include):
    torch = pytest.importorskip("torch")
    if p > min(kh, kw) // 2 or h + 2 * p < d * (kh - 1) + 1 or w + 2 * p < d * (kw - 1) + 1:
        return
    x = RNG.standard_normal((1, 2, h, w))
    kwm = dict(kernel_size=(kh, kw), stride=s, padding=p, dilation=d, ceil_mode=ceil)
    compare(torch, lambda a: F.max_pool2d(a, return_indices=True, **kwm),
            lambda a: torch.nn.functional.max_pool2d(a, return_indices=True, **kwm), x)  # fmt: skip
    kwa = dict(kernel_size=(kh, kw), stride=s, padding=p, ceil_mode=ceil, count_include_pad=include)
    if h + 2 * p >= kh and w + 2 * p >= kw:
        compare(torch, lambda a: F.avg_pool2d(a, **kwa),
                lambda a: torch.nn.functional.avg_pool2d(a, **kwa), x)  # fmt: skip


def test_pool_errors():
    x = tl.randn(1, 1, 4, 4)
    with pytest.raises(RuntimeError, match="pad should be at most half"):
        F.max_pool2d(x, 2, padding=2)
    with pytest.raises(RuntimeError, match="Output size is too small"):
        F.max_pool2d(x, 5)
    with pytest.raises(ValueError, match="only one of size or scale_factor"):
        F.interpolate(x, size=3, scale_factor=2)
    with pytest.raises(RuntimeError, match="divisible by upscale_factor"):
        F.pixel_shuffle(x, 2)
    with pytest.raises(RuntimeError, match="invalid max index"):
        F.max_unpool2d(x, tl.tensor(np.full((1, 1, 4, 4), 99)), 2)


def test_reprs_match_torch(torch):
    for make in ("MaxPool2d(3, 2, 1)", "MaxPool1d(2)", "AvgPool2d(3, 2, 1)", "AvgPool1d(3)",
                 "AdaptiveAvgPool2d((2, 3))", "AdaptiveMaxPool2d(1)", "MaxUnpool2d(2)",
                 "PixelShuffle(2)", "Upsample(scale_factor=2)",
                 "Upsample(size=(3, 4), mode='bilinear')"):  # fmt: skip
        assert repr(eval("nn." + make)) == repr(eval("torch.nn." + make)), make
