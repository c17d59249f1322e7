"""``Module``: the base class of every layer and model (PyTorch's ``torch.nn.Module``).

A Module keeps three ordered registries, filled by plain attribute assignment:
``_parameters`` (``Parameter`` values), ``_buffers`` (state that is not learned, e.g. running
statistics) and ``_modules`` (sub-modules). Everything else — iteration over parameters,
``state_dict``, ``train``/``eval``, ``repr``, dtype conversion — walks these registries.
Registries are dicts (insertion order), never sets, so the order never changes between runs.

Calling a module runs ``forward`` between two sequence numbers (``_seq_span``), so graph
tools can tell which tape nodes a module's call created. Layers live in other files.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict, namedtuple
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np

from .. import dtypes as _dt
from ..autograd.function import bump_version, next_seq
from ..autograd.grad_mode import no_grad
from ..device import check_device
from ..tensor import Tensor
from .parameter import Parameter

__all__ = ["Module", "RemovableHandle"]

_hook_ids = itertools.count()


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What ``load_state_dict`` returns: the keys it did not find / did not expect."""

    __slots__ = ()

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


class RemovableHandle:
    """Returned by ``register_*_hook``: ``handle.remove()`` unregisters the hook (also usable
    as a context manager: the hook is removed on exit)."""

    def __init__(self, *hook_dicts: dict) -> None:
        self.id = next(_hook_ids)
        self._hook_dicts = hook_dicts

    def remove(self) -> None:
        for hooks in self._hook_dicts:
            hooks.pop(self.id, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


def _addindent(text: str, spaces: int) -> str:
    """Indent every line of ``text`` but the first by ``spaces`` (for nested reprs)."""
    first, *rest = text.split("\n")
    if not rest:
        return text
    pad = " " * spaces
    return "\n".join([first] + [pad + line for line in rest])


def _check_name(module: Module, name: Any, kind: str, registry: dict) -> None:
    """The checks PyTorch makes before registering a parameter, buffer or module."""
    if "_parameters" not in module.__dict__:
        raise AttributeError(f"cannot assign {kind} before Module.__init__() call")
    if not isinstance(name, str):
        raise TypeError(f"{kind} name should be a string. Got {type(name).__name__}")
    if "." in name:
        raise KeyError(f'{kind} name can\'t contain ".", got: {name}')
    if name == "":
        raise KeyError(f'{kind} name can\'t be empty string ""')
    if hasattr(module, name) and name not in registry:
        raise KeyError(f"attribute '{name}' already exists")


class Module:
    """Base class for all layers and models: subclass it, assign layers/Parameters as
    attributes in ``__init__`` (after ``super().__init__()``) and define ``forward``."""

    training: bool
    _seq_span: tuple[int, int] | None

    def __init__(self) -> None:
        d = self.__dict__
        d["training"] = True
        d["_parameters"] = {}
        d["_buffers"] = {}
        d["_non_persistent_buffers"] = {}  # names of buffers left out of state_dict
        d["_modules"] = {}
        d["_forward_pre_hooks"] = {}
        d["_forward_pre_hooks_with_kwargs"] = {}
        d["_forward_hooks"] = {}
        d["_forward_hooks_with_kwargs"] = {}
        d["_forward_hooks_always_called"] = {}
        d["_seq_span"] = None

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The computation of this module; subclasses must override it."""
        raise NotImplementedError(
            f'Module [{type(self).__name__}] is missing the required "forward" function'
        )

    # ------------------------------------------------------------------ calling
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Run pre-hooks, ``forward``, then forward hooks; record ``_seq_span``."""
        start = next_seq()
        if self._forward_pre_hooks:
            args, kwargs = self._run_pre_hooks(args, kwargs)
        try:
            result = self.forward(*args, **kwargs)
        except Exception:
            for hook_id in list(self._forward_hooks_always_called):  # then re-raise
                hook = self._forward_hooks.get(hook_id)
                if hook is not None:
                    if hook_id in self._forward_hooks_with_kwargs:
                        hook(self, args, kwargs, None)
                    else:
                        hook(self, args, None)
            raise
        if self._forward_hooks:
            result = self._run_hooks(args, kwargs, result)
        self.__dict__["_seq_span"] = (start, next_seq())  # (skips __setattr__: hot path)
        return result

    def _run_pre_hooks(self, args: tuple, kwargs: dict) -> tuple[tuple, dict]:
        for hook_id, hook in list(self._forward_pre_hooks.items()):
            if hook_id in self._forward_pre_hooks_with_kwargs:
                out = hook(self, args, kwargs)
                if out is not None:
                    if not (isinstance(out, tuple) and len(out) == 2):
                        raise RuntimeError(
                            "forward pre-hook registered with with_kwargs=True must return None "
                            f"or a tuple (new_args, new_kwargs), but got {out!r}"
                        )
                    args, kwargs = out
            else:
                out = hook(self, args)
                if out is not None:
                    args = out if isinstance(out, tuple) else (out,)
        return args, kwargs

    def _run_hooks(self, args: tuple, kwargs: dict, result: Any) -> Any:
        for hook_id, hook in list(self._forward_hooks.items()):
            if hook_id in self._forward_hooks_with_kwargs:
                out = hook(self, args, kwargs, result)
            else:
                out = hook(self, args, result)
            if out is not None:
                result = out
        return result

    def register_forward_pre_hook(
        self, hook: Callable[..., Any], *, prepend: bool = False, with_kwargs: bool = False
    ) -> RemovableHandle:
        """Call ``hook(module, args)`` before each ``forward``; a non-None result replaces
        ``args`` (with ``with_kwargs=True``: ``hook(module, args, kwargs)`` -> (args, kwargs))."""
        handle = RemovableHandle(self._forward_pre_hooks, self._forward_pre_hooks_with_kwargs)
        _add_hook(self._forward_pre_hooks, handle.id, hook, prepend)
        if with_kwargs:
            self._forward_pre_hooks_with_kwargs[handle.id] = True
        return handle

    def register_forward_hook(
        self,
        hook: Callable[..., Any],
        *,
        prepend: bool = False,
        with_kwargs: bool = False,
        always_call: bool = False,
    ) -> RemovableHandle:
        """Call ``hook(module, args, output)`` after each ``forward``; a non-None result
        replaces the output (with ``with_kwargs=True``: ``hook(module, args, kwargs, output)``).
        With ``always_call=True`` it is also called (output None) when ``forward`` raises."""
        handle = RemovableHandle(
            self._forward_hooks, self._forward_hooks_with_kwargs, self._forward_hooks_always_called
        )
        _add_hook(self._forward_hooks, handle.id, hook, prepend)
        if with_kwargs:
            self._forward_hooks_with_kwargs[handle.id] = True
        if always_call:
            self._forward_hooks_always_called[handle.id] = True
        return handle

    # ------------------------------------------------------------------ registration
    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Add a parameter (or a None placeholder) under ``name``."""
        _check_name(self, name, "parameter", self._parameters)
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"cannot assign '{type(param).__name__}' object to parameter '{name}' "
                "(tinygrad_lite.nn.Parameter or None required)"
            )
        if param is not None and param.grad_fn is not None:
            raise ValueError(
                f"Cannot assign non-leaf Tensor to parameter '{name}'. Model parameters must be "
                "created explicitly; wrap a detached copy: Parameter(t.detach().clone())"
            )
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Add a buffer: module state that is not a parameter (saved in ``state_dict``
        unless ``persistent=False``)."""
        _check_name(self, name, "buffer", self._buffers)
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(
                f"cannot assign '{type(tensor).__name__}' object to buffer '{name}' "
                "(Tensor or None required)"
            )
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers.pop(name, None)
        else:
            self._non_persistent_buffers[name] = True

    def add_module(self, name: str, module: Module | None) -> None:
        """Add a child module under ``name`` (reachable as an attribute)."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        _check_name(self, name, "module", self._modules)
        self._modules[name] = module

    register_module = add_module

    def __setattr__(self, name: str, value: Any) -> None:
        d = self.__dict__
        params = d.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            _forget(self, name, keep="_parameters")
            self.register_parameter(name, value)
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{type(value).__name__}' as parameter '{name}' "
                    "(tinygrad_lite.nn.Parameter or None expected)"
                )
            params[name] = None
        elif isinstance(value, Module):
            if params is None:
                raise AttributeError("cannot assign module before Module.__init__() call")
            _forget(self, name, keep="_modules")
            self._modules[name] = value
        elif params is not None and name in d["_modules"]:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{type(value).__name__}' as child module '{name}' "
                    "(nn.Module or None expected)"
                )
            d["_modules"][name] = None
        elif params is not None and name in d["_buffers"]:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(
                    f"cannot assign '{type(value).__name__}' as buffer '{name}' "
                    "(Tensor or None expected)"
                )
            d["_buffers"][name] = value
        else:
            object.__setattr__(self, name, value)

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails: look in the registries (via __dict__, so
        # that copy/deepcopy of a half-built object cannot recurse).
        d = self.__dict__
        for registry in ("_parameters", "_buffers", "_modules"):
            items = d.get(registry)
            if items is not None and name in items:
                return items[name]
        hint = ""
        if "_parameters" not in d and not name.startswith("__"):
            hint = f" (did {type(self).__name__}.__init__ call super().__init__() first?)"
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'{hint}")

    def __delattr__(self, name: str) -> None:
        for registry in ("_parameters", "_buffers", "_modules"):
            items = self.__dict__.get(registry)
            if items is not None and name in items:
                del items[name]
                self._non_persistent_buffers.pop(name, None)
                return
        object.__delattr__(self, name)

    def __dir__(self) -> list[str]:
        keys = list(super().__dir__())
        keys += list(self._parameters) + list(self._buffers) + list(self._modules)
        return sorted({k: None for k in keys if not k[:1].isdigit()})

    def get_submodule(self, target: str) -> Module:
        """The module at dotted path ``target`` ("" is self), e.g. ``"encoder.0"``."""
        module = self
        if target == "":
            return module
        for item in target.split("."):
            if item not in module._modules or module._modules[item] is None:
                raise AttributeError(f"{module._get_name()} has no attribute `{item}`")
            module = module._modules[item]
        return module

    def get_parameter(self, target: str) -> Parameter:
        """The parameter at dotted path ``target``, e.g. ``"0.weight"``."""
        module_path, _, name = target.rpartition(".")
        module = self.get_submodule(module_path)
        if name not in module._parameters:
            raise AttributeError(f"{module._get_name()} has no parameter `{name}`")
        return module._parameters[name]

    def get_buffer(self, target: str) -> Tensor:
        """The buffer at dotted path ``target``."""
        module_path, _, name = target.rpartition(".")
        module = self.get_submodule(module_path)
        if name not in module._buffers:
            raise AttributeError(f"{module._get_name()} has no buffer `{name}`")
        return module._buffers[name]

    # ------------------------------------------------------------------ iteration
    def named_modules(
        self, memo: dict | None = None, prefix: str = "", remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Module]]:
        """Yield ``(dotted_name, module)`` for self ("") and every sub-module, depth first;
        a module reachable twice is yielded once unless ``remove_duplicate=False``."""
        if memo is None:
            memo = {}
        if remove_duplicate:
            if id(self) in memo:
                return
            memo[id(self)] = self
        yield prefix, self
        for name, module in self._modules.items():
            if module is None:
                continue
            sub_prefix = prefix + ("." if prefix else "") + name
            yield from module.named_modules(memo, sub_prefix, remove_duplicate)

    def modules(self) -> Iterator[Module]:
        """Self and every sub-module (each once)."""
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """Direct sub-modules with their attribute names (each module once)."""
        seen: dict = {}
        for name, module in self._modules.items():
            if module is not None and id(module) not in seen:
                seen[id(module)] = module
                yield name, module

    def children(self) -> Iterator[Module]:
        for _, module in self.named_children():
            yield module

    def _named_members(
        self, registry: str, prefix: str, recurse: bool, remove_duplicate: bool
    ) -> Iterator[tuple[str, Any]]:
        modules = (
            self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate)
            if recurse
            else [(prefix, self)]
        )
        seen: dict = {}
        for module_prefix, module in modules:
            for name, value in module.__dict__[registry].items():
                if value is None or id(value) in seen:
                    continue
                if remove_duplicate:
                    seen[id(value)] = value
                yield module_prefix + ("." if module_prefix else "") + name, value

    def named_parameters(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        """Yield ``(dotted_name, parameter)``, e.g. ``("0.weight", ...)``; a shared parameter
        appears once (under its first name)."""
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Every parameter of this module (and of its sub-modules if ``recurse``), each once,
        in registration order: what you hand to an optimizer."""
        seen: dict = {}
        for module in self._walk() if recurse else (self,):
            for param in module._parameters.values():
                if param is not None and id(param) not in seen:
                    seen[id(param)] = param
                    yield param

    def _walk(self) -> list[Module]:
        """Self and all sub-modules, each once, in the order of ``modules()`` (no names built)."""
        out: list[Module] = []
        seen: dict = {}
        stack = [self]
        while stack:
            module = stack.pop()
            if id(module) in seen:
                continue
            seen[id(module)] = module
            out.append(module)
            stack.extend(m for m in reversed(module._modules.values()) if m is not None)
        return out

    def named_buffers(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Tensor]]:
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, buf in self.named_buffers(recurse=recurse):
            yield buf

    # ------------------------------------------------------------------ modes and grads
    def train(self, mode: bool = True) -> Module:
        """Set training mode (Dropout active) on this module and all sub-modules; returns self."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        self.training = mode
        for module in self.children():
            module.train(mode)
        return self

    def eval(self) -> Module:
        """Evaluation mode (``train(False)``): Dropout passes its input through."""
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Turn gradient recording on/off for every parameter (e.g. to freeze a layer)."""
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all parameters: to None (default) or to zeros."""
        for param in self.parameters():
            if param.grad is None:
                continue
            if set_to_none:
                param.grad = None
                continue
            grad = param.grad
            if grad.grad_fn is not None:  # a gradient built with create_graph=True
                grad = param.grad = grad.detach()
            grad._requires_grad = False
            if grad._array.flags.writeable:
                grad._array[...] = 0
            else:
                grad._array = np.zeros_like(grad._array)
            bump_version(grad)

    def apply(self, fn: Callable[[Module], Any]) -> Module:
        """Call ``fn`` on every sub-module (children first) and then on self; returns self."""
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    # ------------------------------------------------------------------ dtype / device
    def _convert(self, fn: Callable[[np.ndarray], np.ndarray]) -> Module:
        """Apply ``fn`` to the array of every parameter, gradient and buffer (in place for
        parameters, so optimizers holding them keep working)."""
        for module in self.modules():
            for param in module._parameters.values():
                if param is None:
                    continue
                param._array = fn(param._array)
                if param.grad is not None:
                    param.grad._array = fn(param.grad._array)
            for name, buf in module._buffers.items():
                new = None if buf is None else fn(buf._array)
                if new is not None and new is not buf._array:
                    module._buffers[name] = Tensor._make(new, None, buf._requires_grad)
        return self

    def to(self, *args: Any, **kwargs: Any) -> Module:
        """``to(dtype)``, ``to(device)``, ``to(device, dtype)`` or ``to(tensor)``: convert
        floating point parameters and buffers in place; returns self."""
        dtype = kwargs.pop("dtype", None)
        device = kwargs.pop("device", None)
        kwargs.pop("non_blocking", None)
        kwargs.pop("memory_format", None)
        if kwargs:
            raise TypeError(f"Module.to() got unexpected keyword arguments {sorted(kwargs)}")
        for arg in args:
            if isinstance(arg, Tensor):
                dtype = arg.dtype
            elif isinstance(arg, (_dt.DType, np.dtype, type)):
                dtype = arg
            else:
                device = arg
        if device is not None:
            check_device(device, "Module.to")
        if dtype is None:
            return self
        target = np.dtype(_dt.to_numpy_dtype(dtype))
        if target.kind != "f":
            raise TypeError(
                "nn.Module.to only accepts floating point dtypes, but got desired "
                f"dtype={_dt.from_numpy_dtype(target)}"
            )
        return self._convert(lambda a: a.astype(target, copy=False) if a.dtype.kind == "f" else a)

    def float(self) -> Module:
        """Convert floating point parameters and buffers to float32."""
        return self.to(_dt.float32)

    def double(self) -> Module:
        """Convert floating point parameters and buffers to float64."""
        return self.to(_dt.float64)

    def half(self) -> Module:
        return self.to(_dt.float16)

    def cpu(self) -> Module:
        return self

    def cuda(self, device: Any = None) -> Module:
        check_device("cuda", "Module.cuda")
        return self

    # ------------------------------------------------------------------ state dict
    def state_dict(
        self, *, destination: dict | None = None, prefix: str = "", keep_vars: bool = False
    ) -> dict[str, Tensor]:
        """An ordered dict ``{dotted_name: tensor}`` of all parameters and persistent buffers
        (detached, sharing memory with the module unless ``keep_vars=True``)."""
        if destination is None:
            destination = OrderedDict()
        for name, param in self._parameters.items():
            if param is not None:
                destination[prefix + name] = param if keep_vars else param.detach()
        for name, buf in self._buffers.items():
            if buf is not None and name not in self._non_persistent_buffers:
                destination[prefix + name] = buf if keep_vars else buf.detach()
        for name, module in self._modules.items():
            if module is not None:
                module.state_dict(
                    destination=destination, prefix=prefix + name + ".", keep_vars=keep_vars
                )
        return destination

    def load_state_dict(
        self, state_dict: Mapping[str, Any], strict: bool = True, assign: bool = False
    ) -> _IncompatibleKeys:
        """Copy values from ``state_dict`` into this module's parameters and buffers.

        Everything is checked before anything is copied, so a failed load changes nothing.
        Raises RuntimeError listing missing/unexpected keys (if ``strict``) and any shape
        mismatch by name. Returns ``(missing_keys, unexpected_keys)``.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(
                f"Expected state_dict to be dict-like, got {type(state_dict).__name__}."
            )
        slots = self._state_slots()
        missing = [key for key in slots if key not in state_dict]
        unexpected = [key for key in state_dict if key not in slots]
        errors = []
        values = {}
        for key, (module, kind, name) in slots.items():
            if key not in state_dict:
                continue
            value = state_dict[key]
            if isinstance(value, np.ndarray):
                value = Tensor._make(value, None, False)
            if not isinstance(value, Tensor):
                errors.append(
                    f'While copying the parameter named "{key}", expected a Tensor or NumPy '
                    f"array from the checkpoint but received {type(value).__name__}"
                )
                continue
            current = getattr(module, "_" + kind)[name]
            lazy = getattr(current, "is_uninitialized", False)  # issue 20: takes any shape
            if not lazy and value.shape != current.shape:
                errors.append(
                    f"size mismatch for {key}: copying a param with shape {tuple(value.shape)} "
                    f"from checkpoint, the shape in current model is {tuple(current.shape)}."
                )
                continue
            values[key] = value
        if strict:
            if unexpected:
                keys = ", ".join(f'"{k}"' for k in unexpected)
                errors.insert(0, f"Unexpected key(s) in state_dict: {keys}. ")
            if missing:
                keys = ", ".join(f'"{k}"' for k in missing)
                errors.insert(0, f"Missing key(s) in state_dict: {keys}. ")
        if errors:
            raise RuntimeError(
                f"Error(s) in loading state_dict for {self._get_name()}:\n\t" + "\n\t".join(errors)
            )
        with no_grad():
            for key, value in values.items():
                module, kind, name = slots[key]
                _load_value(module, kind, name, value, assign)
        return _IncompatibleKeys(missing, unexpected)

    def _state_slots(self) -> dict[str, tuple[Module, str, str]]:
        """``{dotted_name: (owning module, "parameters" | "buffers", name)}`` for every entry
        ``state_dict`` would produce."""
        slots: dict[str, tuple[Module, str, str]] = {}

        def walk(module: Module, prefix: str) -> None:
            for name, param in module._parameters.items():
                if param is not None:
                    slots[prefix + name] = (module, "parameters", name)
            for name, buf in module._buffers.items():
                if buf is not None and name not in module._non_persistent_buffers:
                    slots[prefix + name] = (module, "buffers", name)
            for name, child in module._modules.items():
                if child is not None:
                    walk(child, prefix + name + ".")

        walk(self, "")
        return slots

    # ------------------------------------------------------------------ printing
    def _get_name(self) -> str:
        return type(self).__name__

    def extra_repr(self) -> str:
        """The text inside this module's parentheses in ``repr`` (override in layers)."""
        return ""

    def __repr__(self) -> str:
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [
            f"({name}): " + _addindent(repr(module), 2) for name, module in self._modules.items()
        ]
        lines = extra_lines + child_lines
        text = self._get_name() + "("
        if len(extra_lines) == 1 and not child_lines:
            text += extra_lines[0]
        elif lines:
            text += "\n  " + "\n  ".join(lines) + "\n"
        return text + ")"


