"""Autocast: run selected ops in a lower-precision floating dtype inside ``with ember.autocast(...)``.

The state (enabled flag and dtype per device type, cache flag, nesting depth) lives here.  Ops opt in by
calling :func:`cast_inputs` (or :func:`cast_for`) on their tensor inputs at their entry point; the policy
is PyTorch's, per device type:

- ``"lower_precision_fp"``: matmul/mm/bmm/addmm/baddbmm/linear/conv*/prelu/scaled_dot_product_attention run
  in the autocast dtype (float16 on CUDA, bfloat16 on CPU by default);
- ``"fp32"``: losses, and on CUDA also softmax/log_softmax/sum/norm/exp/log/pow... run in float32;
- ``"promote"``: multi-input ops (cat, stack, addcmul, ...) run in the widest floating input dtype.

Only floating tensors on the autocast device that are not float64 are cast (like PyTorch).
"""
from __future__ import annotations

import collections.abc
import functools
import warnings

from .. import _dtype as D
from .._tensor import Tensor

__all__ = ["autocast", "autocast_decorator", "custom_bwd", "custom_fwd", "is_autocast_available"]

_DEVICE_TYPES = ("cpu", "cuda")
class _EnabledState(dict):
    """Per-device enabled flags; keeps ``ACTIVE[0]`` (any device enabled) current for cheap checks at op
    entry points: ``if ACTIVE[0]: x, w = cast_for("mm", x, w)``."""

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        ACTIVE[0] = any(self.values())


ACTIVE = [False]
_ENABLED = _EnabledState(cpu=False, cuda=False)
_DTYPE = {"cpu": D.bfloat16, "cuda": D.float16}
_CACHE = [True]
_NESTING = [0]

# PyTorch's autocast op lists (aten/src/ATen/autocast_mode.cpp), by the names ember's entry points use.
_LOWER_COMMON = ("conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "mm", "bmm",
                 "matmul", "addmm", "addbmm", "baddbmm", "linear", "prelu", "scaled_dot_product_attention",
                 "linalg_vecdot", "multi_head_attention_forward")
_LOSSES = ("mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "nll_loss", "cross_entropy", "binary_cross_entropy",
           "binary_cross_entropy_with_logits", "kl_div", "poisson_nll_loss", "gaussian_nll_loss",
           "cosine_embedding_loss", "hinge_embedding_loss", "margin_ranking_loss", "soft_margin_loss",
           "multilabel_soft_margin_loss", "multilabel_margin_loss", "multi_margin_loss", "triplet_margin_loss",
           "ctc_loss")
POLICY = {
    "cpu": {
        "lower_precision_fp": frozenset(_LOWER_COMMON),
        "fp32": frozenset(_LOSSES + ("avg_pool3d", "max_pool3d", "adaptive_avg_pool3d", "grid_sample", "prod",
                                     "quantile", "nanquantile", "cdist", "trace", "cholesky", "inverse", "pinverse",
                                     "linalg_inv", "linalg_cholesky", "linalg_solve", "linalg_svd", "linalg_qr",
                                     "linalg_eigh", "linalg_det", "linalg_slogdet", "linalg_pinv",
                                     "linalg_matrix_norm", "linalg_vector_norm", "reflection_pad1d",
                                     "reflection_pad2d", "replication_pad1d", "replication_pad2d",
                                     "replication_pad3d", "max_unpool2d", "max_unpool3d")),
        "promote": frozenset(("stack", "cat", "index_copy")),  # torch's CPU list (dot/cross raise on mixed dtypes)
    },
    "cuda": {
        "lower_precision_fp": frozenset(_LOWER_COMMON + ("chain_matmul", "linalg_multi_dot", "addmv", "addr", "mv",
                                                         "gru_cell", "lstm_cell", "rnn_tanh_cell",
                                                         "rnn_relu_cell")),
        "fp32": frozenset(_LOSSES + ("acos", "asin", "cosh", "erfinv", "exp", "expm1", "log", "log10", "log2", "log1p",
                                     "reciprocal", "rsqrt", "sinh", "tan", "pow", "softplus", "layer_norm",
                                     "group_norm", "norm", "frobenius_norm", "nuclear_norm", "cosine_similarity",
                                     "pdist", "cdist", "renorm", "logsumexp", "softmax", "log_softmax", "softmin",
                                     "sum", "prod", "cumsum", "cumprod", "dist", "linalg_vector_norm",
                                     "linalg_matrix_norm", "upsample_nearest1d", "upsample_nearest2d",
                                     "upsample_nearest3d", "upsample_linear1d", "upsample_bilinear2d",
                                     "upsample_trilinear3d", "grid_sample")),
        "promote": frozenset(("stack", "cat", "index_copy", "addcdiv", "addcmul", "atan2", "bilinear", "cross", "dot",
                              "tensordot", "scatter_add", "index_put")),
    },
}
CATEGORIES = ("lower_precision_fp", "fp32", "promote")


