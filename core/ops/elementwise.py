"""Elementwise arithmetic with PyTorch's type promotion: binary arithmetic, sign-like
unary ops, comparisons, ``where``, logical / bitwise ops and predicates.

Transcendental and rounding functions, min/max/clamp and the other binary math
functions live in ``ember/ops/math.py``.  Binary kernels receive two arrays of
the promoted dtype, or one array and one Python scalar in either position.
"""
from __future__ import annotations

import builtins
import math as _m

from .. import _dtype as D
from .._dispatch import apply, binary, operands, unary
from .._op import defop
from .._tensor import Tensor
from ._util import broadcast_shapes, reg

F = "elementwise"

INPLACE = ("add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide", "floor_divide",
           "remainder", "fmod", "pow", "neg", "negative", "abs", "absolute", "sign", "sgn",
           "reciprocal", "square", "exp", "log", "eq", "ne", "lt", "le", "gt", "ge", "greater", "greater_equal",
           "less", "less_equal", "not_equal", "logical_and", "logical_or", "logical_xor", "logical_not",
           "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "bitwise_left_shift",
           "bitwise_right_shift", "nan_to_num")


def _float_compute(ct):
    return ct if ct.is_floating_point else D.get_default_dtype()


def type_name(dtype):
    from .inplace import torch_type_name
    return torch_type_name(dtype)


def not_implemented(op, dtype):
    """PyTorch's error for an op called on a dtype it has no kernel for."""
    return NotImplementedError(f'"{op}" not implemented for \'{type_name(dtype)}\'')


def check_tensor_arg(x, op, name, pos):
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}(): argument '{name}' (position {pos}) must be Tensor, not {type(x).__name__}")


def _out(result, out):
    if out is None:
        return result
    if not isinstance(out, Tensor):
        raise TypeError(f"argument 'out' must be Tensor, not {type(out).__name__}")
    from .inplace import write_out
    return write_out(out, result)


def _zeros(g):
    from .creation import zeros_like
    return zeros_like(g)


def _scalar_log(x):
    return _m.log(x) if x > 0 else (-_m.inf if x == 0 else _m.nan)


# --- add / sub / mul / div ---------------------------------------------------------

ADD = defop("add", F, "add(x, y) -> out", backward=lambda ctx, g: (g, g))
SUB = defop("sub", F, "sub(x, y) -> out", backward=lambda ctx, g: (g, -g),
            decomposition=lambda x, y: add(x, neg(y)))


def _mul_bwd(ctx, g):
    x, y = operands(ctx)
    n = ctx.needs_input_grad
    return (g * y if n[0] else None, g * x if n[1] else None)


MUL = defop("mul", F, "mul(x, y) -> out", backward=_mul_bwd, save="inputs")


def _div_bwd(ctx, g):
    x, y = operands(ctx)
    n = ctx.needs_input_grad
    gx = g / y if n[0] else None
    gy = -g * x / (y * y) if n[1] else None
    return gx, gy


DIV = defop("div", F, "div(x, y) -> out", backward=_div_bwd, save="inputs",
            doc="true division; integer inputs are promoted to the default float dtype first")


def _zero_grads(ctx, g):
    n = ctx.needs_input_grad
    return tuple(_zeros(g) if need else None for need in n)


def _div_trunc_decomp(x, y):
    if x.dtype.is_floating_point:
        from .math import trunc
        return trunc(div(x, y))
    q = div(x, y, rounding_mode="floor")
    fix = (sub(x, mul(q, y)) != 0) & ((x < 0) != (y < 0))
    return add(q, fix.to(q.dtype))


DIV_TRUNC = defop("div_trunc", F, "div_trunc(x, y) -> out", backward=_zero_grads, decomposition=_div_trunc_decomp,
                  doc="division rounded toward zero; integer kernels raise RuntimeError('ZeroDivisionError') on a "
                      "zero divisor")
DIV_FLOOR = defop("div_floor", F, "div_floor(x, y) -> out", backward=_zero_grads,
                  doc="Python-style floor division (floats: floor of the exact quotient, like numpy.floor_divide); "
                      "integer kernels raise RuntimeError('ZeroDivisionError') on a zero divisor")


