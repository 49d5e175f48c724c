"""Linear, Bilinear, LazyLinear, Identity, Flatten, Unflatten and F.linear / F.bilinear against torch."""
import math
import warnings

import numpy as np
import pytest
import torch

import ember

RNG = np.random.default_rng(0)
TOL = {"float32": dict(rtol=1e-4, atol=1e-5), "float64": dict(rtol=1e-10, atol=1e-12)}


def _np(t):
    return t.detach().numpy() if isinstance(t, torch.Tensor) else t.detach().numpy()


def _pair(tmod, emod):
    emod.load_state_dict({k: ember.tensor(_np(v)) for k, v in tmod.state_dict().items()})
    return tmod, emod


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", [(5, 3), (3,), (2, 4, 3), (2, 1, 2, 3), (0, 3)])
@pytest.mark.parametrize("bias", [True, False])
def test_linear_forward_backward_match_torch(dtype, shape, bias):
    t, e = _pair(torch.nn.Linear(3, 4, bias=bias, dtype=getattr(torch, dtype)),
                 ember.nn.Linear(3, 4, bias=bias, dtype=getattr(ember, dtype)))
    x = RNG.standard_normal(shape).astype(dtype)
    tx, ex = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    ty, ey = t(tx), e(ex)
    assert ey.shape == ty.shape and ey.dtype.name == dtype
    np.testing.assert_allclose(_np(ey), _np(ty), **TOL[dtype])
    g = RNG.standard_normal(tuple(ty.shape)).astype(dtype)
    ty.backward(torch.tensor(g))
    ey.backward(ember.tensor(g))
    np.testing.assert_allclose(_np(ex.grad), _np(tx.grad), **TOL[dtype])
    np.testing.assert_allclose(_np(e.weight.grad), _np(t.weight.grad), **TOL[dtype])
    if bias:
        np.testing.assert_allclose(_np(e.bias.grad), _np(t.bias.grad), **TOL[dtype])


def test_linear_double_backward_through_functional():
    w = ember.randn(2, 3, dtype=ember.float64, requires_grad=True)
    b = ember.randn(2, dtype=ember.float64, requires_grad=True)
    x = ember.randn(4, 3, dtype=ember.float64, requires_grad=True)
    assert ember.autograd.gradcheck(lambda a, c, d: ember.nn.functional.linear(a, c, d), (x, w, b))
    assert ember.autograd.gradgradcheck(lambda a, c, d: ember.nn.functional.linear(a, c, d), (x, w, b))


def test_linear_attributes_repr_and_parameters():
    for lib in (torch, ember):
        m = lib.nn.Linear(3, 4, bias=False, dtype=lib.float64)
        assert m.in_features == 3 and m.out_features == 4 and m.bias is None
        assert [n for n, _ in m.named_parameters()] == ["weight"]
        assert m.weight.dtype == lib.float64 and m.weight.requires_grad
    assert repr(ember.nn.Linear(3, 4)) == repr(torch.nn.Linear(3, 4)) == "Linear(in_features=3, out_features=4, " \
                                                                         "bias=True)"
    assert repr(ember.nn.Linear(3, 4, bias=False)) == repr(torch.nn.Linear(3, 4, bias=False))
    assert ember.nn.Linear(2, 2, device="cpu").weight.device.type == "cpu"


def test_linear_default_init_follows_torch_bounds():
    ember.manual_seed(0)
    m = ember.nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)  # kaiming_uniform_(a=sqrt(5)) == U(-1/sqrt(fan_in), 1/sqrt(fan_in))
    w, b = _np(m.weight), _np(m.bias)
    assert np.abs(w).max() <= bound and np.abs(b).max() <= bound
    assert np.abs(w).max() > 0.98 * bound  # it fills the interval
    assert abs(w.mean()) < 0.02 * bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.02 * bound  # uniform variance
    m2 = ember.nn.Linear(400, 300)
    assert not np.array_equal(_np(m2.weight), w)
    ember.manual_seed(0)
    assert np.array_equal(_np(ember.nn.Linear(400, 300).weight), w)  # seeded construction is reproducible


