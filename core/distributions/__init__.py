"""ember.distributions: torch.distributions written in ember ops (so it runs, and differentiates, on every backend).

    from ember.distributions import Normal, Categorical, kl_divergence
    pi = Categorical(logits=policy(obs))
    action = pi.sample()
    loss = -(pi.log_prob(action) * advantage).mean()       # REINFORCE
    kl = kl_divergence(Normal(mu, sigma), Normal(0.0, 1.0))  # VAE prior term

Sampling draws from ember's random ops, so ``ember.manual_seed`` makes it reproducible. Gamma, Beta and
Dirichlet samples are reparameterised through ``ember._standard_gamma``.
"""
from . import constraints, transforms
from .bernoulli import Bernoulli
from .binomial import Binomial, Multinomial
from .categorical import Categorical, OneHotCategorical
from .dirichlet import Beta, Dirichlet
from .distribution import Distribution
from .exponential import Exponential
from .gamma import Gamma
from .independent import Independent
from .kl import kl_divergence, register_kl
from .laplace import Laplace
from .multivariate_normal import MultivariateNormal
from .normal import Normal
from .poisson import Poisson
from .transformed_distribution import Gumbel, LogNormal, TransformedDistribution
from .transforms import (AffineTransform, ComposeTransform, ExpTransform, SigmoidTransform, TanhTransform,
                         Transform, identity_transform)
from .uniform import Uniform

__all__ = [
    "AffineTransform", "Bernoulli", "Beta", "Binomial", "Categorical", "ComposeTransform", "Dirichlet",
    "Distribution", "ExpTransform", "Exponential", "Gamma", "Gumbel", "Independent", "Laplace", "LogNormal",
    "Multinomial", "MultivariateNormal", "Normal", "OneHotCategorical", "Poisson", "SigmoidTransform",
    "TanhTransform", "Transform", "TransformedDistribution", "Uniform", "constraints", "identity_transform",
    "kl_divergence", "register_kl", "transforms",
]
