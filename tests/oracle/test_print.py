"""Tensor printing against PyTorch: ``repr(ember_t)`` must equal ``repr(torch_t)`` (with ``ember.`` for ``torch.``)."""
import math
import random
import zlib

import ember
import pytest
import torch

INF, NAN = math.inf, math.nan
FLOATS = ["float32", "float64", "float16", "bfloat16"]
INTS = ["int64", "int32", "int16", "int8", "uint8"]


@pytest.fixture(autouse=True)
def _default_printoptions():
    torch.set_printoptions(profile="default")
    ember.set_printoptions(profile="default")
    yield
    torch.set_printoptions(profile="default")
    ember.set_printoptions(profile="default")


def _pair(values, dtype, shape=None):
    """The same values as a torch and an ember tensor (half types rounded through float32 in both)."""
    via = "float32" if dtype in ("float16", "bfloat16") else dtype
    t = torch.tensor(values, dtype=getattr(torch, via)).to(getattr(torch, dtype))
    e = ember.tensor(values, dtype=getattr(ember, via)).to(getattr(ember, dtype))
    if shape is not None:
        t, e = t.reshape(shape), e.reshape(shape)
    return e, t


def _same(e, t):
    got = repr(e).replace("ember.", "torch.")
    assert got == repr(t), f"\nember:\n{got}\ntorch:\n{repr(t)}"
    assert str(e).replace("ember.", "torch.") == str(t)


FLOAT_CASES = [
    [1.0, 2.0, 3.0], [1.5, 2.0, 3.0], [0.0], [-0.0], [0.0, -0.0], [0.5, -0.0], [-1.0, 2.0, -3.0],
    [NAN], [NAN, 1.0], [NAN, 1.5], [INF, -INF, 1.0], [INF, NAN], [-INF], [1e-5, NAN], [1e10, INF],
    [1e-5, 1.0], [1e8, 1.0], [1e8], [1e9], [123456789.0], [1e-4], [1e-5], [0.1, 0.2, 1000.0], [1.0, 1001.0],
    [1.0, 1000.0], [3.14159265, -2.71828], [1e20, -1e-20, 0.0], [12345.678], [0.00012345, 0.5],
    [65504.0, -65504.0], [2.0 ** 70], [1e-3, 1e3], [0.001, 0.999], [-0.5, 0.25, 100.125],
    [float(i) for i in range(100)], [i * 0.37 for i in range(50)], [i * 1e-6 for i in range(30)],
    [(-1) ** i * i * 123.456 for i in range(40)],
]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("values", FLOAT_CASES, ids=lambda v: str(v[:3]))
def test_float_vectors(values, dtype):
    if dtype in ("float16",) and any(abs(v) > 65504 and math.isfinite(v) for v in values):
        values = [v if not math.isfinite(v) or abs(v) <= 65504 else math.copysign(INF, v) for v in values]
    _same(*_pair(values, dtype))


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("value", [0.0, -0.0, 1.0, -2.5, 0.1, 1e-7, 1e9, 123.456, NAN, INF, -INF, 3.0])
def test_zero_dim(value, dtype):
    _same(*_pair(value, dtype))


@pytest.mark.parametrize("dtype", INTS)
@pytest.mark.parametrize("values", [[1, 2, 3], [-100, 5], [0], [7], list(range(100)), [120, -3, 0, 45]],
                         ids=str)
def test_int_vectors(values, dtype):
    if dtype == "uint8":
        values = [abs(v) for v in values]
    _same(*_pair(values, dtype))


@pytest.mark.parametrize("values", [[2 ** 40, -3], [2 ** 62, -(2 ** 62)], [-(2 ** 63)], [10 ** 18, 1]], ids=str)
def test_large_ints(values):
    _same(*_pair(values, "int64"))


@pytest.mark.parametrize("values", [[True, False], [True], [False], [False, False, True] * 40], ids=str)
def test_bool(values):
    _same(*_pair(values, "bool"))


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int32", "bool", "float16", "bfloat16"])
@pytest.mark.parametrize("shape", [(), (1,), (2, 3), (2, 3, 4), (1, 1), (3, 1, 2), (2, 2, 2, 2), (1000,), (1001,),
                                   (40, 40), (10, 10, 11), (2000, 2), (2, 2000), (3, 1000, 2), (7, 13)], ids=str)
