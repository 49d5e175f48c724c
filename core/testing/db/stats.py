"""OpInfos for ember/ops/stats.py: diff, cov, corrcoef, quantile, trapezoid, dist, renorm, isin,
cartesian_prod, combinations, block_diag, tril/triu_indices, unravel_index, vander and the windows.

Factories (tril_indices, the windows) have no tensor argument to tell the harness's backend, so their
samples start with a 0-element "anchor" array and the op builds on ``anchor.device``.
"""
from __future__ import annotations

import itertools
import warnings

import ember
import numpy as np
from ember.testing.opinfo import (
    ALL_DTYPES,
    FLOAT_DTYPES,
    INT_DTYPES,
    ErrorInput,
    OpInfo,
    SampleInput,
)

from ._samples import make_array

NUMERIC = INT_DTYPES + FLOAT_DTYPES
_F32 = np.float32
_HALF_TOLS = {"float16": (1e-2, 1e-2), "bfloat16": (5e-2, 5e-2)}


def _npd(dtype, rng):
    return make_array((), dtype, rng).dtype


def _to_float(dtype, sample):
    return dtype if dtype in FLOAT_DTYPES else "float32"


def _int64_for_ints(dtype, sample):
    return dtype if dtype in FLOAT_DTYPES else "int64"


def _anchor():
    return np.zeros(0, _F32)


def _on_anchor(fn):
    def call(anchor, *args, **kwargs):
        return fn(*args, device=anchor.device, **kwargs)
    call.__name__ = fn.__name__
    return call


def _drop_anchor(ref):
    def call(anchor, *args, **kwargs):
        return ref(*args, **kwargs)
    return call


def _method(name):
    return lambda x, *a, **k: getattr(x, name)(*a, **k)


