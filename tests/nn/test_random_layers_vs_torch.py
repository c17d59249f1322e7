"""Random layers and inits of the conv and sequence families draw PyTorch's numbers after the
same manual_seed: orthogonal_, Dropout1d/2d masks, scaled_dot_product_attention's dropout."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_lite as tl

torch = pytest.importorskip("torch")


def _both(fn):
    out = []
    for T in (tl, torch):
        T.manual_seed(1234)
        out.append(np.asarray(fn(T).detach().numpy()))
    return out


@pytest.mark.parametrize("shape", [(3, 5), (6, 2), (4, 2, 3)])
def test_orthogonal_init_matches_pytorch(shape):
    ours, theirs = _both(lambda T: T.nn.init.orthogonal_(T.empty(*shape), gain=1.5))
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)  # (QR: LAPACK builds differ)


@pytest.mark.parametrize("layer,shape", [("Dropout2d", (3, 5, 2, 2)), ("Dropout1d", (3, 5, 4))])
def test_feature_dropout_masks_match_pytorch(layer, shape):
    ours, theirs = _both(lambda T: getattr(T.nn, layer)(0.4)(T.ones(*shape)))
    np.testing.assert_array_equal(ours, theirs)


def test_attention_dropout_matches_pytorch():
    q = np.random.default_rng(0).standard_normal((2, 2, 5, 4)).astype(np.float32)

    def run(T):
        x = T.tensor(q)
        return T.nn.functional.scaled_dot_product_attention(x, x, x, dropout_p=0.3)

    ours, theirs = _both(run)
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)
