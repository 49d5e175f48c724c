"""``ember.utils.hooks`` (``torch.utils.hooks``): hook handles and the full-backward-hook helper that
``ember.nn.Module`` uses, under PyTorch's public names."""
from __future__ import annotations

import warnings

from ..nn.modules._hooks import RemovableHandle
from ..nn.modules._hooks import _BackwardHook as BackwardHook

__all__ = ["BackwardHook", "RemovableHandle", "unserializable_hook", "warn_if_has_hooks"]


def unserializable_hook(f):
    """Mark ``f`` as a hook that is not meant to be serialized (silences :func:`warn_if_has_hooks`)."""
    f.__torch_unserializable__ = True
    return f


def warn_if_has_hooks(tensor) -> None:
    """Warn for each backward hook on ``tensor`` that would be lost by serializing it."""
    for hook in tensor._hooks or ():
        if not hasattr(hook, "__torch_unserializable__"):
            warnings.warn(f"backward hook {hook!r} on tensor will not be serialized.  If this is expected, you can "
                          "decorate the function with @torch.utils.hooks.unserializable_hook to suppress this "
                          "warning", stacklevel=2)
