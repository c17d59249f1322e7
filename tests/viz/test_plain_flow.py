"""After a plain ``loss.backward()`` every tool shows every value, with one naming."""

from __future__ import annotations

import re

import numpy as np
import pytest

import tinygrad_lite as torch
from tinygrad_lite import nn, viz
from tinygrad_lite.viz.renderer import find_renderer


def plain_line():
    """The seed's line, with no viz.record() and no viz.backward(): what a lecturer types."""
    m = torch.tensor(0.0, requires_grad=True)
    b = torch.tensor(0.0, requires_grad=True)
    x = torch.tensor([-2.0, 3.0])
    y = 2 * x + 1
    loss = ((m * x + b - y) ** 2).mean()
    loss.backward()
    return loss, {"m": m, "b": b, "x": x, "y": y}


def _labels(src, parse):
    return [lab for lab, _ in parse(src)[0].values()]


def test_draw_after_plain_backward_shows_values_constants_and_gradients(parse):
    loss, names = plain_line()
    src = viz.draw(loss, names).source
    labels = _labels(src, parse)
    # residual r = m x + b - y = [3, -7] at m = b = 0; loss = mean(r²) = 29
    assert "x  (data)\nshape (2,)\ndata [-2, 3]" in labels
    assert "y  (data)\nshape (2,)\ndata [-3, 7]" in labels
    assert "v2\nshape (2,)\ndata [3, -7]\ngrad [3, -7]" in labels  # d loss/d r = 2r/2
    assert "out\nshape ()\ndata 29\ngrad 1" in labels
    assert "m  (param)\nshape ()\ndata 0\ngrad -27" in labels  # mean(2 r x)
    assert "mul(m, x)" in labels and "sub(v1, y)" in labels  # no `?` for the data
    assert "freed" not in src and "?" not in src
    assert not re.search(r"^\s*label=", src, re.M)  # nothing unavailable: no caption


def test_one_naming_across_draw_as_text_tape_and_backward_trace(parse):
    loss, names = plain_line()
    names["loss"] = loss
    drawn = _labels(viz.draw(loss, names).source, parse)
    text = viz.as_text(loss, names)
    tape = viz.tape(loss, names)
    trace = str(viz.backward_trace(loss, names))
    for call in ("mul(m, x)", "add(v0, b)", "sub(v1, y)", "pow(v2, 2)", "mean(v3)"):
        assert call in drawn and call in text and call in tape and call in trace
    assert any(lab.startswith("loss\n") for lab in drawn)
    assert text.startswith("loss = mean(v3)") and "loss = mean(v3)" in tape
    assert trace.startswith("backward from loss: grad loss = 1")
    # without a name the output is `out` in all four
    del names["loss"]
    assert viz.as_text(loss, names).startswith("out = mean(v3)")
    assert "out = mean(v3)" in viz.tape(loss, names)
    assert str(viz.backward_trace(loss, names)).startswith("backward from out")
    assert any(lab.startswith("out\n") for lab in _labels(viz.draw(loss, names).source, parse))


def test_as_text_and_tape_after_plain_backward():
    loss, names = plain_line()
    text = viz.as_text(loss, names)
    assert "v2 = sub(v1, y)   shape (2,)   data [3, -7]   grad [3, -7]" in text
    assert "#" not in text  # no note: everything is available
    assert "y  data   shape (2,)   data [-3, 7]" in text
    assert "m  param   shape ()   data 0   grad -27" in text
    tape = viz.tape(loss, names)
    assert "(freed)" not in tape and "?" not in tape
    assert re.search(r"out = mean\(v3\)\s+shape \(\)\s+29", tape)


def test_constants_abbreviated_past_max_elems(parse):
    w = torch.tensor(2.0, requires_grad=True)
    data = torch.arange(10.0)
    loss = (w * data).sum()
    loss.backward()
    labels = _labels(viz.draw(loss, {"w": w, "data": data}, max_elems=3).source, parse)
    assert "data  (data)\nshape (10,)\ndata [0, 1, … +8]" in labels


def test_parameters_changed_after_the_graph_are_said_once_in_the_caption():
    loss, names = plain_line()
    with torch.no_grad():
        names["m"] -= 0.1 * names["m"].grad  # optimizer.step()
    src = viz.draw(loss, names).source
    assert src.count("m changed in place after this graph was recorded") == 1
    assert src.count("gradients of intermediate results not recomputable") == 1
    assert "grad [3, -7]" not in src  # the walk cannot be redone on the new m


