"""Tensor printing, identical to ``torch._tensor_str`` for the same values.

The layout rules (precision, integer mode, scientific mode, line wrapping at
``linewidth``, summarisation past ``threshold`` elements, suffix placement) are
PyTorch's; only the dtype prefix differs (``ember.float16`` for
``torch.float16``).  Values are fetched once as Python numbers (only the
summarised edges for large tensors) and formatted in pure Python.
"""
from __future__ import annotations

import contextlib
import math

__all__ = ["set_printoptions", "get_printoptions", "printoptions", "tensor_repr", "PRINT_OPTS"]


class _Options:
    __slots__ = ("precision", "threshold", "edgeitems", "linewidth", "sci_mode")

    def __init__(self):
        self.precision = 4
        self.threshold = 1000
        self.edgeitems = 3
        self.linewidth = 80
        self.sci_mode = None


PRINT_OPTS = _Options()

_PROFILES = {
    "default": (4, 1000, 3, 80),
    "short": (2, 1000, 2, 80),
    "full": (4, math.inf, 3, 80),
}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None,
                     sci_mode=None):
    """Set options for printing tensors, as ``torch.set_printoptions``.

    >>> import ember
    >>> ember.set_printoptions(precision=2)
    >>> ember.tensor([1.12345])
    tensor([1.12])
    >>> ember.set_printoptions(profile="default")
    """
    if profile in _PROFILES:
        (PRINT_OPTS.precision, PRINT_OPTS.threshold, PRINT_OPTS.edgeitems,
         PRINT_OPTS.linewidth) = _PROFILES[profile]
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions() -> dict:
    """The current print options, as keyword arguments for :func:`set_printoptions`."""
    return {name: getattr(PRINT_OPTS, name) for name in _Options.__slots__}


@contextlib.contextmanager
def printoptions(**kwargs):
    """Temporarily change the print options (same arguments as :func:`set_printoptions`)."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


class _Formatter:
    """Decides integer / fixed / scientific mode and the column width from the printed values."""

    __slots__ = ("floating", "int_mode", "sci_mode", "max_width", "precision")

    def __init__(self, values, floating):
        self.floating = floating
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        p = self.precision = PRINT_OPTS.precision
        if not floating:
            self.max_width = max((len(str(v)) for v in values), default=1)
            return
        nonzero = [v for v in values if v != 0 and not math.isinf(v) and not math.isnan(v)]
        if not nonzero:
            return
        absvals = [abs(v) for v in nonzero]
        lo, hi = min(absvals), max(absvals)
        for v in nonzero:
            if v != math.ceil(v):
                self.int_mode = False
                break
        if PRINT_OPTS.sci_mode is None:
            self.sci_mode = hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4
        else:
            self.sci_mode = PRINT_OPTS.sci_mode
        if self.sci_mode:
            self.max_width = max(len(f"{v:.{p}e}") for v in nonzero)
        elif self.int_mode:
            self.max_width = max(len(f"{v:.0f}") + 1 for v in nonzero)
        else:
            self.max_width = max(len(f"{v:.{p}f}") for v in nonzero)

    def width(self):
        return self.max_width

    def format(self, value):
        if self.floating:
            if self.sci_mode:
                s = f"{value:{self.max_width}.{self.precision}e}"
            elif self.int_mode:
                s = f"{value:.0f}"
                if not (math.isinf(value) or math.isnan(value)):
                    s += "."
            else:
                s = f"{value:.{self.precision}f}"
        else:
            s = f"{value}"
        return (self.max_width - len(s)) * " " + s


# A nested list of Python values, where ``_SKIP`` stands for a summarised-away run.
_SKIP = object()


def _values(t, summarize, edge):
    """The printed values of ``t`` as nested lists (only the edges when summarising)."""
    shape = t._data.shape
    if not shape:
        return t.item()
    n = shape[0]
    if not summarize or (n <= 2 * edge and len(shape) == 1):
        return t.tolist()
    idx = range(n) if n <= 2 * edge else [*range(edge), None, *range(n - edge, n)]
    if len(shape) == 1:
        return [_SKIP if i is None else t.select(0, i).item() for i in idx]
    return [_SKIP if i is None else _values(t.select(0, i), summarize, edge) for i in idx]


def _flatten(data, out):
    if type(data) is list:
        for x in data:
            if x is not _SKIP:
                _flatten(x, out)
    else:
        out.append(data)
    return out


def _vector_str(data, indent, fmt):
    element_length = fmt.width() + 2
    per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / element_length))
    if len(data) == 1 and data[0] is _SKIP:  # edgeitems=0
        return "[...]"
    elems = [" ..." if v is _SKIP else fmt.format(v) for v in data]
    lines = [", ".join(elems[i:i + per_line]) for i in range(0, len(elems), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nested_str(data, dim, indent, fmt):
    if dim == 0:
        return fmt.format(data)
    if dim == 1:
        return _vector_str(data, indent, fmt)
    slices = ["..." if x is _SKIP else _nested_str(x, dim - 1, indent + 1, fmt) for x in data]
    return "[" + ("," + "\n" * (dim - 1) + " " * (indent + 1)).join(slices) + "]"


def _tensor_str(t, indent):
    """The bracketed body of a non-empty tensor's repr."""
    summarize = t.numel() > PRINT_OPTS.threshold
    data = _values(t, summarize, PRINT_OPTS.edgeitems)
    dim = t.ndim
    flat = _flatten(data, []) if dim else [data]
    return _nested_str(data, dim, indent, _Formatter(flat, t.dtype.is_floating_point))


