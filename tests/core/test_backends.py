"""Backend plugins: discovery, selection, inheritance, coverage, strict mode and kernel registration.

The out-of-tree ``example`` backend (tests/plugins/ember_example_backend) is
installed like any third-party plugin; it inherits the NumPy kernels and
overrides ``add`` with a call counter.
"""
from __future__ import annotations

import re
from importlib import metadata

import numpy as np
import pytest

import ember
import ember.backends as eb
from ember._dispatch import apply
from ember._op import OPS, defop
from ember.backends import BackendSpec, KernelRegistrationError, KernelRegistry


# why the cupy backend is unavailable on a machine without CuPy or without a CUDA device (ember_cupy.plugin.probe)
CUPY_WHY = r"CuPy (is not installed|failed to import|\S+ cannot use a CUDA device|\S+ found no CUDA device)"


def _cupy_usable():
    return eb.all_backends()["cupy"].available


def _example_calls():
    from ember_example_backend.plugin import CALLS
    return CALLS["add"]


# --- discovery ---------------------------------------------------------------------

def test_example_plugin_is_discovered_through_its_entry_point(example_backend):
    eps = {ep.name: ep.value for ep in metadata.entry_points(group=eb.GROUP)}
    assert eps["example"] == "ember_example_backend.plugin"
    assert "example" in eb.all_backends()
    assert "example" in eb.available_backends()
    spec = example_backend.spec
    assert (spec.name, spec.inherits, spec.device_type) == ("example", "numpy", "cpu")
    assert spec.version == metadata.version("ember-example-backend")


def test_builtin_backends_load_like_plugins():
    eps = {ep.name: ep.value for ep in metadata.entry_points(group=eb.GROUP)}
    assert {"numpy", "c_ext", "cupy"} <= set(eps)
    backends = eb.all_backends()
    assert backends["numpy"].available
    # c_ext is compiled at install time (gcc is on every machine CI uses); cupy is not written yet
    assert backends["c_ext"].available, backends["c_ext"].why_unavailable()
    assert backends["c_ext"].spec.inherits == "numpy" and backends["c_ext"].spec.host_memory
    if _cupy_usable():
        return  # a machine with CuPy and a GPU (scripts/gpu_check.sh)
    assert not backends["cupy"].available
    assert re.match(CUPY_WHY, backends["cupy"].why_unavailable())
    assert backends["cupy"].spec.device_type == "gpu"


def test_default_backend_without_env_is_the_highest_priority_cpu_backend(run_python):
    r = run_python("import ember, ember.backends as eb\n"
                   "print(ember.ones(1).device.backend)\nprint(eb.default_reason())")
    assert r.returncode == 0, r.stderr
    name, why = r.stdout.splitlines()
    cpu = [b for b in eb.all_backends().values() if b.available and b.spec.device_type == "cpu"]
    assert name == max(cpu, key=lambda b: (b.spec.priority, [-ord(c) for c in b.name])).name
    assert "EMBER_BACKEND not set" in why


# --- selection ---------------------------------------------------------------------

def test_ember_backend_env_selects_the_plugin(run_python, example_backend):
    code = ("import ember, ember.backends as eb\n"
            "from ember_example_backend.plugin import CALLS\n"
            "t = ember.ones(3)\n"
            "u = t + t\n"
            "print(t.device.backend, u.device.backend, CALLS['add'], u.tolist())\n"
            "print(eb.default_reason())\n")
    r = run_python(code, env={"EMBER_BACKEND": "example"})
    assert r.returncode == 0, r.stderr
    first, why = r.stdout.splitlines()
    assert first == "example example 1 [2.0, 2.0, 2.0]"
    assert why == "EMBER_BACKEND=example"


def test_ember_backend_env_unknown_name_lists_installed_backends(run_python):
    r = run_python("import ember\nember.ones(1)", env={"EMBER_BACKEND": "no_such_backend"})
    assert r.returncode != 0
    last = r.stderr.strip().splitlines()[-1]
    assert "RuntimeError" in r.stderr or "UnknownBackend" in last
    assert "no_such_backend" in last
    for name in ("numpy", "example", "c_ext", "cupy"):
        assert name in last


