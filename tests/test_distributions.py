"""ember.distributions against torch.distributions (the oracle): the same parameters in float64 give the same
log_prob / entropy / moments / cdf / KL values and the same log_prob gradients; samples have the right shapes
and moments; bad parameters and values raise torch's ValueError."""
import math

import numpy as np
import pytest
import torch
import torch.distributions as TD

import ember
import ember.distributions as ED
from ember.ops.random import _standard_gamma

RNG = np.random.default_rng(0)
POS = RNG.uniform(0.5, 2.0, (2, 3))
POS2 = RNG.uniform(0.5, 2.0, (2, 3))
REAL = RNG.standard_normal((2, 3))
REAL2 = RNG.standard_normal((2, 3))
PROBS = RNG.uniform(0.1, 0.9, (2, 3))
SIMPLEX = RNG.dirichlet(np.ones(4), size=2)
A = RNG.standard_normal((2, 3, 3))
COV = A @ A.transpose(0, 2, 1) + 3 * np.eye(3)
TRIL = np.linalg.cholesky(COV)
UNIT = RNG.uniform(0.05, 0.95, (5, 2, 3))
COUNTS = RNG.integers(0, 5, (5, 2, 3)).astype(np.float64)


def _transformed(D, loc, scale):
    return D.TransformedDistribution(D.Normal(loc, scale), [D.AffineTransform(0.5, 2.0), D.SigmoidTransform()])


def _multinomial_value():
    draws = RNG.multinomial(6, [0.25] * 4, size=(5, 2))
    return draws.astype(np.float64)


# name -> (constructor(D, *params), parameter arrays, a value array in the support, extra methods)
CASES = {
    "Normal": (lambda D, l, s: D.Normal(l, s), [REAL, POS], RNG.standard_normal((5, 2, 3)), ("cdf", "icdf")),
    "Bernoulli_probs": (lambda D, p: D.Bernoulli(probs=p), [PROBS], (UNIT > 0.5) * 1.0, ()),
    "Bernoulli_logits": (lambda D, lg: D.Bernoulli(logits=lg), [REAL], (UNIT > 0.5) * 1.0, ()),
    "Categorical_probs": (lambda D, p: D.Categorical(probs=p), [SIMPLEX], RNG.integers(0, 4, (5, 2)), ()),
    "Categorical_logits": (lambda D, lg: D.Categorical(logits=lg), [np.log(SIMPLEX)], RNG.integers(0, 4, (5, 2)),
                           ()),
    "OneHotCategorical": (lambda D, p: D.OneHotCategorical(probs=p), [SIMPLEX],
                          np.eye(4)[RNG.integers(0, 4, (5, 2))], ()),
    "Uniform": (lambda D, lo, hi: D.Uniform(lo, hi), [REAL, REAL + POS], None, ("cdf", "icdf")),
    "Beta": (lambda D, a, b: D.Beta(a, b), [POS, POS2], UNIT, ()),
    "Gamma": (lambda D, a, b: D.Gamma(a, b), [POS, POS2], UNIT * 3, ()),
    "Exponential": (lambda D, r: D.Exponential(r), [POS], UNIT * 3, ("cdf", "icdf")),
    "Laplace": (lambda D, l, s: D.Laplace(l, s), [REAL, POS], RNG.standard_normal((5, 2, 3)), ("cdf", "icdf")),
    "Poisson": (lambda D, r: D.Poisson(r), [POS * 2], COUNTS, ()),
    "Binomial": (lambda D, p: D.Binomial(torch.tensor(5.0) if D is TD else ember.tensor(5.0), probs=p), [PROBS],
                 COUNTS, ()),
    "Binomial_logits": (lambda D, lg: D.Binomial(5, logits=lg), [REAL], COUNTS, ()),
    "Multinomial": (lambda D, p: D.Multinomial(6, probs=p), [SIMPLEX], _multinomial_value(), ()),
    "MVN_scale_tril": (lambda D, l, L: D.MultivariateNormal(l, scale_tril=L), [REAL, TRIL],
                       RNG.standard_normal((5, 2, 3)), ()),
    "MVN_covariance": (lambda D, l, C: D.MultivariateNormal(l, covariance_matrix=C), [REAL, COV],
                       RNG.standard_normal((5, 2, 3)), ()),
    "MVN_precision": (lambda D, l, P: D.MultivariateNormal(l, precision_matrix=P), [REAL, COV],
                      RNG.standard_normal((5, 2, 3)), ()),
    "Independent": (lambda D, l, s: D.Independent(D.Normal(l, s), 1), [REAL, POS], RNG.standard_normal((5, 2, 3)),
                    ()),
    "LogNormal": (lambda D, l, s: D.LogNormal(l, s), [REAL, POS], UNIT * 3, ("cdf", "icdf")),
    "Dirichlet": (lambda D, c: D.Dirichlet(c), [POS], RNG.dirichlet(np.ones(3), size=(5, 2)), ()),
    "Gumbel": (lambda D, l, s: D.Gumbel(l, s), [REAL, POS], RNG.standard_normal((5, 2, 3)), ()),
    "Transformed": (_transformed, [REAL, POS], UNIT, ("cdf", "icdf")),
}
NO_ENTROPY = {"Poisson", "Transformed"}  # torch has no closed form either
NO_MODE = {"Multinomial", "Transformed"}  # torch raises NotImplementedError for these
# torch's Multinomial.entropy takes lgamma(total_count + 1) of an int64 tensor, i.e. in float32; ember's is float64
ENTROPY_RTOL = {"Multinomial": 1e-6}


