"""viz.Live: one output cell redrawn in place in Jupyter, printed lines elsewhere."""

from __future__ import annotations

import io

import pytest

import tinygrad_lite as torch
from tinygrad_lite import viz


def _train(live, n_iter=6, lr=0.1):
    m = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    x = torch.tensor([-2.0, 3.0], dtype=torch.float64)
    y = 2 * x + 1
    names = {"m": m, "b": b, "x": x, "y": y}
    for step in range(n_iter):
        loss = ((m * x + b - y) ** 2).mean()
        loss.backward()
        live.update(step, loss, names)
        with torch.no_grad():
            m -= lr * m.grad
            b -= lr * b.grad
        m.grad = b.grad = None
    return m, b


def test_outside_jupyter_it_prints_every_kth_step():
    out = io.StringIO()
    live = viz.Live(every=3, notebook=False, file=out)
    _train(live)
    lines = out.getvalue().splitlines()
    assert [ln.split(":")[0] for ln in lines] == ["step 0", "step 3"]
    # step 0 at m = b = 0: loss 29, dL/dm = -27, dL/db = -4
    assert lines[0] == "step 0: loss 29   m = 0 (grad -27)   b = 0 (grad -4)"
    assert len(live.losses) == 6 and live.losses[0] == (0, 29.0)


def test_in_a_notebook_one_display_handle_is_updated_in_place(monkeypatch):
    pytest.importorskip("IPython")
    import IPython.display as disp

    shown, updated = [], []

    class Handle:
        def update(self, obj):
            updated.append(obj.data)

    def fake_display(obj, display_id=False):
        assert display_id is True  # an updatable output
        shown.append(obj.data)
        return Handle()

    monkeypatch.setattr(disp, "display", fake_display)
    live = viz.Live(every=2, notebook=True, graph=False)
    _train(live)
    assert len(shown) == 1 and len(updated) == 2  # steps 0, 2, 4: one cell, two redraws
    assert "<b>step 4</b>" in updated[-1] and "<polyline" in updated[-1]
    assert "<td>m</td>" in updated[-1]


def test_every_must_be_positive():
    with pytest.raises(ValueError, match="every"):
        viz.Live(every=0)
