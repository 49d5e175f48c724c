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

import numpy as np

from ember_numpy.conv import KERNELS as NP

PER_IMAGE_MIN = 256
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
        cols = np.empty(shape, x.dtype)
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

    def conv(x, w, stride, padding, dilation, groups):
        geo = _geometry(x.shape, w.shape, stride, padding, dilation)
        if geo is None or not native(x, w):
            return NP["conv"](x, w, stride, padding, dilation, groups)
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
        k = cg * kh * kw
        # (G, C/G*K, N*P) @ (G, N*P, Cout/G): both operands contiguous, so the batched matmul calls BLAS
        gt = np.ascontiguousarray(np.asarray(g).reshape(n, groups, cout // groups, -1).transpose(1, 0, 3, 2))
        if is_pointwise(geo):
            cols = np.ascontiguousarray(np.ascontiguousarray(x).reshape(n, c, -1).transpose(1, 0, 2))
        else:
            cols = columns(x, geo, False)
        r = np.matmul(cols.reshape(groups, k, -1), gt.reshape(groups, -1, cout // groups))  # (G, C/G*K, Cout/G)
        r = np.ascontiguousarray(r.transpose(0, 2, 1))
        return r.reshape(weight_shape)

    def conv_backward_input(g, w, input_shape, stride, padding, dilation, groups):
        geo = _geometry(tuple(input_shape), w.shape, stride, padding, dilation)
        if geo is None or not native(g, w) or tuple(g.shape[2:]) != tuple(
                geo[5] if w.ndim == 4 else geo[5][1:]):
            return NP["conv_backward_input"](g, w, input_shape, stride, padding, dilation, groups)
        (n, c, h, wd), (cout, cg, kh, kw), _, _, _, osp = geo
        p, k, d = osp[0] * osp[1], cg * kh * kw, w.ndim - 2
        wt = np.ascontiguousarray(np.ascontiguousarray(w).reshape(groups, cout // groups, k).transpose(0, 2, 1))
        out = np.empty(tuple(input_shape), g.dtype)
        if flip_ok(geo):
            return conv(g, flipped(w, groups), (1,) * d, flip_padding(geo, d), (1,) * d, groups)
        if is_pointwise(geo):
            np.matmul(wt, np.ascontiguousarray(g).reshape(n, groups, cout // groups, p),
                      out=out.reshape(n, groups, k, p))
            return out
        if p >= PER_IMAGE_MIN:
            dcols = np.matmul(wt, np.ascontiguousarray(g).reshape(n, groups, cout // groups, p))  # (N, G, K, P)
            run_cols("col2im", dcols, out, geo, True)
        else:
            dcols = np.matmul(wt, grad_matrix(g, groups))  # (G, C/G*K, N*P)
            run_cols("col2im", dcols, out, geo, False)
        return out

    return {
        "conv": conv,
        "conv_backward_input": conv_backward_input,
        "conv_backward_weight": conv_backward_weight,
    }
