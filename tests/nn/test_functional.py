"""nn.functional: every loss × reduction against NumPy formulas and PyTorch (values and
gradients), activations, dropout, one_hot, pad, normalize, and the error messages."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_lite as tl
from tinygrad_lite.nn import functional as F

REDUCTIONS = ["mean", "sum", "none"]
rng = np.random.default_rng(1234)


def _reduce(loss, reduction):
    return {"mean": np.mean, "sum": np.sum, "none": lambda v: v}[reduction](loss)


def _log_softmax(x, axis):
    m = x.max(axis=axis, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=axis, keepdims=True))


# ------------------------------------------------------------------ NumPy (always run)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_mse_loss_matches_numpy_value_and_gradient(reduction):
    x, y = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    xt = tl.tensor(x, requires_grad=True)
    out = F.mse_loss(xt, tl.tensor(y), reduction=reduction)
    np.testing.assert_allclose(out.numpy(), _reduce((x - y) ** 2, reduction), rtol=1e-12)
    out.sum().backward()
    scale = 1 / x.size if reduction == "mean" else 1.0
    np.testing.assert_allclose(xt.grad.numpy(), 2 * (x - y) * scale, rtol=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_l1_and_huber_match_numpy(reduction):
    x, y = rng.standard_normal(10) * 2, rng.standard_normal(10)
    d = x - y
    out = F.l1_loss(tl.tensor(x), tl.tensor(y), reduction=reduction)
    np.testing.assert_allclose(out.numpy(), _reduce(np.abs(d), reduction), rtol=1e-12)
    delta = 0.7
    huber = np.where(np.abs(d) < delta, 0.5 * d * d, delta * (np.abs(d) - 0.5 * delta))
    out = F.huber_loss(tl.tensor(x), tl.tensor(y), reduction=reduction, delta=delta)
    np.testing.assert_allclose(out.numpy(), _reduce(huber, reduction), rtol=1e-12)


def test_l1_gradient_is_zero_where_input_equals_target():
    x = tl.tensor([1.0, 2.0, 3.0], requires_grad=True)
    F.l1_loss(x, tl.tensor([1.0, 0.0, 5.0]), reduction="sum").backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 1.0, -1.0])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_matches_numpy_value_and_gradient(reduction):
    x = rng.standard_normal((5, 4))
    t = np.array([0, 3, 1, 1, 2])
    xt = tl.tensor(x, requires_grad=True)
    out = F.cross_entropy(xt, tl.tensor(t), reduction=reduction)
    per_item = -_log_softmax(x, 1)[np.arange(5), t]
    np.testing.assert_allclose(out.numpy(), _reduce(per_item, reduction), rtol=1e-12)
    out.sum().backward()
    softmax = np.exp(_log_softmax(x, 1))
    expected = softmax - np.eye(4)[t]
    if reduction == "mean":
        expected = expected / 5
    np.testing.assert_allclose(xt.grad.numpy(), expected, rtol=1e-10, atol=1e-14)


def test_cross_entropy_weight_and_ignore_index_match_numpy():
    x = rng.standard_normal((6, 3))
    t = np.array([0, 2, -100, 1, 2, -100])
    w = np.array([0.2, 1.0, 3.0])
    out = F.cross_entropy(tl.tensor(x), tl.tensor(t), weight=tl.tensor(w))
    keep = t != -100
    lp = _log_softmax(x, 1)[np.arange(6)[keep], t[keep]]
    expected = -(w[t[keep]] * lp).sum() / w[t[keep]].sum()
    np.testing.assert_allclose(out.item(), expected, rtol=1e-12)
    none = F.cross_entropy(tl.tensor(x), tl.tensor(t), reduction="none").numpy()
    assert none[2] == 0 and none[5] == 0


def test_cross_entropy_is_stable_for_huge_logits():
    x = tl.tensor([[1000.0, 0.0, -1000.0], [-1e4, 1e4, 0.0]], requires_grad=True)
    loss = F.cross_entropy(x, tl.tensor([2, 1]))
    loss.backward()
    np.testing.assert_allclose(loss.item(), (2000.0 + 0.0) / 2, rtol=1e-6)
    assert np.isfinite(x.grad.numpy()).all()


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy_matches_numpy(reduction):
    p = rng.uniform(0.01, 0.99, 8)
    y = rng.uniform(0, 1, 8)
    pt = tl.tensor(p, requires_grad=True)
    out = F.binary_cross_entropy(pt, tl.tensor(y), reduction=reduction)
    per = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    np.testing.assert_allclose(out.numpy(), _reduce(per, reduction), rtol=1e-12)
    out.sum().backward()
    grad = (p - y) / (p * (1 - p)) / (8 if reduction == "mean" else 1)
    np.testing.assert_allclose(pt.grad.numpy(), grad, rtol=1e-10)


def test_binary_cross_entropy_clamps_log_at_minus_100_and_keeps_gradient_finite():
    p = tl.tensor([0.0, 1.0, 0.0, 1.0], requires_grad=True)
    y = tl.tensor([1.0, 0.0, 0.0, 1.0])
    out = F.binary_cross_entropy(p, y, reduction="none")
    np.testing.assert_allclose(out.numpy(), [100.0, 100.0, 0.0, 0.0])
    out.sum().backward()
    g = p.grad.numpy()
    assert np.isfinite(g).all()
    np.testing.assert_allclose(g, [-1e12, 1e12, 0.0, 0.0])  # (x - y) / max(x(1-x), 1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_with_logits_matches_numpy_and_is_exact_at_zero(reduction):
    x = np.array([-800.0, -3.0, 0.0, 0.0, 2.5, 800.0])
    y = np.array([1.0, 0.0, 1.0, 0.0, 0.3, 0.0])
    xt = tl.tensor(x, requires_grad=True)
    out = F.binary_cross_entropy_with_logits(xt, tl.tensor(y), reduction=reduction)
    per = np.maximum(x, 0) - x * y + np.log1p(np.exp(-np.abs(x)))
    np.testing.assert_allclose(out.numpy(), _reduce(per, reduction), rtol=1e-12)
    out.sum().backward()
    sig = 0.5 * (1 + np.tanh(x / 2))
    grad = (sig - y) / (x.size if reduction == "mean" else 1)
    np.testing.assert_allclose(xt.grad.numpy(), grad, rtol=1e-12, atol=1e-300)


def test_bce_with_logits_pos_weight_matches_numpy():
    x, y = rng.standard_normal((4, 3)), rng.integers(0, 2, (4, 3)).astype(float)
    pw = np.array([1.0, 2.0, 0.5])
    out = F.binary_cross_entropy_with_logits(tl.tensor(x), tl.tensor(y), pos_weight=tl.tensor(pw))
    log_sig = -np.log1p(np.exp(-x))
    per = -(pw * y * log_sig + (1 - y) * np.log1p(-np.exp(log_sig)))
    np.testing.assert_allclose(out.item(), per.mean(), rtol=1e-10)


@given(
    n=st.integers(1, 6),
    c=st.integers(1, 5),
    extra=st.lists(st.integers(1, 3), max_size=2),
    reduction=st.sampled_from(REDUCTIONS),
)
@settings(max_examples=25, deadline=None)
def test_nll_loss_any_shape_matches_numpy(n, c, extra, reduction):
    r = np.random.default_rng(n * 100 + c)
    x = r.standard_normal((n, c, *extra))
    t = r.integers(0, c, (n, *extra))
    out = F.nll_loss(tl.tensor(x), tl.tensor(t), reduction=reduction)
    picked = np.take_along_axis(x, t[:, None], axis=1)[:, 0]
    np.testing.assert_allclose(out.numpy(), _reduce(-picked, reduction), rtol=1e-12)


# ------------------------------------------------------------------ PyTorch comparisons
def _compare(torch, name, arrays, kwargs=None, grads=(0,), tkwargs=None, rtol=1e-7, atol=1e-10):
    """Run F.<name> here and in PyTorch on the same float64 data; compare the output and the
    gradients of the inputs listed in ``grads`` (with a random upstream gradient)."""
    kwargs = kwargs or {}
    tkwargs = kwargs if tkwargs is None else tkwargs
    ours = [tl.tensor(a, requires_grad=i in grads) for i, a in enumerate(arrays)]
    theirs = [torch.tensor(a, requires_grad=i in grads) for i, a in enumerate(arrays)]
    out = getattr(F, name)(*ours, **kwargs)
    ref = getattr(torch.nn.functional, name)(*theirs, **_torchify(torch, tkwargs))
    np.testing.assert_allclose(out.numpy(), ref.detach().numpy(), rtol=rtol, atol=atol)
    upstream = rng.standard_normal(ref.shape)
    out.backward(tl.tensor(upstream))
    ref.backward(torch.tensor(upstream))
    for i in grads:
        np.testing.assert_allclose(
            ours[i].grad.numpy(), theirs[i].grad.numpy(), rtol=rtol, atol=atol, err_msg=f"grad {i}"
        )
    return out


def _torchify(torch, kwargs):
    return {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}


def _ours(kwargs):
    return {k: tl.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}


X43, Y43 = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
W43 = rng.uniform(0.1, 2.0, (4, 3))

POINTWISE_CASES = [
    ("mse_loss", {}),
    ("mse_loss", {"weight": W43}),
    ("l1_loss", {}),
    ("l1_loss", {"weight": W43}),
    ("huber_loss", {}),
    ("huber_loss", {"delta": 0.4}),
    ("huber_loss", {"delta": 0.4, "weight": W43}),
    ("smooth_l1_loss", {"beta": 0.5}),
    ("smooth_l1_loss", {"beta": 0.0}),
]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name,kwargs", POINTWISE_CASES)
def test_pointwise_losses_match_torch(torch, name, kwargs, reduction):
    _compare(
        torch, name, [X43 * 2, Y43], {**_ours(kwargs), "reduction": reduction},
        grads=(0, 1), tkwargs={**kwargs, "reduction": reduction},
    )  # fmt: skip


LOGITS = rng.standard_normal((6, 4)) * 3
TARGET = np.array([0, 3, 2, 2, 1, 3])
TARGET_IGN = np.array([0, -100, 2, 2, -100, 3])
CLASS_W = np.array([0.5, 1.0, 2.0, 0.25])
PROBS = rng.dirichlet(np.ones(4), size=6)
LOGITS_ND = rng.standard_normal((3, 4, 2, 5))
TARGET_ND = rng.integers(0, 4, (3, 2, 5))

CE_CASES = [
    ("indices", LOGITS, TARGET, {}),
    ("weight", LOGITS, TARGET, {"weight": CLASS_W}),
    ("ignore_index", LOGITS, TARGET_IGN, {}),
    ("ignore_index=3", LOGITS, TARGET, {"ignore_index": 3}),
    ("weight+ignore", LOGITS, TARGET_IGN, {"weight": CLASS_W}),
    ("smoothing", LOGITS, TARGET, {"label_smoothing": 0.1}),
    ("smoothing+weight+ignore", LOGITS, TARGET_IGN, {"weight": CLASS_W, "label_smoothing": 0.2}),
    ("probabilities", LOGITS, PROBS, {}),
    ("probabilities+weight", LOGITS, PROBS, {"weight": CLASS_W}),
    ("probabilities+smoothing", LOGITS, PROBS, {"label_smoothing": 0.3, "weight": CLASS_W}),
    ("nd", LOGITS_ND, TARGET_ND, {}),
    ("nd+weight+smoothing", LOGITS_ND, TARGET_ND, {"weight": CLASS_W, "label_smoothing": 0.1}),
    ("nd probabilities", LOGITS_ND, rng.dirichlet(np.ones(4), (3, 2, 5)).transpose(0, 3, 1, 2), {}),
    ("unbatched", LOGITS[0], np.array(2), {}),
    ("unbatched probabilities", LOGITS[0], PROBS[0], {"weight": CLASS_W}),
]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("case,x,t,kwargs", CE_CASES, ids=[c[0] for c in CE_CASES])
def test_cross_entropy_matches_torch(torch, case, x, t, kwargs, reduction):
    _compare(
        torch, "cross_entropy", [x, t], {**_ours(kwargs), "reduction": reduction},
        tkwargs={**kwargs, "reduction": reduction},
    )  # fmt: skip


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(
    "case,x,t,kwargs", CE_CASES[:5] + CE_CASES[10:11], ids=lambda c: str(c)[:20]
)
def test_nll_loss_matches_torch(torch, case, x, t, kwargs, reduction):
    logp = x - np.log(np.exp(x).sum(axis=1 if x.ndim > 1 else 0, keepdims=True))
    _compare(
        torch, "nll_loss", [logp, t], {**_ours(kwargs), "reduction": reduction},
        tkwargs={**kwargs, "reduction": reduction},
    )  # fmt: skip


def test_cross_entropy_all_ignored_mean_is_nan_like_torch(torch):
    x, t = LOGITS[:2], np.array([-100, -100])
    ours = F.cross_entropy(tl.tensor(x), tl.tensor(t)).item()
    ref = torch.nn.functional.cross_entropy(torch.tensor(x), torch.tensor(t)).item()
    assert np.isnan(ours) and np.isnan(ref)


@pytest.mark.parametrize("weight", [None, CLASS_W])
def test_all_ignored_mean_gives_nan_loss_and_zero_gradient(weight):
    x = tl.tensor(LOGITS[:3], requires_grad=True)
    w = None if weight is None else tl.tensor(weight)
    loss = F.cross_entropy(x, tl.tensor([-100, -100, -100]), weight=w)
    loss.backward()
    assert np.isnan(loss.item())
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros((3, 4)))  # as PyTorch: not nan


def test_nll_loss_is_one_node_named_as_in_pytorch():
    x = tl.tensor(LOGITS, requires_grad=True)
    for reduction in REDUCTIONS:
        loss = F.nll_loss(x, tl.tensor(TARGET), reduction=reduction)
        assert loss.grad_fn.name() == "NllLossBackward0"
        assert loss.grad_fn.next_functions[0] == (x, 0)


def test_nll_loss_target_checks_on_both_paths():
    x = tl.tensor(LOGITS)
    with pytest.raises(IndexError, match="Target 4 is out of bounds"):
        F.nll_loss(x, tl.tensor([0, 1, 4, 0, 0, 0]))
    with pytest.raises(IndexError, match="Target -1 is out of bounds"):
        F.nll_loss(x, tl.tensor([0, 1, -1, 0, 0, 0]))
    # an ignore_index that is a class: those items count for nothing
    kept = F.nll_loss(x, tl.tensor(TARGET), ignore_index=2, reduction="sum").item()
    picked = LOGITS[np.arange(6), TARGET]
    np.testing.assert_allclose(kept, -picked[TARGET != 2].sum(), rtol=1e-12)


P = rng.uniform(0.02, 0.98, (5, 3))
Q = rng.uniform(0, 1, (5, 3))
BCE_CASES = [
    ("plain", P, Q, {}),
    ("weight", P, Q, {"weight": rng.uniform(0.1, 2, (5, 3))}),
    ("weight broadcast", P, Q, {"weight": np.array([0.5, 1.0, 2.0])}),
    ("saturated", np.array([0.0, 1.0, 0.0, 1.0, 0.5]), np.array([1.0, 0.0, 0.0, 1.0, 1.0]), {}),
]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("case,x,t,kwargs", BCE_CASES, ids=[c[0] for c in BCE_CASES])
def test_binary_cross_entropy_matches_torch(torch, case, x, t, kwargs, reduction):
    # At x = 0 or 1 PyTorch's *target* gradient is ±inf (unclamped logs); ours is the exact
    # derivative of the clamped forward (finite), so target grads are compared elsewhere only.
    grads = (0,) if case == "saturated" else (0, 1)
    _compare(
        torch, "binary_cross_entropy", [x, t], {**_ours(kwargs), "reduction": reduction},
        grads=grads, tkwargs={**kwargs, "reduction": reduction}, rtol=1e-6,
    )  # fmt: skip


def test_binary_cross_entropy_target_gradient_is_difference_of_clamped_logs():
    p = tl.tensor([0.0, 0.25, 1.0])
    y = tl.tensor([0.5, 0.5, 0.5], requires_grad=True)
    F.binary_cross_entropy(p, y, reduction="sum").backward()
    np.testing.assert_allclose(y.grad.numpy(), [0 + 100, np.log(0.75 / 0.25), -100 - 0], rtol=1e-6)


Z = np.concatenate([rng.standard_normal(12) * 4, [0.0, 0.0, 60.0, -60.0]]).reshape(4, 4)
YZ = rng.integers(0, 2, (4, 4)).astype(float)
BCEL_CASES = [
    ("plain", {}),
    ("weight", {"weight": rng.uniform(0.1, 2, (4, 4))}),
    ("pos_weight", {"pos_weight": np.array([1.0, 3.0, 0.5, 2.0])}),
    ("both", {"pos_weight": np.array([1.0, 3.0, 0.5, 2.0]), "weight": np.array([2.0, 1, 1, 1])}),
]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("case,kwargs", BCEL_CASES, ids=[c[0] for c in BCEL_CASES])
def test_bce_with_logits_matches_torch(torch, case, kwargs, reduction):
    _compare(
        torch, "binary_cross_entropy_with_logits", [Z, YZ],
        {**_ours(kwargs), "reduction": reduction}, grads=(0, 1),
        tkwargs={**kwargs, "reduction": reduction},
    )  # fmt: skip


def test_legacy_size_average_and_reduce_match_torch(torch):
    for size_average, reduce in [(False, None), (None, False), (True, True), (False, True)]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = torch.nn.functional.mse_loss(
                torch.tensor(X43), torch.tensor(Y43), size_average=size_average, reduce=reduce
            )
        out = F.mse_loss(tl.tensor(X43), tl.tensor(Y43), size_average=size_average, reduce=reduce)
        np.testing.assert_allclose(out.numpy(), ref.numpy(), rtol=1e-12)


ACTIVATIONS = [
    ("relu", {}),
    ("leaky_relu", {"negative_slope": 0.2}),
    ("gelu", {}),
    ("gelu", {"approximate": "tanh"}),
    ("silu", {}),
    ("softplus", {}),
    ("softplus", {"beta": 2.0, "threshold": 5.0}),
    ("sigmoid", {}),
    ("tanh", {}),
    ("logsigmoid", {}),
    ("softmax", {"dim": 1}),
    ("softmax", {"dim": 0}),
    ("log_softmax", {"dim": 1}),
    ("log_softmax", {"dim": -1}),
    ("normalize", {}),
    ("normalize", {"p": 1.0, "dim": 0}),
]
ACT_X = np.concatenate([rng.standard_normal(20) * 3, [0.0, 0.0, 30.0, -30.0]]).reshape(4, 6)


@pytest.mark.parametrize("name,kwargs", ACTIVATIONS, ids=[f"{n}{k}" for n, k in ACTIVATIONS])
def test_activations_match_torch_including_gradient_at_zero(torch, name, kwargs):
    _compare(torch, name, [ACT_X], kwargs, rtol=1e-7, atol=1e-12)


def test_softplus_gradient_at_zero_is_one_half():
    x = tl.zeros(3, requires_grad=True)
    F.softplus(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 0.5)


def test_linear_matches_numpy_and_torch(torch):
    x, w, b = rng.standard_normal((5, 3)), rng.standard_normal((2, 3)), rng.standard_normal(2)
    out = F.linear(tl.tensor(x), tl.tensor(w), tl.tensor(b))
    np.testing.assert_allclose(out.numpy(), x @ w.T + b, rtol=1e-12)
    _compare(torch, "linear", [x, w, b], grads=(0, 1, 2))
    _compare(torch, "linear", [rng.standard_normal((2, 4, 3)), w], grads=(0, 1))


def test_linear_shape_error_names_both_shapes():
    with pytest.raises(
        RuntimeError, match=r"linear: input of shape \(5, 4\).*weight of shape \(2, 3\)"
    ):
        F.linear(tl.zeros(5, 4), tl.zeros(2, 3))


def test_one_hot_matches_torch(torch):
    idx = np.array([[0, 2], [1, 3]])
    for n in (-1, 5):
        ours = F.one_hot(tl.tensor(idx), n)
        ref = torch.nn.functional.one_hot(torch.tensor(idx), n)
        np.testing.assert_array_equal(ours.numpy(), ref.numpy())
        assert ours.dtype == tl.int64
    with pytest.raises(RuntimeError, match="smaller than num_classes"):
        F.one_hot(tl.tensor([0, 4]), 3)
    with pytest.raises(RuntimeError, match="non-negative"):
        F.one_hot(tl.tensor([-1, 2]))


@pytest.mark.parametrize("pad", [(1, 2), (0, 1, 2, 0), (-1, 1), (1, 1, -1, 0), (0, 0, 0, 0, 1, 1)])
def test_pad_matches_torch(torch, pad):
    x = rng.standard_normal((2, 3, 4))
    _compare(torch, "pad", [x], {"pad": pad, "value": 1.5})


def test_pad_matches_numpy():
    x = np.arange(6.0).reshape(2, 3)
    out = F.pad(tl.tensor(x), (1, 0, 0, 2))
    np.testing.assert_array_equal(out.numpy(), np.pad(x, ((0, 2), (1, 0))))


def test_normalize_zero_rows_give_zero_and_finite_gradient():
    x = tl.tensor([[0.0, 0.0], [3.0, 4.0]], requires_grad=True)
    out = F.normalize(x)
    np.testing.assert_allclose(out.numpy(), [[0, 0], [0.6, 0.8]])
    out.sum().backward()
    assert np.isfinite(x.grad.numpy()).all()


# ------------------------------------------------------------------ dropout
def test_dropout_statistics_and_scaling():
    tl.manual_seed(0)
    x = tl.ones(200, 500)
    out = F.dropout(x, p=0.3).numpy()
    kept = out != 0
    assert abs(kept.mean() - 0.7) < 0.01  # 100,000 draws: std of the mean ~0.0015
    np.testing.assert_allclose(out[kept], 1 / 0.7, rtol=1e-6)
    assert abs(out.mean() - 1.0) < 0.02


def test_dropout_gradient_uses_the_same_mask():
    tl.manual_seed(1)
    x = tl.ones(50, 40, requires_grad=True)
    out = F.dropout(x, p=0.5)
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), out.numpy())


def test_dropout_is_reproducible_with_manual_seed_and_identity_in_eval():
    x = tl.randn(30, 30)
    tl.manual_seed(7)
    a = F.dropout(x, 0.4).numpy().copy()
    tl.manual_seed(7)
    b = F.dropout(x, 0.4).numpy()
    np.testing.assert_array_equal(a, b)
    assert F.dropout(x, 0.4, training=False) is x
    np.testing.assert_array_equal(F.dropout(x, 1.0).numpy(), 0)


@pytest.mark.parametrize("p", [-0.1, 1.5])
def test_dropout_rejects_bad_p(p):
    with pytest.raises(ValueError, match="between 0 and 1"):
        F.dropout(tl.ones(3), p)


# ------------------------------------------------------------------ errors
def test_reduction_must_be_valid():
    with pytest.raises(ValueError, match="'avg' is not a valid value for reduction"):
        F.mse_loss(tl.zeros(3), tl.zeros(3), reduction="avg")


def test_mse_loss_warns_on_broadcast_and_errors_on_incompatible_shapes():
    with pytest.warns(UserWarning, match=r"target size \(3,\).*input size \(3, 1\)"):
        F.mse_loss(tl.zeros(3, 1), tl.zeros(3))
    with pytest.raises(
        RuntimeError, match=r"mse_loss: input of shape \(3,\) and target of shape \(4,\)"
    ):
        F.mse_loss(tl.zeros(3), tl.zeros(4))


def test_bce_errors_name_shapes_and_range():
    with pytest.raises(ValueError, match=r"binary_cross_entropy.*\(3,\).*\(3, 1\)"):
        F.binary_cross_entropy(tl.full((3, 1), 0.5), tl.zeros(3))
    with pytest.raises(RuntimeError, match="between 0 and 1"):
        F.binary_cross_entropy(tl.tensor([1.5]), tl.tensor([1.0]))
    with pytest.raises(ValueError, match=r"with_logits: Target size \(3,\).*input size \(3, 1\)"):
        F.binary_cross_entropy_with_logits(tl.zeros(3, 1), tl.zeros(3))


def test_cross_entropy_target_errors():
    x = tl.zeros(4, 3)
    with pytest.raises(
        ValueError, match=r"expected target of shape \(4,\).*got target shape \(5,\)"
    ):
        F.cross_entropy(x, tl.tensor([0, 1, 2, 0, 1]))
    with pytest.raises(IndexError, match="Target 3 is out of bounds"):
        F.cross_entropy(x, tl.tensor([0, 1, 3, 0]))
    with pytest.raises(RuntimeError, match="class indices.*class probabilities"):
        F.cross_entropy(x, tl.tensor([0.0, 1.0, 2.0, 0.0]))
    with pytest.raises(RuntimeError, match="weight tensor should be defined"):
        F.cross_entropy(x, tl.tensor([0, 1, 2, 0]), weight=tl.ones(4))
    with pytest.raises(RuntimeError, match="ignore_index is not supported for floating point"):
        F.cross_entropy(x, tl.full((4, 3), 1 / 3), ignore_index=1)
    with pytest.raises(ValueError, match="label_smoothing"):
        F.cross_entropy(x, tl.tensor([0, 1, 2, 0]), label_smoothing=1.5)
