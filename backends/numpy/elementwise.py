"""Elementwise kernels, generic over the array module ``xp``.

Ufuncs return scalars for 0-d inputs under NumPy; ``_arr`` turns them back
into 0-d arrays so every kernel returns an array.
"""
from __future__ import annotations

import numpy as np


def kernels(xp):
    nd = xp.ndarray
    asarray = xp.asarray

    def ufunc2(f):
        def k(x, y):
            r = f(x, y)
            return r if r.__class__ is nd else asarray(r)
        k.__name__ = f.__name__
        return k

    def ufunc1(f):
        def k(x):
            r = f(x)
            return r if r.__class__ is nd else asarray(r)
        k.__name__ = f.__name__
        return k

    def pow_(x, y):
        with np.errstate(divide="ignore", invalid="ignore"):
            r = xp.power(x, y)
        return r if r.__class__ is nd else asarray(r)

    def div(x, y):
        with np.errstate(divide="ignore", invalid="ignore"):
            r = xp.true_divide(x, y)
        return r if r.__class__ is nd else asarray(r)

    def log(x):
        with np.errstate(divide="ignore", invalid="ignore"):
            r = xp.log(x)
        return r if r.__class__ is nd else asarray(r)

    def where(c, x, y):
        return xp.where(c, x, y)

    return {
        "add": ufunc2(xp.add), "sub": ufunc2(xp.subtract), "mul": ufunc2(xp.multiply), "div": div,
        "pow": pow_, "neg": ufunc1(xp.negative), "exp": ufunc1(xp.exp), "log": log,
        "eq": ufunc2(xp.equal), "ne": ufunc2(xp.not_equal), "lt": ufunc2(xp.less), "le": ufunc2(xp.less_equal),
        "gt": ufunc2(xp.greater), "ge": ufunc2(xp.greater_equal), "where": where,
    }


KERNELS = kernels(np)
