"""Indexing against PyTorch: ``__getitem__`` / ``__setitem__`` over a table of index expressions, and the
gather / scatter / index_* / masked_* / nonzero ops: values, dtypes, gradients and exception types.

Each key is a function of the library (``torch`` or ``ember``) so that index tensors are built natively.
"""
import numpy as np
import pytest
import torch

import ember

from ._helpers import check, pair


def backward_with(want, got, w):
    """Backpropagate the same output weights ``w`` (a NumPy array) through torch's and ember's result."""
    (want * torch.tensor(w)).sum().backward()
    (got * ember.tensor(w)).sum().backward()


def raises_like(fn_torch, fn_ember):
    try:
        fn_torch()
    except Exception as e:  # noqa: BLE001
        with pytest.raises(type(e)):
            fn_ember()
        return True
    return False


RNG = np.random.default_rng(0)
X = RNG.standard_normal((4, 5, 3))

KEYS = {
    "int": lambda L: 2,
    "neg int": lambda L: -1,
    "int tuple": lambda L: (1, -2),
    "slice": lambda L: slice(1, 3),
    "slice step": lambda L: (slice(None), slice(0, None, 2)),
    "slice clamped": lambda L: slice(-10, 10),
    "empty slice": lambda L: (slice(3, 1),),
    "none": lambda L: None,
    "none mid": lambda L: (1, None, slice(1, 4)),
    "ellipsis": lambda L: (Ellipsis, 0),
    "ellipsis none": lambda L: (None, Ellipsis, None, 1),
    "bool true": lambda L: True,
    "bool false": lambda L: (False, 1),
    "list": lambda L: [0, 2, 2],
    "empty list": lambda L: [],
    "long tensor": lambda L: L.tensor([3, 0, -1]),
    "int32 tensor": lambda L: L.tensor([1, 2], dtype=L.int32),
    "0-d tensor": lambda L: L.tensor(1),
    "2-d index": lambda L: L.tensor([[0, 1], [3, 3]]),
    "two tensors": lambda L: (L.tensor([0, 1, 3]), L.tensor([4, 0, 2])),
    "broadcast tensors": lambda L: (L.tensor([[0], [2]]), L.tensor([1, 3])),
    "tensor slice": lambda L: (L.tensor([0, 3]), slice(1, 4)),
    "slice tensor": lambda L: (slice(None), L.tensor([4, 0])),
    "separated tensors": lambda L: (L.tensor([0, 3]), slice(None), L.tensor([2, 1])),
    "int between tensors": lambda L: (L.tensor([0, 3]), 1, L.tensor([2, 1])),
    "int then tensor": lambda L: (1, slice(None), L.tensor([0, 2])),
    "none and tensor": lambda L: (1, None, slice(None), None, L.tensor([0, 2])),
    "ellipsis tensor": lambda L: (Ellipsis, L.tensor([2, 0])),
    "mask full": lambda L: L.tensor(X > 0),
    "mask 1-d": lambda L: L.tensor([True, False, True, True]),
    "mask 2-d": lambda L: L.tensor(X[..., 0] > 0),
    "mask later": lambda L: (slice(None), L.tensor([True, False, True, False, True])),
    "mask and tensor": lambda L: (L.tensor([True, False, True, True]), L.tensor([0, 4, 1])),
    "0-d bool tensor": lambda L: L.tensor(True),
    "uint8 mask": lambda L: L.tensor([1, 0, 1, 1], dtype=L.uint8),
    "nested list tuple": lambda L: [[0, 1], [2, 3]],
    "numpy ints": lambda L: np.array([1, 3]),
    "numpy scalar": lambda L: (np.int64(1), slice(None)),
}


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("name", list(KEYS))
def test_getitem_values_and_grads(name):
    make = KEYS[name]
    t, e = pair(X, grad=True)
    tt, ee = t * 1, e * 1
    want = tt[make(torch)]
    got = ee[make(ember)]
    check(got, want, name)
    backward_with(want, got, RNG.standard_normal(tuple(want.shape)))
    check(e.grad, t.grad, name + " grad")


