"""Devices: only the CPU, accepted everywhere PyTorch takes a device."""

from __future__ import annotations

import pytest

import tinygrad_lite as tl


def test_cpu_device():
    d = tl.device("cpu")
    assert d.type == "cpu" and str(d) == "cpu" and repr(d) == "device(type='cpu')"
    assert d == "cpu" and d == tl.device("cpu:0") and tl.device(d) == d
    assert tl.device("cpu", 0).index == 0
    assert hash(d) == hash(tl.device("cpu"))
    assert tl.get_default_device() == d


def test_other_devices_are_clear_errors():
    for name in ("cuda", "cuda:0", "mps"):
        with pytest.raises(RuntimeError, match="CPU only"):
            tl.device(name)
    with pytest.raises(RuntimeError, match="set_default_device.*CPU only"):
        tl.set_default_device("cuda")
    tl.set_default_device("cpu")  # accepted
    tl.set_default_device(None)


def test_cuda_namespace():
    assert tl.cuda.is_available() is False
    assert tl.cuda.device_count() == 0
    tl.cuda.manual_seed(0)  # harmless no-ops, so seeding scripts keep working
    tl.cuda.manual_seed_all(0)


def test_device_agnostic_script_pattern():
    dev = tl.device("cuda" if tl.cuda.is_available() else "cpu")
    x = tl.randn(2, 3, device=dev).to(dev)
    assert x.device == dev and x.is_cuda is False
