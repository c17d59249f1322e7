"""Recurrent layers: ``RNN`` (tanh/relu), ``LSTM`` (with ``proj_size``), ``GRU`` and their
one-step cells, with PyTorch's parameter names (``weight_ih_l0``, ``bias_hh_l1_reverse``,
``weight_hr_l0``, ...), shapes, gate order (LSTM i, f, g, o; GRU r, z, n) and init.

A layer unrolls its cell over time with ordinary ops (so backward is backpropagation
through time on the tape): each step takes its slice of the input, projects it
(x Wᵢₕᵀ + bᵢₕ) and adds h Wₕₕᵀ + bₕₕ. (Slicing the input rather than one projection of all
steps: the gradient of a slice is as large as what it was cut from, and the input is the
smaller of the two.) Packed input (``PackedSequence``) runs the same
loop on the sequences still running at each step (they are sorted longest first).
"""

from __future__ import annotations

import math
import numbers
import warnings
from typing import Any

import numpy as np

from .. import factories, ops
from ..primitives_sequence import LSTMLayer, LSTMPointwise
from ..tensor import Tensor
from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter
from .utils.rnn import PackedSequence

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


# ---------------------------------------------------------------------------------------
# one time step: x_proj = x Wᵢₕᵀ + bᵢₕ is computed by the caller
# ---------------------------------------------------------------------------------------


def _rnn_step(mode: str, x_proj: Tensor, h: Tensor, c: Any, w_hh: Tensor, b_hh: Any,
              w_hr: Any) -> tuple:  # fmt: skip
    """(h', c') after one step of cell ``mode``; c is None except for LSTM."""
    hh = F.linear(h, w_hh, b_hh)
    if mode == "LSTM":  # gates i, f, g, o; c' = σ(f)·c + σ(i)·tanh(g); h' = σ(o)·tanh(c')
        hc = LSTMPointwise.apply(x_proj, hh, c)
        h, c = hc[0], hc[1]
        if w_hr is not None:
            h = F.linear(h, w_hr)
        return h, c
    if mode == "GRU":
        n = h.shape[-1]
        r = (x_proj[..., :n] + hh[..., :n]).sigmoid()
        z = (x_proj[..., n : 2 * n] + hh[..., n : 2 * n]).sigmoid()
        cand = (x_proj[..., 2 * n :] + r * hh[..., 2 * n :]).tanh()
        return cand + z * (h - cand), None
    pre = x_proj + hh
    return (pre.tanh() if mode == "RNN_TANH" else pre.relu()), None


def _run_direction(mode: str, x: Tensor, batch_sizes: list | None, h0: Tensor, c0: Any,
                   weights: tuple, reverse: bool) -> tuple:  # fmt: skip
    """Unroll one direction of one layer. ``x``: (T, B, F) padded, or (N, F) packed with
    ``batch_sizes``. Returns (outputs in time order, h_n, c_n)."""
    w_ih, b_ih, w_hh, b_hh, w_hr = weights

    def x_proj(index: Any) -> Tensor:  # (the input's slice) Wᵢₕᵀ + bᵢₕ
        return F.linear(x[index], w_ih, b_ih)

    if batch_sizes is None:  # padded: every sequence runs every step
        steps = x.shape[0]
        outs: list = [None] * steps
        h, c = h0, c0
        for t in reversed(range(steps)) if reverse else range(steps):
            h, c = _rnn_step(mode, x_proj(t), h, c, w_hh, b_hh, w_hr)
            outs[t] = h
        return outs, h, c
    starts = np.concatenate([[0], np.cumsum(batch_sizes)]).tolist()
    steps = len(batch_sizes)
    outs = [None] * steps
    if reverse:  # a sequence joins (from h0) at its last step; all are running at step 0
        n = batch_sizes[-1]
        h, c = h0[:n], (c0[:n] if c0 is not None else None)
        for t in reversed(range(steps)):
            bt = batch_sizes[t]
            if bt > n:
                h = ops.cat([h, h0[n:bt]], 0)
                c = ops.cat([c, c0[n:bt]], 0) if c is not None else None
                n = bt
            h, c = _rnn_step(mode, x_proj(slice(starts[t], starts[t + 1])), h, c, w_hh, b_hh, w_hr)
            outs[t] = h
        return outs, h, c
    done_h: list = []  # final states of the sequences that stopped, longest-stopped last
    done_c: list = []
    h, c = h0, c0
    n = h0.shape[0]
    for t in range(steps):
        bt = batch_sizes[t]
        if bt < n:  # sequences bt..n-1 ended at step t-1: their state is final
            done_h.append(h[bt:n])
            h = h[:bt]
            if c is not None:
                done_c.append(c[bt:n])
                c = c[:bt]
            n = bt
        h, c = _rnn_step(mode, x_proj(slice(starts[t], starts[t + 1])), h, c, w_hh, b_hh, w_hr)
        outs[t] = h
    h_n = ops.cat([h] + done_h[::-1], 0) if done_h else h
    c_n = (ops.cat([c] + done_c[::-1], 0) if done_c else c) if c is not None else None
    return outs, h_n, c_n


