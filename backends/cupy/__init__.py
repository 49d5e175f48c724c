"""ember's cupy backend (import package ``ember_cupy``); not built yet."""
__version__ = "0.0.0"
