"""Differential tests: the fused native LSTM / GRU layers (GEMM in NumPy + one C pass per step) vs ember_numpy's.

The C pass uses a rational tanh approximation (within 6 float32 ulps), so results agree to float32
rounding of a few ulps, not bit for bit."""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ember_cext import rnn
from ember_numpy.rnn import KERNELS as NP

from ._helpers import ffi, lib

K = rnn.kernels(lib, ffi)
F32 = np.float32


def _layer(seed, t, b, h, masked, scale=1.0):
    rng = np.random.default_rng(seed)
    xg = (rng.standard_normal((t, b, 4 * h)) * 2 * scale).astype(F32)
    h0, c0 = rng.standard_normal((b, h)).astype(F32), rng.standard_normal((b, h)).astype(F32)
    w = (rng.standard_normal((4 * h, h)) / np.sqrt(h)).astype(F32)
    mask = (rng.random((t, b)) < 0.7).astype(F32) if masked else np.ones((t, b), F32)
    return xg, h0, c0, w, mask, rng


def _close(actual, expected, rtol, atol):
    assert len(actual) == len(expected)
    for a, e in zip(actual, expected):
        assert a.__class__ is np.ndarray and a.dtype == e.dtype and a.shape == e.shape
        np.testing.assert_allclose(a, e, rtol=rtol, atol=atol)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), t=st.integers(0, 6), b=st.integers(1, 5), h=st.integers(1, 20),
       masked=st.booleans(), scale=st.sampled_from([0.1, 1.0, 10.0]))
def test_lstm_layer_and_backward_match_numpy(seed, t, b, h, masked, scale):
    xg, h0, c0, w, mask, rng = _layer(seed, t, b, h, masked, scale)
    out = K["lstm_layer"](xg, h0, c0, w, mask, False)
    ref = NP["lstm_layer"](xg, h0, c0, w, mask, False)
    _close(out, ref, 2e-5, 2e-6)
    ghs, gcs = rng.standard_normal((t, b, h)).astype(F32), rng.standard_normal((t, b, h)).astype(F32)
    _close(K["lstm_layer_backward"](ghs, gcs, xg, h0, c0, w, mask, *ref, False),
           NP["lstm_layer_backward"](ghs, gcs, xg, h0, c0, w, mask, *ref, False), 2e-4, 2e-5)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), t=st.integers(0, 6), b=st.integers(1, 5), h=st.integers(1, 20),
       masked=st.booleans(), scale=st.sampled_from([0.1, 1.0, 10.0]))
def test_gru_layer_and_backward_match_numpy(seed, t, b, h, masked, scale):
    rng = np.random.default_rng(seed)
    xg = (rng.standard_normal((t, b, 3 * h)) * 2 * scale).astype(F32)
    h0, b_hh = rng.standard_normal((b, h)).astype(F32), rng.standard_normal(3 * h).astype(F32)
    w = (rng.standard_normal((3 * h, h)) / np.sqrt(h)).astype(F32)
    mask = (rng.random((t, b)) < 0.7).astype(F32) if masked else np.ones((t, b), F32)
    out = K["gru_layer"](xg, h0, w, b_hh, mask)
    ref = NP["gru_layer"](xg, h0, w, b_hh, mask)
    _close(out, ref, 2e-5, 2e-6)
    ghs = rng.standard_normal((t, b, h)).astype(F32)
    _close(K["gru_layer_backward"](ghs, xg, h0, w, b_hh, mask, *ref),
           NP["gru_layer_backward"](ghs, xg, h0, w, b_hh, mask, *ref), 2e-4, 2e-5)


def test_non_contiguous_inputs():
    xg, h0, c0, w, mask, rng = _layer(0, 4, 3, 5, True)
    xg_t = np.asfortranarray(xg)
    w_t = np.ascontiguousarray(w.T).T
    _close(K["lstm_layer"](xg_t, h0.T.copy().T, c0, w_t, mask, False),
           NP["lstm_layer"](xg, h0, c0, w, mask, False), 2e-5, 2e-6)


def test_float64_and_projection_fall_back_to_numpy():
    xg, h0, c0, w, mask, rng = _layer(1, 3, 2, 4, False)
    args64 = [a.astype(np.float64) for a in (xg, h0, c0, w, mask)]
    for a, e in zip(K["lstm_layer"](*args64, False), NP["lstm_layer"](*args64, False)):
        np.testing.assert_array_equal(a, e)
    w_hr = rng.standard_normal((3, 4)).astype(F32)
    h0p = rng.standard_normal((2, 3)).astype(F32)
    wp = rng.standard_normal((16, 3)).astype(F32)
    for a, e in zip(K["lstm_layer"](xg, h0p, c0, wp, mask, w_hr, True),
                    NP["lstm_layer"](xg, h0p, c0, wp, mask, w_hr, True)):
        np.testing.assert_array_equal(a, e)
