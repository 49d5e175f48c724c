"""PyTorch's legacy / convenience top-level names that older programs use, checked against torch."""
import warnings

import pytest
import torch

import ember


@pytest.mark.parametrize("name", ["FloatTensor", "DoubleTensor", "HalfTensor", "BFloat16Tensor", "LongTensor",
                                  "IntTensor", "ShortTensor", "CharTensor", "ByteTensor", "BoolTensor"])
def test_legacy_constructors_and_isinstance(name):
    E, T = getattr(ember, name), getattr(torch, name)
    assert str(E(2, 3).dtype).split(".")[1] == str(T(2, 3).dtype).split(".")[1]
    assert tuple(E(2, 3).shape) == (2, 3) and tuple(E().shape) == tuple(T().shape) == (0,)
    data = [1, 0, 1]
    assert E(data).tolist() == T(data).tolist()
    assert isinstance(E(data), E) and isinstance(T(data), T)
    assert isinstance(ember.tensor(data, dtype=ember.float64), E) == isinstance(torch.tensor(data, dtype=torch.float64), T)
    assert E(ember.ones(2)).dtype is E.dtype


def test_legacy_constructor_rejects_mixed_arguments():
    with pytest.raises(TypeError, match="FloatTensor"):
        ember.FloatTensor([1], 2)


def test_set_default_tensor_type_like_torch():
    before = ember.get_default_dtype()
    try:
        with pytest.warns(UserWarning, match="deprecated"):
            ember.set_default_tensor_type(ember.DoubleTensor)
        assert ember.ones(1).dtype is ember.float64
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ember.set_default_tensor_type("torch.FloatTensor")
            assert ember.ones(1).dtype is ember.float32
            with pytest.raises(TypeError, match="only floating-point"):
                ember.set_default_tensor_type(ember.LongTensor)
    finally:
        ember.set_default_dtype(before)


def test_constants_and_functional_spellings():
    for n in ("pi", "e", "inf", "nan"):
        a, b = getattr(ember, n), getattr(torch, n)
        assert a == b or (a != a and b != b)
    assert ember.newaxis is None
    w = ember.randn(10, 3)
    idx = ember.tensor([[1, 2], [9, 0]])
    assert ember.equal(ember.embedding(w, idx), ember.nn.functional.embedding(idx, w))
    tw, ti = torch.tensor(w.numpy()), torch.tensor(idx.numpy())
    assert torch.embedding(tw, ti).tolist() == ember.embedding(w, idx).tolist()
    x = ember.randn(4, 3, 5)
    rm, rv = ember.zeros(3), ember.ones(3)
    ours = ember.batch_norm(x, None, None, rm, rv, True, 0.1, 1e-5)
    theirs = torch.batch_norm(torch.tensor(x.numpy()), None, None, torch.zeros(3), torch.ones(3), True, 0.1, 1e-5,
                              False)
    assert torch.allclose(torch.tensor(ours.numpy()), theirs, atol=1e-6)
    assert ember.get_device(ember.ones(1)) == torch.get_device(torch.ones(1)) == -1
    assert ember.is_inference(ember.ones(1)) is torch.is_inference(torch.ones(1)) is False


@pytest.mark.parametrize("shape, wrap", [((3, 3), False), ((2, 4), False), ((5, 2), False), ((7, 3), True),
                                         ((7, 3), False), ((3, 3, 3), False)])
def test_fill_diagonal_matches_torch(shape, wrap):
    a, b = ember.zeros(*shape), torch.zeros(*shape)
    assert a.fill_diagonal_(2.5, wrap=wrap) is a
    b.fill_diagonal_(2.5, wrap=wrap)
    assert a.tolist() == b.tolist()


def test_fill_diagonal_errors_like_torch():
    with pytest.raises(RuntimeError, match="dimensions must larger than 1"):
        ember.zeros(3).fill_diagonal_(1)
    with pytest.raises(RuntimeError, match="all dimensions of input must be of equal length"):
        ember.zeros(2, 3, 4).fill_diagonal_(1)


def test_resize_like_torch():
    for m in (ember, torch):
        x = m.arange(6.0).view(2, 3)
        assert x.resize_(2, 2) is x and x.tolist() == [[0.0, 1.0], [2.0, 3.0]]
        y = m.arange(3.0)
        y.resize_(5)
        assert tuple(y.shape) == (5,) and y[:3].tolist() == [0.0, 1.0, 2.0]
        a = m.zeros(2)
        a.resize_as_(m.ones(3, 2))
        assert tuple(a.shape) == (3, 2)
        with pytest.raises(RuntimeError, match="cannot resize variables that require grad"):
            m.ones(2, requires_grad=True).resize_(3)


def test_layout_and_kind_predicates_like_torch():
    import pickle
    x, t = ember.ones(2), torch.ones(2)
    assert repr(x.layout) == repr(t.layout).replace("torch", "ember") and x.layout == ember.strided
    assert x.layout != ember.sparse_coo and pickle.loads(pickle.dumps(ember.strided)) is ember.strided
    for name in ("is_sparse", "is_sparse_csr", "is_quantized", "is_meta", "is_mkldnn", "is_nested", "is_mps",
                 "is_xpu"):
        assert getattr(x, name) is getattr(t, name) is False, name
    assert x.is_conj() is t.is_conj() is False and x.is_neg() is t.is_neg() is False
    assert x.resolve_conj() is x and x.resolve_neg() is x