def _no_derivative(name):
    def backward(ctx, g):
        raise RuntimeError(f"derivative for aten::{name} is not implemented")
    return backward


FLOOR_DIVIDE = defop("floor_divide", F, "floor_divide(x, y) -> out", backward=_no_derivative("floor_divide"),
                     decomposition=lambda x, y: div(x, y, rounding_mode="floor"),
                     doc="div_floor whose backward raises, as torch.floor_divide / `//` (use div(rounding_mode="
                         "'floor') for zero gradients)")


def _check_alpha(alpha, rt, op):
    if isinstance(alpha, bool):
        if rt is not D.bool:
            raise RuntimeError("Boolean alpha only supported for Boolean results.")
    elif isinstance(alpha, float) and not rt.is_floating_point:
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")


def _scaled(input, other, alpha, op):
    """``alpha * other`` computed in the dtype of the final result, as PyTorch does."""
    rt = D.result_dtype((input, other))
    _check_alpha(alpha, rt, op)
    if rt is D.bool:
        alpha = builtins.bool(alpha)
    if isinstance(other, Tensor):
        return mul(other.to(rt), alpha)
    return other * alpha


def _deprecated_scalar_first(name, other, rest, what="alpha"):
    """PyTorch's deprecated ``name(input, Number alpha, Tensor other)`` overload (old optimizer code uses
    ``p.data.add_(-lr, grad)``): returns ``(alpha, other)`` after PyTorch's UserWarning."""
    if len(rest) != 1 or not isinstance(other, (int, float)) or not isinstance(rest[0], Tensor):
        raise TypeError(f"{name}() received an invalid combination of arguments - got "
                        f"({', '.join(type(a).__name__ for a in (other, *rest))}), but expected one of: "
                        f"(Tensor input, Tensor other, *, Number {what} = 1)")
    import warnings
    warnings.warn(f"This overload of {name} is deprecated:\n\t{name}(Number {what}, Tensor other)\nConsider "
                  f"using one of the following signatures instead:\n\t{name}(Tensor other, *, Number {what} = 1)",
                  UserWarning, stacklevel=3)
    return other, rest[0]


@reg("add")
def add(input, other, *deprecated, alpha=1, out=None):
    """``input + alpha * other`` with type promotion.

    >>> ember.add(ember.tensor([1, 2]), 2.5)
    tensor([3.5000, 4.5000])
    """
    if deprecated:
        alpha, other = _deprecated_scalar_first("add", other, deprecated)
    if alpha != 1 or isinstance(alpha, bool):
        other = _scaled(input, other, alpha, "add")
    return _out(binary(ADD, input, other), out)


def _is_bool(x):
    return x.dtype is D.bool if isinstance(x, Tensor) else isinstance(x, bool)


@reg("sub")
def sub(input, other, *deprecated, alpha=1, out=None):
    """``input - alpha * other``; two bool operands are rejected like PyTorch (use ``^``)."""
    if deprecated:
        alpha, other = _deprecated_scalar_first("sub", other, deprecated)
    ba, bb = _is_bool(input), _is_bool(other)
    if ba and bb:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. "
                           "Use the `^` or `logical_xor()` operator instead.")
    if ba or bb:
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying "
                           "to invert a mask, use the `~` or `logical_not()` operator instead.")
    if alpha != 1 or isinstance(alpha, bool):
        other = _scaled(input, other, alpha, "sub")
    return _out(binary(SUB, input, other), out)


subtract = reg("subtract")(sub)


def rsub(input, other, *, alpha=1):
    """``other - alpha * input``."""
    return sub(other, input, alpha=alpha)


@reg("mul")
def mul(input, other, *, out=None):
    return _out(binary(MUL, input, other), out)


multiply = reg("multiply")(mul)


def _check_int_division(input, other, op):
    rt = D.result_dtype((input, other))
    if rt is D.bool:
        raise not_implemented(op, rt)
    return rt


