"""Convolution layers and functionals against PyTorch: forward, input / weight / bias gradients in
float32 and float64, groups, dilation, stride, padding strings and modes, transposed convolutions,
initialisation, reprs, errors, double backward and the primitives-only decomposition path."""
from __future__ import annotations

import math
import re

import ember
import ember.nn.functional as F
import numpy as np
import pytest
import torch
from ember import nn

TOL = {"float32": 1e-4, "float64": 1e-10}


def close(e, t, dtype="float32"):
    e = e.detach().numpy() if isinstance(e, ember.Tensor) else np.asarray(e)
    t = t.detach().numpy() if isinstance(t, torch.Tensor) else np.asarray(t)
    np.testing.assert_allclose(e, t, rtol=TOL[dtype], atol=TOL[dtype])


def copy_state(tmod, emod):
    emod.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in tmod.state_dict().items()})


def run_both(tmod, emod, x, dtype, rng, **fwd):
    """Forward + backward through both modules; compares output, input grad and parameter grads."""
    tmod, emod = tmod.to(getattr(torch, dtype)), emod.to(getattr(ember, dtype))
    copy_state(tmod, emod)
    x = x.astype(dtype)
    tx, ex = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    to, eo = tmod(tx, **fwd), emod(ex, **fwd)
    assert tuple(eo.shape) == tuple(to.shape)
    assert eo.dtype == getattr(ember, dtype)
    close(eo, to, dtype)
    g = rng.standard_normal(tuple(to.shape)).astype(dtype)
    to.backward(torch.tensor(g))
    eo.backward(ember.tensor(g))
    close(ex.grad, tx.grad, dtype)
    tp, ep = dict(tmod.named_parameters()), dict(emod.named_parameters())
    assert list(tp) == list(ep)
    for name, p in tp.items():
        close(ep[name].grad, p.grad, dtype)


@pytest.fixture
def rng():
    return np.random.default_rng(0)


