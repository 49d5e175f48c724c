"""The CuPy backend's kernel table, checked on CPU through simgpu.

* The conformance suite runs on simgpu: every shared kernel, called through a proxy of NumPy that refuses
  the names CuPy lacks (float32/int64/bool plus the float64 gradient checks, to stay fast).
* Inside the NumPy families' ``kernels(xp)`` bodies, ``np.`` may name only dtypes and constants, or run on
  host data: anything else would bypass ``xp`` and break on CuPy arrays.
"""
from __future__ import annotations

import ast
import glob
import os
import subprocess
import sys

import ember_numpy

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))

# np.<name> uses that are fine inside kernels(xp): dtypes, constants and dtype queries ...
NP_TYPES = {"dtype", "bool_", "uint8", "uint16", "int8", "int16", "int32", "int64", "float16", "float32", "float64",
            "inf", "nan", "finfo", "iinfo",
            "errstate"}  # a host-side context manager: a no-op for CuPy, which never warns
# ... and functions applied to host data on purpose (file:name -> why)
NP_HOST = {
    "creation.py:array": "from_list builds the array on the host, then uploads it with xp.asarray",
    "creation.py:frombuffer": "from_buffer views a host buffer, then uploads it",
    "creation.py:from_dlpack": "from_array's NumPy-only branch (guarded by `xp is np`)",
    "decomp.py:array": "LAPACK-style info codes are computed on host copies (xp.asnumpy)",
    "decomp.py:argmax": "on the host copy",
    "decomp.py:abs": "on the host copy",
    "decomp.py:outer": "on the host copy",
    "decomp.py:linalg": "on the host copy; np.linalg.LinAlgError is also cupy.linalg's exception",
    "serialization_ops.py:ascontiguousarray": "serialization works on the host array from to_numpy",
    "serialization_ops.py:frombuffer": "deserialization reads host bytes",
    "movement.py:ndarray": "expand's fast path, guarded by `xp is np`",
    "sort.py:prod": "of a shape tuple (Python ints)",
}


def test_conformance_suite_on_simgpu():
    cmd = [sys.executable, "-m", "pytest", "--pyargs", "ember.testing", "--ember-backend", "simgpu",
           "-p", "tests.backends.cupy.simgpu", "--ember-xfail", os.path.join(HERE, "xfails.txt"),
           "--ember-dtypes", "float32,int64,bool", "-q", "-p", "no:cacheprovider", "-W", "ignore"]
    env = {k: v for k, v in os.environ.items() if k not in ("EMBER_BACKEND", "EMBER_STRICT", "PYTEST_XDIST_WORKER")}
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, env=env, timeout=300)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
    assert " passed" in r.stdout and " failed" not in r.stdout


def test_shared_kernels_use_numpy_only_for_dtypes_and_host_data():
    bad = []
    for path in sorted(glob.glob(os.path.join(os.path.dirname(ember_numpy.__file__), "*.py"))):
        fname = os.path.basename(path)
        tree = ast.parse(open(path).read())
        for fn in tree.body:
            if not (isinstance(fn, ast.FunctionDef) and fn.name == "kernels"):
                continue
            for node in ast.walk(fn):
                if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "np":
                    if node.attr not in NP_TYPES and f"{fname}:{node.attr}" not in NP_HOST:
                        bad.append(f"{fname}:{node.lineno}: np.{node.attr}")
    assert not bad, "NumPy-only calls in xp-generic kernels (use xp.<name>): " + ", ".join(bad)
