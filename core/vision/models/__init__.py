"""``ember.vision.models``: torchvision's image classifiers, built from ``ember.nn``.

Every architecture has torchvision's module structure (so state_dict keys and shapes are identical),
constructor arguments and default initialisation; a state_dict saved from torchvision loads with
``ember.load`` + ``load_state_dict`` -- or directly through a builder's ``weights=`` argument, which takes
a local checkpoint path or a state_dict (no download service is assumed; see ``_api``).

>>> from ember.vision import models
>>> m = models.resnet18(num_classes=10).eval()
>>> m(ember.randn(1, 3, 32, 32)).shape
ember.Size([1, 10])

``Conv2dNormActivation`` (torchvision's ``ops.Conv2dNormActivation``, used by MobileNetV2) is importable
from here. ``LeNet`` / ``lenet`` are ember's own (a LeNet-5-style CNN for 28x28 digits); torchvision has none.
"""
from __future__ import annotations

from ._api import WeightsEnum, get_model, get_model_builder, get_model_weights, get_weight, list_models
from ._layers import Conv2dNormActivation
from .alexnet import AlexNet, AlexNet_Weights, alexnet
from .lenet import LeNet, lenet
from .mobilenetv2 import MobileNet_V2_Weights, MobileNetV2, mobilenet_v2
from .resnet import (BasicBlock, Bottleneck, ResNet, ResNet18_Weights, ResNet34_Weights, ResNet50_Weights,
                     ResNet101_Weights, ResNet152_Weights, ResNeXt50_32X4D_Weights, ResNeXt101_32X8D_Weights,
                     ResNeXt101_64X4D_Weights, Wide_ResNet50_2_Weights, Wide_ResNet101_2_Weights, resnet18,
                     resnet34, resnet50, resnet101, resnet152, resnext50_32x4d, resnext101_32x8d,
                     resnext101_64x4d, wide_resnet50_2, wide_resnet101_2)
from .squeezenet import SqueezeNet, SqueezeNet1_0_Weights, SqueezeNet1_1_Weights, squeezenet1_0, squeezenet1_1
from .vgg import (VGG, VGG11_BN_Weights, VGG11_Weights, VGG13_BN_Weights, VGG13_Weights, VGG16_BN_Weights,
                  VGG16_Weights, VGG19_BN_Weights, VGG19_Weights, vgg11, vgg11_bn, vgg13, vgg13_bn, vgg16,
                  vgg16_bn, vgg19, vgg19_bn)

__all__ = [
    "WeightsEnum", "get_model", "get_model_builder", "get_model_weights", "get_weight", "list_models",
    "LeNet", "lenet",
    "AlexNet", "AlexNet_Weights", "alexnet",
    "VGG", "VGG11_Weights", "VGG11_BN_Weights", "VGG13_Weights", "VGG13_BN_Weights", "VGG16_Weights",
    "VGG16_BN_Weights", "VGG19_Weights", "VGG19_BN_Weights", "vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16",
    "vgg16_bn", "vgg19", "vgg19_bn",
    "ResNet", "BasicBlock", "Bottleneck", "ResNet18_Weights", "ResNet34_Weights", "ResNet50_Weights",
    "ResNet101_Weights", "ResNet152_Weights", "ResNeXt50_32X4D_Weights", "ResNeXt101_32X8D_Weights",
    "ResNeXt101_64X4D_Weights", "Wide_ResNet50_2_Weights", "Wide_ResNet101_2_Weights", "resnet18", "resnet34",
    "resnet50", "resnet101", "resnet152", "resnext50_32x4d", "resnext101_32x8d", "resnext101_64x4d",
    "wide_resnet50_2", "wide_resnet101_2",
    "MobileNetV2", "MobileNet_V2_Weights", "mobilenet_v2",
    "SqueezeNet", "SqueezeNet1_0_Weights", "SqueezeNet1_1_Weights", "squeezenet1_0", "squeezenet1_1",
]
