"""Type promotion against PyTorch: promote_types, result_type and arithmetic result dtypes."""
import itertools

import pytest
import torch

import ember

NAMES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64"]


@pytest.mark.parametrize("a,b", list(itertools.product(NAMES, NAMES)))
def test_promote_types_matches_torch(a, b):
    expected = torch.promote_types(getattr(torch, a), getattr(torch, b))
    got = ember.promote_types(getattr(ember, a), getattr(ember, b))
    assert got.name == str(expected).replace("torch.", "")


def _ones(mod, name, ndim):
    shape = (2,) * ndim
    return mod.ones(shape, dtype=getattr(mod, name))


SCALARS = [True, 3, 2.5]


RESULT_CASES = [(a, b, dims) for a in NAMES for b in NAMES for dims in [(1, 1), (1, 0), (0, 1), (0, 0)]] + \
    [(a, s, (d, 1)) for a in NAMES for s in SCALARS for d in (0, 1)]


@pytest.mark.parametrize("a,b,dims", RESULT_CASES)
def test_result_type_matches_torch(a, b, dims):
    ta = _ones(torch, a, dims[0])
    ea = _ones(ember, a, dims[0])
    if isinstance(b, str):
        tb, eb = _ones(torch, b, dims[1]), _ones(ember, b, dims[1])
    else:
        tb = eb = b
    expected = torch.result_type(ta, tb)
    assert ember.result_type(ea, eb).name == str(expected).replace("torch.", "")


@pytest.mark.parametrize("a", NAMES)
@pytest.mark.parametrize("b", NAMES + SCALARS)
def test_add_mul_result_dtype(a, b):
    ta, ea = _ones(torch, a, 1), _ones(ember, a, 1)
    tb, eb = (_ones(torch, b, 1), _ones(ember, b, 1)) if isinstance(b, str) else (b, b)
    for op in ("add", "mul"):
        expected = getattr(torch, op)(ta, tb).dtype
        got = getattr(ember, op)(ea, eb).dtype
        assert got.name == str(expected).replace("torch.", ""), op


def test_default_dtype_roundtrip():
    assert ember.get_default_dtype() is ember.float32
    ember.set_default_dtype(ember.float64)
    try:
        assert ember.tensor([1.0]).dtype is ember.float64
        assert (ember.tensor([1, 2]) / 2).dtype is ember.float64
    finally:
        ember.set_default_dtype(ember.float32)
    with pytest.raises(TypeError):
        ember.set_default_dtype(ember.int32)


def test_finfo_iinfo_match_torch():
    for n in ["float16", "bfloat16", "float32", "float64"]:
        e, t = ember.finfo(getattr(ember, n)), torch.finfo(getattr(torch, n))
        assert (e.eps, e.max, e.min, e.tiny, e.bits) == (t.eps, t.max, t.min, t.tiny, t.bits)
    for n in ["uint8", "int8", "int16", "int32", "int64"]:
        e, t = ember.iinfo(getattr(ember, n)), torch.iinfo(getattr(torch, n))
        assert (e.min, e.max, e.bits) == (t.min, t.max, t.bits)
