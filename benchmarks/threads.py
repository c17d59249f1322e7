"""Threads on a small machine: NumPy's BLAS matmul (what nn.Linear and the MLP workloads run)
with 1 thread and with the default count, on an idle machine and while another process keeps
one core busy.

    python3 -m benchmarks.threads            # sizes 64..1024, 2 s of busy work per setting
    python3 -m benchmarks.threads --quick

Prints the median wall time per matmul; the ratio default/1 shows when the extra thread helps
(large matrices, idle cores) and when it costs (a busy core makes the BLAS threads wait for
each other).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

BUSY = "import time\nend = time.time() + {s}\nwhile time.time() < end: pass\n"


def time_matmul(n: int, threads: int | None, seconds: float) -> float:
    a = np.random.default_rng(0).standard_normal((n, n)).astype(np.float32)
    b = a.T.copy()
    with threadpool_limits(limits=threads):
        a @ b
        times = []
        end = time.perf_counter() + seconds
        while time.perf_counter() < end or len(times) < 5:
            t = time.perf_counter()
            a @ b
            times.append(time.perf_counter() - t)
    return statistics.median(times)


def main(argv: list | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true")
    a = p.parse_args(argv)
    sizes = [64, 256, 1024] if a.quick else [64, 128, 256, 512, 1024]
    seconds = 0.3 if a.quick else 1.0
    default = max((i["num_threads"] for i in threadpool_info()), default=1)
    print(f"BLAS: {[i['internal_api'] for i in threadpool_info()]}, default threads {default}")
    print(
        "| n | idle, 1 thread | idle, default | default/1 | busy core, 1 thread | busy core, default | default/1 |"
    )
    print("|---|---|---|---|---|---|---|")
    for n in sizes:
        idle1 = time_matmul(n, 1, seconds)
        idled = time_matmul(n, None, seconds)
        busy = subprocess.Popen([sys.executable, "-c", BUSY.format(s=4 * seconds + 2)])
        try:
            time.sleep(0.2)
            busy1 = time_matmul(n, 1, seconds)
            busyd = time_matmul(n, None, seconds)
        finally:
            busy.kill()
            busy.wait()
        print(
            f"| {n} | {idle1 * 1e3:.3f} ms | {idled * 1e3:.3f} ms | {idled / idle1:.2f} | "
            f"{busy1 * 1e3:.3f} ms | {busyd * 1e3:.3f} ms | {busyd / busy1:.2f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
