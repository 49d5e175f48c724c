"""Dropout functionals and modules: scaling, statistics, channel-wise masks, eval identity,
reproducibility under ember.manual_seed, in-place variants, argument checks (vs PyTorch's)."""
from __future__ import annotations

import math

import ember
import ember.nn as nn
import ember.nn.functional as F
import numpy as np
import pytest
import torch

SELU_ALPHA = 1.7580993408473766
NAMES = ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout"]


@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
def test_dropout_scales_kept_elements_and_drops_about_p(p):
    ember.manual_seed(0)
    x = ember.ones(200_000)
    y = F.dropout(x, p)
    v = y.numpy()
    kept = v != 0
    np.testing.assert_allclose(v[kept], np.float32(1 / (1 - p)), rtol=1e-6)
    assert abs((~kept).mean() - p) < 0.01
    assert abs(v.mean() - 1.0) < 0.02  # unbiased in expectation
    assert y.dtype == ember.float32


def test_dropout_gradient_is_the_scaled_mask():
    ember.manual_seed(1)
    x = ember.randn(50, 40, requires_grad=True)
    y = F.dropout(x, 0.4)
    y.sum().backward()
    mask = (y.detach() != 0).numpy()
    np.testing.assert_allclose(x.grad.numpy(), mask / np.float32(0.6), rtol=1e-6)
    np.testing.assert_allclose(y.detach().numpy(), x.detach().numpy() * mask / np.float32(0.6), rtol=1e-6)


def test_manual_seed_reproduces_masks():
    x = ember.randn(64, 32)
    outs = []
    for _ in range(2):
        ember.manual_seed(1234)
        outs.append([F.dropout(x, 0.5).numpy(), F.dropout2d(x.reshape(4, 16, 4, 8), 0.5).numpy(),
                     F.alpha_dropout(x, 0.3, training=True).numpy()])
    for a, b in zip(*outs):
        np.testing.assert_array_equal(a, b)
    ember.manual_seed(4321)
    assert not np.array_equal(F.dropout(x, 0.5).numpy(), outs[0][0])


def test_eval_and_no_op_cases_return_the_input():
    x = ember.randn(3, 4)
    assert F.dropout(x, 0.5, training=False) is x
    assert F.dropout(x, 0.0) is x
    assert F.alpha_dropout(x, 0.5) is x  # training defaults to False for alpha dropout, like torch
    assert F.feature_alpha_dropout(x, 0.5) is x
    for name in NAMES:
        m = getattr(nn, name)(0.5)
        m.eval()
        inp = ember.randn(2, 3, 4, 5, 6) if "3d" in name else ember.randn(2, 3, 4, 5)
        if "1d" in name:
            inp = ember.randn(2, 3, 4)
        assert m(inp) is inp
    np.testing.assert_array_equal(F.dropout(x, 1.0).numpy(), np.zeros((3, 4), np.float32))
    e = ember.empty(0, 3)
    assert F.dropout(e, 0.5) is e


# lead: how many leading dims index a channel (2 batched, 1 for an unbatched input)
@pytest.mark.parametrize("fn,shape,lead", [(F.dropout1d, (4, 6, 50), 2), (F.dropout1d, (6, 50), 1),
                                           (F.dropout2d, (4, 6, 5, 10), 2), (F.dropout3d, (4, 6, 2, 5, 5), 2),
                                           (F.dropout3d, (6, 2, 5, 5), 1)])
def test_channelwise_dropout_zeroes_whole_channels(fn, shape, lead):
    ember.manual_seed(2)
    x = ember.rand(*shape) + 0.5  # nonzero everywhere
    y = fn(x, 0.5).numpy()
    ch = y.reshape(int(np.prod(shape[:lead])), -1)
    xs = x.numpy().reshape(ch.shape)
    zero = (ch == 0).all(1)
    kept = ~zero
    assert zero.any() and kept.any()
    np.testing.assert_allclose(ch[kept], xs[kept] * 2, rtol=1e-6)
    assert (ch[kept] != 0).all()
    assert y.shape == tuple(shape)


