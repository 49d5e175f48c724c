"""Packaging: the frontend stays free of array libraries, and the wheel ships every package.

Package directories are discovered (every folder with an ``__init__.py`` under
the roots that pyproject's ``package-dir`` maps), never hard-coded, so a new
subpackage missing from pyproject's ``packages`` list fails here.
"""
from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import zipfile

import pytest

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FORBIDDEN = {"numpy", "cupy", "cffi"}


# --- core/ imports no array library -------------------------------------------------------

def forbidden_imports(source: str, filename: str = "<string>") -> list:
    """(line, statement) for every import of numpy/cupy/cffi in ``source``, static or dynamic."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            fn = node.func
            fname = fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", None)
            if fname in ("import_module", "__import__") and isinstance(node.args[0].value, str):
                names = [node.args[0].value]
        if any(n.split(".")[0] in FORBIDDEN for n in names):
            found.append((node.lineno, ast.get_source_segment(source, node)))
    return found


def test_forbidden_import_scanner_finds_every_spelling():
    src = ("import os\nimport numpy as np\nfrom cupy import ndarray\nimport json, cffi\n"
           "import importlib\nm = importlib.import_module('numpy.linalg')\nn = __import__('cupy')\n"
           "from .ops.conversion import numpy\nimport ember_numpy\nfrom ember_cupy import plugin\n")
    assert [line for line, _ in forbidden_imports(src)] == [2, 3, 4, 6, 7]


def test_core_does_not_import_array_libraries():
    core = os.path.join(REPO, "core")
    offenders = []
    for root, dirs, files in os.walk(core):
        rel = os.path.relpath(root, core)
        if rel == "testing" or rel.startswith("testing" + os.sep):
            continue  # the conformance suite compares against NumPy references
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for f in sorted(files):
            if f.endswith(".py"):
                path = os.path.join(root, f)
                with open(path, encoding="utf-8") as fh:
                    for line, stmt in forbidden_imports(fh.read(), path):
                        offenders.append(f"{os.path.relpath(path, REPO)}:{line}: {stmt}")
    assert not offenders, ("core/ (the `ember` package) must not import numpy/cupy/cffi outside core/testing; "
                           "move the code into a backend kernel:\n" + "\n".join(offenders))


def test_pil_stays_in_vision_and_import_ember_stays_light():
    """Pillow is only for ``ember.vision``; ``import ember`` and ``ember.utils.data`` pull in neither it nor tqdm."""
    offenders = []
    for root, dirs, files in os.walk(os.path.join(REPO, "core")):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        rel = os.path.relpath(root, os.path.join(REPO, "core"))
        if rel.split(os.sep)[0] in ("vision", "cli", "testing"):
            continue
        for f in files:
            if f.endswith(".py"):
                with open(os.path.join(root, f), encoding="utf-8") as fh:
                    if re.search(r"^\s*(import PIL|from PIL)", fh.read(), re.M):
                        offenders.append(os.path.join(rel, f))
    assert not offenders, f"Pillow imported outside core/vision and core/cli: {offenders}"
    code = ("import sys, ember, ember.utils.data; "
            "print(sorted(m for m in ('PIL', 'tqdm', 'ember.vision') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-W", "ignore", "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout


# --- the wheel ships every package ----------------------------------------------------------

def _pyproject():
    with open(os.path.join(REPO, "pyproject.toml"), "rb") as f:
        return tomllib.load(f)


def discovered_packages(repo: str, package_dir: dict) -> dict:
    """Import name -> folder (relative to ``repo``) for every folder with an __init__.py under a mapped root."""
    out = {}
    for top, root in package_dir.items():
        base = os.path.join(repo, root)
        for here, dirs, files in os.walk(base):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.endswith(".egg-info"))
            if "__init__.py" not in files:
                dirs[:] = []  # a folder without __init__.py is not a package, nor are its children
                continue
            rel = os.path.relpath(here, base)
            name = top if rel == "." else top + "." + rel.replace(os.sep, ".")
            out[name] = os.path.relpath(here, repo)
    return out


def missing_from_wheel(packages: dict, repo: str, wheel_names) -> list:
    """Files of discovered packages (every .py, py.typed) that the wheel lacks, as 'package: file'."""
    names = set(wheel_names)
    missing = []
    for pkg, folder in sorted(packages.items()):
        for f in sorted(os.listdir(os.path.join(repo, folder))):
            if f.endswith(".py") or f == "py.typed":
                arc = pkg.replace(".", "/") + "/" + f
                if arc not in names:
                    missing.append(f"{pkg}: {arc}")
    return missing


def test_missing_package_is_reported(tmp_path):
    for d in ("pkg", "pkg/sub", "pkg/sub/deeper", "pkg/not_a_package/inner"):
        (tmp_path / "src" / d).mkdir(parents=True)
    for d in ("pkg", "pkg/sub", "pkg/sub/deeper", "pkg/not_a_package/inner"):
        (tmp_path / "src" / d / "__init__.py").write_text("")
    (tmp_path / "src/pkg/sub/mod.py").write_text("")
    pkgs = discovered_packages(str(tmp_path), {"mypkg": "src/pkg"})
    assert pkgs == {"mypkg": "src/pkg", "mypkg.sub": "src/pkg/sub", "mypkg.sub.deeper": "src/pkg/sub/deeper"}
    wheel = ["mypkg/__init__.py", "mypkg/sub/__init__.py", "mypkg/sub/mod.py"]
    assert missing_from_wheel(pkgs, str(tmp_path), wheel) == ["mypkg.sub.deeper: mypkg/sub/deeper/__init__.py"]


def test_every_package_directory_is_listed_in_pyproject():
    tool = _pyproject()["tool"]["setuptools"]
    found = discovered_packages(REPO, tool["package-dir"])
    assert {"ember", "ember.backends", "ember.testing", "ember_numpy"} <= set(found)
    unlisted = sorted(set(found) - set(tool["packages"]))
    assert not unlisted, f"package folders missing from pyproject.toml [tool.setuptools] packages: {unlisted}"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """A wheel built from a copy of the source tree (so the build leaves nothing in the checkout)."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    shutil.copytree(REPO, src, ignore=shutil.ignore_patterns(
        ".git", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", ".venv", "tests", "benchmarks"))
    out = tmp / "dist"
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "--no-build-isolation",
                        "--no-index", "-q", "-w", str(out)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    wheels = list(out.glob("ember-*.whl"))
    assert len(wheels) == 1, wheels
    return zipfile.ZipFile(wheels[0])


