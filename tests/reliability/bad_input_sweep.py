"""Call the public API with bad arguments and sort what comes back.

Every public function of ``tinygrad_lite``, ``tinygrad_lite.nn.functional`` and every public
``Tensor`` method is first called with a good argument list (the first of ``CANDIDATES`` that
works). Then each Tensor argument of that call is replaced in turn by each value of ``BAD``
(a list, None, a string, ...; inside a list of tensors, one element is replaced). A call
passes when it raises TypeError/ValueError/IndexError/RuntimeError whose message names the
op; it fails when it raises anything else (``AttributeError``, a raw NumPy error) or accepts
the bad value silently.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

import tinygrad_lite as tl
import tinygrad_lite.nn.functional as F

# Not tensor ops (or they take any object by design): left out of the sweep.
NOT_OPS = {
    "tensor", "as_tensor", "from_numpy", "scalar_tensor", "is_tensor", "save", "load",
    "manual_seed", "seed", "initial_seed", "set_default_dtype", "get_default_dtype",
    "set_default_device", "get_default_device", "device", "dtype", "Generator", "Tensor",
    "no_grad", "enable_grad", "set_grad_enabled", "inference_mode", "is_grad_enabled",
    "numel",  # (numel, is_floating_point: take any tensor-like in PyTorch too)
    "register_hook", "to", "type", "new_tensor", "cuda", "tolist", "item", "numpy", "size",
    "backward", "requires_grad_", "retain_grad", "dim", "element_size", "cpu", "detach_",
    "contiguous", "is_floating_point",
    "compile", "autocast",  # (torch.compile(model) returns what it is given)
}  # fmt: skip

BAD: list = [[1.0, 2.0], None, "a", {"k": 1}, object()]

# Names an alias's message may use instead (``clip`` is ``clamp``).
ALIASES = {"clip": "clamp", "clip_": "clamp", "clamp_": "clamp"}


def _x() -> Any:
    return tl.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]])


def _candidates() -> list:
    x = _x()
    idx = tl.zeros(2, 3, dtype=tl.int64)
    i1 = tl.tensor([0, 1])
    m = x > 0
    v = tl.tensor([1.0, 2.0, 3.0])
    w = tl.ones(4, 3)
    x4, w4 = tl.ones(1, 1, 4, 4), tl.ones(1, 1, 2, 2)
    return [
        (x,), (x, x), (x, 0), (x, 1), ([x, x],), ([x, x], 0), (x, m, 0.0), (x, 0, idx),
        (x, 0, i1), (m, x, x), (x, x, 0.5), (x, x, x), (x, 0, 0, 1), (x, w), (x, w, v[:1]),
        (x, (3, 2)), (x, 3, 2), (x, 1, 1), (x, 2), (x, 0, 1), (v, v), (x.T, x), (x, v),
        (x, idx[:, :1], 1), (x, 1, (3, 1)), (x, (1, 1)), (x, tl.tensor([0, 2])), (x, 1.0),
        (x, 0.0, 1.0), (v,), (x, v, 1), (x, x.T), (x, 2, 3), (x, (2, 3)), (i1,),
        (tl.ones(2, 3, 3), tl.ones(2, 3, 3)),
        (tl.tensor([1, 2]), tl.tensor([3, 1])),  # bitwise ops
        (tl.tensor([[2.0, 1.0], [1.0, 3.0]]),),  # det, inverse
        ("ij->ji", x),  # einsum
        (v, 1),  # multinomial
        (x, v, v),  # batch_norm (running mean and var)
        (i1, w), (i1, w, tl.tensor([0])),  # embedding, embedding_bag
        (x4,), (x4, 2), (x4, (2, 2)), (x4, w4), (x4, w4.transpose(0, 1)),  # conv, pooling
        (tl.ones(1, 1, 4), tl.ones(1, 1, 2)),  # conv_transpose1d
        (tl.ones(1, 4, 2, 2), 2),  # pixel_shuffle
        (tl.ones(1, 4, 4), (3, 3), 2),  # fold
        (tl.ones(1, 1, 2, 2), tl.zeros(1, 1, 2, 2, dtype=tl.int64), 2),  # max_unpool2d
    ]  # fmt: skip


def public_callables() -> Iterator[tuple[str, Callable, bool]]:
    """(qualified name, callable, is_method) for the swept API."""
    seen: set = set()
    for mod, prefix in ((tl, "tinygrad_lite"), (F, "nn.functional")):
        for name in sorted(dir(mod)):
            obj = getattr(mod, name)
            if name.startswith("_") or name in NOT_OPS or inspect.isclass(obj):
                continue
            if not (inspect.isfunction(obj) or inspect.isbuiltin(obj)):
                continue
            if getattr(obj, "__module__", "").split(".")[0] != "tinygrad_lite":
                continue
            key = (prefix, name)
            if key not in seen:
                seen.add(key)
                yield f"{prefix}.{name}", obj, False
    for name in sorted(dir(tl.Tensor)):
        if name.startswith("_") or name in NOT_OPS:
            continue
        attr = inspect.getattr_static(tl.Tensor, name)
        if isinstance(attr, property):
            continue
        yield f"Tensor.{name}", name, True


def _call(fn: Any, is_method: bool, args: tuple, self: Any = None) -> Any:
    if is_method:
        return getattr(_x() if self is None else self, fn)(*args)
    return fn(*args)


def good_call(fn: Any, is_method: bool) -> tuple | None:
    """The first candidate argument list that ``fn`` accepts (None if none does)."""
    import warnings

    for cand in _candidates():
        args = cand[1:] if is_method else cand
        self = cand[0] if is_method else None
        if is_method and not isinstance(self, tl.Tensor):
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                _call(fn, is_method, args, self)
        except Exception:  # noqa: BLE001 - try the next candidate
            continue
        return (self, args)
    return None


@dataclass
class Outcome:
    name: str
    position: int
    bad: Any
    error: BaseException | None

    @property
    def op(self) -> str:
        return self.name.rsplit(".", 1)[1]

    @property
    def ok(self) -> bool:
        e = self.error
        if e is None or type(e) not in (TypeError, ValueError, IndexError, RuntimeError):
            return False
        names = {self.op, self.op.rstrip("_"), ALIASES.get(self.op, self.op)}
        return any(n in str(e) for n in names)

    def __str__(self) -> str:
        e = self.error
        got = "accepted silently" if e is None else f"{type(e).__name__}: {str(e)[:160]}"
        return f"{self.name} with argument {self.position} = {self.bad!r}: {got}"


def _none_ok(fn: Any, is_method: bool) -> set:
    """Positions whose parameter defaults to None (None is a valid value there)."""
    f = getattr(tl.Tensor, fn) if is_method else fn
    try:
        params = list(inspect.signature(f).parameters.values())[1 if is_method else 0 :]
    except (TypeError, ValueError):
        return set()
    return {i for i, p in enumerate(params) if p.default is None}


def _substitutions(args: tuple, none_ok: set = frozenset()) -> Iterator[tuple[int, Any, tuple]]:
    for i, a in enumerate(args):
        if isinstance(a, tl.Tensor):
            for bad in BAD:
                if bad is None and i in none_ok:
                    continue
                yield i, bad, args[:i] + (bad,) + args[i + 1 :]
        elif isinstance(a, list) and a and all(isinstance(t, tl.Tensor) for t in a):
            for bad in BAD[1:3]:
                yield i, [a[0], bad], args[:i] + ([a[0], bad],) + args[i + 1 :]


def sweep() -> tuple[list, list]:
    """(outcomes, names with no good call found)."""
    import warnings

    outcomes, untested = [], []
    for name, fn, is_method in public_callables():
        good = good_call(fn, is_method)
        if good is None:
            untested.append(name)
            continue
        self, args = good
        offset = 1 if is_method else 0  # position 0 of a method is self
        for i, bad, bad_args in _substitutions(args, _none_ok(fn, is_method)):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    _call(fn, is_method, bad_args, self)
            except BaseException as e:  # noqa: BLE001 - sorted by Outcome.ok
                outcomes.append(Outcome(name, i + offset, bad, e))
            else:
                outcomes.append(Outcome(name, i + offset, bad, None))
    return outcomes, untested


if __name__ == "__main__":
    np.seterr(all="ignore")
    outs, untested = sweep()
    bad = [o for o in outs if not o.ok]
    for o in bad:
        print(o)
    print(f"{len(outs)} bad calls tried, {len(bad)} without a clear error; no good call for:",
          untested)  # fmt: skip
