"""Random numbers: manual_seed reproducibility and Generator objects."""

from __future__ import annotations

import numpy as np

import tinygrad_lite as tl


def _draw():
    return (
        tl.rand(3).numpy().copy(),
        tl.randn(2, 2).numpy().copy(),
        tl.randint(0, 100, (4,)).numpy().copy(),
        tl.randperm(6).numpy().copy(),
        tl.randn_like(tl.zeros(3)).numpy().copy(),
        tl.empty(4).uniform_(-1, 1).numpy().copy(),
        tl.empty(4).normal_(0, 2).numpy().copy(),
    )


def test_same_seed_same_numbers():
    tl.manual_seed(42)
    first = _draw()
    tl.manual_seed(42)
    second = _draw()
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)


def test_different_seeds_differ_and_stream_advances():
    tl.manual_seed(1)
    a = tl.randn(5).numpy().copy()
    b = tl.randn(5).numpy().copy()
    tl.manual_seed(2)
    c = tl.randn(5).numpy().copy()
    assert not np.array_equal(a, b) and not np.array_equal(a, c)


def test_manual_seed_returns_the_generator_and_initial_seed():
    g = tl.manual_seed(7)
    assert g is tl.default_generator and tl.initial_seed() == 7


def test_explicit_generator_is_independent_of_the_global_one():
    g1 = tl.Generator().manual_seed(3)
    x = tl.randn(4, generator=g1).numpy().copy()
    tl.manual_seed(0)
    tl.randn(10)  # consuming the global stream does not affect g1
    g2 = tl.Generator().manual_seed(3)
    np.testing.assert_array_equal(tl.randn(4, generator=g2).numpy(), x)


def test_generator_state_roundtrip():
    g = tl.Generator().manual_seed(5)
    state = g.get_state()
    a = tl.rand(3, generator=g).numpy().copy()
    g.set_state(state)
    np.testing.assert_array_equal(tl.rand(3, generator=g).numpy(), a)
