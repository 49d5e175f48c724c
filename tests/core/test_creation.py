"""Deterministic factories and casts, compared value for value with PyTorch.

The conformance suite (ember/testing/db/creation.py) checks every backend
against NumPy references; these tests pin PyTorch's own rules: inferred
dtypes, range lengths and endpoints, integer truncation, cast semantics for
every dtype pair, errors and autograd through casts and clones.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import ember

from ._helpers import raises_like_torch

DTYPES = ("bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64")


def _same(e, t, exact=True):
    assert e.dtype.name == str(t.dtype).replace("torch.", ""), (e.dtype, t.dtype)
    assert tuple(e.shape) == tuple(t.shape)
    ev = np.asarray(e.to(ember.float64).tolist() if e.dtype.is_floating_point else e.tolist(),
                    dtype=np.float64).reshape(tuple(e.shape))
    tv = t.double().numpy() if t.dtype.is_floating_point else np.asarray(t.tolist(), dtype=np.float64).reshape(
        tuple(t.shape))
    if exact:
        np.testing.assert_array_equal(ev, tv)
    else:  # one rounding step apart: ember computes ranges in float64, PyTorch in the dtype
        rtol = {"float64": 1e-12, "float32": 1e-6, "float16": 1e-3, "bfloat16": 8e-3}.get(e.dtype.name, 0)
        np.testing.assert_allclose(ev, tv, rtol=rtol, atol=0)


CALLS = {
    "full float": lambda m: m.full((2, 3), 2.5),
    "full int": lambda m: m.full((2,), 7),
    "full bool": lambda m: m.full((2,), True),
    "full explicit": lambda m: m.full([3], 4, dtype=m.float16),
    "full 0-d tensor value": lambda m: m.full((2,), m.tensor(3.0)),
    "full inf": lambda m: m.full((2,), float("-inf"), dtype=m.bfloat16),
    "zeros": lambda m: m.zeros(2, 3),
    "zeros tuple": lambda m: m.zeros((2, 3), dtype=m.int32),
    "zeros 0-d": lambda m: m.zeros(()),
    "zeros empty": lambda m: m.zeros(0, 4, dtype=m.bool),
    "ones": lambda m: m.ones(4, dtype=m.uint8),
    "ones list": lambda m: m.ones([2, 2], dtype=m.bfloat16),
    "empty shape": lambda m: m.empty(2, 3).fill_(1),
    "arange(end)": lambda m: m.arange(5),
    "arange(start, end)": lambda m: m.arange(2, 9),
    "arange step": lambda m: m.arange(1, 20, 3),
    "arange negative step": lambda m: m.arange(10, -5, -3),
    "arange float": lambda m: m.arange(0.0, 1.0, 0.1),
    "arange float end": lambda m: m.arange(5.5),
    "arange float negative": lambda m: m.arange(5, -3, -1.5),
    "arange f64": lambda m: m.arange(0, 1, 0.25, dtype=m.float64),
    "arange f16": lambda m: m.arange(0, 1, 0.1, dtype=m.float16),
    "arange int8": lambda m: m.arange(-3, 4, 2, dtype=m.int8),
    "arange uint8": lambda m: m.arange(5, dtype=m.uint8),
    "arange empty": lambda m: m.arange(3, 3),
    "arange tensor bounds": lambda m: m.arange(m.tensor(4)),
    "arange float dtype from ints": lambda m: m.arange(4, dtype=m.float32),
    "linspace": lambda m: m.linspace(0, 1, 5),
    "linspace f64": lambda m: m.linspace(-2, 3.5, 7, dtype=m.float64),
    "linspace steps 1": lambda m: m.linspace(3, 9, 1),
    "linspace steps 0": lambda m: m.linspace(3, 9, 0),
    "linspace reversed": lambda m: m.linspace(5, 0, 6),
    "linspace many": lambda m: m.linspace(0.1, 0.9, 100),
    "linspace int": lambda m: m.linspace(0, 10, 4, dtype=m.int64),
    "linspace int negative": lambda m: m.linspace(-10, 0, 4, dtype=m.int32),
    "linspace uint8": lambda m: m.linspace(3, 250, 7, dtype=m.uint8),
    "linspace f16": lambda m: m.linspace(0, 1, 11, dtype=m.float16),
    "logspace": lambda m: m.logspace(0, 2, 3),
    "logspace base": lambda m: m.logspace(0, 2, 5, base=2),
    "logspace negative": lambda m: m.logspace(-1, 1, 4, dtype=m.float64),
    "logspace int": lambda m: m.logspace(0, 3, 4, dtype=m.int16),
    "logspace int truncates": lambda m: m.logspace(-1, 1, 4, dtype=m.int64),
    "eye": lambda m: m.eye(3),
    "eye rect": lambda m: m.eye(2, 4, dtype=m.int64),
    "eye tall": lambda m: m.eye(4, 2, dtype=m.bool),
    "eye empty": lambda m: m.eye(0),
    "zeros_like": lambda m: m.zeros_like(m.ones(2, 3, dtype=m.int16)),
    "ones_like dtype": lambda m: m.ones_like(m.zeros(2), dtype=m.float64),
    "full_like": lambda m: m.full_like(m.zeros(2, 2, dtype=m.int32), 7),
    "full_like float into int": lambda m: m.full_like(m.zeros(3, dtype=m.int64), 2.7),
    "full_like dtype": lambda m: m.full_like(m.zeros(3), 1, dtype=m.bool),
    "empty_like": lambda m: m.empty_like(m.zeros(2, 5, dtype=m.float16)).fill_(0),
    "tensor floats": lambda m: m.tensor([[1.5, 2], [3, -4.25]]),
    "tensor ints": lambda m: m.tensor([[1, -2], [3, 4]]),
    "tensor bools": lambda m: m.tensor([True, False]),
    "tensor int and bool": lambda m: m.tensor([True, 2]),
    "tensor scalar": lambda m: m.tensor(3.5),
    "tensor int scalar": lambda m: m.tensor(3),
    "tensor empty": lambda m: m.tensor([]),
    "tensor nested empty": lambda m: m.tensor([[], []]),
    "tensor dtype": lambda m: m.tensor([1, 2, 3], dtype=m.float16),
    "tensor float to int dtype": lambda m: m.tensor([1.7, -2.7], dtype=m.int64),
    "tensor tuple": lambda m: m.tensor(((1, 2), (3, 4)), dtype=m.int8),
    "tensor int wraps": lambda m: m.tensor([300, -1], dtype=m.uint8) if m is ember else m.tensor(
        [300 - 256, 255], dtype=m.uint8),
    "as_tensor": lambda m: m.as_tensor([1.0, 2.0], dtype=m.float64),
    "as_tensor ints": lambda m: m.as_tensor([[1, 2]]),
    "clone": lambda m: m.arange(6).reshape(2, 3).clone(),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_factory_matches_torch(name):
    _same(CALLS[name](ember), CALLS[name](torch), exact=not name.startswith(("linspace", "logspace")))


def test_arange_with_an_integer_dtype_and_float_bounds_like_torch():
    _same(ember.arange(0.5, 3.7, 1.4, dtype=ember.int64), torch.arange(0.5, 3.7, 1.4, dtype=torch.int64))


def test_tensor_of_strings_raises_like_torch():
    with pytest.raises(ValueError):
        torch.tensor(["a"])
    with pytest.raises(ValueError):
        ember.tensor(["a"])


def test_factory_keywords():
    t = ember.zeros(2, 3, dtype=ember.float64, requires_grad=True)
    assert t.requires_grad and t.is_leaf and t.dtype is ember.float64
    assert ember.ones(2, device="cpu").device.type == "cpu"
    x = ember.ones(3, dtype=ember.int16)
    for like in (ember.zeros_like(x), ember.ones_like(x), ember.empty_like(x), ember.full_like(x, 2)):
        assert like.dtype is ember.int16 and like.device == x.device and tuple(like.shape) == (3,)
    assert ember.zeros_like(ember.ones(2, requires_grad=True)).requires_grad is False
    assert ember.ones_like(x, dtype=ember.float32, requires_grad=True).requires_grad


ERRORS = {
    "zeros negative": lambda m: m.zeros(2, -3),
    "zeros float size": lambda m: m.zeros(2, 1.5),
    "full negative": lambda m: m.full((-1, 2), 1.0),
    "arange zero step": lambda m: m.arange(0, 5, 0),
    "arange wrong sign": lambda m: m.arange(0, 5, -1),
    "linspace negative steps": lambda m: m.linspace(0, 1, -1),
    "eye negative": lambda m: m.eye(-1),
    "tensor ragged": lambda m: m.tensor([[1, 2], [3]]),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_match_torch(name):
    raises_like_torch(ERRORS[name])


# --- casts: every dtype pair ------------------------------------------------------------

def _source_values(src, dst):
    """Values of ``src`` whose conversion to ``dst`` PyTorch defines (float -> int must fit)."""
    if src == "bool":
        return [True, False, True]
    if src in ("float16", "bfloat16", "float32", "float64"):
        vals = [0.0, -0.0, 0.4, 1.5, 2.7, 99.9, 0.75]
        if dst not in ("uint8", "bool"):
            vals += [-0.4, -1.5, -2.7, -99.9]
        if dst == "bool" or dst.startswith(("float", "bfloat")):
            vals += [float("nan"), float("inf"), -float("inf"), 1e-8]
        if dst.startswith(("float", "bfloat")) and src in ("float32", "float64"):
            vals += [1e5, -7e4, 3.0e38, 1.0000001, 3.14159265358979]
        return vals
    lo, hi = {"uint8": (0, 255), "int8": (-128, 127), "int16": (-300, 300)}.get(src, (-70000, 70000))
    # integer -> narrower integer wraps modulo 2**bits, as C casts do
    return [v for v in (lo, hi, 0, 1, -1, 2, 127, 128, 129, 200, 255, 256, -129) if lo <= v <= hi]


@pytest.mark.parametrize("dst", DTYPES)
@pytest.mark.parametrize("src", DTYPES)
def test_cast_matches_torch(src, dst):
    vals = _source_values(src, dst)
    t = torch.tensor(vals, dtype=getattr(torch, src))
    e = ember.tensor(vals, dtype=getattr(ember, src))
    _same(e, t)  # the source values themselves
    te, ee = t.to(getattr(torch, dst)), e.to(getattr(ember, dst))
    _same(ee, te)
    nc = ember.stack([e, e], dim=-1).select(-1, 0)  # a strided source
    _same(nc.to(getattr(ember, dst)), te)


def test_cast_to_the_same_dtype_returns_self_and_copy_makes_a_copy():
    x = ember.ones(3)
    assert x.to(ember.float32) is x
    y = x.to(ember.float32, copy=True)
    assert y is not x and y.tolist() == x.tolist()


def test_cast_backward_returns_the_source_dtype():
    x = ember.tensor([1.5, -2.0, 3.25], requires_grad=True)
    y = x.to(ember.float64)
    assert y.grad_fn is not None
    (y * y).sum().backward()
    assert x.grad.dtype is ember.float32
    assert x.grad.tolist() == [3.0, -4.0, 6.5]
    h = x.to(ember.float16)
    assert h.requires_grad
    assert not x.to(ember.int64).requires_grad


def test_clone_copies_and_records_the_graph():
    base = ember.arange(12.0).reshape(3, 4)
    view = base.select(1, 1)
    c = view.clone()
    assert c.is_contiguous() and c.tolist() == view.tolist()
    c.add_(1)
    assert base.tolist()[0][1] == 1.0  # the clone does not share storage
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = x.clone()
    assert y.grad_fn is not None and not y.is_leaf
    (y * 3).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]


def test_logspace_matches_numpy_for_float64():
    e = ember.logspace(-3, 3, 13, dtype=ember.float64).tolist()
    np.testing.assert_allclose(e, np.logspace(-3, 3, 13), rtol=1e-12)
    assert math.isclose(ember.logspace(0, 1, 2, base=math.e, dtype=ember.float64).tolist()[1], math.e)


def test_full_requires_a_size_sequence_like_torch():
    with pytest.raises(TypeError):
        torch.full(3, 1.5)
    with pytest.raises(TypeError):
        ember.full(3, 1.5)