CONV_CASES = [
    (1, {"in_channels": 4, "out_channels": 6, "kernel_size": 3}, (2, 4, 9)),
    (1, {"in_channels": 4, "out_channels": 6, "kernel_size": 3, "stride": 2, "padding": 2, "dilation": 2, "groups": 2}, (2, 4, 11)),
    (1, {"in_channels": 3, "out_channels": 2, "kernel_size": 4, "padding": "same", "bias": False}, (3, 10)),
    (2, {"in_channels": 3, "out_channels": 8, "kernel_size": 3, "padding": 1}, (2, 3, 8, 7)),
    (2, {"in_channels": 4, "out_channels": 8, "kernel_size": (3, 2), "stride": (2, 1), "dilation": (1, 2), "groups": 4},
     (2, 4, 9, 8)),
    (2, {"in_channels": 3, "out_channels": 4, "kernel_size": 3, "padding": 1, "padding_mode": "reflect"}, (2, 3, 6, 5)),
    (2, {"in_channels": 3, "out_channels": 4, "kernel_size": (2, 3), "padding": (1, 2), "padding_mode": "replicate"},
     (1, 3, 5, 5)),
    (2, {"in_channels": 3, "out_channels": 4, "kernel_size": 3, "padding": 2, "padding_mode": "circular"}, (2, 3, 6, 5)),
    (2, {"in_channels": 2, "out_channels": 4, "kernel_size": (4, 3), "padding": "same", "dilation": (1, 2)}, (2, 2, 7, 8)),
    (2, {"in_channels": 2, "out_channels": 4, "kernel_size": 3, "padding": "valid"}, (2, 6, 6)),
    (3, {"in_channels": 2, "out_channels": 4, "kernel_size": (2, 3, 2), "stride": (1, 2, 1), "padding": 1}, (2, 2, 4, 5, 4)),
    (3, {"in_channels": 4, "out_channels": 4, "kernel_size": 2, "groups": 2, "dilation": 2, "padding_mode": "circular",
             "padding": 1}, (1, 4, 4, 5, 4)),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("d, kw, shape", CONV_CASES)
def test_conv_modules_match_torch(d, kw, shape, dtype, rng):
    cls = f"Conv{d}d"
    run_both(getattr(torch.nn, cls)(**kw), getattr(nn, cls)(**kw), rng.standard_normal(shape), dtype, rng)


CONVT_CASES = [
    (1, {"in_channels": 4, "out_channels": 6, "kernel_size": 3, "stride": 2, "padding": 1, "output_padding": 1}, (2, 4, 5)),
    (1, {"in_channels": 4, "out_channels": 6, "kernel_size": 2, "groups": 2, "dilation": 3, "stride": 3, "output_padding": 2},
     (2, 4, 4)),
    (2, {"in_channels": 3, "out_channels": 4, "kernel_size": (3, 2), "stride": 2, "padding": (1, 0), "output_padding": (1, 0)},
     (2, 3, 4, 5)),
    (2, {"in_channels": 4, "out_channels": 2, "kernel_size": 3, "groups": 2, "dilation": (2, 1), "bias": False}, (4, 3, 3)),
    (3, {"in_channels": 2, "out_channels": 3, "kernel_size": 2, "stride": (2, 1, 2), "padding": (0, 1, 0)}, (1, 2, 3, 3, 2)),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("d, kw, shape", CONVT_CASES)
def test_conv_transpose_modules_match_torch(d, kw, shape, dtype, rng):
    cls = f"ConvTranspose{d}d"
    run_both(getattr(torch.nn, cls)(**kw), getattr(nn, cls)(**kw), rng.standard_normal(shape), dtype, rng)


def test_conv_transpose_output_size(rng):
    kw = {"in_channels": 3, "out_channels": 2, "kernel_size": 3, "stride": 2, "padding": 1}
    x = rng.standard_normal((1, 3, 4, 4))
    run_both(torch.nn.ConvTranspose2d(**kw), nn.ConvTranspose2d(**kw), x, "float64", rng, output_size=[8, 8])
    m = nn.ConvTranspose2d(**kw)
    with pytest.raises(ValueError, match="requested an output size of"):
        m(ember.tensor(x, dtype=ember.float32), output_size=[10, 10])


@pytest.mark.parametrize("d", [1, 2, 3])
def test_functional_conv_and_transpose_with_bias(d, rng):
    x = rng.standard_normal((2, 4) + (5,) * d)
    w = rng.standard_normal((6, 2) + (2,) * d)
    b = rng.standard_normal(6)
    te = [ember.tensor(a, requires_grad=True) for a in (x, w, b)]
    tt = [torch.tensor(a, requires_grad=True) for a in (x, w, b)]
    eo = getattr(F, f"conv{d}d")(*te, stride=2, padding=1, dilation=1, groups=2)
    to = getattr(torch.nn.functional, f"conv{d}d")(*tt, stride=2, padding=1, dilation=1, groups=2)
    close(eo, to, "float64")
    eo.sum().backward()
    to.sum().backward()
    for a, c in zip(te, tt):
        close(a.grad, c.grad, "float64")
    wt = rng.standard_normal((4, 3) + (3,) * d)
    bt = rng.standard_normal(6)
    eo = getattr(F, f"conv_transpose{d}d")(ember.tensor(x), ember.tensor(wt), ember.tensor(bt), 2, 1, 1, 2)
    to = getattr(torch.nn.functional, f"conv_transpose{d}d")(torch.tensor(x), torch.tensor(wt), torch.tensor(bt),
                                                             2, 1, 1, 2)
    close(eo, to, "float64")


def test_float32_stays_float32_and_half_runs(rng):
    x = ember.tensor(rng.standard_normal((1, 2, 5, 5)), dtype=ember.float32)
    w = ember.tensor(rng.standard_normal((3, 2, 3, 3)), dtype=ember.float32)
    assert F.conv2d(x, w).dtype == ember.float32
    for dt in (ember.float16, ember.bfloat16):
        out = F.conv2d(x.to(dt), w.to(dt))
        assert out.dtype == dt
        ref = F.conv2d(x.to(dt).float(), w.to(dt).float())
        np.testing.assert_allclose(out.float().numpy(), ref.numpy(), rtol=2e-2, atol=5e-2)


def test_double_backward_matches_torch(rng):
    x, w = rng.standard_normal((2, 4, 6, 5)), rng.standard_normal((4, 2, 3, 2))
    ex, ew = ember.tensor(x, requires_grad=True), ember.tensor(w, requires_grad=True)
    tx, tw = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    results = []
    for X, W, mod, lib in ((ex, ew, F, ember), (tx, tw, torch.nn.functional, torch)):
        out = mod.conv2d(X, W, stride=(2, 1), padding=1, dilation=(1, 2), groups=2)
        gx, gw = lib.autograd.grad((out ** 2).sum(), (X, W), create_graph=True)
        ((gx ** 2).sum() + (gw * gw.sin()).sum()).backward()
        results.append((X.grad, W.grad))
    close(results[0][0], results[1][0], "float64")
    close(results[0][1], results[1][1], "float64")


def test_gradcheck_conv_transpose_and_backward_ops(rng):
    x = ember.tensor(rng.standard_normal((1, 4, 3, 4)), requires_grad=True)
    w = ember.tensor(rng.standard_normal((4, 1, 2, 3)), requires_grad=True)

    def f(x, w):
        return F.conv_transpose2d(x, w, stride=(2, 1), padding=(0, 1), output_padding=(1, 0), groups=2,
                                  dilation=(1, 2))
    assert ember.autograd.gradcheck(f, (x, w))
    assert ember.autograd.gradgradcheck(f, (x, w))


@pytest.mark.parametrize("names", [("conv",), ("conv_backward_input",), ("conv_backward_weight",),
                                   ("conv", "conv_backward_input", "conv_backward_weight")])
def test_decompositions_run_without_kernels(names, rng, monkeypatch):
    """A backend with only primitives runs every convolution (forward and backward) via decompositions."""
    monkeypatch.delenv("EMBER_STRICT", raising=False)
    x, w, b = rng.standard_normal((2, 4, 7, 6)), rng.standard_normal((6, 2, 3, 2)), rng.standard_normal(6)
    expected = []
    for use_kernel in (True, False):
        if not use_kernel:
            table = ember.zeros(1)._backend.table
            for name in names:
                monkeypatch.delitem(table, name)
        te = [ember.tensor(a, requires_grad=True) for a in (x, w, b)]
        out = F.conv2d(*te, stride=(2, 1), padding=(1, 2), dilation=(1, 2), groups=2)
        ot = F.conv_transpose2d(out, te[1], stride=(2, 1), padding=(1, 2), dilation=(1, 2), groups=2,
                                output_padding=(1, 0))
        (out.sin().sum() + ot.cos().sum()).backward()
        expected.append([out.detach().numpy(), ot.detach().numpy()] + [t.grad.numpy() for t in te])
    for a, c in zip(*expected):
        np.testing.assert_allclose(a, c, rtol=1e-10, atol=1e-10)


def test_same_padding_uses_asymmetric_pad(rng):
    x, w = rng.standard_normal((1, 2, 6, 7)), rng.standard_normal((3, 2, 4, 2))
    eo = F.conv2d(ember.tensor(x), ember.tensor(w), padding="same", dilation=(1, 3))
    to = torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(w), padding="same", dilation=(1, 3))
    assert tuple(eo.shape) == (1, 3, 6, 7)
    close(eo, to, "float64")


def test_init_matches_torch_distribution():
    ember.manual_seed(0)
    m = nn.Conv2d(8, 16, 3)
    assert tuple(m.weight.shape) == (16, 8, 3, 3) and tuple(m.bias.shape) == (16,)
    bound = 1 / math.sqrt(8 * 9)
    w = m.weight.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.9 * bound
    assert np.abs(m.bias.detach().numpy()).max() <= bound
    t = nn.ConvTranspose2d(8, 4, 3, groups=2)
    assert tuple(t.weight.shape) == (8, 2, 3, 3)
    tb = 1 / math.sqrt(2 * 9)  # fan_in of a transposed weight is its dim 1 * receptive field
    assert np.abs(t.weight.detach().numpy()).max() <= tb
    assert m.weight.requires_grad and isinstance(m.weight, nn.Parameter)


@pytest.mark.parametrize("ctor", [
    lambda lib: lib.nn.Conv2d(3, 16, 3, padding=1),
    lambda lib: lib.nn.Conv1d(4, 8, 3, stride=2, padding=1, dilation=2, groups=2, bias=False, padding_mode="reflect"),
    lambda lib: lib.nn.Conv3d(2, 4, (1, 2, 3)),
    lambda lib: lib.nn.Conv2d(2, 4, 3, padding="same"),
    lambda lib: lib.nn.ConvTranspose2d(4, 8, 3, 2, 1, output_padding=1, groups=2),
    lambda lib: lib.nn.ConvTranspose1d(4, 8, 3, dilation=2),
])
def test_repr_matches_torch(ctor):
    assert repr(ctor(ember)) == repr(ctor(torch))


def test_state_dict_keys_and_shapes():
    e, t = nn.Conv2d(3, 6, (2, 3), groups=3), torch.nn.Conv2d(3, 6, (2, 3), groups=3)
    assert list(e.state_dict()) == list(t.state_dict())
    assert [tuple(v.shape) for v in e.state_dict().values()] == [tuple(v.shape) for v in t.state_dict().values()]
    e = nn.Conv1d(3, 6, 2, bias=False)
    assert e.bias is None and list(e.state_dict()) == ["weight"]


ERRORS = [
    (lambda lib: lib.nn.functional.conv2d(lib.ones(2, 3), lib.ones(16, 3, 3, 3)), RuntimeError),
    (lambda lib: lib.nn.functional.conv2d(lib.ones(1, 4, 8, 8), lib.ones(16, 3, 3, 3)), RuntimeError),
    (lambda lib: lib.nn.functional.conv2d(lib.ones(1, 3, 2, 2), lib.ones(16, 3, 3, 3)), RuntimeError),
    (lambda lib: lib.nn.functional.conv2d(lib.ones(1, 4, 5, 5), lib.ones(3, 2, 3, 3), groups=2), RuntimeError),
    (lambda lib: lib.nn.functional.conv2d(lib.ones(1, 4, 5, 5), lib.ones(4, 4, 3, 3), padding="foo"), RuntimeError),
    (lambda lib: lib.nn.functional.conv2d(lib.ones(1, 4, 5, 5), lib.ones(4, 4, 3, 3), stride=0), RuntimeError),
    (lambda lib: lib.nn.functional.conv2d(lib.ones(1, 4, 5, 5), lib.ones(4, 4, 3, 3), padding=-1), RuntimeError),
    (lambda lib: lib.nn.functional.conv2d(lib.ones(1, 4, 5, 5), lib.ones(4, 4, 3, 3), stride=(1, 1, 1)),
     RuntimeError),
    (lambda lib: lib.nn.functional.conv2d(lib.ones(1, 4, 5, 5), lib.ones(4, 4, 3, 3), lib.ones(5)), RuntimeError),
    (lambda lib: lib.nn.functional.conv2d(lib.ones(1, 4, 5, 5, dtype=lib.float64), lib.ones(4, 4, 3, 3)),
     RuntimeError),
    (lambda lib: lib.nn.functional.conv_transpose2d(lib.ones(1, 3, 5, 5), lib.ones(4, 4, 3, 3)), RuntimeError),
    (lambda lib: lib.nn.functional.conv_transpose2d(lib.ones(1, 4, 5, 5), lib.ones(4, 4, 3, 3), output_padding=1),
     RuntimeError),
    (lambda lib: lib.nn.Conv2d(3, 4, 3, groups=2), ValueError),
    (lambda lib: lib.nn.Conv2d(4, 3, 3, groups=2), ValueError),
    (lambda lib: lib.nn.Conv2d(4, 4, 3, padding="foo"), ValueError),
    (lambda lib: lib.nn.Conv2d(4, 4, 3, padding="same", stride=2), ValueError),
    (lambda lib: lib.nn.Conv2d(4, 4, 3, padding_mode="bogus"), ValueError),
    (lambda lib: lib.nn.ConvTranspose2d(4, 4, 3, padding_mode="reflect"), ValueError),
]


@pytest.mark.parametrize("fn, exc", ERRORS)
def test_errors_match_torch(fn, exc):
    with pytest.raises(exc) as te:
        fn(torch)
    with pytest.raises(exc) as ee:
        fn(ember)
    # sets in messages ({'zeros', 'reflect', ...}) print in hash order: compare them as sets
    def norm(msg):
        return re.sub(r"\{[^}]*\}", lambda m: str(sorted(m.group(0)[1:-1].split(", "))), msg)
    assert norm(str(ee.value).replace("ember.", "torch.")) == norm(str(te.value))


@pytest.mark.parametrize("ctor, shape", [
    (lambda lib: lib.nn.LazyConv2d(8, 3, padding=1), (2, 3, 5, 5)),
    (lambda lib: lib.nn.LazyConv1d(4, 2, groups=2, bias=False), (2, 6, 5)),
    (lambda lib: lib.nn.LazyConv3d(2, 2), (3, 4, 4, 4)),
    (lambda lib: lib.nn.LazyConvTranspose1d(4, 3, 2, groups=2), (2, 6, 5)),
    (lambda lib: lib.nn.LazyConvTranspose2d(3, 2, stride=2, output_padding=1), (1, 2, 3, 3)),
    (lambda lib: lib.nn.LazyConvTranspose3d(2, 2), (1, 2, 3, 3, 3)),
])
def test_lazy_convs_materialize_like_torch(ctor, shape, rng):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        em, tm = ctor(ember), ctor(torch)
    assert em.has_uninitialized_params()
    x = rng.standard_normal(shape)
    eo, to = em(ember.tensor(x, dtype=ember.float32)), tm(torch.tensor(x, dtype=torch.float32))
    assert type(em).__name__ == type(tm).__name__
    assert repr(em) == repr(tm)
    assert [(n, tuple(p.shape)) for n, p in em.named_parameters()] == \
        [(n, tuple(p.shape)) for n, p in tm.named_parameters()]
    copy_state(tm, em)
    close(em(ember.tensor(x, dtype=ember.float32)), tm(torch.tensor(x, dtype=torch.float32)))
    assert tuple(eo.shape) == tuple(to.shape)


def test_conv_tbc(rng):
    x, w, b = rng.standard_normal((5, 2, 3)), rng.standard_normal((3, 3, 6)), rng.standard_normal(6)
    te = [ember.tensor(a, requires_grad=True) for a in (x, w, b)]
    tt = [torch.tensor(a, requires_grad=True) for a in (x, w, b)]
    eo, to = F.conv_tbc(*te, 1), torch.nn.functional.conv_tbc(*tt, 1)
    close(eo, to, "float64")
    eo.sum().backward()
    to.sum().backward()
    for a, c in zip(te, tt):
        close(a.grad, c.grad, "float64")
    with pytest.raises(RuntimeError, match="input channels"):
        F.conv_tbc(te[0], ember.ones(3, 4, 6, dtype=ember.float64), te[2])


def test_small_cnn_training_steps_match_torch(rng):
    """Conv + pooling + padding modules inside a Sequential: a few SGD steps track PyTorch."""
    def build(lib):
        return lib.nn.Sequential(
            lib.nn.Conv2d(3, 6, 3, padding=1, padding_mode="reflect"), lib.nn.ReLU(), lib.nn.MaxPool2d(2),
            lib.nn.Conv2d(6, 8, 3, stride=1, groups=2), lib.nn.ReLU(), lib.nn.AdaptiveAvgPool2d(2),
            lib.nn.Flatten(), lib.nn.Linear(32, 5))
    tm, em = build(torch), build(ember)
    copy_state(tm, em)
    x = rng.standard_normal((4, 3, 10, 10)).astype("float32")
    y = rng.integers(0, 5, 4)
    for _ in range(3):
        tl = torch.nn.functional.cross_entropy(tm(torch.tensor(x)), torch.tensor(y))
        el = F.cross_entropy(em(ember.tensor(x)), ember.tensor(y))
        close(el, tl)
        tm.zero_grad()
        em.zero_grad()
        tl.backward()
        el.backward()
        with torch.no_grad():
            for p in tm.parameters():
                p -= 0.1 * p.grad
        with ember.no_grad():
            for p in em.parameters():
                p -= 0.1 * p.grad
    for (n, tp), (_, ep) in zip(tm.named_parameters(), em.named_parameters()):
        close(ep, tp)
