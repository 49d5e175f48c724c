"""ember's dtypes and PyTorch's type-promotion rules.

A dtype is a plain descriptor; backends map it to their native dtype.  The
promotion table follows ``torch.promote_types`` and ``torch.result_type``.
"""
from __future__ import annotations

__all__ = ["dtype", "bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16",
           "float32", "float64", "promote_types", "result_type", "can_cast",
           "get_default_dtype", "set_default_dtype", "finfo", "iinfo"]

import builtins as _builtins

_builtin_bool = bool


class dtype:
    """A tensor element type, e.g. ``ember.float32``."""

    __slots__ = ("name", "itemsize", "is_floating_point", "is_signed", "category", "_order")

    # category: 0 bool, 1 integer, 2 floating point
    def __init__(self, name, itemsize, category, is_signed, order):
        self.name = name
        self.itemsize = itemsize
        self.category = category
        self.is_floating_point = category == 2
        self.is_signed = is_signed
        self._order = order

    @property
    def is_complex(self):
        return False

    def to_real(self):
        return self

    def __repr__(self):
        return "ember." + self.name

    def __reduce__(self):
        return self.name

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


bool = dtype("bool", 1, 0, False, 0)
uint8 = dtype("uint8", 1, 1, False, 1)
int8 = dtype("int8", 1, 1, True, 2)
int16 = dtype("int16", 2, 1, True, 3)
int32 = dtype("int32", 4, 1, True, 4)
int64 = dtype("int64", 8, 1, True, 5)
float16 = dtype("float16", 2, 2, True, 6)
bfloat16 = dtype("bfloat16", 2, 2, True, 7)
float32 = dtype("float32", 4, 2, True, 8)
float64 = dtype("float64", 8, 2, True, 9)

ALL_DTYPES = (bool, uint8, int8, int16, int32, int64, float16, bfloat16, float32, float64)
FLOAT_DTYPES = (float16, bfloat16, float32, float64)
INT_DTYPES = (uint8, int8, int16, int32, int64)
BY_NAME = {d.name: d for d in ALL_DTYPES}
# PyTorch's aliases
BY_NAME.update(half=float16, float=float32, double=float64, short=int16, int=int32, long=int64)

# aliases exported at top level like torch.half / torch.long
half, float, double, short, int, long = float16, float32, float64, int16, int32, int64


def _promote_pair(a: dtype, b: dtype) -> dtype:
    if a is b:
        return a
    if a.category != b.category:
        hi, lo = (a, b) if a.category > b.category else (b, a)
        return hi
    if a.category == 0:
        return a
    if a.category == 1:
        if a.is_signed == b.is_signed:
            return a if a.itemsize >= b.itemsize else b
        u, s = (a, b) if not a.is_signed else (b, a)
        if s.itemsize > u.itemsize:
            return s
        return {1: int16, 2: int32, 4: int64, 8: int64}[u.itemsize]
    # floating
    if {a, b} == {float16, bfloat16}:
        return float32
    return a if a.itemsize >= b.itemsize else b


_PROMOTE = {(a, b): _promote_pair(a, b) for a in ALL_DTYPES for b in ALL_DTYPES}


def promote_types(type1: dtype, type2: dtype) -> dtype:
    """The smallest dtype both may be safely cast to, as ``torch.promote_types``."""
    return _PROMOTE[(type1, type2)]


_default_dtype = [float32]


def get_default_dtype() -> dtype:
    return _default_dtype[0]


def set_default_dtype(d: dtype) -> None:
    if not isinstance(d, dtype) or not d.is_floating_point:
        raise TypeError(f"only floating-point types are supported as the default type, got {d}")
    _default_dtype[0] = d


_py_int = _builtins.int
_py_float = _builtins.float


def _scalar_category(x) -> _builtins.int:
    t = type(x)
    if t is _builtin_bool:
        return 0
    if t is _py_int:
        return 1
    if t is _py_float:
        return 2
    if isinstance(x, _builtin_bool):
        return 0
    if isinstance(x, _py_int):
        return 1
    if isinstance(x, _py_float):
        return 2
    if isinstance(x, complex):
        raise TypeError("ember does not support complex numbers yet")
    # numpy scalars and similar: use their dtype name if it matches ours
    raise TypeError(f"expected a Tensor or a Python number, got {type(x).__name__}")


_CAT_DEFAULT = {0: bool, 1: int64}


