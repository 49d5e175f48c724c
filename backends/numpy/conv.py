"""NumPy kernels for ember/ops/conv.py, generic over the array module ``xp``.

Convolution is im2col + GEMM: the zero-padded input is viewed as sliding windows
(``sliding_window_view``, strided and dilated by slicing the view), copied once into a
``(groups, C/groups*kernel, N*out_pixels)`` matrix and multiplied by the weights (one GEMM per
group, batched in a single ``matmul``).  Images with >= 256 output pixels use per-image columns
``(N, groups, C/groups*kernel, out_pixels)`` instead, so the batched GEMM writes NCHW directly.
The input gradient (also conv_transpose) is the GEMM the other way followed by col2im, which
accumulates one strided slice per kernel offset (a loop over the kernel, never over pixels); for
stride 1, dilation 1 and "same"-like padding it is instead the forward convolution of the gradient
with the flipped, in/out-swapped kernel (faster there; col2im wins for small padding).
float16/bfloat16 compute in float32, as PyTorch does on CPU; float32 stays float32.
"""
from __future__ import annotations

import itertools

import numpy as np

from ._dtypes import HALF


def _prod(xs):
    n = 1
    for x in xs:
        n *= x
    return n


def window_tools(xp):
    """Helpers shared with the pooling kernels: (up, windows, col2im)."""
    swv = xp.lib.stride_tricks.sliding_window_view

    def up(a):
        return a.astype(np.float32) if a.dtype in HALF else a

    def windows(x, ksize, stride, padding, dilation, fill=0):
        """(N, C, *out, *kernel) strided view of the padded ``x`` (padding: ints or (left, right) pairs)."""
        d = len(ksize)
        pads = [p if isinstance(p, tuple) else (p, p) for p in padding]
        if any(a or b for a, b in pads):
            x = xp.pad(x, [(0, 0), (0, 0)] + pads, constant_values=fill)
        span = tuple((k - 1) * dl + 1 for k, dl in zip(ksize, dilation))
        w = swv(x, span, axis=tuple(range(2, 2 + d)))
        key = (slice(None), slice(None)) + tuple(slice(None, None, s) for s in stride) + \
            tuple(slice(None, None, dl) for dl in dilation)
        return w[key]

    def col2im(dcols, input_shape, ksize, osp, stride, padding, dilation):
        """Sum (N, C, *kernel, *out) window values back into an array of ``input_shape``."""
        n, c = input_shape[:2]
        pads = [p if isinstance(p, tuple) else (p, p) for p in padding]
        padded = xp.zeros((n, c) + tuple(s + a + b for s, (a, b) in zip(input_shape[2:], pads)), dcols.dtype)
        lead = (slice(None), slice(None))
        for kidx in itertools.product(*(range(k) for k in ksize)):
            sl = tuple(slice(ki * dl, ki * dl + s * (o - 1) + 1, s)
                       for ki, dl, s, o in zip(kidx, dilation, stride, osp))
            padded[lead + sl] += dcols[lead + kidx]
        crop = tuple(slice(a, a + s) for (a, _), s in zip(pads, input_shape[2:]))
        return padded[lead + crop]

    return up, windows, col2im


