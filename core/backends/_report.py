"""Text report of installed backends and their kernel coverage (``python -m ember.backends``)."""
from __future__ import annotations

from .._op import OPS
from ._discovery import all_backends, broken_plugins, default_backend, default_reason

KINDS = ("native", "inherited", "decomposed", "missing")


def _table(header, rows):
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    return ["  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip() for r in [header, *rows]]


def _status(b):
    return "available" if b.available else f"unavailable: {b.why_unavailable()}"


def render(show_ops: bool = False) -> str:
    from .. import __version__
    backends = all_backends()
    try:
        default, why = default_backend().name, default_reason()
    except Exception as e:  # noqa: BLE001 - the report must print even when no default can be chosen
        default, why = None, f"{type(e).__name__}: {e}"
    lines = [f"ember {__version__}: {len(backends)} backends installed, {len(OPS)} ops declared",
             f"default backend: {default or 'none'} ({why})", ""]

    rows, coverage = [], {}
    for name, b in sorted(backends.items()):
        counts = ["-"] * len(KINDS)
        if b.available:
            coverage[name] = b.coverage()
            kinds = list(coverage[name].values())
            counts = [kinds.count(k) for k in KINDS]
        mark = "*" if name == default else " "
        rows.append([mark + name, b.spec.version, b.spec.device_type, b.spec.inherits or "-", *counts, _status(b)])
    lines += _table([" backend", "version", "device", "inherits", *KINDS, "status"], rows)

    broken = broken_plugins()
    if broken:
        lines += ["", "plugins that failed to load (disabled):"]
        lines += [f"  {name}: {reason}" for name, reason in sorted(broken.items())]

    if show_ops and coverage:
        names = sorted(coverage)
        lines += ["", "per-op coverage:"]
        lines += _table(["op", "family", *names],
                        [[op, OPS[op].family, *(coverage[n].get(op, "missing") for n in names)]
                         for op in sorted(OPS)])
    elif coverage:
        lines += ["", "per-op table: python -m ember.backends --ops"]
    return "\n".join(lines)
