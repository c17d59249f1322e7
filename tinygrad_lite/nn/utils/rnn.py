"""Variable-length sequences for the recurrent layers (``torch.nn.utils.rnn``):
``pad_sequence``, ``PackedSequence``, ``pack_padded_sequence``, ``pad_packed_sequence``,
``pack_sequence`` and ``unpad_sequence``/``unpack_sequence``.

A packed batch stores the sequences sorted by length, longest first, time step by time
step: ``data`` holds step 0 of every sequence, then step 1 of those still running, ...;
``batch_sizes[t]`` says how many sequences are running at step t. Packing and unpacking
are one differentiable indexing op each.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from ... import ops
from ...primitives import GetItem, ScatterAdd
from ...tensor import Tensor

__all__ = [
    "PackedSequence", "pad_sequence", "pack_padded_sequence", "pad_packed_sequence",
    "pack_sequence", "unpad_sequence", "unpack_sequence",
]  # fmt: skip


def _const(array: np.ndarray) -> Tensor:
    return Tensor._make(np.asarray(array), None, False)


class PackedSequence(NamedTuple):
    """Sequences of different lengths packed time step by time step: ``data`` (sum of
    lengths, *), ``batch_sizes`` (int64, one per step), and the permutation that sorted
    the batch by length (``sorted_indices``; None if it was sorted already) and its inverse."""

    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None = None
    unsorted_indices: Tensor | None = None

    def to(self, *args: Any, **kwargs: Any) -> PackedSequence:
        return self._replace(data=self.data.to(*args, **kwargs))

    @property
    def is_cuda(self) -> bool:
        return False


def _positions(batch_sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(time, batch) of every row of a packed ``data``, in packed order."""
    t = np.repeat(np.arange(len(batch_sizes)), batch_sizes)
    starts = np.repeat(np.cumsum(batch_sizes) - batch_sizes, batch_sizes)
    return t, np.arange(len(t)) - starts


def _lengths(lengths: Any) -> np.ndarray:
    a = np.asarray(lengths._array if isinstance(lengths, Tensor) else lengths)
    if a.ndim != 1:
        raise RuntimeError(f"pack_padded_sequence: lengths must be 1-D, got shape {a.shape}")
    if a.dtype.kind not in "iu":
        a = a.astype(np.int64)
    return a.astype(np.int64)


def pack_padded_sequence(input: Tensor, lengths: Any, batch_first: bool = False,
                         enforce_sorted: bool = True) -> PackedSequence:  # fmt: skip
    """Pack a padded batch (T, B, *) (or (B, T, *) with ``batch_first``) whose sequence b
    has ``lengths[b]`` valid steps. With ``enforce_sorted`` the lengths must decrease;
    otherwise the batch is sorted here and the permutation kept in the result."""
    lens = _lengths(lengths)
    time_dim, batch_dim = (1, 0) if batch_first else (0, 1)
    if input.ndim < 2:
        raise ValueError(
            f"pack_padded_sequence: input must be at least 2-D, got shape {tuple(input.shape)}"
        )
    if len(lens) != input.shape[batch_dim]:
        raise ValueError(
            f"pack_padded_sequence: expected {input.shape[batch_dim]} lengths (the batch size), "
            f"got {len(lens)}"
        )
    if lens.size and lens.min() <= 0:
        raise RuntimeError(
            "Length of all samples has to be greater than 0, but found an element in "
            "'lengths' that is <= 0"
        )
    if lens.size and lens.max() > input.shape[time_dim]:
        raise RuntimeError(
            f"pack_padded_sequence: a length of {int(lens.max())} is longer than the input's "
            f"{input.shape[time_dim]} time steps"
        )
    if enforce_sorted:
        if (np.diff(lens) > 0).any():
            raise RuntimeError(
                "`lengths` array must be sorted in decreasing order when `enforce_sorted` is "
                "True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or "
                "pack_sequence to sidestep this requirement if you do not need ONNX "
                "exportability."
            )
        order = None
    else:
        order = np.argsort(-lens, kind="stable")
        lens = lens[order]
    batch_sizes = (lens[None, :] > np.arange(int(lens[0]))[:, None]).sum(1).astype(np.int64)
    t, b = _positions(batch_sizes)
    if order is not None:
        b = order[b]
    index = (b, t) if batch_first else (t, b)
    data = GetItem.apply(input, index)
    if order is None:
        return PackedSequence(data, _const(batch_sizes))
    return PackedSequence(data, _const(batch_sizes), _const(order),
                          _const(np.argsort(order)))  # fmt: skip


