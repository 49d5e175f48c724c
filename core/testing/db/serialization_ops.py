"""OpInfos for the raw-bytes ops of ember/ops/serialization_ops.py (checkpoint storage records).

``from_bytes`` is exercised as a round trip through ``to_bytes`` (strided inputs included, so
``to_bytes`` must emit C order) and through a byte-swapped big-endian buffer; ``storage_view``
against NumPy's ``as_strided``.  Results must be bit exact.
"""
from __future__ import annotations

import numpy as np
from ember.ops import serialization_ops as S
from ember.testing.opinfo import ALL_DTYPES, ErrorInput, OpInfo, SampleInput

from ._samples import UNARY_SHAPES, make_array

EXACT = {d: (0.0, 0.0) for d in ALL_DTYPES}


def _swap(raw, itemsize):
    out = bytearray(len(raw))
    for i in range(itemsize):
        out[i::itemsize] = raw[itemsize - 1 - i::itemsize]
    return out


def _round_trip(x, byteorder="little", drop_bytes=0):
    raw = bytes(S.tensor_to_bytes(x))
    if byteorder == "big":
        raw = _swap(raw, x.dtype.itemsize)
    buf = bytearray(raw[:len(raw) - drop_bytes])
    return S.tensor_from_bytes(buf, x.shape, x.dtype, device=x.device, byteorder=byteorder)


def _round_trip_ref(x, byteorder="little", drop_bytes=0):
    return x


def _bytes_samples(dtype, rng):
    for s in UNARY_SHAPES + [(2, 0, 3), (4, 1, 3)]:
        yield SampleInput(make_array(s, dtype, rng), name=f"shape {s}")
    yield SampleInput(make_array((3, 5), dtype, rng), byteorder="big", name="big-endian buffer")


def _bytes_errors():
    x = np.ones((2, 3), np.float32)
    yield ErrorInput(SampleInput(x, drop_bytes=4, name="buffer 4 bytes short"), RuntimeError,
                     r"from_bytes\(\): shape \[2, 3\] of dtype ember.float32 needs 24 bytes, got a buffer of 20")
    yield ErrorInput(SampleInput(x, byteorder="middle", name="bad byteorder"), ValueError,
                     r"byteorder must be 'little' or 'big'")


def _view(x, size, stride, offset):
    return S.storage_view(x, size, stride, offset)


def _view_ref(x, size, stride, offset):
    isz = x.itemsize
    return np.lib.stride_tricks.as_strided(x[offset:], shape=size, strides=tuple(s * isz for s in stride)).copy()


_VIEWS = [((12,), (12,), (1,), 0, "whole storage"),
          ((12,), (3, 4), (4, 1), 0, "contiguous 2-d"),
          ((12,), (4, 3), (1, 4), 0, "transposed"),
          ((20,), (2, 3), (7, 2), 5, "offset and gaps"),
          ((6,), (3, 4), (2, 0), 1, "stride 0 (expanded)"),
          ((6,), (), (), 5, "0-d at the last element"),
          ((6,), (0, 3), (3, 1), 6, "empty at the end"),
          ((0,), (0,), (1,), 0, "empty storage")]


def _view_samples(dtype, rng):
    for n, size, stride, offset, name in _VIEWS:
        yield SampleInput(make_array(n, dtype, rng), size, stride, offset, name=name)


def _view_errors():
    x = np.arange(6, dtype=np.float32)
    yield ErrorInput(SampleInput(x, (2, 3), (3, 1), 1, name="one element past the end"), RuntimeError,
                     r"setStorage: sizes \[2, 3\], strides \[3, 1\], storage offset 1, requiring a storage size "
                     r"of 28 are out of bounds for storage of size 24")
    yield ErrorInput(SampleInput(x, (2,), (-1,), 3, name="negative stride"), RuntimeError, r"non-negative")
    yield ErrorInput(SampleInput(x, (2, 3), (1,), 0, name="rank mismatch"), RuntimeError, r"length of strides")
    yield ErrorInput(SampleInput(np.ones((2, 3), np.float32), (2,), (1,), 0, name="2-d storage"), RuntimeError,
                     r"contiguous 1-D")


OP_DB = [
    OpInfo("from_bytes", _round_trip, _round_trip_ref, _bytes_samples, dtypes=ALL_DTYPES, supports_grad=False,
           error_inputs=_bytes_errors, tols=EXACT, ref_in_input_dtype=True, family="serialization_ops"),
    OpInfo("storage_view", _view, _view_ref, _view_samples, dtypes=ALL_DTYPES, supports_grad=False,
           error_inputs=_view_errors, tols=EXACT, ref_in_input_dtype=True, noncontig=False,
           family="serialization_ops"),
]
