"""nn.Module: registration, iteration, modes, dtype conversion, state_dict round trips and
errors, hooks, repr and the module-span contract, checked by hand and against PyTorch."""

import copy
from collections import OrderedDict

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite import nn
from tinygrad_lite.autograd.engine import tape


def _build(lib):
    """The same small model in tinygrad_lite or PyTorch (``lib`` is the package)."""

    class Block(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = lib.nn.Linear(3, 4)
            self.act = lib.nn.ReLU()
            self.scale = lib.nn.Parameter(lib.ones(4))
            self.register_buffer("steps", lib.zeros(1))
            self.register_buffer("cache", lib.zeros(2), persistent=False)

        def forward(self, x):
            return self.act(self.fc(x)) * self.scale

    class Net(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.block = Block()
            self.head = lib.nn.Sequential(lib.nn.Dropout(0.2), lib.nn.Linear(4, 2, bias=False))

        def forward(self, x):
            return self.head(self.block(x))

    return Net()


def test_named_parameters_buffers_and_state_dict_keys_match_torch(torch):
    ours, ref = _build(tl), _build(torch)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in ref.named_parameters()]
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in ref.named_buffers()]
    assert list(ours.state_dict()) == list(ref.state_dict())
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in ref.named_modules()]
    assert [n for n, _ in ours.named_children()] == [n for n, _ in ref.named_children()]
    assert [n for n, _ in ours.block.named_parameters(recurse=False)] == ["scale"]


def test_named_parameters_by_hand():
    net = _build(tl)
    names = [n for n, _ in net.named_parameters()]
    assert names == ["block.scale", "block.fc.weight", "block.fc.bias", "head.1.weight"]
    # per module: its parameters, then its persistent buffers, then its children
    assert list(net.state_dict()) == [
        "block.scale",
        "block.steps",
        "block.fc.weight",
        "block.fc.bias",
        "head.1.weight",
    ]
    assert [p.shape for p in net.parameters()] == [(4,), (4, 3), (4,), (2, 4)]
    assert isinstance(net.state_dict(), OrderedDict)


def test_shared_parameters_and_modules_are_listed_once(torch):
    for lib in (tl, torch):
        layer = lib.nn.Linear(2, 2)
        seq = lib.nn.Sequential(layer, lib.nn.ReLU(), layer)
        assert len(list(seq.parameters())) == 2
        assert [n for n, _ in seq.named_parameters()] == ["0.weight", "0.bias"]
        assert len(list(seq.modules())) == 3
        assert len(seq.state_dict()) == 4  # state_dict lists both names, as PyTorch
        assert len(list(seq.named_parameters(remove_duplicate=False))) == 4


def test_attribute_rules():
    m = nn.Linear(2, 3)
    with pytest.raises(TypeError, match="cannot assign 'Tensor' as parameter 'weight'"):
        m.weight = tl.zeros(3, 2)
    m.bias = None
    assert m.bias is None and "bias" in m._parameters
    m.extra = nn.Parameter(tl.zeros(1))
    assert "extra" in dict(m.named_parameters())
    del m.extra
    assert "extra" not in dict(m.named_parameters())
    with pytest.raises(AttributeError, match="'Linear' object has no attribute 'nope'"):
        _ = m.nope
    assert "weight" in dir(m) and "forward" in dir(m)
    m.weight = nn.Parameter(tl.ones(3, 2))  # replacing a parameter is fine
    np.testing.assert_array_equal(m.weight.numpy(), 1)


