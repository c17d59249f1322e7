"""Bad input gets a clear error naming the op, never a raw NumPy error, never silent
acceptance of what PyTorch refuses. The sweep (``bad_input_sweep``) calls every public
function and method with non-tensors where tensors go; the rest are single cases, each
asserted by exception type and message."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_lite as tl
import tinygrad_lite.nn.functional as F

from . import bad_input_sweep

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


# --- the sweep -------------------------------------------------------------------------------
def test_every_public_op_refuses_non_tensors_with_a_clear_error():
    outcomes, untested = bad_input_sweep.sweep()
    bad = [str(o) for o in outcomes if not o.ok]
    assert len(outcomes) > 1500  # the sweep reached the API (about 1,700 calls)
    assert not bad, f"{len(bad)} of {len(outcomes)} bad calls without a clear error:\n" + "\n".join(
        bad[:20]
    )
    # only factories of sizes/numbers and the global random/determinism switches (no tensor
    # argument to replace) lack a good call
    assert set(untested) <= {
        "tinygrad_lite.arange", "tinygrad_lite.empty", "tinygrad_lite.eye", "tinygrad_lite.full",
        "tinygrad_lite.linspace", "tinygrad_lite.ones", "tinygrad_lite.rand",
        "tinygrad_lite.randint", "tinygrad_lite.randn", "tinygrad_lite.randperm",
        "tinygrad_lite.zeros", "Tensor.grad_fn", "Tensor.new_full",
        "tinygrad_lite.get_rng_state", "tinygrad_lite.set_rng_state",
        "tinygrad_lite.use_deterministic_algorithms",
        "tinygrad_lite.are_deterministic_algorithms_enabled",
        "tinygrad_lite.is_deterministic_algorithms_warn_only_enabled",
        "tinygrad_lite.logspace", "tinygrad_lite.get_num_threads", "tinygrad_lite.set_num_threads",
        "Tensor.grad",
    }  # fmt: skip


def test_the_sweep_reports_an_attribute_error_as_a_failure():
    """A function that fails with AttributeError on a list is caught by the sweep's rule."""
    o = bad_input_sweep.Outcome("tinygrad_lite.exp", 1, [1.0], AttributeError("'list' ..."))
    assert not o.ok
    assert not bad_input_sweep.Outcome("tinygrad_lite.exp", 1, [1.0], None).ok  # silent
    assert not bad_input_sweep.Outcome("tinygrad_lite.exp", 1, [1.0], TypeError("bad")).ok
    assert bad_input_sweep.Outcome("tinygrad_lite.exp", 1, [1.0], TypeError("exp(): x")).ok


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: tl.exp([1.0, 2.0]),
            r"exp\(\): argument 'input' \(position 1\) must be Tensor, not list",
        ),
        (
            lambda: tl.add(tl.ones(2), None),
            r"add\(\): argument 'other' \(position 2\) must be Tensor, not NoneType",
        ),
        (
            lambda: tl.ones(2).add("a"),
            r"add\(\): argument 'other' \(position 1\) must be Tensor, not str",
        ),
        (
            lambda: tl.softmax([1.0], 0),
            r"softmax\(\): argument 'input' \(position 1\) must be Tensor, not list",
        ),
        (
            lambda: tl.cat([tl.ones(1), None]),
            r"cat\(\): expected Tensor as element 1 in argument 'tensors'",
        ),
        (
            lambda: tl.stack(None),
            r"stack\(\): argument 'tensors' \(position 1\) must be a tuple or list of Tensors",
        ),
        (
            lambda: tl.ones(2, 3).gather(0, [[0]]),
            r"gather\(\): argument 'index' \(position 2\) must be Tensor, not list",
        ),
        (
            lambda: tl.zeros_like([1]),
            r"zeros_like\(\): argument 'input' \(position 1\) must be Tensor, not list",
        ),
        (
            lambda: F.mse_loss(tl.ones(2), [1.0, 2.0]),
            r"mse_loss\(\): argument 'target' \(position 2\) must be Tensor, not list",
        ),
        (
            lambda: F.linear(tl.ones(2), None),
            r"linear\(\): argument 'weight' \(position 2\) must be Tensor, not NoneType",
        ),
        (
            lambda: tl.ones(2).copy_(None),
            r"copy_\(\): argument 'src' \(position 1\) must be Tensor, not NoneType",
        ),
        (lambda: tl.ones(2).masked_fill([True, False], 1.0), r"masked_fill\(\): argument 'mask'"),
        (
            lambda: tl.ones(2).fill_([1.0]),
            r"fill_\(\): argument 'value' must be a Number, not list",
        ),
        (
            lambda: tl.full_like(tl.ones(2), None),
            r"full_like\(\): argument 'fill_value' must be a Number",
        ),
        (lambda: tl.full((2,), "a"), r"full\(\): argument 'fill_value' must be a Number"),
        (
            lambda: tl.normal([1.0, 2.0]),
            r"normal\(\): argument 'mean' \(position 1\) must be Tensor, not list",
        ),
        (lambda: tl.linspace(None, 1, 3), r"linspace\(\): argument 'start' must be a Number"),
    ],
)
def test_non_tensor_arguments_raise_type_error_naming_op_and_argument(call, message):
    with pytest.raises(TypeError, match=message):
        call()


