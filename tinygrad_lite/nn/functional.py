"""``tinygrad_lite.nn.functional`` (``F``): layers and losses as plain functions.

Everything here is a composite of existing ops, so gradients come from the chain rule over
the primitives used. ``nll_loss`` (and so ``cross_entropy``) is the ``NllLoss`` primitive,
one node as in PyTorch; ``logsigmoid`` and ``binary_cross_entropy`` have primitives of their
own in ``nn._stable`` for numerical reasons. The loss modules in
``nn.loss`` call these functions; the math of every loss lives here, with PyTorch's
arguments, defaults, reductions and error cases.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import ops
from .. import random as _random
from .. import random_kernels as _rk
from ..primitives import Cat, Linear, LogSoftmax, MatMul, Mul, NllLoss, Where
from ..tensor import Tensor
from ._stable import BinaryCrossEntropy, LogSigmoid

__all__ = [
    "linear", "relu", "leaky_relu", "gelu", "silu", "softplus", "sigmoid", "tanh",
    "logsigmoid", "softmax", "log_softmax", "dropout", "one_hot", "pad", "normalize",
    "mse_loss", "l1_loss", "huber_loss", "smooth_l1_loss", "nll_loss", "cross_entropy",
    "binary_cross_entropy", "binary_cross_entropy_with_logits",
]  # fmt: skip

# ---------------------------------------------------------------------------------------
# layers and activations
# ---------------------------------------------------------------------------------------


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y = x Wᵀ + b for ``input`` (*, in_features), ``weight`` (out, in), ``bias`` (out,)."""
    x_shape, w_shape = input.shape, weight.shape
    if not x_shape or len(w_shape) not in (1, 2) or x_shape[-1] != w_shape[-1]:
        raise RuntimeError(
            f"linear: input of shape {tuple(x_shape)} does not fit weight of shape "
            f"{tuple(w_shape)}: the input's last dimension must equal in_features "
            f"(weight.shape[1]). Reshape the input (e.g. x.flatten(1)) or fix in_features."
        )
    if len(w_shape) == 2 and (bias is None or bias.shape == w_shape[:1]):
        return Linear.apply(input, weight, bias)  # one fused node (see primitives.Linear)
    # a 1-D weight, or a bias that broadcasts to (out,) without being (out,) (e.g. (1,))
    out = MatMul.apply(input, weight if len(w_shape) == 1 else ops.transpose(weight, 0, 1))
    return out if bias is None else out + bias


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """max(x, 0) elementwise (gradient 0 at x = 0, as PyTorch)."""
    if inplace:
        return ops.inplace_unary(input, ops.relu, "relu_")
    return ops.relu(input)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """x where x > 0, else negative_slope·x."""
    if inplace:
        return ops.inplace_unary(input, lambda t: ops.leaky_relu(t, negative_slope), "leaky_relu_")
    return ops.leaky_relu(input, negative_slope)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """x·Φ(x) (Gaussian CDF), or its tanh approximation with ``approximate="tanh"``."""
    return ops.gelu(input, approximate)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """x·σ(x) (also called swish)."""
    if inplace:
        return ops.inplace_unary(input, lambda t: t * t.sigmoid(), "silu_")
    return input * input.sigmoid()


