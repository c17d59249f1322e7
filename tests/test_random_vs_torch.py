"""Seeded random streams against PyTorch CPU, element for element (bit-identical).

After the same ``manual_seed`` (global or a ``Generator``), every random function must give
exactly PyTorch's values, for float32 and float64, for sizes 1 to 10**6 (the scalar and the
16-wide Box-Muller paths, ragged tails), and must leave the stream where PyTorch leaves it
(each check draws a few more numbers afterwards and compares those too).
"""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_lite as tl

torch = pytest.importorskip("torch")

SIZES = [1, 2, 3, 15, 16, 17, 31, 100, 1023, 10_007, 1_000_000]
SEEDS = [0, 2147483647]
DTYPES = ["float32", "float64"]


def assert_same(ours, theirs) -> None:
    a = ours.numpy() if hasattr(ours, "numpy") else np.asarray(ours)
    b = theirs.detach().numpy() if hasattr(theirs, "detach") else np.asarray(theirs)
    assert a.dtype == b.dtype and a.shape == b.shape, (a.dtype, b.dtype, a.shape, b.shape)
    bad = np.flatnonzero(a.reshape(-1) != b.reshape(-1))
    assert bad.size == 0, f"{bad.size} of {a.size} differ, first at {bad[0]}"


def both(fn, seed: int):
    """``fn(lib, generator)`` under tinygrad_lite and torch from the same seed; then a check
    that both streams stand at the same place."""
    out = []
    for lib in (tl, torch):
        lib.manual_seed(seed)
        g = lib.Generator().manual_seed(seed + 1)
        out.append((fn(lib, g), lib.rand(5, generator=g), lib.randn(3)))
    (a, ga, da), (b, gb, db) = out
    return a, b, (ga, gb), (da, db)


def check(fn, seed: int) -> None:
    a, b, *after = both(fn, seed)
    if isinstance(a, (tuple, list)):
        for x, y in zip(a, b, strict=True):
            assert_same(x, y)
    else:
        assert_same(a, b)
    for x, y in after:
        assert_same(x, y)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_rand_randn_uniform_normal(seed, n, dtype):
    def fn(lib, g):
        d = getattr(lib, dtype)
        return (
            lib.rand(n, dtype=d),
            lib.randn(n, dtype=d, generator=g),
            lib.randn(n, dtype=d),
            lib.empty(n, dtype=d).uniform_(-0.3, 0.5),
            lib.empty(n, dtype=d).normal_(0.3, 1.7, generator=g),
        )

    check(fn, seed)


@pytest.mark.parametrize("n", SIZES)
def test_randint_randperm(n):
    def fn(lib, g):
        return (
            lib.randint(0, 10, (n,)),
            lib.randint(-5, 2**40, (n,), generator=g),
            lib.randint(7, (n,), dtype=lib.float32),
            lib.randperm(n),
            lib.randperm(n, generator=g),
        )

    check(fn, 0)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_bernoulli_and_exponential(n, dtype):
    def fn(lib, g):
        d = getattr(lib, dtype)
        p = lib.linspace(0, 1, n, dtype=d)
        return (
            lib.bernoulli(p),
            lib.bernoulli(p, generator=g),
            lib.empty(n, dtype=d).bernoulli_(0.3),
            lib.empty(n, dtype=d).exponential_(1.5, generator=g),
            p.bernoulli(),
        )

    check(fn, 3)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    ("shape", "k", "replacement"),
    [((5,), 1, False), ((5,), 1, True), ((27,), 5, False), ((27,), 400, True),
     ((3, 27), 4, False), ((3, 27), 9, True), ((1000,), 1000, False), ((10**6,), 50, False),
     ((100,), 10**6, True)],
)  # fmt: skip
def test_multinomial(shape, k, replacement, dtype):
    def fn(lib, g):
        d = getattr(lib, dtype)
        w = lib.rand(*shape, dtype=d) ** 3
        return (
            lib.multinomial(w, k, replacement),
            lib.multinomial(w, k, replacement, generator=g),
            w.multinomial(k, replacement=replacement),
        )

    check(fn, 5)


def test_a_lecture_sampling_loop():
    """The char-level language model idiom: one seeded Generator, softmax rows, one sample
    per step fed back as the next row index."""
    rows = 27
    results = []
    for lib in (tl, torch):
        g = lib.Generator().manual_seed(2147483647)
        W = lib.randn((rows, rows), generator=g)
        names = []
        for _ in range(20):
            ix, out = 0, []
            while True:
                p = (W[ix].exp() / W[ix].exp().sum()).detach()
                ix = lib.multinomial(p, num_samples=1, replacement=True, generator=g).item()
                out.append(ix)
                if ix == 0 or len(out) > 30:
                    break
            names.append(out)
        results.append(names)
    assert results[0] == results[1]


def test_non_contiguous_fills_follow_memory_order():
    def fn(lib, g):
        d = lib.float64
        return (
            lib.empty(5, 40, dtype=d).t().normal_(),
            lib.empty(5, 40).t().normal_(),
            lib.empty(6, 7).t().uniform_(),
            lib.empty(3, 4, 5).permute(2, 0, 1).uniform_(generator=g),
            lib.empty(6, 7).t().bernoulli_(lib.rand(7, 6)),
        )

    check(fn, 11)


