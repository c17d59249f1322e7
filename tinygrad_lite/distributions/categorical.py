"""``Categorical``: one of K categories, with probabilities ``probs`` or unnormalised
log-probabilities ``logits`` (the last dimension indexes the categories)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import ops
from ..sampling import multinomial
from ..tensor import Tensor
from .distribution import Distribution, as_size

__all__ = ["Categorical"]


class Categorical(Distribution):
    """Categorical(probs=p) or Categorical(logits=l): p is normalised to sum to 1 along the
    last dimension, l is shifted so that ``logits.exp()`` does. ``sample`` draws PyTorch's
    indices for the same seed (``multinomial`` with replacement on the probabilities)."""

    arg_names = ("probs", "logits")

    def __init__(
        self, probs: Tensor | None = None, logits: Tensor | None = None, validate_args: Any = None
    ) -> None:
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        if probs is not None:
            if probs.ndim < 1:
                raise ValueError("`probs` parameter must be at least one-dimensional.")
            self.__dict__["probs"] = probs / probs.sum(-1, keepdim=True)
            param = self.__dict__["probs"]
        else:
            if logits.ndim < 1:
                raise ValueError("`logits` parameter must be at least one-dimensional.")
            self.__dict__["logits"] = logits - ops.logsumexp(logits, -1, keepdim=True)
            param = self.__dict__["logits"]
        self._num_events = param.shape[-1]
        super().__init__(tuple(param.shape[:-1]), (), validate_args)
        if self._validate_args:
            self._check_params()

    def _check_params(self) -> None:
        if "probs" in self.__dict__:
            p = self.__dict__["probs"]._array
            ok = np.all(p >= 0) and np.allclose(p.sum(-1), 1, atol=1e-6)
            if not ok:
                raise self._invalid("parameter probs", self.__dict__["probs"], "Simplex()")
        else:
            if np.any(np.isnan(self.__dict__["logits"]._array)):
                raise self._invalid(
                    "parameter logits", self.__dict__["logits"], "IndependentConstraint(Real(), 1)"
                )

    @property
    def probs(self) -> Tensor:
        """Probabilities (normalised), computed from ``logits`` by softmax if needed."""
        if "probs" not in self.__dict__:
            self.__dict__["probs"] = ops.softmax(self.__dict__["logits"], -1)
        return self.__dict__["probs"]

    @property
    def logits(self) -> Tensor:
        """Normalised log-probabilities, computed from ``probs`` if needed (clamped so that
        a zero probability gives the most negative finite number, as PyTorch)."""
        if "logits" not in self.__dict__:
            p = self.__dict__["probs"]
            eps = np.finfo(p._array.dtype).eps
            self.__dict__["logits"] = ops.log(ops.clamp(p, eps, 1 - eps))
        return self.__dict__["logits"]

    @property
    def param_shape(self) -> tuple:
        param = self.__dict__["probs"] if "probs" in self.__dict__ else self.__dict__["logits"]
        return tuple(param.shape)

    @property
    def mean(self) -> Tensor:
        from ..factories import full

        return full(self.batch_shape, float("nan"), dtype=self.probs.dtype)

    @property
    def mode(self) -> Tensor:
        return self.probs.argmax(-1)

    @property
    def variance(self) -> Tensor:
        return self.mean

    def sample(self, sample_shape: Any = ()) -> Tensor:
        """Category indices (int64) of shape ``sample_shape + batch_shape``."""
        shape = as_size(sample_shape)
        count = int(np.prod(shape, dtype=np.int64))
        probs_2d = self.probs.detach().reshape(-1, self._num_events)
        drawn = multinomial(probs_2d, max(count, 1), True)._array.T[:count]
        return Tensor._make(
            np.ascontiguousarray(drawn).reshape(self._extended_shape(shape)), None, False
        )

    def log_prob(self, value: Tensor) -> Tensor:
        """log P(value) for integer category indices (broadcast against the batch)."""
        v = np.asarray(getattr(value, "_array", value))
        if self._validate_args:
            bad = (v < 0) | (v >= self._num_events) | (v != np.floor(v))
            if np.any(bad):
                raise ValueError(
                    f"Expected value argument (Tensor of shape {tuple(v.shape)}) to be within "
                    f"the support (IntegerInterval(lower_bound=0, upper_bound="
                    f"{self._num_events - 1})) of the distribution {self!r}, but found invalid "
                    f"values:\n{v.tolist()}"
                )
        logits = self.logits
        idx = np.expand_dims(v.astype(np.int64), -1)
        shape = np.broadcast_shapes(idx.shape[:-1], tuple(logits.shape[:-1]))
        logits = ops.expand(logits, *(shape + (self._num_events,)))
        idx = np.broadcast_to(idx, shape + (1,))
        return ops.squeeze(ops.gather(logits, -1, np.ascontiguousarray(idx)), -1)

    def entropy(self) -> Tensor:
        """-Σ p log p over the categories (zero-probability terms count as 0)."""
        logits = ops.clamp(self.logits, float(np.finfo(self.logits._array.dtype).min))
        return -(logits * self.probs).sum(-1)

    def enumerate_support(self, expand: bool = True) -> Tensor:
        from ..factories import arange

        values = arange(self._num_events).reshape((-1,) + (1,) * len(self.batch_shape))
        if expand:
            values = values.expand(self._num_events, *self.batch_shape)
        return values
