"""pytest plugin of the conformance suite (loaded through the ``pytest11`` entry point).

Options:
  --ember-backend NAME[,NAME]   backends to test (default: every available backend)
  --ember-dtypes a,b            restrict dtypes (default: each op's own list)
  --ember-xfail FILE            extra expected failures, lines ``kind op dtype  # reason``
                                (kind: forward/grad/gradgrad/errors; dtype may be ``*``)
"""
from __future__ import annotations

import os


def pytest_addoption(parser):
    group = parser.getgroup("ember", "ember conformance suite")
    group.addoption("--ember-backend", action="store", default=os.environ.get("EMBER_TEST_BACKENDS"),
                    help="comma-separated backends to run the conformance suite on (default: all available)")
    group.addoption("--ember-dtypes", action="store", default=None,
                    help="comma-separated dtype names to restrict the conformance suite to")
    group.addoption("--ember-xfail", action="store", default=None,
                    help="file of expected failures: lines 'kind op dtype  # reason'")


def selected_backends(config):
    import ember.backends as eb
    opt = config.getoption("--ember-backend", default=None)
    if opt:
        names = [n.strip() for n in opt.split(",") if n.strip()]
        for n in names:
            eb.get_backend(n)  # raises a clear error for unknown / unavailable names
        return names
    return eb.available_backends()


def selected_dtypes(config):
    opt = config.getoption("--ember-dtypes", default=None)
    return None if not opt else {d.strip() for d in opt.split(",") if d.strip()}


def load_xfails(config):
    path = config.getoption("--ember-xfail", default=None)
    out = {}
    if not path:
        return out
    with open(path) as f:
        for line in f:
            body, _, reason = line.partition("#")
            parts = body.split()
            if not parts:
                continue
            if len(parts) != 3:
                raise ValueError(f"{path}: expected 'kind op dtype  # reason', got {line.strip()!r}")
            out[tuple(parts)] = reason.strip() or "listed in " + path
    return out


def pytest_generate_tests(metafunc):
    if "ember_case" not in metafunc.fixturenames:
        return
    from .opinfo import op_db
    kind = metafunc.function.__name__.replace("test_", "")
    backends = selected_backends(metafunc.config)
    dtypes = selected_dtypes(metafunc.config)
    cases, ids = [], []
    for backend in backends:
        for op in op_db():
            if kind == "forward":
                for dt in op.dtypes:
                    if dtypes is None or dt in dtypes:
                        cases.append((backend, op, dt))
                        ids.append(f"{backend}-{op.family}-{op.name}-{dt}")
            elif kind == "grad" and op.supports_grad:
                cases.append((backend, op, "float64"))
                ids.append(f"{backend}-{op.family}-{op.name}")
            elif kind == "gradgrad" and op.gradgrad:
                cases.append((backend, op, "float64"))
                ids.append(f"{backend}-{op.family}-{op.name}")
            elif kind == "errors" and op.error_inputs is not None:
                cases.append((backend, op, "float32"))
                ids.append(f"{backend}-{op.family}-{op.name}")
    metafunc.parametrize("ember_case", cases, ids=ids)


def pytest_collection_modifyitems(config, items):
    import pytest
    extra = load_xfails(config)
    for item in items:
        case = getattr(item, "callspec", None) and item.callspec.params.get("ember_case")
        if not case:
            continue
        backend, op, dt = case
        kind = item.originalname.replace("test_", "") if hasattr(item, "originalname") else ""
        reason = op.xfail_reason(kind, backend, dt)
        if reason is None:
            reason = extra.get((kind, op.name, dt)) or extra.get((kind, op.name, "*"))
        if reason:
            item.add_marker(pytest.mark.xfail(reason=reason, strict=True))
