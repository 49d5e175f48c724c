"""Backend objects: a spec plus a resolved dispatch table."""
from __future__ import annotations

import os

from .. import _dtype
from .._errors import BackendUnavailable
from .._op import OPS


class Backend:
    """A loaded backend.  ``table`` maps op name -> kernel for every op it can run
    natively or through inheritance; ``source`` records where each came from."""

    __slots__ = ("name", "spec", "plugin", "table", "source", "native", "_loaded", "load_error",
                 "dtypes", "parent", "__weakref__")

    def __init__(self, spec, plugin):
        self.name = spec.name
        self.spec = spec
        self.plugin = plugin
        self.table = {}
        self.source = {}
        self.native = {}
        self._loaded = False
        self.load_error = None
        self.parent = None
        self.dtypes = frozenset(_dtype.BY_NAME[n] for n in spec.dtypes if n in _dtype.BY_NAME)

    @property
    def available(self):
        return self.spec.available and self.load_error is None

    @property
    def device_type(self):
        return self.spec.device_type

    def __repr__(self):
        state = "available" if self.available else f"unavailable: {self.why_unavailable()}"
        return f"<ember backend {self.name!r} ({self.spec.device_type}, {state})>"

    def why_unavailable(self):
        if self.load_error is not None:
            return self.load_error
        return self.spec.reason or "unavailable"

    def ensure_loaded(self):
        if not self._loaded:
            from ._discovery import load_kernels
            load_kernels(self)
        return self

    def require(self):
        """Raise unless this backend can be used."""
        if not self.available:
            raise BackendUnavailable(f"ember backend {self.name!r} is unavailable: {self.why_unavailable()}")
        return self.ensure_loaded()

    def kernel_kind(self, op_name):
        """'native', 'inherited', 'decomposed' or 'missing' for the coverage report."""
        self.ensure_loaded()
        if op_name in self.source:
            return self.source[op_name]
        op = OPS[op_name]
        if op.decomposition is not None:
            return "decomposed"
        return "missing"

    def coverage(self):
        return {name: self.kernel_kind(name) for name in sorted(OPS)}


def strict_mode() -> bool:
    return os.environ.get("EMBER_STRICT", "") not in ("", "0")
