"""nn.utils weight_norm / spectral_norm (legacy and parametrizations), parametrize, fusion, skip_init,
memory-format conversion and stateless.functional_call against torch."""

import ember
import ember.nn as nn
import numpy as np
import pytest
import torch
from ember.nn.utils import parametrizations, parametrize, stateless

RNG = np.random.default_rng(0)
TOL = {"rtol": 1e-4, "atol": 1e-5}

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning")


def _np(t):
    return t.detach().numpy()


def _e(t):
    return ember.tensor(_np(t))


def _load(emod, tmod):
    emod.load_state_dict({k: _e(v) for k, v in tmod.state_dict().items()})


def _same_keys_and_shapes(emod, tmod):
    esd, tsd = emod.state_dict(), tmod.state_dict()
    assert list(esd) == list(tsd)
    for k in tsd:
        assert tuple(esd[k].shape) == tuple(tsd[k].shape), k


def _layers(kind):
    if kind == "linear":
        return torch.nn.Linear(5, 4), nn.Linear(5, 4), (3, 5)
    if kind == "conv2d":
        return torch.nn.Conv2d(3, 4, 3), nn.Conv2d(3, 4, 3), (2, 3, 6, 6)
    return torch.nn.ConvTranspose2d(3, 4, 3), nn.ConvTranspose2d(3, 4, 3), (2, 3, 5, 5)


def _fwd_bwd(emod, tmod, shape, params):
    x = RNG.standard_normal(shape).astype("float32")
    tx, ex = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    ty, ey = tmod(tx), emod(ex)
    np.testing.assert_allclose(_np(ey), _np(ty), **TOL)
    g = RNG.standard_normal(tuple(ty.shape)).astype("float32")
    ty.backward(torch.tensor(g))
    ey.backward(ember.tensor(g))
    np.testing.assert_allclose(_np(ex.grad), _np(tx.grad), **TOL)
    for name in params:
        eg, tg = emod.get_parameter(name).grad, tmod.get_parameter(name).grad
        np.testing.assert_allclose(_np(eg), _np(tg), **TOL, err_msg=name)


# --- legacy weight_norm ----------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["linear", "conv2d"])
@pytest.mark.parametrize("dim", [0, 1, -2, -1, None])
def test_weight_norm_matches_torch(kind, dim):
    t, e, shape = _layers(kind)
    _load(e, t)
    t = torch.nn.utils.weight_norm(t, dim=dim)
    e = nn.utils.weight_norm(e, dim=dim)
    _same_keys_and_shapes(e, t)
    np.testing.assert_allclose(_np(e.weight_g), _np(t.weight_g), **TOL)
    _fwd_bwd(e, t, shape, ["weight_g", "weight_v", "bias"])
    t = torch.nn.utils.remove_weight_norm(t)
    e = nn.utils.remove_weight_norm(e)
    _same_keys_and_shapes(e, t)
    assert isinstance(e.weight, nn.Parameter) and "weight" in dict(e.named_parameters())
    np.testing.assert_allclose(_np(e.weight), _np(t.weight), **TOL)


def test_weight_norm_errors_and_checkpoint():
    t, e = torch.nn.Linear(3, 2), nn.Linear(3, 2)
    torch.nn.utils.weight_norm(t)
    nn.utils.weight_norm(e)
    with pytest.warns(FutureWarning):
        nn.utils.weight_norm(nn.Linear(2, 2))
    with pytest.raises(RuntimeError, match="Cannot register two weight_norm hooks"):
        nn.utils.weight_norm(e)
    with pytest.raises(ValueError, match="weight_norm of 'bias' not found"):
        nn.utils.remove_weight_norm(e, "bias")
    _load(e, t)  # a torch checkpoint with weight_g / weight_v loads
    np.testing.assert_allclose(_np(e(ember.ones(1, 3))), _np(t(torch.ones(1, 3))), **TOL)