@reg("div")
def div(input, other, *, rounding_mode=None, out=None):
    """True division, or ``rounding_mode='trunc'|'floor'`` integer-style division (result keeps the
    promoted dtype; integer division by zero raises RuntimeError)."""
    if rounding_mode is None:
        return _out(binary(DIV, input, other, compute=_float_compute), out)
    if rounding_mode == "floor":
        _check_int_division(input, other, "div_floor")
        return _out(binary(DIV_FLOOR, input, other), out)
    if rounding_mode == "trunc":
        _check_int_division(input, other, "div_trunc")
        return _out(binary(DIV_TRUNC, input, other), out)
    raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                       f"'{rounding_mode}'")


divide = reg("divide")(div)


@reg("true_divide")
def true_divide(input, other, *, out=None):
    return div(input, other, out=out)


@reg("floor_divide")
def floor_divide(input, other, *, out=None):
    """Python-style ``//``: rounds the quotient toward negative infinity."""
    _check_int_division(input, other, "div_floor")
    return _out(binary(FLOOR_DIVIDE, input, other), out)


# --- remainder / fmod ---------------------------------------------------------------

def _remainder_bwd(ctx, g):
    x, y = operands(ctx)
    n = ctx.needs_input_grad
    return (g if n[0] else None, -g * div(x, y, rounding_mode="floor") if n[1] else None)


def _fmod_bwd(ctx, g):
    x, y = operands(ctx)
    n = ctx.needs_input_grad
    return (g if n[0] else None, -g * div(x, y, rounding_mode="trunc") if n[1] else None)


REMAINDER = defop("remainder", F, "remainder(x, y) -> out", backward=_remainder_bwd, save="inputs",
                  decomposition=lambda x, y: sub(x, mul(div(x, y, rounding_mode="floor"), y)),
                  doc="Python-style modulus (sign of the divisor); integer zero divisors raise")
FMOD = defop("fmod", F, "fmod(x, y) -> out", backward=_fmod_bwd, save="inputs",
             decomposition=lambda x, y: sub(x, mul(div(x, y, rounding_mode="trunc"), y)),
             doc="C-style modulus (sign of the dividend); integer zero divisors raise")


@reg("remainder")
def remainder(input, other, *, out=None):
    """Python's ``%``: the result has the sign of ``other``."""
    _check_int_division(input, other, "remainder")
    return _out(binary(REMAINDER, input, other), out)


@reg("fmod")
def fmod(input, other, *, out=None):
    """C's ``fmod``: the result has the sign of ``input``."""
    check_tensor_arg(input, "fmod", "input", 1)
    _check_int_division(input, other, "fmod")
    return _out(binary(FMOD, input, other), out)


# --- pow ----------------------------------------------------------------------------

def _pow_bwd(ctx, g):
    x, y = operands(ctx)
    n = ctx.needs_input_grad
    gx = gy = None
    if n[0]:
        if isinstance(y, Tensor):
            gx = where(y == 0, 0.0, g * y * pow(x, y - 1))
        else:
            gx = _zeros(g) if y == 0 else g * y * pow(x, y - 1)
    if n[1]:
        out = ctx.output
        if isinstance(x, Tensor):
            gy = where((x == 0) & (y >= 0), 0.0, g * out * log(x))
        elif x == 0:
            gy = where(y >= 0, 0.0, g * out * -_m.inf)
        else:
            gy = g * out * _scalar_log(x)
    return gx, gy


POW = defop("pow", F, "pow(x, y) -> out", backward=_pow_bwd, save="both",
            doc="integer kernels follow C++ integer power: negative exponents give 0 (or +-1 for bases +-1)")


@reg("pow")
def pow(input, exponent, *, out=None):
    """``input ** exponent``; either side may be a Python scalar.

    >>> ember.pow(ember.tensor([1., 2.]), 2)
    tensor([1., 4.])
    """
    ti, te = isinstance(input, Tensor), isinstance(exponent, Tensor)
    if not ti and not te:
        raise TypeError(f"pow(): expected a Tensor, got {type(input).__name__} and {type(exponent).__name__}")
    rt = D.result_dtype((input, exponent))
    if rt is D.bool:
        if ti and isinstance(exponent, bool):  # x ** True == x, x ** False == 1
            from .creation import ones_like
            return _out(input.clone() if exponent else ones_like(input), out)
        raise not_implemented("pow", rt)
    if ti and not te:
        check_scalar_fits(exponent, rt)
        if rt.category == 1 and not isinstance(exponent, bool) and exponent < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
    return _out(binary(POW, input, exponent), out)


