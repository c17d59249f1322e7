"""The generator's invariants, without PyTorch: the mt19937 stream, seeding, the draw sizes
each transform consumes, exact fused multiply-adds, and the vectorised randperm against the
plain Fisher-Yates loop it replaces."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_lite as tl
from tinygrad_lite import random_kernels as K
from tinygrad_lite.random import Generator


def test_mt19937_reference_output():
    """The C++ standard fixes it: mt19937 seeded 5489 gives 4123659995 as its 10000th word."""
    assert int(Generator().manual_seed(5489).random32(10000)[-1]) == 4123659995


def test_seed_is_reduced_mod_2_32_for_the_stream_but_kept_whole():
    a, b = Generator().manual_seed(7), Generator().manual_seed(7 + 2**32)
    np.testing.assert_array_equal(a.random32(50), b.random32(50))
    assert b.initial_seed() == 7 + 2**32
    assert Generator().manual_seed(-1).initial_seed() == 2**64 - 1
    assert Generator().manual_seed(-(2**63)).initial_seed() == 2**63
    for bad in (2**64, -(2**63) - 1):
        with pytest.raises(ValueError, match="Overflow"):
            Generator().manual_seed(bad)


def test_random64_is_two_words_high_first():
    w = Generator().manual_seed(3).random32(4)
    d = Generator().manual_seed(3).random64(2)
    assert int(d[0]) == (int(w[0]) << 32) | int(w[1])
    assert int(d[1]) == (int(w[2]) << 32) | int(w[3])


def test_uniforms_are_on_the_24_and_53_bit_grids():
    f32 = K.unit_uniform(Generator(), 10000, np.float32)
    f64 = K.unit_uniform(Generator(), 10000, np.float64)
    assert f32.dtype == np.float32 and f64.dtype == np.float64
    assert ((f32 >= 0) & (f32 < 1)).all() and ((f64 >= 0) & (f64 < 1)).all()
    assert np.all(f32.astype(np.float64) * 2**24 == np.round(f32.astype(np.float64) * 2**24))
    assert np.all(f64 * 2**53 == np.round(f64 * 2**53))
    w = Generator().random32(1)
    assert float(K.unit_uniform(Generator(), 1, np.float32)[0]) == (int(w[0]) & 0xFFFFFF) / 2**24


def _consumed(draw) -> int:
    """How many 32-bit words ``draw(gen)`` takes, found by matching the next word."""
    g = Generator().manual_seed(1)
    draw(g)
    nxt = int(g.random32(1)[0])
    words = Generator().manual_seed(1).random32(5000)
    return int(np.flatnonzero(words == nxt)[0])


@pytest.mark.parametrize(
    ("draw", "words"),
    [
        (lambda g: K.uniform(g, 10, np.float32, 0, 1), 10),
        (lambda g: K.uniform(g, 10, np.float64, 0, 1), 20),
        (lambda g: K.normal(g, 32, np.float32, 0, 1), 32),  # 16-wide path
        (lambda g: K.normal(g, 17, np.float32, 0, 1), 33),  # ragged: the last 16 redrawn
        (lambda g: K.normal(g, 17, np.float64, 0, 1), 66),
        (lambda g: K.normal(g, 3, np.float64, 0, 1), 8),  # scalar: 2 pairs of 64-bit draws
        (lambda g: K.randint(g, 9, 0, 10), 9),
        (lambda g: K.randint(g, 9, 0, 2**33), 18),
        (lambda g: K.randperm(g, 10), 9),
        (lambda g: K.bernoulli_scalar(g, 7, 0.5), 14),
        (lambda g: K.exponential(g, 5, 1.0), 10),
        (lambda g: K.multinomial(g, np.ones((2, 4)), 3, True), 12),
        (lambda g: K.multinomial(g, np.ones((2, 4)), 3, False), 16),
    ],
)
def test_each_transform_consumes_what_pytorch_does(draw, words):
    assert _consumed(draw) == words


def test_scalar_normal_caches_the_second_sample():
    pair = tl.randn(2, generator=Generator().manual_seed(4), dtype=tl.float64).numpy()
    g = Generator().manual_seed(4)
    one = tl.randn(1, generator=g, dtype=tl.float64).numpy()
    two = tl.randn(1, generator=g, dtype=tl.float64).numpy()
    np.testing.assert_array_equal(np.concatenate([one, two]), pair)
    # state round trip carries the cache
    g = Generator().manual_seed(4)
    tl.randn(1, generator=g)
    s = g.get_state()
    a = tl.randn(5, generator=g).numpy()
    np.testing.assert_array_equal(tl.randn(5, generator=g.set_state(s)).numpy(), a)
    assert Generator().manual_seed(4)._next_normal is None


def _exact_fma32(a, b, c) -> np.float32:
    v = Fraction(float(a)) * Fraction(float(b)) + Fraction(float(c))
    lo = np.float32(float(v))  # nearest double, then look at the float32 neighbours
    cands = [np.nextafter(lo, np.float32(-np.inf)), lo, np.nextafter(lo, np.float32(np.inf))]
    best = min(cands, key=lambda x: (abs(Fraction(float(x)) - v), int(x.view(np.uint32)) & 1))
    return best


@settings(max_examples=300, deadline=None)
@given(
    st.floats(-1e3, 1e3, width=32),
    st.floats(-1e3, 1e3, width=32),
    st.floats(-1e3, 1e3, width=32),
)
def test_fma32_rounds_once(a, b, c):
    got = K.fma32(np.array([a], np.float32), np.float32(b), np.float32(c))[0]
    assert got == _exact_fma32(a, b, c) or (got == 0 and _exact_fma32(a, b, c) == 0)


def test_fma32_on_midpoints_where_two_roundings_differ():
    # a*b + c exactly half-way between float32 neighbours plus a tiny bit: rounding the
    # double sum to float32 again would go the wrong way
    a = np.array([1 + 2**-23], np.float32)
    b = np.float32(1 + 2**-23)
    c = np.float32(-(2**-23))
    exact = _exact_fma32(a[0], b, c)
    assert K.fma32(a, b, c)[0] == exact


# Dekker's exact product needs no underflow: the normal_ kernels' operands are never tiny
_NOT_TINY = st.floats(-1e6, 1e6).filter(lambda v: v == 0 or abs(v) > 1e-100)


@settings(max_examples=200, deadline=None)
@given(_NOT_TINY, _NOT_TINY, _NOT_TINY)
def test_fma64_keeps_the_product_exact(a, b, c):
    v = Fraction(a) * Fraction(b) + Fraction(c)
    got = float(K.fma64(a, b, c))
    assert abs(Fraction(got) - v) <= abs(Fraction(math.ulp(got))) / 2


def test_cephes_float32_log_sin_cos_are_accurate():
    x = K.unit_uniform(Generator(), 100000, np.float32)
    u = np.float32(1) - x
    ref = np.log(u.astype(np.float64))
    assert np.max(np.abs(K.cephes_logf(u) - ref) / np.maximum(np.abs(ref), 1e-30)) < 1e-6
    theta = np.float32(2 * np.pi) * x
    s, c = K.cephes_sincosf(theta)
    assert np.max(np.abs(s - np.sin(theta.astype(np.float64)))) < 1e-6
    assert np.max(np.abs(c - np.cos(theta.astype(np.float64)))) < 1e-6


def _fisher_yates(gen: Generator, n: int) -> np.ndarray:
    perm = list(range(n))
    words = gen.random32(n - 1) if n > 1 else []
    for i in range(n - 1):
        j = i + int(words[i]) % (n - i)
        perm[i], perm[j] = perm[j], perm[i]
    return np.array(perm, dtype=np.int64)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 4, 5, 8, 100, 4097, 50000])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_vectorised_randperm_is_the_fisher_yates_loop(n, seed):
    got = K.randperm(Generator().manual_seed(seed), n)
    np.testing.assert_array_equal(got, _fisher_yates(Generator().manual_seed(seed), n))


def test_randint_range_and_randperm_is_a_permutation():
    v = K.randint(Generator(), 10000, -3, 4)
    assert v.min() == -3 and v.max() == 3
    p = K.randperm(Generator(), 1000)
    np.testing.assert_array_equal(np.sort(p), np.arange(1000))


def test_normal_moments_and_float32_vector_path():
    for dt in (np.float32, np.float64):
        v = K.normal(Generator(), 200000, dt, 2.0, 3.0)
        assert v.dtype == dt
        assert abs(v.mean() - 2.0) < 0.05 and abs(v.std() - 3.0) < 0.05


def test_multinomial_frequencies_and_no_repeats():
    w = np.array([1.0, 2.0, 3.0, 4.0])
    draws = K.multinomial(Generator(), w, 40000, True)
    freq = np.bincount(draws, minlength=4) / 40000
    np.testing.assert_allclose(freq, w / w.sum(), atol=0.01)
    rows = K.multinomial(Generator(), np.ones((50, 6)), 6, False)
    assert all(sorted(r) == list(range(6)) for r in rows.tolist())


def test_seed_argument_types_as_pytorch():
    assert tl.manual_seed(1.5).initial_seed() == 1 and tl.manual_seed("3").initial_seed() == 3
    for bad in (1.5, True, None, "3"):
        with pytest.raises(RuntimeError, match="expected a long"):
            Generator().manual_seed(bad)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(0, 6), min_size=0, max_size=3),
    st.integers(0, 2**32 - 1),
    st.sampled_from(["float32", "float64"]),
)
def test_draws_depend_on_the_element_count_not_the_shape(shape, seed, dtype):
    """A random tensor of any shape holds the same numbers as a flat one of its size (the
    kernels see only the element count), in C order."""
    n = int(np.prod(shape, dtype=np.int64))
    d = getattr(tl, dtype)
    for fn in (tl.rand, tl.randn):
        shaped = fn(*shape, dtype=d, generator=Generator().manual_seed(seed))
        flat = fn(n, dtype=d, generator=Generator().manual_seed(seed))
        assert tuple(shaped.shape) == tuple(shape) and shaped.dtype == d
        np.testing.assert_array_equal(shaped.numpy().reshape(-1), flat.numpy())


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 5), st.integers(1, 9), st.integers(1, 12), st.booleans())
def test_multinomial_shapes(rows, cols, k, replacement):
    if not replacement:
        k = min(k, cols)
    w = tl.rand(rows, cols, generator=Generator().manual_seed(rows)) + 0.01
    out = tl.multinomial(w, k, replacement)
    assert tuple(out.shape) == (rows, k) and out.dtype == tl.int64
    assert out.min().item() >= 0 and out.max().item() < cols
    if not replacement:
        assert all(len(set(r)) == k for r in out.tolist())
    assert tuple(tl.multinomial(w[0], k, replacement).shape) == (k,)


def test_fork_rng_and_determinism_switches():
    tl.manual_seed(5)
    with tl.random.fork_rng():
        tl.rand(100)
    after = tl.rand(3)
    tl.manual_seed(5)
    assert tl.equal(after, tl.rand(3))
    tl.use_deterministic_algorithms(True, warn_only=True)
    assert tl.are_deterministic_algorithms_enabled()
    assert tl.is_deterministic_algorithms_warn_only_enabled()
    tl.use_deterministic_algorithms(False)
    assert not tl.are_deterministic_algorithms_enabled()
