"""The backward engine: the tape, accumulation, retain_graph/create_graph, autograd.grad,
autograd.backward, hooks, and a million-op chain without recursion."""

from __future__ import annotations

import gc
import time
import weakref

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite.autograd import engine
from tinygrad_lite.autograd.fast.backward import GradOwnership

# --------------------------------------------------------------------------------------
# the tape
# --------------------------------------------------------------------------------------


def test_tape_is_ordered_and_contains_only_reachable_nodes():
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    a = x * 2
    unrelated = x.exp()  # recorded, but does not lead to y
    b = a.sin()
    y = (a + b).sum()
    nodes = tl.autograd.tape(y)
    names = [n.name() for n in nodes]
    assert names == ["MulBackward0", "SinBackward0", "AddBackward0", "SumBackward0"]
    assert [n.seq for n in nodes] == sorted(n.seq for n in nodes)
    assert unrelated.grad_fn not in nodes
    assert all(isinstance(n, tl.autograd.Node) for n in nodes)


def test_one_node_per_op_and_none_without_grad():
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    c = tl.tensor([3.0, 4.0])
    y = x * c + c
    assert len(tl.autograd.tape(y)) == 2
    z = c * c + 1  # no input requires grad: nothing recorded
    assert z.grad_fn is None and not z.requires_grad
    assert tl.autograd.tape(z) == []


def test_node_parents_and_next_functions():
    x = tl.tensor([1.0], requires_grad=True)
    c = tl.tensor([2.0])
    y = x * c
    assert y.grad_fn.parents == (x, None)
    z = y.exp()
    assert z.grad_fn.parents == (y.grad_fn,)
    assert z.grad_fn.next_functions == ((y.grad_fn, 0),)


# --------------------------------------------------------------------------------------
# accumulation and basic semantics
# --------------------------------------------------------------------------------------


def test_gradients_accumulate_into_leaves():
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    (x * 3).sum().backward()
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [3 + 2, 3 + 4])
    x.grad = None
    (x * 3).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [3, 3])


def test_0d_gradients_accumulate_in_place_with_the_leafs_dtype():
    w = tl.tensor(2.0, requires_grad=True)  # float32
    (w * 3).backward()
    grad = w.grad
    array = grad._array
    (w * tl.tensor(0.1, dtype=tl.float64)).backward()  # a float64 gradient into float32
    assert w.grad is grad and grad._array is array  # the same tensor and memory
    assert array.dtype == np.float32 and array.shape == ()
    assert w.grad.item() == np.float32(np.float64(np.float32(3)) + 0.1)
    w.grad.zero_()
    ((w * 5) ** 2).backward()  # 0-d all the way: d/dw (5w)^2 = 50 w
    assert w.grad.item() == 100.0 and w.grad._array is array
    w.grad = tl.tensor(1.0)
    w.grad._array.flags.writeable = False  # cannot be written: a new array, the right sum
    (w * 3).backward()
    assert w.grad.item() == 4.0 and w.grad._array.flags.writeable


@pytest.mark.parametrize("dtype", [tl.float16, tl.float32, tl.float64])
def test_the_seed_of_loss_backward_is_a_0d_one_of_the_losss_dtype(dtype):
    w = tl.tensor([1.5, -2.0], dtype=dtype, requires_grad=True)
    loss = (w * w).sum()
    seen = []
    loss.register_hook(lambda g: seen.append((g.dtype, g.shape, g.item())))
    loss.backward(retain_graph=True)
    assert seen == [(dtype, (), 1.0)]
    tl.autograd.backward(loss)  # the general path agrees
    assert seen[1] == seen[0]
    np.testing.assert_array_equal(w.grad.numpy(), 2 * (2 * w.detach().numpy()))


def test_grad_is_not_shared_between_leaves():
    a = tl.tensor([1.0, 2.0], requires_grad=True)
    b = tl.tensor([1.0, 2.0], requires_grad=True)
    (a + b).sum().backward()
    a.grad.numpy()[0] = 100.0
    assert b.grad.numpy()[0] == 1.0


BIG = 2 * GradOwnership.MIN_SIZE  # large enough that the fast engine may keep it uncopied