def test_legend_lists_the_kinds_and_the_fanout_entry_only_after_backward():
    x = torch.tensor(2.0, requires_grad=True)
    c = torch.tensor(5.0)
    e = x * x + c
    before = viz.draw(e, {"c": c}).source  # x not named: a leaf
    legend = re.search(r"legend \[label=<(.*)> ", before).group(1)
    for kind in (">leaf<", ">data<", ">op<", ">output<", ">result<"):
        assert kind in legend
    assert ">param<" not in legend  # no parameter in this graph
    assert "summed over" not in before and "Σ" not in before
    e.backward()
    after = viz.draw(e, {"x": x, "c": c}).source
    assert ">param<" in after
    assert "gradient summed over n uses" in after and "grad = Σ over 2 uses" in after
    assert "legend" not in viz.draw(e, {"x": x}, legend=False).source


def test_rankdir_auto_turns_a_wide_chain_top_to_bottom():
    x = torch.tensor(0.5, requires_grad=True)
    chain = x
    for _ in range(8):
        chain = chain.tanh()
    assert "rankdir=TB" in viz.draw(chain).source  # 17 boxes in a row would be ~17:1
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    wide = torch.stack([a * k for k in range(1, 9)]).sum() if hasattr(torch, "stack") else None
    if wide is not None:  # eight ops side by side, two ranks deep: not wider than 3:1
        assert "rankdir=LR" in viz.draw(wide).source
    assert "rankdir=LR" in viz.draw(chain, rankdir="LR").source


@pytest.mark.skipif(find_renderer("svg") is None, reason="needs a DOT renderer for a layout")
def test_auto_layout_is_at_most_about_3_to_1_and_titles_are_not_crossed():
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))
    x = torch.randn(4, 2)
    loss = net(x).pow(2).mean()
    loss.backward()
    g = viz.draw(loss, (net, {"x": x}))
    plain = g.pipe(format="plain").decode()
    _, scale, width, height = plain.splitlines()[0].split()
    assert float(width) / float(height) <= 3.2
    boxes = {}
    for line in plain.splitlines():
        parts = line.split()
        if parts[0] == "node":
            cx, cy, w, h = map(float, parts[2:6])
            boxes[parts[1]] = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
    titles = {k: v for k, v in boxes.items() if k.startswith("title_")}
    assert titles, "each module cluster has a title node"
    for line in plain.splitlines():
        parts = line.split()
        if parts[0] != "edge" or parts[1].startswith("title_"):
            continue
        n = int(parts[3])
        pts = np.array(list(map(float, parts[4 : 4 + 2 * n]))).reshape(n, 2)
        # sample the B-spline's control polygon densely: no point inside a title box
        for i in range(n - 1):
            for t in np.linspace(0, 1, 20):
                px, py = pts[i] * (1 - t) + pts[i + 1] * t
                for x0, y0, x1, y1 in titles.values():
                    assert not (x0 < px < x1 and y0 < py < y1), (parts[1], parts[2])


def test_text_and_tape_say_once_what_is_missing():
    from tinygrad_lite.autograd.graph import free_values

    m = torch.tensor(1.0, requires_grad=True)
    x = torch.tensor([1.0, 2.0])
    with free_values():
        loss = (m * x).exp().sum()
        loss.backward()
    text = viz.as_text(loss, {"m": m, "x": x})
    assert text.count("# values freed by backward") == 1
    # d/dm Σ exp(m x) = Σ x exp(m x) = e + 2e² at m = 1: the leaf's .grad is still shown
    assert "m  param   shape ()   data 1   grad 17.5" in text
    tape = viz.tape(loss, {"m": m, "x": x})
    assert tape.count("values freed by backward") == 1


class _Square(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 2 * g * x


def test_trace_after_plain_backward_equals_trace_before_for_many_ops():
    torch.manual_seed(0)
    a = torch.randn(3, 2, requires_grad=True)
    w = torch.randn(2, 2, requires_grad=True)
    c = torch.tensor([0.5, -1.0])
    h = (a @ w).tanh() * c
    h = _Square.apply(h.sigmoid()) + h.exp().log1p() - h.relu()
    loss = (h.sum(dim=1) ** 2).mean()
    names = {"a": a, "w": w, "c": c, "loss": loss}
    before = str(viz.backward_trace(loss, names))
    loss.backward()
    after = viz.backward_trace(loss, names)
    assert str(after) == before  # rebuilt from the kept values, the same numbers
    np.testing.assert_allclose(after.grad("a"), a.grad.numpy(), rtol=1e-6)
    np.testing.assert_allclose(after.grad("w"), w.grad.numpy(), rtol=1e-6)


def test_trace_refuses_a_graph_whose_parameters_changed_even_before_backward():
    m = torch.tensor(0.0, requires_grad=True)
    x = torch.tensor([-2.0, 3.0])
    loss = (m * x).sum()
    with torch.no_grad():
        m += 1.0  # the graph saved m's array, now different
    with pytest.raises(RuntimeError, match="m changed in place"):
        viz.backward_trace(loss, {"m": m, "x": x})