def test_linear_errors_match_torch():
    for shapes in [((2, 5), (4, 3)), ((2, 2, 5), (4, 3)), ((5,), (4, 3))]:
        with pytest.raises(RuntimeError) as ti:
            torch.nn.functional.linear(torch.ones(shapes[0]), torch.ones(shapes[1]))
        with pytest.raises(RuntimeError) as ei:
            ember.nn.functional.linear(ember.ones(shapes[0]), ember.ones(shapes[1]))
        assert str(ei.value) == str(ti.value)
    cases = [((2, 3), "float32", (4, 3), "float64", None, None),
             ((2, 2, 3), "float32", (4, 3), "float64", (4,), "float64"),
             ((3,), "float32", (4, 3), "float64", (4,), "float32"),
             ((2, 3), "float32", (4, 3), "float32", (4,), "float64"),
             ((2, 3, 3), "float32", (4, 3), "float32", (3,), "float32"),
             ((3,), "float32", (4, 3), "float32", (2,), "float32"),
             ((2, 3), "float32", (4, 3), "float32", (2, 3), "float32")]
    for xs, xd, ws, wd, bs, bd in cases:
        def call(lib):
            b = None if bs is None else lib.ones(bs, dtype=getattr(lib, bd))
            return lib.nn.functional.linear(lib.ones(xs, dtype=getattr(lib, xd)),
                                            lib.ones(ws, dtype=getattr(lib, wd)), b)
        with pytest.raises(RuntimeError) as ti:
            call(torch)
        with pytest.raises(RuntimeError) as ei:
            call(ember)
        assert str(ei.value) == str(ti.value)


@pytest.mark.parametrize("lead", [(5,), (), (2, 3)])
@pytest.mark.parametrize("bias", [True, False])
def test_bilinear_matches_torch(lead, bias):
    t, e = _pair(torch.nn.Bilinear(3, 4, 2, bias=bias), ember.nn.Bilinear(3, 4, 2, bias=bias))
    x1 = RNG.standard_normal(lead + (3,)).astype(np.float32)
    x2 = RNG.standard_normal(lead + (4,)).astype(np.float32)
    t1, t2 = torch.tensor(x1, requires_grad=True), torch.tensor(x2, requires_grad=True)
    e1, e2 = ember.tensor(x1, requires_grad=True), ember.tensor(x2, requires_grad=True)
    ty, ey = t(t1, t2), e(e1, e2)
    assert ey.shape == ty.shape
    np.testing.assert_allclose(_np(ey), _np(ty), **TOL["float32"])
    ty.sum().backward()
    ey.sum().backward()
    for a, b in ((e1.grad, t1.grad), (e2.grad, t2.grad), (e.weight.grad, t.weight.grad)):
        np.testing.assert_allclose(_np(a), _np(b), **TOL["float32"])
    assert repr(e) == repr(t)
    ember.manual_seed(1)
    big = ember.nn.Bilinear(100, 7, 50)
    assert np.abs(_np(big.weight)).max() <= 1 / math.sqrt(100)


def test_bilinear_errors_match_torch():
    cases = [((2, 3), (3, 4), (5, 3, 4), None), ((2, 3), (2, 4), (5, 3, 3), None),
             ((2, 3), (2, 4), (5, 2, 4), None), ((2, 3), (2, 4), (5, 3, 4), (4,))]
    for a, b, w, bb in cases:
        with pytest.raises(RuntimeError) as ti:
            torch.nn.functional.bilinear(torch.ones(a), torch.ones(b), torch.ones(w),
                                         None if bb is None else torch.ones(bb))
        with pytest.raises(RuntimeError) as ei:
            ember.nn.functional.bilinear(ember.ones(a), ember.ones(b), ember.ones(w),
                                         None if bb is None else ember.ones(bb))
        assert str(ei.value) == str(ti.value)
    with pytest.raises(ValueError, match=r"in1_features must be > 0, but got \(in1_features=0\)"):
        ember.nn.Bilinear(0, 2, 2)


