"""Parameter: a leaf Tensor that requires grad, with PyTorch's repr and rules."""

import copy

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite import nn


def test_parameter_shares_data_requires_grad_and_is_a_tensor():
    t = tl.tensor([1.0, 2.0])
    p = nn.Parameter(t)
    assert isinstance(p, tl.Tensor) and p.requires_grad and p.is_leaf
    t.numpy()[0] = 5.0
    assert p.numpy()[0] == 5.0  # shares memory, as PyTorch
    assert not nn.Parameter(t, requires_grad=False).requires_grad
    assert nn.Parameter().shape == (0,)


def test_parameter_results_are_plain_tensors_and_deepcopy_keeps_type():
    p = nn.Parameter(tl.ones(2))
    assert type(p * 2) is tl.Tensor and type(p.detach()) is tl.Tensor
    q = copy.deepcopy(p)
    assert type(q) is nn.Parameter and q.requires_grad
    q.numpy()[0] = 3.0
    assert p.numpy()[0] == 1.0


def test_parameter_repr_matches_torch(torch):
    for values in ([1.0, 2.0], 2.5, [[0.5], [-1.0]]):
        ours = repr(nn.Parameter(tl.tensor(values)))
        ref = repr(torch.nn.Parameter(torch.tensor(values)))
        assert ours == ref
    assert repr(nn.Parameter(tl.tensor([1.0]), requires_grad=False)) == repr(
        torch.nn.Parameter(torch.tensor([1.0]), requires_grad=False)
    )


def test_integer_parameter_is_rejected_with_advice():
    with pytest.raises(RuntimeError, match="floating point"):
        nn.Parameter(tl.tensor([1, 2]))


def test_parameter_gradient_accumulates():
    p = nn.Parameter(tl.tensor([1.0, 2.0]))
    (p * p).sum().backward()
    (p * 3).sum().backward()
    np.testing.assert_array_equal(p.grad.numpy(), [2 + 3, 4 + 3])
