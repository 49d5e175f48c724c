"""math ops (being written)."""
from __future__ import annotations

INPLACE = ()
