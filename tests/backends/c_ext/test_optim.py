"""Differential tests: the fused native SGD / Adam / Adadelta steps vs ember_numpy's (hypothesis).

Both update their arrays in place; the C loops follow the NumPy kernels operation for operation, so
SGD matches exactly and Adam to an ulp (sqrt and division order are the same; only fused rounding of
the compiler could differ)."""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ember_cext import optim
from ember_numpy.optim import KERNELS as NP

from ._helpers import DTYPES, ffi, lib

K = optim.kernels(lib, ffi)


def _arrays(data, n, dtype, count):
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="seed"))
    return [rng.standard_normal(n).astype(dtype) for _ in range(count)]


@settings(max_examples=80, deadline=None)
@given(data=st.data(), n=st.integers(1, 9000), dtype=DTYPES, momentum=st.sampled_from([0.0, 0.9]),
       dampening=st.sampled_from([0.0, 0.3]), nesterov=st.booleans(), wd=st.sampled_from([0.0, 1e-2]),
       maximize=st.booleans(), first_step=st.booleans())
def test_sgd_step_matches_numpy(data, n, dtype, momentum, dampening, nesterov, wd, maximize, first_step):
    p, g, buf = _arrays(data, n, dtype, 3)
    ref = [a.copy() for a in (p, g, buf)]
    out = K["sgd_step"](p, g, buf, 0.1, momentum, dampening, nesterov, wd, maximize, first_step)
    ref_out = NP["sgd_step"](*ref, 0.1, momentum, dampening, nesterov, wd, maximize, first_step)
    assert out[0] is p and out[1] is buf
    for a, e in zip((p, g, buf), ref):
        np.testing.assert_array_equal(a, e)
    assert len(out) == len(ref_out)


@settings(max_examples=80, deadline=None)
@given(data=st.data(), n=st.integers(1, 9000), dtype=DTYPES, wd=st.sampled_from([0.0, 1e-2]),
       amsgrad=st.booleans(), maximize=st.booleans(), decoupled=st.booleans(), step=st.integers(1, 50),
       beta1=st.sampled_from([0.9, 0.3]))
def test_adam_step_matches_numpy(data, n, dtype, wd, amsgrad, maximize, decoupled, step, beta1):
    p, g, m, v, vmax = _arrays(data, n, dtype, 5)
    v, vmax = np.abs(v), np.abs(vmax)
    ref = [a.copy() for a in (p, g, m, v, vmax)]
    args = (1e-3, beta1, 0.999, 1e-8, wd, amsgrad, maximize, decoupled, step)
    out = K["adam_step"](p, g, m, v, vmax, *args)
    NP["adam_step"](*ref, *args)
    assert out[0] is p and out[1] is m and out[2] is v and out[3] is vmax
    rtol = 4e-7 if dtype == np.float32 else 1e-15
    for a, e in zip((p, g, m, v, vmax), ref):
        np.testing.assert_allclose(a, e, rtol=rtol, atol=0)



@settings(max_examples=80, deadline=None)
@given(data=st.data(), n=st.integers(1, 9000), dtype=DTYPES, wd=st.sampled_from([0.0, 1e-2]),
       maximize=st.booleans(), rho=st.sampled_from([0.9, 0.5]))
def test_adadelta_step_matches_numpy(data, n, dtype, wd, maximize, rho):
    p, g, v, acc = _arrays(data, n, dtype, 4)
    v, acc = np.abs(v), np.abs(acc)
    ref = [a.copy() for a in (p, g, v, acc)]
    args = (1.0, rho, 1e-6, wd, maximize)
    out = K["adadelta_step"](p, g, v, acc, *args)
    NP["adadelta_step"](*ref, *args)
    assert out[0] is p and out[1] is v and out[2] is acc
    for a, e in zip((p, g, v, acc), ref):
        np.testing.assert_array_equal(a, e)

def test_strided_state_falls_back_to_numpy():
    rng = np.random.default_rng(0)
    p, g = rng.standard_normal(8), rng.standard_normal(8)
    buf = rng.standard_normal(16)[::2]
    ref = [p.copy(), g.copy(), buf.copy()]
    K["sgd_step"](p, g, buf, 0.1, 0.9, 0.0, False, 0.0, False, False)
    NP["sgd_step"](*ref, 0.1, 0.9, 0.0, False, 0.0, False, False)
    np.testing.assert_array_equal(p, ref[0])
    np.testing.assert_array_equal(buf, ref[2])


def test_unused_state_is_not_touched():
    p, g = np.ones(5, np.float32), np.full(5, 0.5, np.float32)
    placeholder = np.empty(0, np.float32)  # no momentum: the buffer may be any placeholder
    K["sgd_step"](p, g, placeholder, 0.1, 0.0, 0.0, False, 0.0, False, True)
    np.testing.assert_array_equal(p, np.full(5, 0.95, np.float32))
    m, v = np.zeros(5, np.float32), np.zeros(5, np.float32)
    K["adam_step"](p, g, m, v, placeholder, 0.1, 0.9, 0.999, 1e-8, 0.0, False, False, False, 1)
    assert placeholder.size == 0 and np.all(p < 0.95)
