"""nn.DataParallel without GPUs (PyTorch then just calls the wrapped module) against torch."""
import ember
import ember.nn as nn
import numpy as np
import pytest
import torch


def _np(t):
    return t.detach().numpy()


def test_data_parallel_calls_module_and_prefixes_state_dict():
    t = torch.nn.DataParallel(torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2)))
    e = nn.DataParallel(nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2)))
    assert isinstance(e.module, nn.Sequential)
    assert list(e.state_dict()) == list(t.state_dict()) == ["module.0.weight", "module.0.bias", "module.2.weight",
                                                            "module.2.bias"]
    e.load_state_dict({k: ember.tensor(_np(v)) for k, v in t.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((5, 4)).astype("float32")
    tx, ex = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    ty, ey = t(tx), e(ex)
    np.testing.assert_allclose(_np(ey), _np(ty), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(_np(ey), _np(e.module(ex)), rtol=0, atol=0)
    ty.sum().backward()
    ey.sum().backward()
    np.testing.assert_allclose(_np(ex.grad), _np(tx.grad), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(_np(e.module[0].weight.grad), _np(t.module[0].weight.grad), rtol=1e-5, atol=1e-6)
    assert [n for n, _ in e.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert e.device_ids == t.device_ids == []
    assert repr(e).startswith("DataParallel(")


def test_data_parallel_kwargs_and_unwrapped_checkpoint():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(2, 2)

        def forward(self, x, *, scale=1.0):
            return self.lin(x) * scale

    net = Net()
    dp = nn.DataParallel(net, device_ids=None, output_device=None, dim=0)
    x = ember.randn(3, 2)
    np.testing.assert_allclose(_np(dp(x, scale=2.0)), _np(net(x)) * 2.0, rtol=1e-6)
    plain = Net()
    plain.load_state_dict(dp.module.state_dict())
    np.testing.assert_allclose(_np(plain(x)), _np(net(x)), rtol=0)


def test_stateless_functional_call_rejects_data_parallel():
    from ember.nn.utils import stateless
    dp = nn.DataParallel(nn.Linear(2, 2))
    with pytest.raises(RuntimeError, match="can't be used with nn.DataParallel"), \
            pytest.warns(FutureWarning):
        stateless.functional_call(dp, {}, (ember.ones(1, 2),))
