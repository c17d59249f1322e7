"""Masking ops pass exactly 0 (not inf * 0 = NaN) where their mask is 0, as PyTorch; NaN in
max/maximum and ties of clamp with tensor bounds get PyTorch's gradients."""

import numpy as np
import pytest

import tinygrad_lite as tl
import tinygrad_lite.nn.functional as F
from tinygrad_lite.autograd import gradcheck, gradgradcheck

INF = float("inf")
NAN = float("nan")

# (name, op on (x, other)) -- each masks some elements out; x = [-1, 4, 2] and an infinite
# upstream (sqrt at 0) reaches the masked-out elements
MASKING = {
    "relu": lambda lib, x: lib.relu(x),
    "clamp": lambda lib, x: lib.clamp(x, 0.0, 3.0),
    "clamp_tensor_bounds": lambda lib, x: lib.clamp(x, lib.zeros(3), lib.full((3,), 3.0)),
    "where": lambda lib, x: lib.where(x > 0, x, lib.zeros(3)),
    "masked_fill": lambda lib, x: x.masked_fill(x < 0, 0.0),
    "maximum": lambda lib, x: lib.maximum(x, lib.zeros(3)),
    "minimum": lambda lib, x: -lib.minimum(-x, lib.zeros(3)),
    "huber": lambda lib, x: lib.nn.functional.huber_loss(x, lib.full((3,), 0.5), reduction="none"),
    "smooth_l1": lambda lib, x: lib.nn.functional.smooth_l1_loss(
        x, lib.full((3,), 0.5), reduction="none"
    ),
}


def _grad_through_sqrt(lib, op):
    x = lib.tensor([-1.0, 4.0, 2.0], requires_grad=True)
    y = op(lib, x)
    # sqrt(y - y.detach()) has an infinite derivative everywhere: every masked-out entry
    # sees an infinite upstream gradient
    (y - y.detach()).sqrt().sum().backward()
    return x.grad.numpy()


@pytest.mark.parametrize("name", sorted(MASKING))
def test_an_infinite_upstream_gives_zero_where_masked_out(name):
    with np.errstate(all="ignore"):
        g = _grad_through_sqrt(tl, MASKING[name])
    assert not np.isnan(g).any(), g
    if name not in ("huber", "smooth_l1"):  # (these take their linear branch: -inf there)
        assert g[0] == 0.0, g  # x = -1 is masked out


@pytest.mark.parametrize("name", sorted(MASKING))
def test_masking_grads_match_pytorch(name):
    torch = pytest.importorskip("torch")
    with np.errstate(all="ignore"):
        ours = _grad_through_sqrt(tl, MASKING[name])
    theirs = _grad_through_sqrt(torch, MASKING[name])
    np.testing.assert_array_equal(ours, theirs)


def test_relu_sqrt_example_from_the_issue():
    x = tl.tensor([-1.0, 4.0], requires_grad=True)
    x.relu().sqrt().sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.25])


@pytest.mark.parametrize("name", ["relu", "clamp", "where", "masked_fill", "maximum", "minimum"])
def test_masking_ops_gradcheck_and_gradgradcheck(name):
    x = tl.tensor([-1.3, 0.7, 2.2], dtype=tl.float64, requires_grad=True)
    lib = _F64Lib()
    assert gradcheck(lambda t: MASKING[name](lib, t) * t, (x,))
    assert gradgradcheck(lambda t: MASKING[name](lib, t) * t, (x,))


class _F64Lib:
    """tinygrad_lite with float64 constants (for gradcheck)."""

    nn = tl.nn

    def __getattr__(self, name):
        fn = getattr(tl, name)
        if name in ("zeros", "full"):
            return lambda *a, **k: fn(*a, dtype=tl.float64, **k)
        return fn


def test_maximum_with_nan_sends_the_gradient_to_both_as_pytorch():
    x = tl.tensor([1.0, NAN, 3.0], requires_grad=True)
    y = tl.tensor([2.0, 2.0, 3.0], requires_grad=True)
    tl.maximum(x, y).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 1.0, 0.5])
    np.testing.assert_array_equal(y.grad.numpy(), [1.0, 1.0, 0.5])


