"""Pooling over 1-3 spatial dims of (N, C, *sp) tensors.

    max_pool(x, kernel, stride, padding, dilation, ceil_mode) -> (values, indices)
    avg_pool(x, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override)

``indices`` follow PyTorch: the flat offset of the chosen element inside its (N, C) plane.  Both ops
have fused kernels and decompositions (padding + ``unfold`` windows + a reduction); their gradients
are the ``*_backward`` ops (each the other's adjoint, so double backward works).  Adaptive pooling
and max-unpooling are compositions: adaptive average pooling is one matmul per spatial dim with a
constant averaging matrix, adaptive max pooling gathers padded windows, unpooling scatters.
"""
from __future__ import annotations

from .. import _dtype as D
from .._dispatch import apply
from .._op import defop
from .conv import col2im, windows
from .creation import arange, full, tensor, zeros
from .indexing import gather

F = "pool"


def _prod(xs):
    n = 1
    for x in xs:
        n *= x
    return n


def pool_output_size(n, k, s, p, dl, ceil_mode):
    """PyTorch's pooling_output_shape for one dim."""
    num = n + 2 * p - dl * (k - 1) - 1 + (s - 1 if ceil_mode else 0)
    out = num // s + 1
    if ceil_mode and (out - 1) * s >= n + p:
        out -= 1
    return out


def pool_geometry(sizes, kernel, stride, padding, dilation, ceil_mode):
    """Output spatial shape and the (left, right) padding whose windows are exactly the output's."""
    osp, pads = [], []
    for n, k, s, p, dl in zip(sizes, kernel, stride, padding, dilation):
        o = pool_output_size(n, k, s, p, dl, ceil_mode)
        osp.append(o)
        pads.append((p, max((o - 1) * s + (k - 1) * dl + 1 - n - p, 0)))
    return tuple(osp), pads


def avg_divisor_factors(sizes, osp, kernel, stride, padding, count_include_pad):
    """Per spatial dim, the divisor factor of each output position (the divisor is their product)."""
    out = []
    for n, o_n, k, s, p in zip(sizes, osp, kernel, stride, padding):
        f = []
        for o in range(o_n):
            start = o * s - p
            end = min(start + k, n + p)
            size = end - start
            if not count_include_pad:
                size = min(end, n) - max(start, 0)
            f.append(float(size))
        out.append(f)
    return out


def _avg_divisor(x, sizes, osp, kernel, stride, padding, count_include_pad, divisor_override):
    if divisor_override:
        return float(divisor_override)
    div = None
    d = len(kernel)
    for i, f in enumerate(avg_divisor_factors(sizes, osp, kernel, stride, padding, count_include_pad)):
        t = tensor(f, dtype=x.dtype, device=x.device).reshape((len(f),) + (1,) * (d - 1 - i))
        div = t if div is None else div * t
    return div


# --- max pooling -------------------------------------------------------------------------------------

