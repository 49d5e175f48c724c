"""LazyBatchNorm1d/2d/3d and LazyInstanceNorm1d/2d/3d against torch."""
import ember
import ember.nn as nn
import numpy as np
import pytest
import torch

RNG = np.random.default_rng(0)
TOL = {"rtol": 1e-4, "atol": 1e-5}

pytestmark = pytest.mark.filterwarnings("ignore:Lazy modules")

CASES = [("LazyBatchNorm1d", "BatchNorm1d", (4, 3)), ("LazyBatchNorm1d", "BatchNorm1d", (4, 3, 5)),
         ("LazyBatchNorm2d", "BatchNorm2d", (2, 3, 4, 4)), ("LazyBatchNorm3d", "BatchNorm3d", (2, 3, 2, 3, 3)),
         ("LazyInstanceNorm1d", "InstanceNorm1d", (2, 3, 6)), ("LazyInstanceNorm2d", "InstanceNorm2d", (2, 3, 4, 4)),
         ("LazyInstanceNorm3d", "InstanceNorm3d", (2, 3, 2, 3, 3))]


def _np(t):
    return t.detach().numpy()


@pytest.mark.parametrize("lazy,base,shape", CASES)
@pytest.mark.parametrize("kwargs", [{}, {"affine": False}, {"track_running_stats": False}, {"bias": False}])
def test_lazy_norm_matches_torch(lazy, base, shape, kwargs):
    t, e = getattr(torch.nn, lazy)(**kwargs), getattr(nn, lazy)(**kwargs)
    assert e.has_uninitialized_params() == t.has_uninitialized_params()
    x = RNG.standard_normal(shape).astype("float32")
    tx, ex = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    ty, ey = t(tx), e(ex)
    assert type(e) is getattr(nn, base) and e.num_features == shape[1]
    np.testing.assert_allclose(_np(ey), _np(ty), **TOL)
    esd, tsd = e.state_dict(), t.state_dict()
    assert list(esd) == list(tsd)
    for k in tsd:
        assert tuple(esd[k].shape) == tuple(tsd[k].shape) and esd[k].dtype.name == str(tsd[k].dtype)[6:], k
        np.testing.assert_allclose(esd[k].numpy(), tsd[k].numpy(), **TOL, err_msg=k)
    g = RNG.standard_normal(shape).astype("float32")
    ty.backward(torch.tensor(g))
    ey.backward(ember.tensor(g))
    np.testing.assert_allclose(_np(ex.grad), _np(tx.grad), rtol=1e-4, atol=1e-4)
    if t.weight is not None:
        np.testing.assert_allclose(_np(e.weight.grad), _np(t.weight.grad), rtol=1e-4, atol=1e-4)
    assert repr(e) == repr(t)


def test_lazy_norm_defaults_match_torch():
    # like PyTorch, the lazy instance norms default to affine=True, track_running_stats=True
    for name in ("LazyInstanceNorm2d", "LazyBatchNorm2d"):
        e, t = getattr(nn, name)(), getattr(torch.nn, name)()
        assert (e.affine, e.track_running_stats) == (t.affine, t.track_running_stats) == (True, True)
        assert e.cls_to_become is getattr(nn, name[4:])


def test_lazy_norm_load_state_dict_materializes():
    t = torch.nn.BatchNorm2d(5)
    t(torch.randn(4, 5, 3, 3))
    e = nn.LazyBatchNorm2d()
    e.load_state_dict({k: ember.tensor(v.numpy()) for k, v in t.state_dict().items()})
    np.testing.assert_allclose(e.running_mean.numpy(), t.running_mean.numpy(), **TOL)
    e.eval(), t.eval()
    x = RNG.standard_normal((2, 5, 3, 3)).astype("float32")
    np.testing.assert_allclose(_np(e(ember.tensor(x))), _np(t(torch.tensor(x))), **TOL)
    assert type(e) is nn.BatchNorm2d


def test_lazy_norm_input_dim_errors():
    with pytest.raises(ValueError, match="expected 4D input"):
        nn.LazyBatchNorm2d()(ember.ones(2, 3))


def test_lazy_norm_dtype_follows_factory_kwargs():
    e = nn.LazyBatchNorm1d(dtype=ember.float64)
    e(ember.randn(4, 3, dtype=ember.float64))
    assert e.weight.dtype == e.running_mean.dtype == ember.float64
    assert e.num_batches_tracked.dtype == ember.int64 and int(e.num_batches_tracked) == 1
