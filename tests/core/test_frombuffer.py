"""ember.frombuffer against torch.frombuffer: values, dtypes, memory sharing and errors."""
from __future__ import annotations

import array

import pytest
import torch

import ember


@pytest.mark.parametrize("dtype", ["uint8", "int16", "int32", "int64", "float32", "float64", "bool"])
@pytest.mark.parametrize("count,offset", [(-1, 0), (2, 0), (-1, 8), (1, 16)])
def test_matches_torch(dtype, count, offset):
    data = bytes(range(1, 33)) if dtype != "bool" else bytes([0, 1] * 16)
    e = ember.frombuffer(bytearray(data), dtype=getattr(ember, dtype), count=count, offset=offset)
    t = torch.frombuffer(bytearray(data), dtype=getattr(torch, dtype), count=count, offset=offset)
    assert e.dtype.name == str(t.dtype).split(".")[1]
    assert e.tolist() == t.tolist()


def test_writable_buffer_shares_memory_and_bytes_are_copied():
    buf = bytearray(8)
    t = ember.frombuffer(buf, dtype=ember.int32)
    t[1] = 7
    assert buf[4] == 7
    ro = bytes(4)
    r = ember.frombuffer(ro, dtype=ember.uint8)
    r[0] = 9  # a read-only buffer is copied, so writing works and leaves the bytes alone
    assert ro == bytes(4) and r.tolist() == [9, 0, 0, 0]
    f = ember.frombuffer(array.array("f", [1.5, -2.0]), dtype=ember.float32)
    assert f.tolist() == [1.5, -2.0]


@pytest.mark.parametrize("kwargs", [dict(count=3), dict(offset=9), dict(offset=-1), dict(count=0)])
def test_errors_match_torch(kwargs):
    with pytest.raises(ValueError) as te:
        torch.frombuffer(bytearray(8), dtype=torch.int32, **kwargs)
    with pytest.raises(ValueError) as ee:
        ember.frombuffer(bytearray(8), dtype=ember.int32, **kwargs)
    assert "frombuffer()" in str(ee.value)
    words = {w for w in str(te.value).split() if w.isalpha() and len(w) > 4}
    assert words & set(str(ee.value).split())


def test_negative_count_means_all_like_torch():
    assert ember.frombuffer(bytearray(8), dtype=ember.int32, count=-2).tolist() == [0, 0]


def test_non_buffer_is_a_type_error():
    with pytest.raises(TypeError, match="buffer protocol"):
        ember.frombuffer([1, 2, 3], dtype=ember.uint8)