@pytest.mark.parametrize("dtype", ["bool", "uint8", "int32", "int64", "float16", "bfloat16", "float32"])
@pytest.mark.parametrize("name", ["int", "slice step", "two tensors", "mask full", "int between tensors"])
def test_getitem_dtypes(name, dtype):
    t, e = pair(X * 3, dtype)
    check(e[KEYS[name](ember)], t[KEYS[name](torch)], f"{name} {dtype}")


def test_basic_indexing_is_a_view_advanced_is_a_copy():
    e = ember.zeros(3, 4)
    for key in (1, (slice(None), 2), (None, Ellipsis), slice(0, 3, 2)):
        v = e[key]
        assert v._base is e
    assert e[ember.tensor([0, 1])]._base is None
    assert e[ember.tensor(1)]._base is None


BAD_KEYS = [
    lambda L: 4, lambda L: (0, 5), lambda L: (0, 0, 0, 0), lambda L: slice(None, None, -1), lambda L: 1.5,
    lambda L: L.tensor([4]), lambda L: L.tensor([0.5]), lambda L: L.tensor([[True, False]]),
    lambda L: (L.tensor([0, 1]), L.tensor([0, 1, 2])), lambda L: (Ellipsis, L.tensor([-4])),
]


@pytest.mark.parametrize("i", range(len(BAD_KEYS)))
def test_getitem_errors(i):
    t, e = pair(X)
    assert raises_like(lambda: t[BAD_KEYS[i](torch)], lambda: e[BAD_KEYS[i](ember)])


SET_CASES = {  # key, value (a Python scalar or a NumPy array turned into a float64 tensor)
    "int scalar": (lambda L: 1, 5.0),
    "slice row": (lambda L: (slice(None), 2), RNG.standard_normal(3)),
    "slice broadcast": (lambda L: (slice(1, 3),), RNG.standard_normal((5, 1))),
    "ellipsis": (lambda L: Ellipsis, RNG.standard_normal(3)),
    "leading ones": (lambda L: 0, RNG.standard_normal((1, 1, 5, 3))),
    "tensor": (lambda L: L.tensor([0, 2]), RNG.standard_normal((2, 5, 3))),
    "tensor broadcast": (lambda L: (L.tensor([0, 2]), L.tensor([1, 4])), RNG.standard_normal(3)),
    "tensor leading ones": (lambda L: (L.tensor([0, 2]), L.tensor([1, 4])), RNG.standard_normal((1, 1, 3))),
    "mask": (lambda L: L.tensor(X > 0), -1.0),
    "mask values": (lambda L: L.tensor(X[..., 0] > 0), RNG.standard_normal((int((X[..., 0] > 0).sum()), 3))),
    "int and tensor": (lambda L: (1, slice(None), L.tensor([2, 0])), RNG.standard_normal(2)),
    "int between": (lambda L: (L.tensor([0, 3]), 1, L.tensor([2, 1])), RNG.standard_normal(2)),
    "none": (lambda L: (None, 2), 3.0),
}


@pytest.mark.parametrize("name", list(SET_CASES))
def test_setitem_values_and_grads(name):
    key, val = SET_CASES[name]
    t, e = pair(X, grad=True)
    is_tensor = isinstance(val, np.ndarray)
    vt, ve = pair(val, grad=True) if is_tensor else (val, val)
    tt, ee = t * 2, e * 2
    tt[key(torch)] = vt
    ee[key(ember)] = ve
    check(ee, tt, name)
    backward_with(tt, ee, np.random.default_rng(len(name)).standard_normal(X.shape))
    check(e.grad, t.grad, name + " grad x")
    if is_tensor:
        check(ve.grad, vt.grad, name + " grad value")


