"""Function and Node: how one differentiable operation is defined and recorded.

A ``Function`` subclass pairs a ``forward`` with its vector-Jacobian product ``backward``.
Calling ``MyFn.apply(*inputs)`` runs ``forward`` and, when grad is enabled and an input
requires grad, records a ``Node`` on the tape. The node *is* the ``ctx`` that ``forward``
and ``backward`` receive, and it becomes the output's ``grad_fn``.

Two flavours share this one pattern:
- ``Function`` (what users subclass, as in PyTorch): ``forward``/``backward`` get Tensors.
- ``Primitive`` (our built-in ops): ``forward``/``backward`` get NumPy arrays, which is
  faster. When a gradient of a gradient is wanted (``create_graph=True``) the engine
  calls the same ``backward`` with Tensors instead, so its formula must use only
  operators, methods and NumPy ufuncs that arrays and Tensors both understand.

To read how an op is recorded, read ``_apply`` (any Function) with ``_new_node`` and
``_output``; the ``apply`` functions that ``_apply1_for``/``_apply2_for`` make for the
operators are the same steps written out in one function each, for speed.

Nothing here imports the Tensor module (it imports us); ``Tensor`` is bound below by
``tinygrad_lite.tensor`` once that class exists.
"""

from __future__ import annotations

import inspect
import itertools
from typing import Any

import numpy as np

from .. import dtypes as _dt
from .grad_mode import GRAD_OFF, STATE, WATCHED, switch_grad_mode

__all__ = ["Node", "Function", "Primitive", "FunctionCtx", "bump_version", "version_counter"]

Tensor: Any = None  # bound by tinygrad_lite.tensor (import cycle: Tensor methods call us)
_make: Any = None  # Tensor._make, bound with it

_next_seq = itertools.count().__next__  # creation order; a valid topological order


last_write = [-1]  # the sequence number of the latest in-place write to any tensor


def version_counter(t: Any) -> list:
    """``t``'s version counter, a list ``[in-place writes so far, seq of the latest write]``
    shared with its views. Made on first need: most tensors are never written in place, and
    a tensor without one (``t._counter is None``) has never been written."""
    counter = t._counter
    if counter is None:
        counter = t._counter = [0, -1]
        node = t.grad_fn
        if node is not None and node.out is t._array:  # the node that made t, which may have
            node.version = counter  # saved it, checks this counter (see Node._source)
    return counter


def bump_version(t: Any) -> None:
    """Count an in-place change of ``t``'s values and stamp it with a fresh sequence number:
    a node created before the stamp (smaller ``seq``) that saved ``t`` will refuse to
    backward. Only nodes older than the latest write anywhere need that check."""
    counter = t._counter or version_counter(t)
    counter[0] += 1
    counter[1] = last_write[0] = _next_seq()


