"""Pooling (``torch.nn.functional``): max / average / adaptive / power-average pooling and max-unpooling
over 1-3 spatial dims.  Arguments are normalised here; the work is in :mod:`ember.ops.pool`."""
from __future__ import annotations

from ... import _dtype as D
from ...ops import pool as P
from ...ops.creation import arange, tensor
from ...ops.elementwise import sign
from ...ops.indexing import gather
from ...ops.joining import cat
from ...ops.random import rand
from ._conv import ntuple

__all__ = [
    "adaptive_avg_pool1d",
    "adaptive_avg_pool2d",
    "adaptive_avg_pool3d",
    "adaptive_max_pool1d",
    "adaptive_max_pool1d_with_indices",
    "adaptive_max_pool2d",
    "adaptive_max_pool2d_with_indices",
    "adaptive_max_pool3d",
    "adaptive_max_pool3d_with_indices",
    "avg_pool1d",
    "avg_pool2d",
    "avg_pool3d",
    "fractional_max_pool2d",
    "fractional_max_pool2d_with_indices",
    "fractional_max_pool3d",
    "fractional_max_pool3d_with_indices",
    "lp_pool1d",
    "lp_pool2d",
    "lp_pool3d",
    "max_pool1d",
    "max_pool1d_with_indices",
    "max_pool2d",
    "max_pool2d_with_indices",
    "max_pool3d",
    "max_pool3d_with_indices",
    "max_unpool1d",
    "max_unpool2d",
    "max_unpool3d",
]


def _batched(input, d, name, kind="max"):
    """(batched input, was_unbatched) for a pool over ``d`` dims; the rank error reads as PyTorch's for ``kind``
    ("max", "avg", "adaptive" (max) or "adaptive_avg")."""
    if input.ndim not in (d + 1, d + 2):
        if kind == "max" and d == 1:
            raise RuntimeError(f"max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size "
                               f"for input, but got:{list(input.shape)}")
        if kind.startswith("adaptive"):
            colon = ":" if kind == "adaptive" else ""
            raise RuntimeError(f"{name}(): Expected {d + 1}D or {d + 2}D tensor, but got{colon} {list(input.shape)}")
        if d == 1:
            raise RuntimeError(f"Expected 2 to 3 dimensions, but got {input.ndim}-dimensional tensor for argument #1 "
                               f"'self' (while checking arguments for {name})")
        raise RuntimeError(f"non-empty {d + 1}D or {d + 2}D (batch mode) tensor expected for input")
    if input.ndim == d + 1:
        return input.unsqueeze(0), True
    return input, False


def _unbatch(t, unbatched):
    return t.squeeze(0) if unbatched else t


def _stride(stride, kernel, d):
    if stride is None or (isinstance(stride, (list, tuple)) and len(stride) == 0):
        return kernel
    return ntuple(stride, d, "stride")


