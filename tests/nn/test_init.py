"""ember.nn.init against torch.nn.init: gains, fans, exact fills and distribution statistics."""
import math

import numpy as np
import pytest
import torch

import ember
from ember.nn import init


def _np(t):
    return t.detach().numpy()


@pytest.mark.parametrize("args", [("linear",), ("conv2d",), ("conv_transpose3d",), ("sigmoid",), ("tanh",),
                                  ("relu",), ("leaky_relu",), ("leaky_relu", 0.2), ("leaky_relu", 1), ("selu",)])
def test_calculate_gain_matches_torch(args):
    assert init.calculate_gain(*args) == pytest.approx(torch.nn.init.calculate_gain(*args), rel=1e-15)


def test_calculate_gain_errors_match_torch():
    for args in [("softmax",), ("leaky_relu", True), ("leaky_relu", "x")]:
        with pytest.raises(ValueError) as ti:
            torch.nn.init.calculate_gain(*args)
        with pytest.raises(ValueError) as ei:
            init.calculate_gain(*args)
        assert str(ei.value) == str(ti.value)


@pytest.mark.parametrize("shape", [(3, 4), (8, 2, 3), (6, 4, 3, 3), (2, 3, 1, 2, 2)])
def test_fan_in_and_fan_out_match_torch(shape):
    assert init._calculate_fan_in_and_fan_out(ember.empty(shape)) == \
        torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))


def test_fan_errors():
    with pytest.raises(ValueError, match="Fan in and fan out can not be computed for tensor with fewer than 2"):
        init.xavier_uniform_(ember.empty(3))
    with pytest.raises(ValueError) as ti:
        torch.nn.init.kaiming_uniform_(torch.empty(3, 3), mode="fan_avg")
    with pytest.raises(ValueError) as ei:
        init.kaiming_uniform_(ember.empty(3, 3), mode="fan_avg")
    assert str(ei.value) == str(ti.value)


def test_deterministic_fills_match_torch():
    for fn, args in [(init.constant_, (2.5,)), (init.ones_, ()), (init.zeros_, ())]:
        t = ember.empty(3, 4)
        assert fn(t, *args) is t
        ref = getattr(torch.nn.init, fn.__name__)(torch.empty(3, 4), *args)
        np.testing.assert_array_equal(_np(t), ref.numpy())
    for shape in [(3, 5), (5, 3)]:
        np.testing.assert_array_equal(_np(init.eye_(ember.empty(shape))), torch.nn.init.eye_(torch.empty(shape)))
    for shape, groups in [((4, 4, 3), 1), ((6, 3, 3, 3), 2), ((4, 2, 3, 3, 3), 1), ((2, 5, 2, 4), 1)]:
        np.testing.assert_array_equal(_np(init.dirac_(ember.empty(shape), groups)),
                                      torch.nn.init.dirac_(torch.empty(shape), groups).numpy())
    with pytest.raises(ValueError, match="Only tensors with 2 dimensions are supported"):
        init.eye_(ember.empty(2, 2, 2))
    with pytest.raises(ValueError, match="Only tensors with 3, 4, or 5 dimensions are supported"):
        init.dirac_(ember.empty(2, 2))
    with pytest.raises(ValueError, match="dim 0 must be divisible by groups"):
        init.dirac_(ember.empty(3, 2, 2), groups=2)


def _check_uniform(x, bound):
    assert np.abs(x).max() <= bound * (1 + 1e-6)
    assert np.abs(x).max() > 0.97 * bound
    assert abs(x.mean()) < 0.03 * bound
    assert x.std() == pytest.approx(bound / math.sqrt(3), rel=0.03)


def _check_normal(x, std, mean=0.0):
    assert x.mean() == pytest.approx(mean, abs=0.03 * std)
    assert x.std() == pytest.approx(std, rel=0.03)


SHAPE = (256, 64, 3)  # fan_in = 192, fan_out = 768


@pytest.mark.parametrize("mode", ["fan_in", "fan_out"])
@pytest.mark.parametrize("nonlinearity,a", [("leaky_relu", 0), ("relu", 0), ("leaky_relu", math.sqrt(5)),
                                            ("tanh", 0)])
def test_kaiming_statistics(mode, nonlinearity, a):
    fan = 192 if mode == "fan_in" else 768
    std = torch.nn.init.calculate_gain(nonlinearity, a) / math.sqrt(fan)
    w = ember.empty(SHAPE)
    init.kaiming_uniform_(w, a=a, mode=mode, nonlinearity=nonlinearity)
    _check_uniform(_np(w), math.sqrt(3) * std)
    init.kaiming_normal_(w, a=a, mode=mode, nonlinearity=nonlinearity)
    _check_normal(_np(w), std)


