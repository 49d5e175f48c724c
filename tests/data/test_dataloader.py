"""DataLoader in the main process: arguments, attributes, errors (checked against PyTorch's), determinism."""
from __future__ import annotations

import multiprocessing
import warnings

import ember
import ember.utils.data as eud
import pytest
import torch
import torch.utils.data as tud
from ember.utils.data import DataLoader, Dataset, TensorDataset

from tests.data._datasets import Failing, Squares


def ds10(fw=ember, du=eud):
    return du.TensorDataset(fw.arange(10))


# ----------------------------------------------------------------------------- argument errors

BAD_ARGS = [
    dict(batch_size=0),
    dict(batch_size=-1),
    dict(batch_size=2.0),
    dict(batch_size=True),
    dict(drop_last="x"),
    dict(shuffle=True, sampler=[1, 2]),
    dict(batch_sampler=[[0]], batch_size=2),
    dict(batch_sampler=[[0]], shuffle=True),
    dict(batch_sampler=[[0]], sampler=[0]),
    dict(batch_sampler=[[0]], drop_last=True),
    dict(batch_size=None, drop_last=True),
    dict(num_workers=-1),
    dict(timeout=-1),
    dict(prefetch_factor=2),
    dict(num_workers=1, prefetch_factor=-1),
    dict(persistent_workers=True),
    dict(multiprocessing_context="fork"),
    dict(num_workers=1, multiprocessing_context="bogus"),
    dict(num_workers=1, multiprocessing_context=3),
]


def _error(fn):
    try:
        fn()
    except Exception as e:
        return type(e), str(e)
    return None


@pytest.mark.parametrize("kwargs", BAD_ARGS, ids=lambda kw: ",".join(f"{k}={v}" for k, v in kw.items()))
def test_bad_arguments_raise_like_torch(kwargs):
    e = _error(lambda: DataLoader(ds10(), **kwargs))
    t = _error(lambda: tud.DataLoader(ds10(torch, tud), **kwargs))
    assert t is not None and e == t


@pytest.mark.parametrize("kwargs", [dict(shuffle=True), dict(sampler=[0]), dict(batch_sampler=[[0]])])
def test_iterable_dataset_rejects_samplers_like_torch(kwargs):
    class EStream(eud.IterableDataset):
        def __iter__(self):
            return iter(range(3))

    class TStream(tud.IterableDataset):
        def __iter__(self):
            return iter(range(3))

    e = _error(lambda: DataLoader(EStream(), **kwargs))
    t = _error(lambda: tud.DataLoader(TStream(), **kwargs))
    assert t is not None and e[0] is t[0] and e[1].split(", but got")[0] == t[1].split(", but got")[0]


def test_attributes_cannot_be_reassigned():
    loader = DataLoader(ds10(), batch_size=2)
    for attr in ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset", "persistent_workers"):
        with pytest.raises(ValueError, match=f"{attr} attribute should not be set after DataLoader is initialized"):
            setattr(loader, attr, None)
    loader.num_workers = 0  # not frozen, as in PyTorch


def test_timeout_needs_workers_like_torch():
    with pytest.raises(AssertionError, match="_SingleProcessDataLoaderIter requires timeout == 0"):
        iter(DataLoader(ds10(), timeout=1))


# ----------------------------------------------------------------------------- attributes

