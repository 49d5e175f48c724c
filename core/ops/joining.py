"""Joining, repeating, flipping and triangular ops: cat, stack, flip, roll, repeat, tril/triu, diag...

Split from ``movement.py``; the view primitives they build on live there.
"""
from __future__ import annotations

import warnings

from .. import _dtype as D
from .._dispatch import apply
from .._op import defop
from .._tensor import Tensor
from ..amp.autocast_mode import autocast_entry as _autocast_entry
from ._util import as_shape, reg, wrap_dim
from .movement import (
    BASIC_INDEX,
    DIAGONAL,
    DIAGONAL_SCATTER,
    VIEW,
    _as_dims,
    _slice_key,
    _write_out,
    expand,
    reshape,
    unsqueeze,
)

F = "joining"

INPLACE = ("tril", "triu")


# --- joining ---------------------------------------------------------------------------

def _is_legacy_empty(shape):
    return len(shape) == 1 and shape[0] == 0


def _cat_bwd(ctx, g):
    dim = ctx.params[0]
    out, start = [], 0
    for s, need in zip(ctx.shapes, ctx.needs_input_grad):
        if _is_legacy_empty(s) and g.ndim != 1:
            out.append(g.new_zeros(s) if need else None)
            continue
        if need:
            out.append(apply(BASIC_INDEX, (g,), (_slice_key(dim, start, start + s[dim]),)))
        else:
            out.append(None)
        start += s[dim]
    return tuple(out)


CAT = defop("cat", F, "cat(*xs, dim) -> out", backward=_cat_bwd,
            doc="concatenate arrays of one dtype along `dim`; 1-D empty arrays are skipped (legacy rule)")


def _stack_decomp(*args):
    *xs, dim = args
    return apply(CAT, tuple(unsqueeze(x, dim) for x in xs), (dim,))


STACK = defop("stack", F, "stack(*xs, dim) -> out", decomposition=_stack_decomp,
              backward=lambda ctx, g: tuple(g.select(ctx.params[0], i) if n else None
                                            for i, n in enumerate(ctx.needs_input_grad)),
              doc="stack same-shape arrays of one dtype along a new dim")


def _tensor_list(tensors, op):
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{op}(): argument 'tensors' (position 1) must be tuple of Tensors, not "
                        f"{type(tensors).__name__}")
    for i, x in enumerate(tensors):
        if not isinstance(x, Tensor):
            raise TypeError(f"{op}(): argument 'tensors' (position 1) must be tuple of Tensors, but found element "
                            f"of type {type(x).__name__} at pos {i}")
    return list(tensors)


def _promote_all(tensors):
    dt = tensors[0].dtype
    for x in tensors[1:]:
        if x.dtype is not dt:
            dt = D.promote_types(dt, x.dtype)
    return [x if x.dtype is dt else x.to(dt) for x in tensors], dt


@_autocast_entry("cat")
def cat(tensors, dim=0, *, out=None):
    """Concatenate ``tensors`` along existing dim ``dim`` (dtypes promoted like PyTorch)."""
    tensors = _tensor_list(tensors, "cat")
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    for i, x in enumerate(tensors):
        if x.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    tensors, dt = _promote_all(tensors)
    real = [(i, x) for i, x in enumerate(tensors) if not _is_legacy_empty(x.shape)]
    ref = real[0][1] if real else tensors[0]
    d = wrap_dim(dim, ref.ndim, "cat")
    for i, x in real:
        if x.ndim != ref.ndim:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {ref.ndim} and {x.ndim}")
        for j in range(ref.ndim):
            if j != d and x.shape[j] != ref.shape[j]:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. Expected size "
                                   f"{ref.shape[j]} but got size {x.shape[j]} for tensor number {i} in the list.")
    res = apply(CAT, tuple(tensors), (d,), dt)
    return _write_out(out, res)


concat = cat


