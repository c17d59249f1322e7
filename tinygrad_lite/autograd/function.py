"""Recording: how one differentiable operation becomes one ``Node`` on the tape.

A ``Function`` subclass pairs a ``forward`` with its vector-Jacobian product ``backward``.
``MyFn.apply(*inputs)`` is ``_apply`` below: it runs ``forward`` and, when grad mode is on
and an input requires grad, records a ``Node``. The node *is* the ``ctx`` that ``forward``
and ``backward`` receive, and it becomes the output's ``grad_fn``.

Two flavours share this one pattern:
- ``Function`` (what users subclass, as in PyTorch): ``forward``/``backward`` get Tensors.
- ``Primitive`` (our built-in ops, ``primitives.py``): ``forward``/``backward`` get NumPy
  arrays. For a gradient of a gradient (``create_graph=True``) the engine calls the same
  ``backward`` with Tensors, so its formula uses only what arrays and Tensors both have.

This is the reference engine, written to be read top to bottom. ``autograd/fast`` installs
faster versions of some of these steps (same results); ``TINYGRAD_LITE_REFERENCE=1`` keeps
this one. ``Tensor`` is bound below by ``tinygrad_lite.tensor`` (it imports us).
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from .. import dtypes as _dt
from .errors import check_user_grads, forward_error
from .grad_mode import STATE, switch_grad_mode

__all__ = ["Node", "Function", "Primitive", "FunctionCtx", "VersionCounter", "bump_version",
           "version_counter"]  # fmt: skip

Tensor: Any = None  # bound by tinygrad_lite.tensor (import cycle: Tensor methods call us)
record_view: Any = None  # views.record_view, bound by tinygrad_lite.views

next_seq = itertools.count().__next__  # creation order of nodes and writes: a topological order


class VersionCounter:
    """How many in-place writes a tensor (and the views sharing its memory) has had, and
    the sequence number of the latest: a node created before it must not use saved values."""

    __slots__ = ("writes", "last_write_seq")

    def __init__(self) -> None:
        self.writes = 0
        self.last_write_seq = -1

    def bump(self) -> None:
        """Count one in-place write, stamped with a fresh sequence number."""
        self.writes += 1
        self.last_write_seq = next_seq()


def version_counter(t: Any) -> VersionCounter:
    """``t``'s version counter, made on first need (``t._version_counter is None``: never
    written). The node that made ``t`` watches the same counter (``Node.out_version``)."""
    if t._version_counter is None:
        t._version_counter = VersionCounter()
        node = t.grad_fn
        if node is not None and node.out is t._array:
            node.out_version = t._version_counter
    return t._version_counter


def bump_version(t: Any) -> None:
    """Record an in-place change of ``t``'s values."""
    version_counter(t).bump()


