"""draw() and render(): the DOT source for known expressions, modules, caps, real images."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_lite as torch
from tinygrad_lite import viz
from tinygrad_lite.autograd import tape
from tinygrad_lite.nn import Parameter
from tinygrad_lite.nn.module import Module
from tinygrad_lite.viz.renderer import INSTALL_HINT, find_renderer

needs_dot = pytest.mark.skipif(find_renderer("svg") is None, reason=f"no pictures: {INSTALL_HINT}")


class Lin(Module):
    """y = x Wᵀ + b, written out so the test does not depend on nn.Linear."""

    def __init__(self, n_in: int, n_out: int) -> None:
        super().__init__()
        self.weight = Parameter(torch.randn(n_out, n_in) * 0.1)
        self.bias = Parameter(torch.zeros(n_out))

    def forward(self, x):
        return x @ self.weight.T + self.bias


class MLP(Module):
    def __init__(self, sizes=(784, 256, 10)) -> None:
        super().__init__()
        self.fc1 = Lin(sizes[0], sizes[1])
        self.fc2 = Lin(sizes[1], sizes[2])

    def forward(self, x):
        return self.fc2(self.fc1(x).relu())


def _labels(nodes):
    return [label for label, _ in nodes.values()]


def _find(nodes, first_line):
    hits = [(nid, lab, attrs) for nid, (lab, attrs) in nodes.items()
            if lab.split("\n")[0] == first_line]  # fmt: skip
    assert len(hits) == 1, (first_line, _labels(nodes))
    return hits[0]


def test_line_example_nodes_edges_and_labels(line, parse):
    loss, names = line
    viz.backward(loss)
    nodes, edges = parse(viz.draw(loss, {**names, "loss": loss}).source)
    # 4 named leaves + 5 op results; 5 ops (mul, add, sub, pow, mean)
    assert len(nodes) == 14
    # each op: one edge per tensor input (2+2+2+1+1) and one to its result
    assert len(edges) == 8 + 5
    ops = sorted(lab for lab, attrs in nodes.values() if "ellipse" in attrs)
    assert ops == sorted(["mul(m, x)", "add(v0, b)", "sub(v1, y)", "pow(v2, 2)",
                          "mean(v3)"])  # fmt: skip
    _, m_label, m_attrs = _find(nodes, "m  (param)")
    # dL/dm = mean(2 (m x + b - y) x) = (2·3·(-2) + 2·(-7)·3) / 2 = -27 at m = b = 0
    assert "grad -27" in m_label and "data 0" in m_label
    _, b_label, _ = _find(nodes, "b  (param)")
    assert "grad -4" in b_label  # mean(2 (m x + b - y)) = (6 - 14) / 2
    _, x_label, x_attrs = _find(nodes, "x  (data)")
    assert "data [-2, 3]" in x_label and "shape (2,)" in x_label
    _, out_label, out_attrs = _find(nodes, "loss")
    assert "data 29" in out_label  # (9 + 49) / 2
    # parameters, data and the output are styled differently
    assert len({m_attrs, x_attrs, out_attrs}) == 3
    # data flows from m into mul and from mul's result into add
    ids = {lab.split("\n")[0]: nid for nid, (lab, _) in nodes.items()}
    assert (ids["m  (param)"], ids["mul(m, x)"]) in edges
    assert (ids["mul(m, x)"], ids["v0"]) in edges
    assert (ids["v0"], ids["add(v0, b)"]) in edges


def test_x_squared_plus_xy_counts_and_fanout_marker(parse):
    x = torch.tensor(2.0, requires_grad=True)
    y = torch.tensor(3.0, requires_grad=True)
    e = x**2 + x * y
    before, _ = parse(viz.draw(e, {"x": x, "y": y}).source)
    assert not any("Σ" in lab for lab in _labels(before))  # the mark comes with a backward
    e.backward()
    nodes, edges = parse(viz.draw(e, {"x": x, "y": y}).source)
    assert len(nodes) == 2 + 3 + 3  # x, y; pow, mul, add; their three results
    assert len(edges) == (1 + 2 + 2) + 3
    _, x_label, x_attrs = _find(nodes, "x  (param)")
    _, y_label, _ = _find(nodes, "y  (param)")
    assert "grad = Σ over 2 uses" in x_label  # x feeds pow and mul
    assert "Σ" not in y_label
    assert "#c92a2a" in x_attrs


def test_grads_appear_after_a_plain_backward_and_freed_values_get_one_caption(parse):
    from tinygrad_lite.autograd.graph import free_values

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    out = (x * x).sum()
    before = _labels(parse(viz.draw(out).source)[0])
    assert not [ln for lab in before for ln in lab.split("\n") if ln.startswith("grad")]
    out.backward()  # a plain backward: leaves get .grad, the nodes keep their values
    labels = _labels(parse(viz.draw(out).source)[0])
    assert "leaf0  (leaf)\nshape (2,)\ndata [1, 2]\ngrad [2, 4]\ngrad = Σ over 2 uses" in labels
    assert "v0\nshape (2,)\ndata [1, 4]\ngrad [1, 1]" in labels  # x·x and d out/d(x·x)
    assert "out\nshape ()\ndata 5\ngrad 1" in labels
    with free_values():
        out2 = (x * x).sum()
        out2.backward()
    src = viz.draw(out2).source
    labels = _labels(parse(src)[0])
    assert "v0\nshape (2,)" in labels  # no value, and no "(freed)" in the box
    assert not any("freed" in lab for lab in labels)
    assert src.count("values freed by backward") == 1  # said once, in the caption
    assert "out\nshape ()\ndata 5\ngrad 1" in labels  # the value is the tensor's; the seed 1


def test_show_flags_hide_lines(line, parse):
    loss, names = line
    viz.backward(loss)
    src = viz.draw(loss, names, show_values=False, show_grads=False, show_shapes=False).source
    labels = _labels(parse(src)[0])
    assert not any(k in lab for lab in labels for k in ("data ", "grad ", "shape "))


def test_max_elems_abbreviates_arrays(parse):
    a = torch.arange(10.0, requires_grad=True)
    out = a * 2
    short = _labels(parse(viz.draw(out, {"a": a}, max_elems=3).source)[0])
    assert any("data [0, 1, … +8]" in lab for lab in short)
    full = _labels(parse(viz.draw(out, {"a": a}, max_elems=10).source)[0])
    assert any("data [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]" in lab for lab in full)
    assert any("data [0, 2, 4, 6, 8, 10, 12, 14, 16, 18]" in lab for lab in full)


def _cluster_block(source: str, name: str) -> str:
    start = source.index(f"subgraph cluster_{name} {{")
    depth, i = 0, start
    while True:
        if source[i] == "{":
            depth += 1
        elif source[i] == "}":
            depth -= 1
            if depth == 0:
                return source[start : i + 1]
        i += 1


def test_module_clusters_are_nested_and_labelled(parse):
    torch.manual_seed(0)
    net = MLP((3, 4, 2))
    out = net(torch.randn(5, 3)).sum()
    src = viz.draw(out, net).source
    root = _cluster_block(src, "root")
    fc1 = _cluster_block(src, "fc1")
    assert "label=MLP" in root and 'label="fc1: Lin"' in fc1
    assert fc1 in root and _cluster_block(src, "fc2") in root  # submodules nest in the model
    assert "fc1.weight  (param)" in fc1 and "fc2.weight" not in fc1
    assert '"relu(' in root and '"relu(' not in fc1  # relu ran in MLP.forward itself
    assert '"sum(' not in root  # .sum() ran outside the model
    nodes, _ = parse(src)
    no_clusters = viz.draw(out, net, cluster_modules=False).source
    assert "subgraph" not in no_clusters
    assert len(parse(no_clusters)[0]) == len(nodes)


def test_collapse_modules_draws_one_node_per_module(parse):
    torch.manual_seed(0)
    net = MLP((3, 4, 2))
    out = net(torch.randn(5, 3)).sum()
    nodes, edges = parse(viz.draw(out, net, collapse_modules=True).source)
    labels = _labels(nodes)
    fc1 = [lab for lab in labels if lab.startswith("fc1: Lin")]
    assert len(fc1) == 1 and "params: weight (4, 3), bias (4,)" in fc1[0]
    assert not any(lab.startswith("fc1.weight") for lab in labels)
    # input, fc1, its output, relu, its output, fc2, its output, sum, its output
    assert len(nodes) == 9
    assert len(edges) == 8  # a chain


def test_mlp_784_256_10_stays_readable(parse):
    torch.manual_seed(0)
    net = MLP()
    x = torch.randn(16, 784)
    target = torch.randint(0, 10, (16,))
    logp = torch.log_softmax(net(x), 1)
    loss = -logp[torch.arange(16), target].mean()
    viz.backward(loss)
    n_ops = len(tape(loss))
    nodes, _ = parse(viz.draw(loss, net).source)
    # one node per op and per tensor: every op result, 4 parameters, the input batch
    assert len(nodes) == 2 * n_ops + 5
    assert all(len(line) <= 100 for lab in _labels(nodes) for line in lab.split("\n"))
    collapsed, _ = parse(viz.draw(loss, net, collapse_modules=True).source)
    # per Lin: 3 ops, 3 results and 2 parameters become one module node and its output
    assert len(collapsed) == len(nodes) - 2 * (3 + 3 + 2) + 2 * 2
    capped, _ = parse(viz.draw(loss, net, max_nodes=10).source)
    assert len(capped) == 10
    note = capped["note_truncated"][0]
    assert f"{len(nodes) - 9} of {len(nodes)} nodes not drawn" in note
    assert "max_nodes=None" in note
    assert "ops left out: 2 permute, 2 matmul, 2 add" in note  # both layers, oldest first


def test_list_of_outputs_and_bad_arguments(parse):
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    nodes, _ = parse(viz.draw([a * 2, a + 1], {"a": a}).source)
    outs = [lab for lab, attrs in nodes.values() if "peripheries=2" in attrs]
    assert len(outs) == 2
    with pytest.raises(ValueError, match="rankdir"):
        viz.draw(a * 2, rankdir="sideways")
    with pytest.raises(TypeError, match="Tensor"):
        viz.draw(a * 2, {"a": 3})
    assert "rankdir=TB" in viz.draw(a * 2, rankdir="TB").source


@needs_dot
@pytest.mark.parametrize("fmt", ["svg", "png", "pdf"])
def test_render_writes_valid_images(line, tmp_path, fmt):
    if find_renderer(fmt) is None:
        pytest.skip(f"{fmt} needs the system Graphviz `dot`")
    loss, names = line
    viz.backward(loss)
    path = viz.render(viz.draw(loss, names), str(tmp_path / "graph"), format=fmt)
    assert path.endswith("." + fmt)
    data = open(path, "rb").read()
    if fmt == "svg":
        root = ET.fromstring(data)
        assert root.tag.endswith("svg")
        assert "grad -27" in list(root.itertext())
    elif fmt == "png":
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
    else:
        assert data[:5] == b"%PDF-"
    assert (tmp_path / "graph.dot").read_text().startswith("digraph")


@needs_dot
def test_digraph_renders_inline_for_jupyter(line):
    loss, names = line
    bundle = viz.draw(loss, names)._repr_mimebundle_()
    assert "<svg" in bundle["image/svg+xml"]


def test_render_without_dot_writes_source_and_says_how_to_install(line, tmp_path, monkeypatch):
    loss, names = line
    g = viz.draw(loss, names)
    monkeypatch.setenv("TINYGRAD_LITE_DOT", "none")
    with pytest.raises(viz.GraphvizMissingError, match=r"pip install 'tinygrad_lite\[viz\]'"):
        viz.render(g, str(tmp_path / "g.svg"), "svg", missing="raise")
    assert (tmp_path / "g.dot").read_text() == g.source
    assert not (tmp_path / "g.svg").exists()


def test_named_data_inside_a_tuple_with_a_module(parse):
    torch.manual_seed(0)
    net = MLP((3, 4, 2))
    x = torch.randn(5, 3)
    with viz.record():
        out = net(x).sum()
    labels = _labels(parse(viz.draw(out, (net, {"x": x})).source)[0])
    assert any(lab.startswith("x  (data)") for lab in labels)
    assert any(lab.startswith("fc2.bias  (param)") for lab in labels)
    assert np.isfinite(out.item())


def test_real_nn_sequential_clusters(parse):
    nn = torch.nn
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    loss = nn.MSELoss()(model(torch.randn(5, 3)), torch.randn(5, 2))
    src = viz.draw(loss, model).source
    root = _cluster_block(src, "root")
    assert "label=Sequential" in root
    for name, label in (("0", '"0: Linear"'), ("1", '"1: ReLU"'), ("2", '"2: Linear"')):
        block = _cluster_block(src, name)
        assert f"label={label}" in block and block in root
    assert "0.weight  (param)" in _cluster_block(src, "0")
    assert '"relu(' in _cluster_block(src, "1")


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["exp", "tanh", "add", "mul", "sub"]),
                          st.integers(0, 100), st.integers(0, 100)),
                min_size=1, max_size=8))  # fmt: skip
def test_random_expressions_node_edge_and_fanout_counts(parse, program):
    """Counts derived from how the test built the expression, not from the drawing code."""
    a = torch.tensor([0.3, -0.2], requires_grad=True)
    b = torch.tensor([0.1, 0.4], requires_grad=True)
    values, uses, op_inputs = [a, b], [0, 0], []

    def apply(op, idx):
        for i in idx:
            uses[i] += 1
        op_inputs.append(set(idx))
        xs = [values[i] for i in idx]
        if op in ("exp", "tanh"):
            out = getattr(xs[0], op)()
        else:
            out = {"add": xs[0] + xs[1], "mul": xs[0] * xs[1], "sub": xs[0] - xs[1]}[op]
        values.append(out)
        uses.append(0)

    for op, i, j in program:
        i, j = i % len(values), j % len(values)
        apply(op, [i] if op in ("exp", "tanh") else [i, j])
    unused = [k for k in range(2, len(values)) if uses[k] == 0]
    last = unused[0]
    for k in unused[1:]:  # join every result into the output so that all of them are drawn
        apply("add", [last, k])
        last = len(values) - 1
    out = values[last]
    n_ops = len(op_inputs)
    leaves = [k for k in (0, 1) if uses[k] > 0]
    out.sum().backward()  # the fan-out marks come with a backward
    nodes, edges = parse(viz.draw(out, {"a": a, "b": b}).source)
    assert len(nodes) == 2 * n_ops + len(leaves)  # every op, its result, the used leaves
    assert len(edges) == sum(len(ins) for ins in op_inputs) + n_ops
    marked = sum("grad = Σ" in lab for lab, _ in nodes.values())
    assert marked == sum(1 for n in uses if n > 1)