def _max_pool(d, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices):
    x, unb = _batched(input, d, f"max_pool{d}d")
    k = ntuple(kernel_size, d, "kernel_size")
    vals, idx = P.max_pool(x, k, _stride(stride, k, d), ntuple(padding, d, "padding"),
                           ntuple(dilation, d, "dilation"), ceil_mode)
    vals, idx = _unbatch(vals, unb), _unbatch(idx, unb)
    return (vals, idx) if return_indices else vals


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """1-D max pooling over (N, C, L) or (C, L); ``return_indices`` also returns the argmax offsets."""
    return _max_pool(1, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """2-D max pooling over (N, C, H, W) or (C, H, W); padding counts as -inf.

        >>> F.max_pool2d(ember.arange(16.).reshape(1, 1, 4, 4), 2)
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]])
    """
    return _max_pool(2, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """3-D max pooling over (N, C, D, H, W) or (C, D, H, W)."""
    return _max_pool(3, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    return _max_pool(1, input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    return _max_pool(2, input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    return _max_pool(3, input, kernel_size, stride, padding, dilation, ceil_mode, True)


def _avg_pool(d, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override):
    x, unb = _batched(input, d, f"avg_pool{d}d", kind="avg")
    k = ntuple(kernel_size, d, "kernel_size")
    out = P.avg_pool(x, k, _stride(stride, k, d), ntuple(padding, d, "padding"), ceil_mode, count_include_pad,
                     divisor_override)
    return _unbatch(out, unb)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """1-D average pooling over (N, C, L) or (C, L)."""
    return _avg_pool(1, input, kernel_size, stride, padding, ceil_mode, count_include_pad, None)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """2-D average pooling; ``count_include_pad`` counts the zero padding in the divisor."""
    return _avg_pool(2, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """3-D average pooling."""
    return _avg_pool(3, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)


def _output_size(output_size, x, d, name):
    if isinstance(output_size, (list, tuple)):
        if len(output_size) != d:
            raise RuntimeError(f"{name}: internal error: output_size.size() must be {d}")
        sizes = tuple(x.shape[x.ndim - d + i] if v is None else int(v) for i, v in enumerate(output_size))
    else:
        sizes = (int(output_size),) * d
    if any(s < 0 for s in sizes):
        raise RuntimeError(f"{name}: elements of output_size must be greater than or equal to 0 but received "
                           f"{list(sizes)}")
    return sizes


def _adaptive_avg(d, input, output_size):
    name = f"adaptive_avg_pool{d}d"
    x, unb = _batched(input, d, name, kind="adaptive_avg" if d > 1 else "avg")
    return _unbatch(P.adaptive_avg_pool(x, _output_size(output_size, x, d, name)), unb)


def adaptive_avg_pool1d(input, output_size):
    """Average pooling to a fixed output length, windows [floor(i*L/o), ceil((i+1)*L/o))."""
    return _adaptive_avg(1, input, output_size)


def adaptive_avg_pool2d(input, output_size):
    """Average pooling to a fixed (H, W) (an int, or a pair whose None entries keep the input size)."""
    return _adaptive_avg(2, input, output_size)


def adaptive_avg_pool3d(input, output_size):
    return _adaptive_avg(3, input, output_size)


def _adaptive_max(d, input, output_size, return_indices):
    name = f"adaptive_max_pool{d}d"
    if input.ndim not in (d + 1, d + 2):
        if d == 1:
            raise RuntimeError(f"adaptive_max_pool1d() argument 'input' (position 1) must be 2D or 3D, got "
                               f"{input.ndim}D")
        raise RuntimeError(f"{name}(): Expected {d + 1}D or {d + 2}D tensor, but got: {list(input.shape)}")
    x, unb = _batched(input, d, name, kind="adaptive")
    sizes = _output_size(output_size, x, d, name)
    if any(s == 0 for s in sizes) or any(n == 0 for n in x.shape[2:]):
        raise RuntimeError(f"{name}(): Expected input to have non-zero size for non-batch dimensions, but input "
                           f"has sizes {list(input.shape)} with dimension {input.ndim - 1} being empty")
    vals, idx = P.adaptive_max_pool(x, sizes)
    vals, idx = _unbatch(vals, unb), _unbatch(idx, unb)
    return (vals, idx) if return_indices else vals


def adaptive_max_pool1d(input, output_size, return_indices=False):
    return _adaptive_max(1, input, output_size, return_indices)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Max pooling to a fixed (H, W); ``return_indices`` also returns flat argmax offsets."""
    return _adaptive_max(2, input, output_size, return_indices)


def adaptive_max_pool3d(input, output_size, return_indices=False):
    return _adaptive_max(3, input, output_size, return_indices)


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=False):
    return _adaptive_max(1, input, output_size, True)


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=False):
    return _adaptive_max(2, input, output_size, True)


def adaptive_max_pool3d_with_indices(input, output_size, return_indices=False):
    return _adaptive_max(3, input, output_size, True)


def _lp_pool(d, input, norm_type, kernel_size, stride, ceil_mode):
    k = ntuple(kernel_size, d, "kernel_size")
    out = _avg_pool(d, input.pow(norm_type), k, stride, 0, ceil_mode, True, None)
    n = 1
    for v in k:
        n *= v
    return (sign(out) * out.abs().clamp_min(0)).mul(n).pow(1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """Power-average pooling: (sum over the window of x**p) ** (1/p)."""
    return _lp_pool(1, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    return _lp_pool(2, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    return _lp_pool(3, input, norm_type, kernel_size, stride, ceil_mode)


def _unpool_size(x, d, kernel, stride, padding, output_size):
    default = tuple((x.shape[x.ndim - d + i] - 1) * stride[i] + kernel[i] - 2 * padding[i] for i in range(d))
    if output_size is None:
        return default
    output_size = tuple(int(v) for v in output_size)
    if len(output_size) == d + 2 or len(output_size) == d + 1 and x.ndim == d + 1:
        output_size = output_size[-d:]
    if len(output_size) != d:
        raise ValueError(f"output_size should be a sequence containing {d} or {d + 2} elements, but it has a "
                         f"length of '{len(output_size)}'")
    for i, (o, df) in enumerate(zip(output_size, default)):
        lo, hi = df - stride[i], df + stride[i]
        if not lo < o < hi:
            raise ValueError(f'invalid output_size "{output_size}" (dim {i} must be between {lo} and {hi})')
    return output_size


def _max_unpool(d, input, indices, kernel_size, stride, padding, output_size):
    k = ntuple(kernel_size, d, "kernel_size")
    s = _stride(stride, k, d)
    p = ntuple(padding, d, "padding")
    size = _unpool_size(input, d, k, s, p, output_size)
    unb = input.ndim == d + 1
    x = input.unsqueeze(0) if unb else input
    idx = indices.unsqueeze(0) if unb else indices
    if tuple(idx.shape) != tuple(x.shape):
        raise RuntimeError(f"Expected shape of indices to be same as that of the input tensor "
                           f"({list(x.shape)}) but got indices tensor with shape: {list(idx.shape)}")
    return _unbatch(P.max_unpool(x, idx, size), unb)


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The partial inverse of max_pool1d: values go back to their ``indices``, zeros elsewhere."""
    return _max_unpool(1, input, indices, kernel_size, stride, padding, output_size)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    return _max_unpool(2, input, indices, kernel_size, stride, padding, output_size)


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    return _max_unpool(3, input, indices, kernel_size, stride, padding, output_size)


# --- fractional max pooling (Graham, 2014) ---------------------------------------------------------------------

def _fractional_starts(u, n, o, k):
    """Window starts (..., o) from uniform samples ``u`` (...), as PyTorch's generate_intervals."""
    idx = arange(o, device=u.device).to(u.dtype)
    if o > 1:
        alpha = tensor(float(n - k), dtype=u.dtype, device=u.device) / tensor(float(o - 1), dtype=u.dtype,
                                                                               device=u.device)
        starts = ((idx + u.unsqueeze(-1)) * alpha).floor() - (u * alpha).floor().unsqueeze(-1)
        starts = starts.long()
    else:
        starts = (idx * 0).long().expand(tuple(u.shape) + (o,))
    last = tensor([n - k], dtype=D.int64, device=u.device).expand(tuple(u.shape) + (1,))
    return cat([starts.narrow(-1, 0, o - 1), last], -1)


def _fractional(d, input, kernel_size, output_size, output_ratio, return_indices, _random_samples):
    name = f"fractional_max_pool{d}d"
    if output_size is None and output_ratio is None:
        raise ValueError(f"{name} requires specifying either an output_size or an output_ratio")
    if input.ndim not in (d + 1, d + 2):
        raise RuntimeError(f"{name}(): Expected {d + 1}D or {d + 2}D tensor, but got: {list(input.shape)}")
    k = ntuple(kernel_size, d, "kernel_size")
    sizes = tuple(input.shape[-d:])
    if output_size is None:
        ratio = tuple(output_ratio) if isinstance(output_ratio, (list, tuple)) else (output_ratio,) * d
        if len(ratio) == 1:
            ratio = ratio * d
        output_size = [int(n * r) for n, r in zip(sizes, ratio)]
    out = ntuple(output_size, d, "output_size")
    names = ("time", "height", "width")[-d:]
    for n, o, kk, nm in zip(sizes, out, k, names):
        if o + kk - 1 > n:
            raise RuntimeError(f"{name}(): pool {nm} {kk} too large relative to input {nm} {n}")
    x, unb = (input.unsqueeze(0), True) if input.ndim == d + 1 else (input, False)
    n_b, c = x.shape[0], x.shape[1]
    if _random_samples is None:
        _random_samples = rand(n_b, c, d, dtype=x.dtype, device=x.device)
    # PyTorch's sample order: (w, h) for 2-D, (t, h, w) for 3-D
    order = (1, 0) if d == 2 else (0, 1, 2)
    flat = None
    for i in range(d):
        st = _fractional_starts(_random_samples.select(2, order[i]), sizes[i], out[i], k[i])  # (N, C, o_i)
        pos = st.unsqueeze(-1) + arange(k[i], device=x.device)  # (N, C, o_i, k_i)
        shape = [n_b, c] + [1] * (2 * d)
        shape[2 + i], shape[2 + d + i] = out[i], k[i]
        pos = pos.reshape(shape)
        flat = pos if flat is None else flat * sizes[i] + pos
    full = (n_b, c) + out + k
    kn = 1
    for v in k:
        kn *= v
    on = 1
    for v in out:
        on *= v
    flat = flat.expand(full).reshape(n_b, c, on * kn)
    win = gather(x.reshape(n_b, c, -1), 2, flat).reshape((n_b, c) + out + (kn,))
    vals, am = win.max(-1)
    idx = gather(flat.reshape((n_b, c) + out + (kn,)), -1, am.unsqueeze(-1)).squeeze(-1)
    if unb:
        vals, idx = vals.squeeze(0), idx.squeeze(0)
    return (vals, idx) if return_indices else vals


def fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                          _random_samples=None):
    """Fractional max pooling over (N, C, H, W): pseudo-random window starts so the output size is arbitrary."""
    return _fractional(2, input, kernel_size, output_size, output_ratio, return_indices, _random_samples)


def fractional_max_pool3d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                          _random_samples=None):
    """Fractional max pooling over (N, C, T, H, W)."""
    return _fractional(3, input, kernel_size, output_size, output_ratio, return_indices, _random_samples)


def fractional_max_pool2d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    return _fractional(2, input, kernel_size, output_size, output_ratio, True, _random_samples)


def fractional_max_pool3d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    return _fractional(3, input, kernel_size, output_size, output_ratio, True, _random_samples)
