"""autograd.graph.keep_intermediates: backward keeps node values and gradients for tools."""

from __future__ import annotations

import numpy as np

import tinygrad_lite as tl
from tinygrad_lite.autograd.function import FREED
from tinygrad_lite.autograd.graph import keep_intermediates


def test_keep_intermediates_keeps_values_and_gradients():
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    with keep_intermediates():
        h = x * 3
        y = (h * h).sum()
        y.backward()
    mul2 = h.grad_fn
    np.testing.assert_allclose(mul2.out, [3.0, 6.0])
    np.testing.assert_allclose(mul2.grad, 2 * np.array([3.0, 6.0]))  # dy/dh
    assert y.grad_fn.grad == 1.0


def test_without_it_backward_keeps_values_but_not_gradients():
    # A plain backward frees what was saved for backward (a second backward raises) but the
    # node keeps its output value and its arguments until the graph is dropped.
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    c = tl.tensor([5.0, 7.0])
    h = x * 3
    y = (h * h + c).sum()
    y.backward()
    np.testing.assert_allclose(h.grad_fn.out, [3.0, 6.0])
    assert h.grad_fn.grad is None
    add = y.grad_fn.parents[0]
    assert add.args[1] is c  # the constant input is still known
    assert h.grad_fn.saved is FREED


def test_free_values_drops_values_in_backward():
    from tinygrad_lite.autograd.graph import free_values

    x = tl.tensor([1.0, 2.0], requires_grad=True)
    with free_values():
        h = x * 3
        (h * h).sum().backward()
    assert h.grad_fn.out is None and h.grad_fn.args is None and h.grad_fn.saved is FREED
    np.testing.assert_allclose(x.grad.numpy(), [18.0, 36.0])
    from tinygrad_lite.autograd.grad_mode import STATE

    assert not STATE.free_values  # switched off again on leaving
    with free_values(), free_values():
        assert STATE.free_values
    assert not STATE.free_values


def test_kept_values_are_freed_with_the_graph():
    import gc
    import weakref

    x = tl.tensor([1.0, 2.0], requires_grad=True)
    y = ((x * 3).exp() * 2).sum()
    node = weakref.ref(y.grad_fn.parents[0])
    y.backward()
    assert node() is not None
    del y
    gc.collect()
    assert node() is None


def test_switch_is_restored():
    from tinygrad_lite.autograd.grad_mode import STATE

    with keep_intermediates():
        assert STATE.keep_intermediates
    assert not STATE.keep_intermediates


def test_save_inputs_keeps_call_arguments_only_inside_the_block():
    import tinygrad_lite as tl
    from tinygrad_lite.autograd.graph import save_inputs

    w = tl.tensor([2.0], requires_grad=True)
    y = tl.tensor([5.0])
    with save_inputs():
        inside = w - y
    outside = w - y
    assert inside.grad_fn.inputs[0] is w and inside.grad_fn.inputs[1] is y
    assert "inputs" not in outside.grad_fn.__dict__
