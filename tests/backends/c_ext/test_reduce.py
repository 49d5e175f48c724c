"""Differential tests: the native reductions (sum, mean, var, std, amax/amin, argmax/argmin, max/min along a
dim) vs ember_numpy's kernels, on random shapes, reduced dims, layouts and dtypes (hypothesis)."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ember
from ember_cext import reduce
from ember_numpy.reduce import KERNELS as NP

from ._helpers import DTYPES, array, ffi, lib, shapes

K = reduce.native_kernels(lib, ffi)
EMBER = {np.dtype(np.float32): ember.float32, np.dtype(np.float64): ember.float64}


@pytest.fixture(autouse=True)
def always_native(monkeypatch):
    monkeypatch.setattr(reduce, "MIN_NATIVE", 0)
    monkeypatch.setattr(reduce, "MIN_SUM", 0)


def _dims(data, ndim):
    return tuple(sorted(data.draw(st.sets(st.integers(0, ndim - 1), min_size=1), label="dims")))


def _inject(data, x, nan=True, ties=True):
    """Make ties likely (values rounded in place, keeping the layout) and maybe put NaNs in."""
    if ties and data.draw(st.booleans(), label="ties"):
        x[...] = np.round(x)
    if nan and x.size and data.draw(st.booleans(), label="nan"):
        flat = data.draw(st.lists(st.integers(0, x.size - 1), min_size=1, max_size=3), label="nan at")
        for i in flat:
            x[np.unravel_index(i, x.shape)] = np.nan
    return x


def _bound(x, dims, keepdim):
    """A rounding-error bound for a sum over ``dims``: (64 + n / 32) ulps of the sum of magnitudes (partials
    over blocks of 32 rows are added one after the other; NumPy's column sums add every row that way)."""
    mag = NP["sum"](np.abs(x.astype(np.float64)), dims, keepdim, ember.float64)
    return (64 + reduce._count(x.shape, dims) / 32) * np.finfo(x.dtype).eps * mag


@settings(max_examples=60, deadline=None)
@given(data=st.data(), shape=shapes, dtype=DTYPES, keepdim=st.booleans(), name=st.sampled_from(["sum", "mean"]))
def test_sum_mean_match_numpy(data, shape, dtype, keepdim, name):
    x = array(data, shape, dtype)
    dims = _dims(data, len(shape))
    out = K[name](x, dims, keepdim, EMBER[x.dtype])
    ref = NP[name](x, dims, keepdim, EMBER[x.dtype])
    exact = NP[name](x.astype(np.float64), dims, keepdim, ember.float64)
    assert out.__class__ is np.ndarray and out.dtype == ref.dtype and out.shape == ref.shape
    tol = _bound(x, dims, keepdim) / (reduce._count(shape, dims) if name == "mean" else 1)
    assert np.all(np.abs(out - exact) <= tol + np.finfo(dtype).tiny)


@settings(max_examples=60, deadline=None)
@given(data=st.data(), shape=shapes, dtype=DTYPES, keepdim=st.booleans(), correction=st.sampled_from([0, 1, 2, 0.5]),
       name=st.sampled_from(["var", "std"]))
def test_var_std_match_numpy(data, shape, dtype, keepdim, correction, name):
    x = array(data, shape, dtype)
    dims = _dims(data, len(shape))
    with np.errstate(all="ignore"):
        out = K[name](x, dims, correction, keepdim)
        ref = NP[name](x, dims, correction, keepdim)
        exact = NP[name](x.astype(np.float64), dims, correction, keepdim).astype(dtype)
    assert out.__class__ is np.ndarray and out.dtype == ref.dtype and out.shape == ref.shape
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(out, exact, rtol=rtol, atol=rtol, equal_nan=True)  # inf/nan where n <= correction


@settings(max_examples=60, deadline=None)
@given(data=st.data(), shape=shapes, dtype=DTYPES, keepdim=st.booleans(), name=st.sampled_from(["amax", "amin"]))
def test_amax_amin_match_numpy_with_nan(data, shape, dtype, keepdim, name):
    x = _inject(data, array(data, shape, dtype))
    dims = _dims(data, len(shape))
    out, ref = K[name](x, dims, keepdim), NP[name](x, dims, keepdim)
    assert out.dtype == ref.dtype and out.shape == ref.shape
    np.testing.assert_array_equal(out, ref)  # exact, NaN where the slice has one


@settings(max_examples=60, deadline=None)
@given(data=st.data(), shape=shapes, dtype=DTYPES, keepdim=st.booleans(),
       name=st.sampled_from(["argmax", "argmin", "max_dim", "min_dim"]))
def test_index_reductions_first_index_and_nan(data, shape, dtype, keepdim, name):
    """Ties give the first index and a NaN wins (its first occurrence), as in PyTorch."""
    x = _inject(data, array(data, shape, dtype))
    dim = data.draw(st.integers(0, len(shape) - 1), label="dim")
    out, ref = K[name](x, dim, keepdim), NP[name](x, dim, keepdim)
    for o, r in zip(out, ref) if name.endswith("_dim") else [(out, ref)]:
        assert o.__class__ is np.ndarray and o.dtype == r.dtype and o.shape == r.shape
        np.testing.assert_array_equal(o, r)


def test_flat_argmax_goes_to_numpy():
    x = np.arange(12.0, dtype=np.float32).reshape(3, 4)
    np.testing.assert_array_equal(K["argmax"](x, None, True), np.array([[11]]))


@pytest.mark.parametrize("shape,dims,mode", [
    ((4, 5, 6), (0, 1, 2), 0), ((4, 5, 6), (2,), 0), ((4, 5, 6), (0,), 0), ((4, 5, 6), (1,), 0),
    ((4, 5, 6, 7), (0, 2, 3), 1), ((4, 1, 5, 6), (0, 2), 0), ((4, 5, 1, 6), (1, 2), 0)])
def test_plan_covers_blocks(shape, dims, mode):
    p = reduce.plan(np.zeros(shape, np.float32), dims)
    assert p is not None and p[1] == mode


def test_plan_layouts():
    x = np.zeros((4, 5, 6), np.float32)
    assert reduce.plan(x, (0, 2)) is not None and reduce.plan(x, (0, 1, 2)) is not None
    assert reduce.plan(np.zeros((3, 4, 5, 6), np.float32), (0, 2)) is None  # kept, reduced, kept, reduced
    assert reduce.plan(x.transpose(2, 0, 1), (0,)) is not None  # contiguous after reordering the axes
    assert reduce.plan(x.transpose(2, 1, 0), (1,)) is None  # the kept dims would come out transposed
    assert reduce.plan(x[:, ::2], (1,)) is None  # a strided slice
    assert reduce.plan(x.astype(np.float16), (1,)) is None


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape,dims", [((3, 400001), (1,)), ((400001, 3), (0,)), ((1200003,), (0,)),
                                        ((9, 64, 2000), (0, 2))])