# Draw a sequence number: every node created later gets a larger one (nn.Module uses this
# to know which nodes its forward created).
next_seq = _next_seq


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
        "saved",  # tuple of saved values: ctx.saved = (...) or save_for_backward (None if
        # nothing; FREED after backward)
        "args",  # the op's arguments if it saved more than its output (which saved array is which)
        "seq",
        "shape",  # shape of the output
        "out",  # output array (values for viz/tape printing; freed with the graph's buffers)
        "version",  # the output's version counter (None until the output has one)
        "hooks",  # hooks registered on the output tensor (non-leaf), or None
        "__dict__",  # ctx.anything = ... (created lazily, only when used)
        "__weakref__",
    )
    # Rarely set, so they are class-level defaults: setting one puts it in the node's
    # ``__dict__``, and creating a node (once per op) stays cheap.
    grad: Any = None  # output gradient, kept only while autograd.graph.keep_intermediates() is on
    trace: Any = None  # where the op was created (only in anomaly mode)
    tensor_mode = False  # True while backward runs with Tensors (create_graph)
    layout: Any = None  # [(shape, dtype)] of a user Function's several outputs (see _outputs)

    # (No __init__: ``_new_node`` below makes nodes, filling the slots directly.)

    # --- the ctx API of PyTorch ------------------------------------------------------------
    def save_for_backward(self, *values: Any) -> None:
        """Keep values (inputs, the output, or constants) for ``backward``."""
        self.saved = values

    @property
    def saved_tensors(self) -> tuple:
        """What ``save_for_backward`` kept: Tensors in a user Function or when
        ``create_graph=True``, else arrays. (A Primitive's backward reads ``ctx.saved``: the
        engine has checked it already.)"""
        self.check_saved()
        saved = self.saved
        if saved is None:
            return ()
        if self.tensor_mode or not self.fn.array_mode:
            return tuple(self._as_tensor(i) for i in range(len(saved)))
        return saved

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
        if self.seq < last_write[0]:  # something was written in place after this node
            self._check_versions()

    @property
    def needs_input_grad(self) -> tuple:
        """One bool per input of ``apply``: does that input need a gradient?"""
        p = self.parents
        if len(p) == 2:  # the usual case, spelled out: cheaper than the loop
            return (p[0] is not None, p[1] is not None)
        return tuple([q is not None for q in p])

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

    # --- helpers used by the engine --------------------------------------------------------
    def _source(self, value: Any) -> tuple:
        """Where saved ``value`` came from: ``(-1, output counter)`` for the output,
        ``(i, counter)`` for the array of argument ``i``, ``(None, None)`` for anything else
        (a constant, or an array computed in forward)."""
        if value is self.out and value is not None:
            return -1, self.version
        if type(value) is np.ndarray and self.args is not None:
            i = _input_index(value, self.args)
            if i is not None:
                return i, self.args[i]._counter  # (None: never written)
        return None, None

    def _check_versions(self) -> None:
        """Raise if a saved input or output was written in place after this node was made:
        its version counter carries the sequence number of its latest write."""
        for value in self.saved or ():
            i, counter = self._source(value)
            if counter is not None and counter[1] > self.seq:
                what = "the output" if i == -1 else f"input {i}"
                raise RuntimeError(
                    f"one of the variables needed for gradient computation has been modified by "
                    f"an inplace operation: {what} of {self.name()} is at version {counter[0]}, "
                    f"changed after {self.name()} saved it. Hint: replace the in-place operation "
                    "(add_, mul_, +=, ...) with its out-of-place form, or clone() the tensor first."
                )

    def _as_tensor(self, k: int) -> Any:
        """Saved value ``k`` as a Tensor connected to the graph (for differentiable backward)."""
        value = self.saved[k]
        if isinstance(value, Tensor) or not isinstance(value, np.ndarray):
            return value
        i, _ = self._source(value)
        if i is None:
            return Tensor._make(value, None, False)
        if i == -1:
            return Tensor._make(value, self, True)
        parent = self.parents[i]
        if parent is None:
            return Tensor._make(value, None, False)
        if isinstance(parent, Node):
            return Tensor._make(value, parent, True)
        return parent  # a leaf Tensor


_new = object.__new__


def _new_node(fn: type, parents: tuple) -> Node:
    """A new Node for an op of ``fn`` with these ``parents`` and the next sequence number
    (built without ``type.__call__``: this runs once per recorded op)."""
    node = _new(Node)
    node.fn = fn
    node.parents = parents
    node.seq = _next_seq()
    node.saved = node.args = node.version = node.hooks = None
    return node


def _input_index(array: np.ndarray, args: tuple) -> int | None:
    """Which argument is the Tensor holding ``array`` (None if none is)."""
    for i, t in enumerate(args):
        if array is getattr(t, "_array", None):
            return i
    return None


class _Unrecorded:
    """The ``ctx`` a Primitive's forward gets when nothing is recorded (no input needs grad,
    or grad mode is off): it accepts ``saved = ...``, ``save_for_backward`` and attributes,
    and keeps nothing."""

    __slots__ = ()

    def save_for_backward(self, *values: Any) -> None:
        pass

    def __setattr__(self, name: str, value: Any) -> None:
        pass


