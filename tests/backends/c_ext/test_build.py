"""The c_ext backend builds, reports itself honestly, and follows ember.set_num_threads."""
import os
import shutil
import subprocess
import sys
import zipfile

import pytest
from threadpoolctl import threadpool_info

import ember
from ember.backends._discovery import all_backends

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def test_c_ext_is_available_and_inherits_numpy():
    b = all_backends()["c_ext"]
    assert b.available, b.spec.reason
    b.ensure_loaded()
    assert "cross_entropy" in b.table and "softmax" in b.table
    from ember_cext import _lib
    assert _lib.lib.ec_get_num_threads() >= 1


def test_unbuilt_extension_is_reported_with_the_reason():
    code = ("import sys; sys.modules['ember_cext._lib'] = None\n"
            "from ember_cext import plugin\n"
            "s = plugin.ember_backend_spec()\n"
            "print(s.available); print(s.reason)")
    out = subprocess.run([sys.executable, "-W", "ignore", "-c", code], capture_output=True, text=True, check=True)
    available, reason = out.stdout.strip().split("\n", 1)
    assert available == "False"
    assert "ember_cext._lib is not built" in reason and "EMBER_NO_CEXT" in reason


def test_set_num_threads_sets_openmp_and_blas():
    from ember_cext import _lib
    x = ember.ones(2, device="c_ext")
    assert (x @ x).item() == 2.0  # loads both backends and NumPy's BLAS
    before = ember.get_num_threads()
    try:
        ember.set_num_threads(1)
        assert _lib.lib.ec_get_num_threads() == 1
        assert {i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"} == {1}
    finally:
        ember.set_num_threads(before)
    assert _lib.lib.ec_get_num_threads() == before


def test_omp_num_threads_is_honoured():
    code = "from ember_cext._lib import lib; print(lib.ec_get_num_threads())"
    env = dict(os.environ, OMP_NUM_THREADS="3")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == "3"


@pytest.mark.slow
def test_ember_no_cext_builds_a_wheel_without_the_extension(tmp_path):
    src = tmp_path / "src"  # a copy, so the build leaves nothing in the checkout
    shutil.copytree(REPO, src, ignore=shutil.ignore_patterns(
        ".git", "build", "dist", "*.egg-info", "__pycache__", "*.so", "tests", "benchmarks"))
    env = dict(os.environ, EMBER_NO_CEXT="1")
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "--no-build-isolation", "--no-index",
                        "-q", "-w", str(tmp_path / "dist")], capture_output=True, text=True, timeout=600, env=env)
    assert r.returncode == 0, r.stderr[-3000:]
    (wheel,) = (tmp_path / "dist").glob("ember-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "ember_cext/plugin.py" in names
    assert not [n for n in names if n.startswith("ember_cext/_lib")]
