"""DataLoader, samplers and dataset helpers equal PyTorch's on the same inputs.

Orders are compared only where no random generator is involved (the two frameworks' RNGs differ); random
paths are compared on the properties PyTorch guarantees (lengths, partitions, permutations).
"""
from __future__ import annotations

import warnings

import ember
import ember.utils.data as eud
import pytest
import torch
import torch.utils.data as tud

from tests.data._compare import assert_same, plain
from tests.data._datasets import Squares

FRAMEWORKS = ((ember, eud), (torch, tud))


def both(build):
    """``build(fw, data_module)`` run for ember and for torch."""
    return [build(fw, du) for fw, du in FRAMEWORKS]


def tensor_dataset(fw, du, n=10):
    return du.TensorDataset(fw.arange(n * 3, dtype=fw.float32).reshape(n, 3), fw.arange(n) % 3)


LOADER_CASES = {
    "default": dict(),
    "batch4": dict(batch_size=4),
    "batch4_drop_last": dict(batch_size=4, drop_last=True),
    "batch_larger_than_dataset": dict(batch_size=64),
    "batch_size_none": dict(batch_size=None),
    "sequential_sampler": dict(batch_size=3, sampler="sequential"),
    "index_list_sampler": dict(batch_size=3, sampler=[9, 0, 4, 4, 7, 1]),
    "batch_sampler": dict(batch_sampler=[[3, 1], [0], [9, 8, 7, 2]]),
    "BatchSampler_drop_last": dict(batch_sampler="batch_sampler_drop_last"),
    "collate_fn_identity": dict(batch_size=4, collate_fn=lambda b: b),
}


def make_loader(fw, du, ds, case):
    kw = dict(LOADER_CASES[case])
    if kw.get("sampler") == "sequential":
        kw["sampler"] = du.SequentialSampler(ds)
    if kw.get("batch_sampler") == "batch_sampler_drop_last":
        kw["batch_sampler"] = du.BatchSampler(du.SequentialSampler(ds), 4, drop_last=True)
    return du.DataLoader(ds, **kw)


@pytest.mark.parametrize("case", list(LOADER_CASES))
@pytest.mark.parametrize("dataset", ["tensor_dataset", "squares"])
def test_loader_batches_and_len_match_torch(case, dataset):
    def run(fw, du):
        ds = tensor_dataset(fw, du) if dataset == "tensor_dataset" else Squares(10, fw)
        loader = make_loader(fw, du, ds, case)
        return len(loader), list(loader), list(loader)  # two epochs

    (e_len, e_1, e_2), (t_len, t_1, t_2) = both(run)
    assert e_len == t_len == len(t_1)
    assert_same(e_1, t_1)
    assert_same(e_2, t_2)


@pytest.mark.parametrize("workers", [0, 2])
def test_tensor_dataset_subsets_and_shuffle_cover_dataset_like_torch(workers):
    """Shuffled orders differ between RNGs; each epoch is still a permutation with torch's batch sizes."""
    def run(fw, du):
        ds = du.Subset(tensor_dataset(fw, du, 23), list(range(3, 23)))
        loader = du.DataLoader(ds, batch_size=6, shuffle=True, num_workers=workers)
        epochs = [[(x.tolist(), y.tolist()) for x, y in loader] for _ in range(2)]
        return len(loader), [[len(y) for _, y in ep] for ep in epochs], epochs

    (e_len, e_sizes, e_epochs), (t_len, t_sizes, _) = both(run)
    assert e_len == t_len and e_sizes == t_sizes
    e_all = [sorted(row for xs, _ in ep for row in xs) for ep in e_epochs]
    assert e_all[0] == e_all[1] == [[float(3 * i), float(3 * i + 1), float(3 * i + 2)] for i in range(3, 23)]
    assert e_epochs[0] != e_epochs[1]  # reshuffled every epoch