@pytest.mark.parametrize("gain", [1.0, 2.0])
def test_xavier_statistics(gain):
    std = gain * math.sqrt(2.0 / (192 + 768))
    w = ember.empty(SHAPE)
    _check_uniform(_np(init.xavier_uniform_(w, gain=gain)), math.sqrt(3) * std)
    _check_normal(_np(init.xavier_normal_(w, gain=gain)), std)


def test_uniform_normal_statistics():
    w = ember.empty(200, 200)
    x = _np(init.uniform_(w, -2.0, 4.0))
    assert x.min() >= -2.0 and x.max() < 4.0 and x.mean() == pytest.approx(1.0, abs=0.05)
    _check_normal(_np(init.normal_(w, 3.0, 0.5)), 0.5, mean=3.0)
    x = _np(init.uniform_(w))
    assert x.min() >= 0.0 and x.max() < 1.0


@pytest.mark.parametrize("mean,std,a,b", [(0.0, 1.0, -2.0, 2.0), (1.0, 0.5, 0.0, 3.0), (0.0, 0.02, -0.04, 0.04)])
def test_trunc_normal_statistics(mean, std, a, b):
    x = _np(init.trunc_normal_(ember.empty(300, 300, dtype=ember.float64), mean, std, a, b))
    assert x.min() >= a and x.max() <= b
    alpha, beta = (a - mean) / std, (b - mean) / std
    pdf = lambda z: math.exp(-z * z / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    cdf = lambda z: (1 + math.erf(z / math.sqrt(2))) / 2  # noqa: E731
    Z = cdf(beta) - cdf(alpha)
    exp_mean = mean + std * (pdf(alpha) - pdf(beta)) / Z
    exp_var = std ** 2 * (1 + (alpha * pdf(alpha) - beta * pdf(beta)) / Z - ((pdf(alpha) - pdf(beta)) / Z) ** 2)
    assert x.mean() == pytest.approx(exp_mean, abs=0.02 * std)
    assert x.std() == pytest.approx(math.sqrt(exp_var), rel=0.02)


def test_trunc_normal_warns_when_mean_far_outside():
    with pytest.warns(UserWarning, match="mean is more than 2 std from"):
        init.trunc_normal_(ember.empty(10), mean=10.0, std=1.0, a=-2.0, b=2.0)


@pytest.mark.parametrize("shape", [(6, 4), (4, 6), (8, 2, 3, 3)])
@pytest.mark.parametrize("gain", [1.0, 2.5])
def test_orthogonal(shape, gain):
    w = init.orthogonal_(ember.empty(shape, dtype=ember.float64), gain=gain)
    m = _np(w).reshape(shape[0], -1) / gain
    if m.shape[0] >= m.shape[1]:
        np.testing.assert_allclose(m.T @ m, np.eye(m.shape[1]), atol=1e-10)
    else:
        np.testing.assert_allclose(m @ m.T, np.eye(m.shape[0]), atol=1e-10)
    with pytest.raises(ValueError, match="Only tensors with 2 or more dimensions are supported"):
        init.orthogonal_(ember.empty(3))


def test_sparse():
    w = init.sparse_(ember.empty(50, 20), sparsity=0.3, std=0.5)
    x = _np(w)
    assert ((x == 0).sum(0) >= math.ceil(0.3 * 50)).all()
    nz = x[x != 0]
    assert nz.std() == pytest.approx(0.5, rel=0.15)
    with pytest.raises(ValueError, match="Only tensors with 2 dimensions are supported"):
        init.sparse_(ember.empty(2, 2, 2), 0.1)


@pytest.mark.parametrize("fn,args", [(init.uniform_, ()), (init.normal_, ()), (init.trunc_normal_, ()),
                                     (init.xavier_uniform_, ()), (init.xavier_normal_, ()),
                                     (init.kaiming_uniform_, ()), (init.kaiming_normal_, ()),
                                     (init.orthogonal_, ()), (init.sparse_, (0.5,))])
def test_generator_is_honoured(fn, args):
    def draw(seed):
        g = ember.Generator().manual_seed(seed)
        return _np(fn(ember.empty(8, 6), *args, generator=g))

    ember.manual_seed(0)
    a = draw(123)
    ember.manual_seed(99)  # the global stream does not matter
    np.testing.assert_array_equal(draw(123), a)
    assert not np.array_equal(draw(124), a)


def test_init_runs_under_no_grad_on_parameters():
    p = ember.nn.Parameter(ember.empty(4, 3))
    for fn in (init.kaiming_uniform_, init.xavier_normal_, init.orthogonal_, init.ones_, init.eye_,
               init.trunc_normal_):
        out = fn(p)
        assert out is p and p.requires_grad and p.grad_fn is None and p.is_leaf


def test_zero_element_and_deprecated_aliases_warn():
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        init.kaiming_uniform_(ember.empty(0, 3))
    with pytest.warns(FutureWarning, match=r"`nn.init.xavier_uniform` is now deprecated in favor of "
                                           r"`nn.init.xavier_uniform_`"):
        init.xavier_uniform(ember.empty(3, 3))
