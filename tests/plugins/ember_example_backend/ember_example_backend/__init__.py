"""An out-of-tree ember backend used by ember's tests and docs (package ``ember_example_backend``)."""
__version__ = "0.1.0"
