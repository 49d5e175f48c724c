"""``ember.testing.compare_backends`` and ``ember compare``: whole-model cross-backend diffs."""
import argparse
import json
import math
import textwrap

import ember
import numpy as np
import pytest
from ember import nn
from ember.backends import BackendSpec
from ember.cli import compare as compare_cli
from ember.nn import functional as F
from ember.testing import CompareReport, compare_backends
from ember.testing.models import MODELS

# ------------------------------------------------------------------------------------ test-only backends

class _Plugin:
    """A backend inheriting every NumPy kernel except the ``kernels`` given."""

    def __init__(self, name, kernels, dtypes=None):
        extra = {} if dtypes is None else {"dtypes": dtypes}
        self.spec = BackendSpec(name=name, inherits="numpy", priority=-100, description="test backend", **extra)
        self.kernels = kernels

    @ember.hookimpl
    def ember_backend_spec(self):
        return self.spec

    @ember.hookimpl
    def ember_register_kernels(self, registry):
        registry.register_many(self.kernels)


def _wrong_relu(x):
    return np.maximum(x, x.dtype.type(0)) * x.dtype.type(1.01)  # 1% too large


def _wrong_relu_backward(g, y):
    return np.where(y > 0, g, g.dtype.type(0)) * g.dtype.type(1.01)


def _failing_relu(x):
    raise RuntimeError("relu kernel exploded")


def _register(name, kernels, dtypes=None):
    assert ember.backends.register_plugin(_Plugin(name, kernels, dtypes), f"{name}_plugin") is not None


@pytest.fixture
def plugins():
    """Registers the test backends wrong_relu, wrong_relu_grad, failing and f64_only; unregisters them after."""
    specs = {"wrong_relu": {"relu": _wrong_relu}, "wrong_relu_grad": {"relu_backward": _wrong_relu_backward},
             "failing": {"relu": _failing_relu}}
    for name, kernels in specs.items():
        _register(name, kernels)
    _register("f64_only", {}, dtypes=("float64", "int64", "bool"))
    try:
        yield
    finally:
        for name in (*specs, "f64_only"):
            ember.backends.unregister_backend(name)


def _mlp():
    ember.manual_seed(0)
    return nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 3)), ember.randn(4, 6)


class _FunctionalRelu(nn.Module):
    """fc1 -> F.relu (not a module) -> fc2: a divergence in F.relu shows up at fc2's input."""

    def __init__(self):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(6, 8), nn.Linear(8, 3)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x)))


def _entries(result, kind):
    return {e.name: e for e in result.entries if e.kind == kind}


# ---------------------------------------------------------------------------------------------- agreement

def test_numpy_float32_agrees_with_its_float64_reference():
    model, x = _mlp()
    report = compare_backends(model, x, ["numpy"], steps=1)
    assert report.ok and report.diverged == [] and list(report.results) == ["numpy"]
    assert (report.reference, report.reference_dtype, report.dtype) == ("numpy", "float64", "float32")
    assert (report.rtol, report.atol) == (1e-4, 1e-5)
    r = report.results["numpy"]
    assert set(_entries(r, "grad")) == {"0.weight", "0.bias", "2.weight", "2.bias", "input[0]"}
    assert set(_entries(r, "param")) == {f"{n} after step 1" for n in ("0.weight", "0.bias", "2.weight", "2.bias")}
    assert set(_entries(r, "loss")) == {"loss", "after step 1"}
    # float32 rounding is visible but small: errors are nonzero somewhere, all far below the tolerance
    assert any(e.max_abs > 0 for e in r.entries)
    assert all(e.max_rel < 1e-5 and e.ok for e in r.entries)
    # module inputs and outputs of (model), 0, 1, 2 in execution order
    assert [(e.kind, e.name) for e in r.activations][:3] == [
        ("module input", "(model) (Sequential)"), ("module input", "0 (Linear)"), ("module output", "0 (Linear)")]
    assert len(r.activations) == 8 and r.first_divergence is None


@pytest.mark.parametrize("name", ["mlp", "cnn", "lstm"])
def test_c_ext_agrees_with_numpy_on_builtin_models(name):
    model, inputs = MODELS[name].build()
    report = compare_backends(model, inputs, ["c_ext", "numpy"], steps=2)
    assert report.ok, str(report)
    c_ext = report.results["c_ext"]
    kinds = {e.kind for e in c_ext.entries}
    assert kinds == {"output", "loss", "grad", "param"}
    assert len(_entries(c_ext, "param")) == len(list(model.parameters()))
    assert c_ext.activations and all(e.ok for e in c_ext.activations)


