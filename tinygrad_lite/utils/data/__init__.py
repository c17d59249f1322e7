"""tinygrad_lite.utils.data: datasets, samplers, ``DataLoader`` and numeric text loading.

Same names and behaviour as PyTorch's ``torch.utils.data`` (single process), plus
``load_text`` / ``load_columns`` for header-plus-numbers text files such as
``data/pizza.txt``.
"""

from .dataloader import DataLoader, default_collate, default_convert
from .dataset import (
    ConcatDataset,
    Dataset,
    IterableDataset,
    Subset,
    TensorDataset,
    random_split,
)
from .sampler import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
)
from .text import load_columns, load_text

__all__ = [
    "Dataset", "IterableDataset", "TensorDataset", "Subset", "ConcatDataset", "random_split",
    "DataLoader", "default_collate", "default_convert", "Sampler", "SequentialSampler",
    "RandomSampler", "SubsetRandomSampler", "WeightedRandomSampler", "BatchSampler", "load_text", "load_columns",
]  # fmt: skip