# --- legacy spectral_norm --------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["linear", "conv2d", "convtranspose2d"])
def test_spectral_norm_matches_torch(kind):
    t, e, shape = _layers(kind)
    t = torch.nn.utils.spectral_norm(t, n_power_iterations=2)
    e = nn.utils.spectral_norm(e, n_power_iterations=2)
    _same_keys_and_shapes(e, t)
    assert list(t.state_dict()) == ["bias", "weight_orig", "weight_u", "weight_v"]
    _load(e, t)
    _fwd_bwd(e, t, shape, ["weight_orig", "bias"])  # training: one power iteration updates u, v in place
    np.testing.assert_allclose(_np(e.weight_u), _np(t.weight_u), **TOL)
    np.testing.assert_allclose(_np(e.weight_v), _np(t.weight_v), **TOL)
    t.eval(), e.eval()
    u_before = _np(e.weight_u).copy()
    x = RNG.standard_normal(shape).astype("float32")
    np.testing.assert_allclose(_np(e(ember.tensor(x))), _np(t(torch.tensor(x))), **TOL)
    np.testing.assert_array_equal(_np(e.weight_u), u_before)  # eval: no power iteration
    t = torch.nn.utils.remove_spectral_norm(t)
    e = nn.utils.remove_spectral_norm(e)
    _same_keys_and_shapes(e, t)
    np.testing.assert_allclose(_np(e.weight), _np(t.weight), **TOL)
    e.load_state_dict(e.state_dict())  # the load hook is gone with the rest


def test_spectral_norm_sigma_is_top_singular_value_and_errors():
    e = nn.utils.spectral_norm(nn.Linear(6, 4), n_power_iterations=50)
    e(ember.ones(1, 6))
    s = np.linalg.svd(_np(e.weight), compute_uv=False)
    np.testing.assert_allclose(s[0], 1.0, rtol=1e-4)
    with pytest.raises(ValueError, match="Expected n_power_iterations to be positive"):
        nn.utils.spectral_norm(nn.Linear(2, 2), n_power_iterations=0)
    with pytest.raises(RuntimeError, match="Cannot register two spectral_norm hooks"):
        nn.utils.spectral_norm(e)
    with pytest.raises(ValueError, match="spectral_norm of 'weight' not found"):
        nn.utils.remove_spectral_norm(nn.Linear(2, 2))


# --- parametrize -----------------------------------------------------------------------------------------
class _Symmetric(torch.nn.Module):
    def forward(self, X):
        return X.triu() + X.triu(1).transpose(-1, -2)

    def right_inverse(self, A):
        return A.triu()


class _ESymmetric(nn.Module):
    def forward(self, X):
        return X.triu() + X.triu(1).transpose(-1, -2)

    def right_inverse(self, A):
        return A.triu()


class _EScale(nn.Module):
    def forward(self, X):
        return X * 2


def test_register_parametrization_matches_torch():
    t, e = torch.nn.Linear(4, 4), nn.Linear(4, 4)
    _load(e, t)
    torch.nn.utils.parametrize.register_parametrization(t, "weight", _Symmetric())
    parametrize.register_parametrization(e, "weight", _ESymmetric())
    assert type(e).__name__ == "ParametrizedLinear" and isinstance(e, nn.Linear)
    assert parametrize.type_before_parametrizations(e) is nn.Linear
    assert parametrize.is_parametrized(e) and parametrize.is_parametrized(e, "weight")
    assert not parametrize.is_parametrized(e, "bias")
    _same_keys_and_shapes(e, t)
    assert "parametrizations.weight.original" in e.state_dict()
    np.testing.assert_allclose(_np(e.weight), _np(e.weight).T)
    _fwd_bwd(e, t, (3, 4), ["parametrizations.weight.original", "bias"])
    # assigning goes through right_inverse
    a = RNG.standard_normal((4, 4)).astype("float32")
    t.weight = torch.tensor(a)
    e.weight = ember.tensor(a)
    np.testing.assert_allclose(_np(e.parametrizations.weight.original), np.triu(a), **TOL)
    np.testing.assert_allclose(_np(e.weight), _np(t.weight), **TOL)
    with parametrize.cached():
        assert e.weight is e.weight
    assert e.weight is not e.weight
    torch.nn.utils.parametrize.remove_parametrizations(t, "weight")
    parametrize.remove_parametrizations(e, "weight")
    assert type(e) is nn.Linear and not hasattr(e, "parametrizations")
    assert isinstance(e.weight, nn.Parameter)
    _same_keys_and_shapes(e, t)
    np.testing.assert_allclose(_np(e.weight), _np(t.weight), **TOL)


