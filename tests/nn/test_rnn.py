"""RNN, LSTM, GRU and their cells: PyTorch's parameter names, shapes and init; outputs,
final states, input and parameter gradients against PyTorch with copied weights (every
flag, padded and packed input, initial states); gradcheck in float64; state dicts both ways."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite import nn
from tinygrad_lite.autograd import gradcheck, gradgradcheck

from ._compare import close, to_ours, to_torch

MODES = ["RNN", "LSTM", "GRU"]


def test_parameter_names_shapes_and_init():
    m = nn.LSTM(3, 8, num_layers=2, bidirectional=True, proj_size=2)
    shapes = {k: tuple(v.shape) for k, v in m.state_dict().items()}
    assert shapes["weight_ih_l0"] == (32, 3)
    assert shapes["weight_hh_l0"] == (32, 2)
    assert shapes["weight_hr_l0_reverse"] == (2, 8)
    assert shapes["weight_ih_l1"] == (32, 4)  # 2 directions x proj_size
    assert list(shapes)[:5] == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                                "weight_hr_l0"]  # fmt: skip
    bound = 1 / np.sqrt(8)
    for p in m.parameters():
        assert np.abs(p.numpy()).max() <= bound
    assert np.abs(m.weight_ih_l0.numpy()).max() > bound / 2  # not all zero: drawn
    g = nn.GRU(4, 5, bias=False)
    assert [k for k in g.state_dict()] == ["weight_ih_l0", "weight_hh_l0"]
    assert tuple(g.weight_ih_l0.shape) == (15, 4)


def test_names_match_pytorch(torch):
    for mode, kw in itertools.product(MODES, [{}, {"num_layers": 3, "bidirectional": True}]):
        t = getattr(torch.nn, mode)(3, 4, **kw)
        o = getattr(nn, mode)(3, 4, **kw)
        assert list(t.state_dict()) == list(o.state_dict())
        assert [tuple(v.shape) for v in t.state_dict().values()] == [
            tuple(v.shape) for v in o.state_dict().values()
        ]
        assert repr(t) == repr(o)


def _run(model, x, hx):
    out, h = model(x, hx) if hx is not None else model(x)
    return out, (h if isinstance(h, tuple) else (h,))


CONFIGS = [
    (mode, layers, bi, bf, bias, proj)
    for mode in MODES
    for layers, bi, bf, bias in itertools.product(
        [1, 2], [False, True], [False, True], [True, False]
    )
    for proj in ([0, 2] if mode == "LSTM" else [0])
]


@pytest.mark.parametrize("mode, layers, bi, bf, bias, proj", CONFIGS)
def test_padded_against_pytorch(torch, mode, layers, bi, bf, bias, proj):
    kw = {"num_layers": layers, "bidirectional": bi, "batch_first": bf, "bias": bias}
    if proj:
        kw["proj_size"] = proj
    t = getattr(torch.nn, mode)(3, 5, **kw).double()
    o = getattr(nn, mode)(3, 5, **kw).double()
    to_ours(t, o)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 6, 3) if bf else (6, 4, 3))
    h_size = proj or 5
    states = [rng.standard_normal((layers * (2 if bi else 1), 4, h_size))]
    if mode == "LSTM":
        states.append(rng.standard_normal((layers * (2 if bi else 1), 4, 5)))
    for with_hx in (False, True):
        tx = torch.tensor(x, requires_grad=True)
        ox = tl.tensor(x, requires_grad=True)
        th = [torch.tensor(s, requires_grad=True) for s in states]
        oh = [tl.tensor(s, requires_grad=True) for s in states]
        pick = (lambda h: tuple(h) if mode == "LSTM" else h[0]) if with_hx else (lambda h: None)
        t_out, t_h = _run(t, tx, pick(th))
        o_out, o_h = _run(o, ox, pick(oh))
        close(t_out, o_out, what="output")
        for a, b in zip(t_h, o_h):
            close(a, b, what="final state")
        rng2 = np.random.default_rng(1)
        weights = [rng2.standard_normal(tuple(a.shape)) for a in (t_out,) + t_h]
        sum(((a * torch.tensor(w)).sum() for a, w in zip((t_out,) + t_h, weights))).backward()
        sum(((a * tl.tensor(w)).sum() for a, w in zip((o_out,) + o_h, weights))).backward()
        close(tx.grad, ox.grad, what="input grad")
        if with_hx:
            for a, b in zip(th, oh):
                close(a.grad, b.grad, what="initial state grad")
        for name, p in t.named_parameters():
            close(p.grad, getattr(o, name).grad, what=name)
        t.zero_grad()
        o.zero_grad()


@pytest.mark.parametrize(
    "mode, bi, sorted_", itertools.product(MODES, [False, True], [False, True])
)
def test_packed_against_pytorch(torch, mode, bi, sorted_):
    t = getattr(torch.nn, mode)(3, 5, num_layers=2, bidirectional=bi).double()
    o = getattr(nn, mode)(3, 5, num_layers=2, bidirectional=bi).double()
    to_ours(t, o)
    lens = [6, 5, 3, 1] if sorted_ else [3, 6, 1, 5]
    x = np.random.default_rng(2).standard_normal((6, 4, 3))
    tx, ox = torch.tensor(x, requires_grad=True), tl.tensor(x, requires_grad=True)
    tp = torch.nn.utils.rnn.pack_padded_sequence(tx, lens, enforce_sorted=sorted_)
    op = nn.utils.rnn.pack_padded_sequence(ox, lens, enforce_sorted=sorted_)
    states = [np.random.default_rng(3).standard_normal((2 * (2 if bi else 1), 4, 5))]
    if mode == "LSTM":
        states.append(states[0] * 0.5)
    th = [torch.tensor(s, requires_grad=True) for s in states]
    oh = [tl.tensor(s, requires_grad=True) for s in states]
    t_out, t_h = t(tp, tuple(th) if mode == "LSTM" else th[0])
    o_out, o_h = o(op, tuple(oh) if mode == "LSTM" else oh[0])
    assert isinstance(o_out, nn.utils.rnn.PackedSequence)
    close(t_out.data, o_out.data, what="packed output")
    t_h = t_h if mode == "LSTM" else (t_h,)
    o_h = o_h if mode == "LSTM" else (o_h,)
    for a, b in zip(t_h, o_h):
        close(a, b, what="final state")
    t_pad, t_len = torch.nn.utils.rnn.pad_packed_sequence(t_out, batch_first=True)
    o_pad, o_len = nn.utils.rnn.pad_packed_sequence(o_out, batch_first=True)
    close(t_pad, o_pad, what="padded")
    assert t_len.tolist() == o_len.tolist() == lens
    ((t_pad**2).sum() + sum(h.sum() * (i + 2) for i, h in enumerate(t_h))).backward()
    ((o_pad**2).sum() + sum(h.sum() * (i + 2) for i, h in enumerate(o_h))).backward()
    close(tx.grad, ox.grad, what="input grad")
    for a, b in zip(th, oh):
        close(a.grad, b.grad, what="state grad")
    for name, p in t.named_parameters():
        close(p.grad, getattr(o, name).grad, what=name)


@pytest.mark.parametrize("mode", MODES)
def test_unbatched_input(torch, mode):
    t = getattr(torch.nn, mode)(3, 4, bidirectional=True).double()
    o = getattr(nn, mode)(3, 4, bidirectional=True).double()
    to_ours(t, o)
    x = np.random.default_rng(4).standard_normal((5, 3))
    t_out, t_h = t(torch.tensor(x))
    o_out, o_h = o(tl.tensor(x))
    close(t_out, o_out)
    close(t_h[0] if mode == "LSTM" else t_h, o_h[0] if mode == "LSTM" else o_h)


def test_state_dict_moves_both_ways(torch):
    o = nn.LSTM(3, 6, num_layers=2, bidirectional=True, proj_size=3)
    t = torch.nn.LSTM(3, 6, num_layers=2, bidirectional=True, proj_size=3)
    to_torch(torch, o, t)
    back = nn.LSTM(3, 6, num_layers=2, bidirectional=True, proj_size=3)
    to_ours(t, back)
    x = np.random.default_rng(5).standard_normal((4, 2, 3)).astype(np.float32)
    close(t(torch.tensor(x))[0], o(tl.tensor(x))[0], 1e-5)
    close(back(tl.tensor(x))[0], o(tl.tensor(x))[0], 0)


@pytest.mark.parametrize("mode", MODES)
def test_gradcheck_float64(mode):
    m = getattr(nn, mode)(2, 3, num_layers=2, bidirectional=True).double()
    x = tl.randn(4, 2, 2, dtype=tl.float64, requires_grad=True)
    params = list(m.parameters())[:4]

    def f(x, *ps):
        return m(x)[0]

    assert gradcheck(f, (x, *params))


def test_lstm_gradgradcheck():
    m = nn.LSTM(2, 3).double()
    x = tl.randn(3, 1, 2, dtype=tl.float64, requires_grad=True)
    assert gradgradcheck(lambda x: m(x)[0], (x,))


def test_dropout_between_layers():
    m = nn.GRU(3, 4, num_layers=2, dropout=0.5)
    x = tl.randn(5, 2, 3)
    m.eval()
    a, b = m(x)[0], m(x)[0]
    assert np.array_equal(a.numpy(), b.numpy())
    m.train()
    tl.manual_seed(0)
    c = m(x)[0]
    assert not np.allclose(c.numpy(), a.numpy())
    with pytest.warns(UserWarning, match="num_layers greater than 1"):
        nn.LSTM(3, 4, dropout=0.3)


def test_errors_are_clear():
    m = nn.LSTM(3, 4)
    with pytest.raises(RuntimeError, match="input_size. Expected 3, got 5"):
        m(tl.randn(2, 1, 5))
    with pytest.raises(RuntimeError, match="Expected hidden size"):
        m(tl.randn(2, 1, 3), (tl.zeros(1, 2, 4), tl.zeros(1, 2, 4)))
    with pytest.raises(ValueError, match="2D or 3D"):
        m(tl.randn(2, 1, 3, 1))
    with pytest.raises(ValueError, match="proj_size has to be smaller"):
        nn.LSTM(3, 4, proj_size=4)
    with pytest.raises(ValueError, match="dropout should be a number"):
        nn.GRU(3, 4, dropout=2)
    with pytest.raises(ValueError, match="Unknown nonlinearity"):
        nn.RNN(3, 4, nonlinearity="sigmoid")


@pytest.mark.parametrize("cell, kw", [("RNNCell", {}), ("RNNCell", {"nonlinearity": "relu"}),
                                      ("LSTMCell", {}), ("GRUCell", {}),
                                      ("GRUCell", {"bias": False})])  # fmt: skip
def test_cells_against_pytorch(torch, cell, kw):
    t = getattr(torch.nn, cell)(3, 4, **kw).double()
    o = getattr(nn, cell)(3, 4, **kw).double()
    assert list(t.state_dict()) == list(o.state_dict())
    to_ours(t, o)
    rng = np.random.default_rng(6)
    x, h = rng.standard_normal((2, 3)), rng.standard_normal((2, 4))
    tx, ox = torch.tensor(x, requires_grad=True), tl.tensor(x, requires_grad=True)
    th, oh = torch.tensor(h, requires_grad=True), tl.tensor(h, requires_grad=True)
    if cell == "LSTMCell":
        ta, tb = t(tx, (th, th * 2))
        oa, ob = o(ox, (oh, oh * 2))
        close(ta, oa)
        close(tb, ob)
        (ta.sum() + 3 * tb.sum()).backward()
        (oa.sum() + 3 * ob.sum()).backward()
    else:
        ta, oa = t(tx, th), o(ox, oh)
        close(ta, oa)
        (ta**2).sum().backward()
        (oa**2).sum().backward()
    close(tx.grad, ox.grad)
    close(th.grad, oh.grad)
    for name, p in t.named_parameters():
        close(p.grad, getattr(o, name).grad, what=name)
    unbatched = o(ox[0])  # (input_size,) -> (hidden_size,)
    first = unbatched[0] if cell == "LSTMCell" else unbatched
    assert tuple(first.shape) == (4,)


@pytest.mark.parametrize("bi, bias", [(False, True), (True, True), (True, False)])
def test_fused_lstm_layer_gives_the_unrolled_numbers(monkeypatch, bi, bias):
    """The LSTMLayer primitive (one node per direction) against the step-by-step reference."""
    from tinygrad_lite.nn import rnn as rnn_module

    m = nn.LSTM(3, 4, num_layers=2, bidirectional=bi, bias=bias).double()
    x = np.random.default_rng(7).standard_normal((5, 2, 3))
    results = []
    for fused in (True, False):
        monkeypatch.setattr(rnn_module, "FUSED_LSTM", fused)
        m.zero_grad()
        ox = tl.tensor(x, requires_grad=True)
        out, (h, c) = m(ox)
        ((out**2).sum() + h.sum() + (c * 3).sum()).backward()
        results.append([out.numpy(), h.numpy(), c.numpy(), ox.grad.numpy()]
                       + [p.grad.numpy() for p in m.parameters()])  # fmt: skip
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_lstm_and_embedding_agree_on_both_engines():
    """The fast engine's sequence paths (one LSTMLayer node, the small-table embedding
    gradient) against the reference engine (unrolled steps, np.add.at), in float64."""
    from tinygrad_lite.autograd import fast

    emb = nn.Embedding(27, 5).double()
    lstm = nn.LSTM(5, 4, num_layers=2, bidirectional=True).double()
    idx = tl.tensor(np.random.default_rng(8).integers(0, 27, (6, 3)))
    results = []
    for engine in ("fast", "reference"):
        with fast.use_engine(engine):
            emb.zero_grad()
            lstm.zero_grad()
            out, (h, c) = lstm(emb(idx))
            ((out**2).sum() + h.sum() + c.sum()).backward()
            grads = [p.grad.numpy().copy() for p in [*emb.parameters(), *lstm.parameters()]]
            results.append([out.numpy().copy(), *grads])
            from tinygrad_lite.nn import rnn as rnn_module

            assert rnn_module.FUSED_LSTM is (engine == "fast")
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
