"""OpInfos for ember/ops/indexing.py: subscripts, gather/scatter, index_*, masked_*, nonzero.

Subscript samples pass the key's parts as separate arguments (index arrays become
tensors).  Keys here keep NumPy's and PyTorch's placement rules identical; the cases
where they differ (an int between advanced indices) are covered by the torch oracle tests.
"""
from __future__ import annotations

import numpy as np

import ember
from ember.testing.opinfo import ALL_DTYPES, FLOAT_DTYPES, OpInfo, SampleInput

from ._samples import error_cases as _errors
from ._samples import make_array as _arr

E = ember

NUMERIC = ALL_DTYPES[1:]
I64 = np.int64


def _ix(*values):
    return np.array(values, dtype=I64)


def _key(parts):
    return tuple(parts) if len(parts) != 1 else parts[0]


def _getitem(x, *parts):
    return x[_key(parts)]


def _np_getitem(x, *parts):
    return x[tuple(parts)]


GETITEM_KEYS = [
    ((3, 4), (1,)), ((3, 4), (-1, slice(None, None, 2))), ((3, 4), (slice(1, None), None, 2)),
    ((2, 3, 4), (Ellipsis, 1)), ((2, 3, 4), (None, Ellipsis, None)), ((3, 4), (slice(5, 10),)),
    ((3, 4), (_ix(0, 2, 2),)), ((3, 4), (_ix(-1, 0), _ix(1, 3))), ((2, 3, 4), (slice(None), _ix(2, 0))),
    ((2, 3, 4), (_ix(1, 0), slice(1, 3), _ix(0, 3))), ((3, 4), ("mask",)), ((2, 3, 4), (1, "mask2")),
    ((3, 4), (np.array([[0, 1], [2, 0]], I64), slice(None, 3))), ((4,), (_ix(),)), ((), (None,)), ((), (Ellipsis,)),
    ((3, 4), (True,)), ((0, 3), (slice(None), 1)), ((5,), (slice(-2, None),)),
]


def _materialize(shape, parts, rng):
    out = []
    for p in parts:
        if isinstance(p, str):
            p = rng.random(shape if p == "mask" else shape[1:]) < 0.5
        out.append(p)
    return out


def _getitem_samples(dtype, rng):
    for shape, parts in GETITEM_KEYS:
        yield SampleInput(_arr(shape, dtype, rng), *_materialize(shape, parts, rng), name=f"key {parts!r}")


def _setitem(x, *parts_and_value):
    *parts, v = parts_and_value
    y = x.clone()
    y[_key(parts)] = v
    return y


def _np_setitem(x, *parts_and_value):
    *parts, v = parts_and_value
    y = x.copy()
    y[tuple(parts)] = v
    return y


SETITEM_KEYS = [
    ((3, 4), (1,), (4,)), ((3, 4), (slice(None), slice(1, 3)), (1,)), ((3, 4), (_ix(0, 2),), (2, 4)),
    ((3, 4), (_ix(0, 2), _ix(1, 3)), ()), ((2, 3, 4), (Ellipsis, _ix(1)), (2, 3, 1)), ((3, 4), ("mask",), ()),
    ((2, 3, 4), (slice(None), 1, _ix(0, 3)), (2, 2)), ((3, 4), (None, 0), (1, 4)), ((3, 4), (-1,), 2.5),
]


def _setitem_samples(dtype, rng):
    for shape, parts, vshape in SETITEM_KEYS:
        v = vshape if not isinstance(vshape, tuple) else _arr(vshape, dtype, rng)
        if not isinstance(vshape, tuple) and dtype in ("bool",) + tuple(d for d in NUMERIC if "int" in d):
            v = 1
        yield SampleInput(_arr(shape, dtype, rng), *_materialize(shape, parts, rng), v, name=f"key {parts!r}")


X34 = np.zeros((3, 4), np.float32)


# --- gather / scatter family -------------------------------------------------------------

def _np_gather(x, dim, index):
    xs = x[tuple(slice(0, n) if i != dim else slice(None) for i, n in enumerate(index.shape))]
    return np.take_along_axis(xs, index, axis=dim)


