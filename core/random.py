"""``ember.random``: generators, seeding and RNG state (``torch.random`` names).

Random numbers are reproducible per backend: a :class:`Generator` holds a seed
and a state native to one backend, created by that backend's ``rng_new``
kernel and advanced by its sampling kernels.  Each backend has a default
generator, created lazily from the global seed; :func:`manual_seed` reseeds
all of them.  The same seed gives the same numbers on the same backend in
every run; different backends give different numbers.

    >>> g = ember.Generator().manual_seed(0)
    >>> a = ember.rand(3, generator=g)
    >>> _ = g.manual_seed(0)
    >>> ember.rand(3, generator=g).tolist() == a.tolist()
    True
"""
from __future__ import annotations

import contextlib
import os

__all__ = ["Generator", "manual_seed", "seed", "initial_seed", "get_rng_state", "set_rng_state", "fork_rng",
           "default_generator"]

_DEFAULT_SEED = 67280421310721  # PyTorch's default CPU seed
_U64 = 1 << 64
_global_seed = [_DEFAULT_SEED]
_defaults: dict = {}  # backend name -> that backend's default Generator


def _check_seed(seed):
    if not -(1 << 63) <= seed < _U64:
        raise ValueError(f"Overflow when unpacking long long: seed must be in [-2**63, 2**64), got {seed}")
    return seed % _U64  # negative seeds wrap like PyTorch (-1 -> 2**64 - 1)


def _fresh_seed():
    return int.from_bytes(os.urandom(8), "little")


def _kernel(backend, name):
    from ._dispatch import kernel_for
    from ._op import OPS
    return kernel_for(OPS[name], backend)


class Generator:
    """A pseudo-random number generator for one backend (``torch.Generator``).

    ``device`` picks the backend as for tensors (``"cpu"``, ``"cuda"`` or a
    backend name); pass the generator to random ops through ``generator=``.
    """

    def __init__(self, device="cpu"):
        from ._device import device as _device
        self._device = _device(device)
        self._seed = _DEFAULT_SEED
        self._native = None  # the backend's RNG state, created on first use
        self._backend = None

    @property
    def device(self):
        return self._device

    def _resolve(self):
        if self._backend is None:
            self._backend = self._device._backend.require()
        return self._backend

    def _state_on(self, backend, op):
        """The native state, checking that ``backend`` is the one this generator draws for."""
        b = self._resolve()
        if b is not backend:
            want = _device_of(backend)
            if want.type != self._device.type:
                raise RuntimeError(f"{op}(): Expected a '{want.type}' device type for generator but found "
                                   f"'{self._device.type}'")
            raise RuntimeError(f"{op}(): the generator draws for backend {b.name!r} but the tensor is on backend "
                               f"{backend.name!r}; create it with ember.Generator(device={str(want)!r})")
        if self._native is None:
            self._native = _kernel(b, "rng_new")(self._seed)
        return self._native

    def manual_seed(self, seed) -> "Generator":
        """Reseed with ``seed`` (an int in [-2**63, 2**64)); returns ``self``."""
        if isinstance(seed, float):
            raise RuntimeError("manual_seed expected a long, but got float")
        if not hasattr(seed, "__index__"):
            raise TypeError(f"manual_seed(): argument 'seed' must be int, not {type(seed).__name__}")
        self._seed = _check_seed(seed.__index__())
        self._native = None
        return self

    def seed(self) -> int:
        """Reseed from a non-deterministic source; returns the new seed."""
        s = _fresh_seed()
        self.manual_seed(s)
        return s

    def initial_seed(self) -> int:
        return self._seed

    def _snapshot(self):
        if self._native is None:
            return self._seed, None
        return self._seed, bytes(_kernel(self._resolve(), "rng_get_state")(self._native))

    def _restore(self, snap):
        self._seed, data = snap
        if data is None:
            self._native = None
            return
        b = self._resolve()
        native = _kernel(b, "rng_new")(self._seed)
        self._native = _kernel(b, "rng_set_state")(native, data)

    def get_state(self):
        """The state as a uint8 CPU tensor: the seed (8 bytes) then the backend's native state."""
        from .ops.creation import tensor
        from . import _dtype as D
        self._state_on(self._resolve(), "get_state")
        s, data = self._snapshot()
        return tensor(list(s.to_bytes(8, "little") + data), dtype=D.uint8, device="cpu")

    def set_state(self, new_state) -> "Generator":
        """Restore a state returned by :meth:`get_state` of a generator on the same backend."""
        from ._tensor import Tensor
        from . import _dtype as D
        if not isinstance(new_state, Tensor):
            raise TypeError(f"expected a torch.ByteTensor, but got {type(new_state).__name__}")
        if new_state.dtype is not D.uint8:
            raise TypeError(f"RNG state must be a torch.ByteTensor, got a tensor of dtype {new_state.dtype}")
        data = bytes(new_state.reshape(-1).tolist())
        if len(data) <= 8:
            raise RuntimeError(f"set_state(): expected a generator state of more than 8 bytes (seed + backend "
                               f"state), but found the input RNG state size to be {len(data)}")
        self._restore((int.from_bytes(data[:8], "little"), data[8:]))
        return self

    def __reduce__(self):
        return _rebuild_generator, (str(self._device), self._snapshot())

    def __repr__(self):
        return f"<ember.Generator object at {hex(id(self))}, device='{self._device}'>"


