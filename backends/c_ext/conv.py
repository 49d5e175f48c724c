"""Native convolution kernels (mirrors ember/ops/conv.py): im2col / col2im in C, GEMMs in NumPy (BLAS).

1-D and 2-D float32/float64 convolutions run natively (1-D as height 1); 3-D, other dtypes and
anything else fall back to the NumPy backend's kernels.  Column layouts (see csrc/nn_conv.c):

- per image ``(N, C*K, P)`` when an image has >= ``PER_IMAGE_MIN`` output pixels: the batched GEMM
  ``(G, Cout/G, C/G*K) @ (N, G, C/G*K, P)`` writes NCHW directly;
- batched ``(C*K, N*P)`` for small images: one large GEMM per group, then a transpose to NCHW.

A 1x1 convolution with stride 1 and no padding needs no columns at all: the input is its own matrix.
The weight gradient of a depthwise convolution (one input channel per group) stays with NumPy, whose
kernel measured faster there.
"""
from __future__ import annotations

import threading

import numpy as np

from ember_numpy.conv import KERNELS as NP

from ._util import check, min_native

PER_IMAGE_MIN = 256
SCRATCH_MAX = 1 << 28  # bytes: column matrices up to this size reuse one per-thread buffer
_SCRATCH = threading.local()
# input channels from which a 3x3 stride-1 convolution runs as Winograd F(2x2, 3x3) (below, im2col measured
# as fast); EMBER_CEXT_MIN_NATIVE=0 sends every one there so the conformance suite's samples exercise it
WINO_MIN_CHANNELS = min_native(64)
WINO_WGRAD_MIN_CHANNELS = 16  # the weight gradient's Winograd measured faster from fewer channels
_WINO_PAD = 16  # elements between Winograd matrices beyond their size (see csrc/nn_wino.c)
_WINO_G = ((1.0, 0.0, 0.0), (0.5, 0.5, 0.5), (0.5, -0.5, 0.5), (0.0, 0.0, 1.0))
_WINO_GG = {}


def _wino_gg(dtype):
    """kron(G, G) (16, 9): (G w G^T).ravel() == kron(G, G) @ w.ravel() for a 3x3 kernel w."""
    dtype = np.dtype(dtype)
    if dtype not in _WINO_GG:
        g = np.asarray(_WINO_G, np.float64)
        _WINO_GG[dtype] = np.kron(g, g).astype(dtype)
    return _WINO_GG[dtype]
_SUFFIX = {np.dtype(np.float32): "f32", np.dtype(np.float64): "f64"}


def _pair(p):
    return p if isinstance(p, tuple) else (p, p)


def _geometry(x_shape, w_shape, stride, padding, dilation):
    """2-D geometry (as (N, C, H, W), (Cout, Cg, KH, KW), strides, top/left pads, dilations, (OH, OW)),
    or None when the convolution is not 1-D/2-D."""
    d = len(w_shape) - 2
    if d not in (1, 2) or len(stride) != d or len(padding) != d or len(dilation) != d:
        return None
    pads = [_pair(p) for p in padding]
    if d == 1:
        x_shape = (x_shape[0], x_shape[1], 1, x_shape[2])
        w_shape = (w_shape[0], w_shape[1], 1, w_shape[2])
        stride, dilation, pads = (1,) + tuple(stride), (1,) + tuple(dilation), [(0, 0)] + pads
    osp = tuple((n + a + b - dl * (k - 1) - 1) // s + 1
                for n, (a, b), dl, k, s in zip(x_shape[2:], pads, dilation, w_shape[2:], stride))
    if any(o <= 0 for o in osp) or any(a < 0 or b < 0 for a, b in pads):
        return None
    return tuple(x_shape), tuple(w_shape), tuple(stride), (pads[0][0], pads[1][0]), tuple(dilation), osp


def _scratch(shape, dtype, slot=0):
    """An uninitialised array of ``shape`` in this thread's reusable column buffer.

    Column matrices are large (a 3x3 convolution's are 9x its input) and live only inside one kernel
    call; allocating them fresh costs page faults on every call (more than im2col itself).  The buffer
    grows to the largest request up to SCRATCH_MAX bytes; larger ones are allocated fresh.  A kernel
    uses at most one scratch array per ``slot`` and never returns a view of one."""
    dtype = np.dtype(dtype)
    nbytes = int(np.prod(shape)) * dtype.itemsize
    if nbytes > SCRATCH_MAX:
        return np.empty(shape, dtype)
    bufs = getattr(_SCRATCH, "bufs", None)
    if bufs is None:
        bufs = _SCRATCH.bufs = [None, None]
    buf = bufs[slot]
    if buf is None or buf.nbytes < nbytes:
        buf = bufs[slot] = np.empty(max(nbytes, 1), np.uint8)
    return buf[:nbytes].view(dtype).reshape(shape)