def test_large_gradients_are_never_shared_with_anyone_else():
    # the same array to two leaves
    a, b = tl.ones(BIG, requires_grad=True), tl.ones(BIG, requires_grad=True)
    (a + b).backward(tl.ones(BIG))
    assert not np.shares_memory(a.grad.numpy(), b.grad.numpy())
    # the seed the caller passed
    seed = tl.ones(BIG)
    leaf = tl.ones(BIG, requires_grad=True)
    leaf.backward(seed)
    (leaf * 1.0).backward(seed)
    assert not np.shares_memory(leaf.grad.numpy(), seed.numpy())
    assert seed.numpy()[0] == 1.0  # accumulating into leaf.grad did not change the seed

    # an array a user Function returns, and one a hook returns
    class Keep(tl.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return kept

    kept = tl.ones(BIG) * 5
    x = tl.ones(BIG, requires_grad=True)
    Keep.apply(x).sum().backward()
    assert not np.shares_memory(x.grad.numpy(), kept.numpy())
    y = tl.ones(BIG, requires_grad=True)
    h = y * 3
    h.register_hook(lambda g: kept)
    h.sum().backward()
    assert not np.shares_memory(y.grad.numpy(), kept.numpy())
    y.grad.add_(1)
    assert kept.numpy()[0] == 5
    # a non-leaf's retained gradient (add passes the same array on to the leaf)
    r = tl.ones(BIG, requires_grad=True)
    s = r + 0
    s.retain_grad()
    (s * 2).sum().backward()
    assert not np.shares_memory(r.grad.numpy(), s.grad.numpy())


def test_a_large_fresh_gradient_becomes_the_leaf_grad_and_accumulates_correctly():
    w = tl.ones(BIG, requires_grad=True)
    (w * 2).sum().backward()
    first = w.grad
    (w * 3).sum().backward()
    assert w.grad is first  # accumulated in place, as PyTorch
    np.testing.assert_allclose(w.grad.numpy(), 5.0)


def test_accumulating_into_a_read_only_grad_makes_a_new_array():
    x = tl.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x.grad = tl.ones(1).expand(3)  # a broadcast view: NumPy cannot write into it
    (x * 2).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 3.0, 3.0])
    assert x.grad.numpy().flags.writeable


def test_tensor_used_several_times_sums_its_gradients():
    x = tl.tensor(3.0, requires_grad=True)
    y = x * x * x + x
    y.backward()
    assert x.grad.item() == pytest.approx(3 * 9 + 1)


def test_non_leaf_grad_is_none_unless_retained():
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    h.sum().backward()
    assert h.grad is None
    assert x.grad is not None


def test_leaf_grad_dtype_matches_leaf():
    x = tl.tensor([1.0, 2.0], dtype=tl.float64, requires_grad=True)
    (x * 2).sum().backward()
    assert x.grad.dtype == tl.float64
    w = tl.tensor([1.0, 2.0], requires_grad=True)
    (w * np.array([1.0, 2.0])).sum().backward()  # float64 ndarray promotes the product
    assert w.grad.dtype == tl.float32


def test_broadcast_gradients_have_the_input_shape():
    a = tl.tensor(np.ones((3, 1)), requires_grad=True)
    b = tl.tensor(np.ones((4,)), requires_grad=True)
    c = tl.tensor(2.0, requires_grad=True)
    (a * b * c).sum().backward()
    assert a.grad.shape == (3, 1) and b.grad.shape == (4,) and c.grad.shape == ()
    np.testing.assert_allclose(a.grad.numpy(), np.full((3, 1), 8.0))
    np.testing.assert_allclose(b.grad.numpy(), np.full((4,), 6.0))
    assert c.grad.item() == 12.0


def test_sum_to_undoes_broadcasting():
    g = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(engine.sum_to(g, (3, 1)), g.sum(axis=(0, 2)).reshape(3, 1))
    np.testing.assert_array_equal(engine.sum_to(g, (4,)), g.sum(axis=(0, 1)))
    np.testing.assert_array_equal(engine.sum_to(g, ()), g.sum())
    np.testing.assert_array_equal(engine.sum_to(g, (2, 3, 4)), g)


# --------------------------------------------------------------------------------------
# errors
# --------------------------------------------------------------------------------------


def test_backward_on_non_scalar_needs_gradient():
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    with pytest.raises(RuntimeError, match=r"grad can be implicitly created only for scalar"):
        y.backward()
    y.backward(tl.tensor([1.0, 10.0]))
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 20.0])


def test_backward_gradient_of_wrong_shape():
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"Mismatch in shape.*\(3,\).*\(2,\)"):
        (x * 2).backward(tl.ones(3))


