"""tinygrad_lite.nn: Modules, layers, losses, initialisation and helpers (``torch.nn``).

``nn.Module`` and ``nn.Parameter`` are the building blocks; layers live in ``linear``,
``activation``, ``dropout`` and ``container``; losses in ``loss`` (their math in
``functional``); the lesson models in ``models``; ``init`` fills weights, ``utils`` clips
gradients.
"""

from . import functional, init, utils
from .activation import (
    GELU,
    LeakyReLU,
    LogSigmoid,
    LogSoftmax,
    ReLU,
    Sigmoid,
    SiLU,
    Softmax,
    Softplus,
    Tanh,
)  # fmt: skip
from .container import ModuleDict, ModuleList, Sequential
from .dropout import Dropout
from .linear import Flatten, Identity, Linear, Unflatten
from .loss import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HuberLoss,
    L1Loss,
    MSELoss,
    NLLLoss,
    SmoothL1Loss,
)  # fmt: skip
from .models import LinearRegression, Polynomial
from .module import Module
from .parameter import Parameter

# isort: split
# --- issue 21: sequence models ---
from ._layernorm_tmp import LayerNorm  # (until nn gets its normalisation layers)
from .activation_sequence import Mish
from .attention import MultiheadAttention
from .rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell
from .sparse import Embedding, EmbeddingBag
from .transformer import (
    Transformer,
    TransformerDecoder,
    TransformerDecoderLayer,
    TransformerEncoder,
    TransformerEncoderLayer,
)  # fmt: skip

# --- end issue 21 ---

__all__ = [
    "functional", "init", "utils", "Parameter", "Module",
    "Sequential", "ModuleList", "ModuleDict",
    "Linear", "Identity", "Flatten", "Unflatten",
    "ReLU", "LeakyReLU", "Tanh", "Sigmoid", "GELU", "SiLU", "Softplus", "LogSigmoid",
    "Softmax", "LogSoftmax", "Dropout",
    "MSELoss", "L1Loss", "HuberLoss", "SmoothL1Loss", "NLLLoss", "CrossEntropyLoss",
    "BCELoss", "BCEWithLogitsLoss",
    "LinearRegression", "Polynomial",
]  # fmt: skip
__all__ += [  # issue 21
    "LayerNorm", "Mish", "MultiheadAttention", "RNNBase", "RNN", "LSTM", "GRU", "RNNCell",
    "LSTMCell", "GRUCell", "Embedding", "EmbeddingBag", "Transformer", "TransformerEncoder",
    "TransformerEncoderLayer", "TransformerDecoder", "TransformerDecoderLayer",
]  # fmt: skip
