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


# -- the coverage matrix (``ember backends --matrix``) ---------------------------------------------------------

DTYPE_SHORT = {"bool": "b", "uint8": "u8", "int8": "i8", "int16": "i16", "int32": "i32", "int64": "i64",
               "float16": "f16", "bfloat16": "bf16", "float32": "f32", "float64": "f64"}


def _mark(state):
    from ._matrix import KIND_MARKS, NOT_APPLICABLE, RUN_MARKS
    return "-" if state == NOT_APPLICABLE else KIND_MARKS.get(state) or RUN_MARKS[state]


def _legend(matrix):
    dts = " ".join(f"{DTYPE_SHORT[d]}={d}" for d in matrix.dtypes)
    lines = [f"one mark per dtype, in the order {dts}:",
             "  N native, I inherited, D decomposed: the backend serves the op at that dtype this way"
             + (" (no conformance test reached it)" if matrix.ran else ""),
             "  . missing: no kernel and no decomposition, or the backend does not declare the dtype",
             "  - n/a: the op's OpInfo records do not list the dtype"]
    if matrix.ran:
        lines += [("  P pass, F fail, X xfail (expected failure), ! xpass (listed as xfail but passed): the worst "
                   "outcome of the conformance tests named after the op, else of those that reached its kernel"),
                  ("  ~ partial: the op has no test of its own; of the tests that reached its kernel some failed, "
                   "some passed")]
    return lines


def _summary(matrix):
    from ._matrix import RUN_MARKS
    lines = []
    for b in matrix.backends:
        kinds = [matrix.cells[op, b].kind for op in matrix.ops]
        line = f"{b}: " + ", ".join(f"{kinds.count(k)} {k}" for k in KINDS)
        if matrix.ran:
            runs = [r for r in matrix.results if r.backend == b]
            counts = {o: sum(r.outcome == o for r in runs) for o in RUN_MARKS if o != "partial"}
            line += f"; {len(runs)} conformance tests: " + ", ".join(f"{n} {o}" for o, n in counts.items())
        lines.append(line)
    lines += [f"{b}: no column, unavailable: {why}" for b, why in sorted(matrix.unavailable.items())]
    return lines


def _failure_lines(matrix, limit=400):
    return [f"{r.outcome.upper()} {r.test_id}: {' '.join(r.message.split())[:limit]}" for r in matrix.failures()]


def _cell_text(cell, dtypes):
    return f"{cell.kind:<10} " + "".join(_mark(cell.states[d]) for d in dtypes)


def render_matrix(matrix, fmt: str = "text") -> str:
    """The matrix as a terminal table (``text``), a Markdown document or a standalone HTML page."""
    renderers = {"text": _matrix_text, "markdown": _matrix_markdown, "html": _matrix_html}
    if fmt not in renderers:
        raise ValueError(f"coverage matrix: unknown format {fmt!r}; expected one of {', '.join(renderers)}")
    return renderers[fmt](matrix)


def _title(matrix):
    what = "conformance results" if matrix.ran else "kernel coverage"
    return f"ember coverage matrix: {len(matrix.ops)} ops x {len(matrix.backends)} backends, {what}"


def _matrix_text(matrix):
    lines = [_title(matrix), *_legend(matrix), "", *_summary(matrix), ""]
    rows = [[op, OPS[op].family, *(_cell_text(matrix.cells[op, b], matrix.dtypes) for b in matrix.backends)]
            for op in matrix.ops]
    lines += _table(["op", "family", *matrix.backends], rows)
    failures = _failure_lines(matrix)
    if failures:
        lines += ["", f"{len(failures)} failing conformance tests:", *failures]
    return "\n".join(lines)


def _matrix_markdown(matrix):
    lines = [f"# {_title(matrix)}", "", *(f"- {line.strip()}" for line in _legend(matrix)), "",
             *(f"- {line}" for line in _summary(matrix)), "",
             "| op | family | " + " | ".join(matrix.backends) + " |",
             "|---|---|" + "---|" * len(matrix.backends)]
    for op in matrix.ops:
        cells = [matrix.cells[op, b] for b in matrix.backends]
        lines.append(f"| `{op}` | {OPS[op].family} | "
                     + " | ".join(f"{c.kind} `{''.join(_mark(c.states[d]) for d in matrix.dtypes)}`" for c in cells)
                     + " |")
    failures = _failure_lines(matrix)
    if failures:
        lines += ["", "## Failing conformance tests", "", *(f"- {f.replace('|', '/')}" for f in failures)]
    return "\n".join(lines) + "\n"


_HTML_COLOURS = {"native": "#cfe8cf", "inherited": "#e3f0d8", "decomposed": "#f3f0c8", "missing": "#eeeeee",
                 "n/a": "#ffffff", "pass": "#9fd89f", "fail": "#f19c9c", "xfail": "#f5d08c", "xpass": "#e58ce5",
                 "partial": "#f7c1a1"}


def _matrix_html(matrix):
    from html import escape
    style = " ".join(f".s{i} {{background:{c}}}" for i, c in enumerate(_HTML_COLOURS.values()))
    css_class = {state: f"s{i}" for i, state in enumerate(_HTML_COLOURS)}
    head1 = "".join(f'<th colspan="{len(matrix.dtypes) + 1}">{escape(b)}</th>' for b in matrix.backends)
    head2 = "".join("<th>kind</th>" + "".join(f"<th>{DTYPE_SHORT[d]}</th>" for d in matrix.dtypes)
                    for _ in matrix.backends)
    body = []
    for op in matrix.ops:
        tds = []
        for b in matrix.backends:
            cell = matrix.cells[op, b]
            tds.append(f'<td class="{css_class[cell.kind]}">{cell.kind}</td>')
            tds += [f'<td class="{css_class[cell.states[d]]}" title="{escape(op)} {d} on {escape(b)}: '
                    f'{cell.states[d]}">{_mark(cell.states[d])}</td>' for d in matrix.dtypes]
        body.append(f"<tr><td><code>{escape(op)}</code></td><td>{OPS[op].family}</td>{''.join(tds)}</tr>")
    items = "".join(f"<li>{escape(line.strip())}</li>" for line in [*_legend(matrix), *_summary(matrix)])
    failures = "".join(f"<li><code>{escape(f)}</code></li>" for f in _failure_lines(matrix))
    return (f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{escape(_title(matrix))}</title>"
            f"<style>table{{border-collapse:collapse;font:12px monospace}} td,th{{border:1px solid #ccc;"
            f"padding:1px 4px;text-align:center}} {style}</style></head>\n<body><h1>{escape(_title(matrix))}</h1>"
            f"<ul>{items}</ul>\n<table><tr><th rowspan=\"2\">op</th><th rowspan=\"2\">family</th>{head1}</tr>"
            f"<tr>{head2}</tr>\n" + "\n".join(body) + "</table>\n"
            + (f"<h2>Failing conformance tests</h2><ul>{failures}</ul>\n" if failures else "")
            + "</body></html>\n")
