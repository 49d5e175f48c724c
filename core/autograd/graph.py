"""``ember.autograd.graph``: graph inspection helpers."""
from ._node import Node  # noqa: F401
