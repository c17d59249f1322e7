"""The latest in-place write anywhere (just an optimization: the same version checks).

Backward checks a node's saved values for in-place changes. A node created after the
latest in-place write to *any* tensor cannot have seen one, so the fast backward skips the
check for it. ``counting_bump`` is ``VersionCounter.bump`` that also stamps ``LATEST_WRITE``;
``bump_version`` is ``function.bump_version`` with the bump written out (one call, not three).
"""

from __future__ import annotations

from typing import Any

from ..function import VersionCounter, next_seq, version_counter

__all__ = ["LATEST_WRITE", "counting_bump", "bump_version"]


class LatestWrite:
    """The sequence number of the latest in-place write to any tensor (-1: none yet)."""

    __slots__ = ("seq",)

    def __init__(self) -> None:
        self.seq = -1


LATEST_WRITE = LatestWrite()


def counting_bump(self: VersionCounter) -> None:
    """Count one in-place write, stamped with a fresh sequence number (also the latest)."""
    self.writes += 1
    self.last_write_seq = LATEST_WRITE.seq = next_seq()


def bump_version(t: Any) -> None:
    """Record an in-place change of ``t``'s values."""
    counter = t._version_counter or version_counter(t)
    counter.writes += 1
    counter.last_write_seq = LATEST_WRITE.seq = next_seq()
