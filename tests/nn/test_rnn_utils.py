"""ember.nn.utils.rnn (PackedSequence, pack/pad helpers) against torch.nn.utils.rnn."""
from __future__ import annotations

import ember
import ember.nn.utils.rnn as ER
import numpy as np
import pytest
import torch
import torch.nn.utils.rnn as TR


def _eq(a, b):
    np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


def _check_packed(e, t):
    _eq(e.data, t.data)
    assert e.batch_sizes.tolist() == t.batch_sizes.tolist()
    assert e.batch_sizes.dtype is ember.int64
    for a, b in ((e.sorted_indices, t.sorted_indices), (e.unsorted_indices, t.unsorted_indices)):
        assert (a is None) == (b is None)
        if a is not None:
            assert a.tolist() == b.tolist()


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("lengths,enforce_sorted", [([5, 4, 2, 2], True), ([2, 5, 1, 4], False),
                                                    (ember.tensor([3, 5, 5, 1]), False)])
def test_pack_pad_round_trip(lengths, enforce_sorted, batch_first):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 5, 3) if batch_first else (5, 4, 3))
    tl = torch.tensor(lengths.tolist()) if isinstance(lengths, ember.Tensor) else lengths
    tx, ex = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    tp = TR.pack_padded_sequence(tx, tl, batch_first=batch_first, enforce_sorted=enforce_sorted)
    ep = ER.pack_padded_sequence(ex, lengths, batch_first=batch_first, enforce_sorted=enforce_sorted)
    _check_packed(ep, tp)
    for kw in (dict(), dict(padding_value=-2.0, total_length=7)):
        tpad, tlen = TR.pad_packed_sequence(tp, batch_first=batch_first, **kw)
        epad, elen = ER.pad_packed_sequence(ep, batch_first=batch_first, **kw)
        _eq(epad, tpad)
        assert elen.tolist() == tlen.tolist() and elen.dtype is ember.int64
    # gradients flow through pack + pad
    w = rng.standard_normal(tuple(tpad.shape))
    (tpad * torch.tensor(w)).sum().backward()
    (epad * ember.tensor(w)).sum().backward()
    _eq(ex.grad, tx.grad)


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("padding_side", ["right", "left"])
def test_pad_sequence(batch_first, padding_side):
    rng = np.random.default_rng(1)
    seqs = [rng.standard_normal((n, 2)) for n in (3, 1, 4)]
    t = TR.pad_sequence([torch.tensor(s) for s in seqs], batch_first, 0.5, padding_side)
    e = ER.pad_sequence([ember.tensor(s) for s in seqs], batch_first, 0.5, padding_side)
    _eq(e, t)


def test_pack_and_unpack_sequence():
    rng = np.random.default_rng(2)
    seqs = [rng.standard_normal((n, 3)) for n in (2, 4, 1)]
    tp = TR.pack_sequence([torch.tensor(s) for s in seqs], enforce_sorted=False)
    ep = ER.pack_sequence([ember.tensor(s) for s in seqs], enforce_sorted=False)
    _check_packed(ep, tp)
    for a, b in zip(ER.unpack_sequence(ep), TR.unpack_sequence(tp)):
        _eq(a, b)
    padded = ember.tensor(rng.standard_normal((4, 3, 2)))
    out = ER.unpad_sequence(padded, ember.tensor([4, 2, 1]))
    ref = TR.unpad_sequence(torch.tensor(padded.numpy()), torch.tensor([4, 2, 1]))
    for a, b in zip(out, ref):
        _eq(a, b)


def test_packed_sequence_is_a_namedtuple():
    ep = ER.pack_sequence([ember.ones(3, 2), ember.ones(2, 2)])
    data, batch_sizes, sorted_indices, unsorted_indices = ep
    assert isinstance(ep, tuple) and ep._fields == ("data", "batch_sizes", "sorted_indices", "unsorted_indices")
    assert sorted_indices is None and unsorted_indices is None
    assert batch_sizes.tolist() == [2, 2, 1]
    d = ep.double()
    assert isinstance(d, ER.PackedSequence) and d.data.dtype is ember.float64
    assert ep.to(ember.float32) is ep
    assert ER.invert_permutation(ember.tensor([2, 0, 1])).tolist() == [1, 2, 0]
    assert ER.invert_permutation(None) is None


def test_errors():
    with pytest.raises(RuntimeError, match="must be sorted in decreasing order"):
        ER.pack_padded_sequence(ember.ones(3, 2), [1, 3])
    with pytest.raises(RuntimeError, match="Length of all samples has to be greater than 0"):
        ER.pack_padded_sequence(ember.ones(3, 2), [3, 0])
    with pytest.raises(RuntimeError, match=r"Expected `len\(lengths\)` to be equal to batch_size"):
        ER.pack_padded_sequence(ember.ones(3, 2), [3, 2, 1])
    p = ER.pack_padded_sequence(ember.ones(3, 2), [3, 1])
    with pytest.raises(ValueError, match="Expected total_length to be at least the length of the longest"):
        ER.pad_packed_sequence(p, total_length=2)
    with pytest.raises(RuntimeError, match="Expected padding_side to be one of left or right, but got mid"):
        ER.pad_sequence([ember.ones(2)], padding_side="mid")
