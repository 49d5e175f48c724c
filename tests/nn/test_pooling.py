"""Pooling layers and functionals against PyTorch: max (indices, dilation, ceil_mode), average
(count_include_pad, divisor_override), adaptive, power-average, unpooling; forward values, dtypes,
gradients in float32 / float64, double backward, reprs, errors and the decomposition path."""
from __future__ import annotations

import ember
import ember.nn.functional as F
import numpy as np
import pytest
import torch
from ember import nn
from ember.ops import pool as pool_ops

TOL = {"float32": 1e-5, "float64": 1e-12}


def close(e, t, dtype="float64"):
    e = e.detach().numpy() if isinstance(e, ember.Tensor) else np.asarray(e)
    t = t.detach().numpy() if isinstance(t, torch.Tensor) else np.asarray(t)
    np.testing.assert_allclose(e, t, rtol=TOL[dtype], atol=TOL[dtype])


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def compare(name, x, dtype, rng, *args, **kw):
    """Forward (every output) and input gradient of F.<name> in ember and torch."""
    x = x.astype(dtype)
    tx, ex = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    to, eo = getattr(torch.nn.functional, name)(tx, *args, **kw), getattr(F, name)(ex, *args, **kw)
    to, eo = (to if isinstance(to, tuple) else (to,)), (eo if isinstance(eo, tuple) else (eo,))
    for a, b in zip(eo, to):
        assert tuple(a.shape) == tuple(b.shape)
        assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1]
        close(a, b, dtype)
    g = rng.standard_normal(tuple(to[0].shape)).astype(dtype)
    to[0].backward(torch.tensor(g))
    eo[0].backward(ember.tensor(g))
    close(ex.grad, tx.grad, dtype)


MAX_CASES = [
    ("max_pool1d", (2, 3, 9), {"kernel_size": 3, "stride": 2, "padding": 1, "dilation": 2, "ceil_mode": True}),
    ("max_pool1d", (3, 8), {"kernel_size": 2}),
    ("max_pool2d", (2, 3, 7, 6), {"kernel_size": (3, 2), "stride": 2, "padding": 1, "dilation": (1, 2)}),
    ("max_pool2d", (2, 3, 7, 6), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}),
    ("max_pool2d", (2, 3, 8, 8), {"kernel_size": 2}),
    ("max_pool2d", (3, 5, 5), {"kernel_size": 2, "stride": 1}),
    ("max_pool3d", (1, 2, 5, 4, 5), {"kernel_size": (2, 3, 2), "stride": (2, 1, 3), "padding": 1, "ceil_mode": True}),
    ("max_pool3d", (2, 4, 4, 4), {"kernel_size": 2}),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name, shape, kw", MAX_CASES)
def test_max_pool_values_indices_grads(name, shape, kw, dtype, rng):
    compare(name, rng.standard_normal(shape), dtype, rng, return_indices=True, **kw)


AVG_CASES = [
    ("avg_pool1d", (2, 3, 9), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}),
    ("avg_pool1d", (2, 3, 9), {"kernel_size": 3, "stride": 2, "padding": 1, "count_include_pad": False}),
    ("avg_pool2d", (2, 3, 7, 6), {"kernel_size": (3, 2), "stride": 2, "padding": 1}),
    ("avg_pool2d", (2, 3, 7, 6), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True, "count_include_pad": False}),
    ("avg_pool2d", (2, 3, 7, 6), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}),
    ("avg_pool2d", (1, 2, 5, 5), {"kernel_size": 2, "divisor_override": 3}),
    ("avg_pool2d", (3, 4, 4), {"kernel_size": 2}),
    ("avg_pool3d", (1, 2, 5, 4, 5), {"kernel_size": (2, 3, 2), "stride": (2, 1, 3), "padding": 1, "ceil_mode": True}),
    ("avg_pool3d", (1, 2, 4, 4, 4), {"kernel_size": 2, "count_include_pad": False, "padding": 1, "divisor_override": 5}),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name, shape, kw", AVG_CASES)
def test_avg_pool(name, shape, kw, dtype, rng):
    compare(name, rng.standard_normal(shape), dtype, rng, **kw)


