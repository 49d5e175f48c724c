"""Movement and view ops: reshape, permute, expand, slicing, splitting, joining, flips...

View ops (``view=True``) return tensors sharing storage (and the version
counter) with their input.  The view primitives are view, expand, permute,
select, basic_index (int/slice/None keys), diagonal and unfold; each has a
"scatter" twin that its backward uses.  Splitting ops are built on them.
"""
from __future__ import annotations


from .. import _dtype as D
from .._dispatch import apply
from ..autograd.grad_mode import no_grad
from .._op import defop
from .._tensor import Tensor
from ._util import as_shape, broadcast_shapes as _bshapes, numel, reg, wrap_dim

F = "movement"


def _view_bwd(ctx, g):
    return (g.reshape(ctx.shapes[0]),)


VIEW = defop("view", F, "view(x, shape) -> out", backward=_view_bwd, view=True,
             doc="a view with a new shape; the kernel returns None when the strides do not allow one")
VIEW_DTYPE = defop("view_dtype", F, "view_dtype(x, dtype) -> out", view=True,
                   doc="the same bytes read as `dtype` (torch's view(dtype)); with a different element size the "
                       "last dim (stride 1) shrinks or grows by the size ratio; not differentiable")
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
        if rest == 0:
            raise RuntimeError(f"cannot reshape tensor of 0 elements into shape {list(shape)} because the "
                               f"unspecified dimension size -1 can be any value and is ambiguous")
        if n % rest:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {n}")
        shape[neg[0]] = n // rest
    elif numel(shape) != n:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {n}")
    return tuple(shape)


@reg("view")
def view(input, *shape):
    """A view of ``input`` with a new shape (no copy); fails when the strides don't allow it."""
    if len(shape) == 1 and isinstance(shape[0], D.dtype):
        return _view_dtype(input, shape[0])
    shape = _infer_shape(as_shape(shape, "view"), input.numel(), "view")
    if shape == tuple(input.shape):
        return apply(VIEW, (input,), (shape,))
    k = input._backend.table.get("view")
    if k is not None and k(input._data, shape) is None:
        raise RuntimeError("view size is not compatible with input tensor's size and stride (at least one "
                           "dimension spans across two contiguous subspaces). Use .reshape(...) instead.")
    return apply(VIEW, (input,), (shape,))


def _view_dtype(input, dtype):
    """``input.view(dtype)``: PyTorch's checks, then a non-differentiable view of the same bytes."""
    old = input.dtype
    if old.itemsize != dtype.itemsize:
        from .inplace import torch_type_name
        what = f"to view {torch_type_name(old)} as {torch_type_name(dtype)} (different element sizes)"
        if input.ndim == 0:
            raise RuntimeError(f"self.dim() cannot be 0 {what}")
        if input.shape[-1] != 1 and input.numel() and input.stride(-1) != 1:
            raise RuntimeError(f"self.stride(-1) must be 1 {what}, but got {input.stride(-1)}")
        if dtype.itemsize > old.itemsize:
            ratio = dtype.itemsize // old.itemsize
            if input.shape[-1] % ratio:
                raise RuntimeError(f"self.size(-1) must be divisible by {ratio} {what}, but got {input.shape[-1]}")
            if input.storage_offset() % ratio:
                raise RuntimeError(f"self.storage_offset() must be divisible by {ratio} {what}, but got "
                                   f"{input.storage_offset()}")
            for i, st in enumerate(input.stride()[:-1] if input.numel() else ()):
                if st % ratio:
                    raise RuntimeError(f"self.stride({i}) must be divisible by {ratio} {what}, but got {st}")
    from .creation import _check_dtype
    _check_dtype(input._backend, dtype, "view")
    with no_grad():  # like PyTorch, the result never requires grad
        return apply(VIEW_DTYPE, (input,), (dtype,), dtype)


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


def broadcast_to(input, size):
    """``input`` expanded to ``size`` (a view), as ``torch.broadcast_to``."""
    return expand(input, as_shape((size,), "broadcast_to"))


