"""Math functions: transcendental and special functions, rounding, and binary math
(atan2, hypot, lerp, copysign, xlogy, logaddexp, nextafter, ldexp, maximum/minimum,
fmax/fmin, clamp).

Unary float functions promote integer and bool inputs to the default float dtype,
like PyTorch.  Every backward formula is written in ember ops, so the important
ones (sin, cos, tanh, sigmoid, sqrt, clamp, ...) differentiate twice.
"""
from __future__ import annotations

import builtins
import math as _m

from .. import _dtype as D
from .._dispatch import apply, binary, operands, unary
from .._op import defop
from .._tensor import Tensor
from ..amp.autocast_mode import autocast_entry as _autocast_entry
from ._util import broadcast_shapes, reg
from .elementwise import (
    _float_compute,
    _out,
    _zero_grads,
    _zeros,
    abs,
    add,
    check_tensor_arg,
    div,
    exp,
    isnan,
    log,
    mul,
    not_implemented,
    pow,
    reciprocal,
    sign,
    signbit,
    sub,
    where,
)

F = "math"

_LN2 = _m.log(2.0)
_LN10 = _m.log(10.0)
_TWO_OVER_SQRTPI = 2.0 / _m.sqrt(_m.pi)

_UNARY_FLOAT = ("sqrt", "rsqrt", "exp2", "expm1", "log2", "log10", "log1p", "sin", "cos", "tan", "asin", "arcsin",
                "acos", "arccos", "atan", "arctan", "sinh", "cosh", "tanh", "asinh", "arcsinh", "acosh", "arccosh",
                "atanh", "arctanh", "sigmoid", "erf", "erfc", "erfinv", "lgamma", "digamma", "deg2rad", "rad2deg")
INPLACE = _UNARY_FLOAT + ("logit", "polygamma", "floor", "ceil", "trunc", "fix", "round", "frac", "atan2", "arctan2",
                          "hypot", "copysign", "xlogy", "nextafter", "ldexp", "lerp", "clamp", "clip", "clamp_min",
                          "clamp_max")


# --- unary float functions -------------------------------------------------------------

def _unary_float(name, backward, save=None, decomposition=None, doc="", aliases=()):
    op = defop(name, F, f"{name}(x) -> out", backward=backward, save=save, decomposition=decomposition, doc=doc)

    def fn(input, *, out=None):
        check_tensor_arg(input, name, "input", 1)
        return _out(unary(op, input, float_op=True), out)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Elementwise ``{name}``{'; ' + doc if doc else ''}.  Integer inputs promote to the default " \
                 f"float dtype."
    reg(name)(fn)
    for a in aliases:
        reg(a)(fn)
    return op, fn


def _x(ctx):
    return ctx.saved[0]


SQRT, sqrt = _unary_float("sqrt", lambda ctx, g: (g / (2.0 * ctx.output),), "output")
RSQRT, rsqrt = _unary_float("rsqrt", lambda ctx, g: (g * -0.5 * ctx.output * ctx.output * ctx.output,), "output",
                            decomposition=lambda x: reciprocal(sqrt(x)), doc="1 / sqrt(input)")
EXP2, exp2 = _unary_float("exp2", lambda ctx, g: (g * ctx.output * _LN2,), "output",
                          decomposition=lambda x: pow(2.0, x), doc="2 ** input")
EXPM1, expm1 = _unary_float("expm1", lambda ctx, g: (g * (ctx.output + 1.0),), "output",
                            decomposition=lambda x: sub(exp(x), 1.0), doc="exp(input) - 1, accurate near 0")
LOG2, log2 = _unary_float("log2", lambda ctx, g: (g / (_x(ctx) * _LN2),), "inputs",
                          decomposition=lambda x: div(log(x), _LN2))
LOG10, log10 = _unary_float("log10", lambda ctx, g: (g / (_x(ctx) * _LN10),), "inputs",
                            decomposition=lambda x: div(log(x), _LN10))
LOG1P, log1p = _unary_float("log1p", lambda ctx, g: (g / (_x(ctx) + 1.0),), "inputs",
                            decomposition=lambda x: log(add(x, 1.0)), doc="log(1 + input), accurate near 0")