def scalar_dtype(x) -> dtype:
    """dtype a Python scalar takes when it becomes a tensor on its own."""
    c = _scalar_category(x)
    return _default_dtype[0] if c == 2 else _CAT_DEFAULT[c]


def _combine(higher, lower):
    # torch's combine_categories (no complex)
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher.is_floating_point:
        return higher
    if higher is bool or lower.is_floating_point:
        return _PROMOTE[(higher, lower)]
    return higher


def result_dtype(args) -> dtype:
    """``torch.result_type`` over a sequence of Tensors and Python scalars."""
    dim = zero = wrapped = None
    for x in args:
        d = getattr(x, "dtype", None)
        if isinstance(d, dtype):
            if x.ndim:
                dim = d if dim is None else _PROMOTE[(dim, d)]
            else:
                zero = d if zero is None else _PROMOTE[(zero, d)]
        elif x is not None:
            c = _scalar_category(x)
            d = _default_dtype[0] if c == 2 else _CAT_DEFAULT[c]
            wrapped = d if wrapped is None else _PROMOTE[(wrapped, d)]
    return _combine(_combine(dim, zero), wrapped)


def result_type(tensor1, tensor2) -> dtype:
    """The dtype an arithmetic op on the two operands returns, as ``torch.result_type``."""
    return result_dtype((tensor1, tensor2))


def can_cast(from_: dtype, to: dtype) -> _builtin_bool:
    """Whether PyTorch's casting rules allow ``from_`` to ``to`` (no category down-cast)."""
    return from_.category <= to.category


def to_dtype(obj) -> dtype:
    """Accept an ember dtype, a dtype name, or a Python type (float, int, bool)."""
    if isinstance(obj, dtype):
        return obj
    if obj is _py_float:
        return float64
    if obj is _py_int:
        return int64
    if obj is _builtin_bool:
        return bool
    if isinstance(obj, str) and obj in BY_NAME:
        return BY_NAME[obj]
    name = getattr(obj, "name", None) or getattr(obj, "__name__", None)
    if isinstance(name, str) and name in BY_NAME:
        return BY_NAME[name]
    raise TypeError(f"dtype must be an ember dtype, got {obj!r}")


class finfo:
    """Machine limits for floating-point dtypes, as ``torch.finfo``."""

    _TABLE = {
        "float16": (16, 6.103515625e-05, 0.0009765625, 65504.0, 0.0009765625, 3, 5.960464477539063e-08),
        "bfloat16": (16, 1.1754943508222875e-38, 0.0078125, 3.3895313892515355e38, 0.01, 2,
                     9.183549615799121e-41),
        "float32": (32, 1.1754943508222875e-38, 1.1920928955078125e-07, 3.4028234663852886e38, 1e-06, 6,
                    1.401298464324817e-45),
        "float64": (64, 2.2250738585072014e-308, 2.220446049250313e-16, 1.7976931348623157e308, 1e-15, 15,
                    4.9406564584124654e-324),
    }

    def __init__(self, type=None):
        type = get_default_dtype() if type is None else type
        if type.name not in self._TABLE:
            raise TypeError(f"finfo expects a floating point dtype, got {type}")
        (self.bits, self.tiny, self.eps, self.max, self.resolution, _prec,
         self.smallest_subnormal) = self._TABLE[type.name]
        self.smallest_normal = self.tiny
        self.min = -self.max
        self.dtype = type.name

    def __repr__(self):
        return (f"finfo(resolution={self.resolution}, min={self.min:e}, max={self.max:e}, eps={self.eps}, "
                f"smallest_normal={self.tiny}, tiny={self.tiny}, dtype={self.dtype})")


class iinfo:
    """Machine limits for integer dtypes, as ``torch.iinfo``."""

    def __init__(self, type):
        if type.category != 1 and type is not bool:
            raise TypeError(f"iinfo expects an integer dtype, got {type}")
        self.bits = 8 * type.itemsize
        if type is bool:
            self.min, self.max = 0, 1
        elif type.is_signed:
            self.min, self.max = -(1 << (self.bits - 1)), (1 << (self.bits - 1)) - 1
        else:
            self.min, self.max = 0, (1 << self.bits) - 1
        self.dtype = type.name

    def __repr__(self):
        return f"iinfo(min={self.min}, max={self.max}, dtype={self.dtype})"
