"""Indexing: ``Tensor.__getitem__``/``__setitem__``, gather/scatter, ``index_*``, ``masked_*``, nonzero.

A subscript is applied like PyTorch does: first the basic part (ints, slices,
None, Ellipsis) as one view op (``basic_index``), then the advanced part (index
tensors, bool masks) as one ``index`` op over the view, with NumPy's placement
rules for the advanced dims.  ``index`` and ``index_put`` take their index
tensors as inputs and a ``spec`` param: per dim of the view, None (a full slice)
or the position of its index tensor.
"""
from __future__ import annotations

import numbers
import re

from .. import _dtype as D
from .._dispatch import apply
from .._op import defop
from .._tensor import Tensor
from ..autograd.grad_mode import STATE
from . import movement as M
from .inplace import check_inplace_target, commit, torch_type_name
from ._util import reg, wrap_dim

F = "indexing"


def _keep_saved_indices_only(out, first_index, last_index=None):
    """Backward of the index ops needs the index tensors, not the data: drop the data inputs from the
    saved tensors so that modifying them in place later does not fail backward (as in PyTorch)."""
    node = out.grad_fn
    if node is not None and node.saved is not None:
        saved = node.saved
        end = len(saved) if last_index is None else last_index + 1
        node.saved = (None,) * first_index + tuple(saved[first_index:end]) + (None,) * (len(saved) - end)
    return out


# --- advanced indexing primitives --------------------------------------------------------------

def _index_bwd(ctx, g):
    idx, spec = ctx.saved[1:], ctx.params[0]
    z = g.new_zeros(ctx.shapes[0])
    return (apply(INDEX_PUT, (z, g) + tuple(idx), (spec, True)),) + (None,) * len(idx)


def _index_put_bwd(ctx, g):
    idx, (spec, accumulate) = ctx.saved[2:], ctx.params
    n = ctx.needs_input_grad
    gx = gv = None
    if n[0]:
        gx = g if accumulate else apply(INDEX_PUT, (g, g.new_zeros(())) + tuple(idx), (spec, False))
    if n[1]:
        gv = apply(INDEX, (g,) + tuple(idx), (spec,))
    return (gx, gv) + (None,) * len(idx)


INDEX = defop("index", F, "index(x, *indices, spec) -> out", backward=_index_bwd, save="inputs",
              doc="x[key], key[i] = full slice when spec[i] is None else indices[spec[i]] (integer or bool "
                  "arrays; NumPy placement of the advanced dims); a copy; IndexError when out of range")
INDEX_PUT = defop("index_put", F, "index_put(x, values, *indices, spec, accumulate) -> out",
                  backward=_index_put_bwd, save="inputs",
                  doc="a copy of x with x[key] set to (or, accumulate=True, incremented by) values broadcast")
INDEX_PUT_ = defop("index_put_", F, "index_put_(x, values, *indices, spec, accumulate) -> x",
                   doc="in-place index_put on x (no autograd; used by __setitem__ and index_put_)")


def _index_dtype_error():
    return IndexError("tensors used as indices must be long, int, byte or bool tensors")


def _as_index_tensor(obj, like):
    """Lists, NumPy arrays and tensors used as an index -> an index tensor on ``like``'s backend."""
    from .creation import tensor
    if isinstance(obj, Tensor):
        t = obj
    else:
        if isinstance(obj, (list, tuple)) and len(obj) == 0:
            t = tensor([], dtype=D.int64, device=like.device)
        else:
            try:
                t = tensor(obj, device=like.device)
            except (TypeError, ValueError):
                raise IndexError(f"only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables "
                                 f"are valid indices (got {type(obj).__name__})") from None
    if t.dtype.category == 2:
        raise _index_dtype_error()
    if t.dtype is D.uint8:
        import warnings
        warnings.warn("indexing with dtype torch.uint8 is now deprecated, please use a dtype torch.bool instead.",
                      UserWarning, stacklevel=4)
        t = t.to(D.bool)
    if t._backend is not like._backend:
        t = t.to(like.device)
    return t


def _sequence_as_tuple(seq):
    # PyTorch (after NumPy) reads a short list holding slices / None / Ellipsis / sequences / tensors as a tuple
    if len(seq) >= 32:
        return False
    return any(isinstance(x, (Tensor, list, tuple, slice)) or x is None or x is Ellipsis for x in seq)


