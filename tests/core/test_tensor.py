"""Tensor attributes, conversions and Python protocol (PyTorch semantics)."""
import copy
import pickle

import numpy as np
import pytest

import ember


def test_attributes():
    t = ember.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert t.shape == (2, 3) and isinstance(t.shape, ember.Size)
    assert repr(t.shape) == "ember.Size([2, 3])"
    assert t.size() == (2, 3) and t.size(1) == 3 and t.size(-1) == 3
    assert t.dim() == 2 and t.ndim == 2 and t.numel() == 6 and len(t) == 2
    assert t.dtype is ember.float32 and t.device.type == "cpu"
    assert t.is_leaf and t.grad is None and t.grad_fn is None and not t.requires_grad
    assert t.stride() == (3, 1) and t.is_contiguous()
    assert t.element_size() == 4 and t.nbytes == 24


def test_size_dim_out_of_range():
    with pytest.raises(IndexError, match="Dimension out of range"):
        ember.zeros(2, 3).size(2)


def test_item_tolist_scalars():
    assert ember.tensor(3.5).item() == 3.5
    assert ember.tensor([[1, 2], [3, 4]]).tolist() == [[1, 2], [3, 4]]
    assert float(ember.tensor([2.5])) == 2.5 and int(ember.tensor(7)) == 7
    assert [10, 20, 30][ember.tensor(1)] == 20
    with pytest.raises(RuntimeError, match="a Tensor with 2 elements cannot be converted to Scalar"):
        ember.tensor([1.0, 2.0]).item()
    with pytest.raises(TypeError):
        [1, 2][ember.tensor(1.0)]


def test_bool_protocol():
    assert bool(ember.tensor([1.0])) and not bool(ember.tensor(0))
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(ember.tensor([1.0, 2.0]))


def test_len_of_0d_raises():
    with pytest.raises(TypeError, match="len\\(\\) of a 0-d tensor"):
        len(ember.tensor(1.0))


def test_tensor_dtype_inference():
    assert ember.tensor([1, 2]).dtype is ember.int64
    assert ember.tensor([1, 2.0]).dtype is ember.float32
    assert ember.tensor([True, False]).dtype is ember.bool
    assert ember.tensor(3).dtype is ember.int64
    assert ember.tensor([]).dtype is ember.float32 and ember.tensor([]).shape == (0,)
    with pytest.raises(ValueError, match="expected sequence of length"):
        ember.tensor([[1, 2], [3]])
    with pytest.raises(TypeError):
        ember.tensor("abc")


def test_numpy_shares_memory_and_from_numpy():
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    t = ember.from_numpy(a)
    a[0, 0] = 100.0
    assert t.tolist()[0][0] == 100.0
    n = t.numpy()
    n[1, 2] = -1.0
    assert a[1, 2] == -1.0
    assert ember.from_numpy(np.zeros(3, np.int16)).dtype is ember.int16
    with pytest.raises(TypeError, match="expected np.ndarray"):
        ember.from_numpy([1, 2])


def test_numpy_requires_grad_error():
    t = ember.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="Can't call numpy\\(\\) on Tensor that requires grad"):
        t.numpy()
    assert np.array_equal(t.detach().numpy(), np.ones(2, np.float32))
    assert np.asarray(ember.ones(2)).dtype == np.float32


def test_tensor_from_numpy_array_copies():
    a = np.ones(3, np.float64)
    t = ember.tensor(a)
    a[0] = 5
    assert t.dtype is ember.float64 and t.tolist() == [1.0, 1.0, 1.0]
    u = ember.as_tensor(a)
    a[1] = 7
    assert u.tolist()[1] == 7.0


def test_bfloat16_and_half_roundtrip():
    t = ember.tensor([1.0, 2.5, -3.0], dtype=ember.bfloat16)
    assert t.dtype is ember.bfloat16 and t.tolist() == [1.0, 2.5, -3.0]
    h = ember.tensor([0.1], dtype=ember.half)
    assert abs(h.item() - 0.0999755859375) < 1e-12


def test_to_and_casts():
    t = ember.tensor([1.7, -2.7])
    assert t.to(ember.int32).tolist() == [1, -2]
    assert t.long().dtype is ember.int64 and t.double().dtype is ember.float64
    assert t.to(ember.float32) is t
    assert t.to("cpu") is t
    assert t.to(t.device, ember.float64).dtype is ember.float64
    assert t.to(ember.zeros(1, dtype=ember.int16)).dtype is ember.int16
    assert t.type() == "ember.FloatTensor"
    assert t.bool().tolist() == [True, True]


