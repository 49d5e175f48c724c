"""Run unmodified PyTorch programs on ember: ``torch`` imports ember, ``torchvision`` imports ember.vision.

    python -m ember.compat train.py --epochs 1      # the script says `import torch`, runs on ember
    EMBER_BACKEND=example python -m ember.compat -m my_package.train

Or from Python, before the program's imports::

    import ember.compat
    ember.compat.install()
    import torch, torchvision            # ember, ember.vision

Every ``torch.X`` / ``torchvision.X`` import resolves to the ember module of the same path
(``torch.nn.functional`` -> ``ember.nn.functional``, ``torchvision.transforms`` ->
``ember.vision.transforms``); a path ember does not have raises ``ModuleNotFoundError`` naming
both the requested and the ember module, so a gap is visible instead of a real torch loading silently.
"""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import runpy
import sys

ALIASES = {"torch": "ember", "torchvision": "ember.vision"}


def _target(fullname):
    head, dot, rest = fullname.partition(".")
    if head not in ALIASES:
        return None
    return ALIASES[head] + dot + rest


class _AliasFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Meta-path finder that answers ``torch``/``torchvision`` imports with ember's modules."""

    def find_spec(self, fullname, path=None, target=None):
        name = _target(fullname)
        if name is None:
            return None
        if name not in sys.modules and importlib.util.find_spec(name) is None:
            raise ModuleNotFoundError(f"No module named {fullname!r}: ember has no {name!r} "
                                      f"(ember.compat maps torch -> ember, torchvision -> ember.vision)",
                                      name=fullname)
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec):
        return importlib.import_module(_target(spec.name))

    def exec_module(self, module):
        pass  # the ember module is already executed


_FINDER = _AliasFinder()


def install():
    """Make ``import torch`` / ``import torchvision`` (and their submodules) load ember's.

    Raises ``RuntimeError`` if a real torch or torchvision is already imported in this process,
    since two frameworks mixed in one program would fail in confusing ways later.
    """
    for alias in ALIASES:
        mod = sys.modules.get(alias)
        if mod is not None and not getattr(mod, "__name__", "").startswith("ember"):
            raise RuntimeError(f"ember.compat.install(): the real {alias!r} is already imported; "
                               f"install the alias before importing it")
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)
    _patch_spawn()


def _patch_spawn():
    """Processes started with the spawn method (``mp.set_start_method('spawn')``, ``ember.multiprocessing.spawn``)
    re-import the program's ``__main__`` in a fresh interpreter: have that interpreter install the aliases first,
    or its ``import torch`` would load the real PyTorch."""
    from multiprocessing import spawn
    if getattr(spawn.get_command_line, "_ember_original", None) is not None:
        return
    original = spawn.get_command_line

    def get_command_line(**kwds):
        cmd = original(**kwds)
        if "-c" in cmd:
            i = cmd.index("-c") + 1
            cmd[i] = "import ember.compat; ember.compat.install(); " + cmd[i]
        return cmd

    get_command_line._ember_original = original
    spawn.get_command_line = get_command_line


def uninstall():
    """Remove the aliases installed by :func:`install` (and the aliased entries in ``sys.modules``)."""
    if _FINDER in sys.meta_path:
        sys.meta_path.remove(_FINDER)
    from multiprocessing import spawn
    original = getattr(spawn.get_command_line, "_ember_original", None)
    if original is not None:
        spawn.get_command_line = original
    for name in [n for n in sys.modules if _target(n) is not None]:
        if getattr(sys.modules[name], "__name__", "").startswith("ember"):
            del sys.modules[name]


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    usage = "usage: python -m ember.compat SCRIPT.py [ARGS...] | -m MODULE [ARGS...]"
    if not argv or argv[0] in ("-h", "--help"):
        print(usage + "\n\nRuns a PyTorch program with `torch` mapped to ember and `torchvision` to ember.vision.")
        return 0 if argv else 2
    install()
    if argv[0] == "-m":
        if len(argv) < 2:
            print(usage, file=sys.stderr)
            return 2
        sys.argv = argv[1:]
        runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
    else:
        sys.argv = argv
        sys.path.insert(0, __import__("os").path.dirname(__import__("os").path.abspath(argv[0])))
        runpy.run_path(argv[0], run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())
