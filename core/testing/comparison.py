"""Value comparison with PyTorch's ``assert_close`` conventions."""
from __future__ import annotations

import numpy as np


def to_numpy(x):
    import ember
    if isinstance(x, ember.Tensor):
        arr = x.detach().cpu().numpy() if x._backend.spec.device_type == "cpu" else x.detach().cpu().numpy()
        return np.asarray(arr)
    return np.asarray(x)


def max_errors(actual, expected):
    a = np.asarray(actual, dtype=np.float64)
    e = np.asarray(expected, dtype=np.float64)
    if a.size == 0:
        return 0.0, 0.0
    both_nan = np.isnan(a) & np.isnan(e)
    same_inf = np.isinf(a) & np.isinf(e) & (np.sign(a) == np.sign(e))
    ok = both_nan | same_inf
    diff = np.where(ok, 0.0, np.abs(a - e))
    diff = np.where(np.isnan(diff), np.inf, diff)
    rel = diff / np.maximum(np.abs(e), 1e-300)
    return float(diff.max()), float(np.where(ok, 0.0, rel).max())


def assert_close(actual, expected, *, rtol=1.3e-6, atol=1e-5, equal_nan=True, msg=""):
    """Raise AssertionError naming the max abs/rel error when ``actual`` is not close to ``expected``."""
    a = to_numpy(actual)
    e = to_numpy(expected)
    if a.shape != e.shape:
        raise AssertionError(f"{msg}shape mismatch: got {a.shape}, expected {e.shape}")
    if a.dtype == np.bool_ or e.dtype == np.bool_ or (a.dtype.kind in "iu" and e.dtype.kind in "iu"):
        if not np.array_equal(a, e):
            bad = int(np.sum(a != e))
            raise AssertionError(f"{msg}{bad} of {a.size} elements differ:\nactual={a}\nexpected={e}")
        return
    a64 = a.astype(np.float64)
    e64 = e.astype(np.float64)
    close = np.isclose(a64, e64, rtol=rtol, atol=atol, equal_nan=equal_nan)
    if not close.all():
        abs_err, rel_err = max_errors(a64, e64)
        bad = int((~close).sum())
        idx = np.unravel_index(np.argmax(~close), close.shape) if close.shape else ()
        raise AssertionError(
            f"{msg}not close: {bad} of {a.size} elements mismatched; max abs error {abs_err:.3e}, max rel error "
            f"{rel_err:.3e} (rtol={rtol}, atol={atol}); first at index {tuple(int(i) for i in idx)}: "
            f"actual {a64[idx]!r}, expected {e64[idx]!r}")
