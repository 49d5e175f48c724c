"""Device strings, Tensor.device / .to / .cpu / .cuda, ember.cuda and the default device.

Where PyTorch defines the behaviour (parsing, repr, equality, error types)
the test compares against real torch.
"""
from __future__ import annotations

import pickle
import re

import pytest
import torch

import ember
import ember.backends as eb


# why the cupy backend is unavailable on a machine without CuPy or without a CUDA device (ember_cupy.plugin.probe)
CUPY_WHY = r"CuPy (is not installed|failed to import|\S+ cannot use a CUDA device|\S+ found no CUDA device)"


def _gpu_backends_available():
    return any(b.available for b in eb.all_backends().values() if b.spec.device_type == "gpu")


@pytest.fixture
def default_device_restored():
    yield
    ember.set_default_device(None)


# --- parsing, repr, equality: as torch.device ---------------------------------------------

TORCH_SPELLINGS = [("cpu",), ("cuda",), ("cuda:0",), ("cuda:3",), ("cpu:0",), ("cuda", 2), ("cpu", 0)]


@pytest.mark.parametrize("args", TORCH_SPELLINGS, ids=str)
def test_device_parses_like_torch(args):
    e, t = ember.device(*args), torch.device(*args)
    assert (e.type, e.index) == (t.type, t.index)
    assert repr(e) == repr(t)
    assert str(e) == str(t)
    assert ember.device(e) == e


@pytest.mark.parametrize("bad", ["cuda:x", "cuda:-1", "cpu:0:1", "cuda:", ":0"])
def test_invalid_device_strings_raise_runtime_error_like_torch(bad):
    with pytest.raises(RuntimeError):
        torch.device(bad)
    with pytest.raises(RuntimeError):
        ember.device(bad)


@pytest.mark.skipif(_gpu_backends_available(), reason="checks the behaviour without a GPU backend")
def test_bare_index_needs_an_accelerator_like_torch():
    if not torch.cuda.is_available():
        with pytest.raises(RuntimeError, match="accelerator"):
            torch.device(1)
    with pytest.raises(RuntimeError, match="Cannot access accelerator device when none is available"):
        ember.device(1)


def test_device_argument_types():
    with pytest.raises(TypeError):
        torch.device("cuda", "x")
    with pytest.raises(TypeError, match="index"):
        ember.device("cuda", "x")
    with pytest.raises(TypeError):
        ember.device(1.5)
    with pytest.raises(RuntimeError, match="must not be negative"):
        ember.device("cuda", -1)
    with pytest.raises(RuntimeError, match="index was passed explicitly"):
        ember.device("cuda:1", 1)


@pytest.mark.parametrize("a, b", [("cpu", "cpu"), ("cpu", "cpu:0"), ("cuda", "cuda:0"), ("cuda:1", "cuda:1"),
                                  ("cuda:1", "cuda:2"), ("cpu", "cuda")])
def test_device_equality_like_torch(a, b):
    assert (ember.device(a) == ember.device(b)) == (torch.device(a) == torch.device(b))
    assert (ember.device(a) == a) == (torch.device(a) == a)  # never equal to a plain string


def test_device_hash_and_pickle():
    for spelling in ("cpu", "cuda:1", "example", "cupy:0"):
        d = ember.device(spelling)
        assert pickle.loads(pickle.dumps(d)) == d
        assert hash(ember.device(spelling)) == hash(d)
    assert len({ember.device("cpu"), ember.device("cpu"), ember.device("cuda:1")}) == 2


# --- backend names in device strings ---------------------------------------------------------

def test_backend_names_are_devices(example_backend):
    d = ember.device("example")
    assert (d.type, d.index, d.backend) == ("cpu", None, "example")
    assert str(d) == "example"
    assert "backend='example'" in repr(d)
    n = ember.device("numpy")
    assert n.backend == "numpy"
    default = ember.device(eb.default_backend().name)
    assert default == ember.device("cpu")  # "cpu" names the default CPU backend (c_ext when built, else numpy)
    assert (n == ember.device("cpu")) == (default.backend == "numpy")
    assert d != ember.device("cpu")


def test_gpu_backend_name_with_index_parses_without_a_gpu():
    d = ember.device("cupy:0")
    assert (d.type, d.index) == ("cuda", 0)
    assert ember.device("cupy").index == 0
    assert str(d) == "cupy:0"


def test_unknown_backend_name_is_a_runtime_error_listing_installed_backends():
    with pytest.raises(RuntimeError) as info:
        ember.device("tpu_backend_that_does_not_exist")
    msg = str(info.value)
    assert "tpu_backend_that_does_not_exist" in msg
    for name in eb.all_backends():
        assert name in msg
    with pytest.raises(RuntimeError, match="nope"):
        ember.zeros(2, device="nope")