def test_data_and_detach_share_storage():
    t = ember.ones(3, requires_grad=True)
    d = t.detach()
    assert not d.requires_grad and d._base is t
    with ember.no_grad():
        d.mul_(2)
    assert t.tolist() == [2.0, 2.0, 2.0]
    assert t.data.tolist() == [2.0, 2.0, 2.0]


def test_requires_grad_rules():
    with pytest.raises(RuntimeError, match="only Tensors of floating point and complex dtype can require gradients"):
        ember.tensor([1, 2]).requires_grad_()
    with pytest.raises(RuntimeError, match="only Tensors of floating point"):
        ember.tensor([1, 2], requires_grad=True)
    x = ember.ones(2, requires_grad=True)
    y = x * 2
    with pytest.raises(RuntimeError, match="you can only change requires_grad flags of leaf variables"):
        y.requires_grad_(False)


def test_grad_setter_validation():
    x = ember.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="different size"):
        x.grad = ember.ones(3)
    x.grad = ember.zeros(2)
    assert x.grad.tolist() == [0.0, 0.0]


def test_pickle_and_deepcopy():
    t = ember.tensor([[1.5, 2.0]], dtype=ember.float64, requires_grad=True)
    u = pickle.loads(pickle.dumps(t))
    assert u.tolist() == [[1.5, 2.0]] and u.dtype is ember.float64 and u.requires_grad
    v = copy.deepcopy(t)
    assert v.tolist() == t.tolist() and v.requires_grad and v is not t
    b = pickle.loads(pickle.dumps(ember.tensor([1.0], dtype=ember.bfloat16)))
    assert b.dtype is ember.bfloat16


def test_legacy_tensor_constructor():
    assert ember.Tensor(2, 3).shape == (2, 3)
    t = ember.Tensor([1, 2])
    assert t.dtype is ember.float32 and t.tolist() == [1.0, 2.0]


def test_factories():
    assert ember.zeros(2, 3).tolist() == [[0.0] * 3] * 2
    assert ember.ones((2,), dtype=ember.int8).dtype is ember.int8
    assert ember.full((2,), 7).dtype is ember.int64
    assert ember.full((2,), 7.0).dtype is ember.float32
    assert ember.full((2,), True).dtype is ember.bool
    assert ember.arange(5).tolist() == [0, 1, 2, 3, 4] and ember.arange(5).dtype is ember.int64
    assert ember.arange(0, 1, 0.25).tolist() == [0.0, 0.25, 0.5, 0.75]
    assert ember.linspace(0, 1, 5).tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert ember.eye(2, 3).tolist() == [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
    z = ember.zeros_like(ember.ones(2, dtype=ember.int32))
    assert z.dtype is ember.int32 and z.tolist() == [0, 0]
    with pytest.raises(RuntimeError, match="negative dimension"):
        ember.zeros(-1)


def test_new_methods():
    t = ember.ones(2, dtype=ember.float64)
    assert t.new_zeros(3).dtype is ember.float64 and t.new_zeros((3,)).shape == (3,)
    assert t.new_full((2,), 5).tolist() == [5.0, 5.0]
    assert t.new_tensor([1, 2]).dtype is ember.float64


def test_fill_zero_copy():
    t = ember.empty(3)
    t.fill_(2.5)
    assert t.tolist() == [2.5] * 3
    t.zero_()
    assert t.tolist() == [0.0] * 3
    t.copy_(ember.tensor([1, 2, 3]))
    assert t.tolist() == [1.0, 2.0, 3.0] and t.dtype is ember.float32
    t.copy_(ember.tensor(9.0))
    assert t.tolist() == [9.0] * 3


def test_version_counter():
    t = ember.ones(2)
    assert t._version == 0
    t.add_(1)
    t.mul_(2)
    assert t._version == 2


def test_inplace_dtype_rule():
    t = ember.ones(2, dtype=ember.int64)
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output type Long"):
        t.add_(1.5)
    with pytest.raises(RuntimeError, match="doesn't match the broadcast shape"):
        ember.ones(2).add_(ember.ones(2, 2))


def test_out_argument():
    out = ember.empty(2)
    r = ember.add(ember.ones(2), ember.ones(2), out=out)
    assert r is out and out.tolist() == [2.0, 2.0]


def test_leaf_inplace_error():
    x = ember.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place operation"):
        x.add_(1)
    with ember.no_grad():
        x.add_(1)
    assert x.tolist() == [2.0, 2.0]
