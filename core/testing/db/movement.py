"""OpInfos for ember/ops/movement.py: views, splitting, joining, flips, repeats, triangles.

Movement ops only move values, so every dtype (bool and integers included) is checked
exactly against NumPy.
"""
from __future__ import annotations

import numpy as np

import ember
from ember.testing.opinfo import ALL_DTYPES, ErrorInput, OpInfo, SampleInput

from ._samples import make_array


def _inputs(shape, make, spread):
    """The leading positional inputs: one array, a list of arrays, or (``spread``) several arrays."""
    if isinstance(shape, list):
        xs = [make(s) for s in shape]
        return tuple(xs) if spread and xs else (xs,)
    return (make(shape),)


def _samples(cases, spread):
    """``cases``: list of (shape or list of shapes, args tuple, kwargs dict)."""
    def gen(dtype, rng):
        for shape, args, kwargs in cases:
            x = _inputs(shape, lambda s: make_array(s, dtype, rng), spread)
            yield SampleInput(*x, *args, name=f"{shape} {args} {kwargs}", **kwargs)
    return gen


def _err(cases, spread):
    def gen():
        for shape, args, kwargs, exc, match in cases:
            x = _inputs(shape, lambda s: np.zeros(s, np.float32), spread)
            yield ErrorInput(SampleInput(*x, *args, **kwargs), exc, match)
    return gen


def _rec(name, op, ref, cases, errors=None, gradgrad=False, spread=False, **kw):
    """A record over every dtype; list shapes make a list argument (or, ``spread``, several arguments)."""
    return OpInfo(name, op, ref, _samples(cases, spread), dtypes=ALL_DTYPES, gradgrad=gradgrad,
                  error_inputs=_err(errors, spread) if errors else None, ref_in_input_dtype=True, **kw)


def _np_unfold(x, dim, size, step):
    dim %= x.ndim
    x = np.moveaxis(x, dim, -1)
    n = (x.shape[-1] - size) // step + 1
    win = np.stack([x[..., i * step:i * step + size] for i in range(n)], axis=-2) if n > 0 else \
        np.zeros(x.shape[:-1] + (0, size), x.dtype)
    return np.moveaxis(win, -2, dim)


def _np_diag_embed(x, offset=0, dim1=-2, dim2=-1):
    m = x.shape[-1] + abs(offset)
    out = np.zeros(x.shape[:-1] + (m, m), x.dtype)
    i = np.arange(x.shape[-1])
    r, c = (i, i + offset) if offset >= 0 else (i - offset, i)
    out[..., r, c] = x
    nd = out.ndim
    return np.moveaxis(out, (nd - 2, nd - 1), (dim1 % nd, dim2 % nd))


def _np_tensor_split(x, s, dim=0):
    return np.array_split(x, s, axis=dim)


def _np_repeat_interleave(x, repeats, dim=None):
    return np.repeat(x, repeats, axis=dim)


def _np_slice_scatter(x, src, dim=0, start=None, end=None, step=1):
    out = x.copy()
    out[(slice(None),) * dim + (slice(start, end, step),)] = src
    return out


def _np_diagonal_scatter(x, src, offset=0, dim1=0, dim2=1):
    out = x.copy()
    moved = np.moveaxis(out, (dim1, dim2), (-2, -1))  # a writable view of out
    i = np.arange(src.shape[-1])
    r, c = (i, i + offset) if offset >= 0 else (i - offset, i)
    moved[..., r, c] = src
    return out


def _np_meshgrid(*xs, indexing="ij"):
    return np.meshgrid(*xs, indexing=indexing)


def _joined(fn):
    """``fn(list_of_arrays, *rest)`` called as ``f(*arrays, *rest)``: lets gradcheck see every array."""
    def f(*args, **kwargs):
        arrays = [a for a in args if isinstance(a, (ember.Tensor, np.ndarray))]
        return fn(arrays, *args[len(arrays):], **kwargs)
    return f


