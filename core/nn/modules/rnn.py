"""ember.nn layers: RNN, LSTM, GRU and their single-step cells, with PyTorch's parameter names and order.

Per layer and direction the input projection of every time step is one matmul; the recurrence runs in
one op (``ember.ops.rnn``: ``rnn_layer`` / ``lstm_layer`` / ``gru_layer``) whose NumPy kernel loops over
time.  Packed sequences run padded with a step mask that freezes finished sequences; the reverse
direction reverses each sequence within its own length.
"""
from __future__ import annotations

import math
import numbers
import warnings

from ..._tensor import Tensor
from ...autograd.grad_mode import no_grad
from ...ops import rnn as R
from ..parameter import Parameter
from ..utils.rnn import PackedSequence
from .module import Module

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}


def _ember():
    import ember
    return ember


def _factory(device, dtype):
    E = _ember()
    return {"device": device, "dtype": dtype if dtype is not None else E.get_default_dtype()}


class RNNBase(Module):
    """Base class of RNN, LSTM and GRU: parameters ``weight_ih_l{k}``, ``weight_hh_l{k}``, ``bias_ih_l{k}``,
    ``bias_hh_l{k}`` (``weight_hr_l{k}`` with ``proj_size``), ``_reverse`` for the second direction."""

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False, proj_size: int = 0,
                 device=None, dtype=None) -> None:
        super().__init__()
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout) if isinstance(dropout, numbers.Number) and not isinstance(dropout, bool) \
            else dropout
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        num_directions = 2 if bidirectional else 1
        if not isinstance(dropout, numbers.Number) or isinstance(dropout, bool) or not 0 <= dropout <= 1:
            raise ValueError("dropout should be a number in range [0, 1] representing the probability of an "
                             "element being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
                          f"expects num_layers greater than 1, but got dropout={dropout} and "
                          f"num_layers={num_layers}", stacklevel=2)
        if not isinstance(hidden_size, int) or isinstance(hidden_size, bool):
            raise TypeError(f"hidden_size should be of type int, got: {type(hidden_size).__name__}")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if mode not in _GATES:
            raise ValueError("Unrecognized RNN mode: " + mode)
        gate_size = _GATES[mode] * hidden_size
        fk = _factory(device, dtype)
        E = _ember()
        self._flat_weights_names = []
        self._all_weights = []
        real_hidden = proj_size if proj_size > 0 else hidden_size
        for layer in range(num_layers):
            for direction in range(num_directions):
                layer_input = input_size if layer == 0 else real_hidden * num_directions
                shapes = [(gate_size, layer_input), (gate_size, real_hidden)]
                names = ["weight_ih_l{}{}", "weight_hh_l{}{}"]
                if bias:
                    shapes += [(gate_size,), (gate_size,)]
                    names += ["bias_ih_l{}{}", "bias_hh_l{}{}"]
                if proj_size > 0:
                    shapes.append((proj_size, hidden_size))
                    names.append("weight_hr_l{}{}")
                suffix = "_reverse" if direction == 1 else ""
                names = [n.format(layer, suffix) for n in names]
                for name, shape in zip(names, shapes):
                    setattr(self, name, Parameter(E.empty(shape, **fk)))
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    @property
    def _flat_weights(self):
        return [getattr(self, n, None) for n in self._flat_weights_names]

    @property
    def all_weights(self):
        return [[getattr(self, w) for w in weights] for weights in self._all_weights]

    def flatten_parameters(self) -> None:
        """No-op (there is no cuDNN weight buffer to compact)."""

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        with no_grad():
            for weight in self.parameters():
                weight.uniform_(-stdv, stdv)

    def extra_repr(self) -> str:
        s = "{input_size}, {hidden_size}"
        if self.proj_size != 0:
            s += ", proj_size={proj_size}"
        if self.num_layers != 1:
            s += ", num_layers={num_layers}"
        if self.bias is not True:
            s += ", bias={bias}"
        if self.batch_first is not False:
            s += ", batch_first={batch_first}"
        if self.dropout != 0:
            s += ", dropout={dropout}"
        if self.bidirectional is not False:
            s += ", bidirectional={bidirectional}"
        return s.format(**self.__dict__)

    # --- checks (PyTorch's messages) ---------------------------------------------------------------
    def check_input(self, input: Tensor, batch_sizes) -> None:
        w = self._flat_weights[0]
        if input.dtype is not w.dtype:
            raise ValueError(f"RNN input dtype ({input.dtype}) does not match weight dtype ({w.dtype}). Convert "
                             f"input: input.to({w.dtype}), or convert model: model.to({input.dtype})")
        expected = 2 if batch_sizes is not None else 3
        if input.ndim != expected:
            raise RuntimeError(f"input must have {expected} dimensions, got {input.ndim}")
        if self.input_size != input.shape[-1]:
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected {self.input_size}, "
                               f"got {input.shape[-1]}")

    def get_expected_hidden_size(self, input: Tensor, batch_sizes):
        if batch_sizes is not None:
            mini_batch = int(batch_sizes[0])
        else:
            mini_batch = input.shape[0] if self.batch_first else input.shape[1]
        num_directions = 2 if self.bidirectional else 1
        real_hidden = self.proj_size if self.proj_size > 0 else self.hidden_size
        return (self.num_layers * num_directions, mini_batch, real_hidden)

    def check_hidden_size(self, hx: Tensor, expected_hidden_size, msg: str = "Expected hidden size {}, got {}"):
        if tuple(hx.shape) != tuple(expected_hidden_size):
            raise RuntimeError(msg.format(tuple(expected_hidden_size), list(hx.shape)))

    def check_forward_args(self, input: Tensor, hidden: Tensor, batch_sizes):
        self.check_input(input, batch_sizes)
        self.check_hidden_size(hidden, self.get_expected_hidden_size(input, batch_sizes))

    def permute_hidden(self, hx, permutation):
        if permutation is None:
            return hx
        return hx.index_select(1, permutation)

    # --- the computation ---------------------------------------------------------------------------
    def _prepare(self, input, hx, is_lstm):
        """Time-major padded input, mask, lengths and initial states; plus how to shape the output."""
        E = _ember()
        name = {"LSTM": "LSTM", "GRU": "GRU"}.get(self.mode, "RNN")
        packed = isinstance(input, PackedSequence)
        if packed:
            data, batch_sizes, sorted_indices, unsorted_indices = input
            sizes = [int(s) for s in batch_sizes.tolist()]
            B = sizes[0] if sizes else 0
            T = len(sizes)
            lengths = [sum(1 for s in sizes if s > b) for b in range(B)]
            offsets, off = [], 0
            for s in sizes:
                offsets.append(off)
                off += s
            n = data.shape[0]
            gather = [offsets[t] + b if b < sizes[t] else n for t in range(T) for b in range(B)]
            pack_idx = [t * B + b for t in range(T) for b in range(sizes[t])]
            self.check_input(data, batch_sizes)
            pad = E.zeros((1, data.shape[-1]), dtype=data.dtype, device=data.device)
            x = E.cat([data, pad], 0).index_select(0, E.tensor(gather, device=data.device)).reshape(T, B, -1)
            if hx is not None:
                hx = tuple(self.permute_hidden(h, sorted_indices) for h in hx) if is_lstm else \
                    self.permute_hidden(hx, sorted_indices)
            shape = ("packed", batch_sizes, sorted_indices, unsorted_indices, pack_idx)
        else:
            if input.ndim not in (2, 3):
                raise ValueError(f"{name}: Expected input to be 2D or 3D, got {input.ndim}D instead")
            batched = input.ndim == 3
            hs_ = hx if not is_lstm or hx is None else hx[0]
            if hx is not None:
                for h in (hx if is_lstm else (hx,)):
                    if batched and h.ndim != 3:
                        raise RuntimeError(f"For batched 3-D input, hx and cx should also be 3-D but got "
                                           f"({hx[0].ndim}-D, {hx[1].ndim}-D) tensors" if is_lstm else
                                           f"For batched 3-D input, hx should also be 3-D but got {hs_.ndim}-D "
                                           f"tensor")
                    if not batched and h.ndim != 2:
                        raise RuntimeError(f"For unbatched 2-D input, hx and cx should also be 2-D but got "
                                           f"({hx[0].ndim}-D, {hx[1].ndim}-D) tensors" if is_lstm else
                                           f"For unbatched 2-D input, hx should also be 2-D but got {hs_.ndim}-D "
                                           f"tensor")
            if not batched:
                input = input.unsqueeze(1 if not self.batch_first else 0)
                if hx is not None:
                    hx = tuple(h.unsqueeze(1) for h in hx) if is_lstm else hx.unsqueeze(1)
            self.check_input(input, None)
            x = input.transpose(0, 1) if self.batch_first else input
            T, B = x.shape[0], x.shape[1]
            lengths = None
            shape = ("padded", batched)
        num_directions = 2 if self.bidirectional else 1
        real_hidden = self.proj_size if self.proj_size > 0 else self.hidden_size
        hshape = (self.num_layers * num_directions, B, real_hidden)
        if hx is None:
            h0 = E.zeros(hshape, dtype=x.dtype, device=x.device)
            hx = (h0, E.zeros(hshape[:2] + (self.hidden_size,), dtype=x.dtype, device=x.device)) if is_lstm else h0
        elif is_lstm:
            self.check_hidden_size(hx[0], hshape, "Expected hidden[0] size {}, got {}")
            self.check_hidden_size(hx[1], hshape[:2] + (self.hidden_size,), "Expected hidden[1] size {}, got {}")
        else:
            self.check_hidden_size(hx, hshape)
        return x, hx, lengths, shape

    def _run(self, x, hx, lengths):
        """All layers and directions on time-major ``x`` (T, B, I); returns (output, h_n[, c_n])."""
        E = _ember()
        T, B = x.shape[0], x.shape[1]
        is_lstm, is_gru = self.mode == "LSTM", self.mode == "GRU"
        h0s = hx[0].unbind(0) if is_lstm else hx.unbind(0)
        c0s = hx[1].unbind(0) if is_lstm else None
        if lengths is None:
            mask = E.ones((T, B), dtype=x.dtype, device=x.device)
            rev_idx = None
        else:
            mask = E.tensor([[1.0 if t < n else 0.0 for n in lengths] for t in range(T)], dtype=x.dtype,
                            device=x.device)
            rev_idx = E.tensor([(n - 1 - t if t < n else t) * B + b for t in range(T) for b, n in enumerate(lengths)],
                               device=x.device)

        def reverse(t):
            if rev_idx is None:
                return t.flip(0)
            return t.reshape(T * B, -1).index_select(0, rev_idx).reshape(T, B, -1)

        num_directions = 2 if self.bidirectional else 1
        weights = self.all_weights
        hn, cn = [], []
        for layer in range(self.num_layers):
            outs = []
            for d in range(num_directions):
                idx = layer * num_directions + d
                p = weights[idx]
                w_ih, w_hh = p[0], p[1]
                b_ih, b_hh = (p[2], p[3]) if self.bias else (None, None)
                w_hr = p[-1] if self.proj_size > 0 else None
                xg = x.reshape(T * B, x.shape[-1]) @ w_ih.t()
                if self.bias:
                    xg = xg + (b_ih if is_gru else b_ih + b_hh)
                xg = xg.reshape(T, B, xg.shape[-1])
                if d == 1:
                    xg = reverse(xg)
                if is_lstm:
                    hs, cs = R.lstm_layer(xg, h0s[idx], c0s[idx], w_hh, mask, w_hr)
                    cn.append(cs[-1] if T else c0s[idx])
                elif is_gru:
                    if b_hh is None:
                        b_hh = E.zeros(w_hh.shape[0], dtype=x.dtype, device=x.device)
                    hs = R.gru_layer(xg, h0s[idx], w_hh, b_hh, mask)
                else:
                    hs = R.rnn_layer(xg, h0s[idx], w_hh, mask, self.mode == "RNN_RELU")
                hn.append(hs[-1] if T else h0s[idx])
                outs.append(reverse(hs) if d == 1 else hs)
            x = E.cat(outs, -1) if num_directions == 2 else outs[0]
            if self.dropout and self.training and layer < self.num_layers - 1:
                from ..functional import dropout
                x = dropout(x, self.dropout, True)
        h_n = E.stack(hn)
        return (x, h_n, E.stack(cn)) if is_lstm else (x, h_n)

    def _forward(self, input, hx):
        E = _ember()
        is_lstm = self.mode == "LSTM"
        x, hx, lengths, shape = self._prepare(input, hx, is_lstm)
        out, *states = self._run(x, hx, lengths)
        if shape[0] == "packed":
            _, batch_sizes, sorted_indices, unsorted_indices, pack_idx = shape
            T, B = out.shape[0], out.shape[1]
            data = out.reshape(T * B, out.shape[-1]).index_select(0, E.tensor(pack_idx, device=out.device))
            output = PackedSequence(data, batch_sizes, sorted_indices, unsorted_indices)
            states = [self.permute_hidden(s, unsorted_indices) for s in states]
        else:
            batched = shape[1]
            output = out.transpose(0, 1) if self.batch_first else out
            if not batched:
                output = output.squeeze(0 if self.batch_first else 1)
                states = [s.squeeze(1) for s in states]
        return output, (tuple(states) if is_lstm else states[0])


