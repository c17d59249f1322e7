"""Anomaly mode: a NaN/Inf in a forward value or a backward gradient names the op and the
user's file:line where that op was created; with anomaly mode off nothing is checked.

The expected line is always the line of this file that created the op, found with
``inspect`` (``_next_line()`` is called on the line just before the op).
"""

from __future__ import annotations

import inspect
import math

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite.autograd import anomaly as anomaly_module
from tinygrad_lite.autograd import detect_anomaly, is_anomaly_enabled, set_detect_anomaly

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # NumPy's nan/divide warnings

HERE = __file__


def _next_line() -> int:
    """The line number just after the caller's line."""
    return inspect.currentframe().f_back.f_lineno + 1


def _where(line: int) -> str:
    return f"{HERE}:{line}"


# --- forward values ----------------------------------------------------------------------
def test_forward_nan_names_op_and_line():
    x = tl.tensor([4.0, -1.0], requires_grad=True)
    with detect_anomaly(), pytest.raises(RuntimeError) as info:
        line = _next_line()
        x.sqrt()
    msg = str(info.value)
    assert "Sqrt" in msg and "NaN or Inf" in msg
    assert _where(line) in msg, msg


def test_forward_inf_from_log_of_zero():
    x = tl.tensor([1.0, 0.0], dtype=tl.float64, requires_grad=True)
    with detect_anomaly(), pytest.raises(RuntimeError) as info:
        y = x * 2
        line = _next_line()
        y.log()
    msg = str(info.value)
    assert "Log" in msg and _where(line) in msg, msg


def test_forward_overflow_in_exp_float32():
    x = tl.tensor([1.0, 100.0], requires_grad=True)  # e^100 overflows float32
    with detect_anomaly(), pytest.raises(RuntimeError) as info:
        line = _next_line()
        x.exp()
    assert "Exp" in str(info.value) and _where(line) in str(info.value)


def test_deliberate_inf_constant_is_not_an_anomaly():
    # An attention-style -inf mask passed in by the user: the op did not create the Inf.
    scores = tl.randn(2, 3, requires_grad=True)
    mask = tl.tensor([[False, True, False], [False, False, True]])
    with detect_anomaly():
        p = scores.masked_fill(mask, float("-inf")).softmax(-1)
        p.sum().backward()
    assert np.isfinite(p.numpy()).all()
    assert (p.numpy()[mask.numpy()] == 0).all()
    assert np.isfinite(scores.grad.numpy()).all()


# --- backward gradients ------------------------------------------------------------------
def test_backward_nan_names_backward_op_and_creation_line():
    x = tl.tensor([0.0, 1.0], requires_grad=True)
    with detect_anomaly():
        line = _next_line()
        r = x.sqrt()  # forward fine (0 and 1); its gradient at 0 is 1/(2*0)
        y = (r * 0).sum()  # upstream gradient 0, so SqrtBackward computes 0/0 = NaN
        with pytest.raises(RuntimeError) as info:
            y.backward()
    msg = str(info.value)
    assert "SqrtBackward0" in msg and "input 0" in msg, msg
    assert _where(line) in msg, msg


def test_backward_inf_from_pow_at_zero():
    x = tl.tensor([0.0, 4.0], dtype=tl.float64, requires_grad=True)
    with detect_anomaly():
        line = _next_line()
        y = (x**0.5).sum()
        with pytest.raises(RuntimeError) as info:
            y.backward()
    msg = str(info.value)
    assert "PowBackward0" in msg and _where(line) in msg, msg


def test_composite_op_reports_users_line_not_library_line():
    # tl.pow is a function of the package that records Pow; the line is still ours.
    # (0 · d/dx x^0.5 at 0 is 0 · inf = nan; norm guards that case, as PyTorch.)
    x = tl.zeros(3, dtype=tl.float64, requires_grad=True)
    with detect_anomaly():
        line = _next_line()
        n = (tl.pow(x, 0.5) * 0).sum()
        with pytest.raises(RuntimeError) as info:
            n.backward()
    msg = str(info.value)
    assert "PowBackward0" in msg and _where(line) in msg, msg
    assert "tinygrad_lite" + "/ops.py" not in msg


