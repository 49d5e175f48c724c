"""Native fused optimizer steps (mirrors ember/ops/optim.py): SGD, Adam/AdamW and Adadelta in one C pass.

Each kernel updates the parameter and its state arrays IN PLACE and returns them in the op's output
order, exactly like the NumPy backend's kernels.  It runs natively when every array it touches is a
C-contiguous float32/float64 array of the parameter's dtype and size; otherwise (half precision,
strided state, ...) it falls back to the NumPy backend's kernel.  The other optimizers are inherited.
"""
from __future__ import annotations

import numpy as np

from ember_numpy.optim import KERNELS as NP

_SUFFIX = {np.dtype(np.float32): "f32", np.dtype(np.float64): "f64"}


def kernels(lib, ffi):
    def ptr(a):
        return ffi.cast("void *", a.ctypes.data)

    def usable(p, *arrays):
        """Whether the arrays the step touches can be updated in place by C."""
        return p.dtype in _SUFFIX and all(
            a.dtype == p.dtype and a.size == p.size and a.flags.c_contiguous and a.flags.writeable
            for a in (p,) + arrays)

    def call(name, dt, *args):
        status = getattr(lib, f"ec_{name}_{_SUFFIX[dt]}")(*args)
        if status:
            raise RuntimeError(f"ember_cext: {name} failed with status {status}")

    def sgd_step(p, g, buf, lr, momentum, dampening, nesterov, wd, maximize, first_step):
        state = (buf,) if momentum != 0 else ()
        if not usable(p, *state) or g.dtype != p.dtype or g.shape != p.shape:
            return NP["sgd_step"](p, g, buf, lr, momentum, dampening, nesterov, wd, maximize, first_step)
        g = np.ascontiguousarray(g)
        call("sgd_step", p.dtype, ptr(p), ptr(g), ptr(buf) if state else ffi.NULL, p.size, float(lr),
             float(momentum), float(dampening), int(bool(nesterov)), float(wd), int(bool(maximize)),
             int(bool(first_step)))
        return p, buf

    def adam_step(p, g, m, v, vmax, lr, beta1, beta2, eps, wd, amsgrad, maximize, decoupled, step):
        state = (m, v, vmax) if amsgrad else (m, v)
        if not usable(p, *state) or g.dtype != p.dtype or g.shape != p.shape:
            return NP["adam_step"](p, g, m, v, vmax, lr, beta1, beta2, eps, wd, amsgrad, maximize, decoupled, step)
        g = np.ascontiguousarray(g)
        call("adam_step", p.dtype, ptr(p), ptr(g), ptr(m), ptr(v), ptr(vmax) if amsgrad else ffi.NULL, p.size,
             float(lr), float(beta1), float(beta2), float(eps), float(wd), int(bool(amsgrad)),
             int(bool(maximize)), int(bool(decoupled)), float(step))
        return p, m, v, vmax

    def adadelta_step(p, g, v, acc_delta, lr, rho, eps, wd, maximize):
        if not usable(p, v, acc_delta) or g.dtype != p.dtype or g.shape != p.shape:
            return NP["adadelta_step"](p, g, v, acc_delta, lr, rho, eps, wd, maximize)
        g = np.ascontiguousarray(g)
        call("adadelta_step", p.dtype, ptr(p), ptr(g), ptr(v), ptr(acc_delta), p.size, float(lr), float(rho),
             float(eps), float(wd), int(bool(maximize)))
        return p, v, acc_delta

    return {"sgd_step": sgd_step, "adam_step": adam_step, "adadelta_step": adadelta_step}
