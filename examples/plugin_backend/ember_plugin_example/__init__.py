"""``ember_plugin_example``: a complete third-party ember backend, written as a template for backend authors."""
__version__ = "0.1.0"
