"""The coverage matrix (``ember backends --matrix [--run]``) and the errors a misbehaving plugin gets."""
from __future__ import annotations

import ember
import ember.backends as eb
import numpy as np
import pytest
from ember.__main__ import main as ember_main
from ember.backends._matrix import build_matrix, registry_op_for
from ember.backends._report import render_matrix
from ember.testing import harness, op_db


class _Plugin:
    """An in-process plugin: NumPy kernels inherited, the given ``kernels`` its own, the given spec fields."""

    def __init__(self, name, kernels, **spec):
        self.name, self.kernels, self.spec = name, kernels, spec

    @ember.hookimpl
    def ember_backend_spec(self):
        return eb.BackendSpec(name=self.name, inherits="numpy", priority=-100, **self.spec)

    @ember.hookimpl
    def ember_register_kernels(self, registry):
        registry.register_many(self.kernels)


@pytest.fixture
def plugin():
    """Register ``_Plugin(name, kernels, **spec)`` under the plugin name ``test_<name>``; unregistered afterwards."""
    names = []

    def register(name, kernels, **spec):
        names.append(name)
        return eb.register_plugin(_Plugin(name, kernels, **spec), f"test_{name}")
    yield register
    for name in names:
        eb.unregister_backend(name)


def _relu_broken_in_half(x):
    """A relu kernel for a backend that claims float16 but computes garbage there."""
    if x.dtype == np.float16:
        return np.full_like(x, 7)
    return np.maximum(x, x.dtype.type(0))


def test_kinds_come_from_the_registry():
    m = build_matrix(["numpy", "example"])
    for name in ("numpy", "example"):
        coverage = eb.coverage(name)
        assert {op: m.cells[op, name].kind for op in m.ops} == coverage
    assert m.cells["add", "example"].kind == "native"
    assert m.cells["mul", "example"].kind == "inherited"
    assert m.cells["relu", "numpy"].states["float32"] == "native"
    assert m.cells["relu", "numpy"].states["bool"] == "n/a"  # relu's OpInfo does not list bool
    assert not m.ran and not m.failures()


def test_native_kernel_declaring_its_dtypes_shows_the_others_as_inherited(plugin):
    def relu(x):  # computes float64 itself, hands every other dtype to the NumPy backend's kernel
        from ember_numpy.activation import KERNELS
        return np.maximum(x, 0.0) if x.dtype == np.float64 else KERNELS["relu"](x)

    relu.native_dtypes = ("float64",)
    plugin("partial", {"relu": relu})
    m = build_matrix(["partial"], families=["activation"])
    states = m.cells["relu", "partial"].states
    assert m.cells["relu", "partial"].kind == "native"
    assert states["float64"] == "native" and states["float32"] == states["float16"] == "inherited"


def test_c_ext_declares_its_float_kernels(plugin):
    m = build_matrix(["c_ext"], families=["activation", "rnn"])
    gelu = m.cells["gelu", "c_ext"].states
    assert gelu["float32"] == gelu["float64"] == "native" and gelu["float16"] == gelu["bfloat16"] == "inherited"
    lstm = m.cells["lstm_layer", "c_ext"].states
    assert lstm["float32"] == "native" and lstm["float64"] == "inherited"


def test_undeclared_dtype_is_missing_and_not_tested(plugin):
    plugin("no_half", {}, dtypes=("float32", "float64"))
    m = build_matrix(["no_half"], dtypes=["float16", "float32"], families=["activation"], run=True)
    cell = m.cells["relu", "no_half"]
    assert cell.kind == "inherited" and cell.states == {"float16": "missing", "float32": "pass"}
    assert not [r for r in m.results if r.dtype == "float16"]


def test_registry_op_names_from_opinfo_names():
    assert registry_op_for("nn.functional.gelu") == "gelu"
    assert registry_op_for("max.dim") == "max_dim"
    assert registry_op_for("linalg.inv") == "inv"
    assert registry_op_for("add") == "add"
    assert registry_op_for("hstack") is None


def test_run_marks_a_kernel_that_fails_on_a_claimed_dtype(plugin):
    plugin("half_liar", {"relu": _relu_broken_in_half})
    m = build_matrix(["half_liar"], dtypes=["float16", "float32"], families=["activation"], run=True)
    relu = m.cells["relu", "half_liar"]
    assert relu.kind == "native" and relu.states == {"float16": "fail", "float32": "pass"}
    assert m.cells["gelu", "half_liar"].states == {"float16": "pass", "float32": "pass"}
    failed = {r.test_id for r in m.failures()}
    assert "test_forward[half_liar-activation-relu-float16]" in failed
    message = next(r.message for r in m.failures() if r.test_id.endswith("relu-float16]"))
    for part in ("op 'relu'", "backend 'half_liar'", "test_half_liar", "dtype float16", "sample", "max abs error"):
        assert part in message, (part, message)
    text = render_matrix(m)
    assert "relu" in text and "native     FP" in text and "FAIL test_forward[half_liar-activation-relu-float16]" in text