def pad_packed_sequence(sequence: PackedSequence, batch_first: bool = False,
                        padding_value: float = 0.0,
                        total_length: int | None = None) -> tuple[Tensor, Tensor]:  # fmt: skip
    """Undo ``pack_padded_sequence``: (padded (T, B, *) or (B, T, *), lengths (B,) int64),
    in the batch's original order; ``total_length`` pads the time axis to that length."""
    data, bs = sequence.data, np.asarray(sequence.batch_sizes._array, dtype=np.int64)
    steps, batch = len(bs), int(bs[0]) if len(bs) else 0
    if total_length is not None:
        if total_length < steps:
            raise ValueError(
                "Expected total_length to be at least the length of the longest sequence in "
                f"input, but got total_length={total_length} and max sequence length being "
                f"{steps}"
            )
        steps = total_length
    t, b = _positions(bs)
    lengths = np.bincount(b, minlength=batch).astype(np.int64)
    unsorted = sequence.unsorted_indices
    if unsorted is not None:  # back to the original order: sorted position j was sorted[j]
        sorted_ = sequence.sorted_indices
        order = np.argsort(unsorted._array) if sorted_ is None else np.asarray(sorted_._array)
        b = order[b]
        lengths = lengths[unsorted._array]
    shape = (batch, steps) if batch_first else (steps, batch)
    index = (b, t) if batch_first else (t, b)
    padded = ScatterAdd.apply(data, shape + tuple(data.shape[1:]), index)
    if padding_value != 0:
        filled = np.ones(shape, dtype=bool)
        filled[index] = False
        fill = np.where(filled, padding_value, 0).astype(data._array.dtype)
        padded = padded + fill.reshape(shape + (1,) * (data.ndim - 1))
    return padded, _const(lengths)


def pad_sequence(sequences: Sequence[Tensor] | Tensor, batch_first: bool = False,
                 padding_value: float = 0.0, padding_side: str = "right") -> Tensor:  # fmt: skip
    """Stack tensors of shape (L_i, *) into (max L, B, *) (or (B, max L, *)), padding each
    with ``padding_value`` on the ``padding_side`` ('right' or 'left')."""
    seqs = list(sequences)
    if not seqs:
        raise RuntimeError("received an empty list of sequences")
    if padding_side not in ("left", "right"):
        raise ValueError(
            f"Expected padding_side to be one of left or right, but got {padding_side}."
        )
    rest = tuple(seqs[0].shape[1:])
    longest = max(s.shape[0] for s in seqs)
    rows = []
    for s in seqs:
        if tuple(s.shape[1:]) != rest:
            raise RuntimeError(
                f"pad_sequence: every sequence must have trailing shape {rest}, got "
                f"{tuple(s.shape[1:])}"
            )
        gap = longest - s.shape[0]
        if gap:
            pad = _const(np.full((gap,) + rest, padding_value, dtype=s._array.dtype))
            s = ops.cat([s, pad] if padding_side == "right" else [pad, s], 0)
        rows.append(s)
    return ops.stack(rows, 0 if batch_first else 1)


def pack_sequence(sequences: Sequence[Tensor], enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of tensors (L_i, *) (decreasing lengths unless not ``enforce_sorted``)."""
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpad_sequence(padded_sequences: Tensor, lengths: Any, batch_first: bool = False) -> list:
    """The list of unpadded sequences (L_i, *) of a padded batch."""
    lens = _lengths(lengths)
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    return [padded_sequences[i, : int(n)] for i, n in enumerate(lens)]


def unpack_sequence(packed_sequences: PackedSequence) -> list:
    """The list of sequences (L_i, *) in a PackedSequence, in their original order."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
