"""``DataLoader``: batches from a dataset, in the main process or in worker processes.

The loader itself only validates and stores its arguments; each ``iter(loader)`` creates an iterator:

- :class:`_SingleProcessDataLoaderIter` (``num_workers=0``) fetches and collates in the main process;
- :class:`_MultiProcessingDataLoaderIter` starts ``num_workers`` daemonic worker processes, each with its own
  index queue, and collects their batches from one shared result queue.  At most
  ``prefetch_factor * num_workers`` batches are in flight; batches arrive in any order and are handed out in
  sampler order (unless ``in_order=False``).  Waiting on the result queue also watches the workers'
  process sentinels, so a worker killed by a signal raises at once instead of hanging.  The workers stop
  when the iterator is exhausted, garbage-collected or breaks on a worker's death or a timeout (with
  ``persistent_workers=True`` they live as long as the loader and serve every epoch).
"""
from __future__ import annotations

import itertools
import multiprocessing as python_multiprocessing
import os
import pickle
import queue
import signal
import time
import warnings
from collections.abc import Callable, Iterable
from math import ceil
from multiprocessing import connection as _mp_connection
from typing import Any, Generic, TypeVar

from ... import _dtype as D
from ..._functional import empty
from . import _utils
from ._utils import ExceptionWrapper
from ._utils.fetch import _IterableDatasetFetcher, _MapDatasetFetcher
from ._utils.worker import _IterableDatasetStopIteration, _ResumeIteration, _worker_loop
from .dataset import Dataset, IterableDataset
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler

__all__ = ["DataLoader", "get_worker_info", "default_collate", "default_convert"]

default_collate = _utils.collate.default_collate
default_convert = _utils.collate.default_convert
get_worker_info = _utils.worker.get_worker_info

_T_co = TypeVar("_T_co", covariant=True)


class _DatasetKind:
    Map = 0
    Iterable = 1

    @staticmethod
    def create_fetcher(kind, dataset, auto_collation, collate_fn, drop_last):
        fetcher = _MapDatasetFetcher if kind == _DatasetKind.Map else _IterableDatasetFetcher
        return fetcher(dataset, auto_collation, collate_fn, drop_last)


class _InfiniteConstantSampler(Sampler):
    """``None`` forever: the sampler of an ``IterableDataset`` (the dataset decides when to stop)."""

    def __iter__(self):
        while True:
            yield None


