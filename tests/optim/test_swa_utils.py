"""ember.optim.swa_utils against torch.optim.swa_utils: AveragedModel (SWA, EMA, custom avg_fn, buffers) and
SWALR's learning-rate sequence."""
import ember
import ember.nn as enn
import ember.optim as eoptim
import numpy as np
import pytest
import torch
from ember.optim import swa_utils as eswa
from torch.optim import swa_utils as tswa


def _models(rng):
    tm = torch.nn.Linear(4, 3)
    em = enn.Linear(4, 3)
    with torch.no_grad(), ember.no_grad():
        for (_, tp), (_, ep) in zip(tm.named_parameters(), em.named_parameters()):
            v = rng.standard_normal(tuple(tp.shape)).astype(np.float32)
            tp.copy_(torch.tensor(v))
            ep.copy_(ember.tensor(v))
    return em, tm


@pytest.mark.parametrize("kind", ["swa", "ema_multi", "ema", "custom"])
def test_averaged_model_matches_torch(kind):
    rng = np.random.default_rng(0)
    em, tm = _models(rng)
    kw_e, kw_t = {}, {}
    if kind == "ema_multi":
        kw_e["multi_avg_fn"], kw_t["multi_avg_fn"] = eswa.get_ema_multi_avg_fn(0.9), tswa.get_ema_multi_avg_fn(0.9)
    elif kind == "ema":
        kw_e["avg_fn"], kw_t["avg_fn"] = eswa.get_ema_avg_fn(0.8), tswa.get_ema_avg_fn(0.8)
    elif kind == "custom":
        kw_e["avg_fn"] = kw_t["avg_fn"] = lambda avg, cur, n: 0.5 * (avg + cur)
    ea, ta = eswa.AveragedModel(em, **kw_e), tswa.AveragedModel(tm, **kw_t)
    assert list(dict(ea.named_parameters())) == list(dict(ta.named_parameters()))
    assert list(ea.state_dict()) == list(ta.state_dict())
    for _ in range(4):
        with torch.no_grad(), ember.no_grad():
            for tp, ep in zip(tm.parameters(), em.parameters()):
                d = rng.standard_normal(tuple(tp.shape)).astype(np.float32)
                tp.add_(torch.tensor(d))
                ep.add_(ember.tensor(d))
        ea.update_parameters(em)
        ta.update_parameters(tm)
    for (n, tp), (_, ep) in zip(ta.named_parameters(), ea.named_parameters()):
        np.testing.assert_allclose(ep.detach().numpy(), tp.detach().numpy(), rtol=1e-6, atol=1e-7, err_msg=n)
    assert int(ea.n_averaged) == int(ta.n_averaged) == 4
    x = rng.standard_normal((2, 4)).astype(np.float32)
    np.testing.assert_allclose(ea(ember.tensor(x)).detach().numpy(), ta(torch.tensor(x)).detach().numpy(),
                               rtol=1e-5, atol=1e-6)


def test_averaged_model_errors():
    with pytest.raises(AssertionError, match="Only one of avg_fn and multi_avg_fn should be provided"):
        eswa.AveragedModel(enn.Linear(2, 2), avg_fn=eswa.get_swa_avg_fn(), multi_avg_fn=eswa.get_swa_multi_avg_fn())
    with pytest.raises(ValueError, match="Invalid decay value 1.5 provided"):
        eswa.get_ema_avg_fn(1.5)


@pytest.mark.parametrize("kw", [{"swa_lr": 0.05}, {"swa_lr": [0.05, 0.01], "anneal_epochs": 3,
                                                          "anneal_strategy": "linear"}, {"swa_lr": 0.02, "anneal_epochs": 0}])
def test_swalr_matches_torch(kw):
    ep = [ember.zeros(1, requires_grad=True) for _ in range(2)]
    tp = [torch.zeros(1, requires_grad=True) for _ in range(2)]
    oe = eoptim.SGD([{"params": [ep[0]]}, {"params": [ep[1]], "lr": 0.3}], lr=0.5)
    ot = torch.optim.SGD([{"params": [tp[0]]}, {"params": [tp[1]], "lr": 0.3}], lr=0.5)
    se, st = eswa.SWALR(oe, **kw), tswa.SWALR(ot, **kw)
    for _ in range(15):
        oe.step()
        ot.step()
        se.step()
        st.step()
        assert se.get_last_lr() == pytest.approx(st.get_last_lr(), rel=1e-12)
    sd = se.state_dict()
    assert "anneal_func" not in sd and sorted(sd) == sorted(st.state_dict())
    with pytest.raises(ValueError, match="anneal_strategy must be one of 'cos' or 'linear'"):
        eswa.SWALR(oe, swa_lr=0.1, anneal_strategy="exp")
