"""Bind op functions as Tensor methods and Python operators.

Methods are the functions marked with ``@reg`` in ``ember.ops``; operators map
onto them with the reflected and in-place variants PyTorch has.
"""
from __future__ import annotations

from . import _dtype as D
from . import _functional as F
from ._dispatch import binary
from ._tensor import Tensor
from .ops import elementwise as E
from .ops.inplace import inplace


def _bind_methods():
    for name, fn in F.METHODS.items():
        if name not in Tensor.__dict__:
            setattr(Tensor, name, fn)


def _binop(op, name):
    def fwd(self, other):
        return binary(op, self, other)

    def rev(self, other):
        return binary(op, other, self)

    fwd.__name__, rev.__name__ = f"__{name}__", f"__r{name}__"
    return fwd, rev


def _install_operators():
    T = Tensor
    T.__add__, T.__radd__ = _binop(E.ADD, "add")
    T.__mul__, T.__rmul__ = _binop(E.MUL, "mul")

    def __truediv__(self, other):
        return binary(E.DIV, self, other, compute=E._float_compute)

    def __rtruediv__(self, other):
        return binary(E.DIV, other, self, compute=E._float_compute)

    def __neg__(self):
        return E.neg(self)

    def __pos__(self):
        return E.positive(self)

    def __abs__(self):
        return E.abs(self)

    def __invert__(self):
        if self.dtype.is_floating_point:
            raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
        return E.bitwise_not(self)

    def __matmul__(self, other):
        return F.matmul(self, other)

    def __rmatmul__(self, other):
        return F.matmul(other, self)

    for fn in (__truediv__, __rtruediv__, __neg__, __pos__, __abs__, __invert__, __matmul__, __rmatmul__):
        setattr(T, fn.__name__, fn)

    # operator -> function; forward, reflected and in-place forms
    for name, fn in (("sub", E.sub), ("floordiv", E.floor_divide), ("mod", E.remainder), ("pow", E.pow),
                     ("and", E.bitwise_and), ("or", E.bitwise_or), ("xor", E.bitwise_xor),
                     ("lshift", E.bitwise_left_shift), ("rshift", E.bitwise_right_shift)):
        fwd, rev = _fnop(fn, name)
        setattr(T, fwd.__name__, fwd)
        setattr(T, rev.__name__, rev)

    T.__eq__ = lambda self, other: E.eq(self, other) if _cmpable(other) else NotImplemented
    T.__ne__ = lambda self, other: E.ne(self, other) if _cmpable(other) else NotImplemented
    T.__lt__ = lambda self, other: E.lt(self, other)
    T.__le__ = lambda self, other: E.le(self, other)
    T.__gt__ = lambda self, other: E.gt(self, other)
    T.__ge__ = lambda self, other: E.ge(self, other)
    T.__hash__ = lambda self: id(self)

    # in-place operators
    for name, fn, method in (("add", E.add, "add_"), ("sub", E.sub, "sub_"), ("mul", E.mul, "mul_"),
                             ("truediv", E.div, "div_"), ("floordiv", E.floor_divide, "floor_divide_"),
                             ("mod", E.remainder, "remainder_"), ("pow", E.pow, "pow_"),
                             ("matmul", F.matmul, "matmul_"), ("and", E.bitwise_and, "bitwise_and_"),
                             ("or", E.bitwise_or, "bitwise_or_"), ("xor", E.bitwise_xor, "bitwise_xor_"),
                             ("lshift", E.bitwise_left_shift, "bitwise_left_shift_"),
                             ("rshift", E.bitwise_right_shift, "bitwise_right_shift_")):
        setattr(T, f"__i{name}__", _iop(fn, name, method))


def _fnop(fn, name):
    def fwd(self, other):
        return fn(self, other)

    def rev(self, other):
        return fn(other, self)

    fwd.__name__, rev.__name__ = f"__{name}__", f"__r{name}__"
    return fwd, rev


def _iop(fn, name, method):
    def iop(self, other):
        return inplace(self, fn, other, op=method)

    iop.__name__ = f"__i{name}__"
    return iop


def _cmpable(other):
    return isinstance(other, (Tensor, int, float, bool))


def _install_inplace_methods():
    """``x.add_(y)`` for every op listed in ``ops.inplace_variants``."""
    from .ops import INPLACE_VARIANTS
    for name in INPLACE_VARIANTS:
        fn = F.METHODS.get(name) or getattr(F, name)

        def method(self, *args, __fn=fn, __name=name + "_", **kwargs):
            return inplace(self, __fn, *args, op=__name, **kwargs)

        method.__name__ = name + "_"
        if method.__name__ not in Tensor.__dict__:
            setattr(Tensor, method.__name__, method)


def _install_conversions():
    from .ops import conversion as C
    for name, fn in C.TENSOR_METHODS.items():
        setattr(Tensor, name, fn)


_bind_methods()
_install_operators()
_install_inplace_methods()
_install_conversions()
