"""Run the benchmark suite and print the results as Markdown tables.

    python3 -m benchmarks.run                 # everything, full size (a few minutes)
    python3 -m benchmarks.run --quick         # smaller sizes, one repeat
    python3 -m benchmarks.run --only pizza    # one workload (repeatable)
    python3 -m benchmarks.run --out r.json    # also save the numbers
    python3 -m benchmarks.run --compare before.json after.json   # side-by-side table

All frameworks run in the same invocation, so their ratios are comparable even when the
shared machine's absolute speed drifts. ``deep`` runs each framework and length in a fresh
process, so memory numbers start from a clean baseline.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import statistics
import subprocess
import sys
import time
import traceback
from typing import Any

if __package__ in (None, ""):  # run as a script: python3 benchmarks/run.py
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    __package__ = "benchmarks"

from . import harness  # noqa: E402
from .peers import LABELS, PEERS  # noqa: E402
from .workloads import (  # noqa: E402
    WORKLOADS,
    measure_minibatch,
    measure_mlp,
    measure_overhead,
    measure_pizza,
    params_for,
)

# goal: (reference peer, maximum ratio of ours to it)
GOALS = {
    "overhead": ("torch_cpu", 0.6),
    "pizza": ("torch_cpu", 0.4),
    "minibatch-32": ("torch_cpu", 0.4),
    "minibatch-128": ("torch_cpu", 0.4),
    "mlp": ("numpy_hand", 1.15),
    "deep-100000": ("torch_cpu", 1.0),
    "deep-1000000": ("torch_cpu", 1.0),
}
MB = 1024 * 1024


def _load_peer(name: str) -> tuple[Any, str | None]:
    try:
        return importlib.import_module(f"benchmarks.peers.{name}"), None
    except ImportError as e:
        return None, f"not installed ({e.name})"


def _short_error(e: BaseException) -> str:
    text = f"{type(e).__name__}: {e}".splitlines()[0]
    return text if len(text) < 70 else text[:67] + "..."


# --------------------------------------------------------------------------------------
# in-process workloads
# --------------------------------------------------------------------------------------


def _run_inprocess(name: str, peer_name: str, mode: str, verbose: bool) -> dict[str, dict]:
    """Results of one workload for one framework: row name -> {value | error, note}."""
    workload = WORKLOADS[name]
    params, scaled = params_for(workload, peer_name, mode)
    peer, missing = _load_peer(peer_name)
    rows = (
        [f"minibatch-{b}" for b in params.get("batches", (32, 128))]
        if name == "minibatch"
        else [name]
    )
    if missing:
        return {row: {"error": missing} for row in rows}
    results = {}
    for row in rows:
        if not hasattr(peer, name):
            results[row] = {"error": "not run"}
            continue
        gc.collect()
        try:
            if name == "overhead":
                r = measure_overhead(peer, params)
            elif name == "pizza":
                r = measure_pizza(peer, params)
            elif name == "minibatch":
                r = measure_minibatch(peer, params, int(row.split("-")[1]))
            else:
                r = measure_mlp(peer, params)
        except Exception as e:  # a framework failing must not stop the others
            if verbose:
                traceback.print_exc()
            r = {"error": _short_error(e)}
        if scaled and "value" in r:
            r["note"] = ("scaled down: " + _describe(params) + "; " + r.get("note", "")).strip("; ")
        results[row] = r
    return results


def _describe(params: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in params.items() if k != "repeats")


# --------------------------------------------------------------------------------------
# deep: one fresh process per framework and length
# --------------------------------------------------------------------------------------


def _deep_child(peer_name: str, n: int, repeats: int, traced: bool) -> dict:
    """Measure one deep chain in this (fresh) process; return the numbers."""
    import numpy as np

    from .workloads import DEEP_FACTOR

    peer = importlib.import_module(f"benchmarks.peers.{peer_name}")
    warm_forward, warm_backward = peer.deep(min(n, 100))
    warm_backward(warm_forward())  # one-time lazy initialisation is not the chain's memory
    forward, backward = peer.deep(n)
    expected = np.ones(1, dtype=np.float32)  # the same n float32 roundings, by hand
    for _ in range(n):
        expected = expected * DEEP_FACTOR
    expected = float(expected[0])
    out: dict = {}
    fwd_times, bwd_times = [], []
    for i in range(repeats):
        gc.collect()
        base = harness.rss()
        harness.reset_peak_rss()
        start = harness.timer()
        state = forward()
        mid = harness.timer()
        grad = backward(state)
        end = harness.timer()
        peak = harness.peak_rss()
        del state
        gc.collect()
        after = harness.rss()
        got = np.asarray(grad, dtype=np.float64)
        exact = DEEP_FACTOR**n  # a framework may round once (float64 inside), not n times
        if not (np.allclose(got, expected, rtol=1e-4) or np.allclose(got, exact, rtol=1e-4)):
            raise AssertionError(f"deep: gradient {grad}, expected {expected} or {exact}")
        fwd_times.append(mid - start)
        bwd_times.append(end - mid)
        if i == 0 and base is not None:
            out["rss_peak_mb"] = (peak - base) / MB
            out["rss_after_mb"] = (after - base) / MB
    fwd_times.sort()
    bwd_times.sort()
    out["forward"] = fwd_times[len(fwd_times) // 2]
    out["backward"] = bwd_times[len(bwd_times) // 2]
    out["value"] = out["forward"] + out["backward"]
    if traced:

        def once() -> None:
            backward(forward())

        peak_b, after_b, _ = harness.traced_memory(once)
        out["traced_peak_mb"] = peak_b / MB
        out["traced_after_mb"] = after_b / MB
    return out


def _run_deep(peer_name: str, mode: str, verbose: bool) -> dict[str, dict]:
    workload = WORKLOADS["deep"]
    params, _ = params_for(workload, peer_name, mode)  # scaled = fewer lengths
    _, missing = _load_peer(peer_name)
    results = {}
    for n in workload.sizes[mode]["lengths"]:
        row = f"deep-{n}"
        if missing:
            results[row] = {"error": missing}
            continue
        if n not in params["lengths"]:
            results[row] = {"error": "skipped (too slow at this length)"}
            continue
        repeats = 3 if n <= 100_000 else 1
        traced = peer_name != "torch_cpu"  # tracemalloc cannot see PyTorch's C++ memory
        cmd = [sys.executable, "-m", "benchmarks.run", "--deep-child", peer_name, str(n),
               str(repeats), "1" if traced else "0"]  # fmt: skip
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True)
        lines = proc.stdout.strip().splitlines()
        if proc.returncode == 0 and lines:
            results[row] = json.loads(lines[-1])
        else:
            err = (proc.stderr.strip().splitlines() or ["failed"])[-1]
            if verbose:
                print(proc.stderr, file=sys.stderr)
            results[row] = {"error": err[:70]}
    return results


# --------------------------------------------------------------------------------------
# tables
# --------------------------------------------------------------------------------------


def _cell(r: dict | None) -> str:
    if r is None:
        return "–"
    if "value" not in r:
        return r.get("error", "–")
    v = r["value"]
    text = f"{v:.3g}" if v < 100 else f"{v:.0f}"
    return text + ("*" if "scaled" in r.get("note", "") else "")


def _ratio(results: dict, row: str, peer: str, ref: str) -> float | None:
    """``peer``'s time over ``ref``'s: the median of the ratios within each round when both
    ran in rounds (each pair measured minutes apart at most), else the ratio of the values."""
    a, b = results.get(peer, {}).get(row, {}), results.get(ref, {}).get(row, {})
    if "value" not in a or "value" not in b or b["value"] <= 0:
        return None
    ra, rb = a.get("rounds"), b.get("rounds")
    if ra and rb and len(ra) == len(rb) and all(v > 0 for v in rb):
        return statistics.median([x / y for x, y in zip(ra, rb)])
    return a["value"] / b["value"]


def _unit(row: str) -> str:
    return WORKLOADS[row.split("-")[0]].unit


def format_tables(results: dict, peers: list[str], rows: list[str]) -> str:
    """Markdown: the main table (values and ours' ratios), then deep's memory table."""
    head = ["workload", "unit"] + [LABELS[p] for p in peers]
    head += ["ours / NumPy", "ours / PyTorch", "goal"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        cells = [row, _unit(row)] + [_cell(results.get(p, {}).get(row)) for p in peers]
        for ref in ("numpy_hand", "torch_cpu"):
            r = _ratio(results, row, "ours", ref)
            cells.append("–" if r is None else f"{r:.2f}×")
        ref, limit = GOALS.get(row, (None, None))
        if ref is None:
            cells.append("")
        else:
            r = _ratio(results, row, "ours", ref)
            ok = "" if r is None else (" ✓" if r <= limit else " ✗")
            cells.append(f"≤ {limit}× {LABELS[ref]}{ok}")
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("`*` scaled down (fewer iterations/epochs, time extrapolated to the full size).")
    deep_rows = [r for r in rows if r.startswith("deep")]
    if deep_rows:
        lines += ["", _deep_table(results, peers, deep_rows)]
    return "\n".join(lines)


def _deep_table(results: dict, peers: list[str], rows: list[str]) -> str:
    head = ["chain", "framework", "forward s", "backward s", "peak RSS MB", "RSS after MB",
            "traced peak MB", "traced after MB"]  # fmt: skip
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        for p in peers:
            r = results.get(p, {}).get(row)
            if r is None:
                continue
            if "value" not in r:
                lines.append(f"| {row} | {LABELS[p]} | {r.get('error')} |" + " |" * 5)
                continue
            vals = [r.get(k) for k in ("forward", "backward", "rss_peak_mb", "rss_after_mb",
                                       "traced_peak_mb", "traced_after_mb")]  # fmt: skip
            cells = ["–" if v is None else f"{v:.3g}" for v in vals]
            lines.append(f"| {row} | {LABELS[p]} | " + " | ".join(cells) + " |")
    ours = results.get("ours", {})
    if "value" in ours.get("deep-100000", {}) and "value" in ours.get("deep-1000000", {}):
        scale = ours["deep-1000000"]["value"] / ours["deep-100000"]["value"] / 10
        lines.append("")
        lines.append(f"tinygrad_lite scaling: t(1e6) / (10 × t(1e5)) = {scale:.2f} (goal ≤ 1.3)")
    return "\n".join(lines)


def format_machine(info: dict) -> str:
    lines = [f"- {k}: {v}" for k, v in info.items() if k != "numpy_threadpools"]
    for pool in info.get("numpy_threadpools", []):
        lines.append(f"- NumPy BLAS: {pool}")
    return "\n".join(lines)


def format_compare(before: dict, after: dict) -> str:
    """Side-by-side table of two saved runs: each framework's value and ours' ratios."""
    rows = [r for r in after["rows"] if r in before["rows"]]
    head = ["workload", "unit", "NumPy before", "NumPy after", "PyTorch before", "PyTorch after",
            "ours before", "ours after", "ours/PyTorch before", "ours/PyTorch after",
            "ours/NumPy before", "ours/NumPy after"]  # fmt: skip
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        cells = [row, _unit(row)]
        for p in ("numpy_hand", "torch_cpu", "ours"):
            for run in (before, after):
                cells.append(_cell(run["results"].get(p, {}).get(row)))
        for ref in ("torch_cpu", "numpy_hand"):
            for run in (before, after):
                r = _ratio(run["results"], row, "ours", ref)
                cells.append("–" if r is None else f"{r:.2f}×")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------------------


ROUNDS = {"full": 5, "quick": 1, "tiny": 1}
"""How often every framework's in-process measurement is repeated, the frameworks taking turns:
a machine that slows down for a while then slows all of them alike, and the median over the
rounds keeps the ratios steady (on shared machines the speed drifts ±50% within minutes)."""


def run(
    mode: str,
    only: list[str] | None,
    peers: list[str],
    verbose: bool = False,
    rounds: int | None = None,
) -> dict:
    """Run the chosen workloads for the chosen frameworks; return everything measured."""
    names = only or list(WORKLOADS)
    unknown = [n for n in names if n not in WORKLOADS]
    if unknown:
        raise SystemExit(f"unknown workload(s) {unknown}; choose from {list(WORKLOADS)}")
    rounds = ROUNDS[mode] if rounds is None else rounds
    results: dict = {p: {} for p in peers}
    rows: list[str] = []
    for name in names:
        if name == "deep":  # fresh processes, long runs: once each
            for p in peers:
                if verbose:
                    print(f"# {name}: {LABELS[p]}", file=sys.stderr, flush=True)
                res = _run_deep(p, mode, verbose)
                results[p].update(res)
                rows += [r for r in res if r not in rows]
            continue
        per_round: dict = {p: [] for p in peers}
        for k in range(rounds):
            for p in peers:
                if verbose:
                    print(f"# {name}: {LABELS[p]} (round {k + 1}/{rounds})", file=sys.stderr,
                          flush=True)  # fmt: skip
                per_round[p].append(_run_inprocess(name, p, mode, verbose))
        for p in peers:
            res = _median_of_rounds(per_round[p])
            results[p].update(res)
            rows += [r for r in res if r not in rows]
    info = harness.machine_info()
    info["timer"] = "CPU time (1 thread)" if harness.timer is time.process_time else "wall clock"
    info["rounds"] = rounds
    return {"mode": mode, "machine": info, "rows": rows, "results": results}


def _median_of_rounds(rounds: list[dict]) -> dict:
    """Per row: the median value over the rounds (an error in any round is reported)."""
    merged = {}
    for row in rounds[0]:
        got = [r[row] for r in rounds]
        failed = [g for g in got if "value" not in g]
        if failed:
            merged[row] = failed[0]
            continue
        merged[row] = {**got[-1], "value": statistics.median([g["value"] for g in got])}
        if len(got) > 1:
            merged[row]["rounds"] = [g["value"] for g in got]
    return merged


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="tinygrad_lite benchmark suite")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats")
    parser.add_argument("--tiny", action="store_true", help="tiny sizes (the smoke test)")
    parser.add_argument("--only", action="append", help="run only this workload (repeatable)")
    parser.add_argument("--peers", help="comma-separated frameworks (default: all)")
    parser.add_argument("--out", help="save the results as JSON to this path")
    parser.add_argument("--compare", nargs=2, metavar=("BEFORE", "AFTER"))
    parser.add_argument(
        "--wall",
        action="store_true",
        help="time with the wall clock and default thread counts (default: CPU time, 1 thread)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        help="turns every framework takes at each workload, interleaved (default: 5 full, 1 quick)",
    )
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--deep-child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.deep_child:
        peer, n, repeats, traced = args.deep_child
        print(json.dumps(_deep_child(peer, int(n), int(repeats), traced == "1")))
        return 0
    if args.compare:
        with open(args.compare[0]) as f:
            before = json.load(f)
        with open(args.compare[1]) as f:
            after = json.load(f)
        print(format_compare(before, after))
        return 0
    if not args.wall:
        harness.use_cpu_time(threads=1)
    mode = "tiny" if args.tiny else "quick" if args.quick else "full"
    peers = args.peers.split(",") if args.peers else list(PEERS)
    bad = [p for p in peers if p not in PEERS]
    if bad:
        raise SystemExit(f"unknown framework(s) {bad}; choose from {PEERS}")
    report = run(mode, args.only, peers, args.verbose, args.rounds)
    print(f"## Results ({mode})\n")
    print(format_tables(report["results"], peers, report["rows"]))
    print("\n## Machine\n")
    print(format_machine(report["machine"]))
    if args.out:
        tmp = args.out + ".tmp"
        with open(tmp, "w") as f:
            json.dump(report, f, indent=1)
        os.replace(tmp, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
