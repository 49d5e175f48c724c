"""Differential tests: the native embedding gather and index_add scatter (nn_embed.c) vs ember_numpy's kernels."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ember_cext import embedding
from ember_numpy.embedding import KERNELS as NP_EMB
from ember_numpy.indexing import KERNELS as NP_IDX

from ._helpers import DTYPES, array, close, ffi, lib, shapes

K = embedding.kernels(lib, ffi)


@pytest.fixture(autouse=True)
def _native_for_every_size(monkeypatch):
    monkeypatch.setattr(embedding, "MIN_NATIVE", 0)


@settings(max_examples=60, deadline=None)
@given(data=st.data(), rows=st.integers(1, 20), d=st.integers(1, 9), ishape=st.lists(st.integers(0, 5), max_size=3),
       dtype=DTYPES, idt=st.sampled_from([np.int64, np.int32]))
def test_embedding_matches_numpy(data, rows, d, ishape, dtype, idt):
    w = array(data, (rows, d), dtype)
    idx = np.asarray(data.draw(st.lists(st.integers(0, rows - 1), min_size=int(np.prod(ishape)),
                                        max_size=int(np.prod(ishape)))), dtype=idt).reshape(ishape)
    got, want = K["embedding"](w, idx, -1, False), NP_EMB["embedding"](w, idx, -1, False)
    assert got.shape == want.shape == tuple(ishape) + (d,)
    close(got, want)


@pytest.mark.parametrize("bad", [-1, 7, 1 << 40])
def test_embedding_out_of_range_raises_like_numpy(bad):
    w = np.ones((7, 3), np.float32)
    idx = np.array([0, 2, bad, 1])
    for k in (K["embedding"], NP_EMB["embedding"]):
        with pytest.raises(IndexError, match="index out of range in self"):
            k(w, idx, -1, False)


@settings(max_examples=80, deadline=None)
@given(data=st.data(), shape=shapes, dtype=DTYPES, n=st.integers(0, 12),
       alpha=st.sampled_from([1, 0.5, -2.0, 3]), idt=st.sampled_from([np.int64, np.int32]))
def test_index_add_matches_numpy(data, shape, dtype, n, alpha, idt):
    dim = data.draw(st.integers(0, len(shape) - 1), label="dim")
    x = array(data, shape, dtype)
    idx = np.asarray(data.draw(st.lists(st.integers(0, shape[dim] - 1), min_size=n, max_size=n)), dtype=idt)
    src = array(data, shape[:dim] + (n,) + shape[dim + 1:], dtype)
    x_before = x.copy()
    got, want = K["index_add"](x, idx, src, dim, alpha), NP_IDX["index_add"](x, idx, src, dim, alpha)
    close(got, want)
    np.testing.assert_array_equal(x, x_before)  # out of place: the input is untouched


def test_index_add_repeated_indices_accumulate():
    x = np.zeros((3, 4), np.float64)
    src = np.arange(20, dtype=np.float64).reshape(5, 4)
    got = K["index_add"](x, np.array([2, 0, 2, 2, 1]), src, 0, 1)
    np.testing.assert_array_equal(got, [[4, 5, 6, 7], [16, 17, 18, 19], [0 + 8 + 12, 1 + 9 + 13, 2 + 10 + 14,
                                                                      3 + 11 + 15]])


def test_index_add_out_of_range_raises_numpys_error():
    x = np.zeros((3, 4), np.float32)
    src = np.ones((2, 4), np.float32)
    with pytest.raises(RuntimeError, match="index 3 is out of bounds for dimension 0 with size 3"):
        K["index_add"](x, np.array([0, 3]), src, 0, 1)


def test_index_add_declines_mixed_dtypes_to_numpy():
    x = np.zeros((3, 2), np.float64)
    src = np.ones((2, 2), np.float32)
    close(K["index_add"](x, np.array([1, 1]), src, 0, 1), NP_IDX["index_add"](x, np.array([1, 1]), src, 0, 1))


def test_registered_in_the_backend():
    import ember
    from ember.backends import get_backend
    table = get_backend("c_ext").table
    assert table["index_add"].__module__ == "ember_cext.embedding"
    assert table["embedding"].__module__ == "ember_cext.embedding"
    w = ember.randn(50, 8, device="c_ext", requires_grad=True)
    idx = ember.tensor([[1, 2, 1], [49, 0, 1]], device="c_ext")
    ember.nn.functional.embedding(idx, w).sum().backward()
    assert w.grad[1].tolist() == [3.0] * 8 and w.grad[3].tolist() == [0.0] * 8