def test_large_inputs_split_across_threads(shape, dims, dtype):
    """Over 1M elements (run in parallel): long rows split into pieces, columns into tiles; as NumPy."""
    x = (np.random.default_rng(1).standard_normal(shape) + 1).astype(dtype)
    x.reshape(-1)[12345] = 9.0
    f = EMBER[np.dtype(dtype)]
    exact = NP["sum"](x.astype(np.float64), dims, False, ember.float64)
    np.testing.assert_array_less(np.abs(K["sum"](x, dims, False, f) - exact), _bound(x, dims, False) + 1e-30)
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(K["var"](x, dims, 1, False), NP["var"](x.astype(np.float64), dims, 1, False),
                               rtol=rtol)
    np.testing.assert_array_equal(K["amax"](x, dims, False), NP["amax"](x, dims, False))
    if len(dims) == 1 and dims[0] < x.ndim - 1:
        for o, r in zip(K["max_dim"](x, dims[0], False), NP["max_dim"](x, dims[0], False)):
            np.testing.assert_array_equal(o, r)


def test_bad_sizes_are_an_error_not_a_crash():
    x = np.ones(4, np.float32)
    px, po = ffi.from_buffer("float[]", x), ffi.from_buffer("float[]", x)
    assert lib.ec_sum_f32(2, 1, 4, 1, px, 1.0, po) == -1
    assert lib.ec_sum_f32(0, -1, 4, 1, px, 1.0, po) == -1
    assert lib.ec_extreme_f32(0, 0, 1, 0, 4, px, po) == -1
    assert lib.ec_argext_f32(0, 1, 0, 4, px, po, ffi.NULL) == -1


def test_same_bits_for_any_thread_count():
    x = np.random.default_rng(2).standard_normal((5, 300001)).astype(np.float32)
    before = lib.ec_get_num_threads()
    try:
        results = []
        for n in (1, 2, 3):
            lib.ec_set_num_threads(n)
            results.append((K["sum"](x, (1,), False, ember.float32), K["var"](x, (0, 1), 1, False)))
    finally:
        lib.ec_set_num_threads(before)
    for s, v in results[1:]:
        np.testing.assert_array_equal(s, results[0][0])
        np.testing.assert_array_equal(v, results[0][1])