def _max_pool_decomp(x, kernel, stride, padding, dilation, ceil_mode):
    d = len(kernel)
    sizes = tuple(x.shape[2:])
    osp, pads = pool_geometry(sizes, kernel, stride, padding, dilation, ceil_mode)
    low = float("-inf") if x.dtype.is_floating_point else D.iinfo(x.dtype).min
    w = windows(x, kernel, stride, pads, dilation, low)
    w = w.reshape(tuple(x.shape[:2]) + osp + (_prod(kernel),))
    vals, am = w.max(-1)
    idx = None
    rest = _prod(kernel)
    for i in range(d):
        rest //= kernel[i]
        kc = (am // rest) % kernel[i]
        base = (arange(osp[i], device=x.device) * stride[i] - padding[i]).reshape((osp[i],) + (1,) * (d - 1 - i))
        coord = base + kc * dilation[i]
        idx = coord if idx is None else idx * sizes[i] + coord
    return vals, idx


def _max_pool_bwd(ctx, g, _gi=None):
    return (apply(MAX_POOL_BACKWARD, (g, ctx.output[1]), (ctx.shapes[0],)),)


def _flat(t):
    return t.reshape(t.shape[0], t.shape[1], _prod(t.shape[2:]))


def _max_pool_backward_decomp(g, indices, input_shape):
    base = zeros((input_shape[0], input_shape[1], _prod(input_shape[2:])), dtype=g.dtype, device=g.device)
    return base.scatter_add(2, _flat(indices), _flat(g)).reshape(input_shape)


def _max_pool_backward_bwd(ctx, h):
    g, indices = ctx.saved
    return (gather(_flat(h), 2, _flat(indices)).reshape(g.shape), None)


MAX_POOL = defop("max_pool", F, "max_pool(x, kernel, stride, padding, dilation, ceil_mode) -> (values, indices)",
                 backward=_max_pool_bwd, save="output", nout=2, decomposition=_max_pool_decomp,
                 doc="N-d max pooling of (N, C, *sp); indices are int64 flat offsets into each (N, C) plane")
MAX_POOL_BACKWARD = defop("max_pool_backward", F, "max_pool_backward(g, indices, input_shape) -> out",
                          backward=_max_pool_backward_bwd, save="inputs", decomposition=_max_pool_backward_decomp,
                          doc="scatter-add g into an input_shape tensor at the flat plane offsets `indices`")


# --- average pooling ---------------------------------------------------------------------------------

def _avg_pool_decomp(x, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override):
    d = len(kernel)
    ones = (1,) * d
    sizes = tuple(x.shape[2:])
    osp, pads = pool_geometry(sizes, kernel, stride, padding, ones, ceil_mode)
    s = windows(x, kernel, stride, pads, ones).sum(tuple(range(2 + d, 2 + 2 * d)))
    return s / _avg_divisor(x, sizes, osp, kernel, stride, padding, count_include_pad, divisor_override)


def _avg_pool_backward_decomp(g, input_shape, kernel, stride, padding, ceil_mode, count_include_pad,
                              divisor_override):
    d = len(kernel)
    ones = (1,) * d
    sizes = tuple(input_shape[2:])
    osp, pads = pool_geometry(sizes, kernel, stride, padding, ones, ceil_mode)
    gd = g / _avg_divisor(g, sizes, osp, kernel, stride, padding, count_include_pad, divisor_override)
    gd = gd.reshape(tuple(g.shape) + ones).expand(tuple(g.shape) + tuple(kernel))
    return col2im(gd, input_shape, kernel, stride, pads, ones)


def _avg_pool_bwd(ctx, g):
    return (apply(AVG_POOL_BACKWARD, (g,), (ctx.shapes[0],) + ctx.params),)


def _avg_pool_backward_bwd(ctx, h):
    return (apply(AVG_POOL, (h,), ctx.params[1:]),)


AVG_POOL = defop("avg_pool", F,
                 "avg_pool(x, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override) -> out",
                 backward=_avg_pool_bwd, decomposition=_avg_pool_decomp,
                 doc="N-d average pooling of (N, C, *sp); divisor_override 0/None means none")
AVG_POOL_BACKWARD = defop(
    "avg_pool_backward", F,
    "avg_pool_backward(g, input_shape, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override) -> out",
    backward=_avg_pool_backward_bwd, decomposition=_avg_pool_backward_decomp,
    doc="the adjoint of avg_pool: spread each g / divisor over its window")


# --- checked entry points (batched (N, C, *sp) inputs, tuples of ints) ----------------------------------

def _check_geometry(name, x, kernel, stride, padding, dilation):
    if any(k <= 0 for k in kernel):
        raise RuntimeError(f"{name}(): kernel_size must be greater than zero, but got {list(kernel)}")
    if any(s <= 0 for s in stride):
        raise RuntimeError("stride should not be zero")
    if any(dl <= 0 for dl in dilation):
        raise RuntimeError(f"dilation must be greater than zero, but got {list(dilation)}")
    for k, p, dl in zip(kernel, padding, dilation):
        if p < 0:
            raise RuntimeError(f"pad must be non-negative, but got pad: {p}")
        if p > ((k - 1) * dl + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={p}, "
                               f"kernel_size={k} and dilation={dl}")


def _check_output(x, osp):
    if any(o < 1 for o in osp):
        c = x.shape[1]
        raise RuntimeError(f"Given input size: ({'x'.join(str(v) for v in (c,) + tuple(x.shape[2:]))}). "
                           f"Calculated output size: ({'x'.join(str(v) for v in (c,) + tuple(osp))}). "
                           f"Output size is too small")


def max_pool(x, kernel, stride, padding, dilation, ceil_mode):
    """(values, indices) of N-d max pooling over the trailing ``len(kernel)`` dims of a batched input."""
    _check_geometry("max_pool", x, kernel, stride, padding, dilation)
    if x.dtype is D.bool:
        raise RuntimeError("\"max_pool2d\" not implemented for 'Bool'")
    osp, _ = pool_geometry(tuple(x.shape[2:]), kernel, stride, padding, dilation, ceil_mode)
    _check_output(x, osp)
    return apply(MAX_POOL, (x,), (kernel, stride, padding, dilation, bool(ceil_mode)), (x.dtype, D.int64))


def avg_pool(x, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override):
    _check_geometry("avg_pool", x, kernel, stride, padding, (1,) * len(kernel))
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    if not x.dtype.is_floating_point:
        raise RuntimeError(f"\"avg_pool2d\" not implemented for '{x.dtype.name}'")
    osp, _ = pool_geometry(tuple(x.shape[2:]), kernel, stride, padding, (1,) * len(kernel), ceil_mode)
    _check_output(x, osp)
    return apply(AVG_POOL, (x,), (kernel, stride, padding, bool(ceil_mode), bool(count_include_pad),
                                  int(divisor_override) if divisor_override else None))


def adaptive_bounds(n, o):
    """Per output position, the [start, end) input window of adaptive pooling."""
    return [((i * n) // o, -((-(i + 1) * n) // o)) for i in range(o)]


def adaptive_avg_pool(x, output_size):
    """Adaptive average pooling over the trailing ``len(output_size)`` dims: a matmul per dim."""
    d = len(output_size)
    sizes = tuple(x.shape[x.ndim - d:])
    if x.ndim == d + 2 and all(o > 0 and n % o == 0 for n, o in zip(sizes, output_size)) and \
            x.dtype.is_floating_point and x.numel():
        # equal windows (e.g. global pooling): the fused average pool
        k = tuple(n // o for n, o in zip(sizes, output_size))
        return apply(AVG_POOL, (x,), (k, k, (0,) * d, False, True, None))
    for i in range(d):
        n, o = x.shape[x.ndim - d + i], output_size[i]
        if o == n:
            continue
        rows = []
        for a, b in adaptive_bounds(n, o):
            rows.append([1.0 / (b - a) if a <= j < b else 0.0 for j in range(n)])
        m = tensor(rows, dtype=x.dtype, device=x.device)
        x = (x.movedim(x.ndim - d + i, -1) @ m.t()).movedim(-1, x.ndim - d + i)
    return x


def adaptive_max_pool(x, output_size):
    """(values, indices) of adaptive max pooling over the trailing ``len(output_size)`` dims."""
    d = len(output_size)
    sizes = tuple(x.shape[-d:])
    low = float("-inf") if x.dtype.is_floating_point else D.iinfo(x.dtype).min
    # pad each dim with one lowest value at position n; window slots past a window's end point there
    xp = x
    for i in range(d):
        xp = _cat_low(xp, x.ndim - d + i, low)
    idx_lists = []
    for i, (n, o) in enumerate(zip(sizes, output_size)):
        bounds = adaptive_bounds(n, o)
        kmax = max(b - a for a, b in bounds)
        idx_lists.append([[a + j if a + j < b else n for j in range(kmax)] for a, b in bounds])
    # gather the windows: (..., o1, k1, o2, k2, ...)
    keys = []
    for i, lst in enumerate(idx_lists):
        o, k = len(lst), len(lst[0])
        shape = [1] * (2 * d)
        shape[2 * i], shape[2 * i + 1] = o, k
        keys.append(tensor(lst, dtype=D.int64, device=x.device).reshape(shape))
    lead = x.ndim - d
    win = xp[(slice(None),) * lead + tuple(keys)]
    perm = tuple(range(lead)) + tuple(lead + 2 * i for i in range(d)) + tuple(lead + 2 * i + 1 for i in range(d))
    win = win.permute(perm)
    win = win.reshape(tuple(win.shape[:lead + d]) + (-1,))
    vals, am = win.max(-1)
    # flat plane offset of every window slot, then pick the argmax's
    flat = None
    for i, lst in enumerate(idx_lists):
        n = sizes[i]
        shape = [1] * (2 * d)
        shape[i], shape[d + i] = len(lst), len(lst[0])
        t = tensor([[min(v, n - 1) for v in row] for row in lst], dtype=D.int64, device=x.device).reshape(shape)
        flat = t if flat is None else flat * n + t
    flat = flat.expand(tuple(output_size) + tuple(len(lst[0]) for lst in idx_lists)).reshape(tuple(output_size)
                                                                                             + (-1,))
    flat = flat.expand(tuple(am.shape) + (flat.shape[-1],))
    idx = gather(flat, -1, am.unsqueeze(-1)).squeeze(-1)
    return vals, idx


def _cat_low(x, dim, low):
    from .joining import cat
    shape = list(x.shape)
    shape[dim] = 1
    return cat([x, full(tuple(shape), low, dtype=x.dtype, device=x.device)], dim)


def max_unpool(x, indices, output_size):
    """Scatter ``x`` into zeros of spatial ``output_size`` at the flat plane offsets ``indices``."""
    n, c = x.shape[0], x.shape[1]
    plane = _prod(output_size)
    if indices.numel() and (int(indices.max()) >= plane or int(indices.min()) < 0):
        raise RuntimeError(f"Found an invalid max index: {int(indices.max())} (output volumes are of size "
                           f"{'x'.join(str(v) for v in output_size)})")
    base = zeros((n, c, plane), dtype=x.dtype, device=x.device)
    out = base.scatter(2, _flat(indices), _flat(x))
    return out.reshape((n, c) + tuple(output_size))

