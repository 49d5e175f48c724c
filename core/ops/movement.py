"""Movement and view ops: reshape, permute, expand, squeeze...  View ops return
tensors sharing storage (and the version counter) with their input."""
from __future__ import annotations

from .._dispatch import apply
from .._op import defop
from ._util import as_shape, numel, reg, wrap_dim

F = "movement"


def _view_bwd(ctx, g):
    return (g.reshape(ctx.shapes[0]),)


VIEW = defop("view", F, "view(x, shape) -> out", backward=_view_bwd, view=True,
             doc="a view with a new shape; the kernel returns None when the strides do not allow one")
EXPAND = defop("expand", F, "expand(x, shape) -> out", backward=lambda ctx, g: (g,), view=True,
               doc="broadcast view to `shape` (same ndim or more, size-1 dims stretched)")


def _permute_bwd(ctx, g):
    dims = ctx.params[0]
    inv = [0] * len(dims)
    for i, d in enumerate(dims):
        inv[d] = i
    return (g.permute(tuple(inv)),)


PERMUTE = defop("permute", F, "permute(x, dims) -> out", backward=_permute_bwd, view=True)


def _infer_shape(shape, n, op):
    shape = list(shape)
    neg = [i for i, s in enumerate(shape) if s == -1]
    if len(neg) > 1:
        raise RuntimeError("only one dimension can be inferred")
    for s in shape:
        if s < -1:
            raise RuntimeError(f"invalid shape dimension {s}")
    if neg:
        rest = numel([s for s in shape if s != -1])
        if rest == 0 or n % rest:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {n}")
        shape[neg[0]] = n // rest
    elif numel(shape) != n:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {n}")
    return tuple(shape)


@reg("view")
def view(input, *shape):
    """A view of ``input`` with a new shape (no copy); fails when the strides don't allow it."""
    if len(shape) == 1 and not isinstance(shape[0], (tuple, list)) and hasattr(shape[0], "itemsize"):
        return input.view_dtype(shape[0]) if hasattr(input, "view_dtype") else None
    shape = _infer_shape(as_shape(shape, "view"), input.numel(), "view")
    if shape == tuple(input.shape):
        return apply(VIEW, (input,), (shape,))
    k = input._backend.table.get("view")
    if k is not None and k(input._data, shape) is None:
        raise RuntimeError("view size is not compatible with input tensor's size and stride (at least one "
                           "dimension spans across two contiguous subspaces). Use .reshape(...) instead.")
    return apply(VIEW, (input,), (shape,))


@reg("reshape")
def reshape(input, *shape):
    """``input`` with a new shape: a view when possible, else a copy."""
    shape = _infer_shape(as_shape(shape, "reshape"), input.numel(), "reshape")
    if shape == tuple(input.shape):
        return apply(VIEW, (input,), (shape,))
    k = input._backend.table.get("view")
    if k is not None and k(input._data, shape) is None:
        input = input.clone()
    return apply(VIEW, (input,), (shape,))


@reg("expand")
def expand(input, *sizes):
    sizes = as_shape(sizes, "expand")
    shape = tuple(input.shape)
    if len(sizes) < len(shape):
        raise RuntimeError(f"expand(): the number of sizes provided ({len(sizes)}) must be greater or equal to the "
                           f"number of dimensions in the tensor ({len(shape)})")
    lead = len(sizes) - len(shape)
    out = []
    for i, s in enumerate(sizes):
        if i < lead:
            if s < 0:
                raise RuntimeError(f"expand(): the expanded size of the tensor (-1) isn't allowed in a leading, "
                                   f"non-existing dimension {i}")
            out.append(s)
            continue
        cur = shape[i - lead]
        if s == -1:
            s = cur
        if cur != s and cur != 1:
            raise RuntimeError(f"The expanded size of the tensor ({s}) must match the existing size ({cur}) at "
                               f"non-singleton dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: "
                               f"{list(shape)}")
        out.append(s)
    out = tuple(out)
    if out == shape:
        return input
    return apply(EXPAND, (input,), (out,))


