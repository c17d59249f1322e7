"""The Tensor: a NumPy array plus what autograd needs (``requires_grad``, ``grad``, ``grad_fn``).

Every method is a visible ``def``. Arithmetic goes straight to a primitive's ``apply``
(the hot path); everything else calls a function in ``ops`` (composites) that is also
exported as ``tinygrad_lite.<name>``. In-place methods (``add_``, ``-=``, ...) are at the
end, with the rules that keep gradients correct.
"""

from __future__ import annotations

import builtins
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from . import _argcheck, ops, ops_linalg, ops_math, ops_shape, ops_sorting
from . import autograd as _autograd
from . import dtypes as _dt
from ._format import tensor_repr
from ._keywords import numpy_keywords
from .autograd import function as _function
from .device import check_device
from .device import device as _device
from .legacy import Size, dtype_of_type, type_name
from .primitives import (
    Abs,
    Add,
    Amax,
    Amin,
    Cast,
    Clone,
    CopyFrom,
    Cos,
    Div,
    Exp,
    Expm1,
    GetItem,
    Log,
    Log1p,
    Maximum,
    Minimum,
    Mul,
    Neg,
    Permute,
    Pow,
    Prod,
    Reciprocal,
    Relu,
    Rsqrt,
    Sigmoid,
    Sign,
    Sin,
    Sqrt,
    Sub,
    Sum,
    Tan,
    Tanh,
)  # fmt: skip

__all__ = ["Tensor"]


def _applies(prim: Any) -> Callable:
    """Mark a method that only calls ``prim.apply`` (autograd.fast rebinds it to that apply)."""

    def mark(method: Callable) -> Callable:
        method.primitive = prim  # type: ignore[attr-defined]
        return method

    return mark


_new = object.__new__
_CPU = _device("cpu")