E = ember
MOVEMENT_DB = [
    _rec("view", lambda x, s: x.view(s), lambda x, s: x.reshape(s),
         [((2, 3), ((3, 2),), {}), ((2, 3), ((-1,),), {}), ((), ((1, 1),), {}), ((0, 3), ((3, 0),), {})],
         [((2, 3), ((4,),), {}, RuntimeError, r"shape '\[4\]' is invalid for input of size 6"),
          ((2, 3), ((-1, -1),), {}, RuntimeError, "only one dimension can be inferred")],
         gradgrad=True, noncontig=False),
    _rec("reshape", lambda x, s: x.reshape(s), lambda x, s: x.reshape(s),
         [((2, 3), ((3, 2),), {}), ((2, 3, 2), ((-1, 3),), {}), ((), ((),), {}), ((0, 3), ((3, -1),), {})],
         [((2, 3), ((5,),), {}, RuntimeError, "is invalid for input of size 6"),
          ((0, 3), ((0, -1),), {}, RuntimeError, "cannot reshape tensor of 0 elements into shape")]),
    _rec("expand", lambda x, *s: x.expand(*s), lambda x, *s: np.broadcast_to(x, _exp_shape(x.shape, s)),
         [((3, 1), (3, 4), {}), ((1,), (2, 3, -1), {}), ((), (2, 2), {}), ((2, 1, 3), (2, 0, 3), {})],
         [((3,), (2,), {}, RuntimeError, r"expanded size of the tensor \(2\) must match the existing size \(3\)")]),
    _rec("broadcast_to", E.broadcast_to, np.broadcast_to,
         [((3, 1), ((2, 3, 4),), {}), ((), ((2,),), {})],
         [((3,), ((2,),), {}, RuntimeError, "must match the existing size")]),
    _rec("broadcast_tensors", E.broadcast_tensors, np.broadcast_arrays,
         [([(3, 1), (4,)], (), {}), ([(2, 1, 3), (), (1, 3)], (), {})], noncontig=False, spread=True,
         errors=[([(3,), (2,)], (), {}, RuntimeError, r"size of tensor a \(3\) must match")]),
    _rec("permute", lambda x, *d: x.permute(*d), lambda x, *d: np.transpose(x, d),
         [((2, 3, 4), (2, 0, 1), {}), ((2, 3), (-1, 0), {}), ((), (), {})],
         [((2, 3), (0,), {}, RuntimeError, "number of dimensions in the tensor input does not match"),
          ((2, 3), (0, 0), {}, RuntimeError, "duplicate dims"),
          ((2, 3), (0, 2), {}, IndexError, "Dimension out of range")], gradgrad=True),
    _rec("transpose", E.transpose, lambda x, a, b: np.swapaxes(x, a, b) if x.ndim else x,
         [((2, 3, 4), (0, 2), {}), ((3,), (0, -1), {}), ((), (0, -1), {})],
         [((2, 3), (0, 2), {}, IndexError, r"Dimension out of range \(expected to be in range of \[-2, 1\]")]),
    _rec("t", E.t, lambda x: x.T, [((2, 3), (), {}), ((3,), (), {}), ((), (), {})],
         [((2, 3, 4), (), {}, RuntimeError, "t\\(\\) expects a tensor with <= 2 dimensions")]),
    _rec("movedim", E.movedim, np.moveaxis,
         [((2, 3, 4), (0, 2), {}), ((2, 3, 4), ((0, 1), (2, 0)), {}), ((2, 3), (-1, 0), {})],
         [((3,), (0, 1), {}, IndexError, "Dimension out of range"),
          ((2, 3), ((0, 0), (0, 1)), {}, RuntimeError, "repeated dim in `source`")]),
    _rec("unsqueeze", E.unsqueeze, np.expand_dims, [((2, 3), (1,), {}), ((), (0,), {}), ((2,), (-1,), {})],
         [((2, 3), (3,), {}, IndexError, "Dimension out of range")]),
    _rec("squeeze", E.squeeze, lambda x, dim=None: np.squeeze(x, tuple(d for d in (
        (dim,) if isinstance(dim, int) else (dim or ())) if x.shape[d] == 1) if dim is not None else None),
         [((2, 1, 3, 1), (), {}), ((2, 1, 3), (1,), {}), ((2, 1, 1), ((0, 2),), {}), ((), (), {}),
          ((2, 3), (0,), {})],
         [((2, 3), (2,), {}, IndexError, "Dimension out of range")]),
    _rec("flatten", E.flatten, lambda x, s=0, e=-1: x.reshape(x.shape[:s] + (-1,) + x.shape[e % x.ndim + 1:])
         if x.ndim else x.reshape(1),
         [((2, 3, 4), (), {}), ((2, 3, 4), (1,), {}), ((2, 3, 4, 2), (1, 2), {}), ((), (), {})],
         [((2, 3), (1, 0), {}, RuntimeError, "start_dim cannot come after end_dim")]),
    _rec("unflatten", E.unflatten, lambda x, d, s: x.reshape(x.shape[:d] + tuple(s) + x.shape[d + 1:]) if -1 not in s
         else x.reshape(x.shape[:d] + tuple(s) + x.shape[d + 1:]),
         [((2, 6), (1, (2, 3)), {}), ((6,), (0, (-1, 2)), {})],
         [((2, 3), (1, (2, 2)), {}, RuntimeError, r"Provided sizes \[2, 2\] don't multiply up")]),
    _rec("ravel", E.ravel, np.ravel, [((2, 3), (), {}), ((), (), {})]),
    _rec("select", E.select, lambda x, d, i: np.take(x, i, axis=d),
         [((2, 3, 4), (1, -1), {}), ((3,), (0, 2), {})],
         [((2, 3), (1, 3), {}, IndexError, "out of range"), ((), (0, 0), {}, IndexError, "0-dim tensor")],
         gradgrad=True),
    _rec("narrow", E.narrow, lambda x, d, s, n: np.take(x, range(s % x.shape[d], s % x.shape[d] + n), axis=d),
         [((4, 5), (1, 1, 3), {}), ((4,), (0, -2, 2), {}), ((4, 3), (0, 4, 0), {})],
         [((3,), (0, 2, 2), {}, RuntimeError, r"start \(2\) \+ length \(2\) exceeds dimension size \(3\)")],
         gradgrad=True),
    _rec("narrow_copy", E.narrow_copy, lambda x, d, s, n: np.take(x, range(s, s + n), axis=d),
         [((4, 5), (1, 1, 3), {}), ((4,), (0, 0, 0), {})],
         [((3,), (0, 2, 2), {}, RuntimeError, r"start \(2\) \+ length \(2\) exceeds dimension size \(3\)")]),
    _rec("unbind", E.unbind, lambda x, d=0: [np.take(x, i, axis=d) for i in range(x.shape[d])],
         [((3, 2), (), {}), ((2, 3, 2), (1,), {})],
         [((), (), {}, IndexError, "Dimension specified as 0 but tensor has no dimensions")]),
    _rec("split", E.split, lambda x, s, d=0: np.split(x, np.cumsum(s)[:-1] if isinstance(s, list) else
                                                       range(s, x.shape[d], s), axis=d),
         [((5, 2), (2,), {}), ((2, 6), ([1, 3, 2], 1), {}), ((4,), (4,), {}), ((0, 2), (1,), {})],
         [((3, 4), ([1, 1],), {}, RuntimeError, "split_with_sizes expects split_sizes to sum exactly to 3")]),
    _rec("chunk", E.chunk, lambda x, c, d=0: np.split(x, range(-(-x.shape[d] // c), x.shape[d], -(-x.shape[d] // c)),
                                                       axis=d),
         [((5, 2), (3,), {}), ((2, 6), (3, 1), {}), ((4,), (6,), {})],
         [((3,), (0,), {}, RuntimeError, "chunk expects `chunks` to be greater than 0, got: 0")]),
    _rec("tensor_split", E.tensor_split, _np_tensor_split,
         [((7, 2), (3,), {}), ((2, 6), ([1, 4], 1), {}), ((5,), ([-2, 9],), {})],
         [((3,), (0,), {}, RuntimeError, "number of sections must be larger than 0, got 0")]),
    _rec("hsplit", E.hsplit, np.hsplit, [((2, 6), (3,), {}), ((6,), (2,), {}), ((2, 5), ([1, 3],), {})],
         [((2, 3), (2,), {}, RuntimeError, "torch.hsplit attempted to split along dimension 1")]),
    _rec("vsplit", E.vsplit, np.vsplit, [((4, 3), (2,), {})],
         [((4,), (2,), {}, RuntimeError, "torch.vsplit requires a tensor with at least 2 dimension")]),
    _rec("dsplit", E.dsplit, np.dsplit, [((1, 2, 4), (2,), {})],
         [((4, 2), (2,), {}, RuntimeError, "torch.dsplit requires a tensor with at least 3 dimension")]),
    _rec("diagonal", E.diagonal, np.diagonal,
         [((3, 4), (), {}), ((3, 4), (1,), {}), ((4, 3), (-2,), {}), ((2, 3, 4), (0, 2, 0), {}),
          ((2, 3, 4), (-1, -1, 1), {}), ((2, 2), (5,), {})],
         [((2, 3), (0, 1, 1), {}, RuntimeError, "diagonal dimensions cannot be identical 1, 1")], gradgrad=True),
    _rec("unfold", lambda x, *a: x.unfold(*a), _np_unfold,
         [((7,), (0, 3, 2), {}), ((2, 6), (1, 2, 1), {}), ((4, 3), (0, 4, 3), {}), ((5, 2), (-2, 1, 3), {})],
         [((3,), (0, 5, 1), {}, RuntimeError, "maximum size for tensor at dimension 0 is 3 but size is 5"),
          ((3,), (0, 2, 0), {}, RuntimeError, "step is 0 but must be > 0")], gradgrad=True),
    _rec("cat", _joined(E.cat),
         _joined(lambda xs, dim=0: np.concatenate([x for x in xs if x.shape != (0,)] or xs, axis=dim)),
         [([(2, 3), (1, 3)], (), {}), ([(2, 3), (2, 1), (2, 0)], (1,), {}), ([(2, 3), (0,)], (-1,), {}),
          ([(3,)], (), {}), ([(2, 2, 2), (2, 2, 2)], (), {"dim": 2})],
         [([], (), {}, ValueError, "expected a non-empty list of Tensors"),
          ([(2, 3), (2, 4)], (), {}, RuntimeError, "Sizes of tensors must match except in dimension 0"),
          ([(2, 3), (2, 3, 1)], (), {}, RuntimeError, "Tensors must have same number of dimensions: got 2 and 3"),
          ([(2, 3)], (2,), {}, IndexError, "Dimension out of range"),
          ([()], (), {}, RuntimeError, "zero-dimensional tensor \\(at position 0\\) cannot be concatenated")],
         gradgrad=True, spread=True),
    _rec("stack", _joined(E.stack), _joined(lambda xs, dim=0: np.stack(xs, axis=dim)),
         [([(2, 3), (2, 3)], (), {}), ([(3,), (3,), (3,)], (1,), {}), ([(), ()], (), {}), ([(2, 0)], (-1,), {})],
         [([], (), {}, RuntimeError, "stack expects a non-empty TensorList"),
          ([(2, 3), (2, 4)], (), {}, RuntimeError, r"stack expects each tensor to be equal size, but got \[2, 3\] "
                                                   r"at entry 0 and \[2, 4\] at entry 1"),
          ([(2, 3)], (3,), {}, IndexError, "Dimension out of range")], gradgrad=True, spread=True),
    _rec("hstack", _joined(E.hstack), _joined(np.hstack),
         [([(2, 3), (2, 1)], (), {}), ([(3,), (2,)], (), {}), ([(), ()], (), {})], spread=True),
    _rec("vstack", _joined(E.vstack), _joined(np.vstack), [([(2, 3), (1, 3)], (), {}), ([(3,), (3,)], (), {})],
         spread=True),
    _rec("dstack", _joined(E.dstack), _joined(np.dstack), [([(2, 3), (2, 3)], (), {}), ([(3,), (3,)], (), {})],
         spread=True),
    _rec("column_stack", _joined(E.column_stack), _joined(np.column_stack),
         [([(3,), (3, 2)], (), {}), ([(), ()], (), {})], spread=True),
    _rec("atleast_1d", E.atleast_1d, np.atleast_1d, [((), (), {}), ((2, 3), (), {})]),
    _rec("atleast_2d", E.atleast_2d, np.atleast_2d, [((), (), {}), ((3,), (), {}), ((2, 3, 1), (), {})]),
    _rec("atleast_3d", E.atleast_3d, np.atleast_3d, [((), (), {}), ((3,), (), {}), ((2, 3), (), {})]),
    _rec("meshgrid", E.meshgrid, _np_meshgrid,
         [([(3,), (2,)], (), {"indexing": "ij"}), ([(3,), (2,), (4,)], (), {"indexing": "xy"}),
          ([(), (2,)], (), {"indexing": "ij"})], noncontig=False, spread=True),
    _rec("flip", E.flip, lambda x, *d: np.flip(x, d[0] if len(d) == 1 and isinstance(d[0], tuple) else d).copy(),
         [((2, 3, 4), (0, 2), {}), ((3,), (-1,), {}), ((2, 3), ((),), {}), ((), ((),), {})],
         [((3,), (0, 0), {}, RuntimeError, "dim 0 appears multiple times in the list of dims")], gradgrad=True),
    _rec("fliplr", E.fliplr, np.fliplr, [((2, 3), (), {})],
         [((3,), (), {}, RuntimeError, "Input must be >= 2-d.")]),
    _rec("flipud", E.flipud, np.flipud, [((2, 3), (), {}), ((3,), (), {})]),
    _rec("roll", E.roll, lambda x, s, d=None: np.roll(x, s, d),
         [((2, 5), (2, 1), {}), ((2, 3), ((1, -4), (0, 1)), {}), ((2, 3), (4,), {}), ((0, 3), (1, 1), {})],
         [((3,), (1, (0, 0)), {}, RuntimeError, "shifts and dimensions must align. shifts: 1, dims:2")],
         gradgrad=True),
    _rec("rot90", E.rot90, np.rot90,
         [((2, 3), (), {}), ((2, 3, 2), (2, (1, 2)), {}), ((2, 3), (3, (0, 1)), {}), ((2, 3), (-1, (1, 0)), {}),
          ((2, 3), (4,), {})],
         [((2, 3), (1, (0, 0)), {}, RuntimeError, "expected rotation dims to be different"),
          ((2, 3), (1, (0,)), {}, RuntimeError, "expected total rotation dims == 2, but got dims = 1")]),
    _rec("repeat", lambda x, *r: x.repeat(*r), lambda x, *r: np.tile(x, r),
         [((2, 3), (2, 1), {}), ((3,), (2, 2), {}), ((), (3,), {}), ((2, 1), (1, 0), {}), ((2, 3), (1, 1), {})],
         [((2, 3), (2,), {}, RuntimeError, "Number of dimensions of repeat dims can not be smaller")],
         gradgrad=True),
    _rec("tile", E.tile, np.tile, [((2, 3), ((2,),), {}), ((3,), ((2, 2),), {})]),
    _rec("repeat_interleave", E.repeat_interleave, _np_repeat_interleave,
         [((2, 3), (2,), {}), ((2, 3), (2, 1), {}), ((), (3,), {}),
          ((2, 3), (np.array([1, 0, 3]), 1), {}), ((3,), (np.array([2, 2, 0]),), {})],
         [((2, 3), (-1,), {}, RuntimeError, "repeats can not be negative")]),
    _rec("tril", E.tril, np.tril, [((3, 4), (), {}), ((2, 3, 3), (-1,), {}), ((3, 4), (2,), {})],
         [((3,), (), {}, RuntimeError, "tril: input tensor must have at least 2 dimensions")]),
    _rec("triu", E.triu, np.triu, [((3, 4), (), {}), ((2, 3, 3), (1,), {}), ((0, 2), (), {})],
         [((3,), (), {}, RuntimeError, "triu: input tensor must have at least 2 dimensions")]),
    _rec("diag", E.diag, np.diag, [((3,), (), {}), ((3,), (1,), {}), ((3, 4), (), {}), ((3, 4), (-1,), {})],
         [((2, 3, 4), (), {}, RuntimeError, r"diag\(\): Supports 1D or 2D tensors. Got 3D")]),
    _rec("diag_embed", E.diag_embed, _np_diag_embed,
         [((2, 3), (), {}), ((3,), (1,), {}), ((2, 3), (-1, 0, 2), {})],
         [((3,), (0, 1, 1), {}, RuntimeError, "diagonal dimensions cannot be identical")]),
    _rec("diagflat", E.diagflat, np.diagflat, [((2, 2), (), {}), ((3,), (-1,), {})]),
    _rec("slice_scatter", E.slice_scatter, _np_slice_scatter,
         [([(4, 3), (2, 3)], (0, 1, 3), {}), ([(4, 6), (4, 2)], (1, 0, None, 3), {})],
         [([(4, 3), (3, 3)], (0, 1, 3), {}, RuntimeError, "expected src to have a size equal to the slice of self")],
         spread=True),
    _rec("select_scatter", E.select_scatter, lambda x, s, d, i: _np_slice_scatter(
        x, np.expand_dims(s, d), d, i % x.shape[d], i % x.shape[d] + 1),
         [([(4, 3), (3,)], (0, 1), {}), ([(2, 3, 4), (2, 4)], (1, -1), {})],
         [([(4, 3), (4,)], (0, 1), {}, RuntimeError, "expected src to have a size equal to the slice of self")],
         spread=True),
    _rec("diagonal_scatter", E.diagonal_scatter, _np_diagonal_scatter,
         [([(3, 3), (3,)], (), {}), ([(3, 4), (3,)], (1,), {}), ([(2, 3, 3), (3, 1)], (-1, 0, 2), {})],
         [([(3, 3), (2,)], (), {}, RuntimeError, "expected src to have a size equal to the slice of self")],
         spread=True),
]


def _exp_shape(shape, sizes):
    lead = len(sizes) - len(shape)
    return tuple(n if n != -1 else shape[i - lead] for i, n in enumerate(sizes))


# records for ember/ops/joining.py ops live here too; they are reported under that family
_JOINING = {name for name in dir(ember.ops.joining) if not name.startswith("_")}
for _rec_ in MOVEMENT_DB:
    if _rec_.name in _JOINING:
        _rec_.family = "joining"

OP_DB = MOVEMENT_DB


# --- view(dtype): the same bytes reinterpreted ----------------------------------------------------

_INT_OF_SIZE = {1: "int8", 2: "int16", 4: "int32", 8: "int64"}


def _view_dtype_samples(dtype, rng):
    """Targets of the same size, of one byte, and (where the last dim allows) twice the size; never bool,
    whose other byte values are undefined."""
    size = np.dtype(_np_dtype(dtype)).itemsize
    targets = {_INT_OF_SIZE[size], "uint8"} | ({_INT_OF_SIZE[2 * size]} if size < 8 else set())
    if size == 4:
        targets.add("float32")
    for target in sorted(targets):
        for shape in ((3, 4), (2, 0, 2), (1, 2)):
            yield SampleInput(make_array(shape, dtype, rng), getattr(ember, target), src=dtype,
                              name=f"{shape} as {target}")


def _np_dtype(name):
    from ember_numpy._dtypes import TO_NP
    return TO_NP[getattr(ember, name)]


def _view_dtype_errors():
    yield ErrorInput(SampleInput(np.zeros((), np.float32), ember.float16, src="float32"), RuntimeError,
                     r"self.dim\(\) cannot be 0 to view Float as Half \(different element sizes\)")
    yield ErrorInput(SampleInput(np.zeros((2, 3), np.float32), ember.float64, src="float32"), RuntimeError,
                     r"self.size\(-1\) must be divisible by 2 to view Float as Double")


def _view_dtype_ref(x, dtype, src):
    """``src`` names the input's dtype: the harness hands float references float64 copies of the inputs."""
    return x.astype(_np_dtype(src)).view(_np_dtype(dtype.name))


OP_DB.append(OpInfo("view_dtype", lambda x, d, src: x.view(d), _view_dtype_ref, _view_dtype_samples, dtypes=ALL_DTYPES,
                    supports_grad=False, ref_in_input_dtype=True, noncontig=False, family="movement",
                    result_dtype=lambda dtype, sample: sample.args[0].name,
                    tols={d: (0.0, 0.0) for d in ("float16", "bfloat16", "float32", "float64")},
                    error_inputs=_view_dtype_errors))