def test_parametrization_chain_unparametrized_removal_and_errors():
    e = nn.Linear(3, 3)
    w = _np(e.weight).copy()
    parametrize.register_parametrization(e, "weight", _EScale())
    parametrize.register_parametrization(e, "weight", _EScale())
    assert len(e.parametrizations.weight) == 2
    np.testing.assert_allclose(_np(e.weight), 4 * w, rtol=1e-6)
    with pytest.raises(RuntimeError, match="does not implement right_inverse"):
        e.weight = ember.zeros(3, 3)
    parametrize.remove_parametrizations(e, "weight", leave_parametrized=False)
    np.testing.assert_allclose(_np(e.weight), w, rtol=1e-6)
    with pytest.raises(ValueError, match="does not have a parametrization on weight"):
        parametrize.remove_parametrizations(e, "weight")
    with pytest.raises(ValueError, match="may not change the shape"):
        parametrize.register_parametrization(e, "weight", _ShapeChanger())
    with pytest.raises(ValueError, match="does not have a parameter, a buffer"):
        parametrize.register_parametrization(e, "nothing", _EScale())


class _ShapeChanger(nn.Module):
    def forward(self, X):
        return X[:1]


# --- parametrizations ------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["linear", "conv2d"])
@pytest.mark.parametrize("dim", [0, None])
def test_parametrizations_weight_norm_matches_torch(kind, dim):
    t, e, shape = _layers(kind)
    _load(e, t)
    torch.nn.utils.parametrizations.weight_norm(t, dim=dim)
    parametrizations.weight_norm(e, dim=dim)
    _same_keys_and_shapes(e, t)
    assert "parametrizations.weight.original0" in e.state_dict()
    np.testing.assert_allclose(_np(e.parametrizations.weight.original0),
                               _np(t.parametrizations.weight.original0), **TOL)
    _fwd_bwd(e, t, shape, ["parametrizations.weight.original0", "parametrizations.weight.original1", "bias"])
    parametrize.remove_parametrizations(e, "weight")
    torch.nn.utils.parametrize.remove_parametrizations(t, "weight")
    _same_keys_and_shapes(e, t)
    np.testing.assert_allclose(_np(e.weight), _np(t.weight), **TOL)


def test_parametrizations_weight_norm_loads_legacy_checkpoint():
    legacy = torch.nn.utils.weight_norm(torch.nn.Linear(3, 2))
    e = parametrizations.weight_norm(nn.Linear(3, 2))
    _load(e, legacy)
    np.testing.assert_allclose(_np(e.parametrizations.weight.original0), _np(legacy.weight_g), **TOL)
    np.testing.assert_allclose(_np(e(ember.ones(2, 3))), _np(legacy(torch.ones(2, 3))), **TOL)


@pytest.mark.parametrize("kind", ["linear", "conv2d", "convtranspose2d"])
def test_parametrizations_spectral_norm_matches_torch(kind):
    t, e, shape = _layers(kind)
    torch.nn.utils.parametrizations.spectral_norm(t)
    parametrizations.spectral_norm(e)
    _same_keys_and_shapes(e, t)
    assert "parametrizations.weight.0._u" in e.state_dict()
    _load(e, t)
    _fwd_bwd(e, t, shape, ["parametrizations.weight.original", "bias"])
    np.testing.assert_allclose(_np(e.parametrizations.weight[0]._u), _np(t.parametrizations.weight[0]._u), **TOL)
    t.eval(), e.eval()
    x = RNG.standard_normal(shape).astype("float32")
    np.testing.assert_allclose(_np(e(ember.tensor(x))), _np(t(torch.tensor(x))), **TOL)
    with pytest.raises(IndexError, match="Dimension out of range"):
        parametrizations.spectral_norm(nn.Linear(2, 2), dim=2)


# --- fusion ----------------------------------------------------------------------------------------------
def _trained_bn(tbn, ebn, shape):
    tbn.train()
    tbn(torch.randn(*shape) * 2 + 1)
    with torch.no_grad():
        tbn.weight.uniform_(0.5, 1.5)
        tbn.bias.uniform_(-1, 1)
    _load(ebn, tbn)
    tbn.eval(), ebn.eval()