SIN, sin = _unary_float("sin", lambda ctx, g: (g * cos(_x(ctx)),), "inputs")
COS, cos = _unary_float("cos", lambda ctx, g: (-g * sin(_x(ctx)),), "inputs")
TAN, tan = _unary_float("tan", lambda ctx, g: (g * (1.0 + ctx.output * ctx.output),), "output",
                        decomposition=lambda x: div(sin(x), cos(x)))
ASIN, asin = _unary_float("asin", lambda ctx, g: (g * rsqrt(1.0 - _x(ctx) * _x(ctx)),), "inputs",
                          aliases=("arcsin",))
ACOS, acos = _unary_float("acos", lambda ctx, g: (-g * rsqrt(1.0 - _x(ctx) * _x(ctx)),), "inputs",
                          decomposition=lambda x: sub(_m.pi / 2, asin(x)), aliases=("arccos",))
ATAN, atan = _unary_float("atan", lambda ctx, g: (g / (1.0 + _x(ctx) * _x(ctx)),), "inputs", aliases=("arctan",))
SINH, sinh = _unary_float("sinh", lambda ctx, g: (g * cosh(_x(ctx)),), "inputs",
                          decomposition=lambda x: mul(sub(exp(x), exp(-x)), 0.5))
COSH, cosh = _unary_float("cosh", lambda ctx, g: (g * sinh(_x(ctx)),), "inputs",
                          decomposition=lambda x: mul(add(exp(x), exp(-x)), 0.5))
TANH, tanh = _unary_float("tanh", lambda ctx, g: (g * (1.0 - ctx.output * ctx.output),), "output",
                          decomposition=lambda x: sub(mul(sigmoid(mul(x, 2.0)), 2.0), 1.0))
ASINH, asinh = _unary_float("asinh", lambda ctx, g: (g * rsqrt(_x(ctx) * _x(ctx) + 1.0),), "inputs",
                            decomposition=lambda x: mul(sign(x), log(add(abs(x), sqrt(add(mul(x, x), 1.0))))),
                            aliases=("arcsinh",))
ACOSH, acosh = _unary_float("acosh", lambda ctx, g: (g * rsqrt(_x(ctx) * _x(ctx) - 1.0),), "inputs",
                            decomposition=lambda x: log(add(x, sqrt(sub(mul(x, x), 1.0)))), aliases=("arccosh",))
ATANH, atanh = _unary_float("atanh", lambda ctx, g: (g / (1.0 - _x(ctx) * _x(ctx)),), "inputs",
                            decomposition=lambda x: mul(sub(log1p(x), log1p(-x)), 0.5), aliases=("arctanh",))
SIGMOID, sigmoid = _unary_float("sigmoid", lambda ctx, g: (g * ctx.output * (1.0 - ctx.output),), "output",
                                decomposition=lambda x: reciprocal(add(exp(-x), 1.0)), doc="1 / (1 + exp(-input))")
ERF, erf = _unary_float("erf", lambda ctx, g: (g * _TWO_OVER_SQRTPI * exp(-_x(ctx) * _x(ctx)),), "inputs")
ERFC, erfc = _unary_float("erfc", lambda ctx, g: (g * -_TWO_OVER_SQRTPI * exp(-_x(ctx) * _x(ctx)),), "inputs",
                          decomposition=lambda x: sub(1.0, erf(x)), doc="1 - erf(input)")
ERFINV, erfinv = _unary_float("erfinv", lambda ctx, g: (g * (_m.sqrt(_m.pi) / 2) * exp(ctx.output * ctx.output),),
                              "output", doc="inverse of erf on (-1, 1); +-inf at +-1")
LGAMMA, lgamma = _unary_float("lgamma", lambda ctx, g: (g * digamma(_x(ctx)),), "inputs",
                              doc="log|Gamma(input)|")
DIGAMMA, digamma = _unary_float("digamma", lambda ctx, g: (g * polygamma(1, _x(ctx)),), "inputs",
                                doc="d/dx lgamma(x); -inf at 0, inf at -0, nan at negative integers")
