"""NumPy kernels for ember/ops/indexing.py, generic over the array module xp.

Out-of-range indices raise PyTorch's exception types and messages ("index 5 is
out of bounds for dimension 1 with size 3").
"""
from __future__ import annotations

import numpy as np

from ._dtypes import HALF

_REDUCE_UFUNC = {"sum": "add", "prod": "multiply", "amax": "maximum", "amin": "minimum", "mean": "add"}


def kernels(xp):
    def key_of(indices, spec):
        return tuple(slice(None) if s is None else indices[s] for s in spec) + (Ellipsis,)

    def index(x, *args):
        *indices, spec = args
        try:
            return x[key_of(indices, spec)]
        except IndexError as e:
            raise IndexError(str(e).replace("axis", "dimension").replace("arrays", "tensors")) from None

    def index_put_(x, values, *args):
        *indices, spec, accumulate = args
        key = key_of(indices, spec)
        try:
            if accumulate:
                xp.add.at(x, key, values)
            else:
                x[key] = values
        except IndexError as e:
            raise IndexError(str(e).replace("axis", "dimension").replace("arrays", "tensors")) from None
        except ValueError as e:
            target = x[key].shape
            raise RuntimeError(f"shape mismatch: value tensor of shape {list(values.shape)} cannot be broadcast to "
                               f"indexing result of shape {list(target)}") from e
        return x

    def index_put(x, values, *args):
        return index_put_(x.copy(), values, *args)

    def check_range(index, n, dim, exc=RuntimeError, negative_ok=False):
        if index.size == 0:
            return
        lo = -n if negative_ok else 0
        bad = (index < lo) | (index >= n)
        if bad.any():
            raise exc(f"index {int(index[bad].reshape(-1)[0])} is out of bounds for dimension {dim} with size {n}")

    def grid_key(index, dim):
        """Full index tuple addressing index's positions, with index itself along dim."""
        grids = xp.ogrid[tuple(slice(0, n) for n in index.shape)] if index.ndim else []
        key = list(grids)
        key[dim] = index
        return tuple(key)

    def as_1d(*arrays):
        return tuple(a.reshape(1) if a.ndim == 0 else a for a in arrays)

    def gather(x, index, dim):
        xv, iv = as_1d(x, index)
        check_range(iv, xv.shape[dim], dim)
        return xv[grid_key(iv, dim)].reshape(index.shape)

    def src_part(src, index):
        if src.ndim == 0 or src.ndim != index.ndim:
            return src
        return src[tuple(slice(0, n) for n in index.shape)]

    def scatter(x, index, src, dim, reduce):
        xv, iv = as_1d(x, index)
        check_range(iv, xv.shape[dim], dim)
        out = xv.copy()
        out[grid_key(iv, dim)] = src_part(src.reshape(1) if src.ndim == 0 and index.ndim == 0 else src, iv)
        return out.reshape(x.shape)

    def scatter_add(x, index, src, dim):
        xv, iv, sv = as_1d(x, index, src)
        check_range(iv, xv.shape[dim], dim)
        out = xv.copy()
        xp.add.at(out, grid_key(iv, dim), src_part(sv, iv))
        return out.reshape(x.shape)

    def scatter_reduce(x, index, src, dim, reduce, include_self):
        xv, iv, sv = (a.reshape(1) if a.ndim == 0 else a for a in (x, index, src))
        check_range(iv, xv.shape[dim], dim)
        key = grid_key(iv, dim)
        vals = src_part(sv, iv)
        acc = np.dtype(np.float32) if x.dtype in HALF else x.dtype
        out = xv.astype(acc, copy=True)
        hit = xp.zeros(xv.shape, dtype=bool)
        hit[key] = True
        if not include_self:
            ident = {"sum": 0, "mean": 0, "prod": 1}.get(reduce)
            if ident is None:
                lim = np.finfo(acc) if acc.kind == "f" else (np.iinfo(acc) if acc.kind in "iu" else None)
                ident = (lim.min if reduce == "amax" else lim.max) if lim is not None else reduce == "amin"
                if acc.kind == "f":
                    ident = -np.inf if reduce == "amax" else np.inf
            out[hit] = ident
        getattr(xp, _REDUCE_UFUNC[reduce]).at(out, key, vals.astype(acc))
        if reduce == "mean":
            cnt = xp.zeros(xv.shape, dtype=np.int64)
            xp.add.at(cnt, key, 1)
            if include_self:
                cnt += 1
            cnt = xp.maximum(cnt, 1)
            out = out / cnt if acc.kind == "f" else xp.floor_divide(out, cnt)
        return out.astype(x.dtype).reshape(x.shape)

    def index_select(x, index, dim):
        xv = x.reshape(1) if x.ndim == 0 else x
        n = xv.shape[dim]
        iv = index.reshape(-1)
        bad = (iv < 0) | (iv >= n)
        if bad.any():
            raise RuntimeError(f"INDICES element is out of DATA bounds, id={int(iv[bad][0])} axis_dim={n}")
        out = xp.take(xv, iv, axis=dim)
        return out.reshape(()) if x.ndim == 0 and out.size == 1 else out

    def slot(x, index, dim):
        return (slice(None),) * dim + (index.reshape(-1),)

    def index_add(x, index, src, dim, alpha):
        out = x.copy()
        if x.ndim == 0:
            check_range(index, 1, 0)
            out[...] += (src * alpha).reshape(-1).sum() if index.size else 0
            return out
        check_range(index, x.shape[dim], dim)
        vals = src * alpha if alpha != 1 else src
        xp.add.at(out, slot(x, index, dim), vals.astype(x.dtype, copy=False))
        return out

    def index_copy(x, index, src, dim):
        out = x.copy()
        if x.ndim == 0:
            check_range(index, 1, 0, IndexError)
            if index.size:
                out[...] = src.reshape(-1)[-1]
            return out
        try:
            check_range(index, x.shape[dim], dim, IndexError)
        except IndexError as e:
            raise IndexError(f"index_copy_(): {e}") from None
        out[slot(x, index, dim)] = src.reshape(out[slot(x, index, dim)].shape) if src.ndim else src
        return out

    def index_fill(x, index, dim, value):
        out = x.copy()
        if x.ndim == 0:
            check_range(index, 1, 0, IndexError, negative_ok=True)
            if index.size:
                out[...] = value
            return out
        check_range(index, x.shape[dim], dim, IndexError, negative_ok=True)
        out[slot(x, index, dim)] = value
        return out

    def nonzero(x):
        return xp.argwhere(x).astype(np.int64) if x.ndim else xp.zeros((int(bool(x)), 0), dtype=np.int64)

    return {
        "index": index, "index_put": index_put, "index_put_": index_put_, "gather": gather, "scatter": scatter,
        "scatter_add": scatter_add, "scatter_reduce": scatter_reduce, "index_select": index_select,
        "index_add": index_add, "index_copy": index_copy, "index_fill": index_fill, "nonzero": nonzero,
    }


KERNELS = kernels(np)
