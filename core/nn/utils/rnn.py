"""``ember.nn.utils.rnn``: variable-length sequences for recurrent layers (``PackedSequence`` and the
pack / pad helpers), as in ``torch.nn.utils.rnn``.

A packed sequence stores the time steps of a batch of sequences sorted by decreasing length one after
another: ``data[sum(batch_sizes[:t]) : sum(batch_sizes[:t+1])]`` holds step ``t`` of the
``batch_sizes[t]`` sequences that are still running.  Packing and padding are gathers (``index_select``),
so gradients flow through them.
"""
from __future__ import annotations

import itertools
from collections import namedtuple

from ... import _dtype as D
from ..._tensor import Tensor

__all__ = ["PackedSequence", "invert_permutation", "pack_padded_sequence", "pad_packed_sequence", "pad_sequence",
           "unpad_sequence", "pack_sequence", "unpack_sequence"]

_PackedSequenceBase = namedtuple("PackedSequence_", ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])


def _ember():
    import ember
    return ember


class PackedSequence(_PackedSequenceBase):
    """Holds the data and the per-step batch sizes of a packed batch of sequences.

    Build it with :func:`pack_padded_sequence` or :func:`pack_sequence`, never by hand.
    ``sorted_indices`` orders the original batch by decreasing length; ``unsorted_indices`` undoes it.
    """

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is not None:
            if batch_sizes.device.type != "cpu":
                raise ValueError("batch_sizes should always be on CPU. Instances of PackedSequence should never "
                                 "be created manually. They should be instantiated by functions like "
                                 "pack_sequence and pack_padded_sequences in nn.utils.rnn.")
            return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)
        if not isinstance(data, (list, tuple)) or len(data) != 2:
            raise TypeError("PackedSequence(): expected data and batch_sizes, or a (data, batch_sizes) pair")
        return super().__new__(cls, data[0], data[1], sorted_indices, unsorted_indices)

    def pin_memory(self):
        return self

    def to(self, *args, **kwargs):
        """A PackedSequence with ``data`` (and the indices, when moving device) converted like ``Tensor.to``."""
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        dev = data.device
        si = self.sorted_indices.to(dev) if self.sorted_indices is not None else None
        ui = self.unsorted_indices.to(dev) if self.unsorted_indices is not None else None
        return type(self)(data, self.batch_sizes, si, ui)

    def cuda(self, *args, **kwargs):
        return self.to(_ember().device("cuda"))

    def cpu(self, *args, **kwargs):
        return self.to("cpu")

    def double(self):
        return self.to(dtype=D.float64)

    def float(self):
        return self.to(dtype=D.float32)

    def half(self):
        return self.to(dtype=D.float16)

    def long(self):
        return self.to(dtype=D.int64)

    def int(self):
        return self.to(dtype=D.int32)

    def short(self):
        return self.to(dtype=D.int16)

    def char(self):
        return self.to(dtype=D.int8)

    def byte(self):
        return self.to(dtype=D.uint8)

    @property
    def is_cuda(self):
        return self.data.is_cuda

    def is_pinned(self):
        return False


def invert_permutation(permutation):
    """The inverse of an index permutation (None stays None)."""
    if permutation is None:
        return None
    E = _ember()
    out = E.empty_like(permutation)
    out.scatter_(0, permutation, E.arange(permutation.numel(), device=permutation.device))
    return out


def _lengths_list(lengths):
    if isinstance(lengths, Tensor):
        if lengths.ndim != 1:
            raise RuntimeError(f"'lengths' argument should be a 1D CPU int64 tensor, but got "
                               f"{lengths.ndim}D {lengths.device} {lengths.dtype} tensor")
        return [int(x) for x in lengths.tolist()]
    return [int(x) for x in lengths]