class RNN(RNNBase):
    """Elman RNN: ``h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)`` (or relu).

    ``RNN(input_size, hidden_size, num_layers=1, nonlinearity='tanh', bias=True, batch_first=False,
    dropout=0.0, bidirectional=False, device=None, dtype=None)``; ``forward(input, hx=None)`` returns
    ``(output, h_n)``.
    """

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if len(args) > 3:
            self.nonlinearity = args[3]
            args = args[:3] + args[4:]
        else:
            self.nonlinearity = kwargs.pop("nonlinearity", "tanh")
        if self.nonlinearity == "tanh":
            mode = "RNN_TANH"
        elif self.nonlinearity == "relu":
            mode = "RNN_RELU"
        else:
            raise ValueError(f"Unknown nonlinearity '{self.nonlinearity}'. Select from 'tanh' or 'relu'.")
        super().__init__(mode, *args, **kwargs)

    def forward(self, input, hx=None):
        return self._forward(input, hx)


class LSTM(RNNBase):
    """Long short-term memory (gates i, f, g, o), optionally with a projection ``proj_size``.

    ``forward(input, (h_0, c_0)=None)`` returns ``(output, (h_n, c_n))``.
    """

    def __init__(self, *args, **kwargs):
        super().__init__("LSTM", *args, **kwargs)

    def get_expected_cell_size(self, input, batch_sizes):
        if batch_sizes is not None:
            mini_batch = int(batch_sizes[0])
        else:
            mini_batch = input.shape[0] if self.batch_first else input.shape[1]
        return (self.num_layers * (2 if self.bidirectional else 1), mini_batch, self.hidden_size)

    def check_forward_args(self, input, hidden, batch_sizes):
        self.check_input(input, batch_sizes)
        self.check_hidden_size(hidden[0], self.get_expected_hidden_size(input, batch_sizes),
                               "Expected hidden[0] size {}, got {}")
        self.check_hidden_size(hidden[1], self.get_expected_cell_size(input, batch_sizes),
                               "Expected hidden[1] size {}, got {}")

    def permute_hidden(self, hx, permutation):
        if permutation is None:
            return hx
        if isinstance(hx, tuple):
            return tuple(h.index_select(1, permutation) for h in hx)
        return hx.index_select(1, permutation)

    def forward(self, input, hx=None):
        return self._forward(input, hx)


