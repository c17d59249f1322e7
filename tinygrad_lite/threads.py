"""``set_num_threads`` / ``get_num_threads``: how many threads NumPy's BLAS (OpenBLAS, MKL)
and OpenMP use for matmuls, as ``torch.set_num_threads`` does for PyTorch. Backed by
``threadpoolctl``, which changes the limit of the libraries already loaded.

The default on small machines: with 2 CPUs or fewer, importing tinygrad_lite limits BLAS to
one thread. OpenBLAS's threads spin while they wait for each other, so when another process
keeps a core busy a two-thread matmul of a small network's size runs tens to hundreds of
times slower than one thread (``benchmarks/threads.py``); the most a second thread can gain on
an idle 2-CPU machine is 2x on large matmuls. ``TINYGRAD_LITE_NUM_THREADS=N`` (or
``set_num_threads``) chooses otherwise.
"""

from __future__ import annotations

import os
from typing import Any

__all__ = ["set_num_threads", "get_num_threads", "apply_default"]

_controller: Any = None


def _threadpools() -> Any:
    global _controller
    if _controller is None:
        from threadpoolctl import ThreadpoolController

        _controller = ThreadpoolController()
    return _controller


def set_num_threads(n: int) -> None:
    """Use ``n`` threads (an int >= 1) in NumPy's BLAS and OpenMP from now on; anything else
    is a RuntimeError, as in PyTorch."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise RuntimeError(f"set_num_threads expects an int, but got {type(n).__name__}")
    if n < 1:
        raise RuntimeError(f"set_num_threads expects a positive integer, got {n}")
    _threadpools().limit(limits=n)


def get_num_threads() -> int:
    """The largest thread count of the BLAS/OpenMP libraries NumPy has loaded (1 if none)."""
    counts = [info["num_threads"] for info in _threadpools().info()]
    return max(counts, default=1)


SMALL_MACHINE_CPUS = 2  # at most this many CPUs: one BLAS thread by default


def apply_default() -> None:
    """Set the thread count chosen at import: ``TINYGRAD_LITE_NUM_THREADS`` if set, else one
    thread on a machine with at most ``SMALL_MACHINE_CPUS`` CPUs; otherwise leave BLAS alone.
    Without threadpoolctl nothing changes."""
    wanted = os.environ.get("TINYGRAD_LITE_NUM_THREADS")
    if wanted is None and (os.cpu_count() or 1) > SMALL_MACHINE_CPUS:
        return
    try:
        n = int(wanted) if wanted is not None else 1
    except ValueError:
        raise RuntimeError(
            f"TINYGRAD_LITE_NUM_THREADS must be a positive integer, got {wanted!r}"
        ) from None
    try:
        set_num_threads(n)
    except ImportError:
        return
