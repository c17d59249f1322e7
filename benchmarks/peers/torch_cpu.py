"""PyTorch (CPU, eager) running the shared PyTorch-API workloads (``torchlike``)."""

from __future__ import annotations

import os
from functools import partial

import torch as T

from . import torchlike

overhead = partial(torchlike.overhead, T)
pizza = partial(torchlike.pizza, T)
minibatch = partial(torchlike.minibatch, T)
mlp = partial(torchlike.mlp, T)
deep = partial(torchlike.deep, T)

if os.environ.get("BENCH_TIMER") == "cpu":  # CPU-time runs use one thread (see harness)
    T.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
