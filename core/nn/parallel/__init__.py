"""``ember.nn.parallel`` (``torch.nn.parallel``): ``DataParallel`` and ``DistributedDataParallel``."""
from __future__ import annotations

from ..modules.data_parallel import DataParallel
from .distributed import DistributedDataParallel

__all__ = ["DataParallel", "DistributedDataParallel"]
