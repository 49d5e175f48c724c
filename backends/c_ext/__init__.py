"""ember's c_ext backend (import package ``ember_cext``); not built yet."""
__version__ = "0.0.0"