class GRU(RNNBase):
    """Gated recurrent unit (gates r, z, n; ``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))``).

    ``forward(input, hx=None)`` returns ``(output, h_n)``.
    """

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", *args, **kwargs)

    def forward(self, input, hx=None):
        return self._forward(input, hx)


# --- cells -------------------------------------------------------------------------------------

class RNNCellBase(Module):
    """Base of the single-step cells: ``weight_ih``, ``weight_hh``, ``bias_ih``, ``bias_hh``."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int, device=None,
                 dtype=None) -> None:
        super().__init__()
        E = _ember()
        fk = _factory(device, dtype)
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.weight_ih = Parameter(E.empty((num_chunks * hidden_size, input_size), **fk))
        self.weight_hh = Parameter(E.empty((num_chunks * hidden_size, hidden_size), **fk))
        if bias:
            self.bias_ih = Parameter(E.empty(num_chunks * hidden_size, **fk))
            self.bias_hh = Parameter(E.empty(num_chunks * hidden_size, **fk))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def extra_repr(self) -> str:
        s = "{input_size}, {hidden_size}"
        if "bias" in self.__dict__ and self.bias is not True:
            s += ", bias={bias}"
        if "nonlinearity" in self.__dict__ and self.nonlinearity != "tanh":
            s += ", nonlinearity={nonlinearity}"
        return s.format(**self.__dict__)

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        with no_grad():
            for weight in self.parameters():
                weight.uniform_(-stdv, stdv)

    def _check(self, input, hx, name):
        if input.ndim not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.ndim}D instead")
        for h in hx if isinstance(hx, tuple) else (hx,):
            if h is not None and h.ndim not in (1, 2):
                raise ValueError(f"{name}: Expected hidden to be 1D or 2D, got {h.ndim}D instead")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {input.shape[-1]} expected "
                               f"{self.input_size}")

    def _step_input(self, input, hx, n_states):
        """(batched input, states tuple, batched?) with zero states when hx is None."""
        E = _ember()
        batched = input.ndim == 2
        if not batched:
            input = input.unsqueeze(0)
        B = input.shape[0]
        if hx is None:
            hx = tuple(E.zeros((B, self.hidden_size), dtype=input.dtype, device=input.device)
                       for _ in range(n_states))
        else:
            hx = hx if isinstance(hx, tuple) else (hx,)
            if not batched:
                hx = tuple(h.unsqueeze(0) for h in hx)
            for i, h in enumerate(hx):
                if h.shape[0] != B:
                    raise RuntimeError(f"Input batch size {B} doesn't match hidden{i} batch size {h.shape[0]}")
                if h.shape[1] != self.hidden_size:
                    raise RuntimeError(f"hidden{i} has inconsistent hidden_size: got {h.shape[1]}, expected "
                                       f"{self.hidden_size}")
        return input, hx, batched

    def _xg(self, input, fold_hh_bias=True):
        xg = input @ self.weight_ih.t()
        if self.bias_ih is not None:
            xg = xg + (self.bias_ih + self.bias_hh if fold_hh_bias else self.bias_ih)
        return xg.unsqueeze(0)


class RNNCell(RNNCellBase):
    """One Elman RNN step: ``h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)`` (or relu)."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh",
                 device=None, dtype=None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device, dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        if self.nonlinearity not in ("tanh", "relu"):
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        self._check(input, hx, "RNNCell")
        E = _ember()
        input, (h,), batched = self._step_input(input, hx, 1)
        mask = E.ones((1, input.shape[0]), dtype=input.dtype, device=input.device)
        out = R.rnn_layer(self._xg(input), h, self.weight_hh, mask, self.nonlinearity == "relu")[0]
        return out if batched else out.squeeze(0)


class LSTMCell(RNNCellBase):
    """One LSTM step; ``forward(input, (h, c)=None)`` returns ``(h', c')``."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None, dtype=None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        self._check(input, hx if hx is not None else None, "LSTMCell")
        E = _ember()
        input, (h, c), batched = self._step_input(input, hx, 2)
        mask = E.ones((1, input.shape[0]), dtype=input.dtype, device=input.device)
        hs, cs = R.lstm_layer(self._xg(input), h, c, self.weight_hh, mask)
        h, c = hs[0], cs[0]
        return (h, c) if batched else (h.squeeze(0), c.squeeze(0))


class GRUCell(RNNCellBase):
    """One GRU step: gates r, z, n with ``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))``."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None, dtype=None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        self._check(input, hx, "GRUCell")
        E = _ember()
        input, (h,), batched = self._step_input(input, hx, 1)
        mask = E.ones((1, input.shape[0]), dtype=input.dtype, device=input.device)
        b_hh = self.bias_hh if self.bias_hh is not None else \
            E.zeros(3 * self.hidden_size, dtype=input.dtype, device=input.device)
        out = R.gru_layer(self._xg(input, fold_hh_bias=False), h, self.weight_hh, b_hh, mask)[0]
        return out if batched else out.squeeze(0)
