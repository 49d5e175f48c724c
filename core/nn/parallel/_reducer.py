"""Gradient buckets of DistributedDataParallel, all-reduced from autograd hooks while backward still runs.

Parameters are packed, in reverse registration order (roughly the order backward produces their
gradients), into flat buckets of at most ``bucket_cap_mb``.  A post-accumulate-grad hook on every
parameter counts down its bucket; a bucket whose gradients are all in is copied into its flat buffer and
its all-reduce started (non-blocking), so communication overlaps the rest of backward.  Buckets start in
index order on every rank (MPI requires collectives in the same order everywhere).  When the last bucket
has started, the reducer waits for all of them, averages, and writes the results back to ``p.grad``.
"""
from __future__ import annotations

from ... import _functional as F
from ..._dtype import uint8
from ..._tensor import Tensor
from ...autograd._node import Node
from ...autograd.grad_mode import no_grad
from ...distributed._collectives import engine_for
from ...distributed._group import RedOpType

_FIRST_BUCKET_BYTES = 1024 * 1024  # small first bucket: the last layers' gradients start moving early

_UNFINISHED = ("Expected to have finished reduction in the prior iteration before starting a new one. This error "
               "indicates that your module has parameters that were not used in producing loss: {names}. You can "
               "enable unused parameter detection by passing the keyword argument `find_unused_parameters=True` "
               "to `ember.nn.parallel.DistributedDataParallel`, and by making sure all `forward` function outputs "
               "participate in calculating loss.")


class _Bucket:
    """One flat buffer holding the gradients of ``params`` back to back."""

    def __init__(self, params: list):
        self.params = params
        p0 = params[0]
        total = sum(p.numel() for p in params)
        self.flat = F.zeros(total, dtype=p0.dtype, device=p0.device)
        self.views = []
        offset = 0
        for p in params:
            n = p.numel()
            self.views.append(self.flat[offset:offset + n].view(tuple(p.shape)))
            offset += n
        self.pending = len(params)
        self.work = None


def _tensors_in(obj):
    if isinstance(obj, Tensor):
        yield obj
    elif isinstance(obj, (list, tuple)):
        for o in obj:
            yield from _tensors_in(o)
    elif isinstance(obj, dict):
        for o in obj.values():
            yield from _tensors_in(o)


def reachable_leaves(outputs) -> set:
    """ids of the leaf tensors the autograd graph of ``outputs`` reaches (the parameters that get a grad)."""
    leaves = set()
    stack = []
    for t in _tensors_in(outputs):
        if t.grad_fn is not None:
            stack.append(t.grad_fn)
        elif t._requires_grad:
            leaves.add(id(t))
    seen = {id(n) for n in stack}
    while stack:
        for edge in stack.pop().edges:
            if edge is None:
                continue
            target = edge[0]
            if not isinstance(target, Node):
                leaves.add(id(target))
            elif id(target) not in seen:
                seen.add(id(target))
                stack.append(target)
    return leaves


class Reducer:
    """Buckets, hooks and the per-iteration state of gradient synchronisation for one DDP module."""

    def __init__(self, named_params: list, group, bucket_cap_bytes: int, gradient_as_bucket_view: bool,
                 find_unused_parameters: bool):
        self.group = group
        self.gradient_as_bucket_view = gradient_as_bucket_view
        self.find_unused_parameters = find_unused_parameters
        self.names = {id(p): name for name, p in named_params}
        self.buckets = _make_buckets([p for _, p in named_params], bucket_cap_bytes)
        self.slot = {id(p): (b, i) for b in self.buckets for i, p in enumerate(b.params)}
        self.engine = engine_for(group, [self.buckets[0].flat], "DistributedDataParallel")
        self.handles = [p.register_post_accumulate_grad_hook(self._grad_ready) for _, p in named_params]
        self.armed = False
        self.next_bucket = 0
        self.marked = set()
        self.used = set()

    def prepare_for_backward(self, outputs) -> None:
        """Arm the hooks for the backward of ``outputs`` (called at the end of a syncing forward)."""
        if self.armed:
            missing = [self.names[k] for k in self.slot if k not in self.marked]
            raise RuntimeError(_UNFINISHED.format(names=", ".join(missing) or "(none)"))
        for b in self.buckets:
            b.pending = len(b.params)
            b.work = None
        self.next_bucket = 0
        self.marked = set()
        self.used = set()
        self.armed = True
        if self.find_unused_parameters:
            reached = reachable_leaves(outputs)
            for b in self.buckets:
                for p in b.params:
                    if id(p) not in reached:
                        self._mark(p, used=False)
            self._launch_ready()

    def _grad_ready(self, p) -> None:
        if not self.armed or id(p) in self.marked:
            return
        self._mark(p, used=True)
        self._launch_ready()
        for b in self.buckets[:self.next_bucket]:
            b.work.is_completed()  # drives MPI's progress on the buckets already in flight

    def _mark(self, p, used: bool) -> None:
        self.marked.add(id(p))
        if used:
            self.used.add(id(p))
        self.slot[id(p)][0].pending -= 1

    def _launch_ready(self) -> None:
        while self.next_bucket < len(self.buckets) and self.buckets[self.next_bucket].pending == 0:
            b = self.buckets[self.next_bucket]
            with no_grad():
                for p, view in zip(b.params, b.views):
                    g = p.grad
                    if g is None:
                        view.zero_()
                    elif g is not view:
                        view.copy_(g)
            b.work = self.engine.all_reduce(b.flat, RedOpType.SUM, True)
            self.next_bucket += 1
        if self.next_bucket == len(self.buckets):
            self._finalize()

    def _finalize(self) -> None:
        world = self.group.size()
        for b in self.buckets:
            b.work.wait()
            with no_grad():
                b.flat.div_(world)
        globally_used = self._globally_used() if self.find_unused_parameters else None
        with no_grad():
            for b in self.buckets:
                for p, view in zip(b.params, b.views):
                    if globally_used is not None and id(p) not in globally_used:
                        continue  # no rank produced a gradient: p.grad stays as it is, like PyTorch
                    if self.gradient_as_bucket_view:
                        if p.grad is not view:
                            p.grad = view
                    elif p.grad is None:
                        p.grad = view.clone()
                    else:
                        p.grad.copy_(view)
        self.armed = False

    def _globally_used(self) -> set:
        params = [p for b in self.buckets for p in b.params]
        flags = F.tensor([1 if id(p) in self.used else 0 for p in params], dtype=uint8)
        engine_for(self.group, [flags], "DistributedDataParallel").all_reduce(flags, RedOpType.MAX, False)
        return {id(p) for p, f in zip(params, flags.tolist()) if f}

    def remove_hooks(self) -> None:
        for h in self.handles:
            h.remove()
        self.handles = []


def _make_buckets(params: list, cap_bytes: int) -> list:
    """Group ``params`` in reverse order into buckets of one dtype and device, each under its byte cap."""
    buckets, current, size = [], [], 0
    cap = min(_FIRST_BUCKET_BYTES, cap_bytes)
    for p in reversed(params):
        nbytes = p.numel() * p.dtype.itemsize
        if current and (size + nbytes > cap or p.dtype is not current[0].dtype or p.device != current[0].device):
            buckets.append(_Bucket(current))
            current, size, cap = [], 0, cap_bytes
        current.append(p)
        size += nbytes
    if current:
        buckets.append(_Bucket(current))
    return buckets