def test_backward_on_tensor_without_grad():
    with pytest.raises(RuntimeError, match="does not require grad"):
        tl.tensor([1.0]).sum().backward()
    x = tl.tensor(1.0, requires_grad=True)
    with tl.no_grad():
        y = x * 2
    with pytest.raises(RuntimeError, match="does not require grad"):
        y.backward()


def test_second_backward_through_freed_graph_raises():
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(
        RuntimeError, match=r"backward through the graph a second time.*retain_graph=True"
    ):
        y.backward()


def test_retain_graph_allows_a_second_backward():
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), [4.0, 8.0])


def test_ops_that_save_nothing_can_backward_twice():
    # PyTorch too: a graph of add/sum saves no tensors, so nothing was freed.
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    y = (x + 1).sum()
    y.backward()
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 2.0])


# --------------------------------------------------------------------------------------
# higher order
# --------------------------------------------------------------------------------------


def test_create_graph_second_and_third_derivative():
    x = tl.tensor(2.0, requires_grad=True)
    y = x**4
    (d1,) = tl.autograd.grad(y, x, create_graph=True)
    (d2,) = tl.autograd.grad(d1, x, create_graph=True)
    (d3,) = tl.autograd.grad(d2, x)
    assert (d1.item(), d2.item(), d3.item()) == (32.0, 48.0, 48.0)


def test_backward_create_graph_makes_grad_differentiable():
    x = tl.tensor([1.0, 2.0], dtype=tl.float64, requires_grad=True)
    (x**3).sum().backward(create_graph=True)
    g = x.grad
    assert g.requires_grad and g.grad_fn is not None
    np.testing.assert_allclose(g.numpy(), [3.0, 12.0])
    x.grad = None
    g.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [6.0, 12.0])


def test_hessian_vector_product():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((3, 3))
    A = A + A.T
    x = tl.tensor(rng.standard_normal(3), requires_grad=True)
    v = rng.standard_normal(3)
    f = 0.5 * (x @ tl.tensor(A) @ x)
    (g,) = tl.autograd.grad(f, x, create_graph=True)
    (hv,) = tl.autograd.grad((g * tl.tensor(v)).sum(), x)
    np.testing.assert_allclose(hv.numpy(), A @ v, rtol=1e-10)


# --------------------------------------------------------------------------------------
# autograd.grad and autograd.backward
# --------------------------------------------------------------------------------------


def test_grad_returns_without_accumulating():
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    y = tl.tensor([3.0], requires_grad=True)
    gx, gy = tl.autograd.grad((x * y).sum(), [x, y])
    np.testing.assert_allclose(gx.numpy(), [3.0, 3.0])
    np.testing.assert_allclose(gy.numpy(), [3.0])
    assert x.grad is None and y.grad is None


def test_grad_allow_unused():
    x = tl.tensor(1.0, requires_grad=True)
    unused = tl.tensor(1.0, requires_grad=True)
    with pytest.raises(RuntimeError, match="not have been used.*allow_unused=True"):
        tl.autograd.grad(x * 2, [x, unused], retain_graph=True)
    gx, gu = tl.autograd.grad(x * 2, [x, unused], allow_unused=True)
    assert gx.item() == 2.0 and gu is None
    (gz,) = tl.autograd.grad(x * 2, [unused], allow_unused=True, materialize_grads=True)
    assert gz.item() == 0.0


def test_grad_with_grad_outputs_and_non_leaf_inputs():
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3
    y = h * h
    (gh,) = tl.autograd.grad(y, h, grad_outputs=tl.tensor([1.0, 0.5]))
    np.testing.assert_allclose(gh.numpy(), [2 * 3.0 * 1.0, 2 * 6.0 * 0.5])


def test_grad_of_input_that_does_not_require_grad():
    with pytest.raises(RuntimeError, match="does not require grad"):
        tl.autograd.grad(tl.tensor(1.0, requires_grad=True) * 2, [tl.tensor(1.0)])


def test_grad_with_several_outputs():
    x = tl.tensor(2.0, requires_grad=True)
    (g,) = tl.autograd.grad([x * 3, x * x], [x])
    assert g.item() == 3.0 + 4.0


def test_autograd_backward_with_several_tensors():
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    a, b = x * 2, x * x
    tl.autograd.backward([a, b], [tl.ones(2), tl.tensor([1.0, 0.0])])
    np.testing.assert_allclose(x.grad.numpy(), [2.0 + 2.0, 2.0])


