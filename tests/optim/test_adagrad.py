"""Adagrad: 20-step trajectories against a NumPy transcription of PyTorch's documented
algorithm and against PyTorch; eager state; argument checking."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_lite as tg
from tinygrad_lite.optim import Adagrad

SETTINGS = [
    dict(lr=0.1),
    dict(lr=0.1, lr_decay=0.05),
    dict(lr=0.1, weight_decay=0.1),
    dict(lr=0.1, initial_accumulator_value=0.5, eps=1e-6),
    dict(lr=0.1, lr_decay=0.01, maximize=True),
]


def adagrad_reference(opts):
    lr, decay = opts["lr"], opts.get("lr_decay", 0)
    wd, init = opts.get("weight_decay", 0), opts.get("initial_accumulator_value", 0)
    eps, maximize = opts.get("eps", 1e-10), opts.get("maximize", False)

    def update(p, g, st, _):
        if not st:
            st.update(t=0, s=np.full_like(p, init))
        g = -g if maximize else g
        g = g + wd * p
        st["t"] += 1
        clr = lr / (1 + (st["t"] - 1) * decay)
        st["s"] = st["s"] + g * g
        return p - clr * g / (np.sqrt(st["s"]) + eps)

    return update


def _id(o):
    return ",".join(f"{k}={v}" for k, v in o.items())


@pytest.mark.parametrize("opts", SETTINGS, ids=_id)
def test_matches_numpy_reference(problem, opts):
    sign = -1.0 if opts.get("maximize") else 1.0
    got = problem.run_ours(Adagrad, opts, sign=sign)
    want = problem.run_numpy(adagrad_reference(opts), sign=sign)
    problem.assert_same(got, want)


@pytest.mark.parametrize("opts", SETTINGS, ids=_id)
def test_matches_pytorch(problem, opts):
    torch = pytest.importorskip("torch")
    sign = -1.0 if opts.get("maximize") else 1.0
    got = problem.run_ours(Adagrad, opts, sign=sign)
    want = problem.run_torch(torch, torch.optim.Adagrad, opts, sign=sign)
    problem.assert_same(got, want)


def test_state_created_at_construction_and_for_added_groups():
    a = tg.nn.Parameter(tg.tensor([1.0, 2.0]))
    b = tg.nn.Parameter(tg.tensor([3.0]))
    opt = Adagrad([a], initial_accumulator_value=0.25)
    np.testing.assert_array_equal(opt.state[a]["sum"].numpy(), [0.25, 0.25])
    assert opt.state[a]["step"].item() == 0
    opt.add_param_group({"params": [b], "initial_accumulator_value": 2.0})
    np.testing.assert_array_equal(opt.state[b]["sum"].numpy(), [2.0])
    assert sorted(opt.state_dict()["state"]) == [0, 1]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(lr=-1), "Invalid learning rate: -1"),
        (dict(lr_decay=-1), "Invalid lr_decay value: -1"),
        (dict(weight_decay=-1), "Invalid weight_decay value: -1"),
        (dict(initial_accumulator_value=-1), "Invalid initial_accumulator_value value: -1"),
        (dict(eps=-1), "Invalid epsilon value: -1"),
    ],
)
def test_invalid_arguments(kwargs, message):
    p = tg.nn.Parameter(tg.tensor([1.0]))
    with pytest.raises(ValueError, match=message):
        Adagrad([p], **kwargs)
