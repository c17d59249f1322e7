"""Samplers: order of indices and batching."""

from __future__ import annotations

import pytest

import tinygrad_lite as tg
from tinygrad_lite.utils.data import BatchSampler, RandomSampler, SequentialSampler


def test_sequential_and_random():
    data = list(range(6))
    assert list(SequentialSampler(data)) == data
    gen = tg.Generator().manual_seed(0)
    s = RandomSampler(data, generator=gen)
    a, b = list(s), list(s)
    assert sorted(a) == sorted(b) == data and a != b and len(s) == 6


@pytest.mark.parametrize(
    "drop_last, want", [(False, [[0, 1, 2, 3], [4, 5, 6]]), (True, [[0, 1, 2, 3]])]
)
def test_batch_sampler(drop_last, want):
    bs = BatchSampler(SequentialSampler(range(7)), 4, drop_last)
    assert list(bs) == want and len(bs) == len(want)


@pytest.mark.parametrize("bad", [0, -1, 2.0, "4", True])
def test_batch_size_must_be_positive_int(bad):
    with pytest.raises(ValueError, match="batch_size should be a positive integer value"):
        BatchSampler(SequentialSampler(range(3)), bad, False)
