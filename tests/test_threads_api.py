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