def test_max_of_all_with_nan_sends_the_gradient_to_the_nans():
    x = tl.tensor([[1.0, NAN], [NAN, 2.0]], requires_grad=True)
    x.max().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0.0, 0.5], [0.5, 0.0]])


def test_max_of_all_shares_ties_and_gives_zero_elsewhere_even_for_inf_upstream():
    x = tl.tensor([1.0, 3.0, 3.0], requires_grad=True)
    with np.errstate(all="ignore"):
        (x.max() - 3).sqrt().backward()
    g = x.grad.numpy()
    assert g[0] == 0.0 and np.isinf(g[1:]).all()


def test_max_min_nan_and_inf_cases_match_pytorch():
    torch = pytest.importorskip("torch")
    data = [[1.0, NAN, 3.0], [1.0, 5.0, 5.0]]
    for fn in (
        lambda t: t.max(),
        lambda t: t.min(),
        lambda t: t.amax(1).sum(),
        lambda t: t.max(1)[0].sum(),
        lambda t: t.maximum(t[:, [2, 1, 0]]).sum(),
    ):
        a = tl.tensor(data, requires_grad=True)
        b = torch.tensor(data, requires_grad=True)
        fn(a).backward()
        fn(b).backward()
        np.testing.assert_array_equal(a.grad.numpy(), b.grad.numpy())


def test_clamp_with_tensor_bounds_gives_ties_to_the_input():
    x = tl.tensor([0.0, 1.0, 2.0, 3.0], requires_grad=True)
    lo = tl.tensor([0.0, 2.0, 0.0, 0.0], requires_grad=True)
    hi = tl.tensor([5.0, 5.0, 2.0, 1.0], requires_grad=True)
    out = tl.clamp(x, lo, hi)
    out.sum().backward()
    np.testing.assert_array_equal(out.numpy(), [0.0, 2.0, 2.0, 1.0])
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 0.0, 1.0, 0.0])
    np.testing.assert_array_equal(lo.grad.numpy(), [0.0, 1.0, 0.0, 0.0])
    np.testing.assert_array_equal(hi.grad.numpy(), [0.0, 0.0, 0.0, 1.0])


def test_clamp_with_tensor_bounds_matches_pytorch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    xs = rng.integers(-2, 3, (4, 5)).astype(np.float32)
    los = rng.integers(-2, 1, (5,)).astype(np.float32)
    his = rng.integers(0, 3, (4, 1)).astype(np.float32)
    grads = []
    for lib in (tl, torch):
        x, lo, hi = (lib.tensor(a, requires_grad=True) for a in (xs, los, his))
        out = lib.clamp(x, lo, hi)
        (out * lib.tensor(np.arange(20.0, dtype=np.float32).reshape(4, 5))).sum().backward()
        grads.append([np.asarray(t.detach().numpy()) for t in (out, x.grad, lo.grad, hi.grad)])
    for a, b in zip(*grads):
        np.testing.assert_array_equal(a, b)


def test_clamp_with_tensor_bounds_gradcheck():
    x = tl.tensor([-1.5, 0.2, 0.9, 3.0], dtype=tl.float64, requires_grad=True)
    lo = tl.tensor([0.0, -1.0, 0.5, 0.0], dtype=tl.float64, requires_grad=True)
    hi = tl.tensor([2.0, 1.0, 0.7, 1.0], dtype=tl.float64, requires_grad=True)
    assert gradcheck(lambda a, b, c: tl.clamp(a, b, c), (x, lo, hi))


def test_huber_and_smooth_l1_gradcheck():
    x = tl.tensor([-2.5, -0.3, 0.4, 1.9], dtype=tl.float64, requires_grad=True)
    t = tl.zeros(4, dtype=tl.float64)
    assert gradcheck(lambda a: F.huber_loss(a, t, reduction="none", delta=1.0), (x,))
    assert gradcheck(lambda a: F.smooth_l1_loss(a, t, reduction="none", beta=0.5), (x,))
