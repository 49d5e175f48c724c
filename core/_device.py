"""``ember.device``: PyTorch's device strings mapped onto backends.

``"cpu"`` means the default CPU backend, ``"cuda"``/``"cuda:N"`` the GPU
backend, and a backend name (``"numpy"``, ``"example"``, ``"cupy:0"``) that
backend.  ``device.type`` is ``"cpu"`` or ``"cuda"`` as in PyTorch;
``device.backend`` names the backend.  Strings are parsed eagerly (a bad one
raises ``RuntimeError`` at once); the backend is resolved when first used, so
``ember.device("cuda")`` works without a GPU and only using it raises.
"""
from __future__ import annotations

from ._errors import BackendUnavailable, UnknownBackend

_KIND_TO_TYPE = {"cpu": "cpu", "gpu": "cuda"}


class device:
    """A device: where a tensor's storage lives, i.e. which backend computes on it.

    >>> ember.device("cuda:1")
    device(type='cuda', index=1)
    """

    __slots__ = ("_type", "_index", "_bname", "_b")

    def __init__(self, type, index=None):
        if isinstance(type, device):
            if index is not None:
                raise RuntimeError(f"device(): index must not be passed together with a device, got index={index}")
            self._type, self._index, self._bname, self._b = type._type, type._index, type._bname, type._b
            return
        self._b = None
        if isinstance(type, int) and not isinstance(type, bool):
            # a bare index names the accelerator, as in torch 2.x
            from .backends._discovery import best_backend
            if best_backend("gpu") is None:
                raise RuntimeError("Cannot access accelerator device when none is available.")
            type, index = "cuda", type
        if not isinstance(type, str):
            raise TypeError(f"device() received an invalid combination of arguments - got ({type.__class__.__name__}), "
                            f"expected a device string, an int or an ember.device")
        if index is not None and (isinstance(index, bool) or not isinstance(index, int)):
            raise TypeError(f"device(): argument 'index' (position 2) must be int, not {index.__class__.__name__}")
        name = type
        if ":" in name:
            name, _, idx = name.partition(":")
            if index is not None:
                raise RuntimeError(
                    f"type (string) must not include an index because index was passed explicitly: {type}")
            if not idx.isdigit() or (len(idx) > 1 and idx[0] == "0"):
                raise RuntimeError(f"Invalid device string: '{type}'")
            index = int(idx)
        if index is not None and index < 0:
            raise RuntimeError(f"Device index must not be negative, got {index}")
        if name in ("cpu", "cuda"):
            self._type, self._bname = name, None
        else:
            b = _lookup(name, type)
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
            else:
                kind = "cpu" if self._type == "cpu" else "gpu"
                d = disc.default_backend() if kind == "cpu" or _default_is_gpu() else None
                b = d if d is not None and d.spec.device_type == kind else disc.best_backend(kind)
                if b is None:
                    if kind == "gpu":
                        raise AssertionError(no_gpu_message())
                    raise BackendUnavailable("no available CPU backend is installed; install ember's NumPy backend")
            self._b = b
        return b

    @property
    def backend(self) -> str:
        """Name of the backend this device resolves to."""
        return self._backend.name

    def _is_plain(self):
        """True when the bare device type string names this backend."""
        try:
            return device(self._type)._backend is self._backend
        except Exception:  # noqa: BLE001 - e.g. no GPU backend: then no backend is the plain one
            return False

    def __str__(self):
        base = self._type if self._bname is None or self._is_plain() else self._bname
        return base if self._index is None else f"{base}:{self._index}"

    def __repr__(self):
        idx = "" if self._index is None else f", index={self._index}"
        extra = "" if self._bname is None or self._is_plain() else f", backend='{self._bname}'"
        return f"device(type='{self._type}'{idx}{extra})"

    def __eq__(self, other):
        # as torch.device: equal type and index (None only equals None); never equal to a string
        if not isinstance(other, device):
            return NotImplemented
        if self._type != other._type or self._index != other._index:
            return False
        if self._bname == other._bname:
            return True
        try:
            return self._backend is other._backend
        except Exception:  # noqa: BLE001 - an unresolvable device equals only its own spelling
            return False

    def __hash__(self):
        return hash((self._type, self._index))

    def __reduce__(self):
        return (device, (str(self),))


def _lookup(name, spelled):
    from .backends._discovery import all_backends, broken_plugins
    backends = all_backends()
    b = backends.get(name)
    if b is not None:
        return b
    broken = broken_plugins()
    if name in broken:
        raise BackendUnavailable(f"ember backend {name!r} failed to load: {broken[name]}")
    raise UnknownBackend(
        f"Expected one of cpu, cuda or an installed ember backend name ({', '.join(sorted(backends))}) "
        f"at the start of device string: {spelled}")


def _default_is_gpu():
    from .backends._discovery import default_backend
    try:
        return default_backend().spec.device_type == "gpu"
    except Exception:  # noqa: BLE001
        return False


def no_gpu_message() -> str:
    """Why ``"cuda"`` cannot be used here (the counterpart of 'Torch not compiled with CUDA enabled')."""
    from .backends._discovery import all_backends
    gpus = [b for b in all_backends().values() if b.spec.device_type == "gpu"]
    why = "; ".join(f"backend {b.name!r} is unavailable: {b.why_unavailable()}" for b in gpus) or \
        "no GPU backend is installed"
    return (f"ember has no available CUDA/GPU backend ({why}). Install CuPy on a machine with an NVIDIA GPU, "
            f"or keep tensors on 'cpu'; `python -m ember.backends` lists the backends")


def as_backend(dev):
    """Backend for a device-like argument (None means the default backend)."""
    if dev is None:
        from .backends._discovery import default_backend
        return default_backend()
    if isinstance(dev, device):
        return dev._backend
    return device(dev)._backend
