"""``ember.cli``: the ``ember`` command line's subcommands.

``ember train`` (:mod:`ember.cli.train`) trains an image classifier end to end; its default data,
:class:`ember.cli.shapes.Shapes`, is generated on the fly and ships with ember.

Importing this package is light (no Pillow, tqdm or ``ember.vision``) so that ``ember --help`` and
``ember backends`` start fast; ``Shapes`` is imported on first use.
"""


def __getattr__(name):
    if name == "Shapes":
        from .shapes import Shapes
        return Shapes
    raise AttributeError(f"module 'ember.cli' has no attribute {name!r}")


__all__ = ["Shapes"]
