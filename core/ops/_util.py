"""Small helpers shared by op declarations (argument normalisation, shape rules)."""
from __future__ import annotations

from .._tensor import Tensor


def wrap_dim(dim, ndim, op=None):
    n = ndim if ndim > 0 else 1
    try:
        d = dim.__index__()
    except AttributeError:
        raise TypeError(f"{op + '(): ' if op else ''}dim must be an int, got {type(dim).__name__}") from None
    if not -n <= d < n:
        raise IndexError(f"{op + '(): ' if op else ''}Dimension out of range (expected to be in range of "
                         f"[{-n}, {n - 1}], but got {d})")
    return d + n if d < 0 else d


def wrap_dims(dims, ndim, op=None):
    """Normalise ``dim`` (None, int or sequence) to a sorted tuple; None means all dims."""
    if dims is None:
        return tuple(range(ndim))
    if isinstance(dims, (int,)) or hasattr(dims, "__index__") and not isinstance(dims, (list, tuple)):
        return (wrap_dim(dims, ndim, op),)
    out = []
    for d in dims:
        w = wrap_dim(d, ndim, op)
        if w in out:
            raise RuntimeError(f"{op + '(): ' if op else ''}dim {w} appears multiple times in the list of dims")
        out.append(w)
    return tuple(sorted(out))


def broadcast_shapes(*shapes, op="broadcast_shapes"):
    """The broadcast of ``shapes``; raises PyTorch's RuntimeError when they don't broadcast."""
    ndim = max((len(s) for s in shapes), default=0)
    out = [1] * ndim
    for s in shapes:
        off = ndim - len(s)
        for i, n in enumerate(s):
            j = off + i
            m = out[j]
            if m == 1:
                out[j] = n
            elif n != 1 and n != m:
                raise RuntimeError(
                    f"{op}(): The size of tensor a ({m}) must match the size of tensor b ({n}) at non-singleton "
                    f"dimension {i}; shapes received: {', '.join(str(list(x)) for x in shapes)}")
    return tuple(out)


def as_shape(size, op="op"):
    """Accept ``f(2, 3)``, ``f((2, 3))``, ``f([2, 3])`` and ``f(ember.Size([2, 3]))``."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    out = []
    for s in size:
        if isinstance(s, Tensor):
            s = int(s)
        try:
            out.append(s.__index__())
        except AttributeError:
            raise TypeError(f"{op}(): argument 'size' must be a tuple of ints, but found element of type "
                            f"{type(s).__name__}") from None
    return tuple(out)


def is_tensor(x):
    return isinstance(x, Tensor)


def check_tensor(x, op, name="input"):
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}(): argument '{name}' must be Tensor, not {type(x).__name__}")
    return x


def numel(shape):
    n = 1
    for s in shape:
        n *= s
    return n


def reg(name):
    """Mark a function as a Tensor method too (bound in ember._tensor_methods)."""
    def deco(fn):
        METHODS[name] = fn
        return fn
    return deco


METHODS: dict = {}
