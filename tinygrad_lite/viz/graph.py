"""Draw a recorded computation as a Graphviz graph: ``draw(loss)`` and ``render(graph, path)``.

One box per tensor (parameters, data, leaves, intermediate results, outputs, each styled
differently) and one ellipse per op; edges follow the data from inputs to outputs. Every
box shows its value, also after a plain ``loss.backward()`` (the graph keeps its values
until it is dropped); after a backward the leaves show ``.grad`` and the intermediate
results the gradient the reverse walk gives them (recomputed from the kept values, as
``backward_trace`` does), and a tensor used n times is marked as summing n contributions.
What is not available is said once, in a caption under the graph. A small legend names
the kinds of boxes. ``rankdir="auto"`` lays out left to right unless that would be more
than about 3 times wider than high (then top to bottom). Ops run inside a Module's forward
are grouped into a cluster per module, whose title is a node of its own (edges are routed
around nodes, so no edge crosses a title).

The result is a ``graphviz.Digraph`` whose pictures come from ``viz.renderer`` (graphviz-pure
from pip, else the system ``dot``): it shows itself inline in Jupyter (the DOT source and a
one-line hint when there is no renderer), and has ``.source``, ``.save(path)``, ``.pipe(format)``
and ``.render(...)``. ``render()`` below always writes the DOT file, and without a renderer says
in one line what to install.
"""

from __future__ import annotations

import os
import re
import sys
from typing import TYPE_CHECKING, Any

import numpy as np

from ._labels import fmt_array, fmt_shape
from ._model import GraphModel, Step, Value, collect
from .renderer import GraphvizMissingError, RenderError, render_bytes

if TYPE_CHECKING:
    import graphviz

__all__ = ["draw", "render", "build_digraph", "GraphvizMissingError", "STYLES"]

# Node styles by kind of tensor (parameters orange, data blue, leaves yellow, output green).
STYLES: dict[str, dict[str, str]] = {
    "param": {"shape": "box", "style": "filled,bold", "fillcolor": "#ffd8a8"},
    "leaf": {"shape": "box", "style": "filled", "fillcolor": "#fff3bf"},
    "input": {"shape": "box", "style": "filled", "fillcolor": "#d0ebff"},
    "const": {"shape": "box", "style": "filled,dashed", "fillcolor": "#f1f3f5"},
    "op_value": {"shape": "box", "style": "rounded", "fillcolor": "white"},
    "output": {"shape": "box", "style": "filled,bold", "fillcolor": "#d3f9d8", "peripheries": "2"},
    "op": {"shape": "ellipse", "style": "filled", "fillcolor": "#e9ecef", "fontsize": "11"},
    "module": {"shape": "box3d", "style": "filled", "fillcolor": "#e5dbff"},
    "note": {"shape": "note", "style": "filled", "fillcolor": "#ffe3e3"},
}
HIGHLIGHT = {"color": "#e03131", "penwidth": "3", "fillcolor": "#ffec99", "style": "filled,bold"}
FANOUT = {"color": "#c92a2a", "penwidth": "2"}
DEFAULT_MAX_NODES = 400


def _graphviz() -> Any:
    try:
        import graphviz
    except ImportError:
        raise ImportError(
            "tinygrad_lite.viz.draw needs the extra 'viz': pip install 'tinygrad_lite[viz]' "
            "(the graphviz package and the graphviz-pure renderer); viz.as_text(), viz.tape() "
            "and viz.backward_trace() work without it."
        ) from None
    return graphviz


_DRAWING_CLASS: Any = None