def test_channelwise_dropout_rank_checks_match_torch():
    for mod in (F, torch.nn.functional):
        with pytest.raises(RuntimeError, match="dropout1d: Expected 2D or 3D input, but received a 4D input"):
            mod.dropout1d((ember if mod is F else torch).ones(2, 3, 4, 5))
    with pytest.warns(UserWarning, match="dropout2d: Received a 3D input to dropout2d"):
        F.dropout2d(ember.ones(2, 3, 4))
    with pytest.warns(UserWarning, match="dropout2d: Received a 2-D input to dropout2d, which is deprecated"):
        F.dropout2d(ember.ones(2, 3))
    with pytest.warns(UserWarning, match="dropout3d: Received a 3-D input to dropout3d"):
        F.dropout3d(ember.ones(2, 3, 4))


def test_probability_validation_matches_torch():
    for fn in (F.dropout, F.alpha_dropout, F.dropout1d, F.dropout2d, F.dropout3d, F.feature_alpha_dropout):
        with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but got 1.5"):
            fn(ember.ones(2, 3, 4), 1.5)
    for name in NAMES:
        with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but got -0.1"):
            getattr(nn, name)(-0.1)
        with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but got -0.1"):
            getattr(torch.nn, name)(-0.1)


def test_inplace_modifies_the_input():
    ember.manual_seed(3)
    x = ember.ones(1000)
    y = F.dropout(x, 0.5, inplace=True)
    assert y is x
    assert set(np.unique(x.numpy())) == {0.0, 2.0}
    m = nn.Dropout(0.5, inplace=True)
    z = ember.ones(100, 10)
    assert m(z) is z
    a = ember.ones(4, 8, 3)
    r = F.dropout1d(a, 0.5, inplace=True)
    assert set(np.unique(a.numpy())) <= {0.0, 2.0} and r.shape == (4, 8, 3)


def test_alpha_dropout_values_and_self_normalization():
    p = 0.2
    a = 1.0 / math.sqrt((SELU_ALPHA ** 2 * p + 1) * (1 - p))
    ember.manual_seed(4)
    x = ember.randn(400_000)
    y = F.alpha_dropout(x, p, training=True)
    xv, yv = x.numpy().astype(np.float64), y.numpy().astype(np.float64)
    dropped_value = SELU_ALPHA * a * (p - 1)
    kept = ~np.isclose(yv, dropped_value, rtol=0, atol=1e-6) | np.isclose(a * xv + SELU_ALPHA * a * p, dropped_value,
                                                                            atol=1e-6)
    np.testing.assert_allclose(yv[kept], a * xv[kept] + SELU_ALPHA * a * p, rtol=1e-5, atol=1e-5)
    assert abs((~kept).mean() - p) < 0.01
    assert abs(yv.mean()) < 0.01 and abs(yv.std() - 1) < 0.01  # keeps zero mean / unit variance
    t = torch.nn.functional.alpha_dropout(torch.randn(400_000), p, training=True).double()
    assert abs(t.mean().item() - yv.mean()) < 0.02 and abs(t.std().item() - yv.std()) < 0.02


def test_feature_alpha_dropout_is_channelwise():
    ember.manual_seed(5)
    x = ember.randn(8, 16, 10)
    y = F.feature_alpha_dropout(x, 0.5, training=True).numpy().reshape(128, 10)
    p, a = 0.5, 1.0 / math.sqrt((SELU_ALPHA ** 2 * 0.5 + 1) * 0.5)
    dropped = np.isclose(y, SELU_ALPHA * a * (p - 1), atol=1e-6).all(1)
    assert dropped.any() and (~dropped).any()
    np.testing.assert_allclose(y[~dropped], a * x.numpy().reshape(128, 10)[~dropped] + SELU_ALPHA * a * p,
                               rtol=1e-5, atol=1e-6)


def test_modules_repr_and_training_switch():
    for name in NAMES:
        assert repr(getattr(nn, name)(0.3, inplace=True)) == repr(getattr(torch.nn, name)(0.3, inplace=True))
        assert repr(getattr(nn, name)()) == repr(getattr(torch.nn, name)())
    m = nn.Dropout(0.5)
    ember.manual_seed(6)
    x = ember.ones(1000)
    assert (m(x).numpy() == 0).any()
    m.eval()
    assert m(x) is x
    m.train()
    assert (m(x).numpy() == 0).any()
    assert list(m.state_dict()) == []