def test_attributes_match_torch():
    def attrs(fw, du, **kw):
        loader = du.DataLoader(du.TensorDataset(fw.arange(10)), **kw)
        return (loader.batch_size, loader.drop_last, type(loader.sampler).__name__,
                type(loader.batch_sampler).__name__, type(loader._index_sampler).__name__, loader.num_workers,
                loader.collate_fn.__name__, loader.prefetch_factor, loader.timeout, loader.pin_memory,
                loader.persistent_workers, loader.in_order, loader._auto_collation, len(loader))

    for kw in (dict(), dict(batch_size=3, shuffle=True, drop_last=True), dict(batch_size=None),
               dict(num_workers=2, prefetch_factor=4), dict(batch_sampler=[[1, 2], [3]])):
        assert attrs(ember, eud, **kw) == attrs(torch, tud, **kw)
    g = ember.Generator()
    loader = DataLoader(ds10(), shuffle=True, generator=g, num_workers=1, multiprocessing_context="spawn")
    assert loader.generator is g and loader.sampler.generator is g
    assert isinstance(loader.multiprocessing_context, multiprocessing.context.BaseContext)
    assert loader.multiprocessing_context.get_start_method() == "spawn"
    ctx = multiprocessing.get_context("fork")
    assert DataLoader(ds10(), num_workers=1, multiprocessing_context=ctx).multiprocessing_context is ctx


def test_public_names_match_torch():
    torch_public = {n for n in tud.__all__ if "DataPipe" not in n and n not in {
        "DataChunk", "argument_validation", "functional_datapipe", "guaranteed_datapipes_determinism",
        "non_deterministic", "runtime_validation", "runtime_validation_disabled"}}
    assert torch_public <= set(eud.__all__)
    for name in eud.__all__:
        assert hasattr(eud, name)
    from ember.utils.data import dataloader, dataset, distributed, sampler
    from ember.utils.data._utils.collate import (
        collate,
        default_collate,
        default_collate_fn_map,
        default_convert,
    )
    from ember.utils.data._utils.worker import WorkerInfo, get_worker_info
    assert default_collate is eud.default_collate and default_convert is eud.default_convert
    assert get_worker_info is eud.get_worker_info is dataloader.get_worker_info and get_worker_info() is None
    assert distributed.DistributedSampler is eud.DistributedSampler and dataset.Subset is eud.Subset
    assert sampler.BatchSampler is eud.BatchSampler and dataloader.DataLoader is eud.DataLoader
    assert callable(collate) and ember.Tensor in default_collate_fn_map and WorkerInfo.__name__ == "WorkerInfo"


# ----------------------------------------------------------------------------- behaviour

def test_batch_size_none_converts_each_sample():
    loader = DataLoader(Squares(3, ember), batch_size=None)
    out = list(loader)
    assert len(loader) == 3 and [y for _, y in out] == [0, 1, 2]
    assert all(isinstance(x, ember.Tensor) and x.shape == (2,) for x, _ in out)


def test_len_counts_batches():
    assert len(DataLoader(ds10(), batch_size=3)) == 4
    assert len(DataLoader(ds10(), batch_size=3, drop_last=True)) == 3
    assert len(DataLoader(ds10(), sampler=[1, 2, 3])) == 3


def test_iterations_are_independent_epochs():
    loader = DataLoader(ds10(), batch_size=4)
    a, b = iter(loader), iter(loader)
    assert next(a)[0].tolist() == next(b)[0].tolist() == [0, 1, 2, 3]
    assert len(a) == 3 and [x[0].tolist() for x in a] == [[4, 5, 6, 7], [8, 9]]


def test_shuffle_is_reproducible_with_manual_seed_and_generator():
    loader = DataLoader(ds10(), batch_size=10, shuffle=True)

    def epoch(loader):
        return next(iter(loader))[0].tolist()

    ember.manual_seed(0)
    first = [epoch(loader) for _ in range(3)]
    ember.manual_seed(0)
    assert [epoch(loader) for _ in range(3)] == first
    assert sorted(first[0]) == list(range(10)) and first[0] != first[1]
    ember.manual_seed(1)
    assert [epoch(loader) for _ in range(3)] != first
    g1, g2 = ember.Generator().manual_seed(5), ember.Generator().manual_seed(5)
    l1 = DataLoader(ds10(), batch_size=10, shuffle=True, generator=g1)
    l2 = DataLoader(ds10(), batch_size=10, shuffle=True, generator=g2)
    ember.manual_seed(0)
    a = [epoch(l1) for _ in range(2)]
    ember.manual_seed(123)  # the default generator plays no part
    assert [epoch(l2) for _ in range(2)] == a


