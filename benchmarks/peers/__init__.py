"""One module per framework, each implementing the workloads of ``benchmarks/workloads.py``.

``ours`` and ``torch_cpu`` share one PyTorch-API script (``torchlike``); the others are
written in each framework's own idiom. ``numpy_hand`` derives every gradient by hand: the
floor no framework can beat.
"""

PEERS = ["numpy_hand", "torch_cpu", "ours", "autograd_hips", "mygrad_peer", "micrograd_peer"]
LABELS = {
    "numpy_hand": "hand NumPy",
    "torch_cpu": "PyTorch",
    "ours": "tinygrad_lite",
    "autograd_hips": "HIPS autograd",
    "mygrad_peer": "MyGrad",
    "micrograd_peer": "micrograd",
}
