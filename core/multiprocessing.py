"""``ember.multiprocessing`` (``torch.multiprocessing``): Python's :mod:`multiprocessing` plus ``spawn``.

Everything in :mod:`multiprocessing` is re-exported, and :func:`spawn` / :func:`start_processes` run
``fn(i, *args)`` in ``nprocs`` processes, re-raising a child's exception in the parent as
:class:`ProcessRaisedException` (with the child's traceback) like PyTorch.

Tensors passed to a child are pickled, i.e. copied: ember's ``Tensor.share_memory_()`` does not place
them in shared memory, so the sharing strategies below are recorded for compatibility only.
"""
from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import pickle
import signal
import sys
import tempfile
import traceback
import warnings

globals().update({_n: getattr(multiprocessing, _n) for _n in multiprocessing.__all__})

__all__ = ["ProcessContext", "ProcessException", "ProcessExitedException", "ProcessRaisedException",
           "get_all_sharing_strategies", "get_sharing_strategy", "set_sharing_strategy", "spawn",
           "start_processes"] + list(multiprocessing.__all__)

_ALL_SHARING_STRATEGIES = {"file_descriptor", "file_system"} if sys.platform != "darwin" else {"file_system"}
_SHARING_STRATEGY = ["file_descriptor" if sys.platform != "darwin" else "file_system"]


def set_sharing_strategy(new_strategy: str) -> None:
    """Record the strategy for sharing tensors between processes (one of :func:`get_all_sharing_strategies`)."""
    if new_strategy not in _ALL_SHARING_STRATEGIES:
        raise AssertionError(f"set_sharing_strategy(): unknown strategy {new_strategy!r}; expected one of "
                             f"{sorted(_ALL_SHARING_STRATEGIES)}")
    _SHARING_STRATEGY[0] = new_strategy


def get_sharing_strategy() -> str:
    return _SHARING_STRATEGY[0]


def get_all_sharing_strategies() -> set:
    return set(_ALL_SHARING_STRATEGIES)


class ProcessException(Exception):
    """A spawned process failed; ``error_index`` is its index, ``error_pid`` its pid."""

    def __init__(self, msg: str, error_index: int, error_pid: int):
        super().__init__(msg)
        self.msg = msg
        self.error_index = error_index
        self.error_pid = error_pid

    def __reduce__(self):
        return type(self), (self.msg, self.error_index, self.error_pid)


class ProcessRaisedException(ProcessException):
    """A spawned process raised an exception; the message holds its traceback."""


class ProcessExitedException(ProcessException):
    """A spawned process exited with a non-zero code or was killed by a signal."""

    def __init__(self, msg: str, error_index: int, error_pid: int, exit_code: int, signal_name: str | None = None):
        super().__init__(msg, error_index, error_pid)
        self.exit_code = exit_code
        self.signal_name = signal_name

    def __reduce__(self):
        return type(self), (self.msg, self.error_index, self.error_pid, self.exit_code, self.signal_name)


def _wrap(fn, i, args, error_file):
    """Child entry point: run ``fn(i, *args)``; on an exception write its traceback for the parent."""
    try:
        fn(i, *args)
    except KeyboardInterrupt:
        pass  # the parent is shutting the processes down
    except Exception:
        with open(error_file, "wb") as fh:
            pickle.dump(traceback.format_exc(), fh)
        sys.exit(1)


class ProcessContext:
    """The processes of one :func:`start_processes` call; :meth:`join` waits and re-raises failures."""

    def __init__(self, processes, error_files):
        self.processes = processes
        self.error_files = error_files
        self.sentinels = {p.sentinel: i for i, p in enumerate(processes)}

    def pids(self) -> list:
        return [int(p.pid) for p in self.processes]

    def join(self, timeout: float | None = None, grace_period: float | None = None) -> bool:
        """Wait up to ``timeout`` seconds for processes to finish. True once all exited cleanly; if one
        failed, terminate the others and raise :class:`ProcessRaisedException`/:class:`ProcessExitedException`."""
        if not self.sentinels:
            return True
        error_index = None
        for sentinel in multiprocessing.connection.wait(list(self.sentinels), timeout=timeout):
            index = self.sentinels.pop(sentinel)
            self.processes[index].join()
            if self.processes[index].exitcode != 0:
                error_index = index
                break
        if error_index is None:
            return not self.sentinels
        for p in self.processes:
            if p.is_alive():
                p.join(grace_period or 0)
            if p.is_alive():
                p.terminate()
            p.join()
        failed = self.processes[error_index]
        if not os.access(self.error_files[error_index], os.R_OK):
            code = failed.exitcode
            if code < 0:
                try:
                    name = signal.Signals(-code).name
                except ValueError:
                    name = f"<Unknown signal {-code}>"
                raise ProcessExitedException(f"process {error_index:d} terminated with signal {name}",
                                             error_index, failed.pid, code, name)
            raise ProcessExitedException(f"process {error_index:d} terminated with exit code {code:d}",
                                         error_index, failed.pid, code)
        with open(self.error_files[error_index], "rb") as fh:
            original_trace = pickle.load(fh)
        raise ProcessRaisedException(f"\n\n-- Process {error_index:d} terminated with the following error:\n"
                                     f"{original_trace}", error_index, failed.pid)


def start_processes(fn, args=(), nprocs: int = 1, join: bool = True, daemon: bool = False,
                    start_method: str = "spawn"):
    """Start ``nprocs`` processes running ``fn(i, *args)`` with ``start_method``; with ``join``, wait for
    them all (re-raising the first failure), else return their :class:`ProcessContext`."""
    ctx = multiprocessing.get_context(start_method)
    processes, error_files = [], []
    for i in range(nprocs):
        fd, name = tempfile.mkstemp(prefix="ember-errorfile-", suffix=".pickle")
        os.close(fd)
        os.unlink(name)  # the child creates it only when it fails
        p = ctx.Process(target=_wrap, args=(fn, i, args, name), daemon=daemon)
        p.start()
        processes.append(p)
        error_files.append(name)
    context = ProcessContext(processes, error_files)
    if not join:
        return context
    while not context.join():
        pass
    return None


def spawn(fn, args=(), nprocs: int = 1, join: bool = True, daemon: bool = False, start_method: str = "spawn"):
    """Run ``fn(i, *args)`` for ``i`` in ``range(nprocs)``, each in a fresh ``spawn``-ed process (another
    ``start_method`` warns and is ignored, as in PyTorch: use :func:`start_processes` for it).

    ``fn`` must be importable (defined at module top level). A child's exception is re-raised here as
    :class:`ProcessRaisedException`.
    """
    if start_method != "spawn":
        warnings.warn(f"This method only supports start_method=spawn (got: {start_method}).\nTo use a different "
                      f"start_method use:\n\t\t ember.multiprocessing.start_processes(...)", FutureWarning,
                      stacklevel=2)
    return start_processes(fn, args, nprocs, join, daemon, start_method="spawn")
