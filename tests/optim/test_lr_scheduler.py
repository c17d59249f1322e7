"""Learning-rate schedulers: lr sequences against closed forms and PyTorch, state dicts."""

from __future__ import annotations

import math
import warnings

import pytest

import tinygrad_lite as tg
from tinygrad_lite.optim import SGD, lr_scheduler

BASE = (0.1, 0.01)


def _opt(lib=tg):
    a = lib.nn.Parameter(lib.tensor([1.0]))
    b = lib.nn.Parameter(lib.tensor([2.0]))
    return lib.optim.SGD([{"params": [a]}, {"params": [b], "lr": BASE[1]}], lr=BASE[0])


def _sequence(lib, name, kwargs, epochs=30, metrics=None):
    opt = _opt(lib)
    sched = getattr(lib.optim.lr_scheduler, name)(opt, **kwargs)
    lrs = [list(sched.get_last_lr())]
    for e in range(epochs):
        opt.step()
        if metrics is None:
            sched.step()
        else:
            sched.step(metrics[e])
        lrs.append(list(sched.get_last_lr()))
        assert lrs[-1] == [g["lr"] for g in opt.param_groups]
    return lrs


def _halve_every_ten(epoch):
    return 0.5 ** (epoch // 10)


CASES = [
    ("StepLR", dict(step_size=7, gamma=0.5)),
    ("StepLR", dict(step_size=1)),
    ("MultiStepLR", dict(milestones=[3, 8, 8, 20], gamma=0.3)),
    ("ExponentialLR", dict(gamma=0.9)),
    ("CosineAnnealingLR", dict(T_max=10)),
    ("CosineAnnealingLR", dict(T_max=7, eta_min=0.001)),
    ("LambdaLR", dict(lr_lambda=_halve_every_ten)),
    ("LambdaLR", dict(lr_lambda=[_halve_every_ten, lambda e: 1.0 / (e + 1)])),
]


def _closed_form(name, kwargs, epoch, base):
    if name == "StepLR":
        return base * kwargs.get("gamma", 0.1) ** (epoch // kwargs["step_size"])
    if name == "MultiStepLR":
        return base * kwargs["gamma"] ** sum(m <= epoch for m in kwargs["milestones"])
    if name == "ExponentialLR":
        return base * kwargs["gamma"] ** epoch
    if name == "CosineAnnealingLR":
        eta, T = kwargs.get("eta_min", 0.0), kwargs["T_max"]
        return eta + (base - eta) * (1 + math.cos(math.pi * epoch / T)) / 2
    fns = kwargs["lr_lambda"]
    fns = fns if isinstance(fns, list) else [fns, fns]
    return base * fns[BASE.index(base)](epoch)


@pytest.mark.parametrize("name, kwargs", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_sequence_matches_closed_form(name, kwargs):
    lrs = _sequence(tg, name, kwargs)
    for epoch, pair in enumerate(lrs):
        want = [_closed_form(name, kwargs, epoch, b) for b in BASE]
        assert pair == pytest.approx(want, rel=1e-9, abs=1e-15), f"epoch {epoch}"


@pytest.mark.parametrize("name, kwargs", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_sequence_matches_pytorch_exactly(name, kwargs):
    torch = pytest.importorskip("torch")
    assert _sequence(tg, name, kwargs) == _sequence(torch, name, kwargs)


PLATEAU_METRICS = [5, 4, 4, 4, 4, 3.9999, 3.9, 3.9, 3.9, 3.9, 3.9, 3.9, 3.9, 3.9, 3.9, 3.9,
                   3.9, 3.9, 3.9, 3.9]  # fmt: skip
PLATEAU_CASES = [
    dict(patience=2),
    dict(patience=2, cooldown=2, factor=0.5),
    dict(patience=1, threshold=0.5, threshold_mode="abs", min_lr=[0.001, 0.0]),
    dict(mode="max", patience=3, factor=0.2),
    dict(mode="max", patience=0, threshold_mode="abs", min_lr=0.05),
]


def test_reduce_on_plateau_hand_traced():
    # patience=2: lr drops after the 3rd epoch in a row without a >0.01% improvement.
    lrs = _sequence(tg, "ReduceLROnPlateau", dict(patience=2), len(PLATEAU_METRICS),
                    PLATEAU_METRICS)  # fmt: skip
    first = [lr[0] for lr in lrs]
    # epochs: 5 best, 4 best, 4 4 4 bad x3 -> reduce at epoch 5 (index 5 in lrs);
    # 3.9999 is not better than 4 * (1 - 1e-4) = 3.9996 -> bad (count restarted at 0 -> 1),
    # 3.9 best, then 3.9 x3 bad -> reduce after the 10th metric, and again 3 epochs later.
    assert first[:5] == [0.1] * 5
    assert first[5] == pytest.approx(0.01)
    assert first[6:10] == pytest.approx([0.01] * 4)
    assert first[10] == pytest.approx(0.001)
    assert first[13] == pytest.approx(0.0001)


@pytest.mark.parametrize("kwargs", PLATEAU_CASES)
def test_reduce_on_plateau_matches_pytorch(kwargs):
    torch = pytest.importorskip("torch")
    metrics = PLATEAU_METRICS if kwargs.get("mode") != "max" else [-m for m in PLATEAU_METRICS]
    ours = _sequence(tg, "ReduceLROnPlateau", kwargs, len(metrics), metrics)
    theirs = _sequence(torch, "ReduceLROnPlateau", kwargs, len(metrics), metrics)
    assert ours == theirs


def test_reduce_on_plateau_accepts_tensor_metric_and_checks_args():
    opt = _opt()
    sched = lr_scheduler.ReduceLROnPlateau(opt, patience=0)
    sched.step(tg.tensor(1.0))
    sched.step(tg.tensor(2.0))
    assert sched.get_last_lr() == pytest.approx([0.01, 0.001])
    with pytest.raises(ValueError, match="Factor should be < 1.0"):
        lr_scheduler.ReduceLROnPlateau(opt, factor=1.0)
    with pytest.raises(ValueError, match="mode avg is unknown"):
        lr_scheduler.ReduceLROnPlateau(opt, mode="avg")
    with pytest.raises(ValueError, match="threshold mode x is unknown"):
        lr_scheduler.ReduceLROnPlateau(opt, threshold_mode="x")
    with pytest.raises(ValueError, match="expected 2 min_lrs, got 1"):
        lr_scheduler.ReduceLROnPlateau(opt, min_lr=[0.1])


STATEFUL = [
    ("StepLR", dict(step_size=3, gamma=0.5), None),
    ("MultiStepLR", dict(milestones=[2, 5, 5], gamma=0.5), None),
    ("ExponentialLR", dict(gamma=0.8), None),
    ("CosineAnnealingLR", dict(T_max=4, eta_min=0.001), None),
    ("LambdaLR", dict(lr_lambda=_halve_every_ten), None),
    ("ReduceLROnPlateau", dict(patience=1, cooldown=1), PLATEAU_METRICS),
]


@pytest.mark.parametrize("name, kwargs, metrics", STATEFUL, ids=[s[0] for s in STATEFUL])
def test_state_dict_round_trip_through_checkpoint(name, kwargs, metrics, tmp_path):
    cls = getattr(lr_scheduler, name)
    want = _sequence(tg, name, kwargs, 16, metrics)

    opt = _opt()
    sched = cls(opt, **kwargs)
    for e in range(7):
        opt.step()
        sched.step() if metrics is None else sched.step(metrics[e])
    tg.save({"opt": opt.state_dict(), "sched": sched.state_dict()}, tmp_path / "s.ckpt")

    ck = tg.load(tmp_path / "s.ckpt")
    opt2 = _opt()
    opt2.load_state_dict(ck["opt"])
    sched2 = cls(opt2, **kwargs)
    sched2.load_state_dict(ck["sched"])
    got = want[:8]
    for e in range(7, 16):
        opt2.step()
        sched2.step() if metrics is None else sched2.step(metrics[e])
        got.append(list(sched2.get_last_lr()))
    assert got == want


def test_lambda_state_dict_keeps_callable_objects_but_not_functions():
    class Warmup:
        def __init__(self, n):
            self.n = n

        def __call__(self, epoch):
            return min(1.0, (epoch + 1) / self.n)

    opt = _opt()
    sched = lr_scheduler.LambdaLR(opt, [Warmup(4), _halve_every_ten])
    sd = sched.state_dict()
    assert sd["lr_lambdas"] == [{"n": 4}, None]
    fresh = Warmup(10)
    other = lr_scheduler.LambdaLR(_opt(), [fresh, _halve_every_ten])
    other.load_state_dict(sd)
    assert fresh.n == 4 and other.lr_lambdas[1] is _halve_every_ten


def test_scheduler_checks():
    with pytest.raises(TypeError, match="is not an Optimizer"):
        lr_scheduler.StepLR(object(), step_size=1)
    with pytest.raises(KeyError, match="initial_lr"):
        lr_scheduler.StepLR(_opt(), step_size=1, last_epoch=3)
    with pytest.raises(ValueError, match="Expected 2 lr_lambdas, but got 1"):
        lr_scheduler.LambdaLR(_opt(), [_halve_every_ten])
    opt = _opt()
    lr_scheduler.ExponentialLR(opt, gamma=0.5)
    assert [g["initial_lr"] for g in opt.param_groups] == list(BASE)
    assert isinstance(lr_scheduler.ExponentialLR(opt, 0.5), lr_scheduler.LRScheduler)
    assert isinstance(opt, tg.optim.Optimizer) and isinstance(opt, SGD)


def test_step_with_epoch_uses_closed_form_and_warns():
    opt = _opt()
    sched = lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    opt.step()
    with pytest.warns(UserWarning, match="deprecated"):
        sched.step(5)
    assert sched.get_last_lr() == pytest.approx([0.1 * 0.25, 0.01 * 0.25])


def test_warns_when_scheduler_steps_before_optimizer():
    opt = _opt()
    sched = lr_scheduler.StepLR(opt, step_size=2)
    with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
        sched.step()
    opt2 = _opt()
    sched2 = lr_scheduler.StepLR(opt2, step_size=2)
    opt2.step()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sched2.step()
        sched2.step()