UNRECORDED = _Unrecorded()


_F64 = np.dtype(np.float64)


def _fix_output(node: Any, out: Any, args: tuple, promotes: bool) -> np.ndarray:
    """``out`` as an array of PyTorch's result dtype; the values saved for backward follow.

    NumPy returns scalars for 0-d results, and widens int + float, or float32 +
    ``np.float64(2)``, to float64. PyTorch gives the default float dtype (float32) unless a
    float64 tensor was an operand; so do we, for Primitives with ``promotes = True``.
    """
    raw, out = out, np.asarray(out)
    dtype = None
    if promotes and out.dtype is _F64:
        for a in _arrays(args):
            if type(a) is np.ndarray and a.dtype is _F64:
                break  # a float64 operand: float64 is right
        else:
            dtype = _dt.get_default_dtype().numpy
            out = out.astype(dtype)
    if (out is not raw or dtype is not None) and node is not UNRECORDED and node.saved:
        node.saved = tuple([out if s is raw else _narrowed(s, dtype) for s in node.saved])
    return out


def _narrowed(value: Any, dtype: Any) -> Any:
    """A saved integer or float64 array converted to ``dtype`` (None: leave all as they are),
    so that the gradients backward forms with it have the output's dtype."""
    if dtype is None or not isinstance(value, (np.ndarray, np.generic)):
        return value
    if value.dtype.kind in "iu" or value.dtype is _F64:
        return np.asarray(value, dtype=dtype)
    return value


def _apply(fn: Any, *args: Any) -> Any:
    """``fn.apply(*args)``: run ``forward`` and, if grad is enabled and an input requires
    grad, record one Node on the tape; return the output Tensor."""
    arrays = []
    parents = []
    requires = False
    for a in args:
        if isinstance(a, Tensor):
            arrays.append(a._array)
            if a._rg:
                requires = True
                parents.append(a.grad_fn or a)
                continue
        else:
            arrays.append(a)
        parents.append(None)
    record = requires and (not GRAD_OFF or STATE.grad_enabled)  # (see GRAD_OFF)
    if not fn.array_mode:  # a user Function: forward gets Tensors
        node = _new_node(fn, tuple(parents))
        out = _forward_with_tensors(fn, node, args)
        if type(out) is tuple:  # several outputs
            return _outputs(fn, node if record else UNRECORDED, out, args)
        return _output(fn, node if record else UNRECORDED, out, args)
    node = _new_node(fn, tuple(parents)) if record else UNRECORDED
    try:
        out = fn.forward(node, *arrays)
    except (ValueError, TypeError) as e:  # free when nothing is raised (Python >= 3.11)
        raise forward_error(fn.__name__.lower(), arrays, e) from e
    return _output(fn, node, out, args)


def _apply1_for(fn: Any) -> Any:
    """``fn.apply`` for a Primitive of one argument: ``_apply``'s steps without the loop, in a
    function made once per class (``fn`` and its flags are closure variables). ``Tensor.tanh =
    Tanh.apply`` then makes ``x.tanh()`` one Python call. The usual case of ``_new_node`` and
    ``_output`` is written out inline (a call and a tuple cost more than the op's NumPy work);
    anything unusual goes to ``_output``."""
    forward, op = fn.forward, fn.__name__.lower()
    promotes, view = fn.promotes, fn.is_view

    def apply(x: Any) -> Any:
        node = UNRECORDED
        if isinstance(x, Tensor):
            xa = x._array
            if x._rg and (not GRAD_OFF or STATE.grad_enabled):
                node = _new(Node)  # (= _new_node)
                node.fn = fn
                node.parents = (x.grad_fn or x,)
                node.seq = _next_seq()
                node.saved = node.args = node.version = node.hooks = None
        else:
            xa = x
        try:
            out = forward(node, xa)
        except (ValueError, TypeError) as e:
            raise forward_error(op, (xa,), e) from e
        if type(out) is not np.ndarray:  # a NumPy scalar (a 0-d result)
            if node is not UNRECORDED and node.saved:
                return _output(fn, node, out, (x,))  # (saved values may refer to it)
            out = np.asarray(out)
        if view or WATCHED[0] or promotes and out.dtype is _F64:
            return _output(fn, node, out, (x,))
        t = _new(Tensor)  # (= _output's usual case)
        t._array = out
        t._grad = t._counter = t._hooks = None
        if node is UNRECORDED:
            t._rg = False
            t.grad_fn = None
            return t
        t._rg = True
        t.grad_fn = node
        node.out = out
        node.shape = out.shape
        saved = node.saved
        if saved and (len(saved) > 1 or saved[0] is not out):
            node.args = (x,)
        return t

    return _named(apply, fn)


