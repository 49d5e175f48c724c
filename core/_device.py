"""``ember.device``: PyTorch's device strings mapped onto backends.

``"cpu"`` means the default CPU backend, ``"cuda"``/``"cuda:N"`` the GPU
backend, and a backend name (``"numpy"``, ``"c_ext"``, ``"cupy:0"``) that
backend.  ``device.type`` is ``"cpu"`` or ``"cuda"`` as in PyTorch;
``device.backend`` names the backend.
"""
from __future__ import annotations

from ._errors import BackendUnavailable, UnknownBackend

_KIND_TO_TYPE = {"cpu": "cpu", "gpu": "cuda"}


class device:
    """A device: where a tensor's storage lives, i.e. which backend computes on it."""

    __slots__ = ("_type", "_index", "_bname", "_b")

    def __init__(self, type, index=None):
        if isinstance(type, device):
            self._type, self._index, self._bname, self._b = type._type, type._index, type._bname, type._b
            return
        self._b = None
        if isinstance(type, int) and not isinstance(type, bool):
            type, index = "cuda", type
        if not isinstance(type, str):
            raise TypeError(f"device() expects a string, an int or a device, got {type.__class__.__name__}")
        name = type.strip()
        if ":" in name:
            name, _, idx = name.partition(":")
            if index is not None:
                raise RuntimeError(f"type (string) must not include an index because index was passed explicitly: {type}")
            if not idx.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}'")
            index = int(idx)
        if index is not None and (not isinstance(index, int) or index < 0):
            raise RuntimeError(f"Device index must not be negative, got {index}")
        if name in ("cpu", "cuda"):
            self._type, self._bname = name, None
        else:
            from .backends._discovery import all_backends, broken_plugins
            backends = all_backends()
            b = backends.get(name)
            if b is None:
                if name in broken_plugins():
                    raise BackendUnavailable(f"ember backend {name!r} failed to load: {broken_plugins()[name]}")
                raise UnknownBackend(
                    f"Expected one of cpu, cuda or an installed ember backend name at the start of device "
                    f"string, got {type!r}; installed backends: {', '.join(sorted(backends))}")
            self._type = _KIND_TO_TYPE.get(b.spec.device_type, b.spec.device_type)
            self._bname = name
        if self._type == "cuda" and index is None and self._bname is not None:
            index = 0
        self._index = index

    @classmethod
    def _of_backend(cls, backend, index=None):
        d = object.__new__(cls)
        d._type = _KIND_TO_TYPE.get(backend.spec.device_type, backend.spec.device_type)
        d._bname = backend.name
        d._index = 0 if d._type == "cuda" and index is None else index
        d._b = backend
        return d

    @property
    def type(self) -> str:
        return self._type

    @property
    def index(self):
        return self._index

    @property
    def _backend(self):
        b = self._b
        if b is None:
            from .backends import _discovery as disc
            if self._bname is not None:
                b = disc.get_backend(self._bname)
            elif self._type == "cpu":
                d = disc.default_backend()
                b = d if d.spec.device_type == "cpu" else disc.best_backend("cpu")
                if b is None:
                    raise BackendUnavailable("no available CPU backend")
            else:
                d = disc.default_backend()
                b = d if d.spec.device_type == "gpu" else disc.best_backend("gpu")
                if b is None:
                    raise AssertionError(
                        "ember has no available GPU backend: install CuPy (pip install 'ember[cuda12]') "
                        "on a machine with an NVIDIA GPU; `python -m ember.backends` says why it is unavailable")
            self._b = b
        return b

    @property
    def backend(self) -> str:
        return self._backend.name

    def _is_plain(self):
        """True when the bare device type string names this backend."""
        try:
            return device(self._type)._backend is self._backend
        except Exception:  # noqa: BLE001
            return False

    def __str__(self):
        if self._bname is None or self._is_plain():
            base = self._type
        else:
            base = self._bname
        return base if self._index is None else f"{base}:{self._index}"

    def __repr__(self):
        extra = "" if self._bname is None or self._is_plain() else f", backend='{self._bname}'"
        idx = "" if self._index is None else f", index={self._index}"
        return f"device(type='{self._type}'{idx}{extra})"

    def __eq__(self, other):
        if isinstance(other, str):
            try:
                other = device(other)
            except Exception:  # noqa: BLE001
                return False
        if not isinstance(other, device):
            return NotImplemented
        if self._type != other._type:
            return False
        if self._index is not None and other._index is not None and self._index != other._index:
            return False
        try:
            return self._backend is other._backend
        except Exception:  # noqa: BLE001
            return self._bname == other._bname

    def __hash__(self):
        return hash((self._type, self._index))

    def __reduce__(self):
        return (device, (str(self),))


def as_backend(dev):
    """Backend for a device-like argument (None means the default backend)."""
    if dev is None:
        from .backends._discovery import default_backend
        return default_backend()
    if isinstance(dev, device):
        return dev._backend
    return device(dev)._backend