@pytest.mark.parametrize("batch_size, drop_last", [(None, False), (1, False), (3, False), (3, True)])
@pytest.mark.parametrize("workers", [0, 2])
def test_iterable_dataset_matches_torch(batch_size, drop_last, workers):
    """PyTorch's documented IterableDataset example: range(3, 10) sharded per worker in __iter__."""
    def run(fw, du):
        class Stream(du.IterableDataset):
            def __iter__(self):
                info = du.get_worker_info()
                if info is None:
                    return iter(range(3, 10))
                per = -(-7 // info.num_workers)
                lo = 3 + info.id * per
                return iter(range(lo, min(lo + per, 10)))

        loader = du.DataLoader(Stream(), batch_size=batch_size, drop_last=drop_last, num_workers=workers)
        return list(loader)

    e, t = both(run)
    assert_same(e, t)


def test_iterable_dataset_len_and_warning_match_torch():
    def run(fw, du):
        class Stream(du.IterableDataset):
            def __iter__(self):
                return iter(range(5))

            def __len__(self):
                return 3

        loader = du.DataLoader(Stream(), batch_size=None)
        n = len(loader)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            out = [int(x) for x in loader]
        return n, out, [str(m.message).split(">")[-1] for m in w]

    e, t = both(run)
    assert e == t
    assert len(e[2]) == 2 and "was reported to be 3(when accessing len(dataloader)), but 4 samples" in e[2][0]


@pytest.mark.parametrize("n, lengths", [
    (10, [3, 7]), (10, [0.3, 0.7]), (11, [0.3, 0.3, 0.4]), (7, [0.5, 0.5]), (100, [0.1] * 10),
    (5, [0.2, 0.2, 0.2, 0.2, 0.2]), (3, [0.1, 0.9]),
])
def test_random_split_lengths_match_torch(n, lengths):
    def run(fw, du):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            parts = du.random_split(range(n), lengths, generator=fw.Generator().manual_seed(0))
        return [len(p) for p in parts], sorted(i for p in parts for i in p), [str(m.message) for m in w]

    e, t = both(run)
    assert e == t
    assert e[1] == list(range(n))


@pytest.mark.parametrize("n, replicas, drop_last", [(10, 3, False), (10, 3, True), (9, 3, False), (2, 4, False),
                                                    (11, 4, True), (1, 1, False)])
def test_distributed_sampler_matches_torch(n, replicas, drop_last):
    def run(fw, du, shuffle):
        ds = list(range(n))
        samplers = [du.DistributedSampler(ds, num_replicas=replicas, rank=r, shuffle=shuffle, drop_last=drop_last)
                    for r in range(replicas)]
        return [len(s) for s in samplers], [list(s) for s in samplers]

    e, t = run(ember, eud, False), run(torch, tud, False)
    assert e == t
    # shuffled: the same partition property (sizes, padding from the start of one permutation)
    (e_len, e_parts), (t_len, _) = run(ember, eud, True), run(torch, tud, True)
    assert e_len == t_len
    flat = [i for p in e_parts for i in p]
    assert len(flat) == sum(t_len)
    if drop_last:
        assert len(set(flat)) == len(flat)
    else:
        assert set(flat) == set(range(n))


@pytest.mark.parametrize("n, batch_size, drop_last", [(10, 3, False), (10, 3, True), (9, 3, True), (2, 5, False)])
def test_batch_sampler_matches_torch(n, batch_size, drop_last):
    e = eud.BatchSampler(eud.SequentialSampler(range(n)), batch_size, drop_last)
    t = tud.BatchSampler(tud.SequentialSampler(range(n)), batch_size, drop_last)
    assert list(e) == list(t) and len(e) == len(t)
    assert list(eud.BatchSampler(iter([5, 1, 4]), 2, False)) == list(tud.BatchSampler(iter([5, 1, 4]), 2, False))


def test_dataset_combinators_match_torch():
    def run(fw, du):
        a = tensor_dataset(fw, du, 4)
        b = du.TensorDataset(fw.ones(3, 3), fw.zeros(3, dtype=fw.int64))
        cat = a + b
        stack_t = du.StackDataset(a, list("wxyz"))
        stack_d = du.StackDataset(img=a, name=list("wxyz"))
        sub = du.Subset(cat, [6, 0, 5])
        return (len(cat), cat.cumulative_sizes, [cat[i] for i in (0, 3, 4, 6, -1, -7)], stack_t[2], stack_d[1],
                stack_t.__getitems__([0, 3]), stack_d.__getitems__([1]), len(sub), sub[0], sub.__getitems__([1, 2]),
                list(du.DataLoader(stack_d, batch_size=3)), list(du.DataLoader(sub, batch_size=2)))

    e, t = both(run)
    assert plain(e) == plain(t)


def test_chain_dataset_matches_torch():
    def run(fw, du):
        class Stream(du.IterableDataset):
            def __init__(self, lo, hi):
                self.lo, self.hi = lo, hi

            def __iter__(self):
                return iter(range(self.lo, self.hi))

            def __len__(self):
                return self.hi - self.lo

        chain = Stream(0, 3) + Stream(10, 12)
        return type(chain).__name__, list(chain), len(chain), list(du.DataLoader(chain, batch_size=2))

    e, t = both(run)
    assert plain(e) == plain(t)


def test_sequential_and_subset_samplers_match_torch():
    assert list(eud.SequentialSampler(range(5))) == list(tud.SequentialSampler(range(5)))
    for sampler in (eud.SubsetRandomSampler([4, 8, 15]), eud.RandomSampler(range(7))):
        t_sampler = (tud.SubsetRandomSampler([4, 8, 15]) if isinstance(sampler, eud.SubsetRandomSampler)
                     else tud.RandomSampler(range(7)))
        assert len(sampler) == len(t_sampler)
        assert sorted(sampler) == sorted(t_sampler)
    e = eud.RandomSampler(range(5), replacement=True, num_samples=70)
    t = tud.RandomSampler(range(5), replacement=True, num_samples=70)
    assert len(e) == len(t) == len(list(e)) == 70 and set(e) <= set(range(5))
    e = eud.RandomSampler(range(5), num_samples=12)  # without replacement: whole permutations, then a slice
    got = list(e)
    assert len(got) == len(tud.RandomSampler(range(5), num_samples=12)) == 12
    assert sorted(got[:5]) == sorted(got[5:10]) == list(range(5)) and len(set(got[10:])) == 2
