"""ember._standard_gamma, ember._standard_gamma_grad and ember.binomial against torch (the oracle) and scipy:
the reparameterisation gradient equals torch's on identical (alpha, x), draws follow the right distributions,
dtypes, special values and errors are torch's."""
import re

import numpy as np
import pytest
import torch
from scipy import stats

import ember
from ember.ops.random import _standard_gamma, _standard_gamma_grad

ALPHAS = np.geomspace(0.01, 1000, 61)
QUANTILES = np.array([1e-6, 1e-4, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 0.9999, 1 - 1e-7])


def _grid():
    """(alpha, x) over alpha in [0.01, 1000] and x at quantiles of Gamma(alpha, 1): every regime of the
    approximation (small-x series, large-alpha saddle point, rational fit) and both sides of each threshold."""
    a, q = np.meshgrid(ALPHAS, QUANTILES, indexing="ij")
    x = stats.gamma.ppf(q, a)
    edges_a = np.array([7.9, 8.0, 8.1, 20.0, 20.0, 20.0, 3.0, 3.0])
    edges_x = np.array([0.79, 0.8, 0.81, 0.9 * 20, 1.1 * 20, 20.0, 0.8, 0.7999])
    return np.concatenate([a.ravel(), edges_a]), np.concatenate([x.ravel(), edges_x])


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_standard_gamma_grad_matches_torch_on_a_grid(dtype):
    a, x = _grid()
    want = torch._standard_gamma_grad(torch.tensor(a, dtype=getattr(torch, dtype)),
                                      torch.tensor(x, dtype=getattr(torch, dtype))).numpy()
    edt = getattr(ember, dtype)
    got = _standard_gamma_grad(ember.tensor(a, dtype=edt), ember.tensor(x, dtype=edt))
    assert got.dtype is getattr(ember, dtype)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-6 if dtype == "float32" else 1e-12, atol=0)


def test_standard_gamma_grad_special_values_and_broadcasting_match_torch():
    a = [1.0, 1.0, 1.0, 1.0, 0.0, -1.0, np.inf, np.nan, 1.0, 20.0, 20.0, 0.5]
    x = [0.0, -1.0, np.nan, np.inf, 1.0, 1.0, 1.0, 1.0, 1e-300, 0.0, 1e-300, 0.0]
    want = torch._standard_gamma_grad(torch.tensor(a, dtype=torch.float64), torch.tensor(x, dtype=torch.float64))
    got = _standard_gamma_grad(ember.tensor(a, dtype=ember.float64), ember.tensor(x, dtype=ember.float64))
    np.testing.assert_array_equal(got.numpy(), want.numpy())
    alpha, draws = np.array([[0.5], [2.0], [30.0]]), np.array([0.3, 1.5, 29.0, 40.0])
    want = torch._standard_gamma_grad(torch.tensor(alpha), torch.tensor(draws))
    got = _standard_gamma_grad(ember.tensor(alpha), ember.tensor(draws))
    assert tuple(got.shape) == (3, 4)
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-12)


def test_standard_gamma_backward_is_torchs_reparameterisation_gradient():
    """ember's draws, differentiated: d x / d alpha must be torch._standard_gamma_grad(alpha, x) for the same x."""
    ember.manual_seed(1)
    alpha = ember.tensor(np.geomspace(0.05, 200, 40), dtype=ember.float64, requires_grad=True)
    x = _standard_gamma(alpha)
    assert x.grad_fn.name() == "StandardGammaBackward0"
    w = ember.linspace(-1, 2, 40, dtype=ember.float64)
    (x * w).sum().backward()
    want = torch._standard_gamma_grad(torch.tensor(alpha.detach().numpy()), torch.tensor(x.detach().numpy()))
    np.testing.assert_allclose(alpha.grad.numpy(), want.numpy() * w.numpy(), rtol=1e-12)
    with pytest.raises(NotImplementedError, match="derivative for '_standard_gamma_grad' is not implemented"):
        g = _standard_gamma_grad(alpha, x)
        ember.autograd.grad(g.sum(), alpha)


@pytest.mark.parametrize("alpha", [0.05, 0.7, 1.0, 4.5, 300.0])
def test_standard_gamma_draws_follow_gamma(alpha):
    ember.manual_seed(0)
    for dtype in (ember.float64, ember.float32):
        x = _standard_gamma(ember.full((4000,), alpha, dtype=dtype))
        assert x.dtype is dtype and bool((x > 0).all())
        # Kolmogorov-Smirnov against scipy's Gamma(alpha) cdf; fixed seed, so the p-value is a fixed number
        assert stats.kstest(x.double().numpy(), stats.gamma(alpha).cdf).pvalue > 1e-3


def test_standard_gamma_clamps_like_torch():
    """Draws are at least the dtype's smallest normal number, which is also the result for alpha <= 0 or NaN."""
    ember.manual_seed(0)
    alpha = ember.tensor([0.0, -1.0, float("nan"), 1e-30, float("inf")])
    assert _standard_gamma(alpha).tolist()[:4] == [ember.finfo(ember.float32).tiny] * 4
    assert _standard_gamma(alpha).tolist()[4] == float("inf")
    x = _standard_gamma(ember.full((1000,), 0.005))  # most float32 draws underflow
    assert float(x.min()) == ember.finfo(ember.float32).tiny and bool(ember.isfinite(x.log()).all())
    assert tuple(_standard_gamma(ember.ones(2, 0, 3)).shape) == (2, 0, 3)
    assert _standard_gamma(ember.tensor(2.0, dtype=ember.float64)).dtype is ember.float64