def _parse_key(x, key):
    """Split a subscript into (basic key for basic_index, index tensors, spec over the basic view)."""
    if isinstance(key, tuple):
        items = key
    elif isinstance(key, list) and _sequence_as_tuple(key):
        items = tuple(key)
    else:
        items = (key,)
    shape = tuple(x.shape)
    norm, consumed = [], 0
    for k in items:
        if k is None or k is Ellipsis or isinstance(k, bool):
            norm.append(k)
        elif type(k).__name__ == "bool_":  # a NumPy bool scalar
            norm.append(bool(k))
        elif isinstance(k, numbers.Integral):
            norm.append(k.__index__())
            consumed += 1
        elif isinstance(k, slice):
            norm.append(k)
            consumed += 1
        elif isinstance(k, float):
            raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are "
                             "valid indices (got float)")
        elif isinstance(k, str):
            raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are "
                             "valid indices (got str)")
        else:
            t = _as_index_tensor(k, x)
            if t.dtype is D.bool and t.ndim == 0:
                norm.append(bool(t.item()))
                continue
            norm.append(t)
            consumed += t.ndim if t.dtype is D.bool else 1
    if consumed > len(shape):
        if not shape and any(isinstance(k, slice) for k in norm):
            raise IndexError("slice() cannot be applied to a 0-dim tensor.")
        raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
    basic, tensors, spec = [], [], []
    dim = 0
    seen_ellipsis = False
    for k in norm:
        if k is Ellipsis:
            if not seen_ellipsis:
                fill = len(shape) - consumed
                basic += [slice(None)] * fill
                spec += [None] * fill
                dim += fill
                seen_ellipsis = True
        elif k is None:
            basic.append(None)
            spec.append(None)
        elif isinstance(k, bool):
            basic.append(None)
            spec.append(len(tensors))
            from .creation import tensor
            tensors.append(tensor([k], device=x.device))
        elif isinstance(k, int):
            n = shape[dim]
            if not -n <= k < n:
                raise IndexError(f"index {k} is out of bounds for dimension {dim} with size {n}")
            basic.append(k + n if k < 0 else k)
            dim += 1
        elif isinstance(k, slice):
            step = 1 if k.step is None else k.step.__index__()
            if step <= 0:
                raise ValueError("step must be greater than zero")
            start = None if k.start is None else k.start.__index__()
            stop = None if k.stop is None else k.stop.__index__()
            basic.append(slice(*slice(start, stop, step).indices(shape[dim])))
            spec.append(None)
            dim += 1
        else:
            nd = k.ndim if k.dtype is D.bool else 1
            if k.dtype is D.bool:
                for j in range(nd):
                    if k.shape[j] != shape[dim + j]:
                        raise IndexError(f"The shape of the mask {list(k.shape)} at index {j} does not match the "
                                         f"shape of the indexed tensor {list(shape)} at index {dim + j}")
            basic += [slice(None)] * nd
            spec.append(len(tensors))
            tensors.append(k)
            dim += nd
    while spec and spec[-1] is None:
        spec.pop()
    return tuple(basic), tuple(tensors), tuple(spec)


@reg("__getitem__")
def _getitem(self, key):
    """``self[key]``: ints/slices/None/Ellipsis give a view; index tensors and masks give a copy."""
    if type(key) is int or isinstance(key, int) and not isinstance(key, bool):
        shape = self._data.shape
        if not shape:
            raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                             "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")
        n = shape[0]
        if not -n <= key < n:
            raise IndexError(f"index {key} is out of bounds for dimension 0 with size {n}")
        return apply(M.SELECT, (self,), (0, key + n if key < 0 else key))
    basic, tensors, spec = _parse_key(self, key)
    if not tensors:
        return apply(M.BASIC_INDEX, (self,), (basic,))
    y = self if _is_noop(basic, self.shape) else apply(M.BASIC_INDEX, (self,), (basic,))
    return _keep_saved_indices_only(apply(INDEX, (y,) + tensors, (spec,)), 1)


def _is_noop(basic, shape):
    for k, n in zip(basic, shape):
        if not (isinstance(k, slice) and k.start == 0 and k.step == 1 and k.stop == n):
            return False
    return len(basic) <= len(shape)


def _strip_leading_ones(v, ndim):
    while v.ndim > ndim and v.shape[0] == 1:
        v = v.reshape(tuple(v.shape[1:]))
    return v


