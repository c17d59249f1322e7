"""Adadelta, Adamax, NAdam, RAdam, ASGD and LBFGS: 20-step trajectories against PyTorch
(float64), convergence and state without PyTorch, PyTorch's argument checks."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_lite as tg
from tinygrad_lite.optim import ASGD, LBFGS, Adadelta, Adamax, NAdam, RAdam

from .conftest import objective

SETTINGS = {
    "Adadelta": [{}, dict(lr=0.5, rho=0.8, eps=1e-5, weight_decay=0.1), dict(maximize=True)],
    "Adamax": [{}, dict(lr=0.05, weight_decay=0.1), dict(lr=0.02, betas=(0.8, 0.9), eps=1e-6),
               dict(maximize=True)],
    "NAdam": [{}, dict(lr=0.05, weight_decay=0.1), dict(momentum_decay=0.01, lr=0.05),
              dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True), dict(maximize=True)],
    "RAdam": [{}, dict(lr=0.05, weight_decay=0.1), dict(betas=(0.5, 0.6), lr=0.1),
              dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True), dict(maximize=True)],
    "ASGD": [{}, dict(lr=0.05, t0=5, weight_decay=0.1), dict(lr=0.05, lambd=0.1, alpha=0.5, t0=3),
             dict(maximize=True)],
}  # fmt: skip
CASES = [(name, kw) for name, kws in SETTINGS.items() for kw in kws]
LBFGS_CASES = [
    {},
    dict(lr=0.5, max_iter=5),
    dict(history_size=2, max_iter=7),
    dict(line_search_fn="strong_wolfe"),
    dict(line_search_fn="strong_wolfe", history_size=3, max_iter=4, tolerance_grad=1e-5),
]


def _id(case):
    name, kw = case if isinstance(case, tuple) else ("LBFGS", case)
    return name + "(" + ",".join(f"{k}={v}" for k, v in kw.items()) + ")"


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_twenty_steps_equal_torch(problem, case):
    torch = pytest.importorskip("torch")
    name, kw = case
    sign = -1.0 if kw.get("maximize") else 1.0
    ours = problem.run_ours(getattr(tg.optim, name), kw, sign=sign)
    theirs = problem.run_torch(torch, getattr(torch.optim, name), kw, sign=sign)
    problem.assert_same(ours, theirs, rtol=1e-12, atol=1e-14)


def _run_lbfgs(lib, problem, kw, steps=5):
    params = [lib.nn.Parameter(lib.tensor(a.copy())) for a in problem.init]
    A = [lib.tensor(a) for a in problem.A]
    c = [lib.tensor(a) for a in problem.c]
    opt = lib.optim.LBFGS(params, **kw)
    losses = []

    def closure():
        opt.zero_grad()
        loss = objective(params, A, c)
        loss.backward()
        return loss

    out = []
    for _ in range(steps):
        losses.append(float(opt.step(closure).detach()))
        out.append([p.detach().numpy().copy() for p in params])
    return out, losses, opt.state[params[0]]["func_evals"]


@pytest.mark.parametrize("kw", LBFGS_CASES, ids=_id)
def test_lbfgs_steps_equal_torch(problem, kw):
    torch = pytest.importorskip("torch")
    ours, our_losses, our_evals = _run_lbfgs(tg, problem, kw)
    theirs, their_losses, their_evals = _run_lbfgs(torch, problem, kw)
    problem.assert_same(ours, theirs, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(our_losses, their_losses, rtol=1e-12)
    assert our_evals == their_evals


@pytest.mark.parametrize("kw", LBFGS_CASES, ids=_id)
def test_lbfgs_minimises_without_torch(problem, kw):
    _, losses, _ = _run_lbfgs(tg, problem, dict(kw, max_iter=50), steps=3)
    _, final, _ = _run_lbfgs(tg, problem, dict(kw, max_iter=50), steps=4)
    assert final[-1] < 0.05 * losses[0]


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_each_optimizer_descends_and_keeps_pytorch_state_names(problem, case):
    name, kw = case
    if kw.get("maximize"):
        return
    cls = getattr(tg.optim, name)
    start = float(objective([tg.tensor(a) for a in problem.init],
                            [tg.tensor(a) for a in problem.A],
                            [tg.tensor(a) for a in problem.c]).item())  # fmt: skip
    traj = problem.run_ours(cls, dict(kw, lr=kw.get("lr", 1.0 if name == "Adadelta" else 0.05)),
                            steps=60)  # fmt: skip
    end = float(objective([tg.tensor(a) for a in traj[-1]],
                          [tg.tensor(a) for a in problem.A],
                          [tg.tensor(a) for a in problem.c]).item())  # fmt: skip
    assert end < start
    p = tg.nn.Parameter(tg.ones(3))
    opt = cls([p], **kw)
    (p * p).sum().backward()
    opt.step()
    keys = {
        "Adadelta": {"step", "square_avg", "acc_delta"},
        "Adamax": {"step", "exp_avg", "exp_inf"},
        "NAdam": {"step", "mu_product", "exp_avg", "exp_avg_sq"},
        "RAdam": {"step", "exp_avg", "exp_avg_sq"},
        "ASGD": {"step", "eta", "mu", "ax"},
    }[name]
    assert set(opt.state[p]) == keys
    assert opt.state[p]["step"].item() == 1.0


def test_asgd_averages_after_t0():
    p = tg.nn.Parameter(tg.tensor([4.0], dtype=tg.float64))
    opt = ASGD([p], lr=0.1, t0=2, lambd=0.0)
    seen = []
    for _ in range(5):
        opt.zero_grad()
        (p * p).sum().backward()
        opt.step()
        seen.append(p.item())
    # step t averages with mu = 1 / max(1, t - 1 - t0): ax copies the iterate up to step
    # t0 + 2 and is then the running mean from that iterate on
    np.testing.assert_allclose(opt.state[p]["ax"].item(), np.mean(seen[3:]), rtol=1e-12)


@pytest.mark.parametrize(
    ("cls", "kwargs", "message"),
    [
        (Adadelta, dict(lr=-1), "Invalid learning rate: -1"),
        (Adadelta, dict(rho=1.5), "Invalid rho value: 1.5"),
        (Adadelta, dict(eps=-1), "Invalid epsilon value: -1"),
        (Adadelta, dict(weight_decay=-1), "Invalid weight_decay value: -1"),
        (Adamax, dict(betas=(1.0, 0.9)), "Invalid beta parameter at index 0: 1.0"),
        (Adamax, dict(betas=(0.9, -0.1)), "Invalid beta parameter at index 1: -0.1"),
        (NAdam, dict(momentum_decay=-1), "Invalid momentum_decay value: -1"),
        (NAdam, dict(eps=-1), "Invalid epsilon value: -1"),
        (RAdam, dict(weight_decay=-1), "Invalid weight_decay value: -1"),
        (RAdam, dict(lr=-0.1), "Invalid learning rate: -0.1"),
        (ASGD, dict(lr=-1), "Invalid learning rate: -1"),
        (ASGD, dict(weight_decay=-1), "Invalid weight_decay value: -1"),
        (LBFGS, dict(lr=-1), "Invalid learning rate: -1"),
    ],
)
def test_argument_checks(cls, kwargs, message):
    with pytest.raises(ValueError, match=message):
        cls([tg.nn.Parameter(tg.ones(2))], **kwargs)


def test_lbfgs_rules():
    a, b = tg.nn.Parameter(tg.ones(2)), tg.nn.Parameter(tg.ones(2))
    with pytest.raises(ValueError, match="per-parameter options"):
        LBFGS([{"params": [a]}, {"params": [b]}])
    opt = LBFGS([a], line_search_fn="wolfe")
    with pytest.raises(RuntimeError, match="only 'strong_wolfe'"):

        def closure():
            opt.zero_grad()
            loss = (a * a).sum()
            loss.backward()
            return loss

        opt.step(closure)
    assert LBFGS([a], max_iter=8).defaults["max_eval"] == 10


def test_defaults_match_torch():
    torch = pytest.importorskip("torch")
    for name in ("Adadelta", "Adamax", "NAdam", "RAdam", "ASGD", "LBFGS"):
        ours = getattr(tg.optim, name)([tg.nn.Parameter(tg.ones(1))]).defaults
        theirs = getattr(torch.optim, name)([torch.nn.Parameter(torch.ones(1))]).defaults
        for k, v in ours.items():
            assert k in theirs and theirs[k] == v, (name, k)


def test_lbfgs_state_is_tensors_and_resumes_after_a_checkpoint(problem, tmp_path):
    def make():
        params = [tg.nn.Parameter(tg.tensor(a.copy())) for a in problem.init]
        opt = LBFGS(params, max_iter=3, history_size=4)
        A, c = [tg.tensor(a) for a in problem.A], [tg.tensor(a) for a in problem.c]

        def closure():
            opt.zero_grad()
            loss = objective(params, A, c)
            loss.backward()
            return loss

        return params, opt, closure

    params, opt, closure = make()
    for _ in range(2):
        opt.step(closure)
    state = opt.state[params[0]]
    assert isinstance(state["d"], tg.Tensor) and all(
        isinstance(v, tg.Tensor) for v in state["old_dirs"]
    )
    tg.save({"opt": opt.state_dict(), "params": [p.detach() for p in params]}, tmp_path / "ck")
    opt.step(closure)
    want = [p.detach().numpy().copy() for p in params]
    ck = tg.load(tmp_path / "ck")
    params2, opt2, closure2 = make()
    with tg.no_grad():
        for p, v in zip(params2, ck["params"]):
            p.copy_(v)
    opt2.load_state_dict(ck["opt"])
    opt2.step(closure2)
    for p, w in zip(params2, want):
        np.testing.assert_allclose(p.detach().numpy(), w, rtol=1e-12)
