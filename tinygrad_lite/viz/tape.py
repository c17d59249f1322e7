"""The tape printed: the forward pass as a Wengert list, and the backward pass step by step.

``tape(loss)`` lists every op in the order it ran, ``v3 = mul(v1, v2)   shape (30,)   [...]``.
``backward_trace(loss)`` walks the same list in reverse, exactly as the engine does, and
prints each adjoint it adds: ``grad v1 += grad v3 * v2 = [...]``. The numbers come from the
engine's own vector-Jacobian products (``node.fn.vjp`` and ``engine.sum_to``), so they are
the gradients ``backward()`` gives. The trace exports to Markdown and LaTeX (one chain-rule
line per node) and to Graphviz frames (``.frames()``, see ``frames.py``).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from ..autograd import engine as _engine
from ..autograd.function import FREED, Node, _forward_with_tensors, _result_array
from ..autograd.grad_mode import no_grad
from ..autograd.graph import keep_intermediates
from ..tensor import Tensor
from ._labels import fmt_array, fmt_shape, fmt_value
from ._model import GraphModel, Step, Value, collect

_new = object.__new__

__all__ = ["tape", "Listing", "backward_trace", "BackwardTrace", "TraceStep", "backward",
           "FORMULAS"]  # fmt: skip

# Local derivative of each primitive, per tensor input, as the adjoint it adds.
# {g} = gradient of the output, {out} = the output, {x} {y} {z} = inputs 0, 1, 2.
FORMULAS: dict[str, tuple[str, ...]] = {
    "Add": ("{g}", "{g}"),
    "Sub": ("{g}", "-{g}"),
    "Mul": ("{g} * {y}", "{g} * {x}"),
    "Div": ("{g} / {y}", "-{g} * {x} / {y}²"),
    "Pow": ("{g} * {y} * {x}^({y}-1)", "{g} * {out} * ln({x})"),
    "Maximum": ("{g} * [{x} > {y}]", "{g} * [{y} > {x}]"),
    "Minimum": ("{g} * [{x} < {y}]", "{g} * [{y} < {x}]"),
    "Where": ("0", "{g} * [{x}]", "{g} * [not {x}]"),
    "Neg": ("-{g}",),
    "Exp": ("{g} * {out}",),
    "Log": ("{g} / {x}",),
    "Log1p": ("{g} / (1 + {x})",),
    "Expm1": ("{g} * ({out} + 1)",),
    "Sqrt": ("{g} / (2 * {out})",),
    "Rsqrt": ("-{g} * {out}³ / 2",),
    "Reciprocal": ("-{g} * {out}²",),
    "Sin": ("{g} * cos({x})",),
    "Cos": ("-{g} * sin({x})",),
    "Tan": ("{g} * (1 + {out}²)",),
    "Tanh": ("{g} * (1 - {out}²)",),
    "Sigmoid": ("{g} * {out} * (1 - {out})",),
    "Relu": ("{g} * [{x} > 0]",),
    "LeakyRelu": ("{g} * ([{x} > 0] + slope * [{x} ≤ 0])",),
    "Abs": ("{g} * sign({x})",),
    "Sign": ("0",),
    "Rounding": ("0",),
    "Clamp": ("{g} * [lo ≤ {x} ≤ hi]",),
    "Erf": ("{g} * 2/√π * exp(-{x}²)",),
    "Cast": ("{g}",),
    "Clone": ("{g}",),
    "Sum": ("expand({g}, {xshape})",),
    "Mean": ("expand({g} / {n}, {xshape})",),
    "Prod": ("{g} * {out} / {x}",),
    "Amax": ("{g} at the max of {x}",),
    "Amin": ("{g} at the min of {x}",),
    "LogSoftmax": ("{g} - softmax({x}) * Σ {g}",),
    "Softmax": ("{out} * ({g} - Σ {g} * {out})",),
    "Reshape": ("reshape({g}, {xshape})",),
    "Permute": ("permute({g}, inverse axes)",),
    "Expand": ("sum_to({g}, {xshape})",),
    "GetItem": ("scatter({g} into zeros {xshape})",),
    "NllLoss": ("-{g} · wᵢ / d at each item's target class, zeros {xshape} elsewhere",),
    "MatMul": ("{g} @ {y}ᵀ", "{x}ᵀ @ {g}"),
}


UNRECORDED_NOTE = (
    "# ? = a constant input the tape did not keep (backward ran inside "
    "autograd.graph.free_values()); run the forward pass inside `with viz.record():` to keep it"
)


class Listing(str):
    """A string that prints itself as is at the interactive prompt (no quotes, real lines)."""

    def __repr__(self) -> str:
        return str(self)


def _kind(v: Value) -> str:
    return {"param": "param", "input": "data", "leaf": "leaf", "const": "const"}.get(v.kind, "")


def tape(output: Any, params: Any = None, *, max_elems: int = 6) -> Listing:
    """The forward tape of ``output`` as a Wengert list: first the inputs and parameters,
    then one line ``vK = op(args)   shape S   values`` per op, in the order they ran."""
    model = collect(output, params)
    rows: list[tuple[str, str, str]] = []
    leaves = [v for v in model.values.values() if v.kind != "op"]
    for v in leaves:
        data = fmt_array(v.data, max_elems) if v.data is not None else "?"
        rows.append((f"{v.name}  ({_kind(v)})", f"shape {fmt_shape(v.shape)}", data))
    for step in model.steps:
        v = step.out
        data = fmt_array(v.data, max_elems) if v.data is not None else "(freed)"
        text = f"{v.name} = {step.call_text(lambda x: fmt_array(x, max_elems))}"
        rows.append((text, f"shape {fmt_shape(v.shape)}", data))
    w0 = max((len(r[0]) for r in rows), default=0)
    w1 = max((len(r[1]) for r in rows), default=0)
    lines = []
    for i, (a, b, c) in enumerate(rows):
        if i == 0 and leaves:
            lines.append("# inputs and parameters")
        if i == len(leaves):
            lines.append("# forward tape (in the order it ran)")
        lines.append(f"{a:<{w0}}   {b:<{w1}}   {c}".rstrip())
    if any(a is None for step in model.steps for a in step.args):
        lines.append(UNRECORDED_NOTE)
    lines.extend(f"# {n}" for n in model.notes if not n.startswith("? ="))  # (said above)
    return Listing("\n".join(lines))


class TraceStep:
    """One step of the reverse walk: the node, its output gradient, and what it adds to
    each input: ``(value, position, contribution, total after, is_first)``."""

    __slots__ = ("step", "grad_out", "adds")

    def __init__(self, step: Step, grad_out: np.ndarray) -> None:
        self.step = step
        self.grad_out = grad_out
        # (input value, input position, contribution, total so far, first contribution?)
        self.adds: list[tuple[Value, int, np.ndarray, np.ndarray, bool]] = []


def _fill(template: str, step: Step, gname: str, name: Any) -> str:
    """Put the names of ``step``'s inputs/output into a formula template."""
    args = step.args

    def arg(i: int) -> str:
        if i >= len(args):
            return "?"
        a = args[i]
        return name(a) if isinstance(a, Value) else fmt_value(a, 4)

    shape = args[0].shape if args and isinstance(args[0], Value) else None
    return (
        template.replace("{g}", gname).replace("{out}", name(step.out)).replace("{x}", arg(0))
        .replace("{y}", arg(1)).replace("{z}", arg(2)).replace("{xshape}", fmt_shape(shape))
        .replace("{n}", str(step.node.__dict__.get("n", "n")))  # elements averaged by Mean
    )  # fmt: skip


