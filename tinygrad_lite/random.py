"""Random numbers that are PyTorch's: a ``Generator`` is the 32-bit Mersenne Twister (mt19937)
that PyTorch's CPU generator is, seeded the same way, so ``manual_seed(s)`` followed by
``rand``/``randn``/``randint``/``randperm``/``bernoulli``/``multinomial``/``nn.init``/``Dropout``/
``DataLoader(shuffle=True)`` gives PyTorch's numbers bit for bit (the transforms from raw
32-bit words to values live in ``random_kernels``).

The raw stream comes from NumPy's ``MT19937`` bit generator (vectorised C, the same
recurrence and tempering), seeded with ``init_genrand(seed mod 2**32)`` as PyTorch does.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import numpy as np

__all__ = [
    "Generator", "manual_seed", "seed", "initial_seed", "default_generator", "get_rng_state",
    "set_rng_state", "fork_rng", "use_deterministic_algorithms",
    "are_deterministic_algorithms_enabled", "is_deterministic_algorithms_warn_only_enabled",
]  # fmt: skip

DEFAULT_SEED = 67280421310721  # PyTorch's default_generator.initial_seed()
_MASK32 = np.uint64(0xFFFFFFFF)


class Generator:
    """A source of random numbers (PyTorch's ``torch.Generator`` on the CPU).

    Holds an mt19937 stream plus the one cached normal sample that PyTorch's scalar
    Box-Muller path keeps between calls (both are part of ``get_state``).
    """

    __slots__ = ("_seed", "_mt", "_next_normal", "device")

    def __init__(self, device: Any = "cpu") -> None:
        from .device import check_device

        check_device(device, "Generator")
        self.device = "cpu"
        self.manual_seed(DEFAULT_SEED)

    def manual_seed(self, seed: int) -> Generator:
        """Reset to a fixed seed; returns self (as PyTorch). Negative seeds wrap mod 2**64."""
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise RuntimeError(f"manual_seed expected a long, but got {type(seed).__name__}")
        seed = int(seed)
        if not -(2**63) <= seed < 2**64:
            raise ValueError(
                f"Overflow when unpacking long long: manual_seed needs a seed in "
                f"[-2**63, 2**64), got {seed}"
            )
        self._seed = seed % 2**64
        self._mt = np.random.MT19937(0)
        self._mt._legacy_seeding(self._seed & 0xFFFFFFFF)
        self._next_normal: float | None = None
        return self

    def seed(self) -> int:
        """Reseed from fresh entropy; return the new seed."""
        s = int(np.random.SeedSequence().entropy % (2**63))
        self.manual_seed(s)
        return s

    def initial_seed(self) -> int:
        """The seed last given to ``manual_seed`` (or the default one)."""
        return self._seed

    def get_state(self) -> Any:
        """The full state as a uint8 tensor (stream position and the cached normal sample)."""
        from .factories import from_numpy

        st = self._mt.state["state"]
        words = np.concatenate([st["key"].astype(np.uint32), [st["pos"]]]).astype("<u4")
        cached = 0.0 if self._next_normal is None else self._next_normal
        extra = np.array([cached], "<f8").view(np.uint8)
        seed = np.array([self._seed], "<u8").view(np.uint8)
        flag = np.array([self._next_normal is not None], np.uint8)
        return from_numpy(np.concatenate([words.view(np.uint8), extra, seed, flag]))

    def set_state(self, new_state: Any) -> Generator:
        """Restore a state from ``get_state``."""
        raw = np.asarray(getattr(new_state, "_array", new_state))
        if raw.dtype != np.uint8 or raw.shape != (625 * 4 + 17,):
            raise RuntimeError(
                "Generator.set_state: expected the uint8 tensor of shape (2517,) that "
                f"get_state returns, got dtype {raw.dtype} and shape {raw.shape}"
            )
        words = raw[: 625 * 4].view("<u4")
        self._mt.state = {
            "bit_generator": "MT19937",
            "state": {"key": words[:624].astype(np.uint32), "pos": int(words[624])},
        }
        cached = float(raw[2500:2508].view("<f8")[0])
        self._seed = int(raw[2508:2516].view("<u8")[0])
        self._next_normal = cached if raw[2516] else None
        return self

    # ---- raw draws (PyTorch's random() and random64()) ---------------------------------

    def random32(self, n: int) -> np.ndarray:
        """The next ``n`` 32-bit words (PyTorch's ``random()``), as uint64."""
        return self._mt.random_raw(int(n))

    def random64(self, n: int) -> np.ndarray:
        """The next ``n`` 64-bit words (PyTorch's ``random64()``: two words, high first)."""
        w = self._mt.random_raw(2 * int(n))
        return (w[0::2] << np.uint64(32)) | w[1::2]

    def __repr__(self) -> str:
        return f"<tinygrad_lite.Generator object (seed {self._seed})>"


default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """Seed the default generator (all random functions that get no ``generator=``);
    ``seed`` goes through ``int()`` first, as PyTorch (so ``1.5`` and ``"3"`` work)."""
    return default_generator.manual_seed(int(seed))


def seed() -> int:
    """Seed the default generator from fresh entropy; returns the seed."""
    return default_generator.seed()


def initial_seed() -> int:
    """The default generator's seed."""
    return default_generator.initial_seed()


def get_rng_state() -> Any:
    """The default generator's state (a uint8 tensor)."""
    return default_generator.get_state()


def set_rng_state(new_state: Any) -> None:
    """Restore the default generator's state from ``get_rng_state``."""
    default_generator.set_state(new_state)


@contextlib.contextmanager
def fork_rng(
    devices: Any = None,
    enabled: bool = True,
    _caller: str = "fork_rng",
    _devices_kw: str = "devices",
    device_type: str = "cpu",
) -> Iterator[None]:
    """Run a block with the default generator's state saved and restored afterwards (what
    the block draws does not change the numbers drawn after it)."""
    if not enabled:
        yield
        return
    state = default_generator.get_state()
    try:
        yield
    finally:
        default_generator.set_state(state)


_DETERMINISTIC = {"mode": False, "warn_only": False}


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Accepted for PyTorch scripts; every tinygrad_lite op is deterministic already.
    ``mode`` must be a bool (TypeError otherwise, as PyTorch)."""
    if not isinstance(mode, (bool, np.bool_)):
        raise TypeError(
            f"use_deterministic_algorithms(): argument 'mode' (position 1) must be bool, not "
            f"{type(mode).__name__}"
        )
    _DETERMINISTIC.update(mode=bool(mode), warn_only=bool(warn_only))


def are_deterministic_algorithms_enabled() -> bool:
    return _DETERMINISTIC["mode"]


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    return _DETERMINISTIC["warn_only"]


def generator_or_default(generator: Generator | None) -> Generator:
    """``generator`` itself, or the default generator; a clear error for anything else."""
    if generator is None:
        return default_generator
    if not isinstance(generator, Generator):
        raise TypeError(
            f"generator must be a tinygrad_lite.Generator, got {type(generator).__name__}"
        )
    return generator


def rng(generator: Generator | None = None) -> np.random.Generator:
    """A NumPy generator seeded from ``generator``'s stream (one 64-bit draw), for draws
    that have no PyTorch counterpart; deterministic after ``manual_seed``."""
    return np.random.default_rng(int(generator_or_default(generator).random64(1)[0]))
