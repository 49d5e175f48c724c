"""Elementwise arithmetic: binary ops with PyTorch's type promotion, and unary math.

Each op: declaration (kernel signature, backward in ember ops) + a thin public
function.  Binary kernels receive two arrays of the promoted dtype, or one array
and one Python scalar in either position.
"""
from __future__ import annotations

from .. import _dtype as D
from .._dispatch import apply, binary, operands, unary
from .._op import defop
from .._tensor import Tensor
from ._util import reg

F = "elementwise"

INPLACE = ("add", "sub", "mul", "div", "pow", "neg", "exp", "log")


def _float_compute(ct):
    return ct if ct.is_floating_point else D.get_default_dtype()


# --- binary arithmetic -----------------------------------------------------------

ADD = defop("add", F, "add(x, y) -> out", backward=lambda ctx, g: (g, g))
SUB = defop("sub", F, "sub(x, y) -> out", backward=lambda ctx, g: (g, -g))


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


def _pow_bwd(ctx, g):
    x, y = operands(ctx)
    n = ctx.needs_input_grad
    gx = gy = None
    if n[0]:
        if isinstance(y, Tensor):
            gx = where(y == 0, 0.0, g * y * pow(x, y - 1))
        else:
            gx = g * 0.0 if y == 0 else g * y * pow(x, y - 1)
    if n[1]:
        out = pow(x, y)
        gy = where((x == 0) & (y >= 0), 0.0, g * out * log(x))
    return gx, gy


POW = defop("pow", F, "pow(x, y) -> out", backward=_pow_bwd, save="inputs")


def _check_alpha(alpha, other, op):
    if alpha != 1 and isinstance(alpha, float) and not (
            isinstance(other, Tensor) and other.dtype.is_floating_point or isinstance(other, float)):
        raise TypeError(f"{op}(): for integral input tensors, argument alpha must not be a floating point number.")


@reg("add")
def add(input, other, *, alpha=1, out=None):
    """``input + alpha * other`` with type promotion."""
    if alpha != 1:
        _check_alpha(alpha, other, "add")
        other = other * alpha
    return _out(binary(ADD, input, other), out)


@reg("sub")
def sub(input, other, *, alpha=1, out=None):
    if alpha != 1:
        other = other * alpha
    if isinstance(input, Tensor) and input.dtype is D.bool and (not isinstance(other, Tensor) or other.dtype is D.bool):
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. "
                           "Use the `^` or `logical_xor()` operator instead.")
    return _out(binary(SUB, input, other), out)


subtract = sub


@reg("mul")
def mul(input, other, *, out=None):
    return _out(binary(MUL, input, other), out)


multiply = mul


@reg("div")
def div(input, other, *, rounding_mode=None, out=None):
    """True division, or ``rounding_mode='trunc'|'floor'`` integer-style division."""
    if rounding_mode is None:
        return _out(binary(DIV, input, other, compute=_float_compute), out)
    if rounding_mode == "floor":
        return _out(floor_divide(input, other), out)
    if rounding_mode == "trunc":
        from .math import trunc_divide
        return _out(trunc_divide(input, other), out)
    raise ValueError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                     f"'{rounding_mode}'")


divide = div
true_divide = div


@reg("pow")
def pow(input, exponent, *, out=None):
    if not isinstance(input, Tensor) and not isinstance(exponent, Tensor):
        raise TypeError("pow(): expected a Tensor")
    if isinstance(input, Tensor) and isinstance(exponent, int) and not isinstance(exponent, bool) and \
            input.dtype.category == 1 and exponent < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    return _out(binary(POW, input, exponent), out)


def _out(result, out):
    if out is None:
        return result
    if not isinstance(out, Tensor):
        raise TypeError(f"argument 'out' must be Tensor, not {type(out).__name__}")
    from .inplace import write_out
    return write_out(out, result)


# --- unary -----------------------------------------------------------------------

NEG = defop("neg", F, "neg(x) -> out", backward=lambda ctx, g: (-g,))
EXP = defop("exp", F, "exp(x) -> out", backward=lambda ctx, g: (g * ctx.output,), save="output")
LOG = defop("log", F, "log(x) -> out", backward=lambda ctx, g: (g / ctx.saved[0],), save="inputs")


@reg("neg")
def neg(input, *, out=None):
    if input.dtype is D.bool:
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
                           "invert a mask, use the `~` or `logical_not()` operator instead.")
    return _out(apply(NEG, (input,)), out)


negative = neg


@reg("exp")
def exp(input, *, out=None):
    return _out(unary(EXP, input, float_op=True), out)


@reg("log")
def log(input, *, out=None):
    return _out(unary(LOG, input, float_op=True), out)


# --- comparisons (bool results, no gradient) -------------------------------------

EQ = defop("eq", F, "eq(x, y) -> out")
NE = defop("ne", F, "ne(x, y) -> out")
LT = defop("lt", F, "lt(x, y) -> out")
LE = defop("le", F, "le(x, y) -> out")
GT = defop("gt", F, "gt(x, y) -> out")
GE = defop("ge", F, "ge(x, y) -> out")


def _cmp(op):
    def f(input, other, *, out=None):
        return _out(binary(op, input, other, out_dtype=D.bool), out)
    f.__name__ = op.name
    f.__doc__ = f"Elementwise ``{op.name}`` comparison; returns a bool tensor."
    return reg(op.name)(f)


eq, ne, lt, le, gt, ge = (_cmp(o) for o in (EQ, NE, LT, LE, GT, GE))
greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne


# --- where ------------------------------------------------------------------------

def _where_bwd(ctx, g):
    cond = ctx.saved[0]
    n = ctx.needs_input_grad
    z = g.new_zeros(())
    return None, (where(cond, g, z) if n[1] else None), (where(cond, z, g) if n[2] else None)


WHERE = defop("where", F, "where(cond, x, y) -> out", backward=_where_bwd, save="inputs")


@reg("where")
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
                               f"{condition.dtype}")
    ref = condition
    dt = D.result_dtype((input, other))
    from .creation import scalar_tensor
    x = input.to(dt) if isinstance(input, Tensor) else scalar_tensor(input, dt, ref._backend)
    y = other.to(dt) if isinstance(other, Tensor) else scalar_tensor(other, dt, ref._backend)
    return _out(apply(WHERE, (condition, x, y), (), dt), out)
