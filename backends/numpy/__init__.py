"""ember's NumPy backend: the reference CPU backend (import package ``ember_numpy``)."""
__version__ = "0.1.0"