class DataLoader(Generic[_T_co]):
    """Iterates over ``dataset`` in batches, with PyTorch's arguments and semantics.

    Args:
        dataset: a map-style :class:`Dataset` (``__getitem__`` + ``__len__``) or an :class:`IterableDataset`.
        batch_size: samples per batch (default 1); ``None`` turns automatic batching off (each sample goes
            through ``default_convert``).
        shuffle: reshuffle every epoch (a :class:`RandomSampler` on ``generator``).
        sampler / batch_sampler: custom index order, one index or one list of indices at a time.
        num_workers: worker processes (0: load in the main process).
        collate_fn: merges a list of samples into a batch (default :func:`default_collate`).
        pin_memory: call ``pin_memory()`` on the batches' tensors (matters for a GPU backend).
        drop_last: drop the last, incomplete batch.
        timeout: seconds to wait for a batch from the workers before raising (0: forever).
        worker_init_fn: called as ``worker_init_fn(worker_id)`` in each worker after seeding.
        multiprocessing_context: a start method name (``"fork"``, ``"spawn"``, ...) or a context object.
        generator: draws the shuffling order and the workers' ``base_seed``.
        prefetch_factor: batches loaded in advance per worker (default 2 with workers).
        persistent_workers: keep the workers alive between epochs.
        in_order: hand batches out in sampler order (``False``: as they arrive).

    Each worker seeds ember's default generator and Python's ``random`` with ``base_seed + worker_id``
    (``get_worker_info().seed``); ``base_seed`` is drawn once per iterator from ``generator`` (or ember's
    default generator), so ``ember.manual_seed`` reproduces both the order and per-worker randomness.

    >>> ds = TensorDataset(ember.arange(10.0), ember.arange(10))
    >>> [y.tolist() for _, y in DataLoader(ds, batch_size=4)]
    [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    """

    dataset: Dataset
    batch_size: int | None
    num_workers: int
    pin_memory: bool
    drop_last: bool
    timeout: float
    sampler: Sampler | Iterable
    prefetch_factor: int | None
    __initialized = False

    def __init__(self, dataset: Dataset, batch_size: int | None = 1, shuffle: bool | None = None,
                 sampler: Sampler | Iterable | None = None, batch_sampler: Sampler | Iterable | None = None,
                 num_workers: int = 0, collate_fn: Callable | None = None, pin_memory: bool = False,
                 drop_last: bool = False, timeout: float = 0, worker_init_fn: Callable | None = None,
                 multiprocessing_context=None, generator=None, *, prefetch_factor: int | None = None,
                 persistent_workers: bool = False, pin_memory_device: str = "", in_order: bool = True) -> None:
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable "
                             "multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 "
                             "to enable multiprocessing, otherwise set prefetch_factor to None.")
        elif num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        elif prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")

        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.in_order = in_order

        # iterable-style datasets reject custom samplers before any sampler check (as PyTorch)
        if isinstance(dataset, IterableDataset):
            self._dataset_kind = _DatasetKind.Iterable
            if shuffle not in {False, None}:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified shuffle option, but got "
                                 f"shuffle={shuffle}")
            if sampler is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified sampler option, but got "
                                 f"sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified batch_sampler option, "
                                 f"but got batch_sampler={batch_sampler}")
        else:
            shuffle = bool(shuffle)
            self._dataset_kind = _DatasetKind.Map

        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, "
                                 "and drop_last")
            batch_size = None
            drop_last = False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with "
                             "drop_last")

        if sampler is None:
            if self._dataset_kind == _DatasetKind.Iterable:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)

        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self.persistent_workers = persistent_workers
        self.__initialized = True
        self._IterableDataset_len_called = None
        self._iterator = None
        self.check_worker_number_rationality()

    def _get_iterator(self) -> _BaseDataLoaderIter:
        if self.num_workers == 0:
            return _SingleProcessDataLoaderIter(self)
        self.check_worker_number_rationality()
        return _MultiProcessingDataLoaderIter(self)

    @property
    def multiprocessing_context(self):
        return self.__multiprocessing_context

    @multiprocessing_context.setter
    def multiprocessing_context(self, multiprocessing_context) -> None:
        if multiprocessing_context is not None:
            if self.num_workers > 0:
                if isinstance(multiprocessing_context, str):
                    valid_start_methods = python_multiprocessing.get_all_start_methods()
                    if multiprocessing_context not in valid_start_methods:
                        raise ValueError(f"multiprocessing_context option should specify a valid start method in "
                                         f"{valid_start_methods!r}, but got "
                                         f"multiprocessing_context={multiprocessing_context!r}")
                    multiprocessing_context = python_multiprocessing.get_context(multiprocessing_context)
                if not isinstance(multiprocessing_context, python_multiprocessing.context.BaseContext):
                    raise TypeError(f"multiprocessing_context option should be a valid context object or a string "
                                    f"specifying the start method, but got "
                                    f"multiprocessing_context={multiprocessing_context}")
            else:
                raise ValueError(f"multiprocessing_context can only be used with multi-process loading "
                                 f"(num_workers > 0), but got num_workers={self.num_workers}")
        self.__multiprocessing_context = multiprocessing_context

    def __setattr__(self, attr, val) -> None:
        if self.__initialized and attr in ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset",
                                           "persistent_workers"):
            raise ValueError(f"{attr} attribute should not be set after {self.__class__.__name__} is initialized")
        super().__setattr__(attr, val)

    def __iter__(self) -> _BaseDataLoaderIter:
        # persistent workers live in one iterator for the loader's lifetime; it is reset each epoch
        if self.persistent_workers and self.num_workers > 0:
            if self._iterator is None or self._iterator._shutdown:  # first epoch, or after a fatal error
                self._iterator = self._get_iterator()
            else:
                self._iterator._reset(self)
            return self._iterator
        return self._get_iterator()

    @property
    def _auto_collation(self) -> bool:
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        """What the fetcher is fed: ``batch_sampler`` with automatic batching, else ``sampler``."""
        return self.batch_sampler if self._auto_collation else self.sampler

    def __len__(self) -> int:
        if self._dataset_kind == _DatasetKind.Iterable:
            # the dataset's own length, in batches; the iterator warns if more samples come out
            length = self._IterableDataset_len_called = len(self.dataset)
            if self.batch_size is not None:
                length = length // self.batch_size if self.drop_last else ceil(length / self.batch_size)
            return length
        return len(self._index_sampler)

    def check_worker_number_rationality(self) -> None:
        """Warn when more workers are asked for than this process may use CPUs."""
        if not self.num_workers:
            return
        cpuset_checked = hasattr(os, "sched_getaffinity")
        try:
            max_workers = len(os.sched_getaffinity(0)) if cpuset_checked else os.cpu_count()
        except OSError:
            max_workers = os.cpu_count()
        if max_workers is None or self.num_workers > max_workers:
            if max_workers is None:
                suggestion = "DataLoader is not able to compute a suggested max number of worker in current system."
            else:
                suggestion = (f"Our suggested max number of worker in current system is {max_workers}"
                              f"{'' if cpuset_checked else ' (`cpuset` is not taken into account)'}, which is "
                              f"smaller than what this DataLoader is going to create.")
            warnings.warn(f"This DataLoader will create {self.num_workers} worker processes in total. {suggestion} "
                          f"Please be aware that excessive worker creation might get DataLoader running slow or "
                          f"even freeze, lower the worker number to avoid potential slowness/freeze if necessary.",
                          stacklevel=2)


