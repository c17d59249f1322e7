"""The Optimizer base: param groups, zero_grad, step(closure), in-place updates, state dicts."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import tinygrad_lite as tg
from tinygrad_lite.optim import SGD, Adagrad, Adam, AdamW, Optimizer, RMSprop

ALL = [
    (SGD, dict(lr=0.05, momentum=0.9, nesterov=True)),
    (Adam, dict(lr=0.05, amsgrad=True)),
    (AdamW, dict(lr=0.05)),
    (RMSprop, dict(lr=0.01, momentum=0.5, centered=True)),
    (Adagrad, dict(lr=0.1, lr_decay=0.01)),
]
IDS = [c.__name__ for c, _ in ALL]


def _params():
    return [
        tg.nn.Parameter(tg.tensor([1.0, -2.0, 0.5])),
        tg.nn.Parameter(tg.tensor([[0.3], [2.0]])),
    ]


def test_param_groups_are_filled_from_defaults():
    a, b = _params()
    opt = SGD([{"params": [a], "lr": 1e-3}, {"params": b}], lr=0.1, momentum=0.9)
    g0, g1 = opt.param_groups
    assert g0["lr"] == 1e-3 and g1["lr"] == 0.1
    assert g0["momentum"] == g1["momentum"] == 0.9
    assert g0["params"][0] is a and g1["params"] == [b]  # a lone tensor becomes a list
    assert opt.defaults["lr"] == 0.1


def test_generator_of_params_is_consumed_once():
    ps = _params()
    opt = SGD((p for p in ps), lr=0.1)
    assert opt.param_groups[0]["params"] == ps


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda ps: SGD([], lr=0.1), ValueError, "optimizer got an empty parameter list"),
        (lambda ps: SGD(ps[0], lr=0.1), TypeError, "iterable of Tensors or dicts"),
        (lambda ps: SGD([ps[0], 3.0], lr=0.1), TypeError, "can only optimize Tensors"),
        (lambda ps: SGD(set(ps), lr=0.1), TypeError, None),
        (lambda ps: SGD([ps[0] * 2], lr=0.1), ValueError, "can't optimize a non-leaf Tensor"),
        (
            lambda ps: SGD([{"params": [ps[0]]}, {"params": [ps[0], ps[1]]}], lr=0.1),
            ValueError,
            "some parameters appear in more than one parameter group",
        ),
    ],
)
def test_bad_params(make, error, message):
    ps = _params()
    with pytest.raises(error, match=message):
        make(ps)


def test_set_of_params_in_group_rejected():
    ps = _params()
    with pytest.raises(TypeError, match="ordered collections"):
        SGD([{"params": set(ps)}], lr=0.1)


def test_add_param_group():
    a, b = _params()
    opt = SGD([a], lr=0.1)
    opt.add_param_group({"params": [b], "momentum": 0.5})
    assert opt.param_groups[1]["lr"] == 0.1 and opt.param_groups[1]["momentum"] == 0.5
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [a]})


def test_zero_grad_set_to_none_and_to_zero():
    a, b = _params()
    opt = SGD([a, b], lr=0.1)
    (a.sum() + b.sum()).backward()
    g = a.grad
    opt.zero_grad(set_to_none=False)
    assert a.grad is g  # zeroed in place
    np.testing.assert_array_equal(a.grad.numpy(), 0)
    opt.zero_grad()
    assert a.grad is None and b.grad is None


def test_step_updates_in_place_bumps_version_and_skips_params_without_grad():
    a, b = _params()
    array_before = a.numpy()
    alias = a.detach()  # shares the array and version counter
    b_before = b.numpy().copy()
    opt = SGD([a, b], lr=0.5)
    (a * a).sum().backward()
    v0 = a._version
    opt.step()
    assert a.numpy() is array_before
    np.testing.assert_allclose(alias.numpy(), [0.0, 0.0, 0.0])  # x - 0.5 * 2x
    assert a._version == v0 + 1
    np.testing.assert_array_equal(b.numpy(), b_before)
    assert b.grad is None and a.requires_grad


def test_update_makes_stale_backward_fail():
    a = tg.nn.Parameter(tg.tensor([1.0, 2.0]))
    opt = SGD([a], lr=0.1)
    loss = (a * a).sum()  # saves a for backward
    (a * 3).sum().backward()
    opt.step()
    with pytest.raises(RuntimeError):
        loss.backward()


def test_step_records_nothing_and_closure_runs_with_grad():
    a = tg.nn.Parameter(tg.tensor([1.0, 2.0]))
    opt = SGD([a], lr=0.1)
    calls = []

    def closure():
        opt.zero_grad()
        loss = (a * a).sum()
        calls.append(tg.is_grad_enabled())
        loss.backward()
        return loss

    with tg.no_grad():
        loss = opt.step(closure)
    assert calls == [True]
    assert loss.item() == pytest.approx(5.0)
    np.testing.assert_allclose(a.numpy(), [0.8, 1.6], rtol=1e-6)
    assert a.grad_fn is None and a.is_leaf


def test_lbfgs_style_closure_matches_pytorch():
    torch = pytest.importorskip("torch")
    ours = tg.nn.Parameter(tg.tensor([1.0, 2.0], dtype=tg.float64))
    theirs = torch.nn.Parameter(torch.tensor([1.0, 2.0], dtype=torch.float64))
    results = []
    for lib, p in ((tg, ours), (torch, theirs)):
        opt = lib.optim.Adam([p], lr=0.1)

        def closure(p=p, opt=opt):
            opt.zero_grad()
            loss = ((p - 3) ** 2).sum()
            loss.backward()
            return loss

        results.append([float(opt.step(closure).detach()) for _ in range(5)] + p.detach().tolist())
    np.testing.assert_allclose(results[0], results[1], rtol=1e-12)


def test_base_class_step_is_abstract():
    a = tg.nn.Parameter(tg.tensor([1.0]))
    opt = Optimizer([a], {"lr": 0.1})
    a.grad = tg.tensor([1.0])
    with pytest.raises(NotImplementedError):
        opt.step()


def test_repr_lists_groups():
    a, b = _params()
    text = repr(SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1))
    assert text.startswith("SGD (") and "Parameter Group 1" in text and "lr: 0.5" in text


# ------------------------------------------------------------------ state dicts
def _train(opt, params, steps):
    for _ in range(steps):
        opt.zero_grad()
        sum(
            ((p - 0.5) ** 2 * (i + 1)).sum() + (p**4).sum() for i, p in enumerate(params)
        ).backward()
        opt.step()


@pytest.mark.parametrize("cls, kwargs", ALL, ids=IDS)
def test_state_dict_round_trip_resumes_exactly(cls, kwargs, tmp_path):
    ref = _params()
    ref_opt = cls([{"params": [ref[0]], "lr": kwargs["lr"] / 2}, {"params": [ref[1]]}], **kwargs)
    _train(ref_opt, ref, 20)

    first = _params()
    opt = cls([{"params": [first[0]], "lr": kwargs["lr"] / 2}, {"params": [first[1]]}], **kwargs)
    _train(opt, first, 10)
    tg.save({"params": [p.detach() for p in first], "opt": opt.state_dict()}, tmp_path / "ck.npz")

    ck = tg.load(tmp_path / "ck.npz")
    resumed = [tg.nn.Parameter(t) for t in ck["params"]]
    opt2 = cls([{"params": [resumed[0]]}, {"params": [resumed[1]]}], lr=123.0)
    opt2.load_state_dict(ck["opt"])
    assert opt2.param_groups[0]["lr"] == kwargs["lr"] / 2  # hyper-parameters come back too
    _train(opt2, resumed, 10)
    for a, b in zip(resumed, ref):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_state_dict_layout_matches_pytorch():
    torch = pytest.importorskip("torch")
    ours_p = _params()
    theirs_p = [torch.nn.Parameter(torch.tensor(p.numpy().copy())) for p in ours_p]
    sds = []
    for lib, ps in ((tg, ours_p), (torch, theirs_p)):
        opt = lib.optim.Adam([{"params": [ps[1]], "lr": 0.1}, {"params": [ps[0]]}])
        ps[1].sum().backward()  # only ps[1] gets a gradient, so only it gets state
        opt.step()
        sds.append(opt.state_dict())
    ours, theirs = sds
    assert ours["state"].keys() == theirs["state"].keys() == {0}
    assert [g["params"] for g in ours["param_groups"]] == [[0], [1]]
    assert [g["params"] for g in theirs["param_groups"]] == [[0], [1]]
    for g_ours, g_theirs in zip(ours["param_groups"], theirs["param_groups"]):
        assert {k: g_theirs[k] for k in g_ours} == g_ours
    for k, v in ours["state"][0].items():
        np.testing.assert_allclose(v.numpy(), theirs["state"][0][k].numpy(), rtol=1e-6)
        assert v.numpy().dtype == theirs["state"][0][k].numpy().dtype


def test_load_state_dict_copies_and_casts():
    a = tg.nn.Parameter(tg.tensor([1.0, 2.0]))  # float32
    opt = SGD([a], lr=0.1, momentum=0.9)
    sd = {
        "state": {0: {"momentum_buffer": tg.tensor([1.0, 1.0], dtype=tg.float64)}},
        "param_groups": [{"lr": 0.2, "momentum": 0.9, "dampening": 0, "weight_decay": 0,
                          "nesterov": False, "maximize": False, "params": [0]}],
    }  # fmt: skip
    opt.load_state_dict(sd)
    buf = opt.state[a]["momentum_buffer"]
    assert buf.dtype == tg.float32
    a.grad = tg.tensor([0.0, 0.0])
    opt.step()
    np.testing.assert_array_equal(sd["state"][0]["momentum_buffer"].numpy(), [1.0, 1.0])
    assert sd["param_groups"][0]["params"] == [0]  # the caller's dict is not modified
    np.testing.assert_allclose(a.numpy(), [1.0 - 0.2 * 0.9, 2.0 - 0.2 * 0.9], rtol=1e-6)


def test_load_state_dict_size_mismatches_are_clear():
    a, b = _params()
    sd = SGD([a, b], lr=0.1).state_dict()
    with pytest.raises(ValueError, match="doesn't match the size of optimizer's group"):
        SGD([a], lr=0.1).load_state_dict(sd)
    with pytest.raises(ValueError, match="different number of parameter groups"):
        SGD([{"params": [a]}, {"params": [b]}], lr=0.1).load_state_dict(sd)
    with pytest.raises(ValueError, match="'state' and 'param_groups'"):
        SGD([a], lr=0.1).load_state_dict({"lr": 0.1})


def test_load_state_dict_shape_mismatch_is_clear():
    a, b = _params()
    opt = SGD([a], lr=0.1, momentum=0.9)
    a.grad = tg.ones_like(a)
    opt.step()
    sd = copy.deepcopy(opt.state_dict())
    with pytest.raises(ValueError, match="momentum_buffer.*shape"):
        SGD([b], lr=0.1, momentum=0.9).load_state_dict(sd)


def test_named_parameters_and_group_dicts_as_pytorch():
    a, b = _params()
    opt = SGD([("a", a), ("b", b)], lr=0.1)
    assert opt.param_groups[0]["param_names"] == ["a", "b"]
    assert opt.state_dict()["param_groups"][0]["param_names"] == ["a", "b"]
    with pytest.raises(ValueError, match="Some param names are missing"):
        SGD([("a", a), b], lr=0.1)
    group = {"params": [a]}
    opt = SGD([group], lr=0.1)
    assert opt.param_groups[0] is group and group["lr"] == 0.1  # filled in place, as PyTorch


STEP_COUNTING = ["Adam", "AdamW", "Adagrad", "RMSprop", "Adamax", "NAdam", "RAdam", "ASGD",
                 "Adadelta"]  # fmt: skip


@pytest.mark.parametrize("name", STEP_COUNTING)
@pytest.mark.parametrize("default", ["float32", "float64"])
def test_the_step_counter_has_pytorchs_scalar_dtype(name, default):
    # PyTorch: float64 under a float64 default dtype, float32 otherwise
    previous = tg.get_default_dtype()
    tg.set_default_dtype(getattr(tg, default))
    try:
        p = tg.nn.Parameter(tg.tensor([1.0, 2.0]))
        opt = getattr(tg.optim, name)([p])
        p.grad = tg.ones_like(p)
        opt.step()
        assert opt.state[p]["step"].dtype == getattr(tg, default)
        assert float(opt.state[p]["step"]) == 1.0
    finally:
        tg.set_default_dtype(previous)
