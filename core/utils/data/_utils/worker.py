"""The worker process of a multi-process :class:`DataLoader` (``torch.utils.data._utils.worker``).

Each worker owns an index queue; the main process sends ``(task_id, index)`` pairs and the worker answers on
the shared result queue with ``(task_id, pickled batch)``.  The batch is pickled in the worker itself, so an
unpicklable batch comes back as an error instead of being dropped by the queue's feeder thread.  ``None`` on
the index queue asks the worker to exit.  A worker seeds Python's ``random`` and ember's default generator
with ``base_seed + worker_id`` (as PyTorch does; NumPy is left alone) and exits on its own when the main
process dies.
"""
from __future__ import annotations

import io
import os
import pickle
import queue
import random
from dataclasses import dataclass
from multiprocessing.reduction import ForkingPickler
from typing import Any

from . import MP_STATUS_CHECK_INTERVAL, ExceptionWrapper

__all__ = ["WorkerInfo", "get_worker_info"]


class ManagerWatchdog:
    """Tells a worker whether the process that started it is still alive (its parent pid is unchanged)."""

    def __init__(self) -> None:
        self.manager_pid = os.getppid()
        self.manager_dead = False

    def is_alive(self) -> bool:
        if not self.manager_dead:
            self.manager_dead = os.getppid() != self.manager_pid
        return not self.manager_dead


_worker_info: WorkerInfo | None = None


@dataclass(frozen=True)
class WorkerInfo:
    """What :func:`get_worker_info` returns inside a worker.

    Attributes: ``id`` (0 to ``num_workers - 1``), ``num_workers``, ``seed`` (``base_seed + id``, the seed
    of ember's default generator and of ``random`` in this worker), ``dataset`` (this worker's copy).
    """

    id: int
    num_workers: int
    seed: int
    dataset: Any
    rng: Any = None
    worker_method: str | None = "multiprocessing"


def get_worker_info() -> WorkerInfo | None:
    """Information about the current :class:`DataLoader` worker process; ``None`` in the main process.

    Use it in an ``IterableDataset.__iter__`` or a ``worker_init_fn`` to give each worker its own shard:

    >>> get_worker_info() is None  # in the main process
    True
    """
    return _worker_info


@dataclass(frozen=True)
class _IterableDatasetStopIteration:
    """Sent by a worker whose copy of an ``IterableDataset`` is exhausted."""
    worker_id: int


@dataclass(frozen=True)
class _ResumeIteration:
    """Sent to persistent workers at the start of a new epoch; echoed back once they are ready."""
    seed: int | None = None


def _dumps(obj) -> bytes:
    buf = io.BytesIO()
    ForkingPickler(buf, pickle.HIGHEST_PROTOCOL).dump(obj)
    return buf.getvalue()  # the buffer itself, not a copy (a batch of images is megabytes)


def _pack(data, where):
    """Pickle a batch (or an error) for the result queue; an unpicklable batch becomes an error."""
    try:
        return _dumps(data)
    except Exception:
        if not isinstance(data, ExceptionWrapper):
            data = ExceptionWrapper(where=f"{where} while pickling the batch to send it to the main process")
    try:
        return _dumps(data)
    except Exception:  # the exception class cannot be pickled (e.g. defined inside a function)
        data.exc_type = RuntimeError  # the message still names the original type
        return _dumps(data)


def _worker_loop(dataset_kind, dataset, index_queue, data_queue, done_event, auto_collation, collate_fn,
                 drop_last, base_seed, init_fn, worker_id, num_workers, persistent_workers) -> None:
    global _worker_info
    try:
        from .... import _api
        from ....random import manual_seed
        from ..dataloader import _DatasetKind

        seed = base_seed + worker_id
        random.seed(seed)
        manual_seed(seed)
        if _api.get_num_threads() != 1:
            _api.set_num_threads(1)  # as PyTorch: one compute thread per worker
        _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed, dataset=dataset)
        where = f"in DataLoader worker process {worker_id}"

        init_exception = None
        fetcher = None
        try:
            if init_fn is not None:
                init_fn(worker_id)
            fetcher = _DatasetKind.create_fetcher(dataset_kind, dataset, auto_collation, collate_fn, drop_last)
        except Exception:
            init_exception = ExceptionWrapper(where=where)

        iteration_end = False
        watchdog = ManagerWatchdog()
        while watchdog.is_alive():
            try:
                r = index_queue.get(timeout=MP_STATUS_CHECK_INTERVAL)
            except queue.Empty:
                continue
            if isinstance(r, _ResumeIteration):
                data_queue.put((r, None))
                iteration_end = False
                try:
                    fetcher = _DatasetKind.create_fetcher(dataset_kind, dataset, auto_collation, collate_fn,
                                                          drop_last)
                except Exception:
                    init_exception = ExceptionWrapper(where=where)
                continue
            if r is None:
                break
            if done_event.is_set() or iteration_end:
                continue
            idx, index = r
            if init_exception is not None:
                data = init_exception
                init_exception = None
            else:
                try:
                    data = fetcher.fetch(index)
                except Exception as e:
                    if isinstance(e, StopIteration) and dataset_kind == _DatasetKind.Iterable:
                        data = _IterableDatasetStopIteration(worker_id)
                        iteration_end = True
                    else:
                        data = ExceptionWrapper(where=where)
            data_queue.put((idx, _pack(data, where)))
            del data, idx, index, r
    except KeyboardInterrupt:
        pass  # the main process sees the interrupt too and shuts the workers down
    if done_event.is_set():
        data_queue.cancel_join_thread()
        data_queue.close()