DEG2RAD, deg2rad = _unary_float("deg2rad", lambda ctx, g: (g * (_m.pi / 180.0),),
                                decomposition=lambda x: mul(x, _m.pi / 180.0))
RAD2DEG, rad2deg = _unary_float("rad2deg", lambda ctx, g: (g * (180.0 / _m.pi),),
                                decomposition=lambda x: mul(x, 180.0 / _m.pi))
arcsin, arccos, arctan, arcsinh, arccosh, arctanh = asin, acos, atan, asinh, acosh, atanh


def _polygamma_bwd(ctx, g):
    return (g * polygamma(ctx.params[0] + 1, _x(ctx)),)


POLYGAMMA = defop("polygamma", F, "polygamma(x, n) -> out", backward=_polygamma_bwd, save="inputs",
                  doc="n-th derivative of digamma (n >= 0)")


def polygamma(n, input, *, out=None):
    """The ``n``-th derivative of ``digamma`` (``polygamma(0, x) == digamma(x)``)."""
    check_tensor_arg(input, "polygamma", "input", 2)
    n = int(n)
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    return _out(unary(POLYGAMMA, input, (n,), float_op=True), out)


@reg("polygamma")
def _polygamma_method(self, n):
    return polygamma(n, self)


def _logit_bwd(ctx, g):
    x = _x(ctx)
    eps = ctx.params[0]
    d = g / (x * (1.0 - x))
    if eps is None:
        return (where((x < 0) | (x > 1), _m.nan, d),)
    return (where((x < eps) | (x > 1.0 - eps), 0.0, d),)


def _logit_decomp(x, eps):
    if eps is not None:
        x = clamp(x, eps, 1.0 - eps)
    return log(div(x, sub(1.0, x)))


LOGIT = defop("logit", F, "logit(x, eps) -> out", backward=_logit_bwd, save="inputs", decomposition=_logit_decomp,
              doc="log(x / (1 - x)), x clamped to [eps, 1 - eps] when eps is not None")


@reg("logit")
def logit(input, eps=None, *, out=None):
    check_tensor_arg(input, "logit", "input", 1)
    return _out(unary(LOGIT, input, (None if eps is None else builtins.float(eps),), float_op=True), out)


# --- rounding (integers pass through unchanged) ---------------------------------------------

def _rounding(name, doc):
    op = defop(name, F, f"{name}(x) -> out", backward=_zero_grads, doc=doc + "; integer inputs are copied")

    def fn(input, *, out=None):
        check_tensor_arg(input, name, "input", 1)
        if input.dtype is D.bool:
            raise not_implemented(name, input.dtype)
        return _out(apply(op, (input,)), out)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Elementwise ``{name}`` ({doc}); integer tensors are returned unchanged (a copy)."
    reg(name)(fn)
    return op, fn


FLOOR, floor = _rounding("floor", "round toward -inf")
CEIL, ceil = _rounding("ceil", "round toward +inf")
TRUNC, trunc = _rounding("trunc", "round toward zero")
fix = reg("fix")(trunc)

ROUND = defop("round", F, "round(x, decimals) -> out", backward=_zero_grads,
              doc="round half to even, at `decimals` decimal digits (negative: left of the point)")
FRAC = defop("frac", F, "frac(x) -> out", backward=lambda ctx, g: (g,),
             decomposition=lambda x: sub(x, trunc(x)), doc="input - trunc(input)")


@reg("round")
def round(input, *, decimals=0, out=None):
    """Round half to even; ``decimals`` rounds to that many decimal digits."""
    check_tensor_arg(input, "round", "input", 1)
    if input.dtype is D.bool or (decimals != 0 and not input.dtype.is_floating_point):
        raise not_implemented("round", input.dtype)
    return _out(apply(ROUND, (input,), (int(decimals),)), out)


@reg("frac")
def frac(input, *, out=None):
    check_tensor_arg(input, "frac", "input", 1)
    if not input.dtype.is_floating_point:
        raise not_implemented("frac", input.dtype)
    return _out(apply(FRAC, (input,)), out)


# --- binary math ----------------------------------------------------------------------------

def _need(ctx):
    return ctx.needs_input_grad