class _Freed:
    """Marker left in ``Node.saved`` after backward freed the saved values."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<freed>"


FREED = _Freed()


class Node:
    """One entry of the tape: an op applied to inputs, and what backward needs.

    ``parents[i]`` says where the gradient for input ``i`` goes: the input's own ``Node``
    (non-leaf), the input Tensor itself (a leaf that requires grad), or None.
    ``seq`` is the creation number: sorting by it gives the order the program ran.
    """

    __slots__ = (
        "fn",  # the Function class
        "parents",  # tuple, one entry per input: Node, leaf Tensor, or None
        "seq",  # creation number
        "saved",  # tuple that forward saved (ctx.saved = ... / save_for_backward), FREED after
        "args",  # the op's arguments if it saved some or has a constant input (_source, viz)
        "shape",  # shape of the output
        "out",  # the output array (for tools; kept until the graph goes, see graph.free_values)
        "out_version",  # the output's version counter (None until the output has one)
        "hooks",  # hooks registered on the output tensor, or None
        "__dict__",  # ctx.anything = ... (made only when used)
        "__weakref__",
    )
    # Rarely set, so class-level defaults (setting one puts it in the node's ``__dict__``).
    grad: Any = None  # output gradient, kept only inside autograd.graph.keep_intermediates()
    trace: Any = None  # where the op was created (only in anomaly mode)
    tensor_mode = False  # True while backward runs with Tensors (create_graph)
    layout: Any = None  # [(shape, dtype)] of a user Function's several outputs (see _outputs)

    def __init__(self, fn: type, parents: tuple) -> None:
        self.fn, self.parents, self.seq = fn, parents, next_seq()
        self.saved = self.args = self.out = self.out_version = self.hooks = None

    # --- the ctx API of PyTorch ------------------------------------------------------------
    def save_for_backward(self, *values: Any) -> None:
        """Keep values (inputs, the output, or constants) for ``backward``."""
        self.saved = values

    @property
    def saved_tensors(self) -> tuple:
        """What ``save_for_backward`` kept: Tensors in a user Function or with
        ``create_graph=True``, else arrays (a Primitive reads ``ctx.saved``)."""
        self.check_saved()
        if self.saved is None:
            return ()
        if self.tensor_mode or not self.fn.array_mode:
            return tuple(self._as_tensor(i) for i in range(len(self.saved)))
        return self.saved

    @property
    def needs_input_grad(self) -> tuple:
        """One bool per input of ``apply``: does that input need a gradient?"""
        return tuple(p is not None for p in self.parents)

    def name(self) -> str:
        """PyTorch-style name of this backward node, e.g. ``MulBackward0``."""
        return self.fn.__name__ + ("Backward0" if self.fn.array_mode else "Backward")

    def __repr__(self) -> str:
        return f"<{self.name()}>"

    @property
    def next_functions(self) -> tuple:
        """PyTorch-style ``((node_or_leaf, 0), ...)`` for each input."""
        return tuple((p, 0) for p in self.parents)

    def register_hook(self, fn: Any) -> None:
        """Call ``fn(grad)`` with this node's output gradient (may return a replacement)."""
        if self.hooks is None:
            self.hooks = []
        self.hooks.append(fn)

    # --- saved values: freed? changed in place? ---------------------------------------------
    def check_saved(self) -> None:
        """Raise if the saved values were freed by a backward, or changed in place since."""
        if self.saved is FREED:
            raise RuntimeError(
                f"{self.name()}: trying to backward through the graph a second time (or directly "
                "access saved tensors after they have already been freed). Saved intermediate "
                "values of the graph are freed when you call .backward() or autograd.grad(). "
                "Specify retain_graph=True if you need to backward through the graph a second "
                "time or if you need to access saved tensors after calling backward."
            )
        for value in self.saved or ():
            i, counter = self._source(value)
            if counter is not None and counter.last_write_seq > self.seq:
                what = "the output" if i == -1 else f"input {i}"
                raise RuntimeError(
                    f"one of the variables needed for gradient computation has been modified by "
                    f"an inplace operation: {what} of {self.name()} is at version "
                    f"{counter.writes}, changed after {self.name()} saved it. Hint: replace the "
                    "in-place operation (add_, mul_, +=, ...) with its out-of-place form, or "
                    "clone() the tensor first."
                )

    def _source(self, value: Any) -> tuple:
        """Where saved ``value`` came from: ``(-1, counter)`` for the output, ``(i, counter)``
        for argument ``i``'s array, ``(None, None)`` for anything else (a constant)."""
        if value is self.out and value is not None:
            return -1, self.out_version
        if type(value) is np.ndarray and self.args is not None:
            for i, t in enumerate(self.args):
                if value is getattr(t, "_array", None):
                    return i, t._version_counter  # (None: never written)
        return None, None

    def _as_tensor(self, k: int) -> Any:
        """Saved value ``k`` as a Tensor joined to the graph (for a differentiable backward)."""
        value = self.saved[k]
        if isinstance(value, Tensor) or not isinstance(value, np.ndarray):
            return value
        i, _ = self._source(value)
        if i == -1:
            return Tensor._make(value, self, True)
        parent = None if i is None else self.parents[i]
        if parent is None:
            return Tensor._make(value, None, False)
        if isinstance(parent, Node):
            return Tensor._make(value, parent, True)
        return parent  # a leaf Tensor


class _Unrecorded:
    """The ``ctx`` a Primitive's forward gets when nothing is recorded: it accepts
    ``saved = ...``, ``save_for_backward`` and attributes, and keeps nothing."""

    __slots__ = ()

    def save_for_backward(self, *values: Any) -> None:
        pass

    def __setattr__(self, name: str, value: Any) -> None:
        pass


UNRECORDED = _Unrecorded()