def test_lazy_linear_infers_in_features():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = ember.nn.LazyLinear(4)
    assert isinstance(m.weight, ember.nn.UninitializedParameter)
    y = m(ember.ones(2, 7))
    assert y.shape == (2, 4) and type(m) is ember.nn.Linear and m.in_features == 7
    assert m.weight.shape == (4, 7) and type(m.weight) is ember.nn.Parameter
    assert np.abs(_np(m.weight)).max() <= 1 / math.sqrt(7)
    assert len(m._forward_pre_hooks) == 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m2 = ember.nn.LazyLinear(4)
    m2.load_state_dict(m.state_dict())  # loading materialises the parameters
    assert m2.weight.shape == (4, 7)
    np.testing.assert_array_equal(_np(m2(ember.ones(1, 7))), _np(m(ember.ones(1, 7))))


def test_identity_flatten_unflatten_match_torch():
    x = RNG.standard_normal((2, 3, 4, 5)).astype(np.float32)
    for targs in [(), (0,), (1, 2), (-3, -1)]:
        t, e = torch.nn.Flatten(*targs), ember.nn.Flatten(*targs)
        assert repr(e) == repr(t)
        assert tuple(e(ember.tensor(x)).shape) == tuple(t(torch.tensor(x)).shape)
    for dim, size in [(1, (3, 1)), (-1, (5, 1)), (3, [-1, 5])]:
        t, e = torch.nn.Unflatten(dim, size), ember.nn.Unflatten(dim, size)
        assert repr(e) == repr(t)
        np.testing.assert_array_equal(_np(e(ember.tensor(x))), _np(t(torch.tensor(x))))
    with pytest.raises(TypeError, match="unflattened_size must be tuple of ints, but found element of type float"):
        ember.nn.Unflatten(1, (2.0, 3))
    with pytest.raises(TypeError, match="unflattened_size must be a tuple of ints, but found type int"):
        ember.nn.Unflatten(1, 3)
    i = ember.nn.Identity(54, unused="x")
    t0 = ember.ones(2)
    assert i(t0) is t0 and repr(i) == repr(torch.nn.Identity()) == "Identity()"


@pytest.mark.parametrize("wshape,tshape,bshape", [((5, 3), (4,), None), ((5, 3), (4,), (5,)),
                                                  ((5, 2, 3), (4, 2), (5, 2))])
@pytest.mark.parametrize("kw", [{}, dict(reduction="sum", label_smoothing=0.1), dict(ignore_index=1)])
def test_linear_cross_entropy_matches_torch(wshape, tshape, bshape, kw):
    x = RNG.standard_normal((4, 3)).astype(np.float32)
    w = RNG.standard_normal(wshape).astype(np.float32)
    b = None if bshape is None else RNG.standard_normal(bshape).astype(np.float32)
    t = RNG.integers(0, 5, tshape)
    if "ignore_index" not in kw:
        t.flat[0] = -100  # ignore_index=None keeps cross_entropy's default (-100)
    res = {}
    for lib in (torch, ember):
        xt, wt = lib.tensor(x, requires_grad=True), lib.tensor(w, requires_grad=True)
        loss = lib.nn.functional.linear_cross_entropy(xt, wt, lib.tensor(t),
                                                      linear_bias=None if b is None else lib.tensor(b), **kw)
        loss.backward()
        res[lib.__name__] = (_np(loss), _np(xt.grad), _np(wt.grad))
    for a, c in zip(res["ember"], res["torch"]):
        np.testing.assert_allclose(a, c, rtol=1e-4, atol=1e-6)


def test_linear_under_autocast_runs_in_bfloat16_like_torch():
    from ember.amp import autocast
    t, e = _pair(torch.nn.Linear(3, 2), ember.nn.Linear(3, 2))
    x = RNG.standard_normal((4, 3)).astype(np.float32)
    with torch.autocast("cpu"):
        ty = t(torch.tensor(x))
    with autocast("cpu"):
        ey = e(ember.tensor(x))
    assert ey.dtype is ember.bfloat16 and ty.dtype == torch.bfloat16
    np.testing.assert_allclose(_np(ey.float()), _np(ty.float()), rtol=2e-2, atol=2e-2)
    ey.float().sum().backward()
    assert e.weight.grad.dtype is ember.float32