_CPP_TYPES = {"uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int", "int64": "int64_t",
              "float16": "c10::Half", "bfloat16": "c10::BFloat16", "float32": "float", "float64": "double"}


def check_scalar_fits(value, dtype):
    """PyTorch's check that a Python scalar exponent is representable in ``dtype`` (pow raises, add wraps)."""
    if isinstance(value, bool) or dtype is D.bool:
        return
    if dtype.category == 1:
        info = D.iinfo(dtype)
        ok = info.min <= value <= info.max
    elif dtype in (D.float16, D.bfloat16):
        ok = not _m.isfinite(value) or -D.finfo(dtype).max <= value <= D.finfo(dtype).max
    else:
        ok = True
    if not ok:
        raise RuntimeError(f"value cannot be converted to type {_CPP_TYPES[dtype.name]} without overflow")


@reg("float_power")
def float_power(input, exponent, *, out=None):
    """``pow`` computed (and returned) in float64."""
    ti, te = isinstance(input, Tensor), isinstance(exponent, Tensor)
    if not ti and not te:
        raise TypeError("float_power(): expected a Tensor")
    x = input.to(D.float64) if ti else builtins.float(input)
    y = exponent.to(D.float64) if te else builtins.float(exponent)
    return _out(binary(POW, x, y), out)


@reg("float_power_")
def _float_power_(self, exponent):
    if self.dtype is not D.float64:
        raise RuntimeError(f"the base given to float_power_ has dtype {type_name(self.dtype)} but the operation's "
                           f"result requires dtype Double")
    from .inplace import inplace
    return inplace(self, float_power, exponent, op="float_power_")


# --- unary arithmetic ------------------------------------------------------------------

NEG = defop("neg", F, "neg(x) -> out", backward=lambda ctx, g: (-g,))
EXP = defop("exp", F, "exp(x) -> out", backward=lambda ctx, g: (g * ctx.output,), save="output")
LOG = defop("log", F, "log(x) -> out", backward=lambda ctx, g: (g / ctx.saved[0],), save="inputs")
ABS = defop("abs", F, "abs(x) -> out", backward=lambda ctx, g: (g * sign(ctx.saved[0]),), save="inputs",
            doc="absolute value; the subgradient at 0 is 0")
SIGN = defop("sign", F, "sign(x) -> out", backward=lambda ctx, g: (_zeros(g),),
             doc="-1, 0 or 1 (bool: unchanged; NaN: 0)")
RECIPROCAL = defop("reciprocal", F, "reciprocal(x) -> out", save="output",
                   backward=lambda ctx, g: (-g * ctx.output * ctx.output,),
                   decomposition=lambda x: div(1.0, x))
SQUARE = defop("square", F, "square(x) -> out", save="inputs",
               backward=lambda ctx, g: (g * 2.0 * ctx.saved[0],),
               decomposition=lambda x: mul(x, x))


@reg("neg")
def neg(input, *, out=None):
    check_tensor_arg(input, "neg", "input", 1)
    if input.dtype is D.bool:
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
                           "invert a mask, use the `~` or `logical_not()` operator instead.")
    return _out(apply(NEG, (input,)), out)


negative = reg("negative")(neg)


@reg("positive")
def positive(input):
    """``+input``: returns ``input`` itself (bool tensors are rejected like PyTorch)."""
    check_tensor_arg(input, "positive", "input", 1)
    if input.dtype is D.bool:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


@reg("abs")
def abs(input, *, out=None):
    check_tensor_arg(input, "abs", "input", 1)
    if input.dtype is D.bool:
        raise not_implemented("abs", input.dtype)
    return _out(apply(ABS, (input,)), out)


absolute = reg("absolute")(abs)