def kernels(xp):
    up, windows, col2im = window_tools(xp)

    def cols(x, ksize, stride, padding, dilation, groups, w=None):
        """im2col: (groups, C/groups*kernel_numel, N*out_pixels) and the output spatial shape.

        Output pixels are the innermost axis, so the copy runs along contiguous input rows.
        ``w``: the window view of ``x`` when the caller already has it."""
        n, c = x.shape[:2]
        d = len(ksize)
        if w is None:
            w = windows(x, ksize, stride, padding, dilation)
        osp = w.shape[2:2 + d]
        w = w.transpose((1,) + tuple(range(2 + d, 2 + 2 * d)) + (0,) + tuple(range(2, 2 + d)))
        return w.reshape(groups, (c // groups) * _prod(ksize), n * _prod(osp)), osp

    def grad_matrix(g, groups):
        """(N, Cout, *out) -> (groups, Cout/groups, N*out_pixels)."""
        n, cout = g.shape[:2]
        g = g.reshape(n, cout, _prod(g.shape[2:])).transpose(1, 0, 2)
        return g.reshape(groups, cout // groups, n * _prod(g.shape[2:]))

    def conv(x, w, stride, padding, dilation, groups):
        dt = x.dtype
        n, cout = x.shape[0], w.shape[0]
        ksize = w.shape[2:]
        d = len(ksize)
        wv = windows(up(x), ksize, stride, padding, dilation)
        osp = wv.shape[2:2 + d]
        npix = _prod(osp)
        if npix >= 256:
            # large images: per-image columns (N, G, C/G*k, P) and one batched GEMM that writes NCHW directly
            c = x.shape[1]
            cols_ = wv.transpose((0, 1) + tuple(range(2 + d, 2 + 2 * d)) + tuple(range(2, 2 + d)))
            cols_ = cols_.reshape(n, groups, (c // groups) * _prod(ksize), npix)
            r = xp.matmul(up(w).reshape(groups, cout // groups, _prod(w.shape[1:])), cols_)  # (N, G, Cout/G, P)
            return r.reshape((n, cout) + osp).astype(dt, copy=False)
        c, osp = cols(x, ksize, stride, padding, dilation, groups, wv)
        r = xp.matmul(up(w).reshape(groups, cout // groups, _prod(w.shape[1:])), c)  # (G, Cout/G, N*out_pixels)
        r = r.reshape(cout, n, _prod(osp)).transpose(1, 0, 2)
        return xp.ascontiguousarray(r).reshape((n, cout) + osp).astype(dt, copy=False)

    def conv_backward_weight(x, g, weight_shape, stride, padding, dilation, groups):
        dt = x.dtype
        c, _ = cols(up(x), weight_shape[2:], stride, padding, dilation, groups)
        # both GEMM operands contiguous: NumPy's batched matmul only calls BLAS for those
        gt = xp.ascontiguousarray(grad_matrix(up(g), groups).transpose(0, 2, 1))
        r = xp.matmul(c, gt).transpose(0, 2, 1)  # (G, Cout/G, C/G*k)
        return xp.ascontiguousarray(r).reshape(weight_shape).astype(dt, copy=False)

    def _flip_ok(ksize, stride, padding, dilation):
        """Whether the input gradient is cheaper as a forward conv (stride 1, dilation 1, "same"-like padding)."""
        if any(s != 1 for s in stride) or any(dl != 1 for dl in dilation):
            return False
        pads = [p if isinstance(p, tuple) else (p, p) for p in padding]
        return all(2 * a >= k - 1 and 2 * b >= k - 1 and a <= k - 1 and b <= k - 1
                   for k, (a, b) in zip(ksize, pads))

    def conv_backward_input(g, w, input_shape, stride, padding, dilation, groups):
        dt = g.dtype
        ksize = tuple(w.shape[2:])
        if _flip_ok(ksize, stride, padding, dilation):
            # full correlation with the flipped kernel: conv(g, flip(w) with in/out channels swapped per group)
            cout, cg = w.shape[:2]
            d = len(ksize)
            wt = w.reshape((groups, cout // groups, cg) + ksize).swapaxes(1, 2)
            wt = wt[(Ellipsis,) + (slice(None, None, -1),) * d].reshape((groups * cg, cout // groups) + ksize)
            pads = [p if isinstance(p, tuple) else (p, p) for p in padding]
            tpad = tuple((k - 1 - a, k - 1 - b) if a != b else k - 1 - a for k, (a, b) in zip(ksize, pads))
            return conv(g, xp.ascontiguousarray(wt), stride, tpad, dilation, groups)
        n, c = input_shape[:2]
        cout, ksize = w.shape[0], w.shape[2:]
        d = len(ksize)
        osp = g.shape[2:]
        wm = xp.ascontiguousarray(up(w).reshape(groups, cout // groups, _prod(w.shape[1:])).transpose(0, 2, 1))
        dc = xp.matmul(wm, xp.ascontiguousarray(grad_matrix(up(g), groups)))  # (G, C/G*k, N*out_pixels)
        dc = dc.reshape((c,) + ksize + (n,) + osp)
        dc = dc.transpose((1 + d, 0) + tuple(range(1, 1 + d)) + tuple(range(2 + d, 2 + 2 * d)))
        r = col2im(dc, input_shape, ksize, osp, stride, padding, dilation)
        return xp.ascontiguousarray(r).astype(dt, copy=False)

    return {
        "conv": conv,
        "conv_backward_input": conv_backward_input,
        "conv_backward_weight": conv_backward_weight,
    }


KERNELS = kernels(np)
