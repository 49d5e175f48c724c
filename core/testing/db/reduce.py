"""OpInfos for ember/ops/reduce.py: reductions over dims, (values, indices) reductions and scans.

Float samples of value-selecting ops (max, min, median, mode, cummax...) hold distinct values so
their finite-difference gradients are well defined; NaN samples come last (forward only).
"""
from __future__ import annotations

import numpy as np

import ember
from ember.testing.opinfo import ALL_DTYPES, FLOAT_DTYPES, ErrorInput, OpInfo, SampleInput

from ._samples import NUMERIC, make_array

SHAPES = [(3, 4), (2, 3, 4), (), (5,), (0, 3), (3, 1, 2)]
NAN = float("nan")


# --- inputs ----------------------------------------------------------------------------

def _distinct(shape, dtype, rng):
    """Floats: distinct multiples of 1/4 (exact in every float dtype); other dtypes: random values."""
    if dtype not in FLOAT_DTYPES:
        return make_array(shape, dtype, rng)
    n = int(np.prod(shape))
    vals = ((rng.permutation(n) - n // 2) * 0.25 + 0.125).reshape(shape)
    return np.asarray(vals).astype(make_array((), dtype, rng).dtype)


def _with_nans(x, rng):
    x = x.copy()
    if x.size:
        x.reshape(-1)[rng.choice(x.size, max(1, x.size // 4), replace=False)] = NAN
    return x


def _dims(shape):
    out = [None, 0, -1]
    if len(shape) >= 2:
        out += [(0, 1), (-1, 0)]
    if len(shape) == 3:
        out.append((0, 2))
    return out


def _norm_dims(shape, dim):
    n = len(shape)
    if n == 0:
        return ()
    if dim is None or dim == ():
        return tuple(range(n))
    return tuple(sorted(d % n for d in ((dim,) if isinstance(dim, int) else dim)))


def _empty_reduced(shape, dim):
    return any(shape[d] == 0 for d in _norm_dims(shape, dim)) or (dim is None and 0 in shape)


def _tuple_samples(make=_distinct, nonempty=False, nans=False, extra=({},), keepdim_kw=False):
    """(x, dim, keepdim, **extra) over shapes x dims (None, int, negative, tuples) x keepdim
    (``keepdim_kw``: passed by keyword, for var/std whose third positional argument is ``unbiased``)."""
    def gen(dtype, rng):
        for shape in SHAPES:
            x = make(shape, dtype, rng)
            for dim in _dims(shape):
                if nonempty and _empty_reduced(shape, dim):
                    continue
                for keepdim in (False, True):
                    for kw in extra:
                        args, kw = ((dim,), dict(kw, keepdim=keepdim)) if keepdim_kw else ((dim, keepdim), kw)
                        yield SampleInput(x, *args, name=f"{shape} dim={dim} keepdim={keepdim}", **kw)
        if nans and dtype in FLOAT_DTYPES:
            x = _with_nans(make((3, 4), dtype, rng), rng)
            yield SampleInput(x, 1, False, name="with NaNs")
            yield SampleInput(x, None, False, name="with NaNs, all dims")
    return gen


def _single_samples(make=_distinct, nonempty=True, nans=False, keepdim=True):
    """(x, dim, keepdim) with an int dim: 0, -1, 1."""
    def gen(dtype, rng):
        for shape in SHAPES:
            x = make(shape, dtype, rng)
            for dim in sorted({0, -1, 1 if len(shape) > 1 else 0}, reverse=True):
                if nonempty and _empty_reduced(shape, dim):
                    continue
                for kd in ((False, True) if keepdim else (None,)):
                    args = (dim,) if kd is None else (dim, kd)
                    yield SampleInput(x, *args, name=f"{shape} dim={dim} keepdim={kd}")
        if nans and dtype in FLOAT_DTYPES:
            x = _with_nans(make((3, 5), dtype, rng), rng)
            yield SampleInput(x, 1, *(() if not keepdim else (False,)), name="with NaNs")
    return gen


def _full_samples(make=_distinct, nonempty=True, nans=False):
    """(x,): whole-tensor reductions; ``nonempty`` may be a predicate of the dtype."""
    def gen(dtype, rng):
        for shape in SHAPES:
            if (nonempty(dtype) if callable(nonempty) else nonempty) and 0 in shape:
                continue
            yield SampleInput(make(shape, dtype, rng), name=f"{shape}")
        if nans and dtype in FLOAT_DTYPES:
            yield SampleInput(_with_nans(make((3, 4), dtype, rng), rng), name="with NaNs")
    return gen


def _shifted(x):
    """Floats moved off the 1/4 grid (no ties with another _distinct array)."""
    return (x.astype(np.float64) + 0.0625).astype(x.dtype) if x.dtype.kind not in "biu" else x


def _ints_only(dtype):
    return dtype not in FLOAT_DTYPES


def _argsamples(dtype, rng):
    """argmax/argmin: dim None (flattened) or an int dim, keepdim both ways."""
    for shape in SHAPES:
        x = _distinct(shape, dtype, rng)
        if 0 not in shape:
            yield SampleInput(x, name=f"{shape}")
            yield SampleInput(x, None, True, name=f"{shape} dim=None keepdim")
    yield from _single_samples(nans=True)(dtype, rng)


def _sparse(shape, dtype, rng):
    """About a third zeros (all/any/count_nonzero)."""
    x = make_array(shape, dtype, rng)
    return np.where(rng.random(shape) < 0.3, np.zeros((), x.dtype), x).astype(x.dtype)


def _mode_samples(dtype, rng):
    """Distinct values first (gradcheck), then values with repeats."""
    x = _distinct((3, 4), dtype, rng)
    yield SampleInput(x, 1, name="distinct dim=1")
    yield SampleInput(x, 0, True, name="distinct dim=0 keepdim")
    yield from _single_samples(make=_repeats)(dtype, rng)


def _small(shape, dtype, rng):
    """Values of moderate magnitude for products: +-[0.5, 1.5) for floats, small ints otherwise."""
    if dtype in FLOAT_DTYPES:
        mag = make_array(shape, dtype, rng, low=0.5, high=1.5)
        return np.where(rng.random(shape) < 0.3, -mag, mag).astype(mag.dtype)
    return make_array(shape, dtype, rng, low=-2, high=3)


def _repeats(shape, dtype, rng):
    """Values with repeats (modes): halves in [-1, 1] for floats."""
    if dtype in FLOAT_DTYPES:
        return np.asarray(rng.integers(-2, 3, size=shape) * 0.5).astype(make_array((), dtype, rng).dtype)
    return make_array(shape, dtype, rng, low=0, high=3)


# --- references (NumPy, float64) -------------------------------------------------------

def _ax(x, dim):
    return None if x.ndim == 0 else _norm_dims(x.shape, dim)


def _red(fn):
    def ref(x, dim=None, keepdim=False, **_):
        return np.asarray(fn(x, axis=_ax(x, dim), keepdims=keepdim))
    return ref


def _ref_var(x, dim=None, keepdim=False, correction=None, unbiased=None):
    c = correction if correction is not None else (0 if unbiased is False else 1)
    ax = _ax(x, dim)
    n = int(np.prod([x.shape[d] for d in ax])) if ax else 1
    dev = x - (np.mean(x, axis=ax, keepdims=True) if n else 0)
    return np.asarray(np.sum(dev * dev, axis=ax, keepdims=keepdim) / max(n - c, 0))


def _ref_std(*a, **k):
    return np.sqrt(_ref_var(*a, **k))


def _ref_logsumexp(x, dim, keepdim=False):
    x, ax = x.astype(np.float64), _ax(x, dim)
    if x.size == 0 and (ax is None or any(x.shape[d] == 0 for d in ax)):
        return np.asarray(np.full(np.sum(x, axis=ax, keepdims=keepdim).shape, -np.inf))
    m = np.max(x, axis=ax, keepdims=True)
    m = np.where(np.isinf(m), 0, m)
    r = np.log(np.sum(np.exp(x - m), axis=ax, keepdims=True)) + m
    return np.asarray(r if keepdim or ax is None else np.squeeze(r, ax))


def _ref_norm(x, p=2, dim=None, keepdim=False, **_):
    ax, a = _ax(x, dim), np.abs(x)
    p = 2 if p == "fro" else p
    if p == np.inf:
        return np.asarray(np.max(a, axis=ax, keepdims=keepdim))
    if p == -np.inf:
        return np.asarray(np.min(a, axis=ax, keepdims=keepdim))
    if p == 0:
        return np.asarray(np.sum(a != 0, axis=ax, keepdims=keepdim).astype(x.dtype))
    return np.asarray(np.sum(a ** p, axis=ax, keepdims=keepdim) ** (1.0 / p))


def _along(x, dim, fn, keepdim):
    """Apply ``fn(1-d array) -> (value, index)`` to every slice along ``dim``."""
    if x.ndim == 0:
        v, i = fn(x.reshape(1))
        return np.asarray(v), np.asarray(i)
    xl = np.moveaxis(x, dim, -1)
    flat = xl.reshape(-1, xl.shape[-1])
    res = [fn(row) for row in flat]
    vals = np.array([r[0] for r in res], dtype=x.dtype).reshape(xl.shape[:-1])
    idx = np.array([r[1] for r in res], dtype=np.int64).reshape(xl.shape[:-1])
    if keepdim:
        vals, idx = np.expand_dims(vals, dim), np.expand_dims(idx, dim)
    return vals, idx


def _pick_max(row):
    i = int(np.argmax(row))
    return row[i], i


def _pick_min(row):
    i = int(np.argmin(row))
    return row[i], i


def _pick_median(row, skip_nan=False):
    nan = np.isnan(row) if row.dtype.kind == "f" else np.zeros(row.shape, bool)
    if nan.any() and not skip_nan:
        i = int(np.argmax(nan))
        return row[i], i
    order = np.argsort(row, kind="stable")
    valid = int((~nan).sum())
    i = int(order[(valid - 1) // 2 if valid else (row.size - 1) // 2])
    return row[i], i


def _pick_mode(row):
    vals, counts = np.unique(row, return_counts=True)
    v = vals[int(np.argmax(counts))]
    return v, int(np.nonzero(row == v)[0][-1])


def _ref_dim(pick):
    def ref(x, dim, keepdim=False):
        return _along(x, dim, pick, keepdim)
    return ref


def _ref_cum(better):
    def ref(x, dim):
        xl = np.moveaxis(x.reshape(1) if x.ndim == 0 else x, dim if x.ndim else 0, -1).copy()
        vals, idx = xl.copy(), np.zeros(xl.shape, np.int64)
        for pos in np.ndindex(xl.shape[:-1]):
            best, bi = None, 0
            for j, v in enumerate(xl[pos]):
                if best is None or v != v or (best == best and better(v, best)):
                    best, bi = v, j
                vals[pos + (j,)], idx[pos + (j,)] = best, bi
        back = (lambda a: a.reshape(())) if x.ndim == 0 else (lambda a: np.moveaxis(a, -1, dim))
        return back(vals), back(idx)
    return ref


def _ref_with_dtype(fn):
    """Reference of an op called with ``dtype=``: the input is cast first, like PyTorch."""
    def ref(x, *args, dtype):
        from ember_numpy._dtypes import TO_NP
        return np.asarray(fn(x.astype(TO_NP[dtype]), *((args[0] if x.ndim else None,) if args else ())))
    return ref


def _scan_ref(fn):
    def ref(x, dim, dtype=None):
        return np.asarray(fn(x.reshape(-1) if x.ndim == 0 else x, axis=dim if x.ndim else 0).reshape(x.shape))
    return ref


# --- dtype rules -----------------------------------------------------------------------

def _int64_for_ints(dtype, sample):
    if "dtype" in sample.kwargs:
        return sample.kwargs["dtype"].name
    return "int64" if dtype not in FLOAT_DTYPES else dtype


def _always(name):
    return lambda dtype, sample: name


def _logical_dtype(dtype, sample):
    return "uint8" if dtype == "uint8" else "bool"


def _default_float_for_ints(dtype, sample):
    return dtype if dtype in FLOAT_DTYPES else "float32"


# --- error inputs ----------------------------------------------------------------------

def _errors(call, *extra):
    """Dim out of range (IndexError) plus ``extra`` (array, args, kwargs, error, regex) cases."""
    def gen():
        yield ErrorInput(SampleInput(np.zeros((2, 3), np.float32), *call), IndexError, "Dimension out of range")
        for arr, args, kwargs, exc, match in extra:
            yield ErrorInput(SampleInput(arr, *args, **kwargs), exc, match)
    return gen


F32 = np.zeros((2, 3), np.float32)
I32 = np.zeros((2, 3), np.int32)
EMPTY = np.zeros((0, 3), np.float32)
FLOAT_ONLY = r"only support floating point"
DIM_TWICE = (F32, ((0, 0),), {}, RuntimeError, "appears multiple times")
NO_DIM_EMPTY = r"Expected reduction dim to be specified for input.numel\(\) == 0"
ZERO_SIZE_DIM = r"Expected reduction dim 0 to have non-zero size"


def _method(name):
    return lambda x, *a, **k: getattr(x, name)(*a, **k)


def _fn(name):
    """``ember.<name>`` looked up at call time, positional and keyword arguments passed through."""
    return lambda x, *a, **k: getattr(ember, name)(x, *a, **k)


def _astype_like(values, dtype, rng):
    return np.array(values, dtype=np.float64).astype(make_array((), dtype, rng).dtype)


def _ref_prod(x, dim=None, keepdim=False):
    return np.asarray(np.prod(x, axis=_ax(x, dim), keepdims=keepdim))


def _ref_arg(fn):
    def ref(x, dim=None, keepdim=False):
        return np.asarray(fn(x, axis=None if x.ndim == 0 else dim, keepdims=keepdim and x.ndim > 0))
    return ref


def _ref_aminmax(x, dim=None, keepdim=False):
    kw = {"axis": dim if x.ndim else None, "keepdims": keepdim and x.ndim > 0}
    return np.asarray(np.min(x, **kw)), np.asarray(np.max(x, **kw))


def _ref_var_legacy(x, *args):
    """var(x, unbiased) / var(x, dim, unbiased)."""
    return _ref_var(x, **({"unbiased": args[0]} if len(args) == 1 else {"dim": args[0], "unbiased": args[1]}))


def _ref_moments(dev):
    def ref(x, dim=None, keepdim=False, **k):
        return dev(x, dim, keepdim, **k), _red(np.mean)(x, dim, keepdim)
    return ref


def _ref_median(skip_nan):
    def ref(x):
        return np.asarray(_pick_median(x.reshape(-1), skip_nan)[0] if x.size else np.nan)
    return ref


def _aminmax_samples(dtype, rng):
    for s in _single_samples()(dtype, rng):
        yield SampleInput(s.input, dim=s.args[0], keepdim=s.args[1], name=s.name)


def _logsumexp_samples(dtype, rng):
    """As the dim-tuple samples, with dim None spelled as the tuple of all dims (dim is required)."""
    for s in _tuple_samples()(dtype, rng):
        if s.args[0] is None:
            s = SampleInput(s.input, _norm_dims(s.input.shape, None), s.args[1], name=s.name)
        yield s


def _norm_samples(dtype, rng):
    for p in (2, "fro", 1, 3, 0.5, float("inf"), -1, 0):
        for s in _tuple_samples(nonempty=p in (float("inf"), -1))(dtype, rng):
            yield SampleInput(s.input, p, *s.args, name=f"p={p} {s.name}")


def _count_nonzero_samples(dtype, rng):
    for s in _tuple_samples(make=_sparse)(dtype, rng):
        if not s.args[1]:
            yield SampleInput(s.input, s.args[0], name=s.name)


def _fixed(*cases):
    """Samples from literal values: ``cases`` of (values, *args)."""
    def gen(dtype, rng):
        for values, *args in cases:
            yield SampleInput(_astype_like(values, dtype, rng), *args, name="literal")
    return gen


def _dtype_kw(make, *args, dtypes=(ember.float64, ember.int64)):
    def gen(dtype, rng):
        for d in dtypes:
            yield SampleInput(make((3, 4), dtype, rng), *args, dtype=d, name=f"dtype={d}")
    return gen


ZEROS = [[0.5, 0.0, 1.5, 0.0, 2.0], [0.0, 1.5, -2.0, 0.5, 1.1], [1.2, -0.9, 0.7, 1.3, 0.0]]
INFS = [[np.inf, 1.0], [-np.inf, -np.inf], [np.inf, -np.inf], [60.0, 60.0]]
EXACT = {"ref_in_input_dtype": True}  # value-selecting ops: compare in the input dtype


OP_DB = [
    # sums and means
    OpInfo("sum", ember.sum, _red(np.sum), _tuple_samples(), dtypes=ALL_DTYPES, gradgrad=True,
           result_dtype=_int64_for_ints,
           error_inputs=_errors((2,), DIM_TWICE, (F32, ("a",), {}, TypeError, "dim"))),
    OpInfo("sum.dtype", _fn("sum"), _ref_with_dtype(np.sum), _dtype_kw(make_array),
           dtypes=("bool", "int32", "float16", "float32"), supports_grad=False, result_dtype=_int64_for_ints),
    OpInfo("mean", _method("mean"), _red(np.mean), _tuple_samples(), gradgrad=True,
           error_inputs=_errors((2,), (I32, (), {}, RuntimeError, r"mean\(\): could not infer output dtype"),
                                (I32, (), {"dtype": ember.int64}, RuntimeError, "Optional dtype"))),
    OpInfo("mean.dtype", _fn("mean"), _red(np.mean), _dtype_kw(make_array, 1, dtypes=(ember.float64,)),
           dtypes=("int32", "int64", "float32"), supports_grad=False, result_dtype=_always("float64")),
    OpInfo("nansum", ember.nansum, _red(np.nansum), _tuple_samples(nans=True), dtypes=ALL_DTYPES, gradgrad=True,
           result_dtype=_int64_for_ints, error_inputs=_errors((2,))),
    OpInfo("nanmean", ember.nanmean, _red(np.nanmean), _tuple_samples(nans=True),
           error_inputs=_errors((2,), (I32, (), {}, RuntimeError, r"nanmean\(\): expected input to have floating"))),
    # products
    OpInfo("prod", ember.prod, _ref_prod, _single_samples(_small, nonempty=False), dtypes=ALL_DTYPES,
           gradgrad=True, result_dtype=_int64_for_ints,
           error_inputs=_errors((2,), (F32, ((0, 1),), {}, TypeError, "must be int"))),
    OpInfo("prod.all", _fn("prod"), _ref_prod, _full_samples(_small, nonempty=False), dtypes=ALL_DTYPES,
           result_dtype=_int64_for_ints),
    OpInfo("prod.zeros", _fn("prod"), _ref_prod, _fixed((ZEROS, 1), (ZEROS, 0, True)), gradgrad=True,
           noncontig=False),
    # extremes
    OpInfo("amax", ember.amax, _red(np.max), _tuple_samples(nonempty=True, nans=True), dtypes=ALL_DTYPES, **EXACT,
           error_inputs=_errors((2,), (EMPTY, (), {}, RuntimeError, NO_DIM_EMPTY),
                                (EMPTY, (0,), {}, IndexError, ZERO_SIZE_DIM))),
    OpInfo("amin", ember.amin, _red(np.min), _tuple_samples(nonempty=True, nans=True), dtypes=ALL_DTYPES, **EXACT,
           error_inputs=_errors((2,), (EMPTY, (), {}, RuntimeError, NO_DIM_EMPTY))),
    OpInfo("max", ember.max, _red(np.max), _full_samples(nans=True), dtypes=ALL_DTYPES, **EXACT,
           error_inputs=_errors((2,), (EMPTY, (), {}, RuntimeError, r"max\(\): " + NO_DIM_EMPTY))),
    OpInfo("max.dim", _fn("max"), _ref_dim(_pick_max), _single_samples(nans=True), dtypes=ALL_DTYPES, **EXACT,
           error_inputs=_errors((2,), (EMPTY, (0,), {}, IndexError, ZERO_SIZE_DIM),
                                (F32, ((0, 1),), {}, TypeError, "must be int"))),
    OpInfo("max.binary", _fn("max"), np.maximum,
           lambda dt, rng: (SampleInput(_distinct((3, 4), dt, rng), _shifted(_distinct(s, dt, rng)), name=f"{s}")
                            for s in ((3, 4), (4,))), dtypes=NUMERIC, **EXACT),
    OpInfo("min", ember.min, _red(np.min), _full_samples(nans=True), dtypes=ALL_DTYPES, **EXACT,
           error_inputs=_errors((2,), (EMPTY, (), {}, RuntimeError, r"min\(\): " + NO_DIM_EMPTY))),
    OpInfo("min.dim", _method("min"), _ref_dim(_pick_min), _single_samples(nans=True), dtypes=ALL_DTYPES, **EXACT,
           error_inputs=_errors((2,), (EMPTY, (0,), {}, IndexError, ZERO_SIZE_DIM))),
    OpInfo("argmax", ember.argmax, _ref_arg(np.argmax), _argsamples, dtypes=NUMERIC, supports_grad=False,
           result_dtype=_always("int64"), **EXACT,
           error_inputs=_errors((2,), (EMPTY, (), {}, IndexError, NO_DIM_EMPTY),
                                (F32.astype(bool), (), {}, RuntimeError, "does not support bool"))),
    OpInfo("argmin", _method("argmin"), _ref_arg(np.argmin), _argsamples, dtypes=NUMERIC, supports_grad=False,
           result_dtype=_always("int64"), **EXACT, error_inputs=_errors((2,))),
    OpInfo("aminmax", _fn("aminmax"), _ref_aminmax, _aminmax_samples, dtypes=ALL_DTYPES, **EXACT,
           error_inputs=lambda: iter([ErrorInput(SampleInput(EMPTY), RuntimeError, "cannot compute aminmax")])),
    # moments
    OpInfo("var", ember.var, _ref_var,
           _tuple_samples(extra=({}, {"correction": 0}, {"correction": 2}), keepdim_kw=True), gradgrad=True,
           error_inputs=_errors((2,), (I32, (), {}, RuntimeError, FLOAT_ONLY),
                                (F32, (0, True), {"correction": 1}, TypeError, "unbiased"))),
    OpInfo("var.unbiased", _fn("var"), _ref_var_legacy, _fixed(
        (ZEROS, False), (ZEROS, 1, False), (ZEROS, 0, True))),
    OpInfo("std", _method("std"), _ref_std, _tuple_samples(extra=({}, {"correction": 0}), keepdim_kw=True),
           gradgrad=True, error_inputs=_errors((2,), (I32, (), {}, RuntimeError, FLOAT_ONLY))),
    OpInfo("var_mean", ember.var_mean, _ref_moments(_ref_var),
           _tuple_samples(extra=({"correction": 0},), keepdim_kw=True),
           error_inputs=_errors((2,), (I32, (), {}, RuntimeError, "var_mean only support floating"))),
    OpInfo("std_mean", ember.std_mean, _ref_moments(_ref_std), _tuple_samples(keepdim_kw=True),
           error_inputs=_errors((2,), (I32, (), {}, RuntimeError, "std_mean only support floating"))),
    # log-sum-exp and norms
    OpInfo("logsumexp", ember.logsumexp, _ref_logsumexp, _logsumexp_samples, dtypes=NUMERIC + ("bool",),
           result_dtype=_default_float_for_ints, gradgrad=True, error_inputs=_errors((2,))),
    OpInfo("logsumexp.inf", _fn("logsumexp"), _ref_logsumexp, _fixed((INFS, 1)), supports_grad=False),
    OpInfo("norm", ember.norm, _ref_norm, _norm_samples, gradgrad=True,
           error_inputs=_errors((2, 2), (I32, (), {}, RuntimeError, "Expected a floating point"),
                                (F32, ("abc",), {}, RuntimeError, "Order abc not supported"),
                                (EMPTY, (float("inf"),), {}, RuntimeError, "inf norm"))),
    OpInfo("norm.method", _method("norm"), lambda x, p, dim, dtype=None: _ref_norm(x, p, dim),
           lambda dt, rng: (SampleInput(_distinct((3, 4), dt, rng), p, 1, dtype=ember.float64) for p in (2, 1)),
           dtypes=("float32", "float64"), supports_grad=False, result_dtype=_always("float64")),
    # logical
    OpInfo("all", ember.all, _red(np.all), _tuple_samples(make=_sparse), dtypes=ALL_DTYPES, supports_grad=False,
           result_dtype=_logical_dtype, **EXACT, error_inputs=_errors((2,))),
    OpInfo("any", _method("any"), _red(np.any), _tuple_samples(make=_sparse), dtypes=ALL_DTYPES,
           supports_grad=False, result_dtype=_logical_dtype, **EXACT, error_inputs=_errors((2,))),
    OpInfo("count_nonzero", ember.count_nonzero, lambda x, dim=None: np.asarray(np.count_nonzero(
        x, axis=_ax(x, dim))).astype(np.int64), _count_nonzero_samples, dtypes=ALL_DTYPES, supports_grad=False,
        result_dtype=_always("int64"), **EXACT, error_inputs=_errors((2,))),
    # scans
    OpInfo("cumsum", ember.cumsum, _scan_ref(np.cumsum), _single_samples(nonempty=False, keepdim=False),
           dtypes=ALL_DTYPES, gradgrad=True, result_dtype=_int64_for_ints, error_inputs=_errors((2,))),
    OpInfo("cumsum.dtype", _fn("cumsum"), _ref_with_dtype(np.cumsum), _dtype_kw(make_array, 1),
           dtypes=("bool", "int32", "float32"), supports_grad=False, result_dtype=_int64_for_ints),
    OpInfo("cumprod", _method("cumprod"), _scan_ref(np.cumprod), _single_samples(_small, nonempty=False,
                                                                                 keepdim=False),
           dtypes=ALL_DTYPES, gradgrad=True, result_dtype=_int64_for_ints, error_inputs=_errors((2,))),
    OpInfo("cumprod.zeros", _fn("cumprod"), _scan_ref(np.cumprod), _fixed((ZEROS, 1), (ZEROS, 0)), gradgrad=True,
           noncontig=False),
    OpInfo("cummax", ember.cummax, _ref_cum(lambda v, best: v >= best),
           _single_samples(nonempty=False, nans=True, keepdim=False), dtypes=ALL_DTYPES, **EXACT,
           error_inputs=_errors((2,))),
    OpInfo("cummin", _method("cummin"), _ref_cum(lambda v, best: v <= best),
           _single_samples(nonempty=False, nans=True, keepdim=False), dtypes=ALL_DTYPES, **EXACT,
           error_inputs=_errors((2,))),
    OpInfo("logcumsumexp", ember.logcumsumexp, _scan_ref(np.logaddexp.accumulate),
           _single_samples(nonempty=False, keepdim=False), error_inputs=_errors(
               (2,), (np.zeros((2, 3), np.int64), (0,), {}, NotImplementedError, "not implemented for 'Long'"))),
    OpInfo("logcumsumexp.inf", _fn("logcumsumexp"), _scan_ref(np.logaddexp.accumulate), _fixed((INFS, 1)),
           supports_grad=False),
    # order statistics
    OpInfo("median", ember.median, _ref_median(False), _full_samples(nonempty=_ints_only, nans=True),
           dtypes=NUMERIC, **EXACT, error_inputs=lambda: iter([ErrorInput(
               SampleInput(F32.astype(bool)), NotImplementedError, "not implemented for 'Bool'")])),
    OpInfo("median.dim", _fn("median"), _ref_dim(_pick_median), _single_samples(nans=True), dtypes=NUMERIC,
           **EXACT, error_inputs=_errors((2,), (EMPTY, (0,), {}, IndexError, ZERO_SIZE_DIM))),
    OpInfo("nanmedian", _method("nanmedian"), _ref_median(True), _full_samples(nonempty=_ints_only, nans=True),
           dtypes=NUMERIC, **EXACT),
    OpInfo("nanmedian.dim", _fn("nanmedian"), _ref_dim(lambda row: _pick_median(row, True)),
           _single_samples(nans=True), dtypes=NUMERIC, **EXACT, error_inputs=_errors((2,))),
    OpInfo("mode", ember.mode, _ref_dim(_pick_mode), _mode_samples, dtypes=ALL_DTYPES, grad_samples=2, **EXACT,
           error_inputs=_errors((2,), (EMPTY, (0,), {}, IndexError, ZERO_SIZE_DIM))),
]