def _formula(step: Step, position: int, gname: str, name: Any) -> str:
    table = FORMULAS.get(step.node.fn.__name__) if step.node.fn.array_mode else None
    if table is None or position >= len(table):
        return f"{step.node.name()}({gname})[{position}]"
    return _fill(table[position], step, gname, name)


class BackwardTrace:
    """The reverse walk of a tape, step by step (print it, or export it).

    ``steps`` are in backward order; ``grads`` maps each value's key to its final gradient;
    ``grads_after(k)`` gives the gradients known after ``k`` steps (for the frames)."""

    def __init__(self, model: GraphModel, steps: list[TraceStep], seed: np.ndarray,
                 max_elems: int) -> None:  # fmt: skip
        self.model = model
        self.steps = steps
        self.seed = seed
        self.max_elems = max_elems
        self.grads = self.grads_after(len(steps))

    def grads_after(self, k: int) -> dict:
        """Value key -> gradient as accumulated after the first ``k`` backward steps."""
        grads: dict = {v.key: self.seed for v in self.model.outputs[:1]}
        for ts in self.steps[:k]:
            for v, _f, _c, total, _first in ts.adds:
                grads[v.key] = total
        return grads

    def value(self, name: str) -> Value:
        """The Value called ``name`` (``"m"``, ``"v3"``)."""
        for v in self.model.values.values():
            if v.name == name:
                return v
        raise KeyError(f"no tensor named {name!r} in this trace")

    def grad(self, name: str) -> np.ndarray | None:
        """The gradient the walk computed for the tensor called ``name``."""
        return self.grads.get(self.value(name).key)

    def lines(self, name: Any = None, gname: Any = None) -> list[list[str]]:
        """Per step, one text line per contribution ``grad a += formula = value``."""
        name = name or (lambda v: v.name)
        gname = gname or (lambda v: f"grad {v.name}")
        out = []
        for ts in self.steps:
            rows = []
            for target, pos, contrib, total, first in ts.adds:
                formula = _formula(ts.step, pos, gname(ts.step.out), name)
                line = f"{gname(target)} += {formula} = {fmt_array(contrib, self.max_elems)}"
                if not first:
                    line += f"   (now {fmt_array(total, self.max_elems)})"
                rows.append(line)
            out.append(rows)
        return out

    def __str__(self) -> str:
        out = self.model.outputs[0]
        text = [
            f"backward from {out.name}: grad {out.name} = {fmt_array(self.seed, self.max_elems)}"
        ]
        for k, (ts, rows) in enumerate(zip(self.steps, self.lines()), 1):
            name = ts.step.out.name
            grad = fmt_array(ts.grad_out, self.max_elems)
            text.append(f"step {k}: {name} = {ts.step.call_text(_short)}   (grad {name} = {grad})")
            text.extend("    " + r for r in rows)
        leaves = [v for v in self.model.values.values() if v.kind in ("param", "leaf")]
        if leaves:
            text.append("gradients of the leaves:")
            for v in leaves:
                g = self.grads.get(v.key)
                text.append(
                    f"    grad {v.name} = {fmt_array(g, self.max_elems) if g is not None else '?'}"
                )
        return "\n".join(text)

    def __repr__(self) -> str:
        return str(self)

    def markdown(self) -> str:
        """A Markdown table: one row per node (in backward order) with its chain-rule line."""
        rows = ["| step | node | chain rule |", "|---:|---|---|"]
        for k, (ts, lines) in enumerate(zip(self.steps, self.lines()), 1):
            node = f"`{ts.step.out.name} = {ts.step.call_text(_short)}`"
            rule = "; ".join(f"`{r}`" for r in lines)
            rows.append(f"| {k} | {node} | {rule} |")
        return "\n".join(rows)

    def latex(self) -> str:
        """An ``align*`` block: one chain-rule line per node (in backward order)."""
        body = []
        for rows in self.lines(_latex_name, _latex_grad):
            parts = []
            for j, r in enumerate(rows):
                lhs, rhs = r.split(" += ", 1)
                amp = "&" if j == 0 else ""
                parts.append(f"{lhs} {amp}\\mathrel{{+}}= {_latex_ops(rhs)}")
            body.append(r",\quad ".join(parts) + r" \\")
        if body:
            body[-1] = body[-1][:-3]
        return "\\begin{align*}\n" + "\n".join(body) + "\n\\end{align*}"

    def frames(self, **draw_options: Any) -> Any:
        """One Graphviz graph per backward step (see ``viz.frames.Frames``)."""
        from .frames import Frames

        return Frames.from_trace(self, **draw_options)