def _batch_sizes(lengths):
    """Per time step, how many of the (descending) lengths are still running."""
    T = lengths[0] if lengths else 0
    return [sum(1 for n in lengths if n > t) for t in range(T)]


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True) -> PackedSequence:
    """Pack a padded batch ``(T, B, *)`` (``(B, T, *)`` with ``batch_first``) of sequences of ``lengths``.

    With ``enforce_sorted`` the lengths must be decreasing; otherwise the batch is sorted here and
    ``sorted_indices`` records the order.
    """
    E = _ember()
    lens = _lengths_list(lengths)
    if enforce_sorted:
        if any(a < b for a, b in itertools.pairwise(lens)):
            raise RuntimeError("`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. "
                               "You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to "
                               "sidestep this requirement if you do not need ONNX exportability.")
        sorted_indices = None
    else:
        order = sorted(range(len(lens)), key=lambda i: -lens[i])
        sorted_indices = E.tensor(order, dtype=D.int64, device=input.device)
        lens = [lens[i] for i in order]
        input = input.index_select(0 if batch_first else 1, sorted_indices)
    if batch_first:
        input = input.transpose(0, 1)
    T, B = input.shape[0], input.shape[1]
    if len(lens) != B:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got {len(lens)} "
                           f"(batch_size={B})")
    if lens and lens[-1] <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element in 'lengths' "
                           "that is <= 0")
    if lens and lens[0] > T:
        raise RuntimeError(f"Expected sequence length to be at most {T}, but got a length of {lens[0]}")
    sizes = _batch_sizes(lens)
    idx = [t * B + b for t, n in enumerate(sizes) for b in range(n)]
    flat = input.reshape((T * B,) + tuple(input.shape[2:]))
    data = flat.index_select(0, E.tensor(idx, dtype=D.int64, device=input.device))
    return PackedSequence(data, E.tensor(sizes, dtype=D.int64), sorted_indices, None)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """Inverse of :func:`pack_padded_sequence`: ``(padded, lengths)`` in the original batch order."""
    E = _ember()
    data, batch_sizes = sequence.data, sequence.batch_sizes
    sizes = [int(x) for x in batch_sizes.tolist()]
    T = len(sizes)
    if total_length is not None:
        if total_length < T:
            raise ValueError(f"Expected total_length to be at least the length of the longest sequence in input, "
                             f"but got total_length={total_length} and max sequence length being {T}")
    else:
        total_length = T
    B = sizes[0] if sizes else 0
    n = data.shape[0]
    offsets, off = [], 0
    for s in sizes:
        offsets.append(off)
        off += s
    idx = [offsets[t] + b if t < T and b < sizes[t] else n for t in range(total_length) for b in range(B)]
    rest = tuple(data.shape[1:])
    pad = E.full((1,) + rest, padding_value, dtype=data.dtype, device=data.device)
    flat = E.cat([data, pad], 0).index_select(0, E.tensor(idx, dtype=D.int64, device=data.device))
    padded = flat.reshape((total_length, B) + rest)
    lengths = [sum(1 for s in sizes if s > b) for b in range(B)]
    lengths = E.tensor(lengths, dtype=D.int64)
    if sequence.unsorted_indices is not None:
        padded = padded.index_select(1, sequence.unsorted_indices)
        lengths = lengths[sequence.unsorted_indices.cpu()]
    if batch_first:
        padded = padded.transpose(0, 1)
    return padded, lengths


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right") -> Tensor:
    """Stack sequences ``(L_i, *)`` into ``(max L, B, *)`` (``(B, max L, *)`` with ``batch_first``), padding
    on ``padding_side`` with ``padding_value``."""
    E = _ember()
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    if isinstance(sequences, Tensor):
        sequences = sequences.unbind(0)
    sequences = list(sequences)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    T = max(s.shape[0] for s in sequences)
    rows = []
    for s in sequences:
        n = T - s.shape[0]
        if n:
            pad = E.full((n,) + tuple(s.shape[1:]), padding_value, dtype=s.dtype, device=s.device)
            s = E.cat([s, pad] if padding_side == "right" else [pad, s], 0)
        rows.append(s)
    return E.stack(rows, 0 if batch_first else 1)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """Split a padded batch back into a list of its sequences (``lengths`` long)."""
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    return [seq[:n] for seq, n in zip(padded_sequences, _lengths_list(lengths))]


def pack_sequence(sequences, enforce_sorted=True) -> PackedSequence:
    """Pack a list of sequences ``(L_i, *)`` (decreasing lengths unless ``enforce_sorted=False``)."""
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences):
    """Inverse of :func:`pack_sequence`: the list of sequences, in their original order."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