@reg("sign")
def sign(input, *, out=None):
    check_tensor_arg(input, "sign", "input", 1)
    return _out(apply(SIGN, (input,)), out)


@reg("sgn")
def sgn(input, *, out=None):
    """``sign`` (for real tensors the two agree)."""
    return sign(input, out=out)


@reg("reciprocal")
def reciprocal(input, *, out=None):
    check_tensor_arg(input, "reciprocal", "input", 1)
    return _out(unary(RECIPROCAL, input, float_op=True), out)


@reg("square")
def square(input, *, out=None):
    """``input * input`` (bool inputs give int64, as ``pow(input, 2)`` does)."""
    check_tensor_arg(input, "square", "input", 1)
    if input.dtype is D.bool:
        input = input.to(D.int64)
    return _out(apply(SQUARE, (input,)), out)


@reg("exp")
def exp(input, *, out=None):
    check_tensor_arg(input, "exp", "input", 1)
    return _out(unary(EXP, input, float_op=True), out)


@reg("log")
def log(input, *, out=None):
    check_tensor_arg(input, "log", "input", 1)
    return _out(unary(LOG, input, float_op=True), out)


# --- comparisons (bool results, no gradient) -------------------------------------

EQ = defop("eq", F, "eq(x, y) -> out")
NE = defop("ne", F, "ne(x, y) -> out")
LT = defop("lt", F, "lt(x, y) -> out")
LE = defop("le", F, "le(x, y) -> out")
GT = defop("gt", F, "gt(x, y) -> out")
GE = defop("ge", F, "ge(x, y) -> out")


def _cmp(op, alias=None):
    def f(input, other, *, out=None):
        check_tensor_arg(input, f.__name__, "input", 1)
        return _out(binary(op, input, other, out_dtype=D.bool), out)
    f.__name__ = f.__qualname__ = alias or op.name
    f.__doc__ = f"Elementwise ``{op.name}`` comparison; returns a bool tensor."
    return reg(f.__name__)(f)


eq, ne, lt, le, gt, ge = (_cmp(o) for o in (EQ, NE, LT, LE, GT, GE))
greater, greater_equal, less, less_equal, not_equal = (
    _cmp(o, a) for o, a in ((GT, "greater"), (GE, "greater_equal"), (LT, "less"), (LE, "less_equal"),
                            (NE, "not_equal")))


# --- where ------------------------------------------------------------------------

def _where_bwd(ctx, g):
    cond = ctx.saved[0]
    n = ctx.needs_input_grad
    return None, (where(cond, g, 0.0) if n[1] else None), (where(cond, 0.0, g) if n[2] else None)


WHERE = defop("where", F, "where(cond, x, y) -> out", backward=_where_bwd, save="inputs")


def where(condition, input=None, other=None, *, out=None):
    """``input`` where ``condition`` else ``other`` (broadcasting; scalars allowed)."""
    if input is None and other is None:
        from .indexing import nonzero
        return nonzero(condition, as_tuple=True)
    if not isinstance(condition, Tensor):
        raise TypeError(f"where(): argument 'condition' must be Tensor, not {type(condition).__name__}")
    if condition.dtype is not D.bool:
        if condition.dtype is D.uint8:
            condition = condition.to(D.bool)
        else:
            raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                               f"{type_name(condition.dtype)}")
    dt = D.result_dtype((input, other))
    from .creation import scalar_tensor
    x = input.to(dt) if isinstance(input, Tensor) else scalar_tensor(input, dt, condition._backend)
    y = other.to(dt) if isinstance(other, Tensor) else scalar_tensor(other, dt, condition._backend)
    shapes = (condition._data.shape, x._data.shape, y._data.shape)
    if not shapes[0] == shapes[1] == shapes[2]:
        broadcast_shapes(*shapes, op="where")
    return _out(apply(WHERE, (condition, x, y), (), dt), out)


@reg("where")
def _where_method(self, condition, y):
    """``Tensor.where(condition, y)`` is ``ember.where(condition, self, y)``."""
    return where(condition, self, y)


# --- logical (bool results for any dtype) -----------------------------------------------

