"""OpInfos for ember/ops/math.py: transcendental/special functions, rounding and binary math."""
from __future__ import annotations

import math

import ember
import numpy as np
from ember.testing.opinfo import ALL_DTYPES, FLOAT_DTYPES, ErrorInput, OpInfo, SampleInput

from ._samples import BINARY_SHAPES, NUMERIC, binary_samples, make_array, shape_error, to_float, unary_samples
from .elementwise import f64

_F32 = np.float32


def _unary(low=None, high=None, int_low=None, int_high=None, specials=()):
    """Unary samples in [low, high) (integers in [int_low, int_high)), plus a few special values."""
    def gen(dtype, rng):
        if dtype in FLOAT_DTYPES:
            yield from unary_samples(dtype, rng, low, high)
            if specials:
                npd = make_array((1,), dtype, rng).dtype
                yield SampleInput(np.array(specials).astype(npd), name="special values", noncontig=False)
        else:
            lo = int_low if int_low is not None else (math.ceil(low) if low is not None else None)
            hi = int_high if int_high is not None else (math.floor(high) + 1 if high is not None else None)
            yield from unary_samples(dtype, rng, lo, hi)
    return gen


def _vec(f):
    """Elementwise reference from a scalar ``math`` function, evaluated in float64."""
    vf = np.vectorize(f, otypes=[np.float64])

    def ref(x, *args):
        x = np.asarray(x, dtype=np.float64)
        return vf(x, *args) if x.size else x.copy()
    return ref


def _safe(f):
    def g(v, *a):
        try:
            return f(v, *a)
        except (ValueError, OverflowError):
            return math.nan
    return g


def _lgamma(v):
    if math.isinf(v):
        return math.inf
    if v <= 0 and v == math.floor(v):
        return math.inf
    return math.lgamma(v)


def _digamma(v):
    """Central difference of math.lgamma (an independent check of the series kernel)."""
    if v == 0:
        return math.copysign(math.inf, -math.copysign(1.0, v))
    if v < 0 and v == math.floor(v):
        return math.nan
    h = 1e-5 * max(1.0, abs(v))
    return (math.lgamma(v + h) - math.lgamma(v - h)) / (2 * h)


def _polygamma(v, n):
    """psi^(n)(v), n >= 1, from the series sum_k (v + k)^-(n+1) with an Euler-Maclaurin tail."""
    if n == 0:
        return _digamma(v)
    if v <= 0 and v == math.floor(v):
        return math.inf if n % 2 == 1 else -math.inf
    N = 40
    s = math.fsum((v + k) ** -(n + 1) for k in range(N))
    a = v + N
    s += a ** -n / n + 0.5 * a ** -(n + 1) + (n + 1) / 12 * a ** -(n + 2) - \
        (n + 1) * (n + 2) * (n + 3) / 720 * a ** -(n + 4)
    return (-1) ** (n + 1) * math.factorial(n) * s


def _erfinv(v):
    if v <= -1 or v >= 1:
        return math.copysign(math.inf, v) if abs(v) == 1 else math.nan
    lo, hi = -7.0, 7.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if math.erf(mid) < v:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _logit_ref(x, eps=None):
    x = np.asarray(x, dtype=np.float64)
    if eps is not None:
        x = np.clip(x, eps, 1 - eps)
    return np.log(x / (1 - x))


def _logit_samples(dtype, rng):
    yield from _unary(0.05, 0.95, 0, 2)(dtype, rng)
    if dtype in FLOAT_DTYPES:
        yield SampleInput(make_array((3, 4), dtype, rng, -0.2, 1.2), eps=0.1, name="eps=0.1")


def _round_ref(x, decimals=0):
    if x.dtype.kind in "iub":
        return x
    if decimals == 0:
        return np.rint(x)
    if decimals > 0:
        return np.rint(x * 10.0 ** decimals) / 10.0 ** decimals
    return np.rint(x / 10.0 ** -decimals) * 10.0 ** -decimals


def _round_samples(dtype, rng):
    yield from unary_samples(dtype, rng, -100, 100)
    if dtype in FLOAT_DTYPES:
        npd = make_array((1,), dtype, rng).dtype
        yield SampleInput(np.array([0.5, 1.5, 2.5, -0.5, -1.5, 3.49]).astype(npd), name="half to even",
                          noncontig=False)
        for d in (1, 2, -1):
            yield SampleInput(make_array((3, 4), dtype, rng, -100, 100), decimals=d, name=f"decimals={d}")


def _rounding_ref(f):
    def ref(x):
        return x if x.dtype.kind in "iub" else f(x)
    return ref


