"""OpInfos for ember/ops/pool.py (max_pool, avg_pool and their backward ops) through the
``nn.functional`` pooling functions, plus the adaptive / power-average / unpooling compositions.

References are NumPy loops over kernel offsets (one strided slice of the padded input each).
"""
from __future__ import annotations

import itertools

import numpy as np
from ember.testing.opinfo import ErrorInput, OpInfo, SampleInput

from ._samples import make_array

_TOLS = {"float16": (2e-3, 2e-3), "bfloat16": (1.6e-2, 2e-2)}


def _F():
    import ember.nn.functional as F
    return F


def _tup(v, d):
    return tuple(v) if isinstance(v, (list, tuple)) else (v,) * d


def _out_size(n, k, s, p, dl, ceil_mode):
    num = n + 2 * p - dl * (k - 1) - 1 + (s - 1 if ceil_mode else 0)
    o = num // s + 1
    if ceil_mode and (o - 1) * s >= n + p:
        o -= 1
    return o


def _geometry(x, d, kernel_size, stride, padding, dilation, ceil_mode):
    k = _tup(kernel_size, d)
    s = k if stride is None else _tup(stride, d)
    p, dl = _tup(padding, d), _tup(dilation, d)
    osp = [_out_size(x.shape[2 + i], k[i], s[i], p[i], dl[i], ceil_mode) for i in range(d)]
    return k, s, p, dl, osp


def _offset_slices(kidx, s, dl, osp):
    return tuple(slice(ki * dl[i], ki * dl[i] + s[i] * (osp[i] - 1) + 1, s[i]) for i, ki in enumerate(kidx))


def _padded(x, p, k, s, dl, osp, value):
    d = len(k)
    right = [max(p[i], (osp[i] - 1) * s[i] + dl[i] * (k[i] - 1) + 1 - x.shape[2 + i] - p[i]) for i in range(d)]
    return np.pad(x, [(0, 0), (0, 0)] + [(p[i], right[i]) for i in range(d)], constant_values=value)


def _batched(d, fn):
    def ref(x, *args, **kw):
        unb = x.ndim == d + 1
        out = fn(x[None] if unb else x, *args, **kw)
        if unb:
            return tuple(o[0] for o in out) if isinstance(out, tuple) else out[0]
        return out
    return ref


