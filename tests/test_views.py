"""Views (basic indexing, iteration, view/reshape/squeeze, t/permute) share memory with
their base; in-place ops on them write into the base and are recorded as in PyTorch."""

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite.autograd import gradcheck, gradgradcheck


def test_basic_indexing_and_iteration_give_views_that_write_into_the_base():
    x = tl.zeros(3, 4)
    x[1].fill_(5)
    x[0, :].add_(1)
    x[:, 3].mul_(0)
    for row in x:
        row[2:].add_(2)
    v = x.view(12)
    v[0:2].sub_(10)
    x.reshape(4, 3)[3].copy_(tl.tensor([7.0, 8.0, 9.0]))
    x.t()[0].add_(100)
    want = np.zeros((3, 4))
    want[1] = 5
    want[0, :] += 1
    want[:, 3] *= 0
    want[:, 2:] += 2
    want.reshape(12)[:2] -= 10
    want.reshape(4, 3)[3] = [7, 8, 9]
    want.T[0] += 100
    np.testing.assert_array_equal(x.numpy(), want)


def test_a_view_of_a_leaf_under_no_grad_writes_the_leaf():
    w = tl.ones(2, 3, requires_grad=True)
    with tl.no_grad():
        w[0].sub_(1)
        w.view(6)[5].fill_(9)
    assert w.tolist() == [[0.0, 0.0, 0.0], [1.0, 1.0, 9.0]]
    assert w.is_leaf and w.requires_grad


@pytest.mark.parametrize(
    "write",
    [lambda w: w[1].fill_(5), lambda w: w[0].sub_(1), lambda w: w.view(6).mul_(10),
     lambda w: w.squeeze().zero_(), lambda w: w.t().add_(1)],
)  # fmt: skip
def test_a_view_of_a_leaf_that_requires_grad_raises_as_pytorch(write):
    w = tl.ones(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError, match="view of a leaf Variable that requires grad"):
        write(w)
    assert w.tolist() == [[1.0] * 3] * 2


def test_a_no_op_reshape_view_or_squeeze_is_a_new_tensor():
    x = tl.ones(2, 3, requires_grad=True)
    h = x * 1
    for same in (h.reshape(2, 3), h.view(2, 3), h.squeeze(), h.view_as(h), h.flatten(0, 0)):
        assert same is not h and same.grad_fn is not h.grad_fn
        assert np.shares_memory(same.numpy(), h.numpy())
    y = h.reshape(2, 3)
    y.retain_grad()
    seen = []
    y.register_hook(lambda g: seen.append(g))
    (h * 2).sum().backward()  # y is not on the path: its hooks and .grad stay untouched
    assert y.grad is None and seen == [] and h.grad is None


# Programs that write in place through views of tensors in a graph, run in both libraries.
def _prog_mul_view(lib, x):
    y = x * 2
    y[0].mul_(10)
    return y


def _prog_view_times_other_row(lib, x):
    y = x * 2
    y[0].mul_(x[1])
    return y


def _prog_setitem_on_a_view(lib, x):
    y = x * 2
    v = y.view(6)
    v[2:4] = 0.0
    return y * y


def _prog_view_of_a_view(lib, x):
    y = x.sin()  # (sin saves its input: its output may be written)
    w = y[0][1:]
    w.mul_(3)
    return y + w.sum()


def _prog_stale_view_after_base_write(lib, x):
    y = x * 2
    v = y[0]
    y.mul_(3)
    return v * v


def _prog_write_then_use_view_and_sibling(lib, x):
    y = x * 2
    a, b = y[0], y[0:1]
    a.mul_(x[1])
    return b * 2 + a.sum()


def _prog_fill_a_slice_of_a_buffer(lib, x):
    buf = lib.zeros(4, 3, dtype=x.dtype)
    s = x.sin()
    buf[1:3].copy_(s)
    buf[0].add_(s[0] * s[1])
    return buf * buf


def _prog_masked_softmax(lib, x):
    scores = x @ x.t()
    scores[lib.tensor([[False, True], [False, False]])] = -1e6
    return scores.softmax(-1)


