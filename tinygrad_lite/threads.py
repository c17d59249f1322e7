"""``set_num_threads`` / ``get_num_threads``: how many threads NumPy's BLAS (OpenBLAS, MKL)
and OpenMP use for matmuls, as ``torch.set_num_threads`` does for PyTorch. Backed by
``threadpoolctl``, which changes the limit of the libraries already loaded."""

from __future__ import annotations

from typing import Any

__all__ = ["set_num_threads", "get_num_threads"]

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
