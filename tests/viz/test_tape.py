"""viz.tape (Wengert list) and viz.backward_trace (the reverse walk, Markdown, LaTeX)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_lite as torch
from tinygrad_lite import viz
from tinygrad_lite.autograd import tape as autograd_tape
from tinygrad_lite.primitives import PRIMITIVES
from tinygrad_lite.viz.tape import FORMULAS


def _row(listing: str, start: str) -> list[str]:
    hits = [line for line in listing.splitlines() if line.startswith(start)]
    assert len(hits) == 1, (start, listing)
    return hits[0].split()


def test_tape_lists_the_line_example_in_program_order(line):
    loss, names = line
    text = viz.tape(loss, {**names, "loss": loss})
    assert isinstance(text, str) and repr(text) == str(text)
    ops = [ln.split("   ")[0].strip() for ln in text.splitlines() if " = " in ln]
    assert ops == ["v0 = mul(m, x)", "v1 = add(v0, b)", "v2 = sub(v1, y)", "v3 = pow(v2, 2)",
                   "loss = mean(v3)"]  # fmt: skip
    # values by hand: m x + b = 0, minus y = [-3, 7] gives [3, -7]; squared [9, 49]; Σ 58
    assert text.splitlines()[-1].endswith("shape ()     29")
    assert "shape (2,)   [3, -7]" in text
    assert "shape (2,)   [9, 49]" in text
    assert _row(text, "x ")[-2:] == ["[-2,", "3]"]
    assert _row(text, "y ")[-2:] == ["[-3,", "7]"]
    assert "(param)" in " ".join(_row(text, "m "))


def test_tape_names_unnamed_tensors_v0_v1():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    text = viz.tape((a * 3).exp())
    assert "leaf0  (leaf)" in text  # leaves are numbered apart from the ops
    assert "v0 = mul(leaf0, 3)" in text
    assert "out = exp(v0)" in text  # the output, not named, is `out`
    named = viz.tape((a * 3).exp(), {"a": a})
    assert "v0 = mul(a, 3)" in named  # naming a leaf does not renumber the ops
    assert f"[{np.exp(3.0):.4g}, {np.exp(6.0):.4g}]" in text


def test_backward_trace_line_example_numbers(line):
    loss, names = line
    trace = viz.backward_trace(loss, names)
    text = str(trace)
    # d loss/d m = mean(2 r x) with r = m x + b - y = [3, -7]: (2·3·(-2) + 2·(-7)·3)/2 = -27
    # d loss/d b = mean(2 r) = (6 - 14)/2 = -4
    assert "grad m += grad v0 * x = -27" in text
    assert "grad b += grad v1 = -4" in text
    assert "grad v2 += grad v3 * 2 * v2^(2-1) = [3, -7]" in text  # 2 r · 1/2
    assert "grad v3 += expand(grad out / 2, (2,)) = [0.5, 0.5]" in text
    assert float(trace.grad("m")) == -27 and float(trace.grad("b")) == -4
    assert names["m"].grad is None  # the trace does not touch .grad
    loss.backward()
    assert float(names["m"].grad) == -27 and float(names["b"].grad) == -4
    after = viz.backward_trace(loss, names)  # after a plain backward: rebuilt from kept values
    assert str(after) == text
    with torch.no_grad():
        names["m"] -= 0.1 * names["m"].grad  # what optimizer.step() does
    with pytest.raises(RuntimeError, match="m changed in place"):
        viz.backward_trace(loss, names)


def test_trace_after_viz_backward_and_fanout_accumulation():
    x = torch.tensor(2.0, requires_grad=True)
    y = torch.tensor(3.0, requires_grad=True)
    e = x**2 + x * y
    viz.backward(e)
    assert float(x.grad) == 7 and float(y.grad) == 2  # 2x + y, x
    text = str(viz.backward_trace(e, {"x": x, "y": y}))
    assert "grad x += grad v1 * y = 3" in text
    assert "grad x += grad v0 * 2 * x^(2-1) = 4   (now 7)" in text
    assert "grad y += grad v1 * x = 2" in text


def test_markdown_and_latex_have_one_line_per_node(line):
    loss, names = line
    trace = viz.backward_trace(loss, names)
    n = len(autograd_tape(loss))
    md = trace.markdown().splitlines()
    assert len(md) == 2 + n and md[0].startswith("| step |")
    assert "`grad m += grad v0 * x = -27`" in md[-1]
    tex = trace.latex().splitlines()
    assert tex[0] == r"\begin{align*}" and tex[-1] == r"\end{align*}"
    assert len(tex) == 2 + n
    assert r"\bar{m} &\mathrel{+}= \bar{v}_{0} \cdot x = -27" in tex[-2]
    assert all(t.endswith(r" \\") for t in tex[1:-2])


def test_matmul_trace_formulas_and_nonscalar_outputs():
    a = torch.tensor([[1.0, 2.0]], requires_grad=True)
    w = torch.tensor([[3.0, 5.0], [4.0, 6.0]], requires_grad=True)
    out = a @ w
    with pytest.raises(RuntimeError, match="grad_output"):
        viz.backward_trace(out)
    text = str(viz.backward_trace(out, {"a": a, "w": w}, grad_output=np.array([[1.0, 2.0]])))
    assert "grad a += grad out @ wᵀ = [13, 16]" in text  # [1·3 + 2·5, 1·4 + 2·6]
    assert "grad w += aᵀ @ grad out = [1, 2, 2, 4]" in text  # [[1], [2]] @ [[1, 2]]


def test_formula_table_names_real_primitives():
    assert set(FORMULAS) <= set(PRIMITIVES)
    for name in ("Add", "Sub", "Mul", "Div", "Pow", "Exp", "Log", "Tanh", "Sigmoid", "Relu",
                 "Sum", "MatMul", "Neg", "Reshape", "Expand"):  # fmt: skip
        assert name in FORMULAS


@settings(max_examples=10, deadline=None)
@given(
    st.lists(st.floats(-2, 2), min_size=1, max_size=5),
    st.lists(
        st.sampled_from(["tanh", "sigmoid", "exp", "mul", "add", "relu"]), min_size=1, max_size=5
    ),  # fmt: skip
)
def test_trace_gradients_match_torch(values, ops):
    torch_ = pytest.importorskip("torch")
    w = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    tw = torch_.tensor(values, dtype=torch_.float64, requires_grad=True)

    def run(t, lib):
        h = t
        for op in ops:
            if op == "mul":
                h = h * t
            elif op == "add":
                h = h + t
            else:
                h = getattr(h, op)()
        return h.sum()

    trace = viz.backward_trace(run(w, torch), {"w": w})
    run(tw, torch_).backward()
    np.testing.assert_allclose(trace.grad("w"), tw.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_constants_are_known_after_backward_and_marked_only_when_freed():
    from tinygrad_lite.autograd.graph import free_values

    m = torch.tensor(0.0, requires_grad=True)
    y = torch.tensor([-3.0, 7.0])
    out = (m - y).sum()
    out.backward()  # sub saves nothing, but the node keeps its arguments
    text = viz.tape(out, {"m": m, "y": y})
    assert "v0 = sub(m, y)" in text and "y  (data)        shape (2,)   [-3, 7]" in text
    assert "?" not in text
    with free_values():
        out = (m - y).sum()
        out.backward()
    text = viz.tape(out, {"m": m, "y": y})
    assert "v0 = sub(m, ?)" in text
    assert sum(ln.startswith("# ? = a constant input") for ln in text.splitlines()) == 1
    with free_values(), viz.record():
        out = (m - y).sum()
        out.backward()
    text = viz.tape(out, {"m": m, "y": y})
    assert "= sub(m, y)" in text and "?" not in text


class Cube(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 3 * g * x**2


def test_user_function_in_tape_and_trace():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    out = Cube.apply(x).sum()
    assert "v0 = Cube(x)" in viz.tape(out, {"x": x})
    text = str(viz.backward_trace(out, {"x": x}))
    assert "grad x += CubeBackward(grad v0)[0] = [3, 12]" in text  # 3x²


def test_op_options_are_printed():
    a = torch.ones(4, 5, requires_grad=True)
    text = viz.tape((a[1:3, ::2].sum() + a.T.sum() + a[..., 0].sum(dim=0)), {"a": a})
    assert "getitem(a, index=[1:3, ::2])" in text
    assert "permute(a, axes=(1, 0))" in text
    assert "getitem(a, index=[..., 0])" in text
    assert "v6 = sum(v5, dim=0)" in text  # v5 = a[..., 0]; the full sums have no dim