def _adv_result_ndim(ndim, tensors):
    consumed = sum(t.ndim if t.dtype is D.bool else 1 for t in tensors)
    return ndim - consumed + max(1 if t.dtype is D.bool else t.ndim for t in tensors)


def _value_tensor(self, value):
    from .creation import scalar_tensor, tensor
    if isinstance(value, Tensor):
        return value
    if isinstance(value, (bool, int, float)) or (hasattr(value, "__float__") and not hasattr(value, "shape")):
        if self.dtype.category == 1:
            value = int(value)
        elif self.dtype.category == 0:
            value = bool(value)
        else:
            value = float(value)
        return scalar_tensor(value, self.dtype, self._backend)
    return tensor(value, dtype=self.dtype, device=self.device)


def _check_put_dtype(self, v):
    if v.dtype is not self.dtype:
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                           f"{torch_type_name(self.dtype)} for the destination and {torch_type_name(v.dtype)} "
                           f"for the source.")


@reg("__setitem__")
def _setitem(self, key, value):
    """``self[key] = value``: writes in place (recorded for autograd as an index_put)."""
    basic, tensors, spec = _parse_key(self, key)
    scalar = not isinstance(value, Tensor)
    v = _value_tensor(self, value)
    if v._backend is not self._backend:
        v = v.to(self.device)
    if not tensors:
        target = M._key_shape(tuple(self.shape), basic)
        v = _strip_leading_ones(v if v.dtype is self.dtype else v.to(self.dtype), len(target))
        v = v.expand(target)
    else:
        if not scalar:
            _check_put_dtype(self, v)
        v = _strip_leading_ones(v, _adv_result_ndim(len(M._key_shape(tuple(self.shape), basic)), tensors))
    check_inplace_target(self, "index_put_")
    if STATE.enabled and (self._requires_grad or v._requires_grad):
        if not tensors:
            res = apply(M.BASIC_INDEX_SCATTER, (self, v), (basic,))
        else:
            noop = _is_noop(basic, self.shape)
            y = self if noop else apply(M.BASIC_INDEX, (self,), (basic,))
            z = _keep_saved_indices_only(apply(INDEX_PUT, (y, v) + tensors, (spec, False)), 2)
            res = z if noop else apply(M.BASIC_INDEX_SCATTER, (self, z), (basic,))
        commit(self, res, "index_put_")
        return
    table = self._backend.table
    dst = table["basic_index"](self._data, basic)
    if tensors:
        table["index_put_"](dst, v._data, *[t._data for t in tensors], spec, False)
    else:
        table["copy_"](dst, v._data)
    self._bump_version()


# --- index_put / take / put ------------------------------------------------------------------

def _indices_tuple(self, indices, op):
    if not isinstance(indices, (tuple, list)):
        raise TypeError(f"{op}(): argument 'indices' must be tuple of Tensors, not {type(indices).__name__}")
    if len(indices) > self.ndim:
        raise IndexError(f"too many indices for tensor of dimension {self.ndim} (got {len(indices)})")
    tensors, spec = [], []
    for i in indices:
        if i is None:
            spec.append(None)
        else:
            t = _as_index_tensor(i, self)
            spec.append(len(tensors))
            tensors.append(t)
    while spec and spec[-1] is None:
        spec.pop()
    return tuple(tensors), tuple(spec)


@reg("index_put")
def index_put(input, indices, values, accumulate=False):
    """A copy of ``input`` with ``input[indices] = values`` (``+=`` with ``accumulate=True``)."""
    tensors, spec = _indices_tuple(input, indices, "index_put")
    _check_put_dtype(input, values)
    if not tensors:  # every index is None: the whole tensor
        return input + values if accumulate else M.expand(values, tuple(input.shape)).clone()
    out = apply(INDEX_PUT, (input, values) + tensors, (spec, bool(accumulate)))
    return _keep_saved_indices_only(out, 2)


@reg("index_put_")
def index_put_(input, indices, values, accumulate=False):
    tensors, spec = _indices_tuple(input, indices, "index_put_")
    _check_put_dtype(input, values)
    check_inplace_target(input, "index_put_")
    if STATE.enabled and (input._requires_grad or values._requires_grad) or not tensors:
        return commit(input, index_put(input, indices, values, accumulate), "index_put_")
    input._backend.table["index_put_"](input._data, values._data, *[t._data for t in tensors], spec,
                                       bool(accumulate))
    input._bump_version()
    return input


