"""Datasets for the DataLoader tests, in an importable module so that ``spawn`` workers can unpickle them.

Every class takes the framework namespace it builds tensors with (``ember`` or ``torch``), so the oracle
tests run the same dataset through both DataLoaders.
"""
from __future__ import annotations

import importlib
import math
import os
import random
import signal
import time

from ember.utils.data import IterableDataset, get_worker_info


class Squares:
    """Map-style: sample ``i`` is ``(fw.tensor([i, i*i]), i)`` — a tensor and a Python int."""

    def __init__(self, n, fw):
        self.n, self.fw_name = n, fw.__name__  # a name, not the module: picklable for spawn workers

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if not 0 <= i < self.n:
            raise IndexError(f"index {i} out of range")
        fw = importlib.import_module(self.fw_name)
        return fw.tensor([float(i), float(i * i)]), i


class Failing:
    """Raises ``exc_type(message)`` when asked for index ``bad``; otherwise returns the index."""

    def __init__(self, n, bad, exc_type=ValueError):
        self.n, self.bad, self.exc_type = n, bad, exc_type

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if i == self.bad:
            raise self.exc_type(f"cannot load sample {i}")
        return i


class KillsItself:
    """The worker that fetches index ``bad`` is killed by SIGKILL (after a moment, so that the batch it sent
    just before has left its queue's feeder thread)."""

    def __init__(self, n, bad):
        self.n, self.bad = n, bad

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if i == self.bad:
            time.sleep(0.1)
            os.kill(os.getpid(), signal.SIGKILL)
        return i


class Sleepy:
    """Index ``slow`` takes ``seconds`` to load."""

    def __init__(self, n, slow, seconds):
        self.n, self.slow, self.seconds = n, slow, seconds

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if i == self.slow:
            time.sleep(self.seconds)
        return i


class WorkerProbe:
    """Sample ``i``: ``(i, worker id, worker seed, pid, one ember.rand draw, one random.random draw)``."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        import ember
        info = get_worker_info()
        wid, seed = (None, None) if info is None else (info.id, info.seed)
        return i, wid, seed, os.getpid(), float(ember.rand(()).item()), random.random()


class RangeStream(IterableDataset):
    """The IterableDataset of PyTorch's docs: ``range(start, end)``, split among workers in ``__iter__``."""

    def __init__(self, start, end):
        super().__init__()
        self.start, self.end = start, end

    def __iter__(self):
        info = get_worker_info()
        if info is None:
            return iter(range(self.start, self.end))
        per_worker = math.ceil((self.end - self.start) / float(info.num_workers))
        lo = self.start + info.id * per_worker
        return iter(range(lo, min(lo + per_worker, self.end)))


class PlainStream(IterableDataset):
    """``range(n)`` in every worker: duplicates unless a worker_init_fn narrows it (see ``shard_init``)."""

    def __init__(self, n):
        super().__init__()
        self.start, self.end = 0, n

    def __iter__(self):
        return iter(range(self.start, self.end))


def shard_init(worker_id):
    """PyTorch's docs example 2: configure each worker's dataset copy to read only its share."""
    info = get_worker_info()
    ds = info.dataset
    total_start, total_end = ds.start, ds.end
    per_worker = math.ceil((total_end - total_start) / float(info.num_workers))
    ds.start = total_start + worker_id * per_worker
    ds.end = min(ds.start + per_worker, total_end)


def unpicklable_batch(batch):
    """A collate_fn whose result cannot be pickled (a lambda inside)."""
    return [lambda b=b: b for b in batch]

