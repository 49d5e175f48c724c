"""Embedding / EmbeddingBag against PyTorch: lookups, weight gradients, padding_idx, max_norm
renormalisation, scale_grad_by_freq, bag modes/offsets, from_pretrained, reprs, errors."""
from __future__ import annotations

import ember
import ember.nn as nn
import ember.nn.functional as F
import numpy as np
import pytest
import torch


def close(e, t, rtol=1e-6):
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=rtol, atol=rtol)


def pair(a, requires_grad=True):
    return ember.tensor(a, requires_grad=requires_grad), torch.tensor(a, requires_grad=requires_grad)


W = np.random.default_rng(0).standard_normal((9, 4)).astype(np.float32)
IDX = np.array([[0, 2, 2, 8], [1, 3, 2, 0], [5, 5, 5, 7]])


@pytest.mark.parametrize("kw", [{}, {"padding_idx": 2}, {"padding_idx": -1}, {"scale_grad_by_freq": True},
                                {"padding_idx": 5, "scale_grad_by_freq": True}, {"max_norm": 1.0},
                                {"max_norm": 0.8, "norm_type": 1.0}, {"max_norm": 1.5, "padding_idx": 0}])
def test_functional_embedding_matches_torch(kw):
    ew, tw = pair(W)
    eo, to = F.embedding(ember.tensor(IDX), ew, **kw), torch.nn.functional.embedding(torch.tensor(IDX), tw, **kw)
    close(eo, to)
    assert eo.dtype == ember.float32 and tuple(eo.shape) == (3, 4, 4)
    g = np.random.default_rng(1).standard_normal(tuple(to.shape)).astype(np.float32)
    eo.backward(ember.tensor(g))
    to.backward(torch.tensor(g))
    close(ew.grad, tw.grad)
    close(ew, tw)  # max_norm renormalised the used rows in place, identically


def test_embedding_padding_row_gets_no_gradient_and_max_norm_is_untracked():
    emb = nn.Embedding(9, 4, padding_idx=2, max_norm=0.5)
    assert np.all(emb.weight[2].detach().numpy() == 0)
    out = emb(ember.tensor(IDX))
    out.sum().backward()
    assert np.all(emb.weight.grad[2].numpy() == 0)
    assert np.all(emb.weight.grad[8].numpy() == 1)
    used = sorted(set(IDX.reshape(-1).tolist()) - {2})
    norms = np.linalg.norm(emb.weight.detach().numpy()[used], axis=1)
    assert np.all(norms <= 0.5 + 1e-5)
    assert emb.weight.grad_fn is None and emb.weight.is_leaf


def test_embedding_int32_indices_and_double_weight():
    w = W.astype(np.float64)
    ew, tw = pair(w)
    eo = F.embedding(ember.tensor(IDX.astype(np.int32)), ew)
    to = torch.nn.functional.embedding(torch.tensor(IDX.astype(np.int32)), tw)
    assert eo.dtype == ember.float64
    close(eo, to, 1e-12)


def test_embedding_second_derivative_matches_torch():
    res = []
    for m in (ember, torch):
        w = m.tensor(W.astype(np.float64), requires_grad=True)
        for kw in ({"padding_idx": 5}, {"scale_grad_by_freq": True}):
            out = m.nn.functional.embedding(m.tensor(IDX), w, **kw)
            (g,) = m.autograd.grad((out ** 3).sum(), w, create_graph=True)
            (h,) = m.autograd.grad((g * g).sum(), w)
            res.append((g.detach().numpy(), h.numpy()))
    res = [res[:2], res[2:]]
    for (a1, a2), (b1, b2) in zip(*res):
        np.testing.assert_allclose(a1, b1, rtol=1e-10)
        np.testing.assert_allclose(a2, b2, rtol=1e-10)


