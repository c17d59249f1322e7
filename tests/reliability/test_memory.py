"""Memory: graphs are freed by reference counting alone (no cycles), long training keeps
memory flat, a million-op chain backpropagates and frees, and ``no_grad`` records nothing.

Most tests run with the cyclic garbage collector disabled: if something survived only
because a reference cycle keeps it alive, a weakref to it would still be alive.
"""

from __future__ import annotations

import gc
import tracemalloc
import weakref
from contextlib import contextmanager

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite.autograd import Node, tape


@contextmanager
def gc_disabled():
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _live_nodes() -> int:
    return sum(1 for o in gc.get_objects() if type(o) is Node)


def _graph(x: tl.Tensor) -> tl.Tensor:
    """A small graph with saved inputs, saved outputs, views, broadcasting and reuse."""
    h = (x * x).exp()
    h2 = h.reshape(-1).softmax(0).reshape(h.shape) + h.T.T * 0.5
    return (h2 @ x.T).sum() + x.sum()


# --- graphs are freed --------------------------------------------------------------------
def test_graph_freed_after_backward_without_gc():
    x = tl.randn(3, 3, dtype=tl.float64, requires_grad=True)
    with gc_disabled():
        y = _graph(x)
        refs = [weakref.ref(n) for n in tape(y)]
        assert len(refs) >= 8
        y.backward()
        del y
        assert [r for r in refs if r() is not None] == []
    assert x.grad is not None and x.grad_fn is None


def test_graph_freed_when_dropped_without_backward():
    x = tl.randn(3, 3, requires_grad=True)
    with gc_disabled():
        y = _graph(x)
        refs = [weakref.ref(n) for n in tape(y)]
        del y
        assert all(r() is None for r in refs)


def test_saved_buffers_released_by_backward_while_output_alive():
    # under autograd.graph.free_values(), backward frees what nodes saved and their values,
    # even though the loss tensor itself is still held
    from tinygrad_lite.autograd.graph import free_values

    x = tl.randn(256, 256, dtype=tl.float64, requires_grad=True)
    with gc_disabled(), free_values():
        h = x.exp()  # saves its output (a 512 KiB array)
        loss = h.sum()
        saved_ref = weakref.ref(h.grad_fn.saved[0])
        del h
        assert saved_ref() is not None
        loss.backward()
        assert saved_ref() is None
        assert loss.grad_fn is not None  # the graph structure is still there, its buffers not


def test_values_kept_for_viz_are_released_with_the_graph():
    # by default the nodes keep their values after backward (for viz) until the graph goes
    x = tl.randn(256, 256, dtype=tl.float64, requires_grad=True)
    with gc_disabled():
        h = x.exp()
        loss = h.sum()
        value_ref = weakref.ref(h.grad_fn.out)
        del h
        loss.backward()
        assert value_ref() is not None
        del loss
        assert value_ref() is None  # no cycle: freed by reference counting alone


def test_retain_graph_keeps_then_frees():
    x = tl.randn(4, requires_grad=True)
    with gc_disabled():
        y = (x.sin() * x).sum()
        refs = [weakref.ref(n) for n in tape(y)]
        y.backward(retain_graph=True)
        y.backward()
        np.testing.assert_allclose(
            x.grad.numpy(), 2 * (np.cos(x.numpy()) * x.numpy() + np.sin(x.numpy())), rtol=1e-5
        )
        del y
        assert all(r() is None for r in refs)


def test_retain_grad_and_autograd_grad_create_no_cycles():
    x = tl.randn(5, dtype=tl.float64, requires_grad=True)
    with gc_disabled():
        h = x.tanh()
        h.retain_grad()
        y = (h * h).sum()
        refs = [weakref.ref(n) for n in tape(y)]
        y.backward()
        assert h.grad is not None
        del h, y
        assert all(r() is None for r in refs)
        # second order with autograd.grad: the returned gradient holds its own graph
        y = (x**3).sum()
        (g,) = tl.autograd.grad(y, x, create_graph=True)
        refs = [weakref.ref(n) for n in tape([y, g])]
        g.sum().backward()
        np.testing.assert_allclose(
            x.grad.numpy(), 6 * x.numpy() + 2 * (1 - np.tanh(x.numpy()) ** 2) * np.tanh(x.numpy())
        )
        del y, g
        assert all(r() is None for r in refs)


def test_gc_finds_no_tinygrad_garbage_after_training():
    """Everything a training loop drops is freed by refcounting: gc finds nothing of ours."""
    rng = np.random.default_rng(0)
    w = tl.tensor(rng.standard_normal((4, 3)), requires_grad=True)
    x = tl.tensor(rng.standard_normal((8, 4)))
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)  # keep whatever the collector finds, so we can look at it
    try:
        with gc_disabled():
            for _ in range(50):
                loss = (x @ w).tanh().pow(2).mean()
                loss.backward()
                with tl.no_grad():
                    w -= 0.1 * w.grad
                    w.grad = None
        del loss
        gc.collect()
        ours = [o for o in gc.garbage if isinstance(o, (tl.Tensor, Node, np.ndarray))]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert ours == []


