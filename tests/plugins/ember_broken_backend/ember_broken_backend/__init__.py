"""Deliberately broken ember backend plugins (test fixtures for plugin isolation)."""
__version__ = "0.1.0"
