"""Helpers shared by the differential tests against PyTorch in tests/oracle."""
import zlib

import numpy as np
import torch

import ember

FLOATS = ["float16", "bfloat16", "float32", "float64"]
INTS = ["uint8", "int8", "int16", "int32", "int64"]
ALL = ["bool"] + INTS + FLOATS


def rng_for(*key):
    """A NumPy generator seeded from ``key`` (stable across runs, unlike ``hash``)."""
    return np.random.default_rng(zlib.crc32(str(key).encode()))


def pair(arr, dtype="float64", grad=False):
    """``arr`` as a torch and an ember tensor of ``dtype`` (leaves requiring grad if ``grad``)."""
    t = torch.tensor(arr).to(getattr(torch, dtype))
    e = ember.tensor(arr).to(getattr(ember, dtype))
    if grad:
        t.requires_grad_(True)
        e.requires_grad_(True)
    return t, e


def zeros(*shape, dtype="float32"):
    return np.zeros(shape, dtype)


def to_numpy(x):
    """A torch or ember tensor as a NumPy array (floating point as float64)."""
    if isinstance(x, torch.Tensor) and x._is_zerotensor():
        return np.zeros(tuple(x.shape))
    x = x.detach()
    if x.dtype.is_floating_point:
        x = x.to(torch.float64 if isinstance(x, torch.Tensor) else ember.float64)
    return np.asarray(x.numpy())


def check(got, want, where=""):
    """``got`` (ember) equals ``want`` (torch): tensors (dtype, shape, values), or sequences of them."""
    if isinstance(want, (tuple, list)):
        assert isinstance(got, (tuple, list)) and len(got) == len(want), where
        for g, w in zip(got, want):
            check(g, w, where)
        return
    assert isinstance(got, ember.Tensor), f"{where}: got {type(got).__name__}"
    assert got.dtype.name == str(want.dtype).replace("torch.", ""), f"{where}: dtype {got.dtype} vs {want.dtype}"
    assert tuple(got.shape) == tuple(want.shape), f"{where}: shape {tuple(got.shape)} vs {tuple(want.shape)}"
    np.testing.assert_allclose(to_numpy(got), to_numpy(want), rtol=1e-12, atol=1e-12, err_msg=where)
