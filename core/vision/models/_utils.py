"""Small helpers shared by the model definitions (torchvision's ``models/_utils.py`` counterparts)."""
from __future__ import annotations

from typing import Any


def _make_divisible(v: float, divisor: int, min_value: int | None = None) -> int:
    """Round ``v`` to the nearest multiple of ``divisor`` (at least ``min_value``), never going more than
    10% below ``v``: the channel rounding of the MobileNet papers.

    >>> _make_divisible(32 * 0.75, 8)
    24
    """
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:  # rounding down must not remove more than 10%
        new_v += divisor
    return new_v


def _ovewrite_named_param(kwargs: dict[str, Any], param: str, new_value: Any) -> None:
    """Set ``kwargs[param] = new_value``; a caller-given different value raises ``ValueError``."""
    if param in kwargs:
        if kwargs[param] != new_value:
            raise ValueError(f"The parameter '{param}' expected value {new_value} but got {kwargs[param]} instead.")
    else:
        kwargs[param] = new_value