def _bool_not_impl(op):
    def gen():
        yield ErrorInput(SampleInput(np.array([True, False])), NotImplementedError, "not implemented for 'Bool'")
        yield ErrorInput(SampleInput(1.5), TypeError, "must be Tensor")
    return gen


def _tensor_arg_error():
    yield ErrorInput(SampleInput(2.0), TypeError, r"argument 'input' \(position 1\) must be Tensor")


def _polygamma_samples(dtype, rng):
    for n in (0, 1, 2, 3):
        for s in _unary(0.5, 5.0, 1, 6)(dtype, rng):
            yield SampleInput(n, s.input, name=f"n={n}, {s.name}")
    if dtype in ("float32", "float64"):
        npd = make_array((1,), dtype, rng).dtype
        yield SampleInput(2, np.array([-0.5, -1.25, -2.75, 0.01, 30.0]).astype(npd), name="negative x",
                          noncontig=False)


def _polygamma_ref(n, x):
    return _vec(_safe(lambda v: _polygamma(v, n)))(x)


def _polygamma_errors():
    yield ErrorInput(SampleInput(-1, np.ones(3, _F32)), RuntimeError, "does not support negative n")
    yield ErrorInput(SampleInput(1, 2.0), TypeError, "must be Tensor")


# --- binary ---------------------------------------------------------------------------------

def _tensor_pairs(low=None, high=None, rhs_low=None, rhs_high=None):
    def gen(dtype, rng):
        yield from binary_samples(dtype, rng, low, high, scalars=(), rhs_low=rhs_low, rhs_high=rhs_high)
    return gen


def _pairs_with_scalar(low=None, high=None, scalars=(2.5, -2)):
    def gen(dtype, rng):
        yield from binary_samples(dtype, rng, low, high, scalars=scalars)
    return gen


def _float_only_errors(op):
    def gen():
        yield ErrorInput(SampleInput(np.ones(3, np.int64), np.ones(3, np.int64)), NotImplementedError,
                         "not implemented for 'Long'")
        yield ErrorInput(SampleInput(np.ones(3, _F32), 2.0), TypeError, r"argument 'other' \(position 2\) must be "
                                                                          r"Tensor")
        yield from shape_error()
    return gen


def _tensor_only_errors():
    yield ErrorInput(SampleInput(np.ones(3, _F32), 2.0), TypeError, r"argument 'other' \(position 2\) must be Tensor")
    yield from shape_error()


def _tie_samples(dtype, rng):
    yield from binary_samples(dtype, rng, scalars=())
    if dtype in FLOAT_DTYPES:
        npd = make_array((1,), dtype, rng).dtype
        yield SampleInput(np.array([np.nan, 1.0, np.nan, -0.0, 2.0]).astype(npd),
                          np.array([1.0, np.nan, np.nan, 0.0, 2.0]).astype(npd), name="nan and ties",
                          noncontig=False)
    yield SampleInput(make_array((4,), dtype, rng), make_array((), "float32", rng) if dtype != "float32"
                      else make_array((), "float64", rng), name="mixed dtypes (0-d other)")


def _fmax_ref(f):
    def ref(x, y):
        return f(x, y)
    return ref


def _mixed_dtype_result(dtype, sample):
    other = sample.args[0]
    if isinstance(other, np.ndarray) and other.ndim == 0 and str(other.dtype) != dtype:
        # 0-d operand only raises the category
        return dtype if dtype in FLOAT_DTYPES else "float32" if other.dtype.kind == "f" else dtype
    return dtype


def _xlogy_samples(dtype, rng):
    yield from binary_samples(dtype, rng, 0, 3, scalars=(2.5, 3), rhs_low=0.1, rhs_high=4)
    yield SampleInput(2.5 if dtype in FLOAT_DTYPES else 2, make_array((3, 4), dtype, rng, 1, 4), name="scalar self")
    if dtype in FLOAT_DTYPES:
        npd = make_array((1,), dtype, rng).dtype
        yield SampleInput(np.array([0.0, 0.0, 1.0, 2.0]).astype(npd), np.array([0.0, np.nan, 0.0, np.inf]).astype(npd),
                          name="zeros / nan", grad_args=())


def _xlogy_ref(x, y):
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    with np.errstate(all="ignore"):
        r = np.where(x == 0, 0.0, x * np.log(y))
    return np.where(np.isnan(y), np.nan, r)


