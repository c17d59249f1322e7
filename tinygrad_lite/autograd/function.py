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

from typing import Any

from .errors import forward_error
from .grad_mode import STATE
from .result_dtype import result_array
from .saved import (
    FREED,
    UNRECORDED,
    SavedValues,
    VersionCounter,
    bump_version,
    next_seq,
    version_counter,
)
from .user_function import run_user_forward, user_apply, user_vjp

__all__ = ["Node", "Function", "Primitive", "FunctionCtx", "UNRECORDED", "FREED", "next_seq",
           "VersionCounter", "bump_version", "version_counter"]  # fmt: skip

Tensor: Any = None  # bound by tinygrad_lite.tensor (import cycle: Tensor methods call us)
record_view: Any = None  # views.record_view, bound by tinygrad_lite.views


class Node(SavedValues):
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

    def __init__(self, fn: type, parents: tuple, args: tuple) -> None:
        self.fn, self.parents, self.args, self.seq = fn, parents, args, next_seq()
        self.saved = self.out = self.out_version = self.hooks = None

    # --- the ctx API of PyTorch (save_for_backward, saved_tensors: see saved.py) -----------
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


def _apply(fn: Any, *args: Any) -> Any:
    """``fn.apply(*args)``: run ``forward`` and, if grad mode is on and an input requires
    grad, record one Node on the tape; return the output Tensor."""
    # 1. Where each input's gradient goes: its node, itself (a leaf), or nowhere (None).
    parents = tuple(_parent(a) for a in args)
    record = STATE.grad_enabled and any(p is not None for p in parents)
    # 2. Run forward (on arrays for a Primitive, see run_forward); the node is its ctx.
    node = Node(fn, parents, args) if record or not fn.array_mode else UNRECORDED
    out = result_array(fn, node, fn.run_forward(node, args), args)
    # 3. The output Tensor; a view shares its input's version counter.
    version = version_counter(args[0]) if fn.is_view else None
    node.out, node.shape, node.out_version = out, out.shape, version  # (UNRECORDED keeps none)
    if record and (STATE.save_inputs or STATE.anomaly):  # tools that watch every op
        _watch(node, out, args)
    return Tensor._make(out, node if record else None, record, version)


def _parent(a: Any) -> Any:
    """Where the gradient for argument ``a`` goes: its Node, the leaf itself, or None."""
    return (a.grad_fn or a) if isinstance(a, Tensor) and a._requires_grad else None


def _watch(node: Node, out: Any, args: tuple) -> None:
    """autograd.graph.save_inputs(): keep the arguments; anomaly mode: check the output."""
    if STATE.save_inputs:
        node.inputs = args
    if STATE.anomaly:
        from .anomaly import on_forward  # imported only in anomaly mode

        on_forward(node, out, [getattr(a, "_array", a) for a in args])


FunctionCtx = Node  # PyTorch's name for the ctx type


class Function:
    """Subclass with static ``forward(ctx, *args)`` and ``backward(ctx, *grads)``; call ``apply``.

    ``forward`` gets Tensors (detached, recorded nothing) and returns a Tensor;
    ``backward`` gets the output's gradient as a Tensor and returns one gradient (or None)
    per ``forward`` argument.
    """

    array_mode = False  # True for Primitives: forward/backward on NumPy arrays
    promotes = False  # True: NumPy's float64 widening is undone (see result_dtype.py)
    is_view = False  # True if forward may return a view of input 0 (shares its version counter)
    inplace_ufunc: Any = None  # the ufunc ``t.op_(other)`` writes with (ops with an in-place form)

    @staticmethod
    def forward(ctx: Node, *args: Any) -> Any:
        raise NotImplementedError("subclasses of Function must define a static forward(ctx, ...)")

    @staticmethod
    def backward(ctx: Node, *grad_outputs: Any) -> Any:
        raise NotImplementedError("subclasses of Function must define a static backward(ctx, grad)")

    apply = classmethod(user_apply)  # ``MyFn.apply(*args)``: _apply, several outputs split
    run_forward = classmethod(run_user_forward)  # forward on detached Tensors (user_function.py)

    vjp = classmethod(user_vjp)  # backward on Tensors, arrays handed back to the engine


PRIMITIVE_CLASSES: list = []  # every Primitive subclass, in the order they were defined
NEW_PRIMITIVE_HOOKS: list = []  # called with each new Primitive subclass (autograd.fast uses it)


class Primitive(Function):
    """A built-in op: ``forward``/``backward`` on NumPy arrays (see the module docstring)."""

    array_mode = True
    apply = classmethod(_apply)  # (a Function's apply only adds several outputs)

    @classmethod
    def run_forward(cls, node: Any, args: tuple) -> Any:
        """Run ``forward`` on the arrays of the arguments (a clear error if NumPy refuses)."""
        arrays = [a._array if isinstance(a, Tensor) else a for a in args]
        try:
            return cls.forward(node, *arrays)
        except (ValueError, TypeError) as e:
            raise forward_error(cls.__name__.lower(), arrays, e) from e

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.vjp = cls.backward  # the engine calls backward directly: no wrapping needed
        if "forward" in cls.__dict__:  # (not the kinds below, which only add a rule)
            PRIMITIVE_CLASSES.append(cls)
            for hook in NEW_PRIMITIVE_HOOKS:
                hook(cls)