LOGICAL_AND = defop("logical_and", F, "logical_and(x, y) -> out")
LOGICAL_OR = defop("logical_or", F, "logical_or(x, y) -> out")
LOGICAL_XOR = defop("logical_xor", F, "logical_xor(x, y) -> out")
LOGICAL_NOT = defop("logical_not", F, "logical_not(x) -> out")


def _logical(op):
    def f(input, other, *, out=None):
        check_tensor_arg(input, op.name, "input", 1)
        check_tensor_arg(other, op.name, "other", 2)
        return _out(binary(op, input, other, out_dtype=D.bool), out)
    f.__name__ = f.__qualname__ = op.name
    f.__doc__ = f"Elementwise ``{op.name}``: nonzero elements count as True; returns a bool tensor."
    return reg(op.name)(f)


logical_and, logical_or, logical_xor = (_logical(o) for o in (LOGICAL_AND, LOGICAL_OR, LOGICAL_XOR))


@reg("logical_not")
def logical_not(input, *, out=None):
    check_tensor_arg(input, "logical_not", "input", 1)
    return _out(apply(LOGICAL_NOT, (input,), (), D.bool), out)


# --- bitwise (integers and bool) ------------------------------------------------------------

BITWISE_AND = defop("bitwise_and", F, "bitwise_and(x, y) -> out")
BITWISE_OR = defop("bitwise_or", F, "bitwise_or(x, y) -> out")
BITWISE_XOR = defop("bitwise_xor", F, "bitwise_xor(x, y) -> out")
BITWISE_NOT = defop("bitwise_not", F, "bitwise_not(x) -> out")
BITWISE_LEFT_SHIFT = defop("bitwise_left_shift", F, "bitwise_left_shift(x, y) -> out",
                           doc="shift counts outside [0, bits) give 0")
BITWISE_RIGHT_SHIFT = defop("bitwise_right_shift", F, "bitwise_right_shift(x, y) -> out",
                            doc="arithmetic shift; counts outside [0, bits) give the sign fill (0 or -1)")


def _bitwise(op, allow_bool=True):
    def f(input, other, *, out=None):
        if not isinstance(input, Tensor) and not isinstance(other, Tensor):
            raise TypeError(f"{op.name}(): expected at least one Tensor argument")
        rt = D.result_dtype((input, other))
        if rt.is_floating_point or (rt is D.bool and not allow_bool):
            raise not_implemented(op.name, rt)
        return _out(binary(op, input, other), out)
    f.__name__ = f.__qualname__ = op.name
    f.__doc__ = f"Elementwise ``{op.name}`` of integer or bool tensors (Python ints allowed)."
    return reg(op.name)(f)


bitwise_and, bitwise_or, bitwise_xor = (_bitwise(o) for o in (BITWISE_AND, BITWISE_OR, BITWISE_XOR))
bitwise_left_shift = _bitwise(BITWISE_LEFT_SHIFT, allow_bool=False)
bitwise_right_shift = _bitwise(BITWISE_RIGHT_SHIFT, allow_bool=False)


@reg("bitwise_not")
def bitwise_not(input, *, out=None):
    check_tensor_arg(input, "bitwise_not", "input", 1)
    if input.dtype.is_floating_point:
        raise not_implemented("bitwise_not", input.dtype)
    return _out(apply(BITWISE_NOT, (input,)), out)


# --- predicates --------------------------------------------------------------------------

ISNAN = defop("isnan", F, "isnan(x) -> out")
ISINF = defop("isinf", F, "isinf(x) -> out")
ISPOSINF = defop("isposinf", F, "isposinf(x) -> out")
ISNEGINF = defop("isneginf", F, "isneginf(x) -> out")
ISFINITE = defop("isfinite", F, "isfinite(x) -> out")
SIGNBIT = defop("signbit", F, "signbit(x) -> out", doc="sign bit set (-0.0 and -nan included)")


