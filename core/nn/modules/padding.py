"""Padding layers: zero / constant / reflection / replication / circular padding of 1-3 trailing dims."""
from __future__ import annotations

from ..functional._vision import pad as _pad
from .module import Module

__all__ = [
    "CircularPad1d",
    "CircularPad2d",
    "CircularPad3d",
    "ConstantPad1d",
    "ConstantPad2d",
    "ConstantPad3d",
    "ReflectionPad1d",
    "ReflectionPad2d",
    "ReflectionPad3d",
    "ReplicationPad1d",
    "ReplicationPad2d",
    "ReplicationPad3d",
    "ZeroPad1d",
    "ZeroPad2d",
    "ZeroPad3d",
]


def _ntuple(v, n):
    if isinstance(v, (list, tuple)):
        return tuple(v)
    return (v,) * n


class _PadNd(Module):
    __constants__ = ("padding",)
    _mode = "constant"
    _n = 2  # padding amounts: 2 per padded dim

    def __init__(self, padding) -> None:
        super().__init__()
        self.padding = _ntuple(padding, self._n)

    def _check_input_dim(self, input):
        d = self._n // 2
        if input.dim() not in (d + 1, d + 2):
            raise ValueError(f"expected {d + 1}D or {d + 2}D input (got {input.dim()}D input)")

    def forward(self, input):
        if self._mode == "circular":
            self._check_input_dim(input)
        return _pad(input, self.padding, self._mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    __constants__ = ("padding", "value")

    def __init__(self, padding, value: float) -> None:
        super().__init__(padding)
        self.value = value

    def forward(self, input):
        return _pad(input, self.padding, "constant", self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class _ZeroPad:
    """Mixin for ``ZeroPad{1,2,3}d``: a constant pad with value 0 whose repr shows only the padding."""

    def __init__(self, padding) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ConstantPad1d(_ConstantPadNd):
    """Pad the last dim with ``value``: ``padding`` an int or (left, right)."""
    _n = 2


class ConstantPad2d(_ConstantPadNd):
    """Pad the last 2 dims with ``value``: ``padding`` an int or (left, right, top, bottom)."""
    _n = 4


class ConstantPad3d(_ConstantPadNd):
    """Pad the last 3 dims with ``value``: ``padding`` an int or a 6-tuple."""
    _n = 6


class ZeroPad1d(_ZeroPad, ConstantPad1d):
    """Pad the last dim with zeros."""


class ZeroPad2d(_ZeroPad, ConstantPad2d):
    """Pad the last 2 dims with zeros."""


class ZeroPad3d(_ZeroPad, ConstantPad3d):
    """Pad the last 3 dims with zeros."""


class ReflectionPad1d(_PadNd):
    """Pad the last dim with its reflection (the edge is not repeated)."""
    _mode, _n = "reflect", 2


class ReflectionPad2d(_PadNd):
    _mode, _n = "reflect", 4


class ReflectionPad3d(_PadNd):
    _mode, _n = "reflect", 6


class ReplicationPad1d(_PadNd):
    """Pad the last dim by repeating its edge values."""
    _mode, _n = "replicate", 2


class ReplicationPad2d(_PadNd):
    _mode, _n = "replicate", 4


class ReplicationPad3d(_PadNd):
    _mode, _n = "replicate", 6


class CircularPad1d(_PadNd):
    """Pad the last dim by wrapping around (periodic boundary)."""
    _mode, _n = "circular", 2


class CircularPad2d(_PadNd):
    _mode, _n = "circular", 4


class CircularPad3d(_PadNd):
    _mode, _n = "circular", 6