def _prog_transpose_view(lib, x):
    y = x + 1
    y.t()[2].mul_(-1)
    return y


def _prog_rows_by_index(lib, x):
    y = x * 1
    for i in range(len(y)):
        y[i].mul_(i + 2)
    return y


def _prog_char_model_slice(lib, x):
    h = lib.zeros(3, 2, 3, dtype=x.dtype)
    for t in range(3):
        h[t] = (x * (t + 1)).tanh()
        h[t, 0].add_(h[t - 1, 1] if t else 0.0)
    return h.sum(0)


PROGRAMS = {f.__name__[6:]: f for f in [
    _prog_mul_view, _prog_view_times_other_row, _prog_setitem_on_a_view, _prog_view_of_a_view,
    _prog_stale_view_after_base_write, _prog_write_then_use_view_and_sibling,
    _prog_fill_a_slice_of_a_buffer, _prog_masked_softmax, _prog_transpose_view,
    _prog_rows_by_index, _prog_char_model_slice,
]}  # fmt: skip

X = np.array([[0.3, -1.2, 0.8], [1.5, 0.4, -0.7]])


def _run(lib, name):
    x = lib.tensor(X, dtype=lib.float64, requires_grad=True)
    out = PROGRAMS[name](lib, x)
    w = lib.tensor(np.arange(1.0, out.numel() + 1).reshape(out.shape), dtype=lib.float64)
    (out * w).sum().backward()
    return out.detach().numpy().copy(), x.grad.numpy().copy()


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_writes_through_views_match_pytorch(name):
    torch = pytest.importorskip("torch")
    ours, theirs = _run(tl, name), _run(torch, name)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-12)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_writes_through_views_gradcheck(name):
    x = tl.tensor(X, dtype=tl.float64, requires_grad=True)
    assert gradcheck(lambda t: PROGRAMS[name](tl, t), (x,))
    if (
        name != "masked_softmax"
    ):  # (-1e6 scores: finite differences of exp(-1e6) are fine, but slow to agree)
        assert gradgradcheck(lambda t: PROGRAMS[name](tl, t), (x,))


def test_mul_view_by_hand():
    x = tl.ones(2, 3, requires_grad=True)
    y = x * 2
    v = y[0]
    v.mul_(10)
    assert y.tolist() == [[20.0] * 3, [2.0] * 3] and v.tolist() == [20.0] * 3
    y.sum().backward()
    assert x.grad.tolist() == [[20.0] * 3, [2.0] * 3]
    assert type(y.grad_fn).__name__ == "Node" and y.grad_fn.name() == "CopySlicesBackward0"


def test_a_write_into_a_view_is_checked_against_saved_values():
    x = tl.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x.exp()  # exp saves its output
    z = y * 1
    y[1:].mul_(2)  # changes exp's saved output
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        (z.sum() + y.sum()).backward()


def test_versions_are_shared_between_a_view_and_its_base():
    x = tl.zeros(2, 2)
    v = x[0]
    v.add_(1)
    assert x._version == v._version == 1
    x.mul_(2)
    assert v._version == 2 and v.tolist() == [2.0, 2.0]


@pytest.mark.parametrize(
    "views", [lambda y: list(y), lambda y: y.unbind(0), lambda y: y.split(1), lambda y: y.chunk(2)]
)
def test_views_returned_together_refuse_a_recorded_write_as_pytorch(views):
    x = tl.ones(2, 3, requires_grad=True)
    with pytest.raises(
        RuntimeError, match="Output 0 of .* is a view and is being modified inplace"
    ):
        views(x * 1)[0].mul_(2)
    buf = tl.zeros(2, 3)  # not in a graph: writing is fine
    views(buf)[1].add_(1)
    assert buf.tolist() == [[0.0] * 3, [1.0] * 3]


def test_views_returned_together_match_pytorchs_refusal():
    torch = pytest.importorskip("torch")
    for lib in (tl, torch):
        x = lib.ones(2, 3, requires_grad=True)
        with pytest.raises(RuntimeError, match="Output 1 of .* is a view and is being modified"):
            for i, row in enumerate(x * 1):
                if i == 1:
                    row.mul_(2)