def test_ember_backend_env_unavailable_backend_says_why(run_python):
    r = run_python("import ember\nember.ones(1)", env={"EMBER_BACKEND": "cupy"})
    assert r.returncode != 0
    last = r.stderr.strip().splitlines()[-1]
    assert "cupy" in last and re.search(CUPY_WHY, last)


# --- the override and inheritance ------------------------------------------------------

@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "bfloat16", "int64", "int32", "uint8", "bool"])
def test_override_runs_and_matches_numpy(example_backend, dtype):
    dt = getattr(ember, dtype)
    vals = [[0, 1, 1], [1, 0, 1]] if dtype == "bool" else [[-2.5, 0.0, 3.0], [7.0, -0.0, 1.5]]
    if dt.category == 1:
        vals = [[int(abs(v)) for v in row] for row in vals]
    a = ember.tensor(vals, dtype=dt)
    b = ember.tensor(vals[::-1], dtype=dt)
    expected = a + b
    ea, eb_ = a.to("example"), b.to("example")
    before = _example_calls()
    got = ea + eb_
    assert _example_calls() == before + 1
    assert got.device == ember.device("example")
    assert got.dtype is expected.dtype
    assert got.tolist() == expected.tolist()


def test_override_receives_python_scalars(example_backend):
    t = ember.tensor([1.0, 2.0], device="example")
    before = _example_calls()
    assert (t + 1.5).tolist() == [2.5, 3.5]
    assert (2 + t).tolist() == [3.0, 4.0]
    assert _example_calls() == before + 2


def test_numpy_backend_does_not_run_the_override(example_backend):
    before = _example_calls()
    t = ember.tensor([1.0, 2.0], device="numpy")
    assert (t + t).tolist() == [2.0, 4.0]
    assert _example_calls() == before


def test_inherited_kernels_serve_every_other_op(example_backend):
    numpy_b = eb.get_backend("numpy")
    assert example_backend.table["add"] is not numpy_b.table["add"]
    for name, fn in numpy_b.table.items():
        if name != "add":
            assert example_backend.table[name] is fn, name
    x = ember.tensor([[1.0, 2.0], [3.0, 4.0]])
    ex = x.to("example")
    before = _example_calls()
    for f in (lambda t: t * t, lambda t: t.exp(), lambda t: t @ t, lambda t: t.sum(), lambda t: (t - 1) / 2):
        got, want = f(ex), f(x)
        assert got.device.backend == "example"
        assert np.array_equal(got.numpy(), want.numpy())
    assert _example_calls() == before


def test_autograd_runs_on_the_example_backend(example_backend):
    a = ember.tensor([1.0, 2.0, 3.0], device="example", requires_grad=True)
    b = ember.tensor([4.0, 5.0, 6.0], device="example", requires_grad=True)
    ((a * b + a).sum()).backward()
    assert a.grad.device.backend == "example"
    assert a.grad.tolist() == [5.0, 6.0, 7.0]
    assert b.grad.tolist() == [1.0, 2.0, 3.0]


def test_coverage_shows_native_and_inherited(example_backend):
    cov = eb.coverage("example")
    base = eb.coverage("numpy")
    assert set(cov) == set(OPS)
    assert cov["add"] == "native"
    for op, kind in base.items():
        if op == "add":
            continue
        assert cov[op] == ("inherited" if kind == "native" else kind), op
    assert [k for k in cov.values()].count("native") == 1
    assert eb.coverage("cupy") == {}
    with pytest.raises(RuntimeError, match="installed backends: .*example"):
        eb.coverage("no_such_backend")


# --- the conformance suite against the plugin ------------------------------------------

def test_conformance_suite_passes_on_the_example_backend(run_python, example_backend):
    r = run_python(None, args=["-m", "pytest", "--pyargs", "ember.testing", "--ember-backend", "example",
                               "-v", "-x", "-p", "no:cacheprovider", "-k", "elementwise and add"], timeout=900)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
    ran = re.findall(r"test_(\w+)\[(example-elementwise-add\S*)\] PASSED", r.stdout)
    assert ("forward", "example-elementwise-add-float32") in ran and ("grad", "example-elementwise-add") in ran, ran
    assert not re.search(r"\[(?!example-)\w+-elementwise", r.stdout)  # only the selected backend ran