def _lerp_samples(dtype, rng):
    for sa, sb in BINARY_SHAPES:
        yield SampleInput(make_array(sa, dtype, rng), make_array(sb, dtype, rng), 0.3, name=f"{sa}, {sb}, w=0.3")
    yield SampleInput(make_array((3, 4), dtype, rng), make_array((3, 4), dtype, rng), 0.75, name="w=0.75")
    yield SampleInput(make_array((3, 4), dtype, rng), make_array((4,), dtype, rng),
                      make_array((3, 1), dtype, rng, 0, 1), name="tensor weight")
    yield SampleInput(make_array((2, 3), dtype, rng), make_array((2, 3), dtype, rng),
                      make_array((2, 3), dtype, rng, -1, 2), name="tensor weight outside [0, 1]")


def _lerp_ref(x, y, w):
    return x + w * (y - x)


def _lerp_errors():
    yield ErrorInput(SampleInput(np.ones(3, _F32), np.ones(3, np.float64), 0.5), RuntimeError,
                     "expected dtype float for `end` but got dtype double")
    yield ErrorInput(SampleInput(np.ones(3, _F32), np.ones(3, _F32), np.ones(3, np.float64)), RuntimeError,
                     "expected dtype float for `weight` but got dtype double")
    yield ErrorInput(SampleInput(np.ones(3, np.int64), np.ones(3, np.int64), 0.5), NotImplementedError,
                     "not implemented for 'Long'")
    yield ErrorInput(SampleInput(np.ones((2, 3), _F32), np.ones(4, _F32), 0.5), RuntimeError, "must match the size")


def _ldexp_samples(dtype, rng):
    for sa, sb in BINARY_SHAPES:
        yield SampleInput(make_array(sa, dtype, rng), make_array(sb, "int32", rng, -4, 5), name=f"{sa}, int {sb}")
    if dtype in FLOAT_DTYPES:
        yield SampleInput(make_array((3,), dtype, rng), make_array((3,), dtype, rng, -2, 2), name="float exponent")


def _ldexp_ref(x, e):
    return np.asarray(x, dtype=np.float64) * np.power(2.0, np.asarray(e, dtype=np.float64))


def _clamp_samples(dtype, rng):
    lo, hi = (-1.0, 1.5) if dtype in FLOAT_DTYPES else (-2, 3)
    if dtype == "uint8":
        lo, hi = 2, 6
    for s in unary_samples(dtype, rng):
        yield SampleInput(s.input, lo, hi, name=f"{s.name}, min={lo}, max={hi}")
    x = make_array((3, 4), dtype, rng)
    yield SampleInput(x, lo, name="min only")
    yield SampleInput(x, None, hi, name="max only")
    yield SampleInput(x, hi, lo, name="min > max")
    yield SampleInput(x, make_array((4,), dtype, rng), make_array((3, 1), dtype, rng, 4, 8),
                      name="tensor bounds")
    yield SampleInput(x, make_array((3, 4), dtype, rng), name="tensor min only")
    yield SampleInput(x, None, make_array((1, 4), dtype, rng), name="tensor max only")
    yield SampleInput(x, make_array((), dtype, rng), hi, name="0-d tensor min, scalar max (taken as a number)",
                      grad_args=(0,))
    if dtype in FLOAT_DTYPES:
        npd = make_array((1,), dtype, rng).dtype
        yield SampleInput(np.array([np.nan, -5.0, 5.0]).astype(npd), -1.0, 1.0, name="nan input", noncontig=False)
    else:
        yield SampleInput(x, 0.5, name="float bound promotes")


def _clamp_ref(x, min=None, max=None):
    r = x
    if min is not None:
        r = np.maximum(r, min)
    if max is not None:
        r = np.minimum(r, max)
    return r


def _clamp_dtype(dtype, sample):
    bounds = list(sample.args) + list(sample.kwargs.values())
    if dtype not in FLOAT_DTYPES and any(isinstance(b, float) for b in bounds):
        return "float32"
    return dtype


def _clamp_errors():
    yield ErrorInput(SampleInput(np.ones(3, _F32)), RuntimeError, "At least one of 'min' or 'max' must not be None")
    yield ErrorInput(SampleInput(np.ones((2, 3), _F32), np.ones(4, _F32), np.ones(3, _F32)), RuntimeError,
                     "must match the size")
    yield ErrorInput(SampleInput(np.ones(3, bool), False), NotImplementedError, "not implemented for 'Bool'")
    yield ErrorInput(SampleInput(np.ones((2, 3), _F32), np.ones(3, _F32), 1.0), TypeError,
                     "clamp\\(\\) received an invalid combination of arguments")


def _clamp_min_samples(dtype, rng):
    x = make_array((3, 4), dtype, rng)
    bound = 1.5 if dtype in FLOAT_DTYPES else 2
    yield SampleInput(x, bound, name="scalar bound")
    yield SampleInput(x, make_array((4,), dtype, rng), name="tensor bound")
    yield SampleInput(make_array((), dtype, rng), make_array((), dtype, rng), name="0-d")


