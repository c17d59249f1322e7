"""SGD: 20-step trajectories against a NumPy transcription of PyTorch's documented algorithm
and against PyTorch itself; argument checking."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_lite as tg
from tinygrad_lite.optim import SGD

SETTINGS = [
    dict(lr=0.05),
    dict(lr=0.05, momentum=0.9),
    dict(lr=0.05, momentum=0.9, dampening=0.3),
    dict(lr=0.05, momentum=0.9, nesterov=True),
    dict(lr=0.05, weight_decay=0.1),
    dict(lr=0.02, momentum=0.5, weight_decay=0.2, nesterov=True),
    dict(lr=0.05, momentum=0.8, maximize=True),
]


def sgd_reference(opts):
    lr, mom = opts["lr"], opts.get("momentum", 0)
    damp, wd = opts.get("dampening", 0), opts.get("weight_decay", 0)
    nesterov, maximize = opts.get("nesterov", False), opts.get("maximize", False)

    def update(p, g, state, _):
        g = -g if maximize else g
        g = g + wd * p
        if mom:
            if "buf" not in state:
                state["buf"] = g.copy()
            else:
                state["buf"] = mom * state["buf"] + (1 - damp) * g
            g = g + mom * state["buf"] if nesterov else state["buf"]
        return p - lr * g

    return update


@pytest.mark.parametrize("opts", SETTINGS, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()))
def test_sgd_matches_numpy_reference(problem, opts):
    sign = -1.0 if opts.get("maximize") else 1.0
    got = problem.run_ours(SGD, opts, sign=sign)
    want = problem.run_numpy(sgd_reference(opts), sign=sign)
    problem.assert_same(got, want)


@pytest.mark.parametrize("opts", SETTINGS, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()))
def test_sgd_matches_pytorch(problem, opts):
    torch = pytest.importorskip("torch")
    sign = -1.0 if opts.get("maximize") else 1.0
    got = problem.run_ours(SGD, opts, sign=sign)
    want = problem.run_torch(torch, torch.optim.SGD, opts, sign=sign)
    problem.assert_same(got, want)


def test_sgd_float32_matches_pytorch(problem32):
    torch = pytest.importorskip("torch")
    opts = dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)
    got = problem32.run_ours(SGD, opts)
    want = problem32.run_torch(torch, torch.optim.SGD, opts)
    assert got[-1][0].dtype == np.float32
    problem32.assert_same(got, want, rtol=1e-5, atol=1e-6)


def test_param_groups_with_own_lr(problem):
    groups = [{"lr": 0.01, "momentum": 0.9}, {}]
    got = problem.run_ours(SGD, dict(lr=0.1), group_opts=groups)

    def update(p, g, state, opts):
        lr, mom = opts.get("lr", 0.1), opts.get("momentum", 0)
        if mom:
            state["buf"] = g.copy() if "buf" not in state else mom * state["buf"] + g
            g = state["buf"]
        return p - lr * g

    want = problem.run_numpy(update, per_param_opts=groups)
    problem.assert_same(got, want)


def test_param_groups_match_pytorch(problem):
    torch = pytest.importorskip("torch")
    groups = [{"lr": 0.01, "momentum": 0.9}, {"weight_decay": 0.5}]
    got = problem.run_ours(SGD, dict(lr=0.1), group_opts=groups)
    want = problem.run_torch(torch, torch.optim.SGD, dict(lr=0.1), group_opts=groups)
    problem.assert_same(got, want)


def test_default_lr_is_pytorchs():
    p = tg.nn.Parameter(tg.tensor([1.0]))
    assert SGD([p]).param_groups[0]["lr"] == 1e-3


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(lr=-1), "Invalid learning rate: -1"),
        (dict(lr=0.1, momentum=-0.5), "Invalid momentum value: -0.5"),
        (dict(lr=0.1, weight_decay=-1e-3), "Invalid weight_decay value: -0.001"),
        (dict(lr=0.1, nesterov=True), "Nesterov momentum requires a momentum and zero dampening"),
        (dict(lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), "zero dampening"),
    ],
)
def test_invalid_arguments(kwargs, message):
    p = tg.nn.Parameter(tg.tensor([1.0]))
    with pytest.raises(ValueError, match=message):
        SGD([p], **kwargs)


def test_no_momentum_keeps_no_state():
    p = tg.nn.Parameter(tg.tensor([1.0, 2.0]))
    opt = SGD([p], lr=0.1)
    (p * p).sum().backward()
    opt.step()
    assert opt.state_dict()["state"] == {}
    np.testing.assert_allclose(p.numpy(), [0.8, 1.6], rtol=1e-6)


def test_first_momentum_buffer_is_the_gradient():
    p = tg.nn.Parameter(tg.tensor([1.0, -2.0], dtype=tg.float64))
    opt = SGD([p], lr=0.1, momentum=0.9, dampening=0.5)
    (p * p).sum().backward()
    opt.step()
    np.testing.assert_array_equal(opt.state[p]["momentum_buffer"].numpy(), [2.0, -4.0])
    p.grad = tg.tensor([1.0, 1.0], dtype=tg.float64)
    opt.step()  # buf = 0.9 * buf + 0.5 * grad
    np.testing.assert_allclose(opt.state[p]["momentum_buffer"].numpy(), [2.3, -3.1])


@settings(max_examples=40, deadline=None)
@given(
    shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=4),
    lr=st.floats(1e-4, 1.0),
    momentum=st.sampled_from([0.0, 0.5, 0.9]),
    dampening=st.sampled_from([0.0, 0.2]),
    weight_decay=st.sampled_from([0.0, 1e-2]),
    nesterov=st.booleans(),
    maximize=st.booleans(),
    dtype=st.sampled_from([np.float32, np.float64]),
    seed=st.integers(0, 2**16),
)
def test_any_shape_and_setting_matches_reference(
    shape, lr, momentum, dampening, weight_decay, nesterov, maximize, dtype, seed
):
    if nesterov and (momentum == 0 or dampening != 0):
        return
    opts = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                nesterov=nesterov, maximize=maximize)  # fmt: skip
    rng = np.random.default_rng(seed)
    p0 = rng.normal(size=shape).astype(dtype)
    grads = [rng.normal(size=shape).astype(dtype) for _ in range(4)]
    p = tg.nn.Parameter(tg.tensor(p0.copy()))
    opt = SGD([p], **opts)
    update, ref, state = sgd_reference(opts), p0.astype(np.float64), {}
    for g in grads:
        p.grad = tg.tensor(g)
        opt.step()
        ref = update(ref, g.astype(np.float64), state, None)
    assert p.numpy().dtype == dtype and p.shape == shape
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(p.numpy(), ref, rtol=tol, atol=tol)