def _add_hook(hooks: dict, hook_id: int, hook: Callable[..., Any], prepend: bool) -> None:
    hooks[hook_id] = hook
    if prepend:
        for key in [k for k in hooks if k != hook_id]:
            hooks[key] = hooks.pop(key)  # move the others behind the new hook


def _forget(module: Module, name: str, keep: str) -> None:
    """Remove ``name`` from the instance dict and every registry but ``keep``."""
    d = module.__dict__
    d.pop(name, None)
    for registry in ("_parameters", "_buffers", "_modules"):
        if registry != keep:
            d[registry].pop(name, None)
    d["_non_persistent_buffers"].pop(name, None)


def _load_value(module: Module, kind: str, name: str, value: Tensor, assign: bool) -> None:
    """Copy ``value`` into the module's parameter/buffer ``name`` (already validated)."""
    registry = getattr(module, "_" + kind)
    current = registry[name]
    if getattr(current, "is_uninitialized", False):  # issue 20: a lazy module's placeholder
        current.materialize(value._array.shape)
    if assign:
        if kind == "parameters":
            registry[name] = Parameter(value.detach(), requires_grad=current.requires_grad)
        else:
            registry[name] = value.detach()
        return
    np.copyto(current._array, value._array, casting="unsafe")
    bump_version(current)
