"""Backend capability data and the kernel registry handed to plugins."""
from __future__ import annotations

from dataclasses import dataclass, field

from .._op import OPS, kernel_fits

_ALL_DTYPE_NAMES = ("bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64")


@dataclass(frozen=True)
class BackendSpec:
    """What a backend declares about itself, as data.

    name:         the backend's name, used in ``EMBER_BACKEND`` and device strings.
    version:      the plugin's version string.
    device_type:  ``"cpu"`` or ``"gpu"``; ``"cpu"``/``"cuda"`` device strings pick
                  the available backend of that kind with the highest priority.
    dtypes:       names of the dtypes its kernels support.
    host_memory:  storage is host memory shared with NumPy (zero-copy ``numpy()``).
    inherits:     name of a backend whose kernels serve every op this one does not
                  implement (its arrays must be the same kind of object).
    available:    False when the backend cannot run here; ``reason`` says why.
    priority:     higher wins when choosing the default backend of a device kind.
    description:  one line for humans (``python -m ember.backends``).
    extra:        free-form capability data a plugin wants to publish.
    """

    name: str
    version: str = "0"
    device_type: str = "cpu"
    dtypes: tuple = _ALL_DTYPE_NAMES
    host_memory: bool = True
    inherits: str | None = None
    available: bool = True
    reason: str = ""
    priority: int = 0
    description: str = ""
    extra: dict = field(default_factory=dict)


class KernelRegistrationError(ValueError):
    """A plugin registered a kernel the registry cannot accept."""


class KernelRegistry:
    """Collects one backend's kernels.  Passed to ``ember_register_kernels``."""

    def __init__(self, backend_name: str, plugin_name: str):
        self.backend_name = backend_name
        self.plugin_name = plugin_name
        self.kernels: dict = {}

    def register(self, op_name: str, fn) -> None:
        """Register ``fn`` as this backend's kernel for ``op_name``."""
        op = OPS.get(op_name)
        if op is None:
            raise KernelRegistrationError(
                f"plugin {self.plugin_name!r} registered a kernel for unknown op {op_name!r}; "
                f"ops are declared in ember.ops (see `python -m ember.backends --ops`)")
        why = kernel_fits(op, fn)
        if why:
            raise KernelRegistrationError(f"plugin {self.plugin_name!r}, op {op_name!r}: {why}")
        self.kernels[op_name] = fn

    def register_many(self, mapping) -> None:
        for name, fn in mapping.items():
            self.register(name, fn)

    def kernel(self, op_name: str):
        """Decorator form: ``@registry.kernel("add")``."""
        def deco(fn):
            self.register(op_name, fn)
            return fn
        return deco