@pytest.mark.parametrize("name", ["resnet18", "transformer"])
def test_c_ext_agrees_on_the_larger_builtin_models(name):
    model, inputs = MODELS[name].build()
    report = compare_backends(model, inputs, ["c_ext"])
    assert report.ok, str(report)
    assert len(_entries(report.results["c_ext"], "grad")) == len(list(model.parameters())) + 1  # + the input


def test_plain_function_compares_outputs_and_input_gradients():
    a, b = ember.randn(3, 4), ember.randn(4)
    report = compare_backends(lambda x, y: ((x * y).tanh().sum(dim=1), x.exp()), (a, b), ["c_ext"])
    r = report.results["c_ext"]
    assert report.ok and report.model.endswith(".<lambda>")
    assert set(_entries(r, "output")) == {"output[0]", "output[1]"}
    assert set(_entries(r, "grad")) == {"input[0]", "input[1]"} and r.activations == []


def test_forward_only_and_float64_tolerances():
    model, x = _mlp()
    report = compare_backends(model, x, "c_ext", backward=False, dtype="float64")
    assert report.ok and report.dtype == "float64" and (report.rtol, report.atol) == (1e-7, 1e-10)
    assert {e.kind for e in report.results["c_ext"].entries} == {"output"}


def test_the_callers_model_inputs_and_rng_are_untouched():
    model, x = _mlp()
    model.train()
    before = [p.detach().clone() for p in model.parameters()]
    ember.manual_seed(7)
    expected_draw = ember.rand(3).tolist()
    ember.manual_seed(7)
    compare_backends(model, x, ["numpy"], steps=2)
    assert ember.rand(3).tolist() == expected_draw
    assert model.training and all(p.grad is None for p in model.parameters()) and not x.requires_grad
    assert all(ember.equal(p, q) for p, q in zip(model.parameters(), before))


def test_train_mode_seeds_every_run_identically():
    ember.manual_seed(0)
    model = nn.Sequential(nn.Linear(6, 16), nn.Dropout(0.5), nn.Linear(16, 2))
    x = ember.randn(8, 6)
    report = compare_backends(model, x, ["c_ext"], train=True, steps=1)
    assert report.ok and "1 (Dropout)" in {e.name for e in report.results["c_ext"].activations}


def test_custom_loss_and_optimizer():
    model, x = _mlp()
    seen = []

    def optimizer(params):
        seen.append(len(params))
        return ember.optim.Adam(params, lr=1e-3)

    report = compare_backends(model, x, ["c_ext"], steps=3, optimizer=optimizer,
                              loss_fn=lambda out: (out ** 2).mean())
    assert report.ok and seen == [4, 4]  # one optimizer for the reference, one for c_ext
    assert len(_entries(report.results["c_ext"], "loss")) == 4


# --------------------------------------------------------------------------------------------- divergence

def test_broken_kernel_is_localised_to_the_first_module_using_it(plugins):
    model, x = _mlp()
    report = compare_backends(model, x, ["numpy", "wrong_relu"])
    assert not report.ok and report.diverged == ["wrong_relu"] and report.results["numpy"].ok
    fd = report.results["wrong_relu"].first_divergence
    assert (fd["module"], fd["type"], fd["at"], fd["after"]) == ("1", "ReLU", "output", "0")
    assert fd["max_abs"] > fd["allowed"]
    assert not _entries(report.results["wrong_relu"], "output")["output"].ok
    text = str(report)
    assert "first divergence: output of module '1' (ReLU)" in text and "DIVERGES" in text
    assert "diverging: wrong_relu" in text


def test_divergence_between_modules_points_at_the_next_modules_input(plugins):
    ember.manual_seed(0)
    report = compare_backends(_FunctionalRelu(), ember.randn(4, 6), ["wrong_relu"])
    fd = report.results["wrong_relu"].first_divergence
    assert (fd["module"], fd["type"], fd["at"], fd["after"]) == ("fc2", "Linear", "input", "fc1")
    assert "code after 'fc1' outside any submodule" in str(report)


def test_backward_only_divergence_shows_in_gradients(plugins):
    model, x = _mlp()
    r = compare_backends(model, x, ["wrong_relu_grad"]).results["wrong_relu_grad"]
    assert not r.ok and r.first_divergence is None and all(e.ok for e in r.activations)
    grads = _entries(r, "grad")
    assert not grads["0.weight"].ok and grads["2.weight"].ok  # only gradients flowing through the ReLU
    assert "the difference arises in the backward pass" in str(compare_backends(model, x, ["wrong_relu_grad"]))


def test_a_backend_that_fails_is_reported_not_raised(plugins):
    model, x = _mlp()
    report = compare_backends(model, x, ["numpy", "failing"])
    assert report.diverged == ["failing"]
    assert report.results["failing"].error == "RuntimeError: relu kernel exploded"
    assert "failing: failed to run: RuntimeError: relu kernel exploded" in str(report)