def _ref_max_pool(d, with_indices):
    def ref(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
        k, s, p, dl, osp = _geometry(x, d, kernel_size, stride, padding, dilation, ceil_mode)
        xp = _padded(x, p, k, s, dl, osp, -np.inf)
        best = np.full(x.shape[:2] + tuple(osp), -np.inf)
        idx = np.zeros(best.shape, np.int64)
        for kidx in itertools.product(*(range(v) for v in k)):
            v = xp[(slice(None), slice(None)) + _offset_slices(kidx, s, dl, osp)]
            flat = np.zeros(osp, np.int64)
            for i in range(d):
                coord = np.arange(osp[i]) * s[i] - p[i] + kidx[i] * dl[i]
                flat = flat * x.shape[2 + i] + coord.reshape((-1,) + (1,) * (d - 1 - i))
            take = v > best
            best = np.where(take, v, best)
            idx = np.where(take, flat, idx)
        return (best, idx) if (with_indices or return_indices) else best
    return _batched(d, ref)


def _ref_avg_pool(d):
    def ref(x, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None):
        k, s, p, dl, osp = _geometry(x, d, kernel_size, stride, padding, 1, ceil_mode)
        xp = _padded(x, p, k, s, dl, osp, 0.0)
        # which padded positions count: the input itself, or the input and its symmetric padding
        inside = np.zeros(xp.shape[2:])
        inner = tuple(slice(0 if count_include_pad else p[i],
                            x.shape[2 + i] + (2 * p[i] if count_include_pad else p[i])) for i in range(d))
        inside[inner] = 1
        total = np.zeros(x.shape[:2] + tuple(osp))
        count = np.zeros(osp)
        for kidx in itertools.product(*(range(v) for v in k)):
            sl = _offset_slices(kidx, s, dl, osp)
            total += xp[(slice(None), slice(None)) + sl]
            count += inside[sl]
        if divisor_override:
            count = np.full(osp, float(divisor_override))
        return total / count
    return _batched(d, ref)


def _bounds(n, o):
    return [((i * n) // o, -((-(i + 1) * n) // o)) for i in range(o)]


def _ref_adaptive(kind, d):
    def ref(x, output_size, return_indices=False):
        osp = _tup(output_size, d)
        osp = tuple(x.shape[2 + i] if v is None else v for i, v in enumerate(osp))
        out = np.zeros(x.shape[:2] + osp)
        idx = np.zeros(out.shape, np.int64)
        for pos in itertools.product(*(range(o) for o in osp)):
            b = [_bounds(x.shape[2 + i], osp[i])[pos[i]] for i in range(d)]
            win = x[(slice(None), slice(None)) + tuple(slice(a, e) for a, e in b)]
            key = (slice(None), slice(None)) + pos
            if kind == "avg":
                out[key] = win.mean(axis=tuple(range(2, 2 + d)))
            else:
                flat = win.reshape(win.shape[:2] + (-1,))
                am = flat.argmax(-1)
                out[key] = flat.max(-1)
                coords = np.unravel_index(am, win.shape[2:])
                f = 0
                for i in range(d):
                    f = f * x.shape[2 + i] + coords[i] + b[i][0]
                idx[key] = f
        return (out, idx) if return_indices else out
    return _batched(d, ref)


def _ref_lp_pool(d):
    avg = _ref_avg_pool(d)

    def ref(x, norm_type, kernel_size, stride=None, ceil_mode=False):
        k = _tup(kernel_size, d)
        s = avg(x ** norm_type, k, stride, 0, ceil_mode) * np.prod(k)
        return (np.sign(s) * np.abs(s)) ** (1.0 / norm_type)
    return ref


def _ref_max_unpool(d):
    def ref(x, indices, kernel_size, stride=None, padding=0, output_size=None):
        k = _tup(kernel_size, d)
        s = k if stride is None else _tup(stride, d)
        p = _tup(padding, d)
        if output_size is None:
            size = tuple((x.shape[2 + i] - 1) * s[i] + k[i] - 2 * p[i] for i in range(d))
        else:
            size = tuple(output_size)[-d:]
        n, c = x.shape[:2]
        out = np.zeros((n, c, int(np.prod(size))))
        np.put_along_axis(out, indices.reshape(n, c, -1), x.reshape(n, c, -1), axis=2)
        return out.reshape((n, c) + size)
    return _batched(d, ref)


# --- samples ------------------------------------------------------------------------------------------------

_MAX_CASES = {
    1: [((2, 3, 9), {"kernel_size": 3, "stride": 2, "padding": 1, "dilation": 2, "ceil_mode": True}),
        ((3, 8), {"kernel_size": 2}),
        ((2, 2, 7), {"kernel_size": (3,), "stride": (1,)})],
    2: [((2, 3, 7, 6), {"kernel_size": (3, 2), "stride": 2, "padding": 1, "dilation": (1, 2)}),
        ((2, 3, 7, 6), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}),
        ((3, 4, 4), {"kernel_size": 2}),
        ((0, 2, 4, 4), {"kernel_size": 2})],
    3: [((1, 2, 5, 4, 5), {"kernel_size": (2, 3, 2), "stride": (2, 1, 3), "padding": 1, "ceil_mode": True}),
        ((2, 3, 4, 4), {"kernel_size": 2})],
}

_AVG_CASES = {
    1: [((2, 3, 9), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}),
        ((2, 3, 9), {"kernel_size": 3, "stride": 2, "padding": 1, "count_include_pad": False}),
        ((3, 8), {"kernel_size": 2})],
    2: [((2, 3, 7, 6), {"kernel_size": (3, 2), "stride": 2, "padding": 1}),
        ((2, 3, 7, 6), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True, "count_include_pad": False}),
        ((1, 2, 5, 5), {"kernel_size": 2, "divisor_override": 3}),
        ((3, 4, 4), {"kernel_size": 2})],
    3: [((1, 2, 5, 4, 5), {"kernel_size": (2, 3, 2), "stride": (2, 1, 3), "padding": 1, "ceil_mode": True}),
        ((1, 2, 4, 4, 4), {"kernel_size": 2, "count_include_pad": False, "padding": 1})],
}


def _samples(cases):
    def gen(dtype, rng):
        for shape, kw in cases:
            yield SampleInput(make_array(shape, dtype, rng), name=str(shape), **kw)
    return gen


def _adaptive_samples(d, indices=False):
    shapes = {1: [((2, 3, 9), 4), ((3, 7), 7), ((1, 2, 5), 8)],
              2: [((2, 3, 7, 9), (3, 4)), ((3, 5, 6), 1), ((1, 2, 5, 4), (None, 3)), ((1, 2, 4, 4), (8, 5))],
              3: [((1, 2, 5, 4, 6), (2, 3, 4)), ((2, 3, 3, 3), 2)]}[d]

    def gen(dtype, rng):
        for shape, out in shapes:
            kw = {"return_indices": True} if indices else {}
            yield SampleInput(make_array(shape, dtype, rng), out, name=str(shape), **kw)
    return gen


def _lp_samples(dtype, rng):
    yield SampleInput(make_array((2, 3, 6, 5), dtype, rng, 0.5, 2.0), 2.0, (2, 3), stride=(2, 1))
    yield SampleInput(make_array((2, 3, 7, 7), dtype, rng, 0.5, 2.0), 3, 2, ceil_mode=True)


