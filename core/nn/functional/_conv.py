"""Convolutions: ``conv1d/2d/3d`` and ``conv_transpose1d/2d/3d`` (``torch.nn.functional``).

Thin wrappers over :func:`ember.ops.conv.convolution`: they add/remove the batch dim of unbatched
inputs, check the input rank, and resolve ``padding='same'`` / ``'valid'``.
"""
from __future__ import annotations

from ...ops.conv import convolution, pad_trailing

__all__ = ["conv1d", "conv2d", "conv3d", "conv_tbc", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d"]


def ntuple(v, d, name="argument"):
    """``v`` as a tuple of ``d`` ints (an int is repeated; a 1-sequence is repeated)."""
    if isinstance(v, (list, tuple)):
        v = tuple(int(a) for a in v)
        if len(v) == 1 and d > 1:
            return v * d
        return v
    try:
        return (v.__index__(),) * d
    except AttributeError:
        raise TypeError(f"{name} must be an int or a tuple of ints, but got {type(v).__name__}") from None


def check_rank(input, d, name):
    """(batched input, was_unbatched): accepts (C, *sp) or (N, C, *sp) with ``d`` spatial dims."""
    if input.ndim not in (d + 1, d + 2):
        raise RuntimeError(f"Expected {d + 1}D (unbatched) or {d + 2}D (batched) input to {name}, but got input "
                           f"of size: {list(input.shape)}")
    if input.ndim == d + 1:
        return input.unsqueeze(0), True
    return input, False


def _same_padding(input, weight, stride, dilation, d):
    if any(s != 1 for s in ntuple(stride, d, "stride")):
        raise RuntimeError("padding='same' is not supported for strided convolutions")
    dil = ntuple(dilation, d, "dilation")
    left, extra = [], []
    for k, dl in zip(weight.shape[2:], dil):
        total = dl * (k - 1)
        left.append(total // 2)
        extra.append(total - 2 * (total // 2))
    if any(extra):
        input = pad_trailing(input, [(0, e) for e in extra])
    return input, tuple(left)


def _conv(name, d, input, weight, bias, stride, padding, dilation, groups):
    x, unbatched = check_rank(input, d, name)
    if isinstance(padding, str):
        if padding == "valid":
            padding = 0
        elif padding == "same":
            if weight.ndim == d + 2:
                x, padding = _same_padding(x, weight, stride, dilation, d)
            else:
                padding = 0
        else:
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    out = convolution(x, weight, bias, stride, padding, dilation, False, 0, groups)
    return out.squeeze(0) if unbatched else out


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D convolution over (N, C, L) or (C, L) input; ``weight`` is (out, C/groups, k)."""
    return _conv("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution over (N, C, H, W) or (C, H, W) input; ``weight`` is (out, C/groups, kh, kw).

        >>> F.conv2d(ember.ones(1, 1, 3, 3), ember.ones(1, 1, 2, 2)).shape
        ember.Size([1, 1, 2, 2])
    """
    return _conv("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """3-D convolution over (N, C, D, H, W) or (C, D, H, W) input."""
    return _conv("conv3d", 3, input, weight, bias, stride, padding, dilation, groups)


def _conv_t(name, d, input, weight, bias, stride, padding, output_padding, groups, dilation):
    x, unbatched = check_rank(input, d, name)
    if isinstance(padding, str):
        raise TypeError(f"{name}(): argument 'padding' must be tuple of ints, not str")
    out = convolution(x, weight, bias, stride, padding, dilation, True, output_padding, groups)
    return out.squeeze(0) if unbatched else out


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """1-D transposed convolution; ``weight`` is (C, out/groups, k)."""
    return _conv_t("conv_transpose1d", 1, input, weight, bias, stride, padding, output_padding, groups, dilation)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """2-D transposed convolution ("deconvolution"); ``weight`` is (C, out/groups, kh, kw)."""
    return _conv_t("conv_transpose2d", 2, input, weight, bias, stride, padding, output_padding, groups, dilation)


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """3-D transposed convolution; ``weight`` is (C, out/groups, kd, kh, kw)."""
    return _conv_t("conv_transpose3d", 3, input, weight, bias, stride, padding, output_padding, groups, dilation)


def conv_tbc(input, weight, bias, pad=0):
    """1-D convolution in (time, batch, channel) layout: ``weight`` (k, C_in, C_out), ``bias`` (C_out,)."""
    if input.ndim != 3:
        raise RuntimeError("Input must have 3 dims: time, batch, in_channel")
    if weight.ndim != 3:
        raise RuntimeError("Weight tensor must have 3 dims: kernel_width, in_channels, out_channels.")
    if bias.ndim != 1:
        raise RuntimeError("Bias must be 1-D")
    if input.shape[2] != weight.shape[1]:
        raise RuntimeError("Input dim 2 (input channels) is not == dim 1 in the weight tensor")
    if weight.shape[2] != bias.shape[0]:
        raise RuntimeError("Bias size must equal dim 2 in the weight tensor (output channels).")
    out = convolution(input.permute(1, 2, 0), weight.permute(2, 1, 0), bias, 1, pad, 1, False, 0, 1)
    return out.permute(2, 0, 1)