def test_wheel_contains_every_package(wheel):
    tool = _pyproject()["tool"]["setuptools"]
    packages = discovered_packages(REPO, tool["package-dir"])
    missing = missing_from_wheel(packages, REPO, wheel.namelist())
    assert not missing, ("the wheel lacks these files; add their packages to pyproject.toml "
                         "[tool.setuptools] packages:\n" + "\n".join(missing))


def test_wheel_declares_entry_points(wheel):
    ep = next(n for n in wheel.namelist() if n.endswith(".dist-info/entry_points.txt"))
    text = wheel.read(ep).decode()
    for line in ("numpy = ember_numpy.plugin", "c_ext = ember_cext.plugin", "cupy = ember_cupy.plugin",
                 "ember = ember.__main__:main", "ember_conformance = ember.testing.pytest_plugin"):
        assert line in text, f"{line!r} missing from the wheel's entry_points.txt:\n{text}"


# --- README and CI agree -------------------------------------------------------------------

def test_readme_documents_the_ci_command():
    """.ci/run runs README.md's test command verbatim, and that command runs the whole suite with pytest."""
    with open(os.path.join(REPO, ".ci", "run")) as f:
        ci = f.read()
    m = re.search(r"^TEST_COMMAND='(.+)'$", ci, re.M)
    assert m, ".ci/run must define TEST_COMMAND='...' and run it"
    command = m.group(1)
    assert 'bash -c "$TEST_COMMAND"' in ci
    with open(os.path.join(REPO, "README.md")) as f:
        readme = f.read()
    assert command in readme, f"README must show the test command .ci/run runs: {command!r}"
    assert "python -m pytest" in command and '.[test]' in command
    for plugin in ("tests/plugins/ember_example_backend", "tests/plugins/ember_broken_backend"):
        assert plugin in command