_U = {"dtypes": ALL_DTYPES, "result_dtype": to_float, "error_inputs": _tensor_arg_error}

_UNARY_SPECS = [
    # name, reference, sampler, gradgrad, tolerances
    ("sqrt", np.sqrt, _unary(0.1, 5.0, 0, 10, specials=(0.0, -1.0, np.inf)), True, {}),
    ("rsqrt", lambda x: 1.0 / np.sqrt(x), _unary(0.1, 5.0, 1, 10), True, {}),
    ("exp2", np.exp2, _unary(-3.0, 3.0), True, {}),
    ("expm1", np.expm1, _unary(-3.0, 3.0, specials=(1e-10, -1e-10)), False, {}),
    ("log2", np.log2, _unary(0.1, 5.0, 1, 10), False, {}),
    ("log10", np.log10, _unary(0.1, 5.0, 1, 10), False, {}),
    ("log1p", np.log1p, _unary(-0.9, 5.0, 0, 10, specials=(1e-10, -1.0)), True, {}),
    ("sin", np.sin, _unary(-4.0, 4.0), True, {}),
    ("cos", np.cos, _unary(-4.0, 4.0), True, {}),
    ("tan", np.tan, _unary(-1.2, 1.2, -1, 2), True, {"float16": (4e-3, 2e-3), "bfloat16": (2e-2, 2e-2)}),
    ("asin", np.arcsin, _unary(-0.9, 0.9, -1, 2), False, {}),
    ("arcsin", np.arcsin, _unary(-0.9, 0.9, -1, 2), False, {}),
    ("acos", np.arccos, _unary(-0.9, 0.9, -1, 2), False, {}),
    ("arccos", np.arccos, _unary(-0.9, 0.9, -1, 2), False, {}),
    ("atan", np.arctan, _unary(-3.0, 3.0), False, {}),
    ("arctan", np.arctan, _unary(-3.0, 3.0), False, {}),
    ("sinh", np.sinh, _unary(-3.0, 3.0), True, {}),
    ("cosh", np.cosh, _unary(-3.0, 3.0), True, {}),
    ("tanh", np.tanh, _unary(-3.0, 3.0), True, {}),
    ("asinh", np.arcsinh, _unary(-3.0, 3.0), False, {}),
    ("arcsinh", np.arcsinh, _unary(-3.0, 3.0), False, {}),
    ("acosh", np.arccosh, _unary(1.1, 5.0, 1, 10), False, {}),
    ("arccosh", np.arccosh, _unary(1.1, 5.0, 1, 10), False, {}),
    ("atanh", np.arctanh, _unary(-0.9, 0.9, -1, 2), False, {}),
    ("arctanh", np.arctanh, _unary(-0.9, 0.9, -1, 2), False, {}),
    ("sigmoid", _sigmoid, _unary(-6.0, 6.0, specials=(-100.0, 100.0, 0.0)), True, {}),
    ("erf", _vec(math.erf), _unary(-3.0, 3.0, specials=(0.0, 1e-10, 5.9, -30.0, np.inf, -np.inf)), True, {}),
    ("erfc", _vec(math.erfc), _unary(-3.0, 3.0, specials=(0.0, 5.9, 26.0, -30.0, np.inf)), False, {}),
    ("erfinv", _vec(_erfinv), _unary(-0.95, 0.95, 0, 2, specials=(0.0, 1.0, -1.0, 0.999999, 1e-8)), True, {}),
    ("lgamma", _vec(_lgamma), _unary(0.1, 6.0, 0, 10, specials=(-0.5, -2.5, 0.0, 1.0, 2.0, 100.5, np.inf)), True,
     {"float64": (1e-7, 1e-10)}),
    ("digamma", _vec(_safe(_digamma)), _unary(0.5, 6.0, 1, 10, specials=(-0.5, -2.5, 1.0, 30.0)), False,
     {"float64": (1e-7, 1e-8)}),
    ("deg2rad", np.deg2rad, _unary(-360.0, 360.0), False, {}),
    ("rad2deg", np.rad2deg, _unary(-4.0, 4.0), False, {}),
]