# Just an optimization, switched on by the fast engine (autograd/fast): a padded LSTM
# direction without projection runs as one LSTMLayer node (the same numbers as the steps
# above, unrolled: what the reference engine, TINYGRAD_LITE_REFERENCE=1, runs).
FUSED_LSTM = False


def _fused_lstm(x: Tensor, h0: Tensor, c0: Tensor, weights: tuple, reverse: bool) -> tuple:
    """(outputs (T, B, H), h_n, c_n) of one LSTM direction, through the LSTMLayer primitive."""
    w_ih, b_ih, w_hh, b_hh, _ = weights
    out = LSTMLayer.apply(x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse)
    steps = x.shape[0]
    return out[:steps], out[0 if reverse else steps - 1], out[steps]


# ---------------------------------------------------------------------------------------
# the layers
# ---------------------------------------------------------------------------------------


class RNNBase(Module):
    """The machinery of RNN, LSTM and GRU: parameters per layer and direction, the unrolled
    forward over padded or packed input, initial and final states."""

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, device: Any = None,
                 dtype: Any = None) -> None:  # fmt: skip
        super().__init__()
        if mode not in _GATES:
            raise ValueError(f"Unrecognized RNN mode: {mode}")
        if (not isinstance(dropout, numbers.Number) or not 0 <= dropout <= 1
                or isinstance(dropout, bool)):  # fmt: skip
            raise ValueError(
                "dropout should be a number in range [0, 1] representing the probability of an "
                "element being zeroed"
            )
        if dropout > 0 and num_layers == 1:
            warnings.warn(
                "dropout option adds dropout after all but last recurrent layer, so non-zero "
                f"dropout expects num_layers greater than 1, but got dropout={dropout} and "
                f"num_layers={num_layers}",
                stacklevel=3,
            )
        if not isinstance(hidden_size, int) or hidden_size <= 0:
            raise ValueError(f"hidden_size must be a positive integer, got {hidden_size!r}")
        if not isinstance(num_layers, int) or num_layers <= 0:
            raise ValueError(f"num_layers must be a positive integer, got {num_layers!r}")
        if proj_size < 0:
            raise ValueError(
                "proj_size should be a positive integer or zero to disable projections"
            )
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if proj_size and mode != "LSTM":
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        directions = 2 if bidirectional else 1
        gate_size = _GATES[mode] * hidden_size
        real_hidden = proj_size if proj_size > 0 else hidden_size
        kw = {"dtype": dtype, "device": device}
        self._flat_weights_names: list[str] = []
        self._all_weights: list[list[str]] = []
        for layer in range(num_layers):
            for direction in range(directions):
                layer_in = input_size if layer == 0 else real_hidden * directions
                shapes = [
                    ("weight_ih", (gate_size, layer_in)),
                    ("weight_hh", (gate_size, real_hidden)),
                ]
                if bias:
                    shapes += [("bias_ih", (gate_size,)), ("bias_hh", (gate_size,))]
                if proj_size > 0:
                    shapes += [("weight_hr", (proj_size, hidden_size))]
                suffix = "_reverse" if direction == 1 else ""
                names = []
                for kind, shape in shapes:
                    name = f"{kind}_l{layer}{suffix}"
                    setattr(self, name, Parameter(factories.empty(shape, **kw)))
                    names.append(name)
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Every weight and bias ~ U(-1/√hidden_size, 1/√hidden_size) (PyTorch's init)."""
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def flatten_parameters(self) -> None:
        """Nothing to do here (PyTorch packs weights for cuDNN); kept so scripts run."""

    @property
    def all_weights(self) -> list[list[Parameter]]:
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def _weights(self, layer: int, direction: int) -> tuple:
        suffix = "_reverse" if direction == 1 else ""
        get = lambda kind: getattr(self, f"{kind}_l{layer}{suffix}", None)  # noqa: E731
        return (get("weight_ih"), get("bias_ih"), get("weight_hh"), get("bias_hh"),
                get("weight_hr"))  # fmt: skip

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    def _initial(self, hx: Any, batch: int, batched: bool, sorted_indices: Any,
                 dtype: np.dtype) -> tuple:  # fmt: skip
        """(h0, c0) as (layers·directions, batch, size) in the order the loop runs."""
        directions = 2 if self.bidirectional else 1
        h_size = self.proj_size if self.proj_size > 0 else self.hidden_size
        h_shape = (self.num_layers * directions, batch, h_size)
        c_shape = (self.num_layers * directions, batch, self.hidden_size)
        if hx is None:
            h0 = Tensor._make(np.zeros(h_shape, dtype), None, False)
            c0 = Tensor._make(np.zeros(c_shape, dtype), None, False)
            return h0, (c0 if self.mode == "LSTM" else None)
        if self.mode == "LSTM":
            if not isinstance(hx, (tuple, list)) or len(hx) != 2:
                raise TypeError("LSTM: hx must be a tuple (h_0, c_0)")
            h0, c0 = hx
        else:
            if not isinstance(hx, Tensor):
                raise TypeError(
                    f"{type(self).__name__}: hx must be a Tensor, got {type(hx).__name__}"
                )
            h0, c0 = hx, None
        for t, shape, what in ((h0, h_shape, "hidden"), (c0, c_shape, "cell")):
            if t is None:
                continue
            want = 3 if batched else 2
            if t.ndim != want:
                raise RuntimeError(
                    f"For {'batched' if batched else 'unbatched'} {want}-D input, hx "
                    f"{'and cx ' if self.mode == 'LSTM' else ''}should also be {want}-D but got "
                    f"{t.ndim}-D tensor"
                )
            got = tuple(t.shape) if batched else (t.shape[0], 1, t.shape[1])
            if got != shape:
                expected = list(shape) if batched else [shape[0], shape[2]]
                raise RuntimeError(f"Expected {what} size {tuple(expected)}, got {list(t.shape)}")
        if not batched:
            h0 = h0.unsqueeze(1)
            c0 = c0.unsqueeze(1) if c0 is not None else None
        if sorted_indices is not None:
            h0 = h0.index_select(1, sorted_indices)
            c0 = c0.index_select(1, sorted_indices) if c0 is not None else None
        return h0, c0

    def forward(self, input: Tensor | PackedSequence, hx: Any = None) -> tuple:
        """Padded input (T, B, input_size) (or (B, T, ·) with ``batch_first``, or unbatched
        (T, input_size)) or a PackedSequence -> (output, h_n) ((output, (h_n, c_n)) for LSTM):
        output (T, B, directions·H_out) or packed; h_n (layers·directions, B, H_out)."""
        name = type(self).__name__
        packed = isinstance(input, PackedSequence)
        if packed:
            x = input.data
            batch_sizes = np.asarray(input.batch_sizes._array, dtype=np.int64).tolist()
            batch, batched = batch_sizes[0], True
            sorted_indices = input.sorted_indices
            if x.ndim != 2:
                raise ValueError(f"{name}: packed data must be 2-D, got {x.ndim}-D")
        else:
            if not isinstance(input, Tensor):
                raise TypeError(f"{name}: input must be a Tensor or PackedSequence")
            if input.ndim not in (2, 3):
                raise ValueError(
                    f"{name}: Expected input to be 2D or 3D, got {input.ndim}D tensor instead"
                )
            batched = input.ndim == 3
            x = input if batched else input.unsqueeze(1)
            if batched and self.batch_first:
                x = x.transpose(0, 1)
            batch_sizes, batch, sorted_indices = None, x.shape[1], None
        if x.shape[-1] != self.input_size:
            raise RuntimeError(
                f"input.size(-1) must be equal to input_size. Expected {self.input_size}, "
                f"got {x.shape[-1]}"
            )
        if not x.is_floating_point():
            raise RuntimeError(f"{name}: input must be floating point, got {x.dtype}")
        h0, c0 = self._initial(hx, batch, batched, sorted_indices, x._array.dtype)
        directions = 2 if self.bidirectional else 1
        h_n, c_n = [], []
        for layer in range(self.num_layers):
            outs_by_dir = []
            for d in range(directions):
                k = layer * directions + d
                weights = self._weights(layer, d)
                if FUSED_LSTM and self.mode == "LSTM" and not packed and not self.proj_size:
                    seq, h, c = _fused_lstm(x, h0[k], c0[k], weights, d == 1)
                else:
                    outs, h, c = _run_direction(self.mode, x, batch_sizes, h0[k],
                                                c0[k] if c0 is not None else None, weights,
                                                d == 1)  # fmt: skip
                    seq = ops.cat(outs, 0) if packed else ops.stack(outs, 0)
                outs_by_dir.append(seq)
                h_n.append(h)
                c_n.append(c)
            x = outs_by_dir[0] if directions == 1 else ops.cat(outs_by_dir, -1)
            if self.dropout > 0 and self.training and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout, True)
        h_out = ops.stack(h_n, 0)
        c_out = ops.stack(c_n, 0) if self.mode == "LSTM" else None
        if packed:
            unsorted = input.unsorted_indices
            if unsorted is not None:
                h_out = h_out.index_select(1, unsorted)
                c_out = c_out.index_select(1, unsorted) if c_out is not None else None
            output: Any = PackedSequence(x, input.batch_sizes, input.sorted_indices, unsorted)
        else:
            output = x
            if not batched:
                output = output.squeeze(1)
                h_out = h_out.squeeze(1)
                c_out = c_out.squeeze(1) if c_out is not None else None
            elif self.batch_first:
                output = output.transpose(0, 1)
        if self.mode == "LSTM":
            return output, (h_out, c_out)
        return output, h_out