@pytest.mark.parametrize("seed", SEEDS)
def test_torch_normal_forms(seed):
    def fn(lib, g):
        return (
            lib.normal(lib.zeros(20), lib.ones(20) * 2),
            lib.normal(0.5, 2.0, (17,), generator=g),
            lib.normal(lib.ones(3, dtype=lib.float64), 3.0),
            lib.normal(1.0, lib.ones(40) * 2),
        )

    check(fn, seed)


@pytest.mark.parametrize("seed", SEEDS)
def test_nn_init_linear_dropout(seed):
    def fn(lib, g):
        init, nn = lib.nn.init, lib.nn
        w = [lib.empty(6, 4) for _ in range(8)]
        init.xavier_uniform_(w[0])
        init.xavier_normal_(w[1], gain=2.0)
        init.kaiming_uniform_(w[2], generator=g)
        init.kaiming_normal_(w[3], mode="fan_out", nonlinearity="relu")
        init.uniform_(w[4], -1, 1)
        init.normal_(w[5], 0, 0.02, generator=g)
        init.kaiming_uniform_(w[6], a=5**0.5)
        init.xavier_uniform_(w[7], gain=init.calculate_gain("tanh"))
        for shape, args in [
            ((300, 200), ()),
            ((7,), (0.5, 0.02, -0.1, 1.0)),
            ((40, 3), (0.0, 1.0, 1.5, 2.5)),
            ((5, 4), (0.0, 0.02)),
        ]:
            w.append(init.trunc_normal_(lib.empty(*shape), *args))
            w.append(init.trunc_normal_(lib.empty(*shape, dtype=lib.float64), *args, generator=g))
        big, lin = nn.Linear(300, 200), nn.Linear(3, 1)
        x = lib.ones(8, 10, dtype=lib.float64)
        return [
            *w, big.weight, big.bias, lin.weight, lin.bias,
            nn.Dropout(0.3)(lib.ones(4, 10)), nn.functional.dropout(x, 0.5),
            nn.functional.dropout(lib.ones(1000), 0.1, training=True),
        ]  # fmt: skip

    check(fn, seed)


def test_dataloader_shuffle_samplers_and_split():
    def fn(lib, g):
        data = lib.utils.data
        ds = data.TensorDataset(lib.arange(10), lib.arange(10) * 2)
        out = []
        for _ in range(3):
            out += [b[0] for b in data.DataLoader(ds, batch_size=3, shuffle=True)]
        out += [b[1] for b in data.DataLoader(ds, batch_size=4)]
        out += [b[0] for b in data.DataLoader(ds, batch_size=4, shuffle=True, generator=g)]
        out.append(lib.tensor(list(data.RandomSampler(ds, replacement=True, num_samples=70))))
        out.append(lib.tensor(list(data.RandomSampler(ds, num_samples=25, generator=g))))
        out.append(lib.tensor(list(data.WeightedRandomSampler([0.1, 0.5, 2, 3.0], 10))))
        out.append(lib.tensor(list(data.WeightedRandomSampler([0.1, 0.5, 2, 3.0], 3, False, g))))
        out.append(lib.tensor(list(data.SubsetRandomSampler([5, 6, 7, 8]))))
        parts = data.random_split(range(20), [0.3, 0.3, 0.4], generator=g)
        out += [lib.tensor(list(p.indices)) for p in parts]
        out.append(lib.tensor(list(data.random_split(range(10), [3, 7])[1].indices)))
        return out

    check(fn, 1)


def test_generator_state_and_seeds_like_torch():
    for seed in (0, 1, 2**32 + 5, 2**63 - 1, -1):
        ours = tl.rand(4, generator=tl.Generator().manual_seed(seed))
        theirs = torch.rand(4, generator=torch.Generator().manual_seed(seed))
        assert_same(ours, theirs)
        assert tl.Generator().manual_seed(seed).initial_seed() == (
            torch.Generator().manual_seed(seed).initial_seed()
        )
    assert tl.Generator().initial_seed() == torch.Generator().initial_seed()
    # the cached second normal sample is carried over between calls, and restored with state
    g, tg = tl.Generator().manual_seed(9), torch.Generator().manual_seed(9)
    tl.randn(3, generator=g), torch.randn(3, generator=tg)
    state = g.get_state()
    assert_same(tl.randn(3, generator=g), torch.randn(3, generator=tg))
    g.set_state(state)
    tg.manual_seed(9), torch.randn(3, generator=tg)
    assert_same(tl.randn(5, generator=g), torch.randn(5, generator=tg))


@pytest.mark.parametrize("n", [1, 17, 10_007])
def test_random_(n):
    def fn(lib, g):
        return (
            lib.empty(n, dtype=lib.int64).random_(),
            lib.empty(n).random_(generator=g),
            lib.empty(n, dtype=lib.float64).random_(),
            lib.empty(n, dtype=lib.int32).random_(),
            lib.empty(n, dtype=lib.int64).random_(3, 9),
            lib.empty(n).random_(7),
        )

    check(fn, 3)