_NUMBERS = (float, int)


def _apply2_for(fn: Any) -> Any:
    """``fn.apply`` for a Primitive of two arguments (the operators' hot path; see
    ``_apply1_for``): ``Tensor.__mul__ = Mul.apply`` makes ``x * y`` one Python call.
    Unrecorded arithmetic of a 0-d float and a Python number runs on NumPy scalars."""
    forward, op = fn.forward, fn.__name__.lower()
    promotes, view = fn.promotes, fn.is_view

    def apply(x: Any, y: Any) -> Any:
        px = py = None
        if isinstance(x, Tensor):
            xa = x._array
            if x._rg:
                px = x.grad_fn or x
        else:
            xa = x
        if isinstance(y, Tensor):
            ya = y._array
            if y._rg:
                py = y.grad_fn or y
        else:
            ya = y
        node = UNRECORDED
        if (px is not None or py is not None) and (not GRAD_OFF or STATE.grad_enabled):
            node = _new(Node)  # (= _new_node)
            node.fn = fn
            node.parents = (px, py)
            node.seq = _next_seq()
            node.saved = node.args = node.version = node.hooks = None
        elif promotes and type(ya) in _NUMBERS and type(xa) is np.ndarray:  # (not recorded)
            if not xa.ndim and xa.dtype.kind == "f":  # e.g. lr * w.grad under no_grad: NumPy's
                xa = xa[()]  # scalar math, 5x cheaper than a ufunc on a 0-d array and a number
        try:
            out = forward(node, xa, ya)
        except (ValueError, TypeError) as e:
            raise forward_error(op, (xa, ya), e) from e
        if type(out) is not np.ndarray:  # a NumPy scalar (a 0-d result)
            if node is not UNRECORDED and node.saved:
                return _output(fn, node, out, (x, y))  # (saved values may refer to it)
            out = np.asarray(out)
        if view or WATCHED[0] or promotes and out.dtype is _F64:
            return _output(fn, node, out, (x, y))
        t = _new(Tensor)  # (= _output's usual case)
        t._array = out
        t._grad = t._counter = t._hooks = None
        if node is UNRECORDED:
            t._rg = False
            t.grad_fn = None
            return t
        t._rg = True
        t.grad_fn = node
        node.out = out
        node.shape = out.shape
        saved = node.saved
        if saved and (len(saved) > 1 or saved[0] is not out):
            node.args = (x, y)
        return t

    return _named(apply, fn)


def _named(apply: Any, fn: Any) -> Any:
    """``apply`` named and documented as ``fn.apply`` (for help() and tracebacks)."""
    apply.__qualname__ = f"{fn.__name__}.apply"
    apply.__doc__ = fn.__doc__
    return apply


def _arrays(args: tuple) -> tuple:
    """The arrays an op ran on: each Tensor argument's array, other arguments as they are."""
    return tuple([a._array if isinstance(a, Tensor) else a for a in args])


