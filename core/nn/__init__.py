"""``ember.nn`` (``torch.nn``): modules, parameters, functional ops, initialisation and utilities."""
from __future__ import annotations

from .parameter import Parameter, Buffer, UninitializedParameter, UninitializedBuffer
from .modules import *  # noqa: F401,F403  (curated: each submodule's __all__)
from .modules import __all__ as _modules_all
from . import functional, init, utils, parallel, attention

__all__ = ["Parameter", "Buffer", "UninitializedParameter", "UninitializedBuffer", "functional", "init",
           "utils", "parallel", "attention"] + list(_modules_all)