def _accelerator_available() -> bool:
    from ... import cuda
    return cuda.is_available()


class _BaseDataLoaderIter:
    def __init__(self, loader: DataLoader) -> None:
        self._dataset = loader.dataset
        self._dataset_kind = loader._dataset_kind
        self._IterableDataset_len_called = loader._IterableDataset_len_called
        self._auto_collation = loader._auto_collation
        self._drop_last = loader.drop_last
        self._index_sampler = loader._index_sampler
        self._num_workers = loader.num_workers
        if loader.pin_memory and loader.pin_memory_device:
            warnings.warn(f"pin_memory_device is deprecated, the current accelerator will be used as the device,"
                          f"ignore pin_memory_device='{loader.pin_memory_device}'.", stacklevel=3)
        if loader.pin_memory and not _accelerator_available():
            warnings.warn("'pin_memory' argument is set as true but no accelerator is found, then device pinned "
                          "memory won't be used.", stacklevel=3)
        self._pin_memory = loader.pin_memory
        self._timeout = loader.timeout
        self._collate_fn = loader.collate_fn
        self._sampler_iter = iter(self._index_sampler)
        # one int64 per iterator, as PyTorch: the workers' base_seed (drawn even without workers)
        seed_device = getattr(loader.generator, "device", "cpu")
        self._base_seed = int(empty((), dtype=D.int64, device=seed_device).random_(generator=loader.generator)
                              .item())
        self._persistent_workers = loader.persistent_workers
        self._num_yielded = 0

    def __iter__(self):
        return self

    def _reset(self, loader, first_iter=False) -> None:
        self._sampler_iter = iter(self._index_sampler)
        self._num_yielded = 0
        self._IterableDataset_len_called = loader._IterableDataset_len_called

    def _next_index(self):
        return next(self._sampler_iter)  # may raise StopIteration

    def _next_data(self):
        raise NotImplementedError

    def __next__(self) -> Any:
        data = self._next_data()
        self._num_yielded += 1
        if self._dataset_kind == _DatasetKind.Iterable and self._IterableDataset_len_called is not None \
                and self._num_yielded > self._IterableDataset_len_called:
            msg = (f"Length of IterableDataset {self._dataset} was reported to be {self._IterableDataset_len_called}"
                   f"(when accessing len(dataloader)), but {self._num_yielded} samples have been fetched. ")
            if self._num_workers > 0:
                msg += ("For multiprocessing data-loading, this could be caused by not properly configuring the "
                        "IterableDataset replica at each worker. Please see "
                        "https://pytorch.org/docs/stable/data.html#torch.utils.data.IterableDataset for examples.")
            warnings.warn(msg, stacklevel=2)
        return data

    def __len__(self) -> int:
        return len(self._index_sampler)

    def __getstate__(self):
        raise NotImplementedError(f"{self.__class__.__name__} cannot be pickled")


