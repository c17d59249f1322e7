"""Sequential, ModuleList, ModuleDict: indexing, slicing, mutation, naming, repr (vs PyTorch)."""

from collections import OrderedDict

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite import nn


def _seq():
    return nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))


def test_sequential_applies_modules_in_order():
    seq = _seq()
    x = tl.randn(4, 2)
    w0, b0 = seq[0].weight.numpy(), seq[0].bias.numpy()
    w2, b2 = seq[2].weight.numpy(), seq[2].bias.numpy()
    expected = np.maximum(x.numpy() @ w0.T + b0, 0) @ w2.T + b2
    np.testing.assert_allclose(seq(x).numpy(), expected, rtol=1e-6)


def test_sequential_indexing_slicing_len_iter():
    seq = _seq()
    assert len(seq) == 3 and isinstance(seq[1], nn.ReLU) and seq[-1] is seq[2]
    head = seq[:2]
    assert isinstance(head, nn.Sequential) and len(head) == 2 and head[0] is seq[0]
    assert [n for n, _ in head.named_children()] == ["0", "1"]
    assert [type(m).__name__ for m in seq] == ["Linear", "ReLU", "Linear"]
    with pytest.raises(IndexError, match="out of range"):
        seq[3]


def test_sequential_mutation_renumbers_like_torch(torch):
    for lib in (nn, torch.nn):
        seq = lib.Sequential(lib.Identity(), lib.ReLU(), lib.Tanh())
        del seq[0]
        seq.append(lib.Sigmoid())
        seq.insert(0, lib.Identity())
        seq[1] = lib.Softplus()
        names = [(n, type(m).__name__) for n, m in seq.named_children()]
        assert names == [("0", "Identity"), ("1", "Softplus"), ("2", "Tanh"), ("3", "Sigmoid")]


def test_sequential_from_ordered_dict_keeps_names():
    seq = nn.Sequential(OrderedDict([("fc", nn.Linear(2, 2)), ("act", nn.ReLU())]))
    assert [n for n, _ in seq.named_parameters()] == ["fc.weight", "fc.bias"]
    assert seq.fc is seq[0]
    assert repr(seq).splitlines()[1] == "  (fc): Linear(in_features=2, out_features=2, bias=True)"


def test_sequential_add_and_extend():
    a, b = nn.Sequential(nn.ReLU()), nn.Sequential(nn.Tanh())
    c = a + b
    assert [type(m).__name__ for m in c] == ["ReLU", "Tanh"]
    a.extend([nn.Sigmoid()])
    assert len(a) == 2
    with pytest.raises(ValueError, match="Sequential"):
        a + nn.ModuleList()


def test_module_list_registers_and_indexes():
    layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    assert len(list(layers.parameters())) == 6
    assert [n for n, _ in layers.named_parameters()][-1] == "2.bias"
    layers.append(nn.ReLU())
    layers.insert(0, nn.Tanh())
    assert isinstance(layers[0], nn.Tanh) and isinstance(layers[-1], nn.ReLU)
    assert isinstance(layers[1:3], nn.ModuleList) and len(layers[1:3]) == 2
    del layers[0]
    assert [n for n, _ in layers.named_children()] == ["0", "1", "2", "3"]
    with pytest.raises(NotImplementedError):
        layers(tl.zeros(1))
    with pytest.raises(TypeError, match="iterable"):
        layers.extend(nn.ReLU())


def test_module_list_repr_groups_repeats_like_torch(torch):
    def build(lib):
        return lib.nn.ModuleList(
            [lib.nn.Linear(2, 2), lib.nn.Linear(2, 2), lib.nn.Linear(2, 2), lib.nn.ReLU(),
             lib.nn.Sequential(lib.nn.Tanh()), lib.nn.Sequential(lib.nn.Tanh())]
        )  # fmt: skip

    assert repr(build(tl)) == repr(build(torch))
    assert repr(nn.ModuleList()) == repr(torch.nn.ModuleList()) == "ModuleList()"
    assert "(0-2): 3 x Linear(in_features=2, out_features=2, bias=True)" in repr(build(tl))


def test_module_dict():
    d = nn.ModuleDict({"enc": nn.Linear(2, 3), "act": nn.ReLU()})
    d["dec"] = nn.Linear(3, 2)
    assert list(d) == ["enc", "act", "dec"] and "act" in d and len(d) == 3
    assert [n for n, _ in d.named_parameters()] == [
        "enc.weight",
        "enc.bias",
        "dec.weight",
        "dec.bias",
    ]
    assert d.pop("act").__class__ is nn.ReLU and list(d.keys()) == ["enc", "dec"]
    d.update([("extra", nn.Tanh())])
    assert list(d.values())[-1].__class__ is nn.Tanh
    with pytest.raises(ValueError, match="pair"):
        d.update([nn.Tanh()])
    d.clear()
    assert len(d) == 0


def test_container_reprs_match_torch(torch):
    def build(lib):
        return lib.nn.Sequential(
            lib.nn.ModuleDict({"a": lib.nn.Linear(1, 2)}),
            lib.nn.Sequential(OrderedDict(x=lib.nn.LeakyReLU(0.2), y=lib.nn.Dropout(0.3))),
        )

    assert repr(build(tl)) == repr(build(torch))
