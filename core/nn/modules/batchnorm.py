"""Batch normalization layers: BatchNorm1d, BatchNorm2d, BatchNorm3d, SyncBatchNorm (and their base
``_NormBase``, shared with the instance norms).  SyncBatchNorm reduces its statistics over the ranks of an
``ember.distributed`` process group."""
from __future__ import annotations

import ember

from ... import distributed as dist
from ..._tensor import Tensor
from ...autograd.function import Function
from .. import functional as F
from ..parameter import Parameter
from .module import Module

__all__ = ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "SyncBatchNorm"]


class _NormBase(Module):
    """Common base of BatchNorm and InstanceNorm: affine ``weight``/``bias`` and the running-statistic
    buffers ``running_mean``, ``running_var`` and ``num_batches_tracked`` (int64)."""

    _version = 2
    __constants__ = ["track_running_stats", "momentum", "eps", "num_features", "affine"]

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, device=None, dtype=None, *, bias: bool = True) -> None:
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        if self.affine:
            self.weight = Parameter(ember.empty(num_features, device=device, dtype=dtype))
            if bias:
                self.bias = Parameter(ember.empty(num_features, device=device, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if self.track_running_stats:
            self.register_buffer("running_mean", ember.zeros(num_features, device=device, dtype=dtype))
            self.register_buffer("running_var", ember.ones(num_features, device=device, dtype=dtype))
            self.register_buffer("num_batches_tracked", ember.tensor(0, dtype=ember.long, device=device))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            with ember.no_grad():
                self.running_mean.zero_()
                self.running_var.fill_(1)
                self.num_batches_tracked.zero_()

    def reset_parameters(self) -> None:
        self.reset_running_stats()
        if self.affine:
            with ember.no_grad():
                self.weight.fill_(1.0)
                if self.bias is not None:
                    self.bias.zero_()

    def _check_input_dim(self, input):
        raise NotImplementedError

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}")

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs) -> None:
        version = local_metadata.get("version", None)
        if (version is None or version < 2) and self.track_running_stats:
            # checkpoints before version 2 have no num_batches_tracked: it starts at 0
            key = prefix + "num_batches_tracked"
            if key not in state_dict:
                state_dict[key] = (self.num_batches_tracked if self.num_batches_tracked is not None
                                   else ember.tensor(0, dtype=ember.long))
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                      error_msgs)


class _BatchNorm(_NormBase):
    def forward(self, input: Tensor) -> Tensor:
        self._check_input_dim(input)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            with ember.no_grad():
                self.num_batches_tracked.add_(1)
            if self.momentum is None:  # cumulative moving average
                factor = 1.0 / float(self.num_batches_tracked)
        if self.training:
            bn_training = True
        else:
            bn_training = self.running_mean is None and self.running_var is None
        use_buffers = not self.training or self.track_running_stats
        return self._batch_norm(input, self.running_mean if use_buffers else None,
                                self.running_var if use_buffers else None, bn_training, factor)

    def _batch_norm(self, input, running_mean, running_var, bn_training, factor):
        return F.batch_norm(input, running_mean, running_var, self.weight, self.bias, bn_training, factor, self.eps)


class BatchNorm1d(_BatchNorm):
    """Batch normalization of a (N, C) or (N, C, L) input over the batch (and length) dims.

    >>> bn = nn.BatchNorm1d(16)          # weight/bias: ones/zeros; running stats: zeros/ones
    """

    def _check_input_dim(self, input):
        if input.dim() != 2 and input.dim() != 3:
            raise ValueError(f"expected 2D or 3D input (got {input.dim()}D input)")


class BatchNorm2d(_BatchNorm):
    """Batch normalization of a (N, C, H, W) input over N, H and W."""

    def _check_input_dim(self, input):
        if input.dim() != 4:
            raise ValueError(f"expected 4D input (got {input.dim()}D input)")


class BatchNorm3d(_BatchNorm):
    """Batch normalization of a (N, C, D, H, W) input over N, D, H and W."""

    def _check_input_dim(self, input):
        if input.dim() != 5:
            raise ValueError(f"expected 5D input (got {input.dim()}D input)")


