"""``ember.profiler`` (``torch.profiler``): time every op and every ``record_function`` range.

While a :class:`profile` records, each loaded backend's kernels are wrapped with a timer (the wrappers
are removed when it stops, so the normal dispatch path pays nothing). Times are host wall-clock times of
the kernel calls: on a GPU backend that queues work asynchronously they measure the launch, not the
device execution, so ``ProfilerActivity.CUDA`` is accepted but adds no device columns.

    with ember.profiler.profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
        with ember.profiler.record_function("model_inference"):
            model(x)
    print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=10))
"""
from __future__ import annotations

import enum
import functools
import json
import os
import threading
import time
from collections import OrderedDict

__all__ = [
    "ProfilerAction",
    "ProfilerActivity",
    "kineto_available",
    "profile",
    "record_function",
    "schedule",
    "supported_activities",
    "tensorboard_trace_handler",
]


class ProfilerActivity(enum.Enum):
    CPU = 0
    XPU = 1
    MTIA = 2
    CUDA = 3
    HPU = 4
    PrivateUse1 = 5


class ProfilerAction(enum.Enum):
    """What a :func:`schedule` asks the profiler to do at a step."""

    NONE = 0
    WARMUP = 1
    RECORD = 2
    RECORD_AND_SAVE = 3


def supported_activities() -> set:
    from . import cuda
    return {ProfilerActivity.CPU} | ({ProfilerActivity.CUDA} if cuda.is_available() else set())


def kineto_available() -> bool:
    """False: ember does not use PyTorch's Kineto library (its own recorder is always available)."""
    return False


# --- recording ---------------------------------------------------------------------------------------

class FunctionEvent:
    """One timed op call or ``record_function`` range (times in microseconds)."""

    def __init__(self, name, start_us, end_us, self_us, input_shapes, thread):
        self.name = self.key = name
        self.time_range = (start_us, end_us)
        self.cpu_time_total = end_us - start_us
        self.self_cpu_time_total = self_us
        self.input_shapes = input_shapes
        self.thread = thread
        self.count = 1

    def __repr__(self):
        return f"<FunctionEvent name={self.name!r} cpu_time_total={self.cpu_time_total:.3f}us>"


class _Recorder:
    """The active recording: finished events, and per thread the stack of open calls (for self time)."""

    def __init__(self, record_shapes):
        self.record_shapes = record_shapes
        self.events = []
        self.local = threading.local()
        self.origin = time.perf_counter_ns()

    def now_us(self):
        return (time.perf_counter_ns() - self.origin) / 1000.0

    def push(self, name, shapes):
        stack = self.local.__dict__.setdefault("stack", [])
        frame = [name, shapes, self.now_us(), 0.0]
        stack.append(frame)
        return frame

    def pop(self, frame):
        end = self.now_us()
        stack = self.local.stack
        while stack and stack[-1] is not frame:  # a range left open inside this one: close it with it
            self.pop(stack[-1])
        stack.pop()
        name, shapes, start, child = frame
        total = end - start
        if stack:
            stack[-1][3] += total
        self.events.append(FunctionEvent(name, start, end, total - child, shapes, threading.get_ident()))


_ACTIVE: list = [None]  # the recording _Recorder, or None
_SAVED_KERNELS: list = []  # (table, op name, original kernel) while wrapped


def _shapes(args):
    return [list(a.shape) if hasattr(a, "shape") else [] for a in args]


def _timed(name, kernel):
    @functools.wraps(kernel)
    def run(*args):
        rec = _ACTIVE[0]
        if rec is None:
            return kernel(*args)
        frame = rec.push(name, _shapes(args) if rec.record_shapes else None)
        try:
            return kernel(*args)
        finally:
            rec.pop(frame)
    return run


def _start(record_shapes):
    if _ACTIVE[0] is not None:
        raise RuntimeError("Profiler is already enabled on this thread")
    from ._op import OPS
    from .backends._discovery import all_backends, default_backend
    default_backend().ensure_loaded()  # so that a profile opened before the first op still times it
    for b in all_backends().values():
        if b._loaded and b.available:
            for name, k in list(b.table.items()):
                if name in OPS:
                    _SAVED_KERNELS.append((b.table, name, k))
                    b.table[name] = _timed(name, k)
    _ACTIVE[0] = _Recorder(record_shapes)
    return _ACTIVE[0]


def _stop():
    rec, _ACTIVE[0] = _ACTIVE[0], None
    while _SAVED_KERNELS:
        table, name, k = _SAVED_KERNELS.pop()
        table[name] = k
    return rec


class record_function:
    """Label a block (``with``) or a function (decorator): it appears as one row of the profile, its
    time including the ops inside. A no-op when no profiler is recording."""

    def __init__(self, name: str, args: str | None = None):
        self.name = name
        self.args = args
        self._frame = None

    def __enter__(self):
        rec = _ACTIVE[0]
        if rec is not None:
            self._frame = (rec, rec.push(self.name, [] if rec.record_shapes else None))
        return self

    def __exit__(self, *exc):
        if self._frame is not None:
            rec, frame = self._frame
            self._frame = None
            if _ACTIVE[0] is rec:
                rec.pop(frame)
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapped(*args, **kwargs):
            with record_function(self.name, self.args):
                return fn(*args, **kwargs)
        return wrapped


