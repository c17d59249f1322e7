"""tinygrad_lite.utils.tensorboard: ``SummaryWriter`` (PyTorch's
``torch.utils.tensorboard.SummaryWriter``), writing real TensorBoard event files through
the ``tensorboardX`` package (the optional ``tensorboard`` extra:
``pip install "tinygrad_lite[tensorboard]"``).
"""

from .writer import SummaryWriter

__all__ = ["SummaryWriter"]