@pytest.mark.parametrize("transpose", [False, True])
def test_fuse_conv_bn_eval(transpose):
    if transpose:
        tc, ec = torch.nn.ConvTranspose2d(3, 4, 3), nn.ConvTranspose2d(3, 4, 3)
    else:
        tc, ec = torch.nn.Conv2d(3, 4, 3), nn.Conv2d(3, 4, 3)
    tbn, ebn = torch.nn.BatchNorm2d(4), nn.BatchNorm2d(4)
    _load(ec, tc)
    _trained_bn(tbn, ebn, (2, 4, 5, 5))
    tc.eval(), ec.eval()
    tf = torch.nn.utils.fuse_conv_bn_eval(tc, tbn, transpose=transpose)
    ef = nn.utils.fuse_conv_bn_eval(ec, ebn, transpose=transpose)
    assert type(ef) is type(ec) and ef is not ec
    assert isinstance(ef.weight, nn.Parameter) and isinstance(ef.bias, nn.Parameter)
    np.testing.assert_allclose(_np(ef.weight), _np(tf.weight), **TOL)
    np.testing.assert_allclose(_np(ef.bias), _np(tf.bias), **TOL)
    x = ember.randn(2, 3, 6, 6)
    np.testing.assert_allclose(_np(ef(x)), _np(ebn(ec(x))), rtol=1e-4, atol=1e-4)
    ec.train()
    with pytest.raises(AssertionError, match="Fusion only for eval"):
        nn.utils.fuse_conv_bn_eval(ec, ebn)


def test_fuse_conv_bn_weights_without_bias_and_affine():
    w = RNG.standard_normal((4, 3, 3, 3)).astype("float32")
    rm, rv = RNG.standard_normal(4).astype("float32"), RNG.uniform(0.5, 2, 4).astype("float32")
    tw, tb = torch.nn.utils.fuse_conv_bn_weights(torch.tensor(w), None, torch.tensor(rm), torch.tensor(rv), 1e-5,
                                                 None, None)
    ew, eb = nn.utils.fuse_conv_bn_weights(ember.tensor(w), None, ember.tensor(rm), ember.tensor(rv), 1e-5,
                                           None, None)
    np.testing.assert_allclose(_np(ew), _np(tw), **TOL)
    np.testing.assert_allclose(_np(eb), _np(tb), **TOL)
    assert eb.requires_grad == tb.requires_grad


def test_fuse_linear_bn_eval():
    tl, el = torch.nn.Linear(5, 4), nn.Linear(5, 4)
    tbn, ebn = torch.nn.BatchNorm1d(4), nn.BatchNorm1d(4)
    _load(el, tl)
    _trained_bn(tbn, ebn, (8, 4))
    tl.eval(), el.eval()
    tf, ef = torch.nn.utils.fuse_linear_bn_eval(tl, tbn), nn.utils.fuse_linear_bn_eval(el, ebn)
    np.testing.assert_allclose(_np(ef.weight), _np(tf.weight), **TOL)
    np.testing.assert_allclose(_np(ef.bias), _np(tf.bias), **TOL)
    x = ember.randn(3, 5)
    np.testing.assert_allclose(_np(ef(x)), _np(ebn(el(x))), rtol=1e-4, atol=1e-5)
    with pytest.raises(AssertionError, match="To fuse"):
        nn.utils.fuse_linear_bn_eval(nn.Linear(5, 3).eval(), ebn)


# --- skip_init / memory format / functional_call ---------------------------------------------------------
def test_skip_init():
    m = nn.utils.skip_init(nn.Linear, 5, 3, bias=False)
    assert type(m) is nn.Linear and isinstance(m.weight, nn.Parameter)
    assert tuple(m.weight.shape) == (3, 5) and m.bias is None
    with pytest.raises(RuntimeError, match="Expected a Module"):
        nn.utils.skip_init(int, 3)

    class NoDevice(nn.Module):
        def __init__(self, n):
            super().__init__()

    with pytest.raises(RuntimeError, match="must support a 'device' arg"):
        nn.utils.skip_init(NoDevice, 3)