def _both(name):
    ctor, arrays, _, _ = CASES[name]
    e_params = [ember.tensor(a, dtype=ember.float64).requires_grad_(True) for a in arrays]
    t_params = [torch.tensor(a, dtype=torch.float64).requires_grad_(True) for a in arrays]
    return ctor(ED, *e_params), ctor(TD, *t_params), e_params, t_params


def _np(x):
    return np.array(x.detach().numpy()) if hasattr(x, "detach") else np.asarray(x)


def _close(e, t, rtol=1e-9, atol=1e-10):
    np.testing.assert_allclose(_np(e), _np(t), rtol=rtol, atol=atol, equal_nan=True)


def _value(name, lib):
    value = CASES[name][2]
    if value is None:  # Uniform: points inside [low, high)
        value = REAL + POS * UNIT
    return lib.tensor(value, dtype=lib.int64 if value.dtype.kind == "i" else lib.float64)


@pytest.mark.parametrize("name", CASES)
def test_values_and_log_prob_grads_match_torch(name):
    e, t, e_params, t_params = _both(name)
    assert tuple(e.batch_shape) == tuple(t.batch_shape) and tuple(e.event_shape) == tuple(t.event_shape)
    assert e.has_rsample == t.has_rsample and e.support.event_dim == t.support.event_dim
    if name != "Transformed":  # no closed-form moments (torch raises too)
        _close(e.mean, t.mean)
        _close(e.variance, t.variance)
        _close(e.stddev, t.stddev)
    if name not in NO_MODE:
        _close(e.mode, t.mode)
    if name not in NO_ENTROPY:
        _close(e.entropy(), t.entropy(), rtol=ENTROPY_RTOL.get(name, 1e-9))
    e_lp, t_lp = e.log_prob(_value(name, ember)), t.log_prob(_value(name, torch))
    _close(e_lp, t_lp)
    e_lp.sum().backward()
    t_lp.sum().backward()
    for ep, tp in zip(e_params, t_params):
        _close(ep.grad, tp.grad, rtol=1e-7, atol=1e-9)
    for method in CASES[name][3]:
        if method == "cdf":
            _close(e.cdf(_value(name, ember)), t.cdf(_value(name, torch)))
        else:
            _close(e.icdf(ember.tensor(UNIT)), t.icdf(torch.tensor(UNIT)))


