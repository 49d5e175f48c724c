"""``ChannelShuffle``: interleave channel groups (ShuffleNet)."""
from __future__ import annotations

from ..functional._vision import channel_shuffle
from .module import Module

__all__ = ["ChannelShuffle"]


class ChannelShuffle(Module):
    """(N, g*c, *) -> channels reordered as (c, g) instead of (g, c)."""

    __constants__ = ("groups",)

    def __init__(self, groups: int) -> None:
        super().__init__()
        self.groups = groups

    def forward(self, input):
        return channel_shuffle(input, self.groups)

    def extra_repr(self) -> str:
        return f"groups={self.groups}"