def logsigmoid(input: Tensor) -> Tensor:
    """log σ(x), stable for large |x| and with the exact gradient σ(-x) everywhere."""
    return LogSigmoid.apply(ops.tensor_arg(input, "logsigmoid"))


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + e^(βx)) / β; equal to x where βx > threshold (as PyTorch)."""
    z = input * beta if beta != 1 else input
    smooth = -LogSigmoid.apply(-z)
    if beta != 1:
        smooth = smooth / beta
    return Where.apply(z._array > threshold, input, smooth)


def sigmoid(input: Tensor) -> Tensor:
    """1 / (1 + e^-x)."""
    return ops.tensor_arg(input, "sigmoid").sigmoid()


def tanh(input: Tensor) -> Tensor:
    return ops.tensor_arg(input, "tanh").tanh()


def _softmax_dim(ndim: int, op: str) -> int:
    warnings.warn(
        f"Implicit dimension choice for {op} has been deprecated. "
        "Change the call to include dim=X as an argument.",
        UserWarning,
        stacklevel=3,
    )
    return 0 if ndim in (0, 1, 3) else 1


def softmax(
    input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None
) -> Tensor:
    """e^x / Σ e^x along ``dim`` (values in (0, 1) that sum to 1)."""
    if dim is None:
        dim = _softmax_dim(input.ndim, "softmax")
    return ops.softmax(input, dim, dtype=dtype)


def log_softmax(
    input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None
) -> Tensor:
    """x - log Σ e^x along ``dim``, computed without overflow."""
    if dim is None:
        dim = _softmax_dim(input.ndim, "log_softmax")
    return ops.log_softmax(input, dim, dtype=dtype)


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """In training, zero each element with probability ``p`` and scale the rest by 1/(1-p);
    otherwise return ``input``. Random draws come from the default generator (``manual_seed``)."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    if p == 1.0:
        mask = np.zeros(input.shape, dtype=input._array.dtype)
    else:  # PyTorch's mask (issue 24): bernoulli_(1 - p) in the input's dtype, / (1 - p)
        dt = input._array.dtype
        keep = _rk.bernoulli_scalar(_random.default_generator, input._array.size, 1.0 - p)
        mask = keep.reshape(input.shape).astype(dt) / dt.type(1.0 - p)
    if inplace:
        return ops.inplace(input, Mul, mask, "dropout_")
    return input * mask


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """Integer class indices of any shape -> int64 tensor of shape (*, num_classes) with a
    single 1 per row (``num_classes=-1``: one more than the largest index)."""
    idx = np.asarray(tensor._array if isinstance(tensor, Tensor) else tensor)
    if idx.dtype.kind not in "iu":
        raise RuntimeError(
            f"one_hot is only applicable to index tensor of an integer dtype, got {idx.dtype}"
        )
    if idx.size and idx.min() < 0:
        raise RuntimeError("one_hot: Class values must be non-negative.")
    if num_classes == -1:
        num_classes = int(idx.max()) + 1 if idx.size else 0
    elif idx.size and idx.max() >= num_classes:
        raise RuntimeError(
            f"one_hot: Class values must be smaller than num_classes ({num_classes}), "
            f"got {int(idx.max())}."
        )
    out = np.zeros(idx.shape + (num_classes,), dtype=np.int64)
    np.put_along_axis(out, idx[..., None].astype(np.int64), 1, axis=-1)
    return Tensor._make(out, None, False)