def test_a_number_as_input_is_refused_unless_pytorch_takes_one():
    with pytest.raises(
        TypeError, match=r"exp\(\): argument 'input' \(position 1\) must be Tensor, not float"
    ):
        tl.exp(2.0)
    with pytest.raises(
        TypeError, match=r"softmax\(\): argument 'input' \(position 1\) must be Tensor, not int"
    ):
        tl.softmax(1, 0)
    with pytest.raises(TypeError, match=r"sum\(\): argument 'input'"):
        tl.sum(np.float64(3.0))
    np.testing.assert_allclose(tl.add(2, tl.ones(2)).numpy(), [3.0, 3.0])  # torch.add(2, x)
    np.testing.assert_allclose(tl.pow(2, tl.ones(2)).numpy(), [2.0, 2.0])


def test_checked_ops_still_take_numbers_and_none_where_pytorch_does():
    x = tl.tensor([1.0, -2.0, 3.0])
    np.testing.assert_allclose(tl.add(x, 2).numpy(), [3.0, 0.0, 5.0])
    np.testing.assert_allclose(tl.where(x > 0, x, 0.0).numpy(), [1.0, 0.0, 3.0])
    np.testing.assert_allclose(tl.clamp(x, min=None, max=1.0).numpy(), [1.0, -2.0, 1.0])
    np.testing.assert_allclose(F.linear(x, tl.ones(1, 3), None).numpy(), [2.0])
    assert tl.cat((x, x)).shape == (6,)


# --- no raw NumPy errors -----------------------------------------------------------------------
def test_zero_dim_tensor_indexed_by_a_bool_or_a_mask():
    s = tl.tensor(2.0, requires_grad=True)
    assert s[True].shape == (1,) and s[False].shape == (0,)
    y = s[s > 0]
    assert y.shape == (1,) and y.item() == 2.0
    y.sum().backward()
    assert s.grad.item() == 1.0
    assert s[s < 0].shape == (0,)


@pytest.mark.parametrize("fn", [tl.softmax, tl.log_softmax, F.softmax, F.log_softmax])
@pytest.mark.parametrize("shape, dim", [((0, 3), 0), ((0, 3), 1), ((2, 0), 1), ((0,), 0)])
def test_softmax_over_an_empty_tensor_is_empty(fn, shape, dim):
    x = tl.zeros(*shape, requires_grad=True)
    y = fn(x, dim=dim)
    assert y.shape == shape
    y.sum().backward()
    assert x.grad.shape == shape


def test_argmax_of_an_empty_tensor():
    with pytest.raises(
        IndexError,
        match=r"argmax\(\): Expected reduction dim to be specified for input.numel\(\) == 0",
    ):
        tl.zeros(0).argmax()
    with pytest.raises(
        IndexError, match=r"argmin\(\): Expected reduction dim 0 to have non-zero size"
    ):
        tl.zeros(0, 3).argmin(0)
    assert tl.zeros(0, 3).argmax(1).shape == (0,)


def test_cat_of_zero_dim_tensors():
    with pytest.raises(
        RuntimeError,
        match=r"cat\(\): zero-dimensional tensor \(at position 0\) cannot be concatenated",
    ):
        tl.cat([tl.tensor(1.0), tl.tensor(2.0)])
    assert tl.stack([tl.tensor(1.0), tl.tensor(2.0)]).shape == (2,)


def test_linear_with_no_input_features():
    layer = tl.nn.Linear(0, 3)
    out = layer(tl.zeros(2, 0))
    np.testing.assert_array_equal(out.numpy(), np.broadcast_to(layer.bias.detach().numpy(), (2, 3)))


def test_uint8_arithmetic_wraps_as_pytorch():
    a = tl.tensor([250, 3], dtype=tl.uint8)
    assert (a + 10).tolist() == [4, 13]
    assert (a * tl.tensor([2, 2], dtype=tl.uint8)).tolist() == [244, 6]
    assert (a - 5).tolist() == [245, 254]


def test_tensor_of_strings_or_ragged_lists():
    with pytest.raises(TypeError, match="tensor: unsupported element type"):
        tl.tensor(["a"])
    with pytest.raises(ValueError, match="tensor: could not make a tensor from list"):
        tl.tensor([[1, 2], [3]])