def _drawing_class() -> Any:
    """``Drawing``: a ``graphviz.Digraph`` whose pictures come from our renderer (graphviz-pure
    or the system ``dot``, see ``viz.renderer``), in Jupyter too; made once, on first use."""
    global _DRAWING_CLASS
    if _DRAWING_CLASS is not None:
        return _DRAWING_CLASS
    gv = _graphviz()

    class Drawing(gv.Digraph):
        """A computation graph: ``.source`` (DOT), ``.pipe(format)`` (bytes), ``.render(path)``
        and inline SVG in Jupyter; without a renderer Jupyter shows the DOT source and a hint."""

        def pipe(self, format: str | None = None, *args: Any, encoding: str | None = None,
                 **kwargs: Any) -> Any:  # noqa: A002  # fmt: skip
            data = render_bytes(self.source, format or self.format or "svg")
            return data.decode(encoding) if encoding else data

        def render(self, filename: Any = None, directory: Any = None, view: bool = False,
                   cleanup: bool = False, format: str | None = None, *args: Any,
                   **kwargs: Any) -> str:  # noqa: A002  # fmt: skip
            fmt = format or self.format or "svg"
            source_path = self.save(filename, directory=directory)
            out = f"{source_path}.{fmt}"
            _atomic_write(out, self.pipe(format=fmt))
            if cleanup:
                os.remove(source_path)
            return out

        def _repr_svg_(self) -> str | None:
            try:
                return self.pipe(format="svg", encoding="utf-8")
            except (GraphvizMissingError, RenderError):
                return None

        def _repr_mimebundle_(self, include: Any = None, exclude: Any = None,
                              **kwargs: Any) -> dict[str, str]:  # fmt: skip
            try:
                return {"image/svg+xml": self.pipe(format="svg", encoding="utf-8")}
            except (GraphvizMissingError, RenderError) as e:
                return {"text/plain": f"({' '.join(str(e).split())})\n{self.source}"}

    _DRAWING_CLASS = Drawing
    return Drawing


def draw(
    outputs: Any,
    params: Any = None,
    *,
    show_values: bool = True,
    show_grads: bool = True,
    show_shapes: bool = True,
    rankdir: str = "auto",
    max_elems: int = 6,
    cluster_modules: bool = True,
    collapse_modules: bool = False,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    title: str | None = None,
    legend: bool = True,
) -> graphviz.Digraph:
    """The graph behind ``outputs`` (a Tensor or a list of Tensors) as a ``graphviz.Digraph``.

    ``params`` names tensors: a Module (its ``named_parameters()``, and its submodules become
    clusters) or a dict name -> Tensor (data tensors included). Arrays longer than
    ``max_elems`` are abbreviated; ``collapse_modules=True`` draws each top-level module as
    one node; past ``max_nodes`` nodes the oldest ones are left out, with a note saying so.
    ``rankdir`` is ``"auto"`` (default), ``"LR"``, ``"RL"``, ``"TB"`` or ``"BT"``;
    ``legend=False`` leaves out the legend.
    """
    if rankdir not in RANKDIRS:
        raise ValueError(f"draw: rankdir must be 'auto', 'LR', 'RL', 'TB' or 'BT', got {rankdir!r}")
    model = collect(outputs, params)
    grads = intermediate_grads(model, outputs, params) if show_grads else None
    return build_digraph(
        model, show_values=show_values, show_grads=show_grads, show_shapes=show_shapes,
        rankdir=rankdir, max_elems=max_elems, cluster_modules=cluster_modules,
        collapse_modules=collapse_modules, max_nodes=max_nodes, title=title, grads=grads,
        legend=legend,
    )  # fmt: skip


RANKDIRS = ("auto", "LR", "RL", "TB", "BT")
WIDE = 3.0  # rankdir="auto": top to bottom when left to right would be wider than this : 1


def intermediate_grads(model: GraphModel, outputs: Any, params: Any) -> dict | None:
    """After a backward: value key -> gradient for every value, the leaves' from ``.grad``
    and the intermediate results' from the reverse walk (``backward_trace``, which rebuilds
    what backward freed). None before any backward; on failure a note in ``model.notes``."""
    if not model.backward_done or not model.steps:
        return None
    if all(v.grad is not None for v in model.values.values() if v.requires_grad):
        return None  # everything kept (viz.backward / keep_intermediates)
    from .tape import backward_trace

    grads = {v.key: v.grad for v in model.values.values() if v.grad is not None}
    try:
        trace = backward_trace(outputs, params)
    except (RuntimeError, ValueError) as e:
        reason = "not kept by backward()"
        if model.changed:
            reason = "not recomputable: the parameters changed since"
        elif "shape" in str(e):
            reason = "not recomputable for a non-scalar output"
        model.notes.append(f"gradients of intermediate results {reason}; "
                           "viz.backward(loss) keeps them")  # fmt: skip
        out = model.outputs[0]
        if out.kind == "op" and out.key not in grads and out.shape == ():
            grads[out.key] = np.ones((), dtype=float)  # the seed: d out / d out = 1
        return grads
    for v in model.values.values():
        if v.kind == "op" and v.key not in grads and v.key in trace.grads:
            grads[v.key] = trace.grads[v.key]
    return grads