# --- results -----------------------------------------------------------------------------------------

class FunctionEventAvg:
    """The events of one key (name, and input shapes when grouped by them) summed."""

    def __init__(self, key, input_shapes):
        self.key = key
        self.input_shapes = input_shapes
        self.count = 0
        self.cpu_time_total = 0.0
        self.self_cpu_time_total = 0.0

    def add(self, e):
        self.count += 1
        self.cpu_time_total += e.cpu_time_total
        self.self_cpu_time_total += e.self_cpu_time_total

    @property
    def cpu_time(self):
        return self.cpu_time_total / self.count if self.count else 0.0

    @property
    def self_cpu_time(self):
        return self.self_cpu_time_total / self.count if self.count else 0.0

    def __repr__(self):
        return (f"<FunctionEventAvg key={self.key!r} self_cpu_time={_format_time(self.self_cpu_time_total)} "
                f"cpu_time={_format_time(self.cpu_time_total)} count={self.count}>")


def _format_time(us: float) -> str:
    if us >= 1e6:
        return f"{us / 1e6:.3f}s"
    if us >= 1e3:
        return f"{us / 1e3:.3f}ms"
    return f"{us:.3f}us"


class EventList(list):
    """A list of events (or of averages) with PyTorch's ``table``/``key_averages``/``self_cpu_time_total``."""

    @property
    def self_cpu_time_total(self) -> float:
        return sum(e.self_cpu_time_total for e in self)

    def key_averages(self, group_by_input_shape: bool = False) -> EventList:
        groups = OrderedDict()
        for e in self:
            shapes = str(e.input_shapes) if group_by_input_shape else None
            avg = groups.get((e.key, shapes))
            if avg is None:
                avg = groups[(e.key, shapes)] = FunctionEventAvg(e.key, e.input_shapes if shapes else None)
            avg.add(e)
        return EventList(groups.values())

    def table(self, sort_by: str | None = None, row_limit: int = 100, max_src_column_width: int = 75,
              max_name_column_width: int = 55, max_shapes_column_width: int = 80, header: str | None = None,
              top_level_events_only: bool = False) -> str:
        """The text table PyTorch prints: name, self/total CPU time and share, average, calls."""
        rows = list(self)
        if sort_by is not None:
            for e in rows[:1]:
                if not hasattr(e, sort_by):
                    raise AttributeError(f"'{type(e).__name__}' object has no attribute '{sort_by}' (sort_by "
                                         f"takes cpu_time, cpu_time_total, self_cpu_time_total, count...)")
            rows.sort(key=lambda e: getattr(e, sort_by), reverse=True)
        if row_limit is not None and row_limit > 0:
            rows = rows[:row_limit]
        total = self.self_cpu_time_total
        name_w = min(max([len(e.key) for e in self] + [4]) + 4, max_name_column_width)
        with_shapes = any(getattr(e, "input_shapes", None) is not None for e in rows)
        shapes_w = min(max([len(str(e.input_shapes)) for e in rows] + [12]) + 4, max_shapes_column_width)
        heads = ["Name", "Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg", "# of Calls"]
        widths = [name_w] + [12] * 6
        if with_shapes:
            heads.append("Input Shapes")
            widths.append(shapes_w)

        def line(cells):
            return "".join(str(c)[:w].rjust(w) + "  " for c, w in zip(cells, widths))

        sep = "".join("-" * w + "  " for w in widths)
        out = [header] if header else []
        out += [sep, line(heads), sep]
        pct = (lambda t: f"{100.0 * t / total:.2f}%") if total else (lambda t: "0.00%")
        for e in rows:
            name = e.key if len(e.key) <= name_w - 4 else e.key[:name_w - 7] + "..."
            cells = [name, pct(e.self_cpu_time_total), _format_time(e.self_cpu_time_total), pct(e.cpu_time_total),
                     _format_time(e.cpu_time_total), _format_time(e.cpu_time_total / max(e.count, 1)), e.count]
            if with_shapes:
                cells.append(str(e.input_shapes))
            out.append(line(cells))
        out += [sep, f"Self CPU time total: {_format_time(total)}", ""]
        return "\n".join(out)

    def export_chrome_trace(self, path: str) -> None:
        """Write the events as a Chrome trace (``chrome://tracing``, Perfetto, TensorBoard's profile plugin)."""
        events = [{"ph": "X", "cat": "cpu_op", "name": e.name, "pid": os.getpid(), "tid": e.thread,
                   "ts": e.time_range[0], "dur": e.cpu_time_total,
                   "args": {} if e.input_shapes is None else {"Input Dims": e.input_shapes}} for e in self]
        import gzip
        opener = gzip.open if str(path).endswith(".gz") else open
        with opener(path, "wt") as f:
            json.dump({"traceEvents": events, "displayTimeUnit": "ms"}, f)