def _short(x: Any) -> str:
    return fmt_array(x, 4)


def _latex_name(v: Value) -> str:
    m = re.fullmatch(r"v(\d+)", v.name)
    if m:
        return f"v_{{{m.group(1)}}}"
    if len(v.name) == 1:
        return v.name
    return "\\mathrm{" + v.name.replace("_", "\\_") + "}"


def _latex_grad(v: Value) -> str:
    m = re.fullmatch(r"v(\d+)", v.name)
    if m:
        return f"\\bar{{v}}_{{{m.group(1)}}}"
    return f"\\bar{{{_latex_name(v)}}}"


_LATEX_OPS = [
    (" * ", " \\cdot "), (" @ ", " \\, "), ("ᵀ", "^{\\top}"), ("²", "^{2}"), ("³", "^{3}"),
    ("√π", "\\sqrt{\\pi}"), ("Σ", "\\sum "), ("≤", "\\le "), ("…", "\\ldots"),
    ("ln(", "\\ln("), ("exp(", "\\exp("), ("cos(", "\\cos("), ("sin(", "\\sin("),
]  # fmt: skip


def _latex_ops(text: str) -> str:
    for a, b in _LATEX_OPS:
        text = text.replace(a, b)
    text = re.sub(r"\^\(([^()]*)\)", r"^{(\1)}", text)
    for word in ("expand", "reshape", "sum_to", "scatter", "permute", "softmax", "sign"):
        text = text.replace(word + "(", "\\operatorname{" + word.replace("_", "\\_") + "}(")
    return text