@pytest.mark.parametrize("fn", ["convert_conv2d_weight_memory_format", "convert_conv3d_weight_memory_format"])
def test_convert_weight_memory_format_returns_module(fn):
    m = nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU())
    before = _np(m[0].weight).copy()
    out = getattr(nn.utils, fn)(m, getattr(ember, "channels_last", None))
    assert out is m
    np.testing.assert_array_equal(_np(m[0].weight), before)


def test_functional_call_matches_torch_and_restores():
    t, e = torch.nn.Linear(4, 3), nn.Linear(4, 3)
    _load(e, t)
    orig = _np(e.weight).copy()
    w = RNG.standard_normal((3, 4)).astype("float32")
    x = RNG.standard_normal((2, 4)).astype("float32")
    tw, ew = torch.tensor(w, requires_grad=True), ember.tensor(w, requires_grad=True)
    ty = torch.func.functional_call(t, {"weight": tw}, (torch.tensor(x),))
    ey = stateless.functional_call(e, {"weight": ew}, ember.tensor(x))
    np.testing.assert_allclose(_np(ey), _np(ty), **TOL)
    ty.sum().backward()
    ey.sum().backward()
    np.testing.assert_allclose(_np(ew.grad), _np(tw.grad), **TOL)
    assert e.weight.grad is None and isinstance(e.weight, nn.Parameter)
    np.testing.assert_array_equal(_np(e.weight), orig)
    with pytest.raises(RuntimeError, match="Missing key"):
        stateless.functional_call(e, {"weight": ew}, ember.tensor(x), strict=True)


@pytest.mark.parametrize("orth_map", ["matrix_exp", "cayley", "householder"])
@pytest.mark.parametrize("features", [(4, 4), (5, 3), (3, 5)])
@pytest.mark.parametrize("triv", [True, False])
def test_parametrizations_orthogonal_matches_torch(orth_map, features, triv):
    t, e = torch.nn.Linear(*features), nn.Linear(*features)
    _load(e, t)
    torch.nn.utils.parametrizations.orthogonal(t, orthogonal_map=orth_map, use_trivialization=triv)
    parametrizations.orthogonal(e, orthogonal_map=orth_map, use_trivialization=triv)
    _same_keys_and_shapes(e, t)
    if not (triv and features[0] != features[1]):  # only the completion of a non-square base is random
        np.testing.assert_allclose(_np(e.parametrizations.weight.original), _np(t.parametrizations.weight.original),
                                   rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(_np(e.weight), _np(t.weight), rtol=1e-4, atol=1e-5)
    # move the original away from its initial point, identically in both (off the diagonal: householder reads
    # the diagonal's signs through .int())
    sd = {k: v.clone() for k, v in t.state_dict().items()}
    key = "parametrizations.weight.original"
    noise = RNG.standard_normal(tuple(sd[key].shape)) * (1 - np.eye(*sd[key].shape))
    sd[key] = sd[key] + 0.3 * torch.tensor(noise.astype("float32"))
    t.load_state_dict(sd)
    _load(e, t)
    Q = _np(e.weight).astype("float64")
    small = min(Q.shape)
    gram = Q @ Q.T if Q.shape[0] == small else Q.T @ Q
    np.testing.assert_allclose(gram, np.eye(small), atol=1e-4)
    _fwd_bwd(e, t, (2, features[0]), [key, "bias"])


def test_parametrizations_orthogonal_assign_and_errors():
    e = parametrizations.orthogonal(nn.Linear(4, 4))
    q = np.linalg.qr(RNG.standard_normal((4, 4)))[0].astype("float32")
    e.weight = ember.tensor(q)
    np.testing.assert_allclose(_np(e.weight), q, atol=1e-5)
    with pytest.raises(ValueError, match="Expected a matrix or batch of matrices"):
        parametrizations.orthogonal(nn.Linear(3, 3), name="bias")
    with pytest.raises(ValueError, match="orthogonal_map has to be one of"):
        parametrizations.orthogonal(nn.Linear(3, 3), orthogonal_map="svd")
    m = parametrizations.orthogonal(nn.Linear(3, 3), orthogonal_map="cayley", use_trivialization=False)
    with pytest.raises(NotImplementedError, match="not possible to assign"):
        m.weight = ember.eye(3)