def test_backends_without_the_dtype_are_skipped_by_default_and_rejected_when_named(plugins):
    model, x = _mlp()
    report = compare_backends(model, x, backward=False)
    assert report.skipped["f64_only"] == "does not support float32" and "f64_only" not in report.results
    assert {"numpy", "c_ext", "wrong_relu"} <= set(report.results)
    assert "f64_only: skipped: does not support float32" in str(report)
    with pytest.raises(ValueError, match="backend 'f64_only' does not support the dtype under test, float32"):
        compare_backends(model, x, ["f64_only"])
    assert compare_backends(model, x, ["f64_only"], dtype=ember.float64).ok


def test_tolerance_is_scaled_by_the_reference_magnitude():
    model, x = _mlp()
    loose = compare_backends(model, x, ["numpy"], rtol=0.0, atol=1e-3)
    assert loose.ok and (loose.rtol, loose.atol) == (0.0, 1e-3)
    tight = compare_backends(model, x, ["numpy"], rtol=0.0, atol=0.0)
    assert not tight.ok and tight.results["numpy"].first_divergence["module"] == "0"


# ------------------------------------------------------------------------------------------------- report

def test_report_round_trips_through_dict_and_json(plugins):
    model, x = _mlp()
    report = compare_backends(model, x, ["numpy", "wrong_relu", "failing"], steps=1)
    d = report.to_dict()
    assert json.loads(report.to_json()) == d
    assert CompareReport.from_json(report.to_json()).to_dict() == d
    assert CompareReport.from_dict(d).ok is False and str(CompareReport.from_dict(d)) == str(report)
    assert d["ok"] is False and d["results"]["numpy"]["ok"] is True
    assert d["results"]["failing"]["error"].startswith("RuntimeError") and d["skipped"] == {}
    entry = d["results"]["wrong_relu"]["entries"][0]
    assert set(entry) == {"kind", "name", "shape", "max_abs", "max_rel", "allowed", "ok", "note"}
    assert entry["shape"] == [4, 3]


def test_missing_gradient_is_a_divergence_with_non_finite_error_in_json():
    class Gated(nn.Module):
        def __init__(self):
            super().__init__()
            self.a, self.b = nn.Linear(2, 2), nn.Linear(2, 2)

        def forward(self, x):  # b is used only on the reference's float64 run
            return self.b(self.a(x)) if x.dtype == ember.float64 else self.a(x)

    report = compare_backends(Gated(), ember.randn(3, 2), ["numpy"], backward=True)
    grads = _entries(report.results["numpy"], "grad")
    assert not grads["b.weight"].ok and grads["b.weight"].note == "no gradient on this backend"
    assert math.isinf(grads["b.weight"].max_abs)
    d = json.loads(report.to_json())
    bad = next(e for e in d["results"]["numpy"]["entries"] if e["name"] == "b.weight")
    assert bad["max_abs"] == "inf"
    restored = _entries(CompareReport.from_dict(d).results["numpy"], "grad")["b.weight"]
    assert math.isinf(restored.max_abs) and not restored.ok


# --------------------------------------------------------------------------------------------- bad input

def test_bad_arguments_raise_clear_errors():
    model, x = _mlp()
    with pytest.raises(TypeError, match="model_or_fn must be an nn.Module or a callable, received int"):
        compare_backends(3, x)
    with pytest.raises(TypeError, match="inputs must be a tensor or a tuple/list of them, received int"):
        compare_backends(model, 3)
    with pytest.raises(ValueError, match="steps must be a non-negative int, received -1"):
        compare_backends(model, x, steps=-1)
    with pytest.raises(ValueError, match="steps=2 needs gradients"):
        compare_backends(model, x, steps=2, backward=False)
    with pytest.raises(ValueError, match="steps=1 needs a model with parameters"):
        compare_backends(lambda t: t * 2, x, steps=1)
    with pytest.raises(ValueError, match="pass both rtol and atol or neither"):
        compare_backends(model, x, rtol=1e-3)
    with pytest.raises(ValueError, match="unknown ember backend 'nope'"):
        compare_backends(model, x, ["nope"])
    with pytest.raises(TypeError, match="dtype must be a floating-point ember.dtype, received 'int32'"):
        compare_backends(model, x, dtype="int32")
    with pytest.raises(TypeError, match="optimizer must be callable"):
        compare_backends(model, x, steps=1, optimizer="sgd")


def test_inputs_of_the_wrong_shape_name_the_shapes():
    model, _ = _mlp()
    with pytest.raises(RuntimeError, match=r"reference run \(numpy, float64\) of Sequential failed on inputs of "
                                           r"shapes \(4, 5\): mat1 and mat2 shapes cannot be multiplied"):
        compare_backends(model, ember.randn(4, 5))


# -------------------------------------------------------------------------------------------- ember compare