def _np_scatter_like(x, dim, index, src, how):
    out = x.astype(np.float64) if x.dtype.kind == "f" else x.copy()
    grids = np.ogrid[tuple(slice(0, n) for n in index.shape)]
    key = list(grids)
    key[dim] = index
    key = tuple(key)
    vals = src[tuple(slice(0, n) for n in index.shape)] if isinstance(src, np.ndarray) else src
    if how == "set":
        out[key] = vals
    else:
        np.add.at(out, key, vals)
    return out


def _gather_samples(dtype, rng):
    yield SampleInput(_arr((3, 4), dtype, rng), 1, rng.integers(0, 4, (3, 2)))
    yield SampleInput(_arr((3, 4), dtype, rng), 0, rng.integers(0, 3, (2, 4)))
    yield SampleInput(_arr((2, 3, 4), dtype, rng), -1, rng.integers(0, 4, (2, 2, 5)))
    yield SampleInput(_arr((3,), dtype, rng), 0, np.zeros((0,), I64))


def _scatter_index(rng, shape, n, dim):
    # a permutation slice per line along dim so that scatter (set) has no duplicate targets
    idx = np.argsort(rng.random(shape[:dim] + (n,) + shape[dim + 1:]), axis=dim)
    return np.take(idx, range(shape[dim]), axis=dim).astype(I64)


def _scatter_samples(dtype, rng):
    yield SampleInput(_arr((3, 5), dtype, rng), 1, _scatter_index(rng, (3, 2), 5, 1),
                      _arr((3, 3), dtype, rng))
    yield SampleInput(_arr((4, 3), dtype, rng), 0, _scatter_index(rng, (2, 3), 4, 0),
                      _arr((2, 3), dtype, rng))
    yield SampleInput(_arr((3, 4), dtype, rng), 1, _scatter_index(rng, (2, 2), 4, 1), 1, grad_args=(0,))


def _scatter_add_samples(dtype, rng):
    yield SampleInput(_arr((3, 5), dtype, rng), 1, rng.integers(0, 5, (3, 4)), _arr((3, 4), dtype, rng))
    yield SampleInput(_arr((4, 3), dtype, rng), 0, rng.integers(0, 4, (2, 3)), _arr((3, 3), dtype, rng))
    yield SampleInput(_arr((4,), dtype, rng), 0, np.zeros((0,), I64), _arr((0,), dtype, rng))


def _np_scatter_reduce(x, dim, index, src, reduce, include_self=True):
    out = x.astype(np.float64)
    groups = {}
    for pos in np.ndindex(*index.shape):
        tgt = list(pos)
        tgt[dim] = index[pos]
        groups.setdefault(tuple(tgt), []).append(float(src[pos]))
    for tgt, vals in groups.items():
        if include_self:
            vals = vals + [float(x[tgt])]
        if reduce == "mean" and x.dtype.kind in "iub":
            out[tgt] = np.floor_divide(np.sum(vals), len(vals))  # integer mean rounds down, like PyTorch
        else:
            out[tgt] = {"sum": np.sum, "prod": np.prod, "mean": np.mean, "amax": np.max, "amin": np.min}[reduce](vals)
    return out.astype(x.dtype) if x.dtype.kind in "iub" else out


def _scatter_reduce_samples(dtype, rng):
    for reduce in ("sum", "prod", "mean", "amax", "amin"):
        for include_self in (True, False):
            low = 0.5 if reduce == "prod" else None
            x = _arr((3, 4), dtype, rng, low=low, high=2.0 if low else None)
            s = _arr((3, 3), dtype, rng, low=low, high=2.0 if low else None)
            yield SampleInput(x, 1, rng.integers(0, 4, (3, 3)), s, reduce, include_self=include_self,
                              name=f"{reduce} include_self={include_self}")


def _index_reduce_samples(dtype, rng):
    for reduce in ("prod", "mean", "amax", "amin"):
        for include_self in (True, False):
            low, high = (0.5, 2.0) if reduce == "prod" else (None, None)
            yield SampleInput(_arr((3, 4), dtype, rng, low=low, high=high), 1, _ix(0, 2, 0, 3, 0),
                              _arr((3, 5), dtype, rng, low=low, high=high), reduce, include_self=include_self,
                              name=f"{reduce} include_self={include_self}")


def _np_index_reduce(x, dim, index, src, reduce, include_self=True):
    full = np.broadcast_to(index.reshape((1,) * dim + (-1,) + (1,) * (src.ndim - dim - 1)), src.shape)
    return _np_scatter_reduce(x, dim, full, src, reduce, include_self)


