"""The coverage matrix: ops x backends x dtypes, from the op registry and, with ``run=True``, the conformance suite.

Nothing here is a hand-kept list.  Rows are the ops declared in ``ember.ops``; a cell's kind (native,
inherited, decomposed, missing) is what the backend's resolved dispatch table says; the dtypes an op is
defined for come from its OpInfo records in ``ember.testing``; the dtypes a backend supports come from
its ``BackendSpec``.  With ``run=True`` the conformance cases run (the same cases, xfails and harness as
``pytest --pyargs ember.testing``) while each backend's dispatch table records which kernels every test
reached, so each (op, backend, dtype) cell gets the outcome of the tests that exercised it.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field

from .._op import OPS
from ._discovery import all_backends, get_backend
from ._spec import _ALL_DTYPE_NAMES

KIND_MARKS = {"native": "N", "inherited": "I", "decomposed": "D", "missing": "."}
RUN_MARKS = {"pass": "P", "fail": "F", "xfail": "X", "xpass": "!", "partial": "~"}
NOT_APPLICABLE = "n/a"
# outcomes from worst to best: the state a cell shows when its tests disagree
_SEVERITY = ("fail", "xpass", "xfail", "pass")
_NAMESPACES = ("nn.functional.", "linalg.", "special.")


@dataclass
class Cell:
    """One (op, backend): its kernel ``kind`` and a state per dtype (a kind, ``"n/a"`` or a run outcome)."""

    kind: str
    states: dict = field(default_factory=dict)
    tests: dict = field(default_factory=dict)  # dtype -> number of conformance tests that exercised it


@dataclass
class TestResult:
    """One conformance test run by :func:`build_matrix`."""

    test_id: str
    kind: str
    backend: str
    op: str               # the OpInfo name
    dtype: str
    outcome: str          # pass / fail / xfail / xpass
    message: str = ""
    reached: frozenset = frozenset()  # registry ops the test dispatched on the backend


@dataclass
class Matrix:
    backends: list
    dtypes: list
    ops: list                                       # registry op names, by family then name
    cells: dict                                     # (op, backend) -> Cell
    unavailable: dict = field(default_factory=dict)  # backend -> why it has no column
    results: list = field(default_factory=list)     # TestResult, when run

    @property
    def ran(self) -> bool:
        return bool(self.results)

    def failures(self):
        return [r for r in self.results if r.outcome in ("fail", "xpass")]


def registry_op_for(opinfo_name):
    """The registry op an OpInfo is named after (``nn.functional.gelu`` -> ``gelu``, ``max.dim`` -> ``max_dim``),
    or None when its name matches none (its tests then count for the ops they reach)."""
    name = opinfo_name
    for prefix in _NAMESPACES:
        name = name.removeprefix(prefix)
    for candidate in (name.replace(".", "_"), name.split(".")[0]):
        if candidate in OPS:
            return candidate
    return None


def _op_dtypes(records):
    """registry op -> the dtypes its OpInfo records are defined for (ops without a record: unknown)."""
    out = {}
    for rec in records:
        target = registry_op_for(rec.name)
        if target is not None:
            out.setdefault(target, set()).update(rec.dtypes)
    return out


def build_matrix(backends=None, dtypes=None, families=None, run=False, xfail_file=None) -> Matrix:
    """The coverage matrix of ``backends`` (default: all installed) over ``dtypes`` (default: all ten),
    restricted to op ``families`` when given; ``run=True`` also runs the conformance suite."""
    from ..testing.opinfo import op_db
    installed = all_backends()
    names = list(backends) if backends else sorted(installed)
    for n in names:
        if n not in installed:
            get_backend(n)  # raises UnknownBackend / BackendUnavailable naming the installed backends
    all_dtypes = list(_ALL_DTYPE_NAMES)
    if dtypes:
        unknown = sorted(set(dtypes) - set(all_dtypes))
        if unknown:
            raise ValueError(f"coverage matrix: unknown dtype(s) {', '.join(unknown)}; "
                             f"expected some of {', '.join(all_dtypes)}")
        all_dtypes = [d for d in all_dtypes if d in dtypes]
    families = set(families) if families else None
    if families:
        known = {op.family for op in OPS.values()} | {rec.family for rec in op_db()}
        unknown = sorted(families - known)
        if unknown:
            raise ValueError(f"coverage matrix: unknown op family {', '.join(unknown)}; "
                             f"expected some of {', '.join(sorted(known))}")
    ops = sorted((n for n, op in OPS.items() if families is None or op.family in families),
                 key=lambda n: (OPS[n].family, n))
    matrix = Matrix(backends=[], dtypes=all_dtypes, ops=ops, cells={})
    op_dtypes = _op_dtypes(op_db())
    for name in names:
        b = installed[name]
        b.ensure_loaded()
        if not b.available:
            matrix.unavailable[name] = b.why_unavailable()
            continue
        matrix.backends.append(name)
        declared = set(b.spec.dtypes)
        for op in ops:
            kind = b.kernel_kind(op)
            # a native kernel may declare the dtypes it computes itself (``fn.native_dtypes``); it hands the
            # others to the backend it inherits from
            native = getattr(b.table.get(op), "native_dtypes", None) if kind == "native" and b.spec.inherits \
                else None
            states = {}
            for dt in all_dtypes:
                if op in op_dtypes and dt not in op_dtypes[op]:
                    states[dt] = NOT_APPLICABLE
                elif dt not in declared:
                    states[dt] = "missing"
                else:
                    states[dt] = "inherited" if native is not None and dt not in native else kind
            matrix.cells[op, name] = Cell(kind, states)
    if run:
        _run_suite(matrix, families, xfail_file)
    return matrix


class _RecordingTable(dict):
    """A backend's dispatch table that notes each op looked up while ``active`` (hits and misses alike:
    a miss is an op served by its decomposition)."""

    __slots__ = ("active", "reached")

    def __init__(self, table):
        super().__init__(table)
        self.active = 0
        self.reached = set()

    def __getitem__(self, name):
        if self.active:
            self.reached.add(name)
        return dict.__getitem__(self, name)

    def get(self, name, default=None):
        if self.active:
            self.reached.add(name)
        return dict.get(self, name, default)


def _recorded(fn, table):
    def call(*args, **kwargs):
        table.active += 1
        try:
            return fn(*args, **kwargs)
        finally:
            table.active -= 1
    return call


def _run_one(kind, op, backend, dtype, table):
    """Run one conformance test; forward and error tests record only what the op under test dispatches
    (not the harness's tensor building and comparison), gradient tests the whole check (backward kernels)."""
    from ..testing import harness
    if kind in ("grad", "gradgrad"):
        table.active += 1
        try:
            harness.run_grad(op, backend, second_order=kind == "gradgrad")
        finally:
            table.active -= 1
        return
    original = op.op
    op.op = _recorded(original, table)
    try:
        if kind == "forward":
            harness.run_forward(op, backend, dtype)
        elif harness.run_errors(op, backend) == 0:
            raise AssertionError(f"op {op.name!r}: no error inputs ran")
    finally:
        op.op = original


def run_conformance(backend, families=None, dtypes=None, xfail_file=None):
    """Run the conformance cases of ``backend``; returns a list of :class:`TestResult`."""
    from ..testing.pytest_plugin import (
        KINDS,
        conformance_cases,
        read_xfail_file,
        xfail_reason,
    )
    extra = read_xfail_file(xfail_file) if xfail_file else {}
    b = get_backend(backend)
    original = b.table
    table = _RecordingTable(original)
    results = []
    b.table = table
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for kind in KINDS:
                for _, op, dt, test_id in conformance_cases(kind, [backend], dtypes, families):
                    table.reached.clear()
                    message = ""
                    try:
                        _run_one(kind, op, backend, dt, table)
                        ok = True
                    except Exception as e:  # noqa: BLE001 - every failure is a result, as in pytest
                        ok, message = False, f"{type(e).__name__}: {e}"
                    reason = xfail_reason(kind, op, backend, dt, extra)
                    outcome = ("xpass" if ok else "xfail") if reason else ("pass" if ok else "fail")
                    if outcome == "xpass":
                        message = f"expected to fail ({reason}) but passed"
                    results.append(TestResult(f"test_{kind}[{test_id}]", kind, backend, op.name, dt, outcome,
                                              message, frozenset(table.reached)))
    finally:
        b.table = original
    return results


def _run_suite(matrix, families, xfail_file):
    for backend in matrix.backends:
        results = run_conformance(backend, families, matrix.dtypes, xfail_file)
        matrix.results += results
        direct, reached = {}, {}
        for r in results:
            target = registry_op_for(r.op)
            if target is not None:
                direct.setdefault((target, r.dtype), []).append(r.outcome)
            for op in r.reached:
                if op != target:
                    reached.setdefault((op, r.dtype), []).append(r.outcome)
        for op in matrix.ops:
            cell = matrix.cells[op, backend]
            for dt in matrix.dtypes:
                own, via = direct.get((op, dt), []), reached.get((op, dt), [])
                if own or via:
                    cell.states[dt] = _combine(own) if own else _combine_reached(via)
                    cell.tests[dt] = len(own) + len(via)


def _combine(outcomes):
    """The state of a cell whose own tests (named after the op) gave ``outcomes``: the worst of them."""
    return next(s for s in _SEVERITY if s in outcomes)


def _combine_reached(outcomes):
    """The state of a cell only reached through other ops' tests: ``partial`` when some of them failed
    and others passed (the failure may be another kernel's), else the shared outcome."""
    failed = any(o in ("fail", "xpass") for o in outcomes)
    if failed and any(o in ("pass", "xfail") for o in outcomes):
        return "partial"
    return _combine(outcomes)
