"""``DistributedDataParallel``: one model replica per process, gradients averaged over ``ember.distributed``."""
from __future__ import annotations

import contextlib
from typing import Any

from ...autograd.grad_mode import is_grad_enabled, no_grad
from ...distributed._collectives import agree, engine_for, resolve_group
from ..modules.module import Module
from ._reducer import Reducer

__all__ = ["DistributedDataParallel"]


class DistributedDataParallel(Module):
    """Data-parallel training across the ranks of a process group (``torch.nn.parallel.DistributedDataParallel``).

    At construction rank 0's parameters and buffers are broadcast to every rank, so all replicas start equal.
    During ``backward`` the gradients are averaged over the ranks with bucketed all-reduces started from
    autograd hooks (they overlap the rest of backward); after ``backward`` every rank holds the same
    ``p.grad``, so the same optimizer step keeps the replicas equal.  With ``broadcast_buffers`` rank 0's
    buffers (e.g. BatchNorm running statistics) are broadcast at every forward.  ``no_sync()`` skips the
    averaging for gradient accumulation.  State-dict keys carry the ``module.`` prefix.

    >>> dist.init_process_group("mpi")                                  # doctest: +SKIP
    >>> model = nn.parallel.DistributedDataParallel(nn.Linear(4, 2))    # doctest: +SKIP
    >>> loss = model(x).sum(); loss.backward()   # grads now averaged over the ranks
    """

    def __init__(self, module: Module, device_ids=None, output_device=None, dim: int = 0,
                 broadcast_buffers: bool | None = True, init_sync: bool = True, process_group=None,
                 bucket_cap_mb: float | None = None, find_unused_parameters: bool = False,
                 check_reduction: bool = False, gradient_as_bucket_view: bool = False,
                 static_graph: bool = False) -> None:
        super().__init__()
        if not isinstance(module, Module):
            raise TypeError(f"DistributedDataParallel: module must be an ember.nn.Module, got "
                            f"{type(module).__name__}")
        group = resolve_group(process_group, "DistributedDataParallel")
        if group is None:
            raise ValueError("DistributedDataParallel: this rank is not a member of process_group")
        named = [(n, p) for n, p in module.named_parameters() if p.requires_grad]
        if not named:
            raise RuntimeError("DistributedDataParallel is not needed when a module doesn't have any parameter "
                               "that requires a gradient.")
        devices = sorted({str(p.device) for _, p in named})
        if len(devices) > 1:
            raise ValueError(f"DistributedDataParallel's input module must be on the same type of devices, but "
                             f"input module parameters locate in {devices}.")
        if bucket_cap_mb is not None and not bucket_cap_mb > 0:
            raise ValueError(f"DistributedDataParallel: bucket_cap_mb must be positive, got {bucket_cap_mb}")
        self.module = module
        self.device_ids = device_ids
        self.output_device = output_device
        self.dim = dim
        self.process_group = group
        self.broadcast_buffers = True if broadcast_buffers is None else bool(broadcast_buffers)
        self.find_unused_parameters = find_unused_parameters
        self.gradient_as_bucket_view = gradient_as_bucket_view
        self.static_graph = static_graph
        self.bucket_bytes_cap = int((25 if bucket_cap_mb is None else bucket_cap_mb) * 1024 * 1024)
        self.require_backward_grad_sync = True
        self.require_forward_param_sync = True
        # every rank must wrap the same architecture, else the buckets would not line up
        layout = tuple((n, tuple(p.shape), p.dtype.name) for n, p in named)
        agree(group, "DistributedDataParallel", parameters=layout)
        self._module_buffers = [b for _, b in module.named_buffers()]
        if init_sync:
            self._broadcast_from_rank0([p for _, p in module.named_parameters()] + self._module_buffers)
        self.reducer = Reducer(named, group, self.bucket_bytes_cap, gradient_as_bucket_view,
                               find_unused_parameters)

    def _broadcast_from_rank0(self, tensors: list) -> None:
        with no_grad():
            for t in tensors:
                engine_for(self.process_group, [t], "DistributedDataParallel").broadcast(t, 0, False)

    def forward(self, *inputs: Any, **kwargs: Any) -> Any:
        if self.broadcast_buffers and self._module_buffers and self.require_forward_param_sync:
            self._broadcast_from_rank0(self._module_buffers)
        output = self.module(*inputs, **kwargs)
        if is_grad_enabled() and self.require_backward_grad_sync:
            self.reducer.prepare_for_backward(output)
        return output

    @contextlib.contextmanager
    def no_sync(self):
        """Inside this context, backward only accumulates ``p.grad`` locally; the first backward after it
        averages the accumulated gradients."""
        previous = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = previous

    def extra_repr(self) -> str:
        return f"world_size={self.process_group.size()}, bucket_cap_mb={self.bucket_bytes_cap / 2 ** 20:g}"
