"""VGG 11/13/16/19, with and without batch norm (torchvision's modules, keys and initialisation)."""
from __future__ import annotations

from typing import Any

from ... import _functional as F
from ... import nn
from ._api import _load_into, _resolve_weights, _weights_enum, register_model

__all__ = ["VGG", "VGG11_Weights", "VGG11_BN_Weights", "VGG13_Weights", "VGG13_BN_Weights", "VGG16_Weights",
           "VGG16_BN_Weights", "VGG19_Weights", "VGG19_BN_Weights", "vgg11", "vgg11_bn", "vgg13", "vgg13_bn",
           "vgg16", "vgg16_bn", "vgg19", "vgg19_bn"]


class VGG(nn.Module):
    """VGG classifier over a ``features`` module producing 512 channels (see :func:`make_layers`).

    ``init_weights`` applies torchvision's initialisation: kaiming-normal (fan_out, relu) convolutions,
    BN weight 1 / bias 0, N(0, 0.01) linear weights, zero biases.

    >>> m = VGG(make_layers([8, "M", 512]), num_classes=3).eval()
    >>> m(ember.randn(1, 3, 32, 32)).shape
    ember.Size([1, 3])
    """

    def __init__(self, features: nn.Module, num_classes: int = 1000, init_weights: bool = True,
                 dropout: float = 0.5) -> None:
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096),
            nn.ReLU(True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, 4096),
            nn.ReLU(True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, num_classes),
        )
        if init_weights:
            for m in self.modules():
                if isinstance(m, nn.Conv2d):
                    nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                    if m.bias is not None:
                        nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.BatchNorm2d):
                    nn.init.constant_(m.weight, 1)
                    nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.Linear):
                    nn.init.normal_(m.weight, 0, 0.01)
                    nn.init.constant_(m.bias, 0)

    def forward(self, x):
        x = self.features(x)
        x = self.avgpool(x)
        x = F.flatten(x, 1)
        return self.classifier(x)


def make_layers(cfg: list[str | int], batch_norm: bool = False) -> nn.Sequential:
    """The convolutional trunk: an int is a 3x3 conv (+BN) + ReLU with that many channels, ``"M"`` a 2x2
    max pool."""
    layers: list[nn.Module] = []
    in_channels = 3
    for v in cfg:
        if v == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
            continue
        conv2d = nn.Conv2d(in_channels, v, kernel_size=3, padding=1)
        if batch_norm:
            layers += [conv2d, nn.BatchNorm2d(v), nn.ReLU(inplace=True)]
        else:
            layers += [conv2d, nn.ReLU(inplace=True)]
        in_channels = v
    return nn.Sequential(*layers)


cfgs: dict[str, list[str | int]] = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "B": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    "E": [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M"],
}


def _vgg(cfg: str, batch_norm: bool, state_dict: Any | None, **kwargs: Any) -> VGG:
    if state_dict is not None:
        kwargs["init_weights"] = False  # overwritten by the checkpoint anyway
    return _load_into(VGG(make_layers(cfgs[cfg], batch_norm=batch_norm), **kwargs), state_dict)


def _variant(name: str, cfg: str, batch_norm: bool, weights_enum: type):
    def builder(*, weights: Any = None, progress: bool = True, **kwargs: Any) -> VGG:
        state_dict = _resolve_weights(weights, weights_enum, kwargs)
        return _vgg(cfg, batch_norm, state_dict, **kwargs)

    depth = {"A": 11, "B": 13, "D": 16, "E": 19}[cfg]
    builder.__name__ = builder.__qualname__ = name
    builder.__module__ = __name__
    builder.__doc__ = (f"VGG-{depth}{' with batch normalization' if batch_norm else ''} (configuration {cfg!r}). "
                       f"``weights`` is ``None``, a local checkpoint path or a state_dict.")
    return register_model(weights=weights_enum)(builder)


def _weights(cls_name: str, extra: tuple = ()) -> type:
    return _weights_enum(cls_name, ("IMAGENET1K_V1",) + extra, "IMAGENET1K_V1", __name__)


VGG11_Weights = _weights("VGG11_Weights")
VGG11_BN_Weights = _weights("VGG11_BN_Weights")
VGG13_Weights = _weights("VGG13_Weights")
VGG13_BN_Weights = _weights("VGG13_BN_Weights")
VGG16_Weights = _weights("VGG16_Weights", ("IMAGENET1K_FEATURES",))
VGG16_BN_Weights = _weights("VGG16_BN_Weights")
VGG19_Weights = _weights("VGG19_Weights")
VGG19_BN_Weights = _weights("VGG19_BN_Weights")

vgg11 = _variant("vgg11", "A", False, VGG11_Weights)
vgg11_bn = _variant("vgg11_bn", "A", True, VGG11_BN_Weights)
vgg13 = _variant("vgg13", "B", False, VGG13_Weights)
vgg13_bn = _variant("vgg13_bn", "B", True, VGG13_BN_Weights)
vgg16 = _variant("vgg16", "D", False, VGG16_Weights)
vgg16_bn = _variant("vgg16_bn", "D", True, VGG16_BN_Weights)
vgg19 = _variant("vgg19", "E", False, VGG19_Weights)
vgg19_bn = _variant("vgg19_bn", "E", True, VGG19_BN_Weights)