def test_linear_with_a_broadcast_bias_transposes_the_weight():
    x, w = tl.ones(1, 1), tl.tensor([[1.0], [2.0], [3.0]])
    out = F.linear(x, w, tl.tensor([0.5]))
    np.testing.assert_allclose(out.numpy(), [[1.5, 2.5, 3.5]])


def test_diag_of_a_vector_keeps_inf_and_nan_on_the_diagonal():
    d = tl.tensor([np.nan, np.inf]).diag().numpy()
    assert np.isnan(d[0, 0]) and d[1, 1] == np.inf and d[0, 1] == 0 and d[1, 0] == 0


def test_fill_and_zero_overwrite_inf_and_nan():
    x = tl.tensor([np.nan, np.inf, 1.0], requires_grad=True)
    y = x * 1
    y.fill_(0.25)
    np.testing.assert_array_equal(y.numpy(), [0.25] * 3)
    y.sum().backward()
    # the write cuts x off: no gradient reaches it (PyTorch: zeros; here None, see CopyFrom)
    assert x.grad is None or not x.grad.numpy().any()
    z = x * 1
    z.zero_()
    np.testing.assert_array_equal(z.numpy(), [0.0] * 3)
    with pytest.raises(RuntimeError, match="fill_: only supports a 0-dimension value tensor"):
        tl.ones(2).fill_(tl.ones(2))


# --- refuse what PyTorch refuses -----------------------------------------------------------------
X = tl.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])


