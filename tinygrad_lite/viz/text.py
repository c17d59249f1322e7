"""The computation graph as an indented text tree, for terminals and CI logs (no Graphviz).

The output is the root; below each op come its inputs, down to the leaves. A tensor used
twice is printed in full once and then referred to as ``(see above)``, and marked with the
number of gradient contributions it sums. The walk uses an explicit stack, so very deep
graphs print without hitting Python's recursion limit.
"""

from __future__ import annotations

from typing import Any

from ._labels import fmt_array, fmt_shape
from ._model import Value, collect

__all__ = ["as_text", "text_tree"]


_KIND = {"param": "param", "input": "data"}


def _describe(v: Value, step: Any, opts: dict, grad: Any = None) -> str:
    if step is not None:
        head = f"{v.name} = {step.call_text(lambda x: fmt_array(x, opts['max_elems']))}"
    else:
        head = f"{v.name}  {_KIND.get(v.kind, v.kind)}"
    parts = [head]
    if opts["show_shapes"]:
        parts.append(f"shape {fmt_shape(v.shape)}")
    if opts["show_values"] and v.data is not None:
        parts.append(f"data {fmt_array(v.data, opts['max_elems'])}")
    grad = v.grad if grad is None else grad
    if opts["show_grads"] and grad is not None:
        parts.append(f"grad {fmt_array(grad, opts['max_elems'])}")
    if v.uses > 1 and v.requires_grad:
        parts.append(f"grad = Σ {v.uses} contributions")
    return "   ".join(parts)


def as_text(
    outputs: Any,
    params: Any = None,
    *,
    show_values: bool = True,
    show_grads: bool = True,
    show_shapes: bool = True,
    max_elems: int = 6,
    max_lines: int = 1000,
) -> str:
    """The graph behind ``outputs`` as an indented tree (one line per tensor), at most
    ``max_lines`` lines (a final line says how many were left out)."""
    model = collect(outputs, params)
    grads = {}
    if show_grads:
        from .graph import intermediate_grads  # (graph.py imports graphviz only when drawing)

        grads = intermediate_grads(model, outputs, params) or {}
    opts = {"show_values": show_values, "show_grads": show_grads, "show_shapes": show_shapes,
            "max_elems": max_elems}  # fmt: skip
    producer = {s.out.key: s for s in model.steps}
    lines: list[str] = []
    seen: set = set()
    total = 0
    # stack of (value, prefix for this line, prefix for its children, connector)
    stack: list[tuple[Value, str, str]] = []
    for v in reversed(model.outputs):
        stack.append((v, "", ""))
    while stack:
        v, prefix, child_prefix = stack.pop()
        total += 1
        show = total <= max_lines
        step = producer.get(v.key)
        if v.key in seen and step is not None:
            if show:
                lines.append(f"{prefix}{v.name} (see above)")
            continue
        seen.add(v.key)
        if show:
            lines.append(prefix + _describe(v, step, opts, grads.get(v.key)))
        if step is None:
            continue
        kids = [a for a in step.args if isinstance(a, Value)]
        for i in reversed(range(len(kids))):
            last = i == len(kids) - 1
            stack.append((kids[i], child_prefix + ("└─ " if last else "├─ "),
                          child_prefix + ("   " if last else "│  ")))  # fmt: skip
    if total > max_lines:
        lines.append(f"… {total - max_lines} more lines not shown (raise max_lines=)")
    lines.extend(f"# {note}" for note in model.notes)  # what is not available, once
    return "\n".join(lines)


def text_tree(outputs: Any, params: Any = None, **options: Any) -> None:
    """Print ``as_text(outputs, params, **options)``."""
    print(as_text(outputs, params, **options))
