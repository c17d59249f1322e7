"""Ready-made small models from the lessons: ``LinearRegression`` and ``Polynomial``.

Each coefficient is its own scalar ``Parameter`` with a short name, so an optimizer can give
every coefficient its own learning rate through param groups, e.g.
``SGD([{"params": [model.a2], "lr": 1e-4}, {"params": [model.a1, model.a0]}], lr=1e-2)``.
``repr`` shows the fitted formula.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .. import factories
from ..tensor import Tensor
from .module import Module
from .parameter import Parameter

__all__ = ["LinearRegression", "Polynomial"]

_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _scalar(value: float, dtype: Any) -> Parameter:
    return Parameter(factories.tensor(float(value), dtype=dtype))


def _as_input(x: Any, like: Tensor) -> Tensor:
    return x if isinstance(x, Tensor) else factories.tensor(x, dtype=like.dtype)


def _formula(terms: list[tuple[float, str]]) -> str:
    """'y = 1.0811·x + 13.1723' from [(coefficient, power-of-x text), ...]."""
    text = ""
    for i, (c, var) in enumerate(terms):
        body = f"{abs(c):.4f}" + (f"·{var}" if var else "")
        if i == 0:
            text = ("-" if c < 0 else "") + body
        else:
            text += (" - " if c < 0 else " + ") + body
    return "y = " + text


class LinearRegression(Module):
    """y = w·x + b, elementwise on a tensor of any shape, with scalar Parameters ``w`` and
    ``b`` (starting at 0 unless given)."""

    def __init__(self, w: float = 0.0, b: float = 0.0, *, dtype: Any = None) -> None:
        super().__init__()
        self.w = _scalar(w, dtype)
        self.b = _scalar(b, dtype)

    def forward(self, x: Any) -> Tensor:
        return self.w * _as_input(x, self.w) + self.b

    def extra_repr(self) -> str:
        return _formula([(self.w.item(), "x"), (self.b.item(), "")])


class Polynomial(Module):
    """y = a0 + a1·x + a2·x² + ... + aₙ·xⁿ elementwise, with one scalar Parameter per power:
    ``a0`` (constant), ``a1`` (x), ``a2`` (x²), ... ``Polynomial(2)`` is the quadratic.

    ``coefficients`` gives starting values, lowest power first (default: all 0).
    """

    def __init__(
        self, degree: int = 2, coefficients: Sequence[float] | None = None, *, dtype: Any = None
    ) -> None:
        super().__init__()
        if not isinstance(degree, int) or degree < 0:
            raise ValueError(f"Polynomial: degree must be a non-negative int, got {degree!r}")
        if coefficients is None:
            coefficients = [0.0] * (degree + 1)
        if len(coefficients) != degree + 1:
            raise ValueError(
                f"Polynomial: degree {degree} needs {degree + 1} coefficients (a0 .. a{degree}), "
                f"got {len(coefficients)}"
            )
        self.degree = degree
        for k, c in enumerate(coefficients):
            setattr(self, f"a{k}", _scalar(c, dtype))

    def coefficients(self) -> list[Parameter]:
        """[a0, a1, ..., aₙ]: the Parameters, lowest power first."""
        return [self._parameters[f"a{k}"] for k in range(self.degree + 1)]

    def forward(self, x: Any) -> Tensor:
        coefs = self.coefficients()
        x = _as_input(x, coefs[0])
        y = coefs[0].expand(x.shape) if self.degree == 0 else coefs[0] + coefs[1] * x
        for k in range(2, self.degree + 1):
            y = y + coefs[k] * x**k
        return y

    def extra_repr(self) -> str:
        terms = []
        for k in range(self.degree, -1, -1):
            var = "" if k == 0 else "x" if k == 1 else "x" + str(k).translate(_SUPERSCRIPTS)
            terms.append((self._parameters[f"a{k}"].item(), var))
        return _formula(terms)
