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

    def __sub__(self, other):
        return E.sub(self, other)

    def __rsub__(self, other):
        return E.sub(other, self)

    def __truediv__(self, other):
        return binary(E.DIV, self, other, compute=E._float_compute)

    def __rtruediv__(self, other):
        return binary(E.DIV, other, self, compute=E._float_compute)

    def __pow__(self, other):
        return E.pow(self, other)

    def __rpow__(self, other):
        return E.pow(other, self)

    def __neg__(self):
        return E.neg(self)

    def __pos__(self):
        return self

    def __matmul__(self, other):
        return F.matmul(self, other)

    def __rmatmul__(self, other):
        return F.matmul(other, self)

    for fn in (__sub__, __rsub__, __truediv__, __rtruediv__, __pow__, __rpow__, __neg__, __pos__, __matmul__,
               __rmatmul__):
        setattr(T, fn.__name__, fn)
    T.__eq__ = lambda self, other: E.eq(self, other) if _cmpable(other) else NotImplemented
    T.__ne__ = lambda self, other: E.ne(self, other) if _cmpable(other) else NotImplemented
    T.__lt__ = lambda self, other: E.lt(self, other)
    T.__le__ = lambda self, other: E.le(self, other)
    T.__gt__ = lambda self, other: E.gt(self, other)
    T.__ge__ = lambda self, other: E.ge(self, other)
    T.__hash__ = lambda self: id(self)

    # in-place operators
    T.__iadd__ = lambda self, other: inplace(self, E.add, other, op="add_")
    T.__isub__ = lambda self, other: inplace(self, E.sub, other, op="sub_")
    T.__imul__ = lambda self, other: inplace(self, E.mul, other, op="mul_")
    T.__itruediv__ = lambda self, other: inplace(self, E.div, other, op="div_")
    T.__ipow__ = lambda self, other: inplace(self, E.pow, other, op="pow_")
    T.__imatmul__ = lambda self, other: inplace(self, F.matmul, other, op="matmul_")


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
