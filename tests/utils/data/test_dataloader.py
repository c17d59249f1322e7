"""DataLoader: batch sizes, drop_last, len, shuffling per epoch and by seed, collation,
the TensorDataset fast path against the generic path, and PyTorch's behaviour."""

from __future__ import annotations

from collections import namedtuple

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_lite as tg
from tinygrad_lite.utils.data import (
    DataLoader,
    Dataset,
    Subset,
    TensorDataset,
    default_collate,
)


def _ds(n=10):
    x = tg.tensor(np.arange(n * 3, dtype=np.float32).reshape(n, 3))
    return TensorDataset(x, tg.arange(n))


class ListDataset(Dataset):
    """A generic dataset returning Python tuples (takes the per-sample path)."""

    def __init__(self, items):
        self.items = items

    def __getitem__(self, i):
        return self.items[i]

    def __len__(self):
        return len(self.items)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 40), bs=st.integers(1, 12), drop_last=st.booleans())
def test_batch_sizes_len_and_order(n, bs, drop_last):
    loader = DataLoader(_ds(n), batch_size=bs, drop_last=drop_last)
    batches = list(loader)
    assert len(loader) == len(batches) == (n // bs if drop_last else -(-n // bs))
    sizes = [len(y) for _, y in batches]
    assert all(s == bs for s in sizes[:-1])
    if batches:
        assert sizes[-1] == (bs if drop_last else n - bs * (len(batches) - 1))
        ys = np.concatenate([y.numpy() for _, y in batches])
        np.testing.assert_array_equal(ys, np.arange(len(ys)))


def test_batch_structure_dtypes_and_shapes():
    x, y = next(iter(DataLoader(_ds(), batch_size=4)))
    assert isinstance(x, tg.Tensor) and x.shape == (4, 3) and x.dtype == tg.float32
    assert y.dtype == tg.int64 and y.tolist() == [0, 1, 2, 3]
    assert not x.requires_grad


def test_shuffle_gives_a_fresh_permutation_every_epoch():
    tg.manual_seed(0)
    loader = DataLoader(_ds(20), batch_size=5, shuffle=True)
    epochs = [np.concatenate([y.numpy() for _, y in loader]) for _ in range(3)]
    for e in epochs:
        assert sorted(e.tolist()) == list(range(20))
    assert not np.array_equal(epochs[0], epochs[1]) and not np.array_equal(epochs[1], epochs[2])
    assert not np.array_equal(epochs[0], np.arange(20))


def _order(loader):
    return np.concatenate([y.numpy() for _, y in loader]).tolist()


def test_same_seed_same_order():
    tg.manual_seed(42)
    a = [_order(DataLoader(_ds(30), batch_size=4, shuffle=True)) for _ in range(2)]
    tg.manual_seed(42)
    b = [_order(DataLoader(_ds(30), batch_size=4, shuffle=True)) for _ in range(2)]
    assert a == b
    g1 = DataLoader(_ds(30), batch_size=4, shuffle=True, generator=tg.Generator().manual_seed(7))
    g2 = DataLoader(_ds(30), batch_size=4, shuffle=True, generator=tg.Generator().manual_seed(7))
    g3 = DataLoader(_ds(30), batch_size=4, shuffle=True, generator=tg.Generator().manual_seed(8))
    assert _order(g1) == _order(g2) != _order(g3)


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 30), bs=st.integers(1, 8), drop_last=st.booleans(), seed=st.integers(0, 99))
def test_fast_path_batches_equal_generic_collation(n, bs, drop_last, seed):
    ds = _ds(n)
    kw = dict(batch_size=bs, drop_last=drop_last, shuffle=True)
    fast = DataLoader(ds, generator=tg.Generator().manual_seed(seed), **kw)
    slow = DataLoader(
        ds, generator=tg.Generator().manual_seed(seed), collate_fn=default_collate, **kw
    )
    assert fast._fast_source() is not None and slow._fast_source() is None
    fast_b, slow_b = list(fast), list(slow)
    assert len(fast_b) == len(slow_b)
    for a, b in zip(fast_b, slow_b):
        assert type(a) is type(b) is list
        for ta, tb in zip(a, b):
            assert ta.dtype == tb.dtype
            np.testing.assert_array_equal(ta.numpy(), tb.numpy())


def test_fast_path_through_subset_matches_generic():
    ds = _ds(12)
    sub = Subset(ds, [11, 0, 5, 3, 7])
    fast = [b[1].tolist() for b in DataLoader(sub, batch_size=2)]
    slow = [b[1].tolist() for b in DataLoader(sub, batch_size=2, collate_fn=default_collate)]
    assert fast == slow == [[11, 0], [5, 3], [7]]


