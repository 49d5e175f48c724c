"""``skip_init``: build a module without running its parameter initialisation."""
from __future__ import annotations

import inspect

__all__ = ["skip_init"]


def skip_init(module_cls, *args, **kwargs):
    """Instantiate ``module_cls(*args, **kwargs)`` with uninitialised (empty) parameters and buffers.

    The class must accept a ``device`` argument. ember has no ``meta`` device, so the module is built on its
    final device and its tensors are then replaced by empty ones (``to_empty``): the values are uninitialised,
    as in PyTorch, but construction still pays for the default initialisation.
    """
    from ..modules.module import Module
    if not isinstance(module_cls, type) or not issubclass(module_cls, Module):
        raise RuntimeError(f"Expected a Module; got {module_cls}")
    if "device" not in inspect.signature(module_cls).parameters:
        raise RuntimeError("Module must support a 'device' arg to skip initialization")
    final_device = kwargs.pop("device", "cpu")
    kwargs["device"] = final_device
    return module_cls(*args, **kwargs).to_empty(device=final_device)
