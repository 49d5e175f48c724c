"""The CuPy plugin loads everywhere and reports why it is unavailable; nothing else is affected."""
from __future__ import annotations

import types

import pytest

from ember_cupy import plugin


def test_without_cupy_reports_how_to_install():
    def no_cupy(name):
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    cupy, why = plugin.probe(no_cupy)
    assert cupy is None
    assert why == "CuPy is not installed (pip install 'ember[cuda12]' or 'ember[cuda13]')"


class CUDARuntimeError(RuntimeError):
    pass


def _fake_cupy(count):
    def get_count():
        if isinstance(count, Exception):
            raise count
        return count
    runtime = types.SimpleNamespace(getDeviceCount=get_count)
    return types.SimpleNamespace(__version__="14.2.0", cuda=types.SimpleNamespace(runtime=runtime))


def test_cupy_without_a_device_reports_the_cuda_error():
    fake = _fake_cupy(CUDARuntimeError("cudaErrorInsufficientDriver: CUDA driver version is insufficient"))
    cupy, why = plugin.probe(lambda name: fake)
    assert cupy is None
    assert why == ("CuPy 14.2.0 cannot use a CUDA device: CUDARuntimeError: cudaErrorInsufficientDriver: CUDA "
                   "driver version is insufficient")


def test_cupy_with_zero_devices_and_broken_import():
    assert plugin.probe(lambda name: _fake_cupy(0)) == (None, "CuPy 14.2.0 found no CUDA device")

    def broken(name):
        raise ImportError("libcudart.so.13: cannot open shared object file", name="cupy_backends.cuda.api")
    cupy, why = plugin.probe(broken)
    assert cupy is None and why.startswith("CuPy failed to import: ImportError: libcudart.so.13")


def test_cupy_with_a_device_is_available():
    fake = _fake_cupy(2)
    assert plugin.probe(lambda name: fake) == (fake, "")


def test_installed_plugin_reports_unavailable_and_cuda_stays_pytorch_like(run_python):
    if plugin.probe()[0] is not None:
        pytest.skip("CuPy sees a CUDA GPU here: the unavailable path is covered by the probe tests above")
    code = """
import ember, ember.backends as eb
b = eb.all_backends()['cupy']
print(b.spec.device_type, b.available, b.spec.host_memory)
print(b.why_unavailable())
print(ember.cuda.is_available(), ember.cuda.device_count())
try:
    ember.ones(2).cuda()
except AssertionError as e:
    print('AssertionError', e)
print(ember.ones(2).sum().item())
"""
    r = run_python(code, env={"PYTHONWARNINGS": "ignore"})
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "gpu False False"
    assert lines[1] == plugin.probe()[1]
    assert lines[2] == "False 0"
    assert lines[3].startswith("AssertionError ember has no available CUDA/GPU backend (backend 'cupy' is "
                               f"unavailable: {plugin.probe()[1]}")
    assert lines[4] == "2.0"
    r = run_python(None, args=["-m", "ember.backends"], env={"PYTHONWARNINGS": "ignore"})
    assert r.returncode == 0, r.stderr
    assert "cupy" in r.stdout and plugin.probe()[1] in r.stdout
