"""Step through backprop in a browser: one self-contained, offline HTML file.

``stepper(loss, names)`` lays the graph out with Graphviz, embeds it as SVG, and adds a
small hand-written script (``stepper.js`` next to this file). The buttons (and the arrow
keys) step forward through the forward pass, where the values appear node by node, then
backward through the reverse walk: the current node is highlighted, its chain-rule line is
shown with its numbers (the same text as ``backward_trace``), the gradients fill in, and a
tensor used several times shows its gradient as a sum, term by term. Clicking a node shows
its op, value, local derivative and gradient.

``stepper(recorder)`` (a ``Recorder`` filled during a training loop, or a list of its
iterations) makes the second kind of page: a slider over the recorded iterations, showing
the graph's values and gradients, the parameters, their gradients and the loss curve.

The page needs no server and makes no network request; ``.save(path)`` writes it, and in
Jupyter it shows itself inline (``_repr_html_``, in an isolated ``iframe``).
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Iterable
from typing import Any

import numpy as np

from ._labels import fmt_array, fmt_shape
from ._model import GraphModel, Value, collect
from .graph import _atomic_write, build_digraph
from .graph import intermediate_grads as _intermediate_grads
from .renderer import INSTALL_HINT, GraphvizMissingError, find_renderer
from .tape import FORMULAS, _fill, backward_trace

__all__ = ["stepper", "Stepper", "Recorder", "Iteration"]

_SCRIPT = os.path.join(os.path.dirname(__file__), "stepper.js")
_KIND = {"param": "parameter", "leaf": "leaf", "input": "data", "const": "constant",
         "op": "result of an op"}  # fmt: skip


class Stepper:
    """A finished page: ``html`` (the whole file), ``steps`` (the data of each step), and
    ``save(path)``. Shows itself inline in Jupyter."""

    def __init__(self, page: str, steps: list[dict]) -> None:
        self.html = page
        self.steps = steps

    def save(self, path: str | os.PathLike) -> str:
        """Write the page to ``path`` (atomically) and return the path."""
        path = os.fspath(path)
        _atomic_write(path, self.html)
        return path

    def _repr_html_(self) -> str:
        doc = html.escape(self.html, quote=True)
        return (f'<iframe srcdoc="{doc}" style="width:100%;height:720px;border:1px solid #ddd" '
                'sandbox="allow-scripts"></iframe>')  # fmt: skip

    def __len__(self) -> int:
        return len(self.steps)


def stepper(
    what: Any,
    names: Any = None,
    *,
    max_elems: int = 6,
    title: str | None = None,
    rankdir: str = "auto",
) -> Stepper:
    """An interactive HTML page for the graph of ``what`` (a scalar loss Tensor, before or
    after ``backward()``), or for a training run (a ``Recorder`` or a list of
    ``Iteration``). ``names`` names tensors as in ``draw`` (a Module, a dict, or both in a
    tuple). Needs Graphviz's ``dot`` to lay the graph out (``GraphvizMissingError`` if absent)."""
    if isinstance(what, Recorder):
        what = what.iterations
    if isinstance(what, (list, tuple)) and what and isinstance(what[0], Iteration):
        return _training_page(list(what), title=title, rankdir=rankdir)
    if isinstance(what, (list, tuple)):
        raise TypeError(
            "stepper: pass one loss Tensor, or a Recorder / list of Iteration (from "
            f"viz.Recorder) for training runs; got a {type(what).__name__} of "
            f"{type(what[0]).__name__ if what else 'nothing'}"
        )
    return _backprop_page(what, names, max_elems=max_elems, title=title, rankdir=rankdir)


# --- one graph, forward then backward ------------------------------------------------------


def _svg(model: GraphModel, grads: dict, max_elems: int, rankdir: str, value_lines: bool) -> str:
    """The graph as SVG, every box with its final value and gradient lines (the script hides
    and rewrites them step by step)."""
    if find_renderer("svg") is None:
        raise GraphvizMissingError(f"stepper: {INSTALL_HINT}")
    graph = build_digraph(model, grads=grads, max_elems=max_elems, rankdir=rankdir,
                          after_backward=True, caption=False, max_nodes=None)  # fmt: skip
    svg = graph.pipe(format="svg").decode("utf-8")
    return svg[svg.index("<svg") :]


