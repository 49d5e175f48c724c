"""Datasets and samplers: bad input raises PyTorch's exception types and messages; random ones are seeded."""
from __future__ import annotations

import math

import ember
import ember.utils.data as eud
import pytest
import torch
import torch.utils.data as tud


def outcome(fn):
    try:
        return "ok", fn()
    except Exception as e:
        return type(e), str(e)


BAD = {
    "tensor_dataset_sizes": lambda fw, du: du.TensorDataset(fw.zeros(3), fw.zeros(4)),
    "concat_empty": lambda fw, du: du.ConcatDataset([]),
    "concat_iterable": lambda fw, du: du.ConcatDataset([du.ChainDataset([])]),
    "stack_sizes": lambda fw, du: du.StackDataset([1, 2], [1]),
    "stack_both": lambda fw, du: du.StackDataset([1], a=[1]),
    "stack_none": lambda fw, du: du.StackDataset(),
    "split_sum": lambda fw, du: du.random_split(range(10), [3, 3]),
    "split_fraction_sum": lambda fw, du: du.random_split(range(10), [0.5, 0.7]),
    "split_fraction_range": lambda fw, du: du.random_split(range(10), [1.5, -0.5]),
    "concat_index": lambda fw, du: du.ConcatDataset([[1, 2], [3]])[-4],
    "random_replacement": lambda fw, du: du.RandomSampler(range(3), replacement=1),
    "random_num_samples": lambda fw, du: du.RandomSampler(range(3), num_samples=0),
    "random_empty": lambda fw, du: du.RandomSampler(range(0)),
    "random_num_samples_float": lambda fw, du: du.RandomSampler(range(3), num_samples=2.0),
    "weighted_num_samples": lambda fw, du: du.WeightedRandomSampler([1.0, 2.0], 0),
    "weighted_num_samples_bool": lambda fw, du: du.WeightedRandomSampler([1.0, 2.0], True),
    "weighted_replacement": lambda fw, du: du.WeightedRandomSampler([1.0, 2.0], 1, replacement=1),
    "weighted_2d": lambda fw, du: du.WeightedRandomSampler([[1.0, 2.0]], 1),
    "weighted_too_many": lambda fw, du: list(du.WeightedRandomSampler([1.0, 2.0], 3, replacement=False)),
    "weighted_zero_sum": lambda fw, du: list(du.WeightedRandomSampler([0.0, 0.0], 1)),
    "batch_sampler_size": lambda fw, du: du.BatchSampler(range(3), 0, False),
    "batch_sampler_drop_last": lambda fw, du: du.BatchSampler(range(3), 2, drop_last=None),
    "distributed_rank": lambda fw, du: du.DistributedSampler(range(3), num_replicas=2, rank=2),
    "distributed_negative_rank": lambda fw, du: du.DistributedSampler(range(3), num_replicas=2, rank=-1),
    "dataset_getitem": lambda fw, du: du.Dataset()[0],
    "iterable_len": lambda fw, du: len(du.DataLoader(type("S", (du.IterableDataset,), {"__iter__": iter})())),
}


@pytest.mark.parametrize("name", list(BAD))
def test_bad_input_matches_torch(name):
    e, t = outcome(lambda: BAD[name](ember, eud)), outcome(lambda: BAD[name](torch, tud))
    assert t[0] != "ok" and e == t


def test_weighted_sampler_rejects_negative_weights_like_torch():
    for fw, du in ((ember, eud), (torch, tud)):
        with pytest.raises(RuntimeError, match=r"invalid multinomial distribution|probability tensor contains"):
            list(du.WeightedRandomSampler([0.5, -1.0], 2))


def test_distributed_sampler_without_a_process_group_raises_like_torch():
    for kwargs in ({}, {"num_replicas": 2}):
        with pytest.raises(ValueError, match="Default process group has not been initialized") as ours:
            eud.DistributedSampler(range(4), **kwargs)
        with pytest.raises(ValueError) as theirs:
            torch.utils.data.DistributedSampler(range(4), **kwargs)
        assert str(ours.value) == str(theirs.value)


def test_distributed_sampler_without_distributed_package(monkeypatch):
    from ember.utils.data import distributed as eud_distributed
    monkeypatch.setattr(eud_distributed, "_distributed", lambda: None)  # mpi4py not installed
    with pytest.raises(RuntimeError, match="Requires distributed package to be available"):
        eud.DistributedSampler(range(4))
    with pytest.raises(RuntimeError, match="Requires distributed package to be available"):
        eud.DistributedSampler(range(4), num_replicas=2)


