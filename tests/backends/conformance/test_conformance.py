"""The shared conformance suite, run for every installed, available backend."""
from ember.testing.test_conformance import test_errors, test_forward, test_grad, test_gradgrad  # noqa: F401
