"""``Normal``: the Gaussian N(loc, scale²)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import ops
from ..factories import tensor as _tensor
from ..sampling import normal as _normal
from ..tensor import Tensor
from .distribution import Distribution

__all__ = ["Normal"]


def _broadcast_all(*values: Any) -> list[Tensor]:
    """Numbers become tensors of the tensors' (or the default) float dtype; all are
    broadcast to one shape."""
    dtype = next((v.dtype for v in values if isinstance(v, Tensor)), None)
    ts = [v if isinstance(v, Tensor) else _tensor(float(v), dtype=dtype) for v in values]
    shape = np.broadcast_shapes(*(tuple(t.shape) for t in ts))
    return [t if tuple(t.shape) == shape else ops.expand(t, *shape) for t in ts]


class Normal(Distribution):
    """N(loc, scale²), loc and scale tensors or numbers (broadcast together). ``sample``
    draws PyTorch's numbers for the same seed; ``rsample`` = loc + eps·scale is
    differentiable in loc and scale."""

    has_rsample = True
    arg_names = ("loc", "scale")

    def __init__(self, loc: Any, scale: Any, validate_args: Any = None) -> None:
        self.loc, self.scale = _broadcast_all(loc, scale)
        super().__init__(tuple(self.loc.shape), (), validate_args)
        if self._validate_args:
            if np.any(np.isnan(self.loc._array)):
                raise self._invalid("parameter loc", self.loc, "Real()")
            if not np.all(self.scale._array > 0):
                raise self._invalid("parameter scale", self.scale, "GreaterThan(lower_bound=0.0)")

    @property
    def mean(self) -> Tensor:
        return self.loc

    @property
    def mode(self) -> Tensor:
        return self.loc

    @property
    def stddev(self) -> Tensor:
        return self.scale

    @property
    def variance(self) -> Tensor:
        return self.scale**2

    def sample(self, sample_shape: Any = ()) -> Tensor:
        """Draws of shape ``sample_shape + batch_shape`` (no gradient)."""
        shape = self._extended_shape(sample_shape)
        loc = ops.expand(self.loc.detach(), *shape)
        scale = ops.expand(self.scale.detach(), *shape)
        return _normal(loc, scale)

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        """loc + eps·scale with eps ~ N(0, 1): differentiable in loc and scale."""
        from ..factories import empty

        shape = self._extended_shape(sample_shape)
        eps = empty(shape, dtype=self.loc.dtype).normal_()
        return self.loc + eps * self.scale

    def log_prob(self, value: Any) -> Tensor:
        """log density at ``value``: -(value - loc)²/(2 scale²) - log scale - log √(2π)."""
        if not isinstance(value, Tensor):
            value = _tensor(value, dtype=self.loc.dtype)
        var = self.scale**2
        return (
            -((value - self.loc) ** 2) / (2 * var)
            - ops.log(self.scale)
            - math.log(math.sqrt(2 * math.pi))
        )

    def cdf(self, value: Any) -> Tensor:
        """P(X <= value) = (1 + erf((value - loc) / (scale √2))) / 2."""
        if not isinstance(value, Tensor):
            value = _tensor(value, dtype=self.loc.dtype)
        return 0.5 * (1 + ops.erf((value - self.loc) * self.scale.reciprocal() / math.sqrt(2)))

    def entropy(self) -> Tensor:
        """½ + ½ log(2π) + log scale."""
        return 0.5 + 0.5 * math.log(2 * math.pi) + ops.log(self.scale)
