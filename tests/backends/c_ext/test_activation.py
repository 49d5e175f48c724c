"""Differential tests: the fused activation and softmax kernels vs ember_numpy's (hypothesis)."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ember_cext import activation
from ember_numpy.activation import KERNELS as NP

from ._helpers import DTYPES, array, close, ffi, lib, shapes

K = activation.kernels(lib, ffi)
FORWARD = [("relu", ()), ("leaky_relu", (0.2,)), ("gelu", ("none",)), ("gelu", ("tanh",)), ("silu", ()),
           ("sigmoid", ())]
BACKWARD = [("relu_backward", ()), ("gelu_backward", ("none",)), ("gelu_backward", ("tanh",)),
            ("silu_backward", ())]


@pytest.fixture(autouse=True)
def always_native(monkeypatch):
    monkeypatch.setattr(activation, "MIN_NATIVE", 0)


def _np(name):
    from ember_numpy.math import KERNELS as NP_MATH
    return NP.get(name) or NP_MATH[name]


@settings(max_examples=30, deadline=None)
@given(data=st.data(), shape=shapes, dtype=DTYPES, case=st.sampled_from(FORWARD))
def test_forward_matches_numpy(data, shape, dtype, case):
    name, params = case
    x = array(data, shape, dtype)
    close(K[name](x, *params), _np(name)(x, *params))


@settings(max_examples=30, deadline=None)
@given(data=st.data(), shape=shapes, dtype=DTYPES, case=st.sampled_from(BACKWARD))
def test_backward_matches_numpy(data, shape, dtype, case):
    name, params = case
    g, x = array(data, shape, dtype), array(data, shape, dtype)
    s = NP["relu"](x) if name == "relu_backward" else x
    # compare with the float64 result: (1 + tanh) and (1 + erf) cancel for x << 0, so in float32 both backends
    # carry an absolute error of a few float32 ulps of 1 there
    out = K[name](g, s, *params)
    exact = _np(name)(g.astype(np.float64), s.astype(np.float64), *params)
    assert out.dtype == dtype and out.shape == exact.shape
    atol = 3e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(out, exact, rtol=1e-4 if dtype == np.float32 else 1e-10, atol=atol)


def test_special_values():
    x = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 100.0, -100.0, 1e-30, -1e-30], np.float32)
    for name, params in FORWARD:
        np.testing.assert_array_equal(np.isnan(K[name](x, *params)), np.isnan(_np(name)(x, *params)))
        close(K[name](x[~np.isnan(x)], *params), _np(name)(x[~np.isnan(x)], *params))


@settings(max_examples=30, deadline=None)
@given(data=st.data(), shape=shapes, dtype=DTYPES, name=st.sampled_from(["softmax", "log_softmax"]))
def test_softmax_matches_numpy(data, shape, dtype, name):
    x = array(data, shape, dtype, scale=10.0)
    dim = data.draw(st.integers(-len(shape), len(shape) - 1), label="dim")
    y = K[name](x, dim)
    close(y, NP[name](x, dim))
    g = array(data, shape, dtype)
    close(K[name + "_backward"](g, y, dim), NP[name + "_backward"](g, y, dim))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_log_softmax_of_large_equal_logits_keeps_full_precision(dtype):
    """(x - max) - log(sum) as NumPy computes it: x - (max + log(sum)) would round max + log(3) to the float
    grid around 1e4 and lose four digits in float32."""
    x = np.array([[1000.0, 0.0, -1000.0], [-1e4, -1e4, -1e4], [3e4, 3e4 + 1, 3e4 - 1]], dtype)
    close(K["log_softmax"](x, 1), NP["log_softmax"](x, 1))
    np.testing.assert_allclose(K["log_softmax"](x, 1)[1], -np.log(3.0), rtol=1e-7)


def test_unknown_op_code_is_an_error_not_a_crash():
    x = np.ones(4, np.float32)
    assert lib.ec_act_f32(99, 4, ffi.from_buffer("float[]", x), ffi.from_buffer("float[]", x), 0.0) == -1
