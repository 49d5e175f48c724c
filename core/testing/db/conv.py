"""OpInfos for ember/ops/conv.py (conv, conv_backward_input, conv_backward_weight) through
``nn.functional.conv{1,2,3}d`` / ``conv_transpose{1,2,3}d`` and the im2col pair ``unfold`` / ``fold``.

The references are direct NumPy loops over kernel offsets (no im2col), in float64.  Gradients run
conv_backward_input / conv_backward_weight; gradgrad runs them through each other's formulas.
"""
from __future__ import annotations

import itertools

import numpy as np
from ember.testing.opinfo import ErrorInput, OpInfo, SampleInput

from ._samples import make_array

# conv sums C*k products: half precision rounds the (float32-accumulated) result once
_TOLS = {"float16": (4e-3, 8e-3), "bfloat16": (2e-2, 6e-2), "float32": (2e-5, 2e-5)}


def _F():
    import ember.nn.functional as F
    return F


def _tup(v, d):
    return tuple(v) if isinstance(v, (list, tuple)) else (v,) * d


def ref_conv(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    d = w.ndim - 2
    unb = x.ndim == d + 1
    if unb:
        x = x[None]
    s, dl = _tup(stride, d), _tup(dilation, d)
    if padding == "valid":
        padding = 0
    if padding == "same":
        tot = [dl[i] * (w.shape[2 + i] - 1) for i in range(d)]
        pads = [(t // 2, t - t // 2) for t in tot]
    else:
        pads = [(p, p) for p in _tup(padding, d)]
    x = np.pad(x, [(0, 0), (0, 0)] + pads)
    n, c = x.shape[:2]
    cout = w.shape[0]
    cg, og = c // groups, cout // groups
    osp = [(x.shape[2 + i] - dl[i] * (w.shape[2 + i] - 1) - 1) // s[i] + 1 for i in range(d)]
    out = np.zeros((n, cout) + tuple(osp))
    for kidx in itertools.product(*(range(k) for k in w.shape[2:])):
        sl = tuple(slice(k * dl[i], k * dl[i] + s[i] * (osp[i] - 1) + 1, s[i]) for i, k in enumerate(kidx))
        patch = x[(slice(None), slice(None)) + sl]
        for g in range(groups):
            wk = w[(slice(g * og, (g + 1) * og), slice(None)) + kidx]
            out[:, g * og:(g + 1) * og] += np.einsum("nc...,oc->no...", patch[:, g * cg:(g + 1) * cg], wk)
    if b is not None:
        out += b.reshape((1, -1) + (1,) * d)
    return out[0] if unb else out


def ref_conv_transpose(x, w, b=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    d = w.ndim - 2
    unb = x.ndim == d + 1
    if unb:
        x = x[None]
    s, p, op, dl = _tup(stride, d), _tup(padding, d), _tup(output_padding, d), _tup(dilation, d)
    n, cin = x.shape[:2]
    og = w.shape[1]
    cg = cin // groups
    isp = x.shape[2:]
    full = [(isp[i] - 1) * s[i] + dl[i] * (w.shape[2 + i] - 1) + 1 + op[i] for i in range(d)]
    out = np.zeros((n, og * groups) + tuple(full))
    for kidx in itertools.product(*(range(k) for k in w.shape[2:])):
        sl = tuple(slice(k * dl[i], k * dl[i] + s[i] * (isp[i] - 1) + 1, s[i]) for i, k in enumerate(kidx))
        for g in range(groups):
            wk = w[(slice(g * cg, (g + 1) * cg), slice(None)) + kidx]
            out[(slice(None), slice(g * og, (g + 1) * og)) + sl] += np.einsum(
                "nc...,co->no...", x[:, g * cg:(g + 1) * cg], wk)
    out = out[(slice(None), slice(None)) + tuple(slice(p[i], full[i] - p[i]) for i in range(d))]
    if b is not None:
        out = out + b.reshape((1, -1) + (1,) * d)
    return out[0] if unb else out


# (input shape, weight shape, bias?, kwargs) per spatial rank
_CONV_CASES = {
    1: [((2, 4, 7), (6, 4, 3), True, {}),
        ((2, 4, 9), (6, 2, 3), False, {"stride": 2, "padding": 1, "dilation": 2, "groups": 2}),
        ((3, 8), (2, 3, 2), True, {"padding": "same"}),
        ((0, 2, 5), (3, 2, 2), True, {})],
    2: [((2, 3, 6, 5), (4, 3, 3, 2), True, {"stride": (2, 1), "padding": 1}),
        ((1, 4, 7, 6), (6, 2, 2, 3), True, {"dilation": (2, 1), "groups": 2, "padding": (1, 0)}),
        ((2, 5, 5), (3, 2, 3, 3), False, {"padding": "same"}),
        ((1, 3, 4, 4), (6, 1, 1, 1), True, {"groups": 3}),
        ((1, 2, 4, 5), (2, 2, 3, 3), True, {"padding": "valid"})],
    3: [((1, 2, 4, 5, 4), (3, 2, 2, 3, 2), True, {"stride": (1, 2, 1), "padding": 1}),
        ((2, 4, 3, 4, 5), (4, 2, 2, 2, 2), False, {"groups": 2, "dilation": (1, 2, 2)})],
}

_CONVT_CASES = {
    1: [((2, 4, 5), (4, 3, 3), True, {"stride": 2, "padding": 1, "output_padding": 1}),
        ((2, 4, 4), (4, 2, 2), False, {"groups": 2, "dilation": 2, "stride": 3, "output_padding": 2})],
    2: [((2, 3, 4, 5), (3, 2, 3, 2), True, {"stride": (2, 1), "padding": (1, 0), "output_padding": (1, 0)}),
        ((4, 3, 3), (4, 1, 2, 2), True, {"groups": 2, "dilation": (1, 2)})],
    3: [((1, 2, 3, 2, 3), (2, 3, 2, 2, 2), True, {"stride": 2, "padding": (0, 1, 0)})],
}


def _conv_samples(cases, out_channels_dim):
    def gen(dtype, rng):
        for xs, ws, bias, kw in cases:
            x, w = make_array(xs, dtype, rng), make_array(ws, dtype, rng)
            cout = ws[0] if out_channels_dim == 0 else ws[1] * kw.get("groups", 1)
            args = (w, make_array((cout,), dtype, rng)) if bias else (w,)
            yield SampleInput(x, *args, name=f"{xs} * {ws}", **kw)
    return gen


def _conv_errors(d):
    def gen():
        F = f"conv{d}d"
        rng = np.random.default_rng(0)
        sp = (5,) * d
        k = (3,) * d
        w = make_array((4, 3) + k, "float32", rng)
        yield ErrorInput(SampleInput(make_array((2,) * d, "float32", rng), w), RuntimeError,
                         rf"Expected {d + 1}D \(unbatched\) or {d + 2}D \(batched\) input to {F}")
        yield ErrorInput(SampleInput(make_array((1, 4) + sp, "float32", rng), w), RuntimeError,
                         r"expected input\[1, 4.*to have 3 channels, but got 4 channels instead")
        yield ErrorInput(SampleInput(make_array((1, 3) + (2,) * d, "float32", rng), w), RuntimeError,
                         "Kernel size can't be greater than actual input size")
        yield ErrorInput(SampleInput(make_array((1, 3) + sp, "float32", rng), w, stride=0), RuntimeError,
                         "non-positive stride is not supported")
        yield ErrorInput(SampleInput(make_array((1, 3) + sp, "float32", rng), w, padding="same", stride=2),
                         RuntimeError, "padding='same' is not supported for strided convolutions")
        yield ErrorInput(SampleInput(make_array((1, 3) + sp, "float32", rng), w, make_array((5,), "float32", rng)),
                         RuntimeError, "expected bias to be 1-dimensional with 4 elements")
        yield ErrorInput(SampleInput(make_array((1, 3) + sp, "float64", rng), w), RuntimeError,
                         "expected scalar type Double but found Float")
    return gen


def _convt_errors(d):
    def gen():
        rng = np.random.default_rng(0)
        w = make_array((4, 2) + (3,) * d, "float32", rng)
        yield ErrorInput(SampleInput(make_array((1, 3) + (4,) * d, "float32", rng), w), RuntimeError,
                         "Given transposed=1, weight of size .* expected input.* to have 4 channels")
        yield ErrorInput(SampleInput(make_array((1, 4) + (4,) * d, "float32", rng), w, output_padding=1),
                         RuntimeError, "output padding must be smaller than either stride or dilation")
    return gen


# --- fold / unfold (im2col built from the same windows and col2im) ----------------------------------------

def ref_unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    k, dl, p, s = (_tup(v, 2) for v in (kernel_size, dilation, padding, stride))
    unb = x.ndim == 3
    if unb:
        x = x[None]
    x = np.pad(x, [(0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])])
    n, c, h, w = x.shape
    oh = (h - dl[0] * (k[0] - 1) - 1) // s[0] + 1
    ow = (w - dl[1] * (k[1] - 1) - 1) // s[1] + 1
    cols = []
    for i, j in itertools.product(range(k[0]), range(k[1])):
        cols.append(x[:, :, i * dl[0]:i * dl[0] + s[0] * (oh - 1) + 1:s[0],
                      j * dl[1]:j * dl[1] + s[1] * (ow - 1) + 1:s[1]].reshape(n, c, 1, oh * ow))
    out = np.concatenate(cols, 2).reshape(n, c * k[0] * k[1], oh * ow)
    return out[0] if unb else out


def ref_fold(cols, output_size, kernel_size, dilation=1, padding=0, stride=1):
    k, dl, p, s, size = (_tup(v, 2) for v in (kernel_size, dilation, padding, stride, output_size))
    unb = cols.ndim == 2
    if unb:
        cols = cols[None]
    n = cols.shape[0]
    c = cols.shape[1] // (k[0] * k[1])
    h, w = size[0] + 2 * p[0], size[1] + 2 * p[1]
    oh = (h - dl[0] * (k[0] - 1) - 1) // s[0] + 1
    ow = (w - dl[1] * (k[1] - 1) - 1) // s[1] + 1
    cols = cols.reshape(n, c, k[0], k[1], oh, ow)
    out = np.zeros((n, c, h, w))
    for i, j in itertools.product(range(k[0]), range(k[1])):
        out[:, :, i * dl[0]:i * dl[0] + s[0] * (oh - 1) + 1:s[0],
            j * dl[1]:j * dl[1] + s[1] * (ow - 1) + 1:s[1]] += cols[:, :, i, j]
    out = out[:, :, p[0]:p[0] + size[0], p[1]:p[1] + size[1]]
    return out[0] if unb else out


def _unfold_samples(dtype, rng):
    yield SampleInput(make_array((2, 3, 5, 6), dtype, rng), (2, 3), dilation=(1, 2), padding=1, stride=(2, 1))
    yield SampleInput(make_array((3, 4, 4), dtype, rng), 2, name="unbatched")
    yield SampleInput(make_array((1, 2, 3, 3), dtype, rng), 1)


def _fold_samples(dtype, rng):
    yield SampleInput(make_array((2, 3 * 6, 12), dtype, rng), (5, 6), (2, 3), dilation=(1, 2), padding=1,
                      stride=(2, 1))
    yield SampleInput(make_array((8, 9), dtype, rng), 4, 2, name="unbatched")
    yield SampleInput(make_array((1, 4, 4), dtype, rng), (3, 3), 2, stride=1, padding=0, dilation=1)


def _fold_errors():
    rng = np.random.default_rng(0)
    yield ErrorInput(SampleInput(make_array((1, 5, 3), "float32", rng), (4, 4), 2), RuntimeError,
                     "divisible by the product of kernel_size")
    yield ErrorInput(SampleInput(make_array((1, 4, 3), "float32", rng), (4, 4), 2), RuntimeError,
                     "match the calculated number of sliding blocks")


def _unfold_errors():
    rng = np.random.default_rng(0)
    yield ErrorInput(SampleInput(make_array((4, 5), "float32", rng), 2), RuntimeError, "Only 3D or 4D input")


def _op(name):
    return lambda *a, **k: getattr(_F(), name)(*a, **k)


OP_DB = [
    OpInfo(f"nn.functional.conv{d}d", _op(f"conv{d}d"), ref_conv, _conv_samples(_CONV_CASES[d], 0), tols=_TOLS,
           gradgrad=True, error_inputs=_conv_errors(d), grad_samples=2)
    for d in (1, 2, 3)
] + [
    OpInfo(f"nn.functional.conv_transpose{d}d", _op(f"conv_transpose{d}d"), ref_conv_transpose,
           _conv_samples(_CONVT_CASES[d], 1), tols=_TOLS, gradgrad=True, error_inputs=_convt_errors(d),
           grad_samples=2)
    for d in (1, 2, 3)
] + [
    OpInfo("nn.functional.unfold", _op("unfold"), ref_unfold, _unfold_samples, gradgrad=True,
           error_inputs=_unfold_errors),
    OpInfo("nn.functional.fold", _op("fold"), ref_fold, _fold_samples, gradgrad=True, error_inputs=_fold_errors,
           tols={"float16": (2e-3, 4e-3), "bfloat16": (1.6e-2, 3e-2)}),
]