def test_generator_makes_draws_reproducible():
    g = ember.Generator().manual_seed(7)
    a = _standard_gamma(ember.full((5,), 2.0), generator=g)
    b = ember.binomial(ember.full((5,), 20.0), ember.full((5,), 0.4), generator=g)
    g.manual_seed(7)
    assert _standard_gamma(ember.full((5,), 2.0), generator=g).tolist() == a.tolist()
    assert ember.binomial(ember.full((5,), 20.0), ember.full((5,), 0.4), generator=g).tolist() == b.tolist()


def test_binomial_draws_follow_binomial():
    ember.manual_seed(0)
    count = ember.tensor([[0.0], [1.0], [7.0], [40.0], [1e6]], dtype=ember.float64)
    prob = ember.tensor([0.0, 0.3, 0.9, 1.0], dtype=ember.float64)
    x = ember.binomial(count.expand(5, 4).unsqueeze(0).expand(3000, 5, 4).contiguous(), prob)
    assert x.dtype is ember.float64 and tuple(x.shape) == (3000, 5, 4)
    n, p = count.numpy(), prob.numpy()
    got = x.numpy()
    assert (got == np.round(got)).all() and (got >= 0).all() and (got <= n).all()
    np.testing.assert_array_equal(got[:, :, 0], 0)  # p = 0
    np.testing.assert_array_equal(got[:, :, 3], np.broadcast_to(n[:, 0], (3000, 5)))  # p = 1
    mean, std = n * p, np.sqrt(n * p * (1 - p))
    se = np.where(std > 0, std, 1) / np.sqrt(3000)
    assert (np.abs(got.mean(0) - mean) <= 5 * se).all()
    for k, (row, col) in enumerate([(2, 1), (3, 2)]):  # chi-square goodness of fit on two small cells
        counts = np.bincount(got[:, row, col].astype(int), minlength=int(n[row, 0]) + 1)
        expected = stats.binom(int(n[row, 0]), p[col]).pmf(np.arange(len(counts))) * 3000
        keep = expected > 5
        assert stats.chisquare(counts[keep], expected[keep] * counts[keep].sum() / expected[keep].sum()).pvalue > 1e-3
    assert ember.binomial(ember.tensor([3.0]), ember.tensor([0.5])).dtype is ember.float32


def test_binomial_errors_and_no_gradient_match_torch():
    def both(fn):
        with pytest.raises(Exception) as t_err:
            fn(torch)
        with pytest.raises(type(t_err.value), match="^" + re.escape(str(t_err.value)) + "$"):
            fn(ember)

    both(lambda lib: lib.binomial(lib.tensor([1, 2]), lib.tensor([0.5, 0.5])))
    both(lambda lib: lib.binomial(lib.tensor([1.0, 2.0]), lib.tensor([1, 0])))
    both(lambda lib: lib.binomial(lib.tensor([1.0, 2.0]), lib.tensor([0.5, 0.5], dtype=lib.float64)))
    both(lambda lib: lib.binomial(lib.tensor([1.0, 2.0]).half(), lib.tensor([0.5, 0.5]).half()))
    both(lambda lib: lib.binomial(lib.tensor([1.0, 2.0]), 0.5))
    both(lambda lib: lib.binomial(lib.tensor([10.0]), lib.tensor([0.5], requires_grad=True)).sum().backward())
    # torch returns garbage for these; ember refuses them
    with pytest.raises(RuntimeError, match=r"binomial expects count to hold whole numbers in \[0, 2\*\*63\), but "
                                           r"found 2.5"):
        ember.binomial(ember.tensor([3.0, 2.5]), ember.tensor([0.5, 0.5]))
    with pytest.raises(RuntimeError, match="found -1"):
        ember.binomial(ember.tensor([-1.0]), ember.tensor([0.5]))
    with pytest.raises(RuntimeError, match=r"binomial expects prob to be in \[0, 1\], but found -0.5"):
        ember.binomial(ember.tensor([3.0]), ember.tensor([-0.5]))
    with pytest.raises(RuntimeError, match=r"binomial\(\): The size of tensor a \(3\) must match the size of tensor "
                                           r"b \(2\)"):
        ember.binomial(ember.ones(3), ember.ones(2))


def test_standard_gamma_errors_match_torch():
    for lib in (torch, ember):
        sample = lib._standard_gamma if lib is torch else _standard_gamma
        grad = lib._standard_gamma_grad if lib is torch else _standard_gamma_grad
        with pytest.raises(NotImplementedError, match="\"gamma_cpu\" not implemented for 'Long'"):
            sample(lib.tensor([1, 2]))
        with pytest.raises(NotImplementedError, match="\"gamma_cpu\" not implemented for 'Half'"):
            sample(lib.ones(2, dtype=lib.float16))
        with pytest.raises(RuntimeError, match="Found dtype Double but expected Float"):
            grad(lib.ones(2), lib.ones(2, dtype=lib.float64))
        with pytest.raises(NotImplementedError, match="\"_standard_gamma_grad_cpu\" not implemented for 'Long'"):
            grad(lib.tensor([1, 2]), lib.tensor([1, 2]))
        with pytest.raises(RuntimeError, match=r"size of tensor a \(3\) must match the size of tensor b \(2\)"):
            grad(lib.ones(3), lib.ones(2))
        with pytest.raises(TypeError, match="argument 'generator' must be torch.Generator, not int"):
            sample(lib.ones(2), generator=5)


def test_exported_like_torch():
    """torch._standard_gamma / torch._standard_gamma_grad / torch.binomial spellings; not Tensor methods."""
    assert ember._standard_gamma is _standard_gamma and ember._standard_gamma_grad is _standard_gamma_grad
    assert "binomial" in ember.__all__ and "_standard_gamma" not in ember.__all__
    assert not hasattr(ember.Tensor, "binomial") and not hasattr(ember.Tensor, "_standard_gamma")
