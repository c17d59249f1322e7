"""The sequence-model benchmarks run at tiny size on tinygrad_lite (no timing assertions),
and, where PyTorch is installed, end at PyTorch's loss from the same starting weights."""

from __future__ import annotations

import math

import pytest

import tinygrad_lite
from benchmarks import sequence as S


@pytest.mark.parametrize("name", list(S.WORKLOADS))
def test_workload_runs_and_learns_a_finite_loss(name):
    loss = S.WORKLOADS[name](tinygrad_lite, S.SIZES["tiny"][name])()
    assert math.isfinite(loss) and 0 < loss < 10


def test_same_losses_as_pytorch_and_a_table():
    pytest.importorskip("torch")
    results = S.measure("tiny", rounds=1)
    for name, r in results.items():
        assert r["loss_ours"] == pytest.approx(r["loss_torch"], abs=1e-4), name
    table = S.table(results)
    assert table.count("\n") == 1 + len(S.WORKLOADS) and "embedding_mlp" in table