@pytest.mark.parametrize("dtype", ["bool", "int8", "int64", "float16", "float32"])
def test_setitem_no_grad_dtypes_and_casts(dtype):
    t, e = pair(X * 4, dtype)
    t[1] = 3.7
    e[1] = 3.7
    t[:, 0] = torch.tensor(2.2)
    e[:, 0] = ember.tensor(2.2)
    t[torch.tensor([0, 2])] = 1
    e[ember.tensor([0, 2])] = 1
    check(e, t, dtype)


def test_setitem_writes_through_views_and_bumps_version():
    e = ember.zeros(3, 4)
    v = e[1]
    before = e._version
    v[2] = 7.0
    assert e[1, 2].item() == 7.0
    assert e._version == v._version > before
    e[ember.tensor([0, 2]), 0] = 5.0
    assert v[0].item() == 0.0 and e[2, 0].item() == 5.0


def test_setitem_errors_match_torch():
    t, e = pair(X)
    cases = [
        (lambda: t.__setitem__(9, 1.0), lambda: e.__setitem__(9, 1.0)),
        (lambda: t.__setitem__(0, torch.zeros(4)), lambda: e.__setitem__(0, ember.zeros(4))),
        (lambda: t.__setitem__(torch.tensor([0, 1]), torch.zeros(3, 3)),
         lambda: e.__setitem__(ember.tensor([0, 1]), ember.zeros(3, 3))),
        (lambda: t.__setitem__(torch.tensor([0]), torch.zeros(3, dtype=torch.float32)),
         lambda: e.__setitem__(ember.tensor([0]), ember.zeros(3, dtype=ember.float32))),
    ]
    for ft, fe in cases:
        assert raises_like(ft, fe)
    leaf_t, leaf_e = pair(X, grad=True)
    assert raises_like(lambda: leaf_t.__setitem__(0, 1.0), lambda: leaf_e.__setitem__(0, 1.0))


# --- ops ------------------------------------------------------------------------------------

IDX = RNG.integers(0, 5, (4, 3))
OPS = {
    "index_select": lambda L, x: L.index_select(x, 1, L.tensor([4, 0, 0, 2])),
    "index_select 0-d": lambda L, x: x.index_select(0, L.tensor(2)),
    "gather": lambda L, x: L.gather(x, 1, L.tensor(IDX)),
    "gather small": lambda L, x: x.gather(0, L.tensor([[1, 0]])),
    "take_along_dim": lambda L, x: L.take_along_dim(x, L.tensor(IDX[:, :1]), 1),
    "take_along_dim flat": lambda L, x: L.take_along_dim(x, L.tensor([0, 19, 3])),
    "take": lambda L, x: L.take(x, L.tensor([[0, -1], [7, 7]])),
    "scatter": lambda L, x: x.scatter(1, L.tensor([[0, 4], [1, 2]]), L.tensor(RNG.standard_normal((2, 3)))),
    "scatter value": lambda L, x: x.scatter(0, L.tensor([[3, 1, 0, 2, 1]]), 1.5),
    "scatter_add": lambda L, x: x.scatter_add(1, L.tensor(IDX), L.tensor(RNG.standard_normal((4, 3)))),
    "index_add": lambda L, x: x.index_add(0, L.tensor([1, 1, 3]), L.tensor(RNG.standard_normal((3, 5))), alpha=2),
    "index_copy": lambda L, x: x.index_copy(1, L.tensor([4, 0]), L.tensor(RNG.standard_normal((4, 2)))),
    "index_fill": lambda L, x: x.index_fill(1, L.tensor([-1, 2]), -2.0),
    "index_put": lambda L, x: x.index_put((L.tensor([0, 0, 2]), L.tensor([1, 1, 4])),
                                          L.tensor([1.0, 2.0, 3.0], dtype=L.float64)),
    "index_put acc": lambda L, x: x.index_put((L.tensor([0, 0, 2]), L.tensor([1, 1, 4])),
                                              L.tensor([1.0, 2.0, 3.0], dtype=L.float64), accumulate=True),
    "index_put mask": lambda L, x: x.index_put((L.tensor(X[:, :, 0] > 0),), L.tensor(0.5, dtype=L.float64)),
    "put": lambda L, x: x.put(L.tensor([0, 5, 5]), L.tensor([1.0, 2.0, 3.0], dtype=L.float64), accumulate=True),
    "masked_fill": lambda L, x: x.masked_fill(L.tensor(X[:, :, 0] > 0), 3.0),
    "masked_fill bcast": lambda L, x: x.masked_fill(L.tensor([True, False, False, True, False]), -1.0),
    "masked_fill tensor": lambda L, x: x.masked_fill(L.tensor(X[:, :, 1] > 0), L.tensor(2.0, dtype=L.float64)),
    "masked_select": lambda L, x: L.masked_select(x, L.tensor(X[:, :, 0] > 0)),
    "masked_select bcast": lambda L, x: L.masked_select(x, L.tensor([True, False, True, True, False])),
    "masked_scatter": lambda L, x: x.masked_scatter(L.tensor(X[:, :, 0] > 0), L.tensor(RNG.standard_normal((4, 5)))),
    "where cond": lambda L, x: L.where(x > 0),
    "nonzero": lambda L, x: L.nonzero(x > 0.5),
    "nonzero tuple": lambda L, x: L.nonzero(x > 0.5, as_tuple=True),
    "argwhere": lambda L, x: L.argwhere(x < 0),
}
X2 = X[:, :, 0]


