"""Recording, unrolled (just an optimization: the same Node and output as ``function._apply``).

``apply_for(cls)`` makes the ``apply`` a Primitive gets from the fast engine. For a forward
of one or two arguments it is ``_apply``'s steps written out in one function (no loop over
arguments, no generator, the usual case of ``result_array`` inline); the ``fn`` and its
flags are closure variables. ``Tensor.__mul__`` then *is* ``Mul``'s apply: ``x * y`` is one
Python call. Anything unusual (a NumPy scalar that was saved, a view, float64 to narrow,
anomaly mode or ``save_inputs``) goes to ``finish``, the general case.
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np

from ... import dtypes as _dt
from .. import function as _function
from ..errors import forward_error
from ..function import UNRECORDED, Node, next_seq, version_counter
from ..grad_mode import STATE
from ..result_dtype import result_array
from .grad_mode import GRAD_OFF_THREADS, WATCHING_THREADS

__all__ = ["apply_for", "arity", "mean_for", "needs_input_grad"]

_new = object.__new__
_F64 = np.dtype(np.float64)
_NUMBERS = (float, int)
_FLOAT_SCALARS = (np.float16, np.float32, np.float64)  # (what the scalar-math path runs on)
# Ops whose NumPy scalar math gives the same bits as the ufunc (one IEEE operation);
# ``power`` is not among them: NumPy's scalar pow and its ufunc loop may round differently.
EXACT_SCALAR_UFUNCS = (np.add, np.subtract, np.multiply, np.true_divide)


def arity(cls: type) -> int | None:
    """How many arguments ``cls.forward`` takes after ctx, if all are plain positional ones
    without defaults (read from its signature); None otherwise (``*xs``, defaults)."""
    params = list(inspect.signature(cls.forward).parameters.values())[1:]
    positional = inspect.Parameter.POSITIONAL_OR_KEYWORD
    if all(p.kind is positional and p.default is inspect.Parameter.empty for p in params):
        return len(params)
    return None


def _new_node(fn: type, parents: tuple) -> Node:
    """``Node(fn, parents)`` without ``type.__call__`` and ``__init__`` (once per op)."""
    node = _new(Node)
    node.fn = fn
    node.parents = parents
    node.seq = next_seq()
    node.saved = node.args = node.out = node.out_version = node.hooks = None
    return node


def finish(fn: Any, node: Any, out: Any, args: tuple) -> Any:
    """The output Tensor of ``fn`` on ``args`` in the general case (``_apply``'s step 3)."""
    Tensor = _function.Tensor
    if not (fn.promotes and type(out) is np.ndarray and _same_dtype(out.dtype, args)):
        out = result_array(fn, node, out, args)  # (else: nothing to change)
    version = version_counter(args[0]) if fn.is_view else None
    if node is UNRECORDED:
        t = Tensor._make(out, None, False, version)
        if version is not None:  # a view: views.py remembers its base (as _apply does)
            _function.record_view(t, fn, args)
        return t
    node.out, node.shape, node.out_version = out, out.shape, version
    saved = node.saved  # args: saved inputs (for _source) and constant inputs (for viz)
    p = node.parents  # (identity tests: `None in p` would compare Tensors elementwise)
    if (saved and (len(saved) > 1 or saved[0] is not out) or p[0] is None or p[-1] is None
            or len(p) > 2 and any(q is None for q in p)):  # fmt: skip
        node.args = args
    if WATCHING_THREADS:  # (only then can this thread's switches be on)
        if STATE.save_inputs:
            node.inputs = args
        if STATE.anomaly:
            from ..anomaly import on_forward

            on_forward(node, out, [getattr(a, "_array", a) for a in args])
    t = Tensor._make(out, node, True, version)
    if version is not None:
        _function.record_view(t, fn, args)
    return t


def _same_dtype(dtype: np.dtype, args: tuple) -> bool:
    """True if every argument is a Tensor or array of ``dtype``: then it is PyTorch's result
    dtype too, and ``dtypes.result_type`` need not run (it costs microseconds)."""
    Tensor = _function.Tensor
    for a in args:
        a = a._array if isinstance(a, Tensor) else a
        if type(a) is not np.ndarray or a.dtype is not dtype:
            return False
    return True


def _apply_any(fn: Any, *args: Any) -> Any:
    """``_apply`` for a Primitive of any arity, with lists instead of a generator."""
    Tensor = _function.Tensor
    arrays = []
    parents = []
    requires = False
    for a in args:
        if isinstance(a, Tensor):
            arrays.append(a._array)
            if a._requires_grad:
                requires = True
                parents.append(a.grad_fn or a)
                continue
        else:
            arrays.append(a)
        parents.append(None)
    record = requires and (not GRAD_OFF_THREADS or STATE.grad_enabled)
    node = _new_node(fn, tuple(parents)) if record else UNRECORDED
    try:
        out = fn.forward(node, *arrays)
    except (ValueError, TypeError) as e:
        raise forward_error(fn.__name__.lower(), arrays, e) from e
    return finish(fn, node, out, args)


def _apply1_for(fn: Any) -> Any:
    """``fn.apply`` for a Primitive of one argument."""
    Tensor = _function.Tensor
    forward, op = fn.forward, fn.__name__.lower()
    promotes, view = fn.promotes, fn.is_view

    def apply(x: Any) -> Any:
        node = UNRECORDED
        if isinstance(x, Tensor):
            xa = x._array
            if x._requires_grad and (not GRAD_OFF_THREADS or STATE.grad_enabled):
                node = _new(Node)  # (= _new_node)
                node.fn = fn
                node.parents = (x.grad_fn or x,)
                node.seq = next_seq()
                node.saved = node.args = node.out_version = node.hooks = None
            if promotes and xa.dtype.kind != "f":  # (one input that promotes: a float op)
                xa = xa.astype(_dt.get_default_dtype().numpy)  # ints, bools: as _apply does
        else:
            xa = x
        try:
            out = forward(node, xa)
        except (ValueError, TypeError) as e:
            raise forward_error(op, (xa,), e) from e
        if type(out) is not np.ndarray:  # a NumPy scalar (a 0-d result)
            if node is not UNRECORDED and node.saved:
                return finish(fn, node, out, (x,))  # (saved values may refer to it)
            out = np.asarray(out)
        if (
            view
            or WATCHING_THREADS
            or promotes
            and (type(xa) is not np.ndarray or out.dtype is not xa.dtype)
        ):
            return finish(fn, node, out, (x,))
        t = _new(Tensor)  # (= finish's usual case)
        t._array = out
        t._grad = t._version_counter = t._hooks = None
        if node is UNRECORDED:
            t._requires_grad = False
            t.grad_fn = None
            return t
        t._requires_grad = True
        t.grad_fn = node
        node.out = out
        node.shape = out.shape
        saved = node.saved
        if saved and (len(saved) > 1 or saved[0] is not out):
            node.args = (x,)
        return t

    return apply


def _apply2_for(fn: Any) -> Any:
    """``fn.apply`` for a Primitive of two arguments (the operators' hot path)."""
    Tensor = _function.Tensor
    forward, op = fn.forward, fn.__name__.lower()
    promotes, view = fn.promotes, fn.is_view
    exact_scalar_math = promotes and fn.inplace_ufunc in EXACT_SCALAR_UFUNCS
    ndarray = np.ndarray

    def apply(x: Any, y: Any) -> Any:
        px = py = None
        if isinstance(x, Tensor):
            xa = x._array
            if x._requires_grad:
                px = x.grad_fn or x
        else:
            xa = x
        if isinstance(y, Tensor):
            ya = y._array
            if y._requires_grad:
                py = y.grad_fn or y
        else:
            ya = y
        node = UNRECORDED
        if (px is not None or py is not None) and (not GRAD_OFF_THREADS or STATE.grad_enabled):
            node = _new(Node)  # (= _new_node)
            node.fn = fn
            node.parents = (px, py)
            node.seq = next_seq()
            node.saved = node.args = node.out_version = node.hooks = None
        elif exact_scalar_math and type(ya) in _NUMBERS and type(xa) is np.ndarray:
            if not xa.ndim and xa.dtype.kind == "f":  # e.g. lr * w.grad under no_grad: NumPy's
                xa = xa[()]  # scalar math on a 0-d float and a number (same bits, cheaper)
        try:
            out = forward(node, xa, ya)
        except (ValueError, TypeError) as e:
            raise forward_error(op, (xa, ya), e) from e
        if type(out) is not np.ndarray:  # a NumPy scalar (a 0-d result)
            if node is not UNRECORDED and node.saved:
                return finish(fn, node, out, (x, y))  # (saved values may refer to it)
            out = np.asarray(out)
        if (
            view
            or WATCHING_THREADS
            or promotes
            and not (  # NumPy's result dtype is PyTorch's when the first operand has dims
                # and gives its dtype (or it is the scalar-math path's float and a number)
                type(xa) is ndarray
                and xa.ndim
                and out.dtype is xa.dtype
                or type(xa) in _FLOAT_SCALARS
            )
        ):
            return finish(fn, node, out, (x, y))
        t = _new(Tensor)  # (= finish's usual case)
        t._array = out
        t._grad = t._version_counter = t._hooks = None
        if node is UNRECORDED:
            t._requires_grad = False
            t.grad_fn = None
            return t
        t._requires_grad = True
        t.grad_fn = node
        node.out = out
        node.shape = out.shape
        saved = node.saved  # (a constant input: kept for viz; saved inputs: for _source)
        if px is None or py is None or saved and (len(saved) > 1 or saved[0] is not out):
            node.args = (x, y)
        return t

    return apply


def apply_for(cls: type) -> Any:
    """The fast ``apply`` of Primitive ``cls`` (marked with ``.primitive = cls``)."""
    n = arity(cls)
    if n == 1:
        apply = _apply1_for(cls)
    elif n == 2:
        apply = _apply2_for(cls)
    else:

        def apply(*args: Any) -> Any:
            return _apply_any(cls, *args)

    apply.__qualname__ = f"{cls.__name__}.apply"
    apply.__doc__ = cls.__doc__
    apply.primitive = cls  # type: ignore[attr-defined]
    return apply


def mean_for(mean_primitive: type, reference_mean: Any) -> Any:
    """``ops.mean`` where ``x.mean()`` (no dim, keepdim or dtype: the usual loss) is one call
    of ``Mean``'s one-argument apply, without the argument checks it does not need."""
    mean_of_all = _apply1_for(mean_primitive)

    def mean(input: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            if not args and not kwargs and input._array.dtype.kind == "f":
                return mean_of_all(input)
        except AttributeError:  # not a Tensor: PyTorch's TypeError
            from ...ops import tensor_arg

            tensor_arg(input, "mean")
            raise
        return reference_mean(input, *args, **kwargs)

    mean.__doc__ = reference_mean.__doc__
    return mean


def needs_input_grad(self: Node) -> tuple:
    """``Node.needs_input_grad`` with the usual two inputs spelled out (no generator)."""
    p = self.parents
    if len(p) == 2:
        return (p[0] is not None, p[1] is not None)
    return tuple([q is not None for q in p])