def _atan2_bwd(ctx, g):
    x, y = ctx.saved
    n = _need(ctx)
    r = g / (x * x + y * y)
    return (r * y if n[0] else None, -r * x if n[1] else None)


def _hypot_bwd(ctx, g):
    x, y = ctx.saved
    n = _need(ctx)
    r = g / ctx.output
    return (r * x if n[0] else None, r * y if n[1] else None)


def _copysign_bwd(ctx, g):
    x, _ = operands(ctx)
    n = _need(ctx)
    gx = g * where(x == 0, 0.0, ctx.output / x) if n[0] else None
    return gx, (_zeros(g) if n[1] else None)


def _xlogy_bwd(ctx, g):
    x, y = operands(ctx)
    n = _need(ctx)
    gx = where((x == 0) & (y <= 0), 0.0, xlogy(g, y)) if n[0] else None
    gy = g * x / y if n[1] else None
    return gx, gy


def _xlogy_decomp(x, y):
    return where(isnan(y), _m.nan, where(x == 0, 0.0, mul(x, log(y))))


def _logaddexp_bwd(ctx, g):
    x, y = ctx.saved
    n = _need(ctx)
    return (g / (exp(y - x) + 1.0) if n[0] else None, g / (exp(x - y) + 1.0) if n[1] else None)


def _logaddexp2_bwd(ctx, g):
    x, y = ctx.saved
    n = _need(ctx)
    return (g / (exp2(y - x) + 1.0) if n[0] else None, g / (exp2(x - y) + 1.0) if n[1] else None)


def _logaddexp_decomp(x, y, base_log=None):
    m = maximum(x, y)
    if base_log is None:
        r = add(m, log1p(exp(-abs(sub(x, y)))))
        return where(x == y, add(x, _LN2), r)
    r = add(m, div(log1p(exp2(-abs(sub(x, y)))), _LN2))
    return where(x == y, add(x, 1.0), r)


ATAN2 = defop("atan2", F, "atan2(x, y) -> out", backward=_atan2_bwd, save="inputs")
HYPOT = defop("hypot", F, "hypot(x, y) -> out", backward=_hypot_bwd, save="both",
              decomposition=lambda x, y: sqrt(add(mul(x, x), mul(y, y))))
COPYSIGN = defop("copysign", F, "copysign(x, y) -> out", backward=_copysign_bwd, save="both",
                 decomposition=lambda x, y: mul(abs(x), where(signbit(y), -1.0, 1.0)))
XLOGY = defop("xlogy", F, "xlogy(x, y) -> out", backward=_xlogy_bwd, save="inputs", decomposition=_xlogy_decomp,
              doc="x * log(y), 0 where x == 0 (unless y is NaN)")
LOGADDEXP = defop("logaddexp", F, "logaddexp(x, y) -> out", backward=_logaddexp_bwd, save="inputs",
                  decomposition=_logaddexp_decomp)
LOGADDEXP2 = defop("logaddexp2", F, "logaddexp2(x, y) -> out", backward=_logaddexp2_bwd, save="inputs",
                   decomposition=lambda x, y: _logaddexp_decomp(x, y, _LN2))
NEXTAFTER = defop("nextafter", F, "nextafter(x, y) -> out",
                  backward=lambda ctx, g: (g if ctx.needs_input_grad[0] else None,
                                           _zeros(g) if ctx.needs_input_grad[1] else None),
                  doc="the gradient passes to input unchanged (as PyTorch's)")


def _float_binary(op, input, other, out):
    """A binary op on two tensors whose promoted dtype must be floating point."""
    check_tensor_arg(input, op.name, "input", 1)
    check_tensor_arg(other, op.name, "other", 2)
    rt = D.result_dtype((input, other))
    if not rt.is_floating_point:
        raise not_implemented(op.name, rt)
    return _out(binary(op, input, other), out)


@reg("atan2")
@_autocast_entry("atan2")
def atan2(input, other, *, out=None):
    """Angle of the point (other, input), in (-pi, pi]."""
    check_tensor_arg(input, "atan2", "input", 1)
    check_tensor_arg(other, "atan2", "other", 2)
    return _out(binary(ATAN2, input, other, compute=_float_compute), out)


