"""Special and fused pointwise functions: addcmul / addcdiv (the optimizer workhorses), gcd / lcm,
heaviside, sinc, the modified Bessel function i0, and frexp.

``addcmul``, ``addcdiv`` and ``sinc`` are composites (a decomposition in ember ops, with a fused kernel
where the backend has one); ``gcd``, ``lcm``, ``heaviside``, ``i0`` and ``frexp`` are primitives.
``i1`` is declared too (it is i0's derivative), but like PyTorch's top-level namespace ember does not
export it.
"""
from __future__ import annotations

import builtins
import math as _m

from .. import _dtype as D
from .._dispatch import apply, binary, unary
from .._op import defop
from .._tensor import Tensor
from ..amp.autocast_mode import autocast_entry as _autocast_entry
from ._util import broadcast_shapes, reg
from .elementwise import (
    _no_derivative,
    _out,
    add,
    check_tensor_arg,
    div,
    mul,
    not_implemented,
    where,
)
from .math import cos, exp2, sin

F = "special"

INPLACE = ("addcmul", "addcdiv", "gcd", "lcm", "heaviside", "sinc", "i0")


def _need(ctx):
    return ctx.needs_input_grad


# --- addcmul / addcdiv ------------------------------------------------------------------------

def _addcmul_bwd(ctx, g):
    _, t1, t2 = ctx.saved
    v = ctx.params[0]
    n = _need(ctx)
    return (g if n[0] else None, g * t2 * v if n[1] else None, g * t1 * v if n[2] else None)


def _addcdiv_bwd(ctx, g):
    _, t1, t2 = ctx.saved
    v = ctx.params[0]
    n = _need(ctx)
    gt1 = g * v / t2 if n[1] else None
    gt2 = -g * v * t1 / (t2 * t2) if n[2] else None
    return (g if n[0] else None, gt1, gt2)


ADDCMUL = defop("addcmul", F, "addcmul(x, t1, t2, value) -> out", backward=_addcmul_bwd, save="inputs",
                decomposition=lambda x, t1, t2, v: add(x, mul(mul(t1, t2), v)),
                doc="x + value * t1 * t2 (inputs broadcast, all of the result dtype; value a Python number)")
ADDCDIV = defop("addcdiv", F, "addcdiv(x, t1, t2, value) -> out", backward=_addcdiv_bwd, save="inputs",
                decomposition=lambda x, t1, t2, v: add(x, div(mul(t1, v), t2)),
                doc="x + value * t1 / t2 (floating result dtype; value a Python float)")

_ADDC_INT_DIV = ("Integer division with addcdiv is no longer supported, and in a future  release addcdiv will "
                 "perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented "
                 "as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as "
                 "(input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the "
                 "latter implementation: (input + value * tensor1 / tensor2), for all dtypes.")


def _addc(op, name, input, tensor1, tensor2, value, out):
    check_tensor_arg(input, name, "input", 1)
    check_tensor_arg(tensor1, name, "tensor1", 2)
    check_tensor_arg(tensor2, name, "tensor2", 3)
    if name == "addcdiv" and not tensor1.dtype.is_floating_point and not tensor2.dtype.is_floating_point:
        raise RuntimeError(_ADDC_INT_DIV)
    rt = D.result_dtype((input, tensor1, tensor2))
    if rt is D.bool:
        raise not_implemented(f"{name}_cpu_out", rt)
    if isinstance(value, Tensor):
        value = value.item()
    value = builtins.float(value) if rt.is_floating_point else int(value)
    shapes = [t._data.shape for t in (input, tensor1, tensor2)]
    if not shapes[0] == shapes[1] == shapes[2]:
        broadcast_shapes(*shapes, op=name)
    args = tuple(t if t.dtype is rt else t.to(rt) for t in (input, tensor1, tensor2))
    return _out(apply(op, args, (value,), rt), out)


def _deprecated_value(name, value, tensor1, rest):
    from .elementwise import _deprecated_scalar_first
    value, tensor1 = _deprecated_scalar_first(name, value, (tensor1,), what="value")
    if len(rest) != 1 or not isinstance(rest[0], Tensor):
        raise TypeError(f"{name}() received an invalid combination of arguments: expected "
                        f"(Tensor input, Tensor tensor1, Tensor tensor2, *, Number value = 1)")
    return value, tensor1, rest[0]


@reg("addcmul")
@_autocast_entry("addcmul")
def addcmul(input, tensor1, tensor2, *deprecated, value=1, out=None):
    """``input + value * tensor1 * tensor2``, broadcast and type-promoted.

    >>> ember.addcmul(ember.tensor([1., 1.]), ember.tensor([2., 3.]), ember.tensor([4., 5.]), value=0.5)
    tensor([5.0000, 8.5000])
    """
    if deprecated:  # PyTorch's deprecated addcmul(input, Number value, tensor1, tensor2)
        value, tensor1, tensor2 = _deprecated_value("addcmul", tensor1, tensor2, deprecated)
    return _addc(ADDCMUL, "addcmul", input, tensor1, tensor2, value, out)


@reg("addcdiv")
@_autocast_entry("addcdiv")
def addcdiv(input, tensor1, tensor2, *deprecated, value=1, out=None):
    """``input + value * tensor1 / tensor2``; ``tensor1`` and ``tensor2`` may not both be integral.

    >>> ember.addcdiv(ember.tensor([1., 1.]), ember.tensor([2., 3.]), ember.tensor([4., 6.]), value=2)
    tensor([2., 2.])
    """
    if deprecated:  # PyTorch's deprecated addcdiv(input, Number value, tensor1, tensor2)
        value, tensor1, tensor2 = _deprecated_value("addcdiv", tensor1, tensor2, deprecated)
    return _addc(ADDCDIV, "addcdiv", input, tensor1, tensor2, value, out)