def test_conformance_failure_message_names_plugin_op_dtype_and_error(plugin):
    plugin("half_liar", {"relu": _relu_broken_in_half})
    relu = next(r for r in op_db() if r.name == "relu")
    with pytest.raises(harness.ConformanceFailure) as info:
        harness.run_forward(relu, "half_liar", "float16")
    msg = str(info.value)
    assert "op 'relu'" in msg and "backend 'half_liar' (plugin 'test_half_liar')" in msg and "dtype float16" in msg
    assert "max abs error" in msg and "array[" in msg  # the sample that failed


def test_xfail_file_turns_failures_into_xfail_and_passes_into_xpass(plugin, tmp_path):
    plugin("half_liar", {"relu": _relu_broken_in_half})
    xfails = tmp_path / "xfail.txt"
    xfails.write_text("forward relu float16  # known\nforward relu float32  # stale entry\n")
    m = build_matrix(["half_liar"], dtypes=["float16", "float32"], families=["activation"], run=True,
                     xfail_file=str(xfails))
    assert m.cells["relu", "half_liar"].states == {"float16": "xfail", "float32": "xpass"}
    assert [r.test_id for r in m.failures()] == ["test_forward[half_liar-activation-relu-float32]"]


def test_backend_declared_xfails_apply(plugin, tmp_path):
    xfails = tmp_path / "xfail.txt"
    xfails.write_text("# comment line\nforward relu float16  # half is broken\n")
    plugin("declared", {"relu": _relu_broken_in_half}, extra={"conformance_xfail": str(xfails)})
    m = build_matrix(["declared"], dtypes=["float16"], families=["activation"], run=True)
    assert m.cells["relu", "declared"].states["float16"] == "xfail" and not m.failures()


def test_malformed_xfail_file_names_the_line(tmp_path):
    bad = tmp_path / "xfail.txt"
    bad.write_text("forward relu\n")
    with pytest.raises(ValueError, match=r"xfail.txt:1: expected 'kind op dtype"):
        build_matrix(["numpy"], families=["activation"], run=True, xfail_file=str(bad))


@pytest.mark.parametrize("fmt, needle", [("text", "relu"), ("markdown", "| `relu` | activation | native `"),
                                         ("html", '<th colspan="11">numpy</th>')])
def test_cli_formats(fmt, needle, capsys):
    assert ember_main(["backends", "--matrix", "--backend", "numpy", "--family", "activation", "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert needle in out
    if fmt == "html":
        assert out.startswith("<!DOCTYPE html>") and out.rstrip().endswith("</html>")


def test_cli_run_exit_status(plugin, capsys):
    plugin("half_liar", {"relu": _relu_broken_in_half})
    args = ["backends", "--matrix", "--run", "--family", "activation", "--dtypes", "float16"]
    assert ember_main([*args, "--backend", "numpy"]) == 0
    assert ember_main([*args, "--backend", "half_liar"]) == 1
    assert "1 failing conformance tests" in capsys.readouterr().out


@pytest.mark.parametrize("argv, message", [
    (["--matrix", "--backend", "nosuch"], "unknown ember backend 'nosuch'"),
    (["--matrix", "--dtypes", "float8"], "unknown dtype(s) float8"),
    (["--matrix", "--family", "nosuch"], "unknown op family nosuch"),
    (["--run"], "--run needs --matrix"),
    (["--matrix", "--xfail", "x.txt"], "--xfail needs --run"),
])
def test_cli_bad_options(argv, message, capsys):
    assert ember_main(["backends", *argv]) == 2
    assert message in capsys.readouterr().err


def test_plugin_registering_an_unknown_op_is_unavailable_naming_plugin_and_op(plugin):
    b = plugin("typo", {"relux": _relu_broken_in_half})
    unknown_op = r"plugin 'test_typo' registered a kernel for unknown op 'relux'"
    with pytest.warns(eb.BackendWarning, match="typo"), pytest.raises(RuntimeError, match=unknown_op):
        eb.get_backend("typo")
    assert not b.available


def test_plugin_registering_a_kernel_with_a_wrong_signature_names_plugin_and_op(plugin):
    plugin("arity", {"add": lambda x: x})
    with pytest.warns(eb.BackendWarning), pytest.raises(RuntimeError, match=r"plugin 'test_arity', op 'add'"):
        eb.get_backend("arity")