def _rebuild_generator(device, snap):
    g = Generator(device)
    g._restore(snap)
    return g


def _device_of(backend):
    from ._device import device
    return device._of_backend(backend)


default_generator = Generator("cpu")


def default_for(backend) -> Generator:
    """The default generator of ``backend`` (created from the global seed on first use)."""
    g = _defaults.get(backend.name)
    if g is None:
        if default_generator._resolve() is backend:
            g = default_generator
        else:
            g = Generator(_device_of(backend))
            g._backend = backend
            g._seed = _global_seed[0]
        _defaults[backend.name] = g
    return g


def generator_state(generator, backend, op):
    """The native RNG state an op on ``backend`` draws from: ``generator``'s or the default one."""
    if generator is None:
        return default_for(backend)._state_on(backend, op)
    if not isinstance(generator, Generator):
        raise TypeError(f"{op}(): argument 'generator' must be torch.Generator, not {type(generator).__name__}")
    return generator._state_on(backend, op)


def _all_defaults():
    gens = {id(default_generator): default_generator}
    for g in _defaults.values():
        gens[id(g)] = g
    return list(gens.values())


def manual_seed(seed) -> Generator:
    """Seed every backend's default generator; returns the default CPU generator.

    >>> ember.manual_seed(0) is ember.default_generator
    True
    """
    s = _check_seed(int(seed))
    _global_seed[0] = s
    for g in _all_defaults():
        g.manual_seed(s)
    return default_generator


def seed() -> int:
    """Seed every default generator from a non-deterministic source; returns that 64-bit seed."""
    s = _fresh_seed()
    manual_seed(s)
    return s


def initial_seed() -> int:
    """The seed of the default CPU generator."""
    return default_generator.initial_seed()


def get_rng_state():
    """The default CPU generator's state as a uint8 tensor."""
    return default_generator.get_state()


def set_rng_state(new_state) -> None:
    """Restore the default CPU generator's state from :func:`get_rng_state`."""
    default_generator.set_state(new_state)


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, _caller="fork_rng", _devices_kw="devices", device_type=None):
    """Run a block with forked RNGs: on exit every default generator is back in its previous state.

    Every backend's default generator is forked (``devices`` and ``device_type``
    are accepted for PyTorch compatibility).
    """
    if not enabled:
        yield
        return
    saved_seed = _global_seed[0]
    saved = {id(g): (g, g._snapshot()) for g in _all_defaults()}
    before = dict(_defaults)
    try:
        yield
    finally:
        _global_seed[0] = saved_seed
        for g, snap in saved.values():
            g._restore(snap)
        # defaults first used inside the block start afresh from the seed next time
        _defaults.clear()
        _defaults.update(before)
