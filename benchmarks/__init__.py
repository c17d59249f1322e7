"""Benchmarks: tinygrad_lite against hand-written NumPy, PyTorch and other autodiff peers.

Run ``python3 -m benchmarks.run`` (``--quick`` for a short run, ``--only NAME``). Workloads
are described in ``workloads.py``; each framework's code lives in ``peers/<name>.py``.
"""