def test_backward_inputs_restricts_accumulation():
    x = tl.tensor(1.0, requires_grad=True)
    y = tl.tensor(2.0, requires_grad=True)
    (x * y).backward(inputs=[x])
    assert x.grad.item() == 2.0 and y.grad is None


# --------------------------------------------------------------------------------------
# hooks
# --------------------------------------------------------------------------------------


def test_hooks_see_the_accumulated_gradient_and_can_replace_it():
    x = tl.tensor(1.0, requires_grad=True)
    h = x * 1
    calls = []
    h.register_hook(lambda g: calls.append(g.item()))
    (h * 2 + h * 3).backward()  # h used twice: the hook sees the sum once
    assert calls == [5.0]
    x2 = tl.tensor(1.0, requires_grad=True)
    x2.register_hook(lambda g: g * 0 + 42)
    (x2 * 2).backward()
    assert x2.grad.item() == 42.0


def test_hook_applies_to_autograd_grad_of_a_leaf():
    x = tl.tensor(1.0, requires_grad=True)
    x.register_hook(lambda g: g * 10)
    (g,) = tl.autograd.grad(x * 2, x)
    assert g.item() == 20.0


def test_gradients_of_0d_values_reach_users_as_arrays():
    # During the walk a 0-d gradient may be a NumPy scalar (the seed of a scalar loss is);
    # hooks, retained grads, autograd.grad, user Functions and leaves get 0-d arrays.
    class Twice(tl.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            seen.append(("function", type(g._array)))
            return g * 2

    seen = []
    x = tl.tensor(2.0, requires_grad=True)
    y = x * x
    y.register_hook(lambda g: seen.append(("hook", type(g._array))))
    y.retain_grad()
    z = Twice.apply(y * y)
    z.register_hook(lambda g: seen.append(("seed", type(g._array))))
    z.backward()
    assert seen == [("seed", np.ndarray), ("function", np.ndarray), ("hook", np.ndarray)]
    assert type(y.grad._array) is np.ndarray and y.grad.item() == 16.0
    assert type(x.grad._array) is np.ndarray and x.grad.item() == 64.0
    (g,) = tl.autograd.grad((x * x).sum(), [x])
    assert type(g._array) is np.ndarray and g.item() == 4.0
    with tl.autograd.graph.keep_intermediates():
        loss = (x * 3).sum()
        loss.backward()
    assert type(loss.grad_fn.grad) is np.ndarray


# --------------------------------------------------------------------------------------
# a million ops
# --------------------------------------------------------------------------------------


def _chain(n: int) -> tuple:
    x = tl.tensor([0.5], dtype=tl.float64, requires_grad=True)
    y = x
    for _ in range(n):
        y = y * 1.0000001
    return x, y


def test_long_chain_backward_is_correct_and_iterative():
    n = 20_000  # deeper than Python's recursion limit
    x, y = _chain(n)
    y.sum().backward()
    assert x.grad.item() == pytest.approx(1.0000001**n, rel=1e-4)


@pytest.mark.slow
def test_million_op_chain_backward_in_linear_time_and_freed():
    timings = {}
    for n in (100_000, 1_000_000):
        gc.disable()  # the cyclic collector would rescan the growing graph (not what we time)
        try:
            x, y = _chain(n)
            loss = y.sum()
            start = time.perf_counter()
            loss.backward()
            timings[n] = time.perf_counter() - start
            ref = weakref.ref(loss.grad_fn)
            del y, loss  # the graph is freed by reference counting alone
            assert ref() is None
        finally:
            gc.enable()
        assert x.grad.item() == pytest.approx(1.0000001**n, rel=1e-3)
    # linear, loosely: 10x the ops must not take anywhere near 100x the time
    assert timings[1_000_000] < 40 * timings[100_000] + 1.0


def test_a_node_reached_first_waits_for_a_newer_consumer():
    # z = a * b with b = a * 3: z's backward reaches a before b, but b (newer) also
    # sends a gradient to a, so a must wait until b is done. z = 27 x^2, dz/dx = 54 x.
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    a = x * 3
    b = a * 3
    z = a * b
    z.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [54.0, 108.0])
    y = x * 1
    (y * y).sum().backward()  # the same input twice in one node, reached first by it
    np.testing.assert_allclose(x.grad.numpy(), [54.0 + 2.0, 108.0 + 4.0])
