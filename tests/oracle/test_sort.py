"""Sorting and searching against PyTorch: values, indices, dtypes, namedtuples, ties, errors, gradients."""
import ember
import numpy as np
import pytest
import torch

from ._helpers import ALL, FLOATS, INTS, rng_for, to_numpy
from ._helpers import zeros as _z


def distinct(shape, dtype, rng):
    """Distinct values exact in every dtype (bool: random)."""
    if dtype == "bool":
        return np.asarray(rng.random(shape) < 0.5)
    n = int(np.prod(shape))
    v = rng.permutation(n) - (0 if dtype == "uint8" else n // 2)
    return (v * (0.5 if dtype in FLOATS else 1)).reshape(shape)


def ties(shape, dtype, rng):
    if dtype == "bool":
        return np.asarray(rng.random(shape) < 0.5)
    return rng.integers(0, 3, shape)


def check_same(got, want, where=""):
    if isinstance(want, tuple):
        assert isinstance(got, tuple), where
        assert type(got).__name__ == type(want).__name__, f"{where}: {type(got).__name__} != {type(want).__name__}"
        if hasattr(type(want), "__match_args__"):  # torch.return_types.*
            assert tuple(got._fields) == tuple(type(want).__match_args__), where
        assert len(got) == len(want), where
        for i, (g, w) in enumerate(zip(got, want)):
            check_same(g, w, f"{where}[{i}]")
        return
    assert str(got.dtype).split(".")[-1] == str(want.dtype).split(".")[-1], f"{where}: {got.dtype} vs {want.dtype}"
    assert tuple(got.shape) == tuple(want.shape), f"{where}: {tuple(got.shape)} vs {tuple(want.shape)}"
    np.testing.assert_allclose(to_numpy(got), to_numpy(want), rtol=1e-6, atol=1e-6, err_msg=where)


def compare(f, arrays, dtype, make_t=None):
    tt = [torch.tensor(a).to(getattr(torch, dtype)) if isinstance(a, np.ndarray) else a for a in arrays]
    et = [ember.tensor(a).to(getattr(ember, dtype)) if isinstance(a, np.ndarray) else a for a in arrays]
    check_same(f(ember, *et), f(torch, *tt), f"{dtype}")


SORTS = [
    ("sort", lambda m, x: m.sort(x), (5,)),
    ("sort dim0 desc", lambda m, x: m.sort(x, 0, descending=True), (3, 4)),
    ("sort method", lambda m, x: x.sort(dim=1), (2, 3, 4)),
    ("sort stable kw", lambda m, x: m.sort(x, stable=True, dim=-1, descending=True), (3, 4)),
    ("sort 0-d", lambda m, x: m.sort(x), ()),
    ("sort empty", lambda m, x: m.sort(x, 0), (0, 3)),
    ("argsort", lambda m, x: m.argsort(x, dim=0, descending=True), (3, 4)),
    ("argsort method", lambda m, x: x.argsort(), (6,)),
    ("msort", lambda m, x: m.msort(x), (4, 3)),
    ("topk", lambda m, x: m.topk(x, 2), (6,)),
    ("topk smallest dim0", lambda m, x: x.topk(3, dim=0, largest=False), (4, 5)),
    ("topk k=0", lambda m, x: m.topk(x, 0), (2, 3)),
    ("topk 0-d", lambda m, x: m.topk(x, 1), ()),
    ("kthvalue", lambda m, x: m.kthvalue(x, 2), (6,)),
    ("kthvalue keepdim", lambda m, x: x.kthvalue(3, 0, True), (4, 5)),
    ("kthvalue 0-d", lambda m, x: m.kthvalue(x, 1), ()),
]
NO_BOOL = {"topk", "topk smallest dim0", "topk k=0", "topk 0-d", "kthvalue", "kthvalue keepdim", "kthvalue 0-d"}
SORT_CASES = [(dt,) + c for c in SORTS for dt in ALL if not (dt == "bool" and c[0] in NO_BOOL)]


@pytest.mark.parametrize("dtype,name,f,shape", SORT_CASES, ids=[f"{c[0]}-{c[1]}" for c in SORT_CASES])
def test_sort_family(dtype, name, f, shape):
    compare(f, [distinct(shape, dtype, rng_for(name, dtype))], dtype)


@pytest.mark.parametrize("dtype", ALL)
@pytest.mark.parametrize("descending", [False, True])
def test_stable_sort_with_ties(dtype, descending):
    x = ties((4, 7), dtype, rng_for("ties", dtype))
    compare(lambda m, t: m.sort(t, stable=True, descending=descending), [x], dtype)
    compare(lambda m, t: m.argsort(t, dim=0, stable=True, descending=descending), [x], dtype)


def test_nan_ordering():
    x = np.array([3.0, np.nan, 1.0, -np.inf, 2.0])
    for f in (lambda m, t: m.sort(t), lambda m, t: m.sort(t, descending=True), lambda m, t: m.topk(t, 2),
              lambda m, t: m.topk(t, 2, largest=False), lambda m, t: m.kthvalue(t, 5)):
        compare(f, [x], "float32")


def test_topk_unsorted_is_a_permutation_of_sorted():
    x = distinct((5, 6), "float32", rng_for("unsorted"))
    vt, _ = torch.topk(torch.tensor(x), 3, sorted=False)
    ve, ie = ember.topk(ember.tensor(x), 3, sorted=False)
    np.testing.assert_array_equal(np.sort(ve.numpy(), -1), np.sort(vt.numpy(), -1))
    np.testing.assert_array_equal(np.take_along_axis(x, ie.numpy(), -1), ve.numpy())


UNIQUES = [
    ("unique", lambda m, x: m.unique(x)),
    ("unique sorted=False", lambda m, x: m.unique(x, sorted=False, return_inverse=True)),
    ("unique all", lambda m, x: x.unique(return_inverse=True, return_counts=True)),
    ("unique dim0", lambda m, x: m.unique(x, dim=0, return_inverse=True, return_counts=True)),
    ("unique dim1", lambda m, x: m.unique(x, dim=1, return_counts=True)),
    ("unique_consecutive", lambda m, x: m.unique_consecutive(x, return_inverse=True, return_counts=True)),
    ("unique_consecutive dim", lambda m, x: x.unique_consecutive(dim=0, return_inverse=True)),
    ("unique_consecutive plain", lambda m, x: m.unique_consecutive(x)),
]


@pytest.mark.parametrize("name,f", UNIQUES, ids=[u[0] for u in UNIQUES])
@pytest.mark.parametrize("dtype", ["bool", "uint8", "int64", "float16", "float32"])
def test_unique(name, f, dtype):
    rng = rng_for(name, dtype)
    x = ties((6, 3), dtype, rng)
    x[2] = x[0]
    x[3] = x[2]
    compare(f, [x], dtype)
    if "dim1" not in name:  # torch: "There are 0 sized dimensions ..." (see test_errors)
        compare(f, [ties((0, 3), dtype, rng)], dtype)


def test_unique_nan_and_1d():
    compare(lambda m, x: m.unique(x, return_counts=True), [np.array([3.0, np.nan, 1.0, np.nan, 3.0])], "float64")
    compare(lambda m, x: m.unique_consecutive(x, return_counts=True), [np.array([1, 1, 2, 2, 2, 1])], "int64")


SEARCHES = [
    ("searchsorted", lambda m, s, v: m.searchsorted(s, v)),
    ("searchsorted right", lambda m, s, v: m.searchsorted(s, v, right=True)),
    ("searchsorted side", lambda m, s, v: m.searchsorted(s, v, side="right", out_int32=True)),
    ("bucketize", lambda m, s, v: m.bucketize(v, s)),
    ("bucketize right int32", lambda m, s, v: m.bucketize(v, s, right=True, out_int32=True)),
]


@pytest.mark.parametrize("name,f", SEARCHES, ids=[s[0] for s in SEARCHES])
@pytest.mark.parametrize("dtype", ["int64", "int16", "float16", "bfloat16", "float32", "float64"])
def test_search(name, f, dtype):
    rng = rng_for(name, dtype)
    seq = np.sort(rng.integers(-5, 6, 7))  # repeated boundaries exercise left / right
    compare(f, [seq, rng.integers(-6, 7, (3, 4))], dtype)


def test_searchsorted_nd_scalar_sorter_and_mixed_dtypes():
    rng = rng_for("nd")
    seq = np.sort(rng.integers(-5, 6, (2, 3, 6)), -1)
    vals = rng.integers(-6, 7, (2, 3, 4))
    compare(lambda m, s, v: m.searchsorted(s, v, right=True), [seq, vals], "int64")
    compare(lambda m, s: m.searchsorted(s, 2), [seq[0, 0]], "int64")
    compare(lambda m, s: m.bucketize(2.5, s), [seq[0, 0]], "float32")
    shuffled = rng.permutation(seq[0, 0])
    st, se = torch.tensor(shuffled), ember.tensor(shuffled)
    sort_t = torch.argsort(st, stable=True)
    check_same(ember.searchsorted(se, ember.tensor(vals[0, 0]), sorter=ember.tensor(sort_t.numpy())),
               torch.searchsorted(st, torch.tensor(vals[0, 0]), sorter=sort_t))
    check_same(ember.searchsorted(ember.tensor(seq[0, 0] * 1.0), ember.tensor(vals[0])),
               torch.searchsorted(torch.tensor(seq[0, 0] * 1.0), torch.tensor(vals[0])))


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32", "float64"])
def test_histc(dtype):
    rng = rng_for("histc", dtype)
    x = np.round(rng.uniform(-3, 3, 40), 1) + 0.01
    compare(lambda m, t: m.histc(t, bins=7), [x], dtype)
    compare(lambda m, t: t.histc(5, min=-1, max=2), [x], dtype)
    compare(lambda m, t: m.histc(t, bins=4), [np.full(3, 1.5)], dtype)
    compare(lambda m, t: m.histc(t, bins=4), [np.zeros(0)], dtype)


def test_histogram():
    rng = rng_for("histogram")
    x = np.round(rng.uniform(-3, 3, (4, 5)), 1) + 0.01
    w = rng.uniform(0, 2, (4, 5))
    compare(lambda m, t: m.histogram(t, 5), [x], "float32")
    compare(lambda m, t, w: m.histogram(t, 4, range=(-2.0, 2.0), weight=w, density=True), [x, w], "float64")
    compare(lambda m, t, e: m.histogram(t, e), [x, np.array([-3.0, -1.0, 0.5, 3.0])], "float64")
    compare(lambda m, t: t.histogram(3), [np.full(4, 2.0)], "float32")


def test_bincount():
    rng = rng_for("bincount")
    x = rng.integers(0, 6, 12)
    for dt in INTS:
        compare(lambda m, t: m.bincount(t), [x], dt)
        compare(lambda m, t: t.bincount(minlength=9), [x], dt)
    for wdt in ("float32", "float64", "int64", "float16"):
        w = rng.uniform(-1, 1, 12)
        check_same(ember.bincount(ember.tensor(x), ember.tensor(w).to(getattr(ember, wdt))),
                   torch.bincount(torch.tensor(x), torch.tensor(w).to(getattr(torch, wdt))), wdt)
    compare(lambda m, t: m.bincount(t), [np.zeros(0, np.int64)], "int64")


GRADS = [
    ("sort", lambda m, x: m.sort(x, 1, descending=True).values),
    ("sort dim0", lambda m, x: x.sort(0).values),
    ("topk", lambda m, x: m.topk(x, 2, dim=0).values),
    ("topk smallest", lambda m, x: m.topk(x, 3, largest=False).values),
    ("kthvalue", lambda m, x: m.kthvalue(x, 2, 1).values),
    ("kthvalue keepdim", lambda m, x: m.kthvalue(x, 3, 0, keepdim=True).values),
    ("msort", lambda m, x: m.msort(x)),
]


@pytest.mark.parametrize("name,f", GRADS, ids=[g[0] for g in GRADS])
def test_gradients(name, f):
    x = distinct((4, 5), "float64", rng_for("grad", name))
    w = rng_for("w", name).uniform(-1, 1, tuple(f(torch, torch.tensor(x)).shape))
    xt, xe = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    (f(torch, xt) * torch.tensor(w)).sum().backward()
    (f(ember, xe) * ember.tensor(w)).sum().backward()
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy())


