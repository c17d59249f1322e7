"""The picture of a recorded computation that every viz tool shares.

``collect(outputs, params)`` reads the tape (``autograd.tape``) and returns a ``GraphModel``:
one ``Step`` per op (in the order the program ran) and one ``Value`` per tensor (leaves,
parameters, data inputs, constants, intermediate results, outputs), with names
(``m``, ``fc1.weight``, ``v3``...), values and gradients where the engine still has them,
fan-out counts, and the Module each op was recorded in (from ``Module._seq_span``).

Names are the same in every tool: a tensor named in ``params`` keeps its name (``m``,
``x``, ``loss``); the ops' results are ``v0, v1, ...`` in the order they ran; an output not
named is ``out`` (``out0, out1, ...`` for several); unnamed leaves are ``leaf0, ...`` and
unnamed constants ``c0, ...`` (so naming a leaf never renumbers the ops).

After a plain ``loss.backward()`` the nodes still hold their values and arguments (the
engine frees only what it saved for backward, unless ``autograd.graph.free_values()`` is
on), so values and constant inputs are shown as before backward. ``GraphModel.notes``
collects what is really unavailable (said once in a caption, not in every box).
``record()`` (``autograd.graph.save_inputs()``) is kept for graphs recorded under
``free_values``: inside it, each node also remembers the arguments it was called with.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.engine import tape as _tape
from ..autograd.function import FREED, Node
from ..autograd.graph import save_inputs
from ..tensor import Tensor
from ._labels import fmt_array, op_name

__all__ = ["Value", "Step", "ModuleInfo", "GraphModel", "collect", "record", "named_params"]

# How many leading arguments of a primitive are tensors (the rest are options like ``dim``).
TENSOR_INPUTS: dict[str, int] = {
    "Add": 2, "Sub": 2, "Mul": 2, "Div": 2, "Pow": 2, "Maximum": 2, "Minimum": 2,
    "Where": 3, "MatMul": 2, "CopyFrom": 2,
}  # fmt: skip
# Primitives whose saved values start with their inputs in order (saved[i] is input i).
SAVED_INPUTS: dict[str, int] = {"Mul": 2, "Div": 2, "Pow": 2}


class Value:
    """One tensor in the picture. ``kind`` is ``param``, ``leaf`` (requires grad, not a
    named parameter), ``input`` (named data), ``const``, ``op`` (an op's result)."""

    __slots__ = ("key", "name", "kind", "shape", "data", "grad", "node", "tensor", "uses",
                 "requires_grad", "module", "is_output")  # fmt: skip

    def __init__(self, key: Any, kind: str, shape: Any, data: Any) -> None:
        self.key = key
        self.name = ""
        self.kind = kind
        self.shape = shape
        self.data = data
        self.grad = None
        self.node = None
        self.tensor = None
        self.uses = 0
        self.requires_grad = kind in ("param", "leaf", "op")
        self.module: str | None = None
        self.is_output = False


class Step:
    """One op on the tape: ``out = op(args...)``; ``args`` holds Values or raw scalars."""

    __slots__ = ("node", "op", "args", "out", "index", "module", "attrs")

    def __init__(self, node: Node, op: str, args: list, out: Value, index: int) -> None:
        self.node = node
        self.op = op
        self.args = args
        self.out = out
        self.index = index
        self.module: str | None = None
        self.attrs = ""

    def call_text(self, scalar_fmt: Any = str) -> str:
        """``pow(v3, 2)`` with the names of the inputs."""
        parts = [
            a.name if isinstance(a, Value) else ("?" if a is None else scalar_fmt(a))
            for a in self.args
        ]
        attrs = [self.attrs] if self.attrs else []
        return f"{self.op}({', '.join(parts + attrs)})"


class ModuleInfo:
    """A Module whose forward recorded ops: qualified name, class name, span, parent."""

    __slots__ = ("name", "type_name", "span", "parent", "depth")

    def __init__(self, name: str, type_name: str, span: tuple, depth: int) -> None:
        self.name = name
        self.type_name = type_name
        self.span = span
        self.parent: str | None = None
        self.depth = depth

    @property
    def label(self) -> str:
        return f"{self.name}: {self.type_name}" if self.name else self.type_name


class GraphModel:
    """Steps (in program order), Values (by key), outputs and the modules that recorded ops."""

    def __init__(self) -> None:
        self.steps: list[Step] = []
        self.values: dict[Any, Value] = {}
        self.outputs: list[Value] = []
        self.modules: dict[str, ModuleInfo] = {}
        self.backward_done = False  # a backward ran through this graph (grads, freed saves)
        self.changed: list[Value] = []  # leaves written in place after the graph used them
        self.notes: list[str] = []  # what is not available, for one caption

    @property
    def caption(self) -> str:
        """The notes as one caption text (empty when everything is shown)."""
        return "\n".join(self.notes)

    def value_of_node(self, node: Node) -> Value:
        return self.values[("node", id(node))]


def record() -> save_inputs:
    """Inside this block every recorded op also keeps its arguments (``node.inputs``), which
    survive even a backward run inside ``autograd.graph.free_values()``, so drawings and tapes
    can still show constant inputs (data tensors) by value and name. (Without
    ``free_values`` nodes keep their arguments anyway: this is not needed.)"""
    return save_inputs()


def named_params(params: Any) -> tuple[dict[str, Any], Any]:
    """``params`` (a Module, a dict name -> Tensor, a list of Tensors, a tuple such as
    ``(model, {"x": x})``, or None) as one dict name -> Tensor, plus the Module (or None)."""
    if params is None:
        return {}, None
    if hasattr(params, "named_parameters"):
        return dict(params.named_parameters()), params
    if isinstance(params, dict):
        for k, t in params.items():
            if not isinstance(t, Tensor):
                raise TypeError(
                    f"viz: params[{k!r}] should be a Tensor, got {type(t).__name__}; pass a "
                    "dict name -> Tensor or a Module"
                )
        return dict(params), None
    if isinstance(params, (list, tuple)):
        if any(hasattr(p, "named_parameters") or isinstance(p, dict) for p in params):
            merged: dict[str, Any] = {}
            module = None
            for p in params:  # e.g. (model, {"x": x, "y": y})
                named, mod = named_params(p)
                merged.update(named)
                module = module if mod is None else mod
            return merged, module
        return {f"p{i}": t for i, t in enumerate(params)}, None
    raise TypeError(
        f"viz: params should be a Module, a dict name -> Tensor or a list, got "
        f"{type(params).__name__}"
    )


def _collect_modules(module: Any) -> dict[str, ModuleInfo]:
    """Modules with a recorded span, outermost first, with their parents filled in."""
    if module is None or not hasattr(module, "named_modules"):
        return {}
    found: dict[str, ModuleInfo] = {}
    for name, mod in module.named_modules():
        span = getattr(mod, "_seq_span", None)
        if span is None:
            continue
        found[name] = ModuleInfo(name, type(mod).__name__, tuple(span), name.count(".") + 1)
    root = found.get("")
    if root is not None:
        root.depth = 0
    for name, info in found.items():
        # the innermost other module whose span contains this one's
        best = None
        for other_name, other in found.items():
            if other_name == name:
                continue
            if other.span[0] <= info.span[0] and info.span[1] <= other.span[1]:
                if best is None or (other.span[1] - other.span[0]) < (best.span[1] - best.span[0]):
                    best = other
        info.parent = best.name if best is not None else None
    return found


def _innermost(modules: dict[str, ModuleInfo], seq: int) -> str | None:
    best = None
    for info in modules.values():
        start, end = info.span
        if start < seq < end and (best is None or end - start < best.span[1] - best.span[0]):
            best = info
    return best.name if best is not None else None


def _saved_input(node: Node, i: int) -> Any:
    """Input ``i`` of ``node`` as saved for backward, or None if it was not saved/freed."""
    saved = node.saved
    if saved is None or saved is FREED:
        return None
    for value in saved:
        if node._source(value)[0] == i:
            return value
    if i < SAVED_INPUTS.get(node.fn.__name__, 0) and i < len(saved):
        return saved[i]
    return None


def _tensor_positions(node: Node) -> list[int]:
    """Which arguments of the op are tensors (as opposed to options such as ``dim``)."""
    args = node.__dict__.get("inputs") or node.args
    fn = node.fn
    n = len(node.parents)
    if fn.__name__ == "Cat" and fn.array_mode:
        return list(range(1, n))
    if args is not None and not fn.array_mode:
        return [i for i, a in enumerate(args) if isinstance(a, (Tensor, np.ndarray))
                or node.parents[i] is not None]  # fmt: skip
    count = TENSOR_INPUTS.get(fn.__name__, 1) if fn.array_mode else n
    return [i for i in range(n) if i < count or node.parents[i] is not None]


def _fmt_index(index: Any) -> str:
    """An indexing key as written in Python: ``[0, 1:3, ...]``; index arrays abbreviated."""
    items = index if isinstance(index, tuple) else (index,)
    parts = []
    for k in items:
        if isinstance(k, slice):
            text = ":".join("" if v is None else str(v) for v in (k.start, k.stop, k.step))
            parts.append(text[:-1] if k.step is None else text)
        elif k is Ellipsis:
            parts.append("...")
        elif isinstance(k, (np.ndarray, list)) or hasattr(k, "_array"):
            parts.append(fmt_array(getattr(k, "_array", k), 3))
        else:
            parts.append(repr(k))
    return "[" + ", ".join(parts) + "]"


def _attrs(node: Node) -> str:
    """Options of an op worth printing: ``dim=1``, ``shape=(2, 3)``, ``index=[0, :]``."""
    d = node.__dict__
    parts = []
    name = node.fn.__name__ if node.fn.array_mode else ""
    if name == "GetItem" and "index" in d:
        parts.append(f"index={_fmt_index(d['index'])}")
    if name == "Permute" and "axes" in d:
        parts.append(f"axes={tuple(d['axes'])}")
    if "dim" in d and d["dim"] is not None:
        parts.append(f"dim={d['dim']}")
    if d.get("keepdim"):
        parts.append("keepdim=True")
    if name in ("Reshape", "Expand") and node.shape is not None:
        parts.append(f"shape={tuple(node.shape)}")
    return ", ".join(parts)


def collect(outputs: Any, params: Any = None) -> GraphModel:
    """Read the tape behind ``outputs`` (a Tensor or a list) into a ``GraphModel``."""
    outs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
    for t in outs:
        if not isinstance(t, Tensor):
            raise TypeError(f"viz: expected Tensors to draw, got {type(t).__name__}")
    pdict, module = named_params(params)
    by_tensor = {id(t): name for name, t in pdict.items()}
    by_array = {id(t._array): name for name, t in pdict.items()}
    by_node = {id(t.grad_fn): name for name, t in pdict.items() if t.grad_fn is not None}
    model = GraphModel()
    model.modules = _collect_modules(module)
    counters = {"v": 0, "leaf": 0, "c": 0}

    def fresh(prefix: str = "v") -> str:
        name = f"{prefix}{counters[prefix]}"
        counters[prefix] += 1
        return name

    def leaf_value(t: Tensor) -> Value:
        key = ("leaf", id(t))
        v = model.values.get(key)
        if v is None:
            name = by_tensor.get(id(t))
            kind = "param" if name is not None else "leaf"
            if name is None:
                name = fresh("leaf")
            v = Value(key, kind, tuple(t.shape), t._array)
            v.name = name
            v.tensor = t
            v.grad = None if t.grad is None else t.grad._array
            if kind == "param" and module is not None and "." in name:
                v.module = name.rsplit(".", 1)[0]
            elif kind == "param" and module is not None:
                v.module = ""
            model.values[key] = v
        return v

    def const_value(node: Node, i: int, raw: Any) -> Any:
        if isinstance(raw, Tensor):
            raw_arr = raw._array
        else:
            raw_arr = raw
        if raw_arr is None:
            return None
        if not isinstance(raw_arr, np.ndarray) or (
            raw_arr.ndim == 0 and id(raw_arr) not in by_array
        ):
            return raw_arr  # a plain scalar: shown inline
        key = ("const", id(raw_arr))
        v = model.values.get(key)
        if v is None:
            name = by_array.get(id(raw_arr))
            v = Value(key, "input" if name is not None else "const", raw_arr.shape, raw_arr)
            v.name = name if name is not None else fresh("c")
            v.requires_grad = False
            model.values[key] = v
        return v

    out_names = {}
    for k, t in enumerate(outs):
        if t.grad_fn is not None and id(t.grad_fn) not in by_node:
            out_names[id(t.grad_fn)] = "out" if len(outs) == 1 else f"out{k}"
    by_tensor_node = {id(t.grad_fn): t for t in list(pdict.values()) + outs
                      if t.grad_fn is not None}  # fmt: skip
    missing_const = False
    for index, node in enumerate(_tape(outs)):
        recorded = node.__dict__.get("inputs")
        if recorded is None:
            recorded = node.args
        args: list = []
        for i in _tensor_positions(node):
            parent = node.parents[i] if i < len(node.parents) else None
            if type(parent) is Node:
                v = model.value_of_node(parent)
            elif parent is not None:
                v = leaf_value(parent)
            else:
                raw = recorded[i] if recorded is not None and i < len(recorded) else None
                if raw is None:
                    raw = _saved_input(node, i)
                v = const_value(node, i, raw)
                missing_const = missing_const or v is None
            if isinstance(v, Value):
                v.uses += 1
                if v.tensor is not None and v.kind in ("param", "leaf"):
                    counter = v.tensor._version_counter
                    if (counter is not None and counter.last_write_seq > node.seq
                            and v not in model.changed):  # fmt: skip
                        model.changed.append(v)  # written in place after this op used it
            args.append(v)
        held = by_tensor_node.get(id(node))  # a tensor in the user's hand: its value is there
        data = node.out
        if data is None and held is not None:
            data = held._array
        out = Value(("node", id(node)), "op", node.shape, data)
        out.name = by_node.get(id(node)) or out_names.get(id(node)) or fresh()
        out.node = node
        out.grad = node.grad
        if out.grad is None and held is not None and held.grad is not None:
            out.grad = held.grad._array  # retain_grad()
        if node.saved is FREED:
            model.backward_done = True
        model.values[out.key] = out
        step = Step(node, op_name(node), args, out, index)
        step.attrs = _attrs(node)
        step.module = _innermost(model.modules, node.seq)
        out.module = step.module
        model.steps.append(step)
    for t in outs:
        if t.grad_fn is not None:
            v = model.value_of_node(t.grad_fn)
        else:
            v = leaf_value(t)
        v.is_output = True
        if v.tensor is None:
            v.tensor = t
        if v not in model.outputs:
            model.outputs.append(v)
    if any(v.grad is not None for v in model.values.values()):
        model.backward_done = True
    if any(s.out.data is None for s in model.steps):
        model.notes.append("values freed by backward (it ran inside autograd.graph.free_values())")
    if missing_const:
        model.notes.append(
            "? = a constant input the graph did not keep (recorded inside "
            "autograd.graph.free_values(); record with viz.record() to keep it)"
        )
    if model.changed:
        names = ", ".join(v.name for v in model.changed)
        model.notes.append(
            f"{names} changed in place after this graph was recorded "
            "(e.g. optimizer.step()): the boxes show the values now"
        )
    return model