# --- index_* ------------------------------------------------------------------------------

def _np_index_add(x, dim, index, src, alpha=1):
    out = x.astype(np.float64) if x.dtype.kind == "f" else x.copy()
    np.add.at(out, (slice(None),) * dim + (index,), src * alpha)
    return out


def _np_index_copy(x, dim, index, src):
    out = x.copy()
    out[(slice(None),) * dim + (index,)] = src
    return out


def _np_index_fill(x, dim, index, value):
    out = x.copy()
    out[(slice(None),) * dim + (index,)] = value
    return out


def _index_select_samples(dtype, rng):
    yield SampleInput(_arr((3, 4), dtype, rng), 1, _ix(0, 3, 3, 1))
    yield SampleInput(_arr((3, 4), dtype, rng), 0, _ix(2))
    yield SampleInput(_arr((2, 3, 2), dtype, rng), -2, _ix())
    yield SampleInput(_arr((3, 4), dtype, rng), 0, np.array(1, I64))


def _index_add_samples(dtype, rng):
    yield SampleInput(_arr((3, 4), dtype, rng), 1, _ix(0, 3, 3), _arr((3, 3), dtype, rng))
    yield SampleInput(_arr((4, 2), dtype, rng), 0, _ix(1, 2), _arr((2, 2), dtype, rng),
                      alpha=2 if dtype not in FLOAT_DTYPES else 0.5)


def _index_copy_samples(dtype, rng):
    yield SampleInput(_arr((3, 4), dtype, rng), 1, _ix(0, 3), _arr((3, 2), dtype, rng))
    yield SampleInput(_arr((4, 2), dtype, rng), 0, _ix(2), _arr((1, 2), dtype, rng))


def _index_fill_samples(dtype, rng):
    v = 1.5 if dtype in FLOAT_DTYPES else (True if dtype == "bool" else 3)
    yield SampleInput(_arr((3, 4), dtype, rng), 1, _ix(0, -1), v)
    yield SampleInput(_arr((4, 2), dtype, rng), 0, _ix(), v)


def _index_put_samples(dtype, rng):
    for acc in (False, True):
        yield SampleInput(_arr((3, 4), dtype, rng), (_ix(0, 2), _ix(1, 1)), _arr((2,), dtype, rng),
                          acc, name=f"accumulate={acc}")
        idx = _ix(0, 0, 2) if acc else _ix(0, 2)
        yield SampleInput(_arr((3, 4), dtype, rng), (idx,), _arr((4,), dtype, rng), acc)
        yield SampleInput(_arr((3, 4), dtype, rng), (rng.random((3, 4)) < 0.5,), _arr((), dtype, rng),
                          acc)


def _np_index_put(x, indices, values, accumulate=False):
    out = x.astype(np.float64) if x.dtype.kind == "f" else x.copy()
    if accumulate:
        np.add.at(out, tuple(indices), values)
    else:
        out[tuple(indices)] = values
    return out


def _masked_fill_samples(dtype, rng):
    v = 2.5 if dtype in FLOAT_DTYPES else (False if dtype == "bool" else -3)
    yield SampleInput(_arr((3, 4), dtype, rng), rng.random((3, 4)) < 0.5, v)
    yield SampleInput(_arr((3, 4), dtype, rng), rng.random((4,)) < 0.5, v)
    yield SampleInput(_arr((3, 4), dtype, rng), rng.random((3, 4)) < 0.5, _arr((), dtype, rng))
    yield SampleInput(_arr((), dtype, rng), np.array(True), v)


def _mask_samples(dtype, rng):
    yield SampleInput(_arr((3, 4), dtype, rng), rng.random((3, 4)) < 0.5)
    yield SampleInput(_arr((3, 4), dtype, rng), rng.random((4,)) < 0.5)
    yield SampleInput(_arr((2, 1), dtype, rng), rng.random((2, 3)) < 0.5)
    yield SampleInput(_arr((), dtype, rng), np.array(True))


def _np_masked_scatter(x, mask, src):
    shape = np.broadcast_shapes(x.shape, mask.shape)
    out = np.broadcast_to(x, shape).copy().astype(np.float64 if x.dtype.kind == "f" else x.dtype)
    m = np.broadcast_to(mask, shape)
    out[m] = src.reshape(-1)[:int(m.sum())]
    return out


