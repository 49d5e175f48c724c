"""``ember.cuda.amp`` (``torch.cuda.amp``): PyTorch's deprecated spellings of ``ember.amp``'s CUDA autocast.

Each name behaves as its ``ember.amp`` counterpart with ``device_type="cuda"`` and warns with PyTorch's
``FutureWarning`` text, so a script ported from PyTorch sees the same deprecation notice. Without a GPU
backend, autocast and the scaler disable themselves with PyTorch's warnings (as a CPU-only PyTorch does).
"""
from __future__ import annotations

import functools
import warnings

from .. import amp as _amp
from .._dtype import float16

__all__ = ["GradScaler", "amp_definitely_not_available", "autocast", "custom_bwd", "custom_fwd"]


def _deprecated(old: str, new: str) -> None:
    warnings.warn(f"`torch.cuda.amp.{old}(args...)` is deprecated. Please use `{new}` instead.", FutureWarning,
                  stacklevel=3)


class autocast(_amp.autocast):
    """``ember.amp.autocast("cuda", ...)`` under its deprecated name (float16 by default)."""

    def __init__(self, enabled: bool = True, dtype=float16, cache_enabled: bool = True) -> None:
        _deprecated("autocast", "torch.amp.autocast('cuda', args...)")
        super().__init__("cuda", dtype=dtype, enabled=enabled, cache_enabled=cache_enabled)


class GradScaler(_amp.GradScaler):
    """``ember.amp.GradScaler("cuda", ...)`` under its deprecated name."""

    def __init__(self, init_scale: float = 2.0 ** 16, growth_factor: float = 2.0, backoff_factor: float = 0.5,
                 growth_interval: int = 2000, enabled: bool = True) -> None:
        _deprecated("GradScaler", "torch.amp.GradScaler('cuda', args...)")
        super().__init__("cuda", init_scale=init_scale, growth_factor=growth_factor,
                         backoff_factor=backoff_factor, growth_interval=growth_interval, enabled=enabled)


def custom_fwd(fwd=None, *, cast_inputs=None):
    """``ember.amp.custom_fwd(fwd, device_type="cuda", cast_inputs=...)`` under its deprecated name."""
    _deprecated("custom_fwd", "torch.amp.custom_fwd(args..., device_type='cuda')")
    return functools.partial(_amp.custom_fwd, device_type="cuda")(fwd=fwd, cast_inputs=cast_inputs)


def custom_bwd(bwd):
    """``ember.amp.custom_bwd(bwd, device_type="cuda")`` under its deprecated name."""
    _deprecated("custom_bwd", "torch.amp.custom_bwd(args..., device_type='cuda')")
    return _amp.custom_bwd(bwd, device_type="cuda")


def amp_definitely_not_available() -> bool:
    """True when no GPU backend can run CUDA autocast here."""
    from . import is_available
    return not is_available()
