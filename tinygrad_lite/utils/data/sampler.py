"""Samplers: the order in which a ``DataLoader`` visits a dataset's indices.

``SequentialSampler`` (0, 1, 2, ...), ``RandomSampler`` (a fresh permutation each time it is
iterated, or draws with replacement), ``SubsetRandomSampler``, ``WeightedRandomSampler``
(draws by weight) and ``BatchSampler`` (groups indices into lists of ``batch_size``). The
random ones draw exactly PyTorch's indices for the same seed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence, Sized

import numpy as np

from ... import random as _random
from ... import random_kernels as _rk

__all__ = [
    "Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler",
    "WeightedRandomSampler", "BatchSampler",
]  # fmt: skip


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
    """Random indices, as PyTorch draws them: without replacement a fresh permutation each
    pass (``num_samples`` beyond ``len(data_source)`` continue with further permutations);
    with ``replacement``, ``num_samples`` independent draws. Without a ``generator`` each
    pass seeds a private one from the default generator (so ``manual_seed`` fixes it)."""

    def __init__(
        self,
        data_source: Sized,
        replacement: bool = False,
        num_samples: int | None = None,
        generator: _random.Generator | None = None,
    ) -> None:
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(self.replacement, bool):
            raise TypeError(
                f"replacement should be a boolean value, but got replacement={self.replacement}"
            )
        n = self.num_samples
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n <= 0:
            raise ValueError(
                f"num_samples should be a positive integer value, but got num_samples={n}"
            )

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def _generator(self) -> _random.Generator:
        if self.generator is not None:
            return _random.generator_or_default(self.generator)
        seed = int(_random.default_generator.random64(1)[0] % np.uint64(2**63))
        return _random.Generator().manual_seed(seed)

    def indices(self) -> np.ndarray:
        n, count = len(self.data_source), self.num_samples
        gen = self._generator()
        if self.replacement:
            # PyTorch draws in blocks of 32 (the same stream as one draw of count)
            return _rk.randint(gen, count, 0, n) if n else np.zeros(0, np.int64)
        parts = [_rk.randperm(gen, n) for _ in range(count // n)]
        parts.append(_rk.randperm(gen, n)[: count % n])
        return np.concatenate(parts)

    def __iter__(self) -> Iterator[int]:
        return iter(self.indices().tolist())

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given indices in a new random order every pass (PyTorch's permutation)."""

    def __init__(self, indices: Sequence[int], generator: _random.Generator | None = None) -> None:
        self.indices_ = indices
        self.generator = generator

    def indices(self) -> np.ndarray:
        perm = _rk.randperm(_random.generator_or_default(self.generator), len(self.indices_))
        return np.asarray(self.indices_, dtype=np.int64)[perm]

    def __iter__(self) -> Iterator[int]:
        perm = _rk.randperm(_random.generator_or_default(self.generator), len(self.indices_))
        return (self.indices_[i] for i in perm.tolist())

    def __len__(self) -> int:
        return len(self.indices_)


class WeightedRandomSampler(Sampler):
    """``num_samples`` indices in [0, len(weights)) drawn with probability proportional to
    ``weights`` (with ``replacement``, the default, or each at most once), via
    ``multinomial`` on float64 weights, as PyTorch."""

    def __init__(
        self,
        weights: Sequence[float],
        num_samples: int,
        replacement: bool = True,
        generator: _random.Generator | None = None,
    ) -> None:
        if (
            isinstance(num_samples, bool)
            or not isinstance(num_samples, (int, np.integer))
            or (num_samples <= 0)
        ):
            raise ValueError(
                f"num_samples should be a positive integer value, but got num_samples={num_samples}"
            )
        if not isinstance(replacement, bool):
            raise ValueError(
                f"replacement should be a boolean value, but got replacement={replacement}"
            )
        from ...factories import as_tensor

        w = as_tensor(weights, dtype="float64")
        if w.ndim != 1:
            raise ValueError(
                f"weights should be a 1d sequence but given weights have shape {tuple(w.shape)}"
            )
        self.weights = w
        self.num_samples = int(num_samples)
        self.replacement = replacement
        self.generator = generator

    def indices(self) -> np.ndarray:
        from ...sampling import multinomial

        drawn = multinomial(
            self.weights, self.num_samples, self.replacement, generator=self.generator
        )
        return drawn._array

    def __iter__(self) -> Iterator[int]:
        return iter(self.indices().tolist())

    def __len__(self) -> int:
        return self.num_samples


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