def _value_label(v: Value, opts: dict, grad: Any) -> str:
    kind = {"param": "param", "input": "data", "leaf": "leaf"}.get(v.kind)
    lines = [f"{v.name}  ({kind})" if kind else v.name]
    if opts["show_shapes"] and v.shape is not None:
        lines.append(f"shape {fmt_shape(v.shape)}")
    if opts["show_values"] and v.data is not None:
        lines.append(f"data {fmt_array(v.data, opts['max_elems'])}")
    if opts["show_grads"] and v.requires_grad:
        if grad is not None:
            lines.append(f"grad {fmt_array(grad, opts['max_elems'])}")
    if _fans_out(v, opts):
        lines.append(f"grad = Σ over {v.uses} uses")
    return "\n".join(lines)


def _fans_out(v: Value, opts: dict) -> bool:
    """Mark a tensor whose gradient sums several uses (only once a backward has run)."""
    return v.uses > 1 and v.requires_grad and opts.get("after_backward", False)


def _style(v: Value, opts: dict) -> dict[str, str]:
    if v.is_output:
        style = dict(STYLES["output"])
    elif v.kind == "op":
        style = dict(STYLES["op_value"])
    else:
        style = dict(STYLES[v.kind])
    if _fans_out(v, opts):
        style.update(FANOUT)
    return style


class _Collapse:
    """Which ops and tensors a collapsed module swallows (``collapse_modules=True``).

    The groups are the children of the root Module (else the outermost modules); a tensor
    is hidden in a group if the group made it and only the group uses it, or it is one of
    the group's parameters."""

    def __init__(self, model: GraphModel, enabled: bool) -> None:
        self.model = model
        self.groups: set[str] = set()
        if enabled and model.modules:
            mods = model.modules
            if "" in mods:
                self.groups = {m.name for m in mods.values() if m.parent == ""} or {""}
            else:
                self.groups = {m.name for m in mods.values() if m.parent is None}
        self.consumers: dict[Any, list[Step]] = {}
        for step in model.steps:
            for a in step.args:
                if isinstance(a, Value):
                    self.consumers.setdefault(a.key, []).append(step)
        self.made_by = {s.out.key: self.group_of(s.module) for s in model.steps}

    def group_of(self, module: str | None) -> str | None:
        """The collapsed group that contains ``module`` (None if not collapsed)."""
        if not self.groups:
            return None
        while module is not None:
            if module in self.groups:
                return module
            info = self.model.modules.get(module)
            if info is None:  # a parameter's module that recorded no ops: go up by name
                module = module.rsplit(".", 1)[0] if "." in module else ("" if module else None)
                continue
            module = info.parent
        return None

    def hidden(self, v: Value) -> str | None:
        """The collapsed group that swallows ``v``, if any."""
        if not self.groups:
            return None
        if v.kind == "param":
            return self.group_of(v.module)
        g = self.made_by.get(v.key)
        if g is None or v.is_output:
            return None
        if all(self.group_of(c.module) == g for c in self.consumers.get(v.key, [])):
            return g
        return None

    def node_id(self, step: Step) -> str:
        """The drawn node standing for ``step``: its own ellipse or its module's box."""
        g = self.group_of(step.module)
        return f"mod{_safe(g)}" if g is not None else f"op{step.index}"


# A node to draw: (order for the node cap, id, label, attributes, cluster module or None)
_DrawNode = tuple[float, str, str, dict, "str | None"]