def test_assigning_before_init_and_bad_names_raise():
    class Broken(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(tl.zeros(1))

    with pytest.raises(AttributeError, match="before Module.__init__"):
        Broken()

    class Forgot(nn.Module):
        def __init__(self):
            self.size = 3

        def forward(self, x):
            return x

    with pytest.raises(AttributeError, match=r"did Forgot.__init__ call super\(\).__init__\(\)"):
        Forgot()(tl.zeros(1))
    m = nn.Module()
    with pytest.raises(KeyError, match="contain"):
        m.register_buffer("a.b", tl.zeros(1))
    with pytest.raises(KeyError, match="already exists"):
        m.register_parameter("training", None)
    with pytest.raises(TypeError, match="Parameter or None"):
        m.register_parameter("w", tl.zeros(1))
    with pytest.raises(ValueError, match="non-leaf"):
        m.register_parameter("w", _non_leaf())
    with pytest.raises(NotImplementedError, match='missing the required "forward"'):
        m(tl.zeros(1))


def _non_leaf():
    p = nn.Parameter(tl.zeros(1))
    out = p * 2
    out.__class__ = nn.Parameter  # a Parameter object that has a grad_fn
    return out


def test_train_eval_propagate_and_dropout_obeys():
    net = _build(tl)
    assert net.training and net.head[0].training
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    x = tl.randn(5, 3)
    np.testing.assert_array_equal(net(x).numpy(), net(x).numpy())  # deterministic in eval
    net.train()
    assert all(m.training for m in net.modules())
    with pytest.raises(ValueError, match="boolean"):
        net.train("yes")


def test_zero_grad_and_requires_grad_():
    m = nn.Linear(3, 2)
    m(tl.randn(4, 3)).sum().backward()
    g = m.weight.grad
    m.zero_grad(set_to_none=False)
    assert m.weight.grad is g and not g.numpy().any()
    m.zero_grad()
    assert m.weight.grad is None and m.bias.grad is None
    m.requires_grad_(False)
    assert not any(p.requires_grad for p in m.parameters())
    out = m(tl.randn(2, 3))
    assert not out.requires_grad


def test_apply_visits_children_before_parent(torch):
    order = {}
    for lib in (tl, torch):
        seen = []
        _build(lib).apply(lambda mod, seen=seen: seen.append(type(mod).__name__))
        order[lib.__name__] = seen
    assert order["tinygrad_lite"] == order["torch"]
    assert order["tinygrad_lite"][-1] == "Net"


def test_to_double_keeps_parameter_identity_and_converts_grads_and_buffers():
    net = _build(tl)
    net(tl.randn(2, 3)).sum().backward()
    w = net.block.fc.weight
    assert net.double() is net
    assert net.block.fc.weight is w and w.dtype == tl.float64 and w.grad.dtype == tl.float64
    assert net.block.steps.dtype == tl.float64
    assert net(tl.randn(2, 3, dtype=tl.float64)).dtype == tl.float64
    net.to(tl.float32)
    assert all(p.dtype == tl.float32 for p in net.parameters())
    assert net.cpu() is net and net.to("cpu") is net
    with pytest.raises(TypeError, match="floating point"):
        net.to(tl.int64)


def test_state_dict_is_detached_and_shares_memory():
    m = nn.Linear(2, 2)
    sd = m.state_dict()
    assert not sd["weight"].requires_grad and sd["weight"].grad_fn is None
    sd["weight"].numpy()[0, 0] = 42.0
    assert m.weight.numpy()[0, 0] == 42.0
    assert m.state_dict(keep_vars=True)["weight"] is m.weight


def test_load_state_dict_round_trip_gives_identical_outputs():
    a, b = _build(tl), _build(tl)
    a.block.steps.numpy()[:] = 7
    result = b.load_state_dict(a.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert repr(result) == "<All keys matched successfully>"
    a.eval(), b.eval()
    x = tl.randn(4, 3)
    np.testing.assert_array_equal(a(x).numpy(), b(x).numpy())
    assert b.block.steps.numpy()[0] == 7


def test_load_state_dict_copies_in_place_and_converts_dtype():
    m = nn.Linear(2, 2)
    w = m.weight
    m.load_state_dict({"weight": np.ones((2, 2)), "bias": tl.zeros(2, dtype=tl.float64)})
    assert m.weight is w and w.dtype == tl.float32
    np.testing.assert_array_equal(w.numpy(), 1)


def test_load_state_dict_strict_errors_match_torch_message(torch):
    ours, ref = nn.Linear(3, 2), torch.nn.Linear(3, 2)
    bad = {"weight": np.zeros((2, 3)), "bogus": np.zeros(1)}
    with pytest.raises(RuntimeError) as ours_err:
        ours.load_state_dict({k: tl.tensor(v) for k, v in bad.items()})
    with pytest.raises(RuntimeError) as ref_err:
        ref.load_state_dict({k: torch.tensor(v) for k, v in bad.items()})
    assert str(ours_err.value) == str(ref_err.value)
    assert 'Missing key(s) in state_dict: "bias"' in str(ours_err.value)
    assert 'Unexpected key(s) in state_dict: "bogus"' in str(ours_err.value)


def test_load_state_dict_non_strict_returns_keys_like_torch(torch):
    ours, ref = nn.Linear(3, 2), torch.nn.Linear(3, 2)
    r1 = ours.load_state_dict({"weight": tl.zeros(2, 3), "x": tl.zeros(1)}, strict=False)
    r2 = ref.load_state_dict({"weight": torch.zeros(2, 3), "x": torch.zeros(1)}, strict=False)
    assert (r1.missing_keys, r1.unexpected_keys) == (r2.missing_keys, r2.unexpected_keys)
    assert tuple(r1) == (["bias"], ["x"])
    assert not ours.weight.numpy().any()


def test_shape_mismatch_is_reported_by_name_and_nothing_is_half_loaded():
    m = nn.Sequential(nn.Linear(3, 2), nn.Linear(2, 1))
    before = {k: v.numpy().copy() for k, v in m.state_dict().items()}
    sd = {k: tl.zeros(*v.shape) for k, v in m.state_dict().items()}
    sd["1.weight"] = tl.zeros(1, 5)
    with pytest.raises(RuntimeError) as err:
        m.load_state_dict(sd, strict=False)  # size mismatches raise even when not strict
    msg = str(err.value)
    assert msg.startswith("Error(s) in loading state_dict for Sequential:")
    assert "size mismatch for 1.weight: copying a param with shape (1, 5) from checkpoint" in msg
    assert "the shape in current model is (1, 2)" in msg
    for k, v in m.state_dict().items():  # the valid "0.weight" etc. were NOT copied
        np.testing.assert_array_equal(v.numpy(), before[k])
    with pytest.raises(TypeError, match="dict-like"):
        m.load_state_dict([1, 2])


def test_load_state_dict_assign_replaces_parameters():
    m = nn.Linear(2, 1)
    new_w = tl.ones(1, 2, dtype=tl.float64)
    m.load_state_dict({"weight": new_w, "bias": tl.zeros(1)}, assign=True)
    assert isinstance(m.weight, nn.Parameter) and m.weight.dtype == tl.float64
    assert m.weight.requires_grad


def test_forward_hooks_modify_inputs_and_outputs_and_can_be_removed(torch):
    results = {}
    for lib in (tl, torch):
        layer = lib.nn.Identity()
        calls = []
        h1 = layer.register_forward_pre_hook(lambda mod, args: (args[0] * 2,))
        h2 = layer.register_forward_hook(lambda mod, args, out: out + 1)
        h3 = layer.register_forward_hook(
            lambda mod, args, out, calls=calls: calls.append("first"), prepend=True
        )
        x = lib.ones(2)
        a = layer(x).tolist()
        h1.remove()
        b = layer(x).tolist()
        h2.remove(), h3.remove()
        c = layer(x).tolist()
        results[lib.__name__] = (a, b, c, calls)
    assert results["tinygrad_lite"] == results["torch"] == ([3, 3], [2, 2], [1, 1], ["first"] * 2)


def test_hooks_with_kwargs_and_context_manager_handle():
    class Scale(nn.Module):
        def forward(self, x, factor=1.0):
            return x * factor

    m = Scale()
    m.register_forward_pre_hook(lambda mod, args, kwargs: (args, {"factor": 3.0}), with_kwargs=True)
    seen = []
    with m.register_forward_hook(lambda mod, a, kw, out: seen.append(kw), with_kwargs=True):
        assert m(tl.ones(1)).item() == 3.0
    m(tl.ones(1))
    assert seen == [{"factor": 3.0}]


def test_repr_matches_torch(torch):
    assert repr(_build(tl)) == repr(_build(torch))
    layers = [
        (nn.Linear(3, 2, bias=False), torch.nn.Linear(3, 2, bias=False)),
        (nn.Flatten(), torch.nn.Flatten()),
        (nn.Unflatten(1, (2, 5)), torch.nn.Unflatten(1, (2, 5))),
        (nn.Identity(), torch.nn.Identity()),
        (nn.MSELoss(), torch.nn.MSELoss()),
        (nn.CrossEntropyLoss(), torch.nn.CrossEntropyLoss()),
    ]
    for ours, ref in layers:
        assert repr(ours) == repr(ref)


def test_repr_by_hand():
    text = repr(nn.Sequential(nn.Linear(3, 2), nn.Sequential(nn.Tanh())))
    assert text == (
        "Sequential(\n"
        "  (0): Linear(in_features=3, out_features=2, bias=True)\n"
        "  (1): Sequential(\n"
        "    (0): Tanh()\n"
        "  )\n"
        ")"
    )


def test_call_records_the_span_of_its_nodes():
    net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    x = tl.randn(2, 3)
    before = tl.randn(1, requires_grad=True) * 1  # a node created outside the call
    out = net(x)
    start, end = net._seq_span
    inner0, inner2 = net[0]._seq_span, net[2]._seq_span
    nodes = tape([out])
    assert nodes and all(start < n.seq < end for n in nodes)
    assert not start < before.grad_fn.seq < end
    assert start < inner0[0] < inner0[1] < inner2[0] < inner2[1] < end
    first = [n for n in nodes if inner0[0] < n.seq < inner0[1]]
    assert {n.name() for n in first} & {"MatMulBackward0", "LinearBackward0"}


def test_deepcopy_gives_an_independent_module():
    m = nn.Sequential(nn.Linear(2, 2))
    c = copy.deepcopy(m)
    c[0].weight.numpy()[...] = 0
    assert m[0].weight.numpy().any()
    assert isinstance(c[0].weight, nn.Parameter) and c[0].weight.requires_grad


def test_get_submodule_and_parameter():
    net = _build(tl)
    assert net.get_submodule("head.1") is net.head[1]
    assert net.get_parameter("block.fc.bias") is net.block.fc.bias
    assert net.get_buffer("block.steps") is net.block.steps
    with pytest.raises(AttributeError, match="has no attribute `nope`"):
        net.get_submodule("block.nope")


def test_always_call_hook_runs_when_forward_raises():
    class Fails(nn.Module):
        def forward(self, x):
            raise ValueError("boom")

    m = Fails()
    seen = []
    m.register_forward_hook(lambda mod, args, out: seen.append(out), always_call=True)
    m.register_forward_hook(lambda mod, args, out: seen.append("not called"))
    with pytest.raises(ValueError, match="boom"):
        m(tl.zeros(1))
    assert seen == [None]
