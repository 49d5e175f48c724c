"""Runs OpInfo records against a backend: forward vs the NumPy reference,
gradcheck / gradgradcheck in float64, error inputs, non-contiguous inputs."""
from __future__ import annotations

import zlib

import ember
import numpy as np

from .comparison import assert_close, max_errors, to_numpy
from .opinfo import DEFAULT_TOLS


class ConformanceFailure(AssertionError):
    pass


def _np_dtype(name):
    from ember_numpy._dtypes import (
        TO_NP,  # the reference mapping (ml_dtypes for bfloat16)
    )
    return TO_NP[getattr(ember, name)]


def _backend_label(backend):
    """``backend 'name' (plugin 'module')``: failure messages name the plugin that registered the kernels
    (its module, or the name it was registered under when it is not a module)."""
    import ember.backends as eb
    from ember.backends._discovery import _manager
    b = eb.all_backends().get(backend)
    if b is None or b.plugin is None:
        return f"backend {backend!r}"
    plugin = getattr(b.plugin, "__name__", None) or _manager().get_name(b.plugin)
    return f"backend {backend!r} (plugin {plugin!r})"


def rng_for(op_name, dtype):
    seed = zlib.crc32(f"{op_name}/{dtype}".encode())
    return np.random.default_rng(seed)


def make_tensor(arr, device, noncontig=False, requires_grad=False):
    """A tensor on ``device`` with the values of NumPy array ``arr``; optionally strided."""
    t = ember.tensor(arr, device=device)
    if noncontig and t.ndim >= 1 and t.numel() > 1:
        # interleave with junk along the last dim, then slice it back out: same values, non-unit stride
        doubled = ember.stack([t, ember.zeros_like(t)], dim=-1)
        t = doubled.select(-1, 0)
        assert not t.is_contiguous() or t.shape[-1] <= 1
    if requires_grad:
        t = t.detach().requires_grad_(True)
    return t


def _convert(x, device, noncontig, grad):
    if isinstance(x, np.ndarray):
        return make_tensor(x, device, noncontig, grad and x.dtype.kind == "f")
    if isinstance(x, (list, tuple)) and x and all(isinstance(a, np.ndarray) for a in x):
        return type(x)(make_tensor(a, device, noncontig, grad and a.dtype.kind == "f") for a in x)
    return x


def to_ember_args(sample, device, noncontig=False, grad=False):
    args = tuple(_convert(a, device, noncontig, grad) for a in sample.all_args())
    kwargs = {k: _convert(v, device, noncontig, False) for k, v in sample.kwargs.items()}
    return args, kwargs


def _ref_args(sample, op):
    def conv(x):
        if isinstance(x, np.ndarray):
            if op.ref_in_input_dtype or x.dtype.kind != "f" and x.dtype.kind != "V":
                return x.astype(np.float64) if (x.dtype.kind == "f" or x.dtype.name == "bfloat16") else x
            return x.astype(np.float64)
        if isinstance(x, (list, tuple)) and x and all(isinstance(a, np.ndarray) for a in x):
            return type(x)(conv(a) for a in x)
        return x
    return tuple(conv(a) for a in sample.all_args()), {k: conv(v) for k, v in sample.kwargs.items()}


def _flatten_out(out):
    if isinstance(out, (tuple, list)):
        res = []
        for o in out:
            res.extend(_flatten_out(o))
        return res
    return [out]


def run_forward(op, backend, dtype):
    """Every sample (contiguous and strided) against the reference; dtype rule checked."""
    rng = rng_for(op.name, dtype)
    label = _backend_label(backend)
    n = 0
    for sample in op.sample_inputs(dtype, rng):
        variants = (False, True) if op.noncontig and sample.noncontig else (False,)
        for nc in variants:
            args, kwargs = to_ember_args(sample, backend, noncontig=nc)
            where = f"op {op.name!r}, {label}, dtype {dtype}, sample {sample.describe()}" + \
                    (" (non-contiguous)" if nc else "")
            try:
                out = op.op(*args, **kwargs)
            except Exception as e:
                raise ConformanceFailure(f"{where}: raised {type(e).__name__}: {e}") from e
            n += 1
            if op.ref is None:
                continue
            rargs, rkwargs = _ref_args(sample, op)
            with np.errstate(all="ignore"):
                expected = op.ref(*rargs, **rkwargs)
            outs, exps = _flatten_out(out), _flatten_out(expected)
            if len(outs) != len(exps):
                raise ConformanceFailure(f"{where}: returned {len(outs)} outputs, reference {len(exps)}")
            for i, (o, e) in enumerate(zip(outs, exps)):
                if isinstance(o, ember.Tensor):
                    want = op.result_dtype(dtype, sample) if op.result_dtype else (
                        dtype if i == 0 or len(outs) == 1 else None)
                    if want is not None and o.dtype.name != want and not isinstance(want, (tuple, list)):
                        raise ConformanceFailure(f"{where}: output {i} has dtype {o.dtype}, expected ember.{want}")
                    if o._backend.name != ember.device(backend).backend:
                        raise ConformanceFailure(f"{where}: output {i} is on {o.device}, expected {backend}")
                    ot = o.dtype.name
                else:
                    ot = dtype
                rtol, atol = op.tol(ot if ot in DEFAULT_TOLS else dtype)
                e_arr = np.asarray(e)
                o_arr = to_numpy(o) if isinstance(o, ember.Tensor) else np.asarray(o)
                if o_arr.shape != e_arr.shape:
                    raise ConformanceFailure(f"{where}: output {i} has shape {o_arr.shape}, reference {e_arr.shape}")
                try:
                    if op.compare is not None:
                        op.compare(o_arr, e_arr, rtol, atol)
                    else:
                        assert_close(o_arr, e_arr, rtol=rtol, atol=atol)
                except AssertionError as err:
                    raise ConformanceFailure(f"{where}: output {i}: {err}{_max_error_note(str(err), o_arr, e_arr)}"
                                             ) from None
    if n == 0:
        raise ConformanceFailure(f"op {op.name!r}, {label}: no sample inputs for dtype {dtype}")


