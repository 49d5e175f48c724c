"""Native reductions along dims (csrc/reduce.c): sum, mean, var, std, amax, amin, argmax, argmin, max_dim,
min_dim.

Same contract as ``ember_numpy.reduce``.  A float32/float64 input runs natively when it is C-contiguous up to
an axis permutation that keeps the kept dims in order (a transposed matrix qualifies), and its reduced dims
merge into one block, ``(outer, reduced, inner)``, or into two blocks around one kept block (NCHW over
``(0, 2, 3)``, as batch norm reduces).  Anything else — other dtypes, strided slices, scattered dims, empty
inputs, small arrays — goes to the NumPy kernel.  Sums accumulate in double; var is two-pass.
"""
from __future__ import annotations

import numpy as np
from ember_numpy._dtypes import TO_NP
from ember_numpy.reduce import KERNELS as NP

from ._util import FLOATS, by_dtype, check, min_native, ptr

# Below this many input elements NumPy's reduction is as fast as validating and calling into C (sum: NumPy's
# add.reduce is one C call, so it pays off later; var, mean and max cost NumPy several passes).
MIN_NATIVE = min_native(4096)
MIN_SUM = min_native(32768)

# block pattern (True: reduced) -> (C mode, (a, b, c) from the block sizes); mode 1 reduces a and c
PATTERNS = {
    (True,): (0, lambda s: (1, s[0], 1)),
    (False, True): (0, lambda s: (s[0], s[1], 1)),
    (True, False): (0, lambda s: (1, s[0], s[1])),
    (False, True, False): (0, tuple),
    (True, False, True): (1, tuple),
}


def _canonical(x):
    """(``x`` as a C-contiguous array, the axis order that gives it) or None for other layouts."""
    if x.flags.c_contiguous:
        return x, range(x.ndim)
    order = sorted(range(x.ndim), key=lambda d: -x.strides[d])
    xc = x.transpose(order)
    return (xc, order) if xc.flags.c_contiguous else None


def plan(x, dims, min_size=None):
    """(contiguous x, mode, (a, b, c)) for the native kernel reducing ``dims`` of ``x``, or None.
    ``min_size``: the smallest ``x.size`` worth it (default MIN_NATIVE)."""
    if x.dtype not in FLOATS or x.size < max(MIN_NATIVE if min_size is None else min_size, 1) or not dims:
        return None
    canon = _canonical(x)
    if canon is None:
        return None
    xc, order = canon
    blocks, sizes = [], []
    kept = []
    for d in order:
        n = x.shape[d]
        if n == 1:
            continue
        red = d in dims
        if not red:
            kept.append(d)
        if blocks and blocks[-1] == red:
            sizes[-1] *= n
        else:
            blocks.append(red)
            sizes.append(n)
    found = PATTERNS.get(tuple(blocks))
    if found is None or kept != sorted(kept):  # the output's element order must be x's kept-dim order
        return None
    mode, abc = found
    return xc, mode, abc(sizes)


def _out_shape(shape, dims, keepdim):
    if keepdim:
        return tuple(1 if d in dims else n for d, n in enumerate(shape))
    return tuple(n for d, n in enumerate(shape) if d not in dims)


def _count(shape, dims):
    n = 1
    for d in dims:
        n *= shape[d]
    return n


def sum_kernel(lib, ffi, name):
    """sum and mean: out = sum / divisor (1 or the reduced element count)."""
    fallback = NP[name]
    fns = by_dtype(lib, "sum", FLOATS)
    is_mean = name == "mean"

    def k(x, dims, keepdim, dtype):
        min_size = MIN_NATIVE if is_mean else MIN_SUM
        p = plan(x, dims, min_size) if x.size >= min_size and TO_NP[dtype] == x.dtype else None
        if p is None:
            return fallback(x, dims, keepdim, dtype)
        xc, mode, (a, b, c) = p
        out = np.empty(_out_shape(x.shape, dims, keepdim), x.dtype)
        div = float(_count(x.shape, dims)) if is_mean else 1.0
        check(fns[x.dtype](mode, a, b, c, ptr(ffi, xc), div, ptr(ffi, out)), name)
        return out

    k.__name__ = name
    return k


