"""PyTorch's legacy and convenience top-level names that older programs still use.

``torch.FloatTensor(2, 3)`` / ``torch.LongTensor([1, 2])`` constructors (and ``isinstance(t,
torch.FloatTensor)`` checks), ``torch.set_default_tensor_type``, the constants ``torch.pi``, ``e``, ``inf``,
``nan``, ``newaxis``, the build flags ``has_openmp`` / ``has_mkl`` / ``has_lapack``, and the functional
spellings ``torch.embedding``, ``torch.batch_norm``, ``torch.instance_norm``, ``torch.get_device``,
``torch.is_inference``.
"""
from __future__ import annotations

import math
import warnings

from . import _dtype as D
from ._tensor import Tensor

pi, e, inf, nan, newaxis = math.pi, math.e, math.inf, math.nan, None


class layout:
    """A tensor layout (``torch.layout``).  Every ember tensor is ``strided``; the sparse layouts exist so that
    comparisons such as ``t.layout == torch.sparse_coo`` work (and are False)."""

    def __init__(self, name):
        self._name = name

    def __repr__(self):
        return f"ember.{self._name}"

    def __reduce__(self):
        return (_layout_by_name, (self._name,))


strided, sparse_coo, sparse_csr, sparse_csc, sparse_bsr, sparse_bsc, _mkldnn = (
    layout(n) for n in ("strided", "sparse_coo", "sparse_csr", "sparse_csc", "sparse_bsr", "sparse_bsc", "_mkldnn"))


def _layout_by_name(name):
    return globals()[name]
has_openmp, has_mkl, has_lapack = True, False, True  # c_ext's kernels use OpenMP; GEMM is NumPy's OpenBLAS


class _LegacyTensorType(type):
    """``isinstance(t, FloatTensor)``: a CPU tensor of that dtype, as in PyTorch."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype is cls.dtype and obj.device.type == "cpu"

    def __repr__(cls):
        return f"<class 'ember.{cls.__name__}'>"


def _legacy_type(name, dtype):
    def __new__(cls, *args, device=None):
        from ._functional import empty, tensor
        if len(args) == 1 and isinstance(args[0], Tensor):
            return args[0].to(dtype)
        if not args or all(isinstance(a, int) and not isinstance(a, bool) for a in args):
            return empty(*args, dtype=dtype, device=device) if args else empty(0, dtype=dtype, device=device)
        if len(args) == 1:
            return tensor(args[0], dtype=dtype, device=device)
        raise TypeError(f"{name}() received an invalid combination of arguments - got {args!r}, but expected one of: "
                        f"(tuple of ints size, *, device), (object data, *, device)")

    return _LegacyTensorType(name, (), {"__new__": __new__, "dtype": dtype, "__doc__":
                                        f"Legacy constructor: a CPU tensor of dtype {dtype} (``{name}(2, 3)`` "
                                        f"uninitialised, ``{name}([1, 2])`` from data)."})


FloatTensor = _legacy_type("FloatTensor", D.float32)
DoubleTensor = _legacy_type("DoubleTensor", D.float64)
HalfTensor = _legacy_type("HalfTensor", D.float16)
BFloat16Tensor = _legacy_type("BFloat16Tensor", D.bfloat16)
LongTensor = _legacy_type("LongTensor", D.int64)
IntTensor = _legacy_type("IntTensor", D.int32)
ShortTensor = _legacy_type("ShortTensor", D.int16)
CharTensor = _legacy_type("CharTensor", D.int8)
ByteTensor = _legacy_type("ByteTensor", D.uint8)
BoolTensor = _legacy_type("BoolTensor", D.bool)
_BY_NAME = {t.__name__: t for t in (FloatTensor, DoubleTensor, HalfTensor, BFloat16Tensor, LongTensor, IntTensor,
                                    ShortTensor, CharTensor, ByteTensor, BoolTensor)}


def set_default_tensor_type(t):
    """Deprecated in PyTorch 2.1 (use ``set_default_dtype``): sets the default floating dtype."""
    warnings.warn("torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
                  "torch.set_default_dtype() and torch.set_default_device() as alternatives.", UserWarning,
                  stacklevel=2)
    if isinstance(t, str):
        cls = _BY_NAME.get(t.rsplit(".", 1)[-1])
        if cls is None:
            raise TypeError(f"invalid type: '{t}'")
        t = cls
    if not isinstance(t, _LegacyTensorType) or not t.dtype.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    from ._dtype import set_default_dtype
    set_default_dtype(t.dtype)


def embedding(weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False):
    """``torch.embedding(weight, indices, ...)`` (note the argument order of the ATen op)."""
    from .nn.functional import embedding as F_embedding
    return F_embedding(indices, weight, None if padding_idx is None or padding_idx < 0 else padding_idx,
                       scale_grad_by_freq=scale_grad_by_freq, sparse=sparse)


def batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps, cudnn_enabled=True):
    """``torch.batch_norm`` (ATen argument order) -> ``nn.functional.batch_norm``."""
    from .nn.functional import batch_norm as F_batch_norm
    return F_batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


def instance_norm(input, weight, bias, running_mean, running_var, use_input_stats, momentum, eps,
                  cudnn_enabled=True):
    """``torch.instance_norm`` (ATen argument order) -> ``nn.functional.instance_norm``."""
    from .nn.functional import instance_norm as F_instance_norm
    return F_instance_norm(input, running_mean, running_var, weight, bias, use_input_stats, momentum, eps)


def get_device(input):
    return input.get_device()


def is_inference(input):
    return input.is_inference()


__all__ = ["layout", "strided", "sparse_coo", "sparse_csr", "sparse_csc", "sparse_bsr", "sparse_bsc",
           "pi", "e", "inf", "nan", "newaxis", "has_openmp", "has_mkl", "has_lapack", "set_default_tensor_type",
           "embedding", "batch_norm", "instance_norm", "get_device", "is_inference", *_BY_NAME]