def _check_device_type(device_type):
    if not isinstance(device_type, str):
        raise ValueError(  # noqa: TRY004 (PyTorch raises ValueError)
            f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
    if device_type not in _DEVICE_TYPES:
        raise RuntimeError(f"User specified an unsupported autocast device_type '{device_type}'")
    return device_type


def is_autocast_available(device_type: str) -> bool:
    return device_type in _DEVICE_TYPES


def is_autocast_enabled(device_type: str | None = None) -> bool:
    """Whether autocast is on for ``device_type`` (default ``"cuda"``, as ``torch.is_autocast_enabled()``)."""
    return _ENABLED[_check_device_type("cuda" if device_type is None else device_type)]


def set_autocast_enabled(device_type, enabled=None):
    if enabled is None:  # torch.set_autocast_enabled(enabled): the CUDA flag
        device_type, enabled = "cuda", device_type
    _ENABLED[_check_device_type(device_type)] = bool(enabled)


def get_autocast_dtype(device_type: str):
    return _DTYPE[_check_device_type(device_type)]


def set_autocast_dtype(device_type, dtype):
    _DTYPE[_check_device_type(device_type)] = dtype


def is_autocast_cpu_enabled():
    return _ENABLED["cpu"]


def get_autocast_cpu_dtype():
    return _DTYPE["cpu"]


def get_autocast_gpu_dtype():
    return _DTYPE["cuda"]


def is_autocast_cache_enabled():
    return _CACHE[0]


def set_autocast_cache_enabled(enabled):
    _CACHE[0] = bool(enabled)


def clear_autocast_cache():
    """No-op: ember does not cache cast weights (casting is recomputed per call)."""


def autocast_increment_nesting():
    _NESTING[0] += 1
    return _NESTING[0]


def autocast_decrement_nesting():
    _NESTING[0] -= 1
    return _NESTING[0]


def _any_enabled():
    return ACTIVE[0]


def _device_type_of(t):
    return "cuda" if t.is_cuda else "cpu"


def _eligible(t, device_type):
    return isinstance(t, Tensor) and t.dtype.is_floating_point and t.dtype is not D.float64 \
        and _device_type_of(t) == device_type


def cast_inputs(op_category: str, *tensors):
    """Cast ``tensors`` for an op of ``op_category`` under the active autocast state; returns a tuple.

    Non-tensors (and None) pass through unchanged; so does everything when autocast is off for the
    tensors' device type.  ``"promote"`` casts every eligible tensor to the widest floating dtype among
    them.  Call it at an op's entry point: ``x, w, b = cast_inputs("lower_precision_fp", x, w, b)``.
    """
    if op_category not in CATEGORIES:
        raise ValueError(f"cast_inputs(): unknown op category {op_category!r}; expected one of {CATEGORIES}")
    if not _any_enabled():
        return tensors
    device_type = next((_device_type_of(t) for t in tensors if isinstance(t, Tensor)), None)
    if device_type is None or not _ENABLED[device_type]:
        return tensors
    if op_category == "lower_precision_fp":
        target = _DTYPE[device_type]
    elif op_category == "fp32":
        target = D.float32
    else:
        floats = [t.dtype for t in tensors if isinstance(t, Tensor) and t.dtype.is_floating_point]
        if not floats:
            return tensors
        target = functools.reduce(D.promote_types, floats)
        return tuple(t.to(target) if isinstance(t, Tensor) and t.dtype.is_floating_point and t.dtype is not target
                     else t for t in tensors)
    return tuple(t.to(target) if _eligible(t, device_type) and t.dtype is not target else t for t in tensors)


def category_of(op_name: str, device_type: str = "cpu"):
    """The autocast category of ``op_name`` on ``device_type`` (None: the op runs in its input dtype)."""
    table = POLICY[_check_device_type(device_type)]
    for cat in CATEGORIES:
        if op_name in table[cat]:
            return cat
    return None


def cast_for(op_name: str, *tensors):
    """:func:`cast_inputs` with the category PyTorch's policy gives ``op_name`` (a no-op for other ops)."""
    if not _any_enabled():
        return tensors
    device_type = next((_device_type_of(t) for t in tensors if isinstance(t, Tensor)), None)
    if device_type is None or not _ENABLED[device_type]:
        return tensors
    cat = category_of(op_name, device_type)
    return tensors if cat is None else cast_inputs(cat, *tensors)


def autocast_decorator(autocast_instance, func):
    @functools.wraps(func)
    def decorate_autocast(*args, **kwargs):
        with autocast_instance:
            return func(*args, **kwargs)
    return decorate_autocast


class autocast:
    """Context manager / decorator enabling autocast for ``device_type`` ("cpu" or "cuda").

    >>> with ember.autocast("cpu"):
    ...     ember.is_autocast_enabled("cpu")
    True
    """

    def __init__(self, device_type: str, dtype=None, enabled: bool = True, cache_enabled: bool | None = None):
        _check_device_type(device_type)
        self.device = device_type
        self.fast_dtype = get_autocast_dtype(device_type) if dtype is None else dtype
        self._cache_enabled = is_autocast_cache_enabled() if cache_enabled is None else cache_enabled
        if enabled:
            if device_type == "cuda":
                from .. import cuda
                if not cuda.is_available():
                    warnings.warn("CUDA is not available or torch_xla is imported. Disabling autocast.", stacklevel=2)
                    enabled = False
            elif self.fast_dtype not in (D.bfloat16, D.float16):
                name = device_type.upper()
                warnings.warn(f"In {name} autocast, but the target dtype is not supported. Disabling autocast.\n"
                              f"{name} Autocast only supports dtypes of ember.bfloat16, ember.float16 currently.",
                              stacklevel=2)
                enabled = False
        self._enabled = enabled

    def __enter__(self):
        self.prev_cache_enabled = is_autocast_cache_enabled()
        self.prev = _ENABLED[self.device]
        self.prev_fastdtype = _DTYPE[self.device]
        _ENABLED[self.device] = self._enabled
        _DTYPE[self.device] = self.fast_dtype
        autocast_increment_nesting()
        set_autocast_cache_enabled(self._cache_enabled)
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        if autocast_decrement_nesting() == 0:
            clear_autocast_cache()
        _ENABLED[self.device] = self.prev
        _DTYPE[self.device] = self.prev_fastdtype
        set_autocast_cache_enabled(self.prev_cache_enabled)
        return False

    def __call__(self, func):
        if not callable(func):
            raise TypeError(f"autocast()(func) requires a callable, but got {type(func).__name__}. Did you mean to use "
                            "autocast as a context manager? For example:\n    with ember.autocast(device_type=...):\n"
                            "        output = model(input)")
        return autocast_decorator(self, func)


def _cast(value, device_type, dtype):
    if isinstance(value, Tensor):
        return value.to(dtype) if _eligible(value, device_type) else value
    if isinstance(value, (str, bytes)):
        return value
    if isinstance(value, collections.abc.Mapping):
        return {_cast(k, device_type, dtype): _cast(v, device_type, dtype) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cast(v, device_type, dtype) for v in value)
    return value


def custom_fwd(fwd=None, *, device_type: str, cast_inputs=None):
    """Decorator for a custom ``autograd.Function.forward``: records the autocast state for ``custom_bwd``;
    with ``cast_inputs`` runs the forward in that dtype with autocast off."""
    if not isinstance(device_type, str):
        raise ValueError(  # noqa: TRY004 (PyTorch raises ValueError)
            f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
    if fwd is None:
        return functools.partial(custom_fwd, device_type=device_type, cast_inputs=cast_inputs)

    @functools.wraps(fwd)
    def decorate_fwd(*args, **kwargs):
        args[0]._dtype = get_autocast_dtype(device_type)
        if cast_inputs is None:
            args[0]._fwd_used_autocast = is_autocast_enabled(device_type)
            return fwd(*args, **kwargs)
        args[0]._fwd_used_autocast = False
        if is_autocast_enabled(device_type):
            with autocast(device_type=device_type, enabled=False):
                return fwd(*_cast(args, device_type, cast_inputs), **_cast(kwargs, device_type, cast_inputs))
        return fwd(*args, **kwargs)
    return decorate_fwd


def custom_bwd(bwd=None, *, device_type: str):
    """Decorator for a custom ``backward``: runs it under the autocast state its forward saw."""
    if not isinstance(device_type, str):
        raise ValueError(  # noqa: TRY004 (PyTorch raises ValueError)
            f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
    if bwd is None:
        return functools.partial(custom_bwd, device_type=device_type)

    @functools.wraps(bwd)
    def decorate_bwd(*args, **kwargs):
        with autocast(device_type=device_type, enabled=args[0]._fwd_used_autocast, dtype=args[0]._dtype):
            return bwd(*args, **kwargs)
    return decorate_bwd


def set_autocast_cpu_enabled(enabled):
    _ENABLED["cpu"] = bool(enabled)


def set_autocast_cpu_dtype(dtype):
    _DTYPE["cpu"] = dtype


def set_autocast_gpu_dtype(dtype):
    _DTYPE["cuda"] = dtype


# what ``ember/__init__.py`` re-exports at top level (``torch.autocast``, ``torch.is_autocast_enabled`` ...)
TOP_LEVEL = ("autocast", "autocast_decrement_nesting", "autocast_increment_nesting", "clear_autocast_cache",
             "get_autocast_cpu_dtype", "get_autocast_dtype", "get_autocast_gpu_dtype", "is_autocast_cache_enabled",
             "is_autocast_cpu_enabled", "is_autocast_enabled", "set_autocast_cache_enabled", "set_autocast_cpu_dtype",
             "set_autocast_cpu_enabled", "set_autocast_dtype", "set_autocast_enabled", "set_autocast_gpu_dtype")


def autocast_entry(op_name: str):
    """Decorate a public function so its tensor arguments (also inside list/tuple arguments, and keyword
    arguments) are cast by PyTorch's autocast policy for ``op_name`` when autocast is active."""
    def deco(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            if ACTIVE[0]:
                args, kwargs = _cast_call(op_name, args, kwargs)
            return fn(*args, **kwargs)
        wrapper.__wrapped_autocast__ = op_name
        return wrapper
    return deco


def _cast_call(op_name, args, kwargs):
    slots = []  # (container kind, key, index-in-sequence or None)
    flat = []
    for i, a in enumerate(args):
        if isinstance(a, Tensor):
            slots.append(("arg", i, None))
            flat.append(a)
        elif isinstance(a, (list, tuple)) and a and all(isinstance(x, Tensor) for x in a):
            for j, x in enumerate(a):
                slots.append(("arg", i, j))
                flat.append(x)
    for k, v in kwargs.items():
        if isinstance(v, Tensor):
            slots.append(("kw", k, None))
            flat.append(v)
    if not flat:
        return args, kwargs
    cast = cast_for(op_name, *flat)
    args = [list(a) if isinstance(a, (list, tuple)) and not isinstance(a, Tensor) else a for a in args]
    kwargs = dict(kwargs)
    for (kind, key, j), t in zip(slots, cast):
        if kind == "kw":
            kwargs[key] = t
        elif j is None:
            args[key] = t
        else:
            args[key][j] = t
    return tuple(args), kwargs