def test_sort_gradient_with_ties_follows_stable_indices():
    x = np.array([[1.0, 2.0, 1.0, 2.0, 0.0]])
    xt, xe = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    w = np.arange(5.0)[None]
    (torch.sort(xt, stable=True).values * torch.tensor(w)).sum().backward()
    (ember.sort(xe, stable=True).values * ember.tensor(w)).sum().backward()
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy())


ERRORS = [
    ("sort dim", lambda m, x: m.sort(x, 2), [_z(3, 2)], True),
    ("sort 0-d dim", lambda m, x: m.sort(x, 1), [_z()], True),
    ("topk k", lambda m, x: m.topk(x, 6), [_z(5)], True),
    ("topk bool", lambda m, x: m.topk(x, 1), [_z(5, dtype="bool")], True),
    ("kthvalue k", lambda m, x: m.kthvalue(x, 6), [_z(5)], True),
    ("kthvalue k0", lambda m, x: m.kthvalue(x, 0, 1), [_z(2, 5)], True),
    ("kthvalue bool", lambda m, x: m.kthvalue(x, 1), [_z(5, dtype="bool")], True),
    ("unique dim", lambda m, x: m.unique(x, dim=2), [_z(2, 2)], True),
    ("unique empty dims", lambda m, x: m.unique(x, dim=1), [_z(0, 2)], True),
    ("searchsorted side", lambda m, s, v: m.searchsorted(s, v, side="middle"), [_z(4), _z(3)], True),
    ("searchsorted side right", lambda m, s, v: m.searchsorted(s, v, side="left", right=True), [_z(4), _z(3)], True),
    ("searchsorted shapes", lambda m, s, v: m.searchsorted(s, v), [_z(2, 2), _z(1, 3)], True),
    ("searchsorted shapes 1d", lambda m, s, v: m.searchsorted(s, v), [_z(2, 2), _z(2)], True),
    ("searchsorted scalar nd", lambda m, s: m.searchsorted(s, 5), [_z(2, 2)], True),
    ("searchsorted sorter", lambda m, s, v, o: m.searchsorted(s, v, sorter=o), [_z(2), _z(1), np.zeros(1, "int64")],
     True),
    ("bucketize 2d", lambda m, v, s: m.bucketize(v, s), [_z(3), _z(1, 4)], True),
    ("histc int", lambda m, x: m.histc(x, 4), [_z(3, dtype="int64")], True),
    ("histc bins", lambda m, x: m.histc(x, 0), [_z(3)], True),
    ("histc range", lambda m, x: m.histc(x, 4, min=3, max=1), [_z(3)], True),
    ("histogram range", lambda m, x: m.histogram(x, 2, range=(3.0, 1.0)), [_z(3)], True),
    ("histogram int", lambda m, x: m.histogram(x, 2), [_z(3, dtype="int64")], True),
    ("histogram weight dtype", lambda m, x, w: m.histogram(x, 2, weight=w), [_z(3, dtype="float64"), _z(3)], True),
    ("bincount negative", lambda m, x: m.bincount(x), [np.array([1, -2, 1])], True),
    ("bincount 2d", lambda m, x: m.bincount(x), [np.array([[1, 2]])], True),
    ("bincount float", lambda m, x: m.bincount(x), [np.array([1.0, 2.0])], True),
    ("bincount minlength", lambda m, x: m.bincount(x, minlength=-1), [np.array([1, 2])], True),
    ("bincount weights", lambda m, x, w: m.bincount(x, w), [np.array([1, 2]), np.array([1.0])], True),
]


@pytest.mark.parametrize("name,f,arrays,same_message", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors(name, f, arrays, same_message):
    with pytest.raises(Exception) as want:
        f(torch, *[torch.tensor(a) for a in arrays])
    with pytest.raises(Exception) as got:
        f(ember, *[ember.tensor(a) for a in arrays])
    assert got.type is want.type or issubclass(got.type, want.type), \
        f"torch raised {want.type.__name__}: {want.value}; ember {got.type.__name__}: {got.value}"
    if same_message:
        assert str(got.value) == str(want.value)