def _quiet(fn):
    """``fn`` with warnings silenced (samples that hit cov's "degrees of freedom <= 0" on purpose)."""
    def call(*args, **kwargs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(*args, **kwargs)
    return call


def _errors(*items):
    def gen():
        for args, kwargs, exc, match in items:
            yield ErrorInput(SampleInput(*args, **kwargs), exc, match)
    return gen


# --- diff -------------------------------------------------------------------------------------

def _diff_samples(dtype, rng):
    for shape, n, dim in (((7,), 1, -1), ((3, 4), 1, 0), ((3, 4), 2, 1), ((2, 3, 4), 3, 1), ((4,), 0, 0),
                          ((3,), 5, 0), ((0, 3), 1, 1), ((0,), 1, 0)):
        yield SampleInput(make_array(shape, dtype, rng), n, dim, name=f"{shape}, n={n}, dim={dim}")
    x = make_array((3, 4), dtype, rng)
    yield SampleInput(x, 1, 1, make_array((3, 2), dtype, rng), make_array((3, 1), dtype, rng), name="prepend, append")
    yield SampleInput(x, 2, 0, append=make_array((2, 4), dtype, rng), name="append only")


def _diff_ref(x, n=1, dim=-1, prepend=None, append=None):
    kw = {k: v for k, v in (("prepend", prepend), ("append", append)) if v is not None}
    return np.diff(x, n, axis=dim, **kw)


# --- cov / corrcoef ---------------------------------------------------------------------------

def _cov_samples(dtype, rng):
    for shape in ((3, 6), (7,), (1, 5), (2, 1)):
        yield SampleInput(make_array(shape, dtype, rng), name=f"{shape}")
    x = make_array((3, 5), dtype, rng)
    yield SampleInput(x, correction=0, name="correction=0")
    yield SampleInput(x, correction=2, fweights=np.array([1, 2, 0, 3, 1]), name="fweights")
    yield SampleInput(x, aweights=rng.uniform(0.5, 2.0, 5), name="aweights (float64)")
    yield SampleInput(x, correction=3, fweights=np.array([2, 1, 1, 3, 1]),
                      aweights=rng.uniform(0.5, 2.0, 5).astype(_F32), name="both weights")


def _cov_ref(x, correction=1, fweights=None, aweights=None):
    return np.cov(x, ddof=correction, fweights=fweights, aweights=aweights)


def _cov_dtype(dtype, sample):
    aw = sample.kwargs.get("aweights")
    rt = getattr(ember, _to_float(dtype, sample))
    if aw is not None:
        rt = ember.promote_types(rt, ember.float64 if aw.dtype == np.float64 else ember.float32)
    return rt.name


def _corrcoef_samples(dtype, rng):
    for shape in ((3, 6), (7,), (2, 4)):
        yield SampleInput(make_array(shape, dtype, rng), name=f"{shape}")


def _corrcoef_ref(x):
    r = np.corrcoef(x)
    return np.clip(r, -1, 1)


_COV_ERRORS = _errors(
    ((np.zeros((2, 2, 2), _F32),), {}, RuntimeError, "expected input to have two or fewer dimensions"),
    ((np.ones(3, bool),), {}, RuntimeError, "bool dtype is not supported"),
    ((np.ones(3, _F32),), {"fweights": np.ones(3, _F32)}, RuntimeError, "fweights to have integral dtype"),
    ((np.ones(3, _F32),), {"aweights": np.ones(3, np.int64)}, RuntimeError, "aweights to have floating point"),
    ((np.ones(3, _F32),), {"fweights": np.array([1, -1, 1])}, RuntimeError, "fweights cannot be negative"),
    ((np.ones(3, _F32),), {"aweights": np.ones(2, _F32)}, RuntimeError, r"same numel .* but got 2 != 3"),
    ((np.ones(3, _F32),), {"fweights": np.zeros(3, np.int64)}, RuntimeError, "weights sum to zero"),
    ((np.ones(3, _F32),), {"correction": 1.5}, TypeError, "argument 'correction' must be int"),
)


# --- quantile / nanquantile -------------------------------------------------------------------

def _quantile_samples(nans):
    def gen(dtype, rng):
        npd = _npd(dtype, rng)
        x = make_array((4, 5), dtype, rng)
        if nans:
            x = x.copy()
            x[1, 2] = x[3, 0] = np.nan
        yield SampleInput(x, 0.3, name="q=0.3, all elements")
        yield SampleInput(x, np.array([0.1, 0.3, 0.55, 0.9]).astype(npd), 1, name="q tensor, dim=1")
        yield SampleInput(x, np.array([0.0, 0.25, 0.5, 1.0]).astype(npd), 1, name="q at data points",
                          grad_args=(0,))
        yield SampleInput(x, np.array(0.6).astype(npd), 0, True, name="0-d q, dim=0, keepdim")
        yield SampleInput(make_array((3,), dtype, rng), 1.0, name="q=1")
        yield SampleInput(make_array((), dtype, rng), 0.5, name="0-d input")
        for interpolation in ("lower", "higher", "midpoint", "nearest"):
            yield SampleInput(x, np.array([0.1, 0.375, 0.5, 0.9]).astype(npd), -1, interpolation=interpolation,
                              name=interpolation)
        yield SampleInput(make_array((2, 3, 4), dtype, rng), 0.7, None, True, name="dim=None, keepdim")
        all_nan = np.full((2, 3), np.nan).astype(npd)
        all_nan[1] = [1.0, 2.0, np.nan] if nans else [1.0, 2.0, 3.0]
        yield SampleInput(all_nan, np.array([0.2, 0.8]).astype(npd), 1, name="NaN rows", grad_args=())
    return gen


def _quantile_ref(nan):
    f = np.nanquantile if nan else np.quantile

    def ref(x, q, dim=None, keepdim=False, interpolation="linear"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # all-NaN slices
            return np.asarray(f(x, q, axis=dim, keepdims=keepdim, method=interpolation))
    return ref


def _quantile_errors(name):
    return _errors(
        ((np.ones(3, _F32), 1.5), {}, RuntimeError, r"q must be in the range \[0, 1\] but got 1.5"),
        ((np.ones(3, _F32), np.array([0.2, 1.5], _F32)), {}, RuntimeError, r"q values must be in the range \[0, 1\]"),
        ((np.ones(3, np.int64), 0.5), {}, RuntimeError, "input tensor must be either float or double dtype"),
        ((np.ones(3, _F32), np.array([0.5])), {}, RuntimeError, "q tensor must be same dtype as the input"),
        ((np.ones(3, _F32), np.ones((1, 1), _F32)), {}, RuntimeError, "q must be a scalar or 1D tensor"),
        ((np.ones(0, _F32), 0.5), {}, RuntimeError, "input tensor must be non-empty"),
        ((np.ones(3, _F32), 0.5), {"interpolation": "cubic"}, RuntimeError, "interpolation must be one of"),
        ((np.ones(3, _F32), 0.5, 2), {}, IndexError, "Dimension out of range"),
    )


# --- trapezoid / cumulative_trapezoid -----------------------------------------------------------

def _trapz_samples(cumulative):
    def gen(dtype, rng):
        yield SampleInput(make_array((7,), dtype, rng), name="1-D, dx=1")
        yield SampleInput(make_array((3, 4), dtype, rng), dx=0.5, dim=0, name="dx=0.5, dim=0")
        yield SampleInput(make_array((3, 4), dtype, rng), np.sort(make_array((4,), dtype, rng, 0, 5)), name="1-D x")
        yield SampleInput(make_array((2, 3, 4), dtype, rng), np.sort(make_array((3, 1), dtype, rng, 0, 5), 0), dim=1,
                          name="broadcast x, dim=1")
        yield SampleInput(make_array((1,), dtype, rng), name="one sample")
        if cumulative or dtype in FLOAT_DTYPES:
            yield SampleInput(make_array((2, 0), dtype, rng), dim=1, name="no samples")
    return gen


def _x_view(x, y, dim):
    """Sample points shaped like PyTorch views them: a 1-D ``x`` along ``dim``, else left-padded."""
    if x.ndim == 1:
        return x.reshape([x.shape[0] if i == dim % y.ndim else 1 for i in range(y.ndim)])
    return x.reshape((1,) * (y.ndim - x.ndim) + x.shape)


def _halves(y, dim):
    n = y.shape[dim]
    return np.take(y, range(n - 1), axis=dim), np.take(y, range(1, n), axis=dim)


def _steps(x, y, dx, dim):
    if x is None:
        return 1.0 if dx is None else dx
    return np.diff(_x_view(x, y, dim), axis=dim)


def _trapz_ref(y, x=None, dx=None, dim=-1):
    left, right = _halves(y.astype(np.float64), dim)
    return np.sum(_steps(x, y, dx, dim) * (left + right) / 2.0, axis=dim)


def _cumtrapz_ref(y, x=None, dx=None, dim=-1):
    left, right = _halves(y.astype(np.float64), dim)
    return np.cumsum(_steps(x, y, dx, dim) * (left + right) / 2.0, axis=dim)


def _trapz_errors(name):
    return _errors(
        ((np.ones(3, bool),), {}, RuntimeError, "bool is not supported"),
        ((np.ones(3, _F32), np.ones(2, _F32)), {}, RuntimeError, "There must be one `x` value for each sample point"),
        ((np.ones(3, _F32),), {"dx": True}, RuntimeError, "only support dx as a real number"),
        ((np.ones(3, _F32), 2.0), {}, TypeError, "invalid combination of arguments"),
        ((np.ones(3, _F32),), {"dim": 2}, IndexError, "Dimension out of range"),
    )


# --- dist / renorm ----------------------------------------------------------------------------

def _dist_samples(dtype, rng):
    for p in (2, 1, 3.5, 0.5, float("inf"), -float("inf"), 0):
        yield SampleInput(make_array((3, 4), dtype, rng), make_array((4,), dtype, rng), p, name=f"p={p}",
                          grad_args=None if p != 0 else ())
    yield SampleInput(make_array((), dtype, rng), make_array((2, 3), dtype, rng), name="0-d input")
    yield SampleInput(make_array((0, 3), dtype, rng), make_array((3,), dtype, rng), name="empty")


def _dist_ref(x, y, p=2):
    return np.asarray(np.linalg.norm(np.ravel(x - y), ord=p))


def _renorm_samples(dtype, rng):
    x = make_array((3, 4), dtype, rng)
    for p, dim, maxnorm in ((2, 0, 2.0), (1, 1, 2.5), (3.0, -1, 1.0), (float("inf"), 0, 1.5), (2, 1, 100.0)):
        yield SampleInput(x, p, dim, maxnorm, name=f"p={p}, dim={dim}, maxnorm={maxnorm}")
    yield SampleInput(make_array((2, 3, 4), dtype, rng), 2, 1, 1.0, name="3-D")
    yield SampleInput(make_array((0, 3), dtype, rng), 2, 1, 1.0, name="empty")


def _renorm_ref(x, p, dim, maxnorm):
    axes = tuple(i for i in range(x.ndim) if i != dim % x.ndim)
    if p == float("inf"):
        norm = np.max(np.abs(x), axis=axes, keepdims=True, initial=0.0)
    else:
        norm = np.sum(np.abs(x) ** p, axis=axes, keepdims=True) ** (1.0 / p)
    return x * np.where(norm > maxnorm, maxnorm / (norm + 1e-7), 1.0)


_RENORM_ERRORS = _errors(
    ((np.ones((2, 2), _F32), 0, 0, 1.0), {}, RuntimeError, "non-positive-norm not supported"),
    ((np.ones((2, 2), _F32), 2, 0, -1.0), {}, RuntimeError, "expected maxnorm to be >= 0 but got -1"),
    ((np.ones(3, _F32), 2, 0, 1.0), {}, RuntimeError, "input needs at least 2 dimensions, got 1 dimensions"),
    ((np.ones((2, 2), np.int64), 2, 0, 1.0), {}, RuntimeError, "Expected a floating point"),
    ((np.ones((2, 2), _F32), 2, 2, 1.0), {}, IndexError, "Dimension out of range"),
)


# --- isin -------------------------------------------------------------------------------------

def _isin_samples(dtype, rng):
    def small(shape):  # whole numbers, so that elements do occur among the test elements
        return np.asarray(np.floor(make_array(shape, dtype, rng, 0, 8).astype(np.float64))).astype(_npd(dtype, rng))

    x = small((3, 4))
    yield SampleInput(x, small((5,)), name="1-D test elements")
    yield SampleInput(x, small((2, 3)), invert=True, name="2-D test elements, invert")
    yield SampleInput(small(()), small((4,)), name="0-d elements")
    yield SampleInput(x, make_array((0,), dtype, rng), name="empty test elements")
    yield SampleInput(make_array((0, 2), dtype, rng), make_array((3,), dtype, rng), name="empty elements")
    yield SampleInput(x, 3, name="scalar test element")
    yield SampleInput(x, make_array((4,), "float64", rng, 0, 8).round(), name="mixed dtypes")
    if dtype in FLOAT_DTYPES:
        npd = _npd(dtype, rng)
        yield SampleInput(np.array([np.nan, 1.0, -0.0, np.inf]).astype(npd),
                          np.array([np.nan, 0.0, np.inf]).astype(npd), name="nan, -0, inf", noncontig=False)


def _isin_ref(x, t, assume_unique=False, invert=False):
    return np.isin(x, t, invert=invert)


# --- cartesian_prod / combinations / block_diag -------------------------------------------------

def _cartesian_samples(dtype, rng):
    yield SampleInput(make_array((3,), dtype, rng), make_array((2,), dtype, rng), name="two vectors")
    yield SampleInput(make_array((2,), dtype, rng), make_array((3,), dtype, rng), make_array((2,), dtype, rng),
                      name="three vectors")
    yield SampleInput(make_array((4,), dtype, rng), name="one vector")
    yield SampleInput(make_array((3,), dtype, rng), make_array((0,), dtype, rng), name="an empty vector")


def _cartesian_ref(*xs):
    if len(xs) == 1:
        return xs[0]
    rows = list(itertools.product(*xs))
    return np.array(rows, dtype=xs[0].dtype).reshape(len(rows), len(xs))


def _combinations_samples(dtype, rng):
    x = make_array((4,), dtype, rng)
    for r, rep in ((2, False), (3, False), (1, False), (2, True), (5, False), (0, False), (3, True)):
        yield SampleInput(x, r, rep, name=f"r={r}, with_replacement={rep}")
    yield SampleInput(make_array((0,), dtype, rng), name="empty")


def _combinations_ref(x, r=2, with_replacement=False):
    if r == 0:
        return x[:0]
    gen = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    rows = [[x[i] for i in c] for c in gen(range(len(x)), r)]
    return np.array(rows, dtype=x.dtype).reshape(len(rows), r)


def _block_diag_samples(dtype, rng):
    yield SampleInput(make_array((2, 3), dtype, rng), make_array((), dtype, rng), make_array((2,), dtype, rng),
                      make_array((1, 1), dtype, rng), name="2-D, 0-d, 1-D, 1x1")
    yield SampleInput(make_array((0, 2), dtype, rng), make_array((3, 0), dtype, rng), make_array((2, 2), dtype, rng),
                      name="empty blocks")
    yield SampleInput(make_array((3, 3), dtype, rng), name="one block")


def _block_diag_ref(*xs):
    blocks = [x.reshape(1, -1) if x.ndim < 2 else x for x in xs]
    out = np.zeros((sum(b.shape[0] for b in blocks), sum(b.shape[1] for b in blocks)), dtype=np.float64)
    r = c = 0
    for b in blocks:
        out[r:r + b.shape[0], c:c + b.shape[1]] = b
        r, c = r + b.shape[0], c + b.shape[1]
    return out


# --- tril_indices / triu_indices / unravel_index / vander ---------------------------------------

def _tri_samples(dtype, rng):
    dt = getattr(ember, dtype)
    for args in ((3, 3), (3, 5, 1), (5, 3, -2), (4, 4, 10), (3, 4, -5), (0, 3), (1, 1)):
        yield SampleInput(_anchor(), *args, dtype=dt, noncontig=False, name=f"{args}")


def _tri_ref(lower):
    def ref(row, col, offset=0, dtype=None):
        rows, cols = np.nonzero((np.arange(col)[None, :] - np.arange(row)[:, None] <= offset) if lower
                                else (np.arange(col)[None, :] - np.arange(row)[:, None] >= offset))
        return np.stack([rows, cols]).reshape(2, -1)
    return ref


def _tri_errors(name):
    fn = _errors(
        ((_anchor(), -1, 3), {}, RuntimeError, "row must be non-negative"),
        ((_anchor(), 3, -1), {}, RuntimeError, "col must be non-negative"),
        ((_anchor(), 3, 3), {"dtype": ember.float32}, NotImplementedError, f'"{name}" not implemented for \'Float\''),
        ((_anchor(), 3.0, 3), {}, TypeError, "argument 'row' \\(position 1\\) must be int"),
    )
    return fn


def _tri_dtype(dtype, sample):
    return sample.kwargs["dtype"].name


def _unravel_samples(dtype, rng):
    yield SampleInput(make_array((5,), dtype, rng, 0, 24), (2, 3, 4), name="1-D indices")
    yield SampleInput(make_array((2, 3), dtype, rng, 0, 6), (2, 3), name="2-D indices")
    yield SampleInput(make_array((), dtype, rng, 0, 7), 7, name="0-d index, int shape")
    yield SampleInput(make_array((0,), dtype, rng), (4, 5), name="empty")


def _unravel_ref(indices, shape):
    return np.unravel_index(indices.astype(np.int64), shape)


_UNRAVEL_ERRORS = _errors(
    ((np.ones(2, _F32), (2, 3)), {}, TypeError, "expected 'indices' to be integer dtype"),
    ((np.ones(2, np.int64), (2, -3)), {}, ValueError, "'shape' cannot have negative values"),
    ((np.ones(2, np.int64), (2.0, 3)), {}, TypeError, "'shape' sequence to only contain ints"),
    ((np.ones(2, np.int64), 2.0), {}, TypeError, "expected 'shape' to be int or sequence of ints"),
)


def _vander_samples(dtype, rng):
    x = make_array((4,), dtype, rng, -2, 3)
    for n, inc in ((None, False), (3, True), (1, False), (0, False), (6, False)):
        yield SampleInput(x, n, inc, name=f"N={n}, increasing={inc}")
    yield SampleInput(make_array((0,), dtype, rng), name="empty")


def _vander_ref(x, N=None, increasing=False):
    return np.vander(x.astype(np.float64) if x.dtype.kind == "f" else x.astype(np.int64), N, increasing)


_VANDER_ERRORS = _errors(
    ((np.ones((2, 2), _F32),), {}, RuntimeError, "x must be a one-dimensional tensor"),
    ((np.ones(2, _F32), -1), {}, RuntimeError, "N must be non-negative"),
    ((np.ones(2, _F32), 2.0), {}, TypeError, "argument 'N' \\(position 2\\) must be int"),
)


# --- windows ----------------------------------------------------------------------------------

def _window_samples(extra=()):
    def gen(dtype, rng):
        dt = getattr(ember, dtype)
        for n in (0, 1, 2, 5, 8):
            for periodic in (True, False):
                yield SampleInput(_anchor(), n, periodic, dtype=dt, noncontig=False, name=f"n={n}, {periodic}")
        for args in extra:
            yield SampleInput(_anchor(), 7, *args, dtype=dt, noncontig=False, name=f"parameters {args}")
    return gen


def _window_ref(symmetric):
    def ref(n, periodic=True, *params, dtype=None):
        if n <= 1:
            return np.ones(n)
        return symmetric(n + 1, *params)[:-1] if periodic else symmetric(n, *params)
    return ref


def _hamming(n, alpha=0.54, beta=0.46):
    return alpha - beta * np.cos(2 * np.pi * np.arange(n) / (n - 1))


def _window_errors(name):
    return _errors(
        ((_anchor(), -1), {}, RuntimeError, f"{name} requires non-negative window_length, got window_length=-1"),
        ((_anchor(), 4), {"dtype": ember.int64}, RuntimeError, f"{name} expects floating point dtypes"),
        ((_anchor(), 4.0), {}, TypeError, "argument 'window_length' \\(position 1\\) must be int"),
    )


_WINDOW_TOLS = {"float16": (4e-3, 4e-3), "bfloat16": (3e-2, 3e-2), "float32": (1e-5, 1e-6)}
_WINDOWS = [
    ("hann_window", lambda n: _hamming(n, 0.5, 0.5), ()),
    ("hamming_window", _hamming, ((True, 0.5, 0.3), (False, 0.6))),
    ("blackman_window", np.blackman, ()),
    ("bartlett_window", np.bartlett, ()),
    ("kaiser_window", lambda n, beta=12.0: np.kaiser(n, beta), ((False, 5.0), (True, 0.5))),
]


OP_DB = [
    OpInfo("diff", ember.diff, _diff_ref, _diff_samples, dtypes=ALL_DTYPES, gradgrad=True,
           ref_in_input_dtype=True,
           error_inputs=_errors(
               ((np.array(1.0, _F32),), {}, RuntimeError, "diff expects input to be at least one-dimensional"),
               ((np.ones(3, _F32), -1), {}, RuntimeError, "order must be non-negative but got -1"),
               ((np.ones(3, _F32), 1.5), {}, TypeError, "argument 'n' must be int"),
               ((np.ones(3, _F32),), {"prepend": np.ones((1, 1), _F32)}, RuntimeError,
                "same dimension as input"),
               ((np.ones((2, 3), _F32), 1, 0), {"append": np.ones((1, 2), _F32)}, RuntimeError,
                r"input.size\(1\) = 3, but got tensor.size\(1\) = 2"))),
    OpInfo("cov", _quiet(_method("cov")), _quiet(_cov_ref), _cov_samples, dtypes=NUMERIC, gradgrad=True, result_dtype=_cov_dtype,
           tols=_HALF_TOLS, error_inputs=_COV_ERRORS),
    OpInfo("corrcoef", ember.corrcoef, _corrcoef_ref, _corrcoef_samples, dtypes=NUMERIC, result_dtype=_to_float,
           tols=_HALF_TOLS, error_inputs=_errors(((np.zeros((2, 2, 2), _F32),), {}, RuntimeError,
                                                  "corrcoef\\(\\): expected input to have two or fewer dimensions"))),
    OpInfo("quantile", ember.quantile, _quantile_ref(False), _quantile_samples(False), dtypes=("float32", "float64"),
           gradgrad=True, error_inputs=_quantile_errors("quantile")),
    OpInfo("nanquantile", _method("nanquantile"), _quantile_ref(True), _quantile_samples(True),
           dtypes=("float32", "float64"), error_inputs=_quantile_errors("nanquantile")),
    OpInfo("trapezoid", ember.trapezoid, _trapz_ref, _trapz_samples(False), dtypes=NUMERIC, gradgrad=True,
           result_dtype=_to_float, tols=_HALF_TOLS, error_inputs=_trapz_errors("trapezoid")),
    OpInfo("trapz", ember.trapz, _trapz_ref, _trapz_samples(False), dtypes=FLOAT_DTYPES, tols=_HALF_TOLS),
    OpInfo("cumulative_trapezoid", ember.cumulative_trapezoid, _cumtrapz_ref, _trapz_samples(True), dtypes=NUMERIC,
           result_dtype=_to_float, tols=_HALF_TOLS, error_inputs=_trapz_errors("cumulative_trapezoid")),
    OpInfo("dist", _method("dist"), _dist_ref, _dist_samples, gradgrad=True, tols=_HALF_TOLS, grad_samples=5,
           error_inputs=_errors(
               ((np.ones(3, np.int64), np.ones(3, np.int64)), {}, RuntimeError,
                "norm\\(\\): input dtype should be either floating point or complex. Got Long instead"),
               ((np.ones(3, _F32), 2.0), {}, TypeError, "argument 'other' \\(position 2\\) must be Tensor"),
               ((np.ones(3, _F32), np.ones(2, _F32)), {}, RuntimeError, "must match the size"))),
    OpInfo("renorm", ember.renorm, _renorm_ref, _renorm_samples, gradgrad=True, tols=_HALF_TOLS, grad_samples=5,
           error_inputs=_RENORM_ERRORS),
    OpInfo("isin", ember.isin, _isin_ref, _isin_samples, dtypes=NUMERIC, supports_grad=False,
           result_dtype=lambda dtype, sample: "bool",
           error_inputs=_errors(((np.ones(3, bool), np.ones(1, bool)), {}, RuntimeError,
                                 "Unsupported input type encountered for isin\\(\\): Bool"),
                                ((3, 4), {}, TypeError, "isin\\(\\) received an invalid combination"))),
    OpInfo("cartesian_prod", ember.cartesian_prod, _cartesian_ref, _cartesian_samples, dtypes=ALL_DTYPES,
           ref_in_input_dtype=True,
           error_inputs=_errors(((np.ones((1, 1), _F32), np.ones(2, _F32)), {}, RuntimeError,
                                 r"Expect a 1D vector, but got shape \[1, 1\]"),
                                ((np.ones(2, np.int64), np.ones(2, _F32)), {}, RuntimeError,
                                 "meshgrid expects all tensors to have the same dtype"))),
    OpInfo("combinations", ember.combinations, _combinations_ref, _combinations_samples, dtypes=ALL_DTYPES,
           ref_in_input_dtype=True, gradgrad=True,
           error_inputs=_errors(((np.ones((1, 1), _F32),), {}, RuntimeError, "Expect a 1D vector"),
                                ((np.ones(3, _F32), -1), {}, RuntimeError, "Expect a non-negative number, but got -1"),
                                ((np.ones(3, _F32), 2.0), {}, TypeError, "argument 'r' \\(position 2\\) must be int"))),
    OpInfo("block_diag", ember.block_diag, _block_diag_ref, _block_diag_samples, dtypes=ALL_DTYPES, gradgrad=True,
           error_inputs=_errors(((np.ones((1, 2, 3), _F32),), {}, RuntimeError,
                                 "Input tensors must have 2 or fewer dimensions. Input 0 has 3 dimensions"))),
    OpInfo("tril_indices", _on_anchor(ember.tril_indices), _drop_anchor(_tri_ref(True)), _tri_samples,
           dtypes=("int64", "int32"), supports_grad=False, result_dtype=_tri_dtype, noncontig=False,
           error_inputs=_tri_errors("tril_indices")),
    OpInfo("triu_indices", _on_anchor(ember.triu_indices), _drop_anchor(_tri_ref(False)), _tri_samples,
           dtypes=("int64", "int32"), supports_grad=False, result_dtype=_tri_dtype, noncontig=False,
           error_inputs=_tri_errors("triu_indices")),
    OpInfo("unravel_index", ember.unravel_index, _unravel_ref, _unravel_samples, dtypes=INT_DTYPES,
           supports_grad=False, result_dtype=lambda dtype, sample: "int64", error_inputs=_UNRAVEL_ERRORS),
    OpInfo("vander", ember.vander, _vander_ref, _vander_samples, dtypes=ALL_DTYPES, gradgrad=True,
           result_dtype=_int64_for_ints, tols=_HALF_TOLS, error_inputs=_VANDER_ERRORS),
    *[OpInfo(name, _on_anchor(getattr(ember, name)), _drop_anchor(_window_ref(sym)), _window_samples(extra),
             supports_grad=False, noncontig=False, tols=_WINDOW_TOLS, error_inputs=_window_errors(name))
      for name, sym, extra in _WINDOWS],
]