def _ids(model: GraphModel) -> dict:
    """Value key -> the id of its box in the SVG (as ``build_digraph`` numbers them)."""
    return {key: f"t{i}" for i, key in enumerate(model.values)}


def _local(model: GraphModel, v: Value) -> str:
    """The local derivatives of the op that made ``v``, as the adjoints it sends back."""
    step = next((s for s in model.steps if s.out is v), None)
    if step is None:
        return "a leaf: backward adds its gradient into .grad" if v.requires_grad else (
            "a constant: no gradient flows into it")  # fmt: skip
    table = FORMULAS.get(step.node.fn.__name__) if step.node.fn.array_mode else None
    inputs = [a for a in step.args if isinstance(a, Value)]
    if table is None:
        return f"{step.node.name()}: the backward of a user Function"
    name = lambda u: u.name  # noqa: E731
    rows = []
    for pos, a in enumerate(step.args):
        if isinstance(a, Value) and a.requires_grad and pos < len(table):
            rows.append(f"grad {a.name} += {_fill(table[pos], step, f'grad {v.name}', name)}")
    return "; ".join(rows) if rows else f"no input of {step.op} needs a gradient ({inputs})"


def _with_numbers(ts: Any, fmt: Any) -> list[str]:
    """Each contribution of a backward step with the numbers put in the formula:
    ``grad m += [3, -7] * [-2, 3] = -27 (summed to shape ())``."""
    step = ts.step
    table = FORMULAS.get(step.node.fn.__name__) if step.node.fn.array_mode else None
    if table is None:
        return []
    rows = []
    for target, pos, contrib, _total, _first in ts.adds:
        if pos >= len(table):
            return []
        if any(isinstance(a, Value) and a.data is None for a in step.args):
            return []
        text = _fill(table[pos], step, fmt(ts.grad_out), lambda v: fmt(v.data))
        row = f"grad {target.name} += {text} = {fmt(contrib)}"
        if np.shape(contrib) != np.shape(ts.grad_out) and "expand" not in table[pos]:
            row += f" (summed to shape {fmt_shape(np.shape(contrib))})"
        rows.append(row)
    return rows


