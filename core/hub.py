"""``ember.hub`` (``torch.hub``): download checkpoints and load models from a ``hubconf.py``.

``load_state_dict_from_url`` downloads into ``<hub dir>/checkpoints`` (atomically, through the downloader
of ``ember.vision.datasets``), checks the SHA-256 prefix in the file name when asked, and reads the file
with ``ember.load`` (which reads ``torch.save`` checkpoints). ``load(dir, model, source="local")`` calls an
entry point of a local ``hubconf.py``. Fetching a GitHub repository (``source="github"``, ``list``,
``help``) is not supported: clone it and load it with ``source="local"``.

The hub directory is ``$EMBER_HOME/hub``, else ``$TORCH_HOME/hub``, else ``$XDG_CACHE_HOME/ember/hub``
(``~/.cache/ember/hub``); :func:`set_dir` overrides it.
"""
from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import re
import sys
from urllib.parse import urlparse

__all__ = ["download_url_to_file", "get_dir", "help", "list", "load", "load_state_dict_from_url", "set_dir"]

HASH_REGEX = re.compile(r"-([a-f0-9]*)\.")
_hub_dir: list = [None]


def get_dir() -> str:
    """The directory downloads are cached in (see the module docstring)."""
    if _hub_dir[0] is not None:
        return _hub_dir[0]
    home = os.getenv("EMBER_HOME") or os.getenv("TORCH_HOME") or os.path.join(
        os.getenv("XDG_CACHE_HOME", "~/.cache"), "ember")
    return os.path.join(os.path.expanduser(home), "hub")


def set_dir(d) -> None:
    """Use ``d`` as the hub directory from now on."""
    _hub_dir[0] = os.path.expanduser(os.fspath(d))


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def download_url_to_file(url: str, dst: str, hash_prefix: str | None = None, progress: bool = True) -> None:
    """Download ``url`` to the path ``dst``; the file appears only when complete and, with ``hash_prefix``,
    when its SHA-256 digest starts with it (else ``RuntimeError`` and no file)."""
    from .vision.datasets.utils import _urlretrieve
    dst = os.path.abspath(os.path.expanduser(os.fspath(dst)))
    part = dst + ".partial"
    _urlretrieve(url, part, None, max_redirect_hops=3)
    if hash_prefix is not None:
        digest = _sha256(part)
        if not digest.startswith(hash_prefix):
            os.remove(part)
            raise RuntimeError(f'invalid hash value (expected "{hash_prefix}", got "{digest}")')
    os.replace(part, dst)


def load_state_dict_from_url(url: str, model_dir: str | None = None, map_location=None, progress: bool = True,
                             check_hash: bool = False, file_name: str | None = None, weights_only: bool = False):
    """Download ``url`` into ``model_dir`` (default ``<hub dir>/checkpoints``) unless already there, and
    return ``ember.load`` of it. ``check_hash``: the file name must look like ``name-<sha256 prefix>.ext``
    and the download must match that prefix.

        state = ember.hub.load_state_dict_from_url("https://example.com/resnet18-f37072fd.pth")
    """
    from .serialization import load as _load
    model_dir = os.path.join(get_dir(), "checkpoints") if model_dir is None else os.path.expanduser(model_dir)
    os.makedirs(model_dir, exist_ok=True)
    filename = file_name if file_name is not None else os.path.basename(urlparse(url).path)
    cached_file = os.path.join(model_dir, filename)
    if not os.path.exists(cached_file):
        sys.stdout.write(f'Downloading: "{url}" to {cached_file}\n')
        match = HASH_REGEX.search(filename) if check_hash else None
        download_url_to_file(url, cached_file, match.group(1) if match else None, progress=progress)
    return _load(cached_file, map_location=map_location, weights_only=weights_only)


def _no_github(what: str, repo) -> RuntimeError:
    return RuntimeError(f"ember.hub.{what}: fetching GitHub repositories ({repo!r}) is not supported by ember; "
                        f"clone the repository and call ember.hub.load(<local dir>, model, source='local')")


@contextlib.contextmanager
def _on_sys_path(path):
    sys.path.insert(0, path)
    try:
        yield
    finally:
        sys.path.remove(path)


def _module_exists(name: str) -> bool:
    from .compat import ALIASES
    if name in ALIASES:  # a hubconf written for PyTorch names torch/torchvision: ember provides them
        return True
    return importlib.util.find_spec(name) is not None


def load(repo_or_dir, model, *args, source: str = "github", trust_repo="check", force_reload: bool = False,
         verbose: bool = True, skip_validation: bool = False, **kwargs):
    """Call entry point ``model`` of ``repo_or_dir/hubconf.py`` with ``*args, **kwargs`` (``source="local"``).

    The hubconf is imported as it is: one that says ``import torch`` needs ``python -m ember.compat``.
    """
    source = source.lower()
    if source not in ("github", "local"):
        raise ValueError(f'Unknown source: "{source}". Allowed values: "github" | "local".')
    if source == "github":
        raise _no_github("load()", repo_or_dir)
    if not isinstance(model, str):
        raise ValueError("Invalid input: model should be a string of function name")
    path = os.path.join(repo_or_dir, "hubconf.py")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"ember.hub.load(): no hubconf.py in {repo_or_dir!r}")
    with _on_sys_path(repo_or_dir):
        spec = importlib.util.spec_from_file_location("hubconf", path)
        hub_module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(hub_module)
        missing = [d for d in getattr(hub_module, "dependencies", None) or [] if not _module_exists(d)]
        if missing:
            raise RuntimeError(f"Missing dependencies: {', '.join(missing)}")
        entry = getattr(hub_module, model, None)
        if entry is None or not callable(entry):
            raise RuntimeError(f"Cannot find callable {model} in hubconf")
        return entry(*args, **kwargs)


def list(github, force_reload: bool = False, skip_validation: bool = False, trust_repo="check",  # noqa: A001
         verbose: bool = True):
    """Not supported (needs GitHub): raises ``RuntimeError`` saying how to load a local clone instead."""
    raise _no_github("list()", github)


def help(github, model, force_reload: bool = False, skip_validation: bool = False, trust_repo="check"):  # noqa: A001
    """Not supported (needs GitHub): raises ``RuntimeError`` saying how to load a local clone instead."""
    raise _no_github("help()", github)
