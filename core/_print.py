"""Tensor printing, following ``torch._tensor_str`` (precision 4, sci mode, summarisation)."""
from __future__ import annotations

import math


class _Options:
    precision = 4
    threshold = 1000
    edgeitems = 3
    linewidth = 80
    sci_mode = None


PRINT_OPTS = _Options()


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None):
    if profile == "default":
        PRINT_OPTS.precision, PRINT_OPTS.threshold, PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth = 4, 1000, 3, 80
    elif profile == "short":
        PRINT_OPTS.precision, PRINT_OPTS.threshold, PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth = 2, 1000, 2, 80
    elif profile == "full":
        PRINT_OPTS.precision, PRINT_OPTS.threshold, PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth = 4, math.inf, 3, 80
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


class _Formatter:
    def __init__(self, values, floating):
        self.floating = floating
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        finite = [v for v in values if isinstance(v, float) and math.isfinite(v)] if floating else values
        if not floating:
            for v in values:
                self.max_width = max(self.max_width, len(str(v)))
            return
        if not finite:
            for v in values:
                self.max_width = max(self.max_width, len(_fmt_special(v)))
            return
        nonzero = [abs(v) for v in finite if v != 0]
        self.int_mode = all(v == math.ceil(v) for v in finite)
        if self.int_mode:
            if nonzero and (max(nonzero) / min(nonzero) > 1000.0 or max(nonzero) > 1e8):
                self.sci_mode = True
                for v in finite:
                    self.max_width = max(self.max_width, len(f"{v:.{PRINT_OPTS.precision}e}"))
            else:
                for v in finite:
                    self.max_width = max(self.max_width, len(f"{v:.0f}.")) 
        else:
            if nonzero and (max(nonzero) / min(nonzero) > 1000.0 or max(nonzero) > 1e8 or min(nonzero) < 1e-4):
                self.sci_mode = True
                for v in finite:
                    self.max_width = max(self.max_width, len(f"{v:.{PRINT_OPTS.precision}e}"))
            else:
                for v in finite:
                    self.max_width = max(self.max_width, len(f"{v:.{PRINT_OPTS.precision}f}"))
        if PRINT_OPTS.sci_mode is not None:
            self.sci_mode = PRINT_OPTS.sci_mode
        for v in values:
            if not math.isfinite(v):
                self.max_width = max(self.max_width, len(_fmt_special(v)))

    def width(self):
        return self.max_width

    def format(self, v):
        if not self.floating:
            s = str(v)
        elif not math.isfinite(v):
            s = _fmt_special(v)
        elif self.sci_mode:
            s = f"{v:.{PRINT_OPTS.precision}e}"
        elif self.int_mode:
            s = f"{v:.0f}."
        else:
            s = f"{v:.{PRINT_OPTS.precision}f}"
        return " " * (self.max_width - len(s)) + s


def _fmt_special(v):
    if math.isnan(v):
        return "nan"
    return "inf" if v > 0 else "-inf"


def _summarize_list(data, shape, edge):
    if not shape:
        return data
    n = shape[0]
    if n > 2 * edge:
        items = [_summarize_list(x, shape[1:], edge) for x in data[:edge]] + [None] + \
                [_summarize_list(x, shape[1:], edge) for x in data[-edge:]]
        return items
    return [_summarize_list(x, shape[1:], edge) for x in data]


def _flatten(data, out):
    if isinstance(data, list):
        for x in data:
            if x is not None:
                _flatten(x, out)
    else:
        out.append(data)
    return out


def _format_nested(data, shape, fmt, indent, summarize):
    if not shape:
        return fmt.format(data)
    if len(shape) == 1:
        elems = ["..." if x is None else fmt.format(x) for x in data]
        # wrap lines like PyTorch
        w = fmt.width() + 2
        per_line = max(1, (PRINT_OPTS.linewidth - indent) // w) if not summarize else len(elems)
        lines = [", ".join(elems[i:i + per_line]) for i in range(0, len(elems), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    sep = "," + "\n" * (len(shape) - 1) + " " * (indent + 1)
    parts = []
    for x in data:
        if x is None:
            parts.append("...")
        else:
            parts.append(_format_nested(x, shape[1:], fmt, indent + 1, summarize))
    return "[" + sep.join(parts) + "]"


def tensor_repr(t, prefix="tensor("):
    from . import _dtype as D
    shape = tuple(t.shape)
    numel = t.numel()
    summarize = numel > PRINT_OPTS.threshold
    suffixes = []
    dt = t.dtype
    floating = dt.is_floating_point
    if dt is D.bool:
        default_dtype = True
    elif floating:
        default_dtype = dt is D.get_default_dtype()
    else:
        default_dtype = dt is D.int64
    dev = t.device
    if not dev._is_plain() or dev.type != "cpu":
        suffixes.append(f"device='{dev}'")
    if numel == 0 and shape != (0,):
        body = "[]"
        suffixes.append(f"size={tuple(shape)}")
    else:
        data = t.detach().tolist()
        if dt is D.bool:
            data = _map(data, lambda v: "True" if v else "False")
            floating = False
        if summarize:
            data = _summarize_list(data, shape, PRINT_OPTS.edgeitems)
        vals = _flatten(data, []) if shape else [data]
        fmt = _Formatter(vals, floating)
        body = _format_nested(data, shape, fmt, len(prefix), summarize)
    if not default_dtype or numel == 0 and not floating and dt is not D.bool and False:
        suffixes.append(f"dtype={dt}")
    elif numel == 0 and dt is not D.get_default_dtype() and dt is not D.bool and dt is not D.int64:
        pass
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    out = prefix + body
    if suffixes:
        sep = ", "
        out += sep + sep.join(suffixes)
    return out + ")"


def _map(data, f):
    if isinstance(data, list):
        return [_map(x, f) for x in data]
    return f(data)
