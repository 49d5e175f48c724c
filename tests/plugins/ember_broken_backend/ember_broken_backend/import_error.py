"""Entry point ``broken``: importing it fails, as a plugin with a missing dependency would."""
import ember_broken_backend_missing_dependency  # noqa: F401  (does not exist, on purpose)
