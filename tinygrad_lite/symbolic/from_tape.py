"""From tape to formula: rebuild the expression that a recorded computation evaluated.

``to_expr(loss, {"w": w, "b": b})`` walks the tape of ``loss`` (oldest node first) and
replays every op on symbolic values instead of numbers. Each tensor becomes a NumPy object
array of expressions with the tensor's shape, so elementwise ops, broadcasting, sums,
reshapes and indexing work element by element; a leaf that requires grad becomes symbols
(``w`` for one element; ``w[0]``, ``w[1]``, ... or ``A[0,1]`` for more); anything that does
not require grad enters as numbers. The result is one expression, so the same gradient can
be computed three ways: ``diff(to_expr(loss), "w")``, ``loss.backward()``, and finite
differences (``three_ways.py`` puts them side by side).

Constants added or subtracted are not stored by the tape; they are recovered from the
recorded output (``out - other input``) and rounded to 12 significant digits. Call
``to_expr`` before ``backward()`` (which frees the recorded values), or after
``backward(retain_graph=True)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np

from .expr import Call, Sym, Value
from .simplify import normalize_number

__all__ = ["to_expr", "SUPPORTED_OPS"]


def _objects(shape: tuple, items: Iterable[Any]) -> np.ndarray:
    """An object array of ``shape`` filled with ``items`` (in C order)."""
    out = np.empty(shape, dtype=object)
    flat = out.reshape(-1)
    for i, v in enumerate(items):
        flat[i] = v
    return out


def _const(value: Any, exact: bool = True) -> np.ndarray:
    """Numbers of ``value`` (array or scalar) as an object array of plain Python numbers."""
    arr = np.asarray(value)
    if arr.dtype == object:
        return arr
    if not exact:
        return _objects(arr.shape, (_rounded(v) for v in arr.reshape(-1).tolist()))
    return _objects(arr.shape, (normalize_number(v) for v in arr.reshape(-1).tolist()))


def _rounded(v: Any) -> Any:
    if isinstance(v, float):
        return normalize_number(float(f"{v:.12g}"))
    return v


def _unary(fn: Callable[[Any], Any]) -> Callable[..., np.ndarray]:
    def apply(node: Any, a: np.ndarray) -> np.ndarray:
        return _objects(a.shape, (fn(v) for v in a.reshape(-1)))

    return apply


def _call(name: str) -> Callable[[Any], Any]:
    return lambda v: Call(name, v)


def _sigmoid(v: Value) -> Value:
    return 1 / (1 + Call("exp", -v))


def _reduce_sum(node: Any, a: np.ndarray) -> np.ndarray:
    dim, keepdim = node.dim, node.keepdim
    if dim is None or dim == ():
        dim = tuple(range(a.ndim))
    return _as_obj(np.add.reduce(a, axis=dim, keepdims=keepdim), node.shape)


def _as_obj(v: Any, shape: tuple) -> np.ndarray:
    """``v`` (an object array, or one expression from a 0-d operation) with ``shape``."""
    if isinstance(v, np.ndarray) and v.dtype == object:
        return v.reshape(shape)
    return _objects(shape, [v])


_OPS: dict[str, Callable[..., np.ndarray]] = {
    "Add": lambda node, a, b: a + b,
    "Sub": lambda node, a, b: a - b,
    "Mul": lambda node, a, b: a * b,
    "Div": lambda node, a, b: a / b,
    "Pow": lambda node, a, b: a**b,
    "Neg": _unary(lambda v: -v),
    "Exp": _unary(_call("exp")),
    "Log": _unary(_call("log")),
    "Sin": _unary(_call("sin")),
    "Cos": _unary(_call("cos")),
    "Tanh": _unary(_call("tanh")),
    "Sqrt": _unary(_call("sqrt")),
    "Rsqrt": _unary(lambda v: 1 / Call("sqrt", v)),
    "Reciprocal": _unary(lambda v: 1 / v),
    "Sigmoid": _unary(_sigmoid),
    "Log1p": _unary(lambda v: Call("log", 1 + v)),
    "Expm1": _unary(lambda v: Call("exp", v) - 1),
    "Clone": lambda node, a: a,
    "Cast": lambda node, a, dtype=None: a,
    "Sum": lambda node, a, dim=None, keepdim=False: _reduce_sum(node, a),
    "Mean": lambda node, a, dim=None, keepdim=False: _reduce_sum(node, a) / node.n,
    "Reshape": lambda node, a, shape=None: a.reshape(node.shape),
    "Expand": lambda node, a, shape=None: np.broadcast_to(a, node.shape),
    "Permute": lambda node, a, axes=None: a.transpose(node.axes),
    "GetItem": lambda node, a, index=None: _as_obj(a[node.index], node.shape),
    "MatMul": lambda node, a, b: _as_obj(np.matmul(a, b), node.shape),
}
SUPPORTED_OPS = tuple(_OPS)
"""Names of the primitives ``to_expr`` can turn into expressions."""

_N_TENSOR_ARGS = {"Add": 2, "Sub": 2, "Mul": 2, "Div": 2, "Pow": 2, "MatMul": 2}


def to_expr(
    tensor: Any,
    names: Mapping[str, Any] | Iterable[tuple[str, Any]] | None = None,
    *,
    max_elements: int = 256,
) -> Value:
    """The expression computed by the tape of the one-element tensor ``tensor``.

    ``names`` maps a symbol name to a leaf tensor (a dict, or pairs such as
    ``model.named_parameters()``); other leaves that require grad are named v0, v1, ...
    Raises ValueError for a tensor with more than one element, NotImplementedError naming
    an op without a symbolic form (or a tensor with more than ``max_elements`` elements).
    """
    from ..autograd import Node, tape  # the engine is only needed here

    if tensor.numel() != 1:
        raise ValueError(
            f"to_expr: expected a one-element tensor (e.g. a loss), got shape "
            f"{tuple(tensor.shape)}; reduce it first (e.g. .sum())"
        )
    pairs = names.items() if isinstance(names, Mapping) else (names or ())
    leaf_names = {id(t): n for n, t in pairs}
    leaves: dict[int, tuple[Any, np.ndarray]] = {}
    counter = [0]

    def leaf(t: Any) -> np.ndarray:
        hit = leaves.get(id(t))
        if hit is not None:
            return hit[1]
        name = leaf_names.get(id(t))
        if name is None:
            name = f"v{counter[0]}"
            counter[0] += 1
        _check_size(t.shape, f"leaf {name}", max_elements)
        shape = tuple(t.shape)
        if int(np.prod(shape)) == 1:
            arr = _objects(shape, [Sym(name)])
        else:
            arr = _objects(
                shape, (Sym(f"{name}[{','.join(map(str, i))}]") for i in np.ndindex(*shape))
            )
        leaves[id(t)] = (t, arr)
        return arr

    if tensor.grad_fn is None:
        if not tensor.requires_grad:
            return normalize_number(tensor._array.reshape(-1)[0].item())
        return leaf(tensor).reshape(-1)[0]

    values: dict[Node, np.ndarray] = {}
    for node in tape(tensor):
        op = node.fn.__name__
        rule = _OPS.get(op)
        if rule is None:
            raise NotImplementedError(
                f"to_expr: op {op} ({node.name()}) has no symbolic form; supported ops: "
                f"{', '.join(SUPPORTED_OPS)}"
            )
        if node.out is None and op in ("Add", "Sub"):
            _freed(op)
        _check_size(node.shape, f"op {op}", max_elements)
        args = []
        for i, p in enumerate(node.parents):
            if isinstance(p, Node):
                args.append(values[p])
            elif p is not None:
                args.append(leaf(p))
            elif i < _N_TENSOR_ARGS.get(op, 1):
                args.append(_constant_input(node, op, i, values, leaf))
        values[node] = _as_obj(rule(node, *args), node.shape)
    return values[tensor.grad_fn].reshape(-1)[0]


def _check_size(shape: tuple, what: str, max_elements: int) -> None:
    n = int(np.prod(shape))
    if n > max_elements:
        raise NotImplementedError(
            f"to_expr: {what} has shape {tuple(shape)} ({n} elements > max_elements="
            f"{max_elements}); symbolic expressions are for small examples — use a smaller "
            "model or raise max_elements"
        )


def _freed(op: str) -> None:
    raise RuntimeError(
        f"to_expr: the values recorded by {op} were freed by backward(); call to_expr "
        "before backward(), or use backward(retain_graph=True)"
    )


def _numeric(p: Any) -> np.ndarray:
    """The recorded value of parent ``p`` (a Node's output or a leaf's array)."""
    value = p.out if hasattr(p, "fn") else p._array
    if value is None:
        _freed("an earlier op")
    return value


def _constant_input(node: Any, op: str, i: int, values: dict, leaf: Any) -> np.ndarray:
    """Input ``i`` of ``node``, which did not require grad, as an array of numbers."""
    if op in ("Mul", "Div", "Pow", "MatMul"):
        saved = node.saved
        if saved is None or not isinstance(saved, tuple):
            _freed(op)
        return _const(saved[i])
    if op in ("Add", "Sub"):
        other = _numeric(node.parents[1 - i])
        out = node.out
        if op == "Add":
            c = out - other
        else:
            c = out + other if i == 0 else other - out
        return _const(c, exact=False)
    raise NotImplementedError(
        f"to_expr: op {op} ({node.name()}) with a constant input {i} has no symbolic form"
    )