def kernels(lib, ffi):
    def ptr(a):
        return ffi.cast("void *", a.ctypes.data)

    def native(*arrays):
        dt = arrays[0].dtype
        return dt in _SUFFIX and all(a.dtype == dt for a in arrays)

    def is_pointwise(geo):
        """A 1x1 kernel, stride 1, no padding on any side: the input is its own column matrix."""
        x_shape, w_shape, stride, pads, _, osp = geo
        return w_shape[2:] == (1, 1) and stride == (1, 1) and pads == (0, 0) and osp == x_shape[2:]

    def run_cols(fn, src, dst, geo, per_image):
        """im2col (src = image, dst = columns) or col2im (src = columns, dst = image) in one layout."""
        (n, c, h, w), (_, _, kh, kw), (sh, sw), (ph, pw), (dh, dw), (oh, ow) = geo
        p = oh * ow
        stride_n, stride_row = (c * kh * kw * p, p) if per_image else (p, n * p)
        status = getattr(lib, f"ec_{fn}_{_SUFFIX[src.dtype]}")(
            ptr(src), ptr(dst), n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow, stride_n, stride_row)
        if status:
            raise RuntimeError(f"ember_cext: {fn} failed with status {status}")

    def columns(x, geo, per_image):
        (n, c, _, _), (_, _, kh, kw), _, _, _, (oh, ow) = geo
        shape = (n, c * kh * kw, oh * ow) if per_image else (c * kh * kw, n * oh * ow)
        cols = _scratch(shape, x.dtype)
        run_cols("im2col", np.ascontiguousarray(x), cols, geo, per_image)
        return cols

    def flip_ok(geo):
        """Whether the input gradient is cheaper as a forward conv: stride 1, dilation 1, "same"-like padding."""
        _, (_, _, kh, kw), stride, (ph, pw), dilation, (oh, ow) = geo
        h, w = geo[0][2:]
        bottom, right = oh - 1 + kh - 1 - ph - (h - 1), ow - 1 + kw - 1 - pw - (w - 1)
        return (stride == (1, 1) and dilation == (1, 1) and (kh, kw) != (1, 1)
                and all(2 * a >= k - 1 and 2 * b >= k - 1 and a <= k - 1 and b <= k - 1
                        for k, a, b in ((kh, ph, bottom), (kw, pw, right))))

    def flip_padding(geo, d):
        """Padding of the flipped-kernel forward conv: k - 1 - pad on each side."""
        (_, _, h, w), (_, _, kh, kw), _, (ph, pw), _, (oh, ow) = geo
        bottom, right = oh + kh - 2 - ph - (h - 1), ow + kw - 2 - pw - (w - 1)
        pads = ((kh - 1 - ph, kh - 1 - bottom), (kw - 1 - pw, kw - 1 - right))
        return pads[2 - d:]

    def flipped(w, groups):
        """The kernel with in/out channels swapped per group and the spatial dims reversed."""
        cout, cg = w.shape[:2]
        ksize = tuple(w.shape[2:])
        wt = w.reshape((groups, cout // groups, cg) + ksize).swapaxes(1, 2)
        wt = wt[(Ellipsis,) + (slice(None, None, -1),) * len(ksize)]
        return np.ascontiguousarray(wt).reshape((groups * cg, cout // groups) + ksize)

    def grad_matrix(g, groups):
        """(N, Cout, *out) -> contiguous (groups, Cout/groups, N*P)."""
        n, cout = g.shape[:2]
        gm = np.ascontiguousarray(g.reshape(n, cout, -1).transpose(1, 0, 2))
        return gm.reshape(groups, cout // groups, -1)

    def winograd_ok(geo, w, groups, min_channels=None):
        """3x3, stride 1, dilation 1, one group, 2-D, enough channels for the 16 GEMMs to pay."""
        _, (_, cg, kh, kw), stride, _, dilation, _ = geo
        return (w.ndim == 4 and groups == 1 and (kh, kw) == (3, 3) and stride == (1, 1)
                and dilation == (1, 1) and cg >= (WINO_MIN_CHANNELS if min_channels is None else min_channels))

    def wino_weights(w, flip=False):
        """The transformed kernel U[k] = (G w G^T)[k] as (16, Cout, C): one GEMM with kron(G, G) (16, 9).
        ``flip``: the kernel of the flipped-kernel conv (in/out channels swapped, taps reversed) as
        (16, C, Cout), for the input gradient; a transposed view, which BLAS takes as it is."""
        cout, c = w.shape[:2]
        gg = _wino_gg(w.dtype)
        u = np.matmul(gg[:, ::-1] if flip else gg, w.reshape(cout * c, 9).T).reshape(16, cout, c)
        return u.transpose(0, 2, 1) if flip else u

    def winograd(x, u, geo):
        """Winograd F(2x2, 3x3) with transformed kernel ``u`` (16, Cout, C): 16 GEMMs of (Cout, C) @
        (C, tiles) instead of one with 9x the columns (2.25x fewer multiplications); transforms in
        csrc/nn_wino.c."""
        (n, c, h, wd), (cout, _, _, _), _, (ph, pw), _, (oh, ow) = geo
        th, tw = (oh + 1) // 2, (ow + 1) // 2
        sfx = _SUFFIX[x.dtype]
        tt = n * th * tw
        vs, ms = c * tt + _WINO_PAD, cout * tt + _WINO_PAD  # padded strides between the 16 matrices
        v = _scratch((16 * vs,), x.dtype)
        x = np.ascontiguousarray(x)  # bound to a name: a cast pointer alone does not keep the array alive
        check(getattr(lib, f"ec_wino_in_{sfx}")(ptr(x), ptr(v), n, c, h, wd, ph, pw, th, tw, vs), "conv")
        m = _scratch((16 * ms,), x.dtype, 1)
        np.matmul(u, v.reshape(16, vs)[:, :c * tt].reshape(16, c, tt),
                  out=m.reshape(16, ms)[:, :cout * tt].reshape(16, cout, tt))
        y = np.empty((n, cout, oh, ow), x.dtype)
        check(getattr(lib, f"ec_wino_out_{sfx}")(ptr(m), ptr(y), n, cout, oh, ow, th, tw, ms), "conv")
        return y

    def winograd_weight_grad(x, g, geo):
        """The adjoint of ``winograd`` in the kernel: dW = G^T (sum over tiles of (A gy A^T) * (B^T d B)) G,
        16 GEMMs of (Cout, tiles) @ (tiles, C), then kron(G, G)^T back to 3x3."""
        (n, c, h, wd), (cout, _, _, _), _, (ph, pw), _, (oh, ow) = geo
        th, tw = (oh + 1) // 2, (ow + 1) // 2
        sfx = _SUFFIX[x.dtype]
        tt = n * th * tw
        vs, zs = c * tt + _WINO_PAD, cout * tt + _WINO_PAD
        x, g = np.ascontiguousarray(x), np.ascontiguousarray(g)  # named: the casts do not keep them alive
        v = _scratch((16 * vs,), x.dtype)
        check(getattr(lib, f"ec_wino_in_{sfx}")(ptr(x), ptr(v), n, c, h, wd, ph, pw, th, tw, vs), "conv")
        z = _scratch((16 * zs,), x.dtype, 1)
        check(getattr(lib, f"ec_wino_gout_{sfx}")(ptr(g), ptr(z), n, cout, oh, ow, th, tw, zs), "conv")
        m = np.matmul(z.reshape(16, zs)[:, :cout * tt].reshape(16, cout, tt),
                      v.reshape(16, vs)[:, :c * tt].reshape(16, c, tt).transpose(0, 2, 1))  # (16, Cout, C)
        return np.matmul(m.reshape(16, cout * c).T, _wino_gg(x.dtype)).reshape(cout, c, 3, 3)

    def conv(x, w, stride, padding, dilation, groups):
        geo = _geometry(x.shape, w.shape, stride, padding, dilation)
        if geo is None or not native(x, w):
            return NP["conv"](x, w, stride, padding, dilation, groups)
        if winograd_ok(geo, w, groups):
            return winograd(x, wino_weights(w), geo)
        (n, c, _, _), (cout, cg, kh, kw), _, _, _, osp = geo
        p, k = osp[0] * osp[1], cg * kh * kw
        wm = np.ascontiguousarray(w).reshape(groups, cout // groups, k)
        out_shape = (n, cout) + (osp if w.ndim == 4 else osp[1:])
        if is_pointwise(geo):
            r = np.matmul(wm, np.ascontiguousarray(x).reshape(n, groups, k, p))
            return r.reshape(out_shape)
        if p >= PER_IMAGE_MIN:
            r = np.matmul(wm, columns(x, geo, True).reshape(n, groups, k, p))  # (N, G, Cout/G, P)
            return r.reshape(out_shape)
        r = np.matmul(wm, columns(x, geo, False).reshape(groups, k, n * p))  # (G, Cout/G, N*P)
        return np.ascontiguousarray(r.reshape(cout, n, p).transpose(1, 0, 2)).reshape(out_shape)

    def conv_backward_weight(x, g, weight_shape, stride, padding, dilation, groups):
        geo = _geometry(x.shape, weight_shape, stride, padding, dilation)
        if geo is None or not native(x, g):
            return NP["conv_backward_weight"](x, g, weight_shape, stride, padding, dilation, groups)
        (n, c, _, _), (cout, cg, kh, kw), _, _, _, osp = geo
        if cg == 1 and groups > 1:  # depthwise: one matrix-vector product per channel, NumPy's layout is faster
            return NP["conv_backward_weight"](x, g, weight_shape, stride, padding, dilation, groups)
        wino_min = min(WINO_MIN_CHANNELS, WINO_WGRAD_MIN_CHANNELS)
        if len(weight_shape) == 4 and winograd_ok(geo, g, groups, wino_min) and tuple(g.shape[2:]) == osp:
            return winograd_weight_grad(x, g, geo)
        k, cgout = cg * kh * kw, cout // groups
        # (G, Cout/G, N*P) @ (G, C/G*K, N*P)^T: the transposed operand is a view (BLAS transposes it),
        # and the product lands directly in the weight's (Cout, C/G, KH, KW) layout
        gm = grad_matrix(g, groups)
        if is_pointwise(geo):
            cols = np.ascontiguousarray(np.ascontiguousarray(x).reshape(n, c, -1).transpose(1, 0, 2))
        else:
            cols = columns(x, geo, False)
        r = np.matmul(gm, cols.reshape(groups, k, -1).transpose(0, 2, 1))  # (G, Cout/G, C/G*K)
        return r.reshape(weight_shape)

    def conv_backward_input(g, w, input_shape, stride, padding, dilation, groups):
        geo = _geometry(tuple(input_shape), w.shape, stride, padding, dilation)
        if geo is None or not native(g, w) or tuple(g.shape[2:]) != tuple(
                geo[5] if w.ndim == 4 else geo[5][1:]):
            return NP["conv_backward_input"](g, w, input_shape, stride, padding, dilation, groups)
        (n, c, h, wd), (cout, cg, kh, kw), _, _, _, osp = geo
        p, k, d = osp[0] * osp[1], cg * kh * kw, w.ndim - 2
        if flip_ok(geo):
            pads = flip_padding(geo, d)
            if d == 2 and groups == 1 and (kh, kw) == (3, 3) and cout >= WINO_MIN_CHANNELS:
                # the flipped-kernel conv via Winograd, its kernel transformed straight from w
                fgeo = _geometry(g.shape, (c, cout, kh, kw), (1, 1), pads, (1, 1))
                if fgeo is not None and fgeo[5] == (h, wd):
                    return winograd(g, wino_weights(w, flip=True), fgeo)
            return conv(g, flipped(w, groups), (1,) * d, pads, (1,) * d, groups)
        # (G, C/G*K, Cout/G): a transposed view, which BLAS takes as it is
        wt = np.ascontiguousarray(w).reshape(groups, cout // groups, k).transpose(0, 2, 1)
        out = np.empty(tuple(input_shape), g.dtype)
        if is_pointwise(geo):
            np.matmul(wt, np.ascontiguousarray(g).reshape(n, groups, cout // groups, p),
                      out=out.reshape(n, groups, k, p))
            return out
        if p >= PER_IMAGE_MIN:
            dcols = _scratch((n, groups, k, p), g.dtype)
            np.matmul(wt, np.ascontiguousarray(g).reshape(n, groups, cout // groups, p), out=dcols)
            run_cols("col2im", dcols, out, geo, True)
        else:
            gm = grad_matrix(g, groups)
            dcols = _scratch((groups, k, n * p), g.dtype)
            np.matmul(wt, gm, out=dcols)  # (G, C/G*K, N*P)
            run_cols("col2im", dcols, out, geo, False)
        return out

    return {
        "conv": conv,
        "conv_backward_input": conv_backward_input,
        "conv_backward_weight": conv_backward_weight,
    }