class RNN(RNNBase):
    """Elman RNN: h' = tanh(x Wᵢₕᵀ + bᵢₕ + h Wₕₕᵀ + bₕₕ) (or relu with
    ``nonlinearity='relu'``), stacked ``num_layers`` deep, optionally bidirectional."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 nonlinearity: str = "tanh", bias: bool = True, batch_first: bool = False,
                 dropout: float = 0.0, bidirectional: bool = False, device: Any = None,
                 dtype: Any = None) -> None:  # fmt: skip
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(
                f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'."
            )
        mode = "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"
        super().__init__(mode, input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, device=device, dtype=dtype)  # fmt: skip
        self.nonlinearity = nonlinearity

    def extra_repr(self) -> str:
        s = super().extra_repr()
        return s + (", nonlinearity='relu'" if self.nonlinearity != "tanh" else "")


class LSTM(RNNBase):
    """Long short-term memory: gates i, f, g, o from x and h; c' = f·c + i·g,
    h' = o·tanh(c') (then h' W_hrᵀ with ``proj_size`` > 0). Returns (output, (h_n, c_n))."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, device: Any = None,
                 dtype: Any = None) -> None:  # fmt: skip
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, proj_size, device, dtype)  # fmt: skip


class GRU(RNNBase):
    """Gated recurrent unit: r, z = σ(...), n = tanh(x Wᵢₙᵀ + bᵢₙ + r·(h Wₕₙᵀ + bₕₙ)),
    h' = (1 - z)·n + z·h."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, device: Any = None,
                 dtype: Any = None) -> None:  # fmt: skip
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, device=device, dtype=dtype)  # fmt: skip


# ---------------------------------------------------------------------------------------
# the cells: one time step
# ---------------------------------------------------------------------------------------


class RNNCellBase(Module):
    """``weight_ih`` (gates·hidden, input), ``weight_hh`` (gates·hidden, hidden), biases;
    all ~ U(-1/√hidden, 1/√hidden)."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int,
                 device: Any = None, dtype: Any = None) -> None:  # fmt: skip
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        kw = {"dtype": dtype, "device": device}
        self.weight_ih = Parameter(factories.empty((num_chunks * hidden_size, input_size), **kw))
        self.weight_hh = Parameter(factories.empty((num_chunks * hidden_size, hidden_size), **kw))
        if bias:
            self.bias_ih = Parameter(factories.empty((num_chunks * hidden_size,), **kw))
            self.bias_hh = Parameter(factories.empty((num_chunks * hidden_size,), **kw))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    reset_parameters = RNNBase.reset_parameters

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity!r}"
        return s

    def _prepare(self, input: Tensor, hx: Any, n_states: int) -> tuple:
        name = type(self).__name__
        if input.ndim not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.ndim}D instead")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(
                f"input has inconsistent input_size: got {input.shape[-1]} expected "
                f"{self.input_size}"
            )
        batched = input.ndim == 2
        x = input if batched else input.unsqueeze(0)
        shape = (x.shape[0], self.hidden_size)
        if hx is None:
            zeros = lambda: Tensor._make(np.zeros(shape, x._array.dtype), None, False)  # noqa: E731
            states = tuple(zeros() for _ in range(n_states))
        else:
            states = tuple(hx) if n_states == 2 else (hx,)
            if len(states) != n_states:
                raise TypeError(f"{name}: hx must be a tuple (h_0, c_0)")
            states = tuple(s if batched else s.unsqueeze(0) for s in states)
            for s in states:
                if tuple(s.shape) != shape:
                    raise RuntimeError(
                        f"{name}: hidden state of shape {tuple(s.shape)} does not match "
                        f"{shape if batched else shape[1:]} (batch, hidden_size)"
                    )
        return x, states, batched