def _predicate(op, out_arg):
    if out_arg:
        def f(input, *, out=None):
            check_tensor_arg(input, op.name, "input", 1)
            return _out(apply(op, (input,), (), D.bool), out)
    else:
        def f(input):
            check_tensor_arg(input, op.name, "input", 1)
            return apply(op, (input,), (), D.bool)
    f.__name__ = f.__qualname__ = op.name
    f.__doc__ = f"Elementwise ``{op.name}``; returns a bool tensor."
    return reg(op.name)(f)


isnan, isinf, isfinite = (_predicate(o, False) for o in (ISNAN, ISINF, ISFINITE))
isposinf, isneginf, signbit = (_predicate(o, True) for o in (ISPOSINF, ISNEGINF, SIGNBIT))


@reg("isreal")
def isreal(input):
    """True everywhere: ember tensors are real."""
    check_tensor_arg(input, "isreal", "input", 1)
    from .creation import ones_like
    return ones_like(input, dtype=D.bool)


def _nan_to_num_decomp(x, nan, posinf, neginf):
    if not x.dtype.is_floating_point:
        from .creation import clone
        return clone(x)
    fi = D.finfo(x.dtype)
    hi = fi.max if posinf is None else posinf
    lo = fi.min if neginf is None else neginf
    return where(isnan(x), nan, where(isposinf(x), hi, where(isneginf(x), lo, x)))


NAN_TO_NUM = defop("nan_to_num", F, "nan_to_num(x, nan, posinf, neginf) -> out", save="inputs",
                   backward=lambda ctx, g: (where(isfinite(ctx.saved[0]), g, 0.0),),
                   decomposition=_nan_to_num_decomp,
                   doc="posinf/neginf None: the dtype's largest/lowest finite value")


@reg("nan_to_num")
def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None):
    """Replace NaN, +inf and -inf with finite numbers."""
    check_tensor_arg(input, "nan_to_num", "input", 1)
    params = tuple(None if v is None else builtins.float(v) for v in (nan, posinf, neginf))
    return _out(apply(NAN_TO_NUM, (input,), params), out)


def _isclose_decomp(x, y, rtol, atol, equal_nan):
    close = x == y
    if equal_nan and x.dtype.is_floating_point:
        close = close | (isnan(x) & isnan(y))
    if rtol == 0 and atol == 0:
        return close
    xf, yf = x.to(D.float64), y.to(D.float64)
    err = abs(xf - yf)
    return close | (isfinite(err) & (err <= atol + abs(yf * rtol)))


ISCLOSE = defop("isclose", F, "isclose(x, y, rtol, atol, equal_nan) -> out", decomposition=_isclose_decomp,
                doc="|x - y| <= atol + rtol * |y| (or x == y); integers compare exactly, without wrap-around")


@reg("isclose")
def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Elementwise ``|input - other| <= atol + rtol * |other|``; returns a bool tensor."""
    check_tensor_arg(input, "isclose", "input", 1)
    check_tensor_arg(other, "isclose", "other", 2)
    if input.dtype is not other.dtype:
        raise RuntimeError(f"{type_name(input.dtype)} did not match {type_name(other.dtype)}")
    if rtol < 0:
        raise RuntimeError(f"rtol must be greater than or equal to zero, but got {rtol}")
    if atol < 0:
        raise RuntimeError(f"atol must be greater than or equal to zero, but got {atol}")
    if input._data.shape != other._data.shape:
        broadcast_shapes(input._data.shape, other._data.shape, op="isclose")
    return apply(ISCLOSE, (input, other), (builtins.float(rtol), builtins.float(atol), builtins.bool(equal_nan)),
                 D.bool)


def _all_true(mask):
    from .reduce import sum as _sum
    return int(_sum(logical_not(mask))) == 0


@reg("allclose")
def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool:
    """Whether ``isclose`` holds everywhere (a Python bool)."""
    return _all_true(isclose(input, other, rtol, atol, equal_nan))


@reg("equal")
def equal(input, other) -> bool:
    """True if both tensors have the same shape and elements (a Python bool)."""
    check_tensor_arg(input, "equal", "input", 1)
    check_tensor_arg(other, "equal", "other", 2)
    if input.shape != other.shape:
        return False
    return _all_true(eq(input, other))