_OOB = re.compile(r"index (-?\d+) is out of bounds")


@reg("take")
def take(input, index):
    """Elements of the flattened ``input`` at ``index`` (result has ``index``'s shape)."""
    if index.dtype is not D.int64:
        raise RuntimeError(f"take(): Expected a long tensor for index, but got {index.dtype}")
    try:
        return _keep_saved_indices_only(apply(INDEX, (input.reshape(-1), index), ((0,),)), 1)
    except IndexError as e:
        m = _OOB.search(str(e))
        if m is None:
            raise
        raise IndexError(f"out of range: tried to access index {m.group(1)} on a tensor of {input.numel()} "
                         f"elements.") from None


@reg("put")
def put(input, index, source, accumulate=False):
    """A copy of ``input`` with its flattened elements at ``index`` set to ``source`` (or incremented)."""
    if index.numel() != source.numel():
        raise RuntimeError(f"put_(): Expected source and index to have the same number of elements, but got "
                           f"source.numel() = {source.numel()}, index.numel() = {index.numel()}")
    flat = input.reshape(-1)
    out = index_put(flat, (index.reshape(-1),), source.reshape(-1).to(input.dtype), accumulate)
    return out.view(tuple(input.shape))


@reg("take_along_dim")
def take_along_dim(input, indices, dim=None, *, out=None):
    """Values of ``input`` at ``indices`` along ``dim`` (broadcast in the other dims); flattened when None."""
    if dim is None:
        return M._write_out(out, gather(input.reshape(-1), 0, indices.reshape(-1)))
    d = wrap_dim(dim, input.ndim, "take_along_dim")
    if input.ndim != indices.ndim:
        raise RuntimeError(f"torch.take_along_dim(): input and indices should have the same number of dimensions, "
                           f"but got {input.ndim} dimensions for input, and {indices.ndim} dimensions for indices")
    s_in, s_ix = list(input.shape), list(indices.shape)
    s_in[d] = s_ix[d] = 1
    b = M.broadcast_shapes(s_in, s_ix)
    xs, ix = list(b), list(b)
    xs[d], ix[d] = input.shape[d], indices.shape[d]
    return M._write_out(out, gather(input.expand(tuple(xs)), d, indices.expand(tuple(ix))))


# --- gather / scatter ---------------------------------------------------------------------------

def _pad_to(g, shape):
    """``g`` placed at the origin of a zero tensor of ``shape`` (gradient of a src larger than index)."""
    if tuple(g.shape) == tuple(shape):
        return g
    key = tuple(slice(0, n, 1) for n in g.shape)
    return apply(M.BASIC_INDEX_SCATTER, (g.new_zeros(shape), g), (key,))


def _gather_bwd(ctx, g):
    index, dim = ctx.saved[1], ctx.params[0]
    return apply(SCATTER_ADD, (g.new_zeros(ctx.shapes[0]), index, g), (dim,)), None


def _scatter_bwd(ctx, g):
    index, (dim, _) = ctx.saved[1], ctx.params
    n = ctx.needs_input_grad
    gx = apply(SCATTER, (g, index, g.new_zeros(())), (dim, None)) if n[0] else None
    gs = _pad_to(apply(GATHER, (g, index), (dim,)), ctx.shapes[2]) if n[2] else None
    return gx, None, gs


def _scatter_add_bwd(ctx, g):
    index, dim = ctx.saved[1], ctx.params[0]
    n = ctx.needs_input_grad
    gs = _pad_to(apply(GATHER, (g, index), (dim,)), ctx.shapes[2]) if n[2] else None
    return (g if n[0] else None), None, gs


GATHER = defop("gather", F, "gather(x, index, dim) -> out", backward=_gather_bwd, save="inputs",
               doc="out[i][j] = x[index[i][j]][j] (dim 0); index no larger than x outside `dim`")
SCATTER = defop("scatter", F, "scatter(x, index, src, dim, reduce) -> out", backward=_scatter_bwd, save="inputs",
                doc="copy of x with src values written at index along dim (src 0-d: a fill value); reduce None, "
                    "'add' or 'multiply'")
SCATTER_ADD = defop("scatter_add", F, "scatter_add(x, index, src, dim) -> out", backward=_scatter_add_bwd,
                    save="inputs", doc="copy of x with src accumulated at index along dim")