@reg("expand_as")
def expand_as(input, other):
    return expand(input, tuple(other.shape))


@reg("permute")
def permute(input, *dims):
    dims = as_shape(dims, "permute")
    n = input.ndim
    if len(dims) != n:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
                           f"length of the desired ordering of dimensions i.e. input.dim() = {n} is not equal to "
                           f"len(dims) = {len(dims)}")
    dims = tuple(wrap_dim(d, n, "permute") for d in dims)
    if len(set(dims)) != n:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return apply(PERMUTE, (input,), (dims,))


@reg("transpose")
def transpose(input, dim0, dim1):
    n = input.ndim
    if n == 0:
        return input
    d0, d1 = wrap_dim(dim0, n, "transpose"), wrap_dim(dim1, n, "transpose")
    dims = list(range(n))
    dims[d0], dims[d1] = dims[d1], dims[d0]
    return apply(PERMUTE, (input,), (tuple(dims),))


swapaxes = swapdims = transpose
reg("swapaxes")(transpose)
reg("swapdims")(transpose)


@reg("t")
def t(input):
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    return transpose(input, 0, 1) if input.ndim == 2 else input


@reg("unsqueeze")
def unsqueeze(input, dim):
    d = wrap_dim(dim, input.ndim + 1, "unsqueeze")
    shape = list(input.shape)
    shape.insert(d, 1)
    return apply(VIEW, (input,), (tuple(shape),))


@reg("squeeze")
def squeeze(input, dim=None):
    shape = list(input.shape)
    if dim is None:
        new = [s for s in shape if s != 1]
    else:
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        ws = {wrap_dim(d, input.ndim, "squeeze") for d in dims}
        new = [s for i, s in enumerate(shape) if not (i in ws and s == 1)]
    return apply(VIEW, (input,), (tuple(new),))


@reg("flatten")
def flatten(input, start_dim=0, end_dim=-1):
    n = input.ndim
    if n == 0:
        return reshape(input, (1,))
    s, e = wrap_dim(start_dim, n, "flatten"), wrap_dim(end_dim, n, "flatten")
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    shape = tuple(input.shape)
    if s == e:
        return input
    return reshape(input, shape[:s] + (numel(shape[s:e + 1]),) + shape[e + 1:])


def _select_bwd(ctx, g):
    dim, index = ctx.params
    from .creation import zeros
    z = zeros(ctx.shapes[0], dtype=g.dtype, device=g.device)
    from .inplace import commit  # noqa: F401
    return (_select_scatter(z, g, dim, index),)


def _select_scatter(base, src, dim, index):
    return apply(SELECT_SCATTER, (base, src), (dim, index))


def _select_scatter_bwd(ctx, g):
    dim, index = ctx.params
    n = ctx.needs_input_grad
    gb = _select_scatter(g, g.select(dim, index).new_zeros(ctx.shapes[1]), dim, index) if n[0] else None
    gs = g.select(dim, index) if n[1] else None
    return gb, gs


SELECT = defop("select", F, "select(x, dim, index) -> out", backward=_select_bwd, view=True)
SELECT_SCATTER = defop("select_scatter", F, "select_scatter(x, src, dim, index) -> out",
                       backward=_select_scatter_bwd, doc="copy of x with x.select(dim, index) replaced by src")


@reg("select")
def select(input, dim, index):
    """The slice at ``index`` along ``dim`` (a view with that dim removed)."""
    if input.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = wrap_dim(dim, input.ndim, "select")
    n = input.shape[d]
    index = index.__index__()
    if not -n <= index < n:
        raise IndexError(f"select(): index {index} out of range for tensor of size {list(input.shape)} at "
                         f"dimension {d}")
    return apply(SELECT, (input,), (d, index + n if index < 0 else index))


def select_scatter(input, src, dim, index):
    d = wrap_dim(dim, input.ndim, "select_scatter")
    return _select_scatter(input, src, d, index % input.shape[d])