def _unpool_samples(d):
    def gen(dtype, rng):
        import ember
        import ember.nn.functional as F
        shape = {1: (2, 3, 8), 2: (2, 3, 6, 4), 3: (1, 2, 4, 4, 6)}[d]
        fn = getattr(F, f"max_pool{d}d")
        x = make_array(shape, dtype, rng)
        _, idx = fn(ember.tensor(x.astype(np.float64), device="cpu"), 2, return_indices=True)
        vals = make_array(tuple(idx.shape), dtype, rng)
        yield SampleInput(vals, idx.numpy(), 2, name="kernel 2")
        yield SampleInput(vals, idx.numpy(), 2, output_size=tuple(s + 1 for s in shape[2:]), name="output_size")
    return gen


# --- errors ---------------------------------------------------------------------------------------------------

def _max_errors(d):
    def gen():
        rng = np.random.default_rng(0)
        x = make_array((1, 2) + (5,) * d, "float32", rng)
        yield ErrorInput(SampleInput(make_array((4,) * d, "float32", rng) if d > 1 else make_array((4,), "float32",
                                                                                                   rng), 2),
                         RuntimeError, "tensor")
        yield ErrorInput(SampleInput(x, 3, padding=2), RuntimeError, "pad should be at most half of effective kernel")
        yield ErrorInput(SampleInput(x, 2, stride=0), RuntimeError, "stride should not be zero")
        yield ErrorInput(SampleInput(make_array((1, 2) + (2,) * d, "float32", rng), 3), RuntimeError,
                         "Output size is too small")
    return gen


def _avg_errors(d):
    def gen():
        rng = np.random.default_rng(0)
        x = make_array((1, 2) + (5,) * d, "float32", rng)
        yield ErrorInput(SampleInput(x, 3, padding=2), RuntimeError, "pad should be at most half of effective kernel")
        yield ErrorInput(SampleInput(make_array((1, 2) + (2,) * d, "float32", rng), 3), RuntimeError,
                         "Output size is too small")
        yield ErrorInput(SampleInput(make_array((4,), "float32", rng), 2), RuntimeError, "dimensions|tensor expected")
    return gen


def _adaptive_errors(name):
    def gen():
        rng = np.random.default_rng(0)
        yield ErrorInput(SampleInput(make_array((4, 5), "float32", rng), 3), RuntimeError,
                         rf"{name}\(\): Expected 3D or 4D tensor, but got")
    return gen


def _unpool_errors():
    rng = np.random.default_rng(0)
    x = make_array((1, 2, 2, 2), "float32", rng)
    bad = np.full((1, 2, 2, 2), 100, np.int64)
    yield ErrorInput(SampleInput(x, bad, 2), RuntimeError, "Found an invalid max index: 100")
    yield ErrorInput(SampleInput(x, np.zeros((1, 2, 2, 2), np.int64), 2, output_size=(7, 7)), ValueError,
                     "invalid output_size")


def _op(name):
    return lambda *a, **k: getattr(_F(), name)(*a, **k)


OP_DB = (
    [OpInfo(f"nn.functional.max_pool{d}d", _op(f"max_pool{d}d"), _ref_max_pool(d, False), _samples(_MAX_CASES[d]),
            gradgrad=True, error_inputs=_max_errors(d), tols=_TOLS, grad_samples=2) for d in (1, 2, 3)]
    + [OpInfo(f"nn.functional.max_pool{d}d_with_indices", _op(f"max_pool{d}d_with_indices"),
              _ref_max_pool(d, True), _samples(_MAX_CASES[d]), tols=_TOLS,
              supports_grad=False) for d in (1, 2, 3)]
    + [OpInfo(f"nn.functional.avg_pool{d}d", _op(f"avg_pool{d}d"), _ref_avg_pool(d), _samples(_AVG_CASES[d]),
              gradgrad=True, error_inputs=_avg_errors(d), tols=_TOLS, grad_samples=2) for d in (1, 2, 3)]
    + [OpInfo(f"nn.functional.adaptive_avg_pool{d}d", _op(f"adaptive_avg_pool{d}d"), _ref_adaptive("avg", d),
              _adaptive_samples(d), gradgrad=True, tols=_TOLS,
              error_inputs=_adaptive_errors("adaptive_avg_pool2d") if d == 2 else None) for d in (1, 2, 3)]
    + [OpInfo(f"nn.functional.adaptive_max_pool{d}d", _op(f"adaptive_max_pool{d}d"), _ref_adaptive("max", d),
              _adaptive_samples(d, indices=True), tols=_TOLS,
              error_inputs=_adaptive_errors("adaptive_max_pool2d") if d == 2 else None) for d in (1, 2, 3)]
    + [OpInfo("nn.functional.lp_pool2d", _op("lp_pool2d"), _ref_lp_pool(2), _lp_samples,
              tols={"float16": (4e-3, 4e-3), "bfloat16": (3e-2, 3e-2)})]
    + [OpInfo(f"nn.functional.max_unpool{d}d", _op(f"max_unpool{d}d"), _ref_max_unpool(d), _unpool_samples(d),
              noncontig=False, error_inputs=_unpool_errors if d == 2 else None) for d in (1, 2, 3)]
)
