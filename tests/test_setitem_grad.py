"""``t[index] = value`` under autograd writes (last write wins, inf/NaN overwritten) with
PyTorch's gradients (index_put_)."""

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite.autograd import gradcheck, gradgradcheck

INF, NAN = float("inf"), float("nan")

INDEXES = {
    "int": 1,
    "slice": slice(1, 3),
    "list": [0, 2],
    "repeated": [0, 0, 2],
    "mask": np.array([True, False, True, False]),
    "2d_pair": (np.array([0, 1]), np.array([1, 1])),
    "row_slice": (slice(None), 0),
}


def _shape(name):
    return (3, 2) if name in ("2d_pair", "row_slice") else (4,)


def _run(lib, name, data, v):
    x = lib.tensor(data, dtype=lib.float64, requires_grad=True)
    value = lib.tensor(v, dtype=lib.float64, requires_grad=True)
    y = x * 1
    index = INDEXES[name]
    if lib is not tl and isinstance(index, np.ndarray):
        index = lib.from_numpy(index)
    elif lib is not tl and isinstance(index, tuple) and isinstance(index[0], np.ndarray):
        index = tuple(lib.from_numpy(i) for i in index)
    y[index] = value
    w = lib.tensor(np.arange(1.0, y.numel() + 1).reshape(y.shape), dtype=lib.float64)
    (y * w).sum().backward()
    return y.detach().numpy(), x.grad.numpy(), value.grad.numpy()


def _value_for(name):
    return {"repeated": [5.0, 6.0, 7.0], "2d_pair": [5.0, 6.0], "mask": [5.0, 6.0]}.get(name, 5.0)


@pytest.mark.parametrize("name", sorted(INDEXES))
def test_setitem_overwrites_inf_and_nan(name):
    data = np.full(_shape(name), INF)
    data.reshape(-1)[1::2] = NAN
    y, gx, gv = _run(tl, name, data, _value_for(name))
    written = np.zeros(_shape(name), bool)
    written[INDEXES[name]] = True
    assert np.isfinite(y[written]).all()
    assert (gx[written] == 0).all() and np.isfinite(gv).all()


@pytest.mark.parametrize("name", sorted(INDEXES))
def test_setitem_values_and_grads_match_pytorch(name):
    torch = pytest.importorskip("torch")
    data = np.arange(np.prod(_shape(name)), dtype=np.float64).reshape(_shape(name)) + 1
    data.reshape(-1)[0] = INF
    ours = _run(tl, name, data, _value_for(name))
    theirs = _run(torch, name, data, _value_for(name))
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a, b)


def test_repeated_indices_last_write_wins():
    y = tl.zeros(3, requires_grad=True) * 1
    y[[0, 0, 1]] = tl.tensor([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(y.numpy(), [2.0, 3.0, 0.0])


@pytest.mark.parametrize("name", ["int", "slice", "list", "mask", "row_slice"])
def test_setitem_gradcheck(name):
    x = tl.tensor(np.random.default_rng(0).standard_normal(_shape(name)), requires_grad=True)
    v = tl.tensor(np.random.default_rng(1).standard_normal(np.zeros(_shape(name))[INDEXES[name]].shape), requires_grad=True)  # fmt: skip

    def f(a, b):
        y = a * a
        y[INDEXES[name]] = b * b
        return y

    assert gradcheck(f, (x, v))
    assert gradgradcheck(f, (x, v))


def test_masked_softmax_by_assignment_on_a_non_leaf():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    scores = rng.standard_normal((3, 4))
    mask = np.triu(np.ones((3, 4), bool), 1)
    grads = []
    for lib in (tl, torch):
        w = lib.tensor(scores, requires_grad=True)
        s = w * 2
        s[lib.tensor(mask)] = -1e6
        p = s.softmax(-1)
        (p * lib.tensor(np.arange(12.0).reshape(3, 4))).sum().backward()
        grads.append((p.detach().numpy(), w.grad.numpy()))
    np.testing.assert_allclose(grads[0][0], grads[1][0], rtol=1e-6)
    np.testing.assert_allclose(grads[0][1], grads[1][1], rtol=1e-6, atol=1e-12)