def _scatter_reduce_bwd(ctx, g):
    x, index, src = ctx.saved
    dim, reduce, include_self = ctx.params
    result = ctx.output
    ones_src = apply(SCATTER_ADD, (g.new_zeros(ctx.shapes[0]), index, _ones(src)), (dim,))
    if reduce == "sum":
        gx, gs = g, apply(GATHER, (g, index), (dim,))
    elif reduce == "mean":
        cnt = ones_src + 1 if include_self else ones_src
        cnt = cnt.masked_fill(cnt == 0, 1)
        gx = g / cnt
        gs = apply(GATHER, (gx, index), (dim,))
    elif reduce in ("amax", "amin"):
        value = apply(GATHER, (result, index), (dim,))
        x_is = (x == result).to(g.dtype)
        s_is = (src == value).to(g.dtype)
        if not include_self:
            x_is = x_is * (ones_src == 0).to(g.dtype)
        share = g / apply(SCATTER_ADD, (x_is, index, s_is), (dim,)).masked_fill((x_is == 0) & (ones_src == 0), 1)
        gx = x_is * share
        gs = s_is * apply(GATHER, (share, index), (dim,))
    else:  # prod: product of the others, computed without dividing by zeros
        x1 = x.masked_fill(x == 0, 1)
        gx = g * apply(SCATTER_REDUCE, (x1, index, src), ctx.params) / x1
        s_zero = src == 0
        zeros_at = apply(GATHER, (apply(SCATTER_ADD, (g.new_zeros(ctx.shapes[0]), index, s_zero.to(g.dtype)),
                                        (dim,)), index), (dim,))
        single = s_zero & (zeros_at == 1)
        masked = apply(SCATTER_REDUCE, (x, index, src.masked_fill(single, 1)), ctx.params)
        gs = _where(single, apply(GATHER, (g * masked, index), (dim,)),
                    apply(GATHER, (g * result, index), (dim,)) / src.masked_fill(s_zero, 1))
    if not include_self:
        gx = gx.masked_fill(ones_src != 0, 0)
    n = ctx.needs_input_grad
    return (gx if n[0] else None), None, (_pad_to(gs, ctx.shapes[2]) if n[2] else None)


def _where(c, a, b):
    from .elementwise import where
    return where(c, a, b)


def _ones(t):
    from .creation import ones_like
    return ones_like(t)


SCATTER_REDUCE = defop("scatter_reduce", F, "scatter_reduce(x, index, src, dim, reduce, include_self) -> out",
                       backward=_scatter_reduce_bwd, save="both",
                       doc="copy of x with src reduced into it at index along dim; reduce in sum, prod, mean, "
                           "amax, amin (mean of integers rounds toward zero)")


def _check_index(input, dim, index, op, src=None):
    if not isinstance(index, Tensor):
        raise TypeError(f"{op}(): argument 'index' must be Tensor, not {type(index).__name__}")
    if index.dtype is not D.int64 and not (op == "gather" and index.dtype is D.int32):
        raise RuntimeError(f"{op}(): Expected dtype int64 for index")
    d = wrap_dim(dim, input.ndim, op)
    nd = max(input.ndim, 1)
    if max(index.ndim, 1) != nd and index.numel():
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor" if op == "gather"
                           else "Index tensor must have the same number of dimensions as self tensor")
    if index.numel() and index.ndim:
        for j in range(index.ndim):
            if j != d and index.shape[j] > input.shape[j]:
                raise RuntimeError(f"Size does not match at dimension {j} expected index {list(index.shape)} to be "
                                   f"no larger than self {list(input.shape)} apart from dimension {d}")
            if src is not None and src.ndim and index.shape[j] > src.shape[j]:
                raise RuntimeError(f"Expected index {list(index.shape)} to be no larger than src "
                                   f"{list(src.shape)} apart from dimension {d}")
    return d


@reg("gather")
def gather(input, dim, index, *, sparse_grad=False, out=None):
    """Values of ``input`` along ``dim`` at ``index``: ``out[i][j] = input[index[i][j]][j]`` for dim 0."""
    d = _check_index(input, dim, index, "gather")
    res = apply(GATHER, (input, index), (d,))
    return M._write_out(out, _keep_saved_indices_only(res, 1))