def test_random_shapes(shape, dtype):
    rng = random.Random(zlib.crc32(f"{shape}/{dtype}".encode()))
    n = math.prod(shape)
    if dtype == "bool":
        flat = [rng.random() > 0.5 for _ in range(n)]
    elif dtype.startswith("int"):
        flat = [rng.randint(-1000, 1000) for _ in range(n)]
    else:
        flat = [rng.gauss(0.0, 1.0) for _ in range(n)]
    e, t = _pair(flat if shape else flat[0], dtype)
    _same(e.reshape(shape), t.reshape(shape))


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int32", "bool", "float16", "uint8"])
@pytest.mark.parametrize("shape", [(0,), (0, 3), (2, 0, 3), (3, 0)], ids=str)
def test_empty(shape, dtype):
    _same(getattr(ember, "zeros")(shape, dtype=getattr(ember, dtype)),
          torch.zeros(shape, dtype=getattr(torch, dtype)))


def test_empty_from_list():
    _same(ember.tensor([]), torch.tensor([]))
    _same(ember.tensor([], dtype=ember.int64), torch.tensor([], dtype=torch.int64))


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_requires_grad_and_grad_fn(dtype):
    e, t = _pair([1.0, 2.5, -3.0], dtype)
    e.requires_grad_()
    t.requires_grad_()
    _same(e, t)
    _same(e * 2, t * 2)
    _same(e + 1, t + 1)
    _same((e * e).sum(), (t * t).sum())
    _same(e.exp(), t.exp())


@pytest.mark.parametrize("n", [10, 25, 60])
def test_suffix_wrapping(n):
    # long single-line bodies push the dtype / grad_fn suffixes onto their own line
    for dtype in ("float64", "int32", "float16"):
        e, t = _pair([float(i) * 1.1 if dtype != "int32" else i for i in range(n)], dtype)
        _same(e, t)
    e, t = _pair([float(i) * 1.25 for i in range(n)], "float64")
    e.requires_grad_()
    t.requires_grad_()
    _same(e, t)
    _same(e * 1.5, t * 1.5)


OPTIONS = [dict(precision=2), dict(precision=8), dict(precision=0), dict(threshold=5),
           dict(edgeitems=1, threshold=5), dict(linewidth=40), dict(linewidth=120), dict(sci_mode=True),
           dict(sci_mode=False), dict(profile="short"), dict(profile="full"), dict(edgeitems=0, threshold=3),
           dict(profile="short", precision=6)]

OPTION_VALUES = [
    ([x * 0.3 for x in range(20)], None), ([float(x) for x in range(24)], (2, 3, 4)), ([1e-6, 1.0], None),
    ([1.0, 2.0], None), ([1.5], None), ([float(x) for x in range(2000)], None),
    ([x * 0.01 for x in range(2000)], (20, 100)), ([x * 1e5 for x in range(30)], (5, 6)),
]


@pytest.mark.parametrize("opts", OPTIONS, ids=str)
def test_printoptions(opts):
    torch.set_printoptions(**opts)
    ember.set_printoptions(**opts)
    for values, shape in OPTION_VALUES:
        _same(*_pair(values, "float32", shape))
        if all(float(v).is_integer() for v in values):
            _same(*_pair([int(v) for v in values], "int64", shape))


def test_get_printoptions_roundtrip():
    ember.set_printoptions(precision=3, linewidth=50)
    torch.set_printoptions(precision=3, linewidth=50)
    assert ember._print.get_printoptions() == torch._tensor_str.get_printoptions()
    with ember._print.printoptions(precision=1):
        assert repr(ember.tensor([1.26])) == "tensor([1.3])"
    _same(*_pair([1.23456, 2.0], "float32"))


def test_non_contiguous_and_views():
    e, t = _pair([float(i) for i in range(12)], "float32", (3, 4))
    _same(e.permute(1, 0), t.permute(1, 0))
    _same(e.t(), t.t())
    _same(e.select(1, 2), t.select(1, 2))
    _same(e.expand(2, 3, 4), t.expand(2, 3, 4))