def test_categorical_and_bernoulli_logits_probs_conversions():
    e, t, _, _ = _both("Categorical_probs")
    _close(e.logits, t.logits)
    e, t, _, _ = _both("Bernoulli_logits")
    _close(e.probs, t.probs)
    e, t, _, _ = _both("MVN_covariance")
    _close(e.precision_matrix, t.precision_matrix, rtol=1e-8)
    _close(e.scale_tril, t.scale_tril)
    e, t, _, _ = _both("MVN_precision")
    _close(e.covariance_matrix, t.covariance_matrix, rtol=1e-8)


def test_enumerate_support_matches_torch():
    for name in ("Bernoulli_probs", "Categorical_probs", "Binomial", "OneHotCategorical"):
        e, t, _, _ = _both(name)
        for expand in (True, False):
            _close(e.enumerate_support(expand), t.enumerate_support(expand))


KL_PAIRS = {
    "Normal": ("Normal", lambda D, a, b: D.Normal(a, b), [REAL, POS], [REAL2, POS2]),
    "Categorical": ("Categorical", lambda D, p: D.Categorical(probs=p), [SIMPLEX], [SIMPLEX[::-1].copy()]),
    "OneHotCategorical": ("", lambda D, p: D.OneHotCategorical(probs=p), [SIMPLEX], [SIMPLEX[::-1].copy()]),
    "Bernoulli": ("", lambda D, p: D.Bernoulli(probs=p), [PROBS], [PROBS[::-1].copy()]),
    "Uniform": ("", lambda D, lo, hi: D.Uniform(lo, hi), [REAL, REAL + 3], [REAL - 1, REAL + 4]),
    "Beta": ("", lambda D, a, b: D.Beta(a, b), [POS, POS2], [POS2, POS]),
    "Gamma": ("", lambda D, a, b: D.Gamma(a, b), [POS, POS2], [POS2, POS]),
    "Exponential": ("", lambda D, r: D.Exponential(r), [POS], [POS2]),
    "Laplace": ("", lambda D, a, b: D.Laplace(a, b), [REAL, POS], [REAL2, POS2]),
    "Poisson": ("", lambda D, r: D.Poisson(r), [POS], [POS2]),
    "Binomial": ("", lambda D, p: D.Binomial(4, probs=p), [PROBS], [PROBS[::-1].copy()]),
    "Dirichlet": ("", lambda D, c: D.Dirichlet(c), [POS], [POS2]),
    "Gumbel": ("", lambda D, a, b: D.Gumbel(a, b), [REAL, POS], [REAL2, POS2]),
    "MVN": ("", lambda D, l, L: D.MultivariateNormal(l, scale_tril=L), [REAL, TRIL], [REAL2, TRIL[::-1].copy()]),
    "Independent": ("", lambda D, a, b: D.Independent(D.Normal(a, b), 1), [REAL, POS], [REAL2, POS2]),
    "LogNormal": ("", lambda D, a, b: D.LogNormal(a, b), [REAL, POS], [REAL2, POS2]),
}


@pytest.mark.parametrize("name", KL_PAIRS)
def test_kl_divergence_matches_torch(name):
    _, ctor, p_arrays, q_arrays = KL_PAIRS[name]
    e_p = [ember.tensor(a, dtype=ember.float64).requires_grad_(True) for a in p_arrays]
    t_p = [torch.tensor(a, dtype=torch.float64).requires_grad_(True) for a in p_arrays]
    e_kl = ED.kl_divergence(ctor(ED, *e_p), ctor(ED, *[ember.tensor(a, dtype=ember.float64) for a in q_arrays]))
    t_kl = TD.kl_divergence(ctor(TD, *t_p), ctor(TD, *[torch.tensor(a, dtype=torch.float64) for a in q_arrays]))
    _close(e_kl, t_kl)
    e_kl.sum().backward()
    t_kl.sum().backward()
    for ep, tp in zip(e_p, t_p):
        _close(ep.grad, tp.grad, rtol=1e-7, atol=1e-9)