# --- the profile context manager ---------------------------------------------------------------------

def schedule(*, wait: int, warmup: int, active: int, repeat: int = 0, skip_first: int = 0,
             skip_first_wait: int = 0):
    """Step -> :class:`ProfilerAction`: skip ``skip_first`` steps, then cycles of ``wait`` idle, ``warmup``
    and ``active`` recorded steps (the last one saves), ``repeat`` times (0: forever)."""
    if wait < 0 or warmup < 0 or active <= 0 or repeat < 0 or skip_first < 0:
        raise AssertionError("Invalid profiler schedule arguments")

    def schedule_fn(step: int) -> ProfilerAction:
        if step < 0:
            raise AssertionError(f"Step should be non-negative, got {step}")
        if step < skip_first:
            return ProfilerAction.NONE
        step -= skip_first
        if skip_first_wait:
            step += wait
        num_steps = wait + warmup + active
        if repeat > 0 and step / num_steps >= repeat:
            return ProfilerAction.NONE
        mod = step % num_steps
        if mod < wait:
            return ProfilerAction.NONE
        if mod < wait + warmup:
            return ProfilerAction.WARMUP
        return ProfilerAction.RECORD if mod < num_steps - 1 else ProfilerAction.RECORD_AND_SAVE
    return schedule_fn


def _always_record(_step):
    return ProfilerAction.RECORD


_RECORDING = (ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE)


class profile:
    """Record op and ``record_function`` times between ``start()`` and ``stop()`` (or in a ``with`` block).

    With ``schedule``, call ``prof.step()`` once per training step: recording follows the schedule and
    ``on_trace_ready(prof)`` runs at the end of every active cycle; without it, everything in the block is
    recorded and ``on_trace_ready`` runs at ``stop()``. ``profile_memory``, ``with_stack``, ``with_flops``
    and ``with_modules`` are accepted and record nothing extra.
    """

    def __init__(self, *, activities=None, schedule=None, on_trace_ready=None, record_shapes: bool = False,
                 profile_memory: bool = False, with_stack: bool = False, with_flops: bool = False,
                 with_modules: bool = False, experimental_config=None, execution_trace_observer=None,
                 acc_events: bool = False, use_cuda=None, custom_trace_id_callback=None,
                 post_processing_timeout_s=None) -> None:
        self.activities = set(activities) if activities else supported_activities()
        self.schedule = schedule if schedule is not None else _always_record
        self.on_trace_ready = on_trace_ready
        self.record_shapes = record_shapes
        self.step_num = 0
        self.current_action = self.schedule(0)
        self._recorder = None
        self._events = EventList()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        self.stop()
        return False

    def start(self) -> None:
        if self.current_action in _RECORDING:
            self._begin()

    def stop(self) -> None:
        if self._recorder is not None:
            self._finish()

    def step(self) -> None:
        """Mark the end of a training step: advance the schedule."""
        prev = self.current_action
        self.step_num += 1
        self.current_action = self.schedule(self.step_num)
        if self._recorder is not None and (prev is ProfilerAction.RECORD_AND_SAVE
                                           or self.current_action not in _RECORDING):
            self._finish()
        if self._recorder is None and self.current_action in _RECORDING:
            self._begin()

    def _begin(self):
        self._recorder = _start(self.record_shapes)

    def _finish(self):
        rec, self._recorder = self._recorder, None
        if _ACTIVE[0] is rec:
            _stop()
        self._events = EventList(sorted(rec.events, key=lambda e: e.time_range[0]))
        if self.on_trace_ready is not None:
            self.on_trace_ready(self)

    def events(self) -> EventList:
        """The events of the last finished recording, in start order."""
        return self._events

    def key_averages(self, group_by_input_shape: bool = False, group_by_stack_n: int = 0,
                     group_by_overload_name: bool = False) -> EventList:
        return self._events.key_averages(group_by_input_shape)

    @property
    def self_cpu_time_total(self) -> float:
        return self._events.self_cpu_time_total

    def table(self, *args, **kwargs) -> str:
        return self.key_averages().table(*args, **kwargs)

    def export_chrome_trace(self, path: str) -> None:
        self._events.export_chrome_trace(path)


def tensorboard_trace_handler(dir_name: str, worker_name: str | None = None, use_gzip: bool = False,
                              use_python_export: bool = False):
    """An ``on_trace_ready`` that writes each trace to ``dir_name/<worker>.<ms>.pt.trace.json[.gz]``."""
    def handler_fn(prof) -> None:
        import socket
        os.makedirs(dir_name, exist_ok=True)
        worker = worker_name or f"{socket.gethostname()}_{os.getpid()}"
        name = f"{worker}.{time.time_ns() // 1_000_000}.pt.trace.json" + (".gz" if use_gzip else "")
        prof.export_chrome_trace(os.path.join(dir_name, name))
    return handler_fn
