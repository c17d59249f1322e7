"""Measuring tools: median timing, memory (tracemalloc and RSS), and a machine description.

Nothing here knows about any framework. Memory is measured two ways:
- ``tracemalloc``: Python objects and NumPy buffers (NumPy reports its allocations to it);
  blind to PyTorch's C++ allocations, so used only for the Python/NumPy frameworks.
- RSS (resident set size) from ``/proc/self/status``: the peak is reset with
  ``/proc/self/clear_refs`` before a run (Linux), so ``VmHWM - baseline`` is the run's peak.
  RSS sees every allocation (also PyTorch's) but includes allocator slack.
"""

from __future__ import annotations

import gc
import os
import platform
import statistics
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

__all__ = [
    "timer",
    "use_cpu_time",
    "median_time",
    "rss",
    "reset_peak_rss",
    "peak_rss",
    "traced_memory",
    "machine_info",
]


timer = time.perf_counter  # the clock every measurement uses (see ``use_cpu_time``)


def use_cpu_time(threads: int = 1) -> None:
    """Time with this process's CPU time and run ``threads`` BLAS/OpenMP/PyTorch threads.

    On a shared machine, other processes stretch wall-clock times by a factor that changes
    from second to second; the CPU time a single-threaded process spends is far steadier.
    With one thread, CPU time equals wall time on an idle machine. Child processes inherit
    the setting through the environment.
    """
    global timer
    timer = time.process_time
    os.environ["BENCH_TIMER"] = "cpu"
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(threads)
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=threads)
    except ImportError:
        pass
    import sys

    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(threads)


if os.environ.get("BENCH_TIMER") == "cpu":
    use_cpu_time(int(os.environ.get("OMP_NUM_THREADS", "1")))


def median_time(fn: Callable[[], Any], repeats: int, warmup: int = 1) -> tuple[float, Any]:
    """Median wall time of ``fn()`` in seconds over ``repeats`` runs, and ``fn``'s last result."""
    result = None
    for _ in range(warmup):
        result = fn()
    times = []
    for _ in range(repeats):
        gc.collect()
        start = timer()
        result = fn()
        times.append(timer() - start)
    return statistics.median(times), result


def _status_kb(field: str) -> int | None:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def rss() -> int | None:
    """Current resident set size in bytes (None where /proc is unavailable)."""
    kb = _status_kb("VmRSS")
    return None if kb is None else kb * 1024


def reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS counter (Linux >= 4.0); False if not possible."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def peak_rss() -> int | None:
    """Peak resident set size in bytes since the last ``reset_peak_rss``."""
    kb = _status_kb("VmHWM")
    return None if kb is None else kb * 1024


def traced_memory(fn: Callable[[], Any]) -> tuple[int, int, Any]:
    """Run ``fn`` under tracemalloc: (peak bytes during it, bytes still held after, result)."""
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    try:
        result = fn()
        gc.collect()
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak - base, current - base, result


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_info() -> dict:
    """Versions, CPU, thread counts and BLAS of this machine (whatever can be found)."""
    import numpy as np

    info: dict = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "numpy": np.__version__,
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE", "(unset)"),
    }
    try:
        from threadpoolctl import threadpool_info

        info["numpy_threadpools"] = [
            f"{p.get('internal_api')} {p.get('version')} ({p.get('architecture')}), "
            f"{p.get('num_threads')} threads"
            for p in threadpool_info()
            if p.get("internal_api") in ("openblas", "mkl", "blis")
        ]
    except ImportError:
        info["numpy_threadpools"] = ["threadpoolctl not installed"]
    try:
        import torch

        info["torch"] = torch.__version__
        info["torch_threads"] = torch.get_num_threads()
        info["torch_blas"] = "MKL" if torch.backends.mkl.is_available() else "other"
    except ImportError:
        info["torch"] = "not installed"
    for name in ("autograd", "micrograd", "mygrad"):
        try:
            from importlib.metadata import version

            info[name] = version(name)
        except Exception:
            info[name] = "not installed"
    return info
