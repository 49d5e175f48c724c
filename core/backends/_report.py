"""Text report of installed backends and their kernel coverage."""
from __future__ import annotations

from .._op import OPS
from ._discovery import all_backends, broken_plugins, default_backend, default_reason


def render(show_ops=False) -> str:
    lines = []
    backends = all_backends()
    try:
        default = default_backend().name
        why = default_reason()
    except Exception as e:  # noqa: BLE001
        default, why = None, f"no default: {e}"
    lines.append(f"ember backends (default: {default or 'none'} -- {why})")
    for name, b in sorted(backends.items()):
        state = "available" if b.available else f"unavailable: {b.why_unavailable()}"
        inh = f", inherits {b.spec.inherits}" if b.spec.inherits else ""
        mark = "*" if name == default else " "
        lines.append(f"{mark} {name:<10} {b.spec.version:<8} {b.spec.device_type:<4} {state}{inh}")
        if b.available:
            cov = b.coverage()
            counts = {}
            for kind in cov.values():
                counts[kind] = counts.get(kind, 0) + 1
            lines.append("    coverage: " + ", ".join(f"{k} {counts.get(k, 0)}" for k in
                                                       ("native", "inherited", "decomposed", "missing"))
                         + f" of {len(OPS)} ops")
            if show_ops:
                for op, kind in cov.items():
                    lines.append(f"      {op:<28} {kind}")
    for name, reason in sorted(broken_plugins().items()):
        lines.append(f"! {name:<10} failed to load: {reason}")
    return "\n".join(lines)
