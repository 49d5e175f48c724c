"""``ember.utils``: the counterpart of ``torch.utils`` (``ember.utils.data`` is the data-loading API)."""
from . import data

__all__ = ["data"]
