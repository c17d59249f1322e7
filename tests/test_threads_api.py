"""set_num_threads / get_num_threads: NumPy's BLAS thread count, as torch's functions."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_lite as tl


def test_set_and_get_num_threads_round_trip():
    before = tl.get_num_threads()
    try:
        tl.set_num_threads(1)
        assert tl.get_num_threads() == 1
        a = np.ones((64, 64), np.float32)
        assert (tl.tensor(a) @ tl.tensor(a)).sum().item() == 64**3
    finally:
        tl.set_num_threads(before)
    assert tl.get_num_threads() == before


@pytest.mark.parametrize(
    "bad,message",
    [(0, "expects a positive integer"), (-1, "expects a positive integer"),
     (1.5, "expects an int, but got float"), ("2", "expects an int, but got str"),
     (True, "expects an int, but got bool")],
)  # fmt: skip
def test_bad_thread_counts_are_refused_as_in_pytorch(bad, message):
    with pytest.raises(RuntimeError, match=message):
        tl.set_num_threads(bad)


def _threads_after_import(env_value):
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    env.pop("TINYGRAD_LITE_NUM_THREADS", None)
    if env_value is not None:
        env["TINYGRAD_LITE_NUM_THREADS"] = env_value
    code = "import tinygrad_lite as t; print(t.get_num_threads())"
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    return proc


def test_the_environment_variable_sets_the_count_at_import():
    proc = _threads_after_import("1")
    assert proc.returncode == 0 and proc.stdout.strip() == "1"


def test_small_machines_default_to_one_blas_thread(monkeypatch):
    from tinygrad_lite import threads

    calls = []
    monkeypatch.setattr(threads, "set_num_threads", calls.append)
    monkeypatch.delenv("TINYGRAD_LITE_NUM_THREADS", raising=False)
    monkeypatch.setattr(threads.os, "cpu_count", lambda: 2)
    threads.apply_default()
    monkeypatch.setattr(threads.os, "cpu_count", lambda: 8)
    threads.apply_default()
    assert calls == [1]  # 2 CPUs: one thread; 8 CPUs: left alone


def test_a_bad_environment_value_is_a_clear_error():
    proc = _threads_after_import("many")
    assert (
        proc.returncode != 0
        and "TINYGRAD_LITE_NUM_THREADS must be a positive integer" in proc.stderr
    )
