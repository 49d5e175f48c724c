"""``ember.vision``: the counterpart of torchvision, written against ember ops and Pillow.

    import ember.vision as torchvision
    from ember.vision import transforms, datasets, models
"""
from __future__ import annotations

__version__ = "0.29.0"

from . import transforms, datasets, models, utils, io  # noqa: E402

_image_backend = "PIL"


def get_image_backend():
    """The image backend used to load images: always ``"PIL"``."""
    return _image_backend


def set_image_backend(backend):
    """Only ``"PIL"`` is supported (torchvision's ``accimage`` has no counterpart)."""
    if backend != "PIL":
        raise ValueError(f"Invalid backend '{backend}'. Options are 'PIL'")


def get_video_backend():
    return "pyav"


__all__ = ["transforms", "datasets", "models", "utils", "io", "get_image_backend", "set_image_backend"]
