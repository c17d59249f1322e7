"""RMSprop: 20-step trajectories against a NumPy transcription of PyTorch's documented
algorithm and against PyTorch; argument checking."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_lite as tg
from tinygrad_lite.optim import RMSprop

SETTINGS = [
    dict(lr=0.01),
    dict(lr=0.01, alpha=0.9, eps=1e-6),
    dict(lr=0.01, momentum=0.9),
    dict(lr=0.01, centered=True),
    dict(lr=0.01, centered=True, momentum=0.5, weight_decay=0.1),
    dict(lr=0.01, weight_decay=0.2, maximize=True),
]


def rmsprop_reference(opts):
    lr, alpha, eps = opts["lr"], opts.get("alpha", 0.99), opts.get("eps", 1e-8)
    wd, mom = opts.get("weight_decay", 0), opts.get("momentum", 0)
    centered, maximize = opts.get("centered", False), opts.get("maximize", False)

    def update(p, g, st, _):
        if not st:
            st.update(v=np.zeros_like(p), m=np.zeros_like(p), buf=np.zeros_like(p))
        g = -g if maximize else g
        g = g + wd * p
        st["v"] = alpha * st["v"] + (1 - alpha) * g * g
        if centered:
            st["m"] = alpha * st["m"] + (1 - alpha) * g
            denom = np.sqrt(st["v"] - st["m"] ** 2) + eps
        else:
            denom = np.sqrt(st["v"]) + eps
        if mom > 0:
            st["buf"] = mom * st["buf"] + g / denom
            return p - lr * st["buf"]
        return p - lr * g / denom

    return update


def _id(o):
    return ",".join(f"{k}={v}" for k, v in o.items())


@pytest.mark.parametrize("opts", SETTINGS, ids=_id)
def test_matches_numpy_reference(problem, opts):
    sign = -1.0 if opts.get("maximize") else 1.0
    got = problem.run_ours(RMSprop, opts, sign=sign)
    want = problem.run_numpy(rmsprop_reference(opts), sign=sign)
    problem.assert_same(got, want)


@pytest.mark.parametrize("opts", SETTINGS, ids=_id)
def test_matches_pytorch(problem, opts):
    torch = pytest.importorskip("torch")
    sign = -1.0 if opts.get("maximize") else 1.0
    got = problem.run_ours(RMSprop, opts, sign=sign)
    want = problem.run_torch(torch, torch.optim.RMSprop, opts, sign=sign)
    problem.assert_same(got, want)


def test_param_groups_match_pytorch(problem):
    torch = pytest.importorskip("torch")
    groups = [{"lr": 0.001, "centered": True}, {"momentum": 0.9}]
    got = problem.run_ours(RMSprop, dict(lr=0.01), group_opts=groups)
    want = problem.run_torch(torch, torch.optim.RMSprop, dict(lr=0.01), group_opts=groups)
    problem.assert_same(got, want)


def test_state_keys():
    p = tg.nn.Parameter(tg.tensor([1.0, 2.0]))
    opt = RMSprop([p], momentum=0.9, centered=True)
    assert opt.param_groups[0]["lr"] == 1e-2 and opt.param_groups[0]["alpha"] == 0.99
    (p * p).sum().backward()
    opt.step()
    assert set(opt.state[p]) == {"step", "square_avg", "momentum_buffer", "grad_avg"}


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(lr=-1), "Invalid learning rate: -1"),
        (dict(eps=-1), "Invalid epsilon value: -1"),
        (dict(momentum=-1), "Invalid momentum value: -1"),
        (dict(weight_decay=-1), "Invalid weight_decay value: -1"),
        (dict(alpha=-1), "Invalid alpha value: -1"),
    ],
)
def test_invalid_arguments(kwargs, message):
    p = tg.nn.Parameter(tg.tensor([1.0]))
    with pytest.raises(ValueError, match=message):
        RMSprop([p], **kwargs)
