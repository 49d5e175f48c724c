"""torchvision as the test oracle, importable here even though the PyPI wheel is a CUDA build."""
from __future__ import annotations

import sys

_KEEP: list = []


def import_torchvision():
    """``import torchvision``, also where its compiled extension does not load against the installed torch.

    A torchvision wheel built for another torch (e.g. CUDA next to a CPU torch) fails at import time while
    registering fake kernels for ``torchvision::nms``/``qnms``, operators its unloadable extension would have
    defined. The Python transforms need no compiled op, so the two schemas are declared (without kernels) and
    the import is retried.
    """
    try:
        import torchvision
        return torchvision
    except RuntimeError as exc:
        if "torchvision::" not in str(exc):
            raise
    import torch
    for name in [m for m in sys.modules if m == "torchvision" or m.startswith("torchvision.")]:
        del sys.modules[name]
    lib = torch.library.Library("torchvision", "FRAGMENT")
    for schema in ("nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor",
                   "qnms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor"):
        if not hasattr(torch.ops.torchvision, schema.split("(", 1)[0]):
            lib.define(schema)
    _KEEP.append(lib)  # the schemas live as long as the Library object
    import torchvision
    return torchvision
