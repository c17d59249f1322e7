"""The ``Optimizer`` base class: parameter groups, per-parameter state, ``step``, state dicts.

An optimizer holds ``param_groups`` (a list of dicts, each with a ``"params"`` list and every
hyper-parameter, missing ones filled from ``defaults``) and ``state`` (a dict keyed by
parameter). ``step()`` walks the groups and calls the subclass's ``_update`` for every
parameter that has a gradient. Updates are written in place into the parameter's own array
(so every reference to the parameter sees them) and bump its version counter, which makes a
backward that still needs the old value fail loudly instead of silently using new numbers.

The concrete algorithms live in ``sgd.py``, ``adam.py``, ``rmsprop.py`` and ``adagrad.py``.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from ..autograd.function import bump_version
from ..autograd.grad_mode import enable_grad, no_grad
from ..tensor import Tensor

__all__ = ["Optimizer", "required"]


class _Required:
    """Marker for a hyper-parameter that has no default and must be given per group."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _Required()
_SET_MESSAGE = (
    "optimizer parameters need to be organized in ordered collections, but the ordering of "
    "tensors in sets will change between runs. Please use a list instead."
)


class Optimizer:
    """Base class of all optimizers (PyTorch's ``torch.optim.Optimizer``).

    ``params`` is an iterable of Tensors or of dicts (param groups, each with a ``"params"``
    entry and optional per-group hyper-parameters); ``defaults`` fills the rest.
    Subclasses implement ``_update(p, grad, group)``.
    """

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or "
                f"dicts, but got {type(params).__name__}; wrap it: [tensor]"
            )
        if isinstance(params, set):
            raise TypeError(_SET_MESSAGE)
        self.defaults = defaults
        self._opt_called = False  # set by step(); lets a scheduler spot a wrong call order
        self.state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        groups = list(params)
        if len(groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def __repr__(self) -> str:
        lines = [type(self).__name__ + " ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines.extend(f"    {k}: {group[k]}" for k in sorted(group) if k != "params")
        return "\n".join(lines) + "\n)"

    # ------------------------------------------------------------------ groups
    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters (with optional own hyper-parameters) to optimize.

        Raises ``ValueError`` for a parameter already in another group, a non-leaf tensor or
        a missing required hyper-parameter; ``TypeError`` for non-tensors or a set.
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(_SET_MESSAGE)
        params = list(params)
        names = [p[0] for p in params if isinstance(p, tuple)]
        if names:  # model.named_parameters(): (name, tensor) pairs
            if len(names) != len(params):
                raise ValueError(
                    "all optimizer params should be with/without names. Some param names are "
                    "missing"
                )
            params = [p[1] for p in params]
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(
                    "optimizer can only optimize Tensors, but one of the params is "
                    f"{type(p).__module__}.{type(p).__name__}"
                )
            if not p.is_leaf:
                raise ValueError(
                    "can't optimize a non-leaf Tensor (one computed from others); optimize the "
                    "leaf tensors it was computed from, or .detach().requires_grad_() it first"
                )
        group = param_group  # filled in place and kept, as PyTorch does
        group["params"] = params
        if names:
            group["param_names"] = names
        for name, default in self.defaults.items():
            if default is required and name not in group:
                raise ValueError(
                    f"parameter group didn't specify a value of required optimization "
                    f"parameter {name}"
                )
            group.setdefault(name, default)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(group)

    # ------------------------------------------------------------------ stepping
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset every parameter's ``.grad``: to None (default) or to zeros in place."""
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none:
                    p.grad = None
                elif p.grad is not None:
                    if p.grad.grad_fn is not None:
                        p.grad = p.grad.detach()
                    p.grad._array.fill(0)
                    bump_version(p.grad)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a ``.grad``; return ``closure()``'s loss if given.

        The closure (which should zero the grads, compute the loss and call backward) runs
        with gradient recording on; the update itself records nothing.
        """
        self._opt_called = True
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        with no_grad():
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    self._update(p, p.grad._array, group)
                    bump_version(p)
        return loss

    def _update(self, p: Tensor, grad: np.ndarray, group: dict[str, Any]) -> None:
        """Change ``p._array`` in place from its gradient ``grad`` (subclasses implement)."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement _update(p, grad, group) or override step()"
        )

    # ------------------------------------------------------------------ state dicts
    def state_dict(self) -> dict[str, Any]:
        """``{"state": {index: {...}}, "param_groups": [{..., "params": [index, ...]}]}``.

        Parameters are referred to by their position across all groups (as PyTorch), so the
        dict can be loaded into a new optimizer built over the same parameters. The state's
        tensors are the optimizer's own (not copies), as in PyTorch.
        """
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for p in group["params"]:
                index.setdefault(id(p), len(index))
            packed["params"] = [index[id(p)] for p in group["params"]]
            groups.append(packed)
        state = {(index[id(p)] if isinstance(p, Tensor) else p): s for p, s in self.state.items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore hyper-parameters and state saved by ``state_dict`` (copies the tensors).

        Raises ``ValueError`` if the number of groups or of parameters in a group differs.
        """
        if not isinstance(state_dict, dict) or not {"state", "param_groups"} <= set(state_dict):
            raise ValueError(
                "load_state_dict: expected a dict with 'state' and 'param_groups' (the result of "
                "optimizer.state_dict())"
            )
        saved_groups = copy.deepcopy(state_dict["param_groups"])
        groups = self.param_groups
        if len(groups) != len(saved_groups):
            raise ValueError(
                "loaded state dict has a different number of parameter groups "
                f"({len(saved_groups)} saved, {len(groups)} in this optimizer)"
            )
        for i, (g, s) in enumerate(zip(groups, saved_groups)):
            if len(g["params"]) != len(s["params"]):
                raise ValueError(
                    "loaded state dict contains a parameter group that doesn't match the size of "
                    f"optimizer's group: group {i} has {len(s['params'])} saved parameters, "
                    f"{len(g['params'])} here"
                )
        id_map = {
            saved: p
            for g, s in zip(groups, saved_groups)
            for saved, p in zip(s["params"], g["params"])
        }
        state: defaultdict[Any, dict[str, Any]] = defaultdict(dict)
        for key, value in state_dict["state"].items():
            if key in id_map:
                p = id_map[key]
                state[p] = {k: _cast_state(p, k, v) for k, v in value.items()}
            else:
                state[key] = copy.deepcopy(value)
        for g, s in zip(groups, saved_groups):
            s["params"] = g["params"]
        self.state = state
        self.param_groups = saved_groups


_PARAM_SHAPED = {
    "momentum_buffer", "exp_avg", "exp_avg_sq", "max_exp_avg_sq", "square_avg", "grad_avg", "sum",
}  # fmt: skip


def _cast_state(p: Tensor, key: str, value: Any) -> Any:
    """A copy of one saved state value; float tensors take the parameter's dtype (not 'step')."""
    if isinstance(value, Tensor):
        array = value._array
        if key != "step" and p._array.dtype.kind == "f" and array.dtype != p._array.dtype:
            array = array.astype(p._array.dtype)
        elif array is value._array:
            array = array.copy()
        if key in _PARAM_SHAPED and array.shape != p._array.shape:
            raise ValueError(
                f"load_state_dict: state '{key}' has shape {tuple(array.shape)} but its parameter "
                f"has shape {tuple(p.shape)}; was the state dict saved for other parameters?"
            )
        return Tensor._make(array, None, False)
    return copy.deepcopy(value)