def _cli(*argv):
    parser = argparse.ArgumentParser(prog="ember")
    compare_cli.add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["compare", *argv])
    return args.handler(args)


def test_cli_exits_0_when_backends_agree(capsys, tmp_path):
    out = tmp_path / "report.json"
    assert _cli("cnn", "--backends", "numpy,c_ext", "--steps", "1", "--json", str(out)) == 0
    text = capsys.readouterr().out
    assert "summary: 2 of 2 backends agree with the reference" in text and "grad conv1.weight" in text
    report = CompareReport.from_json(out.read_text())
    assert report.ok and report.model == "CNN" and report.steps == 1 and set(report.results) == {"numpy", "c_ext"}


def test_cli_exits_1_when_a_backend_diverges(plugins, capsys):
    assert _cli("mlp", "--backends", "c_ext,wrong_relu", "--no-backward") == 1
    assert "wrong_relu: first divergence: output of module '1' (ReLU)" in capsys.readouterr().out


@pytest.mark.parametrize("argv, message", [
    (["foo"], "unknown model 'foo': expected one of mlp, cnn, resnet18, lstm, transformer, or module:callable"),
    (["mlp", "--backends", "nope"], "cannot use backend 'nope': unknown ember backend 'nope'"),
    (["mlp", "--reference", "nope"], "cannot use backend 'nope'"),
    (["no_such_module_xyz:net"], "cannot import module 'no_such_module_xyz' (ModuleNotFoundError"),
    (["json:no_such_net"], "module 'json' has no attribute 'no_such_net'"),
    (["mlp", "--input-shape", "2,5"], ("model 'mlp' takes inputs of shape (8, 32), received --input-shape (2, 5): "
                                      "mat1 and mat2 shapes cannot be multiplied (2x5 and 32x64)")),
    (["cnn", "--input-shape", "4,14,14"], ("model 'cnn' takes inputs of shape (4, 1, 14, 14), received "
                                          "--input-shape (4, 14, 14)")),
    (["mlp", "--rtol", "1e-3"], "pass both --rtol and --atol, or neither"),
    (["mlp", "--steps", "1", "--no-backward"], "steps=1 needs gradients"),
])
def test_cli_exits_2_on_bad_usage(argv, message, capsys):
    assert _cli(*argv) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("ember compare: error: ") and message in captured.err
    assert "Traceback" not in captured.err and captured.out == ""


def test_cli_rejects_a_malformed_shape(capsys):
    with pytest.raises(SystemExit) as exc:
        _cli("mlp", "--input-shape", "a,b")
    assert exc.value.code == 2 and "expected comma-separated non-negative sizes" in capsys.readouterr().err


@pytest.fixture
def user_module(tmp_path, monkeypatch):
    (tmp_path / "compare_user_nets.py").write_text(textwrap.dedent("""
        import ember
        from ember import nn

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(5, 2)

            def forward(self, x):
                return self.fc(x).tanh()

        def with_inputs():
            return Net(), (ember.randn(3, 5),)

        def square(x):
            return x * x

        def broken():
            raise KeyError("no weights")

        NOT_CALLABLE = 3
    """))
    monkeypatch.syspath_prepend(str(tmp_path))
    return "compare_user_nets"


def test_cli_runs_a_user_callable(user_module, capsys):
    assert _cli(f"{user_module}:Net", "--input-shape", "3,5", "--backends", "c_ext", "--steps", "1") == 0
    assert "grad fc.weight" in capsys.readouterr().out
    assert _cli(f"{user_module}:with_inputs", "--backends", "c_ext") == 0
    assert "output" in capsys.readouterr().out
    assert _cli(f"{user_module}:square", "--input-shape", "4", "--backends", "c_ext") == 0
    assert "grad input[0]" in capsys.readouterr().out


@pytest.mark.parametrize("argv, message", [
    ([":Net"], "expected module:callable"),
    (["{m}:Net"], "needs inputs: pass --input-shape"),
    (["{m}:square"], "needs inputs: pass --input-shape"),
    (["{m}:with_inputs", "--input-shape", "3,5"], "returned its own inputs; --input-shape cannot replace them"),
    (["{m}:broken"], "{m}:broken() raised KeyError: 'no weights'"),
    (["{m}:NOT_CALLABLE"], "{m}:NOT_CALLABLE is a int, not an nn.Module or a callable"),
    (["{m}:Net", "--input-shape", "3,4"], ("failed on inputs of shapes (3, 4): mat1 and mat2 shapes cannot be "
                                          "multiplied (3x4 and 5x2)")),
])
def test_cli_user_callable_errors(user_module, argv, message, capsys):
    assert _cli(*[a.format(m=user_module) for a in argv]) == 2
    assert message.format(m=user_module) in capsys.readouterr().err