def backward_trace(
    output: Any, params: Any = None, *, grad_output: Any = None, max_elems: int = 6
) -> BackwardTrace:
    """Walk the tape of ``output`` backwards like the engine and record every adjoint.

    Works before ``backward()`` and after it: where a plain backward freed what a node
    saved, the node's forward is run again on the inputs the graph kept (refused, with the
    reason, if a parameter was written in place since or the values were freed under
    ``autograd.graph.free_values()``). Does not touch any ``.grad``. ``grad_output``
    defaults to 1 for a scalar output."""
    model = collect(output, params)
    if not model.steps:
        raise ValueError("backward_trace: the output was not computed by any recorded op "
                         "(does an input have requires_grad=True?)")  # fmt: skip
    if model.changed:  # the graph's inputs are not what it ran on any more
        names = ", ".join(v.name for v in model.changed)
        raise RuntimeError(
            f"backward_trace: {names} changed in place (e.g. optimizer.step()) after this graph "
            "was recorded: its backward would not be the one it had. Trace (or call "
            "viz.backward(loss)) before updating the parameters, or compute the loss again."
        )
    out_t = output[0] if isinstance(output, (list, tuple)) else output
    if grad_output is None:
        if out_t.numel() != 1:
            raise RuntimeError(
                f"backward_trace: the output has shape {tuple(out_t.shape)}; pass grad_output= "
                "with that shape (or reduce it to a scalar first)"
            )
        seed = np.ones(out_t.shape, dtype=out_t._array.dtype)
    else:
        seed = np.asarray(grad_output._array if isinstance(grad_output, Tensor) else grad_output,
                          dtype=out_t._array.dtype)  # fmt: skip
    value_of = {}
    for step in model.steps:
        value_of[id(step.node)] = step.out
    leaf_values = {id(v.tensor): v for v in model.values.values() if v.kind in ("param", "leaf")}
    pending: dict = {model.value_of_node(out_t.grad_fn).key: seed}
    totals: dict = {}
    steps: list[TraceStep] = []
    with no_grad():
        for step in reversed(model.steps):
            node = step.node
            g = pending.pop(step.out.key, None)
            if g is None:
                continue
            ctx = node if node.saved is not FREED else _replayed(step, model)
            if node.hooks:
                g = _engine._run_hooks(node.hooks, g, False)
            ts = TraceStep(step, g)
            node.tensor_mode = False
            grads = node.fn.vjp(ctx, g)
            if type(grads) is not tuple:
                grads = (grads,)
            for i, (parent, ig) in enumerate(zip(node.parents, grads)):
                if parent is None or ig is None:
                    continue
                ig = np.asarray(ig)
                if ig.shape != parent.shape:
                    ig = _engine.sum_to(ig, parent.shape)
                target = value_of[id(parent)] if type(parent) is Node else leaf_values[id(parent)]
                old = pending.get(target.key)
                pending[target.key] = ig if old is None else old + ig
                total = ig if target.key not in totals else totals[target.key] + ig
                first = target.key not in totals
                totals[target.key] = total
                ts.adds.append((target, i, ig, total, first))
            steps.append(ts)
    trace = BackwardTrace(model, steps, seed, max_elems)
    return trace


