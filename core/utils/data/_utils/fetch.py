"""Fetchers: turn one index (or list of indices) from the sampler into a collated batch.

Shared by the single-process iterator and the worker processes.  An exception raised by the dataset or the
collate function keeps its type and message; it gains a note naming the sample index (and the batch's
indices) that failed, which the worker's traceback carries to the main process.
"""
from __future__ import annotations

from .... import _dtype as D
from ...._functional import tensor as _tensor
from . import add_context
from . import collate as _collate


def _show_indices(indices, limit=16):
    indices = list(indices)
    if len(indices) <= limit:
        return repr(indices)
    return "[" + ", ".join(repr(i) for i in indices[:limit]) + f", ... ({len(indices)} indices)]"


class _BaseDatasetFetcher:
    def __init__(self, dataset, auto_collation, collate_fn, drop_last) -> None:
        self.dataset = dataset
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.drop_last = drop_last

    def fetch(self, possibly_batched_index):
        raise NotImplementedError


class _IterableDatasetFetcher(_BaseDatasetFetcher):
    def __init__(self, dataset, auto_collation, collate_fn, drop_last) -> None:
        super().__init__(dataset, auto_collation, collate_fn, drop_last)
        self.dataset_iter = iter(dataset)
        self.ended = False

    def fetch(self, possibly_batched_index):
        if self.ended:
            raise StopIteration
        if self.auto_collation:
            data = []
            for _ in possibly_batched_index:
                try:
                    data.append(next(self.dataset_iter))
                except StopIteration:
                    self.ended = True
                    break
            if len(data) == 0 or (self.drop_last and len(data) < len(possibly_batched_index)):
                raise StopIteration
        else:
            data = next(self.dataset_iter)
        return self.collate_fn(data)


class _MapDatasetFetcher(_BaseDatasetFetcher):
    def __init__(self, dataset, auto_collation, collate_fn, drop_last) -> None:
        super().__init__(dataset, auto_collation, collate_fn, drop_last)
        self._tensor_plan = _tensor_batch_plan(dataset) if auto_collation and _is_default_collate(collate_fn) \
            else None

    def fetch(self, possibly_batched_index):
        if not self.auto_collation:
            try:
                data = self.dataset[possibly_batched_index]
            except Exception as e:
                add_context(e, f"DataLoader: while fetching sample index {possibly_batched_index!r}")
                raise
            return self.collate_fn(data)
        index = possibly_batched_index
        if self._tensor_plan is not None:
            batch = self._tensor_plan(index)
            if batch is not None:
                return batch
        getitems = getattr(self.dataset, "__getitems__", None)
        if getitems:
            try:
                data = getitems(index)
            except Exception as e:
                add_context(e, f"DataLoader: while fetching batch indices {_show_indices(index)} (__getitems__)")
                raise
        else:
            data = []
            dataset = self.dataset
            try:
                for idx in index:
                    data.append(dataset[idx])
            except Exception as e:
                add_context(e, f"DataLoader: while fetching sample index {idx!r} "
                               f"(batch indices {_show_indices(index)})")
                raise
        try:
            return self.collate_fn(data)
        except Exception as e:
            add_context(e, f"DataLoader: while collating the samples of batch indices {_show_indices(index)}")
            raise


def _is_default_collate(fn) -> bool:
    return fn is _collate.default_collate and \
        _collate.default_collate_fn_map.get(_collate.Tensor) is _collate.collate_tensor_fn


def _tensor_batch_plan(dataset):
    """A fast batch fetch for a plain ``TensorDataset`` (possibly under plain ``Subset`` s), else None.

    ``default_collate`` of ``[(t0[i], t1[i], ...) for i in indices]`` is ``[t0[idx], t1[idx], ...]``: one
    gather per tensor instead of ``len(indices)`` views and a ``stack``.  The plan returns None (the caller
    then takes the general path, with its per-sample errors) unless every index is a plain ``int`` and the
    gathers succeed.
    """
    from ..dataset import Subset, TensorDataset

    subsets = []
    while type(dataset) is Subset:
        subsets.append(dataset.indices)
        dataset = dataset.dataset
    if type(dataset) is not TensorDataset or not all(isinstance(t, _collate.Tensor) for t in dataset.tensors):
        return None
    tensors = dataset.tensors

    def fetch(indices):
        if not indices or not all(type(i) is int for i in indices):
            return None
        try:
            for sub in subsets:
                indices = [sub[i] for i in indices]
                if not all(type(i) is int for i in indices):
                    return None
            idx = {}
            out = []
            for t in tensors:
                dev = t.device
                if dev not in idx:
                    idx[dev] = _tensor(indices, dtype=D.int64, device=dev)
                out.append(t[idx[dev]])
            return out
        except Exception:  # out-of-range index, ...: the general path raises PyTorch's per-sample error
            return None

    return fetch