_REDUCE_ALIAS = {"add": "sum", "multiply": "prod"}


@reg("scatter")
def scatter(input, dim, index, src=None, *, value=None, reduce=None):
    """A copy of ``input`` with ``src`` (a tensor or a scalar value) written at ``index`` along ``dim``."""
    if src is None:
        src = value
    d = _check_index(input, dim, index, "scatter", src if isinstance(src, Tensor) else None)
    if reduce is not None and reduce not in _REDUCE_ALIAS:
        raise RuntimeError(f"reduce argument must be either add or multiply, got {reduce}")
    if isinstance(src, Tensor):
        if src.dtype is not input.dtype:
            raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
        if reduce is not None:
            return scatter_reduce(input, d, index, src, _REDUCE_ALIAS[reduce])
    else:
        src = _value_tensor(input, src)
        if reduce is not None:
            return scatter_reduce(input, d, index, src.expand(tuple(index.shape)), _REDUCE_ALIAS[reduce])
    return _keep_saved_indices_only(apply(SCATTER, (input, index, src), (d, None)), 1, 1)


@reg("scatter_add")
def scatter_add(input, dim, index, src):
    """A copy of ``input`` with ``src`` added at ``index`` along ``dim``."""
    d = _check_index(input, dim, index, "scatter_add", src)
    if src.dtype is not input.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    return _keep_saved_indices_only(apply(SCATTER_ADD, (input, index, src), (d,)), 1, 1)


@reg("scatter_reduce")
def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):
    """Reduce ``src`` into a copy of ``input`` at ``index`` with ``sum|prod|mean|amax|amin``."""
    reduce = {"max": "amax", "min": "amin"}.get(reduce, reduce)  # PyTorch accepts these aliases too
    if reduce not in ("sum", "prod", "mean", "amax", "amin"):
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    d = _check_index(input, dim, index, "scatter_reduce", src)
    if src.dtype is not input.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    return apply(SCATTER_REDUCE, (input, index, src), (d, reduce, bool(include_self)))


@reg("index_reduce")
def index_reduce(input, dim, index, source, reduce, *, include_self=True):
    """Reduce the slices of ``source`` into ``input`` at ``index`` along ``dim`` (prod, mean, amax, amin)."""
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got "
                           f"{reduce}.")
    _check_vector_index(index, "index_reduce")
    d = wrap_dim(dim, input.ndim, "index_reduce")
    _check_source(input, d, index, source, "index_reduce")
    if input.ndim == 0:
        return scatter_reduce(input, 0, index.reshape(()), source.reshape(()), reduce, include_self=include_self)
    shape = [1] * source.ndim
    shape[d] = index.numel()
    full = index.reshape(tuple(shape)).expand(tuple(source.shape))
    return scatter_reduce(input, d, full, source, reduce, include_self=include_self)


# --- index_select / index_add / index_copy / index_fill -----------------------------------------

def _index_select_bwd(ctx, g):
    index, dim = ctx.saved[1], ctx.params[0]
    return apply(INDEX_ADD, (g.new_zeros(ctx.shapes[0]), index, g), (dim, 1)), None


def _index_add_bwd(ctx, g):
    index, (dim, alpha) = ctx.saved[1], ctx.params
    n = ctx.needs_input_grad
    gs = None
    if n[2]:
        gs = apply(INDEX_SELECT, (g, index), (dim,))
        gs = (gs * alpha if alpha != 1 else gs).reshape(ctx.shapes[2])
    return (g if n[0] else None), None, gs


def _index_copy_bwd(ctx, g):
    index, dim = ctx.saved[1], ctx.params[0]
    n = ctx.needs_input_grad
    gx = apply(INDEX_FILL, (g, index), (dim, 0)) if n[0] else None
    gs = apply(INDEX_SELECT, (g, index), (dim,)).reshape(ctx.shapes[2]) if n[2] else None
    return gx, None, gs


INDEX_SELECT = defop("index_select", F, "index_select(x, index, dim) -> out", backward=_index_select_bwd,
                     save="inputs", doc="x's slices along dim at the 1-D (or 0-d) index; 0-d x allowed")
INDEX_ADD = defop("index_add", F, "index_add(x, index, src, dim, alpha) -> out", backward=_index_add_bwd,
                  save="inputs", doc="copy of x with alpha * src's slices added at index along dim")