def _output(fn: Any, node: Any, out: Any, args: tuple) -> Any:
    """The output Tensor of ``fn`` run on ``args``; if ``node`` records, finish the node."""
    if type(out) is not np.ndarray or out.dtype is _F64 and fn.promotes:
        out = _fix_output(node, out, args, fn.promotes)
    version = version_counter(args[0]) if fn.is_view else None  # (None: made on first need)
    if node is UNRECORDED:
        return _make(out, None, False, version)
    node.out = out
    node.shape = out.shape
    saved = node.saved
    if saved:  # what backward needs to check the saved values for in-place changes (_source)
        if len(saved) > 1 or saved[0] is not out:
            node.args = args  # (saved inputs: their counters are read at backward time)
    node.version = version  # the output's counter (None: version_counter() will set it)
    if WATCHED[0] and STATE.watching:  # (the plain read first: see WATCHED)
        if STATE.save_inputs:  # autograd.graph.save_inputs(): tools want constant inputs too
            node.inputs = args
        if STATE.anomaly:
            from .anomaly import on_forward  # imported only in anomaly mode

            on_forward(node, out, _arrays(args))
    return _make(out, node, True, version)


FunctionCtx = Node  # PyTorch's name for the ctx type


class Function:
    """Subclass with static ``forward(ctx, *args)`` and ``backward(ctx, *grads)``; call ``apply``.

    ``forward`` gets Tensors (detached, recorded nothing) and returns a Tensor;
    ``backward`` gets the output's gradient as a Tensor and returns one gradient (or None)
    per ``forward`` argument.
    """

    array_mode = False
    promotes = False  # True: NumPy's float64 widening is undone (see ``_fix_output``)
    is_view = False  # True if forward may return a view of input 0 (shares its version counter)

    @staticmethod
    def forward(ctx: Node, *args: Any) -> Any:
        raise NotImplementedError("subclasses of Function must define a static forward(ctx, ...)")

    @staticmethod
    def backward(ctx: Node, *grad_outputs: Any) -> Any:
        raise NotImplementedError("subclasses of Function must define a static backward(ctx, grad)")

    # ``MyFn.apply(*args)``: run forward, record a Node if needed (see ``_apply`` above).
    apply = classmethod(_apply)

    @classmethod
    def vjp(cls, ctx: Node, grad: Any) -> tuple:
        """Call the user's ``backward`` with Tensors; hand NumPy arrays back to the engine."""
        tensor_mode = ctx.tensor_mode
        if ctx.layout is not None:  # several outputs: one gradient each
            result = cls.backward(ctx, *_split(grad, ctx.layout, tensor_mode))
        else:
            g = grad if tensor_mode else Tensor._make(np.asarray(grad), None, False)
            result = cls.backward(ctx, g)
        result = _check_user_grads(ctx, result if isinstance(result, tuple) else (result,))
        if tensor_mode:
            return result
        return tuple(r._array if isinstance(r, Tensor) else r for r in result)


def _check_user_grads(ctx: Node, grads: tuple) -> tuple:
    """What a user's ``backward`` returned, checked: one gradient (or None) per ``forward``
    input, each a Tensor (or array) whose shape the input's shape broadcasts to."""
    n = len(ctx.parents)
    if len(grads) < n or any(g is not None for g in grads[n:]):
        raise RuntimeError(
            f"function {ctx.name()} returned an incorrect number of gradients (expected {n}, "
            f"got {len(grads)}): backward must return one gradient, or None, per forward input"
        )
    for i, (g, p) in enumerate(zip(grads, ctx.parents)):
        if g is None or p is None:
            continue
        if not isinstance(g, (Tensor, np.ndarray)):
            raise TypeError(
                f"function {ctx.name()} returned a {type(g).__name__} as the gradient of input "
                f"{i}; backward must return Tensors (or None)"
            )
        shape, got = tuple(p.shape), tuple(g.shape)
        if len(got) < len(shape) or any(a not in (b, 1) for a, b in zip(shape[::-1], got[::-1])):
            raise RuntimeError(
                f"function {ctx.name()} returned an invalid gradient at index {i} - got "
                f"{list(got)} but expected shape compatible with {list(shape)} (the shape of "
                f"input {i})"
            )
    return grads[:n]