def _check_reduce_into(method, index, src_shape, reduce, include_self):
    """``X2.<method>(1, index, src, reduce)`` (scatter_reduce / index_reduce): values and both gradients."""
    src = RNG.standard_normal(src_shape)
    t, e = pair(X2, grad=True)
    ts, es = pair(src, grad=True)
    want = getattr(t, method)(1, torch.tensor(index), ts, reduce, include_self=include_self)
    got = getattr(e, method)(1, ember.tensor(index), es, reduce, include_self=include_self)
    check(got, want, reduce)
    backward_with(want, got, RNG.standard_normal(X2.shape))
    check(e.grad, t.grad, "grad self")
    check(es.grad, ts.grad, "grad src")


@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce(reduce, include_self):
    _check_reduce_into("scatter_reduce", IDX, (4, 3), reduce, include_self)


@pytest.mark.parametrize("dtype", ["int32", "int64", "float32"])
@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
def test_scatter_reduce_dtypes(dtype, reduce):
    t, e = pair(X2 * 5, dtype)
    ts, es = pair(RNG.standard_normal((4, 3)) * 5, dtype)
    check(e.scatter_reduce(0, ember.tensor(IDX % 4), es, reduce),
          t.scatter_reduce(0, torch.tensor(IDX % 4), ts, reduce), reduce)


@pytest.mark.parametrize("name", list(OPS))
def test_ops_values_and_grads(name):
    fn = OPS[name]
    t, e = pair(X2, grad=True)
    rng_state = RNG.bit_generator.state
    want = fn(torch, t)
    RNG.bit_generator.state = rng_state
    got = fn(ember, e)
    check(got, want, name)
    outs_t = want if isinstance(want, tuple) else (want,)
    outs_e = got if isinstance(got, tuple) else (got,)
    if not outs_t[0].requires_grad:
        return
    w = [np.random.default_rng(1).standard_normal(tuple(o.shape)) for o in outs_t]
    sum((o * torch.tensor(wi)).sum() for o, wi in zip(outs_t, w)).backward()
    sum((o * ember.tensor(wi)).sum() for o, wi in zip(outs_e, w)).backward()
    check(e.grad, t.grad, name + " grad")


