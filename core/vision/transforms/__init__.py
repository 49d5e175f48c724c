"""``ember.vision.transforms``: torchvision.transforms (v1) for PIL images and ember tensors.

    import ember.vision.transforms as T
    t = T.Compose([T.RandomResizedCrop(224), T.RandomHorizontalFlip(), T.ToTensor(),
                   T.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225])])

``functional`` holds the stateless counterparts (``T.functional.resize(img, 32)``). Random transforms draw from
ember's generator, so ``ember.manual_seed`` reproduces them.
"""
from . import functional, transforms, autoaugment
from .transforms import *  # noqa: F401,F403
from .transforms import __all__ as _transforms_all
from .autoaugment import *  # noqa: F401,F403
from .autoaugment import __all__ as _autoaugment_all

__all__ = ["functional", "transforms", "autoaugment", *_transforms_all, *_autoaugment_all]
