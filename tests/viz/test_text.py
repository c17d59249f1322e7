"""viz.as_text: the indented tree for terminals (no Graphviz needed)."""

from __future__ import annotations

import tinygrad_lite as torch
from tinygrad_lite import viz


def test_line_example_tree(line):
    loss, names = line
    viz.backward(loss)
    lines = viz.as_text(loss, names).splitlines()
    assert lines[0].startswith("out = mean(v3)") and "data 29" in lines[0]
    assert "grad 1" in lines[0]
    assert lines[1].startswith("└─ v3 = pow(v2, 2)")
    assert lines[2].startswith("   └─ v2 = sub(v1, y)")
    m_line = next(ln for ln in lines if "─ m " in ln)
    assert "grad -27" in m_line and "param" in m_line
    y_line = next(ln for ln in lines if "─ y " in ln)
    assert "data [-3, 7]" in y_line and "grad" not in y_line
    assert len(lines) == 9  # 5 op results + m, x, b, y


def test_shared_subtree_printed_once():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3
    out = (h + h).sum()
    text = viz.as_text(out, {"x": x}, show_values=False)
    assert text.count("= mul(x, 3)") == 1
    assert "(see above)" in text
    assert "grad = Σ 2 contributions" in text  # h is used twice by add


def test_deep_chain_prints_without_recursion_and_caps_lines():
    x = torch.tensor(1.0, requires_grad=True)
    h = x
    for _ in range(3000):
        h = h * 1.0
    text = viz.as_text(h, max_lines=50)
    lines = text.splitlines()
    assert len(lines) == 51
    assert lines[-1] == "… 2951 more lines not shown (raise max_lines=)"  # 3001 tensors - 50


def test_text_tree_prints(capsys, line):
    loss, names = line
    viz.text_tree(loss, names, show_shapes=False)
    out = capsys.readouterr().out
    assert out.startswith("out = mean(v3)") and "shape" not in out
