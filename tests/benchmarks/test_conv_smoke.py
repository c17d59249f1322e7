"""The conv benchmarks at tiny size (no timing assertions): tinygrad_lite's and PyTorch's
losses over three SGD steps follow the hand-written NumPy's, and the table prints."""

from __future__ import annotations

import pytest

from benchmarks import conv


@pytest.mark.parametrize("workload", list(conv.SIZES))
def test_every_peer_follows_hand_numpy(workload):
    want = conv.make_step("numpy_hand", workload, 2)
    expected = [want() for _ in range(3)]
    assert expected[2] < expected[0]  # the steps train
    peers = ["ours"]
    try:
        import torch  # noqa: F401

        peers.append("torch_cpu")
    except ImportError:
        pass
    for peer in peers:
        step = conv.make_step(peer, workload, 2)
        assert [step() for _ in range(3)] == pytest.approx(expected, rel=1e-4), peer


def test_table_formats_ratios():
    results = {"lenet": {"ours": {"times": [2.0, 4.0], "rss_peak_mb": 3.0},
                         "torch_cpu": {"times": [1.0, 1.0], "rss_peak_mb": 2.0},
                         "numpy_hand": {"times": [2.0, 2.0], "rss_peak_mb": 1.0}}}  # fmt: skip
    table = conv.format_table(results)
    assert "| lenet | 2000.0 | 1000.0 | 3000.0 | 3.00× | 1.50× | 1.0 / 2.0 / 3.0 | 1.50× |" in table