arctan2 = reg("arctan2")(atan2)


@reg("hypot")
def hypot(input, other, *, out=None):
    """sqrt(input**2 + other**2) without intermediate overflow."""
    return _float_binary(HYPOT, input, other, out)


@reg("copysign")
def copysign(input, other, *, out=None):
    """|input| with the sign (bit) of ``other``."""
    check_tensor_arg(input, "copysign", "input", 1)
    return _out(binary(COPYSIGN, input, other, compute=_float_compute), out)


@reg("xlogy")
def xlogy(input, other, *, out=None):
    """``input * log(other)``, 0 where ``input == 0``; either side may be a Python scalar."""
    return _out(binary(XLOGY, input, other, compute=_float_compute), out)


@reg("logaddexp")
def logaddexp(input, other, *, out=None):
    """log(exp(input) + exp(other)), computed stably."""
    return _float_binary(LOGADDEXP, input, other, out)


@reg("logaddexp2")
def logaddexp2(input, other, *, out=None):
    """log2(2**input + 2**other), computed stably."""
    return _float_binary(LOGADDEXP2, input, other, out)


@reg("nextafter")
def nextafter(input, other, *, out=None):
    """The next representable value after ``input`` toward ``other``."""
    return _float_binary(NEXTAFTER, input, other, out)


@reg("ldexp")
def ldexp(input, other, *, out=None):
    """``input * 2 ** other`` in the promoted float dtype."""
    check_tensor_arg(input, "ldexp", "input", 1)
    check_tensor_arg(other, "ldexp", "other", 2)
    ct = _float_compute(D.result_dtype((input, other)))
    r = mul(input, pow(2.0, other))  # 2 ** other in other's float dtype, as PyTorch computes it
    return _out(r if r.dtype is ct else r.to(ct), out)


# --- lerp ---------------------------------------------------------------------------------

def _lerp_bwd(ctx, g):
    n = _need(ctx)
    w = ctx.params[0]
    return (g * (1.0 - w) if n[0] else None, g * w if n[1] else None)


def _lerp_tensor_bwd(ctx, g):
    x, y, w = ctx.saved
    n = _need(ctx)
    return (g * (1.0 - w) if n[0] else None, g * w if n[1] else None, g * (y - x) if n[2] else None)


def _lerp_decomp(x, y, w):
    return add(x, mul(sub(y, x), w))


LERP = defop("lerp", F, "lerp(x, y, weight) -> out", backward=_lerp_bwd, decomposition=_lerp_decomp,
             doc="x + weight * (y - x) with a Python-scalar weight (computed as y - (y - x) * (1 - weight) when "
                 "|weight| >= 0.5, like PyTorch)")
LERP_TENSOR = defop("lerp_tensor", F, "lerp_tensor(x, y, weight) -> out", backward=_lerp_tensor_bwd,
                    save="inputs", decomposition=_lerp_decomp, doc="lerp with a broadcast weight tensor")

_CPP_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16"}


def _check_same_dtype(input, t, what):
    if t.dtype is not input.dtype:
        raise RuntimeError(f"expected dtype {_CPP_NAMES.get(input.dtype.name, input.dtype.name)} for `{what}` but "
                           f"got dtype {_CPP_NAMES.get(t.dtype.name, t.dtype.name)}")


@reg("lerp")
def lerp(input, end, weight, *, out=None):
    """``input + weight * (end - input)``; ``weight`` is a Python number or a tensor."""
    check_tensor_arg(input, "lerp", "input", 1)
    check_tensor_arg(end, "lerp", "end", 2)
    if not input.dtype.is_floating_point:
        raise not_implemented("lerp", input.dtype)
    _check_same_dtype(input, end, "end")
    if isinstance(weight, Tensor):
        _check_same_dtype(input, weight, "weight")
        broadcast_shapes(input._data.shape, end._data.shape, weight._data.shape, op="lerp")
        return _out(apply(LERP_TENSOR, (input, end, weight)), out)
    if input._data.shape != end._data.shape:
        broadcast_shapes(input._data.shape, end._data.shape, op="lerp")
    return _out(apply(LERP, (input, end), (builtins.float(weight),)), out)


