"""More element-wise primitives: hyperbolic and inverse trigonometric functions, atan2 and
the base-2 and base-10 logarithms.

Written exactly like the table in ``primitives.py`` (forward on arrays, backward with
operators and ufuncs that arrays and Tensors both understand, so they differentiate twice).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .autograd.function import Primitive

Ctx = Any

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)


class Sinh(Primitive):
    """f(x) = sinh x"""

    @staticmethod
    def forward(ctx: Ctx, x):
        ctx.saved = (x,)
        return np.sinh(x)

    @staticmethod
    def backward(ctx: Ctx, g):
        (x,) = ctx.saved
        return g * np.cosh(x)


class Cosh(Primitive):
    """f(x) = cosh x"""

    @staticmethod
    def forward(ctx: Ctx, x):
        ctx.saved = (x,)
        return np.cosh(x)

    @staticmethod
    def backward(ctx: Ctx, g):
        (x,) = ctx.saved
        return g * np.sinh(x)


class Asin(Primitive):
    """f(x) = asin x, f'(x) = 1 / √(1 - x²)"""

    @staticmethod
    def forward(ctx: Ctx, x):
        ctx.saved = (x,)
        return np.arcsin(x)

    @staticmethod
    def backward(ctx: Ctx, g):
        (x,) = ctx.saved
        return g / np.sqrt(1 - x * x)


class Acos(Primitive):
    """f(x) = acos x, f'(x) = -1 / √(1 - x²)"""

    @staticmethod
    def forward(ctx: Ctx, x):
        ctx.saved = (x,)
        return np.arccos(x)

    @staticmethod
    def backward(ctx: Ctx, g):
        (x,) = ctx.saved
        return -g / np.sqrt(1 - x * x)


class Atan(Primitive):
    """f(x) = atan x, f'(x) = 1 / (1 + x²)"""

    @staticmethod
    def forward(ctx: Ctx, x):
        ctx.saved = (x,)
        return np.arctan(x)

    @staticmethod
    def backward(ctx: Ctx, g):
        (x,) = ctx.saved
        return g / (1 + x * x)


class Atan2(Primitive):
    """f(y, x) = atan2(y, x), ∂/∂y = x / (x² + y²), ∂/∂x = -y / (x² + y²)"""

    promotes = True

    @staticmethod
    def forward(ctx: Ctx, y, x):
        ctx.saved = (y, x)
        return np.arctan2(y, x)

    @staticmethod
    def backward(ctx: Ctx, g):
        y, x = ctx.saved
        to_y, to_x = ctx.parents
        r2 = x * x + y * y
        return (g * x / r2 if to_y is not None else None), (
            -g * y / r2 if to_x is not None else None
        )


class Log2(Primitive):
    """f(x) = log₂ x, f'(x) = 1 / (x ln 2)"""

    @staticmethod
    def forward(ctx: Ctx, x):
        ctx.saved = (x,)
        return np.log2(x)

    @staticmethod
    def backward(ctx: Ctx, g):
        (x,) = ctx.saved
        return g / (x * _LN2)


class Log10(Primitive):
    """f(x) = log₁₀ x, f'(x) = 1 / (x ln 10)"""

    @staticmethod
    def forward(ctx: Ctx, x):
        ctx.saved = (x,)
        return np.log10(x)

    @staticmethod
    def backward(ctx: Ctx, g):
        (x,) = ctx.saved
        return g / (x * _LN10)


MATH_PRIMITIVES: dict[str, type] = {
    cls.__name__: cls for cls in (Sinh, Cosh, Asin, Acos, Atan, Atan2, Log2, Log10)
}
"""These primitives by name (merged into ``primitives.PRIMITIVES``)."""
