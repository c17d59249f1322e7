"""Datasets: TensorDataset, Subset, ConcatDataset and random_split."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_lite as tg
from tinygrad_lite.utils.data import ConcatDataset, Dataset, Subset, TensorDataset, random_split


def _ds(n=10):
    return TensorDataset(tg.arange(n).reshape(n, 1).float(), tg.arange(n) * 10)


def test_tensor_dataset_items_and_len():
    ds = _ds()
    assert len(ds) == 10
    x, y = ds[3]
    assert x.tolist() == [3.0] and y.item() == 30


def test_tensor_dataset_length_mismatch_is_clear():
    with pytest.raises(ValueError, match=r"Size mismatch between tensors.*\(3, 2\), \(4,\)"):
        TensorDataset(tg.zeros(3, 2), tg.zeros(4))
    with pytest.raises(TypeError, match="expected Tensors"):
        TensorDataset(np.zeros(3))


def test_subset_and_concat():
    ds = _ds()
    sub = Subset(ds, [7, 2, 5])
    assert len(sub) == 3 and sub[0][1].item() == 70 and sub[-1][1].item() == 50
    both = ds + sub
    assert isinstance(both, ConcatDataset) and len(both) == 13
    assert both[10][1].item() == 70 and both[-1][1].item() == 50 and both[9][1].item() == 90


def test_base_dataset_is_abstract():
    with pytest.raises(NotImplementedError):
        Dataset()[0]


def _values(subset):
    return sorted(subset[i][1].item() // 10 for i in range(len(subset)))


def test_random_split_counts_partition_the_data():
    parts = random_split(_ds(), [3, 7], generator=tg.Generator().manual_seed(0))
    assert [len(p) for p in parts] == [3, 7]
    assert sorted(_values(parts[0]) + _values(parts[1])) == list(range(10))


def test_random_split_fractions_hand_out_the_remainder_from_the_first():
    parts = random_split(_ds(10), [0.33, 0.33, 0.34])
    # floors are 3, 3, 3; the one left over goes to the first subset
    assert [len(p) for p in parts] == [4, 3, 3]


def test_random_split_is_reproducible_and_seed_dependent():
    def split(seed):
        return [
            p.indices
            for p in random_split(_ds(), [5, 5], generator=tg.Generator().manual_seed(seed))
        ]

    assert split(1) == split(1)
    assert split(1) != split(2)
    tg.manual_seed(3)
    a = [p.indices for p in random_split(_ds(), [5, 5])]
    tg.manual_seed(3)
    assert a == [p.indices for p in random_split(_ds(), [5, 5])]


def test_random_split_bad_lengths():
    with pytest.raises(ValueError, match="Sum of input lengths does not equal"):
        random_split(_ds(), [3, 3])


@pytest.mark.parametrize(
    "n, lengths", [(10, [0.33, 0.33, 0.34]), (7, [0.5, 0.5]), (11, [0.1, 0.2, 0.7]), (5, [2, 3])]
)
def test_random_split_lengths_match_pytorch(n, lengths):
    torch = pytest.importorskip("torch")
    ours = [len(p) for p in random_split(_ds(n), lengths)]
    theirs = [len(p) for p in torch.utils.data.random_split(range(n), lengths)]
    assert ours == theirs