@pytest.mark.parametrize(
    "call, error, message",
    [
        (
            lambda: X.narrow(1, 2, 3),
            RuntimeError,
            r"narrow\(\): start \(2\) \+ length \(3\) exceeds dimension size \(3\)",
        ),
        (lambda: tl.narrow(X, 1, 0, -1), RuntimeError, r"narrow\(\): .*length is negative"),
        (
            lambda: X.narrow(0, 5, 0),
            IndexError,
            r"narrow\(\): start 5 out of range for dimension 0 of size 2",
        ),
        (
            lambda: X.index_select(1, tl.tensor([-1])),
            RuntimeError,
            r"index_select\(\): index -1 is out of range for dimension 1 of size 3",
        ),
        (
            lambda: X.index_select(1, tl.tensor([0, 3])),
            RuntimeError,
            r"index_select\(\): index 3 is out of range",
        ),
        (
            lambda: F.pad(X, (-2, -2)),
            RuntimeError,
            r"pad: padding \(-2, -2\) crops dim 1 of size 3 past its size",
        ),
        (
            lambda: tl.zeros(2, 2, 2).diag(),
            RuntimeError,
            r"diag\(\): Supports 1D or 2D tensors. Got 3D",
        ),
        (
            lambda: tl.zeros(3).trace(),
            RuntimeError,
            r"trace\(\): expected a matrix, but got tensor with dim 1",
        ),
        (
            lambda: ~X,
            TypeError,
            r"only implemented on integer and Boolean-type tensors, got tinygrad_lite.float32",
        ),
        (
            lambda: X.reshape(2.5, -1),
            TypeError,
            r"reshape\(\): sizes must be integers, got \(2.5, -1\)",
        ),
        (lambda: X.view(2.0, 3), TypeError, r"reshape\(\): sizes must be integers"),
        (lambda: X.expand(2.0, 3), TypeError, r"expand\(\): sizes must be integers"),
        (
            lambda: tl.arange(-1),
            RuntimeError,
            r"arange: upper bound \(-1\) and lower bound \(0\) inconsistent with step sign",
        ),
        (lambda: tl.arange(0, 5, -1), RuntimeError, r"arange: .*inconsistent with step sign"),
        (
            lambda: tl.randperm(-1),
            RuntimeError,
            r"Trying to create tensor with negative dimension -1",
        ),
        (
            lambda: tl.full((2,), float("nan"), dtype=tl.int64),
            RuntimeError,
            r"full: value nan cannot be converted to type int64 without overflow",
        ),
        (
            lambda: tl.full((2,), 300, dtype=tl.uint8),
            RuntimeError,
            r"full: value 300 cannot be converted to type uint8",
        ),
        (
            lambda: tl.full_like(tl.ones(2, dtype=tl.int64), float("inf")),
            RuntimeError,
            r"full_like: value inf cannot be converted",
        ),
        (
            lambda: tl.tensor(2**63),
            ValueError,
            r"tensor: value 9223372036854775808 is too large for int64",
        ),
        (
            lambda: X.clone().__setitem__(0, None),
            TypeError,
            r"__setitem__: can't assign a NoneType to a Tensor",
        ),
        (lambda: X.clone().__setitem__(0, "a"), TypeError, r"can't assign a str to a Tensor"),
        (
            lambda: X.clone().copy_(None),
            TypeError,
            r"copy_\(\): argument 'src' \(position 1\) must be Tensor, not NoneType",
        ),
        (
            lambda: tl.set_default_dtype(None),
            TypeError,
            r"set_default_dtype: expected a floating dtype",
        ),
        (
            lambda: setattr(X.clone(), "data", None),
            TypeError,
            r"Variable data has to be a tensor, but got NoneType",
        ),
    ],
)
def test_refuses_what_pytorch_refuses(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_the_refusals_leave_valid_calls_alone():
    assert X.narrow(1, -1, 1).tolist() == [[3.0], [6.0]]
    assert X.narrow(1, 3, 0).shape == (2, 0)
    assert F.pad(X, (-3, 0)).shape == (2, 0)
    assert tl.arange(0).shape == (0,) and tl.arange(3, 0, -1).tolist() == [3, 2, 1]
    assert tl.randperm(0).shape == (0,)
    assert tl.full((2,), 7, dtype=tl.int64).tolist() == [7, 7]
    assert tl.tensor(2**63 - 1).item() == 2**63 - 1
    assert (~tl.tensor([True, False])).tolist() == [False, True]
    assert (~tl.tensor([0, 5])).tolist() == [-1, -6]
    assert tl.get_default_dtype() == tl.float32
    assert X.reshape(np.int64(3), 2).shape == (3, 2)


def test_refusals_match_pytorch_where_it_is_installed():
    torch = pytest.importorskip("torch")
    cases = [
        lambda L: L.tensor([[1.0, 2.0, 3.0]]).narrow(1, 2, 3),
        lambda L: L.zeros(2, 2, 2).diag(),
        lambda L: L.zeros(3).trace(),
        lambda L: ~L.ones(2),
        lambda L: L.arange(-1),
        lambda L: L.randperm(-1),
        lambda L: L.full((2,), float("nan"), dtype=L.int64),
        lambda L: L.cat([L.tensor(1.0), L.tensor(2.0)]),
        lambda L: L.zeros(0).argmax(),
        lambda L: L.ones(2).copy_(None),
        lambda L: L.set_default_dtype(None),
    ]
    for case in cases:
        for lib in (torch, tl):
            with pytest.raises((RuntimeError, TypeError, ValueError, IndexError)):
                case(lib)
    torch.set_default_dtype(torch.float32)


def test_shapes_with_zero_size_dims_found_by_the_fuzzer():
    assert tl.ones(3)[[]].shape == (0,)  # an empty index list is an empty int index
    assert tl.zeros(4, 3, 0).flatten(0, 1).shape == (12, 0)
    assert tl.zeros(2, 0, 4).unflatten(0, (2, -1)).shape == (2, 1, 0, 4)
    assert tl.zeros(4, 0).unflatten(1, (-1, 2)).shape == (4, 0, 2)
    assert tl.ones(2, 3).narrow(1, 1, 2).shape == (2, 2)  # Tensor.narrow exists


@pytest.mark.parametrize("engine", ["fast", "reference"])
def test_hot_paths_refuse_lists_without_a_wrapper(engine):
    """matmul, the operators and the methods the fast engine binds to its applies have no
    argument-check wrapper: a list still gets a TypeError (from the engine's own checks)."""
    from tinygrad_lite.autograd import fast

    with fast.use_engine(engine):
        x = tl.ones(2)
        with pytest.raises(TypeError, match=r"matmul\(\): argument 'other' \(position 1\)"):
            x.matmul([1.0, 1.0])
        with pytest.raises(TypeError, match=r"matmul\(\): argument 'other' \(position 2\)"):
            tl.matmul(x, [1.0, 1.0])
        with pytest.raises(TypeError, match="cannot promote a list"):
            x + [1.0, 2.0]
        with pytest.raises(
            TypeError, match=r"unsupported operand type\(s\) for \+: 'Tensor' and 'str'"
        ):
            x + "a"
        with pytest.raises(TypeError, match=r"for \*: 'Tensor' and 'NoneType'"):
            x * None
        with pytest.raises(TypeError, match=r"maximum\(\): argument 'other' \(position 2\)"):
            tl.maximum(x, 1.0)  # (PyTorch: a number needs clamp)
        with pytest.raises(TypeError, match=r"minimum\(\): argument 'other' \(position 1\)"):
            x.minimum(0.0)
        with pytest.raises(TypeError, match=r"add\(\): argument 'other' \(position 1\)"):
            x.add([1.0, 2.0])
        with pytest.raises(TypeError, match=r"mean\(\): argument 'input' \(position 1\)"):
            tl.mean([1.0, 2.0])
        with pytest.raises(TypeError, match=r"relu\(\): argument 'input' \(position 1\)"):
            tl.relu([1.0, 2.0])
        assert (x == None) is False  # noqa: E711 - PyTorch's answer, not an error
        assert (x @ tl.ones(2)).item() == 2.0 and (x + 1).tolist() == [2.0, 2.0]
