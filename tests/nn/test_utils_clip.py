"""nn.utils gradient clipping and parameter/vector conversion against torch.nn.utils."""
import warnings

import numpy as np
import pytest
import torch

import ember
from ember.nn import utils

RNG = np.random.default_rng(0)


def _params(shapes, scale, dtype="float32"):
    """Matching torch/ember parameter lists with identical gradients."""
    tp, ep = [], []
    for s in shapes:
        v = RNG.standard_normal(s).astype(dtype)
        g = (RNG.standard_normal(s) * scale).astype(dtype)
        t = torch.nn.Parameter(torch.tensor(v))
        t.grad = torch.tensor(g)
        e = ember.nn.Parameter(ember.tensor(v))
        e.grad = ember.tensor(g)
        tp.append(t)
        ep.append(e)
    return tp, ep


SHAPES = [(3, 4), (4,), (2, 2, 2), ()]


@pytest.mark.parametrize("norm_type", [2.0, 1, 3.5, float("inf"), "inf"])
@pytest.mark.parametrize("max_norm,scale", [(1.0, 5.0), (100.0, 0.1)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_clip_grad_norm_matches_torch(norm_type, max_norm, scale, dtype):
    tp, ep = _params(SHAPES, scale, dtype)
    tn = torch.nn.utils.clip_grad_norm_(tp, max_norm, norm_type=norm_type)
    en = utils.clip_grad_norm_(ep, max_norm, norm_type=norm_type)
    assert isinstance(en, ember.Tensor) and en.ndim == 0 and en.dtype.name == dtype
    rtol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(en.item(), tn.item(), rtol=rtol)
    for t, e in zip(tp, ep):
        np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=rtol, atol=1e-7)


def test_clip_grad_norm_single_tensor_generator_and_missing_grads():
    tp, ep = _params([(5,), (3,)], 4.0)
    ep[1].grad = None
    tp[1].grad = None
    en = utils.clip_grad_norm_(ep[0], 0.5)
    tn = torch.nn.utils.clip_grad_norm_(tp[0], 0.5)
    np.testing.assert_allclose(en.item(), tn.item(), rtol=1e-6)
    np.testing.assert_allclose(ep[0].grad.numpy(), tp[0].grad.numpy(), rtol=1e-6)
    m = ember.nn.Linear(3, 2)
    assert utils.clip_grad_norm_(m.parameters(), 1.0).item() == 0.0  # no grads yet
    with pytest.warns(UserWarning, match="`parameters` is an empty generator"):
        utils.clip_grad_norm_((p for p in []), 1.0)
    before = ep[0].grad.clone()
    utils.clip_grad_norm_(ep, 1.0, foreach=True)  # foreach selects no other code path in ember
    utils.clip_grad_norm_(ep, 1.0, foreach=False)
    np.testing.assert_allclose(ep[0].grad.numpy(), before.numpy(), rtol=1e-6)  # already clipped to 0.5


def test_clip_grad_norm_non_finite():
    _, ep = _params([(3,)], 1.0)
    ep[0].grad = ember.tensor([1.0, float("nan"), 2.0])
    with pytest.raises(RuntimeError, match="The total norm of order 2.0 for gradients from `parameters` is "
                                           "non-finite, so it cannot be clipped"):
        utils.clip_grad_norm_(ep, 1.0, error_if_nonfinite=True)
    assert np.isnan(utils.clip_grad_norm_(ep, 1.0).item())


def test_clip_grad_norm_on_a_model_after_backward():
    t = torch.nn.Linear(4, 3)
    e = ember.nn.Linear(4, 3)
    e.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})
    x = RNG.standard_normal((8, 4)).astype(np.float32) * 10
    (t(torch.tensor(x)) ** 2).sum().backward()
    (e(ember.tensor(x)) ** 2).sum().backward()
    tn = torch.nn.utils.clip_grad_norm_(t.parameters(), 2.0)
    en = utils.clip_grad_norm_(e.parameters(), 2.0)
    np.testing.assert_allclose(en.item(), tn.item(), rtol=1e-5)
    np.testing.assert_allclose(e.weight.grad.numpy(), t.weight.grad.numpy(), rtol=1e-5, atol=1e-7)
    assert utils.get_total_norm([p.grad for p in e.parameters()]).item() == pytest.approx(2.0, rel=1e-5)


def test_get_total_norm_and_clip_grads_with_norm_match_torch():
    tp, ep = _params(SHAPES, 3.0)
    tn = torch.nn.utils.get_total_norm([p.grad for p in tp], 3.0)
    en = utils.get_total_norm([p.grad for p in ep], 3.0)
    np.testing.assert_allclose(en.item(), tn.item(), rtol=1e-6)
    torch.nn.utils.clip_grads_with_norm_(tp, 1.5, tn)
    utils.clip_grads_with_norm_(ep, 1.5, en)
    for t, e in zip(tp, ep):
        np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=1e-6, atol=1e-7)
    assert utils.get_total_norm([]).item() == 0.0


@pytest.mark.parametrize("clip", [0.1, 1.0, 5])
def test_clip_grad_value_matches_torch(clip):
    tp, ep = _params(SHAPES, 2.0)
    torch.nn.utils.clip_grad_value_(tp, clip)
    assert utils.clip_grad_value_(ep, clip) is None
    for t, e in zip(tp, ep):
        np.testing.assert_array_equal(e.grad.numpy(), t.grad.numpy())


def test_clip_grad_norm_deprecated_alias():
    _, ep = _params([(3,)], 1.0)
    with pytest.warns(FutureWarning, match="clip_grad_norm` is now deprecated"):
        utils.clip_grad_norm(ep, 1.0)


def test_parameters_to_vector_and_back():
    t = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Linear(4, 2))
    e = ember.nn.Sequential(ember.nn.Linear(3, 4), ember.nn.Linear(4, 2))
    e.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})
    tv = torch.nn.utils.parameters_to_vector(t.parameters())
    ev = utils.parameters_to_vector(e.parameters())
    assert ev.shape == tv.shape == (26,)
    np.testing.assert_array_equal(ev.detach().numpy(), tv.detach().numpy())
    (ev * ember.arange(26.0)).sum().backward()  # differentiable
    np.testing.assert_array_equal(e[0].weight.grad.numpy().ravel(), np.arange(12.0))
    new = np.arange(26, dtype=np.float32)
    w = e[0].weight
    utils.vector_to_parameters(ember.tensor(new), e.parameters())
    torch.nn.utils.vector_to_parameters(torch.tensor(new), t.parameters())
    assert e[0].weight is w and isinstance(w, ember.nn.Parameter)
    for (n, a), (_, b) in zip(e.state_dict().items(), t.state_dict().items()):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=n)
    with pytest.raises(TypeError, match="expected torch.Tensor, but got: list"):
        utils.vector_to_parameters([1.0], e.parameters())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        utils.parameters_to_vector([ember.ones(2), ember.ones(1, 1)])