class _SyncBatchNormFunction(Function):
    """Training-mode batch norm of the union of every rank's batch in ``group`` (PyTorch's
    ``nn.modules._functions.SyncBatchNorm``).

    Forward all-gathers each rank's per-channel (mean, sum of squared deviations, count) and combines them
    exactly (Chan et al.), which stays accurate where ``E[x^2] - E[x]^2`` would cancel; the running
    statistics get the global mean and unbiased variance.  Backward all-reduces the per-channel sums of
    ``grad_out`` and ``grad_out * xhat`` so ``grad_input`` is the gradient over the whole global batch;
    ``grad_weight``/``grad_bias`` stay local, as DistributedDataParallel averages them.
    """

    @staticmethod
    def forward(ctx, input, weight, bias, running_mean, running_var, eps, momentum, group, world_size):
        c = input.shape[1]
        dims, shape = _channel_dims(input)
        # half inputs keep their statistics in float32, as PyTorch does
        x = input if input.dtype in (ember.float32, ember.float64) else input.float()
        n = input.numel() // c
        local_mean = x.sum(dims) / max(n, 1)
        local_m2 = ((x - local_mean.reshape(shape)) ** 2).sum(dims)
        local = ember.cat([local_mean, local_m2, ember.full((1,), float(n), dtype=x.dtype, device=x.device)])
        gathered = local.new_empty((world_size * (2 * c + 1),))
        dist.all_gather_into_tensor(gathered, local, group)
        gathered = gathered.reshape(world_size, 2 * c + 1)
        means, m2s, counts = gathered[:, :c], gathered[:, c:2 * c], gathered[:, 2 * c:]
        total = int(counts.sum().item())
        if total <= 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got {total} value(s) per "
                             f"channel over the {world_size} ranks of the process group (input size "
                             f"{ember.Size(input.shape)} on this rank)")
        mean = (means * counts).sum(0) / total  # ranks with an empty batch have count 0: they drop out
        var = (m2s + counts * (means - mean) ** 2).sum(0) / total
        invstd = ember.rsqrt(var + eps)
        if running_mean is not None:
            running_mean.mul_(1.0 - momentum).add_(mean.to(running_mean.dtype) * momentum)
        if running_var is not None:
            running_var.mul_(1.0 - momentum).add_((var * (total / (total - 1))).to(running_var.dtype) * momentum)
        scale = invstd if weight is None else invstd * weight.to(x.dtype)
        shift = -mean * scale if bias is None else bias.to(x.dtype) - mean * scale
        ctx.save_for_backward(x, weight, mean, invstd)
        ctx.group, ctx.total, ctx.input_dtype = group, total, input.dtype
        return (x * scale.reshape(shape) + shift.reshape(shape)).to(input.dtype)

    @staticmethod
    def backward(ctx, grad_output):
        x, weight, mean, invstd = ctx.saved_tensors
        c = x.shape[1]
        dims, shape = _channel_dims(x)
        g = grad_output.to(x.dtype)
        xhat = (x - mean.reshape(shape)) * invstd.reshape(shape)
        sum_dy, sum_dy_xhat = g.sum(dims), (g * xhat).sum(dims)
        need = ctx.needs_input_grad
        grad_input = None
        if need[0]:
            both = ember.cat([sum_dy, sum_dy_xhat])
            dist.all_reduce(both, group=ctx.group)
            scale = invstd if weight is None else invstd * weight.to(x.dtype)
            mean_dy, mean_dy_xhat = both[:c] / ctx.total, both[c:] / ctx.total
            grad_input = (g - mean_dy.reshape(shape) - xhat * mean_dy_xhat.reshape(shape)) * scale.reshape(shape)
            grad_input = grad_input.to(ctx.input_dtype)
        grad_weight = sum_dy_xhat.to(weight.dtype) if weight is not None and need[1] else None
        grad_bias = sum_dy.to(weight.dtype) if weight is not None and need[2] else None
        return grad_input, grad_weight, grad_bias, None, None, None, None, None, None


def _channel_dims(x):
    """The reduction dims of a batch norm of ``x`` (every dim but 1) and the shape a (C,) statistic
    broadcasts with."""
    return (0,) + tuple(range(2, x.ndim)), (1, x.shape[1]) + (1,) * (x.ndim - 2)


class SyncBatchNorm(_BatchNorm):
    """Batch normalization over every dim but 1 of an input with at least 2 dims, with the batch statistics
    taken over the batches of all ranks of ``process_group`` (default: the world).

    In training mode with an initialized ``ember.distributed`` process group of more than one rank, N ranks
    each on B/N samples normalise (and update the running statistics) exactly like one BatchNorm on all B
    samples, and their input gradients are those of the whole batch.  Otherwise (no process group, a
    single rank, or eval mode) it is a plain BatchNorm.  Unlike PyTorch, host (CPU) tensors are accepted:
    they are reduced through MPI.

    >>> model = nn.SyncBatchNorm.convert_sync_batchnorm(model)   # every BatchNorm*d becomes a SyncBatchNorm
    """

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, process_group=None, device=None, dtype=None, *,
                 bias: bool = True) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device=device, dtype=dtype,
                         bias=bias)
        self.process_group = process_group

    def _check_input_dim(self, input):
        if input.dim() < 2:
            raise ValueError(f"expected at least 2D input (got {input.dim()}D input)")
        if input.size(1) == 0:
            raise ValueError("SyncBatchNorm number of input channels should be non-zero")

    def _batch_norm(self, input, running_mean, running_var, bn_training, factor):
        if self.training and dist.is_initialized():
            group = self.process_group if self.process_group is not None else dist.group.WORLD
            world_size = dist.get_world_size(group)
            if world_size > 1:
                return _SyncBatchNormFunction.apply(input, self.weight, self.bias, running_mean, running_var,
                                                    self.eps, factor, group, world_size)
        return super()._batch_norm(input, running_mean, running_var, bn_training, factor)

    @classmethod
    def convert_sync_batchnorm(cls, module, process_group=None):
        """Replace every ``BatchNorm*d`` in ``module`` (recursively) by a SyncBatchNorm sharing its parameters
        and buffers; a BatchNorm passed itself is returned converted."""
        out = module
        if isinstance(module, _BatchNorm):
            out = SyncBatchNorm(module.num_features, module.eps, module.momentum, module.affine,
                                module.track_running_stats, process_group, bias=module.bias is not None)
            if module.affine:
                out.weight = module.weight
                out.bias = module.bias
            out.running_mean = module.running_mean
            out.running_var = module.running_var
            out.num_batches_tracked = module.num_batches_tracked
            out.training = module.training
            if hasattr(module, "qconfig"):
                out.qconfig = module.qconfig
        for name, child in module.named_children():
            out.add_module(name, cls.convert_sync_batchnorm(child, process_group))
        return out
