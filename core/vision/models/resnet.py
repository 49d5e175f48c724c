"""ResNet, ResNeXt and Wide ResNet (torchvision's ResNet v1.5: the stride is on the 3x3 convolution)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ... import _functional as F
from ... import nn
from ._api import _load_into, _resolve_weights, _weights_enum, register_model
from ._utils import _ovewrite_named_param

__all__ = ["ResNet", "BasicBlock", "Bottleneck", "ResNet18_Weights", "ResNet34_Weights", "ResNet50_Weights",
           "ResNet101_Weights", "ResNet152_Weights", "ResNeXt50_32X4D_Weights", "ResNeXt101_32X8D_Weights",
           "ResNeXt101_64X4D_Weights", "Wide_ResNet50_2_Weights", "Wide_ResNet101_2_Weights", "resnet18",
           "resnet34", "resnet50", "resnet101", "resnet152", "resnext50_32x4d", "resnext101_32x8d",
           "resnext101_64x4d", "wide_resnet50_2", "wide_resnet101_2"]


def conv3x3(in_planes: int, out_planes: int, stride: int = 1, groups: int = 1, dilation: int = 1) -> nn.Conv2d:
    """3x3 convolution with padding, no bias."""
    return nn.Conv2d(in_planes, out_planes, kernel_size=3, stride=stride, padding=dilation, groups=groups,
                     bias=False, dilation=dilation)


def conv1x1(in_planes: int, out_planes: int, stride: int = 1) -> nn.Conv2d:
    """1x1 convolution, no bias."""
    return nn.Conv2d(in_planes, out_planes, kernel_size=1, stride=stride, bias=False)


class BasicBlock(nn.Module):
    """Two 3x3 convolutions and a residual connection (ResNet-18/34)."""

    expansion: int = 1

    def __init__(self, inplanes: int, planes: int, stride: int = 1, downsample: nn.Module | None = None,
                 groups: int = 1, base_width: int = 64, dilation: int = 1,
                 norm_layer: Callable[..., nn.Module] | None = None) -> None:
        super().__init__()
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        if groups != 1 or base_width != 64:
            raise ValueError("BasicBlock only supports groups=1 and base_width=64")
        if dilation > 1:
            raise NotImplementedError("Dilation > 1 not supported in BasicBlock")
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = norm_layer(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = norm_layer(planes)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)


class Bottleneck(nn.Module):
    """1x1 reduce, 3x3 (strided, grouped), 1x1 expand by ``expansion`` = 4, and a residual connection."""

    expansion: int = 4

    def __init__(self, inplanes: int, planes: int, stride: int = 1, downsample: nn.Module | None = None,
                 groups: int = 1, base_width: int = 64, dilation: int = 1,
                 norm_layer: Callable[..., nn.Module] | None = None) -> None:
        super().__init__()
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        width = int(planes * (base_width / 64.0)) * groups
        self.conv1 = conv1x1(inplanes, width)
        self.bn1 = norm_layer(width)
        self.conv2 = conv3x3(width, width, stride, groups, dilation)
        self.bn2 = norm_layer(width)
        self.conv3 = conv1x1(width, planes * self.expansion)
        self.bn3 = norm_layer(planes * self.expansion)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return self.relu(out + identity)


class ResNet(nn.Module):
    """A ResNet of ``block`` s, ``layers[i]`` of them in stage i, for 3-channel images.

    Initialisation as torchvision: kaiming-normal (fan_out, relu) convolutions, norm weight 1 / bias 0, the
    linear head PyTorch's default; ``zero_init_residual`` zeroes the last norm weight of every block.

    >>> m = ResNet(BasicBlock, [1, 1, 1, 1], num_classes=5).eval()
    >>> m(ember.randn(2, 3, 32, 32)).shape
    ember.Size([2, 5])
    """

    def __init__(self, block: type[BasicBlock | Bottleneck], layers: list[int], num_classes: int = 1000,
                 zero_init_residual: bool = False, groups: int = 1, width_per_group: int = 64,
                 replace_stride_with_dilation: list[bool] | None = None,
                 norm_layer: Callable[..., nn.Module] | None = None) -> None:
        super().__init__()
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        self._norm_layer = norm_layer
        self.inplanes = 64
        self.dilation = 1
        if replace_stride_with_dilation is None:
            replace_stride_with_dilation = [False, False, False]
        if len(replace_stride_with_dilation) != 3:
            raise ValueError("replace_stride_with_dilation should be None or a 3-element tuple, "
                             f"got {replace_stride_with_dilation}")
        self.groups = groups
        self.base_width = width_per_group
        self.conv1 = nn.Conv2d(3, self.inplanes, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = norm_layer(self.inplanes)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, 64, layers[0])
        self.layer2 = self._make_layer(block, 128, layers[1], stride=2, dilate=replace_stride_with_dilation[0])
        self.layer3 = self._make_layer(block, 256, layers[2], stride=2, dilate=replace_stride_with_dilation[1])
        self.layer4 = self._make_layer(block, 512, layers[3], stride=2, dilate=replace_stride_with_dilation[2])
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512 * block.expansion, num_classes)

        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
        # Zero the last norm of each residual branch so every block starts as the identity
        # (https://arxiv.org/abs/1706.02677).
        if zero_init_residual:
            for m in self.modules():
                if isinstance(m, Bottleneck) and m.bn3.weight is not None:
                    nn.init.constant_(m.bn3.weight, 0)
                elif isinstance(m, BasicBlock) and m.bn2.weight is not None:
                    nn.init.constant_(m.bn2.weight, 0)

    def _make_layer(self, block: type[BasicBlock | Bottleneck], planes: int, blocks: int, stride: int = 1,
                    dilate: bool = False) -> nn.Sequential:
        norm_layer = self._norm_layer
        downsample = None
        previous_dilation = self.dilation
        if dilate:
            self.dilation *= stride
            stride = 1
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(conv1x1(self.inplanes, planes * block.expansion, stride),
                                       norm_layer(planes * block.expansion))
        layers = [block(self.inplanes, planes, stride, downsample, self.groups, self.base_width,
                        previous_dilation, norm_layer)]
        self.inplanes = planes * block.expansion
        for _ in range(1, blocks):
            layers.append(block(self.inplanes, planes, groups=self.groups, base_width=self.base_width,
                                dilation=self.dilation, norm_layer=norm_layer))
        return nn.Sequential(*layers)

    def _forward_impl(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        x = F.flatten(self.avgpool(x), 1)
        return self.fc(x)

    def forward(self, x):
        return self._forward_impl(x)


def _variant(name: str, block: type, layers: list[int], members: tuple, default: str,
             weights_cls: str, fixed: dict | None = None):
    """Define and register the builder ``name`` and its weights enum (returned as a pair)."""
    weights_enum = _weights_enum(weights_cls, members, default, __name__)

    def builder(*, weights: Any = None, progress: bool = True, **kwargs: Any) -> ResNet:
        state_dict = _resolve_weights(weights, weights_enum, kwargs)
        for param, value in (fixed or {}).items():
            _ovewrite_named_param(kwargs, param, value)
        return _load_into(ResNet(block, layers, **kwargs), state_dict)

    builder.__name__ = builder.__qualname__ = name
    builder.__module__ = __name__
    builder.__doc__ = (f"{name}: ResNet of {block.__name__} s {layers}"
                       + (f" with {fixed}" if fixed else "")
                       + ". ``weights`` is ``None``, a local checkpoint path or a state_dict.")
    return register_model(weights=weights_enum)(builder), weights_enum


_V1 = ("IMAGENET1K_V1",)
_V2 = ("IMAGENET1K_V1", "IMAGENET1K_V2")

resnet18, ResNet18_Weights = _variant("resnet18", BasicBlock, [2, 2, 2, 2], _V1, "IMAGENET1K_V1",
                                      "ResNet18_Weights")
resnet34, ResNet34_Weights = _variant("resnet34", BasicBlock, [3, 4, 6, 3], _V1, "IMAGENET1K_V1",
                                      "ResNet34_Weights")
resnet50, ResNet50_Weights = _variant("resnet50", Bottleneck, [3, 4, 6, 3], _V2, "IMAGENET1K_V2",
                                      "ResNet50_Weights")
resnet101, ResNet101_Weights = _variant("resnet101", Bottleneck, [3, 4, 23, 3], _V2, "IMAGENET1K_V2",
                                        "ResNet101_Weights")
resnet152, ResNet152_Weights = _variant("resnet152", Bottleneck, [3, 8, 36, 3], _V2, "IMAGENET1K_V2",
                                        "ResNet152_Weights")
resnext50_32x4d, ResNeXt50_32X4D_Weights = _variant(
    "resnext50_32x4d", Bottleneck, [3, 4, 6, 3], _V2, "IMAGENET1K_V2", "ResNeXt50_32X4D_Weights",
    {"groups": 32, "width_per_group": 4})
resnext101_32x8d, ResNeXt101_32X8D_Weights = _variant(
    "resnext101_32x8d", Bottleneck, [3, 4, 23, 3], _V2, "IMAGENET1K_V2", "ResNeXt101_32X8D_Weights",
    {"groups": 32, "width_per_group": 8})
resnext101_64x4d, ResNeXt101_64X4D_Weights = _variant(
    "resnext101_64x4d", Bottleneck, [3, 4, 23, 3], _V1, "IMAGENET1K_V1", "ResNeXt101_64X4D_Weights",
    {"groups": 64, "width_per_group": 4})
wide_resnet50_2, Wide_ResNet50_2_Weights = _variant(
    "wide_resnet50_2", Bottleneck, [3, 4, 6, 3], _V2, "IMAGENET1K_V2", "Wide_ResNet50_2_Weights",
    {"width_per_group": 128})
wide_resnet101_2, Wide_ResNet101_2_Weights = _variant(
    "wide_resnet101_2", Bottleneck, [3, 4, 23, 3], _V2, "IMAGENET1K_V2", "Wide_ResNet101_2_Weights",
    {"width_per_group": 128})