def _backprop_page(loss: Any, names: Any, *, max_elems: int, title: str | None,
                   rankdir: str) -> Stepper:  # fmt: skip
    trace = backward_trace(loss, names, max_elems=max_elems)
    model = trace.model
    ids = _ids(model)
    fmt = lambda a: fmt_array(a, max_elems)  # noqa: E731
    out = model.outputs[0]
    final = dict(trace.grads)
    for v in model.values.values():  # the leaves show what backward gave (.grad) if it ran
        if v.kind in ("param", "leaf") and v.grad is not None:
            final[v.key] = v.grad
    svg = _svg(model, final, max_elems, rankdir, True)
    op_id = {s.out.key: f"op{s.index}" for s in model.steps}

    nodes = {}
    for v in model.values.values():
        step = next((s for s in model.steps if s.out is v), None)
        nodes[ids[v.key]] = {
            "name": v.name, "kind": _KIND.get(v.kind, v.kind) + (" (output)" if v.is_output
                                                                 else ""),
            "op": f"{v.name} = {step.call_text(fmt)}" if step else "(an input)",
            "value": fmt_array(v.data, 12) if v.data is not None else "?",
            "shape": fmt_shape(v.shape), "local": _local(model, v),
            "grad": fmt(final[v.key]) if final.get(v.key) is not None else "(none)",
            "op_id": op_id.get(v.key),
        }  # fmt: skip
    for s in model.steps:
        nodes[op_id[s.out.key]] = dict(nodes[ids[s.out.key]])

    steps: list[dict] = []
    visible = [ids[v.key] for v in model.values.values() if v.kind != "op" and v.data is not None]
    inputs = ", ".join(f"{v.name} = {fmt(v.data)}" for v in model.values.values()
                       if v.kind != "op" and v.data is not None)  # fmt: skip
    steps.append({"phase": "forward", "head": "forward pass: the inputs",
                  "text": inputs, "detail": "", "focus": list(visible),
                  "data": list(visible), "grads": {}})  # fmt: skip
    for k, s in enumerate(model.steps, 1):
        visible.append(ids[s.out.key])
        value = fmt(s.out.data) if s.out.data is not None else "?"
        args = [a for a in s.args if isinstance(a, Value)]
        detail = ", ".join(f"{a.name} = {fmt(a.data)}" for a in args if a.data is not None)
        steps.append({"phase": "forward", "head": f"forward {k}/{len(model.steps)}",
                      "text": f"{s.out.name} = {s.call_text(fmt)} = {value}", "detail": detail,
                      "focus": [op_id[s.out.key], ids[s.out.key]], "data": list(visible),
                      "grads": {}})  # fmt: skip
    terms: dict[Any, list] = {out.key: [trace.seed]}

    def grad_texts() -> dict:
        shown = {}
        for key, parts in terms.items():
            total = parts[0] if len(parts) == 1 else sum(parts[1:], parts[0])
            if len(parts) == 1:
                shown[ids[key]] = f"grad {fmt(total)}"
            else:
                shown[ids[key]] = "grad " + " + ".join(fmt(p) for p in parts) + f" = {fmt(total)}"
        return shown

    steps.append({"phase": "backward", "head": "seed of the reverse walk",
                  "text": f"grad {out.name} = {fmt(trace.seed)}",
                  "detail": f"d{out.name}/d{out.name} = 1: the seed of the reverse walk",
                  "focus": [ids[out.key]], "data": list(visible), "grads": grad_texts()})  # fmt: skip
    for k, (ts, rows) in enumerate(zip(trace.steps, trace.lines()), 1):
        for target, _pos, contrib, _total, _first in ts.adds:
            terms.setdefault(target.key, []).append(contrib)
        args = [a for a in ts.step.args if isinstance(a, Value) and a.data is not None]
        numbers = [f"grad {ts.step.out.name} = {fmt(ts.grad_out)}"]
        numbers += [f"{a.name} = {fmt(a.data)}" for a in args]
        filled = _with_numbers(ts, fmt)
        if filled:
            numbers = ["\n".join(filled) + "\n(with " + ", ".join(numbers) + ")"]
        else:
            numbers = ["with " + ", ".join(numbers)]
        focus = [op_id[ts.step.out.key], ids[ts.step.out.key]]
        focus += [ids[t.key] for t, *_ in ts.adds]
        steps.append({"phase": "backward", "head": f"backward {k}/{len(trace.steps)}",
                      "text": "\n".join(rows), "detail": numbers[0],
                      "focus": focus, "data": list(visible), "grads": grad_texts()})  # fmt: skip
    leaves = [v for v in model.values.values() if v.kind in ("param", "leaf")]
    done = {ids[v.key]: f"grad {fmt(final[v.key])}" for v in leaves if final.get(v.key) is not None}
    final_grads = dict(grad_texts())
    final_grads.update(done)
    steps.append({"phase": "done", "head": "done",
                  "text": "\n".join(f"grad {v.name} = {fmt(final[v.key])}" for v in leaves
                                    if final.get(v.key) is not None),
                  "detail": "the leaves' gradients, as backward() leaves them in .grad",
                  "focus": [ids[v.key] for v in leaves], "data": list(visible),
                  "grads": final_grads})  # fmt: skip
    data = {"mode": "backprop", "title": title or f"backprop through {out.name}",
            "steps": steps, "nodes": nodes,
            "values": [ids[v.key] for v in model.values.values()]}  # fmt: skip
    return Stepper(_page(data, svg), steps)


# --- training runs ---------------------------------------------------------------------------


class Iteration:
    """One recorded training iteration: its number, the loss, the parameters and their
    gradients (name -> array), and the text of every box of its graph (for the page)."""

    __slots__ = ("step", "loss", "params", "grads", "boxes", "signature", "model", "final",
                 "fit")  # fmt: skip

    def __init__(self, step: int, loss: float, params: dict, grads: dict, boxes: dict,
                 signature: tuple, model: GraphModel, final: dict) -> None:  # fmt: skip
        self.step, self.loss, self.params, self.grads = step, loss, params, grads
        self.boxes, self.signature, self.model, self.final = boxes, signature, model, final
        self.fit: dict | None = None  # data points and the model's curve (Recorder(fit=...))

    def __repr__(self) -> str:
        ps = ", ".join(f"{k}={fmt_array(v, 3)}" for k, v in self.params.items())
        return f"Iteration(step={self.step}, loss={self.loss:.6g}, {ps})"


