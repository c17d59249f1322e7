"""Real-script benchmark: whole beginner scripts (``benchmarks/scripts/``) timed under PyTorch
and, with ``import torch`` swapped for ``import tinygrad_lite as torch``, under tinygrad_lite,
in one run and interleaved (each round runs every script on both, one right after the other).

    python3 -m benchmarks.real_scripts                 # both clocks, 3 rounds
    python3 -m benchmarks.real_scripts --quick         # scale 0.1, one round
    python3 -m benchmarks.real_scripts --only poly_tensors --clock cpu1
    python3 -m benchmarks.real_scripts --out r.json

Clocks: ``cpu1`` is the process's CPU time with one BLAS/OpenMP/PyTorch thread (steady on a
shared machine); ``wall`` is the wall clock with the default thread counts (what a user
sees). A ratio is ours / PyTorch within a round; the table shows the median over rounds and
the geometric mean over scripts.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import math
import os
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

SCRIPTS_DIR = Path(__file__).parent / "scripts"
SCRIPTS = sorted(p.stem for p in SCRIPTS_DIR.glob("*.py") if p.stem != "__init__")


def swap_import(source: str, module: str) -> str:
    """The user's one-line change, applied to every ``torch`` import of a script."""
    if module == "torch":
        return source
    source = re.sub(r"^import torch$", f"import {module} as torch", source, flags=re.M)
    source = re.sub(
        r"^import torch\.nn\.functional as F$",
        f"import {module}.nn.functional as F",
        source,
        flags=re.M,
    )
    return re.sub(r"^from torch(\.| )", rf"from {module}\1", source, flags=re.M)


def load_main(script: str, module: str) -> Any:
    """The script's ``main`` with its imports bound to ``module`` (a fresh namespace)."""
    source = swap_import((SCRIPTS_DIR / f"{script}.py").read_text(), module)
    namespace: dict = {"__name__": f"bench_script_{script}"}
    exec(compile(source, str(SCRIPTS_DIR / f"{script}.py"), "exec"), namespace)  # noqa: S102
    return namespace["main"]


class Clock:
    """One way of timing: the clock function and the thread count it runs with."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.timer = time.process_time if name == "cpu1" else time.perf_counter
        self._limits: Any = None

    def __enter__(self) -> Clock:
        if self.name == "cpu1":
            from threadpoolctl import threadpool_limits

            self._limits = threadpool_limits(limits=1)
            if "torch" in sys.modules:
                self._threads = sys.modules["torch"].get_num_threads()
                sys.modules["torch"].set_num_threads(1)
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._limits is not None:
            self._limits.unregister()
            if "torch" in sys.modules:
                sys.modules["torch"].set_num_threads(self._threads)


def time_script(main: Any, clock: Clock, scale: float, repeats: int) -> tuple[float, float]:
    """Median seconds of ``main(scale)`` over ``repeats`` runs, and its result."""
    times, result = [], math.nan
    for _ in range(repeats):
        gc.collect()
        start = clock.timer()
        result = float(main(scale))
        times.append(clock.timer() - start)
    return statistics.median(times), result


def run(scripts: list, clocks: list, rounds: int, scale: float, repeats: int) -> dict:
    frameworks = ["torch", "tinygrad_lite"]
    for f in frameworks:
        importlib.import_module(f)
    mains = {(s, f): load_main(s, f) for s in scripts for f in frameworks}
    for main in mains.values():  # warm-up: imports, caches, first-call costs
        main(min(scale, 0.05))
    results: dict = {
        c: {s: {"torch": [], "tinygrad_lite": [], "ratio": [], "value": {}} for s in scripts}
        for c in clocks
    }
    for r in range(rounds):
        for c in clocks:
            with Clock(c) as clock:
                for s in scripts:
                    order = frameworks if r % 2 == 0 else frameworks[::-1]
                    row = results[c][s]
                    times = {}
                    for f in order:
                        t, value = time_script(mains[(s, f)], clock, scale, repeats)
                        times[f] = t
                        row[f].append(t)
                        row["value"][f] = value
                    row["ratio"].append(times["tinygrad_lite"] / times["torch"])
                    print(
                        f"round {r + 1} {c:5s} {s:22s} torch {times['torch']:.3f}s  ours {times['tinygrad_lite']:.3f}s  ratio {times['tinygrad_lite'] / times['torch']:.2f}",
                        file=sys.stderr,
                    )
    return results


def summary(results: dict) -> dict:
    out: dict = {}
    for c, rows in results.items():
        table = {}
        for s, row in rows.items():
            table[s] = {
                "torch_s": statistics.median(row["torch"]),
                "ours_s": statistics.median(row["tinygrad_lite"]),
                "ratio": statistics.median(row["ratio"]),
                "values": row["value"],
            }
        geo = math.exp(statistics.fmean(math.log(v["ratio"]) for v in table.values()))
        out[c] = {"scripts": table, "geomean": geo}
    return out


def markdown(summ: dict) -> str:
    lines = []
    clocks = list(summ)
    head = (
        "| script | "
        + " | ".join(f"PyTorch ({c}) | ours ({c}) | ratio ({c})" for c in clocks)
        + " |"
    )
    lines.append(head)
    lines.append("|---" * (1 + 3 * len(clocks)) + "|")
    scripts = list(summ[clocks[0]]["scripts"])
    for s in scripts:
        cells = []
        for c in clocks:
            v = summ[c]["scripts"][s]
            cells += [f"{v['torch_s']:.3f} s", f"{v['ours_s']:.3f} s", f"{v['ratio']:.2f}×"]
        lines.append(f"| {s} | " + " | ".join(cells) + " |")
    lines.append(
        "| **geometric mean** | "
        + " | ".join(f" | | **{summ[c]['geomean']:.2f}×**" for c in clocks)
        + " |"
    )
    return "\n".join(lines)


def main(argv: list | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--only", action="append", help="a script name (repeatable)")
    p.add_argument("--clock", action="append", choices=["cpu1", "wall"], help="default: both")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--repeats", type=int, default=1)
    p.add_argument("--scale", type=float, default=1.0, help="iterations × scale")
    p.add_argument("--quick", action="store_true", help="scale 0.1, one round")
    p.add_argument("--out", help="also write the numbers as JSON")
    a = p.parse_args(argv)
    if a.quick:
        a.scale, a.rounds = 0.1, 1
    scripts = a.only or SCRIPTS
    unknown = sorted(set(scripts) - set(SCRIPTS))
    if unknown:
        p.error(f"unknown script(s) {unknown}; choose from {SCRIPTS}")
    summ = summary(run(scripts, a.clock or ["cpu1", "wall"], a.rounds, a.scale, a.repeats))
    print(markdown(summ))
    if a.out:
        info = {
            "machine": os.uname().machine,
            "cpus": os.cpu_count(),
            "scale": a.scale,
            "rounds": a.rounds,
        }
        Path(a.out).write_text(json.dumps({"info": info, "results": summ}, indent=1))
    return 0


if __name__ == "__main__":
    if __package__ in (None, ""):
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    raise SystemExit(main())
