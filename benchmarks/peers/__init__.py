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


def mlp_start(X, labels, batch: int) -> tuple[list, list]:
    """The MLP workload's starting point, the same for every NumPy-based peer:
    ``[W1, b1, W2, b2]`` drawn like PyTorch's Linear init (seed 0) and the full batches."""
    import numpy as np

    rng = np.random.default_rng(0)
    k1, k2 = 1 / np.sqrt(784), 1 / np.sqrt(256)  # PyTorch's Linear init bounds
    params = [
        rng.uniform(-k1, k1, (256, 784)).astype(np.float32),
        rng.uniform(-k1, k1, 256).astype(np.float32),
        rng.uniform(-k2, k2, (10, 256)).astype(np.float32),
        rng.uniform(-k2, k2, 10).astype(np.float32),
    ]
    batches = [
        (X[i : i + batch], labels[i : i + batch]) for i in range(0, len(X) - batch + 1, batch)
    ]
    return params, batches
