"""``DataParallel``: single-process data parallelism.

ember runs one device per process here, so — like PyTorch's DataParallel when no GPU is available — the
wrapper simply calls the wrapped module. State-dict keys carry the ``module.`` prefix as in PyTorch.
"""
from __future__ import annotations

from typing import Any

from .module import Module

__all__ = ["DataParallel"]


class DataParallel(Module):
    """Wraps ``module`` (as ``self.module``); ``forward`` calls it directly on the current device.

    >>> net = nn.DataParallel(nn.Linear(4, 2))
    >>> list(net.state_dict())
    ['module.weight', 'module.bias']
    """

    def __init__(self, module: Module, device_ids=None, output_device=None, dim: int = 0) -> None:
        super().__init__()
        self.module = module
        # no accelerator is used: PyTorch then sets device_ids = [] and forward calls the module
        self.device_ids = []
        self.output_device = None
        self.src_device_obj = None
        self.dim = dim

    def forward(self, *inputs: Any, **kwargs: Any) -> Any:
        return self.module(*inputs, **kwargs)

    # single-device versions of the four stages PyTorch runs on several GPUs
    def replicate(self, module, device_ids):
        return [module]

    def scatter(self, inputs, kwargs, device_ids):
        return (tuple(inputs),), (dict(kwargs or {}),)

    def parallel_apply(self, replicas, inputs, kwargs):
        return [replica(*args, **kw) for replica, args, kw in zip(replicas, inputs, kwargs)]

    def gather(self, outputs, output_device):
        return outputs[0]
