"""``ember.autograd.profiler`` (``torch.autograd.profiler``): the older profiler API over
:mod:`ember.profiler`'s recorder (same events, same ``key_averages().table()``)."""
from __future__ import annotations

import contextlib

from ..profiler import EventList, FunctionEvent, FunctionEventAvg, record_function
from ..profiler import profile as _profile

__all__ = ["EventList", "FunctionEvent", "FunctionEventAvg", "emit_itt", "emit_nvtx", "profile", "record_function"]


class profile(_profile):
    """Record every op and ``record_function`` range in the block; ``enabled=False`` records nothing.
    ``use_cuda``/``use_device`` are accepted: times are host times (see :mod:`ember.profiler`)."""

    def __init__(self, enabled: bool = True, *, use_cuda: bool = False, use_device=None, record_shapes: bool = False,
                 with_flops: bool = False, profile_memory: bool = False, with_stack: bool = False,
                 with_modules: bool = False, use_kineto: bool = False, use_cpu: bool = True,
                 experimental_config=None, acc_events: bool = False, custom_trace_id_callback=None,
                 post_processing_timeout_s=None, activity_filters=None) -> None:
        super().__init__(record_shapes=record_shapes)
        self.enabled = enabled

    def start(self) -> None:
        if self.enabled:
            super().start()

    @property
    def function_events(self) -> EventList:
        return self.events()


@contextlib.contextmanager
def emit_nvtx(enabled: bool = True, record_shapes: bool = False):
    """No-op scope: ember emits no NVTX ranges (use :class:`profile` for op timings)."""
    yield


@contextlib.contextmanager
def emit_itt(enabled: bool = True, record_shapes: bool = False):
    """No-op scope: ember emits no Intel ITT ranges (use :class:`profile` for op timings)."""
    yield