def test_kl_with_zero_probabilities_and_disjoint_support_is_inf_or_zero():
    p = [[0.0, 1.0], [0.5, 0.5]]
    q = [[0.5, 0.5], [1.0, 0.0]]
    e = ED.kl_divergence(ED.Categorical(probs=ember.tensor(p)), ED.Categorical(probs=ember.tensor(q)))
    t = TD.kl_divergence(TD.Categorical(probs=torch.tensor(p)), TD.Categorical(probs=torch.tensor(q)))
    _close(e, t)
    e = ED.kl_divergence(ED.Uniform(0.0, 2.0), ED.Uniform(1.0, 3.0))
    assert math.isinf(e.item())


def test_kl_unregistered_pair_and_register_kl():
    with pytest.raises(NotImplementedError, match="No KL\\(p \\|\\| q\\) is implemented for p type Normal and q type "
                                                  "Exponential"):
        ED.kl_divergence(ED.Normal(0.0, 1.0), ED.Exponential(1.0))

    class MyNormal(ED.Normal):
        pass

    assert ED.kl_divergence(MyNormal(0.0, 1.0), ED.Normal(1.0, 1.0)).item() == pytest.approx(0.5)
    ED.register_kl(MyNormal, ED.Normal)(lambda p, q: ember.tensor(7.0))
    assert ED.kl_divergence(MyNormal(0.0, 1.0), ED.Normal(1.0, 1.0)).item() == 7.0
    with pytest.raises(TypeError, match="Distribution subclass"):
        ED.register_kl(int, ED.Normal)


SAMPLED = {  # name -> (distribution, expected mean, expected variance) for the moment check
    "Normal": (lambda: ED.Normal(ember.tensor([1.0, -2.0]), ember.tensor([0.5, 2.0])), [1.0, -2.0], [0.25, 4.0]),
    "Bernoulli": (lambda: ED.Bernoulli(ember.tensor([0.2, 0.7])), [0.2, 0.7], [0.16, 0.21]),
    "Categorical": (lambda: ED.Categorical(ember.tensor([0.2, 0.3, 0.5])), [1.3], [0.61]),
    "Uniform": (lambda: ED.Uniform(ember.tensor([0.0, 2.0]), ember.tensor([1.0, 5.0])), [0.5, 3.5], [1 / 12, 0.75]),
    "Exponential": (lambda: ED.Exponential(ember.tensor([0.5, 2.0])), [2.0, 0.5], [4.0, 0.25]),
    "Laplace": (lambda: ED.Laplace(ember.tensor([1.0]), ember.tensor([0.5])), [1.0], [0.5]),
    "Poisson": (lambda: ED.Poisson(ember.tensor([3.0, 0.5])), [3.0, 0.5], [3.0, 0.5]),
    "Binomial": (lambda: ED.Binomial(ember.tensor([10.0, 3.0]), ember.tensor([0.3, 0.5])), [3.0, 1.5],
                 [2.1, 0.75]),
    "Multinomial": (lambda: ED.Multinomial(5, ember.tensor([0.2, 0.8])), [1.0, 4.0], [0.8, 0.8]),
    "OneHotCategorical": (lambda: ED.OneHotCategorical(ember.tensor([0.2, 0.8])), [0.2, 0.8], [0.16, 0.16]),
    "MVN": (lambda: ED.MultivariateNormal(ember.tensor([1.0, 0.0]), ember.tensor([[2.0, 0.5], [0.5, 1.0]])),
            [1.0, 0.0], [2.0, 1.0]),
    "LogNormal": (lambda: ED.LogNormal(ember.tensor([0.0]), ember.tensor([0.5])), [math.exp(0.125)],
                  [(math.exp(0.25) - 1) * math.exp(0.25)]),
    "Gumbel": (lambda: ED.Gumbel(ember.tensor([1.0]), ember.tensor([2.0])), [1.0 + 2 * 0.5772156649],
               [math.pi ** 2 / 6 * 4]),
    "Gamma": (lambda: ED.Gamma(ember.tensor([2.0, 0.5]), ember.tensor([1.0, 2.0])), [2.0, 0.25], [2.0, 0.125]),
    "Beta": (lambda: ED.Beta(ember.tensor([2.0, 0.5]), ember.tensor([3.0, 0.5])), [0.4, 0.5], [0.04, 0.125]),
    "Dirichlet": (lambda: ED.Dirichlet(ember.tensor([1.0, 2.0, 3.0])), [1 / 6, 2 / 6, 3 / 6],
                  [5 / 252, 8 / 252, 9 / 252]),
}


