"""Convolution: one op for 1-D, 2-D and 3-D, plus its two adjoints.

    conv(x, w, stride, padding, dilation, groups)                      x: (N, C, *sp)  w: (Cout, C/groups, *k)
    conv_backward_input(g, w, input_shape, stride, padding, ...)       the adjoint in x (= conv_transpose)
    conv_backward_weight(x, g, weight_shape, stride, padding, ...)     the adjoint in w

The three are closed under differentiation (each one's backward is written with the other two), so
gradients of any order work.  Each has a decomposition into primitives (zero padding by a scatter,
sliding windows by ``unfold`` views, one ``matmul``), so a backend without the fused kernels still
runs every convolution.  ``padding`` is a tuple of ints per spatial dim (or of (left, right) pairs);
the strings 'same'/'valid' are resolved in ``ember.nn.functional``.
"""
from __future__ import annotations

from .. import _dtype as D
from .._dispatch import apply
from .._op import defop
from .creation import full, zeros
from .linalg import matmul
from .movement import BASIC_INDEX, BASIC_INDEX_SCATTER, UNFOLD, UNFOLD_BACKWARD

F = "conv"


def _prod(xs):
    n = 1
    for x in xs:
        n *= x
    return n


def _pairs(padding):
    return [p if isinstance(p, tuple) else (p, p) for p in padding]


# --- building blocks in ember ops (shared with pooling and nn.functional) -------------------------

def pad_trailing(x, pads, value=0.0):
    """``x`` with its last ``len(pads)`` dims padded by ``(left, right)`` pairs of ``value``."""
    if not any(a or b for a, b in pads):
        return x
    lead = x.ndim - len(pads)
    inner = tuple(x.shape[lead:])
    shape = tuple(x.shape[:lead]) + tuple(n + a + b for n, (a, b) in zip(inner, pads))
    base = full(shape, value, dtype=x.dtype, device=x.device)
    key = (slice(None),) * lead + tuple(slice(a, a + n, 1) for n, (a, _) in zip(inner, pads))
    return apply(BASIC_INDEX_SCATTER, (base, x), (key,))


def windows(x, ksize, stride, padding, dilation, fill=0.0):
    """(N, C, *out, *kernel) sliding windows of the padded ``x``, built from ``unfold`` views."""
    x = pad_trailing(x, _pairs(padding), fill)
    for i, (k, s, dl) in enumerate(zip(ksize, stride, dilation)):
        span = (k - 1) * dl + 1
        x = apply(UNFOLD, (x,), (2 + i, span, s))
        if dl > 1:
            x = apply(BASIC_INDEX, (x,), ((slice(None),) * (x.ndim - 1) + (slice(0, span, dl),),))
    return x


def col2im(cols, input_shape, ksize, stride, padding, dilation):
    """The adjoint of :func:`windows`: sum (N, C, *out, *kernel) values into an ``input_shape`` tensor."""
    pads = _pairs(padding)
    d = len(ksize)
    padded = [n + a + b for n, (a, b) in zip(input_shape[2:], pads)]
    x = cols
    for i in reversed(range(d)):
        span = (ksize[i] - 1) * dilation[i] + 1
        if dilation[i] > 1:
            base = zeros(tuple(x.shape[:-1]) + (span,), dtype=x.dtype, device=x.device)
            key = (slice(None),) * (x.ndim - 1) + (slice(0, span, dilation[i]),)
            x = apply(BASIC_INDEX_SCATTER, (base, x), (key,))
        pre = list(x.shape[:-1])
        pre[2 + i] = padded[i]
        x = apply(UNFOLD_BACKWARD, (x,), (tuple(pre), 2 + i, span, stride[i]))
    if any(a or b for a, b in pads):
        key = (slice(None),) * 2 + tuple(slice(a, a + n, 1) for n, (a, _) in zip(input_shape[2:], pads))
        x = apply(BASIC_INDEX, (x,), (key,))
    return x


