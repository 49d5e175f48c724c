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