class Primitive(Function):
    """A built-in op: ``forward``/``backward`` on NumPy arrays (see the module docstring)."""

    array_mode = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.vjp = cls.backward  # the engine calls backward directly: no wrapping needed
        # ``apply`` without the loop over arguments for forwards of one or two arguments
        arity = cls.forward.__code__.co_argcount - 1  # minus ctx
        if not cls.forward.__code__.co_flags & inspect.CO_VARARGS and arity in (1, 2):
            cls.apply = staticmethod((_apply1_for if arity == 1 else _apply2_for)(cls))


def forward_error(op: str, arrays: Any, exc: Exception) -> RuntimeError:
    """A clear error for an op whose NumPy forward failed: op, shapes, dtypes, the fix."""
    arrs = [a for a in arrays if isinstance(a, (np.ndarray, np.generic))]
    shapes = " and ".join(str(tuple(a.shape)) for a in arrs)
    dtypes = " and ".join(str(a.dtype) for a in arrs)
    clash = _broadcast_clash([a.shape for a in arrs])
    if clash is None:
        return RuntimeError(f"{op}: {exc} (input shapes {shapes}; dtypes {dtypes})")
    dim, sizes = clash
    return RuntimeError(
        f"{op}: input shapes {shapes} (dtypes {dtypes}) cannot be broadcast together: at "
        f"dim {dim} (counted from the right) the sizes are {' and '.join(map(str, sizes))}. "
        "Broadcasting aligns shapes from the right; each pair of sizes must be equal or one "
        "of them 1. Reshape or unsqueeze an input (e.g. x.unsqueeze(-1), x.reshape(...)) so "
        "the shapes line up."
    )


def _broadcast_clash(shapes: list) -> tuple | None:
    """(negative dim, sizes) of the first right-aligned dim where ``shapes`` cannot broadcast."""
    for k in range(1, max((len(s) for s in shapes), default=0) + 1):
        sizes = [s[-k] for s in shapes if len(s) >= k]
        if len({n for n in sizes if n != 1}) > 1:
            return -k, sizes
    return None


def _forward_with_tensors(fn: Any, node: Node, args: tuple) -> np.ndarray:
    """Run a user Function's forward on detached Tensors under no_grad; return an array."""
    detached = tuple(a.detach() if isinstance(a, Tensor) else a for a in args)
    prev = switch_grad_mode(False)
    try:
        result = fn.forward(node, *detached)
    finally:
        switch_grad_mode(prev)
    if node.saved:  # keep arrays, so saved values can be traced back to inputs/output
        node.saved = tuple(s._array if isinstance(s, Tensor) else s for s in node.saved)
    if isinstance(result, (tuple, list)):  # several outputs: a tuple of arrays
        return tuple(r._array if isinstance(r, Tensor) else np.asarray(r) for r in result)
    if isinstance(result, Tensor):
        return result._array
    return np.asarray(result)


def _outputs(fn: Any, node: Any, outs: tuple, args: tuple) -> tuple:
    """The outputs of a user Function that returned several: one node whose output is all
    the float outputs raveled end to end, and each output a recorded slice of it reshaped,
    so the engine sends the node one gradient, which ``Function.vjp`` splits again (zeros
    for an output that was not used). Integer and bool outputs are not differentiable."""
    floats = [o.dtype for o in outs if o.dtype.kind == "f"]
    if node is UNRECORDED or not floats:
        return tuple(_make(o, None, False) for o in outs)
    dtype = np.result_type(*floats)
    node.layout = [(o.shape, o.dtype) for o in outs]
    whole = _output(fn, node, np.concatenate([o.ravel().astype(dtype) for o in outs]), args)
    results, start = [], 0
    for o in outs:
        part = whole[start : start + o.size].reshape(o.shape)
        results.append(part if o.dtype == dtype else _make(o, None, False))
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