def concatenate(tensors, axis=0, out=None):
    """``cat`` with NumPy's ``axis`` keyword."""
    return cat(tensors, axis, out=out)


@_autocast_entry("stack")
def stack(tensors, dim=0, *, out=None):
    """Join same-shape ``tensors`` along a new dim ``dim``."""
    if not isinstance(tensors, (list, tuple)):
        _tensor_list(tensors, "stack")  # raises PyTorch's TypeError
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    # one pass over the inputs (a DataLoader batch is many small tensors): types, shapes, dtypes
    first = tensors[0]
    if not isinstance(first, Tensor):
        _tensor_list(tensors, "stack")
    shape, dt = first._data.shape, first.dtype
    mixed = False
    for i, x in enumerate(tensors):
        if not isinstance(x, Tensor):
            _tensor_list(tensors, "stack")
        if x._data.shape != shape:
            _tensor_list(tensors, "stack")  # a later non-Tensor is reported first, as in PyTorch
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(shape)} at entry 0 and "
                               f"{list(x._data.shape)} at entry {i}")
        if x.dtype is not dt:
            mixed = True
    d = wrap_dim(dim, len(shape) + 1, "stack")
    if mixed:
        tensors, dt = _promote_all(tensors)
    return _write_out(out, apply(STACK, tuple(tensors), (d,), dt))


def _atleast(n):
    def f(*tensors):
        if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
            tensors = tuple(tensors[0])
            return tuple(f(x) for x in tensors)
        res = []
        for x in tensors:
            if x.ndim < n:
                shape = tuple(x.shape)
                if n == 1:
                    shape = (1,) * (1 - len(shape)) + shape
                elif n == 2:
                    shape = (1,) * (2 - len(shape)) + shape
                else:
                    shape = {0: (1, 1, 1), 1: (1,) + shape + (1,), 2: shape + (1,)}[len(shape)]
                x = apply(VIEW, (x,), (shape,))
            res.append(x)
        return res[0] if len(res) == 1 else tuple(res)
    f.__name__ = f"atleast_{n}d"
    return f


atleast_1d, atleast_2d, atleast_3d = _atleast(1), _atleast(2), _atleast(3)


def hstack(tensors, *, out=None):
    ts = atleast_1d(list(_tensor_list(tensors, "hstack")))
    return cat(ts, 0 if ts and ts[0].ndim == 1 else 1, out=out)


def vstack(tensors, *, out=None):
    return cat(atleast_2d(list(_tensor_list(tensors, "vstack"))), 0, out=out)


row_stack = vstack


def dstack(tensors, *, out=None):
    return cat(atleast_3d(list(_tensor_list(tensors, "dstack"))), 2, out=out)


def column_stack(tensors, *, out=None):
    ts = [x.reshape(x.numel(), 1) if x.ndim <= 1 else x for x in _tensor_list(tensors, "column_stack")]
    return cat(ts, 1, out=out)


