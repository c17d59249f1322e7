"""``Dropout``: randomly zero activations while training (a regulariser)."""

from __future__ import annotations

from ..tensor import Tensor
from . import functional as F
from .module import Module

__all__ = ["Dropout", "Dropout1d", "Dropout2d"]


class Dropout(Module):
    """In training mode, zero each element with probability ``p`` and scale the others by
    1/(1-p) (so the expected value is unchanged); in eval mode, the identity. Seeded by
    ``tinygrad_lite.manual_seed``."""

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.dropout(input, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


# --- issue 20: channel dropout --------------------------------------------------------
class Dropout2d(Dropout):
    """In training, zero whole channels of (N, C, H, W) with probability ``p`` (scaling the
    rest by 1/(1-p)); in eval mode, the identity."""

    def forward(self, input: Tensor) -> Tensor:
        from .functional_norm import dropout2d

        return dropout2d(input, self.p, self.training, self.inplace)


class Dropout1d(Dropout):
    """In training, zero whole channels of (N, C, L) with probability ``p``."""

    def forward(self, input: Tensor) -> Tensor:
        from .functional_norm import dropout1d

        return dropout1d(input, self.p, self.training, self.inplace)