def _masked_scatter_samples(dtype, rng):
    for s in _mask_samples(dtype, rng):
        yield SampleInput(s.input, s.args[0], _arr((3, 5), dtype, rng))


def _np_nonzero(x, as_tuple=False):
    if as_tuple:
        return np.nonzero(np.atleast_1d(x))
    return np.argwhere(x)


def _nonzero_samples(dtype, rng):
    for shape in ((3, 4), (5,), (), (0, 2), (2, 2, 2)):
        a = _arr(shape, dtype, rng)
        if dtype != "bool" and a.size:
            a.reshape(-1)[::2] = 0
        yield SampleInput(a)
        yield SampleInput(a, as_tuple=True)


def _np_nonzero_static(x, size, fill_value):
    nz = np.argwhere(x)[:size]
    return np.concatenate([nz, np.full((size - len(nz), x.ndim), fill_value, np.int64)])


def _int64(dtype, sample):
    return "int64"


def _take_samples(dtype, rng):
    yield SampleInput(_arr((3, 4), dtype, rng), np.array([[0, -1], [5, 11]], I64))
    yield SampleInput(_arr((), dtype, rng), _ix(0, 0))


def _take_along_samples(dtype, rng):
    yield SampleInput(_arr((3, 4), dtype, rng), rng.integers(0, 4, (3, 2)), 1)
    yield SampleInput(_arr((3, 4), dtype, rng), rng.integers(0, 3, (1, 4)), 0)
    yield SampleInput(_arr((3, 4), dtype, rng), rng.integers(0, 12, (5,)))


def _np_take_along(x, idx, dim=None):
    if dim is None:
        return np.take_along_axis(x.reshape(-1), idx.reshape(-1), 0)
    return np.take_along_axis(x, np.broadcast_to(idx, tuple(
        n if i == dim else max(n, x.shape[i]) for i, n in enumerate(idx.shape))), dim)


def _put_samples(dtype, rng):
    yield SampleInput(_arr((3, 4), dtype, rng), _ix(0, 5, -1), _arr((3,), dtype, rng))
    yield SampleInput(_arr((3, 4), dtype, rng), np.array([[1, 1]], I64), _arr((2,), dtype, rng), True)


def _np_put(x, index, src, accumulate=False):
    out = x.astype(np.float64) if x.dtype.kind == "f" else x.copy()
    flat = out.reshape(-1)
    if accumulate:
        np.add.at(flat, index.reshape(-1), src.reshape(-1))
    else:
        flat[index.reshape(-1)] = src.reshape(-1)
    return out