def _max_error_note(message, actual, expected):
    """The max abs error, appended when an op's own ``compare`` did not report it."""
    if "max abs error" in message or actual.dtype.kind not in "biuf" or expected.dtype.kind not in "biuf":
        return ""
    return f" (max abs error {max_errors(actual, expected)[0]:.3e})"


def _grad_fn(op, args, kwargs, diff_idx):
    def f(*diff):
        full = list(args)
        for i, d in zip(diff_idx, diff):
            full[i] = d
        out = op.op(*full, **kwargs)
        outs = tuple(o for o in _flatten_out(out) if isinstance(o, ember.Tensor) and o.dtype.is_floating_point)
        return outs if len(outs) > 1 else outs[0]
    return f


def _diff_inputs(sample, args):
    idx = []
    for i, (raw, a) in enumerate(zip(sample.all_args(), args)):
        if sample.grad_args is not None and i not in sample.grad_args:
            continue
        if isinstance(a, ember.Tensor) and a.dtype.is_floating_point:
            idx.append(i)
    return idx


def run_grad(op, backend, second_order=False):
    """gradcheck (or gradgradcheck) in float64 on the first ``op.grad_samples`` samples."""
    rng = rng_for(op.name, "float64")
    checked = 0
    for sample in op.sample_inputs("float64", rng):
        if checked >= op.grad_samples:
            break
        args, kwargs = to_ember_args(sample, backend)
        idx = _diff_inputs(sample, args)
        if not idx:
            continue
        diff = [args[i].detach().clone().requires_grad_(True) for i in idx]
        fn = _grad_fn(op, args, kwargs, idx)
        where = f"op {op.name!r}, {_backend_label(backend)}, dtype float64, sample {sample.describe()}"
        try:
            if second_order:
                ok = ember.autograd.gradgradcheck(fn, tuple(diff), atol=1e-5, rtol=1e-3, eps=1e-6)
            else:
                ok = ember.autograd.gradcheck(fn, tuple(diff), atol=1e-5, rtol=1e-3, eps=1e-6)
        except Exception as e:
            raise ConformanceFailure(f"{where}: {'gradgradcheck' if second_order else 'gradcheck'} failed: "
                                     f"{type(e).__name__}: {e}") from e
        if not ok:
            raise ConformanceFailure(f"{where}: {'gradgradcheck' if second_order else 'gradcheck'} returned False")
        checked += 1
    if checked == 0:
        raise ConformanceFailure(f"op {op.name!r}, {_backend_label(backend)}: no differentiable float64 sample "
                                 f"for gradcheck")


def run_errors(op, backend):
    import re
    n = 0
    for err in op.error_inputs():
        args, kwargs = to_ember_args(err.sample, backend)
        where = f"op {op.name!r}, {_backend_label(backend)}, dtype float32, error sample {err.sample.describe()}"
        try:
            op.op(*args, **kwargs)
        except err.error_type as e:
            if err.match and not re.search(err.match, str(e)):
                raise ConformanceFailure(f"{where}: raised {type(e).__name__} as expected, but the message "
                                         f"{str(e)!r} does not match {err.match!r}") from None
        except Exception as e:
            raise ConformanceFailure(f"{where}: expected {err.error_type.__name__}, got {type(e).__name__}: "
                                     f"{e}") from e
        else:
            raise ConformanceFailure(f"{where}: expected {err.error_type.__name__}, nothing was raised")
        n += 1
    return n
