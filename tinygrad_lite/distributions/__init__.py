"""tinygrad_lite.distributions: probability distributions with PyTorch's API
(``torch.distributions``): ``Categorical`` and ``Normal``.

``sample`` draws PyTorch's numbers for the same seed (through ``multinomial`` and
``normal``); ``rsample`` (Normal) is differentiable in the parameters; ``log_prob`` and
``entropy`` are ordinary differentiable tensor expressions.
"""

from .categorical import Categorical
from .distribution import Distribution
from .normal import Normal

__all__ = ["Distribution", "Categorical", "Normal"]