# --- plugins registered programmatically ------------------------------------------------

def _numpy_kernels(*names):
    from ember_numpy.kernels import all_kernels
    k = all_kernels()
    return {n: k[n] for n in names}


_TINY_KERNELS = ("from_list", "from_array", "to_numpy", "dtype_of", "to_list", "item", "full", "mul", "add")


class _Plugin:
    """A backend plugin object: ``spec`` and ``kernels`` are what its hooks return."""

    def __init__(self, spec, kernels):
        self.spec, self.kernels = spec, kernels

    @ember.hookimpl
    def ember_backend_spec(self):
        return self.spec

    @ember.hookimpl
    def ember_register_kernels(self, registry):
        registry.register_many(self.kernels)


@pytest.fixture
def tiny():
    """A backend with no inheritance and only a few kernels, registered with register_plugin."""
    plugin = _Plugin(BackendSpec(name="tiny", version="9.9", inherits=None, priority=-100),
                     _numpy_kernels(*_TINY_KERNELS))
    b = eb.register_plugin(plugin, "tiny_test_plugin")
    assert b is not None and b.name == "tiny"
    try:
        yield eb.get_backend("tiny")
    finally:
        eb.unregister_backend("tiny")
    assert "tiny" not in eb.all_backends()


@pytest.fixture
def axpy_op():
    """A composite op known only to this test: kernel axpy(x, y) -> 2*x + y, with a decomposition."""
    op = defop("_test_axpy", "test", "_test_axpy(x, y) -> out", decomposition=lambda x, y: x * 2 + y)
    try:
        yield op
    finally:
        OPS.pop(op.name)


def test_register_plugin_programmatically(tiny):
    assert eb.all_backends()["tiny"] is tiny
    assert eb.coverage("tiny")["mul"] == "native"
    assert eb.coverage("tiny")["exp"] == "missing"
    t = ember.tensor([1.0, 2.0], device="tiny")
    assert (t * t).tolist() == [1.0, 4.0]
    assert ember.device("tiny").backend == "tiny"


def test_decomposition_runs_when_the_kernel_is_missing(tiny, axpy_op, monkeypatch):
    monkeypatch.delenv("EMBER_STRICT", raising=False)
    assert eb.coverage("tiny")[axpy_op.name] == "decomposed"
    x = ember.tensor([1.0, 2.0], device="tiny")
    y = ember.tensor([10.0, 20.0], device="tiny")
    out = apply(axpy_op, (x, y))
    assert out.tolist() == [12.0, 24.0]
    assert out.device.backend == "tiny"


def test_strict_mode_refuses_decompositions(tiny, axpy_op, monkeypatch):
    monkeypatch.setenv("EMBER_STRICT", "1")
    x = ember.tensor([1.0, 2.0], device="tiny")
    with pytest.raises(NotImplementedError) as info:
        apply(axpy_op, (x, x))
    msg = str(info.value)
    assert axpy_op.name in msg and "'tiny'" in msg and "EMBER_STRICT" in msg
    # ops the backend implements keep working in strict mode
    assert (x * x).tolist() == [1.0, 4.0]


def test_strict_mode_env_in_a_fresh_process(run_python):
    code = ("import ember, ember.backends as eb\n"
            "from ember._op import defop\nfrom ember._dispatch import apply\n"
            "op = defop('_test_axpy', 'test', '_test_axpy(x, y) -> out', decomposition=lambda x, y: x * 2 + y)\n"
            "x = ember.ones(2)\n"
            "try:\n    apply(op, (x, x))\nexcept NotImplementedError as e:\n    print('raised', e)\n"
            "else:\n    print('ran')\n")
    strict = run_python(code, env={"EMBER_STRICT": "1"})
    assert strict.returncode == 0, strict.stderr
    default = eb.best_backend("cpu").name  # the child runs without EMBER_BACKEND: c_ext when built, else numpy
    assert strict.stdout.startswith("raised") and "'_test_axpy'" in strict.stdout and f"'{default}'" in strict.stdout
    lax = run_python(code)
    assert lax.stdout.strip() == "ran", lax.stderr


