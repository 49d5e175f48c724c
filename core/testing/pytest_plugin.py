"""pytest plugin of the conformance suite (loaded through the ``pytest11`` entry point).

Options (each also an ini key of the same name without the dashes, e.g. ``ember_backend = mine``
in a plugin's own ``pyproject.toml``; ini paths are relative to the rootdir):
  --ember-backend NAME[,NAME]   backends to test (default: every available backend)
  --ember-dtypes a,b            restrict dtypes (default: each op's own list, within the backend's declared dtypes)
  --ember-xfail FILE            extra expected failures, lines ``kind op dtype  # reason``
                                (kind: forward/grad/gradgrad/errors; dtype may be ``*``)

A backend may also keep its expected failures in its own package, in the same format, and point at the
file from its spec: ``BackendSpec(extra={"conformance_xfail": "/abs/path/xfail.txt"})``; they then apply
to that backend wherever the suite runs (``pytest --pyargs ember.testing``, ``ember backends --matrix --run``).

Test ids are ``backend-family-op[-dtype]``, so ``-k "numpy and activation"`` picks a family.
"""
from __future__ import annotations

import os

KINDS = ("forward", "grad", "gradgrad", "errors")

_OPTIONS = (
    ("--ember-backend", "comma-separated backends to run the conformance suite on (default: all available)"),
    ("--ember-dtypes", "comma-separated dtype names to restrict the conformance suite to"),
    ("--ember-xfail", "file of expected failures: lines 'kind op dtype  # reason'"),
)


def pytest_addoption(parser):
    group = parser.getgroup("ember", "ember conformance suite")
    for flag, help_text in _OPTIONS:
        default = os.environ.get("EMBER_TEST_BACKENDS") if flag == "--ember-backend" else None
        group.addoption(flag, action="store", default=default, help=help_text)
        parser.addini(flag.lstrip("-").replace("-", "_"), help_text + " (ini form of " + flag + ")", default=None)


def _option(config, flag):
    """The command-line value of ``flag``, else its ini key's (a path made relative to the rootdir)."""
    value = config.getoption(flag, default=None)
    if value:
        return value
    value = config.getini(flag.lstrip("-").replace("-", "_"))
    if value and flag == "--ember-xfail":
        return os.path.join(str(config.rootpath), value)
    return value or None


def parse_names(text):
    return [n.strip() for n in text.split(",") if n.strip()] if text else []


def check_backends(names):
    """``names`` if every one is installed and available, else the error saying which is not and why."""
    import ember.backends as eb
    for n in names:
        eb.get_backend(n)  # raises a clear error for unknown / unavailable names
    return names


def selected_backends(config):
    import ember.backends as eb
    names = parse_names(_option(config, "--ember-backend"))
    return check_backends(names) if names else eb.available_backends()


def selected_dtypes(config):
    return set(parse_names(_option(config, "--ember-dtypes"))) or None


def read_xfail_file(path):
    """``{(kind, op, dtype): reason}`` from a file of lines ``kind op dtype  # reason``."""
    out = {}
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            body, _, reason = line.partition("#")
            parts = body.split()
            if not parts:
                continue
            if len(parts) != 3 or parts[0] not in KINDS:
                raise ValueError(f"{path}:{lineno}: expected 'kind op dtype  # reason' with kind one of "
                                 f"{', '.join(KINDS)}; got {line.strip()!r}")
            out[tuple(parts)] = reason.strip() or "listed in " + path
    return out


_XFAIL_FILES: dict = {}


def backend_xfails(backend):
    """The expected failures a backend declares through ``spec.extra["conformance_xfail"]`` (a file path)."""
    import ember.backends as eb
    path = eb.all_backends()[backend].spec.extra.get("conformance_xfail")
    if not path:
        return {}
    if path not in _XFAIL_FILES:
        _XFAIL_FILES[path] = read_xfail_file(path)
    return _XFAIL_FILES[path]


def load_xfails(config):
    path = _option(config, "--ember-xfail")
    return read_xfail_file(path) if path else {}


def conformance_cases(kind, backends, dtypes=None, families=None):
    """``(backend, op, dtype, id)`` for every test of ``kind`` (forward, grad, gradgrad, errors).

    Forward tests run each op at each of its dtypes that the backend declares (``BackendSpec.dtypes``);
    the others run once, in float64 (gradients) or float32 (error inputs).
    """
    import ember.backends as eb

    from .opinfo import op_db
    cases = []
    for backend in backends:
        declared = set(eb.all_backends()[backend].spec.dtypes)
        for op in op_db():
            if families and op.family not in families:
                continue
            if kind == "forward":
                cases += [(backend, op, dt, f"{backend}-{op.family}-{op.name}-{dt}") for dt in op.dtypes
                          if dt in declared and (dtypes is None or dt in dtypes)]
                continue
            dt = "float32" if kind == "errors" else "float64"
            wanted = {"grad": op.supports_grad, "gradgrad": op.gradgrad, "errors": op.error_inputs is not None}
            if wanted[kind] and dt in declared:
                cases.append((backend, op, dt, f"{backend}-{op.family}-{op.name}"))
    return cases


def xfail_reason(kind, op, backend, dtype, extra):
    """Why (kind, op, backend, dtype) is expected to fail: the OpInfo's own xfails, then those of the
    ``extra`` file (``--ember-xfail``), then those the backend declares."""
    reason = op.xfail_reason(kind, backend, dtype)
    for table in (extra, backend_xfails(backend)):
        if reason is None:
            reason = table.get((kind, op.name, dtype)) or table.get((kind, op.name, "*"))
    return reason


def pytest_generate_tests(metafunc):
    if "ember_case" not in metafunc.fixturenames:
        return
    kind = metafunc.function.__name__.replace("test_", "")
    cases = conformance_cases(kind, selected_backends(metafunc.config), selected_dtypes(metafunc.config))
    metafunc.parametrize("ember_case", [c[:3] for c in cases], ids=[c[3] for c in cases])


def pytest_collection_modifyitems(config, items):
    import pytest
    extra = load_xfails(config)
    for item in items:
        case = getattr(item, "callspec", None) and item.callspec.params.get("ember_case")
        if not case:
            continue
        backend, op, dt = case
        kind = item.originalname.replace("test_", "") if hasattr(item, "originalname") else ""
        reason = xfail_reason(kind, op, backend, dt, extra)
        if reason:
            item.add_marker(pytest.mark.xfail(reason=reason, strict=True))
