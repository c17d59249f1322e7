"""``DataLoader``: iterate over a dataset in (shuffled) mini-batches; ``default_collate``.

Each pass asks the sampler for an order of indices, cuts it into batches and turns each
batch of samples into tensors with ``collate_fn`` (``default_collate`` stacks them, as
PyTorch). Loading runs in the calling process; PyTorch's worker options are accepted and
ignored. Fast path: for a ``TensorDataset`` (or a ``Subset`` of one) with the default
collate, each batch is cut from the stored arrays with one fancy-indexing operation per
tensor; the result is identical to collating sample by sample.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from ... import ops
from ... import random as _random
from ...tensor import Tensor
from .dataset import Dataset, IterableDataset, Subset, TensorDataset
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler, check_batch_size

__all__ = ["DataLoader", "default_collate", "default_convert"]


def _wrap(array: np.ndarray) -> Tensor:
    return Tensor._make(array, None, False)


def default_collate(batch: Sequence[Any]) -> Any:
    """Combine a list of samples into a batch, as PyTorch's ``default_collate``.

    Tensors are stacked along a new dim 0; NumPy arrays become stacked tensors; Python
    floats a float64 tensor; a batch that starts with an int or bool gets the dtype
    ``tensor(batch)`` infers (int64, bool, or the default float if a float is in it);
    strings stay a list; dicts, tuples (to a list) and lists are collated element by element.
    """
    elem = batch[0]
    if isinstance(elem, Tensor):
        if any(t._requires_grad for t in batch):
            return ops.stack(list(batch), 0)
        for i, t in enumerate(batch):
            if t.shape != elem.shape:
                raise RuntimeError(
                    f"default_collate: stack expects each tensor to be equal size, but got "
                    f"{tuple(elem.shape)} at entry 0 and {tuple(t.shape)} at entry {i}"
                )
        return _wrap(np.stack([t._array for t in batch]))
    if isinstance(elem, (np.ndarray, np.generic)):
        if np.asarray(elem).dtype.kind not in "biufc":
            raise TypeError(
                "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or "
                f"lists; found {np.asarray(elem).dtype}"
            )
        if isinstance(elem, np.ndarray):
            return default_collate([_wrap(np.asarray(b)) for b in batch])
        return _wrap(np.array(batch))
    if isinstance(elem, float):
        return _wrap(np.array(batch, dtype=np.float64))
    if isinstance(elem, int):  # (and bool) as PyTorch: tensor(batch) infers the dtype, so
        from ...factories import tensor  # [1, 2.5] stays float, [True, 2] is int64

        return tensor(list(batch))
    if isinstance(elem, (str, bytes)):
        return list(batch)
    if isinstance(elem, Mapping):
        return {key: default_collate([d[key] for d in batch]) for key in elem}
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return type(elem)(*(default_collate(list(s)) for s in zip(*batch)))
    if isinstance(elem, Sequence):
        size = len(elem)
        if any(len(s) != size for s in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        return [default_collate(list(samples)) for samples in zip(*batch)]
    raise TypeError(
        "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
        f"found {type(elem).__name__}"
    )


def default_convert(data: Any) -> Any:
    """Turn NumPy arrays (also inside dicts/lists/tuples) into tensors; leave the rest."""
    if isinstance(data, np.ndarray) and data.dtype.kind in "biufc":
        return _wrap(data)
    if isinstance(data, Mapping):
        return {k: default_convert(v) for k, v in data.items()}
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, (list, tuple)):
        return type(data)(default_convert(d) for d in data)
    return data


class DataLoader:
    """Batches of samples from ``dataset``.

    ``batch_size`` samples per batch (``None``: single samples, not collated into a batch);
    ``shuffle=True`` draws a fresh permutation every epoch from ``generator`` (or the
    default generator, so ``manual_seed`` makes runs repeatable); ``drop_last`` skips a
    final short batch. ``len(loader)`` is the number of batches per epoch.
    """

    def __init__(
        self,
        dataset: Dataset,
        batch_size: int | None = 1,
        shuffle: bool | None = None,
        sampler: Sampler | Iterable[int] | None = None,
        batch_sampler: Iterable[list[int]] | None = None,
        num_workers: int = 0,
        collate_fn: Callable[[list[Any]], Any] | None = None,
        pin_memory: bool = False,
        drop_last: bool = False,
        timeout: float = 0,
        worker_init_fn: Callable[[int], None] | None = None,
        generator: _random.Generator | None = None,
        *,
        prefetch_factor: int | None = None,
        persistent_workers: bool = False,
    ) -> None:
        if not isinstance(num_workers, int) or num_workers < 0:
            raise ValueError(
                "num_workers option should be non-negative; use num_workers=0 to disable "
                "multiprocessing."
            )
        if isinstance(dataset, IterableDataset):
            for option, value in (("shuffle", shuffle), ("sampler", sampler),
                                  ("batch_sampler", batch_sampler)):  # fmt: skip
                if value is not None and value is not False:
                    raise ValueError(
                        f"DataLoader with IterableDataset: expected unspecified {option} option, "
                        f"but got {option}={value!r} (a stream has no indices to reorder)"
                    )
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError(
                    "batch_sampler option is mutually exclusive with batch_size, shuffle, "
                    "sampler, and drop_last"
                )
            batch_size = None
            drop_last = False
        elif batch_size is None:
            if drop_last:
                raise ValueError(
                    "batch_size=None option disables auto-batching and is mutually exclusive "
                    "with drop_last"
                )
        else:
            batch_size = check_batch_size(batch_size)
        if isinstance(dataset, IterableDataset):
            sampler = None
        elif sampler is None:
            sampler = (
                RandomSampler(dataset, generator=generator)
                if shuffle
                else SequentialSampler(dataset)
            )
        if batch_size is not None and batch_sampler is None and sampler is not None:
            batch_sampler = BatchSampler(sampler, batch_size, bool(drop_last))
        self.dataset = dataset
        self.batch_size = batch_size
        self.drop_last = bool(drop_last)
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.num_workers = num_workers
        self.generator = generator
        self._auto_collation = batch_sampler is not None or (
            sampler is None and batch_size is not None
        )
        self._default_collate = collate_fn is None
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn

    def __len__(self) -> int:
        if isinstance(self.dataset, IterableDataset):
            n = len(self.dataset)  # type: ignore[arg-type]
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
        if self.batch_sampler is not None:
            return len(self.batch_sampler)  # type: ignore[arg-type]
        return len(self.sampler)  # type: ignore[arg-type]

    def __iter__(self) -> Iterator[Any]:
        # PyTorch draws a base seed (one 64-bit word) for every pass, shuffled or not, before
        # the sampler draws: the stream stays in step with PyTorch's (issue 24)
        _random.generator_or_default(self.generator).random64(1)
        if isinstance(self.dataset, IterableDataset):
            return self._stream_batches()
        if not self._auto_collation:
            return (self.collate_fn(self.dataset[i]) for i in self.sampler)
        fast = self._fast_source()
        if fast is not None:
            return self._fast_batches(*fast)
        getitems = getattr(self.dataset, "__getitems__", None)  # a whole batch in one call
        if getitems is not None:
            return (self.collate_fn(getitems(list(b))) for b in self.batch_sampler)
        return (self.collate_fn([self.dataset[i] for i in b]) for b in self.batch_sampler)

    def _stream_batches(self) -> Iterator[Any]:
        """Batches from an ``IterableDataset``, in the order its iterator yields samples."""
        if self.batch_size is None:
            yield from (self.collate_fn(sample) for sample in self.dataset)
            return
        batch: list[Any] = []
        for sample in self.dataset:
            batch.append(sample)
            if len(batch) == self.batch_size:
                yield self.collate_fn(batch)
                batch = []
        if batch and not self.drop_last:
            yield self.collate_fn(batch)

    # -------------------------------------------------------------- TensorDataset fast path
    def _fast_source(self) -> tuple[list[np.ndarray], np.ndarray | None] | None:
        """The arrays (and index map, for a Subset) when batches can be cut directly."""
        if not self._default_collate or not isinstance(self.batch_sampler, BatchSampler):
            return None
        if not isinstance(self.batch_sampler.sampler, Sampler):
            return None
        dataset, index_map = self.dataset, None
        if isinstance(dataset, Subset) and type(dataset.dataset) is TensorDataset:
            index_map = np.asarray(dataset.indices, dtype=np.int64)
            dataset = dataset.dataset
        if type(dataset) is not TensorDataset or any(t._requires_grad for t in dataset.tensors):
            return None
        return [t._array for t in dataset.tensors], index_map

    def _fast_batches(
        self, arrays: list[np.ndarray], index_map: np.ndarray | None
    ) -> Iterator[list[Tensor]]:
        bs = self.batch_sampler
        order = bs.sampler.indices()  # type: ignore[union-attr]
        if index_map is not None:
            order = index_map[order]
        n = len(order)
        stop = n - n % bs.batch_size if bs.drop_last else n  # type: ignore[union-attr]
        for start in range(0, stop, bs.batch_size):  # type: ignore[union-attr]
            idx = order[start : start + bs.batch_size]  # type: ignore[union-attr]
            yield [_wrap(a[idx]) for a in arrays]
