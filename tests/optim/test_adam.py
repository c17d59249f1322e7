"""Adam and AdamW: 20-step trajectories against NumPy transcriptions of PyTorch's documented
algorithms and against PyTorch; state contents; argument checking."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_lite as tg
from tinygrad_lite.optim import Adam, AdamW

SETTINGS = [
    dict(lr=0.05),
    dict(lr=0.05, betas=(0.8, 0.99), eps=1e-6),
    dict(lr=0.05, weight_decay=0.1),
    dict(lr=0.05, amsgrad=True),
    dict(lr=0.05, maximize=True),
    dict(lr=0.1, weight_decay=0.05, amsgrad=True, maximize=True),
]


def adam_reference(opts, decoupled):
    lr, (b1, b2) = opts["lr"], opts.get("betas", (0.9, 0.999))
    eps, amsgrad = opts.get("eps", 1e-8), opts.get("amsgrad", False)
    wd = opts.get("weight_decay", 1e-2 if decoupled else 0)
    maximize = opts.get("maximize", False)

    def update(p, g, st, _):
        if not st:
            st.update(t=0, m=np.zeros_like(p), v=np.zeros_like(p), vmax=np.zeros_like(p))
        g = -g if maximize else g
        if decoupled:
            p = p * (1 - lr * wd)
        else:
            g = g + wd * p
        st["t"] += 1
        t = st["t"]
        st["m"] = b1 * st["m"] + (1 - b1) * g
        st["v"] = b2 * st["v"] + (1 - b2) * g * g
        v = st["v"]
        if amsgrad:
            st["vmax"] = np.maximum(st["vmax"], st["v"])
            v = st["vmax"]
        m_hat_scale = lr / (1 - b1**t)
        denom = np.sqrt(v) / math.sqrt(1 - b2**t) + eps
        return p - m_hat_scale * st["m"] / denom

    return update


def _id(o):
    return ",".join(f"{k}={v}" for k, v in o.items())


@pytest.mark.parametrize("cls, decoupled", [(Adam, False), (AdamW, True)], ids=["Adam", "AdamW"])
@pytest.mark.parametrize("opts", SETTINGS, ids=_id)
def test_matches_numpy_reference(problem, cls, decoupled, opts):
    sign = -1.0 if opts.get("maximize") else 1.0
    got = problem.run_ours(cls, opts, sign=sign)
    want = problem.run_numpy(adam_reference(opts, decoupled), sign=sign)
    problem.assert_same(got, want)


@pytest.mark.parametrize("name", ["Adam", "AdamW"])
@pytest.mark.parametrize("opts", SETTINGS, ids=_id)
def test_matches_pytorch(problem, name, opts):
    torch = pytest.importorskip("torch")
    sign = -1.0 if opts.get("maximize") else 1.0
    got = problem.run_ours(getattr(tg.optim, name), opts, sign=sign)
    want = problem.run_torch(torch, getattr(torch.optim, name), opts, sign=sign)
    problem.assert_same(got, want)


def test_float32_matches_pytorch(problem32):
    torch = pytest.importorskip("torch")
    opts = dict(lr=0.05, amsgrad=True)
    got = problem32.run_ours(Adam, opts)
    want = problem32.run_torch(torch, torch.optim.Adam, opts)
    problem32.assert_same(got, want, rtol=1e-5, atol=1e-6)


def test_param_groups_match_pytorch(problem):
    torch = pytest.importorskip("torch")
    groups = [{"lr": 0.01, "betas": (0.5, 0.9)}, {"weight_decay": 0.3}]
    got = problem.run_ours(AdamW, dict(lr=0.1), group_opts=groups)
    want = problem.run_torch(torch, torch.optim.AdamW, dict(lr=0.1), group_opts=groups)
    problem.assert_same(got, want)


def test_defaults_and_state():
    p = tg.nn.Parameter(tg.tensor([1.0, 2.0]))
    assert AdamW([p]).param_groups[0]["weight_decay"] == 1e-2
    opt = Adam([p], amsgrad=True)
    g = opt.param_groups[0]
    assert (g["lr"], g["betas"], g["eps"], g["weight_decay"]) == (1e-3, (0.9, 0.999), 1e-8, 0)
    (p * p).sum().backward()
    opt.step()
    opt.step()
    st = opt.state[p]
    assert set(st) == {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"}
    assert st["step"].item() == 2.0
    # after two steps with the same gradient g: m = (1 - 0.9**2) g, v = (1 - 0.999**2) g**2
    np.testing.assert_allclose(st["exp_avg"].numpy(), 0.19 * np.array([2.0, 4.0]), rtol=1e-5)
    np.testing.assert_allclose(
        st["exp_avg_sq"].numpy(), (1 - 0.999**2) * np.array([4.0, 16.0]), rtol=1e-5
    )


def test_first_step_moves_by_lr():
    # Adam's first step is lr * g / (|g| + eps') = lr * sign(g) whatever the gradient's scale.
    p = tg.nn.Parameter(tg.tensor([3.0, -1000.0], dtype=tg.float64))
    opt = Adam([p], lr=0.01)
    p.grad = tg.tensor([0.5, -2000.0], dtype=tg.float64)
    opt.step()
    np.testing.assert_allclose(p.numpy(), [2.99, -999.99], rtol=1e-9)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(lr=-1), "Invalid learning rate: -1"),
        (dict(eps=-1e-8), "Invalid epsilon value"),
        (dict(betas=(1.0, 0.999)), "Invalid beta parameter at index 0: 1.0"),
        (dict(betas=(0.9, -0.1)), "Invalid beta parameter at index 1: -0.1"),
        (dict(weight_decay=-1), "Invalid weight_decay value: -1"),
    ],
)
@pytest.mark.parametrize("cls", [Adam, AdamW])
def test_invalid_arguments(cls, kwargs, message):
    p = tg.nn.Parameter(tg.tensor([1.0]))
    with pytest.raises(ValueError, match=message):
        cls([p], **kwargs)


@settings(max_examples=40, deadline=None)
@given(
    shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=4),
    lr=st.floats(1e-4, 0.5),
    b1=st.sampled_from([0.0, 0.5, 0.9]),
    b2=st.sampled_from([0.9, 0.999]),
    weight_decay=st.sampled_from([0.0, 0.1]),
    amsgrad=st.booleans(),
    decoupled=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_any_shape_and_setting_matches_reference(
    shape, lr, b1, b2, weight_decay, amsgrad, decoupled, seed
):
    opts = dict(lr=lr, betas=(b1, b2), weight_decay=weight_decay, amsgrad=amsgrad)
    rng = np.random.default_rng(seed)
    p0 = rng.normal(size=shape)
    grads = [rng.normal(size=shape) for _ in range(4)]
    p = tg.nn.Parameter(tg.tensor(p0.copy()))
    opt = (AdamW if decoupled else Adam)([p], **opts)
    update, ref, state = adam_reference(opts, decoupled), p0.copy(), {}
    for g in grads:
        p.grad = tg.tensor(g)
        opt.step()
        ref = update(ref, g, state, None)
    np.testing.assert_allclose(p.numpy(), ref, rtol=1e-10, atol=1e-12)