ADAPTIVE_CASES = [
    ("adaptive_avg_pool1d", (2, 3, 9), 4, {}),
    ("adaptive_avg_pool2d", (2, 3, 7, 9), (3, 4), {}),
    ("adaptive_avg_pool2d", (3, 5, 6), (None, 2), {}),
    ("adaptive_avg_pool2d", (1, 2, 4, 4), (8, 5), {}),
    ("adaptive_avg_pool3d", (1, 2, 5, 4, 6), (2, 3, 4), {}),
    ("adaptive_max_pool1d", (2, 3, 9), 4, {"return_indices": True}),
    ("adaptive_max_pool2d", (2, 3, 7, 9), (3, 4), {"return_indices": True}),
    ("adaptive_max_pool2d", (3, 5, 6), 1, {"return_indices": True}),
    ("adaptive_max_pool3d", (1, 2, 5, 4, 6), (2, 3, 4), {"return_indices": True}),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name, shape, out, kw", ADAPTIVE_CASES)
def test_adaptive_pools(name, shape, out, kw, dtype, rng):
    compare(name, rng.standard_normal(shape), dtype, rng, out, **kw)


@pytest.mark.parametrize("name, shape, args, kw", [
    ("lp_pool1d", (2, 3, 8), (2.0, 3), {"stride": 2}),
    ("lp_pool2d", (2, 3, 6, 7), (3, (2, 3)), {"ceil_mode": True}),
    ("lp_pool2d", (2, 3, 6, 6), (1.5, 2), {}),
])
def test_lp_pool(name, shape, args, kw, rng):
    compare(name, np.abs(rng.standard_normal(shape)) + 0.5, "float64", rng, *args, **kw)


@pytest.mark.parametrize("d, shape, out", [(1, (2, 3, 8), None), (2, (2, 3, 6, 4), None), (2, (2, 3, 6, 4), (7, 5)),
                                           (3, (1, 2, 4, 4, 6), None), (2, (3, 6, 4), None)])
def test_max_unpool_roundtrip(d, shape, out, rng):
    x = rng.standard_normal(shape)
    tv, ti = getattr(torch.nn.functional, f"max_pool{d}d")(torch.tensor(x), 2, return_indices=True)
    ev, ei = getattr(F, f"max_pool{d}d")(ember.tensor(x), 2, return_indices=True)
    assert ei.dtype == ember.int64
    np.testing.assert_array_equal(ei.numpy(), ti.numpy())
    tv.requires_grad_(True)
    ev.requires_grad_(True)
    tu = getattr(torch.nn.functional, f"max_unpool{d}d")(tv, ti, 2, output_size=out)
    eu = getattr(F, f"max_unpool{d}d")(ev, ei, 2, output_size=out)
    close(eu, tu)
    g = rng.standard_normal(tuple(tu.shape))
    tu.backward(torch.tensor(g))
    eu.backward(ember.tensor(g))
    close(ev.grad, tv.grad)


def test_double_backward_of_pools(rng):
    x = ember.tensor(rng.standard_normal((1, 2, 5, 6)), requires_grad=True)
    assert ember.autograd.gradgradcheck(lambda x: F.max_pool2d(x, 3, 2, 1, ceil_mode=True), (x,))
    assert ember.autograd.gradgradcheck(lambda x: F.avg_pool2d(x, (2, 3), 2, 1, True, False), (x,))
    assert ember.autograd.gradgradcheck(lambda x: F.adaptive_avg_pool2d(x, (3, 4)), (x,))


@pytest.mark.parametrize("names", [("max_pool",), ("max_pool_backward",), ("avg_pool",), ("avg_pool_backward",),
                                   ("max_pool", "max_pool_backward", "avg_pool", "avg_pool_backward")])
def test_decompositions_run_without_kernels(names, rng, monkeypatch):
    monkeypatch.delenv("EMBER_STRICT", raising=False)
    x = rng.standard_normal((2, 3, 7, 6))
    results = []
    for use_kernel in (True, False):
        if not use_kernel:
            for name in names:
                monkeypatch.delitem(ember.zeros(1)._backend.table, name)
        t = ember.tensor(x, requires_grad=True)
        v, i = F.max_pool2d(t, 3, 2, 1, dilation=(1, 2), ceil_mode=True, return_indices=True)
        a = F.avg_pool2d(t, 3, 2, 1, ceil_mode=True, count_include_pad=False)
        (v.sin().sum() + a.cos().sum()).backward()
        results.append([v.detach().numpy(), i.numpy(), a.detach().numpy(), t.grad.numpy()])
    for p, q in zip(*results):
        np.testing.assert_allclose(p, q, rtol=1e-12, atol=1e-12)
    # the decomposition handles empty batches too
    out, idx = pool_ops._max_pool_decomp(ember.zeros(0, 2, 4, 4), (2, 2), (2, 2), (0, 0), (1, 1), False)
    assert tuple(out.shape) == (0, 2, 2, 2) and tuple(idx.shape) == (0, 2, 2, 2)


def test_modules_match_torch(rng):
    x = rng.standard_normal((2, 3, 8, 8))
    cases = [
        lambda lib: lib.nn.MaxPool2d(3, 2, 1, ceil_mode=True),
        lambda lib: lib.nn.AvgPool2d(3, 2, 1, count_include_pad=False),
        lambda lib: lib.nn.AdaptiveAvgPool2d((2, 3)),
        lambda lib: lib.nn.AdaptiveMaxPool2d(3),
        lambda lib: lib.nn.LPPool2d(2, 2),
    ]
    for ctor in cases:
        te, tt = ctor(ember), ctor(torch)
        assert repr(te) == repr(tt)
        inp = np.abs(x) if isinstance(tt, torch.nn.LPPool2d) else x
        close(te(ember.tensor(inp)), tt(torch.tensor(inp)))
    x1 = rng.standard_normal((2, 3, 9))
    for ctor in (lambda lib: lib.nn.MaxPool1d(3, return_indices=True), lambda lib: lib.nn.AvgPool1d(3, 2, 1),
                 lambda lib: lib.nn.AdaptiveAvgPool1d(4), lambda lib: lib.nn.AdaptiveMaxPool1d(4),
                 lambda lib: lib.nn.LPPool1d(2, 3)):
        te, tt = ctor(ember), ctor(torch)
        assert repr(te) == repr(tt)
        inp = np.abs(x1)
        eo, to = te(ember.tensor(inp)), tt(torch.tensor(inp))
        for a, b in zip(eo if isinstance(eo, tuple) else (eo,), to if isinstance(to, tuple) else (to,)):
            close(a, b)
    x3 = rng.standard_normal((1, 2, 4, 4, 4))
    for ctor in (lambda lib: lib.nn.MaxPool3d(2), lambda lib: lib.nn.AvgPool3d(2), lambda lib: lib.nn.AdaptiveAvgPool3d(2),
                 lambda lib: lib.nn.AdaptiveMaxPool3d(2)):
        te, tt = ctor(ember), ctor(torch)
        assert repr(te) == repr(tt)
        close(te(ember.tensor(x3)), tt(torch.tensor(x3)))


def test_unpool_modules(rng):
    x = rng.standard_normal((1, 2, 4, 4))
    for lib in (ember, torch):
        assert repr(lib.nn.MaxUnpool2d(2)) == "MaxUnpool2d(kernel_size=(2, 2), stride=(2, 2), padding=(0, 0))"
    tp, tu = torch.nn.MaxPool2d(2, return_indices=True), torch.nn.MaxUnpool2d(2)
    ep, eu = nn.MaxPool2d(2, return_indices=True), nn.MaxUnpool2d(2)
    close(eu(*ep(ember.tensor(x))), tu(*tp(torch.tensor(x))))
    close(nn.MaxUnpool1d(2)(*nn.MaxPool1d(2, return_indices=True)(ember.tensor(x[0]))),
          torch.nn.MaxUnpool1d(2)(*torch.nn.MaxPool1d(2, return_indices=True)(torch.tensor(x[0]))))
    assert repr(nn.MaxUnpool3d(2, 1)) == repr(torch.nn.MaxUnpool3d(2, 1))


ERRORS = [
    (lambda lib: lib.nn.functional.max_pool2d(lib.ones(1, 4, 5, 5), 3, padding=2), RuntimeError),
    (lambda lib: lib.nn.functional.max_pool2d(lib.ones(1, 4, 2, 2), 3), RuntimeError),
    (lambda lib: lib.nn.functional.max_pool2d(lib.ones(4, 5), 3), RuntimeError),
    (lambda lib: lib.nn.functional.max_pool1d(lib.ones(4), 3), RuntimeError),
    (lambda lib: lib.nn.functional.max_pool2d(lib.ones(1, 4, 5, 5), 2, stride=0), RuntimeError),
    (lambda lib: lib.nn.functional.avg_pool2d(lib.ones(1, 4, 5, 5), 3, padding=2), RuntimeError),
    (lambda lib: lib.nn.functional.avg_pool1d(lib.ones(4), 3), RuntimeError),
    (lambda lib: lib.nn.functional.avg_pool3d(lib.ones(4, 4), 3), RuntimeError),
    (lambda lib: lib.nn.functional.adaptive_avg_pool2d(lib.ones(4, 5), 3), RuntimeError),
    (lambda lib: lib.nn.functional.adaptive_max_pool2d(lib.ones(4, 5), 3), RuntimeError),
    (lambda lib: lib.nn.functional.max_unpool2d(lib.ones(1, 4, 2, 2), lib.zeros(1, 4, 2, 2, dtype=lib.long), 2,
                                                output_size=(7, 7)), ValueError),
    (lambda lib: lib.nn.functional.max_unpool2d(lib.ones(1, 4, 2, 2), lib.full((1, 4, 2, 2), 100, dtype=lib.long),
                                                2), RuntimeError),
]


@pytest.mark.parametrize("fn, exc", ERRORS)
def test_errors_match_torch(fn, exc):
    with pytest.raises(exc) as te:
        fn(torch)
    with pytest.raises(exc) as ee:
        fn(ember)
    assert str(ee.value) == str(te.value)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("d, shape, k, out", [(2, (2, 3, 7, 9), 2, (4, 5)), (2, (3, 8, 8), 3, (5, 1)),
                                              (3, (1, 2, 5, 6, 7), (2, 3, 2), (3, 3, 4))])
def test_fractional_max_pool_with_given_samples(d, shape, k, out, dtype, rng):
    x = rng.standard_normal(shape).astype(dtype)
    samples = rng.random((shape[0] if len(shape) == d + 2 else 1, shape[-d - 1], d)).astype(dtype)
    name = f"fractional_max_pool{d}d"
    xt, xe = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    vt, it = getattr(torch.nn.functional, name)(xt, k, output_size=out, return_indices=True,
                                                  _random_samples=torch.tensor(samples))
    ve, ie = getattr(F, name)(xe, k, output_size=out, return_indices=True, _random_samples=ember.tensor(samples))
    close(ve, vt, dtype)
    np.testing.assert_array_equal(ie.numpy(), it.numpy())
    vt.sum().backward()
    ve.sum().backward()
    close(xe.grad, xt.grad, dtype)


def test_fractional_max_pool_modules_and_errors():
    m, t = nn.FractionalMaxPool2d(2, output_ratio=0.5), torch.nn.FractionalMaxPool2d(2, output_ratio=0.5)
    assert repr(m) == repr(t) and list(m.state_dict()) == list(t.state_dict())
    assert tuple(m(ember.randn(1, 2, 8, 8)).shape) == (1, 2, 4, 4)
    v, i = nn.FractionalMaxPool3d(2, output_size=3, return_indices=True)(ember.randn(2, 5, 5, 5))
    assert tuple(v.shape) == (2, 3, 3, 3) and i.dtype == ember.int64
    for lib in (ember, torch):
        with pytest.raises(ValueError, match="requires specifying either"):
            lib.nn.FractionalMaxPool2d(2)
        with pytest.raises(RuntimeError, match="pool height 4 too large relative to input height 7"):
            lib.nn.functional.fractional_max_pool2d(lib.randn(2, 3, 7, 9), 4, output_size=(5, 5))


def test_max_pool_nan_follows_torch():
    x = np.random.default_rng(1).standard_normal((2, 3, 6, 6))
    x[0, 0, 1, 1] = x[0, 0, 0, 0] = x[1, 2, 3, 3] = np.nan
    v, i = F.max_pool2d(ember.tensor(x), 3, 2, 1, return_indices=True)
    vt, it = torch.nn.functional.max_pool2d(torch.tensor(x), 3, 2, 1, return_indices=True)
    np.testing.assert_allclose(v.numpy(), vt.numpy(), equal_nan=True)
    np.testing.assert_array_equal(i.numpy(), it.numpy())


@pytest.mark.parametrize("backend", ["numpy", "c_ext"])
@pytest.mark.parametrize("data,kw", [
    ([[[5.0]]], dict(kernel_size=2, stride=1, padding=1, dilation=2)),  # a window with no in-image tap
    ([[[float("-inf"), float("-inf"), 3.0]]], dict(kernel_size=2, stride=1, padding=1)),  # all -inf windows
    ([[[1.0, 2.0, 3.0, 4.0, 5.0]]], dict(kernel_size=3, stride=2, padding=1, dilation=2)),
], ids=["no-in-image-tap", "all-minus-inf", "dilated"])
def test_max_pool_lowest_value_windows_match_torch(backend, data, kw):
    """PyTorch points a window whose maximum is -inf at its first in-image tap (past the plane when it has
    none) and gives that window no gradient; every backend must agree, without a NumPy error in backward."""
    import torch
    t = torch.tensor(data, requires_grad=True)
    ty, ti = torch.nn.functional.max_pool1d(t, **kw, return_indices=True)
    ty.sum().backward()
    e = ember.tensor(data, device=backend, requires_grad=True)
    ey, ei = F.max_pool1d(e, **kw, return_indices=True)
    ey.sum().backward()
    assert ey.tolist() == ty.tolist() and ei.tolist() == ti.tolist()
    assert e.grad.tolist() == t.grad.tolist()