class RNNCell(RNNCellBase):
    """h' = tanh(x Wᵢₕᵀ + bᵢₕ + h Wₕₕᵀ + bₕₕ) (or relu): input (N, in) or (in,)."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", device: Any = None,
                 dtype: Any = None) -> None:  # fmt: skip
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity: {nonlinearity}")
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        x, (h,), batched = self._prepare(input, hx, 1)
        mode = "RNN_TANH" if self.nonlinearity == "tanh" else "RNN_RELU"
        x_proj = F.linear(x, self.weight_ih, self.bias_ih)
        h, _ = _rnn_step(mode, x_proj, h, None, self.weight_hh, self.bias_hh, None)
        return h if batched else h.squeeze(0)


class LSTMCell(RNNCellBase):
    """One LSTM step: (input, (h, c)) -> (h', c')."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 device: Any = None, dtype: Any = None) -> None:  # fmt: skip
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input: Tensor, hx: tuple | None = None) -> tuple[Tensor, Tensor]:
        x, (h, c), batched = self._prepare(input, hx, 2)
        x_proj = F.linear(x, self.weight_ih, self.bias_ih)
        h, c = _rnn_step("LSTM", x_proj, h, c, self.weight_hh, self.bias_hh, None)
        return (h, c) if batched else (h.squeeze(0), c.squeeze(0))


class GRUCell(RNNCellBase):
    """One GRU step: (input, h) -> h'."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 device: Any = None, dtype: Any = None) -> None:  # fmt: skip
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        x, (h,), batched = self._prepare(input, hx, 1)
        x_proj = F.linear(x, self.weight_ih, self.bias_ih)
        h, _ = _rnn_step("GRU", x_proj, h, None, self.weight_hh, self.bias_hh, None)
        return h if batched else h.squeeze(0)