# --- maximum / minimum / fmax / fmin ------------------------------------------------------------

def _max_bwd(ctx, g):
    x, y = ctx.saved
    n = _need(ctx)
    half = where(x == y, g / 2.0, g)
    return (where(x < y, 0.0, half) if n[0] else None, where(x > y, 0.0, half) if n[1] else None)


def _min_bwd(ctx, g):
    x, y = ctx.saved
    n = _need(ctx)
    half = where(x == y, g / 2.0, g)
    return (where(x > y, 0.0, half) if n[0] else None, where(x < y, 0.0, half) if n[1] else None)


def _fmax_bwd(ctx, g):
    x, y = ctx.saved
    n = _need(ctx)
    keep = (x >= y) | isnan(y)
    return (where(keep, g, 0.0) if n[0] else None, where(keep, 0.0, g) if n[1] else None)


def _fmin_bwd(ctx, g):
    x, y = ctx.saved
    n = _need(ctx)
    keep = (x <= y) | isnan(y)
    return (where(keep, g, 0.0) if n[0] else None, where(keep, 0.0, g) if n[1] else None)


MAXIMUM = defop("maximum", F, "maximum(x, y) -> out", backward=_max_bwd, save="inputs",
                doc="NaN-propagating; ties split the gradient 0.5/0.5")
MINIMUM = defop("minimum", F, "minimum(x, y) -> out", backward=_min_bwd, save="inputs",
                doc="NaN-propagating; ties split the gradient 0.5/0.5")
FMAX = defop("fmax", F, "fmax(x, y) -> out", backward=_fmax_bwd, save="inputs",
             decomposition=lambda x, y: where(isnan(y), x, where(isnan(x), y, maximum(x, y))),
             doc="NaN-ignoring maximum")
FMIN = defop("fmin", F, "fmin(x, y) -> out", backward=_fmin_bwd, save="inputs",
             decomposition=lambda x, y: where(isnan(y), x, where(isnan(x), y, minimum(x, y))),
             doc="NaN-ignoring minimum")


def _binary_tensors(op):
    def f(input, other, *, out=None):
        check_tensor_arg(input, op.name, "input", 1)
        check_tensor_arg(other, op.name, "other", 2)
        return _out(binary(op, input, other), out)
    f.__name__ = f.__qualname__ = op.name
    f.__doc__ = f"Elementwise ``{op.name}`` of two tensors ({op.doc})."
    return reg(op.name)(f)


maximum, minimum, fmax, fmin = (_binary_tensors(o) for o in (MAXIMUM, MINIMUM, FMAX, FMIN))


# --- clamp ------------------------------------------------------------------------------------

def _clamp_bwd(ctx, g):
    x = _x(ctx)
    lo, hi = ctx.params
    mask = None
    if lo is not None:
        mask = x >= lo
    if hi is not None:
        mask = (x <= hi) if mask is None else mask & (x <= hi)
    return (where(mask, g, 0.0),)


def _clamp_tensor_bwd(ctx, g):
    x, lo, hi = ctx.saved
    n = _need(ctx)
    gx = where((x >= lo) & (x <= hi), g, 0.0) if n[0] else None
    glo = where((x < lo) & (lo < hi), g, 0.0) if n[1] else None
    ghi = where((x > hi) | (hi < lo), g, 0.0) if n[2] else None
    return gx, glo, ghi


def _clamp_min_bwd(ctx, g):
    x, lo = ctx.saved
    n = _need(ctx)
    return (where(x >= lo, g, 0.0) if n[0] else None, where(x < lo, g, 0.0) if n[1] else None)


def _clamp_max_bwd(ctx, g):
    x, hi = ctx.saved
    n = _need(ctx)
    return (where(x <= hi, g, 0.0) if n[0] else None, where(x > hi, g, 0.0) if n[1] else None)


def _clamp_decomp(x, lo, hi):
    from .creation import scalar_tensor
    if lo is not None:
        x = maximum(x, scalar_tensor(lo, x.dtype, x._backend))
    if hi is not None:
        x = minimum(x, scalar_tensor(hi, x.dtype, x._backend))
    return x


