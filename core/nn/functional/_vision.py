"""Vision functions (``torch.nn.functional``): padding, interpolation / upsampling, grid sampling,
pixel and channel shuffles, and sliding-block fold / unfold.

All are compositions of ember ops: padding modes are one ``index_select`` per dim (constant padding
is a scatter into a filled tensor), linear / cubic interpolation is one matmul per spatial dim with a
constant interpolation matrix (nearest is an ``index_select``), and grid sampling gathers the corner
values of every sample point.
"""
from __future__ import annotations

import itertools
import math as _m
import struct
import warnings

from ... import _dtype as D
from ...ops.conv import col2im, pad_trailing, windows
from ...ops.creation import linspace, ones, tensor
from ...ops.elementwise import where
from ...ops.indexing import gather
from ...ops.joining import stack
from ._conv import ntuple
from ._pooling import adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d

__all__ = [
    "affine_grid",
    "channel_shuffle",
    "fold",
    "grid_sample",
    "interpolate",
    "native_channel_shuffle",
    "pad",
    "pixel_shuffle",
    "pixel_unshuffle",
    "unfold",
    "upsample",
    "upsample_bilinear",
    "upsample_nearest",
]


# --- pad ----------------------------------------------------------------------------------------------

def _index(lst, like):
    return tensor(lst, dtype=D.int64, device=like.device)


def _source_indices(n, left, right, mode):
    if mode == "reflect":
        def f(j):
            j = abs(j)
            return 2 * (n - 1) - j if j >= n else j
    elif mode == "replicate":
        def f(j):
            return min(max(j, 0), n - 1)
    else:  # circular
        def f(j):
            return j % n
    return [f(j) for j in range(-left, n + right)]


def pad(input, pad, mode="constant", value=None):
    """Pad the last ``len(pad) // 2`` dims: ``pad = (left_last, right_last, left_prev, right_prev, ...)``.

    Modes: ``'constant'`` (``value``, default 0; negative amounts crop), ``'reflect'``, ``'replicate'``,
    ``'circular'``.

        >>> F.pad(ember.tensor([[1., 2.]]), (1, 1), mode='replicate')
        tensor([[1., 1., 2., 2.]])
    """
    pad = [int(p) for p in pad]
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    nd = len(pad) // 2
    if nd > input.ndim:
        raise RuntimeError(f"Padding length should be less than or equal to two times the input dimension but got "
                           f"padding length {len(pad)} and input of dimension {input.ndim}")
    pairs = [(pad[2 * i], pad[2 * i + 1]) for i in range(nd)][::-1]  # first padded dim first
    lead = input.ndim - nd
    if mode == "constant":
        x = input
        for i, (a, b) in enumerate(pairs):
            if a < 0 or b < 0:
                dim = lead + i
                n = x.shape[dim]
                start, stop = max(-a, 0), n - max(-b, 0)
                if stop - start < 0:
                    raise RuntimeError(f"The input size {n}, plus negative padding {a} and {b} resulted in a "
                                       f"negative output size, which is invalid. Check dimension {dim} of your "
                                       f"input.")
                x = x.narrow(dim, start, stop - start)
        return pad_trailing(x, [(max(a, 0), max(b, 0)) for a, b in pairs], 0 if value is None else value)
    if mode not in ("reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    if input.ndim not in (nd + 1, nd + 2) or nd > 3:
        raise NotImplementedError(
            f"Padding size {len(pad)} is not supported for {input.ndim}D input tensor.\n"
            "Supported combinations for non-constant padding:\n"
            "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
            "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
            "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")
    x = input
    for i, (a, b) in enumerate(pairs):
        dim = lead + i
        n = x.shape[dim]
        if mode == "reflect" and (a >= n or b >= n):
            raise RuntimeError(f"Argument #4: Padding size should be less than the corresponding input dimension, "
                               f"but got: padding ({a}, {b}) at dimension {dim} of input {list(input.shape)}")
        if mode == "circular" and (a > n or b > n):
            raise RuntimeError("Padding value causes wrapping around more than once.")
        if mode == "replicate" and n == 0 and (a or b):
            raise RuntimeError(f"padding size is expected to be {nd * 2}, but got: {len(pad)}")
        if a == 0 and b == 0:
            continue
        if mode == "circular" and (a < 0 or b < 0):
            # PyTorch crops first, then wraps around the cropped dim
            start, stop = max(-a, 0), n - max(-b, 0)
            x = x.narrow(dim, start, stop - start)
            n, a, b = stop - start, max(a, 0), max(b, 0)
        x = x.index_select(dim, _index(_source_indices(n, a, b, mode), x))
    return x


# --- interpolate ----------------------------------------------------------------------------------------

_INTERP = ("linear", "bilinear", "bicubic", "trilinear")
_MODE_DIMS = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}


