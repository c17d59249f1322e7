"""nn.utils.rnn: pad_sequence, pack_padded_sequence / pad_packed_sequence (sorted and
unsorted, batch_first, total_length, padding_value), pack_sequence, against PyTorch, with
gradients."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite.autograd import gradcheck
from tinygrad_lite.nn.utils import rnn

from ._compare import close

RNG = np.random.default_rng(0)


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("side", ["right", "left"])
def test_pad_sequence_against_pytorch(torch, batch_first, side):
    seqs = [RNG.standard_normal((n, 2)) for n in (3, 1, 4)]
    a = torch.nn.utils.rnn.pad_sequence([torch.tensor(s) for s in seqs], batch_first, -1.0, side)
    b = rnn.pad_sequence([tl.tensor(s) for s in seqs], batch_first, -1.0, side)
    close(a, b, 0)


@pytest.mark.parametrize(
    "batch_first, sorted_", [(False, True), (True, True), (False, False), (True, False)]
)
def test_pack_and_pad_against_pytorch(torch, batch_first, sorted_):
    lens = [5, 3, 3, 1] if sorted_ else [3, 5, 1, 3]
    x = RNG.standard_normal((4, 5, 2) if batch_first else (5, 4, 2))
    tx, ox = torch.tensor(x, requires_grad=True), tl.tensor(x, requires_grad=True)
    tp = torch.nn.utils.rnn.pack_padded_sequence(tx, lens, batch_first, enforce_sorted=sorted_)
    op = rnn.pack_padded_sequence(ox, tl.tensor(lens), batch_first, enforce_sorted=sorted_)
    close(tp.data, op.data, 0)
    assert tp.batch_sizes.tolist() == op.batch_sizes.tolist()
    if not sorted_:
        assert tp.sorted_indices.tolist() == op.sorted_indices.tolist()
        assert tp.unsorted_indices.tolist() == op.unsorted_indices.tolist()
    a, la = torch.nn.utils.rnn.pad_packed_sequence(tp, batch_first, 7.0, total_length=6)
    b, lb = rnn.pad_packed_sequence(op, batch_first, 7.0, total_length=6)
    close(a, b, 0)
    assert la.tolist() == lb.tolist() == lens
    w = RNG.standard_normal(tuple(a.shape))
    (a * torch.tensor(w)).sum().backward()
    (b * tl.tensor(w)).sum().backward()
    close(tx.grad, ox.grad)


def test_pack_sequence_unpack_and_gradcheck():
    seqs = [tl.tensor(RNG.standard_normal((n, 2)), requires_grad=True) for n in (2, 4, 1)]
    packed = rnn.pack_sequence(seqs, enforce_sorted=False)
    back = rnn.unpack_sequence(packed)
    for s, u in zip(seqs, back):
        close(s, u, 0)
    assert gradcheck(
        lambda *s: rnn.pad_packed_sequence(rnn.pack_sequence(s, False))[0], tuple(seqs)
    )


def test_errors():
    x = tl.randn(3, 2, 1)
    with pytest.raises(RuntimeError, match="sorted in decreasing order"):
        rnn.pack_padded_sequence(x, [1, 3])
    with pytest.raises(RuntimeError, match="greater than 0"):
        rnn.pack_padded_sequence(x, [3, 0])
    with pytest.raises(ValueError, match="total_length"):
        rnn.pad_packed_sequence(rnn.pack_padded_sequence(x, [3, 2]), total_length=2)