FORWARD_ONLY = {  # PyTorch has no derivative for these
    "scatter reduce add": lambda L, x: x.scatter(1, L.tensor([[0, 0]]), L.tensor([[1.0, 2.0]], dtype=L.float64),
                                                 reduce="add"),
    "scatter reduce multiply": lambda L, x: x.scatter(0, L.tensor([[1, 1]]), 3.0, reduce="multiply"),
    "scatter_reduce max alias": lambda L, x: x.scatter_reduce(0, L.tensor([[0, 2]]), L.ones(1, 2, dtype=L.float64),
                                                              "max", include_self=False),
}


@pytest.mark.parametrize("name", list(FORWARD_ONLY))
def test_forward_only_ops(name):
    t, e = pair(X2)
    check(FORWARD_ONLY[name](ember, e), FORWARD_ONLY[name](torch, t), name)


def test_inplace_variants():
    for name, args in [("index_add_", lambda L: (0, L.tensor([1, 1]), L.ones(2, 5, dtype=L.float64))),
                       ("index_copy_", lambda L: (1, L.tensor([0]), L.ones(4, 1, dtype=L.float64))),
                       ("index_fill_", lambda L: (1, L.tensor([0, 3]), 2.0)),
                       ("scatter_", lambda L: (1, L.tensor([[0], [2]]), 9.0)),
                       ("scatter_add_", lambda L: (0, L.tensor([[0, 0, 1, 1, 2]]), L.ones(1, 5, dtype=L.float64))),
                       ("masked_fill_", lambda L: (L.tensor(X2 > 0), 0.0)),
                       ("masked_scatter_", lambda L: (L.tensor(X2 > 0), L.zeros(20, dtype=L.float64))),
                       ("index_put_", lambda L: ((L.tensor([0, 3]),), L.tensor(1.0, dtype=L.float64))),
                       ("put_", lambda L: (L.tensor([0, 1]), L.tensor([5.0, 6.0], dtype=L.float64)))]:
        t, e = pair(X2)
        rt = getattr(t, name)(*args(torch))
        re_ = getattr(e, name)(*args(ember))
        assert re_ is e and rt is t
        check(e, t, name)


def test_op_errors_match_torch():
    t, e = pair(X2)
    cases = [
        lambda L, x: x.gather(1, L.tensor([[5]])),
        lambda L, x: x.gather(1, L.tensor([[-1]])),
        lambda L, x: x.scatter(1, L.tensor([[7]]), 1.0),
        lambda L, x: x.index_select(1, L.tensor([9])),
        lambda L, x: x.index_select(1, L.tensor([[0]])),
        lambda L, x: x.index_add(0, L.tensor([4]), L.ones(1, 5, dtype=L.float64)),
        lambda L, x: x.index_copy(0, L.tensor([4]), L.ones(1, 5, dtype=L.float64)),
        lambda L, x: x.index_fill(0, L.tensor([4]), 1.0),
        lambda L, x: L.take(x, L.tensor([20])),
        lambda L, x: x.masked_fill(L.ones(5), 1.0),
        lambda L, x: x.masked_select(L.ones(5)),
        lambda L, x: x.masked_scatter(L.ones(5, dtype=L.bool), L.ones(2, dtype=L.float64)),
        lambda L, x: x.scatter_reduce(0, L.tensor([[0]]), L.ones(1, 1, dtype=L.float64), "foo"),
        lambda L, x: x.index_put((L.tensor([0]),), L.tensor(1.0)),
    ]
    for c in cases:
        assert raises_like(lambda: c(torch, t), lambda: c(ember, e))


@pytest.mark.parametrize("reduce", ["prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_index_reduce(reduce, include_self):
    _check_reduce_into("index_reduce", [0, 4, 0, 2, 4, 0], (4, 6), reduce, include_self)


def test_nonzero_static():
    t, e = pair(X2)
    for size, fill in ((3, -1), (40, 9), (0, 0)):
        check(ember.nonzero_static(e > 0, size=size, fill_value=fill),
              torch.nonzero_static(t > 0, size=size, fill_value=fill), f"size {size}")
