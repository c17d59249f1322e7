"""Convolution layers and F.conv*/unfold/fold: against PyTorch (values, input and parameter
gradients, copied weights), against finite differences in float64 (first and second order),
hypothesis-drawn shapes, parameter shapes/init and error cases."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_lite as tl
from tinygrad_lite import nn
from tinygrad_lite.autograd import gradcheck, gradgradcheck
from tinygrad_lite.nn import functional as F

RNG = np.random.default_rng(0)


def t64(*shape, rg=True):
    return tl.tensor(RNG.standard_normal(shape), dtype=tl.float64, requires_grad=rg)


def to_torch(torch, x):
    return torch.tensor(x.detach().numpy(), requires_grad=True)


def check_grads(torch, ours_fn, torch_fn, arrays, atol=1e-10):
    """Run both on the same float64 arrays; compare outputs and every input's gradient."""
    ours = [tl.tensor(a, dtype=tl.float64, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    y, yt = ours_fn(*ours), torch_fn(*theirs)
    assert tuple(y.shape) == tuple(yt.shape)
    np.testing.assert_allclose(y.detach().numpy(), yt.detach().numpy(), atol=atol, rtol=1e-7)
    g = RNG.standard_normal(tuple(y.shape))
    y.backward(tl.tensor(g))
    yt.backward(torch.tensor(g))
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), atol=atol, rtol=1e-7)


# ---------------------------------------------------------------- functional vs PyTorch

CONV2D_CASES = [
    dict(stride=1, padding=0, dilation=1, groups=1),
    dict(stride=2, padding=1, dilation=1, groups=1),
    dict(stride=(2, 1), padding=(0, 2), dilation=(1, 2), groups=1),
    dict(stride=1, padding="same", dilation=2, groups=2),
    dict(stride=1, padding="valid", dilation=1, groups=4),
    dict(stride=3, padding=2, dilation=1, groups=4),  # depthwise (groups = channels)
]


