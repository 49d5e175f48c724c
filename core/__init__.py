"""ember: a PyTorch-compatible deep-learning framework with pluggable backends.

    import ember as torch
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    x.grad            # tensor([2., 4.])

Compute lives in backend plugins discovered through the ``ember.backends``
entry-point group; ``EMBER_BACKEND`` picks the default one.
"""
from __future__ import annotations

__version__ = "0.1.0"

from .hookspec import hookimpl
from ._dtype import (dtype, bool, uint8, int8, int16, int32, int64, float16, bfloat16, float32, float64, half,
                     float, double, short, int, long, promote_types, result_type, can_cast, get_default_dtype,
                     set_default_dtype, finfo, iinfo)
from ._tensor import Tensor, Size
from ._device import device
from .autograd.grad_mode import (no_grad, enable_grad, set_grad_enabled, inference_mode, is_grad_enabled,
                                 is_inference_mode_enabled)
from . import ops as _ops
from . import _functional
from ._functional import *  # noqa: F401,F403  (the public op functions)
from .ops.random import _standard_gamma, _standard_gamma_grad  # torch._standard_gamma(_grad); not in __all__
from . import _tensor_methods  # noqa: F401  (binds methods onto Tensor)
from . import autograd, backends, cuda, linalg
from . import nn
from . import optim, amp
from . import utils
from . import distributed  # mpi4py is imported only when a process group starts
from . import serialization
from . import hub, jit, multiprocessing, onnx, profiler, special, types, version  # torch.* module paths
from . import serialization_safetensors as safetensors  # ember.safetensors.save_file / load_file
import sys as _sys
_sys.modules[__name__ + ".safetensors"] = safetensors  # so `import ember.safetensors` works too
from .serialization import save, load
# torch.<name> spellings of functional ops whose torch signature matches ember.nn.functional's
globals().update({_n: getattr(nn.functional, _n) for _n in (
    "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "conv_tbc",
    "avg_pool1d", "max_pool1d", "max_pool2d", "max_pool3d", "max_pool1d_with_indices", "adaptive_avg_pool1d",
    "adaptive_max_pool1d", "pixel_shuffle", "pixel_unshuffle", "channel_shuffle", "layer_norm", "group_norm",
    "rms_norm", "dropout", "alpha_dropout", "feature_alpha_dropout", "bilinear", "pairwise_distance", "pdist")
    if _n not in globals()})
from .amp import autocast_mode as _autocast_mode
globals().update({_n: getattr(_autocast_mode, _n) for _n in _autocast_mode.TOP_LEVEL})  # ember.autocast, ...
from .ops.reduce import return_types
from . import random
from .random import (Generator, default_generator, manual_seed, seed, initial_seed, get_rng_state,
                     set_rng_state)
from . import distributions  # after nn and random, which it uses
from ._legacy import *  # noqa: F401,F403  (FloatTensor & co., pi/e/inf/nan, set_default_tensor_type, ...)
from ._print import set_printoptions
from ._api import (set_default_device, get_default_device, is_tensor, is_floating_point, numel,
                   is_nonzero, set_num_threads, get_num_threads, compile, manual_seed_all, is_complex, is_signed,
                   is_same_size, typename, detach, detach_, use_deterministic_algorithms,
                   are_deterministic_algorithms_enabled, is_deterministic_algorithms_warn_only_enabled,
                   set_float32_matmul_precision, get_float32_matmul_precision, set_num_interop_threads,
                   get_num_interop_threads, set_warn_always, is_warn_always_enabled, is_anomaly_enabled,
                   is_anomaly_check_nan_enabled, set_anomaly_enabled, INPLACE_FUNCTIONS as _INPLACE_FUNCTIONS,
                   memory_format, contiguous_format, channels_last, channels_last_3d, preserve_format)

uint16 = uint32 = uint64 = None  # not supported by ember; present for attribute probes
cfloat = cdouble = complex64 = complex128 = None
del uint16, uint32, uint64, cfloat, cdouble, complex64, complex128

__all__ = [n for n in dir() if not n.startswith("_")]

globals().update(_INPLACE_FUNCTIONS)  # ember.exp_(t), ember.zero_(t), ...

autograd._late_bind()


def __getattr__(name):
    """``ember.testing`` (``torch.testing.assert_close`` in user tests) loads on first use: it is the conformance
    suite and imports NumPy, which ``import ember`` itself never does."""
    if name == "testing":
        import importlib
        return importlib.import_module(".testing", __name__)
    raise AttributeError(f"module 'ember' has no attribute {name!r}")
