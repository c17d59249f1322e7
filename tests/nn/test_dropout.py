"""Dropout module: training vs eval, statistics, seeding, repr, validation."""

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite import nn


def test_dropout_train_statistics_and_eval_identity():
    layer = nn.Dropout(0.25)
    tl.manual_seed(0)
    x = tl.ones(400, 250)
    out = layer(x).numpy()
    assert abs((out == 0).mean() - 0.25) < 0.01
    np.testing.assert_allclose(out[out != 0], 1 / 0.75, rtol=1e-6)
    layer.eval()
    assert layer(x) is x


def test_dropout_seeded_reproducible_and_varies_between_calls():
    layer = nn.Dropout(0.5)
    x = tl.ones(20, 20)
    tl.manual_seed(11)
    a, b = layer(x).numpy().copy(), layer(x).numpy().copy()
    tl.manual_seed(11)
    np.testing.assert_array_equal(layer(x).numpy(), a)
    assert not np.array_equal(a, b)


def test_dropout_in_model_follows_model_mode():
    model = nn.Sequential(nn.Linear(4, 4), nn.Dropout(0.9))
    x = tl.randn(3, 4)
    model.eval()
    np.testing.assert_array_equal(model(x).numpy(), model[0](x).numpy())


def test_dropout_repr_and_validation(torch):
    assert repr(nn.Dropout(0.3)) == repr(torch.nn.Dropout(0.3)) == "Dropout(p=0.3, inplace=False)"
    with pytest.raises(ValueError, match="between 0 and 1, but got 1.2"):
        nn.Dropout(1.2)


def test_dropout_eval_matches_torch_and_train_mean_is_preserved(torch):
    x = np.random.default_rng(0).standard_normal((300, 300)).astype(np.float32)
    ours, ref = nn.Dropout(0.4).eval(), torch.nn.Dropout(0.4).eval()
    np.testing.assert_array_equal(ours(tl.tensor(x)).numpy(), ref(torch.tensor(x)).numpy())
    ours.train()
    kept = ours(tl.tensor(np.ones_like(x))).numpy()
    assert abs(kept.mean() - 1.0) < 0.02


def test_inplace_dropout_writes_into_a_non_leaf_and_keeps_gradients():
    x = tl.ones(50, 50, requires_grad=True)
    h = x * 1.0
    tl.manual_seed(2)
    out = nn.Dropout(0.5, inplace=True)(h)
    assert out is h
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), h.numpy())
    assert set(np.unique(h.numpy())) <= {0.0, 2.0}