OP_DB = [
    OpInfo("getitem", _getitem, _np_getitem, _getitem_samples, dtypes=ALL_DTYPES, gradgrad=True,
           ref_in_input_dtype=True, grad_samples=12,
           error_inputs=_errors([
               ((X34, 3), {}, IndexError, "index 3 is out of bounds for dimension 0 with size 3"),
               ((X34, 0, -5), {}, IndexError, "index -5 is out of bounds for dimension 1 with size 4"),
               ((X34, 0, 0, 0), {}, IndexError, "too many indices for tensor of dimension 2"),
               ((X34, slice(None, None, -1)), {}, ValueError, "step must be greater than zero"),
               ((X34, _ix(5)), {}, IndexError, "index 5 is out of bounds for dimension 0 with size 3"),
               ((X34, np.array([0.0])), {}, IndexError, "tensors used as indices must be long, int, byte or bool"),
               ((X34, np.ones((2, 4), bool)), {}, IndexError, r"The shape of the mask \[2, 4\] at index 0 does not "
                                                              r"match the shape of the indexed tensor \[3, 4\]"),
               ((X34, _ix(0, 1), _ix(0, 1, 2)), {}, IndexError, "shape mismatch"),
               ((X34, 1.5), {}, IndexError, "only integers, slices")])),
    OpInfo("setitem", _setitem, _np_setitem, _setitem_samples, dtypes=ALL_DTYPES, ref_in_input_dtype=True,
           grad_samples=9,
           error_inputs=_errors([
               ((X34, 3, 1.0), {}, IndexError, "index 3 is out of bounds for dimension 0 with size 3"),
               ((X34, 0, np.zeros(3, np.float32)), {}, RuntimeError, "must match the existing size"),
               ((X34, _ix(0, 1), np.zeros(3, np.float32)), {}, RuntimeError, "shape mismatch: value tensor of "
                                                                           r"shape \[3\] cannot be broadcast"),
               ((X34, _ix(0, 1), np.zeros(4, np.float64)), {}, RuntimeError, "Index put requires the source and "
                                                                           "destination dtypes match")])),
    OpInfo("index_select", E.index_select, lambda x, d, i: np.take(x, i.reshape(-1), axis=d) if x.ndim else x,
           _index_select_samples, dtypes=ALL_DTYPES, gradgrad=True, ref_in_input_dtype=True,
           error_inputs=_errors([
               ((X34, 1, _ix(4)), {}, RuntimeError, "INDICES element is out of DATA bounds, id=4 axis_dim=4"),
               ((X34, 1, np.zeros((1, 1), I64)), {}, IndexError, "Index is supposed to be a vector"),
               ((X34, 2, _ix(0)), {}, IndexError, "Dimension out of range")])),
    OpInfo("gather", E.gather, _np_gather, _gather_samples, dtypes=ALL_DTYPES, gradgrad=True,
           ref_in_input_dtype=True,
           error_inputs=_errors([
               ((X34, 1, np.array([[5]], I64)), {}, RuntimeError, "index 5 is out of bounds for dimension 1 with "
                                                                  "size 4"),
               ((X34, 1, np.array([[-1]], I64)), {}, RuntimeError, "index -1 is out of bounds"),
               ((X34, 1, _ix(1)), {}, RuntimeError, "Index tensor must have the same number of dimensions"),
               ((X34, 1, np.zeros((5, 1), I64)), {}, RuntimeError, "Size does not match at dimension 0")])),
    OpInfo("scatter", E.scatter, lambda x, d, i, s: _np_scatter_like(x, d, i, s, "set"), _scatter_samples,
           dtypes=ALL_DTYPES, ref_in_input_dtype=True,
           error_inputs=_errors([
               ((X34, 1, np.array([[4]], I64), 1.0), {}, RuntimeError, "index 4 is out of bounds for dimension 1"),
               ((X34, 1, np.array([[0]], I64), np.ones((1, 1))), {}, RuntimeError,
                "Expected self.dtype to be equal to src.dtype")])),
    OpInfo("scatter_add", E.scatter_add, lambda x, d, i, s: _np_scatter_like(x, d, i, s, "add"),
           _scatter_add_samples, dtypes=NUMERIC, ref_in_input_dtype=True, gradgrad=True,
           tols={"float16": (2e-3, 4e-3), "bfloat16": (1.6e-2, 3e-2)},
           error_inputs=_errors([((X34, 1, np.array([[4]], I64), np.ones((1, 1), np.float32)), {}, RuntimeError,
                                  "index 4 is out of bounds for dimension 1 with size 4")])),
    OpInfo("scatter_reduce", E.scatter_reduce, _np_scatter_reduce, _scatter_reduce_samples, dtypes=NUMERIC,
           ref_in_input_dtype=True, grad_samples=10,
           tols={"float16": (4e-3, 4e-3), "bfloat16": (3e-2, 3e-2)},
           error_inputs=_errors([((X34, 1, np.array([[0]], I64), np.ones((1, 1), np.float32), "foo"), {},
                                  RuntimeError, "reduce argument must be either sum, prod, mean, amax or amin")])),
    OpInfo("index_reduce", E.index_reduce, _np_index_reduce, _index_reduce_samples, dtypes=NUMERIC,
           ref_in_input_dtype=True, grad_samples=8, tols={"float16": (4e-3, 4e-3), "bfloat16": (3e-2, 3e-2)},
           error_inputs=_errors([((X34, 1, _ix(0), np.ones((3, 1), np.float32), "sum"), {}, RuntimeError,
                                  "Expected reduce to be one of prod, mean, amax or amin")])),
    OpInfo("index_add", E.index_add, _np_index_add, _index_add_samples, dtypes=NUMERIC, ref_in_input_dtype=True,
           gradgrad=True, tols={"float16": (2e-3, 4e-3), "bfloat16": (1.6e-2, 3e-2)},
           error_inputs=_errors([((X34, 1, _ix(4), np.ones((3, 1), np.float32)), {}, RuntimeError,
                                  "index 4 is out of bounds for dimension 1 with size 4"),
                                 ((X34, 1, _ix(0), np.ones((2, 1), np.float32)), {}, RuntimeError,
                                  "Source/destination tensor must have same slice shapes")])),
    OpInfo("index_copy", E.index_copy, _np_index_copy, _index_copy_samples, dtypes=ALL_DTYPES,
           ref_in_input_dtype=True,
           error_inputs=_errors([((X34, 1, _ix(4), np.ones((3, 1), np.float32)), {}, IndexError,
                                  r"index_copy_\(\): index 4 is out of bounds for dimension 1 with size 4")])),
    OpInfo("index_fill", E.index_fill, _np_index_fill, _index_fill_samples, dtypes=ALL_DTYPES,
           ref_in_input_dtype=True,
           error_inputs=_errors([((X34, 1, _ix(4), 1.0), {}, IndexError,
                                  "index 4 is out of bounds for dimension 1 with size 4")])),
    OpInfo("index_put", E.index_put, _np_index_put, _index_put_samples, dtypes=NUMERIC, ref_in_input_dtype=True,
           gradgrad=True, grad_samples=6,
           error_inputs=_errors([((X34, (_ix(0),), np.ones((), np.float64)), {}, RuntimeError,
                                  "Index put requires the source and destination dtypes match")])),
    OpInfo("take", E.take, lambda x, i: np.take(x, i), _take_samples, dtypes=ALL_DTYPES, ref_in_input_dtype=True,
           error_inputs=_errors([((X34, _ix(-13)), {}, IndexError,
                                  "out of range: tried to access index -13 on a tensor of 12 elements.")])),
    OpInfo("take_along_dim", E.take_along_dim, _np_take_along, _take_along_samples, dtypes=ALL_DTYPES,
           ref_in_input_dtype=True),
    OpInfo("put", E.put, _np_put, _put_samples, dtypes=NUMERIC, ref_in_input_dtype=True,
           error_inputs=_errors([((X34, _ix(0, 1), np.ones(3, np.float32)), {}, RuntimeError,
                                  "Expected source and index to have the same number of elements")])),
    OpInfo("masked_fill", E.masked_fill, lambda x, m, v: np.where(m, v, x).astype(x.dtype), _masked_fill_samples,
           dtypes=ALL_DTYPES, ref_in_input_dtype=True,
           error_inputs=_errors([((X34, np.ones(4, np.float32), 1.0), {}, RuntimeError,
                                  "masked_fill_ only supports boolean masks"),
                                 ((X34, np.ones(4, bool), np.ones(2, np.float32)), {}, RuntimeError,
                                  "only supports a 0-dimensional value tensor")])),
    OpInfo("masked_select", E.masked_select, lambda x, m: np.broadcast_to(x, np.broadcast_shapes(x.shape, m.shape))[
        np.broadcast_to(m, np.broadcast_shapes(x.shape, m.shape))], _mask_samples, dtypes=ALL_DTYPES,
           ref_in_input_dtype=True,
           error_inputs=_errors([((X34, np.ones(4, np.float32)), {}, RuntimeError, "expected BoolTensor for mask")])),
    OpInfo("masked_scatter", E.masked_scatter, _np_masked_scatter, _masked_scatter_samples, dtypes=ALL_DTYPES,
           ref_in_input_dtype=True,
           error_inputs=_errors([((X34, np.ones(4, bool), np.ones(2, np.float32)), {}, RuntimeError,
                                  "Number of elements of source < number of ones in mask")])),
    OpInfo("nonzero", E.nonzero, _np_nonzero, _nonzero_samples, dtypes=ALL_DTYPES, supports_grad=False,
           result_dtype=_int64, ref_in_input_dtype=True),
    OpInfo("nonzero_static", E.nonzero_static, lambda x, size, fill_value=-1: _np_nonzero_static(x, size, fill_value),
           lambda dt, rng: (SampleInput(s.input, size=n, fill_value=f) for s in _nonzero_samples(dt, rng)
                            if not s.kwargs for n, f in ((2, -1), (30, 7))),
           dtypes=ALL_DTYPES, supports_grad=False, result_dtype=_int64, ref_in_input_dtype=True),
    OpInfo("argwhere", E.argwhere, np.argwhere, lambda dt, rng: (s for s in _nonzero_samples(dt, rng) if not s.kwargs),
           dtypes=ALL_DTYPES, supports_grad=False, result_dtype=_int64, ref_in_input_dtype=True),
]
