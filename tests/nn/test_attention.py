"""scaled_dot_product_attention and MultiheadAttention against PyTorch (masks, causal,
scale, batch_first, key_padding_mask, averaged and per-head weights, kdim/vdim, unbatched),
gradcheck in float64, parameter layout."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite import nn
from tinygrad_lite.autograd import gradcheck
from tinygrad_lite.nn import functional as F

from ._compare import close, to_ours

RNG = np.random.default_rng(0)
Q, K, V = (
    RNG.standard_normal((2, 3, 5, 4)),
    RNG.standard_normal((2, 3, 6, 4)),
    RNG.standard_normal((2, 3, 6, 7)),
)
BOOL_MASK = RNG.random((5, 6)) > 0.3
BOOL_MASK[:, 0] = True
FLOAT_MASK = RNG.standard_normal((5, 6))


@pytest.mark.parametrize("kw", ["plain", "causal", "bool", "float", "scale"])
def test_sdpa_against_pytorch(torch, kw):
    def args(lib):
        return {"plain": {}, "causal": {"is_causal": True}, "bool": {"attn_mask": lib.tensor(BOOL_MASK)},
                "float": {"attn_mask": lib.tensor(FLOAT_MASK)}, "scale": {"scale": 0.3}}[kw]  # fmt: skip

    ts = [torch.tensor(a, requires_grad=True) for a in (Q, K, V)]
    os_ = [tl.tensor(a, requires_grad=True) for a in (Q, K, V)]
    a = torch.nn.functional.scaled_dot_product_attention(*ts, **args(torch))
    b = F.scaled_dot_product_attention(*os_, **args(tl))
    close(a, b)
    (a**2).sum().backward()
    (b**2).sum().backward()
    for x, y in zip(ts, os_):
        close(x.grad, y.grad)


def test_sdpa_gradcheck_and_dropout():
    q, k, v = (tl.tensor(a[:1, :1], requires_grad=True) for a in (Q, K, V))
    assert gradcheck(
        lambda q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=True), (q, k, v)
    )
    tl.manual_seed(0)
    dropped = F.scaled_dot_product_attention(q, k, v, dropout_p=0.5)
    assert not np.allclose(dropped.numpy(), F.scaled_dot_product_attention(q, k, v).numpy())
    with pytest.raises(RuntimeError, match="is_causal"):
        F.scaled_dot_product_attention(q, k, v, attn_mask=tl.tensor(BOOL_MASK), is_causal=True)


def test_mha_parameter_layout(torch):
    for kw in [{}, {"kdim": 3, "vdim": 5}, {"bias": False}]:
        t, o = torch.nn.MultiheadAttention(8, 2, **kw), nn.MultiheadAttention(8, 2, **kw)
        assert list(t.state_dict()) == list(o.state_dict())
        assert [tuple(v.shape) for v in t.state_dict().values()] == [
            tuple(v.shape) for v in o.state_dict().values()
        ]
    o = nn.MultiheadAttention(8, 2)
    assert np.all(o.in_proj_bias.numpy() == 0) and np.all(o.out_proj.bias.numpy() == 0)
    with pytest.raises(AssertionError, match="divisible"):
        nn.MultiheadAttention(9, 2)


@pytest.mark.parametrize(
    "bf, kdim, avg", itertools.product([False, True], [None, 3], [True, False])
)
def test_mha_against_pytorch(torch, bf, kdim, avg):
    t = torch.nn.MultiheadAttention(8, 2, batch_first=bf, kdim=kdim, vdim=kdim).double()
    o = nn.MultiheadAttention(8, 2, batch_first=bf, kdim=kdim, vdim=kdim).double()
    to_ours(t, o)
    x = RNG.standard_normal((4, 5, 8) if bf else (5, 4, 8))
    y = RNG.standard_normal((4, 6, kdim or 8) if bf else (6, 4, kdim or 8))
    kpm = np.zeros((4, 6), bool)
    kpm[1, 2:] = True
    am = np.triu(np.ones((5, 6), bool), 1)
    tx, ox = torch.tensor(x, requires_grad=True), tl.tensor(x, requires_grad=True)
    ty, oy = torch.tensor(y, requires_grad=True), tl.tensor(y, requires_grad=True)
    a, aw = t(tx, ty, ty, key_padding_mask=torch.tensor(kpm), attn_mask=torch.tensor(am),
              average_attn_weights=avg)  # fmt: skip
    b, bw = o(ox, oy, oy, key_padding_mask=tl.tensor(kpm), attn_mask=tl.tensor(am),
              average_attn_weights=avg)  # fmt: skip
    close(a, b)
    close(aw, bw)
    ((a**2).sum() + (aw * 3).sum()).backward()
    ((b**2).sum() + (bw * 3).sum()).backward()
    close(tx.grad, ox.grad)
    close(ty.grad, oy.grad)
    for name, p in t.named_parameters():
        close(p.grad, dict(o.named_parameters())[name].grad, what=name)


def test_mha_self_attention_float_mask_unbatched_and_no_weights(torch):
    t = torch.nn.MultiheadAttention(8, 4).double()
    o = nn.MultiheadAttention(8, 4).double()
    to_ours(t, o)
    x = RNG.standard_normal((5, 8))
    mask = RNG.standard_normal((5, 5))
    tm, om = torch.tensor(mask, requires_grad=True), tl.tensor(mask, requires_grad=True)
    a, aw = t(torch.tensor(x), torch.tensor(x), torch.tensor(x), attn_mask=tm)
    b, bw = o(tl.tensor(x), tl.tensor(x), tl.tensor(x), attn_mask=om)
    close(a, b)
    close(aw, bw)
    (a**2).sum().backward()
    (b**2).sum().backward()
    close(tm.grad, om.grad)  # a float mask is differentiable, as in PyTorch
    ox = tl.tensor(x[:, None], requires_grad=True)
    out, none = o(ox, ox, ox, need_weights=False)
    assert none is None
    assert gradcheck(lambda x: o(x, x, x)[0], (ox,))
    with pytest.raises(RuntimeError, match="Need attn_mask"):
        o(ox, ox, ox, is_causal=True)
    with pytest.raises(RuntimeError, match="shape of the attn_mask"):
        o(ox, ox, ox, attn_mask=tl.zeros(3, 3))


def test_mish_gelu_silu_against_pytorch(torch):
    x = RNG.standard_normal(20) * 3
    tx, ox = torch.tensor(x, requires_grad=True), tl.tensor(x, requires_grad=True)
    pairs = [(torch.nn.Mish(), nn.Mish()), (torch.nn.GELU("tanh"), nn.GELU("tanh")),
             (torch.nn.GELU(), nn.GELU()), (torch.nn.SiLU(), nn.SiLU())]  # fmt: skip
    for tm, om in pairs:
        tx.grad = ox.grad = None
        a, b = tm(tx), om(ox)
        close(a, b, 1e-7)
        a.sum().backward()
        b.sum().backward()
        close(tx.grad, ox.grad, 1e-7)
    assert gradcheck(F.mish, (tl.tensor(x[:5], requires_grad=True),))