CLAMP = defop("clamp", F, "clamp(x, min, max) -> out", backward=_clamp_bwd, save="inputs",
              decomposition=_clamp_decomp,
              doc="Python-scalar bounds (either may be None); max wins when min > max; NaN propagates")
CLAMP_TENSOR = defop("clamp_tensor", F, "clamp_tensor(x, min, max) -> out", backward=_clamp_tensor_bwd,
                     save="inputs", decomposition=lambda x, lo, hi: minimum(maximum(x, lo), hi),
                     doc="broadcast tensor bounds")
CLAMP_MIN = defop("clamp_min", F, "clamp_min(x, min) -> out", backward=_clamp_min_bwd, save="inputs",
                  decomposition=lambda x, lo: maximum(x, lo), doc="broadcast tensor lower bound")
CLAMP_MAX = defop("clamp_max", F, "clamp_max(x, max) -> out", backward=_clamp_max_bwd, save="inputs",
                  decomposition=lambda x, hi: minimum(x, hi), doc="broadcast tensor upper bound")


def _as_bound(v, dt, backend):
    from .creation import scalar_tensor
    if isinstance(v, Tensor):
        return v.to(dt)
    return scalar_tensor(v, dt, backend)


def _py(v, dt):
    """A Python-scalar bound in the category of ``dt``; integers wrap into its range like PyTorch's cast."""
    if v is None:
        return None
    if dt.is_floating_point:
        return builtins.float(v)
    if dt is D.bool:
        return builtins.bool(v)
    bits = 8 * dt.itemsize
    v = int(v) & ((1 << bits) - 1)
    return v - (1 << bits) if dt.is_signed and v >= 1 << (bits - 1) else v


def _scalar_bounds(min, max):
    """PyTorch's clamp overloads are (Tensor?, Tensor?) and (Scalar?, Scalar?); a 0-d tensor also passes as a
    Scalar, so a tensor mixed with a number must be 0-d."""
    tmin, tmax = isinstance(min, Tensor), isinstance(max, Tensor)
    if tmin == tmax or (tmin and max is None) or (tmax and min is None):
        return min, max
    t = min if tmin else max
    if t.ndim != 0:
        got = ", ".join("Tensor" if isinstance(a, Tensor) else type(a).__name__ for a in (t, min, max))
        raise TypeError(f"clamp() received an invalid combination of arguments - got ({got}), but expected "
                        f"(Tensor input, Tensor? min, Tensor? max) or (Tensor input, Number? min, Number? max)")
    return (min.item() if tmin else min), (max.item() if tmax else max)


@reg("clamp")
def clamp(input, min=None, max=None, *, out=None):
    """Limit ``input`` to [min, max]; bounds are numbers or broadcast tensors (max wins if min > max).

    >>> ember.clamp(ember.tensor([-1., 0.5, 2.]), 0, 1)
    tensor([0.0000, 0.5000, 1.0000])
    """
    check_tensor_arg(input, "clamp", "input", 1)
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    min, max = _scalar_bounds(min, max)
    dt = D.result_dtype((input, min, max))
    if dt is D.bool:
        raise not_implemented("clamp", dt)
    x = input.to(dt)
    if not isinstance(min, Tensor) and not isinstance(max, Tensor):
        return _out(apply(CLAMP, (x,), (_py(min, dt), _py(max, dt))), out)
    b = x._backend
    if min is not None and max is not None:
        lo, hi = _as_bound(min, dt, b), _as_bound(max, dt, b)
        broadcast_shapes(x._data.shape, lo._data.shape, hi._data.shape, op="clamp")
        return _out(apply(CLAMP_TENSOR, (x, lo, hi)), out)
    if min is not None:
        return _out(binary(CLAMP_MIN, x, min.to(dt)), out)
    return _out(binary(CLAMP_MAX, x, max.to(dt)), out)


clip = reg("clip")(clamp)


@reg("clamp_min")
def clamp_min(input, min, *, out=None):
    """``clamp(input, min=min)``."""
    return clamp(input, min=min, out=out)


@reg("clamp_max")
def clamp_max(input, max, *, out=None):
    """``clamp(input, max=max)``."""
    return clamp(input, max=max, out=out)