def _replayed(step: Step, model: GraphModel) -> Node:
    """A stand-in ``ctx`` for a node whose saved values a plain ``backward()`` freed: its
    forward is run again on the inputs the node kept (``node.args``), which gives the same
    saved values as long as no input was written in place since (checked)."""
    node = step.node
    where = f"{step.out.name} = {step.op}(...)"
    if model.changed:
        names = ", ".join(v.name for v in model.changed)
        raise RuntimeError(
            f"backward_trace: {names} changed in place (e.g. optimizer.step()) after this graph "
            f"was recorded, and backward() has freed what {where} saved: the trace cannot be "
            "rebuilt. Trace (or call viz.backward(loss)) before updating the parameters, or "
            "compute the loss again."
        )
    args = node.args
    if args is None and len(node.parents) == 1 and node.parents[0] is not None:
        parent = node.parents[0]  # one input, not kept: it is the parent's value (or the leaf)
        if type(parent) is not Node:
            args = (parent,)
        elif parent.out is not None:
            args = (Tensor._make(parent.out, None, False),)
    if args is None:
        raise RuntimeError(
            f"backward_trace: the graph of {where} was freed by an earlier backward() inside "
            "autograd.graph.free_values(). Trace before calling backward, or call "
            "viz.backward(loss) (or loss.backward(retain_graph=True)) instead."
        )
    for a in args:
        counter = getattr(a, "_version_counter", None) if isinstance(a, Tensor) else None
        if counter is not None and counter.last_write_seq > node.seq:
            raise RuntimeError(
                f"backward_trace: an input of {where} was changed in place after the op ran, "
                "and backward() has freed what it saved; trace before backward() instead"
            )
    ctx = _new(Node)
    ctx.fn, ctx.parents, ctx.seq, ctx.shape = node.fn, node.parents, node.seq, node.shape
    ctx.saved = ctx.out_version = ctx.hooks = None
    ctx.args = args
    ctx.__dict__.update(node.__dict__)
    arrays = tuple(a._array if isinstance(a, Tensor) else a for a in args)
    if node.fn.array_mode:
        out = node.fn.forward(ctx, *arrays)
        ctx.out = _result_array(node.fn, ctx, out, args)
    else:
        ctx.out = _forward_with_tensors(node.fn, ctx, args)
    ctx.saved = tuple(node.out if s is ctx.out else s for s in ctx.saved or ())
    return ctx


def backward(output: Any, gradient: Any = None) -> None:
    """``output.backward(gradient)`` that keeps what the viz tools show: every node's value
    and gradient (``keep_intermediates``) and the saved tensors (``retain_graph=True``), so
    ``draw``, ``as_text``, ``tape`` and ``backward_trace`` can all be used afterwards."""
    with keep_intermediates():
        output.backward(gradient, retain_graph=True)