def _apply(fn: Any, *args: Any) -> Any:
    """``fn.apply(*args)``: run ``forward`` and, if grad mode is on and an input requires
    grad, record one Node on the tape; return the output Tensor."""
    # 1. Where each input's gradient goes: its node, itself (a leaf), or nowhere.
    parents = tuple(_parent(a) for a in args)
    record = STATE.grad_enabled and any(p is not None for p in parents)
    # 2. Run forward (on arrays for a Primitive); the node is its ctx.
    node = Node(fn, parents) if record or not fn.array_mode else UNRECORDED
    if fn.array_mode:
        arrays = [a._array if isinstance(a, Tensor) else a for a in args]
        if fn.promotes and len(arrays) == 1 and _not_float(arrays[0]):
            # a float op (exp, sigmoid, ...) of integers or bools runs in the default float
            # dtype, as PyTorch (NumPy would pick float16 for int8, float64 for int64)
            arrays[0] = arrays[0].astype(_dt.get_default_dtype().numpy)
        try:
            out = fn.forward(node, *arrays)
        except (ValueError, TypeError) as e:
            raise forward_error(fn.__name__.lower(), arrays, e) from e
    else:
        out = _forward_with_tensors(fn, node, args)
        if type(out) is tuple:  # several outputs
            return _outputs(fn, node, record, out, args)
    return _output(fn, node, record, _result_array(fn, node, out, args), args)


def _output(fn: Any, node: Any, record: bool, out: np.ndarray, args: tuple) -> Any:
    """3. The output Tensor of ``fn`` on ``args``; if ``record``, finish ``node`` (a view
    shares its input's version counter)."""
    version = version_counter(args[0]) if fn.is_view else None
    if not record:
        t = Tensor._make(out, None, False, version)
        if fn.is_view:  # views.py remembers its base (for in-place writes through it)
            record_view(t, fn, args)
        return t
    node.out, node.shape, node.out_version = out, out.shape, version
    if node.saved or any(p is None for p in node.parents):  # which saved array is which (see
        node.args = args  # Node._source), and the constant inputs the viz tools show
    if STATE.save_inputs:  # autograd.graph.save_inputs(): tools want constant inputs too
        node.inputs = args
    if STATE.anomaly:
        from .anomaly import on_forward  # imported only in anomaly mode

        on_forward(node, out, [getattr(a, "_array", a) for a in args])
    t = Tensor._make(out, node, True, version)
    if fn.is_view:
        record_view(t, fn, args)
    return t


def _not_float(a: Any) -> bool:
    """True for an integer or bool array (the input a float op converts first)."""
    return type(a) is np.ndarray and a.dtype.kind != "f"


def _parent(a: Any) -> Any:
    """Where the gradient for argument ``a`` goes: its Node, the leaf itself, or None."""
    if isinstance(a, Tensor) and a._requires_grad:
        return a.grad_fn or a
    return None


def _result_array(fn: Any, node: Any, out: Any, args: tuple) -> np.ndarray:
    """``out`` as an array of PyTorch's result dtype; the values saved for backward follow.

    NumPy returns scalars for 0-d results and promotes by its own rules (int + float or
    float32 + a 0-d float64 give float64). For Primitives with ``promotes = True`` the result
    gets PyTorch's dtype: ``dtypes.result_type`` of the operands, or the default float dtype
    where a float op ran on integers or bools.
    """
    raw, out, dtype = out, np.asarray(out), None
    if fn.promotes:
        want = _dt.result_type(*args)
        if out.dtype.kind == "f" and want.kind != "f":
            want = _dt.get_default_dtype().numpy
        if out.dtype != want:
            dtype = want
            out = out.astype(dtype)
    if out is not raw and node is not UNRECORDED and node.saved:
        node.saved = tuple(out if s is raw else _narrowed(s, dtype) for s in node.saved)
    return out


def _narrowed(value: Any, dtype: Any) -> Any:
    """A saved integer or float64 array converted to ``dtype`` (None: left as it is), so
    that the gradients backward forms with it have the output's dtype."""
    if dtype is None or not isinstance(value, (np.ndarray, np.generic)):
        return value
    if value.dtype.kind in "iu" or value.dtype == np.float64:
        return np.asarray(value, dtype=dtype)
    return value


