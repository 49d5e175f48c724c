"""Native embedding lookup and its gradient's scatter-add (csrc/nn_embed.c).

``embedding`` gathers rows with the bounds check in the same pass (the NumPy kernel makes two extra passes for
``min``/``max``).  ``index_add`` -- the op the embedding backward scatter-adds through, and a public op in its
own right -- replaces NumPy's ``np.add.at``, which handles one element at a time, with a row loop.  Cases the C
code does not cover (other dtypes, mixed dtypes, a source whose shape is not the broadcast-free one, 0-d
inputs) go to the NumPy backend's kernels, which also raise the errors.
"""
from __future__ import annotations

import numpy as np
from ember_numpy.embedding import KERNELS as NP_EMB
from ember_numpy.indexing import KERNELS as NP_IDX

from ._util import FLOATS, I64, by_dtype, check, min_native, ptr

MIN_NATIVE = min_native(4096)
INDEX_DTYPES = (np.dtype(np.int64), np.dtype(np.int32))


def _index(indices):
    """``indices`` flattened to contiguous int64 (int32 is widened), or None for other dtypes."""
    if indices.dtype not in INDEX_DTYPES:
        return None
    return np.ascontiguousarray(indices.reshape(-1), dtype=I64)


def kernels(lib, ffi) -> dict:
    gather = by_dtype(lib, "gather_rows", FLOATS)
    scatter = by_dtype(lib, "index_add", FLOATS)
    np_embedding, np_index_add = NP_EMB["embedding"], NP_IDX["index_add"]

    def embedding(weight, indices, padding_idx, scale_grad_by_freq):
        fn = gather.get(weight.dtype)
        if fn is None or weight.ndim != 2 or indices.size * weight.shape[1] < MIN_NATIVE:
            return np_embedding(weight, indices, padding_idx, scale_grad_by_freq)
        idx = _index(indices)
        if idx is None:
            return np_embedding(weight, indices, padding_idx, scale_grad_by_freq)
        w = np.ascontiguousarray(weight)
        rows, d = w.shape
        out = np.empty((idx.size, d), w.dtype)
        status = fn(ptr(ffi, w), rows, d, ptr(ffi, idx), idx.size, ptr(ffi, out))
        if status:
            raise IndexError("index out of range in self")
        return out.reshape(indices.shape + (d,))

    def index_add(x, index, src, dim, alpha):
        fn = scatter.get(x.dtype)
        if (fn is None or x.ndim == 0 or src.dtype != x.dtype or index.ndim > 1 or src.size < MIN_NATIVE
                or not isinstance(alpha, (int, float)) or isinstance(alpha, bool)):
            return np_index_add(x, index, src, dim, alpha)
        idx = _index(index)
        rows = x.shape[dim]
        if (idx is None or src.shape != x.shape[:dim] + (idx.size,) + x.shape[dim + 1:]
                or (idx.size and (int(idx.min()) < 0 or int(idx.max()) >= rows))):
            return np_index_add(x, index, src, dim, alpha)  # NumPy's kernel raises the range error
        out = np.array(x, order="C", copy=True)
        s = np.ascontiguousarray(src)
        outer = int(np.prod(x.shape[:dim], dtype=np.int64))
        inner = int(np.prod(x.shape[dim + 1:], dtype=np.int64))
        check(fn(ptr(ffi, out), outer, rows, inner, ptr(ffi, idx), idx.size, ptr(ffi, s), float(alpha)), "index_add")
        return out

    return {"embedding": embedding, "index_add": index_add}