def var_kernel(lib, ffi, name):
    fallback = NP[name]
    fns = by_dtype(lib, "var", FLOATS)
    root = int(name == "std")

    def k(x, dims, correction, keepdim):
        p = plan(x, dims)
        if p is None:
            return fallback(x, dims, correction, keepdim)
        xc, mode, (a, b, c) = p
        out = np.empty(_out_shape(x.shape, dims, keepdim), x.dtype)
        check(fns[x.dtype](mode, a, b, c, ptr(ffi, xc), float(correction), root, ptr(ffi, out)), name)
        return out

    k.__name__ = name
    return k


def extreme_kernel(lib, ffi, name):
    """amax / amin over dims (NaN propagates)."""
    fallback = NP[name]
    fns = by_dtype(lib, "extreme", FLOATS)
    is_min = int(name == "amin")

    def k(x, dims, keepdim):
        p = plan(x, dims)
        if p is None:
            return fallback(x, dims, keepdim)
        xc, mode, (a, b, c) = p
        out = np.empty(_out_shape(x.shape, dims, keepdim), x.dtype)
        check(fns[x.dtype](is_min, mode, a, b, c, ptr(ffi, xc), ptr(ffi, out)), name)
        return out

    k.__name__ = name
    return k


def _arg_plan(x, dim, keepdim):
    """(contiguous x, (a, b, c), output shape) for an index reduction along ``dim``, or None.  Only a dim
    with a kept dim after it runs natively: NumPy's argmax over contiguous rows (and over the flattened
    input, ``dim`` None) is faster than ours."""
    if dim is None or dim == x.ndim - 1:
        return None
    p = plan(x, (dim,))
    if p is None or p[2][2] == 1:
        return None
    return p[0], p[2], _out_shape(x.shape, (dim,), keepdim)


def arg_kernel(lib, ffi, name):
    """argmax / argmin (indices only) and max_dim / min_dim (values and indices)."""
    fallback = NP[name]
    fns = by_dtype(lib, "argext", FLOATS)
    is_min = int(name in ("argmin", "min_dim"))
    with_values = name.endswith("_dim")

    def k(x, dim, keepdim):
        p = _arg_plan(x, dim, keepdim)
        if p is None:
            return fallback(x, dim, keepdim)
        xc, (a, b, c), shape = p
        idx = np.empty(shape, np.int64)
        values = np.empty(shape, x.dtype) if with_values else None
        vptr = ptr(ffi, values) if with_values else ffi.NULL
        check(fns[x.dtype](is_min, a, b, c, ptr(ffi, xc), vptr, ptr(ffi, idx)), name)
        return (values, idx) if with_values else idx

    k.__name__ = name
    return k


def native_kernels(lib, ffi) -> dict:
    """Every native reduction kernel, registered or not (tests and benchmarks use this)."""
    out = {name: sum_kernel(lib, ffi, name) for name in ("sum", "mean")}
    out.update({name: var_kernel(lib, ffi, name) for name in ("var", "std")})
    out.update({name: extreme_kernel(lib, ffi, name) for name in ("amax", "amin")})
    out.update({name: arg_kernel(lib, ffi, name) for name in ("argmax", "argmin", "max_dim", "min_dim")})
    return out


# every native kernel beats NumPy's on the benchmark sizes (benchmarks/cext_kernels.py)
REGISTERED = ("sum", "mean", "var", "std", "amax", "amin", "argmax", "argmin", "max_dim", "min_dim")


def kernels(lib, ffi) -> dict:
    return {name: k for name, k in native_kernels(lib, ffi).items() if name in REGISTERED}
