"""The conformance suite: backend x op x dtype, generated from the OpInfo database.

    pytest --pyargs ember.testing --ember-backend NAME
"""
from __future__ import annotations

from ember.testing import harness


def test_forward(ember_case):
    backend, op, dtype = ember_case
    harness.run_forward(op, backend, dtype)


def test_grad(ember_case):
    backend, op, _ = ember_case
    harness.run_grad(op, backend)


def test_gradgrad(ember_case):
    backend, op, _ = ember_case
    harness.run_grad(op, backend, second_order=True)


def test_errors(ember_case):
    backend, op, _ = ember_case
    assert harness.run_errors(op, backend) > 0
