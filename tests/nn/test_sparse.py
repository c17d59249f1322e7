"""Embedding and EmbeddingBag: lookup, scatter-add backward (repeated indices, padding_idx),
max_norm, from_pretrained(freeze=), bags (sum/mean/max, offsets, per_sample_weights),
against PyTorch and by gradcheck."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite import nn
from tinygrad_lite.autograd import gradcheck, gradgradcheck
from tinygrad_lite.nn import functional as F

from ._compare import close, to_ours

IDX = np.array([[1, 5, 5], [0, 2, 5], [9, 9, 9]])


def test_repeated_indices_add_up_and_padding_row_gets_nothing():
    w = tl.randn(10, 4, requires_grad=True)
    F.embedding(tl.tensor(IDX), w, padding_idx=9).sum().backward()
    counts = np.bincount(IDX.ravel(), minlength=10).astype(np.float32)
    counts[9] = 0
    np.testing.assert_array_equal(w.grad.numpy(), np.repeat(counts[:, None], 4, 1))


def test_module_init_and_padding_row_zero():
    e = nn.Embedding(10, 3, padding_idx=-1)
    assert e.padding_idx == 9
    assert np.all(e.weight.numpy()[9] == 0)
    assert abs(float(e.weight.numpy()[:9].std()) - 1) < 0.5  # N(0, 1)
    assert repr(e) == "Embedding(10, 3, padding_idx=9)"


@pytest.mark.parametrize("kw", [{}, {"padding_idx": 5}, {"max_norm": 1.0},
                                {"scale_grad_by_freq": True}, {"max_norm": 0.5, "norm_type": 1.0}])  # fmt: skip
def test_embedding_against_pytorch(torch, kw):
    t = torch.nn.Embedding(10, 4, **kw).double()
    o = nn.Embedding(10, 4, **kw).double()
    to_ours(t, o)
    g = np.random.default_rng(0).standard_normal(IDX.shape + (4,))
    (t(torch.tensor(IDX)) * torch.tensor(g)).sum().backward()
    (o(tl.tensor(IDX)) * tl.tensor(g)).sum().backward()
    close(t.weight, o.weight, what="weight after max_norm")
    close(t.weight.grad, o.weight.grad, what="grad")


def test_from_pretrained_freeze_and_shared_table():
    table = tl.randn(5, 2)
    frozen = nn.Embedding.from_pretrained(table)
    assert not frozen.weight.requires_grad
    trained = nn.Embedding.from_pretrained(table, freeze=False, padding_idx=0)
    assert trained.weight.requires_grad and trained.padding_idx == 0
    out = trained(tl.tensor([[1, 0]]))
    np.testing.assert_array_equal(out.numpy()[0], table.numpy()[[1, 0]])
    with pytest.raises(AssertionError, match="2-dimensional"):
        nn.Embedding.from_pretrained(tl.randn(5))


def test_errors():
    e = nn.Embedding(4, 2)
    with pytest.raises(IndexError, match="out of range"):
        e(tl.tensor([4]))
    with pytest.raises(RuntimeError, match="integer dtype"):
        e(tl.tensor([1.0]))
    with pytest.raises(AssertionError, match="Padding_idx"):
        nn.Embedding(4, 2, padding_idx=4)


def test_gradcheck_float64():
    w = tl.randn(6, 3, dtype=tl.float64, requires_grad=True)
    idx = tl.tensor(IDX % 6)
    assert gradcheck(lambda w: F.embedding(idx, w), (w,))  # (padding_idx: zero by design)
    assert gradgradcheck(lambda w: F.embedding(idx, w, padding_idx=5) ** 2, (w,))


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("padding_idx", [None, 3])
def test_embedding_bag_against_pytorch(torch, mode, padding_idx):
    t = torch.nn.EmbeddingBag(12, 4, mode=mode, padding_idx=padding_idx).double()
    o = nn.EmbeddingBag(12, 4, mode=mode, padding_idx=padding_idx).double()
    to_ours(t, o)
    flat, offsets = np.array([1, 3, 4, 4, 2, 3, 9, 10]), np.array([0, 2, 2, 5])
    for args_t, args_o in [
        ((torch.tensor(flat), torch.tensor(offsets)), (tl.tensor(flat), tl.tensor(offsets))),
        ((torch.tensor(IDX),), (tl.tensor(IDX),)),
    ]:
        a, b = t(*args_t), o(*args_o)
        close(a, b)
        (a**2).sum().backward()
        (b**2).sum().backward()
        close(t.weight.grad, o.weight.grad)
        t.zero_grad()
        o.zero_grad()


def test_embedding_bag_per_sample_weights_and_last_offset(torch):
    t = torch.nn.EmbeddingBag(12, 4, mode="sum", include_last_offset=True).double()
    o = nn.EmbeddingBag(12, 4, mode="sum", include_last_offset=True).double()
    to_ours(t, o)
    flat, offsets = np.array([1, 3, 4, 4, 2]), np.array([0, 2, 5])
    psw = np.random.default_rng(1).standard_normal(5)
    tw, ow = torch.tensor(psw, requires_grad=True), tl.tensor(psw, requires_grad=True)
    a = t(torch.tensor(flat), torch.tensor(offsets), per_sample_weights=tw)
    b = o(tl.tensor(flat), tl.tensor(offsets), per_sample_weights=ow)
    close(a, b)
    a.sum().backward()
    b.sum().backward()
    close(tw.grad, ow.grad)
    close(t.weight.grad, o.weight.grad)
    with pytest.raises(NotImplementedError, match="per_sample_weights"):
        nn.EmbeddingBag(12, 4)(tl.tensor(flat), tl.tensor(offsets), per_sample_weights=ow)


def test_weight_tying_shares_one_parameter(torch):
    class LM(nn.Module):
        def __init__(self):
            super().__init__()
            self.wte = nn.Embedding(7, 4)
            self.lm_head = nn.Linear(4, 7, bias=False)
            self.lm_head.weight = self.wte.weight

        def forward(self, idx):
            return self.lm_head(self.wte(idx))

    m = LM()
    assert len(list(m.parameters())) == 1
    assert list(m.state_dict()) == ["wte.weight", "lm_head.weight"]
    m(tl.tensor([[1, 2, 2]])).sum().backward()
    w = m.wte.weight
    t = torch.tensor(w.detach().numpy(), requires_grad=True)
    (torch.nn.functional.embedding(torch.tensor([[1, 2, 2]]), t) @ t.T).sum().backward()
    close(t.grad, w.grad, 1e-5)
    vec = nn.utils.parameters_to_vector(m.parameters())
    assert tuple(vec.shape) == (28,)


@pytest.mark.parametrize("pad, freq", [(None, False), (5, False), (None, True)])
def test_small_table_gradient_matches_the_scatter_add(monkeypatch, pad, freq):
    """The 0/1-matmul gradient for small tables against np.add.at (the reference path)."""
    from tinygrad_lite import primitives_sequence as P

    idx = np.random.default_rng(3).integers(0, 27, (32, 3))
    g = np.random.default_rng(4).standard_normal((32, 3, 10)).astype(np.float32)
    grads = []
    for limit in (1 << 14, 0):
        monkeypatch.setattr(P, "_ONE_HOT_MAX", limit)
        grads.append(P.embedding_grad(g, (27, 10), idx, pad, freq))
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-6, atol=1e-6)
    assert grads[0].dtype == np.float32


@pytest.mark.parametrize("layer", [nn.Embedding, nn.EmbeddingBag])
def test_sparse_true_is_refused_when_the_layer_is_built(layer):
    with pytest.raises(NotImplementedError, match="sparse=True"):
        layer(10, 3, sparse=True)
    assert layer(10, 3, sparse=False).sparse is False
