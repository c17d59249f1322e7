"""Samplers: the order in which a ``DataLoader`` visits a dataset's indices.

``SequentialSampler`` (0, 1, 2, ...), ``RandomSampler`` (a fresh permutation each time it is
iterated, from a ``Generator`` or the default one) and ``BatchSampler`` (groups indices into
lists of ``batch_size``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sized

import numpy as np

from ... import random as _random

__all__ = ["Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler", "BatchSampler"]


class Sampler:
    """Base class: iterating yields dataset indices."""

    def __iter__(self) -> Iterator[int]:
        raise NotImplementedError

    def indices(self) -> np.ndarray:
        """One pass of indices as an int64 array (what ``DataLoader``'s fast path uses)."""
        return np.fromiter(iter(self), dtype=np.int64)


class SequentialSampler(Sampler):
    """0, 1, ..., len(data_source) - 1."""

    def __init__(self, data_source: Sized) -> None:
        self.data_source = data_source

    def indices(self) -> np.ndarray:
        return np.arange(len(self.data_source))

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler):
    """A new random permutation of the indices every pass (no replacement)."""

    def __init__(self, data_source: Sized, generator: _random.Generator | None = None) -> None:
        self.data_source = data_source
        self.generator = generator

    def indices(self) -> np.ndarray:
        return _random.rng(self.generator).permutation(len(self.data_source))

    def __iter__(self) -> Iterator[int]:
        return iter(self.indices().tolist())

    def __len__(self) -> int:
        return len(self.data_source)


class SubsetRandomSampler(Sampler):
    """The given indices in a new random order every pass."""

    def __init__(self, indices: Iterable[int], generator: _random.Generator | None = None) -> None:
        self.indices_ = list(indices)
        self.generator = generator

    def indices(self) -> np.ndarray:
        perm = _random.rng(self.generator).permutation(len(self.indices_))
        return np.asarray(self.indices_, dtype=np.int64)[perm]

    def __iter__(self) -> Iterator[int]:
        return iter(self.indices().tolist())

    def __len__(self) -> int:
        return len(self.indices_)


def check_batch_size(batch_size: object) -> int:
    """``batch_size`` as an int, or ``ValueError`` unless it is a positive integer."""
    if (
        isinstance(batch_size, bool)
        or not isinstance(batch_size, (int, np.integer))
        or (batch_size <= 0)
    ):
        raise ValueError(
            f"batch_size should be a positive integer value, but got batch_size={batch_size!r}"
        )
    return int(batch_size)


class BatchSampler(Sampler):
    """Lists of ``batch_size`` indices from ``sampler``; the last may be shorter unless
    ``drop_last``."""

    def __init__(self, sampler: Iterable[int], batch_size: int, drop_last: bool) -> None:
        self.batch_size = check_batch_size(batch_size)
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler = sampler
        self.drop_last = drop_last

    def __iter__(self) -> Iterator[list[int]]:
        batch: list[int] = []
        for i in self.sampler:
            batch.append(i)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self) -> int:
        n = len(self.sampler)  # type: ignore[arg-type]
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
