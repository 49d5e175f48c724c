"""``torch.nn.functional`` normalization: batch_norm, instance_norm, layer_norm, group_norm, rms_norm,
local_response_norm.

batch/layer/group/instance norm run the fused ops of ``ember.ops.norm`` (which return the batch
statistics); running statistics are updated here in place under ``no_grad``, exactly as PyTorch:
``running = (1 - momentum) * running + momentum * stat`` with the *unbiased* batch variance.
"""
from __future__ import annotations

import ember

from ... import _dtype as D
from ..._dispatch import apply
from ..._tensor import Tensor
from ...ops.inplace import torch_type_name
from ...ops.norm import BATCH_NORM, GROUP_NORM, LAYER_NORM

__all__ = ["batch_norm", "instance_norm", "layer_norm", "group_norm", "rms_norm", "local_response_norm"]


def _check_input(input, op):
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"{op}\" not implemented for '{torch_type_name(input.dtype)}'")


def _param(t, input, like_shape, fill):
    """An affine parameter in the compute dtype of ``input`` (``fill`` when None)."""
    if t is None:
        return ember.full(like_shape, fill, dtype=input.dtype, device=input.device)
    if t.dtype is not input.dtype:
        if input.dtype not in (D.float16, D.bfloat16):
            raise RuntimeError("mixed dtype (CPU): all inputs must share same datatype.")
        t = t.to(input.dtype)
    return t


def _check_mixed(t, input):
    """Parameters/buffers share the input's dtype; half inputs may also use float32 ones (CPU rule)."""
    if t is not None and t.dtype is not input.dtype and input.dtype not in (D.float16, D.bfloat16):
        raise RuntimeError("mixed dtype (CPU): all inputs must share same datatype.")


def _check_vector(t, name, c):
    if t is not None and t.numel() != c:
        raise RuntimeError(f"{name} should contain {c} elements not {t.numel()}")


def _verify_batch_size(size):
    n = size[0]
    for s in size[2:]:
        n *= s
    if n == 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input size {ember.Size(size)}")


def _update_running(running, stat, momentum):
    """``running = (1 - momentum) * running + momentum * stat`` in place (a buffer: never recorded)."""
    with ember.no_grad():
        stat = stat.detach().to(running.dtype)
        running.mul_(1.0 - momentum).add_(stat * momentum)


def _eval_norm(input, mean, var, weight, bias, eps):
    """(x - mean) / sqrt(var + eps) * weight + bias with per-channel (dim 1) statistics."""
    shape = (1, input.shape[1]) + (1,) * (input.ndim - 2)
    scale = ember.rsqrt(_param(var, input, (), 0.0) + eps)
    if weight is not None:
        scale = scale * _param(weight, input, (), 1.0)
    shift = -_param(mean, input, (), 0.0) * scale
    if bias is not None:
        shift = shift + _param(bias, input, (), 0.0)
    return input * scale.reshape(shape) + shift.reshape(shape)


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None, weight: Tensor | None = None,
               bias: Tensor | None = None, training: bool = False, momentum: float = 0.1,
               eps: float = 1e-5) -> Tensor:
    """Batch normalization over every dim but 1 (channels) of ``input`` (N, C, *).

    Training: normalizes with the batch statistics and, when running buffers are given, updates them
    in place with ``momentum`` (the variance buffer gets the unbiased batch variance). Evaluation:
    normalizes with ``running_mean``/``running_var``.
    """
    _check_input(input, "batch_norm")
    if training:
        _verify_batch_size(tuple(input.shape))
    if training and eps <= 0.0:
        raise ValueError(f"batch_norm eps must be positive during training, but got {eps}")
    if eps < 0.0:
        raise ValueError(f"batch_norm eps must be non-negative, but got {eps}")
    c = input.shape[1]
    for t, name in ((running_mean, "running_mean"), (running_var, "running_var"), (weight, "weight"),
                    (bias, "bias")):
        _check_vector(t, name, c)
        _check_mixed(t, input)
    if not training:
        if running_mean is None:
            raise RuntimeError("running_mean must be defined in evaluation mode")
        if running_var is None:
            raise RuntimeError("running_var must be defined in evaluation mode")
        return _eval_norm(input, running_mean, running_var, weight, bias, eps)
    w, b = _param(weight, input, (c,), 1.0), _param(bias, input, (c,), 0.0)
    out, mean, var = apply(BATCH_NORM, (input, w, b), (float(eps),), (input.dtype,) * 3)
    if running_mean is not None or running_var is not None:
        n = input.numel() // c
        if running_mean is not None:
            _update_running(running_mean, mean, momentum)
        if running_var is not None:
            _update_running(running_var, var * (n / (n - 1)), momentum)
    return out