@pytest.mark.parametrize("kw", CONV2D_CASES, ids=lambda kw: str(kw))
@pytest.mark.parametrize("bias", [True, False])
def test_conv2d_matches_torch(torch, kw, bias):
    x = RNG.standard_normal((2, 4, 9, 8))
    w = RNG.standard_normal((8, 4 // kw["groups"], 3, 2))
    arrays = [x, w] + ([RNG.standard_normal(8)] if bias else [])
    check_grads(torch, lambda *a: F.conv2d(*a, **kw) if bias else F.conv2d(*a, **kw),
                lambda *a: torch.nn.functional.conv2d(*a, **kw), arrays)  # fmt: skip


@pytest.mark.parametrize("padding", [0, 2, "same"])
def test_conv1d_matches_torch(torch, padding):
    x, w, b = (
        RNG.standard_normal((3, 4, 11)),
        RNG.standard_normal((6, 2, 4)),
        RNG.standard_normal(6),
    )
    kw = dict(padding=padding, groups=2, dilation=2)
    check_grads(torch, lambda *a: F.conv1d(*a, **kw),
                lambda *a: torch.nn.functional.conv1d(*a, **kw), [x, w, b])  # fmt: skip
    kw = dict(stride=2, padding=0 if padding == "same" else padding)
    check_grads(torch, lambda *a: F.conv1d(*a, **kw),
                lambda *a: torch.nn.functional.conv1d(*a, **kw), [x, w[:, :1].repeat(4, 1), b])  # fmt: skip


@pytest.mark.parametrize(
    "kw",
    [dict(stride=1), dict(stride=2, padding=1, output_padding=1),
     dict(stride=(3, 2), padding=(1, 0), output_padding=(2, 1), dilation=(1, 2), groups=2)],
    ids=str,
)  # fmt: skip
def test_conv_transpose2d_matches_torch(torch, kw):
    x, w, b = (RNG.standard_normal((2, 4, 5, 6)), RNG.standard_normal((4, 3, 3, 2)),
               RNG.standard_normal(3 * kw.get("groups", 1)))  # fmt: skip
    check_grads(torch, lambda *a: F.conv_transpose2d(*a, **kw),
                lambda *a: torch.nn.functional.conv_transpose2d(*a, **kw), [x, w, b])  # fmt: skip


def test_conv_transpose1d_matches_torch(torch):
    x, w = RNG.standard_normal((2, 4, 7)), RNG.standard_normal((4, 5, 3))
    kw = dict(stride=2, padding=1, output_padding=1)
    check_grads(torch, lambda *a: F.conv_transpose1d(*a, **kw),
                lambda *a: torch.nn.functional.conv_transpose1d(*a, **kw), [x, w])  # fmt: skip


def test_unbatched_conv_matches_torch(torch):
    x, w = RNG.standard_normal((3, 6, 6)), RNG.standard_normal((2, 3, 3, 3))
    check_grads(torch, F.conv2d, torch.nn.functional.conv2d, [x, w])


@pytest.mark.parametrize("kw", [dict(kernel_size=2), dict(kernel_size=(3, 2), dilation=(1, 2),
                                padding=1, stride=(2, 1))], ids=str)  # fmt: skip
def test_unfold_fold_match_torch(torch, kw):
    x = RNG.standard_normal((2, 3, 7, 6))
    check_grads(
        torch, lambda a: F.unfold(a, **kw), lambda a: torch.nn.functional.unfold(a, **kw), [x]
    )
    cols = torch.nn.functional.unfold(torch.tensor(x), **kw).numpy()
    check_grads(torch, lambda a: F.fold(a, (7, 6), **kw),
                lambda a: torch.nn.functional.fold(a, (7, 6), **kw), [cols])  # fmt: skip
    # modules
    np.testing.assert_allclose(nn.Unfold(**kw)(tl.tensor(x)).numpy(), cols)


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
def test_pad_modes_match_torch(torch, mode):
    x = RNG.standard_normal((2, 3, 5, 6))
    pads = (2, 1, 0, 3)
    check_grads(torch, lambda a: F.pad(a, pads, mode=mode),
                lambda a: torch.nn.functional.pad(a, pads, mode=mode), [x])  # fmt: skip


# ---------------------------------------------------------------- modules vs PyTorch


def copy_params(ours, theirs, torch):
    with torch.no_grad():
        for name, p in theirs.named_parameters():
            dict(ours.named_parameters())[name]._array[...] = p.detach().numpy()


@pytest.mark.parametrize("padding_mode", ["zeros", "reflect", "replicate", "circular"])
def test_conv2d_module_matches_torch(torch, padding_mode):
    kw = dict(stride=(1, 2), padding=(2, 1), dilation=1, groups=2, padding_mode=padding_mode)
    theirs = torch.nn.Conv2d(4, 6, (3, 3), **kw).double()
    ours = nn.Conv2d(4, 6, (3, 3), **kw).double()
    copy_params(ours, theirs, torch)
    x = RNG.standard_normal((2, 4, 7, 8))
    xt, xo = torch.tensor(x, requires_grad=True), tl.tensor(x, requires_grad=True)
    yt, yo = theirs(xt), ours(xo)
    np.testing.assert_allclose(yo.detach().numpy(), yt.detach().numpy(), atol=1e-10)
    g = RNG.standard_normal(tuple(yt.shape))
    yt.backward(torch.tensor(g))
    yo.backward(tl.tensor(g))
    np.testing.assert_allclose(xo.grad.numpy(), xt.grad.numpy(), atol=1e-10)
    for (name, p), q in zip(theirs.named_parameters(), ours.parameters()):
        np.testing.assert_allclose(q.grad.numpy(), p.grad.numpy(), atol=1e-10, err_msg=name)


@pytest.mark.parametrize("padding_mode", ["reflect", "circular"])
def test_conv1d_module_same_padding_modes(torch, padding_mode):
    theirs = torch.nn.Conv1d(2, 3, 4, padding="same", padding_mode=padding_mode).double()
    ours = nn.Conv1d(2, 3, 4, padding="same", padding_mode=padding_mode).double()
    copy_params(ours, theirs, torch)
    x = RNG.standard_normal((2, 2, 9))
    np.testing.assert_allclose(ours(tl.tensor(x)).detach().numpy(),
                               theirs(torch.tensor(x)).detach().numpy(), atol=1e-10)  # fmt: skip


def test_conv_transpose2d_module_output_size(torch):
    theirs = torch.nn.ConvTranspose2d(3, 4, 3, stride=2, padding=1).double()
    ours = nn.ConvTranspose2d(3, 4, 3, stride=2, padding=1).double()
    copy_params(ours, theirs, torch)
    x = RNG.standard_normal((1, 3, 4, 5))
    yt = theirs(torch.tensor(x), output_size=(8, 10))
    yo = ours(tl.tensor(x), output_size=(8, 10))
    assert tuple(yo.shape) == (1, 4, 8, 10)
    np.testing.assert_allclose(yo.detach().numpy(), yt.detach().numpy(), atol=1e-10)


def test_parameter_names_shapes_and_repr_match_torch(torch):
    pairs = [
        (nn.Conv2d(3, 8, 3, stride=2, padding=1, bias=False), torch.nn.Conv2d(3, 8, 3, 2, 1, bias=False)),
        (nn.Conv1d(4, 6, 5, groups=2, dilation=2), torch.nn.Conv1d(4, 6, 5, groups=2, dilation=2)),
        (nn.ConvTranspose2d(4, 6, 3, groups=2, output_padding=1, stride=2),
         torch.nn.ConvTranspose2d(4, 6, 3, groups=2, output_padding=1, stride=2)),
        (nn.Conv2d(2, 2, 3, padding="same", padding_mode="reflect"),
         torch.nn.Conv2d(2, 2, 3, padding="same", padding_mode="reflect")),
    ]  # fmt: skip
    for ours, theirs in pairs:
        assert repr(ours) == repr(theirs)
        assert [(n, tuple(p.shape)) for n, p in ours.named_parameters()] == [
            (n, tuple(p.shape)) for n, p in theirs.named_parameters()
        ]


def test_state_dict_round_trip_with_torch(torch):
    ours = nn.Conv2d(3, 5, 3, padding=1)
    theirs = torch.nn.Conv2d(3, 5, 3, padding=1)
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    x = RNG.standard_normal((1, 3, 6, 6)).astype(np.float32)
    np.testing.assert_allclose(theirs(torch.tensor(x)).detach().numpy(),
                               ours(tl.tensor(x)).detach().numpy(), atol=1e-5)  # fmt: skip
    back = nn.Conv2d(3, 5, 3, padding=1)
    back.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    np.testing.assert_array_equal(back.weight.numpy(), ours.weight.numpy())


def test_default_init_bounds():
    tl.manual_seed(0)
    m = nn.Conv2d(4, 16, 3)
    fan_in = 4 * 9
    bound = 1 / np.sqrt(fan_in)  # kaiming_uniform with a=√5 gives the same bound as the bias
    w, b = m.weight.numpy(), m.bias.numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.8 * bound
    assert np.abs(b).max() <= bound
    assert m.weight.dtype == tl.float32


# ---------------------------------------------------------------- finite differences


GC = [
    (dict(stride=1, padding=1), 1),
    (dict(stride=2, padding=(1, 0), dilation=(2, 1)), 1),
    (dict(stride=1, padding="same", groups=2), 2),
]


@pytest.mark.parametrize("kw,groups", GC, ids=str)
def test_conv2d_gradcheck_and_gradgradcheck(kw, groups):
    kw = {**kw}
    kw.pop("groups", None)
    x, w, b = t64(2, 2, 5, 4), t64(2, 2 // groups, 3, 2), t64(2)

    def f(x, w, b):
        return F.conv2d(x, w, b, groups=groups, **kw)

    assert gradcheck(f, (x, w, b))
    assert gradgradcheck(f, (x, w, b))


def test_conv_transpose2d_and_fold_second_order():
    x, w = t64(1, 2, 3, 3), t64(2, 2, 2, 2)
    assert gradgradcheck(lambda x, w: F.conv_transpose2d(x, w, stride=2, padding=1,
                                                         output_padding=1), (x, w))  # fmt: skip
    c = t64(1, 8, 4)
    assert gradgradcheck(lambda c: F.fold(c, (3, 3), 2) ** 2, (c,))
    u = t64(1, 2, 3, 3)
    assert gradgradcheck(lambda u: F.unfold(u, 2, padding=1) ** 2, (u,))


def test_conv_third_order_is_a_conv():
    """d³/dx³ of (conv(x, w))³ summed: built from the conv family on Tensors."""
    x, w = t64(1, 1, 4, 4), t64(1, 1, 2, 2)

    def f(x):
        return (F.conv2d(x, w) ** 3).sum()

    (g1,) = tl.autograd.grad(f(x), x, create_graph=True)
    (g2,) = tl.autograd.grad(g1.sum(), x, create_graph=True)
    (g3,) = tl.autograd.grad(g2.sum(), x)
    # closed form: y = conv(x, w); d/dx Σ y³ ... third derivative of Σ y³ along the all-ones
    # direction twice is Σ 6·(conv(1, w))² applied through conv_input
    ones = np.ones((1, 1, 4, 4))
    c1 = F.conv2d(tl.tensor(ones), w.detach()).numpy()
    expect = F.conv_transpose2d(tl.tensor(6 * c1 * c1), w.detach()).numpy()
    np.testing.assert_allclose(g3.numpy(), expect, rtol=1e-10)


# ---------------------------------------------------------------- hypothesis shapes


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 2), cg=st.integers(1, 3), og=st.integers(1, 2), groups=st.integers(1, 3),
    h=st.integers(1, 8), w=st.integers(1, 8), kh=st.integers(1, 3), kw=st.integers(1, 3),
    sh=st.integers(1, 3), sw=st.integers(1, 3), ph=st.integers(0, 2), pw=st.integers(0, 2),
    dh=st.integers(1, 2), dw=st.integers(1, 2),
)  # fmt: skip
def test_conv2d_random_shapes_match_torch(n, cg, og, groups, h, w, kh, kw, sh, sw, ph, pw, dh, dw):
    torch = pytest.importorskip("torch")
    if h + 2 * ph < dh * (kh - 1) + 1 or w + 2 * pw < dw * (kw - 1) + 1:
        return  # the kernel does not fit: an error case, tested below
    x = RNG.standard_normal((n, cg * groups, h, w))
    wt = RNG.standard_normal((og * groups, cg, kh, kw))
    b = RNG.standard_normal(og * groups)
    kwargs = dict(stride=(sh, sw), padding=(ph, pw), dilation=(dh, dw), groups=groups)
    check_grads(torch, lambda *a: F.conv2d(*a, **kwargs),
                lambda *a: torch.nn.functional.conv2d(*a, **kwargs), [x, wt, b])  # fmt: skip


@settings(max_examples=25, deadline=None)
@given(h=st.integers(1, 6), w=st.integers(1, 6), k=st.integers(1, 3), s=st.integers(1, 3),
       p=st.integers(0, 2), op=st.integers(0, 2), d=st.integers(1, 2))  # fmt: skip
def test_conv_transpose2d_random_shapes_match_torch(h, w, k, s, p, op, d):
    torch = pytest.importorskip("torch")
    if (
        op >= s
        or (h - 1) * s - 2 * p + d * (k - 1) + op + 1 < 1
        or ((w - 1) * s - 2 * p + d * (k - 1) + op + 1 < 1)
    ):
        return
    x, wt = RNG.standard_normal((1, 2, h, w)), RNG.standard_normal((2, 3, k, k))
    kwargs = dict(stride=s, padding=p, output_padding=op, dilation=d)
    check_grads(torch, lambda *a: F.conv_transpose2d(*a, **kwargs),
                lambda *a: torch.nn.functional.conv_transpose2d(*a, **kwargs), [x, wt])  # fmt: skip


# ---------------------------------------------------------------- errors


def test_errors_name_the_op_and_shapes():
    x = tl.randn(2, 3, 8, 8)
    with pytest.raises(
        RuntimeError, match=r"conv2d: Given groups=1, weight of size \[4, 2, 3, 3\]"
    ):
        F.conv2d(x, tl.randn(4, 2, 3, 3))
    with pytest.raises(RuntimeError, match="Kernel size can't be greater"):
        F.conv2d(tl.randn(1, 1, 2, 2), tl.randn(1, 1, 3, 3))
    with pytest.raises(ValueError, match="padding='same' is not supported for strided"):
        F.conv2d(x, tl.randn(4, 3, 3, 3), stride=2, padding="same")
    with pytest.raises(RuntimeError, match="same dtype"):
        F.conv2d(x, tl.randn(4, 3, 3, 3, dtype=tl.float64))
    with pytest.raises(RuntimeError, match="Expected 3D .unbatched. or 4D"):
        F.conv2d(tl.randn(8, 8), tl.randn(4, 3, 3, 3))
    with pytest.raises(ValueError, match="in_channels must be divisible by groups"):
        nn.Conv2d(3, 4, 3, groups=2)
    with pytest.raises(ValueError, match="padding_mode must be one of"):
        nn.Conv2d(3, 4, 3, padding_mode="mirror")
    with pytest.raises(RuntimeError, match="output padding must be smaller"):
        F.conv_transpose2d(x, tl.randn(3, 2, 3, 3), output_padding=1)
    with pytest.raises(RuntimeError, match="Padding size should be less"):
        F.pad(tl.randn(1, 1, 3, 3), (3, 3), mode="reflect")
