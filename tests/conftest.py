"""Fixtures shared across ember's test suite (kept minimal: no global state is changed here)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLUGINS = os.path.join(REPO, "tests", "plugins")


@pytest.fixture
def run_python():
    """Run ``python -c code`` in a fresh interpreter; returns the CompletedProcess.

    ``env`` entries override the environment (None removes a variable);
    EMBER_BACKEND and EMBER_STRICT are cleared unless given, so the child sees
    ember's defaults whatever the parent's environment is.
    """
    def run(code, env=None, args=(), timeout=300, cwd=None):
        child = dict(os.environ)
        child.pop("EMBER_BACKEND", None)
        child.pop("EMBER_STRICT", None)
        for k, v in (env or {}).items():
            if v is None:
                child.pop(k, None)
            else:
                child[k] = v
        cmd = [sys.executable, *(["-c", code] if code is not None else []), *args]
        return subprocess.run(cmd, capture_output=True, text=True, env=child, timeout=timeout, cwd=cwd or REPO)
    return run


@pytest.fixture
def example_backend():
    """The installed out-of-tree ``example`` backend (tests/plugins/ember_example_backend)."""
    import ember.backends as eb
    backends = eb.all_backends()
    if "example" not in backends:
        pytest.fail("the example backend plugin is not installed; run "
                    "`pip install ./tests/plugins/ember_example_backend ./tests/plugins/ember_broken_backend` "
                    "(.ci/run does this)")
    return eb.get_backend("example")
