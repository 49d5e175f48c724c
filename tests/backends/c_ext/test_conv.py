"""Differential tests: the native conv kernels (im2col/col2im in C) vs ember_numpy's (hypothesis)."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ember_cext import conv
from ember_numpy.conv import KERNELS as NP

from ._helpers import DTYPES, array, ffi, lib

K = conv.kernels(lib, ffi)
TOL = {np.dtype(np.float32): dict(rtol=1e-4, atol=1e-4), np.dtype(np.float64): dict(rtol=1e-10, atol=1e-10)}


def _close(actual, expected):
    assert actual.__class__ is np.ndarray and actual.dtype == expected.dtype and actual.shape == expected.shape
    np.testing.assert_allclose(actual, expected, **TOL[expected.dtype])


@st.composite
def geometries(draw):
    """(input shape, weight shape, stride, padding, dilation, groups) of a valid 1-D or 2-D convolution."""
    d = draw(st.sampled_from([1, 2]))
    groups = draw(st.sampled_from([1, 1, 2, 3]))
    n, cg, og = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    ksize = tuple(draw(st.integers(1, 3)) for _ in range(d))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(d))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(d))
    padding = tuple(draw(st.one_of(st.integers(0, 2), st.tuples(st.integers(0, 2), st.integers(0, 2))))
                    for _ in range(d))
    sizes = []
    for k, dl, p in zip(ksize, dilation, padding):
        a, b = p if isinstance(p, tuple) else (p, p)
        sizes.append(draw(st.integers(max(1, (k - 1) * dl + 1 - a - b), 12)))
    return (n, cg * groups) + tuple(sizes), (og * groups, cg) + ksize, stride, padding, dilation, groups


@settings(max_examples=60, deadline=None)
@given(data=st.data(), geo=geometries(), dtype=DTYPES)
def test_conv_and_both_adjoints_match_numpy(data, geo, dtype):
    xs, ws, stride, padding, dilation, groups = geo
    x, w = array(data, xs, dtype), array(data, ws, dtype)
    out = K["conv"](x, w, stride, padding, dilation, groups)
    _close(out, NP["conv"](x, w, stride, padding, dilation, groups))
    g = array(data, out.shape, dtype)
    _close(K["conv_backward_input"](g, w, xs, stride, padding, dilation, groups),
           NP["conv_backward_input"](g, w, xs, stride, padding, dilation, groups))
    _close(K["conv_backward_weight"](x, g, ws, stride, padding, dilation, groups),
           NP["conv_backward_weight"](x, g, ws, stride, padding, dilation, groups))


@pytest.mark.parametrize("xs, ws, stride, padding, groups", [
    ((2, 4, 20, 20), (8, 4, 1, 1), (1, 1), (0, 0), 1),      # pointwise: no columns at all
    ((2, 4, 20, 20), (8, 2, 1, 1), (2, 2), (0, 0), 2),      # strided 1x1 downsample
    ((2, 4, 20, 20), (4, 1, 3, 3), (1, 1), (1, 1), 4),      # depthwise, flipped-kernel input gradient
    ((2, 3, 18, 18), (5, 3, 3, 3), (1, 1), (0, 0), 1),      # >= 256 output pixels: per-image columns
])
def test_layout_paths_match_numpy(xs, ws, stride, padding, groups):
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal(xs).astype(np.float32), rng.standard_normal(ws).astype(np.float32)
    out = K["conv"](x, w, stride, padding, (1, 1), groups)
    _close(out, NP["conv"](x, w, stride, padding, (1, 1), groups))
    g = rng.standard_normal(out.shape).astype(np.float32)
    _close(K["conv_backward_input"](g, w, xs, stride, padding, (1, 1), groups),
           NP["conv_backward_input"](g, w, xs, stride, padding, (1, 1), groups))
    _close(K["conv_backward_weight"](x, g, ws, stride, padding, (1, 1), groups),
           NP["conv_backward_weight"](x, g, ws, stride, padding, (1, 1), groups))


def test_3d_and_half_fall_back_to_numpy():
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal((1, 2, 4, 4, 4)), rng.standard_normal((3, 2, 2, 2, 2))
    np.testing.assert_array_equal(K["conv"](x, w, (1,) * 3, (0,) * 3, (1,) * 3, 1),
                                  NP["conv"](x, w, (1,) * 3, (0,) * 3, (1,) * 3, 1))
    xh, wh = x[:, :, 0].astype(np.float16), w[:, :, 0].astype(np.float16)
    out = K["conv"](xh, wh, (1, 1), (0, 0), (1, 1), 1)
    assert out.dtype == np.float16
    np.testing.assert_array_equal(out, NP["conv"](xh, wh, (1, 1), (0, 0), (1, 1), 1))


def test_1x1_kernel_with_one_sided_padding_is_not_pointwise():
    # only the left/top pads reach C; a right pad still grows the output, so the no-columns path is wrong here
    x, w = np.full((1, 1, 3), 2.0, np.float32), np.full((1, 1, 1), 3.0, np.float32)
    for name, args in [("conv", (x, w)), ("conv_backward_weight", (x, np.ones((1, 1, 4), np.float32), w.shape))]:
        _close(K[name](*args, (1,), ((0, 1),), (1,), 1), NP[name](*args, (1,), ((0, 1),), (1,), 1))
    g = np.ones((1, 1, 4), np.float32)
    _close(K["conv_backward_input"](g, w, x.shape, (1,), ((0, 1),), (1,), 1),
           NP["conv_backward_input"](g, w, x.shape, (1,), ((0, 1),), (1,), 1))


@settings(max_examples=40, deadline=None)
@given(data=st.data(), n=st.integers(1, 3), c=st.integers(1, 5), cout=st.integers(1, 4),
       h=st.integers(1, 9), w=st.integers(1, 9),
       padding=st.one_of(st.integers(0, 2), st.tuples(st.integers(0, 2), st.integers(0, 2))), dtype=DTYPES)
def test_winograd_matches_numpy(data, n, c, cout, h, w, padding, dtype):
    """3x3 stride-1 convolutions through Winograd F(2x2, 3x3) (forced for every channel count): odd and
    even output sizes (partial tiles), different padding per dim, the flipped-kernel input gradient and
    the weight gradient (the transforms' adjoint)."""
    ph, pw = padding if isinstance(padding, tuple) else (padding, padding)
    h, w = max(h, 3 - 2 * ph), max(w, 3 - 2 * pw)
    x, wt = array(data, (n, c, h, w), dtype), array(data, (cout, c, 3, 3), dtype)
    args = ((1, 1), (ph, pw), (1, 1), 1)
    saved, conv.WINO_MIN_CHANNELS = conv.WINO_MIN_CHANNELS, 1
    try:
        out = K["conv"](x, wt, *args)
        g = array(data, out.shape, dtype)
        gx = K["conv_backward_input"](g, wt, x.shape, *args)
        gw = K["conv_backward_weight"](x, g, wt.shape, *args)
    finally:
        conv.WINO_MIN_CHANNELS = saved
    _close(out, NP["conv"](x, wt, *args))
    _close(gx, NP["conv_backward_input"](g, wt, x.shape, *args))
    _close(gw, NP["conv_backward_weight"](x, g, wt.shape, *args))


def test_winograd_resnet_channels_match_numpy():
    """The default threshold: 64 channels run Winograd; float32 stays within the im2col path's error."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 64, 8, 8)).astype(np.float32)
    wt = rng.standard_normal((64, 64, 3, 3)).astype(np.float32)
    ref = NP["conv"](x.astype(np.float64), wt.astype(np.float64), (1, 1), (1, 1), (1, 1), 1)
    out = K["conv"](x, wt, (1, 1), (1, 1), (1, 1), 1)
    assert out.dtype == np.float32 and out.shape == ref.shape
    np.testing.assert_allclose(out, ref, rtol=1e-4, atol=1e-4 * np.abs(ref).max())
