"""PyTorch (CPU, eager) running the shared PyTorch-API workloads (``torchlike``)."""

from __future__ import annotations

from functools import partial

import torch as T

from . import torchlike

overhead = partial(torchlike.overhead, T)
pizza = partial(torchlike.pizza, T)
minibatch = partial(torchlike.minibatch, T)
mlp = partial(torchlike.mlp, T)
deep = partial(torchlike.deep, T)
