"""Shared strategies for the c_ext differential tests (native kernel vs the NumPy backend's)."""
import numpy as np
from hypothesis import strategies as st

from ember_cext._lib import ffi, lib

DTYPES = st.sampled_from([np.float32, np.float64])
TOL = {np.dtype(np.float32): dict(rtol=2e-5, atol=3e-6), np.dtype(np.float64): dict(rtol=1e-11, atol=1e-13),
       np.dtype(np.int32): dict(rtol=0, atol=0), np.dtype(np.int64): dict(rtol=0, atol=0)}
shapes = st.lists(st.integers(1, 9), min_size=1, max_size=4).map(tuple)


def array(data, shape, dtype, scale=3.0, layout=None):
    """A random array of ``shape``: C-contiguous, transposed or strided (the layout is drawn)."""
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="seed"))
    if not shape:
        return np.asarray(rng.standard_normal() * scale).astype(dtype)
    layout = layout or data.draw(st.sampled_from(["c", "transposed", "strided"]), label="layout")
    if layout == "transposed":
        return (rng.standard_normal(shape[::-1]) * scale).astype(dtype).T
    if layout == "strided":
        return (rng.standard_normal(tuple(2 * n for n in shape)) * scale).astype(dtype)[tuple(slice(None, None, 2)
                                                                                              for _ in shape)]
    return (rng.standard_normal(shape) * scale).astype(dtype)


def close(actual, expected):
    assert actual.__class__ is np.ndarray and actual.dtype == expected.dtype and actual.shape == expected.shape
    np.testing.assert_allclose(actual, expected, equal_nan=True, **TOL[expected.dtype])


__all__ = ["DTYPES", "array", "close", "ffi", "lib", "shapes"]