class Recorder:
    """Records every ``every``-th training iteration for ``stepper``: call it after
    ``loss.backward()`` and before the update, ``recorder(loss, names)``; it keeps copies
    (the graph may be dropped and the parameters change afterwards)."""

    def __init__(self, every: int = 1, max_elems: int = 6, fit: tuple | None = None) -> None:
        """``fit=(xs, ys, predict)`` also draws the data points and the model's curve at each
        recorded step: ``predict(x)`` maps an array of x to the model's y (with the
        parameters as they are when the iteration is recorded)."""
        if every < 1:
            raise ValueError(f"Recorder: every must be >= 1, got {every}")
        if fit is not None and (len(fit) != 3 or not callable(fit[2])):
            raise TypeError("Recorder: fit should be (xs, ys, predict) with predict(x) -> y")
        self.every = every
        self.max_elems = max_elems
        self.fit = fit
        self.iterations: list[Iteration] = []
        self.calls = 0

    def __call__(self, loss: Any, names: Any = None, step: int | None = None) -> bool:
        """Record this iteration if it is an ``every``-th one; return whether it did."""
        step = self.calls if step is None else step
        self.calls += 1
        if step % self.every:
            return False
        it = snapshot(loss, names, step, self.max_elems)
        if self.fit is not None:
            xs, ys, predict = self.fit
            xs, ys = np.asarray(xs, dtype=float).ravel(), np.asarray(ys, dtype=float).ravel()
            pad = 0.2 * (xs.max() - xs.min() or 1.0)
            grid = np.linspace(xs.min() - pad, xs.max() + pad, 50)
            curve = np.asarray([float(np.asarray(predict(g))) for g in grid])
            it.fit = {"xs": xs.tolist(), "ys": ys.tolist(), "gx": grid.tolist(),
                      "gy": curve.tolist()}  # fmt: skip
        self.iterations.append(it)
        return True

    def __len__(self) -> int:
        return len(self.iterations)

    def __iter__(self) -> Iterable:
        return iter(self.iterations)


def snapshot(loss: Any, names: Any, step: int, max_elems: int = 6) -> Iteration:
    """An ``Iteration`` of ``loss``'s graph now: values, gradients (the leaves' ``.grad``, the
    intermediate results' from the reverse walk), copied."""
    model = collect(loss, names)
    grads = _intermediate_grads(model, loss, names) or {}
    for v in model.values.values():
        if v.grad is not None:
            grads.setdefault(v.key, v.grad)
    ids = _ids(model)
    boxes = {}
    for v in model.values.values():
        boxes[ids[v.key]] = {
            "data": f"data {fmt_array(v.data, max_elems)}" if v.data is not None else None,
            "grad": f"grad {fmt_array(grads[v.key], max_elems)}" if grads.get(v.key) is not None
            else None,
        }  # fmt: skip
    params = {v.name: np.array(v.data, copy=True) for v in model.values.values()
              if v.kind == "param"}  # fmt: skip
    pgrads = {v.name: np.array(v.grad, copy=True) for v in model.values.values()
              if v.kind == "param" and v.grad is not None}  # fmt: skip
    signature = tuple((s.op, s.call_text()) for s in model.steps)
    final = {k: np.array(g, copy=True) for k, g in grads.items() if g is not None}
    return Iteration(step, float(np.asarray(loss._array).sum()), params, pgrads, boxes,
                     signature, model, final)  # fmt: skip


