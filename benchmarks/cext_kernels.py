"""Per-kernel speed: every native c_ext kernel vs the NumPy backend's kernel for the same op and arguments.

    python benchmarks/cext_kernels.py [--repeat N] [--filter SUBSTRING]

Prints op, case, NumPy-backend µs, c_ext µs and the ratio (NumPy time / c_ext time: > 1 means c_ext is
faster).  Both kernels are timed alternately, best of N runs each.  Rows marked "not registered" are native
kernels the backend does not use because they lose (see backends/c_ext/elementwise.py).

Adding a row is one line in ROWS: ``(op name, case label, args builder)``; the builder takes a seeded
``numpy.random.Generator`` and returns the kernel's positional arguments.
"""
from __future__ import annotations

import argparse
import time

import ember
import numpy as np
from ember_numpy.kernels import all_kernels as numpy_kernels

_F32 = ember.float32


def f32(rng, *shape):
    return rng.standard_normal(shape).astype(np.float32)


def _ce_args(rng, n, c):
    return (f32(rng, n, c), rng.integers(0, c, n), np.ones(c, np.float32), -100, "mean", 0.0)


ROWS = [
    # elementwise (native, not registered: see backends/c_ext/elementwise.py)
    ("add", "1M + 1M", lambda r: (f32(r, 1 << 20), f32(r, 1 << 20))),
    ("add", "(10k,100) + (100,)", lambda r: (f32(r, 10000, 100), f32(r, 100))),
    ("add", "(256,1000) + (256,1)", lambda r: (f32(r, 256, 1000), f32(r, 256, 1))),
    ("sub", "(64,64,32²) - (64,1,1)", lambda r: (f32(r, 64, 64, 32, 32), f32(r, 64, 1, 1))),
    ("mul", "1M * scalar", lambda r: (f32(r, 1 << 20), 2.5)),
    ("mul", "1k x 1k transposed * 1k x 1k", lambda r: (f32(r, 1024, 1024).T, f32(r, 1024, 1024))),
    ("div", "(10k,100) / (100,)", lambda r: (f32(r, 10000, 100), f32(r, 100) + 2)),
    ("maximum", "(10k,100) vs (100,)", lambda r: (f32(r, 10000, 100), f32(r, 100))),
    ("exp", "1M", lambda r: (f32(r, 1 << 20),)),
    ("log", "1M", lambda r: (np.abs(f32(r, 1 << 20)) + 0.5,)),
    ("tanh", "1M", lambda r: (f32(r, 1 << 20),)),
    # activations
    ("relu", "1M", lambda r: (f32(r, 1 << 20),)),
    ("relu", "64x1024", lambda r: (f32(r, 64, 1024),)),
    ("leaky_relu", "1M", lambda r: (f32(r, 1 << 20), 0.01)),
    ("sigmoid", "1M", lambda r: (f32(r, 1 << 20),)),
    ("silu", "1M", lambda r: (f32(r, 1 << 20),)),
    ("gelu", "1M", lambda r: (f32(r, 1 << 20), "none")),
    ("gelu", "1M tanh", lambda r: (f32(r, 1 << 20), "tanh")),
    ("relu_backward", "1M", lambda r: (f32(r, 1 << 20), f32(r, 1 << 20))),
    ("silu_backward", "1M", lambda r: (f32(r, 1 << 20), f32(r, 1 << 20))),
    ("gelu_backward", "1M", lambda r: (f32(r, 1 << 20), f32(r, 1 << 20), "none")),
    ("gelu_backward", "1M tanh", lambda r: (f32(r, 1 << 20), f32(r, 1 << 20), "tanh")),
    # softmax family and cross entropy
    ("softmax", "64x10", lambda r: (f32(r, 64, 10), -1)),
    ("softmax", "256x1000", lambda r: (f32(r, 256, 1000), -1)),
    ("log_softmax", "256x1000", lambda r: (f32(r, 256, 1000), -1)),
    ("softmax_backward", "256x1000", lambda r: (f32(r, 256, 1000), f32(r, 256, 1000), -1)),
    ("log_softmax_backward", "256x1000", lambda r: (f32(r, 256, 1000), f32(r, 256, 1000), -1)),
    ("cross_entropy", "64x10", lambda r: _ce_args(r, 64, 10)),
    ("cross_entropy", "256x1000", lambda r: _ce_args(r, 256, 1000)),
    ("cross_entropy_backward", "64x10", lambda r: (np.float32(1.0).reshape(()),) + _ce_args(r, 64, 10)),
    ("cross_entropy_backward", "256x1000", lambda r: (np.float32(1.0).reshape(()),) + _ce_args(r, 256, 1000)),
    # reductions along dims (sum/mean take the output dtype; "(numpy)": c_ext passes these to NumPy, whose
    # argmax over contiguous rows is faster)
    ("sum", "256x1000 dim 1", lambda r: (f32(r, 256, 1000), (1,), False, _F32)),
    ("sum", "1000x256 dim 0", lambda r: (f32(r, 1000, 256), (0,), False, _F32)),
    ("sum", "64x10 dim 0", lambda r: (f32(r, 64, 10), (0,), False, _F32)),
    ("sum", "1M all", lambda r: (f32(r, 1 << 20), (0,), False, _F32)),
    ("mean", "32x64x32² (0,2,3)", lambda r: (f32(r, 32, 64, 32, 32), (0, 2, 3), True, _F32)),
    ("mean", "64x32x26² (0,2,3)", lambda r: (f32(r, 64, 32, 26, 26), (0, 2, 3), True, _F32)),
    ("mean", "64x128x512 dim 2", lambda r: (f32(r, 64, 128, 512), (2,), True, _F32)),
    ("var", "256x1000 dim 1", lambda r: (f32(r, 256, 1000), (1,), 1, False)),
    ("var", "32x64x32² (0,2,3)", lambda r: (f32(r, 32, 64, 32, 32), (0, 2, 3), 0, True)),
    ("std", "256x1000 dim 1", lambda r: (f32(r, 256, 1000), (1,), 1, False)),
    ("amax", "256x1000 dim 1", lambda r: (f32(r, 256, 1000), (1,), False)),
    ("amax", "1000x256 dim 0", lambda r: (f32(r, 1000, 256), (0,), False)),
    ("amin", "256x1000 dim 1", lambda r: (f32(r, 256, 1000), (1,), False)),
    ("argmax", "256x1000 dim 1 (numpy)", lambda r: (f32(r, 256, 1000), 1, False)),
    ("argmax", "1000x256 dim 0", lambda r: (f32(r, 1000, 256), 0, False)),
    ("argmax", "1M flat (numpy)", lambda r: (f32(r, 1 << 20), None, False)),
    ("argmin", "1000x256 dim 0", lambda r: (f32(r, 1000, 256), 0, False)),
    ("max_dim", "256x1000 dim 1 (numpy)", lambda r: (f32(r, 256, 1000), 1, False)),
    ("max_dim", "64x10 dim 1", lambda r: (f32(r, 64, 10), 1, False)),
    ("min_dim", "1000x256 dim 0", lambda r: (f32(r, 1000, 256), 0, False)),
    # pooling
    ("max_pool", "64x32x26² k2 s2", lambda r: (f32(r, 64, 32, 26, 26), (2, 2), (2, 2), (0, 0), (1, 1), False)),
    ("max_pool", "32x64x64² k3 s2 p1", lambda r: (f32(r, 32, 64, 64, 64), (3, 3), (2, 2), (1, 1), (1, 1), False)),
    ("max_pool_backward", "64x32x26² k2 s2", lambda r: _max_pool_grad_args(r, (64, 32, 26, 26), 2, 2, 0)),
    ("max_pool_backward", "32x64x64² k3 s2 p1", lambda r: _max_pool_grad_args(r, (32, 64, 64, 64), 3, 2, 1)),
    ("avg_pool", "64x32x26² k2 s2", lambda r: (f32(r, 64, 32, 26, 26), (2, 2), (2, 2), (0, 0), False, True, None)),
    ("avg_pool", "32x512x4² global", lambda r: (f32(r, 32, 512, 4, 4), (4, 4), (4, 4), (0, 0), False, True, None)),
    ("avg_pool_backward", "64x32x26² k2 s2",
     lambda r: (f32(r, 64, 32, 13, 13), (64, 32, 26, 26), (2, 2), (2, 2), (0, 0), False, True, None)),
    ("avg_pool_backward", "32x512x4² global",
     lambda r: (f32(r, 32, 512, 1, 1), (32, 512, 4, 4), (4, 4), (4, 4), (0, 0), False, True, None)),
    # normalization
    ("batch_norm", "32x64x32²", lambda r: (f32(r, 32, 64, 32, 32), f32(r, 64), f32(r, 64), 1e-5)),
    ("batch_norm_backward", "32x64x32²", lambda r: _bn_grad_args(r, (32, 64, 32, 32))),
    ("batch_norm", "64x32x26²", lambda r: (f32(r, 64, 32, 26, 26), f32(r, 32), f32(r, 32), 1e-5)),
    ("batch_norm_backward", "64x32x26²", lambda r: _bn_grad_args(r, (64, 32, 26, 26))),
    ("layer_norm", "64x128x512", lambda r: (f32(r, 64, 128, 512), f32(r, 512), f32(r, 512), 1, 1e-5)),
    ("layer_norm_backward", "64x128x512", lambda r: _ln_grad_args(r, (64, 128, 512))),
    # fused optimizer steps (in place)
    ("sgd_step", "10k nesterov+wd", lambda r: (f32(r, 10000), f32(r, 10000), f32(r, 10000), 0.1, 0.9, 0.0, True,
                                               1e-4, False, False)),
    ("sgd_step", "1M nesterov+wd", lambda r: (f32(r, 1 << 20), f32(r, 1 << 20), f32(r, 1 << 20), 0.1, 0.9, 0.0,
                                              True, 1e-4, False, False)),
    ("adam_step", "10k adamw", lambda r: _adam_args(r, 10000)),
    ("adam_step", "1M adamw", lambda r: _adam_args(r, 1 << 20)),
    ("adadelta_step", "10k", lambda r: (f32(r, 10000), f32(r, 10000), abs(f32(r, 10000)), abs(f32(r, 10000)),
                                        1.0, 0.9, 1e-6, 0.0, False)),
    ("adadelta_step", "1M (mnist fc1)", lambda r: (f32(r, 1 << 20), f32(r, 1 << 20), abs(f32(r, 1 << 20)),
                                                   abs(f32(r, 1 << 20)), 1.0, 0.9, 1e-6, 0.0, False)),
    # embedding lookup and its backward's scatter-add (word-language-model sizes: 10k x 256 table, 35 x 32 tokens)
    ("embedding", "10k x 256, 35x32 ids", lambda r: (f32(r, 10000, 256), r.integers(0, 10000, (35, 32)), -1, False)),
    ("index_add", "10k x 256 += 1120 rows", lambda r: (np.zeros((10000, 256), np.float32), r.integers(0, 10000, 1120),
                                                      f32(r, 1120, 256), 0, 1)),
    ("index_add", "(64,100,16) dim 1", lambda r: (f32(r, 64, 100, 16), r.integers(0, 100, 300), f32(r, 64, 300, 16),
                                                  1, 0.5)),
    # LSTM layer (per step: NumPy GEMM + one fused C pass)
    ("lstm_layer", "T35 B32 H256", lambda r: _lstm_args(r, 35, 32, 256)),
    ("lstm_layer_backward", "T35 B32 H256", lambda r: _lstm_grad_args(r, 35, 32, 256)),
    ("lstm_layer", "T50 B16 H64", lambda r: _lstm_args(r, 50, 16, 64)),
    ("lstm_layer_backward", "T50 B16 H64", lambda r: _lstm_grad_args(r, 50, 16, 64)),
    ("gru_layer", "T35 B32 H256", lambda r: _gru_args(r, 35, 32, 256)),
    ("gru_layer_backward", "T35 B32 H256", lambda r: _gru_grad_args(r, 35, 32, 256)),
]