def test_missing_kernel_error_names_op_backend_and_where_it_exists(tiny, example_backend):
    x = ember.tensor([1.0, 2.0], device="tiny")
    with pytest.raises(NotImplementedError) as info:
        x.exp()
    msg = str(info.value)
    assert "'exp'" in msg and "'tiny'" in msg
    have = msg.split("backends that have it:")[1]
    assert "numpy" in have and "example" in have and "tiny" not in have


# --- kernel registration is checked against the op registry --------------------------------

def test_registry_rejects_unknown_op():
    reg = KernelRegistry("mine", "my_plugin")
    with pytest.raises(KernelRegistrationError, match=r"'my_plugin'.*'no_such_op'"):
        reg.register("no_such_op", lambda x: x)
    assert reg.kernels == {}


def test_registry_rejects_wrong_arity():
    reg = KernelRegistry("mine", "my_plugin")
    with pytest.raises(KernelRegistrationError, match=r"'my_plugin'.*'add'"):
        reg.register("add", lambda x: x)
    with pytest.raises(KernelRegistrationError, match=r"'my_plugin'.*'neg'"):
        reg.register("neg", lambda x, y, z: x)
    reg.register("add", lambda x, y: x)  # fits
    assert list(reg.kernels) == ["add"]


def test_registry_decorator_form():
    reg = KernelRegistry("mine", "my_plugin")

    @reg.kernel("neg")
    def neg(x):
        return -x

    assert reg.kernels == {"neg": neg}


def test_plugin_registering_a_bad_kernel_is_disabled_with_the_reason():
    plugin = _Plugin(BackendSpec(name="badkern", inherits="numpy"), {"definitely_not_an_op": lambda x: x})
    b = eb.register_plugin(plugin, "badkern_plugin")
    try:
        with pytest.warns(eb.BackendWarning, match="badkern"):
            b.ensure_loaded()
        assert not b.available
        with pytest.raises(RuntimeError, match=r"badkern.*definitely_not_an_op"):
            ember.ones(1, device="badkern")
        assert ember.ones(2).tolist() == [1.0, 1.0]  # everything else keeps working
    finally:
        eb.unregister_backend("badkern")


def test_inheriting_from_a_missing_backend_says_so():
    plugin = _Plugin(BackendSpec(name="orphan", inherits="nonexistent_parent"), {})
    eb.register_plugin(plugin, "orphan_plugin")
    try:
        with pytest.raises(RuntimeError, match=r"orphan.*nonexistent_parent.*not installed"):
            ember.ones(1, device="orphan")
    finally:
        eb.unregister_backend("orphan")


@pytest.mark.parametrize("make_spec, reason", [
    (lambda: 42, "returned int"),
    (lambda: 1 / 0, "ZeroDivisionError"),
    (lambda: BackendSpec(name="numpy"), "already uses"),
])
def test_plugin_with_a_bad_spec_warns_and_is_skipped(make_spec, reason):
    class Bad:
        @ember.hookimpl
        def ember_backend_spec(self):
            return make_spec()

    before = dict(eb.all_backends())
    with pytest.warns(eb.BackendWarning, match=f"bad_spec_plugin.*{reason}"):
        assert eb.register_plugin(Bad(), "bad_spec_plugin") is None
    assert eb.all_backends() == before
    assert reason in eb.broken_plugins()["bad_spec_plugin"]


# --- data never moves between backends silently --------------------------------------------

def test_mixing_backends_raises_naming_op_and_devices(example_backend):
    a = ember.tensor([1.0, 2.0])
    b = ember.tensor([1.0, 2.0], device="example")
    for f, op in ((lambda: a + b, "add"), (lambda: b * a, "mul"), (lambda: a.unsqueeze(0) @ b.unsqueeze(1), "matmul")):
        with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device") as info:
            f()
        msg = str(info.value)
        assert op in msg and "cpu" in msg and "example" in msg


def test_explicit_to_moves_data_and_gradients(example_backend):
    a = ember.tensor([1.0, 2.0], requires_grad=True)
    moved = a.to("example")
    default = eb.default_backend().name
    assert moved.device.backend == "example" and a.device.backend == default
    out = (moved * moved).sum()
    out.backward()
    assert a.grad.device.backend == default
    assert a.grad.tolist() == [2.0, 4.0]
    back = moved.detach().to("cpu")
    assert back.device == a.device and back.tolist() == [1.0, 2.0]


