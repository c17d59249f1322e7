"""BatchNorm/LayerNorm/GroupNorm/InstanceNorm and channel dropout: against PyTorch with copied
weights (values, input and parameter gradients, running statistics after several training
steps, eval mode, state dicts both ways) and finite differences in float64."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite import nn
from tinygrad_lite.autograd import gradcheck, gradgradcheck
from tinygrad_lite.nn import functional as F

RNG = np.random.default_rng(2)


def copy_from_torch(ours, theirs):
    ours.load_state_dict({k: v.detach().numpy().copy() for k, v in theirs.state_dict().items()})


def train_steps(torch, ours, theirs, shape, steps=4, atol=1e-10):
    """Run a few train steps on the same data; compare outputs, grads and running stats."""
    for _ in range(steps):
        x = RNG.standard_normal(shape) * 3 + 1
        xo, xt = tl.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        yo, yt = ours(xo), theirs(xt)
        np.testing.assert_allclose(yo.detach().numpy(), yt.detach().numpy(), atol=atol)
        g = RNG.standard_normal(shape)
        yo.backward(tl.tensor(g))
        yt.backward(torch.tensor(g))
        np.testing.assert_allclose(xo.grad.numpy(), xt.grad.numpy(), atol=atol)
        for (name, p), q in zip(theirs.named_parameters(), ours.parameters()):
            np.testing.assert_allclose(q.grad.numpy(), p.grad.numpy(), atol=atol, err_msg=name)
    for name, b in theirs.state_dict().items():
        np.testing.assert_allclose(ours.state_dict()[name].numpy(), b.numpy(), atol=atol,
                                   err_msg=name)  # fmt: skip


BN = [
    dict(),
    dict(bias=False),
    dict(momentum=0.3, affine=False),
    dict(momentum=None),
    dict(track_running_stats=False),
]


@pytest.mark.parametrize("kw", BN, ids=str)
@pytest.mark.parametrize("cls,shape", [("BatchNorm1d", (8, 3)), ("BatchNorm1d", (4, 3, 5)),
                                       ("BatchNorm2d", (4, 3, 5, 6))])  # fmt: skip
def test_batch_norm_matches_torch(torch, kw, cls, shape):
    theirs = getattr(torch.nn, cls)(3, **kw).double()
    ours = getattr(nn, cls)(3, **kw).double()
    if ours.affine:
        with torch.no_grad():
            theirs.weight.uniform_(0.5, 1.5)
            if theirs.bias is not None:
                theirs.bias.uniform_(-1, 1)
    copy_from_torch(ours, theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert repr(ours) == repr(theirs)
    train_steps(torch, ours, theirs, shape)
    ours.eval()
    theirs.eval()
    train_steps(torch, ours, theirs, shape, steps=1)
    # and back into PyTorch
    fresh = getattr(torch.nn, cls)(3, **kw).double()
    fresh.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    assert int(fresh.state_dict().get("num_batches_tracked", torch.tensor(0))) == (
        4 if ours.track_running_stats else 0
    )


def test_batch_norm_errors():
    with pytest.raises(ValueError, match="expected 4D input"):
        nn.BatchNorm2d(3)(tl.randn(2, 3, 4))
    with pytest.raises(ValueError, match="Expected more than 1 value per channel"):
        nn.BatchNorm1d(3)(tl.randn(1, 3))


@pytest.mark.parametrize("kw", [dict(), dict(elementwise_affine=False), dict(bias=False)], ids=str)
def test_layer_norm_matches_torch(torch, kw):
    theirs = torch.nn.LayerNorm((4, 5), **kw).double()
    ours = nn.LayerNorm((4, 5), **kw).double()
    if kw.get("elementwise_affine", True):
        with torch.no_grad():
            theirs.weight.uniform_(0.5, 1.5)
            if theirs.bias is not None:
                theirs.bias.uniform_(-1, 1)
    copy_from_torch(ours, theirs)
    train_steps(torch, ours, theirs, (3, 4, 5), steps=1)


@pytest.mark.parametrize("affine,bias", [(True, True), (True, False), (False, True)])
def test_group_norm_matches_torch(torch, affine, bias):
    theirs = torch.nn.GroupNorm(2, 6, affine=affine, bias=bias).double()
    ours = nn.GroupNorm(2, 6, affine=affine, bias=bias).double()
    if affine:
        with torch.no_grad():
            theirs.weight.uniform_(0.5, 1.5)
            if bias:
                theirs.bias.uniform_(-1, 1)
    copy_from_torch(ours, theirs)
    train_steps(torch, ours, theirs, (3, 6, 4, 5), steps=1)


@pytest.mark.parametrize("kw", [dict(), dict(affine=True, track_running_stats=True)], ids=str)
def test_instance_norm_matches_torch(torch, kw):
    theirs = torch.nn.InstanceNorm2d(3, **kw).double()
    ours = nn.InstanceNorm2d(3, **kw).double()
    copy_from_torch(ours, theirs)
    train_steps(torch, ours, theirs, (4, 3, 5, 6), steps=3)
    ours.eval()
    theirs.eval()
    train_steps(torch, ours, theirs, (4, 3, 5, 6), steps=1)
    t1, o1 = torch.nn.InstanceNorm1d(3).double(), nn.InstanceNorm1d(3).double()
    train_steps(torch, o1, t1, (2, 3, 7), steps=1)


def test_functional_forms_match_torch(torch):
    x = RNG.standard_normal((4, 3, 5))
    w, b = RNG.uniform(0.5, 1.5, 3), RNG.standard_normal(3)
    rm, rv = RNG.standard_normal(3), RNG.uniform(0.5, 2, 3)
    got = F.batch_norm(tl.tensor(x), tl.tensor(rm), tl.tensor(rv), tl.tensor(w), tl.tensor(b))
    want = torch.nn.functional.batch_norm(torch.tensor(x), torch.tensor(rm), torch.tensor(rv),
                                          torch.tensor(w), torch.tensor(b))  # fmt: skip
    np.testing.assert_allclose(got.numpy(), want.numpy(), atol=1e-12)
    got = F.layer_norm(tl.tensor(x), (5,), eps=1e-3)
    want = torch.nn.functional.layer_norm(torch.tensor(x), (5,), eps=1e-3)
    np.testing.assert_allclose(got.numpy(), want.numpy(), atol=1e-12)
    got = F.group_norm(tl.tensor(x), 3, tl.tensor(w), tl.tensor(b))
    want = torch.nn.functional.group_norm(torch.tensor(x), 3, torch.tensor(w), torch.tensor(b))
    np.testing.assert_allclose(got.numpy(), want.numpy(), atol=1e-12)


def test_norm_gradchecks_second_order():
    x = tl.tensor(RNG.standard_normal((4, 2, 3)), requires_grad=True)
    w = tl.tensor(RNG.uniform(0.5, 1.5, 2), requires_grad=True)
    b = tl.tensor(RNG.standard_normal(2), requires_grad=True)
    bn = lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True)  # noqa: E731
    assert gradcheck(bn, (x, w, b))
    assert gradgradcheck(bn, (x, w, b))
    assert gradgradcheck(lambda x: F.layer_norm(x, (2, 3)), (x,))
    assert gradgradcheck(lambda x, w, b: F.group_norm(x, 2, w, b), (x, w, b))
    assert gradgradcheck(lambda x: F.instance_norm(x), (x,))


def test_channel_dropout():
    tl.manual_seed(0)
    x = tl.ones(50, 20, 3, 3)
    y = nn.Dropout2d(0.4)(x).numpy()
    per_channel = y.reshape(50, 20, 9)
    assert ((per_channel == 0).all(-1) | (per_channel == 1 / 0.6).all(-1)).all()
    dropped = (per_channel == 0).all(-1).mean()
    assert 0.3 < dropped < 0.5
    m = nn.Dropout1d(0.5)
    m.eval()
    assert m(tl.ones(2, 3, 4)).numpy().min() == 1
    y = F.dropout1d(tl.ones(2, 30, 4), 0.5).numpy()
    assert ((y == 0).all(-1) | (y == 2).all(-1)).all()
    with pytest.raises(RuntimeError, match="Expected 3D or 4D input"):
        F.dropout2d(tl.ones(2, 3), 0.5)


def test_reprs_match_torch(torch):
    for make in ("LayerNorm(5)", "LayerNorm((4, 5), bias=False)", "LayerNorm(3, elementwise_affine=False)",
                 "GroupNorm(2, 4)", "GroupNorm(2, 4, affine=False)", "InstanceNorm2d(3)",
                 "InstanceNorm1d(3, affine=True, bias=False)", "LazyBatchNorm2d()",
                 "Dropout2d(0.3)", "Dropout1d()"):  # fmt: skip
        assert repr(eval("nn." + make)) == repr(eval("torch.nn." + make)), make