def pad(
    input: Tensor, pad: Sequence[int], mode: str = "constant", value: float | None = None
) -> Tensor:
    """Pad: ``pad = (left_last, right_last, left_2nd_last, ...)``, as PyTorch; ``mode``
    'constant' (negative amounts crop), 'reflect', 'replicate' or 'circular'."""
    if mode != "constant":  # issue 20: reflect / replicate / circular
        from .functional_conv import pad_mode

        return pad_mode(input, pad, mode)
    if len(pad) % 2 or len(pad) // 2 > input.ndim:
        raise ValueError(
            f"pad: padding length must be even and at most 2 * input.ndim ({2 * input.ndim}), "
            f"got {len(pad)}"
        )
    fill = 0.0 if value is None else value
    out = input
    for i in range(len(pad) // 2):
        dim = input.ndim - 1 - i
        before, after = int(pad[2 * i]), int(pad[2 * i + 1])
        if out.shape[dim] + min(before, 0) + min(after, 0) < 0:
            raise RuntimeError(
                f"pad: padding ({before}, {after}) crops dim {dim} of size {out.shape[dim]} "
                "past its size (the padded size would be negative)"
            )
        if before < 0:
            out = ops.narrow(out, dim, -before, out.shape[dim] + before)
        if after < 0:
            out = ops.narrow(out, dim, 0, out.shape[dim] + after)
        parts = []
        for amount in (before, after):
            shape = list(out.shape)
            shape[dim] = max(amount, 0)
            parts.append(np.full(shape, fill, dtype=out._array.dtype))
        if before > 0 or after > 0:
            out = Cat.apply(dim, parts[0], out, parts[1])
    return out


def normalize(
    input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out: Any = None
) -> Tensor:
    """x / max(‖x‖_p, eps) along ``dim`` (rows scaled to unit length by default)."""
    if p == 2:
        sq = (input * input).sum(dim, keepdim=True)
        floor = np.asarray(eps * eps, dtype=input._array.dtype)
        norm = Where.apply(sq._array > eps * eps, sq, floor).sqrt()  # no nan gradient at 0
    else:
        norm = ops.clamp(ops.norm(input, p, dim, keepdim=True), min=eps)
    return input / norm


# ---------------------------------------------------------------------------------------
# losses: helpers
# ---------------------------------------------------------------------------------------

_REDUCTIONS = ("mean", "sum", "none")


def _reduction(size_average: Any, reduce: Any, reduction: str, op: str) -> str:
    """The reduction to use, from ``reduction`` or PyTorch's legacy size_average/reduce."""
    if size_average is not None or reduce is not None:
        size_average = True if size_average is None else size_average
        reduce = True if reduce is None else reduce
        reduction = ("mean" if size_average else "sum") if reduce else "none"
    if reduction not in _REDUCTIONS:
        raise ValueError(
            f"{op}: {reduction!r} is not a valid value for reduction; use 'mean', 'sum' or 'none'"
        )
    return reduction


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _as_tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor._make(np.asarray(x), None, False)


def _check_pointwise(input: Tensor, target: Tensor, op: str) -> None:
    """Same shapes, or a warning (broadcast, as PyTorch), or a clear error."""
    if input.shape == target.shape:
        return
    try:
        np.broadcast_shapes(input.shape, target.shape)
    except ValueError:
        raise RuntimeError(
            f"{op}: input of shape {tuple(input.shape)} and target of shape "
            f"{tuple(target.shape)} cannot be broadcast together; give them the same shape"
        ) from None
    warnings.warn(
        f"{op}: Using a target size {tuple(target.shape)} that is different to the input size "
        f"{tuple(input.shape)}. This will likely lead to incorrect results due to "
        "broadcasting. Please ensure they have the same size.",
        UserWarning,
        stacklevel=3,
    )


def _weighted(loss: Tensor, weight: Any, reduction: str, mean_by_weight: bool) -> Tensor:
    """``loss * weight`` reduced; 'mean' divides by Σweight (mse, l1) or by the count (huber)."""
    if weight.shape != loss.shape:
        raise ValueError("Weights and input must have the same size.")
    out = loss * weight
    if reduction == "mean" and mean_by_weight:
        return out.sum() / weight.sum()
    return _reduce(out, reduction)


# ---------------------------------------------------------------------------------------
# regression losses
# ---------------------------------------------------------------------------------------


def _pointwise(
    name: str,
    input: Tensor,
    target: Any,
    of_difference: Any,
    reduction: str,
    weight: Tensor | None,
    by_weight: bool = True,
) -> Tensor:
    """``of_difference(input - target)`` per element, optionally weighted, then reduced."""
    if not isinstance(target, (Tensor, int, float, np.generic, np.ndarray)):
        ops.tensor_arg(target, name, "target", 2)  # (PyTorch's TypeError)
    target = _as_tensor(target)
    _check_pointwise(input, target, name)
    loss = of_difference(input - target)
    if weight is not None:
        return _weighted(loss, weight, reduction, mean_by_weight=by_weight)
    return _reduce(loss, reduction)


def mse_loss(
    input: Tensor,
    target: Tensor,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
    weight: Tensor | None = None,
) -> Tensor:
    """Mean squared error: mean((input - target)²) (or sum / per element)."""
    reduction = _reduction(size_average, reduce, reduction, "mse_loss")
    return _pointwise("mse_loss", input, target, lambda d: d * d, reduction, weight)


def l1_loss(
    input: Tensor,
    target: Tensor,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
    weight: Tensor | None = None,
) -> Tensor:
    """Mean absolute error: mean(|input - target|) (gradient 0 where they are equal)."""
    reduction = _reduction(size_average, reduce, reduction, "l1_loss")
    return _pointwise("l1_loss", input, target, lambda d: d.abs(), reduction, weight)


def huber_loss(
    input: Tensor,
    target: Tensor,
    reduction: str = "mean",
    delta: float = 1.0,
    weight: Tensor | None = None,
) -> Tensor:
    """½d² where |d| < delta, else delta·(|d| - ½delta), with d = input - target."""
    reduction = _reduction(None, None, reduction, "huber_loss")
    if delta <= 0:
        raise RuntimeError(
            f"huber_loss does not support non-positive values for delta, got {delta}"
        )

    def huber(d: Tensor) -> Tensor:
        small = np.abs(d._array) < delta
        return Where.apply(small, 0.5 * d * d, delta * (d.abs() - 0.5 * delta))

    return _pointwise("huber_loss", input, target, huber, reduction, weight, by_weight=False)


def smooth_l1_loss(
    input: Tensor,
    target: Tensor,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
    beta: float = 1.0,
) -> Tensor:
    """½d²/beta where |d| < beta, else |d| - ½beta (Huber loss divided by beta)."""
    reduction = _reduction(size_average, reduce, reduction, "smooth_l1_loss")
    if beta < 0:
        raise RuntimeError(f"smooth_l1_loss does not support negative values for beta, got {beta}")

    def smooth_l1(d: Tensor) -> Tensor:
        if beta == 0:
            return d.abs()
        small = np.abs(d._array) < beta
        return Where.apply(small, (0.5 / beta) * d * d, d.abs() - 0.5 * beta)

    return _pointwise("smooth_l1_loss", input, target, smooth_l1, reduction, None)


# ---------------------------------------------------------------------------------------
# classification losses
# ---------------------------------------------------------------------------------------


def _class_indices(input: Tensor, target: Any, weight: Any, ignore_index: int, op: str) -> tuple:
    """Validate class-index targets; return (indices, class dim, valid mask or None when
    every item counts, per-item weight or None when every item has weight 1)."""
    t = np.asarray(target._array if isinstance(target, Tensor) else target)
    shape = input.shape
    if not shape:
        raise ValueError(f"{op}: input must have at least 1 dimension (the classes), got a scalar")
    class_dim = 0 if len(shape) == 1 else 1
    expected = () if len(shape) == 1 else tuple(shape[:1] + shape[2:])
    if t.dtype.kind not in "iu":
        raise RuntimeError(
            f"{op}: expected target to hold class indices (an integer tensor of shape "
            f"{expected}) or, for cross_entropy, class probabilities (a float tensor of shape "
            f"{tuple(shape)}); got a {t.dtype} tensor of shape {tuple(t.shape)}. "
            "Convert indices with target.long()."
        )
    if t.shape != expected:
        raise ValueError(
            f"{op}: expected target of shape {expected} for input of shape "
            f"{tuple(shape)} (classes along dim {class_dim}), got target shape "
            f"{tuple(t.shape)}"
        )
    n_classes = shape[class_dim]
    if (
        t.size
        and not 0 <= ignore_index < n_classes
        and 0 <= _min(t, None)
        and _max(t, None) < n_classes
    ):
        safe, valid = t, None  # the usual case: every target is a class, none is ignored
    else:
        valid = t != ignore_index
        bad = valid & ((t < 0) | (t >= n_classes))
        if bad.any():
            raise IndexError(
                f"{op}: Target {int(t[bad].flat[0])} is out of bounds: the input has "
                f"{n_classes} classes, so class indices must be in [0, {n_classes - 1}] (or "
                "ignore_index)"
            )
        safe = np.where(valid, t, 0)
        if valid.all():
            valid = None
    item_weight = None
    if weight is not None:
        w = np.asarray(weight._array if isinstance(weight, Tensor) else weight)
        if w.shape != (n_classes,):
            raise RuntimeError(
                f"{op}: weight tensor should be defined either for all {n_classes} classes or "
                f"no classes but got weight tensor of shape: {tuple(w.shape)}"
            )
        item_weight = w[safe] if valid is None else w[safe] * valid
        item_weight = item_weight.astype(input._array.dtype)
    elif valid is not None:
        item_weight = valid.astype(input._array.dtype)
    return safe, class_dim, valid, item_weight


_min, _max = np.minimum.reduce, np.maximum.reduce  # (t.min() adds a Python-level call)


def _item_index(safe: np.ndarray, ndim: int) -> tuple:
    """The index that picks ``input[i, safe[i], ...]`` for every item ``i`` of an ``ndim``-d
    input (classes at dim 1; at dim 0 for a 1-D input)."""
    if ndim == 1:
        return (safe,)
    if ndim == 2:
        return (np.arange(safe.shape[0]), safe)
    grid = np.indices(safe.shape, sparse=True)
    return (grid[0], safe, *grid[1:])


def _nll(
    input: Tensor, target: Any, weight: Any, ignore_index: int, reduction: str, op: str
) -> Tensor:
    safe, _, _, item_weight = _class_indices(input, target, weight, ignore_index, op)
    if reduction == "none":
        divisor = None
    elif reduction == "sum":
        divisor = 1
    elif item_weight is None:
        divisor = safe.size
    else:
        divisor = float(item_weight.sum(dtype=np.float64))
    return NllLoss.apply(input, _item_index(safe, input.ndim), item_weight, divisor)


def _mean_of(total: Tensor, count: Any) -> Tensor:
    """``total / count``; nan when nothing was counted (empty batch or all ignored), as
    PyTorch, without NumPy's division warning."""
    if count == 0:
        return total * np.asarray(np.nan, dtype=total._array.dtype)
    return total / np.asarray(count, dtype=total._array.dtype)


def nll_loss(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: Any = None,
    ignore_index: int = -100,
    reduce: Any = None,
    reduction: str = "mean",
) -> Tensor:
    """Negative log likelihood: -weight[t]·input[n, t] for class indices t (input holds log
    probabilities, (N, C) or (N, C, d1, ...) or (C,)). 'mean' divides by Σ weight[t]."""
    reduction = _reduction(size_average, reduce, reduction, "nll_loss")
    return _nll(input, target, weight, ignore_index, reduction, "nll_loss")


def cross_entropy(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: Any = None,
    ignore_index: int = -100,
    reduce: Any = None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """Softmax cross-entropy from raw scores ``input`` (C at dim 1) and ``target`` as class
    indices or as class probabilities (same shape as input); via log_softmax, so stable."""
    reduction = _reduction(size_average, reduce, reduction, "cross_entropy")
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    ndim = input.ndim
    if ndim == 0:
        raise ValueError("cross_entropy: input must have at least 1 dimension (the classes)")
    class_dim = 0 if ndim == 1 else 1
    logp = LogSoftmax.apply(input, class_dim)
    t = target._array if isinstance(target, Tensor) else np.asarray(target)
    if t.dtype.kind == "f":
        if t.shape != input.shape:
            _class_indices(input, target, None, ignore_index, "cross_entropy")  # raises
        if ignore_index != -100:
            raise RuntimeError(
                "cross_entropy: ignore_index is not supported for floating point target "
                "(class probabilities); give class indices instead"
            )
        return _soft_cross_entropy(
            logp, _as_tensor(target), weight, class_dim, reduction, label_smoothing
        )
    nll = _nll(logp, target, weight, ignore_index, reduction, "cross_entropy")
    if label_smoothing == 0.0:
        return nll
    safe, _, valid, item_weight = _class_indices(logp, target, weight, ignore_index, "")
    n_classes = input.shape[class_dim]
    per_class = logp if weight is None else logp * _along(weight, class_dim, logp.ndim)
    smooth = -per_class.sum(class_dim)
    if valid is not None:
        smooth = smooth * valid.astype(logp._array.dtype)
    if reduction == "none":
        smooth_red = smooth
    elif reduction == "sum":
        smooth_red = smooth.sum()
    else:
        if weight is None:
            denom = safe.size if valid is None else valid.sum()
        else:
            denom = item_weight.sum(dtype=np.float64)
        smooth_red = _mean_of(smooth.sum(), denom)
    return (1 - label_smoothing) * nll + smooth_red * (label_smoothing / n_classes)


def _along(weight: Any, class_dim: int, ndim: int) -> Any:
    """The class weights reshaped to broadcast along ``class_dim`` of an ``ndim`` tensor."""
    w = _as_tensor(weight)
    shape = [1] * ndim
    shape[class_dim] = w.shape[0]
    return w.reshape(tuple(shape))


def _soft_cross_entropy(
    logp: Tensor,
    target: Tensor,
    weight: Any,
    class_dim: int,
    reduction: str,
    label_smoothing: float,
) -> Tensor:
    """Cross-entropy with class-probability targets: -Σ_c w_c·p_c·log q_c per item."""
    n_classes = logp.shape[class_dim]
    if label_smoothing > 0:
        target = target * (1 - label_smoothing) + label_smoothing / n_classes
    prod = logp * target
    if weight is not None:
        prod = prod * _along(weight, class_dim, logp.ndim)
    if reduction == "none":
        return -prod.sum(class_dim)
    total = -prod.sum()
    if reduction == "sum":
        return total
    return total / (logp.numel() // n_classes if n_classes else 0)


def binary_cross_entropy(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
) -> Tensor:
    """-w·(y log x + (1-y) log(1-x)) for probabilities ``input`` in [0, 1] (logs clamped at
    -100, as PyTorch). For raw scores use ``binary_cross_entropy_with_logits``."""
    target = _as_tensor(target)
    reduction = _reduction(size_average, reduce, reduction, "binary_cross_entropy")
    if target.shape != input.shape:
        raise ValueError(
            f"binary_cross_entropy: Using a target size {tuple(target.shape)} that is "
            f"different to the input size {tuple(input.shape)} is not supported. Please "
            "ensure they have the same size (e.g. target.view_as(input))."
        )
    x = input._array
    if not np.all((x >= 0) & (x <= 1)):
        raise RuntimeError(
            "binary_cross_entropy: all elements of input should be between 0 and 1; apply "
            "sigmoid first, or use binary_cross_entropy_with_logits on raw scores"
        )
    loss = BinaryCrossEntropy.apply(input, target)
    if weight is not None:
        np.broadcast_shapes(tuple(weight.shape), tuple(target.shape))
        loss = loss * weight
    return _reduce(loss, reduction)


def binary_cross_entropy_with_logits(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
    pos_weight: Tensor | None = None,
) -> Tensor:
    """BCE on raw scores x: (1-y)·x - (1 + (pos_weight-1)·y)·log σ(x), times ``weight``;
    stable for any x (never computes σ(x) and then its log)."""
    target = _as_tensor(target)
    reduction = _reduction(size_average, reduce, reduction, "binary_cross_entropy_with_logits")
    if target.shape != input.shape:
        raise ValueError(
            f"binary_cross_entropy_with_logits: Target size {tuple(target.shape)} must be the "
            f"same as input size {tuple(input.shape)}"
        )
    log_sig = LogSigmoid.apply(input)
    if pos_weight is None:
        loss = (1 - target) * input - log_sig
    else:
        log_weight = 1 + (pos_weight - 1) * target
        loss = (1 - target) * input - log_weight * log_sig
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


# --- issue 20: convolution, pooling, resampling, normalization (in their own modules) -----
from .functional_conv import (  # noqa: E402
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    adaptive_max_pool1d,
    adaptive_max_pool2d,
    avg_pool1d,
    avg_pool2d,
    conv1d,
    conv2d,
    conv_transpose1d,
    conv_transpose2d,
    fold,
    interpolate,
    max_pool1d,
    max_pool2d,
    max_unpool2d,
    pixel_shuffle,
    pixel_unshuffle,
    unfold,
    upsample,
)  # fmt: skip
from .functional_norm import (  # noqa: E402
    batch_norm,
    dropout1d,
    dropout2d,
    group_norm,
    instance_norm,
    layer_norm,
)  # fmt: skip

__all__ += [
    "conv1d", "conv2d", "conv_transpose1d", "conv_transpose2d", "unfold", "fold", "max_pool1d",
    "max_pool2d", "avg_pool1d", "avg_pool2d", "adaptive_avg_pool1d", "adaptive_avg_pool2d",
    "adaptive_max_pool1d", "adaptive_max_pool2d", "max_unpool2d", "pixel_shuffle",
    "pixel_unshuffle", "interpolate", "upsample", "batch_norm", "layer_norm", "group_norm",
    "instance_norm", "dropout1d", "dropout2d",
]  # fmt: skip


# --- issue 21: sequence models (embedding, attention, mish) ----------------------------
from .functional_sequence import (  # noqa: E402
    embedding,
    embedding_bag,
    mish,
    scaled_dot_product_attention,
)

__all__ += ["embedding", "embedding_bag", "mish", "scaled_dot_product_attention"]


# issue 19: a non-tensor where a tensor is needed raises PyTorch's TypeError (see _argcheck)
from .._argcheck import check_namespace as _check_namespace  # noqa: E402

_check_namespace(globals(), {
    __name__, "tinygrad_lite.nn.functional_conv", "tinygrad_lite.nn.functional_norm",
    "tinygrad_lite.nn.functional_sequence", "tinygrad_lite.nn._stable", "tinygrad_lite.ops",
})  # fmt: skip