# --- the report: python -m ember.backends / ember backends ---------------------------------

def _table_rows(text):
    """Backend rows of the report table: name -> (is_default, columns)."""
    lines = text.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.lstrip().startswith("backend "))
    header = lines[start].split()
    rows = {}
    for ln in lines[start + 1:]:
        if not ln.strip():
            break
        cols = ln[1:].split(None, len(header) - 1)
        rows[cols[0]] = (ln.startswith("*"), dict(zip(header, cols)))
    return rows


def test_report_lists_backends_default_and_coverage(example_backend):
    text = eb.report()
    default = eb.default_backend().name
    assert f"default backend: {default} ({eb.default_reason()})" in text
    rows = _table_rows(text)
    assert set(rows) == set(eb.all_backends())
    for name, b in eb.all_backends().items():
        is_default, cols = rows[name]
        assert is_default == (name == default)
        assert cols["version"] == b.spec.version
        assert cols["device"] == b.spec.device_type
        assert cols["status"] == ("available" if b.available else f"unavailable: {b.why_unavailable()}")
        if b.available:
            kinds = list(eb.coverage(name).values())
            for kind in ("native", "inherited", "decomposed", "missing"):
                assert int(cols[kind]) == kinds.count(kind), (name, kind)
        else:
            assert [cols[k] for k in ("native", "inherited", "decomposed", "missing")] == ["-"] * 4
    assert rows["cupy"][1]["status"] == "available" if _cupy_usable() else \
        re.fullmatch("unavailable: " + CUPY_WHY + ".*", rows["cupy"][1]["status"])
    assert rows["c_ext"][1]["status"] == "available" and rows["c_ext"][1]["inherits"] == "numpy"
    assert rows["example"][1]["inherits"] == "numpy"
    assert "per-op coverage:" not in text  # the per-op table only with --ops


def test_report_command_in_a_fresh_process(run_python, example_backend):
    r = run_python(None, args=["-m", "ember.backends"])
    assert r.returncode == 0, r.stderr
    default = eb.best_backend("cpu").name  # the child runs without EMBER_BACKEND: the highest-priority CPU backend
    assert f"default backend: {default} (EMBER_BACKEND not set" in r.stdout
    rows = _table_rows(r.stdout)
    assert {"numpy", "example", "c_ext", "cupy"} <= set(rows)
    assert rows[default][0] and not rows["example"][0]
    assert rows["cupy"][1]["status"] == "available" if _cupy_usable() else \
        re.fullmatch("unavailable: " + CUPY_WHY + ".*", rows["cupy"][1]["status"])


def test_report_names_the_env_var_when_it_chose_the_default(run_python, example_backend):
    r = run_python(None, args=["-m", "ember.backends"], env={"EMBER_BACKEND": "example"})
    assert r.returncode == 0, r.stderr
    assert "default backend: example (EMBER_BACKEND=example)" in r.stdout
    rows = _table_rows(r.stdout)
    assert rows["example"][0] and not rows["numpy"][0]


def test_report_ops_table_and_console_command(run_python, example_backend):
    lines = eb.report(show_ops=True).split("per-op coverage:")[1].strip().splitlines()
    header = lines[0].split()
    assert header[:2] == ["op", "family"] and {"numpy", "example"} <= set(header)
    table = {ln.split()[0]: dict(zip(header, ln.split())) for ln in lines[1:]}
    cov = eb.coverage("example")
    assert set(table) == set(cov)
    for op, kind in cov.items():
        assert table[op]["example"] == kind
        assert table[op]["family"] == OPS[op].family
    assert table["add"]["example"] == "native"
    r = run_python(None, args=["-m", "ember.backends", "--ops"])
    assert r.returncode == 0, r.stderr
    assert "per-op coverage:" in r.stdout
    cli = run_python(None, args=["-m", "ember", "backends", "--ops"])
    assert cli.returncode == 0 and cli.stdout == r.stdout
    scripts = {ep.name: ep.value for ep in metadata.entry_points(group="console_scripts")}
    assert scripts.get("ember") == "ember.__main__:main"