def _training_page(its: list[Iteration], *, title: str | None, rankdir: str) -> Stepper:
    first = its[0]
    for it in its[1:]:
        if it.signature != first.signature:
            raise ValueError(
                f"stepper: iteration {it.step} recorded a different graph than iteration "
                f"{first.step}; a training page needs the same computation at every step"
            )

    def text_size(it: Iteration) -> int:
        return sum(len(t or "") for box in it.boxes.values() for t in box.values())

    widest = max(its, key=text_size)  # laid out with the longest labels: the others fit
    svg = _svg(widest.model, widest.final, 6, rankdir, True)
    fit = [it.fit for it in its]
    steps = []
    for it in its:
        steps.append({
            "phase": "train", "head": f"iteration {it.step}",
            "text": f"loss = {fmt_array(it.loss, 6)}",
            "detail": "; ".join(
                f"{k} = {fmt_array(v, 4)} (grad {fmt_array(it.grads.get(k), 4)})"
                if it.grads.get(k) is not None else f"{k} = {fmt_array(v, 4)}"
                for k, v in it.params.items()),
            "boxes": it.boxes, "loss": it.loss,
            "params": {k: fmt_array(v, 4) for k, v in it.params.items()},
            "pgrads": {k: fmt_array(v, 4) for k, v in it.grads.items()},
            "fit": it.fit,
        })  # fmt: skip
    data = {"mode": "train", "title": title or f"training: {len(its)} recorded iterations",
            "steps": steps, "nodes": {}, "values": list(first.boxes),
            "has_fit": all(f is not None for f in fit)}  # fmt: skip
    return Stepper(_page(data, svg), steps)


# --- the page --------------------------------------------------------------------------------

_CSS = """
body { font-family: Helvetica, Arial, sans-serif; margin: 12px; color: #212529; }
#bar { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; margin-bottom: 8px; }
#bar button { font-size: 15px; padding: 4px 10px; }
#head { font-weight: bold; min-width: 9em; }
#chain { font: 15px/1.4 Menlo, Consolas, monospace; background: #fff9db; padding: 6px 10px;
         margin: 0 0 4px 0; min-height: 1.4em; white-space: pre-wrap; }
#detail { font: 13px Menlo, Consolas, monospace; color: #495057; min-height: 1.2em;
          white-space: pre-wrap; margin-bottom: 4px; }
#main { display: flex; gap: 12px; align-items: flex-start; }
#graph { flex: 1 1 auto; overflow: auto; max-height: 80vh; border: 1px solid #dee2e6; }
#graph svg { max-width: 100%; height: auto; }
#side { flex: 0 0 300px; font-size: 13px; }
#info { white-space: pre-wrap; font-family: Menlo, Consolas, monospace; background: #f1f3f5;
        padding: 6px; min-height: 4em; }
.focus polygon, .focus ellipse, .focus path { stroke: #e03131 !important; stroke-width: 3; }
.focus polygon, .focus ellipse { fill: #ffec99 !important; }
.hidden { display: none; }
.node { cursor: pointer; }
#curve { width: 300px; height: 160px; border: 1px solid #dee2e6; }
#fit { width: 300px; height: 200px; border: 1px solid #dee2e6; margin-top: 6px; }
table.params { border-collapse: collapse; margin-top: 6px; }
table.params td { border: 1px solid #dee2e6; padding: 2px 6px; font-family: monospace; }
"""


def _page(data: dict, svg: str) -> str:
    with open(_SCRIPT, encoding="utf-8") as f:
        script = f.read()
    payload = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    title = html.escape(data["title"])
    training = data["mode"] == "train"
    controls = (
        '<input id="scrub" type="range" min="0" value="0" style="width:260px">' if training else ""
    )
    side = (
        '<div><b>loss</b><br><svg id="curve" viewBox="0 0 300 160"></svg></div>'
        '<table class="params" id="params"></table>'
        + (
            '<div><b>the fit</b><br><svg id="fit" viewBox="0 0 300 200"></svg></div>'
            if data.get("has_fit")
            else ""
        )
        if training
        else '<div><b>node</b> (click one)</div><div id="info"></div>'
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; \
style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>{title}</title><style>{_CSS}</style></head>
<body>
<h3 style="margin:4px 0">{title}</h3>
<div id="bar">
<button id="first" title="first step (Home)">&laquo; first</button>
<button id="prev" title="previous step (left arrow)">&#x25C0; back</button>
<button id="next" title="next step (right arrow)">next &#x25B6;</button>
<button id="last" title="last step (End)">last &raquo;</button>
{controls}
<span id="head"></span><span id="count"></span>
</div>
<pre id="chain"></pre>
<div id="detail"></div>
<div id="main"><div id="graph">{svg}</div><div id="side">{side}</div></div>
<script id="data" type="application/json">{payload}</script>
<script>{script}</script>
</body></html>
"""
