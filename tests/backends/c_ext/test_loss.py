"""Differential tests: the fused cross-entropy kernels vs ember_numpy's (hypothesis)."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ember_cext import loss
from ember_numpy.loss import KERNELS as NP

from ._helpers import DTYPES, array, close, ffi, lib

K = loss.kernels(lib, ffi)


@settings(max_examples=40, deadline=None)
@given(data=st.data(), n=st.integers(1, 12), c=st.integers(1, 9), dtype=DTYPES,
       reduction=st.sampled_from(["none", "sum", "mean"]), ls=st.sampled_from([0.0, 0.1]),
       weighted=st.booleans())
def test_cross_entropy_matches_numpy(data, n, c, dtype, reduction, ls, weighted):
    x = array(data, (n, c), dtype, scale=5.0, layout="c")
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="seed2"))
    t = rng.integers(0, c, n)
    t[rng.random(n) < 0.2] = -100
    w = rng.random(c).astype(dtype) + 0.1 if weighted else np.ones(c, dtype)
    args = (-100, reduction, ls)
    out = K["cross_entropy"](x, t, w, *args)
    expected = NP["cross_entropy"](x, t, w, *args)
    close(out, expected)  # all targets ignored: nan for 'mean' in both
    g = np.asarray(rng.standard_normal(expected.shape)).astype(dtype)
    close(K["cross_entropy_backward"](g, x, t, w, *args), NP["cross_entropy_backward"](g, x, t, w, *args))


@pytest.mark.parametrize("name", ["cross_entropy", "cross_entropy_backward"])
def test_target_out_of_range_raises(name):
    x, w = np.zeros((3, 4), np.float32), np.ones(4, np.float32)
    t = np.array([0, 4, 1])
    args = (x, t, w, -100, "mean", 0.0)
    with pytest.raises(IndexError, match="Target 4 is out of bounds"):
        K[name](*args) if name == "cross_entropy" else K[name](np.float32(1.0).reshape(()), *args)


def test_other_layouts_fall_back():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 4)).astype(np.float32)  # (N, C, d1): the NumPy kernel serves it
    t = rng.integers(0, 3, (2, 4))
    w = np.ones(3, np.float32)
    close(K["cross_entropy"](x, t, w, -100, "mean", 0.0), NP["cross_entropy"](x, t, w, -100, "mean", 0.0))
