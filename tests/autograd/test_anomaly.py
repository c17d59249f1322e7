"""Anomaly mode: find the op where NaN/Inf first appears, forward or backward."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_lite as tl


def test_off_by_default():
    assert not tl.autograd.is_anomaly_enabled()
    x = tl.tensor([-1.0], requires_grad=True)
    y = x.log()  # NaN without complaint
    assert np.isnan(y.item())


def test_forward_nan_names_the_op_and_this_file():
    x = tl.tensor([-1.0, 1.0], requires_grad=True)
    with tl.autograd.detect_anomaly():
        assert tl.autograd.is_anomaly_enabled()
        with pytest.raises(RuntimeError, match=r"Log.*test_anomaly\.py:\d+"):
            x.log()
    assert not tl.autograd.is_anomaly_enabled()


def test_backward_nan_names_the_backward_function():
    x = tl.tensor([0.0], requires_grad=True)
    with tl.autograd.detect_anomaly():
        y = x.sqrt()  # forward is fine (0), gradient 1/(2*0) is inf
        with pytest.raises(RuntimeError, match="SqrtBackward0.*gradient"):
            y.sum().backward()


def test_set_detect_anomaly_and_decorator():
    tl.autograd.set_detect_anomaly(True)
    try:
        assert tl.autograd.is_anomaly_enabled()
    finally:
        tl.autograd.set_detect_anomaly(False)
    assert not tl.autograd.is_anomaly_enabled()

    @tl.autograd.detect_anomaly()
    def f():
        return tl.autograd.is_anomaly_enabled()

    assert f() is True and not tl.autograd.is_anomaly_enabled()


def test_finite_values_pass_in_anomaly_mode():
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    with tl.autograd.detect_anomaly():
        (x.log() * x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.log([1.0, 2.0]) + 1, rtol=1e-6)