def meshgrid(*tensors, indexing=None):
    """Coordinate grids from 1-D tensors (expanded views); ``indexing='ij'`` (default) or ``'xy'``."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument.",
                      UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f"torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but received: {indexing}")
    for x in tensors:
        if x.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {x.ndim}D")
    ts = [x.reshape(-1) for x in tensors]
    swap = indexing == "xy" and len(ts) >= 2
    if swap:
        ts[0], ts[1] = ts[1], ts[0]
    shape = tuple(x.shape[0] for x in ts)
    n = len(ts)
    grids = [expand(x.reshape((1,) * i + (-1,) + (1,) * (n - i - 1)), shape) for i, x in enumerate(ts)]
    if swap:
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


# --- flips, rolls, repeats -------------------------------------------------------------------

FLIP = defop("flip", F, "flip(x, dims) -> out", backward=lambda ctx, g: (apply(FLIP, (g,), ctx.params),),
             doc="a copy reversed along the sorted tuple `dims`")


@reg("flip")
def flip(input, *dims):
    """A copy of ``input`` reversed along ``dims``."""
    dims = as_shape(dims, "flip")
    ws = []
    for d in dims:
        w = wrap_dim(d, input.ndim, "flip")
        if w in ws:
            raise RuntimeError(f"dim {w} appears multiple times in the list of dims")
        ws.append(w)
    return apply(FLIP, (input,), (tuple(sorted(ws)),))


@reg("fliplr")
def fliplr(input):
    if input.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, 1)


@reg("flipud")
def flipud(input):
    if input.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, 0)


ROLL = defop("roll", F, "roll(x, shifts, dims) -> out",
             backward=lambda ctx, g: (apply(ROLL, (g,), (tuple(-s for s in ctx.params[0]), ctx.params[1])),),
             doc="roll along each of `dims` by `shifts` (tuples of equal length; dims non-empty)")


@reg("roll")
def roll(input, shifts, dims=None):
    """Roll elements along ``dims`` (the flattened tensor when None) by ``shifts``."""
    shifts = _as_dims(shifts)
    if dims is None:
        if len(shifts) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:0")
        flat = reshape(input, (-1,))
        return apply(ROLL, (flat,), ((int(shifts[0]),), (0,))).view(tuple(input.shape))
    dims = _as_dims(dims)
    if len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
    ws = tuple(wrap_dim(d, input.ndim, "roll") for d in dims)
    return apply(ROLL, (input,), (tuple(int(s) for s in shifts), ws))


@reg("rot90")
def rot90(input, k=1, dims=(0, 1)):
    """Rotate by 90 degrees ``k`` times in the plane of ``dims``."""
    dims = tuple(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if input.ndim < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {input.ndim}")
    d0, d1 = wrap_dim(dims[0], input.ndim, "rot90"), wrap_dim(dims[1], input.ndim, "rot90")
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and dim1 = {d1}")
    k %= 4
    if k == 1:
        return flip(input, d1).transpose(d0, d1)
    if k == 2:
        return flip(input, d0, d1)
    if k == 3:
        return flip(input, d0).transpose(d0, d1)
    return input.clone()


def _repeat_plan(shape, reps):
    """(x viewed as interleaved (1, s0, 1, s1, ...), expanded (r0, s0, r1, s1, ...), result shape)."""
    shape = (1,) * (len(reps) - len(shape)) + tuple(shape)
    inter, big = [], []
    for s, r in zip(shape, reps):
        inter += [1, s]
        big += [r, s]
    return tuple(inter), tuple(big), tuple(s * r for s, r in zip(shape, reps))


def _repeat_decomp(x, reps):
    inter, big, out = _repeat_plan(tuple(x.shape), reps)
    return x.reshape(inter).expand(big).reshape(out)


def _repeat_bwd(ctx, g):
    reps = ctx.params[0]
    _, big, _ = _repeat_plan(ctx.shapes[0], reps)
    g = g.reshape(big).sum(tuple(range(0, len(big), 2)))
    return (g.reshape(ctx.shapes[0]),)


REPEAT = defop("repeat", F, "repeat(x, reps) -> out", decomposition=_repeat_decomp, backward=_repeat_bwd,
               doc="tile x `reps` times along each dim (len(reps) >= x.ndim), as Tensor.repeat")


@reg("repeat")
def repeat(input, *sizes):
    """Tile ``input`` ``sizes[i]`` times along dim i (leading dims are added)."""
    reps = as_shape(sizes, "repeat")
    if len(reps) < input.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions of "
                           "tensor")
    for r in reps:
        if r < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {r}: {list(reps)}")
    return apply(REPEAT, (input,), (reps,))


@reg("tile")
def tile(input, dims):
    """Like :func:`repeat`, padding ``dims`` with leading ones when shorter than ``input.ndim``."""
    dims = as_shape((dims,), "tile")
    return repeat(input, (1,) * (input.ndim - len(dims)) + tuple(dims))


REPEAT_INTERLEAVE = defop("repeat_interleave", F, "repeat_interleave(repeats) -> out",
                          doc="int64 indices: i repeated repeats[i] times (repeats is a 1-D integer array)")


@reg("repeat_interleave")
def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Repeat each element ``repeats`` times along ``dim`` (flattened when None)."""
    if repeats is None:
        if input.ndim > 1 or input.dtype.category != 1:
            raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
        return apply(REPEAT_INTERLEAVE, (input.reshape(-1).to(D.int64),), (), D.int64)
    if dim is None:
        input, d = reshape(input, (-1,)), 0
    else:
        d = wrap_dim(dim, input.ndim, "repeat_interleave")
    if isinstance(repeats, Tensor) and repeats.numel() == 1 and repeats.ndim <= 1:
        repeats = int(repeats)
    if isinstance(repeats, int):
        if repeats < 0:
            raise RuntimeError("repeats can not be negative")
        if input.ndim == 0:
            input, d = input.reshape(1), 0
        shape = tuple(input.shape)
        big = shape[:d + 1] + (repeats,) + shape[d + 1:]
        return input.unsqueeze(d + 1).expand(big).reshape(shape[:d] + (shape[d] * repeats,) + shape[d + 1:])
    if repeats.ndim != 1:
        raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
    if repeats.shape[0] != input.shape[d]:
        raise RuntimeError("repeats must have the same size as input along dim")
    from .indexing import index_select
    return index_select(input, d, repeat_interleave(repeats))


