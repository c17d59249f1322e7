"""Random numbers: one seeded NumPy Generator per ``Generator``; ``manual_seed`` reseeds the default.

Same seed → same numbers, in every factory (``rand``, ``randn``, ``randint``, ``randperm``),
in ``nn.init``, ``Dropout`` and ``DataLoader`` shuffling.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Generator", "manual_seed", "seed", "initial_seed", "default_generator"]


class Generator:
    """A source of random numbers (PyTorch's ``torch.Generator``), backed by NumPy's PCG64."""

    def __init__(self, device: str = "cpu") -> None:
        self._seed = 67280421310721
        self.np = np.random.default_rng(self._seed)

    def manual_seed(self, seed: int) -> Generator:
        """Reset to a fixed seed; returns self (as PyTorch)."""
        self._seed = int(seed)
        self.np = np.random.default_rng(self._seed)
        return self

    def seed(self) -> int:
        """Reseed from fresh entropy; return the new seed."""
        self._seed = int(np.random.SeedSequence().entropy % (2**63))
        self.np = np.random.default_rng(self._seed)
        return self._seed

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self) -> dict:
        return self.np.bit_generator.state

    def set_state(self, state: dict) -> Generator:
        self.np.bit_generator.state = state
        return self


default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """Seed the default generator (all random functions that get no ``generator=``)."""
    return default_generator.manual_seed(seed)


def seed() -> int:
    return default_generator.seed()


def initial_seed() -> int:
    return default_generator.initial_seed()


def rng(generator: Generator | None = None) -> np.random.Generator:
    """The NumPy generator to draw from."""
    return (generator or default_generator).np