@pytest.mark.parametrize("name", SAMPLED)
def test_sample_shapes_and_moments(name):
    make, mean, var = SAMPLED[name]
    d = make()
    ember.manual_seed(0)
    x = d.sample((20000,))
    assert tuple(x.shape) == (20000,) + tuple(d.batch_shape) + tuple(d.event_shape)
    assert not x.requires_grad
    assert d.support.check(x).all().item()
    x = x.to(ember.float64)
    flat = x.reshape(20000, -1)
    np.testing.assert_allclose(_np(flat.mean(0)), mean, rtol=0.05, atol=0.03)
    np.testing.assert_allclose(_np(flat.var(0)), var, rtol=0.1, atol=0.02)
    ember.manual_seed(0)
    np.testing.assert_array_equal(_np(d.sample((20000,))), _np(x.to(d.sample().dtype)))  # reproducible
    assert tuple(d.sample().shape) == tuple(d.batch_shape) + tuple(d.event_shape)
    assert tuple(d.expand((4,) + tuple(d.batch_shape)).sample((3,)).shape) == (
        (3, 4) + tuple(d.batch_shape) + tuple(d.event_shape))


@pytest.mark.parametrize("make", [
    lambda p: ED.Normal(p[0], p[1].exp()),
    lambda p: ED.Uniform(p[0], p[0] + p[1].exp()),
    lambda p: ED.Laplace(p[0], p[1].exp()),
    lambda p: ED.Exponential(p[1].exp()),
    lambda p: ED.LogNormal(p[0], p[1].exp()),
    lambda p: ED.MultivariateNormal(p, scale_tril=ember.diag_embed(p.exp())),
    lambda p: ED.Independent(ED.Normal(p[0], p[1].exp()), 0),
    lambda p: ED.TransformedDistribution(ED.Normal(p[0], p[1].exp()), ED.TanhTransform(cache_size=1)),
], ids=["Normal", "Uniform", "Laplace", "Exponential", "LogNormal", "MVN", "Independent", "Tanh"])
def test_rsample_is_differentiable(make):
    p = ember.tensor([0.3, -0.2], requires_grad=True)
    d = make(p)
    assert d.has_rsample
    x = d.rsample((7,))
    assert x.grad_fn is not None
    x.pow(2).sum().backward()
    assert p.grad is not None and bool(ember.isfinite(p.grad).all()) and bool((p.grad != 0).any())


def test_tanh_transform_cache_scores_saturated_samples():
    base = ED.Normal(ember.tensor([30.0]), ember.tensor([1.0]))
    d = ED.TransformedDistribution(base, [ED.TanhTransform(cache_size=1)])
    y = d.rsample()  # tanh(~30) rounds to 1.0: only the cached pre-image keeps log_prob finite
    assert y.item() == 1.0
    assert math.isfinite(d.log_prob(y).item())


class _TorchDraws(torch.autograd.Function):
    """Given Gamma(alpha, 1) draws with torch's backward (derivatives.yaml: grad * _standard_gamma_grad(alpha, x)),
    so torch differentiates ember's very samples."""

    @staticmethod
    def forward(ctx, alpha, draws):
        ctx.save_for_backward(alpha, draws)
        return draws.clone()

    @staticmethod
    def backward(ctx, grad):
        alpha, draws = ctx.saved_tensors
        return grad * torch._standard_gamma_grad(alpha, draws), None