# --- gcd / lcm / heaviside --------------------------------------------------------------------

GCD = defop("gcd", F, "gcd(x, y) -> out", doc="greatest common divisor, >= 0 (gcd(0, 0) == 0); integer dtypes")
LCM = defop("lcm", F, "lcm(x, y) -> out",
            doc="least common multiple |x / gcd(x, y) * y| computed in the dtype (wraps like C); 0 if either is 0")
HEAVISIDE = defop("heaviside", F, "heaviside(x, values) -> out", backward=_no_derivative("heaviside"),
                  doc="0 where x < 0 (and NaN), values where x == 0, 1 where x > 0")


def _integer_binary(op, input, other):
    check_tensor_arg(input, op.name, "input", 1)
    check_tensor_arg(other, op.name, "other", 2)
    rt = D.result_dtype((input, other))
    if rt.category != 1:
        raise not_implemented(f"{op.name}_cpu", rt)
    return binary(op, input, other)


@reg("gcd")
def gcd(input, other, *, out=None):
    """Elementwise greatest common divisor of two integer tensors (always non-negative).

    >>> ember.gcd(ember.tensor([4, -6, 0]), ember.tensor([6, 9, 5]))
    tensor([2, 3, 5])
    """
    return _out(_integer_binary(GCD, input, other), out)


@reg("lcm")
def lcm(input, other, *, out=None):
    """Elementwise least common multiple of two integer tensors (0 where either is 0).

    >>> ember.lcm(ember.tensor([4, -6, 0]), ember.tensor([6, 9, 5]))
    tensor([12, 18,  0])
    """
    return _out(_integer_binary(LCM, input, other), out)


@reg("heaviside")
def heaviside(input, values, *, out=None):
    """Step function: 0 for ``input < 0``, ``values`` where ``input == 0``, 1 for ``input > 0``.

    ``input`` and ``values`` must have the same dtype; like PyTorch, there is no derivative.
    """
    check_tensor_arg(input, "heaviside", "input", 1)
    check_tensor_arg(values, "heaviside", "values", 2)
    if input.dtype is not values.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    if input._data.shape != values._data.shape:
        broadcast_shapes(input._data.shape, values._data.shape, op="heaviside")
    return _out(apply(HEAVISIDE, (input, values), (), input.dtype), out)


# --- sinc / i0 / i1 ---------------------------------------------------------------------------

def _sinc_bwd(ctx, g):
    x = ctx.saved[0]
    px = x * _m.pi
    d = (px * cos(px) - sin(px)) / (px * x)
    return (where(x == 0, 0.0, d) * g,)


def _sinc_decomp(x):
    safe = where(x == 0, 1.0, x) * _m.pi
    return where(x == 0, 1.0, div(sin(safe), safe))


SINC = defop("sinc", F, "sinc(x) -> out", backward=_sinc_bwd, save="inputs", decomposition=_sinc_decomp,
             doc="sin(pi x) / (pi x), 1 at 0")


def _i1_bwd(ctx, g):
    x = ctx.saved[0]
    safe = where(x == 0, 1.0, x)
    d = apply(I0, (x,)) - apply(I1, (safe,)) / safe
    return (where(x == 0, 0.5, d) * g,)


I0 = defop("i0", F, "i0(x) -> out", backward=lambda ctx, g: (g * apply(I1, (ctx.saved[0],)),), save="inputs",
           doc="modified Bessel function of the first kind, order 0 (Cephes' Chebyshev expansions)")
I1 = defop("i1", F, "i1(x) -> out", backward=_i1_bwd, save="inputs",
           doc="modified Bessel function of the first kind, order 1: i0's derivative (torch.special.i1)")


@reg("sinc")
def sinc(input, *, out=None):
    """Normalized sinc, ``sin(pi x) / (pi x)`` with ``sinc(0) == 1``; integers promote to float."""
    check_tensor_arg(input, "sinc", "input", 1)
    return _out(unary(SINC, input, float_op=True), out)


@reg("i0")
def i0(input, *, out=None):
    """Zeroth-order modified Bessel function of the first kind; integers promote to float.

    >>> ember.i0(ember.tensor([0.0, 1.0]))
    tensor([1.0000, 1.2661])
    """
    check_tensor_arg(input, "i0", "input", 1)
    return _out(unary(I0, input, float_op=True), out)


# --- frexp ----------------------------------------------------------------------------------

def _frexp_bwd(ctx, g, *_):
    if g is None:
        return (None,)
    exponent = ctx.output[1]
    return (g / exp2(exponent.to(g.dtype)),)


FREXP = defop("frexp", F, "frexp(x) -> (mantissa, exponent)", nout=2, save="output", backward=_frexp_bwd,
              doc="x == mantissa * 2 ** exponent, |mantissa| in [0.5, 1) (0, inf, nan: themselves, exponent 0); "
                  "exponent int32")


@reg("frexp")
def frexp(input, *, out=None):
    """Split ``input`` into mantissa and exponent: ``input == mantissa * 2 ** exponent``.

    Returns ``ember.return_types.frexp(mantissa, exponent)``; the exponent is int32.
    """
    from .reduce import return_type
    check_tensor_arg(input, "frexp", "input", 1)
    if not input.dtype.is_floating_point:
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    mantissa, exponent = apply(FREXP, (input,), (), (input.dtype, D.int32))
    if out is not None:
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            raise TypeError("frexp(): argument 'out' must be tuple of Tensors")
        mantissa, exponent = _out(mantissa, out[0]), _out(exponent, out[1])
    return return_type("frexp", ("mantissa", "exponent"))(mantissa, exponent)
