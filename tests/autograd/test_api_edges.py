"""Autograd API edges that scripts written for PyTorch rely on: bare ``@no_grad``, decorated
generators, custom Functions with several outputs, ``x.grad = ...`` checks, hooks that
return the wrong thing, and threads that end with grad mode off."""

from __future__ import annotations

import gc
import threading

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite.autograd import fast, gradcheck, gradgradcheck
from tinygrad_lite.autograd.fast import grad_mode as fast_gm


# --- decorators ------------------------------------------------------------------------
def test_no_grad_without_parentheses_decorates():
    x = tl.ones(2, requires_grad=True)

    @tl.no_grad
    def double(t):
        """Doc."""
        return t * 2

    assert double.__name__ == "double" and double.__doc__ == "Doc."
    assert not double(x).requires_grad
    assert tl.is_grad_enabled()


def test_enable_grad_and_inference_mode_without_parentheses():
    x = tl.ones(2, requires_grad=True)

    @tl.enable_grad
    def record(t):
        return t * 2

    @tl.inference_mode
    def quiet(t):
        return t * 2

    with tl.no_grad():
        assert record(x).requires_grad
    assert not quiet(x).requires_grad
    assert tl.is_grad_enabled()


@pytest.mark.parametrize(
    "make", [tl.no_grad, tl.no_grad(), lambda f: tl.set_grad_enabled(False)(f)]
)
def test_no_grad_on_a_generator_covers_its_body_not_the_caller(make):
    x = tl.ones(2, requires_grad=True)

    def gen(n):
        for _ in range(n):
            got = yield (x * 2).requires_grad, tl.is_grad_enabled()
            assert got in (None, "ping")
        return "done"

    g = make(gen)(3)
    assert next(g) == (False, False)
    assert tl.is_grad_enabled()  # between steps the caller's mode holds
    assert (x * 2).requires_grad
    assert g.send("ping") == (False, False)
    assert tl.is_grad_enabled()
    assert next(g) == (False, False)
    with pytest.raises(StopIteration) as stop:
        next(g)
    assert stop.value.value == "done"
    assert tl.is_grad_enabled()


def test_enable_grad_on_a_generator_records_inside_no_grad():
    x = tl.ones(2, requires_grad=True)

    @tl.enable_grad()
    def gen():
        yield (x * 2).requires_grad

    with tl.no_grad():
        g = gen()
        assert next(g) is True
        assert not tl.is_grad_enabled()


def test_decorated_generator_passes_exceptions_in_and_closes():
    seen = []

    @tl.no_grad()
    def gen():
        try:
            yield 1
        except KeyError:
            seen.append(tl.is_grad_enabled())
            yield 2
        finally:
            seen.append("closed")

    g = gen()
    assert next(g) == 1
    assert g.throw(KeyError()) == 2
    g.close()
    assert seen == [False, "closed"]
    assert tl.is_grad_enabled()


# --- custom Functions with several outputs ---------------------------------------------
class SinCos(tl.autograd.Function):
    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return x.sin() * y, x.cos()

    @staticmethod
    def backward(ctx, ga, gb):
        x, y = ctx.saved_tensors
        return ga * x.cos() * y - gb * x.sin(), ga * x.sin()


def test_function_with_two_outputs_returns_a_tuple_of_tensors():
    x = tl.tensor([0.5, 1.0, 2.0], dtype=tl.float64, requires_grad=True)
    y = tl.tensor([2.0, 3.0, -1.0], dtype=tl.float64, requires_grad=True)
    out = SinCos.apply(x, y)
    assert isinstance(out, tuple) and len(out) == 2
    a, b = out
    assert isinstance(a, tl.Tensor) and isinstance(b, tl.Tensor)
    assert a.requires_grad and b.requires_grad
    np.testing.assert_allclose(a.numpy(), np.sin(x.numpy()) * y.numpy())
    np.testing.assert_allclose(b.numpy(), np.cos(x.numpy()))


def test_function_with_two_outputs_has_the_right_gradient():
    x = tl.tensor([0.5, 1.0, 2.0], dtype=tl.float64, requires_grad=True)
    y = tl.tensor([2.0, 3.0, -1.0], dtype=tl.float64, requires_grad=True)

    def f(x, y):
        a, b = SinCos.apply(x, y)
        return a * 3 + b * b

    assert gradcheck(f, (x, y))
    # only the second output used: the first gets a zero gradient
    a, b = SinCos.apply(x, y)
    b.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), -np.sin(x.numpy()))
    np.testing.assert_allclose(y.grad.numpy(), 0.0)


def test_function_with_two_outputs_matches_pytorch():
    torch = pytest.importorskip("torch")

    class TorchSinCos(torch.autograd.Function):
        forward = SinCos.forward
        backward = SinCos.backward

    xs = np.array([0.3, -1.2, 2.5])
    results = []
    for lib, fn in ((tl, SinCos), (torch, TorchSinCos)):
        x = lib.tensor(xs, requires_grad=True)
        y = lib.tensor(xs[::-1].copy(), requires_grad=True)
        a, b = fn.apply(x, y)
        ((a * b).sum() + a.sum()).backward()
        results.append((x.grad.numpy(), y.grad.numpy()))
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_function_with_two_outputs_under_no_grad_records_nothing():
    x = tl.tensor([0.5, 1.0], requires_grad=True)
    with tl.no_grad():
        a, b = SinCos.apply(x, x)
    assert not a.requires_grad and not b.requires_grad


