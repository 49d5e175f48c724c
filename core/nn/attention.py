"""``ember.nn.attention`` (``torch.nn.attention``): choosing a scaled-dot-product-attention kernel.

ember's ``scaled_dot_product_attention`` has one implementation per backend (the math one, or a backend's
fused kernel), always numerically correct; so :func:`sdpa_kernel` validates its argument like PyTorch,
records the selection for the block (see :func:`current_sdpa_backends`) and otherwise changes nothing.
"""
from __future__ import annotations

import contextlib
from enum import IntEnum

__all__ = ["WARN_FOR_UNFUSED_KERNELS", "SDPBackend", "sdpa_kernel"]

WARN_FOR_UNFUSED_KERNELS = False


class SDPBackend(IntEnum):
    """The attention kernels PyTorch can choose between (same names and values)."""

    ERROR = -1
    MATH = 0
    FLASH_ATTENTION = 1
    EFFICIENT_ATTENTION = 2
    CUDNN_ATTENTION = 3
    OVERRIDEABLE = 4


_ALL = [SDPBackend.MATH, SDPBackend.FLASH_ATTENTION, SDPBackend.EFFICIENT_ATTENTION, SDPBackend.CUDNN_ATTENTION,
        SDPBackend.OVERRIDEABLE]
_CURRENT = [list(_ALL)]


def current_sdpa_backends() -> list:
    """The backends the innermost :func:`sdpa_kernel` block selected (all of them outside any block)."""
    return list(_CURRENT[0])


@contextlib.contextmanager
def sdpa_kernel(backends, set_priority: bool = False):
    """Select attention backends for the block: accepted and recorded; ember runs its one implementation.

        with sdpa_kernel(SDPBackend.FLASH_ATTENTION):
            out = F.scaled_dot_product_attention(q, k, v)
    """
    if not isinstance(backends, (list, SDPBackend)):
        raise AssertionError(f"Backend must be an instance of SDPBackend or a list of SDPBackend instances, "
                             f"got {type(backends).__name__}")
    if isinstance(backends, SDPBackend):
        backends = [backends]
    previous = _CURRENT[0]
    _CURRENT[0] = list(dict.fromkeys(backends))
    try:
        yield {}
    finally:
        _CURRENT[0] = previous