def build_digraph(
    model: GraphModel,
    *,
    show_values: bool = True,
    show_grads: bool = True,
    show_shapes: bool = True,
    rankdir: str = "auto",
    max_elems: int = 6,
    cluster_modules: bool = True,
    collapse_modules: bool = False,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    title: str | None = None,
    grads: dict | None = None,
    highlight: set | None = None,
    legend: bool = True,
    after_backward: bool | None = None,
    caption: bool = True,
) -> graphviz.Digraph:
    """Turn a ``GraphModel`` into a Digraph (``draw`` and the backward frames use this).

    ``grads`` (value key -> array) replaces the gradients shown; ``highlight`` is a set of
    value keys and ``("step", index)`` entries drawn highlighted; ``after_backward`` (default:
    whether a backward ran) switches the fan-out marks on; ``caption`` adds the model's notes."""
    drawing = _drawing_class()
    if after_backward is None:
        after_backward = model.backward_done
    opts = {"show_values": show_values, "show_grads": show_grads, "show_shapes": show_shapes,
            "max_elems": max_elems, "after_backward": after_backward}  # fmt: skip
    highlight = highlight or set()
    col = _Collapse(model, collapse_modules)
    use_clusters = cluster_modules and not col.groups
    ids = {key: f"t{i}" for i, key in enumerate(model.values)}
    nodes = _value_nodes(model, col, ids, opts, grads, highlight, use_clusters)
    op_nodes, edges = _op_nodes(model, col, ids, max_elems, highlight, use_clusters)
    nodes += op_nodes + _group_nodes(model, col, show_shapes, highlight)

    total = len(nodes)
    nodes.sort(key=lambda n: n[0])
    dropped: list[_DrawNode] = []
    if max_nodes is not None and total > max_nodes:
        keep = max(max_nodes - 1, 1)  # one place is for the note
        dropped, nodes = nodes[: total - keep], nodes[total - keep :]
    kept_ids = {n[1] for n in nodes}

    if rankdir == "auto":
        rankdir = auto_rankdir(nodes, edges)
    dot = drawing("computation")
    dot.attr(rankdir=rankdir, fontname="Helvetica", compound="true")
    dot.attr("node", fontname="Helvetica", fontsize="10")
    dot.attr("edge", color="#495057", arrowsize="0.7")
    text = "\n".join(t for t in (title, model.caption if caption else "") if t)
    if text:
        dot.attr(label=_escape(text), labelloc="t" if title else "b", fontsize="12")
    clusters: dict[str | None, list] = {}
    for _order, nid, label, attrs, cluster in nodes:
        if cluster is not None and cluster not in model.modules:
            cluster = None
        clusters.setdefault(cluster, []).append((nid, label, attrs))
    for nid, label, attrs in clusters.pop(None, []):
        dot.node(nid, _escape(label), id=nid, **attrs)
    _emit_clusters(dot, model, clusters, edges)
    for a, b in sorted(edges):
        if a in kept_ids and b in kept_ids:
            dot.edge(a, b)
    if legend and model.steps:
        dot.node("legend", legend_html(model, after_backward), shape="plaintext", id="legend")
    if dropped:
        note = (
            f"{len(dropped)} of {total} nodes not drawn (the oldest ones, nearest the inputs).\n"
            f"{_left_out(dropped)}\n"
            "Pass max_nodes=None to draw everything, or collapse_modules=True."
        )
        dot.node("note_truncated", _escape(note), id="note_truncated", **STYLES["note"])
    return dot


def _value_nodes(
    model: GraphModel, col: _Collapse, ids: dict, opts: dict, grads: dict | None,
    highlight: set, use_clusters: bool,
) -> list[_DrawNode]:  # fmt: skip
    """One box per tensor that is not hidden in a collapsed module."""
    step_of = {s.out.key: s.index for s in model.steps}
    first_use: dict = {}
    for step in model.steps:
        for a in step.args:
            if isinstance(a, Value):
                first_use.setdefault(a.key, step.index)
    nodes = []
    for v in model.values.values():
        if col.hidden(v) is not None:
            continue
        grad = v.grad if grads is None else grads.get(v.key)
        attrs = _style(v, opts)
        if v.key in highlight:
            attrs.update(HIGHLIGHT)
        if v.kind == "op":
            order = step_of[v.key] + 0.5
        else:
            order = first_use.get(v.key, len(model.steps)) - 0.25
        cluster = v.module if use_clusters and v.kind not in ("input", "const") else None
        nodes.append((order, ids[v.key], _value_label(v, opts, grad), attrs, cluster))
    return nodes


def _op_nodes(
    model: GraphModel, col: _Collapse, ids: dict, max_elems: int, highlight: set,
    use_clusters: bool,
) -> tuple[list[_DrawNode], set[tuple[str, str]]]:  # fmt: skip
    """One ellipse per op not inside a collapsed module, and every data-flow edge."""
    nodes = []
    edges: set[tuple[str, str]] = set()
    for step in model.steps:
        me = col.node_id(step)
        if me.startswith("op"):
            attrs = dict(STYLES["op"])
            if ("step", step.index) in highlight:
                attrs.update(HIGHLIGHT)
            text = step.call_text(lambda x: fmt_array(x, max_elems))
            nodes.append((step.index, me, text, attrs, step.module if use_clusters else None))
        for a in step.args:
            if isinstance(a, Value):
                h = col.hidden(a)
                src = ids[a.key] if h is None else f"mod{_safe(h)}"
                if src != me:
                    edges.add((src, me))
        if col.hidden(step.out) is None:
            edges.add((me, ids[step.out.key]))
    return nodes, edges