def _gamma_pair(concentration, rate):
    """Gamma rsample in ember, and torch's Gamma.rsample computation on the same standard-gamma draws."""
    c, r = ember.tensor(concentration, requires_grad=True), ember.tensor(rate, requires_grad=True)
    x = ED.Gamma(c, r).rsample((50,))
    tc, tr = torch.tensor(concentration, requires_grad=True), torch.tensor(rate, requires_grad=True)
    draws = torch.tensor(_np(x * r))  # the standard-gamma draws behind x
    tx = _TorchDraws.apply(tc.expand(draws.shape), draws) / tr.expand(draws.shape)
    return (x, c, r), (tx, tc, tr)


def test_gamma_rsample_gradient_matches_torch_on_the_same_draws():
    ember.manual_seed(3)
    (x, c, r), (tx, tc, tr) = _gamma_pair(np.array([0.3, 2.0, 15.0]), np.array([1.5, 0.5, 2.0]))
    _close(x, tx, rtol=1e-12)
    w = np.linspace(-1, 1, x.numel()).reshape(tuple(x.shape))
    (x * ember.tensor(w)).sum().backward()
    (tx * torch.tensor(w)).sum().backward()
    _close(c.grad, tc.grad, rtol=1e-9)
    _close(r.grad, tr.grad, rtol=1e-9)


def test_dirichlet_and_beta_rsample_gradients_match_torch_through_the_same_gammas():
    """ember normalises standard-gamma draws; torch's autograd of that construction, fed the same draws, agrees."""
    alpha = np.array([[0.5, 1.0, 4.0], [2.0, 2.0, 0.2]])
    ember.manual_seed(4)
    c = ember.tensor(alpha, requires_grad=True)
    x = ED.Dirichlet(c).rsample((20,))
    ember.manual_seed(4)
    gammas = _standard_gamma(ember.tensor(alpha).expand(20, 2, 3))
    tc = torch.tensor(alpha, requires_grad=True)
    g = _TorchDraws.apply(tc.expand(20, 2, 3), torch.tensor(_np(gammas)))
    tx = g / g.sum(-1, keepdim=True)
    _close(x, tx, rtol=1e-12)
    w = torch.tensor(RNG.standard_normal((20, 2, 3)))
    (x * ember.tensor(w.numpy())).sum().backward()
    (tx * w).sum().backward()
    _close(c.grad, tc.grad, rtol=1e-9)
    a, b = ember.tensor([0.7, 3.0], requires_grad=True), ember.tensor([2.0, 0.4], requires_grad=True)
    ember.manual_seed(5)
    y = ED.Beta(a, b).rsample((10,))
    ember.manual_seed(5)
    expected = ED.Dirichlet(ember.stack([a, b], -1)).rsample((10,))[..., 0]
    _close(y, expected, rtol=0)
    y.sum().backward()
    assert bool(ember.isfinite(a.grad).all()) and bool((a.grad > 0).all()) and bool((b.grad < 0).all())


UNBIASED = {  # name -> (constructor(D, params), params)
    "Gamma": (lambda D, p: D.Gamma(p[0], p[1]), [[0.4, 3.0], [2.0, 0.5]]),
    "Beta": (lambda D, p: D.Beta(p[0], p[1]), [[0.6, 3.0], [1.5, 0.8]]),
    "Dirichlet": (lambda D, p: D.Dirichlet(p[0]), [[0.3, 1.0, 2.5]]),
}


