"""Lazy normalization layers: LazyBatchNorm1d/2d/3d and LazyInstanceNorm1d/2d/3d.

``num_features`` is inferred from ``input.shape[1]`` at the first forward; the module then becomes the
matching BatchNorm / InstanceNorm. Like PyTorch, the lazy instance norms default to ``affine=True`` and
``track_running_stats=True``.
"""
from __future__ import annotations

import ember

from ..parameter import UninitializedBuffer, UninitializedParameter
from .batchnorm import BatchNorm1d, BatchNorm2d, BatchNorm3d, _BatchNorm, _NormBase
from .instancenorm import InstanceNorm1d, InstanceNorm2d, InstanceNorm3d, _InstanceNorm
from .linear import LazyModuleMixin

__all__ = ["LazyBatchNorm1d", "LazyBatchNorm2d", "LazyBatchNorm3d", "LazyInstanceNorm1d", "LazyInstanceNorm2d",
           "LazyInstanceNorm3d"]


class _LazyNormBase(LazyModuleMixin, _NormBase):
    def __init__(self, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, device=None, dtype=None, *,
                 bias=True) -> None:
        factory_kwargs = {"device": device, "dtype": dtype}
        super().__init__(0, eps, momentum, False, False, **factory_kwargs, bias=False)
        self.affine = affine
        self.track_running_stats = track_running_stats
        if self.affine:
            self.weight = UninitializedParameter(**factory_kwargs)
            if bias:
                self.bias = UninitializedParameter(**factory_kwargs)
        if self.track_running_stats:
            self.running_mean = UninitializedBuffer(**factory_kwargs)
            self.running_var = UninitializedBuffer(**factory_kwargs)
            self.num_batches_tracked = ember.tensor(0, dtype=ember.long, device=device)

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.num_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input) -> None:
        if self.has_uninitialized_params():
            self.num_features = input.shape[1]
            with ember.no_grad():
                if self.affine:
                    self.weight.materialize((self.num_features,))
                    if self.bias is not None:
                        self.bias.materialize((self.num_features,))
                if self.track_running_stats:
                    self.running_mean.materialize((self.num_features,))
                    self.running_var.materialize((self.num_features,))
                self.reset_parameters()


def _lazy(base, lazy_base):
    class Lazy(_LazyNormBase, lazy_base):
        cls_to_become = base
        _check_input_dim = base._check_input_dim
        if hasattr(base, "_get_no_batch_dim"):
            _get_no_batch_dim = base._get_no_batch_dim

    Lazy.__name__ = Lazy.__qualname__ = "Lazy" + base.__name__
    Lazy.__module__ = __name__
    Lazy.__doc__ = (f"A ``{base.__name__}`` whose ``num_features`` is inferred from ``input.size(1)`` at the "
                    f"first forward.")
    return Lazy


LazyBatchNorm1d = _lazy(BatchNorm1d, _BatchNorm)
LazyBatchNorm2d = _lazy(BatchNorm2d, _BatchNorm)
LazyBatchNorm3d = _lazy(BatchNorm3d, _BatchNorm)
LazyInstanceNorm1d = _lazy(InstanceNorm1d, _InstanceNorm)
LazyInstanceNorm2d = _lazy(InstanceNorm2d, _InstanceNorm)
LazyInstanceNorm3d = _lazy(InstanceNorm3d, _InstanceNorm)