def _group_nodes(
    model: GraphModel, col: _Collapse, show_shapes: bool, highlight: set
) -> list[_DrawNode]:
    """One box per collapsed module: its name, op count, parameters and output shapes."""
    members: dict[str, list[Step]] = {}
    for step in model.steps:
        g = col.group_of(step.module)
        if g is not None:
            members.setdefault(g, []).append(step)
    params: dict[str, list[Value]] = {}
    for v in model.values.values():
        if v.kind == "param" and col.hidden(v) is not None:
            params.setdefault(col.hidden(v), []).append(v)
    nodes = []
    for g, steps in members.items():
        n = len(steps)
        lines = [model.modules[g].label, f"{n} op{'s' if n != 1 else ''} collapsed"]
        if params.get(g):
            shapes = (f"{p.name.rsplit('.', 1)[-1]} {fmt_shape(p.shape)}" for p in params[g])
            lines.append("params: " + ", ".join(shapes))
        outs = [s.out for s in steps if col.hidden(s.out) is None]
        if outs and show_shapes:
            lines.append("out " + ", ".join(fmt_shape(o.shape) for o in outs))
        attrs = dict(STYLES["module"])
        if any(("step", s.index) in highlight for s in steps):
            attrs.update(HIGHLIGHT)
        nodes.append((max(s.index for s in steps), f"mod{_safe(g)}", "\n".join(lines), attrs, None))
    return nodes


def _left_out(dropped: list) -> str:
    """``ops left out: 2 matmul, 2 add, 1 permute`` (most frequent first, at most 6 kinds)."""
    counts: dict[str, int] = {}
    for _order, nid, label, _attrs, _cluster in dropped:
        if nid.startswith("op"):
            name = label.split("(", 1)[0]
            counts[name] = counts.get(name, 0) + 1
        elif nid.startswith("mod"):
            counts["module"] = counts.get("module", 0) + 1
    if not counts:
        return "only input tensors left out"
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    text = ", ".join(f"{n} {name}" for name, n in ranked[:6])
    return f"ops left out: {text}" + (", ..." if len(ranked) > 6 else "")


def legend_html(model: GraphModel, after_backward: bool) -> str:
    """A one-row legend as a Graphviz HTML label: the kinds of boxes that occur in ``model``
    (param, data, op, output; "gradient summed over n uses" once a backward ran)."""
    kinds = {v.kind for v in model.values.values()}
    cells = []
    for kind, text in (("param", "param"), ("leaf", "leaf"), ("input", "data"),
                       ("const", "constant")):  # fmt: skip
        if kind in kinds:
            cells.append(f'<TD BGCOLOR="{STYLES[kind]["fillcolor"]}">{text}</TD>')
    cells.append('<TD BGCOLOR="white" STYLE="rounded">result</TD>')
    cells.append(f'<TD BGCOLOR="{STYLES["op"]["fillcolor"]}" STYLE="rounded">op</TD>')
    cells.append(f'<TD BGCOLOR="{STYLES["output"]["fillcolor"]}">output</TD>')
    fans = after_backward and any(v.uses > 1 and v.requires_grad for v in model.values.values())
    if fans:
        cells.append(f'<TD COLOR="{FANOUT["color"]}" BORDER="2">gradient summed over n uses</TD>')
    return ('<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="3" CELLPADDING="3">'
            f'<TR>{"".join(cells)}</TR></TABLE>>')  # fmt: skip


