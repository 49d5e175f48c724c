"""``ember.version`` (``torch.version``): build information scripts print or branch on.

ember is pure Python with backend plugins, so there is no CUDA/ROCm/XPU toolkit it was built against:
those are ``None`` as in a CPU-only PyTorch build; GPU support comes from the ``cupy`` backend at run time
(see ``ember.cuda.is_available()``).
"""
from __future__ import annotations

__all__ = ["__version__", "cuda", "debug", "git_version", "hip", "rocm", "xpu"]

from . import __version__  # noqa: E402  (one source: ember.__version__)

debug = False
cuda = None
git_version = "Unknown"
hip = None
rocm = None
xpu = None
