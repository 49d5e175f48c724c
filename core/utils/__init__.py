"""``ember.utils``: the counterpart of ``torch.utils`` (``ember.utils.data`` is the data-loading API)."""
from . import data, _pytree, checkpoint, hooks

__all__ = ["data", "checkpoint", "hooks"]  # tensorboard: imported on demand, as in torch