def instance_norm(input: Tensor, running_mean: Tensor | None = None, running_var: Tensor | None = None,
                  weight: Tensor | None = None, bias: Tensor | None = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalizes each channel of each sample over its spatial dims (input (N, C, *))."""
    _check_input(input, "instance_norm")
    size = tuple(input.shape)
    if use_input_stats:
        spatial = 1
        for s in size[2:]:
            spatial *= s
        if spatial == 1:
            raise ValueError(f"Expected more than 1 spatial element when training, got input size {ember.Size(size)}")
    n, c = size[0], size[1]
    for t, name in ((running_mean, "running_mean"), (running_var, "running_var")):
        if t is not None and t.numel() * n != n * c:
            raise RuntimeError(f"{name} should contain {n * c} elements not {t.numel() * n}")
    _check_vector(weight, "weight", c)
    _check_vector(bias, "bias", c)
    if not use_input_stats:
        if running_mean is None:
            raise RuntimeError("Expected running_mean to be defined when use_input_stats is false")
        return _eval_norm(input, running_mean, running_var, weight, bias, eps)
    w, b = _param(weight, input, (c,), 1.0), _param(bias, input, (c,), 0.0)
    out, mean, var = apply(GROUP_NORM, (input, w, b), (c, float(eps)), (input.dtype,) * 3)
    if running_mean is not None:
        _update_running(running_mean, mean.mean(0), momentum)
    if running_var is not None:
        m = input.numel() // (n * c)
        _update_running(running_var, (var * (m / (m - 1))).mean(0), momentum)
    return out


def _normalized_shape(normalized_shape):
    if isinstance(normalized_shape, int) or hasattr(normalized_shape, "__index__"):
        return (int(normalized_shape),)
    return tuple(int(s) for s in normalized_shape)


def _check_normalized(input, shape, weight, bias, star="*, "):
    k = len(shape)
    if k == 0 or input.ndim < k or tuple(input.shape[input.ndim - k:]) != shape:
        want = ", ".join(str(s) for s in shape)
        raise RuntimeError(f"Given normalized_shape={list(shape)}, expected input with shape [{star}{want}], but got "
                           f"input of size{list(input.shape)}")
    for t, name in ((weight, "weight"), (bias, "bias")):
        if t is not None and tuple(t.shape) != shape:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but got {name} of shape "
                               f"{list(t.shape)} and normalized_shape = {list(shape)}")


def layer_norm(input: Tensor, normalized_shape, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-5) -> Tensor:
    """Normalizes over the trailing ``normalized_shape`` dims, then ``* weight + bias`` elementwise.

    >>> F.layer_norm(ember.tensor([[1., 2., 3.]]), (3,))
    tensor([[-1.2247,  0.0000,  1.2247]])
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"layer_norm(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    shape = _normalized_shape(normalized_shape)
    _check_normalized(input, shape, weight, bias)
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"LayerNormKernelImpl\" not implemented for '{torch_type_name(input.dtype)}'")
    w, b = _param(weight, input, shape, 1.0), _param(bias, input, shape, 0.0)
    return apply(LAYER_NORM, (input, w, b), (len(shape), float(eps)), (input.dtype,) * 3)[0]


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-5) -> Tensor:
    """Splits the channels of ``input`` (N, C, *) into ``num_groups`` groups and normalizes each group
    of each sample; then applies the per-channel ``weight``/``bias``."""
    _check_input(input, "group_norm")
    if input.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {input.ndim}")
    n, c = input.shape[0], input.shape[1]
    if num_groups <= 0 or c % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but got input of "
                           f"shape {list(input.shape)} and num_groups={num_groups}")
    _verify_batch_size([n * c // num_groups, num_groups] + list(input.shape[2:]))
    for t, name in ((weight, "weight"), (bias, "bias")):
        if t is not None and (t.ndim != 1 or t.numel() != c):
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number of channels in input, "
                               f"but got {name} of shape {list(t.shape)} and input of shape {list(input.shape)}")
    w, b = _param(weight, input, (c,), 1.0), _param(bias, input, (c,), 0.0)
    return apply(GROUP_NORM, (input, w, b), (int(num_groups), float(eps)), (input.dtype,) * 3)[0]


def rms_norm(input: Tensor, normalized_shape, weight: Tensor | None = None, eps: float | None = None) -> Tensor:
    """``input / sqrt(mean(input**2 over normalized_shape) + eps) * weight``; ``eps`` None: the machine
    epsilon of the computation dtype (float32 for half inputs, which compute in float32)."""
    if not isinstance(input, Tensor):
        raise TypeError(f"rms_norm(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    shape = _normalized_shape(normalized_shape)
    _check_normalized(input, shape, weight, None, star="*")
    x = input.float() if input.dtype in (D.float16, D.bfloat16) else input
    if eps is None:
        eps = ember.finfo(x.dtype).eps
    dims = tuple(range(input.ndim - len(shape), input.ndim))
    out = (x * ember.rsqrt((x * x).mean(dims, keepdim=True) + eps)).to(input.dtype)
    return out if weight is None else out * weight


def local_response_norm(input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0) -> Tensor:
    """Normalizes each element by the mean square over ``size`` neighbouring channels (dim 1):
    ``x / (k + alpha * mean(x**2 over the window)) ** beta``, zero-padded like PyTorch."""
    _check_input(input, "local_response_norm")
    dim = input.ndim
    if dim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality                          input (got {dim} dimensions)")
    if input.numel() == 0:
        return input
    sq = input * input
    c = input.shape[1]
    before, after = size // 2, (size - 1) // 2
    parts = []
    if before:
        parts.append(sq.new_zeros((input.shape[0], before) + tuple(input.shape[2:])))
    parts.append(sq)
    if after:
        parts.append(sq.new_zeros((input.shape[0], after) + tuple(input.shape[2:])))
    padded = ember.cat(parts, 1) if len(parts) > 1 else sq
    window = padded.narrow(1, 0, c)
    for i in range(1, size):
        window = window + padded.narrow(1, i, c)
    div = (window * (alpha / size) + k) ** beta
    return input / div