def test_embedding_scale_grad_by_freq_second_derivative_is_exact():
    # the scaled "gradient" is a convention, not a derivative, so gradcheck does not apply; the double
    # backward is the derivative of that first-order rule, checked against central differences (and torch)
    w0 = W[:6].astype(np.float64)
    idx = ember.tensor([[0, 2, 2], [5, 2, 0]])

    def first(w, create_graph=False):
        out = F.embedding(idx, w, scale_grad_by_freq=True)
        return ember.autograd.grad((out ** 3).sum(), w, create_graph=create_graph)[0]

    def loss(a):
        return float((first(ember.tensor(a, requires_grad=True)) ** 2).sum())

    w = ember.tensor(w0, requires_grad=True)
    (h,) = ember.autograd.grad((first(w, True) ** 2).sum(), w)
    num = np.zeros_like(w0)
    for i in np.ndindex(w0.shape):
        d = np.zeros_like(w0)
        d[i] = 1e-6
        num[i] = (loss(w0 + d) - loss(w0 - d)) / 2e-6
    np.testing.assert_allclose(h.numpy(), num, rtol=1e-5, atol=1e-6)


def test_embedding_decomposition_matches_kernel(monkeypatch):
    def run():
        w = ember.tensor(W, requires_grad=True)
        out = F.embedding(ember.tensor(IDX), w, padding_idx=5, scale_grad_by_freq=True)
        (out * out).sum().backward()
        return out.detach().numpy(), w.grad.numpy()

    fused = run()
    monkeypatch.delenv("EMBER_STRICT", raising=False)
    monkeypatch.delitem(ember.tensor(0.0)._backend.table, "embedding")
    for a, b in zip(run(), fused):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_embedding_errors_match_torch():
    w = ember.tensor(W)
    with pytest.raises(IndexError, match="index out of range in self"):
        F.embedding(ember.tensor([9]), w)
    with pytest.raises(IndexError, match="index out of range in self"):
        F.embedding(ember.tensor([-1]), w)
    with pytest.raises(RuntimeError, match="Expected tensor for argument #1 'indices'"):
        F.embedding(ember.tensor([1.0]), w)
    for m in (nn, torch.nn):
        with pytest.raises(AssertionError, match="Padding_idx must be within num_embeddings"):
            m.Embedding(5, 2, padding_idx=5)
        with pytest.raises(AssertionError, match="Padding_idx must be within num_embeddings"):
            m.Embedding(5, 2, padding_idx=-6)


def test_embedding_module_init_state_dict_repr():
    ember.manual_seed(0)
    e = nn.Embedding(1000, 8)
    v = e.weight.detach().numpy()
    assert abs(v.mean()) < 0.05 and abs(v.std() - 1) < 0.05  # N(0, 1) init
    assert list(e.state_dict()) == ["weight"]
    for kw in ({}, {"padding_idx": 3}, {"padding_idx": -1, "max_norm": 2.0, "norm_type": 1.0},
               {"scale_grad_by_freq": True, "sparse": True}):
        assert repr(nn.Embedding(10, 3, **kw)) == repr(torch.nn.Embedding(10, 3, **kw))
    for kw in ({}, {"mode": "sum", "padding_idx": 1}, {"max_norm": 1.0, "mode": "max"}):
        assert repr(nn.EmbeddingBag(10, 3, **kw)) == repr(torch.nn.EmbeddingBag(10, 3, **kw))
    t = torch.nn.Embedding(10, 3, padding_idx=2)
    e = nn.Embedding(10, 3, padding_idx=2)
    e.load_state_dict({"weight": ember.tensor(t.weight.detach().numpy())})
    x = np.array([[1, 2, 9]])
    close(e(ember.tensor(x)), t(torch.tensor(x)))


def test_from_pretrained():
    w = ember.tensor(W)
    e = nn.Embedding.from_pretrained(w)
    assert not e.weight.requires_grad and tuple(e.weight.shape) == (9, 4)
    close(e(ember.tensor([3, 1])), torch.tensor(W[[3, 1]]))
    e = nn.Embedding.from_pretrained(w, freeze=False, padding_idx=1)
    assert e.weight.requires_grad and e.padding_idx == 1
    assert not np.all(e.weight[1].detach().numpy() == 0)  # pretrained rows are kept as given, like torch
    with pytest.raises(AssertionError, match="Embeddings parameter is expected to be 2-dimensional"):
        nn.Embedding.from_pretrained(ember.ones(3))
    b = nn.EmbeddingBag.from_pretrained(w, mode="sum")
    assert not b.weight.requires_grad
    close(b(ember.tensor([[1, 2]])), torch.tensor(W[[1]] + W[[2]]))


BAG_INPUT = np.array([1, 2, 4, 5, 4, 3, 2, 8, 0])
BAG_OFFSETS = np.array([0, 2, 2, 5])


