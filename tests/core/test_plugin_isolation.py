"""A broken plugin never breaks ember: one BackendWarning naming it; selecting it raises with the reason.

tests/plugins/ember_broken_backend installs two entry points: ``broken`` (its
module cannot be imported) and ``broken_hook`` (its hookimpl misspells the
hook's argument, so it violates the hookspec).
"""
from __future__ import annotations

import json
from importlib import metadata

import pytest

import ember
import ember.backends as eb

BROKEN = {"broken": "ModuleNotFoundError", "broken_hook": "registy"}


@pytest.fixture
def broken_installed():
    eps = {ep.name for ep in metadata.entry_points(group=eb.GROUP)}
    if not set(BROKEN) <= eps:
        pytest.fail("the broken plugin package is not installed; run "
                    "`pip install ./tests/plugins/ember_broken_backend` (.ci/run does this)")


_PROBE = r"""
import json, warnings
with warnings.catch_warnings(record=True) as at_import:
    warnings.simplefilter("always")
    import ember
    import ember.backends
with warnings.catch_warnings(record=True) as at_discovery:
    warnings.simplefilter("always")
    names = sorted(ember.backends.all_backends())
    ember.backends.all_backends()  # a second look warns no more
    t = ember.tensor([1.0, 2.0])
    s = (t + t).tolist()
    e = (t.to("example") * 3).tolist()
print(json.dumps({
    "at_import": [str(w.message) for w in at_import],
    "warnings": [[w.category.__name__, str(w.message), w.filename] for w in at_discovery],
    "backends": names, "sum": s, "example": e,
}))
"""


def test_import_is_silent_and_discovery_warns_once_per_broken_plugin(run_python, broken_installed, example_backend):
    r = run_python(_PROBE)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["at_import"] == []  # discovery is lazy: `import ember` loads no plugin
    for name, reason in BROKEN.items():
        hits = [w for w in out["warnings"] if f"'{name}'" in w[1]]
        assert len(hits) == 1, out["warnings"]
        category, message, _ = hits[0]
        assert category == "BackendWarning" and reason in message
    assert len(out["warnings"]) == len(BROKEN)
    assert all(w[2] == "<string>" for w in out["warnings"])  # attributed to the user's line, not ember's
    assert {"numpy", "example", "c_ext", "cupy"} <= set(out["backends"])
    assert not set(BROKEN) & set(out["backends"])
    assert out["sum"] == [2.0, 4.0] and out["example"] == [3.0, 6.0]


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_selecting_a_broken_plugin_raises_with_the_reason(name, broken_installed):
    assert BROKEN[name] in eb.broken_plugins()[name]
    with pytest.raises(RuntimeError, match=f"'{name}'.*{BROKEN[name]}"):
        ember.device(name)
    with pytest.raises(RuntimeError, match=BROKEN[name]):
        ember.zeros(1, device=name)
    with pytest.raises(RuntimeError, match=BROKEN[name]):
        eb.get_backend(name)
    assert ember.ones(2).tolist() == [1.0, 1.0]


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_ember_backend_env_naming_a_broken_plugin_fails_with_the_reason(run_python, broken_installed, name):
    r = run_python("import ember\nember.ones(1)", env={"EMBER_BACKEND": name})
    assert r.returncode != 0
    last = r.stderr.strip().splitlines()[-1]
    assert "BackendUnavailable" in last and name in last and BROKEN[name] in last


def test_report_lists_broken_plugins(run_python, broken_installed):
    r = run_python(None, args=["-m", "ember.backends"])
    assert r.returncode == 0, r.stderr
    section = r.stdout.split("plugins that failed to load")[1]
    for name, reason in BROKEN.items():
        line = next(ln for ln in section.splitlines() if ln.strip().startswith(name + ":"))
        assert reason in line


def test_plugin_failing_while_registering_kernels_is_isolated():
    class Exploding:
        @ember.hookimpl
        def ember_backend_spec(self):
            return eb.BackendSpec(name="exploding", inherits="numpy")

        @ember.hookimpl
        def ember_register_kernels(self, registry):
            raise OSError("shared library libexploding.so not found")

    b = eb.register_plugin(Exploding(), "exploding_plugin")
    try:
        with pytest.warns(eb.BackendWarning, match="exploding.*libexploding.so"):
            with pytest.raises(RuntimeError, match="libexploding.so"):
                ember.ones(1, device="exploding")
        assert not b.available
        assert "unavailable" in repr(b)
        assert (ember.ones(2) * 2).tolist() == [2.0, 2.0]
        assert "exploding" in eb.report()
    finally:
        eb.unregister_backend("exploding")