class _SingleProcessDataLoaderIter(_BaseDataLoaderIter):
    def __init__(self, loader) -> None:
        super().__init__(loader)
        if self._timeout != 0:
            raise AssertionError("_SingleProcessDataLoaderIter requires timeout == 0")
        if self._num_workers != 0:
            raise AssertionError("_SingleProcessDataLoaderIter requires num_workers == 0")
        self._dataset_fetcher = _DatasetKind.create_fetcher(self._dataset_kind, self._dataset,
                                                            self._auto_collation, self._collate_fn,
                                                            self._drop_last)

    def _next_data(self):
        index = self._next_index()  # may raise StopIteration
        data = self._dataset_fetcher.fetch(index)  # may raise StopIteration
        if self._pin_memory:
            data = _utils.pin_memory.pin_memory(data)
        return data


_POLL = 1.0  # seconds between liveness checks when the queue offers no waitable handle
_FATAL_GRACE = 0.5  # seconds workers get to exit after a timeout or a worker's death, before SIGTERM


def _describe_exit(w) -> str:
    code = w.exitcode
    if code is not None and code < 0:
        try:
            return f"was killed by signal {signal.Signals(-code).name}"
        except ValueError:
            return f"was killed by signal {-code}"
    return f"exited with code {code}"


class _MultiProcessingDataLoaderIter(_BaseDataLoaderIter):
    """Loads batches in ``num_workers`` worker processes (see the module docstring for the protocol)."""

    _shutdown = True  # until the workers exist, there is nothing to shut down
    _workers: tuple = ()

    def __init__(self, loader) -> None:
        super().__init__(loader)
        self._prefetch_factor = loader.prefetch_factor
        self._in_order = loader.in_order
        if self._num_workers <= 0:
            raise AssertionError("num_workers must be greater than 0 for MultiProcessingDataLoaderIter")
        if self._prefetch_factor <= 0:
            raise AssertionError("prefetch_factor must be greater than 0 for MultiProcessingDataLoaderIter")
        ctx = loader.multiprocessing_context or python_multiprocessing.get_context()
        self._worker_init_fn = loader.worker_init_fn
        self._worker_result_queue = ctx.Queue()
        self._data_queue = self._worker_result_queue
        self._workers_done_event = ctx.Event()
        self._index_queues = []
        self._workers = []
        self._owner_pid = os.getpid()
        self._dead = {}  # worker id -> Process, for workers that died unexpectedly
        self._awaiting = None  # the worker whose result __next__ waits for (None: any)
        self._shutdown = False
        try:
            for i in range(self._num_workers):
                index_queue = ctx.Queue()
                index_queue.cancel_join_thread()
                w = ctx.Process(target=_worker_loop, args=(
                    self._dataset_kind, self._dataset, index_queue, self._worker_result_queue,
                    self._workers_done_event, self._auto_collation, self._collate_fn, self._drop_last,
                    self._base_seed, self._worker_init_fn, i, self._num_workers, self._persistent_workers))
                w.daemon = True
                try:
                    w.start()
                except (TypeError, AttributeError, pickle.PicklingError):
                    warnings.warn("Got pickle error when attempting to start a worker Process. This might be because "
                                  "the worker Process arguments are not picklable. Python 3.14+ changed the "
                                  "multiprocessing start method in non-Mac POSIX platforms to 'forkserver', which "
                                  "requires the worker Process arguments to be picklable. You can also try "
                                  "multiprocessing.set_start_method('fork').", stacklevel=2)
                    raise
                self._index_queues.append(index_queue)
                self._workers.append(w)
            self._workers_status = [True] * self._num_workers
            self._reset(loader, first_iter=True)
        except BaseException:
            self._workers_status = [True] * len(self._workers)
            self._shutdown_workers()
            raise

    def _reset(self, loader, first_iter=False) -> None:
        super()._reset(loader, first_iter)
        self._send_idx = 0  # id of the next task to send to a worker
        self._rcvd_idx = 0  # id of the next task to hand out from __next__
        self._task_info = {}  # task id -> (worker id, index) for tasks sent and not yet handed out
        self._reorder = {}  # task id -> batch that arrived ahead of its turn
        self._tasks_outstanding = 0
        self._workers_status = [True] * self._num_workers
        self._workers_num_tasks = [0] * self._num_workers
        self._worker_queue_idx_cycle = itertools.cycle(range(self._num_workers))
        if not first_iter:
            # persistent workers: start a new epoch, discarding what the last one left in flight
            for q in self._index_queues:
                q.put(_ResumeIteration())
            pending = self._num_workers
            while pending > 0:
                task_id, _ = self._get_data()
                if isinstance(task_id, _ResumeIteration):
                    pending -= 1
        for _ in range(self._prefetch_factor * self._num_workers):
            self._try_put_index()

    # ------------------------------------------------------------------ receiving

    def _check_workers_alive(self) -> None:
        """Record workers that died; raise once the batch awaited (``self._awaiting``) can never come.

        In order, batches the live workers hold are still handed out first; the error comes when the next
        batch due was sent to a dead worker (``_awaiting`` is None when any death is fatal)."""
        for i, w in enumerate(self._workers):
            if self._workers_status[i] and i not in self._dead and not w.is_alive():
                self._dead[i] = w
        if self._dead and (self._awaiting is None or self._awaiting in self._dead):
            self._raise_worker_failure(sorted(self._dead.items()))

    def _raise_worker_failure(self, failed, cause=None):
        details = []
        kind = "batches" if self._auto_collation else "samples"
        for i, w in failed:
            lost = [index for task_id, (wid, index) in sorted(self._task_info.items())
                    if wid == i and task_id not in self._reorder and index is not None]
            shown = ", ".join(repr(index) for index in lost[:4]) + (", ..." if len(lost) > 4 else "")
            details.append(f"worker {i} {_describe_exit(w)}" +
                           (f"; {kind} sent to it and not received: {shown}" if lost else ""))
            self._workers_status[i] = False
        pids = ", ".join(str(w.pid) for _, w in failed)
        self._shutdown_workers(grace=_FATAL_GRACE)
        raise RuntimeError(f"DataLoader worker (pid(s) {pids}) exited unexpectedly: " + "; ".join(details)) \
            from cause

    def _try_get_data(self, timeout=_utils.MP_STATUS_CHECK_INTERVAL):
        """``(True, item)`` from the result queue, or ``(False, None)`` after ``timeout`` seconds.

        Waits on the queue's pipe and on the sentinels of the active workers together, so the death of a
        worker is noticed at once (see :meth:`_check_workers_alive`).
        """
        deadline = time.monotonic() + timeout
        reader = getattr(self._data_queue, "_reader", None)
        while True:
            try:
                return True, self._data_queue.get(block=False)
            except queue.Empty:
                pass
            self._check_workers_alive()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False, None
            if reader is not None:
                sentinels = [w.sentinel for i, w in enumerate(self._workers)
                             if self._workers_status[i] and i not in self._dead]
                _mp_connection.wait([reader, *sentinels], timeout=remaining)
            else:
                try:
                    return True, self._data_queue.get(timeout=min(remaining, _POLL))
                except queue.Empty:
                    pass

    def _get_data(self):
        if self._timeout > 0:
            success, data = self._try_get_data(self._timeout)
            if not success:
                self._shutdown_workers(grace=_FATAL_GRACE)
                raise RuntimeError(f"DataLoader timed out after {self._timeout} seconds")
            return data
        while True:
            success, data = self._try_get_data()
            if success:
                return data

    def _next_data(self):
        while True:
            if self._shutdown:
                raise StopIteration
            # skip tasks that will never be answered (their worker's IterableDataset ended)
            while self._rcvd_idx < self._send_idx:
                info = self._task_info.get(self._rcvd_idx)
                if info is not None:
                    if self._rcvd_idx in self._reorder or self._workers_status[info[0]]:
                        break
                    del self._task_info[self._rcvd_idx]
                self._rcvd_idx += 1
            else:
                if self._dead:  # batches were lost with a dead worker
                    self._check_workers_alive()
                if not self._persistent_workers:
                    self._shutdown_workers()
                raise StopIteration

            if self._rcvd_idx in self._reorder:
                data = self._reorder.pop(self._rcvd_idx)
                worker_id = self._task_info.pop(self._rcvd_idx)[0]
                self._rcvd_idx += 1
                return self._process_data(data, worker_id)

            self._awaiting = self._task_info[self._rcvd_idx][0] if self._in_order else None
            try:
                task_id, payload = self._get_data()
            finally:
                self._awaiting = None
            if isinstance(task_id, _ResumeIteration):
                continue
            self._tasks_outstanding -= 1
            data = pickle.loads(payload)
            if self._dataset_kind == _DatasetKind.Iterable and isinstance(data, _IterableDatasetStopIteration):
                if self._persistent_workers:
                    self._workers_status[data.worker_id] = False
                else:
                    self._mark_worker_as_unavailable(data.worker_id)
                self._try_put_index()
                continue
            if task_id != self._rcvd_idx:
                if not self._in_order:
                    worker_id = self._task_info.pop(task_id)[0]
                    return self._process_data(data, worker_id)
                self._reorder[task_id] = data
            else:
                worker_id = self._task_info.pop(task_id)[0]
                self._rcvd_idx += 1
                return self._process_data(data, worker_id)

    # ------------------------------------------------------------------ sending

    def _try_put_index(self) -> None:
        max_tasks = self._prefetch_factor * self._num_workers
        if self._tasks_outstanding >= max_tasks:
            raise AssertionError("Number of outstanding tasks exceeded maximum allowed tasks")
        try:
            index = self._next_index()
        except StopIteration:
            return
        for _ in range(self._num_workers):  # the next active worker (with room, when not in order)
            worker_queue_idx = next(self._worker_queue_idx_cycle)
            if self._workers_status[worker_queue_idx] and worker_queue_idx not in self._dead and (
                    self._in_order
                    or self._workers_num_tasks[worker_queue_idx] < max_tasks // sum(self._workers_status)):
                break
        else:
            return
        self._index_queues[worker_queue_idx].put((self._send_idx, index))
        self._task_info[self._send_idx] = (worker_queue_idx, index)
        self._workers_num_tasks[worker_queue_idx] += 1
        self._tasks_outstanding += 1
        self._send_idx += 1

    def _process_data(self, data, worker_idx):
        self._workers_num_tasks[worker_idx] -= 1
        self._try_put_index()
        if isinstance(data, ExceptionWrapper):
            data.reraise()
        if self._pin_memory:
            data = _utils.pin_memory.pin_memory(data)
        return data

    # ------------------------------------------------------------------ shutdown

    def _mark_worker_as_unavailable(self, worker_id, shutdown=False) -> None:
        """Ask worker ``worker_id`` to exit (it finished its IterableDataset, or we are shutting down)."""
        self._index_queues[worker_id].put(None)
        self._workers_status[worker_id] = False

    def _shutdown_workers(self, grace: float = _utils.MP_STATUS_CHECK_INTERVAL) -> None:
        """Stop the workers: set the done event, send each the exit sentinel, wait up to ``grace`` seconds in
        all for them to exit, then terminate the stragglers."""
        if _utils is None or _utils.python_exit_status is True or _utils.python_exit_status is None:
            return  # interpreter teardown: multiprocessing's own exit handler ends daemonic workers
        if self._shutdown or os.getpid() != self._owner_pid:
            return  # done already, or a forked child's copy of this iterator: the workers are not its own
        self._shutdown = True
        try:
            self._workers_done_event.set()
            for worker_id, w in enumerate(self._workers):
                if (self._persistent_workers or self._workers_status[worker_id]) and w.is_alive():
                    self._mark_worker_as_unavailable(worker_id, shutdown=True)
            deadline = time.monotonic() + grace
            for w in self._workers:
                w.join(timeout=max(0.0, deadline - time.monotonic()))
            for q in self._index_queues:
                q.cancel_join_thread()
                q.close()
        finally:
            for w in self._workers:
                if w.is_alive():
                    w.terminate()
                    w.join(timeout=_utils.MP_STATUS_CHECK_INTERVAL)
            self._worker_result_queue.cancel_join_thread()
            self._worker_result_queue.close()
            for w in self._workers:
                if w.exitcode is not None:
                    w.close()

    def __del__(self) -> None:
        self._shutdown_workers()
