"""Every primitive of ``primitives_conv`` called directly: first and second derivatives
against finite differences in float64, one table row each, and the table covers them all."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite import primitives_conv as P
from tinygrad_lite.autograd import gradcheck, gradgradcheck

RNG = np.random.default_rng(3)
SPEC = (
    (2, 1),
    (1, 0, 1, 2),
    (1, 2),
    1,
)  # stride, pads (top, bottom, left, right), dilation, groups
SPEC_G = ((1, 1), (0, 1, 1, 0), (1, 1), 2)
IDX = np.array([[[0, 5], [7, 3]]])  # plane indices into a (1, 1, 3, 3) input, non-repeating


def t(*shape):
    return tl.tensor(RNG.standard_normal(shape), dtype=tl.float64, requires_grad=True)


def _bn(x, w, b):
    return P.BatchNorm.apply(x, w, b, 1e-5, {})


CASES = {
    "Conv2d": (lambda x, w, b: P.Conv2d.apply(x, w, b, SPEC), [(2, 2, 5, 4), (3, 2, 2, 2), (3,)]),
    "Conv2d-groups": (
        lambda x, w: P.Conv2d.apply(x, w, None, SPEC_G),
        [(1, 4, 3, 3), (2, 2, 2, 2)],
    ),
    "ConvInput": (lambda g, w: P.ConvInput.apply(g, w, (5, 4), SPEC), [(2, 3, 3, 5), (3, 2, 2, 2)]),
    "ConvWeight": (
        lambda x, g: P.ConvWeight.apply(x, g, (2, 2), SPEC),
        [(2, 2, 5, 4), (2, 3, 3, 5)],
    ),
    "Im2Col": (lambda x: P.Im2Col.apply(x, (2, 2), SPEC) ** 2, [(1, 2, 4, 4)]),
    "Col2Im": (lambda c: P.Col2Im.apply(c, (4, 4), (2, 2), SPEC) ** 2, [(1, 8, 10)]),
    "PlaneGather": (lambda x: P.PlaneGather.apply(x, IDX[None], True) ** 2, [(1, 1, 3, 3)]),
    "PlaneScatter": (
        lambda g: P.PlaneScatter.apply(g, IDX[None], (1, 1, 3, 3), False) ** 2,
        [(1, 1, 2, 2)],
    ),  # fmt: skip
    "BatchNorm": (_bn, [(4, 3, 2), (3,), (3,)]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_first_and_second_derivatives(name):
    fn, shapes = CASES[name]
    inputs = [t(*s) for s in shapes]
    assert gradcheck(fn, inputs)
    assert gradgradcheck(fn, inputs)


def test_table_covers_every_conv_primitive_and_docstrings_are_math():
    used = set()
    for fn, shapes in CASES.values():
        inputs = [t(*s) for s in shapes]
        out = fn(*inputs)
        used |= {n.fn.__name__ for n in tl.autograd.tape([out])}
        grads = tl.autograd.grad(out.sum(), inputs, create_graph=True)
        used |= {n.fn.__name__ for n in tl.autograd.tape([g for g in grads if g is not None])}
    assert set(P.CONV_PRIMITIVES) - used == set()
    for name, cls in P.CONV_PRIMITIVES.items():
        assert (cls.__doc__ or "").strip().startswith("f("), name


def test_chunked_batches_give_the_unchunked_result(monkeypatch):
    x, w = RNG.standard_normal((5, 3, 6, 6)), RNG.standard_normal((4, 3, 3, 3))
    g = RNG.standard_normal((5, 4, 4, 4))
    spec = ((1, 1), (0, 0, 0, 0), (1, 1), 1)
    whole = [P.conv_arrays(x, w, None, spec), P.conv_input_arrays(g, w, (6, 6), spec),
             P.conv_weight_arrays(x, g, (3, 3), spec)]  # fmt: skip
    monkeypatch.setattr(P, "_CHUNK_BYTES", 1)  # one item per chunk
    parts = [P.conv_arrays(x, w, None, spec), P.conv_input_arrays(g, w, (6, 6), spec),
             P.conv_weight_arrays(x, g, (3, 3), spec)]  # fmt: skip
    for a, b in zip(whole, parts):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
