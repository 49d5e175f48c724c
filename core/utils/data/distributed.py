"""``DistributedSampler``: each of ``num_replicas`` processes reads its own share of a dataset."""
from __future__ import annotations

import importlib
import math
from collections.abc import Iterator
from typing import TypeVar

from ..._functional import randperm
from ...random import Generator
from .sampler import Sampler

__all__ = ["DistributedSampler"]

_T_co = TypeVar("_T_co", covariant=True)


def _distributed():
    """``ember.distributed`` when it exists and is available, else None."""
    try:
        dist = importlib.import_module("ember.distributed")
    except ImportError:
        return None
    is_available = getattr(dist, "is_available", None)
    return dist if is_available is not None and is_available() else None


class DistributedSampler(Sampler[_T_co]):
    """Restricts loading to the indices ``rank, rank + num_replicas, ...`` of a (shuffled) index list.

    Without ``drop_last`` the list is padded by repeating its start so that every replica gets
    ``ceil(len / num_replicas)`` indices; with it the tail is dropped instead.  With ``shuffle`` the list
    is a permutation drawn from a generator seeded with ``seed + epoch``: call :meth:`set_epoch` at the
    start of every epoch, with the same ``seed`` on all replicas.

    >>> [list(DistributedSampler(range(5), num_replicas=2, rank=r, shuffle=False)) for r in (0, 1)]
    [[0, 2, 4], [1, 3, 0]]
    """

    def __init__(self, dataset, num_replicas: int | None = None, rank: int | None = None, shuffle: bool = True,
                 seed: int = 0, drop_last: bool = False) -> None:
        if num_replicas is None or rank is None:
            dist = _distributed()
            if dist is None:
                raise RuntimeError("Requires distributed package to be available")
            if num_replicas is None:
                num_replicas = dist.get_world_size()
            if rank is None:
                rank = dist.get_rank()
        if rank >= num_replicas or rank < 0:
            raise ValueError(f"Invalid rank {rank}, rank should be in the interval [0, {num_replicas - 1}]")
        self.dataset = dataset
        self.num_replicas = num_replicas
        self.rank = rank
        self.epoch = 0
        self.drop_last = drop_last
        if self.drop_last and len(self.dataset) % self.num_replicas != 0:
            self.num_samples = math.ceil((len(self.dataset) - self.num_replicas) / self.num_replicas)
        else:
            self.num_samples = math.ceil(len(self.dataset) / self.num_replicas)
        self.total_size = self.num_samples * self.num_replicas
        self.shuffle = shuffle
        self.seed = seed

    def __iter__(self) -> Iterator[_T_co]:
        if self.shuffle:
            g = Generator().manual_seed(self.seed + self.epoch)
            indices = randperm(len(self.dataset), generator=g, device=g.device).tolist()
        else:
            indices = list(range(len(self.dataset)))
        if not self.drop_last:
            padding_size = self.total_size - len(indices)
            if padding_size <= len(indices):
                indices += indices[:padding_size]
            else:
                indices += (indices * math.ceil(padding_size / len(indices)))[:padding_size]
        else:
            indices = indices[:self.total_size]
        return iter(indices[self.rank:self.total_size:self.num_replicas])

    def __len__(self) -> int:
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        """Set the epoch: with ``shuffle=True`` each epoch then gets its own permutation."""
        self.epoch = epoch