OP_DB = [
    *[OpInfo(name, getattr(ember, name), f64(ref), sampler, gradgrad=gg, tols=tols, **_U)
      for name, ref, sampler, gg, tols in _UNARY_SPECS],
    OpInfo("logit", ember.logit, _logit_ref, _logit_samples, dtypes=ALL_DTYPES, result_dtype=to_float,
           error_inputs=_tensor_arg_error),
    OpInfo("polygamma", ember.polygamma, _polygamma_ref, _polygamma_samples, dtypes=ALL_DTYPES,
           result_dtype=to_float, error_inputs=_polygamma_errors, tols={"float64": (1e-7, 1e-8)}),
    # rounding
    *[OpInfo(name, getattr(ember, name), _rounding_ref(ref), lambda dt, rng: unary_samples(dt, rng, -100, 100),
             dtypes=NUMERIC, ref_in_input_dtype=True, error_inputs=_bool_not_impl(name))
      for name, ref in (("floor", np.floor), ("ceil", np.ceil), ("trunc", np.trunc), ("fix", np.trunc))],
    OpInfo("round", ember.round, _round_ref, _round_samples, dtypes=NUMERIC, ref_in_input_dtype=True,
           error_inputs=_bool_not_impl("round")),
    OpInfo("frac", ember.frac, lambda x: x - np.trunc(x), lambda dt, rng: unary_samples(dt, rng, -100, 100),
           error_inputs=lambda: iter([ErrorInput(SampleInput(np.ones(3, np.int64)), NotImplementedError,
                                                 "not implemented for 'Long'")])),
    # binary math
    OpInfo("atan2", ember.atan2, f64(np.arctan2), _tensor_pairs(), dtypes=ALL_DTYPES, result_dtype=to_float,
           error_inputs=_tensor_only_errors),
    OpInfo("arctan2", ember.arctan2, f64(np.arctan2), _tensor_pairs(), dtypes=ALL_DTYPES,
           result_dtype=to_float),
    OpInfo("hypot", ember.hypot, np.hypot, _tensor_pairs(), gradgrad=True, error_inputs=_float_only_errors("hypot")),
    OpInfo("copysign", ember.copysign, f64(np.copysign), _pairs_with_scalar(scalars=(2.5, -2, -0.0)),
           dtypes=ALL_DTYPES, result_dtype=to_float,
           error_inputs=lambda: iter([ErrorInput(SampleInput(2.0, np.ones(3, _F32)), TypeError, "must be Tensor")])),
    OpInfo("xlogy", ember.xlogy, _xlogy_ref, _xlogy_samples, dtypes=ALL_DTYPES, result_dtype=to_float,
           gradgrad=True, error_inputs=shape_error),
    OpInfo("logaddexp", ember.logaddexp, np.logaddexp, _tensor_pairs(-5, 5), gradgrad=True,
           error_inputs=_float_only_errors("logaddexp")),
    OpInfo("logaddexp2", ember.logaddexp2, np.logaddexp2, _tensor_pairs(-5, 5),
           error_inputs=_float_only_errors("logaddexp2")),
    OpInfo("nextafter", ember.nextafter, None, _tensor_pairs(), error_inputs=_float_only_errors("nextafter")),
    OpInfo("ldexp", ember.ldexp, _ldexp_ref, _ldexp_samples, dtypes=ALL_DTYPES, result_dtype=to_float,
           error_inputs=lambda: iter([ErrorInput(SampleInput(np.ones(3, _F32), 2), TypeError, "must be Tensor")])),
    OpInfo("lerp", ember.lerp, _lerp_ref, _lerp_samples, gradgrad=True, error_inputs=_lerp_errors),
    *[OpInfo(name, getattr(ember, name), ref, _tie_samples, dtypes=ALL_DTYPES, gradgrad=name == "maximum",
             ref_in_input_dtype=True, result_dtype=_mixed_dtype_result, error_inputs=_tensor_only_errors)
      for name, ref in (("maximum", np.maximum), ("minimum", np.minimum), ("fmax", np.fmax), ("fmin", np.fmin))],
    OpInfo("clamp", ember.clamp, _clamp_ref, _clamp_samples, dtypes=NUMERIC, gradgrad=True, ref_in_input_dtype=True,
           grad_samples=12,
           result_dtype=_clamp_dtype, error_inputs=_clamp_errors),
    OpInfo("clip", ember.clip, _clamp_ref, _clamp_samples, dtypes=NUMERIC, ref_in_input_dtype=True,
           result_dtype=_clamp_dtype),
    OpInfo("clamp_min", ember.clamp_min, lambda x, b: np.maximum(x, b), _clamp_min_samples, dtypes=NUMERIC,
           ref_in_input_dtype=True),
    OpInfo("clamp_max", ember.clamp_max, lambda x, b: np.minimum(x, b), _clamp_min_samples, dtypes=NUMERIC,
           ref_in_input_dtype=True),
]
