"""What a node saved for backward: sequence numbers, version counters, the checks.

Every node and every in-place write draws a number from ``next_seq``: a node created
before a write to a tensor it saved must refuse to backward. ``Node`` gets the ctx methods
about saved values (``save_for_backward``, ``saved_tensors``, ``check_saved``) from
``SavedValues`` here.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from . import function as _function

__all__ = ["next_seq", "VersionCounter", "version_counter", "bump_version", "FREED",
           "SavedValues"]  # fmt: skip

next_seq = itertools.count().__next__  # creation order of nodes and writes (topological)


class VersionCounter:
    """How many in-place writes a tensor (and the views sharing its memory) has had, and
    the sequence number of the latest: a node created before it must not use saved values."""

    __slots__ = ("writes", "last_write_seq")

    def __init__(self) -> None:
        self.writes = 0
        self.last_write_seq = -1

    def bump(self) -> None:
        """Count one in-place write, stamped with a fresh sequence number."""
        self.writes += 1
        self.last_write_seq = next_seq()


def version_counter(t: Any) -> VersionCounter:
    """``t``'s version counter, made on first need (``t._version_counter is None``: never
    written). The node that made ``t`` watches the same counter (``Node.out_version``)."""
    if t._version_counter is None:
        t._version_counter = VersionCounter()
        node = t.grad_fn
        if node is not None and node.out is t._array:
            node.out_version = t._version_counter
    return t._version_counter


def bump_version(t: Any) -> None:
    """Record an in-place change of ``t``'s values."""
    version_counter(t).bump()


class _Freed:
    """Marker left in ``Node.saved`` after backward freed the saved values."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<freed>"


FREED = _Freed()


class SavedValues:
    """The saved-value part of ``Node`` (a mixin: ``Node`` has the slots)."""

    __slots__ = ()

    def save_for_backward(self, *values: Any) -> None:
        """Keep values (inputs, the output, or constants) for ``backward``."""
        self.saved = values

    @property
    def saved_tensors(self) -> tuple:
        """What ``save_for_backward`` kept: Tensors in a user Function or with
        ``create_graph=True``, else arrays (a Primitive reads ``ctx.saved``)."""
        self.check_saved()
        if self.saved is None:
            return ()
        if self.tensor_mode or not self.fn.array_mode:
            return tuple(self._as_tensor(i) for i in range(len(self.saved)))
        return self.saved

    def check_saved(self) -> None:
        """Raise if the saved values were freed by a backward, or changed in place since."""
        if self.saved is FREED:
            raise RuntimeError(
                f"{self.name()}: trying to backward through the graph a second time (or directly "
                "access saved tensors after they have already been freed). Saved intermediate "
                "values of the graph are freed when you call .backward() or autograd.grad(). "
                "Specify retain_graph=True if you need to backward through the graph a second "
                "time or if you need to access saved tensors after calling backward."
            )
        for value in self.saved or ():
            i, counter = self._source(value)
            if counter is not None and counter.last_write_seq > self.seq:
                what = "the output" if i == -1 else f"input {i}"
                raise RuntimeError(
                    f"one of the variables needed for gradient computation has been modified by "
                    f"an inplace operation: {what} of {self.name()} is at version "
                    f"{counter.writes}, changed after {self.name()} saved it. Hint: replace the "
                    "in-place operation (add_, mul_, +=, ...) with its out-of-place form, or "
                    "clone() the tensor first."
                )

    def _source(self, value: Any) -> tuple:
        """Where saved ``value`` came from: ``(-1, counter)`` for the output, ``(i, counter)``
        for argument ``i``'s array, ``(None, None)`` for anything else (a constant)."""
        if value is self.out and value is not None:
            return -1, self.out_version
        for i, t in enumerate(self.args or ()):
            if value is getattr(t, "_array", None) and type(value) is np.ndarray:
                return i, t._version_counter  # (None: never written)
        return None, None

    def _as_tensor(self, k: int) -> Any:
        """Saved value ``k`` as a Tensor joined to the graph (for a differentiable backward)."""
        value = self.saved[k]
        if isinstance(value, _function.Tensor) or not isinstance(value, np.ndarray):
            return value
        i, _ = self._source(value)
        if i == -1:
            return _function.Tensor._make(value, self, True)
        parent = None if i is None else self.parents[i]
        if parent is None:
            return _function.Tensor._make(value, None, False)
        if isinstance(parent, _function.Node):
            return _function.Tensor._make(value, parent, True)
        return parent  # a leaf Tensor
