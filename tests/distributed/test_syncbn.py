"""nn.SyncBatchNorm: a 2-rank MPI job (ranks/syncbn.py) plus one-process checks against PyTorch.

The MPI job trains a converted CNN under DistributedDataParallel on half the batch per rank and compares it
with one process on the whole batch; here, without a process group, SyncBatchNorm must be a BatchNorm and
``convert_sync_batchnorm`` must rebuild a module tree exactly as PyTorch's does.
"""
from __future__ import annotations

import ember
import numpy as np
import pytest
import torch
from ember import nn

from .conftest import needs_mpi


@needs_mpi
def test_sync_batchnorm_on_two_ranks_matches_one_process_on_the_whole_batch(mpirun):
    mpirun("syncbn.py").check(2)


def _pair(x):
    return ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)


@pytest.mark.parametrize("momentum,affine", [(0.1, True), (None, False)])
def test_without_a_process_group_it_is_batchnorm(momentum, affine):
    rng = np.random.default_rng(0)
    e = nn.SyncBatchNorm(4, momentum=momentum, affine=affine).double()
    plain = nn.BatchNorm2d(4, momentum=momentum, affine=affine).double()
    t = torch.nn.SyncBatchNorm(4, momentum=momentum, affine=affine).double()
    assert not ember.distributed.is_initialized()
    for _ in range(3):
        x = rng.standard_normal((3, 4, 2, 5)) * 2 + 1
        g = rng.standard_normal((3, 4, 2, 5))
        (xe, xt), xp = _pair(x), ember.tensor(x, requires_grad=True)
        ye, yt, yp = e(xe), t(xt), plain(xp)
        (ye * ember.tensor(g)).sum().backward()
        (yt * torch.tensor(g)).sum().backward()
        (yp * ember.tensor(g)).sum().backward()
        np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(ye.detach().numpy(), yp.detach().numpy(), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-10, atol=1e-12)
    for name, buf in t.named_buffers():
        np.testing.assert_allclose(getattr(e, name).numpy(), buf.numpy(), rtol=1e-12, atol=1e-12)
    for (name, p), (_, q) in zip(t.named_parameters(), e.named_parameters()):
        np.testing.assert_allclose(q.grad.numpy(), p.grad.numpy(), rtol=1e-10, atol=1e-12, err_msg=name)
    e.eval(), t.eval()
    x = rng.standard_normal((2, 4, 3))
    np.testing.assert_allclose(e(ember.tensor(x)).detach().numpy(), t(torch.tensor(x)).detach().numpy(),
                               rtol=1e-12, atol=1e-12)


def test_input_checks_match_pytorch():
    e, t = nn.SyncBatchNorm(3), torch.nn.SyncBatchNorm(3)
    for bad, kind in ((ember.randn(3), torch.randn(3)), (ember.randn(2, 0, 4), torch.randn(2, 0, 4))):
        with pytest.raises(ValueError) as want:
            t(kind)
        with pytest.raises(ValueError) as got:
            e(bad)
        assert str(got.value) == str(want.value)
    with pytest.raises(ValueError, match="Expected more than 1 value per channel when training"):
        e(ember.randn(1, 3))


def _tree(m):
    """The same small module tree built from ``m`` (torch.nn or ember.nn)."""
    inner = m.Sequential(m.Linear(4, 3), m.BatchNorm1d(3, affine=False), m.ReLU())
    tree = m.Sequential(m.Conv2d(2, 3, 1), m.BatchNorm2d(3, momentum=None), inner, m.BatchNorm3d(5, bias=False),
                        m.BatchNorm1d(3, track_running_stats=False))
    tree[3].eval()
    return tree


def test_convert_sync_batchnorm_builds_the_tree_pytorch_builds():
    ember.manual_seed(0)
    e = _tree(nn)
    t = _tree(torch.nn)
    before = dict(e.named_parameters())
    group = object()  # stored as given: only used at forward time
    ce, ct = nn.SyncBatchNorm.convert_sync_batchnorm(e, group), torch.nn.SyncBatchNorm.convert_sync_batchnorm(t)
    assert ce is e  # a container is converted in place and returned
    assert [(n, type(m).__name__) for n, m in ce.named_modules()] == \
        [(n, type(m).__name__) for n, m in ct.named_modules()]
    assert list(ce.state_dict()) == list(ct.state_dict())
    assert repr(ce) == repr(ct)
    assert [m.training for m in ce.modules()] == [m.training for m in ct.modules()]
    # parameters and buffers are shared with the BatchNorms they replace, not copied
    assert all(p is before[n] for n, p in ce.named_parameters())
    assert ce[1].process_group is group and ce[2][1].process_group is group
    bn = nn.BatchNorm1d(3)
    converted = nn.SyncBatchNorm.convert_sync_batchnorm(bn)
    assert type(converted) is nn.SyncBatchNorm and converted is not bn
    assert converted.running_var is bn.running_var and converted.num_batches_tracked is bn.num_batches_tracked