def test_subset_subclass_must_override_getitems():
    class Bad(eud.Subset):
        def __getitem__(self, i):
            return 0

    with pytest.raises(NotImplementedError, match="Bad overrides __getitem__ but not __getitems__"):
        Bad([1, 2], [0])


def test_random_split_warns_on_empty_split_and_defaults_to_ember_generator():
    with pytest.warns(UserWarning, match="Length of split at index 0 is 0"):
        parts = eud.random_split(range(3), [0.0, 1.0])
    assert [len(p) for p in parts] == [0, 3]
    ember.manual_seed(7)
    a = [list(p) for p in eud.random_split(range(20), [0.5, 0.5])]
    ember.manual_seed(7)
    assert [list(p) for p in eud.random_split(range(20), [0.5, 0.5])] == a
    g = ember.Generator().manual_seed(7)
    b = [list(p) for p in eud.random_split(range(20), [10, 10], generator=g)]
    assert sorted(a[0] + a[1]) == sorted(b[0] + b[1]) == list(range(20))


def test_random_split_non_integer_lengths_raise_type_error():
    with pytest.raises(TypeError):
        eud.random_split(range(10), [2.5, 7.5])


@pytest.mark.parametrize("make", [
    lambda g: eud.RandomSampler(range(50), generator=g),
    lambda g: eud.RandomSampler(range(50), replacement=True, num_samples=70, generator=g),
    lambda g: eud.SubsetRandomSampler(list(range(0, 100, 2)), generator=g),
    lambda g: eud.WeightedRandomSampler([0.1, 0.5, 1.0, 2.0] * 10, 30, generator=g),
    lambda g: eud.WeightedRandomSampler([0.1, 0.5, 1.0, 2.0] * 10, 30, replacement=False, generator=g),
])
def test_random_samplers_follow_their_generator(make):
    def draw(seed, default_seed):
        ember.manual_seed(default_seed)
        g = ember.Generator().manual_seed(seed) if seed is not None else None
        s = make(g)
        return list(s), list(s)

    first, second = draw(3, 0)
    assert draw(3, 99) == (first, second)  # an explicit generator ignores the default one
    assert draw(4, 0) != (first, second)
    assert draw(None, 11) == draw(None, 11)  # no generator: ember.manual_seed fixes the order
    assert draw(None, 11) != draw(None, 12)


def test_random_sampler_draws_a_seed_from_the_default_generator_each_epoch():
    s = eud.RandomSampler(range(30))
    ember.manual_seed(0)
    e1, e2 = list(s), list(s)
    assert e1 != e2 and sorted(e1) == sorted(e2) == list(range(30))
    ember.manual_seed(0)
    seed = int(ember.empty((), dtype=ember.int64).random_().item())
    assert list(ember.randperm(30, generator=ember.Generator().manual_seed(seed)).tolist()) == e1


def test_weighted_sampler_follows_weights():
    g = ember.Generator().manual_seed(0)
    draws = list(eud.WeightedRandomSampler([0.0, 1.0, 3.0], 4000, generator=g))
    assert 0 not in draws
    assert math.isclose(draws.count(2) / len(draws), 0.75, abs_tol=0.04)
    picked = list(eud.WeightedRandomSampler([0.0, 1.0, 0.0, 2.0], 2, replacement=False, generator=g))
    assert sorted(picked) == [1, 3]
    assert eud.WeightedRandomSampler([1, 2], 5).weights.dtype == ember.float64


def test_distributed_sampler_epochs():
    ds = list(range(20))
    samplers = [eud.DistributedSampler(ds, num_replicas=3, rank=r, seed=5) for r in range(3)]
    epoch0 = [list(s) for s in samplers]
    assert [list(s) for s in samplers] == epoch0  # same epoch, same order
    for s in samplers:
        s.set_epoch(1)
    epoch1 = [list(s) for s in samplers]
    assert epoch1 != epoch0
    for parts in (epoch0, epoch1):
        flat = [i for p in parts for i in p]
        assert len(flat) == 21 and set(flat) == set(ds)
    other_seed = eud.DistributedSampler(ds, num_replicas=3, rank=0, seed=6)
    assert list(other_seed) != epoch0[0]
