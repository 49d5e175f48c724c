"""``ember.types`` (``torch.types``): the type aliases PyTorch code uses in annotations."""
from __future__ import annotations

import os
from builtins import (  # noqa: F401  (torch.types' names for the builtins that ember's namespace shadows)
    bool as _bool,
    bytes as _bytes,
    complex as _complex,
    float as _float,
    int as _int,
    str as _str,
)
from collections.abc import Sequence
from typing import IO, TypeAlias

from ._device import device as _device
from ._dtype import dtype as _dtype
from ._tensor import Size, Tensor

__all__ = ["Device", "FileLike", "Number", "Storage"]

_TensorOrTensors: TypeAlias = Tensor | Sequence[Tensor]
_TensorOrOptionalTensors: TypeAlias = Tensor | Sequence[Tensor | None]
_size: TypeAlias = Size | list[int] | tuple[int, ...]

Number: TypeAlias = int | float | bool
_Number = (int, float, bool)  # for isinstance(x, _Number)
FileLike: TypeAlias = str | os.PathLike[str] | IO[bytes]
Device: TypeAlias = _device | str | int | None  # device-like; None means the default device
IntLikeType: TypeAlias = int
FloatLikeType: TypeAlias = float
BoolLikeType: TypeAlias = bool


class Storage:
    """The storage protocol named in annotations; ember's tensors expose no separate storage objects."""

    device: _device
    dtype: _dtype
