"""Fault battery, engine: every bad input ends in a clear error (type and message checked).

Each row of the tables below is one bad input: the call, the exception type it must raise
and the pieces the message must contain (the op's name, the shapes/dtypes involved and a
hint at the fix). Message checks are case-insensitive substring checks.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_lite as tl

BROADCAST_FIX = ("equal or one of them 1", "unsqueeze")


def _f32(*shape: int, rg: bool = False) -> tl.Tensor:
    return tl.randn(*shape, requires_grad=rg)


# --- broadcasting: every binary op, recorded (requires_grad) and not ---------------------
BINARY_OPS = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: a.abs() ** b,
    "maximum": lambda a, b: tl.maximum(a, b),
    "minimum": lambda a, b: tl.minimum(a, b),
    "where": lambda a, b: tl.where(a.detach() > 0, a, b),
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
    "logical_and": lambda a, b: tl.logical_and(a, b),
    "logical_or": lambda a, b: tl.logical_or(a, b),
    "bitwise_and": lambda a, b: (a > 0) & (b > 0),
    "bitwise_or": lambda a, b: (a > 0) | (b > 0),
    "bitwise_xor": lambda a, b: (a > 0) ^ (b > 0),
}

BROADCAST_CASES = [
    pytest.param(name, fn, rg, id=f"{name}-{'grad' if rg else 'nograd'}")
    for name, fn in BINARY_OPS.items()
    for rg in (True, False)
]


@pytest.mark.parametrize("name, fn, rg", BROADCAST_CASES)
def test_broadcast_mismatch_names_op_shapes_dtypes_and_fix(name, fn, rg):
    a, b = _f32(2, 3, rg=rg), _f32(4, 3, rg=rg)
    with pytest.raises(RuntimeError) as info:
        fn(a, b)
    msg = str(info.value)
    assert msg.startswith(name + ":"), msg
    assert "(2, 3)" in msg and "(4, 3)" in msg, msg
    assert ("float32" in msg) or ("bool" in msg), msg
    assert "dim -2" in msg, msg
    for piece in BROADCAST_FIX:
        assert piece in msg, msg


def test_broadcast_error_reports_both_dtypes():
    a = tl.randn(2, 3, dtype=tl.float64, requires_grad=True)
    b = tl.ones(3, 2, dtype=tl.float32)
    with pytest.raises(RuntimeError, match="float64 and float32"):
        a * b


def test_broadcast_error_is_not_numpys_valueerror():
    # The raw NumPy error must not escape: users catch RuntimeError, as with PyTorch.
    with pytest.raises(RuntimeError) as info:
        _f32(3, rg=True) + _f32(4, rg=True)
    assert not isinstance(info.value, ValueError)
    assert "add" in str(info.value)


_dims = st.lists(st.integers(1, 4), min_size=0, max_size=4)


@given(_dims, _dims)
def test_broadcast_errors_exactly_when_numpy_cannot_broadcast(s1, s2):
    a = tl.zeros(*s1, dtype=tl.float64, requires_grad=True) if s1 else tl.tensor(0.0)
    b = tl.zeros(*s2, dtype=tl.float64)
    try:
        expected = np.broadcast_shapes(tuple(s1), tuple(s2))
    except ValueError:
        expected = None
    if expected is not None:
        assert (a * b).shape == expected
        return
    with pytest.raises(RuntimeError) as info:
        a * b
    msg = str(info.value)
    assert str(tuple(s1)) in msg and str(tuple(s2)) in msg
    # the reported dim really is where the right-aligned sizes clash
    k = int(msg.split("at dim ")[1].split(" ")[0])
    assert s1[k] != s2[k] and 1 not in (s1[k], s2[k])


def test_inplace_broadcast_mismatch():
    t = tl.zeros(2, 3)
    with pytest.raises(RuntimeError) as info:
        t.add_(tl.ones(4, 3))
    msg = str(info.value)
    assert "add_" in msg and "(2, 3)" in msg and "(4, 3)" in msg


# --- everything else: one row per bad input ---------------------------------------------
def _second_backward():
    x = _f32(3, rg=True)
    y = (x * x).sum()
    y.backward()
    y.backward()


def _inplace_on_saved_input():
    x = _f32(3, rg=True)
    h = x * 1
    y = h.sin()  # saves h
    h.add_(1)
    y.sum().backward()


def _inplace_on_saved_output():
    x = _f32(3, rg=True)
    y = x.exp()  # saves its output
    y.mul_(2)
    y.sum().backward()


def _inplace_on_saved_leaf_data():
    w = _f32(3, rg=True)
    y = (w * w).sum()
    with tl.no_grad():
        w.add_(1)  # what an optimizer step before backward would do
    y.backward()


def _nonscalar_backward():
    (_f32(3, rg=True) * 2).backward()


def _grad_output_shape():
    (_f32(3, rg=True) * 2).backward(gradient=tl.ones(2))


def _unused_input():
    x, z = _f32(3, rg=True), _f32(3, rg=True)
    tl.autograd.grad((x * 2).sum(), [z])


class _WrongShapeGrad(tl.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return tl.ones(5)


class _TooFewGrads(tl.autograd.Function):
    @staticmethod
    def forward(ctx, x, y):
        return x * y

    @staticmethod
    def backward(ctx, g):
        return g


class _NotATensorGrad(tl.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return "oops"


def _hook_changes_shape():
    x = _f32(2, rg=True)
    x.register_hook(lambda g: tl.ones(3))
    (x * 2).sum().backward()


def _user_fn(fn, n=1):
    xs = [_f32(2, rg=True) for _ in range(n)]
    fn.apply(*xs).sum().backward()


ERROR_CASES = [
    # (id, call, exception type, pieces of the message)
    ("matmul-2d", lambda: _f32(2, 3) @ _f32(2, 3), RuntimeError,
     ("matmul", "(2, 3)", "inner dimensions 3 and 2", "transpose")),
    ("matmul-vec", lambda: _f32(3) @ _f32(4), RuntimeError, ("matmul", "(3,)", "(4,)")),
    ("matmul-mat-vec", lambda: _f32(2, 3) @ _f32(4), RuntimeError,
     ("matmul", "(2, 3)", "(4,)", "inner dimensions 3 and 4")),
    ("matmul-batch", lambda: _f32(5, 2, 3) @ _f32(4, 3, 2), RuntimeError,
     ("matmul", "(5, 2, 3)", "(4, 3, 2)", "batch", "(5,)", "(4,)")),
    ("matmul-grad", lambda: _f32(2, 3, rg=True) @ _f32(4, 5, rg=True), RuntimeError,
     ("matmul", "(2, 3)", "(4, 5)", "inner dimensions 3 and 4")),
    ("matmul-0d", lambda: tl.matmul(tl.tensor(1.0), _f32(3)), RuntimeError,
     ("matmul", "at least 1 dimension")),
    ("mm-1d", lambda: tl.mm(_f32(3), _f32(3, 3)), RuntimeError, ("mm", "2-D", "(3,)")),
    ("bmm-batch", lambda: tl.bmm(_f32(2, 3, 4), _f32(3, 4, 5)), RuntimeError,
     ("bmm", "(2, 3, 4)", "(3, 4, 5)")),
    ("dot-size", lambda: tl.dot(_f32(3), _f32(4)), RuntimeError, ("dot", "[3]", "[4]")),
    ("backward-nonscalar", _nonscalar_backward, RuntimeError,
     ("scalar outputs", "(3,)", "sum()", "gradient=")),
    ("backward-grad-shape", _grad_output_shape, RuntimeError, ("shape", "(2,)", "(3,)")),
    ("backward-no-grad", lambda: _f32(3).sum().backward(), RuntimeError,
     ("does not require grad", "requires_grad=True")),
    ("backward-twice", _second_backward, RuntimeError,
     ("MulBackward0", "second time", "retain_graph=True")),
    ("int-requires-grad", lambda: tl.tensor([1, 2], requires_grad=True), RuntimeError,
     ("floating point", "int64", ".float()")),
    ("int-requires-grad_", lambda: tl.arange(3).requires_grad_(), RuntimeError,
     ("floating point", "int64")),
    ("bool-requires-grad", lambda: tl.zeros(2, dtype=tl.bool).requires_grad_(), RuntimeError,
     ("floating point", "bool")),
    ("int-zeros-requires-grad", lambda: tl.zeros(3, dtype=tl.int32, requires_grad=True),
     RuntimeError, ("floating point", "int32")),
    ("version-saved-input", _inplace_on_saved_input, RuntimeError,
     ("modified by an inplace operation", "SinBackward0", "version 1", "changed after")),
    ("version-saved-output", _inplace_on_saved_output, RuntimeError,
     ("modified by an inplace operation", "ExpBackward0", "output", "clone()")),
    ("version-saved-leaf", _inplace_on_saved_leaf_data, RuntimeError,
     ("modified by an inplace operation", "MulBackward0")),
    ("inplace-leaf", lambda: _f32(3, rg=True).add_(1), RuntimeError,
     ("add_", "leaf", "no_grad")),
    ("inplace-setitem-leaf", lambda: _f32(3, rg=True).__setitem__(0, 1.0), RuntimeError,
     ("__setitem__", "leaf", "no_grad")),
    ("grad-unused", _unused_input, RuntimeError, ("not have been used", "allow_unused=True")),
    ("grad-input-no-rg", lambda: tl.autograd.grad(_f32(3, rg=True).sum(), [_f32(3)]),
     RuntimeError, ("does not require grad",)),
    ("reshape-size", lambda: _f32(2, 3).reshape(4), RuntimeError,
     ("reshape", "[4]", "size 6", "(2, 3)")),
    ("view-infer", lambda: _f32(2, 3).view(-1, 4), RuntimeError, ("reshape", "[-1, 4]", "6")),
    ("expand", lambda: _f32(2, 3).expand(4, 3), RuntimeError,
     ("expand", "(4)", "(2)", "dimension 0")),
    ("cat", lambda: tl.cat([_f32(2, 3), _f32(2, 4)]), RuntimeError,
     ("cat", "(2, 3)", "(2, 4)", "dimension 0")),
    ("stack", lambda: tl.stack([_f32(2, 3), _f32(2, 4)]), RuntimeError,
     ("stack", "(2, 3)", "(2, 4)")),
    ("sum-dim", lambda: _f32(2, 3).sum(2), IndexError, ("sum", "out of range", "[-2, 1]")),
    ("amax-dim", lambda: _f32(2, 3).amax(5), IndexError, ("amax", "out of range", "5")),
    ("softmax-dim", lambda: _f32(2, 3).softmax(3), IndexError, ("softmax", "out of range")),
    ("permute-repeat", lambda: _f32(2, 3).permute(0, 0), RuntimeError, ("permute", "repeated")),
    ("permute-count", lambda: _f32(2, 3).permute(0), RuntimeError, ("permute", "2 dims", "1")),
    ("item", lambda: _f32(2, 3).item(), RuntimeError, ("item", "6 elements")),
    ("bool", lambda: bool(_f32(2, 3)), RuntimeError, ("ambiguous", "any()")),
    ("index", lambda: _f32(2, 3)[2], IndexError, ("index 2", "size 2")),
    ("float-index", lambda: _f32(3)[tl.tensor([1.0])], IndexError, ("long", "float32")),
    ("gather-range", lambda: _f32(2, 3).gather(1, tl.tensor([[5]])), IndexError,
     ("gather", "5", "size 3")),
    ("mean-int", lambda: tl.arange(3).mean(), RuntimeError, ("mean", "floating point", "int64")),
    ("split-zero", lambda: _f32(3).split(0), RuntimeError, ("split", "positive")),
    ("clamp-none", lambda: _f32(3).clamp(), RuntimeError, ("clamp", "min", "max")),
    ("where-cond", lambda: tl.where(_f32(3), _f32(3), _f32(3)), RuntimeError,
     ("where", "bool", "float32")),
    ("cuda", lambda: _f32(2).to("cuda"), RuntimeError, ("cuda", "cpu")),
    ("int-pow-neg", lambda: tl.tensor([2, 3]) ** tl.tensor([-1, 2]), RuntimeError,
     ("pow", "negative integer powers", "int64")),
    ("bool-sub", lambda: tl.tensor([True]) - tl.tensor([False]), RuntimeError,
     ("sub", "bool", "(1,)")),
    ("function-grad-shape", lambda: _user_fn(_WrongShapeGrad), RuntimeError,
     ("_WrongShapeGradBackward", "invalid gradient at index 0", "[5]", "[2]")),
    ("function-grad-count", lambda: _user_fn(_TooFewGrads, 2), RuntimeError,
     ("_TooFewGradsBackward", "incorrect number of gradients", "expected 2, got 1")),
    ("function-grad-type", lambda: _user_fn(_NotATensorGrad), TypeError,
     ("_NotATensorGradBackward", "str", "Tensors")),
    ("hook-changes-shape", _hook_changes_shape, RuntimeError,
     ("hook", "(3,)", "(2,)", "not its shape")),
]  # fmt: skip


@pytest.mark.parametrize(
    "call, exc, pieces", [pytest.param(c, e, p, id=i) for i, c, e, p in ERROR_CASES]
)
def test_bad_input_gives_clear_error(call, exc, pieces):
    with pytest.raises(exc) as info:
        call()
    msg = str(info.value).lower()
    for piece in pieces:
        assert piece.lower() in msg, f"{piece!r} not in {msg!r}"


def test_retain_graph_allows_second_backward():
    # the counterpart of "backward-twice": with retain_graph the same call is fine
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * 2 * np.array([1.0, 2.0]))


def test_error_leaves_no_half_recorded_state():
    # after a failed op the tensors are untouched and later ops still differentiate
    x = tl.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with pytest.raises(RuntimeError):
        x * tl.ones(2)
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 4.0, 6.0])
    assert x.grad_fn is None and x._version == 0
