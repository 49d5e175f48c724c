"""Differential tests: the native batch norm / layer norm kernels vs ember_numpy's (hypothesis)."""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ember_cext import norm
from ember_numpy.norm import KERNELS as NP

from ._helpers import DTYPES, array, ffi, lib

K = norm.kernels(lib, ffi)
# statistics accumulate in double in C and pairwise in the array type in NumPy
TOL = {np.dtype(np.float32): dict(rtol=2e-4, atol=2e-5), np.dtype(np.float64): dict(rtol=1e-9, atol=1e-11)}


def _close_all(actual, expected):
    assert len(actual) == len(expected)
    for a, e in zip(actual, expected):
        assert a.__class__ is np.ndarray and a.dtype == e.dtype and a.shape == e.shape
        np.testing.assert_allclose(a, e, **TOL[e.dtype])


batch_shapes = st.lists(st.integers(1, 6), min_size=2, max_size=4).map(tuple)


@settings(max_examples=50, deadline=None)
@given(data=st.data(), shape=batch_shapes, dtype=DTYPES, eps=st.sampled_from([1e-5, 0.1]))
def test_batch_norm_forward_and_backward_match_numpy(data, shape, dtype, eps):
    x = array(data, shape, dtype) + 2
    w, b = array(data, shape[1:2], dtype), array(data, shape[1:2], dtype)
    out = K["batch_norm"](x, w, b, eps)
    _close_all(out, NP["batch_norm"](x, w, b, eps))
    g = array(data, shape, dtype)
    _close_all(K["batch_norm_backward"](g, x, w, out[1], out[2], eps),
               NP["batch_norm_backward"](g, x, w, out[1], out[2], eps))


@settings(max_examples=50, deadline=None)
@given(data=st.data(), shape=batch_shapes, dtype=DTYPES, k=st.integers(1, 4))
def test_layer_norm_forward_and_backward_match_numpy(data, shape, dtype, k):
    k = min(k, len(shape))
    x = array(data, shape, dtype) - 1
    w, b = array(data, shape[len(shape) - k:], dtype), array(data, shape[len(shape) - k:], dtype)
    out = K["layer_norm"](x, w, b, k, 1e-5)
    _close_all(out, NP["layer_norm"](x, w, b, k, 1e-5))
    g = array(data, shape, dtype)
    _close_all(K["layer_norm_backward"](g, x, w, out[1], out[2], k, 1e-5),
               NP["layer_norm_backward"](g, x, w, out[1], out[2], k, 1e-5))


def test_wide_rows_use_the_partial_sum_blocks():
    rng = np.random.default_rng(0)
    x, g = rng.standard_normal((300, 70)), rng.standard_normal((300, 70))
    w, b = rng.standard_normal(70), rng.standard_normal(70)
    out = K["layer_norm"](x, w, b, 1, 1e-5)
    _close_all(K["layer_norm_backward"](g, x, w, out[1], out[2], 1, 1e-5),
               NP["layer_norm_backward"](g, x, w, out[1], out[2], 1, 1e-5))


def test_half_precision_falls_back_to_numpy():
    x = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float16)
    w, b = np.ones(3, np.float16), np.zeros(3, np.float16)
    for a, e in zip(K["batch_norm"](x, w, b, 1e-5), NP["batch_norm"](x, w, b, 1e-5)):
        np.testing.assert_array_equal(a, e)
