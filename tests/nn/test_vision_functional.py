"""Vision functionals and layers against PyTorch: pad (every mode, 1-3 dims, negative amounts),
interpolate (nearest, nearest-exact, linear, bilinear, bicubic, trilinear, area; align_corners,
scale factors), grid_sample, affine_grid, pixel / channel shuffles, fold / unfold; values, gradients,
reprs and errors."""
from __future__ import annotations

import warnings

import ember
import ember.nn.functional as F
import numpy as np
import pytest
import torch
from ember import nn

TOL = {"float32": 1e-5, "float64": 1e-12}


def close(e, t, dtype="float64"):
    e = e.detach().numpy() if isinstance(e, ember.Tensor) else np.asarray(e)
    t = t.detach().numpy() if isinstance(t, torch.Tensor) else np.asarray(t)
    np.testing.assert_allclose(e, t, rtol=TOL[dtype], atol=TOL[dtype])


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def compare(fe, ft, arrays, rng, dtype="float64"):
    """fe(*ember tensors) vs ft(*torch tensors): value, dtype and gradients of every float input."""
    arrays = [a.astype(dtype) if a.dtype.kind == "f" else a for a in arrays]
    te = [ember.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
    tt = [torch.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        eo, to = fe(*te), ft(*tt)
    assert tuple(eo.shape) == tuple(to.shape)
    assert eo.dtype == getattr(ember, dtype)
    close(eo, to, dtype)
    g = rng.standard_normal(tuple(to.shape)).astype(dtype)
    eo.backward(ember.tensor(g))
    to.backward(torch.tensor(g))
    for a, b in zip(te, tt):
        if a.requires_grad and a.grad is not None:
            close(a.grad, b.grad, dtype)


PAD_CASES = [
    ((2, 3, 5, 6), (2, 1, 1, 3), "constant", None),
    ((2, 3, 5, 6), (-2, 1, 1, -3), "constant", 2.5),
    ((2, 3, 5), (1, 2, 0, 1, 1, 0), "constant", -1.0),
    ((2, 3, 5, 6), (2, 1, 1, 3), "reflect", None),
    ((3, 5), (4, 2), "reflect", None),
    ((1, 2, 3, 4, 5), (1, 2, 2, 1, 1, 0), "reflect", None),
    ((2, 3, 5, 6), (2, 1, 1, 3), "replicate", None),
    ((1, 2, 3, 4, 5), (1, 1, 1, 1, 1, 1), "replicate", None),
    ((2, 3, 5, 6), (2, 1, 5, 3), "circular", None),
    ((2, 3, 5), (-1, 2), "circular", None),
    ((2, 4, 3, 4, 5), (1, 2, 2, 1, 1, 3), "circular", None),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape, pad, mode, value", PAD_CASES)
def test_pad(shape, pad, mode, value, dtype, rng):
    compare(lambda x: F.pad(x, pad, mode=mode, value=value),
            lambda x: torch.nn.functional.pad(x, pad, mode=mode, value=value),
            [rng.standard_normal(shape)], rng, dtype)


def test_pad_integer_constant():
    x = np.arange(6).reshape(2, 3)
    np.testing.assert_array_equal(F.pad(ember.tensor(x), (1, 1), value=7).numpy(),
                                  torch.nn.functional.pad(torch.tensor(x), (1, 1), value=7).numpy())


INTERP_CASES = [
    ((2, 3, 5, 6), {"size": (7, 4), "mode": "nearest"}),
    ((2, 3, 5, 6), {"scale_factor": 1.7, "mode": "nearest"}),
    ((2, 3, 5, 6), {"scale_factor": (2, 0.5), "mode": "nearest"}),
    ((2, 3, 5, 6), {"size": (7, 4), "mode": "nearest-exact"}),
    ((2, 3, 5), {"size": 11, "mode": "nearest"}),
    ((1, 2, 3, 4, 5), {"scale_factor": 2, "mode": "nearest"}),
    ((2, 3, 5), {"scale_factor": 2.3, "mode": "linear"}),
    ((2, 3, 5), {"size": 3, "mode": "linear", "align_corners": True}),
    ((2, 3, 5, 6), {"size": (7, 11), "mode": "bilinear"}),
    ((2, 3, 5, 6), {"size": (7, 11), "mode": "bilinear", "align_corners": True}),
    ((2, 3, 5, 6), {"scale_factor": (1.5, 0.6), "mode": "bilinear"}),
    ((2, 3, 5, 6), {"scale_factor": 1.5, "mode": "bilinear", "recompute_scale_factor": True}),
    ((2, 3, 5, 6), {"size": (7, 11), "mode": "bicubic"}),
    ((2, 3, 5, 6), {"size": (3, 11), "mode": "bicubic", "align_corners": True}),
    ((1, 2, 3, 4, 5), {"size": (3, 5, 2), "mode": "trilinear", "align_corners": True}),
    ((1, 2, 3, 4, 5), {"scale_factor": 1.5, "mode": "trilinear"}),
    ((2, 3, 7, 6), {"size": (3, 4), "mode": "area"}),
    ((2, 3, 7), {"size": 3, "mode": "area"}),
    ((2, 3, 13, 17), {"size": (5, 7), "mode": "bilinear", "antialias": True}),
    ((2, 3, 13, 17), {"scale_factor": (0.5, 2.5), "mode": "bilinear", "antialias": True, "align_corners": True}),
    ((2, 3, 13, 17), {"size": (20, 9), "mode": "bicubic", "antialias": True}),
    ((2, 3, 13, 17), {"scale_factor": 0.37, "mode": "bicubic", "antialias": True}),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape, kw", INTERP_CASES)
def test_interpolate(shape, kw, dtype, rng):
    compare(lambda x: F.interpolate(x, **kw), lambda x: torch.nn.functional.interpolate(x, **kw),
            [rng.standard_normal(shape)], rng, dtype)


@pytest.mark.parametrize("mode", ["bilinear", "nearest", "bicubic"])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align_corners", [False, True])
def test_grid_sample(mode, padding_mode, align_corners, rng):
    x = rng.standard_normal((2, 3, 5, 6))
    grid = rng.uniform(-1.3, 1.3, (2, 4, 3, 2))
    compare(lambda a, g: F.grid_sample(a, g, mode, padding_mode, align_corners),
            lambda a, g: torch.nn.functional.grid_sample(a, g, mode, padding_mode, align_corners),
            [x, grid], rng)


@pytest.mark.parametrize("align_corners", [False, True])
def test_affine_grid_and_sampling_pipeline(align_corners, rng):
    compare(lambda t: F.affine_grid(t, (2, 3, 4, 5), align_corners),
            lambda t: torch.nn.functional.affine_grid(t, (2, 3, 4, 5), align_corners),
            [rng.standard_normal((2, 2, 3))], rng)
    compare(lambda t: F.affine_grid(t, (2, 3, 4, 5, 2), align_corners),
            lambda t: torch.nn.functional.affine_grid(t, (2, 3, 4, 5, 2), align_corners),
            [rng.standard_normal((2, 3, 4))], rng)
    x = rng.standard_normal((2, 3, 5, 5))
    theta = np.array([[[0.9, -0.2, 0.1], [0.3, 1.1, -0.1]]] * 2)
    compare(lambda a, t: F.grid_sample(a, F.affine_grid(t, (2, 3, 4, 4), align_corners), align_corners=align_corners),
            lambda a, t: torch.nn.functional.grid_sample(a, torch.nn.functional.affine_grid(t, (2, 3, 4, 4),
                                                                                             align_corners),
                                                         align_corners=align_corners),
            [x, theta], rng)


def test_shuffles(rng):
    compare(lambda x: F.pixel_shuffle(x, 2), lambda x: torch.nn.functional.pixel_shuffle(x, 2),
            [rng.standard_normal((2, 8, 3, 4))], rng)
    compare(lambda x: F.pixel_shuffle(x, 3), lambda x: torch.nn.functional.pixel_shuffle(x, 3),
            [rng.standard_normal((2, 2, 9, 2, 2))], rng)
    compare(lambda x: F.pixel_unshuffle(x, 2), lambda x: torch.nn.functional.pixel_unshuffle(x, 2),
            [rng.standard_normal((2, 3, 4, 6))], rng)
    compare(lambda x: F.channel_shuffle(x, 3), lambda x: torch.nn.functional.channel_shuffle(x, 3),
            [rng.standard_normal((2, 6, 4, 2))], rng)


@pytest.mark.parametrize("kw", [{"kernel_size": (2, 3), "dilation": (1, 2), "padding": 1, "stride": (2, 1)},
                                {"kernel_size": 2}, {"kernel_size": 3, "padding": 1, "stride": 2}])
def test_fold_unfold(kw, rng):
    x = rng.standard_normal((2, 3, 5, 6))
    compare(lambda a: F.unfold(a, **kw), lambda a: torch.nn.functional.unfold(a, **kw), [x], rng)
    cols = torch.nn.functional.unfold(torch.tensor(x), **kw).numpy()
    cols = rng.standard_normal(cols.shape)
    compare(lambda c: F.fold(c, (5, 6), **kw), lambda c: torch.nn.functional.fold(c, (5, 6), **kw), [cols], rng)
    compare(lambda c: F.fold(c, (5, 6), **kw), lambda c: torch.nn.functional.fold(c, (5, 6), **kw), [cols[0]], rng)


def test_modules_match_torch(rng):
    x = rng.standard_normal((2, 4, 6, 6))
    x3 = rng.standard_normal((1, 2, 3, 4, 5))
    x1 = rng.standard_normal((2, 3, 6))
    cases = [
        (lambda lib: lib.nn.ZeroPad2d((1, 2, 0, 1)), x), (lambda lib: lib.nn.ZeroPad1d(2), x1),
        (lambda lib: lib.nn.ZeroPad3d(1), x3), (lambda lib: lib.nn.ConstantPad1d((1, 2), 3.5), x1),
        (lambda lib: lib.nn.ConstantPad2d(1, -1.0), x), (lambda lib: lib.nn.ConstantPad3d((1, 0, 0, 1, 2, 0), 2.0), x3),
        (lambda lib: lib.nn.ReflectionPad1d((2, 1)), x1), (lambda lib: lib.nn.ReflectionPad2d(2), x),
        (lambda lib: lib.nn.ReflectionPad3d(1), x3), (lambda lib: lib.nn.ReplicationPad1d(3), x1),
        (lambda lib: lib.nn.ReplicationPad2d((1, 0, 2, 3)), x), (lambda lib: lib.nn.ReplicationPad3d(2), x3),
        (lambda lib: lib.nn.CircularPad1d(2), x1), (lambda lib: lib.nn.CircularPad2d((1, 2, 3, 0)), x),
        (lambda lib: lib.nn.CircularPad3d(1), x3),
        (lambda lib: lib.nn.Upsample(scale_factor=2, mode="nearest"), x),
        (lambda lib: lib.nn.Upsample(size=(5, 9), mode="bilinear", align_corners=False), x),
        (lambda lib: lib.nn.Upsample(scale_factor=(1.5, 2.0), mode="bicubic"), x),
        (lambda lib: lib.nn.UpsamplingNearest2d(size=9), x), (lambda lib: lib.nn.UpsamplingBilinear2d(scale_factor=2), x),
        (lambda lib: lib.nn.PixelShuffle(2), x), (lambda lib: lib.nn.PixelUnshuffle(3), x),
        (lambda lib: lib.nn.ChannelShuffle(2), x),
        (lambda lib: lib.nn.Unfold(3, padding=1, stride=2), x),
    ]
    for ctor, inp in cases:
        em, tm = ctor(ember), ctor(torch)
        assert repr(em) == repr(tm)
        close(em(ember.tensor(inp)), tm(torch.tensor(inp)))
    em, tm = nn.Fold((4, 5), 2), torch.nn.Fold((4, 5), 2)
    assert repr(em) == repr(tm)
    cols = rng.standard_normal((2, 8, 12))
    close(em(ember.tensor(cols)), tm(torch.tensor(cols)))


def test_deprecated_upsample_functions_warn(rng):
    x = rng.standard_normal((1, 2, 3, 3))
    for name, kw in (("upsample", {"scale_factor": 2}), ("upsample_nearest", {"size": 5}),
                     ("upsample_bilinear", {"size": 5})):
        with pytest.warns(UserWarning, match="deprecated"):
            eo = getattr(F, name)(ember.tensor(x), **kw)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            to = getattr(torch.nn.functional, name)(torch.tensor(x), **kw)
        close(eo, to)


ERRORS = [
    (lambda lib: lib.nn.functional.pad(lib.ones(1, 4, 5), (6, 6), mode="reflect"), RuntimeError),
    (lambda lib: lib.nn.functional.pad(lib.ones(5), (1, 1), mode="replicate"), NotImplementedError),
    (lambda lib: lib.nn.functional.pad(lib.ones(1, 4, 5), (1,)), RuntimeError),
    (lambda lib: lib.nn.functional.pad(lib.ones(1, 4, 5), (1, 1) * 4), RuntimeError),
    (lambda lib: lib.nn.functional.pad(lib.ones(1, 4, 5), (1, 1), mode="foo"), NotImplementedError),
    (lambda lib: lib.nn.functional.pad(lib.ones(1, 4, 5), (6, 1), mode="circular"), RuntimeError),
    (lambda lib: lib.nn.functional.pad(lib.ones(1, 4, 5), (1, 1), mode="reflect", value=2.0), RuntimeError),
    (lambda lib: lib.nn.functional.interpolate(lib.ones(1, 4, 5), size=3, mode="bilinear"), NotImplementedError),
    (lambda lib: lib.nn.functional.interpolate(lib.ones(1, 4, 5), size=3, scale_factor=2), ValueError),
    (lambda lib: lib.nn.functional.interpolate(lib.ones(1, 4, 5)), ValueError),
    (lambda lib: lib.nn.functional.interpolate(lib.ones(1, 4, 5), size=3, align_corners=True), ValueError),
    (lambda lib: lib.nn.functional.interpolate(lib.ones(1, 4, 5), size=(3, 3)), ValueError),
    (lambda lib: lib.nn.functional.interpolate(lib.ones(1, 4, 5), size=3, mode="foo"), NotImplementedError),
    (lambda lib: lib.nn.functional.grid_sample(lib.ones(1, 4, 5, 5), lib.ones(2, 3, 3, 2), align_corners=False),
     RuntimeError),
    (lambda lib: lib.nn.functional.grid_sample(lib.ones(1, 4, 5, 5), lib.ones(1, 3, 3, 2), mode="foo"), ValueError),
    (lambda lib: lib.nn.functional.affine_grid(lib.ones(1, 3, 3), (1, 1, 4, 4), align_corners=False), ValueError),
    (lambda lib: lib.nn.functional.pixel_shuffle(lib.ones(1, 5, 2, 2), 2), RuntimeError),
    (lambda lib: lib.nn.functional.pixel_unshuffle(lib.ones(1, 5, 3, 2), 2), RuntimeError),
    (lambda lib: lib.nn.functional.channel_shuffle(lib.ones(1, 5, 3, 2), 2), RuntimeError),
    (lambda lib: lib.nn.functional.fold(lib.ones(1, 5, 3), (4, 4), 2), RuntimeError),
]


@pytest.mark.parametrize("fn, exc", ERRORS)
def test_errors_match_torch(fn, exc):
    with pytest.raises(exc) as te:
        fn(torch)
    with pytest.raises(exc) as ee:
        fn(ember)
    assert str(ee.value).replace("ember.", "torch.") == str(te.value)


@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align_corners", [False, True])
def test_grid_sample_volumetric(mode, padding_mode, align_corners, rng):
    x = rng.standard_normal((2, 3, 4, 5, 6))
    grid = rng.uniform(-1.2, 1.2, (2, 3, 2, 4, 3))
    compare(lambda a, g: F.grid_sample(a, g, mode, padding_mode, align_corners),
            lambda a, g: torch.nn.functional.grid_sample(a, g, mode, padding_mode, align_corners),
            [x, grid], rng)


def test_grid_sample_shape_errors_match_torch():
    for inp, grid in (((1, 4, 5, 5), (1, 3, 3, 3, 3)), ((1, 4, 5, 5), (2, 3, 3, 2))):
        with pytest.raises(RuntimeError) as te:
            torch.nn.functional.grid_sample(torch.ones(inp), torch.ones(grid), align_corners=False)
        with pytest.raises(RuntimeError) as ee:
            F.grid_sample(ember.ones(inp), ember.ones(grid), align_corners=False)
        assert str(ee.value) == str(te.value)