reg("broadcast_to")(broadcast_to)


def broadcast_shapes(*shapes):
    """The shape the given shapes broadcast to (ints count as 1-D shapes)."""
    norm = [(s,) if isinstance(s, int) else tuple(s) for s in shapes]
    for s in norm:
        for n in s:
            if n < 0:
                raise RuntimeError(f"Trying to create tensor with negative dimension {n}: {list(s)}")
    from .._tensor import Size
    return Size(_bshapes(*norm, op="broadcast_shapes"))


def broadcast_tensors(*tensors):
    """Expand all tensors to their common broadcast shape (views)."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    shape = _bshapes(*(tuple(t.shape) for t in tensors), op="broadcast_tensors")
    return tuple(expand(t, shape) for t in tensors)


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
        wrap_dim(dim0, 0, "transpose")
        wrap_dim(dim1, 0, "transpose")
        return apply(VIEW, (input,), ((),))
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
    return transpose(input, 0, 1) if input.ndim == 2 else apply(VIEW, (input,), (tuple(input.shape),))


def _as_dims(d):
    return (d,) if not isinstance(d, (tuple, list)) else tuple(d)


@reg("movedim")
def movedim(input, source, destination):
    """Move dims ``source`` to positions ``destination`` (a permuted view)."""
    n = input.ndim
    src, dst = _as_dims(source), _as_dims(destination)
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({list(src)} dims) should "
                           f"contain the same number of dims as destination ({list(dst)} dims)")
    src = [wrap_dim(d, n, "movedim") for d in src]
    dst = [wrap_dim(d, n, "movedim") for d in dst]
    if len(set(src)) != len(src):
        raise RuntimeError(f"movedim: repeated dim in `source` ({list(_as_dims(source))})")
    if len(set(dst)) != len(dst):
        raise RuntimeError(f"movedim: repeated dim in `destination` ({list(_as_dims(destination))})")
    order = [None] * n
    for s, d in zip(src, dst):
        order[d] = s
    rest = iter(i for i in range(n) if i not in src)
    order = tuple(o if o is not None else next(rest) for o in order)
    return apply(PERMUTE, (input,), (order,))


moveaxis = movedim
reg("moveaxis")(movedim)


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
        dims = (dim,) if not isinstance(dim, (tuple, list)) else tuple(dim)
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


@reg("unflatten")
def unflatten(input, dim, sizes):
    """Split dim ``dim`` into ``sizes`` (one entry may be -1)."""
    d = wrap_dim(dim, input.ndim, "unflatten")
    sizes = as_shape((sizes,), "unflatten")
    if len(sizes) == 0:
        raise RuntimeError("unflatten: sizes must be non-empty")
    n = input.shape[d]
    if sizes.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = numel([s for s in sizes if s != -1])
    if (-1 in sizes and (known == 0 or n % known)) or (-1 not in sizes and known != n):
        raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim {d} "
                           f"({n}) in the input tensor")
    sizes = tuple(n // known if s == -1 else s for s in sizes)
    shape = tuple(input.shape)
    return view(input, shape[:d] + sizes + shape[d + 1:])


@reg("ravel")
def ravel(input):
    return reshape(input, (-1,))


def _restride_(name, fn):
    """``Tensor.<name>_``: a view op applied to the tensor itself (its shape/strides change in place)."""
    def method(self, *args):
        from .inplace import check_inplace_target
        check_inplace_target(self, name + "_")
        out = fn(self, *args)
        self._data = out._data
        if out.grad_fn is not None:
            self.grad_fn, self._output_nr = out.grad_fn, out._output_nr
        return self
    method.__name__ = name + "_"
    reg(name + "_")(method)


for _name, _fn in (("squeeze", squeeze), ("unsqueeze", unsqueeze), ("transpose", transpose), ("t", t),
                   ("swapaxes", transpose), ("swapdims", transpose)):
    _restride_(_name, _fn)


# --- basic indexing views (int / slice / None keys) -------------------------------

def _key_scatter(base, src, key):
    return apply(BASIC_INDEX_SCATTER, (base, src), (key,))


def _basic_index_bwd(ctx, g):
    return (_key_scatter(g.new_zeros(ctx.shapes[0]), g, ctx.params[0]),)


def _basic_index_scatter_bwd(ctx, g):
    key = ctx.params[0]
    n = ctx.needs_input_grad
    gb = _key_scatter(g, g.new_zeros(ctx.shapes[1]), key) if n[0] else None
    gs = apply(BASIC_INDEX, (g,), (key,)) if n[1] else None
    return gb, gs


BASIC_INDEX = defop("basic_index", F, "basic_index(x, key) -> out", backward=_basic_index_bwd, view=True,
                    doc="x[key] for a normalised key: a tuple of in-range ints, slice(start, stop, step>0) "
                        "with clamped bounds, and None; a view")
BASIC_INDEX_SCATTER = defop("basic_index_scatter", F, "basic_index_scatter(x, src, key) -> out",
                            backward=_basic_index_scatter_bwd,
                            doc="a copy of x with x[key] replaced by src (src has x[key]'s shape)")


def _slice_key(dim, start, stop, step=1):
    return (slice(None),) * dim + (slice(start, stop, step),)


@reg("narrow")
def narrow(input, dim, start, length):
    """The slice ``start:start+length`` of dim ``dim`` (a view)."""
    if input.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = wrap_dim(dim, input.ndim, "narrow")
    n = input.shape[d]
    start, length = int(start), int(length)
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if not -n <= start <= n:
        raise IndexError(f"start out of range (expected to be in range of [{-n}, {n}], but got {start})")
    if start < 0:
        start += n
    if start + length > n:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
    return apply(BASIC_INDEX, (input,), (_slice_key(d, start, start + length),))


@reg("narrow_copy")
def narrow_copy(input, dim, start, length):
    """Like :func:`narrow` but returns a copy."""
    return narrow(input, dim, start, length).clone()


def slice_scatter(input, src, dim=0, start=None, end=None, step=1):
    """A copy of ``input`` with ``input[..., start:end:step, ...]`` (along ``dim``) replaced by ``src``."""
    d = wrap_dim(dim, input.ndim, "slice_scatter")
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    key = _slice_key(d, *slice(start, end, step).indices(input.shape[d]))
    want = _key_shape(tuple(input.shape), key)
    if tuple(src.shape) != want:
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = {list(src.shape)}, "
                           f"slice size = {list(want)}")
    return _key_scatter(input, src.to(input.dtype), key)


reg("slice_scatter")(slice_scatter)


def _key_shape(shape, key):
    out, i = [], 0
    for k in key:
        if k is None:
            out.append(1)
        elif isinstance(k, slice):
            out.append(len(range(*k.indices(shape[i]))))
            i += 1
        else:
            i += 1
    return tuple(out) + tuple(shape[i:])


# --- select / unbind / split -------------------------------------------------------

def _select_bwd(ctx, g):
    dim, index = ctx.params
    return (_select_scatter(g.new_zeros(ctx.shapes[0]), g, dim, index),)


def _select_scatter(base, src, dim, index):
    return apply(SELECT_SCATTER, (base, src), (dim, index))


def _select_scatter_bwd(ctx, g):
    dim, index = ctx.params
    n = ctx.needs_input_grad
    gb = _select_scatter(g, g.new_zeros(ctx.shapes[1]), dim, index) if n[0] else None
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
    """A copy of ``input`` with ``input.select(dim, index)`` replaced by ``src``."""
    d = wrap_dim(dim, input.ndim, "select_scatter")
    n = input.shape[d]
    if not -n <= index < n:
        raise IndexError(f"select_scatter(): index {index} out of range for tensor of size {list(input.shape)} at "
                         f"dimension {d}")
    want = tuple(s for i, s in enumerate(input.shape) if i != d)
    if tuple(src.shape) != want:
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = {list(src.shape)}, "
                           f"slice size = {list(want)}")
    return _select_scatter(input, src.to(input.dtype), d, index % n)


reg("select_scatter")(select_scatter)


@reg("unbind")
def unbind(input, dim=0):
    """All slices along ``dim``, as a tuple of views."""
    if input.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    d = wrap_dim(dim, input.ndim, "unbind")
    return tuple(apply(SELECT, (input,), (d, i)) for i in range(input.shape[d]))


def _split_at(input, d, bounds):
    return tuple(apply(BASIC_INDEX, (input,), (_slice_key(d, a, b),)) for a, b in bounds)


def _split_sizes(input, d, sizes):
    """Views of consecutive pieces of the given ``sizes`` along ``d``."""
    bounds, a = [], 0
    for x in sizes:
        bounds.append((a, a + x))
        a += x
    return _split_at(input, d, bounds)


def _split_dim(input, dim, op, zero_dim_msg):
    """``(d, size of d)`` for splitting ``input`` along ``dim``; a 0-d input raises ``zero_dim_msg``."""
    if input.ndim == 0:
        raise RuntimeError(zero_dim_msg)
    d = wrap_dim(dim, input.ndim, op)
    return d, input.shape[d]


@reg("split")
def split(tensor, split_size_or_sections, dim=0):
    """Split into chunks of ``split_size`` (last one smaller) or of the listed sizes (views)."""
    d, n = _split_dim(tensor, dim, "split", "split expects at least a 1-dimensional tensor")
    s = split_size_or_sections
    if isinstance(s, Tensor) and s.ndim == 0:
        s = int(s)
    if isinstance(s, int):
        if s < 0:
            raise RuntimeError(f"split expects split_size be non-negative, but got split_size={s}")
        if s == 0:
            if n:
                raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}")
            return _split_at(tensor, d, [(0, 0)])
        return _split_at(tensor, d, [(a, min(a + s, n)) for a in range(0, max(n, 1), s)])
    sizes = [int(x) for x in s]
    if sum(sizes) != n or any(x < 0 for x in sizes):
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size at "
                           f"dimension {d}), but got split_sizes={sizes}")
    return _split_sizes(tensor, d, sizes)


def split_with_sizes(input, split_sizes, dim=0):
    return split(input, list(split_sizes), dim)


reg("split_with_sizes")(split_with_sizes)


@reg("chunk")
def chunk(input, chunks, dim=0):
    """At most ``chunks`` views of (nearly) equal size along ``dim``."""
    if input.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    d = wrap_dim(dim, input.ndim, "chunk")
    n = input.shape[d]
    size = -(-n // chunks)
    if size == 0:
        return _split_at(input, d, [(0, 0)] * chunks)
    return split(input, size, d)


@reg("tensor_split")
def tensor_split(input, indices_or_sections, dim=0):
    """Split into ``sections`` parts of sizes differing by at most one, or at the given indices (views)."""
    d, n = _split_dim(input, dim, "tensor_split",
                      "tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims")
    s = indices_or_sections
    if isinstance(s, Tensor):
        if s.dtype.category != 1:
            raise RuntimeError(f"tensor_split expected tensor_indices_or_sections to have integer dtype, but got "
                               f"{s.dtype}")
        s = int(s) if s.ndim == 0 else s.tolist()
    if isinstance(s, int):
        if s <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {s}")
        q, r = divmod(n, s)
        return _split_sizes(input, d, [q + (1 if i < r else 0) for i in range(s)])
    bounds, a = [], 0
    for i in [int(i) for i in s] + [n]:
        b = min(max(i + n if i < 0 else i, 0), n)
        bounds.append((a, max(a, b)))
        a = max(a, b)
    return _split_at(input, d, bounds)


def _dir_split(name, dim, need):
    def f(input, indices_or_sections):
        if input.ndim < need:
            raise RuntimeError(f"torch.{name} requires a tensor with at least {need} dimension, but got a tensor "
                               f"with {input.ndim} dimensions!")
        d = 0 if name == "hsplit" and input.ndim == 1 else dim
        s = indices_or_sections
        if isinstance(s, int) and (s == 0 or input.shape[d] % s):
            raise RuntimeError(f"torch.{name} attempted to split along dimension {d}, but the size of the "
                               f"dimension {input.shape[d]} is not divisible by the split_size {s}!")
        return tensor_split(input, s, d)
    f.__name__ = name
    return reg(name)(f)


hsplit = _dir_split("hsplit", 1, 1)
vsplit = _dir_split("vsplit", 0, 2)
dsplit = _dir_split("dsplit", 2, 3)


# --- diagonal / unfold (strided views) ------------------------------------------------

def _diagonal_bwd(ctx, g):
    return (apply(DIAGONAL_SCATTER, (g.new_zeros(ctx.shapes[0]), g), ctx.params),)


def _diagonal_scatter_bwd(ctx, g):
    n = ctx.needs_input_grad
    gb = apply(DIAGONAL_SCATTER, (g, g.new_zeros(ctx.shapes[1])), ctx.params) if n[0] else None
    gs = apply(DIAGONAL, (g,), ctx.params) if n[1] else None
    return gb, gs


DIAGONAL = defop("diagonal", F, "diagonal(x, offset, dim1, dim2) -> out", backward=_diagonal_bwd, view=True,
                 doc="view of the diagonal of dims dim1 < or > dim2 (both wrapped, distinct); the diagonal "
                     "becomes the last dim")
DIAGONAL_SCATTER = defop("diagonal_scatter", F, "diagonal_scatter(x, src, offset, dim1, dim2) -> out",
                         backward=_diagonal_scatter_bwd, doc="copy of x with its diagonal replaced by src")


def _diag_dims(input, offset, dim1, dim2, op):
    n = input.ndim
    d1, d2 = wrap_dim(dim1, n, op), wrap_dim(dim2, n, op)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return int(offset), d1, d2


@reg("diagonal")
def diagonal(input, offset=0, dim1=0, dim2=1):
    """The diagonal of dims ``dim1``/``dim2`` as a view; it becomes the last dim."""
    return apply(DIAGONAL, (input,), _diag_dims(input, offset, dim1, dim2, "diagonal"))


def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):
    """A copy of ``input`` with ``input.diagonal(offset, dim1, dim2)`` replaced by ``src``."""
    params = _diag_dims(input, offset, dim1, dim2, "diagonal_scatter")
    want = tuple(apply(DIAGONAL, (input.detach(),), params).shape)
    if tuple(src.shape) != want:
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = {list(src.shape)}, "
                           f"slice size = {list(want)}")
    return apply(DIAGONAL_SCATTER, (input, src.to(input.dtype)), params)


reg("diagonal_scatter")(diagonal_scatter)


def _unfold_bwd(ctx, g):
    return (apply(UNFOLD_BACKWARD, (g,), (ctx.shapes[0],) + ctx.params),)


UNFOLD = defop("unfold", F, "unfold(x, dim, size, step) -> out", backward=_unfold_bwd, view=True,
               doc="sliding windows of `size` every `step` along `dim` (a view); windows become the last dim")
UNFOLD_BACKWARD = defop("unfold_backward", F, "unfold_backward(g, input_shape, dim, size, step) -> out",
                        backward=lambda ctx, g: (apply(UNFOLD, (g,), ctx.params[1:]),),
                        doc="sum the window gradients `g` back into an array of `input_shape`")


@reg("unfold")
def unfold(input, dimension, size, step):
    """Sliding windows of ``size`` every ``step`` along ``dimension`` (a view)."""
    if input.ndim == 0:
        wrap_dim(dimension, 0, "unfold")
        return unfold(input.reshape(1), 0, size, step).reshape(size)
    d = wrap_dim(dimension, input.ndim, "unfold")
    n = input.shape[d]
    if size > n:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {n} but size is {size}")
    if size < 0:
        raise RuntimeError(f"size is {size} but must be >= 0")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    return apply(UNFOLD, (input,), (d, size, step))


def _write_out(out, res):
    if out is None:
        return res
    from .inplace import write_out
    return write_out(out, res)