def _forward_with_tensors(fn: Any, node: Node, args: tuple) -> np.ndarray:
    """Run a user Function's forward on detached Tensors under no_grad; return an array."""
    # (the input's own array, not detach()'s new view: what forward saves is traced back to
    # the inputs by the array object, see Node._source)
    detached = tuple(
        Tensor._make(a._array, None, False, version_counter(a)) if isinstance(a, Tensor) else a
        for a in args
    )
    previous = switch_grad_mode(False)
    try:
        result = fn.forward(node, *detached)
    finally:
        switch_grad_mode(previous)
    if node.saved:  # keep arrays, so saved values can be traced back to inputs/output
        node.saved = tuple(s._array if isinstance(s, Tensor) else s for s in node.saved)
    if isinstance(result, (tuple, list)):  # several outputs: a tuple of arrays
        return tuple(r._array if isinstance(r, Tensor) else np.asarray(r) for r in result)
    return result._array if isinstance(result, Tensor) else np.asarray(result)


def _outputs(fn: Any, node: Node, record: bool, outs: tuple, args: tuple) -> tuple:
    """The outputs of a user Function that returned several: one node whose output is all
    the float outputs raveled end to end, and each output a recorded slice of it reshaped,
    so the engine sends the node one gradient, which ``Function.vjp`` splits again (zeros
    for an output that was not used). Integer and bool outputs are not differentiable."""
    floats = [o.dtype for o in outs if o.dtype.kind == "f"]
    if not record or not floats:
        return tuple(Tensor._make(o, None, False) for o in outs)
    dtype = np.result_type(*floats)
    node.layout = [(o.shape, o.dtype) for o in outs]
    whole = _output(fn, node, True, np.concatenate([o.ravel().astype(dtype) for o in outs]), args)
    results, start = [], 0
    for o in outs:
        part = whole[start : start + o.size].reshape(o.shape)
        results.append(part if o.dtype == dtype else Tensor._make(o, None, False))
        start += o.size
    return tuple(results)


def _split(grad: Any, layout: list, tensor_mode: bool) -> tuple:
    """One flat gradient of several outputs (see ``_outputs``) as one gradient per output."""
    grads, start = [], 0
    for shape, _ in layout:
        n = int(np.prod(shape))
        g = grad[start : start + n].reshape(shape)
        grads.append(g if tensor_mode else Tensor._make(np.asarray(g), None, False))
        start += n
    return tuple(grads)


FunctionCtx = Node  # PyTorch's name for the ctx type


class Function:
    """Subclass with static ``forward(ctx, *args)`` and ``backward(ctx, *grads)``; call ``apply``.

    ``forward`` gets Tensors (detached, recorded nothing) and returns a Tensor;
    ``backward`` gets the output's gradient as a Tensor and returns one gradient (or None)
    per ``forward`` argument.
    """

    array_mode = False  # True for Primitives: forward/backward on NumPy arrays
    promotes = False  # True: NumPy's float64 widening is undone (see ``_result_array``)
    is_view = False  # True if forward may return a view of input 0 (shares its version counter)
    inplace_ufunc: Any = None  # the ufunc ``t.op_(other)`` writes with (ops with an in-place form)

    @staticmethod
    def forward(ctx: Node, *args: Any) -> Any:
        raise NotImplementedError("subclasses of Function must define a static forward(ctx, ...)")

    @staticmethod
    def backward(ctx: Node, *grad_outputs: Any) -> Any:
        raise NotImplementedError("subclasses of Function must define a static backward(ctx, grad)")

    apply = classmethod(_apply)  # ``MyFn.apply(*args)``

    @classmethod
    def vjp(cls, ctx: Node, grad: Any) -> tuple:
        """Call the user's ``backward`` with Tensors; hand NumPy arrays back to the engine."""
        if ctx.layout is not None:  # several outputs: one gradient each
            result = cls.backward(ctx, *_split(grad, ctx.layout, ctx.tensor_mode))
        else:
            g = grad if ctx.tensor_mode else Tensor._make(np.asarray(grad), None, False)
            result = cls.backward(ctx, g)
        result = check_user_grads(ctx, result if isinstance(result, tuple) else (result,))
        if ctx.tensor_mode:
            return result
        return tuple(r._array if isinstance(r, Tensor) else r for r in result)


PRIMITIVE_CLASSES: list = []  # every Primitive subclass, in the order they were defined
NEW_PRIMITIVE_HOOKS: list = []  # called with each new Primitive subclass (autograd.fast uses it)


class Primitive(Function):
    """A built-in op: ``forward``/``backward`` on NumPy arrays (see the module docstring)."""

    array_mode = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.vjp = cls.backward  # the engine calls backward directly: no wrapping needed
        PRIMITIVE_CLASSES.append(cls)
        for hook in NEW_PRIMITIVE_HOOKS:
            hook(cls)
