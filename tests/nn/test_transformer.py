"""Transformer layers, stacks and nn.Transformer against PyTorch with copied weights
(post- and pre-norm, relu/gelu, masks, key padding), state dict names, the causal mask."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite import nn

from ._compare import close, to_ours, to_torch

RNG = np.random.default_rng(0)


def test_square_subsequent_mask(torch):
    a = torch.nn.Transformer.generate_square_subsequent_mask(4)
    b = nn.Transformer.generate_square_subsequent_mask(4)
    assert np.array_equal(a.numpy(), b.numpy()) and b.dtype == tl.float32


@pytest.mark.parametrize(
    "norm_first, act, bf", itertools.product([False, True], ["relu", "gelu"], [False, True])
)
def test_transformer_against_pytorch(torch, norm_first, act, bf):
    kw = {"dropout": 0.0, "activation": act, "norm_first": norm_first, "batch_first": bf}
    t = torch.nn.Transformer(16, 4, 2, 2, 32, **kw).double()
    o = nn.Transformer(16, 4, 2, 2, 32, **kw).double()
    assert list(t.state_dict()) == list(o.state_dict())
    to_ours(t, o)
    src = RNG.standard_normal((2, 7, 16) if bf else (7, 2, 16))
    tgt = RNG.standard_normal((2, 5, 16) if bf else (5, 2, 16))
    kpm = np.zeros((2, 7), bool)
    kpm[0, 5:] = True
    ts, os_ = torch.tensor(src, requires_grad=True), tl.tensor(src, requires_grad=True)
    tt, ot = torch.tensor(tgt, requires_grad=True), tl.tensor(tgt, requires_grad=True)
    tmask = torch.nn.Transformer.generate_square_subsequent_mask(5, dtype=torch.float64)
    omask = nn.Transformer.generate_square_subsequent_mask(5, dtype=tl.float64)
    a = t(ts, tt, tgt_mask=tmask, src_key_padding_mask=torch.tensor(kpm),
          memory_key_padding_mask=torch.tensor(kpm), tgt_is_causal=True)  # fmt: skip
    b = o(os_, ot, tgt_mask=omask, src_key_padding_mask=tl.tensor(kpm),
          memory_key_padding_mask=tl.tensor(kpm), tgt_is_causal=True)  # fmt: skip
    close(a, b, 1e-6)
    (a**2).sum().backward()
    (b**2).sum().backward()
    close(ts.grad, os_.grad, 1e-6)
    close(tt.grad, ot.grad, 1e-6)
    for name, p in t.named_parameters():
        close(p.grad, dict(o.named_parameters())[name].grad, 1e-6, name)


def test_encoder_with_custom_activation_and_state_dict_both_ways(torch):
    o_layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, activation=tl.nn.functional.silu)
    o = nn.TransformerEncoder(o_layer, 3, norm=nn.LayerNorm(8))
    t_layer = torch.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0,
                                               activation=torch.nn.functional.silu)  # fmt: skip
    t = torch.nn.TransformerEncoder(
        t_layer, 3, norm=torch.nn.LayerNorm(8), enable_nested_tensor=False
    )
    to_torch(torch, o, t)
    x = RNG.standard_normal((6, 2, 8)).astype(np.float32)
    mask = nn.Transformer.generate_square_subsequent_mask(6)
    a = t(torch.tensor(x), mask=torch.tensor(mask.numpy()), is_causal=True)
    b = o(tl.tensor(x), mask=mask, is_causal=True)
    close(a, b, 1e-5)
    assert o.layers[0] is not o.layers[1]  # deep copies
    assert o.layers[0].linear1.weight is not o.layers[1].linear1.weight


def test_decoder_layer_alone_and_errors(torch):
    t = torch.nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0, batch_first=True).double()
    o = nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0, batch_first=True).double()
    to_ours(t, o)
    tgt, mem = RNG.standard_normal((2, 3, 8)), RNG.standard_normal((2, 4, 8))
    close(t(torch.tensor(tgt), torch.tensor(mem)), o(tl.tensor(tgt), tl.tensor(mem)))
    with pytest.raises(RuntimeError, match="activation should be relu/gelu"):
        nn.TransformerEncoderLayer(8, 2, activation="tanh")
    m = nn.Transformer(8, 2, 1, 1, 16)
    with pytest.raises(RuntimeError, match="d_model"):
        m(tl.randn(3, 2, 4), tl.randn(3, 2, 8))


def test_dropout_active_only_in_training():
    layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.5)
    x = tl.randn(4, 2, 8)
    layer.eval()
    assert np.array_equal(layer(x).numpy(), layer(x).numpy())
    layer.train()
    assert not np.allclose(layer(x).numpy(), layer(x).numpy())


def test_clip_grad_norm_and_parameters_to_vector_on_a_transformer(torch):
    """Gradient tools on many parameters (a whole Transformer), against PyTorch."""
    t = torch.nn.Transformer(8, 2, 1, 1, 16, dropout=0.0).double()
    o = nn.Transformer(8, 2, 1, 1, 16, dropout=0.0).double()
    to_ours(t, o)
    src, tgt = RNG.standard_normal((5, 2, 8)), RNG.standard_normal((4, 2, 8))
    (t(torch.tensor(src), torch.tensor(tgt)) ** 2).sum().backward()
    (o(tl.tensor(src), tl.tensor(tgt)) ** 2).sum().backward()
    for norm_type in (2.0, float("inf")):
        a = torch.nn.utils.clip_grad_norm_(t.parameters(), 0.5, norm_type)
        b = nn.utils.clip_grad_norm_(o.parameters(), 0.5, norm_type)
        close(a, b, 1e-9)
    for (name, p), q in zip(t.named_parameters(), o.parameters()):
        close(p.grad, q.grad, 1e-9, name)
    va = torch.nn.utils.parameters_to_vector(t.parameters())
    vb = nn.utils.parameters_to_vector(o.parameters())
    close(va, vb, 0)
    nn.utils.vector_to_parameters(vb * 2, o.parameters())
    close(va * 2, nn.utils.parameters_to_vector(o.parameters()), 0)