@pytest.mark.skipif(_gpu_backends_available(), reason="checks the behaviour without a GPU backend")
def test_unavailable_backend_says_why():
    ember.device("cupy")  # naming it is fine; using it is not
    with pytest.raises(RuntimeError, match=r"cupy.*" + CUPY_WHY):
        ember.zeros(2, device="cupy")
    with pytest.raises(RuntimeError, match=r"cupy.*" + CUPY_WHY):
        ember.ones(2).to("cupy:0")


# --- Tensor.device, .to, .cpu, .cuda ---------------------------------------------------------

def test_tensor_device_and_to(example_backend):
    t = ember.tensor([1.0, 2.0])
    assert t.device == ember.device("cpu") and t.device.type == "cpu" and t.is_cpu and not t.is_cuda
    assert t.to("cpu") is t and t.cpu() is t and t.to(t.device) is t
    e = t.to("example")
    assert e.device.backend == "example" and e.tolist() == [1.0, 2.0]
    assert e.to(ember.device("example")) is e
    assert e.cpu() is e  # already a CPU-kind device, as torch's cpu() on a CPU tensor
    back = e.to("cpu")
    assert back.device.backend == eb.default_backend().name and back.tolist() == [1.0, 2.0]
    both = t.to("example", ember.float64)
    assert both.device.backend == "example" and both.dtype is ember.float64
    assert "device='example'" in repr(e)
    assert "device=" not in repr(t)


def test_factories_take_device_objects(example_backend):
    d = ember.device("example")
    for t in (ember.zeros(2, device=d), ember.ones(2, device="example"), ember.tensor([1.0], device=d)):
        assert t.device == d


@pytest.mark.skipif(_gpu_backends_available(), reason="checks the behaviour without a GPU backend")
def test_cuda_without_gpu_backend_raises_assertion_like_torch():
    with pytest.raises(AssertionError):
        torch.zeros(2).cuda()
    t = ember.zeros(2)
    for f in (t.cuda, lambda: t.to("cuda"), lambda: ember.zeros(2, device="cuda"), lambda: ember.device("cuda").backend):
        with pytest.raises(AssertionError) as info:
            f()
        msg = str(info.value)
        assert "GPU backend" in msg and "cupy" in msg and re.search(CUPY_WHY, msg)


@pytest.mark.skipif(_gpu_backends_available(), reason="checks the behaviour without a GPU backend")
def test_ember_cuda_without_gpu_matches_a_cpu_only_torch():
    assert ember.cuda.is_available() is False
    assert ember.cuda.device_count() == 0
    assert ember.cuda.memory_allocated() == 0 and ember.cuda.max_memory_allocated() == 0
    assert ember.cuda.is_bf16_supported() is False
    ember.cuda.manual_seed(0)  # a no-op, as in torch
    ember.cuda.empty_cache()
    for f in (ember.cuda.current_device, ember.cuda.synchronize, ember.cuda.get_device_name, ember.cuda.init):
        with pytest.raises(AssertionError, match=CUPY_WHY):
            f()
    if not torch.cuda.is_available():
        assert ember.cuda.is_available() == torch.cuda.is_available()
        assert ember.cuda.device_count() == torch.cuda.device_count()


# --- the default device ---------------------------------------------------------------------

def test_get_default_device_like_torch():
    assert repr(ember.get_default_device()) == repr(torch.get_default_device())


def test_set_default_device(example_backend, default_device_restored):
    process_default = eb.default_backend().name  # EMBER_BACKEND's, else the highest-priority CPU backend
    ember.set_default_device("example")
    t = ember.zeros(2)
    assert t.device.backend == "example"
    assert ember.get_default_device().backend == "example"
    assert ember.ones(1).device == ember.get_default_device()
    ember.set_default_device(None)
    assert ember.zeros(2).device.backend == process_default


def test_set_default_device_rejects_unknown_names(default_device_restored):
    process_default = eb.default_backend().name
    with pytest.raises(RuntimeError, match="not_a_backend"):
        ember.set_default_device("not_a_backend")
    assert ember.zeros(1).device.backend == process_default


def test_default_device_from_env_in_a_fresh_process(run_python, example_backend):
    r = run_python("import ember\nprint(ember.get_default_device().backend, ember.zeros(1).device)",
                   env={"EMBER_BACKEND": "example"})
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["example", "cpu"]  # "cpu" now names the example backend