INDEX_COPY = defop("index_copy", F, "index_copy(x, index, src, dim) -> out", backward=_index_copy_bwd,
                   save="inputs", doc="copy of x with src's slices copied to index along dim")
INDEX_FILL = defop("index_fill", F, "index_fill(x, index, dim, value) -> out", save="inputs",
                   backward=lambda ctx, g: (apply(INDEX_FILL, (g, ctx.saved[1]), (ctx.params[0], 0)), None),
                   doc="copy of x with the slices at index along dim set to value (negative indices wrap)")


def _check_vector_index(index, op, dtypes=(D.int64,)):
    if not isinstance(index, Tensor):
        raise TypeError(f"{op}(): argument 'index' must be Tensor, not {type(index).__name__}")
    if index.ndim > 1:
        raise IndexError(f"{op}(): Index is supposed to be a vector")
    if index.dtype not in dtypes:
        names = " or ".join(d.name for d in dtypes)
        raise RuntimeError(f"{op}(): Expected dtype {names} for index")


@reg("index_select")
def index_select(input, dim, index, *, out=None):
    """Slices of ``input`` along ``dim`` at the positions in the 1-D ``index``."""
    _check_vector_index(index, "index_select", (D.int32, D.int64))
    d = wrap_dim(dim, input.ndim, "index_select")
    res = _keep_saved_indices_only(apply(INDEX_SELECT, (input, index), (d,)), 1)
    return M._write_out(out, res)


def _check_source(input, d, index, source, op):
    want = list(input.shape)
    if want:
        want[d] = index.numel()
    if source.dtype is not input.dtype:
        raise RuntimeError(f"{op}(): self ({input.dtype}) and source ({source.dtype}) must have the same scalar "
                           f"type")
    if source.ndim and input.ndim and list(source.shape) != want:
        raise RuntimeError(f"{op}(): Source/destination tensor must have same slice shapes. Destination slice "
                           f"shape: {want} at dimension {d} and source slice shape: {list(source.shape)}")


@reg("index_add")
def index_add(input, dim, index, source, *, alpha=1):
    """A copy of ``input`` with ``alpha * source`` added at ``index`` along ``dim`` (duplicates accumulate)."""
    _check_vector_index(index, "index_add", (D.int32, D.int64))
    d = wrap_dim(dim, input.ndim, "index_add")
    _check_source(input, d, index, source, "index_add")
    return _keep_saved_indices_only(apply(INDEX_ADD, (input, index, source), (d, alpha)), 1, 1)


@reg("index_copy")
def index_copy(input, dim, index, source):
    """A copy of ``input`` with ``source``'s slices written at ``index`` along ``dim``."""
    _check_vector_index(index, "index_copy")
    d = wrap_dim(dim, input.ndim, "index_copy")
    _check_source(input, d, index, source, "index_copy")
    return _keep_saved_indices_only(apply(INDEX_COPY, (input, index, source), (d,)), 1, 1)


@reg("index_fill")
def index_fill(input, dim, index, value):
    """A copy of ``input`` with the slices at ``index`` along ``dim`` set to ``value``."""
    _check_vector_index(index, "index_fill")
    d = wrap_dim(dim, input.ndim, "index_fill")
    if isinstance(value, Tensor):
        if value.ndim:
            raise RuntimeError(f"index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                               f"{value.ndim} dimension(s).")
        if value._requires_grad and STATE.enabled:
            # the filled positions carry value's gradient: write value through index_copy
            shape = list(input.shape) or [1]
            shape[d] = index.numel()
            src = value.to(input.dtype).expand(tuple(shape) if input.ndim else ())
            return index_copy(input, d, index.reshape(-1), src)
        value = value.item()
    value = _value_tensor(input, value).item()
    return _keep_saved_indices_only(apply(INDEX_FILL, (input, index), (d, value)), 1)


# --- masks ---------------------------------------------------------------------------------------

def _check_mask(mask, op):
    if not isinstance(mask, Tensor):
        raise TypeError(f"{op}(): argument 'mask' must be Tensor, not {type(mask).__name__}")
    if mask.dtype is not D.bool:
        if op == "masked_fill_":
            raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype "
                               f"{mask.dtype.name if mask.dtype is not D.float32 else 'float'}")
        raise RuntimeError(f"{op}: expected BoolTensor for mask")


