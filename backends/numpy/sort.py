"""NumPy kernels for ember/ops/sort.py, generic over the array module xp.

Sorting is always stable; a descending stable sort sorts the reversed array and
maps the indices back, so equal elements keep their order and NaN comes first
(PyTorch's order: NaN is the largest value).
"""
from __future__ import annotations

import numpy as np

from ._dtypes import HALF


def kernels(xp):
    asarray = xp.asarray

    def _key(x):
        return x.astype(np.float32) if x.dtype in HALF else x

    def _argsort(x, dim, descending):
        x = _key(x)
        if not descending:
            return xp.argsort(x, axis=dim, kind="stable")
        n = x.shape[dim]
        idx = xp.argsort(xp.flip(x, dim), axis=dim, kind="stable")
        return (n - 1) - xp.flip(idx, dim)

    def _select(x, idx, dim):
        return xp.take_along_axis(x, idx, axis=dim)

    def sort(x, dim, descending, stable):
        if x.ndim == 0:
            return x.copy(), xp.zeros((), dtype=np.int64)
        idx = _argsort(x, dim, descending).astype(np.int64)
        return _select(x, idx, dim), idx

    def topk(x, k, dim, largest, sorted):
        if x.ndim == 0:
            return x.copy(), xp.zeros((), dtype=np.int64)
        idx = xp.take(_argsort(x, dim, largest), xp.arange(k), axis=dim).astype(np.int64)
        return _select(x, idx, dim), idx

    def kthvalue(x, k, dim, keepdim):
        if x.ndim == 0:
            return x.copy(), xp.zeros((), dtype=np.int64)
        idx = xp.take(_argsort(x, dim, False), xp.arange(k - 1, k), axis=dim).astype(np.int64)
        v = _select(x, idx, dim)
        if not keepdim:
            v, idx = xp.squeeze(v, dim), xp.squeeze(idx, dim)
        return asarray(v), asarray(idx)

    def unique(x, dim):
        if dim is None:
            flat = x.reshape(-1)
            order = xp.argsort(_key(flat), kind="stable")
            s = flat[order]
            new = xp.ones(s.shape, dtype=bool)
            if s.size > 1:
                new[1:] = _key(s[1:]) != _key(s[:-1])
            values, inverse, counts = _runs(s, new)
            inv = xp.empty(flat.shape, dtype=np.int64)
            inv[order] = inverse
            return values, inv.reshape(x.shape), counts
        if x.shape[dim] == 0:
            return x.copy(), xp.zeros((0,), dtype=np.int64), xp.zeros((0,), dtype=np.int64)
        v, inv, cnt = xp.unique(_key(x), axis=dim, return_inverse=True, return_counts=True)
        return asarray(v).astype(x.dtype), asarray(inv).reshape(-1).astype(np.int64), asarray(cnt).astype(np.int64)

    def _runs(s, new):
        """(run values, run id of each element, run lengths) of a 1-D array split where ``new``."""
        ids = xp.cumsum(new) - 1
        starts = xp.flatnonzero(new)
        counts = xp.diff(xp.append(starts, s.shape[0]))
        return s[starts], ids.astype(np.int64), counts.astype(np.int64)

    def unique_consecutive(x, dim):
        if dim is None:
            flat = x.reshape(-1)
            new = xp.ones(flat.shape, dtype=bool)
            if flat.size > 1:
                new[1:] = flat[1:] != flat[:-1]
            values, inv, counts = _runs(flat, new)
            return values, inv.reshape(x.shape), counts
        moved = xp.moveaxis(x, dim, 0)
        rows = moved.reshape(moved.shape[0], int(np.prod(moved.shape[1:])))
        new = xp.ones(rows.shape[0], dtype=bool)
        if rows.shape[0] > 1:
            new[1:] = xp.any(rows[1:] != rows[:-1], axis=1)
        starts = xp.flatnonzero(new)
        counts = xp.diff(xp.append(starts, rows.shape[0])).astype(np.int64)
        values = xp.moveaxis(moved[starts], 0, dim)
        return asarray(values), (xp.cumsum(new) - 1).astype(np.int64), counts

    def searchsorted(seq, values, right, out_int32):
        side = "right" if right else "left"
        seq, values = _key(seq), _key(values)
        if seq.ndim == 1:
            r = xp.searchsorted(seq, values, side=side)
        else:
            rows = seq.reshape(-1, seq.shape[-1])
            vals = values.reshape(-1, values.shape[-1])
            r = xp.zeros(vals.shape, dtype=np.int64)
            for i in range(rows.shape[0]):
                r[i] = xp.searchsorted(rows[i], vals[i], side=side)
            r = r.reshape(values.shape)
        return asarray(r).astype(np.int32 if out_int32 else np.int64)

    def histc(x, bins, lo, hi):
        """PyTorch's arithmetic: bin = int((x - lo) * bins / (hi - lo)) in the input dtype; x == hi -> last bin."""
        v = x.reshape(-1)
        lo_, hi_ = xp.asarray(lo, dtype=x.dtype), xp.asarray(hi, dtype=x.dtype)
        v = v[(v >= lo_) & (v <= hi_)]
        pos = ((v - lo_) * bins / (hi_ - lo_)).astype(np.int64)
        pos = xp.minimum(pos, bins - 1)
        return asarray(xp.bincount(pos, minlength=bins)[:bins]).astype(x.dtype)

    def histogram(x, edges, weight, density):
        e = edges.astype(np.float64)
        hist, _ = xp.histogram(x.astype(np.float64), bins=e, weights=weight.astype(np.float64), density=density)
        return asarray(hist).astype(x.dtype)

    return {"sort": sort, "topk": topk, "kthvalue": kthvalue, "unique": unique,
            "unique_consecutive": unique_consecutive, "searchsorted": searchsorted, "histc": histc,
            "histogram": histogram}


KERNELS = kernels(np)