def test_each_iterator_draws_base_seed_from_the_generator_like_torch():
    """PyTorch draws one int64 from the loader's generator per iterator (the workers' base_seed)."""
    for fw, du in ((ember, eud), (torch, tud)):
        g, ref = fw.Generator().manual_seed(3), fw.Generator().manual_seed(3)
        loader = du.DataLoader(du.TensorDataset(fw.arange(4)), generator=g)
        for _ in range(2):
            list(loader)
            fw.empty((), dtype=fw.int64).random_(generator=ref)
        assert fw.equal(g.get_state(), ref.get_state())


def test_pin_memory_warns_like_torch_and_keeps_batches():
    def run(fw, du):
        loader = du.DataLoader(Squares(4, fw), batch_size=2, pin_memory=True)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            out = [(x.tolist(), y.tolist()) for x, y in loader]
        return out, [str(m.message) for m in w]

    assert run(ember, eud) == run(torch, tud)
    from ember.utils.data._utils.pin_memory import pin_memory
    x = ember.ones(2)
    batch = {"a": [x, (x, "s")], "b": b"raw", "c": 3}
    pinned = pin_memory(batch)
    assert pinned["a"][0] is x and pinned["a"][1][0] is x and pinned["b"] == b"raw" and pinned["c"] == 3


def test_main_process_errors_keep_type_and_name_the_sample_index():
    loader = DataLoader(Failing(10, bad=6), batch_size=4)
    with pytest.raises(ValueError, match="cannot load sample 6") as info:
        list(loader)
    notes = getattr(info.value, "__notes__", None) or info.value._ember_notes
    assert notes == ["DataLoader: while fetching sample index 6 (batch indices [4, 5, 6, 7])"]

    class Broken(Dataset):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            return ember.zeros(i)

    with pytest.raises(RuntimeError, match=r"stack expects each tensor to be equal size, but got \[0\] at entry 0 "
                                           r"and \[1\] at entry 1") as info:
        list(DataLoader(Broken(), batch_size=2))
    notes = getattr(info.value, "__notes__", None) or info.value._ember_notes
    assert notes == ["DataLoader: while collating the samples of batch indices [0, 1]"]


def test_getitems_is_used_for_batches():
    calls = []

    class Batched(Dataset):
        def __len__(self):
            return 5

        def __getitem__(self, i):
            raise AssertionError("__getitems__ should be used")

        def __getitems__(self, indices):
            calls.append(list(indices))
            return [i * 10 for i in indices]

    assert [b.tolist() for b in DataLoader(Batched(), batch_size=2)] == [[0, 10], [20, 30], [40]]
    assert calls == [[0, 1], [2, 3], [4]]


def test_tensor_dataset_fast_path_equals_the_per_sample_path():
    class PerSample(TensorDataset):  # a subclass: takes the general __getitem__ + default_collate path
        pass

    x = ember.randn(13, 2, 3)
    y = ember.arange(13).to(ember.int32)
    parts = [ember.rand(13) > 0.5]
    for cls in (TensorDataset, PerSample):
        loader = DataLoader(eud.Subset(cls(x, y, *parts), list(range(12, -1, -1))), batch_size=5,
                            sampler=[0, 3, 3, 12, 7, 1, 2])
        out = [[t.numpy().tolist() for t in b] + [str(t.dtype) for t in b] for b in loader]
        if cls is TensorDataset:
            fast = out
    assert out == fast
    with pytest.raises(IndexError) as info:  # an out-of-range index still gets the per-sample error
        list(DataLoader(TensorDataset(x), batch_size=4, sampler=[0, 20]))
    notes = getattr(info.value, "__notes__", None) or info.value._ember_notes
    assert "sample index 20" in notes[0]