# --- triangles and diagonals --------------------------------------------------------------

TRIL = defop("tril", F, "tril(x, diagonal) -> out", backward=lambda ctx, g: (apply(TRIL, (g,), ctx.params),),
             doc="lower triangle of the last two dims (elements above `diagonal` zeroed)")
TRIU = defop("triu", F, "triu(x, diagonal) -> out", backward=lambda ctx, g: (apply(TRIU, (g,), ctx.params),),
             doc="upper triangle of the last two dims (elements below `diagonal` zeroed)")


def _tri(op):
    def f(input, diagonal=0, *, out=None):
        if input.ndim < 2:
            raise RuntimeError(f"{op.name}: input tensor must have at least 2 dimensions")
        return _write_out(out, apply(op, (input,), (int(diagonal),)))
    f.__name__ = op.name
    f.__doc__ = f"The {'lower' if op is TRIL else 'upper'} triangle of the last two dims."
    return reg(op.name)(f)


tril, triu = _tri(TRIL), _tri(TRIU)


@reg("diag_embed")
def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """Place the last dim of ``input`` on the diagonal of two new dims ``dim1``/``dim2``."""
    n = input.ndim + 1
    d1, d2 = wrap_dim(dim1, n, "diag_embed"), wrap_dim(dim2, n, "diag_embed")
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    if input.ndim == 0:
        raise RuntimeError("diag_embed(): input must have at least 1 dimension")
    m = input.shape[-1] + abs(offset)
    rest = list(input.shape[:-1])
    shape = []
    for i in range(n):
        shape.append(m if i in (d1, d2) else rest.pop(0))
    from .creation import zeros
    z = zeros(tuple(shape), dtype=input.dtype, device=input.device)
    return apply(DIAGONAL_SCATTER, (z, input), (int(offset), d1, d2))


@reg("diag")
def diag(input, diagonal=0, *, out=None):
    """1-D input: a 2-D matrix with it on the ``diagonal``; 2-D input: that diagonal as 1-D."""
    if input.ndim == 1:
        return _write_out(out, diag_embed(input, diagonal, 0, 1))
    if input.ndim == 2:
        return _write_out(out, apply(DIAGONAL, (input,), (int(diagonal), 0, 1)).clone())
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input.ndim}D")


@reg("diagflat")
def diagflat(input, offset=0):
    """A 2-D matrix with the flattened ``input`` on diagonal ``offset``."""
    return diag_embed(reshape(input, (-1,)), offset, 0, 1)