# --- x.grad = ... ------------------------------------------------------------------------
def test_assigning_grad_checks_type_shape_and_dtype():
    x = tl.ones(2, 3, requires_grad=True)
    with pytest.raises(TypeError, match="assigned grad expected to be a Tensor or None.*list"):
        x.grad = [1.0]
    with pytest.raises(RuntimeError, match=r"gradient of size \[3\] to a tensor of size \[2, 3\]"):
        x.grad = tl.ones(3)
    with pytest.raises(RuntimeError, match="gradient with dtype .*float64.*float32"):
        x.grad = tl.ones(2, 3, dtype=tl.float64)
    assert x.grad is None  # nothing was assigned by the refused calls
    x.grad = tl.zeros(2, 3)
    (x * 2).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2.0)
    x.grad = None
    assert x.grad is None


# --- hooks -------------------------------------------------------------------------------
def test_hook_returning_a_non_tensor_names_the_hook():
    x = tl.ones(2, requires_grad=True)

    def halve_badly(g):
        return 0.5

    x.register_hook(halve_badly)
    with pytest.raises(
        TypeError, match="hook 'test_hook_returning_a_non_tensor.*halve_badly' returned a float"
    ):
        (x * 2).sum().backward()


def test_hook_on_a_non_leaf_returning_a_list_is_refused():
    x = tl.ones(2, requires_grad=True)
    y = x * 2
    y.register_hook(lambda g: [1, 2])
    with pytest.raises(TypeError, match="returned a list; a hook must return a Tensor or None"):
        y.sum().backward()


# --- threads -------------------------------------------------------------------------------
# The fast engine counts the threads that have grad mode off (or anomaly mode on) in global
# lists; the reference engine keeps only thread-local switches. Either way nothing global
# may outlive a thread.
def _entries_per_thread() -> int:
    return 1 if fast.active_engine() == "fast" else 0


def _run_in_threads(body, n=4):
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(body())) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    gc.collect()
    return seen


def test_a_thread_ending_with_grad_mode_off_leaves_no_global_state():
    before = len(fast_gm.GRAD_OFF_THREADS)

    def leave_it_off():
        tl.set_grad_enabled(False)
        return len(fast_gm.GRAD_OFF_THREADS) >= before + _entries_per_thread()

    assert _run_in_threads(leave_it_off) == [True] * 4
    assert len(fast_gm.GRAD_OFF_THREADS) == before
    x = tl.ones(2, requires_grad=True)
    assert (x * 2).requires_grad and tl.is_grad_enabled()


def test_a_thread_ending_inside_no_grad_leaves_no_global_state():
    before = len(fast_gm.GRAD_OFF_THREADS)

    def leave_inside():
        tl.no_grad().__enter__()  # never exited
        return not tl.is_grad_enabled()

    assert _run_in_threads(leave_inside) == [True] * 4
    assert len(fast_gm.GRAD_OFF_THREADS) == before
    assert (tl.ones(2, requires_grad=True) * 2).grad_fn is not None


def test_a_thread_ending_with_anomaly_mode_on_leaves_no_global_state():
    before = len(fast_gm.WATCHING_THREADS)

    def leave_it_on():
        tl.autograd.set_detect_anomaly(True)
        return len(fast_gm.WATCHING_THREADS) >= before + _entries_per_thread()

    assert _run_in_threads(leave_it_on) == [True] * 4
    assert len(fast_gm.WATCHING_THREADS) == before
    assert not tl.autograd.is_anomaly_enabled()


def test_grad_off_entry_goes_when_the_mode_is_switched_back_on():
    before = len(fast_gm.GRAD_OFF_THREADS)
    k = _entries_per_thread()
    with tl.no_grad():
        assert len(fast_gm.GRAD_OFF_THREADS) == before + k
        with tl.no_grad():
            assert len(fast_gm.GRAD_OFF_THREADS) == before + k
    assert len(fast_gm.GRAD_OFF_THREADS) == before


def test_second_order_through_a_two_output_function():
    x = tl.tensor([0.5, 1.5], dtype=tl.float64, requires_grad=True)
    y = tl.tensor([1.0, 2.0], dtype=tl.float64, requires_grad=True)
    assert gradgradcheck(lambda x, y: SinCos.apply(x, y)[0] ** 2, (x, y))


# --- the argument checks and the fast engine ----------------------------------------------
@pytest.mark.parametrize("engine", ["fast", "reference"])
def test_method_argument_checks_hold_on_either_engine(engine):
    """The fast engine rebinds Tensor methods to its own applies: none may lose the check."""
    with fast.use_engine(engine):
        x = tl.ones(2, requires_grad=True)
        with pytest.raises(TypeError, match=r"mul\(\): argument 'other' \(position 1\)"):
            x.mul("a")
        with pytest.raises(TypeError, match=r"add\(\): argument 'other' \(position 1\)"):
            x.add([1.0, 2.0])
        with pytest.raises(TypeError, match=r"exp\(\): argument 'input' \(position 1\)"):
            tl.exp([1.0])
        with pytest.raises(TypeError, match=r"tanh\(\): argument 'input' \(position 1\)"):
            tl.tanh([1.0])
        assert (x * 2).requires_grad  # the operators still record
        assert (x + 1).tolist() == [2.0, 2.0]


@pytest.mark.parametrize("engine", ["fast", "reference"])
def test_two_output_function_on_either_engine(engine):
    with fast.use_engine(engine):
        x = tl.tensor([0.5, 1.5], dtype=tl.float64, requires_grad=True)
        y = tl.tensor([1.0, 2.0], dtype=tl.float64, requires_grad=True)
        s, c = SinCos.apply(x, y)
        (s.sum() + 2 * c.sum()).backward()
    xs, ys = np.array([0.5, 1.5]), np.array([1.0, 2.0])
    np.testing.assert_allclose(x.grad.numpy(), np.cos(xs) * ys - 2 * np.sin(xs))
    np.testing.assert_allclose(y.grad.numpy(), np.sin(xs))