# --- long runs stay flat -----------------------------------------------------------------
@pytest.mark.slow
def test_ten_thousand_training_steps_keep_memory_flat():
    """A 4-16-1 MLP, 10,000 steps of full-batch SGD: traced memory at step 1,000 and at step
    10,000 differ by less than 64 KiB. Leaking one 56-byte tuple per step would add ~500 KiB;
    one graph per step many MiB. (The small drift left is CPython's free lists filling up.)"""
    rng = np.random.default_rng(0)
    X = tl.tensor(rng.standard_normal((16, 4)))
    Y = tl.tensor(np.sin(X.numpy().sum(1, keepdims=True)))
    W1 = tl.tensor(rng.standard_normal((4, 16)) * 0.5, requires_grad=True)
    b1 = tl.zeros(16, dtype=tl.float64, requires_grad=True)
    W2 = tl.tensor(rng.standard_normal((16, 1)) * 0.5, requires_grad=True)
    params = [W1, b1, W2]

    def step() -> float:
        loss = (((X @ W1 + b1).tanh() @ W2 - Y) ** 2).mean()
        loss.backward()
        with tl.no_grad():
            for p in params:
                p -= 0.05 * p.grad
                p.grad = None
        return loss.item()

    first = step()
    tracemalloc.start()
    try:
        for _ in range(999):
            step()
        gc.collect()
        at_1000 = tracemalloc.get_traced_memory()[0]
        for _ in range(9000):
            last = step()
        gc.collect()
        at_10000, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    print(f"traced memory: step 1,000 {at_1000} B, step 10,000 {at_10000} B, peak {peak} B")
    assert last < first / 10  # it did train
    assert at_10000 - at_1000 < 64 * 1024, (at_1000, at_10000)
    assert peak < 1024 * 1024, peak  # no step ever held more than a MiB of Python objects


@pytest.mark.slow
def test_nn_adam_training_keeps_objects_and_blocks_flat():
    """nn.Sequential + MSELoss + Adam (optimizer state, zero_grad, module calls): between
    step 1,000 and step 10,000 no Tensor or Node accumulates and CPython's allocated block
    count stays within noise (leaking one object per step would add >= 9,000 blocks)."""
    import sys

    from tinygrad_lite import nn, optim

    rng = np.random.default_rng(0)
    X = tl.tensor(rng.standard_normal((16, 4)), dtype=tl.float32)
    Y = tl.tensor(np.sin(X.numpy().sum(1, keepdims=True)))
    model = nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 1))
    opt = optim.Adam(model.parameters(), lr=1e-2)
    loss_fn = nn.MSELoss()

    def step() -> float:
        opt.zero_grad()
        loss = loss_fn(model(X), Y)
        loss.backward()
        opt.step()
        return loss.item()

    def census() -> tuple:
        gc.collect()
        ours = sum(1 for o in gc.get_objects() if isinstance(o, (tl.Tensor, Node)))
        return ours, sys.getallocatedblocks()

    first = step()
    for _ in range(999):
        step()
    objects_1000, blocks_1000 = census()
    for _ in range(9000):
        last = step()
    objects_10000, blocks_10000 = census()
    print(
        f"tensors+nodes {objects_1000} -> {objects_10000}, blocks {blocks_1000} -> {blocks_10000}"
    )
    assert last < first / 10
    assert objects_10000 == objects_1000
    assert blocks_10000 - blocks_1000 < 1000, (blocks_1000, blocks_10000)


def test_hundred_thousand_op_chain_frees_without_gc():
    x = tl.tensor(1.0, dtype=tl.float64, requires_grad=True)
    with gc_disabled():
        y = x
        for _ in range(100_000):
            y = -y
        node = y.grad_fn
        while type(node.parents[0]) is Node:  # walk to the first op without recursion
            node = node.parents[0]
        first = weakref.ref(node)
        del node
        y.backward()
        del y
        assert first() is None
    assert x.grad.item() == 1.0  # (-1)^100000


@pytest.mark.slow
def test_million_op_chain_backward_runs_and_frees():
    x = tl.tensor(1.0, dtype=tl.float64, requires_grad=True)
    c = 1.0 + 1e-6
    with gc_disabled():
        y = x
        for _ in range(1_000_000):
            y = y * c  # saves its inputs: a million saved buffers to free
        last = weakref.ref(y.grad_fn)
        nodes = tape(y)
        assert len(nodes) == 1_000_000
        first = weakref.ref(nodes[0])
        del nodes
        y.backward()
        del y
        assert last() is None and first() is None
    assert x.grad.item() == pytest.approx(c**1_000_000, rel=1e-9)


# --- no_grad records nothing -------------------------------------------------------------
def test_no_grad_records_nothing():
    x = tl.randn(3, 3, requires_grad=True)
    with gc_disabled():
        before = _live_nodes()
        with tl.no_grad():
            y = _graph(x)
            z = (x * 2).relu().sum(0).log_softmax(0)
        assert y.grad_fn is None and not y.requires_grad
        assert z.grad_fn is None and not z.requires_grad
        assert _live_nodes() == before
        # the counterpart: with grad on, the same code does keep nodes alive
        y = _graph(x)
        assert y.grad_fn is not None and _live_nodes() > before
        del y
        assert _live_nodes() == before


def test_no_grad_decorator_records_nothing():
    @tl.no_grad()
    def f(t):
        return (t * t).sum()

    x = tl.randn(3, requires_grad=True)
    out = f(x)
    assert out.grad_fn is None and not out.requires_grad
    assert (x * x).sum().grad_fn is not None  # recording is back on after the call
