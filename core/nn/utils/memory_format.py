"""``convert_conv2d_weight_memory_format`` / ``convert_conv3d_weight_memory_format``.

ember tensors have one (row-major) memory format, so conversion leaves every weight as it is; the functions
exist so PyTorch code that calls them runs unchanged, and return the module like PyTorch does.
"""
from __future__ import annotations

from typing import TypeVar

__all__ = ["convert_conv2d_weight_memory_format", "convert_conv3d_weight_memory_format"]

_M = TypeVar("_M")


def convert_conv2d_weight_memory_format(module: _M, memory_format) -> _M:
    """Return ``module`` (and its children) unchanged: ember has a single memory format."""
    return module


def convert_conv3d_weight_memory_format(module: _M, memory_format) -> _M:
    """Return ``module`` (and its children) unchanged: ember has a single memory format."""
    return module