@pytest.mark.parametrize("kw", [{"mode": "sum"}, {"mode": "mean"}, {"mode": "max"},
                                {"mode": "sum", "per_sample_weights": True}, {"mode": "mean", "padding_idx": 2},
                                {"mode": "max", "padding_idx": 4}, {"mode": "sum", "padding_idx": 4},
                                {"mode": "mean", "include_last_offset": True},
                                {"mode": "sum", "max_norm": 1.0}])
def test_embedding_bag_matches_torch(kw):
    kw = dict(kw)
    offsets = BAG_OFFSETS if not kw.get("include_last_offset") else np.append(BAG_OFFSETS, len(BAG_INPUT))
    ew, tw = pair(W)
    ekw, tkw = dict(kw), dict(kw)
    if kw.pop("per_sample_weights", None):
        psw = np.random.default_rng(2).standard_normal(len(BAG_INPUT)).astype(np.float32)
        ep, tp = pair(psw)
        ekw["per_sample_weights"], tkw["per_sample_weights"] = ep, tp
    eo = F.embedding_bag(ember.tensor(BAG_INPUT), ew, ember.tensor(offsets), **ekw)
    to = torch.nn.functional.embedding_bag(torch.tensor(BAG_INPUT), tw, torch.tensor(offsets), **tkw)
    close(eo, to)
    g = np.random.default_rng(3).standard_normal(tuple(to.shape)).astype(np.float32)
    eo.backward(ember.tensor(g))
    to.backward(torch.tensor(g))
    close(ew.grad, tw.grad)
    if "per_sample_weights" in ekw:
        close(ekw["per_sample_weights"].grad, tkw["per_sample_weights"].grad)


@pytest.mark.parametrize("mode", ["sum", "mean"])
def test_embedding_bag_scale_grad_by_freq_divides_by_index_counts(mode):
    # (PyTorch's CPU kernel reads the counts at sorted positions, so it is not used as the oracle here)
    grads = []
    for scale in (False, True):
        w = ember.tensor(W, requires_grad=True)
        out = F.embedding_bag(ember.tensor(BAG_INPUT), w, ember.tensor(BAG_OFFSETS), mode=mode,
                              scale_grad_by_freq=scale)
        (out * ember.arange(1.0, 5.0)).sum().backward()
        grads.append(w.grad.numpy())
    counts = np.maximum(np.bincount(BAG_INPUT, minlength=9), 1)[:, None]
    np.testing.assert_allclose(grads[1], grads[0] / counts, rtol=1e-6)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag_module_2d_input(mode):
    t = torch.nn.EmbeddingBag(9, 4, mode=mode)
    e = nn.EmbeddingBag(9, 4, mode=mode)
    e.load_state_dict({"weight": ember.tensor(t.weight.detach().numpy())})
    close(e(ember.tensor(IDX)), t(torch.tensor(IDX)))
    e(ember.tensor(IDX)).sum().backward()
    t(torch.tensor(IDX)).sum().backward()
    close(e.weight.grad, t.weight.grad)


def test_embedding_bag_errors_match_torch():
    for m, mod in ((ember, F), (torch, torch.nn.functional)):
        w = m.tensor(W)
        with pytest.raises(ValueError, match="offsets has to be a 1D Tensor but got None"):
            mod.embedding_bag(m.tensor([1, 2]), w)
        with pytest.raises(ValueError, match="mode has to be one of sum, mean or max"):
            mod.embedding_bag(m.tensor([1, 2]), w, m.tensor([0]), mode="median")
        with pytest.raises(ValueError, match="if input is 2D, then offsets has to be None"):
            mod.embedding_bag(m.tensor([[1, 2]]), w, m.tensor([0]))
        with pytest.raises(NotImplementedError, match="per_sample_weights is only supported for mode='sum'"):
            mod.embedding_bag(m.tensor([1, 2]), w, m.tensor([0]), per_sample_weights=m.ones(2))
        with pytest.raises(ValueError, match="max mode does not support scaling the gradient by the frequency"):
            mod.embedding_bag(m.tensor([1, 2]), w, m.tensor([0]), mode="max", scale_grad_by_freq=True)
        with pytest.raises(ValueError, match="weight has to be a 2D Tensor"):
            mod.embedding_bag(m.tensor([1, 2]), m.ones(3), m.tensor([0]))