class Tensor:
    """An n-dimensional array that can record the operations applied to it.

    ``Tensor(data)`` copies ``data`` into a new float tensor (PyTorch's legacy constructor);
    prefer ``tinygrad_lite.tensor(data, dtype=..., requires_grad=...)``.
    """

    __slots__ = (
        "_array",
        "_requires_grad",
        "_grad",  # read and set through the property ``grad`` (checked)
        "grad_fn",
        "_version_counter",
        "_hooks",
        "_base",  # set only on views, read with getattr(t, "_base", None): see views.py
        "__weakref__",
    )
    __array_priority__ = 1000

    def __init__(self, *data: Any, requires_grad: bool = False) -> None:
        dtype = _dt.get_default_dtype().numpy
        if data and all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in data):
            array = np.zeros(data, dtype=dtype)  # Tensor(2, 3): the size form (zeros)
        elif len(data) > 1:
            raise TypeError(
                f"Tensor(): pass sizes as integers (Tensor(2, 3)) or one sequence of data "
                f"(Tensor([1, 2])), got {data!r}"
            )
        else:
            array = np.array(data[0] if data else (), dtype=dtype)
        self._init_leaf(array, None, requires_grad)

    def _init_leaf(self, array: np.ndarray, version: Any, requires_grad: bool) -> None:
        """Fill a new leaf's slots (for ``__init__`` of Tensor and its subclasses)."""
        self._array = array
        self._requires_grad = False
        self._grad = None
        self.grad_fn = None
        self._version_counter = version  # (None until needed: see function.version_counter)
        self._hooks = None
        if requires_grad:
            self.requires_grad_(True)

    @staticmethod
    def _make(array: np.ndarray, grad_fn: Any, requires_grad: bool, version: Any = None) -> Tensor:
        """Wrap ``array`` without copying (internal fast constructor)."""
        t = _new(Tensor)
        t._array, t.grad_fn, t._version_counter = array, grad_fn, version
        t._requires_grad, t._grad, t._hooks = requires_grad, None, None
        return t

    # ------------------------------------------------------------------ attributes
    @property
    def _version(self) -> int:
        """How many times this tensor (or a view sharing its memory) was changed in place."""
        counter = self._version_counter
        return 0 if counter is None else counter.writes

    @property
    def requires_grad(self) -> bool:
        """Whether operations on this tensor are recorded for backward."""
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        self.requires_grad_(value)

    # issue 19: ``x.grad = g`` is checked as in PyTorch (type, shape, dtype)
    @property
    def grad(self) -> Tensor | None:
        """The gradient ``backward`` accumulated into this tensor (None until then)."""
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None:
            _check_grad(self, value)
        self._grad = value

    @property
    def is_leaf(self) -> bool:
        """True for tensors not produced by a recorded op (their ``.grad`` gets filled)."""
        return self.grad_fn is None

    @property
    def data(self) -> Tensor:
        """A Tensor sharing this one's array, detached from the graph; in-place changes to it
        are not tracked (PyTorch's ``.data``)."""
        return Tensor._make(self._array.view(), None, False)  # (see detach)

    @data.setter
    def data(self, value: Any) -> None:
        if not isinstance(value, (Tensor, np.ndarray)):
            raise TypeError(f"Variable data has to be a tensor, but got {type(value).__name__}")
        array = value._array if isinstance(value, Tensor) else np.asarray(value)
        self._array = array

    @property
    def shape(self) -> Size:
        return Size(self._array.shape)

    @property
    def ndim(self) -> int:
        return self._array.ndim

    @property
    def dtype(self) -> _dt.DType:
        return _dt.from_numpy_dtype(self._array.dtype)

    @property
    def device(self) -> Any:
        return _CPU

    @property
    def is_cuda(self) -> bool:
        return False

    @property
    def T(self) -> Tensor:
        """All dimensions reversed (the transpose of a matrix)."""
        return Permute.apply(self, tuple(range(self.ndim - 1, -1, -1)))

    @property
    def mT(self) -> Tensor:
        """The last two dimensions swapped (a batch of matrices transposed)."""
        if self.ndim < 2:
            raise RuntimeError(
                f"tensor.mT is only supported on matrices or batches of matrices, got a "
                f"{self.ndim}-D tensor; use .T or reshape first"
            )
        return ops.transpose(self, -2, -1)

    @property
    def itemsize(self) -> int:
        return self._array.itemsize

    def size(self, dim: int | None = None) -> Any:
        """The shape as a tuple, or the length of dimension ``dim``."""
        return Size(self._array.shape) if dim is None else self._array.shape[dim]

    def dim(self) -> int:
        return self._array.ndim

    def numel(self) -> int:
        return self._array.size

    def element_size(self) -> int:
        return self._array.itemsize

    def is_floating_point(self) -> bool:
        return self._array.dtype.kind == "f"

    # ------------------------------------------------------------------ conversion
    def numpy(self, *, force: bool = False) -> np.ndarray:
        """The underlying array itself (no copy), also when this tensor requires grad."""
        return self._array

    def item(self) -> Any:
        """The value of a one-element tensor as a Python number."""
        if self._array.size != 1:
            raise RuntimeError(
                f"item(): a Tensor with {self._array.size} elements cannot be converted to a "
                "Python scalar; index it first or use .tolist()"
            )
        return self._array.item()

    def tolist(self) -> Any:
        return self._array.tolist()

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self._array if dtype is None else self._array.astype(dtype)

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        """NumPy ufuncs on Tensors (``np.exp(t)``, ``ndarray + t``) run our ops and return Tensors."""
        fn = _UFUNCS.get(ufunc)
        if method != "__call__" or kwargs or fn is None:
            return NotImplemented
        return fn.apply(*inputs) if isinstance(fn, type) else fn(*inputs)

    def __float__(self) -> float:
        return builtins.float(self.item())

    def __int__(self) -> int:
        return builtins.int(self.item())

    def __index__(self) -> int:
        if self._array.dtype.kind not in "iub":
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return builtins.int(self.item())

    def __bool__(self) -> bool:
        if self._array.size != 1:
            raise RuntimeError(
                f"Boolean value of Tensor with {self._array.size} elements is ambiguous; "
                "use .any() or .all()"
            )
        return builtins.bool(self._array.item())

    def __len__(self) -> int:
        if self._array.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._array.shape[0]

    def __iter__(self) -> Iterator[Tensor]:
        if self._array.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(ops.unbind(self, 0))  # (views, refused in-place while recorded: PyTorch)

    # Identity hash (as PyTorch), done in C: the engine's dict lookups on leaves stay cheap.
    __hash__ = object.__hash__

    def __repr__(self) -> str:
        extras = []
        if self.grad_fn is not None:
            extras.append(f"grad_fn=<{self.grad_fn.name()}>")
        elif self._requires_grad:
            extras.append("requires_grad=True")
        return tensor_repr(self._array, repr(self.dtype), _dt.get_default_dtype().numpy, extras)

    def __format__(self, spec: str) -> str:
        if self._array.ndim == 0 and spec:
            return format(self._array.item(), spec)
        return repr(self) if not spec else format(repr(self), spec)

    # dtype and device conversion --------------------------------------------------------
    def to(self, *args: Any, **kwargs: Any) -> Tensor:
        """``to(dtype)``, ``to("cpu")``, ``to(device, dtype)`` or ``to(other_tensor)``."""
        dtype = kwargs.pop("dtype", None)
        dev = kwargs.pop("device", None)
        kwargs.pop("non_blocking", None)
        kwargs.pop("copy", None)
        if kwargs:
            raise TypeError(f"to() got unexpected keyword arguments {sorted(kwargs)}")
        for a in args:
            if isinstance(a, Tensor):
                dtype = a.dtype
            elif isinstance(a, (_dt.DType, np.dtype, type)):
                dtype = a
            else:
                dev = a
        if dev is not None:
            check_device(dev, "to")
        if dtype is None:
            return self
        np_dtype = _dt.to_numpy_dtype(dtype)
        if np_dtype == self._array.dtype:
            return self
        if np_dtype.kind not in "fc":  # integers and bools carry no gradient (as in PyTorch)
            return Tensor._make(self._array.astype(np_dtype), None, False)
        return Cast.apply(self, np_dtype)

    def type(self, dtype: Any = None) -> Any:
        """The type string (``'torch.FloatTensor'``), or this tensor converted to ``dtype`` (a
        dtype, a typed class such as ``LongTensor`` or its name ``'torch.LongTensor'``)."""
        if dtype is None:
            return type_name(self._array.dtype)
        named = dtype_of_type(dtype)
        return self.to(dtype if named is None else _dt.from_numpy_dtype(named))

    def type_as(self, other: Tensor) -> Tensor:
        return self.to(other.dtype)

    def float(self) -> Tensor:
        return self.to(_dt.float32)

    def double(self) -> Tensor:
        return self.to(_dt.float64)

    def half(self) -> Tensor:
        return self.to(_dt.float16)

    def long(self) -> Tensor:
        return self.to(_dt.int64)

    def int(self) -> Tensor:
        return self.to(_dt.int32)

    def bool(self) -> Tensor:
        return self.to(_dt.bool_)

    def cpu(self) -> Tensor:
        return self

    def cuda(self, *args: Any, **kwargs: Any) -> Tensor:
        check_device("cuda", "cuda")
        return self

    # new tensors with this one's dtype (PyTorch's new_* methods) ------------------------
    def new_tensor(self, data: Any, *, dtype: Any = None, requires_grad: bool = False) -> Tensor:
        from .factories import tensor

        return tensor(data, dtype=dtype or self.dtype, requires_grad=requires_grad)

    def new_zeros(self, *size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
        from .factories import zeros

        return zeros(*size, dtype=dtype or self.dtype, requires_grad=requires_grad)

    def new_ones(self, *size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
        from .factories import ones

        return ones(*size, dtype=dtype or self.dtype, requires_grad=requires_grad)

    def new_empty(self, *size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
        return self.new_zeros(*size, dtype=dtype, requires_grad=requires_grad)

    def new_full(self, size: Sequence[int], fill_value: Any, *, dtype: Any = None,
                 requires_grad: bool = False) -> Tensor:  # fmt: skip
        from .factories import full

        return full(size, fill_value, dtype=dtype or self.dtype, requires_grad=requires_grad)

    def clone(self) -> Tensor:
        """A copy with its own array; gradients flow back to this tensor."""
        return Clone.apply(self)

    def contiguous(self) -> Tensor:
        return self

    def detach(self) -> Tensor:
        """The same values (shared memory and version counter), cut from the graph: a
        constant, also to higher-order gradients. Its array is a new view of the memory, so
        that the values an op saves are never mistaken for this tensor's (they are matched
        to inputs by the array object)."""
        return Tensor._make(self._array.view(), None, False, _function.version_counter(self))

    def detach_(self) -> Tensor:
        _function.version_counter(self)  # (the node that made it keeps seeing its writes)
        self.grad_fn = None
        self._requires_grad = False
        return self

    # ------------------------------------------------------------------ autograd
    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Start (or stop) recording operations on this leaf tensor; floats only."""
        if requires_grad and self._array.dtype.kind != "f":
            raise RuntimeError(
                f"only Tensors of floating point dtype can require gradients, got {self.dtype}; "
                "convert first, e.g. t.float().requires_grad_()"
            )
        if not requires_grad and self.grad_fn is not None:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables; use .detach() to get "
                "a tensor that does not require grad"
            )
        self._requires_grad = builtins.bool(requires_grad)
        return self

    def retain_grad(self) -> None:
        """Keep ``.grad`` for this non-leaf tensor too after backward (no-op on leaves)."""
        if self.grad_fn is None:
            if not self._requires_grad:
                raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
            return
        if self.retains_grad:  # a second call changes nothing (one hook, one .grad)
            return
        import weakref

        ref = weakref.ref(self)

        def store(grad: Tensor) -> None:
            t = ref()
            if t is not None:
                t._grad = grad.detach() if t._grad is None else t._grad + grad.detach()

        self.grad_fn.register_hook(store)

    @property
    def retains_grad(self) -> bool:
        return self.grad_fn is not None and builtins.any(
            getattr(h, "__name__", "") == "store" for h in (self.grad_fn.hooks or ())
        )

    def register_hook(self, hook: Callable[[Tensor], Tensor | None]) -> Callable[[], None]:
        """Call ``hook(grad)`` when this tensor's gradient is computed; a returned Tensor
        replaces the gradient. Returns a function that removes the hook."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        hooks = self.grad_fn.hooks if self.grad_fn is not None else self._hooks
        if hooks is None:
            hooks = []
            if self.grad_fn is not None:
                self.grad_fn.hooks = hooks
            else:
                self._hooks = hooks
        hooks.append(hook)

        def remove() -> None:
            if hook in hooks:
                hooks.remove(hook)

        remove.remove = remove  # type: ignore[attr-defined]  # PyTorch handles have .remove()
        return remove

    def backward(
        self,
        gradient: Any = None,
        retain_graph: bool | None = None,
        create_graph: bool = False,
        inputs: Sequence[Tensor] | None = None,
    ) -> None:
        """Add d(self)/d(leaf) into every leaf's ``.grad`` (see ``autograd.backward``)."""
        if gradient is not None and not isinstance(gradient, Tensor):
            raise TypeError(
                f"backward: gradient must be a Tensor or None, got {type(gradient).__name__}; "
                "wrap it, e.g. gradient=tinygrad_lite.tensor(...)"
            )

        _autograd.backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    # ------------------------------------------------------------------ operators
    # ``@_applies(Prim)`` marks a method that only calls ``Prim.apply``: the fast engine
    # (autograd.fast) makes it that primitive's apply itself, one Python call per op.
    @_applies(Add)
    def __add__(self, other: Any) -> Tensor:
        return Add.apply(self, other)

    @_applies(Add)
    def __radd__(self, other: Any) -> Tensor:
        return Add.apply(self, other)  # 2 + x is x + 2, as in PyTorch

    @_applies(Sub)
    def __sub__(self, other: Any) -> Tensor:
        return Sub.apply(self, other)

    def __rsub__(self, other: Any) -> Tensor:
        return Sub.apply(other, self)

    @_applies(Mul)
    def __mul__(self, other: Any) -> Tensor:
        return Mul.apply(self, other)

    @_applies(Mul)
    def __rmul__(self, other: Any) -> Tensor:
        return Mul.apply(self, other)  # 2 * x is x * 2, as in PyTorch

    def __truediv__(self, other: Any) -> Tensor:
        return ops.div(self, other)

    def __rtruediv__(self, other: Any) -> Tensor:
        return ops.div(other, self)

    @_applies(Pow)
    def __pow__(self, exponent: Any) -> Tensor:
        return Pow.apply(self, exponent)

    def __rpow__(self, base: Any) -> Tensor:
        return Pow.apply(base, self)

    def __matmul__(self, other: Any) -> Tensor:
        return ops.matmul(self, other)

    def __rmatmul__(self, other: Any) -> Tensor:
        return ops.matmul(other, self)

    @_applies(Neg)
    def __neg__(self) -> Tensor:
        return Neg.apply(self)

    def __pos__(self) -> Tensor:
        return self

    @_applies(Abs)
    def __abs__(self) -> Tensor:
        return Abs.apply(self)

    def __floordiv__(self, other: Any) -> Tensor:
        return ops.floor_divide(self, other)

    def __rfloordiv__(self, other: Any) -> Tensor:
        return ops.floor_divide(other, self)

    def __mod__(self, other: Any) -> Tensor:
        return ops.remainder(self, other)

    def __rmod__(self, other: Any) -> Tensor:
        return ops.remainder(other, self)

    def __eq__(self, other: Any) -> Tensor:  # type: ignore[override]
        if not isinstance(other, _OPERANDS):  # (x == None is False, as in PyTorch)
            return NotImplemented
        return ops.eq(self, other)

    def __ne__(self, other: Any) -> Tensor:  # type: ignore[override]
        if not isinstance(other, _OPERANDS):
            return NotImplemented
        return ops.ne(self, other)

    def __lt__(self, other: Any) -> Tensor:
        return ops.lt(self, other)

    def __le__(self, other: Any) -> Tensor:
        return ops.le(self, other)

    def __gt__(self, other: Any) -> Tensor:
        return ops.gt(self, other)

    def __ge__(self, other: Any) -> Tensor:
        return ops.ge(self, other)

    def __and__(self, other: Any) -> Tensor:
        return ops.logical_op(np.bitwise_and, self, other)

    def __rand__(self, other: Any) -> Tensor:
        return ops.logical_op(np.bitwise_and, other, self)

    def __or__(self, other: Any) -> Tensor:
        return ops.logical_op(np.bitwise_or, self, other)

    def __ror__(self, other: Any) -> Tensor:
        return ops.logical_op(np.bitwise_or, other, self)

    def __xor__(self, other: Any) -> Tensor:
        return ops.logical_op(np.bitwise_xor, self, other)

    def __invert__(self) -> Tensor:
        return ops.invert(self)

    def __getitem__(self, index: Any) -> Tensor:
        return GetItem.apply(self, ops.normalize_index(index, self._array.shape))

    def __setitem__(self, index: Any, value: Any) -> None:
        ops.setitem_(self, index, value)

    # ------------------------------------------------------------------ math (methods)
    def add(self, other: Any, *, alpha: Any = 1) -> Tensor:
        return ops.add(self, other, alpha=alpha)

    def sub(self, other: Any, *, alpha: Any = 1) -> Tensor:
        return ops.sub(self, other, alpha=alpha)

    def mul(self, other: Any) -> Tensor:
        return Mul.apply(self, other)

    def div(self, other: Any, *, rounding_mode: str | None = None) -> Tensor:
        return ops.div(self, other, rounding_mode=rounding_mode)

    def pow(self, exponent: Any) -> Tensor:
        return Pow.apply(self, exponent)

    def matmul(self, other: Tensor) -> Tensor:
        return ops.matmul(self, other)

    def mm(self, other: Tensor) -> Tensor:
        return ops.mm(self, other)

    def bmm(self, other: Tensor) -> Tensor:
        return ops.bmm(self, other)

    def dot(self, other: Tensor) -> Tensor:
        return ops.dot(self, other)

    def outer(self, other: Tensor) -> Tensor:
        return ops.outer(self, other)

    def diag(self) -> Tensor:
        return ops.diag(self)

    def trace(self) -> Tensor:
        """Sum of the main diagonal of a 2-D tensor."""
        return ops.trace(self)

    # issue 21: triangular parts
    def tril(self, diagonal: int = 0) -> Tensor:
        return ops.tril(self, diagonal)

    def triu(self, diagonal: int = 0) -> Tensor:
        return ops.triu(self, diagonal)

    @_applies(Neg)
    def neg(self) -> Tensor:
        return Neg.apply(self)

    @_applies(Abs)
    def abs(self) -> Tensor:
        return Abs.apply(self)

    @_applies(Exp)
    def exp(self) -> Tensor:
        return Exp.apply(self)

    @_applies(Log)
    def log(self) -> Tensor:
        return Log.apply(self)

    @_applies(Log1p)
    def log1p(self) -> Tensor:
        return Log1p.apply(self)

    @_applies(Expm1)
    def expm1(self) -> Tensor:
        return Expm1.apply(self)

    @_applies(Sqrt)
    def sqrt(self) -> Tensor:
        return Sqrt.apply(self)

    @_applies(Rsqrt)
    def rsqrt(self) -> Tensor:
        return Rsqrt.apply(self)

    @_applies(Sin)
    def sin(self) -> Tensor:
        return Sin.apply(self)

    @_applies(Cos)
    def cos(self) -> Tensor:
        return Cos.apply(self)

    @_applies(Tan)
    def tan(self) -> Tensor:
        return Tan.apply(self)

    @_applies(Tanh)
    def tanh(self) -> Tensor:
        return Tanh.apply(self)

    @_applies(Sigmoid)
    def sigmoid(self) -> Tensor:
        return Sigmoid.apply(self)

    @_applies(Relu)
    def relu(self) -> Tensor:
        return Relu.apply(self)

    def erf(self) -> Tensor:
        return ops.erf(self)

    @_applies(Sign)
    def sign(self) -> Tensor:
        return Sign.apply(self)

    def square(self) -> Tensor:
        return Mul.apply(self, self)

    @_applies(Reciprocal)
    def reciprocal(self) -> Tensor:
        return Reciprocal.apply(self)

    def clamp(self, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
        return ops.clamp(self, min, max)

    clip = clamp

    def maximum(self, other: Tensor) -> Tensor:
        return Maximum.apply(self, ops.tensor_arg(other, "maximum", "other"))

    def minimum(self, other: Tensor) -> Tensor:
        return Minimum.apply(self, ops.tensor_arg(other, "minimum", "other"))

    def where(self, condition: Any, other: Any) -> Tensor:
        return ops.where(condition, self, other)

    def masked_fill(self, mask: Any, value: Any) -> Tensor:
        return ops.masked_fill(self, mask, value)

    def lerp(self, end: Any, weight: Any) -> Tensor:
        return self + weight * (end - self)

    def floor(self) -> Tensor:
        return ops.floor(self)

    def ceil(self) -> Tensor:
        return ops.ceil(self)

    def round(self) -> Tensor:
        return ops.round(self)

    # ------------------------------------------------------------------ reductions
    def sum(self, dim: Any = None, keepdim: bool = False, *, dtype: Any = None, axis: Any = None,
            keepdims: Any = None) -> Tensor:  # fmt: skip
        """Sum over ``dim`` (int, tuple or None = all); ``axis``/``keepdims`` are NumPy aliases."""
        dim = ops.norm_dims(self.ndim, axis if dim is None else dim, "sum")
        t = self if dtype is None else self.to(dtype)
        return Sum.apply(t, dim, keepdim if keepdims is None else keepdims)

    mean = ops.mean  # (x.mean() is ops.mean(x): one call)

    @numpy_keywords
    def prod(self, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
        t = self if dtype is None else self.to(dtype)
        return Prod.apply(t, ops.norm_dims(self.ndim, dim, "prod"), keepdim)

    @numpy_keywords
    def amax(self, dim: Any = (), keepdim: bool = False) -> Tensor:
        dims = ops.norm_dims(self.ndim, None if dim == () else dim, "amax")
        return Amax.apply(self, dims, keepdim)

    @numpy_keywords
    def amin(self, dim: Any = (), keepdim: bool = False) -> Tensor:
        dims = ops.norm_dims(self.ndim, None if dim == () else dim, "amin")
        return Amin.apply(self, dims, keepdim)

    @numpy_keywords
    def max(self, dim: Any = None, keepdim: bool = False) -> Any:
        """Largest element; with ``dim`` a ``(values, indices)`` pair; with a Tensor, maximum."""
        return ops.max(self, dim, keepdim)

    @numpy_keywords
    def min(self, dim: Any = None, keepdim: bool = False) -> Any:
        return ops.min(self, dim, keepdim)

    @numpy_keywords
    def argmax(self, dim: int | None = None, keepdim: bool = False) -> Tensor:
        return ops.argmax(self, dim, keepdim)

    @numpy_keywords
    def argmin(self, dim: int | None = None, keepdim: bool = False) -> Tensor:
        return ops.argmin(self, dim, keepdim)

    @numpy_keywords
    def var(self, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
            correction: Any = None) -> Tensor:  # fmt: skip
        return ops.var(self, dim, unbiased, keepdim, correction=correction)

    @numpy_keywords
    def std(self, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
            correction: Any = None) -> Tensor:  # fmt: skip
        return ops.std(self, dim, unbiased, keepdim, correction=correction)

    @numpy_keywords
    def norm(self, p: Any = "fro", dim: Any = None, keepdim: bool = False) -> Tensor:
        return ops.norm(self, p, dim, keepdim)

    @numpy_keywords
    def logsumexp(self, dim: Any, keepdim: bool = False) -> Tensor:
        return ops.logsumexp(self, dim, keepdim)

    def softmax(self, dim: int) -> Tensor:
        return ops.softmax(self, dim)

    def log_softmax(self, dim: int) -> Tensor:
        return ops.log_softmax(self, dim)

    @numpy_keywords
    def cumsum(self, dim: int, *, dtype: Any = None) -> Tensor:
        return ops.cumsum(self, dim, dtype=dtype)

    @numpy_keywords
    def cumprod(self, dim: int, *, dtype: Any = None) -> Tensor:
        return ops.cumprod(self, dim, dtype=dtype)

    @numpy_keywords
    def all(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        return ops.all(self, dim, keepdim)

    @numpy_keywords
    def any(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        return ops.any(self, dim, keepdim)

    # ------------------------------------------------------------------ comparisons
    def eq(self, other: Any) -> Tensor:
        return ops.eq(self, other)

    def ne(self, other: Any) -> Tensor:
        return ops.ne(self, other)

    def lt(self, other: Any) -> Tensor:
        return ops.lt(self, other)

    def le(self, other: Any) -> Tensor:
        return ops.le(self, other)

    def gt(self, other: Any) -> Tensor:
        return ops.gt(self, other)

    def ge(self, other: Any) -> Tensor:
        return ops.ge(self, other)

    def isnan(self) -> Tensor:
        return ops.isnan(self)

    def isinf(self) -> Tensor:
        return ops.isinf(self)

    def isfinite(self) -> Tensor:
        return ops.isfinite(self)

    def allclose(
        self, other: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
    ) -> bool:
        return ops.allclose(self, other, rtol, atol, equal_nan)

    def equal(self, other: Tensor) -> bool:
        return ops.equal(self, other)

    # ------------------------------------------------------------------ shape
    def reshape(self, *shape: Any) -> Tensor:
        return ops.reshape(self, *shape)

    def view(self, *shape: Any) -> Tensor:
        """Like ``reshape`` (all our tensors are contiguous); ``view(dtype)`` is not supported."""
        return ops.reshape(self, *shape)

    def view_as(self, other: Tensor) -> Tensor:
        return ops.reshape(self, other.shape)

    def reshape_as(self, other: Tensor) -> Tensor:
        return ops.reshape(self, other.shape)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        return ops.flatten(self, start_dim, end_dim)

    def unflatten(self, dim: int, sizes: Sequence[int]) -> Tensor:
        return ops.unflatten(self, dim, sizes)

    def squeeze(self, dim: Any = None) -> Tensor:
        return ops.squeeze(self, dim)

    def unsqueeze(self, dim: int) -> Tensor:
        return ops.unsqueeze(self, dim)

    def transpose(self, dim0: int, dim1: int) -> Tensor:
        return ops.transpose(self, dim0, dim1)

    swapaxes = transpose

    def t(self) -> Tensor:
        if self.ndim > 2:
            raise RuntimeError(
                f"t() expects a tensor with <= 2 dimensions, but self is {self.ndim}D"
            )
        return Permute.apply(self, tuple(range(self.ndim - 1, -1, -1)))

    def permute(self, *dims: Any) -> Tensor:
        return ops.permute(self, *dims)

    def expand(self, *sizes: Any) -> Tensor:
        return ops.expand(self, *sizes)

    def expand_as(self, other: Tensor) -> Tensor:
        return ops.expand(self, other.shape)

    def broadcast_to(self, shape: Sequence[int]) -> Tensor:
        return ops.broadcast_to(self, shape)

    def repeat(self, *repeats: Any) -> Tensor:
        return ops.repeat(self, *repeats)

    def split(self, split_size_or_sections: Any, dim: int = 0) -> tuple:
        return ops.split(self, split_size_or_sections, dim)

    def chunk(self, chunks: int, dim: int = 0) -> tuple:
        return ops.chunk(self, chunks, dim)

    def unbind(self, dim: int = 0) -> tuple:
        return ops.unbind(self, dim)

    def gather(self, dim: int, index: Tensor) -> Tensor:
        return ops.gather(self, dim, index)

    def index_select(self, dim: int, index: Tensor) -> Tensor:
        return ops.index_select(self, dim, index)

    def narrow(self, dim: int, start: int, length: int) -> Tensor:
        """The slice ``start:start + length`` of ``dim`` (a view); out of range raises."""
        return ops.narrow(self, dim, start, length)

    # ------------------------------------------------------------------ in place
    # Rules (as PyTorch): on a leaf that requires grad only under no_grad; a change to a
    # tensor that some node saved for backward makes that backward raise (version counter).
    def add_(self, other: Any, *, alpha: Any = 1) -> Tensor:
        return ops.inplace(self, Add, ops.scaled(other, alpha), "add_")

    def sub_(self, other: Any, *, alpha: Any = 1) -> Tensor:
        return ops.inplace(self, Sub, ops.scaled(other, alpha), "sub_")

    def mul_(self, other: Any) -> Tensor:
        return ops.inplace(self, Mul, other, "mul_")

    def div_(self, other: Any) -> Tensor:
        return ops.inplace(self, Div, other, "div_")

    def pow_(self, exponent: Any) -> Tensor:
        return ops.inplace(self, Pow, exponent, "pow_")

    def clamp_(self, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
        return ops.inplace_unary(self, lambda t: ops.clamp(t, min, max), "clamp_")

    clip_ = clamp_

    def zero_(self) -> Tensor:
        if not self._requires_grad:  # nothing to record (a .grad): write zeros, also over inf/nan
            try:
                self._array[...] = 0  # (any dtype takes a zero; 10x cheaper than np.copyto)
            except ValueError as e:
                raise ops._inplace_error(self, 0, "zero_", e) from None
            _function.bump_version(self)
            return self
        return ops.inplace(self, CopyFrom, 0.0, "zero_")

    def fill_(self, value: Any) -> Tensor:
        """Every element set to ``value`` (a number or 0-d tensor), also over inf/NaN."""
        if isinstance(value, Tensor) and value.ndim:
            raise RuntimeError(
                f"fill_: only supports a 0-dimension value tensor, but got a tensor with "
                f"{value.ndim} dimensions"
            )
        if not isinstance(value, (Tensor, int, builtins.float, np.generic)):
            raise TypeError(
                f"fill_(): argument 'value' must be a Number, not {type(value).__name__}"
            )
        return ops.inplace(self, CopyFrom, value, "fill_")  # (a write: inf/NaN replaced)

    def copy_(self, src: Any, non_blocking: bool = False) -> Tensor:
        """``src``'s values (broadcast to this shape) written into this tensor."""
        if not isinstance(src, (Tensor, np.ndarray)):
            raise TypeError(
                f"copy_(): argument 'src' (position 1) must be Tensor, not {type(src).__name__}"
            )
        return ops.inplace(self, CopyFrom, src, "copy_")

    def uniform_(self, a: float = 0.0, b: float = 1.0, *, generator: Any = None) -> Tensor:
        return ops.fill_random_(self, "uniform", a, b, generator)

    def normal_(self, mean: float = 0.0, std: float = 1.0, *, generator: Any = None) -> Tensor:
        return ops.fill_random_(self, "normal", mean, std, generator)

    # ---- sampling (issue 24: PyTorch's random numbers; see sampling.py) ----------------

    def bernoulli_(self, p: Any = 0.5, *, generator: Any = None) -> Tensor:
        from . import sampling

        return sampling.fill_bernoulli_(self, p, generator)

    def bernoulli(self, p: Any = None, *, generator: Any = None) -> Tensor:
        from . import sampling

        return sampling.bernoulli(self, p, generator=generator)

    def exponential_(self, lambd: float = 1.0, *, generator: Any = None) -> Tensor:
        from . import sampling

        return sampling.fill_exponential_(self, lambd, generator)

    def random_(self, from_: int = 0, to: int | None = None, *, generator: Any = None) -> Tensor:
        from . import sampling

        return sampling.fill_random_(self, from_, to, generator)

    def multinomial(self, num_samples: int, replacement: bool = False, *,
                    generator: Any = None) -> Tensor:  # fmt: skip
        from . import sampling

        return sampling.multinomial(self, num_samples, replacement, generator=generator)

    def topk(self, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> Any:
        from . import sampling

        return sampling.topk(self, k, dim, largest, sorted)

    def __iadd__(self, other: Any) -> Tensor:
        return ops.inplace(self, Add, other, "add_")

    def __isub__(self, other: Any) -> Tensor:
        return ops.inplace(self, Sub, other, "sub_")

    def __imul__(self, other: Any) -> Tensor:
        return ops.inplace(self, Mul, other, "mul_")

    def __itruediv__(self, other: Any) -> Tensor:
        return ops.inplace(self, Div, other, "div_")

    # --- the wider PyTorch surface (issue 24): ops_math, ops_shape, ops_sorting, ops_linalg
    def sinh(self) -> Tensor:
        return ops_math.sinh(self)

    def cosh(self) -> Tensor:
        return ops_math.cosh(self)

    def asin(self) -> Tensor:
        return ops_math.asin(self)

    def acos(self) -> Tensor:
        return ops_math.acos(self)

    def atan(self) -> Tensor:
        return ops_math.atan(self)

    def atan2(self, other: Any) -> Tensor:
        return ops_math.atan2(self, other)

    arcsin, arccos, arctan, arctan2 = asin, acos, atan, atan2

    def log2(self) -> Tensor:
        return ops_math.log2(self)

    def log10(self) -> Tensor:
        return ops_math.log10(self)

    def bitwise_and(self, other: Any) -> Tensor:
        return ops_math.bitwise_and(self, other)

    def bitwise_or(self, other: Any) -> Tensor:
        return ops_math.bitwise_or(self, other)

    def bitwise_xor(self, other: Any) -> Tensor:
        return ops_math.bitwise_xor(self, other)

    def bitwise_not(self) -> Tensor:
        return ops_math.bitwise_not(self)

    def flip(self, *dims: Any) -> Tensor:
        return ops_shape.flip(self, dims[0] if len(dims) == 1 else dims)

    def fliplr(self) -> Tensor:
        return ops_shape.fliplr(self)

    def flipud(self) -> Tensor:
        return ops_shape.flipud(self)

    def roll(self, shifts: Any, dims: Any = None) -> Tensor:
        return ops_shape.roll(self, shifts, dims)

    def repeat_interleave(self, repeats: Any, dim: int | None = None, *,
                          output_size: int | None = None) -> Tensor:  # fmt: skip
        return ops_shape.repeat_interleave(self, repeats, dim, output_size=output_size)

    def diff(self, n: int = 1, dim: int = -1, prepend: Any = None, append: Any = None) -> Tensor:
        return ops_shape.diff(self, n, dim, prepend, append)

    def kron(self, other: Tensor) -> Tensor:
        return ops_shape.kron(self, other)

    def sort(self, dim: int = -1, descending: bool = False, stable: bool = False) -> Any:
        return ops_sorting.sort(self, dim, descending, stable)

    def argsort(self, dim: int = -1, descending: bool = False, stable: bool = False) -> Tensor:
        return ops_sorting.argsort(self, dim, descending, stable)

    def unique(self, sorted: bool = True, return_inverse: bool = False,  # noqa: A002
               return_counts: bool = False, dim: int | None = None) -> Any:  # fmt: skip
        return ops_sorting.unique(self, sorted, return_inverse, return_counts, dim)

    def nonzero(self, *, as_tuple: bool = False) -> Any:
        return ops_sorting.nonzero(self, as_tuple=as_tuple)

    def argwhere(self) -> Tensor:
        return ops_sorting.argwhere(self)

    def histc(self, bins: int = 100, min: float = 0, max: float = 0) -> Tensor:  # noqa: A002
        return ops_sorting.histc(self, bins, min, max)

    def bincount(self, weights: Any = None, minlength: int = 0) -> Tensor:
        return ops_sorting.bincount(self, weights, minlength)

    def mv(self, vec: Tensor) -> Tensor:
        return ops_linalg.mv(self, vec)

    def cross(self, other: Tensor, dim: int | None = None) -> Tensor:
        return ops_linalg.cross(self, other, dim)

    def diagonal(self, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
        return ops_linalg.diagonal(self, offset, dim1, dim2)

    def inverse(self) -> Tensor:
        return ops_linalg.inverse(self)

    def det(self) -> Tensor:
        return ops_linalg.det(self)

    def svd(self, some: bool = True, compute_uv: bool = True) -> Any:
        return ops_linalg.svd(self, some, compute_uv)

    def nelement(self) -> int:
        """The number of elements (``numel``)."""
        return self._array.size

    def pin_memory(self, device: Any = None) -> Tensor:
        """Pinned memory only matters for copies to a GPU: the tensor itself."""
        return self

    def is_pinned(self, device: Any = None) -> bool:
        return False

    @property
    def is_xpu(self) -> bool:
        return False

    @property
    def is_mps(self) -> bool:
        return False

    # in-place forms (the result written into this tensor; see ops.inplace_unary)
    def sin_(self) -> Tensor:
        return ops.inplace_unary(self, ops.sin, "sin_")

    def cos_(self) -> Tensor:
        return ops.inplace_unary(self, ops.cos, "cos_")

    def tan_(self) -> Tensor:
        return ops.inplace_unary(self, ops.tan, "tan_")

    def tanh_(self) -> Tensor:
        return ops.inplace_unary(self, ops.tanh, "tanh_")

    def sigmoid_(self) -> Tensor:
        return ops.inplace_unary(self, ops.sigmoid, "sigmoid_")

    def relu_(self) -> Tensor:
        return ops.inplace_unary(self, ops.relu, "relu_")

    def exp_(self) -> Tensor:
        return ops.inplace_unary(self, ops.exp, "exp_")

    def log_(self) -> Tensor:
        return ops.inplace_unary(self, ops.log, "log_")

    def sqrt_(self) -> Tensor:
        return ops.inplace_unary(self, ops.sqrt, "sqrt_")

    def abs_(self) -> Tensor:
        return ops.inplace_unary(self, ops.abs, "abs_")

    def neg_(self) -> Tensor:
        return ops.inplace_unary(self, ops.neg, "neg_")

    def reciprocal_(self) -> Tensor:
        return ops.inplace_unary(self, ops.reciprocal, "reciprocal_")

    def square_(self) -> Tensor:
        return ops.inplace_unary(self, ops.square, "square_")

    def floor_(self) -> Tensor:
        return ops.inplace_unary(self, ops.floor, "floor_")

    def ceil_(self) -> Tensor:
        return ops.inplace_unary(self, ops.ceil, "ceil_")

    def round_(self) -> Tensor:
        return ops.inplace_unary(self, ops.round, "round_")

    def trunc_(self) -> Tensor:
        return ops.inplace_unary(self, ops.trunc, "trunc_")

    def sign_(self) -> Tensor:
        return ops.inplace_unary(self, ops.sign, "sign_")

    def sinh_(self) -> Tensor:
        return ops.inplace_unary(self, ops_math.sinh, "sinh_")

    def cosh_(self) -> Tensor:
        return ops.inplace_unary(self, ops_math.cosh, "cosh_")

    def unsqueeze_(self, dim: int) -> Tensor:
        return ops_math.inplace_view(self, lambda t: ops.unsqueeze(t, dim), "unsqueeze_")

    def squeeze_(self, dim: Any = None) -> Tensor:
        return ops_math.inplace_view(self, lambda t: ops.squeeze(t, dim), "squeeze_")

    def t_(self) -> Tensor:
        return ops_math.inplace_view(self, ops.t, "t_")

    def transpose_(self, dim0: int, dim1: int) -> Tensor:
        return ops_math.inplace_view(self, lambda t: ops.transpose(t, dim0, dim1), "transpose_")

    def resize_(self, *sizes: Any) -> Tensor:
        """Same number of elements only: a reshape written into this tensor."""
        return ops_math.inplace_view(self, lambda t: ops.reshape(t, *sizes), "resize_")


_UFUNCS: dict = {
    np.add: Add,
    np.subtract: Sub,
    np.multiply: Mul,
    np.true_divide: Div,
    np.power: Pow,
    np.maximum: Maximum,
    np.minimum: Minimum,
    np.matmul: lambda a, b: ops.matmul(a, b),
    np.negative: Neg,
    np.exp: Exp,
    np.log: Log,
    np.log1p: Log1p,
    np.expm1: Expm1,
    np.sqrt: Sqrt,
    np.sin: Sin,
    np.cos: Cos,
    np.tan: Tan,
    np.tanh: Tanh,
    np.abs: Abs,
    np.sign: Sign,
    np.reciprocal: Reciprocal,
    np.square: lambda a: Mul.apply(a, a),
    np.sinh: ops_math.sinh,  # (issue 24: the ops of ops_math, for formulas run on Tensors)
    np.cosh: ops_math.cosh,
    np.arcsin: ops_math.asin,
    np.arccos: ops_math.acos,
    np.arctan: ops_math.atan,
    np.arctan2: ops_math.atan2,
    np.log2: ops_math.log2,
    np.log10: ops_math.log10,
    np.equal: lambda a, b: ops.eq(a, b),
    np.not_equal: lambda a, b: ops.ne(a, b),
    np.less: lambda a, b: ops.lt(a, b),
    np.less_equal: lambda a, b: ops.le(a, b),
    np.greater: lambda a, b: ops.gt(a, b),
    np.greater_equal: lambda a, b: ops.ge(a, b),
}


_OPERANDS = (Tensor, int, builtins.float, bool, np.generic, np.ndarray)  # what ops.eq takes


def _check_grad(t: Tensor, value: Any) -> None:
    """PyTorch's refusals for ``t.grad = value``: not a Tensor, another shape or dtype."""
    if not isinstance(value, Tensor):
        raise TypeError(
            "assigned grad expected to be a Tensor or None but got grad of type "
            f"{type(value).__name__}"
        )
    if value.shape != t.shape:
        raise RuntimeError(
            f"attempting to assign a gradient of size {list(value.shape)} to a tensor of size "
            f"{list(t.shape)}: the gradient and the tensor must be the same size"
        )
    if value._array.dtype != t._array.dtype:
        raise RuntimeError(
            f"attempting to assign a gradient with dtype {value.dtype} to a tensor with dtype "
            f"{t.dtype}: the gradient must have the tensor's dtype (convert it with .to())"
        )


# let the engine and Function build Tensors (see autograd.function)
_function.Tensor = Tensor

# issue 19: methods taking another tensor explain a non-tensor there (see _argcheck)
_argcheck.check_methods(Tensor)


def register_op(prim: Any) -> None:
    """Give a Primitive that declares ``method = "name"`` its Tensor method, its function
    ``tinygrad_lite.name`` (also ``ops.name``), and with ``ufunc = np.f`` its NumPy ufunc;
    names that already exist are left as they are. Runs for every Primitive, also later ones."""
    name = prim.__dict__.get("method")
    if name is not None and name not in vars(Tensor):

        @_applies(prim)
        def method(self: Tensor, *args: Any) -> Tensor:
            # (also ``tinygrad_lite.name(input)``: a non-tensor there is PyTorch's TypeError)
            return prim.apply(ops.tensor_arg(self, name), *args)

        method.__name__, method.__qualname__, method.__doc__ = name, f"Tensor.{name}", prim.__doc__
        setattr(Tensor, name, method)
    package = sys.modules.get("tinygrad_lite")
    for module in (ops, package):
        if name is not None and module is not None and not hasattr(module, name):
            setattr(module, name, getattr(Tensor, name))
    if prim.__dict__.get("ufunc") is not None:
        _UFUNCS.setdefault(prim.ufunc, prim)


for _prim in _function.PRIMITIVE_CLASSES:
    register_op(_prim)
_function.NEW_PRIMITIVE_HOOKS.insert(0, register_op)  # (before the fast engine's hook)
