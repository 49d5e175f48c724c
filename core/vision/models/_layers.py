"""Building blocks shared by several models (torchvision's ``ops.misc`` counterparts used by them)."""
from __future__ import annotations

from collections.abc import Callable

from ... import nn

__all__ = ["Conv2dNormActivation"]


class Conv2dNormActivation(nn.Sequential):
    """Conv2d -> norm layer -> activation, as a ``Sequential`` so its state_dict keys are ``0.weight``,
    ``1.weight``, ... exactly like torchvision's ``ops.Conv2dNormActivation``.

    ``padding=None`` keeps the spatial size for stride 1 (``(kernel_size - 1) // 2 * dilation``);
    ``bias=None`` gives the convolution a bias only when there is no norm layer.

    >>> block = Conv2dNormActivation(3, 8, kernel_size=3, stride=2, activation_layer=nn.ReLU6)
    >>> [type(m).__name__ for m in block]
    ['Conv2d', 'BatchNorm2d', 'ReLU6']
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int | tuple[int, int] = 3,
                 stride: int | tuple[int, int] = 1, padding: int | tuple[int, int] | str | None = None,
                 groups: int = 1, norm_layer: Callable[..., nn.Module] | None = nn.BatchNorm2d,
                 activation_layer: Callable[..., nn.Module] | None = nn.ReLU,
                 dilation: int | tuple[int, int] = 1, inplace: bool | None = True,
                 bias: bool | None = None) -> None:
        if padding is None:
            if isinstance(kernel_size, int) and isinstance(dilation, int):
                padding = (kernel_size - 1) // 2 * dilation
            else:
                ks = (kernel_size, kernel_size) if isinstance(kernel_size, int) else tuple(kernel_size)
                dil = (dilation, dilation) if isinstance(dilation, int) else tuple(dilation)
                padding = tuple((k - 1) // 2 * d for k, d in zip(ks, dil))
        if bias is None:
            bias = norm_layer is None
        layers: list[nn.Module] = [nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding,
                                             dilation=dilation, groups=groups, bias=bias)]
        if norm_layer is not None:
            layers.append(norm_layer(out_channels))
        if activation_layer is not None:
            params = {} if inplace is None else {"inplace": inplace}
            layers.append(activation_layer(**params))
        super().__init__(*layers)
        self.out_channels = out_channels