def test_default_collate_as_pytorch():
    Point = namedtuple("Point", "x y")
    batch = [
        {"a": 1.5, "b": 2, "c": (np.float32(1), True), "s": "u", "p": Point(1, 2.0)},
        {"a": 2.5, "b": 3, "c": (np.float32(2), False), "s": "v", "p": Point(3, 4.0)},
    ]
    out = default_collate(batch)
    assert out["a"].dtype == tg.float64 and out["a"].tolist() == [1.5, 2.5]
    assert out["b"].dtype == tg.int64 and out["b"].tolist() == [2, 3]
    c0, c1 = out["c"]
    assert isinstance(out["c"], list)  # tuples collate to lists, as PyTorch
    assert c0.dtype == tg.float32 and c1.dtype == tg.bool
    assert out["s"] == ["u", "v"]
    assert isinstance(out["p"], Point) and out["p"].x.tolist() == [1, 3]
    arrays = default_collate([np.ones((2, 2), np.int32), np.zeros((2, 2), np.int32)])
    assert arrays.shape == (2, 2, 2) and arrays.dtype == tg.int32
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal size"):
        default_collate([[1, 2], [3]])
    with pytest.raises(RuntimeError, match="equal size"):
        default_collate([tg.zeros(2), tg.zeros(3)])
    with pytest.raises(TypeError, match="found object"):
        default_collate([object(), object()])


def test_default_collate_matches_pytorch():
    torch = pytest.importorskip("torch")
    from torch.utils.data import default_collate as torch_collate

    batch = [
        {"x": [1.0, 2], "n": np.float64(3.0), "m": np.arange(3, dtype=np.int16), "t": 4},
        {"x": [5.0, 6], "n": np.float64(7.0), "m": np.arange(3, dtype=np.int16), "t": 8},
    ]
    ours, theirs = default_collate(batch), torch_collate(batch)

    def same(a, b):
        if isinstance(b, torch.Tensor):
            assert str(b.dtype).split(".")[1] == a.dtype.name and a.tolist() == b.tolist()
        elif isinstance(b, dict):
            assert a.keys() == b.keys() and all(same(a[k], b[k]) is None for k in b)
        else:
            assert type(a) is type(b) and all(same(x, y) is None for x, y in zip(a, b))

    same(ours, theirs)


def test_generic_dataset_batches_and_batch_size_none():
    ds = ListDataset([(float(i), i, {"k": i * 2}) for i in range(5)])
    x, i, d = next(iter(DataLoader(ds, batch_size=3)))
    assert x.dtype == tg.float64 and i.tolist() == [0, 1, 2] and d["k"].tolist() == [0, 2, 4]
    single = list(DataLoader(ds, batch_size=None))
    assert single[2] == (2.0, 2, {"k": 4})


def test_custom_collate_and_sampler():
    loader = DataLoader(_ds(6), batch_size=2, sampler=[5, 4, 3, 2, 1, 0],
                        collate_fn=lambda b: [s[1].item() for s in b])  # fmt: skip
    assert list(loader) == [[5, 4], [3, 2], [1, 0]]


@pytest.mark.parametrize("bad", [0, -3, 1.5, "8"])
def test_bad_batch_size_is_a_clear_error(bad):
    with pytest.raises(ValueError, match="batch_size should be a positive integer value"):
        DataLoader(_ds(), batch_size=bad)


def test_option_conflicts():
    with pytest.raises(ValueError, match="mutually exclusive with shuffle"):
        DataLoader(_ds(), sampler=[0, 1], shuffle=True)
    with pytest.raises(ValueError, match="batch_sampler option is mutually exclusive"):
        DataLoader(_ds(), batch_size=4, batch_sampler=[[0, 1]])
    with pytest.raises(ValueError, match="num_workers"):
        DataLoader(_ds(), num_workers=-1)


def test_batch_sampler_option():
    loader = DataLoader(_ds(6), batch_sampler=[[0, 5], [2]])
    assert [y.tolist() for _, y in loader] == [[0, 5], [2]] and len(loader) == 2


def test_pytorch_loader_agrees_on_unshuffled_batches():
    torch = pytest.importorskip("torch")
    xs = np.random.default_rng(0).normal(size=(11, 2)).astype(np.float32)
    ours = DataLoader(TensorDataset(tg.tensor(xs), tg.arange(11)), batch_size=4, drop_last=False)
    theirs = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.tensor(xs), torch.arange(11)), batch_size=4
    )
    assert len(ours) == len(theirs)
    for (a, ya), (b, yb) in zip(ours, theirs):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
        assert ya.tolist() == yb.tolist()


class Stream(tg.utils.data.IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter((float(i), i % 2) for i in range(self.n))

    def __len__(self):
        return self.n


@pytest.mark.parametrize("drop_last", [False, True])
def test_iterable_dataset_batches_in_stream_order(drop_last):
    loader = DataLoader(Stream(7), batch_size=3, drop_last=drop_last)
    batches = [(x.tolist(), y.tolist()) for x, y in loader]
    want = [([0.0, 1.0, 2.0], [0, 1, 0]), ([3.0, 4.0, 5.0], [1, 0, 1])]
    if not drop_last:
        want.append(([6.0], [0]))
    assert batches == want and len(loader) == len(want)
    assert list(DataLoader(Stream(2), batch_size=None)) == [(0.0, 0), (1.0, 1)]
    with pytest.raises(ValueError, match="expected unspecified shuffle option"):
        DataLoader(Stream(3), shuffle=True)


def test_getitems_fetches_a_batch_in_one_call():
    class Batched(ListDataset):
        calls = 0

        def __getitems__(self, indices):
            Batched.calls += 1
            return [self.items[i] for i in indices]

    loader = DataLoader(Batched([(i, -i) for i in range(5)]), batch_size=2)
    assert [b[1].tolist() for b in loader] == [[0, -1], [-2, -3], [-4]]
    assert Batched.calls == 3