def _cols(x, ksize, stride, padding, dilation, groups):
    """im2col: (groups, N*out_pixels, C/groups*kernel_numel) and the output spatial shape."""
    n, c = x.shape[0], x.shape[1]
    d = len(ksize)
    w = windows(x, ksize, stride, padding, dilation)
    osp = tuple(w.shape[2:2 + d])
    w = w.reshape((n, groups, c // groups) + osp + tuple(ksize))
    perm = (1, 0) + tuple(range(3, 3 + d)) + (2,) + tuple(range(3 + d, 3 + 2 * d))
    return w.permute(perm).reshape(groups, n * _prod(osp), (c // groups) * _prod(ksize)), osp


def _grad_matrix(g, groups):
    """(N, Cout, *out) -> (groups, N*out_pixels, Cout/groups)."""
    n, cout = g.shape[0], g.shape[1]
    osp = tuple(g.shape[2:])
    d = len(osp)
    g = g.reshape((n, groups, cout // groups) + osp)
    return g.permute((1, 0) + tuple(range(3, 3 + d)) + (2,)).reshape(groups, n * _prod(osp), cout // groups)


def _conv_decomp(x, w, stride, padding, dilation, groups):
    n, cout = x.shape[0], w.shape[0]
    d = w.ndim - 2
    cols, osp = _cols(x, tuple(w.shape[2:]), stride, padding, dilation, groups)
    wm = w.reshape(groups, cout // groups, -1).permute(0, 2, 1)
    r = matmul(cols, wm).reshape((groups, n) + osp + (cout // groups,))
    return r.permute((1, 0, 2 + d) + tuple(range(2, 2 + d))).reshape((n, cout) + osp)


def _cbw_decomp(x, g, weight_shape, stride, padding, dilation, groups):
    cols, _ = _cols(x, weight_shape[2:], stride, padding, dilation, groups)
    return matmul(_grad_matrix(g, groups).permute(0, 2, 1), cols).reshape(weight_shape)


def _cbi_decomp(g, w, input_shape, stride, padding, dilation, groups):
    n, c = input_shape[:2]
    cout, ksize = w.shape[0], tuple(w.shape[2:])
    d = len(ksize)
    osp = tuple(g.shape[2:])
    dc = matmul(_grad_matrix(g, groups), w.reshape(groups, cout // groups, -1))
    dc = dc.reshape((groups, n) + osp + (c // groups,) + ksize)
    dc = dc.permute((1, 0, 2 + d) + tuple(range(2, 2 + d)) + tuple(range(3 + d, 3 + 2 * d)))
    return col2im(dc.reshape((n, c) + osp + ksize), input_shape, ksize, stride, padding, dilation)


# --- the ops and their backward formulas ---------------------------------------------------------

def _conv_bwd(ctx, g):
    x, w = ctx.saved
    geo = ctx.params
    n = ctx.needs_input_grad
    gx = apply(CONV_BACKWARD_INPUT, (g, w), (tuple(x.shape),) + geo) if n[0] else None
    gw = apply(CONV_BACKWARD_WEIGHT, (x, g), (tuple(w.shape),) + geo) if n[1] else None
    return gx, gw


def _cbi_bwd(ctx, h):
    g, w = ctx.saved
    geo = ctx.params[1:]
    n = ctx.needs_input_grad
    gg = apply(CONV, (h, w), geo) if n[0] else None
    gw = apply(CONV_BACKWARD_WEIGHT, (h, g), (tuple(w.shape),) + geo) if n[1] else None
    return gg, gw


def _cbw_bwd(ctx, h):
    x, g = ctx.saved
    geo = ctx.params[1:]
    n = ctx.needs_input_grad
    gx = apply(CONV_BACKWARD_INPUT, (g, h), (tuple(x.shape),) + geo) if n[0] else None
    gg = apply(CONV, (x, h), geo) if n[1] else None
    return gx, gg


CONV = defop("conv", F, "conv(x, w, stride, padding, dilation, groups) -> out", backward=_conv_bwd,
             save="inputs", decomposition=_conv_decomp,
             doc="N-d cross-correlation of x (N, C, *sp) with w (Cout, C/groups, *k); stride, padding, dilation "
                 "are tuples with one int per spatial dim, groups an int")
CONV_BACKWARD_INPUT = defop(
    "conv_backward_input", F, "conv_backward_input(g, w, input_shape, stride, padding, dilation, groups) -> out",
    backward=_cbi_bwd, save="inputs", decomposition=_cbi_decomp,
    doc="the adjoint of conv in x: an input_shape tensor; also the transposed convolution")
CONV_BACKWARD_WEIGHT = defop(
    "conv_backward_weight", F, "conv_backward_weight(x, g, weight_shape, stride, padding, dilation, groups) -> out",
    backward=_cbw_bwd, save="inputs", decomposition=_cbw_decomp,
    doc="the adjoint of conv in w: a weight_shape tensor")


# --- the public entry point: validation + bias -----------------------------------------------------

def _dims(x):
    return " x ".join(str(v) for v in x)


def _tuple(v, d, name):
    if isinstance(v, int):
        return (v,) * d
    v = tuple(int(a) for a in v)
    if len(v) == 1:
        return v * d
    if len(v) != d:
        raise RuntimeError(f"expected {name} to be a single integer value or a list of {d} values to match the "
                           f"convolution dimensions, but got {name}={list(v)}")
    return v


def _check_dtypes(input, weight, bias):
    if input.dtype is not weight.dtype:
        raise RuntimeError(f"expected scalar type {_type_name(input.dtype)} but found {_type_name(weight.dtype)}")
    if bias is not None and bias.dtype is not input.dtype:
        raise RuntimeError(f"Input type ({input.dtype.name.replace('float32', 'float').replace('float64', 'double')})"
                           f" and bias type ({bias.dtype.name.replace('float32', 'float').replace('float64', 'double')})"
                           f" should be the same")
    if input.dtype is D.bool:
        raise RuntimeError("\"slow_conv2d_cpu\" not implemented for 'Bool'")


def _type_name(dt):
    return {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16", "int64": "Long",
            "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}[dt.name]


def convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding, groups):
    """``torch.convolution``: batched (N, C, *sp) input; padding a tuple of ints."""
    d = weight.ndim - 2
    if d < 1:
        raise RuntimeError(f"weight should have at least three dimensions, but got weight of size "
                           f"{list(weight.shape)}")
    if input.ndim != d + 2:
        raise RuntimeError(f"Expected {d + 1}-dimensional input for {d + 1}-dimensional weight "
                           f"{list(weight.shape)}, but got {input.ndim}-dimensional input of size "
                           f"{list(input.shape)} instead")
    stride = _tuple(stride, d, "stride")
    padding = _tuple(padding, d, "padding")
    dilation = _tuple(dilation, d, "dilation")
    output_padding = _tuple(output_padding, d, "output_padding")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")
    if any(p < 0 for p in output_padding):
        raise RuntimeError("negative output_padding is not supported")
    if any(dl <= 0 for dl in dilation):
        raise RuntimeError(f"dilation should be greater than zero, but got {list(dilation)}")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    _check_dtypes(input, weight, bias)
    shape, wshape = list(input.shape), list(weight.shape)
    c = shape[1]
    if not transposed:
        if wshape[0] % groups:
            raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, "
                               f"but got weight of size [{wshape}] instead")
        if c != wshape[1] * groups:
            raise RuntimeError(f"Given groups={groups}, weight of size {wshape}, expected input{shape} to have "
                               f"{wshape[1] * groups} channels, but got {c} channels instead")
        padded = [n + 2 * p for n, p in zip(shape[2:], padding)]
        span = [(k - 1) * dl + 1 for k, dl in zip(wshape[2:], dilation)]
        if any(s > p for s, p in zip(span, padded)):
            raise RuntimeError(f"Calculated padded input size per channel: ({_dims(padded)}). Kernel size: "
                               f"({_dims(span)}). Kernel size can't be greater than actual input size")
        cout = wshape[0]
    else:
        if c != wshape[0]:
            raise RuntimeError(f"Given transposed=1, weight of size {wshape}, expected input{shape} to have "
                               f"{wshape[0]} channels, but got {c} channels instead")
        if wshape[0] % groups:
            raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, "
                               f"but got weight of size [{wshape}] instead")
        if any(op >= s and op >= dl for op, s, dl in zip(output_padding, stride, dilation)):
            names = ("depth", "height", "width")[-d:] if d <= 3 else [str(i) for i in range(d)]
            raise RuntimeError("output padding must be smaller than either stride or dilation, but got " + " ".join(
                [f"output_padding_{n}: {v}" for n, v in zip(names, output_padding)]
                + [f"stride_{n}: {v}" for n, v in zip(names, stride)]
                + [f"dilation_{n}: {v}" for n, v in zip(names, dilation)]))
        cout = wshape[1] * groups
    if bias is not None and (bias.ndim != 1 or bias.shape[0] != cout):
        raise RuntimeError(f"Given weight of size {wshape}, expected bias to be 1-dimensional with {cout} elements, "
                           f"but got bias of size {list(bias.shape)} instead")
    geo = (stride, padding, dilation, groups)
    if not transposed:
        out = apply(CONV, (input, weight), geo)
    else:
        osp = tuple((i - 1) * s - 2 * p + dl * (k - 1) + op + 1 for i, s, p, dl, k, op in
                    zip(shape[2:], stride, padding, dilation, wshape[2:], output_padding))
        if any(o <= 0 for o in osp):
            raise RuntimeError(f"Given input size per channel: ({_dims(shape[2:])}). Calculated output size per "
                               f"channel: ({_dims(osp)}). Output size is too small")
        out = apply(CONV_BACKWARD_INPUT, (input, weight), ((shape[0], cout) + osp,) + geo)
    if bias is not None:
        out = out + bias.reshape((1, cout) + (1,) * d)
    return out
