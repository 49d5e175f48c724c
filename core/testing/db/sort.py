"""OpInfos for ember/ops/sort.py: sorting, selection, unique, searching, histograms.

Sort-like samples hold distinct values (a shuffled arange) so the indices are unique;
ties are checked separately with ``stable=True`` where the order is defined.
"""
from __future__ import annotations

import ember
import numpy as np
from ember.testing.opinfo import ALL_DTYPES, FLOAT_DTYPES, INT_DTYPES, OpInfo, SampleInput

from ._samples import NUMERIC, error_cases as _errors, int64_result, make_array, np_dtype, zeros as _z

_F32 = np.float32


def _distinct(shape, dtype, rng):
    """Distinct values exactly representable in every dtype (bool: random)."""
    if dtype == "bool":
        return np.asarray(rng.random(shape) < 0.5)
    n = int(np.prod(shape))
    v = rng.permutation(n).astype(np.float64)
    if dtype not in ("uint8",):
        v -= n // 2
    if dtype in FLOAT_DTYPES:
        v = v * 0.5
    return v.reshape(shape).astype(np_dtype(dtype))


def _ties(shape, dtype, rng):
    """Many equal values: integers in [0, 3) (bool: random)."""
    if dtype == "bool":
        return rng.random(shape) < 0.5
    return rng.integers(0, 3, shape).astype(np_dtype(dtype))


def _samples(cases, make=_distinct):
    """``cases``: list of (shape, kwargs)."""
    def gen(dtype, rng):
        for shape, kw in cases:
            yield SampleInput(make(shape, dtype, rng), name=f"{shape} {kw}", **kw)
    return gen


# --- references --------------------------------------------------------------------------

def _np_argsort(x, dim=-1, descending=False, stable=False):
    if x.ndim == 0:
        return np.zeros((), np.int64)
    if not descending:
        return np.argsort(x, axis=dim, kind="stable")
    n = x.shape[dim]
    return (n - 1) - np.flip(np.argsort(np.flip(x, dim), axis=dim, kind="stable"), dim)


def _np_sort(x, dim=-1, descending=False, stable=False):
    idx = _np_argsort(x, dim, descending)
    return (x.copy() if x.ndim == 0 else np.take_along_axis(x, idx, dim)), idx


def _np_topk(x, k, dim=-1, largest=True, sorted=True):
    if x.ndim == 0:
        return x.copy(), np.zeros((), np.int64)
    idx = np.take(_np_argsort(x, dim, largest), np.arange(k), axis=dim)
    return np.take_along_axis(x, idx, dim), idx


def _np_kthvalue(x, k, dim=-1, keepdim=False):
    if x.ndim == 0:
        return x.copy(), np.zeros((), np.int64)
    idx = np.take(_np_argsort(x, dim), np.arange(k - 1, k), axis=dim)
    v = np.take_along_axis(x, idx, dim)
    return (v, idx) if keepdim else (v.squeeze(dim), idx.squeeze(dim))


def _np_unique(x, sorted=True, return_inverse=False, return_counts=False, dim=None):
    v, inv, cnt = np.unique(x, return_inverse=True, return_counts=True, axis=dim)
    inv = inv.reshape(x.shape) if dim is None else inv.reshape(-1)
    res = (v,) + ((inv,) if return_inverse else ()) + ((cnt,) if return_counts else ())
    return res[0] if len(res) == 1 else res


def _np_unique_consecutive(x, return_inverse=False, return_counts=False, dim=None):
    rows = x.reshape(-1, 1) if dim is None else np.moveaxis(x, dim, 0).reshape(x.shape[dim], -1)
    new = np.ones(rows.shape[0], bool)
    new[1:] = (rows[1:] != rows[:-1]).any(1)
    starts = np.flatnonzero(new)
    vals = x.reshape(-1)[starts] if dim is None else np.moveaxis(np.moveaxis(x, dim, 0)[starts], 0, dim)
    inv = np.cumsum(new) - 1
    inv = inv.reshape(x.shape) if dim is None else inv
    cnt = np.diff(np.append(starts, rows.shape[0]))
    res = (vals,) + ((inv,) if return_inverse else ()) + ((cnt,) if return_counts else ())
    return res[0] if len(res) == 1 else res


def _np_searchsorted(seq, v, right=False, out_int32=False, side=None, sorter=None):
    side = side or ("right" if right else "left")
    if sorter is not None:
        seq = np.take_along_axis(seq, sorter, -1)
    if seq.ndim == 1:
        return np.searchsorted(seq, v, side=side)
    r = [np.searchsorted(a, b, side=side) for a, b in zip(seq.reshape(-1, seq.shape[-1]), v.reshape(-1, v.shape[-1]))]
    return np.stack(r).reshape(v.shape)


