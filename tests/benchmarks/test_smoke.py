"""Every benchmark runs at tiny size for every installed framework (no timing assertions):
the suite cannot rot, and each framework's numbers are checked against hand-written NumPy."""

from __future__ import annotations

import importlib
import json

import numpy as np
import pytest

from benchmarks import run as bench_run
from benchmarks import workloads as W
from benchmarks.peers import PEERS

TINY = {name: wl.sizes["tiny"] for name, wl in W.WORKLOADS.items()}


def _peer(name: str):
    modules = {"torch_cpu": "torch", "autograd_hips": "autograd", "mygrad_peer": "mygrad",
               "micrograd_peer": "micrograd"}  # fmt: skip
    if name in modules:
        pytest.importorskip(modules[name])
    if name == "ours":
        import tinygrad_lite

        if not all(hasattr(tinygrad_lite.nn, a) for a in ("Linear", "MSELoss", "functional")):
            pytest.skip("tinygrad_lite.nn is not complete yet")
    return importlib.import_module(f"benchmarks.peers.{name}")


@pytest.mark.parametrize("name", PEERS)
def test_overhead_gradient_matches_hand_numpy(name):
    peer = _peer(name)
    if name == "micrograd_peer":
        pytest.skip("micrograd chains relu, not tanh: a different function")
    got = peer.overhead(9)()
    want = importlib.import_module("benchmarks.peers.numpy_hand").overhead(9)()
    assert got == pytest.approx(want, rel=1e-4)
    assert W.measure_overhead(peer, TINY["overhead"])["value"] > 0


@pytest.mark.parametrize("name", PEERS)
def test_pizza_reaches_the_numpy_reference(name):
    peer = _peer(name)
    w, b = peer.pizza(*W.pizza_data(), 50, 1e-3)()
    ref_w, ref_b = W.pizza_reference(50, 1e-3)
    assert (w, b) == pytest.approx((ref_w, ref_b), rel=1e-4)
    assert W.measure_pizza(peer, {"iters": 3, "repeats": 1})["value"] > 0


def test_pizza_check_fails_loudly_on_a_wrong_answer():
    class Wrong:
        @staticmethod
        def pizza(x, y, iters, lr):
            return lambda: (0.0, 0.0)

    with pytest.raises(AssertionError, match="pizza"):
        W.measure_pizza(Wrong, {"iters": 20, "repeats": 1})


def test_full_pizza_reference_is_the_seeds_answer():
    w, b = W.pizza_reference(20000, 1e-3)
    assert w == pytest.approx(W.PIZZA_W, abs=1e-4)
    assert b == pytest.approx(W.PIZZA_B, abs=1e-4)


@pytest.mark.parametrize("name", PEERS)
def test_minibatch_epoch_runs(name):
    peer = _peer(name)
    result = W.measure_minibatch(peer, TINY["minibatch"], 32)
    assert result["value"] > 0 and "loss=" in result["note"]


@pytest.mark.parametrize("name", [p for p in PEERS if p != "micrograd_peer"])
def test_mlp_loss_starts_near_log10(name):
    peer = _peer(name)
    X, labels = W.mlp_data(256)
    loss = peer.mlp(X, labels, 1, 128, 0.01)()
    # small random init on random data: the first loss is close to ln(10) = 2.30
    assert 2.0 < loss < 2.7


@pytest.mark.parametrize("name", PEERS)
def test_deep_gradient(name):
    peer = _peer(name)
    forward, backward = peer.deep(50)
    grad = np.asarray(backward(forward()), dtype=np.float64)
    np.testing.assert_allclose(grad, np.full(4, W.DEEP_FACTOR**50), rtol=1e-5)


def test_deep_child_reports_time_and_memory():
    out = bench_run._deep_child("numpy_hand", 50, 1, traced=True)
    assert out["value"] == pytest.approx(out["forward"] + out["backward"])
    assert out["traced_after_mb"] < 1


def test_cli_prints_tables_and_saves_json(tmp_path, capsys):
    path = tmp_path / "r.json"
    bench_run.main(["--tiny", "--only", "overhead", "--peers", "numpy_hand", "--out", str(path)])
    text = capsys.readouterr().out
    assert "| overhead | µs/op |" in text and "## Machine" in text
    saved = json.loads(path.read_text())
    assert saved["rows"] == ["overhead"] and "value" in saved["results"]["numpy_hand"]["overhead"]
    bench_run.main(["--compare", str(path), str(path)])
    assert "ours before" in capsys.readouterr().out


def test_unknown_workload_is_a_clear_error():
    with pytest.raises(SystemExit, match="unknown workload"):
        bench_run.main(["--tiny", "--only", "nonsense", "--peers", "numpy_hand"])


def test_scaled_sizes_name_real_frameworks_and_modes():
    for wl in W.WORKLOADS.values():
        assert set(wl.scaled) <= set(PEERS), wl.name
        for modes in wl.scaled.values():
            assert set(modes) <= set(wl.sizes), wl.name


def test_rounds_report_the_median_and_any_error():
    rounds = [
        {"pizza": {"value": 3.0, "note": "w=1"}, "mlp": {"value": 1.0}},
        {"pizza": {"value": 1.0, "note": "w=1"}, "mlp": {"error": "boom"}},
        {"pizza": {"value": 2.0, "note": "w=1"}, "mlp": {"value": 1.0}},
    ]
    merged = bench_run._median_of_rounds(rounds)
    assert merged["pizza"]["value"] == 2.0 and merged["pizza"]["rounds"] == [3.0, 1.0, 2.0]
    assert merged["pizza"]["note"] == "w=1"
    assert merged["mlp"] == {"error": "boom"}
    two = bench_run._median_of_rounds(rounds[:1] + rounds[2:])
    assert two["pizza"]["value"] == 2.5


def test_run_takes_turns_between_frameworks(monkeypatch):
    calls = []

    def fake(name, peer, mode, verbose):
        calls.append(peer)
        return {name: {"value": float(len(calls))}}

    monkeypatch.setattr(bench_run, "_run_inprocess", fake)
    report = bench_run.run("tiny", ["pizza"], ["numpy_hand", "ours"], rounds=3)
    assert calls == ["numpy_hand", "ours"] * 3
    assert report["results"]["ours"]["pizza"]["value"] == 4.0  # median of 2, 4, 6
    assert report["machine"]["rounds"] == 3


def test_ratios_are_taken_within_rounds():
    results = {
        "ours": {"pizza": {"value": 2.0, "rounds": [1.0, 2.0, 4.0]}},
        "torch_cpu": {"pizza": {"value": 4.0, "rounds": [2.0, 8.0, 4.0]}},
        "numpy_hand": {"pizza": {"value": 1.0}},
    }
    assert bench_run._ratio(results, "pizza", "ours", "torch_cpu") == 0.5  # of 0.5, 0.25, 1
    assert bench_run._ratio(results, "pizza", "ours", "numpy_hand") == 2.0
