"""tinygrad_lite: a small, readable reverse-mode autodiff framework on NumPy.

PyTorch's CPU API (``import tinygrad_lite as torch``): ``Tensor`` records operations on a
tape, ``backward()`` walks it in reverse; ``nn``, ``optim`` and ``utils.data`` sit on top.
Visualisation and teaching tools live in ``tinygrad_lite.viz`` and
``tinygrad_lite.symbolic`` and are never imported from here.
"""

from __future__ import annotations

from . import autograd
from .autograd import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .device import cuda, device, get_default_device, set_default_device
from .dtypes import (
    DType as dtype,
    bool_ as bool,  # noqa: A001 - PyTorch's name
    double,
    float,  # noqa: A004
    float16,
    float32,
    float64,
    get_default_dtype,
    half,
    int,  # noqa: A004
    int8,
    int16,
    int32,
    int64,
    long,
    set_default_dtype,
    short,
    uint8,
)
from .factories import (
    arange, as_tensor, empty, empty_like, eye, from_numpy, full, full_like, linspace, normal,
    ones, ones_like, rand, rand_like, randint, randint_like, randn, randn_like, randperm,
    scalar_tensor, tensor, zeros, zeros_like, logspace,
)  # fmt: skip
from .ops import (
    abs, add, all, allclose, amax, amin, any, argmax, argmin, bmm, broadcast_tensors,
    broadcast_to, cat, ceil, chunk, clamp, clip, clone, concat, concatenate, cos,
    count_nonzero, cumprod, cumsum, detach, diag, div, divide, dot, eq, equal, erf, exp, expm1, flatten, floor,
    floor_divide, gather, ge, gelu, greater, greater_equal, gt, hstack, index_select, inner,
    is_floating_point, is_tensor, isclose, isfinite, isinf, isnan, le, leaky_relu, lerp, less,
    less_equal, log, log1p, log_softmax, logical_and, logical_not, logical_or, logsumexp, lt,
    masked_fill, matmul, max, maximum, mean, min, minimum, mm, mul, multiply, narrow, ne, neg,
    negative, norm, not_equal, numel, outer, permute, pow, prod, reciprocal, relu, remainder,
    repeat, reshape, round, rsqrt, sigmoid, sign, sin, softmax, softplus, split, sqrt, square,
    squeeze, stack, std, sub, subtract, sum, swapaxes, swapdims, t, take_along_dim, tan, tanh,
    trace, transpose, true_divide, trunc, unbind, unflatten, unsqueeze, var, vstack, where,
)  # fmt: skip
from .ops import tril, triu  # issue 21
from .random import Generator, default_generator, initial_seed, manual_seed, seed

# issue 24: PyTorch's random numbers and sampling
from .random import (
    are_deterministic_algorithms_enabled, get_rng_state,
    is_deterministic_algorithms_warn_only_enabled, set_rng_state, use_deterministic_algorithms,
)  # fmt: skip
from .sampling import bernoulli, multinomial, topk
from .serialization import load, save
from .tensor import Tensor

from . import nn, optim, utils  # noqa: E402,I001  (they build on everything above)
from . import distributions  # noqa: E402,I001  (issue 24)

# --- the wider PyTorch surface (issue 24): more ops, linalg, legacy names, device idioms
from . import linalg
from .ops_math import (
    acos, arccos, arcsin, arctan, arctan2, asin, atan, atan2, bitwise_and, bitwise_not,
    bitwise_or, bitwise_xor, cosh, log2, log10, sinh,
)  # fmt: skip
from .ops_shape import diff, flip, fliplr, flipud, kron, meshgrid, repeat_interleave, roll
from .ops_sorting import argsort, argwhere, bincount, histc, histogram, nonzero, sort, unique
from .ops_linalg import cdist, cross, det, diagonal, einsum, inverse, mv, svd, tensordot
from .legacy import (
    BoolTensor, ByteTensor, CharTensor, DoubleTensor, FloatTensor, HalfTensor, IntTensor,
    LongTensor, ShortTensor, Size,
)  # fmt: skip
from .device_idioms import accelerator, amp, autocast, backends, compile  # noqa: A004

nelement = numel
from .threads import get_num_threads, set_num_threads  # (issue 23) BLAS threads
from .threads import apply_default as _apply_thread_default

_apply_thread_default()  # one BLAS thread on a machine with 2 CPUs or fewer (see threads.py)

# issue 19: a non-tensor where a tensor is needed raises PyTorch's TypeError naming the op
# and the argument (_argcheck: explained when the call fails, nothing runs when it works)
from ._argcheck import check_namespace as _check_namespace  # noqa: E402

_check_namespace(globals(), {
    "tinygrad_lite.ops", "tinygrad_lite.ops_math", "tinygrad_lite.ops_shape",
    "tinygrad_lite.ops_sorting", "tinygrad_lite.ops_linalg", "tinygrad_lite.sampling",
    "tinygrad_lite.factories", "tinygrad_lite.random",
})  # fmt: skip

from ._keywords import OUT_FUNCTIONS as _OUT_FUNCTIONS, with_out as _with_out

for _name in _OUT_FUNCTIONS:  # torch.add(a, b, out=c) and the like
    globals()[_name] = _with_out(globals()[_name])
del _name

# The fast engine (every speed-only path, autograd/fast) unless TINYGRAD_LITE_REFERENCE=1
import os as _os  # noqa: E402

if _os.environ.get("TINYGRAD_LITE_REFERENCE", "0") in ("", "0"):
    autograd.fast.install()
__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    """A name PyTorch has and we do not yet: say so, and where the supported surface is."""
    if name.startswith("__"):
        raise AttributeError(name)
    raise AttributeError(
        f"module 'tinygrad_lite' has no attribute {name!r}: tinygrad_lite does not have it "
        "yet (see docs/coming-from-pytorch.md for what is supported and what is missing)"
    )
