"""no_grad / enable_grad / set_grad_enabled / inference_mode: context managers, decorators,
nesting, per-thread state."""

from __future__ import annotations

import threading

import tinygrad_lite as tl
from tinygrad_lite.autograd.fast import use_engine


def _leaf():
    return tl.tensor([1.0, 2.0], requires_grad=True)


def test_no_grad_context_records_nothing():
    x = _leaf()
    with tl.no_grad():
        y = x * 2
        assert not tl.is_grad_enabled()
    assert tl.is_grad_enabled()
    assert y.grad_fn is None and not y.requires_grad


def test_no_grad_decorator():
    @tl.no_grad()
    def f(t):
        return t * 2, tl.is_grad_enabled()

    y, enabled = f(_leaf())
    assert not enabled and not y.requires_grad
    assert f.__name__ == "f"
    assert tl.is_grad_enabled()


def test_enable_grad_inside_no_grad_and_as_decorator():
    x = _leaf()
    with tl.no_grad():
        with tl.enable_grad():
            y = x * 2
        z = x * 2

        @tl.enable_grad()
        def g():
            return x * 3

        w = g()
    assert y.requires_grad and not z.requires_grad and w.requires_grad


def test_set_grad_enabled_as_function_context_and_decorator():
    x = _leaf()
    with tl.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert tl.is_grad_enabled()
    tl.set_grad_enabled(False)  # takes effect immediately, as in PyTorch
    try:
        assert not tl.is_grad_enabled()
    finally:
        tl.set_grad_enabled(True)
    assert tl.is_grad_enabled()

    @tl.set_grad_enabled(False)
    def f():
        return tl.is_grad_enabled()

    assert tl.is_grad_enabled()  # decorating did not switch anything
    assert f() is False and tl.is_grad_enabled()


def test_inference_mode_context_and_decorator():
    x = _leaf()
    with tl.inference_mode():
        assert tl.autograd.is_inference_mode_enabled()
        assert not (x * 2).requires_grad
    assert not tl.autograd.is_inference_mode_enabled()
    with tl.inference_mode(False):
        assert (x * 2).requires_grad

    @tl.inference_mode()
    def f():
        return (x * 2).requires_grad

    assert f() is False and tl.is_grad_enabled()


def test_mode_is_restored_after_an_exception():
    try:
        with tl.no_grad():
            raise ValueError("boom")
    except ValueError:
        pass
    assert tl.is_grad_enabled()


def test_grad_mode_is_per_thread():
    results = {}
    inside = threading.Event()
    checked = threading.Event()

    def worker():
        with tl.no_grad():
            inside.set()
            checked.wait(5)
            results["worker"] = tl.is_grad_enabled()

    t = threading.Thread(target=worker)
    t.start()
    inside.wait(5)
    results["main"] = tl.is_grad_enabled()
    results["main_records"] = (_leaf() * 2).requires_grad
    checked.set()
    t.join()
    assert results == {"worker": False, "main": True, "main_records": True}


def test_new_thread_starts_with_grad_enabled():
    results = []
    with tl.no_grad():
        t = threading.Thread(target=lambda: results.append(tl.is_grad_enabled()))
        t.start()
        t.join()
    assert results == [True]


def test_save_inputs_and_anomaly_are_per_thread_and_counted_once_per_thread():
    with use_engine("fast"):  # (the fast engine counts the threads that watch every op)
        _save_inputs_and_anomaly_are_per_thread()


def _save_inputs_and_anomaly_are_per_thread():
    from tinygrad_lite.autograd.fast.grad_mode import WATCHING_THREADS

    seen = {}
    inside, checked = threading.Event(), threading.Event()

    def worker():
        with tl.autograd.graph.save_inputs(), tl.autograd.detect_anomaly():
            seen["worker_count"] = len(WATCHING_THREADS)
            seen["worker_keeps"] = "inputs" in (_leaf() * 2).grad_fn.__dict__
            inside.set()
            checked.wait(5)

    t = threading.Thread(target=worker)
    t.start()
    inside.wait(5)
    seen["main_keeps"] = "inputs" in (_leaf() * 2).grad_fn.__dict__
    checked.set()
    t.join()
    assert seen == {"worker_count": 1, "worker_keeps": True, "main_keeps": False}
    assert not WATCHING_THREADS  # both switches off again: ops skip the thread-local read


def test_grad_off_threads_counts_each_thread_with_grad_mode_off_once():
    with use_engine("fast"):
        _grad_off_threads_counts_each_thread_once()


def _grad_off_threads_counts_each_thread_once():
    from tinygrad_lite.autograd.fast.grad_mode import GRAD_OFF_THREADS

    seen = {}
    inside, checked = threading.Event(), threading.Event()

    def worker():
        with tl.no_grad(), tl.no_grad():  # nested: still one entry for this thread
            seen["worker"] = len(GRAD_OFF_THREADS)
            seen["worker_records"] = (_leaf() * 2).grad_fn is not None
            inside.set()
            checked.wait(5)

    t = threading.Thread(target=worker)
    t.start()
    inside.wait(5)
    seen["main_records"] = (_leaf() * 2).grad_fn is not None
    checked.set()
    t.join()
    assert seen == {"worker": 1, "worker_records": False, "main_records": True}
    assert not GRAD_OFF_THREADS  # back on everywhere: ops skip the thread-local read


def test_backward_code_on_tensors_runs_with_grad_mode_create_graph_then_restores_it():
    modes = []
    x = _leaf()
    y = x * 3
    y.register_hook(lambda g: modes.append(tl.is_grad_enabled()))
    (y * y).sum().backward()  # the hook runs with grad mode off
    y = x * 3
    y.register_hook(lambda g: modes.append(tl.is_grad_enabled()))
    tl.autograd.grad((y * y).sum(), x, create_graph=True)  # ... and on with create_graph
    assert modes == [False, True] and tl.is_grad_enabled()
    with tl.no_grad():
        (x * 3).sum()  # (nothing recorded)
    z = (x * 2).sum()
    with tl.no_grad():
        z.backward()  # a plain backward inside no_grad leaves grad mode off
        assert not tl.is_grad_enabled()
    assert tl.is_grad_enabled()


def test_grad_off_counts_a_thread_once_whatever_false_value_is_set():
    from tinygrad_lite.autograd.fast.grad_mode import GRAD_OFF_THREADS
    from tinygrad_lite.autograd.grad_mode import STATE

    with use_engine("fast"), tl.no_grad():
        STATE.grad_enabled = 0
        STATE.grad_enabled = None
        assert len(GRAD_OFF_THREADS) == 1 and STATE.grad_enabled is False
    assert not GRAD_OFF_THREADS and tl.is_grad_enabled() is True