def _f32(v):
    return struct.unpack("f", struct.pack("f", v))[0]


def _scale(n_in, n_out, align_corners, scale):
    """PyTorch's area_pixel_compute_scale (scale: the user's scale factor or None)."""
    if align_corners:
        return (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
    return 1.0 / scale if scale is not None and scale > 0 else n_in / n_out


def _nearest_indices(n_in, n_out, scale, exact):
    s = _f32(1.0 / scale if scale is not None and scale > 0 else n_in / n_out)
    off = 0.5 if exact else 0.0
    return [min(_m.floor(_f32(_f32(o + off) * s)), n_in - 1) for o in range(n_out)]


def _cubic_weights(t, a=-0.75):
    def c1(x):
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def c2(x):
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    return (c2(t + 1.0), c1(t), c1(1.0 - t), c2(2.0 - t))


def _interp_matrix(n_in, n_out, align_corners, scale, cubic):
    s = _scale(n_in, n_out, align_corners, scale)
    rows = []
    for o in range(n_out):
        src = s * o if align_corners else s * (o + 0.5) - 0.5
        row = [0.0] * n_in
        if cubic:
            i0 = _m.floor(src)
            for j, w in enumerate(_cubic_weights(src - i0)):
                row[min(max(i0 - 1 + j, 0), n_in - 1)] += w
        else:
            src = max(src, 0.0)
            i0 = int(src)
            i1 = i0 + 1 if i0 < n_in - 1 else i0
            lam = src - i0
            row[i0] += 1.0 - lam
            row[i1] += lam
        rows.append(row)
    return rows


def _aa_filter(x, cubic):
    x = abs(x)
    if not cubic:
        return 1.0 - x if x < 1.0 else 0.0
    a = -0.5
    if x < 1.0:
        return ((a + 2.0) * x - (a + 3.0)) * x * x + 1
    if x < 2.0:
        return (((x - 5) * x + 8) * x - 4) * a
    return 0.0


def _antialias_matrix(n_in, n_out, align_corners, scale, cubic):
    """PyTorch's anti-aliased (PIL-style) resampling weights: the filter is stretched by the downscale factor."""
    s = _scale(n_in, n_out, align_corners, scale)
    support = (4 if cubic else 2) * 0.5 * max(s, 1.0)
    invscale = 1.0 / s if s >= 1.0 else 1.0
    rows = []
    for o in range(n_out):
        center = s * (o + 0.5)
        lo = max(int(center - support + 0.5), 0)
        hi = min(int(center + support + 0.5), n_in)
        w = [_aa_filter((j - center + 0.5) * invscale, cubic) for j in range(lo, hi)]
        total = sum(w)
        row = [0.0] * n_in
        for j, v in zip(range(lo, hi), w):
            row[j] = v / total if total != 0.0 else v
        rows.append(row)
    return rows


def _along(x, dim, m):
    """Contract dim ``dim`` of ``x`` with the (out, in) matrix ``m``."""
    return (x.movedim(dim, -1) @ m.t()).movedim(-1, dim)


def _per_dim(value, d, cast, mismatch):
    """``value`` (a number, or a list/tuple of ``d``) as a list of ``d`` values through ``cast``; a sequence of
    another length raises ``ValueError(mismatch())``."""
    if isinstance(value, (list, tuple)):
        if len(value) != d:
            raise ValueError(mismatch())
        return [cast(v) for v in value]
    return [cast(value)] * d


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """Resize the spatial dims of (N, C, *sp) ``input`` to ``size`` or by ``scale_factor``.

    Modes: nearest, nearest-exact, linear (3-D), bilinear / bicubic (4-D), trilinear (5-D), area;
    ``antialias=True`` (bilinear / bicubic) low-pass filters when downsampling, as PyTorch / PIL.
    """
    d = input.ndim - 2
    modes = ("nearest", "linear", "bilinear", "bicubic", "trilinear", "area", "nearest-exact")
    if mode not in modes or d not in (1, 2, 3):
        raise NotImplementedError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) for the modes: nearest | "
            f"linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact (got {mode})")
    if mode in _INTERP:
        if align_corners is None:
            align_corners = False
    elif align_corners is not None:
        raise ValueError("align_corners option can only be set with the interpolating modes: linear | bilinear | "
                         "bicubic | trilinear")
    if antialias and not (mode in ("bilinear", "bicubic") and d == 2):
        raise ValueError("Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and requires "
                             "a 4-D tensor as input")
    sp = list(input.shape[2:])
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        out = _per_dim(size, d, int, lambda: (
            f"Input and output must have the same number of spatial dimensions, but got input with spatial "
            f"dimensions of {sp} and output size of {size}. Please provide input tensor in (N, C, d1, d2, ...,dK) "
            f"format and output size in (o1, o2, ...,oK) format."))
        scales = [None] * d
    elif scale_factor is not None:
        scales = _per_dim(scale_factor, d, float, lambda: (
            f"Input and scale_factor must have the same number of spatial dimensions, but got input with spatial "
            f"dimensions of {sp} and scale_factor of shape {scale_factor}. Please provide input tensor in (N, C, d1, "
            f"d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) format."))
        out = [_m.floor(float(n) * s) for n, s in zip(sp, scales)]
        if recompute_scale_factor:
            scales = [None] * d
    else:
        raise ValueError("either size or scale_factor should be defined")
    if mode in _MODE_DIMS and _MODE_DIMS[mode] != d:
        raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs {_MODE_DIMS[mode] + 2}D input")
    for n, o in zip(sp, out):
        if n <= 0 or o <= 0:
            names = "DHW"[-d:]
            raise RuntimeError(
                "Input and output sizes should be greater than 0, but got input (" +
                ", ".join(f"{c}: {v}" for c, v in zip(names, sp)) + ") and output (" +
                ", ".join(f"{c}: {v}" for c, v in zip(names, out)) + ")")
    if mode == "area":
        return (adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d)[d - 1](input, tuple(out))
    x = input
    for i in range(d):
        dim = 2 + i
        if mode in ("nearest", "nearest-exact"):
            idx = _nearest_indices(sp[i], out[i], scales[i], mode == "nearest-exact")
            if idx != list(range(sp[i])):
                x = x.index_select(dim, _index(idx, x))
        else:
            if not x.dtype.is_floating_point:
                raise NotImplementedError(f"\"upsample_{mode}\" not implemented for '{x.dtype}'")
            if antialias:
                m = _antialias_matrix(sp[i], out[i], align_corners, scales[i], mode == "bicubic")
            else:
                m = _interp_matrix(sp[i], out[i], align_corners, scales[i], mode == "bicubic")
            x = _along(x, dim, tensor(m, dtype=x.dtype, device=x.device))
    return x


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Deprecated alias of :func:`interpolate`."""
    warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    """Deprecated: ``interpolate(input, size, scale_factor, mode='nearest')``."""
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    """Deprecated: ``interpolate(..., mode='bilinear', align_corners=True)``."""
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


# --- grid_sample / affine_grid ------------------------------------------------------------------------------

def _unnormalize(coord, size, align_corners):
    if align_corners:
        return (coord + 1) / 2 * (size - 1)
    return ((coord + 1) * size - 1) / 2


def _reflect(coord, twice_low, twice_high):
    if twice_low == twice_high:
        return coord * 0
    lo = twice_low / 2
    span = (twice_high - twice_low) / 2
    c = (coord - lo).abs()
    extra = c.fmod(span)
    flips = (c / span).floor()
    even = flips.remainder(2) == 0
    return where(even, extra + lo, span - extra + lo)


def _source_coord(coord, size, padding_mode, align_corners):
    c = _unnormalize(coord, size, align_corners)
    if padding_mode == "border":
        c = c.clamp(0, size - 1)
    elif padding_mode == "reflection":
        c = _reflect(c, 0, 2 * (size - 1)) if align_corners else _reflect(c, -1, 2 * size - 1)
        c = c.clamp(0, size - 1)
    return c


def _gather_nd(flat, coords, sizes):
    """Values of (N, C, prod(sizes)) ``flat`` at integer coords (one (N, *out) tensor per spatial dim);
    zero outside the volume."""
    n, c = flat.shape[0], flat.shape[1]
    valid = None
    idx = None
    for ci, size in zip(coords, sizes):
        ok = (ci >= 0) & (ci <= size - 1)
        valid = ok if valid is None else valid & ok
        cc = ci.clamp(0, size - 1)
        idx = cc if idx is None else idx * size + cc
    out_shape = tuple(coords[0].shape[1:])
    vals = gather(flat, 2, idx.reshape(n, 1, -1).expand(n, c, -1)).reshape((n, c) + out_shape)
    return vals * valid.unsqueeze(1).to(flat.dtype)


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):
    """Sample (N, C, H, W) ``input`` at the normalised (x, y) points of (N, Ho, Wo, 2) ``grid``
    (or (N, C, D, H, W) input at (x, y, z) points of an (N, Do, Ho, Wo, 3) grid; 'bilinear' is then
    trilinear).  Modes: bilinear, nearest, bicubic (4-D only); padding: zeros, border, reflection."""
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', "
                         f"but got: '{mode}'")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(f"nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or "
                         f"'reflection', but got: '{padding_mode}'")
    if align_corners is None:
        warnings.warn("Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. "
                      "Please specify align_corners=True if the old behavior is desired. See the documentation of "
                      "grid_sample for details.", stacklevel=2)
        align_corners = False
    d = input.ndim - 2
    if grid.shape[-1] != d:
        raise RuntimeError(f"grid_sampler(): expected grid to have size {d} in last dimension, but got grid with "
                           f"sizes {list(grid.shape)}")
    if grid.shape[0] != input.shape[0]:
        raise RuntimeError(f"grid_sampler(): expected grid and input to have same batch size, but got input with "
                           f"sizes {list(input.shape)} and grid with sizes {list(grid.shape)}")
    if input.ndim not in (4, 5) or grid.ndim != input.ndim:
        raise RuntimeError(f"grid_sampler(): expected 4D or 5D input and grid with same number of dimensions, but "
                           f"got input with sizes {list(input.shape)} and grid with sizes {list(grid.shape)}")
    if mode == "bicubic" and d != 2:
        raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
    if grid.dtype is not input.dtype:
        raise RuntimeError(f"grid_sampler(): expected input and grid to have the same dtype, but input has "
                           f"{input.dtype} and grid has {grid.dtype}")
    n, c = input.shape[0], input.shape[1]
    sizes = tuple(input.shape[2:])
    flat = input.reshape(n, c, -1)
    if mode == "bicubic":
        return _grid_sample_bicubic(flat, grid, sizes, padding_mode, align_corners)
    # grid[..., 0] indexes the last (width) dim, grid[..., 1] the one before, ...
    src = [_source_coord(grid[..., d - 1 - i], sizes[i], padding_mode, align_corners) for i in range(d)]
    if mode == "nearest":
        return _gather_nd(flat, [s.detach().round().long() for s in src], sizes)
    lows = [s.detach().floor() for s in src]
    fracs = [s - lo for s, lo in zip(src, lows)]
    lows = [lo.long() for lo in lows]
    out = None
    for corner in itertools.product((0, 1), repeat=d):
        weight = None
        for f, bit in zip(fracs, corner):
            w = f if bit else 1 - f
            weight = w if weight is None else weight * w
        term = _gather_nd(flat, [lo + bit for lo, bit in zip(lows, corner)], sizes) * weight.unsqueeze(1)
        out = term if out is None else out + term
    return out


def _grid_sample_bicubic(flat, grid, sizes, padding_mode, align_corners):
    """PyTorch's bicubic grid sampling: 4x4 taps around the unnormalised point, each tap's integer coordinate
    mapped through the padding mode, cubic-convolution weights (A = -0.75) from the fractional offsets."""
    h, w = sizes
    ix = _unnormalize(grid[..., 0], w, align_corners)
    iy = _unnormalize(grid[..., 1], h, align_corners)
    x0, y0 = ix.detach().floor(), iy.detach().floor()
    wx, wy = _cubic_weights(ix - x0), _cubic_weights(iy - y0)

    def tap(c0, off, size):
        c = c0 + off
        if padding_mode == "border":
            c = c.clamp(0, size - 1)
        elif padding_mode == "reflection":
            c = _reflect(c, 0, 2 * (size - 1)) if align_corners else _reflect(c, -1, 2 * size - 1)
            c = c.clamp(0, size - 1)
        return c.long()
    xs = [tap(x0, off, w) for off in (-1, 0, 1, 2)]
    ys = [tap(y0, off, h) for off in (-1, 0, 1, 2)]
    out = None
    for i in range(4):
        for j in range(4):
            term = _gather_nd(flat, [ys[i], xs[j]], sizes) * (wy[i] * wx[j]).unsqueeze(1)
            out = term if out is None else out + term
    return out


def _base_coords(steps, align_corners, like):
    if steps <= 1:
        return tensor([0.0] * steps, dtype=like.dtype, device=like.device)
    r = linspace(-1, 1, steps, dtype=like.dtype, device=like.device)
    return r if align_corners else r * ((steps - 1) / steps)


def affine_grid(theta, size, align_corners=None):
    """The (N, H, W, 2) (or (N, D, H, W, 3)) sampling grid of the affine maps ``theta`` for ``size``."""
    if align_corners is None:
        warnings.warn("Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. "
                      "Please specify align_corners=True if the old behavior is desired. See the documentation of "
                      "grid_sample for details.", stacklevel=2)
        align_corners = False
    if not theta.dtype.is_floating_point:
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    size = [int(s) for s in size]
    if len(size) == 4:
        if theta.ndim != 3 or tuple(theta.shape[-2:]) != (2, 3):
            raise ValueError(f"Expected a batch of 2D affine matrices of shape Nx2x3 for size {tuple(size)}. Got "
                             f"{theta.shape}.")
        n, _, h, w = size
        xs = _base_coords(w, align_corners, theta).reshape(1, w).expand(h, w)
        ys = _base_coords(h, align_corners, theta).reshape(h, 1).expand(h, w)
        base = stack([xs, ys, ones((h, w), dtype=theta.dtype, device=theta.device)], -1)
        return (base.reshape(1, h * w, 3) @ theta.transpose(1, 2)).reshape(n, h, w, 2)
    if len(size) == 5:
        if theta.ndim != 3 or tuple(theta.shape[-2:]) != (3, 4):
            raise ValueError(f"Expected a batch of 3D affine matrices of shape Nx3x4 for size {tuple(size)}. Got "
                             f"{theta.shape}.")
        n, _, dd, h, w = size
        xs = _base_coords(w, align_corners, theta).reshape(1, 1, w).expand(dd, h, w)
        ys = _base_coords(h, align_corners, theta).reshape(1, h, 1).expand(dd, h, w)
        zs = _base_coords(dd, align_corners, theta).reshape(dd, 1, 1).expand(dd, h, w)
        base = stack([xs, ys, zs, ones((dd, h, w), dtype=theta.dtype, device=theta.device)], -1)
        return (base.reshape(1, dd * h * w, 4) @ theta.transpose(1, 2)).reshape(n, dd, h, w, 3)
    raise NotImplementedError(f"affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, "
                              f"respectively. Got size {tuple(size)}.")


# --- shuffles ---------------------------------------------------------------------------------------------------

def _check_3d(input, name):
    if input.ndim < 3:
        raise RuntimeError(f"{name} expects input to have at least 3 dimensions, but got input with "
                           f"{input.ndim} dimension(s)")


def _shuffle_factor(input, factor, name, what):
    """``int(factor)`` after checking the input is at least 3-D and the factor positive."""
    r = int(factor)
    _check_3d(input, name)
    if r <= 0:
        raise RuntimeError(f"{name} expects a positive {what}, but got {r}")
    return r


def pixel_shuffle(input, upscale_factor):
    """(*, C*r*r, H, W) -> (*, C, H*r, W*r)."""
    r = _shuffle_factor(input, upscale_factor, "pixel_shuffle", "upscale_factor")
    *lead, c, h, w = input.shape
    if c % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of "
                           f"upscale_factor, but input.size(-3)={c} is not divisible by {r * r}")
    k = len(lead)
    x = input.reshape(tuple(lead) + (c // (r * r), r, r, h, w))
    x = x.permute(tuple(range(k)) + (k, k + 3, k + 1, k + 4, k + 2))
    return x.reshape(tuple(lead) + (c // (r * r), h * r, w * r))


def pixel_unshuffle(input, downscale_factor):
    """(*, C, H*r, W*r) -> (*, C*r*r, H, W)."""
    r = _shuffle_factor(input, downscale_factor, "pixel_unshuffle", "downscale_factor")
    *lead, c, h, w = input.shape
    if h % r:
        raise RuntimeError(f"pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)="
                           f"{h} is not divisible by {r}")
    if w % r:
        raise RuntimeError(f"pixel_unshuffle expects width to be divisible by downscale_factor, but input.size(-1)="
                           f"{w} is not divisible by {r}")
    k = len(lead)
    x = input.reshape(tuple(lead) + (c, h // r, r, w // r, r))
    x = x.permute(tuple(range(k)) + (k, k + 2, k + 4, k + 1, k + 3))
    return x.reshape(tuple(lead) + (c * r * r, h // r, w // r))


def channel_shuffle(input, groups):
    """Interleave the channels of (N, C, *) from ``groups`` groups (ShuffleNet)."""
    g = int(groups)
    _check_3d(input, "channel_shuffle")
    if g <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value of groups:{g}")
    n, c = input.shape[0], input.shape[1]
    if c % g:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {c} channels and {g} groups.")
    rest = tuple(input.shape[2:])
    return input.reshape((n, g, c // g) + rest).transpose(1, 2).reshape((n, c) + rest)


native_channel_shuffle = channel_shuffle


# --- fold / unfold ------------------------------------------------------------------------------------------------

def _block_args(kernel_size, dilation, padding, stride):
    return (ntuple(kernel_size, 2, "kernel_size"), ntuple(dilation, 2, "dilation"), ntuple(padding, 2, "padding"),
            ntuple(stride, 2, "stride"))


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """im2col: (N, C, H, W) -> (N, C*kh*kw, L), every sliding block as a column."""
    if input.ndim not in (3, 4):
        raise RuntimeError(f"Input Error: Only 3D or 4D input Tensors are supported (got {input.ndim}D)")
    k, dl, p, s = _block_args(kernel_size, dilation, padding, stride)
    unb = input.ndim == 3
    x = input.unsqueeze(0) if unb else input
    n, c = x.shape[0], x.shape[1]
    win = windows(x, k, s, p, dl)  # (N, C, oh, ow, kh, kw)
    oh, ow = win.shape[2], win.shape[3]
    out = win.permute(0, 1, 4, 5, 2, 3).reshape(n, c * k[0] * k[1], oh * ow)
    return out.squeeze(0) if unb else out


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """col2im: (N, C*kh*kw, L) -> (N, C, *output_size), summing overlapping blocks."""
    if input.ndim not in (2, 3):
        raise RuntimeError(f"Input Error: Only unbatched (2D) or batched (3D) input Tensors are supported (got "
                           f"{input.ndim}D)")
    size = ntuple(output_size, 2, "output_size")
    k, dl, p, s = _block_args(kernel_size, dilation, padding, stride)
    unb = input.ndim == 2
    x = input.unsqueeze(0) if unb else input
    n, ck, length = x.shape
    kk = k[0] * k[1]
    if ck % kk:
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product of kernel_size, but "
                           f"got input.size(1)={ck} and kernel_size={k}.")
    blocks = [(size[i] + 2 * p[i] - (dl[i] * (k[i] - 1) + 1)) // s[i] + 1 for i in range(2)]
    if blocks[0] * blocks[1] != length or min(blocks) < 1:
        raise RuntimeError(f"Given output_size={size}, kernel_size={k}, dilation={dl}, padding={p}, stride={s}, "
                           f"expected size of input's dimension 2 to match the calculated number of sliding blocks "
                           f"{blocks[0]} * {blocks[1]} = {blocks[0] * blocks[1]}, but got input.size(2)={length}.")
    c = ck // kk
    cols = x.reshape(n, c, k[0], k[1], blocks[0], blocks[1]).permute(0, 1, 4, 5, 2, 3)
    out = col2im(cols, (n, c) + size, k, s, p, dl)
    return out.squeeze(0) if unb else out
