"""Anomaly detection: record forward stack traces and fail on NaN gradients."""
from __future__ import annotations

from .grad_mode import STATE, _DecoratorContextManager


class detect_anomaly(_DecoratorContextManager):
    """Inside the block, backward raises naming the forward op whose backward produced NaN."""

    def __init__(self, check_nan=True):
        self.check_nan = check_nan

    def __enter__(self):
        self.prev = (STATE.anomaly, STATE.anomaly_check_nan)
        STATE.anomaly = True
        STATE.anomaly_check_nan = self.check_nan

    def __exit__(self, *exc):
        STATE.anomaly, STATE.anomaly_check_nan = self.prev
        return False

    def clone(self):
        return self.__class__(self.check_nan)


class set_detect_anomaly(_DecoratorContextManager):
    def __init__(self, mode, check_nan=True):
        self.prev = (STATE.anomaly, STATE.anomaly_check_nan)
        self.mode, self.check_nan = mode, check_nan
        STATE.anomaly = mode
        STATE.anomaly_check_nan = check_nan

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        STATE.anomaly, STATE.anomaly_check_nan = self.prev
        return False

    def clone(self):
        return self.__class__(self.mode, self.check_nan)


def is_anomaly_enabled():
    return STATE.anomaly
