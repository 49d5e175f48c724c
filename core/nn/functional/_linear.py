"""``F.linear`` and ``F.bilinear``: affine maps as one matrix product plus a broadcast add."""
from __future__ import annotations

from ..._tensor import Tensor
from ...amp.autocast_mode import cast_inputs
from ...autograd.function import Function
from ...ops.linalg import matmul

__all__ = ["linear", "bilinear", "linear_cross_entropy"]


class _Linear(Function):
    """``input @ weight.T + bias`` for 2-D ``input``, one graph node.

    Its backward is written in ember ops (so it is differentiable again) and produces the weight gradient as
    ``grad.T @ input``: contiguous (out, in), where differentiating ``input @ weight.t()`` op by op would yield a
    transposed view that must be copied when it is accumulated into ``weight.grad``.
    """

    @staticmethod
    def forward(ctx, input, weight, bias):
        ctx.save_for_backward(input, weight)
        out = matmul(input, weight.t())
        if bias is not None:
            out.add_(bias)
        return out

    @staticmethod
    def backward(ctx, grad):
        input, weight = ctx.saved_tensors
        need = ctx.needs_input_grad
        grad_input = matmul(grad, weight) if need[0] else None
        grad_weight = matmul(grad.t(), input) if need[1] else None
        grad_bias = grad.sum(0) if need[2] else None
        return grad_input, grad_weight, grad_bias


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``input @ weight.T + bias``; ``input`` is (*, in_features), ``weight`` (out_features, in_features).

    >>> F.linear(ember.ones(2, 3), ember.ones(4, 3)).shape
    ember.Size([2, 4])
    """
    input, weight, bias = cast_inputs("lower_precision_fp", input, weight, bias)
    _check_linear(input, weight, bias)
    if weight.ndim != 2 or input.ndim < 2:
        out = matmul(input, weight.t() if weight.ndim == 2 else weight)
        return out if bias is None else out + bias
    if bias is not None and bias.ndim > 1:  # a bias broadcast over the batch dims too: add it outside
        return _Linear.apply(input.reshape(-1, input.shape[-1]), weight, None).reshape(
            *input.shape[:-1], weight.shape[0]) + bias
    if input.ndim == 2:
        return _Linear.apply(input, weight, bias)
    # fold the batch dims into one GEMM (and one GEMM per gradient in backward)
    out = _Linear.apply(input.reshape(-1, input.shape[-1]), weight, bias)
    return out.reshape(*input.shape[:-1], out.shape[-1])


def _check_linear(input, weight, bias):
    # PyTorch's messages: with a bias it runs addmm (self = bias, mat1 = input, mat2 = weight.t()).
    if bias is None or weight.ndim != 2:
        return
    if bias.dtype is not weight.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got {_cname(bias)} and {_cname(weight)}")
    if input.dtype is not weight.dtype:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {_cname(input)} and {_cname(weight)}")
    out_f = weight.shape[0]
    if input.ndim == 0 or input.shape[-1] != weight.shape[1] or bias.ndim == 0 or bias.shape[-1] in (1, out_f):
        return
    rows = 1
    for n in input.shape[:-1]:
        rows *= n
    raise RuntimeError(f"The expanded size of the tensor ({out_f}) must match the existing size ({bias.shape[-1]}) "
                       f"at non-singleton dimension 1.  Target sizes: [{rows}, {out_f}].  Tensor sizes: "
                       f"{list(bias.shape)}")


_TORCH_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16", "int64": "Long",
                "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}


def _cname(t):
    return _TORCH_NAMES.get(t.dtype.name, t.dtype.name)


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``y[..., o] = sum_ij input1[..., i] * weight[o, i, j] * input2[..., j] + bias[o]``."""
    input1, input2, weight, bias = cast_inputs("promote", input1, input2, weight, bias)
    if weight.ndim != 3:
        raise RuntimeError(f"bilinear(): weight must be a 3-D tensor, but got {weight.ndim}-D")
    if input1.ndim != input2.ndim:
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {input1.ndim} and {input2.ndim}")
    for d in range(input1.ndim - 1):
        if input1.shape[d] != input2.shape[d]:
            raise RuntimeError(f"bilinear(): input batch dimensions do not match at dim {d}: got "
                               f"{input1.shape[d]} and {input2.shape[d]}")
    out_f, in1, in2 = weight.shape
    if input1.shape[-1] != in1:
        raise RuntimeError(f"bilinear(): input1 size does not match weight size: got {input1.shape[-1]} but "
                           f"expected {in1}")
    if input2.shape[-1] != in2:
        raise RuntimeError(f"bilinear(): input2 size does not match weight size: got {input2.shape[-1]} but "
                           f"expected {in2}")
    if bias is not None and (bias.ndim != 1 or bias.shape[0] != out_f):
        raise RuntimeError(f"bilinear(): bias size does not match weight size: got "
                           f"{bias.shape[0] if bias.ndim else 1} but expected {out_f}")
    lead = input1.shape[:-1]
    x1 = input1.reshape(-1, in1)
    x2 = input2.reshape(-1, in2)
    # (N, I) @ (I, O*J) -> (N, O, J), then contract J with input2.
    tmp = matmul(x1, weight.permute(1, 0, 2).reshape(in1, out_f * in2)).reshape(-1, out_f, in2)
    out = (tmp * x2.unsqueeze(1)).sum(-1)
    if bias is not None:
        out = out + bias
    return out.reshape(*lead, out_f)


def linear_cross_entropy(input: Tensor, linear_weight: Tensor, target: Tensor, *, linear_bias: Tensor | None = None,
                         weight: Tensor | None = None, reduction: str = "mean", ignore_index: int | None = None,
                         label_smoothing: float = 0.0, options=None) -> Tensor:
    """``cross_entropy(linear(input, linear_weight, linear_bias), target, ...)``.

    ``linear_weight`` is (C, in_features) or (C, d_1, ..., d_K, in_features) for a K-dimensional loss;
    ``options`` (PyTorch's chunking hints) is accepted and ignored.
    """
    from ._loss import cross_entropy
    if linear_weight.ndim > 2:
        in_f = linear_weight.shape[-1]
        logits = linear(input, linear_weight.reshape(-1, in_f))
        logits = logits.reshape(*logits.shape[:-1], *linear_weight.shape[:-1])
        if linear_bias is not None:
            logits = logits + linear_bias
    else:
        logits = linear(input, linear_weight, linear_bias)
    kwargs = {} if ignore_index is None else {"ignore_index": ignore_index}
    return cross_entropy(logits, target, weight=weight, reduction=reduction, label_smoothing=label_smoothing,
                         **kwargs)
