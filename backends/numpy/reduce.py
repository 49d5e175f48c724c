"""Reduction and scan kernels, generic over ``xp``.

Dim-tuple reductions take ``dims`` as a sorted tuple (never empty, except for
0-d inputs) and ``keepdim``; single-dim ops (argmax, scans, median, mode) take
an int ``dim`` of an input with at least one dimension.  Half types accumulate
in float32, like PyTorch on CPU, and are cast back.
"""
from __future__ import annotations

import numpy as np

from ._dtypes import HALF, TO_NP

I64 = np.dtype(np.int64)


def kernels(xp):
    asarray = xp.asarray

    def acc_dtype(npd):
        return np.dtype(np.float32) if npd in HALF else npd

    def acc(x, npd=None):
        """``x`` in the dtype a reduction to ``npd`` (default: x's own) accumulates in."""
        a = acc_dtype(x.dtype if npd is None else npd)
        return x if x.dtype == a else x.astype(a)

    def back(r, npd):
        return asarray(r).astype(npd, copy=False)

    def quiet():
        return np.errstate(all="ignore")

    def squeeze(r, dims, keepdim):
        return r if keepdim or not dims else r.squeeze(axis=dims)

    # --- dim-tuple reductions ---------------------------------------------------

    nd = xp.ndarray
    add_reduce = xp.add.reduce if xp is np else None

    def sum_(x, dims, keepdim, dtype):
        npd = TO_NP[dtype]
        if add_reduce is not None and npd not in HALF:  # the hot path: one C call
            r = add_reduce(x, axis=dims, dtype=npd, keepdims=keepdim)
            return r if r.__class__ is nd else asarray(r)
        return back(xp.sum(acc(x, npd), axis=dims, keepdims=keepdim), npd)

    def prod(x, dims, keepdim, dtype):
        npd = TO_NP[dtype]
        return back(xp.prod(acc(x, npd), axis=dims, keepdims=keepdim), npd)

    def mean(x, dims, keepdim, dtype):
        npd = TO_NP[dtype]
        count = 1
        for d in dims:
            count *= x.shape[d]
        a = acc(x, npd)
        with quiet():  # an empty reduction is 0 / 0 = nan, as in PyTorch (np.mean would warn)
            return back(xp.sum(a, axis=dims, keepdims=keepdim) / a.dtype.type(count), npd)

    def nansum(x, dims, keepdim, dtype):
        npd = TO_NP[dtype]
        return back(xp.nansum(acc(x, npd), axis=dims, keepdims=keepdim), npd)

    def amax(x, dims, keepdim):
        with quiet():
            return asarray(xp.max(x, axis=dims, keepdims=keepdim))

    def amin(x, dims, keepdim):
        with quiet():
            return asarray(xp.min(x, axis=dims, keepdims=keepdim))

    def all_(x, dims, keepdim):
        r = asarray(xp.all(x, axis=dims, keepdims=keepdim))
        return r.astype(x.dtype) if x.dtype == np.uint8 else r

    def any_(x, dims, keepdim):
        r = asarray(xp.any(x, axis=dims, keepdims=keepdim))
        return r.astype(x.dtype) if x.dtype == np.uint8 else r

    def count_nonzero(x, dims):
        return asarray(xp.sum(x != 0, axis=dims, dtype=I64))

    def _var(x, dims, correction, keepdim):
        xf = acc(x)
        n = 1
        for d in dims:
            n *= x.shape[d]
        with quiet():
            dev = xf - xp.mean(xf, axis=dims, keepdims=True)
            ss = xp.sum(dev * dev, axis=dims, keepdims=keepdim)
            return ss / max(n - correction, 0)

    def var(x, dims, correction, keepdim):
        return back(_var(x, dims, correction, keepdim), x.dtype)

    def std(x, dims, correction, keepdim):
        with quiet():
            return back(xp.sqrt(_var(x, dims, correction, keepdim)), x.dtype)

    def logsumexp(x, dims, keepdim):
        xf = acc(x)
        if any(x.shape[d] == 0 for d in dims):
            shape = [1 if i in dims else s for i, s in enumerate(x.shape)]
            r = xp.full(shape, -np.inf, dtype=xf.dtype)
            return back(squeeze(r, dims, keepdim), x.dtype)
        with quiet():
            m = xp.max(xf, axis=dims, keepdims=True)
            m = xp.where(xp.isinf(m), 0, m).astype(xf.dtype)
            r = xp.log(xp.sum(xp.exp(xf - m), axis=dims, keepdims=True)) + m
        return back(squeeze(r, dims, keepdim), x.dtype)

    # --- single-dim reductions with indices --------------------------------------

    def argmax(x, dim, keepdim):
        with quiet():
            return back(xp.argmax(x, axis=dim, keepdims=keepdim), I64)

    def argmin(x, dim, keepdim):
        with quiet():
            return back(xp.argmin(x, axis=dim, keepdims=keepdim), I64)

    def _select(x, idx, dim, keepdim):
        v = xp.take_along_axis(x, idx, axis=dim)
        if not keepdim:
            v, idx = v.squeeze(axis=dim), idx.squeeze(axis=dim)
        return asarray(v), back(idx, I64)

    def max_dim(x, dim, keepdim):
        with quiet():
            return _select(x, xp.argmax(x, axis=dim, keepdims=True), dim, keepdim)

    def min_dim(x, dim, keepdim):
        with quiet():
            return _select(x, xp.argmin(x, axis=dim, keepdims=True), dim, keepdim)

    def _isnan(x):
        return xp.isnan(x) if x.dtype.kind not in "biu" else xp.zeros(x.shape, dtype=bool)

    def _sorted_last(x, dim):
        """``x`` with ``dim`` moved last, its stable argsort and the sorted values."""
        xl = xp.moveaxis(x, dim, -1)
        key = xl.astype(np.float32) if x.dtype in HALF else xl  # ml_dtypes sorts bfloat16 unreliably
        order = xp.argsort(key, axis=-1, kind="stable")
        return xl, order, xp.take_along_axis(xl, order, axis=-1)

    def _pick(order, svals, k, dim, keepdim):
        k = k[..., None]
        v = xp.take_along_axis(svals, k, axis=-1)
        i = xp.take_along_axis(order, k, axis=-1)
        v, i = xp.moveaxis(v, -1, dim), xp.moveaxis(i, -1, dim)
        if not keepdim:
            v, i = v.squeeze(axis=dim), i.squeeze(axis=dim)
        return asarray(v), back(i, I64)

    def median_dim(x, dim, keepdim):
        xl, order, s = _sorted_last(x, dim)
        n = xl.shape[-1]
        nans = xp.sum(_isnan(xl), axis=-1)
        k = xp.where(nans > 0, n - nans, (n - 1) // 2)  # NaN propagates: the first NaN
        return _pick(order, s, k, dim, keepdim)

    def nanmedian_dim(x, dim, keepdim):
        xl, order, s = _sorted_last(x, dim)
        n = xl.shape[-1]
        valid = n - xp.sum(_isnan(xl), axis=-1)
        k = xp.where(valid > 0, (valid - 1) // 2, (n - 1) // 2)
        return _pick(order, s, k, dim, keepdim)

    def median(x):
        v, _ = median_dim(x.reshape(-1), 0, False) if x.size else (xp.full((), np.nan, x.dtype), None)
        return v

    def nanmedian(x):
        v, _ = nanmedian_dim(x.reshape(-1), 0, False) if x.size else (xp.full((), np.nan, x.dtype), None)
        return v

    def mode(x, dim, keepdim):
        """Most frequent value (smallest on ties) and the index of its last occurrence."""
        xl, order, s = _sorted_last(x, dim)
        n = xl.shape[-1]
        rows = s.reshape(-1, n)
        new = xp.ones(rows.shape, dtype=bool)
        new[:, 1:] = rows[:, 1:] != rows[:, :-1]
        run = xp.cumsum(new, axis=1) - 1 + (xp.arange(rows.shape[0]) * n)[:, None]
        counts = xp.bincount(run.reshape(-1), minlength=rows.size)[run]
        best = xp.argmax(counts, axis=1)
        last = best + xp.take_along_axis(counts, best[:, None], axis=1)[:, 0] - 1
        return _pick(order, s, last.reshape(xl.shape[:-1]), dim, keepdim)

    # --- scans --------------------------------------------------------------------

    def cumsum(x, dim, dtype):
        npd = TO_NP[dtype]
        return back(xp.cumsum(acc(x, npd), axis=dim), npd)

    def cumprod(x, dim, dtype):
        npd = TO_NP[dtype]
        return back(xp.cumprod(acc(x, npd), axis=dim), npd)

    def _cum_extreme(ufunc, x, dim):
        with quiet():
            vals = ufunc.accumulate(x, axis=dim)
        # the index moves to every position that ties or sets the running extreme, and to every NaN
        pos = xp.arange(x.shape[dim]).reshape((-1,) + (1,) * (x.ndim - dim - 1))
        hit = (x == vals) | _isnan(x)
        idx = xp.maximum.accumulate(xp.where(hit, pos, 0), axis=dim)
        return asarray(vals), back(idx, I64)

    def cummax(x, dim):
        return _cum_extreme(xp.maximum, x, dim)

    def cummin(x, dim):
        return _cum_extreme(xp.minimum, x, dim)

    def logcumsumexp(x, dim):
        with quiet():
            return back(xp.logaddexp.accumulate(acc(x), axis=dim), x.dtype)

    return {
        "sum": sum_, "prod": prod, "mean": mean, "nansum": nansum, "amax": amax, "amin": amin, "all": all_,
        "any": any_, "count_nonzero": count_nonzero, "var": var, "std": std, "logsumexp": logsumexp,
        "argmax": argmax, "argmin": argmin, "max_dim": max_dim, "min_dim": min_dim,
        "median": median, "median_dim": median_dim, "nanmedian": nanmedian, "nanmedian_dim": nanmedian_dim,
        "mode": mode, "cumsum": cumsum, "cumprod": cumprod, "cummax": cummax, "cummin": cummin,
        "logcumsumexp": logcumsumexp,
    }


KERNELS = kernels(np)