def test_user_function_backward_nan_is_caught():
    class BadGrad(tl.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * float("nan")

    x = tl.tensor([1.0], requires_grad=True)
    with detect_anomaly():
        line = _next_line()
        y = BadGrad.apply(x).sum()
        with pytest.raises(RuntimeError) as info:
            y.backward()
    assert "BadGrad" in str(info.value) and _where(line) in str(info.value)


# --- the switches ------------------------------------------------------------------------
def test_decorator_form():
    @detect_anomaly()
    def step(x):
        return x.log()

    assert step.__name__ == "step"
    with pytest.raises(RuntimeError, match="Log"):
        step(tl.tensor([-1.0], requires_grad=True))
    assert not is_anomaly_enabled()  # switched back off after the call


def test_set_detect_anomaly_on_and_off():
    x = tl.tensor([-1.0], requires_grad=True)
    set_detect_anomaly(True)
    try:
        assert is_anomaly_enabled()
        with pytest.raises(RuntimeError, match="Sqrt"):
            x.sqrt()
    finally:
        set_detect_anomaly(False)
    assert not is_anomaly_enabled()
    assert math.isnan(x.sqrt().item())


def test_context_restores_previous_mode_even_on_error():
    with detect_anomaly():
        with set_detect_anomaly(False):
            assert not is_anomaly_enabled()
        assert is_anomaly_enabled()
    assert not is_anomaly_enabled()
    with pytest.raises(ZeroDivisionError):
        with detect_anomaly():
            raise ZeroDivisionError
    assert not is_anomaly_enabled()


def test_check_nan_false_records_trace_but_does_not_raise():
    x = tl.tensor([-1.0], requires_grad=True)
    with detect_anomaly(check_nan=False):
        line = _next_line()
        y = x.sqrt()
    assert y.grad_fn.trace == _where(line)
    assert math.isnan(y.item())


def test_off_means_no_checks_no_traces_and_nan_propagates(monkeypatch):
    calls = []
    monkeypatch.setattr(anomaly_module, "on_forward", lambda *a: calls.append("f"))
    monkeypatch.setattr(anomaly_module, "on_backward", lambda *a: calls.append("b"))
    x = tl.tensor([0.0, -1.0, 4.0], requires_grad=True)
    y = x.sqrt()
    y.sum().backward()
    assert calls == []  # the anomaly module is never consulted
    assert y.grad_fn.trace is None
    out, g = y.numpy(), x.grad.numpy()
    assert math.isnan(out[1]) and out[2] == 2.0
    assert math.isinf(g[0]) and math.isnan(g[1]) and g[2] == pytest.approx(0.25)


def test_on_path_is_actually_consulted(monkeypatch):
    # the counterpart of the test above: proves the monkeypatch would have seen calls
    calls = []
    monkeypatch.setattr(anomaly_module, "on_forward", lambda *a: calls.append("f"))
    monkeypatch.setattr(anomaly_module, "on_backward", lambda *a: calls.append("b"))
    x = tl.tensor([1.0], requires_grad=True)
    with detect_anomaly():
        x.exp().sum().backward()
    assert calls.count("f") == 2 and calls.count("b") == 2


def test_finite_training_step_unaffected_by_anomaly_mode():
    rng = np.random.default_rng(0)
    w0, x0 = rng.standard_normal((3, 2)), rng.standard_normal((4, 3))
    grads = []
    for mode in (False, True):
        w = tl.tensor(w0, requires_grad=True)
        with set_detect_anomaly(mode):
            loss = (tl.tensor(x0) @ w).tanh().sum()
            loss.backward()
        grads.append(w.grad.numpy())
    expected = x0.T @ (1 - np.tanh(x0 @ w0) ** 2)  # d/dw sum(tanh(x w))
    np.testing.assert_allclose(grads[0], expected, rtol=1e-12)
    np.testing.assert_array_equal(grads[0], grads[1])
