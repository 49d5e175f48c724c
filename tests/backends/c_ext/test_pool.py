"""Differential tests: the native max/avg pooling kernels vs ember_numpy's (hypothesis)."""
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ember.ops.pool import pool_geometry
from ember_cext import pool
from ember_numpy.pool import KERNELS as NP

from ._helpers import DTYPES, array, close, ffi, lib

K = pool.kernels(lib, ffi)


@st.composite
def geometries(draw, dilated=True):
    """(input shape, kernel, stride, padding, dilation, ceil_mode) as PyTorch accepts them (pad <= k/2)."""
    d = draw(st.sampled_from([1, 2]))
    kernel = tuple(draw(st.integers(1, 4)) for _ in range(d))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(d))
    padding = tuple(draw(st.integers(0, k // 2)) for k in kernel)
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(d)) if dilated else (1,) * d
    sizes = tuple(draw(st.integers(max(1, (k - 1) * dl + 1 - 2 * p), 11))
                  for k, p, dl in zip(kernel, padding, dilation))
    shape = (draw(st.integers(1, 3)), draw(st.integers(1, 3))) + sizes
    return shape, kernel, stride, padding, dilation, draw(st.booleans())


@settings(max_examples=60, deadline=None)
@given(data=st.data(), geo=geometries(), dtype=DTYPES)
def test_max_pool_and_backward_match_numpy(data, geo, dtype):
    shape, kernel, stride, padding, dilation, ceil_mode = geo
    x = array(data, shape, dtype)
    vals, idx = K["max_pool"](x, kernel, stride, padding, dilation, ceil_mode)
    ref_vals, ref_idx = NP["max_pool"](x, kernel, stride, padding, dilation, ceil_mode)
    # windows with no in-image tap index differently (see test_window_without_input_taps_follows_pytorch)
    assume(np.all(ref_idx >= 0))
    close(vals, ref_vals)
    assert idx.dtype == ref_idx.dtype == np.int64
    np.testing.assert_array_equal(idx, ref_idx)
    g = array(data, vals.shape, dtype)
    close(K["max_pool_backward"](g, idx, shape), NP["max_pool_backward"](g, ref_idx, shape))


@settings(max_examples=60, deadline=None)
@given(data=st.data(), geo=geometries(dilated=False), dtype=DTYPES, count_include_pad=st.booleans(),
       divisor_override=st.sampled_from([None, 0, 3]))
def test_avg_pool_and_backward_match_numpy(data, geo, dtype, count_include_pad, divisor_override):
    shape, kernel, stride, padding, _, ceil_mode = geo
    x = array(data, shape, dtype)
    args = (kernel, stride, padding, ceil_mode, count_include_pad, divisor_override)
    out = K["avg_pool"](x, *args)
    close(out, NP["avg_pool"](x, *args))
    g = array(data, out.shape, dtype)
    close(K["avg_pool_backward"](g, shape, *args), NP["avg_pool_backward"](g, shape, *args))


def test_max_pool_nan_and_ties_follow_pytorch():
    # ties: the first maximum of the window; NaN: the last NaN of the window
    x = np.array([[[[1.0, 3.0, 3.0, np.nan], [2.0, np.nan, 0.0, 1.0]]]], np.float32)
    vals, idx = K["max_pool"](x, (2, 2), (2, 2), (0, 0), (1, 1), False)
    np.testing.assert_array_equal(idx, [[[[5, 3]]]])
    assert np.isnan(vals).all()
    vals, idx = K["max_pool"](x[..., :1, :3], (1, 3), (1, 1), (0, 0), (1, 1), False)
    np.testing.assert_array_equal(idx, [[[[1]]]])
    assert vals.item() == 3.0


def test_window_without_input_taps_follows_pytorch():
    # taps at -1 and 1 of a length-1 input: PyTorch returns -inf, index 1 (past the plane), and no gradient
    x = np.array([[[0.5]]], np.float32)
    vals, idx = K["max_pool"](x, (2,), (1,), (1,), (2,), False)
    assert vals.item() == -np.inf and idx.item() == 1
    np.testing.assert_array_equal(K["max_pool_backward"](np.ones_like(vals), idx, x.shape), [[[0.0]]])


def test_max_pool_backward_ignores_indices_outside_the_plane():
    g = np.ones((1, 1, 3), np.float32)
    out = K["max_pool_backward"](g, np.array([[[0, 5, -1]]]), (1, 1, 4))
    np.testing.assert_array_equal(out, [[[1.0, 0.0, 0.0, 0.0]]])


def test_3d_pooling_falls_back_to_numpy():
    x = np.random.default_rng(0).standard_normal((1, 2, 4, 4, 4))
    for a, b in zip(K["max_pool"](x, (2,) * 3, (2,) * 3, (0,) * 3, (1,) * 3, False),
                    NP["max_pool"](x, (2,) * 3, (2,) * 3, (0,) * 3, (1,) * 3, False)):
        np.testing.assert_array_equal(a, b)
    osp, _ = pool_geometry(x.shape[2:], (2,) * 3, (2,) * 3, (0,) * 3, (1,) * 3, False)
    assert K["avg_pool"](x, (2,) * 3, (2,) * 3, (0,) * 3, False, True, None).shape == x.shape[:2] + osp
