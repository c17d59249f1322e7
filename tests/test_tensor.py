"""The Tensor class: attributes, .data semantics, conversions, Python protocols, in-place ops."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_lite as tl

# --------------------------------------------------------------------------------------
# .data and .numpy()
# --------------------------------------------------------------------------------------


def test_data_is_detached_and_shares_memory():
    w = tl.tensor([1.0, 2.0], requires_grad=True)
    d = w.data
    assert isinstance(d, tl.Tensor)
    assert not d.requires_grad and d.grad_fn is None and d.is_leaf
    assert np.shares_memory(d.numpy(), w.numpy())


def test_sgd_update_through_data():
    w = tl.tensor([1.0, 2.0], requires_grad=True)
    (w * w).sum().backward()
    lr = 0.1
    w.data -= lr * w.grad.data
    np.testing.assert_allclose(w.numpy(), [1.0 - 0.2, 2.0 - 0.4], rtol=1e-6)
    assert w.requires_grad and w.is_leaf


def test_data_zero_and_copy():
    p = tl.tensor([1.0, 2.0, 3.0], requires_grad=True)
    q = tl.tensor([7.0, 8.0, 9.0], requires_grad=True)
    p.data.zero_()
    np.testing.assert_array_equal(p.numpy(), [0.0, 0.0, 0.0])
    p.data.copy_(q.data)
    np.testing.assert_array_equal(p.numpy(), [7.0, 8.0, 9.0])
    q.data.mul_(0)  # copy_ copied values, not memory
    np.testing.assert_array_equal(p.numpy(), [7.0, 8.0, 9.0])


def test_data_setter_replaces_values():
    p = tl.tensor([1.0, 2.0], requires_grad=True)
    p.data = tl.tensor([5.0, 6.0])
    np.testing.assert_array_equal(p.numpy(), [5.0, 6.0])
    assert p.requires_grad


def test_data_changes_are_not_tracked_by_version_counter():
    # As PyTorch: .data writes bypass autograd's checks (that is what .data is for).
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    x.data.add_(1.0)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [4.0, 6.0])  # uses the modified values


def test_numpy_returns_the_array_itself():
    a = np.array([1.0, 2.0], dtype=np.float32)
    t = tl.from_numpy(a)
    assert t.numpy() is a
    r = tl.tensor([1.0, 2.0], requires_grad=True)
    assert r.numpy() is r.numpy()
    r.numpy()[0] = 5.0
    assert r[0].item() == 5.0


def test_array_protocol():
    t = tl.tensor([[1, 2], [3, 4]])
    a = np.asarray(t)
    assert a.shape == (2, 2) and a.dtype == np.int64
    assert np.asarray(t, dtype=np.float64).dtype == np.float64
    assert np.array_equal(np.array(t), [[1, 2], [3, 4]])


# --------------------------------------------------------------------------------------
# attributes
# --------------------------------------------------------------------------------------


def test_attributes_of_a_leaf_and_a_result():
    x = tl.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    assert x.shape == (2, 3) and x.ndim == 2 and x.dim() == 2
    assert x.dtype == tl.float32
    assert x.size() == (2, 3) and x.size(1) == 3 and x.size(-1) == 3
    assert x.numel() == 6
    assert x.is_leaf and x.grad_fn is None and x.grad is None and x.requires_grad
    y = x * 2
    assert not y.is_leaf and y.grad_fn is not None and y.requires_grad
    assert y.grad_fn.name() == "MulBackward0"
    z = tl.tensor([1.0])
    assert z.is_leaf and not z.requires_grad


def test_item_and_tolist():
    assert tl.tensor(2.5).item() == 2.5
    assert isinstance(tl.tensor(3).item(), int)
    assert tl.tensor([[7]]).item() == 7
    assert tl.tensor([[1, 2], [3, 4]]).tolist() == [[1, 2], [3, 4]]
    assert tl.tensor(1.5).tolist() == 1.5
    with pytest.raises(RuntimeError, match="2 elements cannot be converted"):
        tl.tensor([1.0, 2.0]).item()


def test_python_number_conversions():
    assert float(tl.tensor([2.5])) == 2.5
    assert int(tl.tensor(3.9)) == 3
    assert [10, 20, 30][tl.tensor(1)] == 20  # __index__
    assert bool(tl.tensor([1.0])) is True
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(tl.tensor([1.0, 2.0]))


def test_detach_shares_memory_and_cuts_the_graph():
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    d = y.detach()
    assert not d.requires_grad and d.grad_fn is None
    assert np.shares_memory(d.numpy(), y.numpy())
    z = d * x
    z.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 6.0])  # d counted as a constant


def test_requires_grad_rules():
    x = tl.tensor([1.0, 2.0])
    assert x.requires_grad_() is x and x.requires_grad
    x.requires_grad = False
    assert not x.requires_grad
    with pytest.raises(RuntimeError, match="floating point"):
        tl.tensor([1, 2]).requires_grad_()
    with pytest.raises(RuntimeError, match="floating point"):
        tl.tensor([1, 2], requires_grad=True)
    y = tl.tensor([1.0], requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="leaf"):
        y.requires_grad_(False)


def test_len_and_iteration():
    t = tl.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], requires_grad=True)
    assert len(t) == 3
    rows = list(t)
    assert len(rows) == 3 and rows[1].tolist() == [3.0, 4.0]
    sum(r.sum() for r in rows).backward()  # iteration is differentiable
    np.testing.assert_array_equal(t.grad.numpy(), np.ones((3, 2)))
    with pytest.raises(TypeError, match="0-d"):
        len(tl.tensor(1.0))
    with pytest.raises(TypeError, match="0-d"):
        iter(tl.tensor(1.0))


def test_retain_grad_and_non_leaf_grad():
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    z = y * 3
    y.retain_grad()
    z.sum().backward()
    np.testing.assert_allclose(y.grad.numpy(), [3.0, 3.0])
    assert z.grad is None  # not retained
    assert y.retains_grad and not z.retains_grad


def test_register_hook_on_leaf_and_non_leaf():
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    x.register_hook(lambda g: seen.append(g.numpy().copy()))
    y = x * 2
    y.register_hook(lambda g: g * 10)  # replaces the gradient flowing back through y
    y.sum().backward()
    np.testing.assert_allclose(seen[0], [20.0, 20.0])
    np.testing.assert_allclose(x.grad.numpy(), [20.0, 20.0])


def test_hook_handle_removes_the_hook():
    x = tl.tensor([1.0], requires_grad=True)
    handle = x.register_hook(lambda g: g * 0)
    handle.remove()
    (x * 5).sum().backward()
    assert x.grad.item() == 5.0
    with pytest.raises(RuntimeError, match="doesn't require"):
        tl.tensor([1.0]).register_hook(lambda g: g)


def test_clone_is_a_copy_with_gradient():
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    c = x.clone()
    assert not np.shares_memory(c.numpy(), x.numpy())
    (c * c).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 4.0])


def test_device_methods():
    t = tl.tensor([1.0])
    assert t.device == tl.device("cpu") and str(t.device) == "cpu"
    assert t.cpu() is t and t.to("cpu") is t and not t.is_cuda
    with pytest.raises(RuntimeError, match="CPU only"):
        t.cuda()
    with pytest.raises(RuntimeError, match="CPU only"):
        t.to("cuda")


def test_type_conversions():
    t = tl.tensor([1.7, -2.2])
    assert t.double().dtype == tl.float64
    assert t.long().tolist() == [1, -2]
    assert t.int().dtype == tl.int32
    assert t.bool().dtype == tl.bool
    assert t.to(tl.float64).dtype == tl.float64
    assert t.to(dtype=tl.float64).dtype == tl.float64
    assert t.to("cpu", tl.float64).dtype == tl.float64
    assert t.to(tl.tensor([1], dtype=tl.int64)).dtype == tl.int64
    assert t.float() is t  # already float32: no copy, as PyTorch
    assert tl.tensor([1, 2]).float().dtype == tl.float32
    assert t.type_as(tl.tensor([1.0], dtype=tl.float64)).dtype == tl.float64


def test_cast_is_differentiable():
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    y = x.double() * tl.tensor([3.0, 4.0], dtype=tl.float64)
    y.sum().backward()
    assert x.grad.dtype == tl.float32
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 4.0])


def test_comparisons_return_bool_without_grad():
    a = tl.tensor([1.0, 2.0, 3.0], requires_grad=True)
    for r in (a == 2, a != 2, a < 2, a <= 2, a > 2, a >= 2, a.eq(2), a.lt(2), tl.gt(a, 2)):
        assert r.dtype == tl.bool and not r.requires_grad
    assert (a < 2).tolist() == [True, False, False]
    assert tl.tensor([True, False]).all().item() is False
    assert tl.tensor([True, False]).any().item() is True
    assert tl.tensor([[True, False], [True, True]]).all(dim=1).tolist() == [False, True]
    assert tl.isnan(tl.tensor([1.0, float("nan")])).tolist() == [False, True]
    assert tl.tensor([1.0, float("inf")]).isinf().tolist() == [False, True]
    assert tl.allclose(tl.tensor([1.0, 2.0]), tl.tensor([1.0, 2.0 + 1e-9]))
    assert not tl.tensor([1.0]).allclose(tl.tensor([1.1]))


def test_max_with_dim_returns_values_and_indices():
    x = tl.tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 7.0]])
    values, indices = x.max(dim=1)
    assert values.tolist() == [5.0, 7.0] and indices.tolist() == [1, 0]
    r = x.min(0, keepdim=True)
    assert r.values.shape == (1, 3) and r.indices.tolist() == [[0, 1, 0]]
    assert r.indices.dtype == tl.int64
    assert x.argmax().item() == 3 and x.argmin(dim=1).tolist() == [0, 1]
    assert x.max().item() == 7.0


def test_max_ties_share_gradient_like_pytorch_amax():
    x = tl.tensor([7.0, 1.0, 7.0], requires_grad=True)
    x.max().backward()
    np.testing.assert_allclose(x.grad.numpy(), [0.5, 0.0, 0.5])


def test_setitem_without_grad_and_with_grad():
    t = tl.zeros(2, 3)
    t[0, 1] = 5.0
    t[1] = tl.tensor([1.0, 2.0, 3.0])
    assert t.tolist() == [[0.0, 5.0, 0.0], [1.0, 2.0, 3.0]]
    x = tl.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 1
    v = tl.tensor(10.0, requires_grad=True)
    y[1] = v * 2
    (y * tl.tensor([1.0, 2.0, 3.0])).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0, 0.0, 3.0])
    assert v.grad.item() == 4.0


def test_ndarray_on_the_left_gives_a_tensor():
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    y = np.array([3.0, 4.0], dtype=np.float32) * x
    assert isinstance(y, tl.Tensor) and y.requires_grad
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 4.0])


# --------------------------------------------------------------------------------------
# in-place ops
# --------------------------------------------------------------------------------------


def test_inplace_ops_under_no_grad():
    p = tl.tensor([1.0, 2.0, 3.0], requires_grad=True)
    q = p.data  # shares memory
    with tl.no_grad():
        assert p.add_(1.0) is p
        p.sub_(tl.tensor([1.0, 1.0, 1.0]))
        p.mul_(2.0)
        p.div_(4.0)
        p += 1.0
        p -= 0.5
        p *= 2.0
        p /= 2.0
    expected = ((np.array([1.0, 2.0, 3.0]) + 1 - 1) * 2 / 4 + 1 - 0.5) * 2 / 2
    np.testing.assert_allclose(p.numpy(), expected)
    np.testing.assert_allclose(q.numpy(), expected)
    assert p.is_leaf and p.requires_grad
    with tl.no_grad():
        p.clamp_(0.8, 1.2)
        np.testing.assert_allclose(p.numpy(), np.clip(expected, 0.8, 1.2))
        p.fill_(3.0)
        assert p.tolist() == [3.0, 3.0, 3.0]
        p.copy_(tl.tensor([4.0, 5.0, 6.0]))
        assert p.tolist() == [4.0, 5.0, 6.0]
        p.zero_()
        assert p.tolist() == [0.0, 0.0, 0.0]
        p.add_(tl.tensor([1.0, 1.0, 1.0]), alpha=2)
        assert p.tolist() == [2.0, 2.0, 2.0]


def test_inplace_keeps_identity_for_augmented_assignment():
    t = tl.tensor([1.0, 2.0])
    before = t
    t += 1
    t *= tl.tensor([2.0, 3.0])
    assert t is before and t.tolist() == [4.0, 9.0]


@pytest.mark.parametrize(
    "op",
    [
        lambda p: p.add_(1.0),
        lambda p: p.sub_(1.0),
        lambda p: p.mul_(2.0),
        lambda p: p.div_(2.0),
        lambda p: p.zero_(),
        lambda p: p.fill_(1.0),
        lambda p: p.copy_(tl.tensor([1.0, 2.0])),
        lambda p: p.clamp_(0.0, 1.0),
    ],
    ids=["add_", "sub_", "mul_", "div_", "zero_", "fill_", "copy_", "clamp_"],
)
def test_inplace_on_leaf_requiring_grad_is_an_error(op):
    p = tl.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad.*no_grad"):
        op(p)
    assert p.tolist() == [1.0, 2.0]  # nothing was changed


def test_augmented_assignment_on_leaf_requiring_grad_is_an_error():
    p = tl.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        p -= 1.0
    with pytest.raises(RuntimeError, match="leaf Variable"):
        p[0] = 3.0


@pytest.mark.parametrize(
    "modify",
    [
        lambda t: t.add_(1.0),
        lambda t: t.mul_(2.0),
        lambda t: t.zero_(),
        lambda t: t.copy_(tl.tensor([1.0, 1.0])),
        lambda t: t.__isub__(1.0),
    ],
    ids=["add_", "mul_", "zero_", "copy_", "-="],
)
def test_inplace_on_saved_tensor_makes_backward_raise(modify):
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    a = x * 1  # non-leaf: in-place allowed
    y = a * a  # saves a
    modify(a)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_inplace_on_saved_leaf_under_no_grad_makes_backward_raise():
    w = tl.tensor([1.0, 2.0], requires_grad=True)
    y = (w * w).sum()
    with tl.no_grad():
        w.mul_(2.0)
    with pytest.raises(RuntimeError, match="version"):
        y.backward()


def test_inplace_on_a_view_invalidates_the_base_saved_for_backward():
    x = tl.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    a = x * 1
    y = a.exp()  # saves its output, not a; use sin which saves the input
    z = a.sin()
    v = a.reshape(4)
    with tl.no_grad():  # (while recording, in-place on a view is refused outright)
        v.add_(1.0)
    with pytest.raises(RuntimeError, match="inplace"):
        z.sum().backward()
    y.sum().backward()  # exp saved its own output, untouched: fine


def test_inplace_on_non_leaf_is_differentiable():
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    a = x * 2
    a.add_(1.0)
    a.mul_(x)  # a = (2x + 1) * x
    assert a.grad_fn is not None and a.grad_fn.name() == "MulBackward0"
    a.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 4 * np.array([1.0, 2.0]) + 1)


def test_inplace_dtype_and_shape_errors():
    t = tl.tensor([1, 2])
    with pytest.raises(RuntimeError, match="div_"):
        t.div_(2)
    f = tl.tensor([1.0, 2.0])
    with pytest.raises(RuntimeError, match="add_"):
        f.add_(tl.ones(3, 2))
    with tl.no_grad():
        p = tl.tensor([[1.0, 2.0]], requires_grad=True)
        with pytest.raises(RuntimeError, match="shape"):
            p.add_(tl.ones(2, 2))


@pytest.mark.parametrize("method", ["add_", "sub_", "mul_", "div_", "pow_"])
@pytest.mark.parametrize("dtype", [tl.float16, tl.float32, tl.float64])
@pytest.mark.parametrize(
    "other", [0.3, 2, tl.tensor(0.7, dtype=tl.float64), tl.tensor(3), tl.tensor(-1.5)],
    ids=["float", "int", "f64 tensor", "int tensor", "f32 tensor"],
)  # fmt: skip
def test_inplace_on_a_0d_float_gives_what_the_ufunc_gives_on_a_1d_one(method, dtype, other):
    # a 0-d target is written with NumPy's scalar math; the result must be the same bits
    scalar, vector = tl.tensor(1.7, dtype=dtype), tl.tensor([1.7], dtype=dtype)
    array = scalar._array
    getattr(scalar, method)(other)
    getattr(vector, method)(other)
    assert scalar._array is array and scalar.dtype == dtype and scalar._version == 1
    np.testing.assert_array_equal(scalar.numpy().reshape(1), vector.numpy())


@pytest.mark.parametrize(
    "op",
    [
        lambda t, n: t + n, lambda t, n: t - n, lambda t, n: t * n, lambda t, n: n * t,
        lambda t, n: t / n, lambda t, n: t**n, lambda t, n: tl.maximum(t, tl.tensor(n, dtype=t.dtype)),
        lambda t, n: t.clamp(min=n), lambda t, n: t.pow(n),
    ],
)  # fmt: skip
@pytest.mark.parametrize("dtype", [tl.float16, tl.float32, tl.float64])
@pytest.mark.parametrize("number", [0.3, 3, -1.5, float("nan")])
def test_a_0d_float_and_a_number_give_what_a_1d_tensor_gives(op, dtype, number):
    # unrecorded, a 0-d float with a Python number is computed with NumPy's scalar math
    with np.errstate(all="ignore"):
        scalar = op(tl.tensor(-1.7, dtype=dtype), number)
        vector = op(tl.tensor([-1.7], dtype=dtype), number)
    assert type(scalar._array) is np.ndarray and scalar.shape == ()
    assert scalar.dtype == vector.dtype and not scalar.requires_grad
    np.testing.assert_array_equal(scalar.numpy().reshape(1), vector.numpy())


def test_inplace_on_a_0d_tensor_keeps_the_errors():
    with pytest.raises(RuntimeError, match=r"add_.*shape \(3,\)"):
        tl.tensor(1.0).add_(tl.ones(3))
    with pytest.raises(RuntimeError, match="sub_"):
        tl.tensor(1).sub_(0.5)  # int target, float result: same_kind refuses
    view = tl.tensor(1.0).expand(())
    view._array = np.broadcast_to(np.float32(1.0), ())
    with pytest.raises(RuntimeError, match="broadcast view"):
        view.mul_(2.0)
    with pytest.raises(RuntimeError, match="add_"):
        tl.tensor(1.0).add_(1j)


def test_inplace_on_view_of_leaf_is_an_error_and_leaves_values():
    x = tl.tensor([1.0, 2.0, 3.0], requires_grad=True)
    for make_view in (lambda t: t[1:], lambda t: t.view(3, 1), lambda t: t.T):
        v = make_view(x)
        with pytest.raises(RuntimeError, match="view of a leaf Variable"):
            v.mul_(2)
    assert x.tolist() == [1.0, 2.0, 3.0]
    with tl.no_grad():  # the optimizer pattern stays allowed
        x[1:].mul_(2)
    assert x.tolist() == [1.0, 4.0, 6.0]


def test_inplace_on_view_of_non_leaf_writes_through_to_the_base():
    # as PyTorch: the base's history is rebased (CopySlices), the gradient follows the write
    x = tl.tensor([1.0, 2.0, 3.0], requires_grad=True)
    h = x * 1
    h[1:].mul_(2)  # h = [x0, 2 x1, 2 x2]
    h[1:].__iadd__(1.0)
    h.reshape(3, 1)[0] = 5.0  # h = [5, 2 x1 + 1, 2 x2 + 1]
    assert h.tolist() == [5.0, 5.0, 7.0]
    # advanced indexing makes a copy: changing it in place is fine and leaves h alone
    c = h[[1, 2]]
    c.mul_(2)
    assert h.tolist() == [5.0, 5.0, 7.0]
    (c.sum() + h.sum()).backward()
    np.testing.assert_allclose(x.grad.numpy(), [0.0, 6.0, 6.0])
    # a clone of the view is independent of h
    v = h[1:].clone()
    v.mul_(2)
    assert h.tolist() == [5.0, 5.0, 7.0]


def test_backward_gradient_must_be_a_tensor():
    y = tl.tensor([1.0, 2.0], requires_grad=True) * 2
    with pytest.raises(TypeError, match="gradient must be a Tensor"):
        y.backward([1.0, 1.0])


def test_new_factory_methods_keep_dtype():
    i = tl.tensor([1, 2])
    assert i.new_zeros(2, 3).dtype == tl.int64 and i.new_zeros(2, 3).shape == (2, 3)
    assert i.new_ones((2,)).tolist() == [1, 1]
    assert i.new_full((2,), 7).tolist() == [7, 7]
    assert i.new_tensor([3]).dtype == tl.int64
    d = tl.tensor([1.0], dtype=tl.float64)
    assert d.new_empty(4).dtype == tl.float64
    assert d.new_zeros(1, requires_grad=True).requires_grad
    assert d.new_ones(2, dtype=tl.float32).dtype == tl.float32


def test_inplace_op_that_saves_its_output_checks_only_later_writes():
    x = tl.tensor([1.0, 2.0, 3.0], requires_grad=True)
    a = x * 1
    a.pow_(x)  # saves its output, which is a's memory: the write that made it does not count
    a.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), (np.log([1.0, 2.0, 3.0]) + 1) * [1.0, 4.0, 27.0])
    b = x * 1
    b.pow_(x)
    b.add_(1.0)  # a later write does
    with pytest.raises(RuntimeError, match="the output of PowBackward0"):
        b.sum().backward()


def test_inplace_on_a_saved_constant_makes_backward_raise():
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    a = tl.tensor([3.0, 4.0])  # needs no grad, but Mul saved it for x's gradient
    y = x * a
    a.add_(1.0)
    with pytest.raises(RuntimeError, match="input 1 of MulBackward0 is at version 1"):
        y.sum().backward()


@pytest.mark.parametrize(
    "write",
    [
        lambda y: y.add_(1.0),
        lambda y: y.reshape(4).add_(1.0),
        lambda y: y.detach().add_(1.0),
        lambda y: y[0].mul_(2.0),
    ],
    ids=["itself", "a view", "detach()", "an indexed view"],
)
def test_a_saved_output_written_without_recording_makes_backward_raise(write):
    # exp saves its output; the output's version counter is made only when first needed
    # (by the write, a view or detach) and must still reach the node that saved it
    x = tl.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    y = x.exp()
    loss = y.sum()
    with tl.no_grad():
        write(y)
    with pytest.raises(RuntimeError, match="the output of ExpBackward0 is at version 1"):
        loss.backward()


def test_a_saved_output_written_after_detach_in_place_makes_backward_raise():
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()
    loss = y.sum()
    y.detach_()
    y.add_(1.0)
    with pytest.raises(RuntimeError, match="ExpBackward0"):
        loss.backward()


def test_version_is_the_number_of_in_place_writes():
    x = tl.tensor([1.0, 2.0])
    v = x[0]
    assert x._version == 0 and v._version == 0
    x.add_(1.0)
    v.mul_(2.0)
    assert x._version == 2 and v._version == 2 and x.detach()._version == 2
    assert (x * 1)._version == 0


@pytest.mark.parametrize("convert", [lambda t: t.long(), lambda t: t.int(), lambda t: t.bool(),
                                     lambda t: t.to(tl.int64), lambda t: t.type(tl.int32)])  # fmt: skip
def test_casting_to_an_integer_or_bool_dtype_gives_a_tensor_without_grad(convert):
    x = tl.tensor([1.5, -2.0, 0.0], requires_grad=True)
    y = convert(x * 2)
    assert y.requires_grad is False and y.grad_fn is None and y.is_leaf
    np.testing.assert_array_equal(y.numpy(), (np.array([3.0, -4.0, 0.0])).astype(y.numpy().dtype))
    z = (x * 2).double()  # a float dtype still carries the gradient
    assert z.requires_grad and z.grad_fn.name() == "CastBackward0"


def test_pow_with_a_number_exponent_does_not_save_its_result():
    # as in PyTorch: only the exponent's gradient needs x**y, so a later in-place change
    # of the result does not invalidate the graph
    x = tl.tensor([1.0, 2.0, 3.0], requires_grad=True)
    a = x * 1
    a.pow_(2)
    a.add_(1.0)
    a.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 4.0, 6.0])
