"""Sampling ops: multinomial, bernoulli, topk, exponential_/random_ and torch.normal —
values, shapes, dtypes, gradients (topk) and PyTorch's errors."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite.autograd import gradcheck, gradgradcheck


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((tl.tensor([1, 2]), 1), "floating-point dtypes"),
        ((tl.tensor([1.0, 2.0]), 3), "without replacement"),
        ((tl.tensor([1.0, 2.0]), 0), "n_sample <= 0"),
        ((tl.tensor([1.0, -2.0]), 1), "element < 0"),
        ((tl.tensor([1.0, -2.0]), 2, True), "entry < 0"),
        ((tl.tensor([0.0, 0.0]), 2, True), "sum of probabilities <= 0"),
        ((tl.tensor([0.0, 0.0]), 1), "sum of probabilities <= 0"),
        ((tl.tensor(1.0), 1), "1 or 2 dim"),
        ((tl.ones(2, 2, 2), 1), "1 or 2 dim"),
        ((tl.tensor([1.0, float("nan")]), 2, True), "infinity or NaN"),
        ((tl.tensor([1.0, float("inf")]), 1), "`inf`, `nan`"),
    ],
)
def test_multinomial_errors(args, message):
    with pytest.raises(RuntimeError, match=message):
        tl.multinomial(*args)


def test_multinomial_shapes_dtype_and_support():
    w = tl.tensor([[0.0, 1.0, 0.0, 3.0], [1.0, 0.0, 0.0, 0.0]])
    out = tl.multinomial(w, 2)
    assert out.dtype == tl.int64 and tuple(out.shape) == (2, 2)
    assert sorted(out[0].tolist()) == [1, 3] and out[1, 0].item() == 0
    many = w.multinomial(100, replacement=True)
    assert set(many[0].tolist()) <= {1, 3} and set(many[1].tolist()) == {0}
    g1, g2 = tl.Generator().manual_seed(1), tl.Generator().manual_seed(1)
    assert tl.equal(tl.multinomial(w, 2, generator=g1), tl.multinomial(w, 2, generator=g2))


def test_bernoulli_values_dtype_and_errors():
    p = tl.tensor([0.0, 1.0, 0.0, 1.0], dtype=tl.float64)
    out = tl.bernoulli(p)
    assert out.dtype == tl.float64 and out.tolist() == [0.0, 1.0, 0.0, 1.0]
    assert tl.bernoulli(p, 1.0).tolist() == [1.0] * 4
    assert set(tl.zeros(1000).bernoulli_(0.5).tolist()) == {0.0, 1.0}
    with pytest.raises(RuntimeError, match=r"in \[0, 1\]"):
        tl.bernoulli(tl.tensor([1.5]))
    with pytest.raises(RuntimeError, match="bernoulli_ expects p to be in"):
        tl.empty(3).bernoulli_(1.5)
    with pytest.raises(NotImplementedError, match="floating-point"):
        tl.bernoulli(tl.tensor([1, 0]))


def test_random_fills_errors():
    with pytest.raises(RuntimeError, match=r"\[from, to\) range"):
        tl.empty(3).uniform_(1, 0)
    with pytest.raises(RuntimeError, match="std >= 0.0"):
        tl.empty(3).normal_(0, -1)
    with pytest.raises(NotImplementedError, match="not implemented for"):
        tl.empty(3, dtype=tl.int64).normal_()
    with pytest.raises(RuntimeError, match="lambda > 0.0"):
        tl.empty(3).exponential_(-1)
    with pytest.raises(RuntimeError, match="from=5 >= to=3"):
        tl.randint(5, 3, (2,))
    with pytest.raises(RuntimeError, match="negative dimension"):
        tl.randperm(-1)
    with pytest.raises(TypeError, match="Generator"):
        tl.rand(3, generator=np.random.default_rng())
    w = tl.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        w.normal_()


def test_random_and_exponential_ranges():
    v = tl.empty(1000, dtype=tl.int64).random_(3, 9)
    assert v.min().item() == 3 and v.max().item() == 8
    assert tl.empty(100, dtype=tl.int64).random_(4).max().item() < 4
    f = tl.empty(1000).random_()
    assert f.min().item() >= 0 and f.max().item() <= 2**24
    e = tl.empty(20000, dtype=tl.float64).exponential_(2.0)
    assert e.min().item() >= 0 and abs(e.mean().item() - 0.5) < 0.02


def test_normal_forms_shapes_and_dtypes():
    assert tuple(tl.normal(tl.zeros(2, 3), 1.0).shape) == (2, 3)
    assert tl.normal(tl.zeros(3, dtype=tl.float64), tl.ones(3)).dtype == tl.float64
    assert tuple(tl.normal(0.0, 1.0, (4,)).shape) == (4,)
    with pytest.raises(TypeError, match="size"):
        tl.normal(0.0, 1.0)
    with pytest.raises(RuntimeError, match="std >= 0.0"):
        tl.normal(tl.zeros(3), -1.0)


def test_topk_values_indices_and_options():
    x = tl.tensor([[3.0, 1.0, 4.0, 1.5], [9.0, 2.0, 6.0, 5.0]])
    v, i = tl.topk(x, 2)
    assert v.tolist() == [[4.0, 3.0], [9.0, 6.0]] and i.tolist() == [[2, 0], [0, 2]]
    v, i = x.topk(3, dim=1, largest=False)
    assert v.tolist() == [[1.0, 1.5, 3.0], [2.0, 5.0, 6.0]]
    r = x.topk(1, dim=0)
    assert r.values.tolist() == [[9.0, 2.0, 6.0, 5.0]] and r.indices.tolist() == [[1, 1, 1, 1]]
    assert i.dtype == tl.int64
    with pytest.raises(RuntimeError, match="k out of range"):
        tl.topk(tl.tensor([1.0, 2.0]), 3)
    with pytest.raises(RuntimeError, match="k out of range"):
        tl.topk(tl.tensor([1.0, 2.0]), -1)


def test_topk_gradients():
    x = tl.tensor(np.random.default_rng(0).standard_normal((3, 5)), requires_grad=True)
    assert gradcheck(lambda t: tl.topk(t, 2, dim=1).values, (x,))
    assert gradcheck(lambda t: t.topk(2, dim=0, largest=False).values, (x,))
    assert gradgradcheck(lambda t: tl.topk(t, 3).values ** 2, (x,))
    tl.topk(x, 2).values.sum().backward()
    assert x.grad.sum().item() == 6.0 and ((x.grad == 0) | (x.grad == 1)).all().item()


def test_topk_against_torch():
    torch = pytest.importorskip("torch")
    a = np.random.default_rng(1).standard_normal((4, 6))
    for k, dim, largest in [(3, -1, True), (2, 0, False), (6, 1, True)]:
        x, tx = tl.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
        v, i = tl.topk(x, k, dim, largest)
        tv, ti = torch.topk(tx, k, dim, largest)
        np.testing.assert_array_equal(v.detach().numpy(), tv.detach().numpy())
        np.testing.assert_array_equal(i.numpy(), ti.numpy())
        (v * v).sum().backward()
        (tv * tv).sum().backward()
        np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())


def test_size_keyword_on_the_factories():
    assert tuple(tl.rand(size=(2, 3)).shape) == (2, 3)
    assert tuple(tl.randn(size=4).shape) == (4,)
    assert tuple(tl.zeros(size=(2,)).shape) == (2,)
    assert tuple(tl.ones(size=[1, 2]).shape) == (1, 2)
    assert tuple(tl.empty(size=(3,)).shape) == (3,)
    assert tuple(tl.randint(0, 5, size=(2,)).shape) == (2,)
    assert tuple(tl.randint(5, size=(2,)).shape) == (2,)
    with pytest.raises(TypeError, match="both"):
        tl.rand(2, size=(3,))
    g1, g2 = tl.Generator().manual_seed(3), tl.Generator().manual_seed(3)
    assert tl.equal(tl.rand(size=(5,), generator=g1), tl.rand(5, generator=g2))