def _conv_rows(xs, ws, stride, padding, groups, case):
    """The three conv kernels' rows for one geometry."""
    def out_shape():
        osp = tuple((n + 2 * p - k) // s + 1 for n, p, k, s in zip(xs[2:], padding, ws[2:], stride))
        return (xs[0], ws[0]) + osp
    geo = (stride, padding, (1, 1), groups)
    return [("conv", case, lambda r: (f32(r, *xs), f32(r, *ws)) + geo),
            ("conv_backward_input", case, lambda r: (f32(r, *out_shape()), f32(r, *ws), xs) + geo),
            ("conv_backward_weight", case, lambda r: (f32(r, *xs), f32(r, *out_shape()), ws) + geo)]


def _max_pool_grad_args(rng, shape, k, s, p):
    _, idx = numpy_kernels()["max_pool"](f32(rng, *shape), (k, k), (s, s), (p, p), (1, 1), False)
    return f32(rng, *idx.shape), idx, shape


def _bn_grad_args(rng, shape):
    c = shape[1]
    return f32(rng, *shape), f32(rng, *shape), f32(rng, c), f32(rng, c), np.abs(f32(rng, c)), 1e-5


def _ln_grad_args(rng, shape):
    lead = shape[:-1] + (1,)
    return f32(rng, *shape), f32(rng, *shape), f32(rng, shape[-1]), f32(rng, *lead), np.abs(f32(rng, *lead)), 1, 1e-5


def _adam_args(rng, n):
    return (f32(rng, n), f32(rng, n), f32(rng, n), np.abs(f32(rng, n)), np.abs(f32(rng, n)),
            1e-3, 0.9, 0.999, 1e-8, 1e-2, False, False, True, 10)



def _lstm_args(rng, t, b, h):
    return (f32(rng, t, b, 4 * h), f32(rng, b, h), f32(rng, b, h), f32(rng, 4 * h, h) / np.float32(h ** 0.5),
            np.ones((t, b), np.float32), False)


def _lstm_grad_args(rng, t, b, h):
    args = _lstm_args(rng, t, b, h)
    hs, cs, acts = numpy_kernels()["lstm_layer"](*args)
    return (f32(rng, t, b, h), f32(rng, t, b, h)) + args[:5] + (hs, cs, acts, False)


def _gru_args(rng, t, b, h):
    return (f32(rng, t, b, 3 * h), f32(rng, b, h), f32(rng, 3 * h, h) / np.float32(h ** 0.5), f32(rng, 3 * h),
            np.ones((t, b), np.float32))


def _gru_grad_args(rng, t, b, h):
    args = _gru_args(rng, t, b, h)
    hs, acts = numpy_kernels()["gru_layer"](*args)
    return (f32(rng, t, b, h),) + args + (hs, acts)

# conv (im2col/col2im or Winograd F(2x2,3x3) transforms in C, GEMMs in NumPy): MNIST CNN, ResNet-18-like,
# downsample, depthwise; three kernels each
CONV_CASES = [
    ((64, 1, 28, 28), (32, 1, 3, 3), (1, 1), (0, 0), 1, "mnist conv1 64x1x28²"),
    ((64, 32, 26, 26), (64, 32, 3, 3), (1, 1), (0, 0), 1, "mnist conv2 64x32x26²"),
    ((32, 64, 32, 32), (64, 64, 3, 3), (1, 1), (1, 1), 1, "resnet 32x64x32² 3x3"),
    ((32, 256, 8, 8), (256, 256, 3, 3), (1, 1), (1, 1), 1, "resnet 32x256x8² 3x3"),
    ((32, 64, 32, 32), (128, 64, 1, 1), (2, 2), (0, 0), 1, "1x1 s2 downsample"),
    ((32, 64, 32, 32), (64, 1, 3, 3), (1, 1), (1, 1), 64, "depthwise 3x3"),
]
ROWS += [row for case in CONV_CASES for row in _conv_rows(*case)]


def native_kernels() -> tuple:
    """(registered kernels, every native kernel) of the c_ext backend."""
    from ember_cext import elementwise, kernels, reduce
    from ember_cext._lib import ffi, lib
    registered = kernels.all_kernels()
    return registered, {**elementwise.native_kernels(lib, ffi), **reduce.native_kernels(lib, ffi), **registered}


def best_time(fn, args, number: int) -> float:
    t0 = time.perf_counter()
    for _ in range(number):
        fn(*args)
    return (time.perf_counter() - t0) / number


def measure(np_k, c_k, args, repeat: int) -> tuple:
    """Best-of-``repeat`` seconds per call for both kernels, runs alternating so drift hits both alike."""
    t = best_time(np_k, args, 1)
    number = max(1, int(0.02 / max(t, 1e-7)))
    tn, tc = [], []
    for _ in range(repeat):
        tn.append(best_time(np_k, args, number))
        tc.append(best_time(c_k, args, number))
    return min(tn), min(tc)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=7)
    p.add_argument("--filter", default="")
    a = p.parse_args(argv)
    ref = numpy_kernels()
    registered, native = native_kernels()
    print(f"{'op':24s} {'case':22s} {'numpy µs':>10s} {'c_ext µs':>10s} {'ratio':>7s}")
    for op, case, build in ROWS:
        if a.filter not in op or op not in native:
            continue
        args = build(np.random.default_rng(0))
        tn, tc = measure(ref[op], native[op], args, a.repeat)
        note = "" if op in registered else "  (not registered)"
        print(f"{op:24s} {case:22s} {tn * 1e6:10.1f} {tc * 1e6:10.1f} {tn / tc:7.2f}{note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