def _sorted_samples(dtype, rng):
    seq = np.sort(make_array((6,), dtype, rng), kind="stable")
    vals = make_array((3, 4), dtype, rng)
    yield SampleInput(seq, vals, name="1-D boundaries")
    yield SampleInput(seq, vals, right=True, name="right")
    yield SampleInput(seq, vals, side="right", out_int32=True, name="side right, int32")
    yield SampleInput(np.sort(make_array((2, 5), dtype, rng), -1, kind="stable"), make_array((2, 3), dtype, rng),
                      name="N-D boundaries")
    perm = rng.permutation(6)
    yield SampleInput(seq[np.argsort(perm)], vals[0], sorter=np.argsort(seq[np.argsort(perm)], kind="stable"),
                      name="sorter")
    yield SampleInput(seq, make_array((0,), dtype, rng), name="empty values")


def _bucketize_samples(dtype, rng):
    for kw in ({}, {"right": True}, {"out_int32": True}):
        yield SampleInput(make_array((3, 4), dtype, rng), np.sort(make_array((5,), dtype, rng), kind="stable"),
                          name=str(kw), **kw)


def _np_histc(x, bins=100, min=0, max=0):
    lo, hi = float(min), float(max)
    if lo == hi and x.size:
        lo, hi = float(x.min()), float(x.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    return np.histogram(x, bins, range=(lo, hi))[0].astype(x.dtype)


def _histc_samples(dtype, rng):
    yield SampleInput(make_array((20,), dtype, rng), bins=7, name="data range")
    yield SampleInput(make_array((4, 5), dtype, rng), bins=4, min=-1, max=2, name="explicit range")
    yield SampleInput(np.full((3,), 1.5, np_dtype(dtype)), bins=4, name="constant input")
    yield SampleInput(make_array((0,), dtype, rng), bins=3, name="empty")


def _np_histogram(x, bins, range=None, weight=None, density=False):
    if range is None and x.size:
        range = (x.min(), x.max())
    h, e = np.histogram(x.reshape(-1), bins, range=range, weights=None if weight is None else weight.reshape(-1),
                        density=density)
    return h, e


def _histogram_samples(dtype, rng):
    x = make_array((12,), dtype, rng)
    yield SampleInput(x, 5, name="bins=5")
    yield SampleInput(make_array((3, 4), dtype, rng), 4, range=(-2.0, 2.0), weight=make_array((3, 4), dtype, rng),
                      name="range, weight")
    yield SampleInput(x, np.array([-3.0, -1.0, 0.5, 3.0], np_dtype(dtype)), density=True, name="edges, density")


def _bincount_samples(dtype, rng):
    x = make_array((10,), dtype, rng, low=0, high=6)
    yield SampleInput(x, name="counts")
    yield SampleInput(x, minlength=9, name="minlength")
    yield SampleInput(x, rng.uniform(-1, 1, 10).astype(_F32), name="float32 weights")
    yield SampleInput(x, rng.uniform(-1, 1, 10), name="float64 weights")
    yield SampleInput(np.zeros((0,), np_dtype(dtype)), name="empty")


def _np_bincount(x, weights=None, minlength=0):
    r = np.bincount(x.astype(np.int64), weights, minlength)
    return r if weights is None else r.astype(np.float32 if weights.dtype == np.float32 else np.float64)


def _bincount_dtype(dtype, sample):
    w = sample.args[0] if sample.args else None
    return "int64" if w is None else ("float32" if w.dtype == np.float32 else "float64")


_SORT_CASES = [((5,), {}), ((3, 4), {"dim": 0}), ((3, 4), {"descending": True}),
               ((2, 3, 4), {"dim": 1, "descending": True, "stable": True}), ((), {}), ((0, 3), {})]

OP_DB = [
    OpInfo("sort", ember.sort, _np_sort, _samples(_SORT_CASES), dtypes=ALL_DTYPES, gradgrad=True,
           ref_in_input_dtype=True, error_inputs=_errors([
               ([_z(3)], {"dim": 1}, IndexError, "Dimension out of range")])),
    OpInfo("sort_stable_ties", lambda x, **kw: ember.sort(x, stable=True, **kw), _np_sort, _samples([
        ((12,), {}), ((3, 5), {"descending": True}), ((4, 3), {"dim": 0, "descending": True})],
        make=_ties), dtypes=ALL_DTYPES, supports_grad=False, ref_in_input_dtype=True),
    OpInfo("argsort", ember.argsort, _np_argsort, _samples(_SORT_CASES[:4]), dtypes=ALL_DTYPES, supports_grad=False,
           result_dtype=int64_result, ref_in_input_dtype=True),
    OpInfo("msort", ember.msort, lambda x: np.sort(x, 0), _samples([((4,), {}), ((3, 4), {})]), dtypes=ALL_DTYPES,
           ref_in_input_dtype=True),
    OpInfo("topk", ember.topk, _np_topk, _samples([
        ((6,), {"k": 2}), ((3, 5), {"k": 3, "dim": 0}), ((3, 5), {"k": 2, "largest": False}), ((4, 3), {"k": 0}),
        ((), {"k": 1}), ((2, 3, 4), {"k": 4, "dim": -1})]), dtypes=NUMERIC, gradgrad=True, ref_in_input_dtype=True,
        error_inputs=_errors([
            ([_z(5)], {"k": 6}, RuntimeError, "selected index k out of range"),
            ([_z(5, dtype=np.bool_)], {"k": 1}, RuntimeError, "topk does not support bool dtypes on CPU")])),
    OpInfo("kthvalue", ember.kthvalue, _np_kthvalue, _samples([
        ((6,), {"k": 2}), ((3, 5), {"k": 3, "dim": 0}), ((3, 5), {"k": 1, "keepdim": True}), ((), {"k": 1}),
        ((2, 3, 4), {"k": 4, "dim": 2})]), dtypes=NUMERIC, gradgrad=True, ref_in_input_dtype=True,
        error_inputs=_errors([
            ([_z(5)], {"k": 6}, RuntimeError, "kthvalue\\(\\): selected number k out of range for dimension 0"),
            ([_z(5)], {"k": 0}, RuntimeError, "selected number k out of range"),
            ([_z(5, dtype=np.bool_)], {"k": 1}, NotImplementedError, "kthvalue_cpu")])),
    OpInfo("unique", ember.unique, _np_unique, _samples([
        ((12,), {}), ((3, 4), {"return_inverse": True}), ((3, 4), {"return_counts": True, "return_inverse": True}),
        ((4, 3), {"dim": 0, "return_inverse": True, "return_counts": True}), ((2, 4), {"dim": 1}), ((0,), {})],
        make=_ties), dtypes=ALL_DTYPES, supports_grad=False,
        ref_in_input_dtype=True, result_dtype=lambda dt, s: None),
    OpInfo("unique_consecutive", ember.unique_consecutive, _np_unique_consecutive, _samples([
        ((12,), {}), ((3, 4), {"return_inverse": True, "return_counts": True}),
        ((5, 2), {"dim": 0, "return_counts": True, "return_inverse": True}), ((0,), {})],
        make=_ties), dtypes=ALL_DTYPES, supports_grad=False,
        ref_in_input_dtype=True, result_dtype=lambda dt, s: None),
    OpInfo("searchsorted", ember.searchsorted, _np_searchsorted, _sorted_samples, dtypes=NUMERIC,
           supports_grad=False, ref_in_input_dtype=True,
           result_dtype=lambda dt, s: "int32" if s.kwargs.get("out_int32") else "int64", error_inputs=_errors([
               ([_z(4), _z(3)], {"side": "middle"}, RuntimeError, "side can only be 'left' or 'right' but got middle"),
               ([_z(4), _z(3)], {"side": "left", "right": True}, RuntimeError, "can't be set to opposites"),
               ([_z(2, 2), _z(1, 3)], {}, RuntimeError, "should be 1 dimension or the first N-1"),
               ([_z(2), _z(3)], {"sorter": np.zeros(1, np.int64)}, RuntimeError,
                "boundary and sorter must have the same size")])),
    OpInfo("bucketize", ember.bucketize, lambda x, b, right=False, out_int32=False: np.searchsorted(
        b, x, side="right" if right else "left"), _bucketize_samples, dtypes=NUMERIC, supports_grad=False,
        ref_in_input_dtype=True, result_dtype=lambda dt, s: "int32" if s.kwargs.get("out_int32") else "int64",
        error_inputs=_errors([([_z(3), _z(1, 4)], {}, RuntimeError, "must be 1 dimension, but got dim\\(2\\)")])),
    OpInfo("histc", ember.histc, _np_histc, _histc_samples, dtypes=FLOAT_DTYPES, supports_grad=False,
           error_inputs=_errors([
               ([_z(3, dtype=np.int64)], {"bins": 4}, NotImplementedError, "histogram_cpu.* for 'Long'"),
               ([_z(3)], {"bins": 0}, RuntimeError, "bins must be > 0"),
               ([_z(3)], {"bins": 4, "min": 3, "max": 1}, RuntimeError, "max must be larger than min")])),
    OpInfo("histogram", ember.histogram, _np_histogram, _histogram_samples, dtypes=("float32", "float64"),
           supports_grad=False, tols={"float32": (1e-5, 1e-5)}, error_inputs=_errors([
               ([_z(3, dtype=np.int64)], {"bins": 2}, NotImplementedError, "histogramdd"),
               ([_z(3)], {"bins": 2, "range": (3.0, 1.0)}, RuntimeError, "min should not exceed max")])),
    OpInfo("bincount", ember.bincount, _np_bincount, _bincount_samples, dtypes=INT_DTYPES, supports_grad=False,
           ref_in_input_dtype=True, result_dtype=_bincount_dtype, error_inputs=_errors([
               ([np.array([1, -2, 1])], {}, RuntimeError, "bincount only supports 1-d non-negative integral inputs"),
               ([np.array([[1, 2]])], {}, RuntimeError, "bincount only supports 1-d non-negative integral inputs"),
               ([np.array([1.0, 2.0])], {}, NotImplementedError, "\"bincount_cpu\" not implemented for 'Double'"),
               ([np.array([1, 2])], {"minlength": -1}, RuntimeError, "minlength should be >= 0"),
               ([np.array([1, 2]), np.array([1.0])], {}, RuntimeError, "weights should be 1-d and have the same")])),
]
