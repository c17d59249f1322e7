"""The fast engine: every speed-only path of tinygrad_lite, behind this one seam.

The reference engine (``autograd/grad_mode.py``, ``function.py``, ``engine.py``) is what a
lecture reads. ``install()`` (called once, at the end of ``tinygrad_lite/__init__.py``,
unless ``TINYGRAD_LITE_REFERENCE=1``) replaces some of its steps with faster ones that give
the same results; ``uninstall()`` puts the reference back, and ``use_engine("reference")``
/ ``use_engine("fast")`` switches for a ``with`` block (the differential tests compare the
two). Measured costs are in ``benchmarks/README.md``.

What ``install()`` replaces (``PATCHES``), each with why:
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from .. import engine as _engine
from .. import function as _function
from .. import grad_mode as _grad_mode
from . import backward as _backward
from . import grad_mode as _fast_grad_mode
from . import inplace as _inplace
from . import numpy_shortcuts as _numpy_shortcuts
from . import recording as _recording
from . import versions as _versions

__all__ = ["install", "uninstall", "use_engine", "active_engine", "PATCHES"]

# (what is replaced, why): the list the docs and a test read.
PATCHES = (
    ("Primitive.apply", "recording unrolled for 1 and 2 arguments, no generator (fast.recording)"),
    ("Tensor operator methods", "x * y calls Mul's apply directly: one Python call per op"),
    ("ops.mean_of_all", "x.mean() is one call of Mean's one-argument apply"),
    ("grad_mode.STATE", "threads with grad mode off / anomaly on are counted: no "
     "thread-local read per op while the counts are 0 (fast.grad_mode)"),
    ("grad_mode.switch_grad_mode", "reads the counting state's slot directly"),
    ("VersionCounter.bump", "stamps the latest write anywhere, so backward checks only "
     "nodes older than it (fast.versions)"),
    ("function.bump_version", "the bump written out: one call instead of three"),
    ("Node.needs_input_grad", "the usual two inputs spelled out"),
    ("engine.run_backward", "heap instead of a sorted tape, chain hand-off, lazy grad-mode "
     "switch, gradients kept without a copy when safe, 0-d scalar math (fast.backward)"),
    ("Tensor.backward", "loss.backward() on a 0-d loss seeds with a shared NumPy scalar"),
    ("ops.inplace", "w -= lr * g on a 0-d float tensor uses NumPy's scalar math (fast.inplace)"),
    ("primitives.one_minus", "1 - a with a cached 0-d one of a's dtype (fast.numpy_shortcuts)"),
    ("primitives.expand", "small broadcasts fill a new array instead of np.broadcast_to"),
    ("nn.rnn.FUSED_LSTM", "a padded LSTM direction is one LSTMLayer node (BPTT with one "
     "matmul per weight) instead of its unrolled steps"),
    ("primitives_sequence._ONE_HOT_MAX", "a small embedding table's gradient is a 0/1 "
     "matmul instead of np.add.at"),
)  # fmt: skip
__doc__ += "".join(f"\n- ``{what}``: {why}." for what, why in PATCHES)

_saved: list = []  # (owner, name, what it had: a value, or _ABSENT) while installed
_ABSENT = object()


def _patch(owner: Any, name: str, value: Any) -> None:
    _saved.append((owner, name, owner.__dict__.get(name, _ABSENT) if isinstance(owner, type)
                   else getattr(owner, name)))  # fmt: skip
    setattr(owner, name, value)


def _give_fast_apply(cls: type) -> None:
    """Give Primitive ``cls`` its fast apply (also called for Primitives defined later)."""
    if "apply" not in cls.__dict__:  # (a class with an apply of its own keeps it)
        _patch(cls, "apply", staticmethod(_recording.apply_for(cls)))


def active_engine() -> str:
    """``"fast"`` or ``"reference"``: which engine runs now."""
    return "fast" if _saved else "reference"


def install() -> None:
    """Install every fast path listed in ``PATCHES`` (no-op if installed)."""
    if _saved:
        return
    from ... import autograd as autograd_pkg  # (these import autograd: imported here, late)
    from ... import ops, primitives
    from ...tensor import Tensor

    _fast_grad_mode.install_counting_state()
    _saved.append((None, "counting state", None))
    _patch(_grad_mode, "switch_grad_mode", _fast_grad_mode.switch_grad_mode)
    _versions.LATEST_WRITE.seq = _function.next_seq()  # (earlier writes were not stamped)
    _patch(_function.VersionCounter, "bump", _versions.counting_bump)
    _patch(_function, "bump_version", _versions.bump_version)
    _patch(_function.Node, "needs_input_grad", property(_recording.needs_input_grad))
    for cls in _function.PRIMITIVE_CLASSES:
        _give_fast_apply(cls)
    _function.NEW_PRIMITIVE_HOOKS.append(_give_fast_apply)
    for name, method in list(vars(Tensor).items()):
        prim = getattr(method, "primitive", None)
        if prim is not None:
            _patch(Tensor, name, prim.apply)
    mean_of_all = _recording.mean_of_all_for(primitives.Mean)
    _patch(primitives, "mean_of_all", mean_of_all)
    _patch(ops, "mean_of_all", mean_of_all)
    _patch(_engine, "run_backward", _backward.run_backward)
    _patch(autograd_pkg, "run_backward", _backward.run_backward)
    _backward._reference_tensor_backward = Tensor.backward
    _patch(Tensor, "backward", _backward.tensor_backward)
    _inplace.reference_inplace = ops.inplace
    _patch(ops, "inplace", _inplace.inplace)
    _patch(primitives, "one_minus", _numpy_shortcuts.one_minus)
    _patch(primitives, "expand", _numpy_shortcuts.expand)
    from ... import primitives_sequence
    from ...nn import rnn

    _patch(rnn, "FUSED_LSTM", True)
    _patch(primitives_sequence, "_ONE_HOT_MAX", primitives_sequence.ONE_HOT_MAX_FAST)


def uninstall() -> None:
    """Put every reference step back (no-op if the reference engine runs)."""
    if _give_fast_apply in _function.NEW_PRIMITIVE_HOOKS:
        _function.NEW_PRIMITIVE_HOOKS.remove(_give_fast_apply)
    while _saved:
        owner, name, value = _saved.pop()
        if owner is None:
            _fast_grad_mode.remove_counting_state()
        elif value is _ABSENT:
            delattr(owner, name)
        else:
            setattr(owner, name, value)


@contextlib.contextmanager
def use_engine(name: str) -> Iterator[None]:
    """Run the block on the ``"fast"`` or the ``"reference"`` engine, then switch back.
    Switch only while no other thread has flipped a grad-mode switch."""
    if name not in ("fast", "reference"):
        raise ValueError(f"use_engine: expected 'fast' or 'reference', got {name!r}")
    before = active_engine()
    (install if name == "fast" else uninstall)()
    try:
        yield
    finally:
        (install if before == "fast" else uninstall)()