@reg("masked_fill")
def masked_fill(input, mask, value):
    """``input`` with the positions where ``mask`` is True set to ``value`` (scalar or 0-d tensor)."""
    _check_mask(mask, "masked_fill_")
    if isinstance(value, Tensor):
        if value.ndim:
            raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                               f"{value.ndim} dimension(s).")
        v = value.to(input.dtype)
    else:
        v = _value_tensor(input, value)
    return _where(mask, v, input)


@reg("masked_select")
def masked_select(input, mask, *, out=None):
    """The elements of ``input`` where ``mask`` is True, as a 1-D tensor (both broadcast)."""
    _check_mask(mask, "masked_select")
    shape = M.broadcast_shapes(tuple(input.shape), tuple(mask.shape))
    x = input.expand(tuple(shape))
    m = mask.expand(tuple(shape))
    if x.ndim == 0:
        x, m = x.reshape(1), m.reshape(1)
    res = _keep_saved_indices_only(apply(INDEX, (x, m), ((0,),)), 1)
    return M._write_out(out, res)


@reg("masked_scatter")
def masked_scatter(input, mask, source):
    """A copy of ``input`` with the True positions of ``mask`` filled by consecutive ``source`` elements."""
    _check_mask(mask, "masked_scatter_")
    if source.dtype is not input.dtype:
        raise RuntimeError(f"masked_scatter: expected self and source to have same dtypes but got "
                           f"{input.dtype} and {source.dtype}")
    shape = tuple(M.broadcast_shapes(tuple(input.shape), tuple(mask.shape)))
    x, m = input.expand(shape), mask.expand(shape)
    if not shape:
        x, m = x.reshape(1), m.reshape(1)
    n = int(m.sum())
    if source.numel() < n:
        raise RuntimeError("Number of elements of source < number of ones in mask")
    vals = source.reshape(-1)[:n]
    res = _keep_saved_indices_only(apply(INDEX_PUT, (x, vals, m), ((0,), False)), 2)
    return res.reshape(shape)


NONZERO = defop("nonzero", F, "nonzero(x) -> out", doc="int64 (n, ndim) coordinates of the non-zero elements")


@reg("nonzero")
def nonzero(input, *, out=None, as_tuple=False):
    """Coordinates of the non-zero elements: an (n, ndim) int64 tensor, or one 1-D tensor per dim."""
    res = apply(NONZERO, (input,), (), D.int64)
    if as_tuple:
        if input.ndim == 0:
            return (apply(NONZERO, (input.reshape(1),), (), D.int64).reshape(-1),)
        return tuple(c.contiguous() for c in res.unbind(1))
    return M._write_out(out, res)


@reg("nonzero_static")
def nonzero_static(input, *, size, fill_value=-1):
    """:func:`nonzero` truncated or padded with ``fill_value`` to exactly ``size`` rows."""
    res = apply(NONZERO, (input,), (), D.int64)
    n = res.shape[0]
    if n >= size:
        return res[:size]
    from .creation import full
    pad = full((size - n, res.shape[1]), fill_value, dtype=D.int64, device=input.device)
    from .joining import cat
    return cat([res, pad])


@reg("argwhere")
def argwhere(input):
    """Same as ``nonzero(input)``."""
    return apply(NONZERO, (input,), (), D.int64)


INPLACE = ("index_add", "index_copy", "index_fill", "index_reduce", "scatter", "scatter_add", "scatter_reduce",
           "masked_fill", "masked_scatter", "put")


@reg("fill_diagonal_")
def fill_diagonal_(input, fill_value, wrap=False):
    """Set the main diagonal (``input[i, i, ..., i]``) to ``fill_value`` in place.  Inputs of more than two
    dims must be hypercubes; ``wrap`` restarts the diagonal every ``cols + 1`` rows of a tall matrix."""
    if input.ndim < 2:
        raise RuntimeError("dimensions must larger than 1")
    if input.ndim > 2 and len(set(input.shape)) != 1:
        raise RuntimeError("all dimensions of input must be of equal length")
    from .creation import arange
    rows, cols = input.shape[0], input.shape[1]
    if wrap and input.ndim == 2 and rows > cols + 1:
        r = arange(rows, device=input.device)
        c = r % (cols + 1)
        keep = c < cols
        key = (r[keep], c[keep])
    else:
        idx = arange(min(input.shape), device=input.device)
        key = (idx,) * input.ndim
    input[key] = fill_value
    return input
