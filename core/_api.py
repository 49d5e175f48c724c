"""Small top-level helpers of the ``torch`` namespace."""
from __future__ import annotations

import os

from ._tensor import Tensor


def set_default_device(device) -> None:
    """Make ``device`` (a backend name, ``"cpu"`` or ``"cuda"``) the default for new tensors."""
    from .backends._discovery import set_default_backend, reset_default
    if device is None:
        reset_default()
        return
    set_default_backend(str(device) if not isinstance(device, str) else device)


def get_default_device():
    from ._device import device
    from .backends._discovery import default_backend
    return device._of_backend(default_backend())


def is_tensor(obj) -> bool:
    return isinstance(obj, Tensor)


def is_floating_point(input) -> bool:
    return input.dtype.is_floating_point


def numel(input) -> int:
    return input.numel()


def is_nonzero(input) -> bool:
    if input.numel() != 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return bool(input.item())


_threads = [os.cpu_count() or 1]


def set_num_threads(n: int) -> None:
    """Threads the CPU backends may use (honoured by backends that run threaded kernels)."""
    if not isinstance(n, int) or n < 1:
        raise ValueError(f"set_num_threads expects a positive integer, got {n!r}")
    _threads[0] = n
    from .backends._discovery import all_backends
    for b in all_backends().values():
        if b.available:
            b.ensure_loaded()
            k = b.table.get("set_num_threads")
            if k is not None:
                k(n)


def get_num_threads() -> int:
    return _threads[0]


def compile(model=None, **kwargs):
    """``torch.compile`` counterpart: ember runs eagerly, so the model is returned unchanged."""
    if model is None:
        return lambda m: m
    return model


def manual_seed_all(seed):
    from .random import manual_seed
    return manual_seed(seed)


def is_complex(input) -> bool:
    """ember has no complex dtypes: always False."""
    return False


def is_signed(input) -> bool:
    return input.dtype.is_signed


def is_same_size(input, other) -> bool:
    return tuple(input.shape) == tuple(other.shape)


def typename(obj) -> str:
    if isinstance(obj, Tensor):
        return obj.type()
    module = type(obj).__module__
    return type(obj).__qualname__ if module in ("builtins", None) else f"{module}.{type(obj).__qualname__}"


def detach(input):
    return input.detach()


def detach_(input):
    return input.detach_()


# --- global switches PyTorch scripts set; ember accepts and reports them ------------------

_flags = {"deterministic": False, "deterministic_warn_only": False, "matmul_precision": "highest",
          "interop_threads": 1, "warn_always": False}


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Accepted for compatibility: every ember kernel is deterministic already."""
    _flags["deterministic"] = bool(mode)
    _flags["deterministic_warn_only"] = bool(warn_only)


def are_deterministic_algorithms_enabled() -> bool:
    return _flags["deterministic"]


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    return _flags["deterministic_warn_only"]


def set_float32_matmul_precision(precision: str) -> None:
    """Accepted for compatibility ('highest', 'high', 'medium'); ember's CPU matmul is always full float32."""
    if precision not in ("highest", "high", "medium"):
        raise RuntimeError(f"Invalid precision: {precision!r}; expected 'highest', 'high' or 'medium'")
    _flags["matmul_precision"] = precision


def get_float32_matmul_precision() -> str:
    return _flags["matmul_precision"]


def set_num_interop_threads(n: int) -> None:
    if n < 1:
        raise RuntimeError(f"Number of inter-op threads must be positive, got {n}")
    _flags["interop_threads"] = n


def get_num_interop_threads() -> int:
    return _flags["interop_threads"]


def set_warn_always(b: bool) -> None:
    _flags["warn_always"] = bool(b)


def is_warn_always_enabled() -> bool:
    return _flags["warn_always"]


def is_anomaly_enabled() -> bool:
    from .autograd.grad_mode import STATE
    return STATE.anomaly


def is_anomaly_check_nan_enabled() -> bool:
    from .autograd.grad_mode import STATE
    return STATE.anomaly_check_nan


def set_anomaly_enabled(enabled: bool, check_nan: bool = True) -> None:
    from .autograd.grad_mode import STATE
    STATE.anomaly = bool(enabled)
    STATE.anomaly_check_nan = bool(check_nan)


# torch.<name>_(input, ...) functions that apply the in-place Tensor method
_INPLACE_FUNCTIONS = (
    "abs_", "acos_", "acosh_", "addmv_", "arccos_", "arccosh_", "arcsin_", "arcsinh_", "arctan_", "arctanh_", "asin_",
    "asinh_", "atan_", "atanh_", "ceil_", "clamp_", "clamp_max_", "clamp_min_", "clip_", "cos_", "cosh_", "deg2rad_",
    "erf_", "erfc_", "exp2_", "exp_", "expm1_", "fill_", "fix_", "floor_", "frac_", "ldexp_", "log10_", "log1p_",
    "log2_", "log_", "logit_", "nan_to_num_", "neg_", "negative_", "rad2deg_", "reciprocal_", "round_", "rsqrt_",
    "sigmoid_", "sin_", "sinh_", "sqrt_", "square_", "tan_", "tanh_", "trunc_", "xlogy_", "zero_")


def _inplace_function(name):
    def fn(input, *args, **kwargs):
        return getattr(input, name)(*args, **kwargs)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"``torch.{name}``: ``input.{name}(...)``, modifying ``input`` in place."
    return fn


INPLACE_FUNCTIONS = {name: _inplace_function(name) for name in _INPLACE_FUNCTIONS}


class memory_format:
    """``torch.memory_format``: ember tensors are always dense row-major, so the formats are accepted tags."""

    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"ember.{self.name}"


contiguous_format = memory_format("contiguous_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")
preserve_format = memory_format("preserve_format")