def _add_suffixes(tensor_str, suffixes, indent):
    parts = [tensor_str]
    last_line_len = len(tensor_str) - tensor_str.rfind("\n") + 1
    for suffix in suffixes:
        if last_line_len + len(suffix) + 2 > PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def _parameter_class():
    import sys
    mod = sys.modules.get("ember.nn.parameter") or sys.modules.get("ember.nn")
    return getattr(mod, "Parameter", None) if mod is not None else None


def tensor_repr(t, tensor_contents=None):
    """``repr(tensor)`` exactly as PyTorch lays it out."""
    from . import _dtype as D
    from ._tensor import Tensor
    from .autograd.grad_mode import STATE

    param_cls = _parameter_class()
    is_plain = type(t) is Tensor or (param_cls is not None and type(t) is param_cls)
    prefix = "tensor(" if is_plain else f"{type(t).__name__}("
    indent = len(prefix)
    suffixes = []

    dev = t.device
    if dev.type != "cpu" or not dev._is_plain():
        suffixes.append(f"device='{dev}'")

    dt = t.dtype
    default = D.get_default_dtype()
    if t.numel() == 0:
        # Explicitly print the shape if it is not (0,); an empty tensor shows any non-default dtype.
        if t.ndim != 1:
            suffixes.append(f"size={tuple(t.shape)}")
        if dt is not default:
            suffixes.append(f"dtype={dt!r}")
        tensor_str = "[]" if tensor_contents is None else tensor_contents
    else:
        if not PRINT_OPTS.edgeitems:
            suffixes.append(f"size={tuple(t.shape)}")
        if dt is not default and dt is not D.int64 and dt is not D.bool:
            suffixes.append(f"dtype={dt!r}")
        if tensor_contents is not None:
            tensor_str = tensor_contents
        else:
            prev = STATE.enabled
            STATE.enabled = False
            try:
                tensor_str = _tensor_str(t, indent)
            finally:
                STATE.enabled = prev

    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")

    out = _add_suffixes(prefix + tensor_str, suffixes, indent)
    if param_cls is not None and isinstance(t, param_cls) and not is_plain:
        out = f"Parameter({out})"
    return out
