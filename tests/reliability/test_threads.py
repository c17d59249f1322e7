"""Grad mode and anomaly mode are per thread: switching them in one thread never changes
what another thread records or checks. Barriers make the threads truly overlap: each check
runs while the other thread is inside its ``with`` block."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite.autograd import detect_anomaly, is_anomaly_enabled

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

TIMEOUT = 20  # seconds; a barrier that times out fails the test instead of hanging it


def _run(*targets) -> dict:
    """Run each target in its own thread; re-raise the first failure in the caller."""
    results: dict = {}
    errors: list = []

    def wrap(name, fn):
        try:
            results[name] = fn()
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append((name, e))

    threads = [threading.Thread(target=wrap, args=(f.__name__, f)) for f in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT * 2)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    if errors:
        raise errors[0][1]
    return results


def test_no_grad_in_one_thread_does_not_stop_recording_in_another():
    barrier = threading.Barrier(2, timeout=TIMEOUT)
    x = tl.randn(3, requires_grad=True)

    def quiet():
        with tl.no_grad():
            barrier.wait()  # 1: we are inside no_grad
            barrier.wait()  # 2: the other thread has recorded meanwhile
            y = x * 2
            inside = (tl.is_grad_enabled(), y.grad_fn)
        return inside, tl.is_grad_enabled()

    def recording():
        barrier.wait()  # 1
        y = (x * 2).sum()
        enabled = tl.is_grad_enabled()
        barrier.wait()  # 2
        (g,) = tl.autograd.grad(y, x)
        return enabled, y.grad_fn is not None, g.numpy()

    res = _run(quiet, recording)
    (q_enabled, q_fn), q_after = res["quiet"]
    assert q_enabled is False and q_fn is None and q_after is True
    enabled, recorded, g = res["recording"]
    assert enabled is True and recorded
    np.testing.assert_array_equal(g, [2.0, 2.0, 2.0])


def test_set_grad_enabled_false_in_main_thread_leaves_new_threads_recording():
    x = tl.randn(2, requires_grad=True)
    prev = tl.is_grad_enabled()
    tl.set_grad_enabled(False)
    try:

        def worker():
            return tl.is_grad_enabled(), (x + 1).grad_fn is not None

        res = _run(worker)
        assert (x + 1).grad_fn is None  # main thread: off
    finally:
        tl.set_grad_enabled(prev)
    assert res["worker"] == (True, True)


def test_no_grad_decorator_in_many_threads_interleaved():
    barrier = threading.Barrier(4, timeout=TIMEOUT)
    x = tl.randn(3, requires_grad=True)

    @tl.no_grad()
    def frozen():
        out = []
        for _ in range(20):
            barrier.wait()
            out.append((x * x).grad_fn is None)
        return all(out)

    def live():
        out = []
        for _ in range(20):
            barrier.wait()
            out.append((x * x).grad_fn is not None)
        return all(out)

    def frozen2():
        return frozen()

    def live2():
        return live()

    res = _run(frozen, live, frozen2, live2)
    assert res == {"frozen": True, "live": True, "frozen2": True, "live2": True}


def test_anomaly_mode_is_per_thread():
    barrier = threading.Barrier(2, timeout=TIMEOUT)

    def checked():
        x = tl.tensor([-1.0], requires_grad=True)
        with detect_anomaly():
            barrier.wait()  # 1: anomaly mode is on here
            barrier.wait()  # 2: the other thread computed a NaN without error
            with pytest.raises(RuntimeError, match="Sqrt"):
                x.sqrt()
            return is_anomaly_enabled()

    def unchecked():
        x = tl.tensor([-1.0], requires_grad=True)
        barrier.wait()  # 1
        y = x.sqrt()  # NaN, no error: anomaly mode is off in this thread
        barrier.wait()  # 2
        return is_anomaly_enabled(), bool(np.isnan(y.numpy()).all()), y.grad_fn.trace

    res = _run(checked, unchecked)
    assert res["checked"] is True
    assert res["unchecked"] == (False, True, None)
    assert not is_anomaly_enabled()


def test_concurrent_backward_on_independent_graphs():
    rng = np.random.default_rng(0)
    data = [rng.standard_normal((5, 4)) for _ in range(4)]
    barrier = threading.Barrier(4, timeout=TIMEOUT)

    def make(a):
        def worker():
            grads = []
            for i in range(30):
                if i % 10 == 0:
                    barrier.wait()
                w = tl.tensor(a, requires_grad=True)
                ((w.tanh() * w).sum() + tl.trace(w @ w.T)).backward()
                grads.append(w.grad.numpy().copy())
            return grads

        worker.__name__ = f"w{id(a)}"
        return worker

    workers = [make(a) for a in data]
    res = _run(*workers)
    for a, f in zip(data, workers):
        t = np.tanh(a)
        expected = (1 - t * t) * a + t + 2 * a
        for g in res[f.__name__]:
            np.testing.assert_allclose(g, expected, rtol=1e-6)
