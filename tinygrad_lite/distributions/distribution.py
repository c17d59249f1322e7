"""``Distribution``: the base class (shapes, validation switch, repr)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor

__all__ = ["Distribution"]


def as_size(sample_shape: Any) -> tuple[int, ...]:
    """``sample_shape`` (an int, tuple or ``Size``) as a tuple of ints."""
    if isinstance(sample_shape, (int, np.integer)):
        return (int(sample_shape),)
    return tuple(int(n) for n in sample_shape)


class Distribution:
    """A family of distributions with ``batch_shape`` independent members, each over values
    of ``event_shape``. Subclasses give ``sample``/``log_prob``/``entropy``/``mean``/..."""

    has_rsample = False
    _validate_default = True
    arg_names: tuple[str, ...] = ()

    def __init__(
        self,
        batch_shape: tuple = (),
        event_shape: tuple = (),
        validate_args: bool | None = None,
    ) -> None:
        self.batch_shape = tuple(batch_shape)
        self.event_shape = tuple(event_shape)
        self._validate_args = self._validate_default if validate_args is None else validate_args

    @staticmethod
    def set_default_validate_args(value: bool) -> None:
        """Turn argument checks on (the default, as PyTorch) or off for new instances."""
        Distribution._validate_default = bool(value)

    def _extended_shape(self, sample_shape: Any = ()) -> tuple[int, ...]:
        return as_size(sample_shape) + self.batch_shape + self.event_shape

    def sample(self, sample_shape: Any = ()) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} does not implement sample")

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        raise NotImplementedError(
            f"{type(self).__name__} does not implement rsample (no reparameterized sampling)"
        )

    def sample_n(self, n: int) -> Tensor:
        return self.sample((n,))

    def _invalid(self, what: str, value: Any, constraint: str) -> ValueError:
        shape = tuple(value.shape) if isinstance(value, Tensor) else ()
        shown = value.tolist() if isinstance(value, Tensor) and value.ndim == 0 else value
        return ValueError(
            f"Expected {what} (Tensor of shape {shape}) of distribution {self!r} to satisfy "
            f"the constraint {constraint}, but found invalid values:\n{shown}"
        )

    def __repr__(self) -> str:
        parts = []
        for name in self.arg_names:
            if name not in self.__dict__ or self.__dict__[name] is None:
                continue
            v = self.__dict__[name]
            parts.append(f"{name}: {v.item() if v.numel() == 1 and v.ndim == 0 else v.size()}")
        return f"{type(self).__name__}({', '.join(parts)})"
