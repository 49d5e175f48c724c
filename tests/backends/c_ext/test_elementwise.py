"""Differential tests: the native elementwise kernels (ew.c) vs ember_numpy's, broadcasting and strides included.

None of them is registered today (NumPy's SIMD loops are as fast), but they are built, so they stay correct.
"""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ember_cext import elementwise

from ._helpers import array, close, ffi, lib, shapes

K = elementwise.native_kernels(lib, ffi)
NP = elementwise.NP_KERNELS


@pytest.fixture(autouse=True)
def always_native(monkeypatch):
    monkeypatch.setattr(elementwise, "MIN_NATIVE", 0)


def _broadcastable(data, shape):
    """``shape`` with some dims set to 1 and some leading dims dropped."""
    s = [1 if data.draw(st.booleans(), label="ones") else n for n in shape]
    return tuple(s[data.draw(st.integers(0, len(s)), label="drop"):])


@settings(max_examples=60, deadline=None)
@given(data=st.data(), shape=shapes, name=st.sampled_from(sorted(elementwise.BINARY)),
       dtype=st.sampled_from([np.float32, np.float64, np.int32, np.int64]))
def test_binary_matches_numpy(data, shape, name, dtype):
    if name == "div" and np.dtype(dtype).kind == "i":
        dtype = np.float64
    x = array(data, shape, np.float64, scale=50.0).astype(dtype)
    y = array(data, _broadcastable(data, shape), np.float64, scale=50.0).astype(dtype)
    if data.draw(st.booleans(), label="swap"):
        x, y = y, x
    if data.draw(st.booleans(), label="scalar"):
        y = 3 if np.dtype(dtype).kind == "i" else -2.5
    close(K[name](x, y), NP[name](x, y))


def test_integer_overflow_wraps():
    x = np.full(5, np.iinfo(np.int32).max, np.int32)
    close(K["add"](x, x), NP["add"](x, x))
    close(K["mul"](x, 3), NP["mul"](x, 3))


@settings(max_examples=40, deadline=None)
@given(data=st.data(), shape=shapes, name=st.sampled_from(sorted(elementwise.UNARY)),
       dtype=st.sampled_from([np.float32, np.float64]))
def test_unary_matches_numpy(data, shape, name, dtype):
    x = array(data, shape, dtype)
    if name in ("log", "sqrt", "rsqrt"):
        x = np.abs(x) + dtype(0.1)
    close(K[name](x), NP[name](x))


def test_bad_op_code_returns_an_error():
    x = np.ones(3, np.float32)
    p = ffi.from_buffer("float[]", x)
    assert lib.ec_binary_f32(7, 1, [3], p, [1], p, [1], p) == -1
    assert lib.ec_unary_f32(42, 3, p, p) == -1