def auto_rankdir(nodes: list, edges: set) -> str:
    """``"LR"`` unless a left-to-right layout of these nodes would be wider than ``WIDE``
    times its height, then ``"TB"``. Estimated without Graphviz: each node goes one rank
    after its latest input (longest path); a rank is as wide as its widest label and as
    tall as its labels stacked."""
    size = {}
    for _order, nid, label, _attrs, _cluster in nodes:
        lines = label.split("\n")
        size[nid] = (max(len(t) for t in lines) * 7.0 + 20.0, len(lines) * 14.0 + 12.0)
    preds: dict[str, list[str]] = {}
    for a, b in edges:
        if a in size and b in size:
            preds.setdefault(b, []).append(a)
    rank: dict[str, int] = {}
    for _order, nid, *_rest in sorted(nodes, key=lambda n: n[0]):  # inputs come first
        rank[nid] = 1 + max((rank.get(p, 0) for p in preds.get(nid, [])), default=-1)
    widths: dict[int, float] = {}
    heights: dict[int, float] = {}
    for nid, r in rank.items():
        w, h = size[nid]
        widths[r] = max(widths.get(r, 0.0), w)
        heights[r] = heights.get(r, 0.0) + h + 18.0
    if not widths:
        return "LR"
    width = sum(widths.values()) + 36.0 * (len(widths) - 1)
    height = max(heights.values())
    return "TB" if width > WIDE * height else "LR"


def _emit_clusters(
    dot: Any, model: GraphModel, clusters: dict[str | None, list], edges: set | None = None
) -> None:
    """Nested ``subgraph cluster_*`` blocks, one per module that holds drawn nodes. The
    title is a plain-text node inside the cluster, placed before its first nodes by
    invisible edges: Graphviz routes edges around nodes, so none crosses a title."""
    needed = set()
    for name in clusters:
        while name is not None:
            needed.add(name)
            name = model.modules[name].parent
    children: dict[str | None, list[str]] = {}
    for name in model.modules:
        if name in needed:
            children.setdefault(model.modules[name].parent, []).append(name)

    def emit(parent_graph: Any, name: str) -> None:
        info = model.modules[name]
        with parent_graph.subgraph(name=f"cluster_{_safe(name)}") as sub:
            sub.attr(label="", style="rounded,filled", fillcolor="#f8f9fa", color="#868e96")
            members = clusters.get(name, [])
            title_id = f"title_{_safe(name)}"
            sub.node(title_id, _escape(info.label), shape="plaintext", fontsize="12",
                     fontname="Helvetica-Bold", id=title_id)  # fmt: skip
            inside = {nid for nid, _label, _attrs in members}
            fed = {b for a, b in (edges or ()) if a in inside and b in inside}
            for nid, label, attrs in members:
                sub.node(nid, _escape(label), id=nid, **attrs)
                if nid not in fed:  # a first node of the cluster: the title goes before it
                    sub.edge(title_id, nid, style="invis")
            for child in children.get(name, []):
                emit(sub, child)

    for top in children.get(None, []):
        emit(dot, top)


def _safe(name: str | None) -> str:
    return "root" if not name else re.sub(r"[^A-Za-z0-9_]", "_", name)


def _escape(label: str) -> str:
    """A plain-text label with line breaks, safe for DOT (backslashes are DOT escapes)."""
    return label.replace("\\", "\\\\").replace("\n", "\\n")


def render(
    graph: graphviz.Digraph,
    path: str,
    format: str = "svg",
    *,
    missing: str = "warn",  # noqa: A002
) -> str:
    """Write ``graph`` to ``path`` (extension added if missing) as ``format`` (svg, png, jpeg;
    pdf with a system Graphviz) and return the file written. The DOT source is always saved
    next to it (``path.dot``). Without a renderer: ``missing="warn"`` prints one line on stderr
    saying what to install and returns the .dot path; ``missing="raise"`` raises
    ``GraphvizMissingError``. ``RenderError`` when the renderer fails."""
    if missing not in ("warn", "raise"):
        raise ValueError(f"render: missing must be 'warn' or 'raise', got {missing!r}")
    root, ext = os.path.splitext(path)
    if ext.lstrip(".").lower() != format.lower():
        root = path
    dot_path = root + ".dot"
    _atomic_write(dot_path, graph.source)
    try:
        data = render_bytes(graph.source, format)
    except GraphvizMissingError as e:
        if missing == "raise":
            raise GraphvizMissingError(
                f"render: {e} The DOT source was written to {dot_path}."
            ) from None
        print(f"render: wrote only {dot_path} ({e})", file=sys.stderr)
        return dot_path
    out = f"{root}.{format}"
    _atomic_write(out, data)
    return out


def _atomic_write(path: str, data: str | bytes) -> None:
    """Write to a temporary file in the same folder, then rename over ``path``."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    tmp = f"{path}.tmp{os.getpid()}"
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(tmp, mode, **({} if isinstance(data, bytes) else {"encoding": "utf-8"})) as f:
        f.write(data)
    os.replace(tmp, path)