@pytest.mark.parametrize("name", UNBIASED)
def test_rsample_gradient_is_unbiased(name):
    """The mean pathwise gradient of sum(w * x) over many draws approaches the exact gradient of sum(w * mean)."""
    make, params = UNBIASED[name]
    ember.manual_seed(6)
    p = ember.tensor(params, dtype=ember.float64, requires_grad=True)
    d = make(ED, p)
    w = np.linspace(1.0, 2.0, d.mean.numel()).reshape(tuple(d.mean.shape))
    (d.rsample((40000,)) * ember.tensor(w)).sum(-1).mean().backward()
    tp = torch.tensor(params, dtype=torch.float64, requires_grad=True)
    (make(TD, tp).mean * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(_np(p.grad), _np(tp.grad), rtol=0.05, atol=0.01)


def test_binomial_sample_uses_ember_binomial():
    """Binomial.sample draws through ember.binomial: the same generator state gives the same counts."""
    d = ED.Binomial(ember.tensor([[5.0], [200.0]]), ember.tensor([0.1, 0.6, 0.95]))
    ember.manual_seed(2)
    x = d.sample((4,))
    ember.manual_seed(2)
    want = ember.binomial(ember.tensor([[5.0], [200.0]]).expand(4, 2, 3).contiguous(),
                          ember.tensor([0.1, 0.6, 0.95]).expand(4, 2, 3).contiguous())
    assert x.tolist() == want.tolist() and tuple(x.shape) == (4, 2, 3)
    assert x.dtype is ember.float32 and not x.requires_grad


def _torch_message(fn):
    with pytest.raises(ValueError) as info:
        fn(TD, torch)
    return str(info.value).replace("torch", "ember")


@pytest.mark.parametrize("fn", [
    lambda D, lib: D.Normal(0.0, -1.0),
    lambda D, lib: D.Normal(lib.tensor([0.0, 1.0]), lib.tensor([1.0, -1.0])),
    lambda D, lib: D.Bernoulli(probs=lib.tensor([1.5])),
    lambda D, lib: D.Categorical(probs=lib.tensor([0.5, -0.5])),
    lambda D, lib: D.Exponential(lib.tensor([0.0])),
    lambda D, lib: D.Uniform(1.0, 0.0),
    lambda D, lib: D.Bernoulli(probs=lib.tensor([0.5]), logits=lib.tensor([0.0])),
    lambda D, lib: D.Categorical(),
    lambda D, lib: D.MultivariateNormal(lib.zeros(2)),
    lambda D, lib: D.MultivariateNormal(lib.tensor(0.0), lib.eye(2)),
    lambda D, lib: D.MultivariateNormal(lib.zeros(2), lib.tensor([[1.0, 2.0], [2.0, 1.0]])),
    lambda D, lib: D.MultivariateNormal(lib.zeros(2), scale_tril=lib.tensor([[1.0, 1.0], [0.0, 1.0]])),
    lambda D, lib: D.Independent(D.Normal(0.0, 1.0), 1),
    lambda D, lib: D.Normal(0.0, 1.0).log_prob(lib.tensor(float("nan"))),
    lambda D, lib: D.Exponential(1.0).log_prob(lib.tensor([-1.0])),
    lambda D, lib: D.Categorical(probs=lib.tensor([0.5, 0.5])).log_prob(lib.tensor(2)),
    lambda D, lib: D.Normal(lib.zeros(3), 1.0).log_prob(lib.zeros(2)),
    lambda D, lib: D.Poisson(1.0).log_prob(lib.tensor(0.5)),
])
def test_invalid_arguments_raise_torchs_value_error(fn):
    expected = _torch_message(fn)
    with pytest.raises(ValueError) as info:
        fn(ED, ember)
    assert str(info.value) == expected


def test_validation_can_be_turned_off():
    d = ED.Normal(0.0, -1.0, validate_args=False)
    assert math.isnan(d.log_prob(ember.tensor(0.0)).item())
    ED.Distribution.set_default_validate_args(False)
    try:
        ED.Normal(0.0, -1.0)
        ED.Exponential(1.0).log_prob(ember.tensor([-1.0]))
    finally:
        ED.Distribution.set_default_validate_args(True)
    with pytest.raises(ValueError):
        ED.Normal(0.0, -1.0)
    with pytest.raises(ValueError):
        ED.Distribution.set_default_validate_args("yes")


def test_repr_and_expand_match_torch():
    e, t, _, _ = _both("Normal")
    assert repr(e) == repr(t).replace("torch", "ember")
    assert repr(ED.Normal(0.0, 1.0)) == repr(TD.Normal(0.0, 1.0))
    assert repr(ED.Independent(ED.Normal(0.0, 1.0).expand((3,)), 1)) == repr(
        TD.Independent(TD.Normal(0.0, 1.0).expand((3,)), 1)).replace("torch", "ember")
    assert repr(ED.constraints.interval(0.0, 1.0)) == repr(TD.constraints.interval(0.0, 1.0))
    assert repr(ED.constraints.real_vector) == repr(TD.constraints.real_vector)
    for name in ("Normal", "Categorical_probs", "MVN_scale_tril", "Beta", "LogNormal", "Gumbel", "Binomial"):
        e, t, _, _ = _both(name)
        shape = (4,) + tuple(t.batch_shape)
        e, t = e.expand(shape), t.expand(shape)
        assert tuple(e.batch_shape) == shape
        _close(e.log_prob(_value(name, ember)[:1]), t.log_prob(_value(name, torch)[:1]))


def test_sample_n_warns_and_perplexity():
    with pytest.warns(FutureWarning):
        assert tuple(ED.Normal(0.0, 1.0).sample_n(3).shape) == (3,)
    e, t, _, _ = _both("Categorical_logits")
    _close(e.perplexity(), t.perplexity())


def test_transform_api():
    t = ED.AffineTransform(1.0, 2.0)
    x = ember.tensor([0.5, -1.0])
    np.testing.assert_allclose(_np(t.inv(t(x))), _np(x))
    assert t.inv.inv is t and t == ED.AffineTransform(1.0, 2.0) and t != ED.AffineTransform(1.0, 3.0)
    c = ED.ComposeTransform([ED.ExpTransform(), ED.AffineTransform(0.0, -1.0)])
    tc = TD.ComposeTransform([TD.ExpTransform(), TD.AffineTransform(0.0, -1.0)])
    _close(c.log_abs_det_jacobian(x, c(x)), tc.log_abs_det_jacobian(torch.tensor(_np(x)), tc(torch.tensor(_np(x)))))
    assert c.sign == -1 and repr(c) == repr(tc)
    with pytest.raises(ValueError, match="cache_size must be 0 or 1"):
        ED.ExpTransform(cache_size=2)


def test_runs_on_a_gpu_backend_with_the_same_values():
    """simgpu (CuPy's kernels on a NumPy stand-in): tensors stay on the device and values equal the CPU's."""
    from tests.backends.cupy import simgpu

    with simgpu.registered():
        for dev in ("cpu", "cuda"):
            loc = ember.tensor(REAL, device=dev).requires_grad_(True)
            scale = ember.tensor(POS, device=dev)
            d = ED.Independent(ED.Normal(loc, scale), 1)
            x = d.rsample((3,))
            lp = d.log_prob(ember.tensor(UNIT, device=dev))
            lp.sum().backward()
            c = ED.Categorical(logits=ember.tensor(REAL, device=dev))
            m = ED.MultivariateNormal(loc.detach(), scale_tril=ember.tensor(TRIL, device=dev))
            kl = ED.kl_divergence(c, ED.Categorical(logits=ember.tensor(REAL2, device=dev)))
            results = [lp, loc.grad, kl, m.log_prob(ember.tensor(UNIT, device=dev)), m.entropy()]
            assert {r.device.type for r in results + [x, c.sample((2,))]} == {dev}
            if dev == "cpu":
                cpu = [_np(r) for r in results]
        for got, want in zip(results, cpu):
            np.testing.assert_allclose(_np(got.to("cpu")), want, rtol=1e-6)
