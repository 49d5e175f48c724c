"""Normalization layers and functionals against PyTorch: forward, input/parameter gradients, running
statistics over several training steps, eval behaviour, state_dicts, reprs, errors, decompositions."""
from __future__ import annotations

import ember
import ember.nn as nn
import ember.nn.functional as F
import numpy as np
import pytest
import torch

RTOL = {"float32": 1e-4, "float64": 1e-10}


def close(e, t, dtype="float32", atol=None):
    e = e.detach().numpy() if isinstance(e, ember.Tensor) else np.asarray(e)
    t = t.detach().numpy() if isinstance(t, torch.Tensor) else np.asarray(t)
    rtol = RTOL[dtype]
    np.testing.assert_allclose(e, t, rtol=rtol, atol=rtol if atol is None else atol)


def copy_state(tmod, emod):
    """Load a torch module's state into the ember module (same keys)."""
    emod.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in tmod.state_dict().items()})


def rand(rng, shape, dtype="float32"):
    return rng.standard_normal(shape).astype(dtype)


def run_both(tmod, emod, x, g, dtype="float32"):
    """Forward + backward in both; compares output, input grad and every parameter grad."""
    tx = torch.tensor(x, requires_grad=True)
    ex = ember.tensor(x, requires_grad=True)
    to, eo = tmod(tx), emod(ex)
    close(eo, to, dtype)
    assert eo.dtype == getattr(ember, dtype)
    to.backward(torch.tensor(g))
    eo.backward(ember.tensor(g))
    close(ex.grad, tx.grad, dtype)
    tp, ep = dict(tmod.named_parameters()), dict(emod.named_parameters())
    assert list(tp) == list(ep)
    for k, tparam in tp.items():
        close(ep[k].grad, tparam.grad, dtype)


# --- BatchNorm ---------------------------------------------------------------------------------

BN_CASES = [("BatchNorm1d", (8, 3)), ("BatchNorm1d", (4, 3, 5)), ("BatchNorm2d", (4, 3, 5, 2)),
            ("BatchNorm3d", (2, 3, 2, 3, 2))]


@pytest.mark.parametrize("name,shape", BN_CASES)
@pytest.mark.parametrize("momentum", [0.1, 0.3, None])
def test_batchnorm_training_steps_match_torch(name, shape, momentum):
    rng = np.random.default_rng(0)
    tmod = getattr(torch.nn, name)(3, momentum=momentum)
    emod = getattr(nn, name)(3, momentum=momentum)
    with torch.no_grad():
        tmod.weight.uniform_(0.5, 1.5)
        tmod.bias.uniform_(-1, 1)
    copy_state(tmod, emod)
    for _ in range(3):
        tmod.zero_grad()
        emod.zero_grad()
        run_both(tmod, emod, rand(rng, shape) * 2 + 1, rand(rng, shape))
    close(emod.running_mean, tmod.running_mean)
    close(emod.running_var, tmod.running_var)
    assert emod.num_batches_tracked.dtype == ember.int64
    assert int(emod.num_batches_tracked) == int(tmod.num_batches_tracked) == 3
    assert not emod.running_mean.requires_grad and emod.running_mean.grad_fn is None
    tmod.eval()
    emod.eval()
    x = rand(rng, shape)
    close(emod(ember.tensor(x)), tmod(torch.tensor(x)))
    run_both(tmod, emod, x, rand(rng, shape))


def test_batchnorm_float64_and_options():
    rng = np.random.default_rng(1)
    for kw in ({"affine": False}, {"bias": False}, {"track_running_stats": False}, {"eps": 1e-3, "affine": False,
                                                                    "track_running_stats": False}):
        tmod = torch.nn.BatchNorm2d(4, dtype=torch.float64, **kw)
        emod = nn.BatchNorm2d(4, dtype=ember.float64, **kw)
        copy_state(tmod, emod)
        for _ in range(2):
            run_both(tmod, emod, rand(rng, (3, 4, 2, 2), "float64"), rand(rng, (3, 4, 2, 2), "float64"), "float64")
        tmod.eval()
        emod.eval()
        # without running stats, eval keeps using the batch statistics
        run_both(tmod, emod, rand(rng, (3, 4, 2, 2), "float64"), rand(rng, (3, 4, 2, 2), "float64"), "float64")
        assert [k for k, _ in emod.named_buffers()] == [k for k, _ in tmod.named_buffers()]


def test_batchnorm_state_dict_repr_and_init():
    for name in ("BatchNorm1d", "BatchNorm2d", "BatchNorm3d"):
        t, e = getattr(torch.nn, name)(16), getattr(nn, name)(16)
        assert list(e.state_dict()) == list(t.state_dict())
        assert repr(e) == repr(t)
        for k, v in t.state_dict().items():
            ev = e.state_dict()[k]
            assert tuple(ev.shape) == tuple(v.shape)
            np.testing.assert_array_equal(ev.numpy(), v.numpy())
    e = nn.BatchNorm2d(4, momentum=None, affine=False, track_running_stats=False)
    assert repr(e) == repr(torch.nn.BatchNorm2d(4, momentum=None, affine=False, track_running_stats=False))
    assert list(e.state_dict()) == []
    assert e.weight is None and e.running_mean is None


def test_batchnorm_input_checks():
    with pytest.raises(ValueError, match=r"expected 4D input \(got 3D input\)"):
        nn.BatchNorm2d(3)(ember.randn(2, 3, 4))
    with pytest.raises(ValueError, match=r"expected 2D or 3D input \(got 4D input\)"):
        nn.BatchNorm1d(3)(ember.randn(2, 3, 4, 4))
    with pytest.raises(ValueError, match=r"expected 5D input \(got 4D input\)"):
        nn.BatchNorm3d(3)(ember.randn(2, 3, 4, 4))
    with pytest.raises(RuntimeError, match="running_mean should contain 4 elements not 3"):
        nn.BatchNorm2d(3)(ember.randn(2, 4, 3, 3))
    with pytest.raises(ValueError, match="Expected more than 1 value per channel when training"):
        nn.BatchNorm1d(3)(ember.randn(1, 3))
    with pytest.raises(RuntimeError, match="mixed dtype"):
        F.batch_norm(ember.randn(4, 3, dtype=ember.float64), ember.zeros(3), ember.ones(3), training=True)


def test_batchnorm_load_state_dict_without_num_batches_tracked():
    src = nn.BatchNorm1d(3)
    sd = src.state_dict()
    del sd["num_batches_tracked"]
    dst = nn.BatchNorm1d(3)
    dst.num_batches_tracked.fill_(5)
    sd._metadata[""] = {"version": 1}  # an old (pre-version-2) checkpoint: the buffer defaults
    result = dst.load_state_dict(sd)
    assert list(result.missing_keys) == [] and list(result.unexpected_keys) == []
    assert int(dst.num_batches_tracked) == 5
    sd._metadata[""] = {"version": 2}  # a current checkpoint must have it
    with pytest.raises(RuntimeError, match="num_batches_tracked"):
        nn.BatchNorm1d(3).load_state_dict(sd)


def test_batchnorm_checkpoint_interchange_with_torch():
    rng = np.random.default_rng(2)
    t = torch.nn.BatchNorm1d(3)
    for _ in range(2):
        t(torch.tensor(rand(rng, (5, 3))))
    e = nn.BatchNorm1d(3)
    copy_state(t, e)
    assert int(e.num_batches_tracked) == 2
    back = torch.nn.BatchNorm1d(3)
    back.load_state_dict({k: torch.tensor(v.numpy()) for k, v in e.state_dict().items()})
    for k, v in t.state_dict().items():
        np.testing.assert_array_equal(back.state_dict()[k].numpy(), v.numpy())


def test_functional_batch_norm_running_stats_and_eval():
    rng = np.random.default_rng(3)
    x = rand(rng, (6, 4, 3))
    erm, erv = ember.zeros(4), ember.ones(4)
    trm, trv = torch.zeros(4), torch.ones(4)
    for _ in range(2):
        close(F.batch_norm(ember.tensor(x), erm, erv, training=True, momentum=0.25),
              torch.nn.functional.batch_norm(torch.tensor(x), trm, trv, training=True, momentum=0.25))
    close(erm, trm)
    close(erv, trv)  # unbiased batch variance, like torch
    close(F.batch_norm(ember.tensor(x), erm, erv), torch.nn.functional.batch_norm(torch.tensor(x), trm, trv))
    with pytest.raises(RuntimeError, match="running_mean must be defined in evaluation mode"):
        F.batch_norm(ember.tensor(x), None, None)


# --- instance norm ----------------------------------------------------------------------------

@pytest.mark.parametrize("name,shape", [("InstanceNorm1d", (2, 3, 5)), ("InstanceNorm1d", (3, 5)),
                                        ("InstanceNorm2d", (2, 3, 4, 2)), ("InstanceNorm3d", (2, 3, 2, 2, 3))])
@pytest.mark.parametrize("kw", [{}, {"affine": True}, {"affine": True, "track_running_stats": True}])
def test_instancenorm_matches_torch(name, shape, kw):
    rng = np.random.default_rng(4)
    tmod, emod = getattr(torch.nn, name)(3, **kw), getattr(nn, name)(3, **kw)
    assert repr(emod) == repr(tmod)
    assert list(emod.state_dict()) == list(tmod.state_dict())
    if kw.get("affine"):
        with torch.no_grad():
            tmod.weight.uniform_(0.5, 1.5)
            tmod.bias.uniform_(-1, 1)
    copy_state(tmod, emod)
    for _ in range(2):
        tmod.zero_grad()
        emod.zero_grad()
        run_both(tmod, emod, rand(rng, shape) + 1, rand(rng, shape))
    if kw.get("track_running_stats"):
        close(emod.running_mean, tmod.running_mean)
        close(emod.running_var, tmod.running_var)
    tmod.eval()
    emod.eval()
    x = rand(rng, shape)
    close(emod(ember.tensor(x)), tmod(torch.tensor(x)))


def test_instancenorm_checks():
    with pytest.raises(ValueError, match=r"expected 3D or 4D input \(got 2D input\)"):
        nn.InstanceNorm2d(3)(ember.randn(2, 3))
    with pytest.raises(ValueError, match=r"expected input's size at dim=1 to match num_features \(4\), but got: 3"):
        nn.InstanceNorm1d(4, affine=True)(ember.randn(2, 3, 5))
    with pytest.warns(UserWarning, match="does not match num_features"):
        nn.InstanceNorm1d(4)(ember.randn(2, 3, 5))
    with pytest.raises(ValueError, match="Expected more than 1 spatial element when training"):
        F.instance_norm(ember.randn(2, 3, 1))


# --- LayerNorm / GroupNorm / RMSNorm / LocalResponseNorm ---------------------------------------

@pytest.mark.parametrize("args,kw,shape", [((5,), {}, (4, 5)), ((5,), {"bias": False}, (2, 3, 5)),
                                           (([3, 5],), {}, (2, 3, 5)), ((4,), {"elementwise_affine": False}, (3, 4)),
                                           ((6,), {"eps": 1e-2}, (6,))])
def test_layernorm_matches_torch(args, kw, shape):
    rng = np.random.default_rng(5)
    tmod, emod = torch.nn.LayerNorm(*args, **kw), nn.LayerNorm(*args, **kw)
    assert repr(emod) == repr(tmod)
    assert list(emod.state_dict()) == list(tmod.state_dict())
    if tmod.weight is not None:
        with torch.no_grad():
            tmod.weight.uniform_(0.5, 1.5)
    copy_state(tmod, emod)
    run_both(tmod, emod, rand(rng, shape) * 3 + 2, rand(rng, shape))


@pytest.mark.parametrize("groups,channels,shape,kw", [(2, 4, (3, 4, 5), {}), (3, 6, (2, 6, 2, 3), {}),
                                                      (1, 3, (2, 3), {"affine": False}), (4, 4, (2, 4, 3), {}),
                                                      (2, 4, (2, 4, 3), {"bias": False})])
def test_groupnorm_matches_torch(groups, channels, shape, kw):
    rng = np.random.default_rng(6)
    tmod, emod = torch.nn.GroupNorm(groups, channels, **kw), nn.GroupNorm(groups, channels, **kw)
    assert repr(emod) == repr(tmod)
    assert list(emod.state_dict()) == list(tmod.state_dict())
    with torch.no_grad():
        for p in tmod.parameters():
            p.uniform_(0.5, 1.5)
    copy_state(tmod, emod)
    run_both(tmod, emod, rand(rng, shape), rand(rng, shape))


def test_groupnorm_checks():
    with pytest.raises(ValueError, match=r"num_channels \(3\) must be divisible by num_groups \(2\)"):
        nn.GroupNorm(2, 3)
    with pytest.raises(RuntimeError, match="divisible by num_groups"):
        F.group_norm(ember.randn(2, 3, 4), 2)


@pytest.mark.parametrize("args,kw,shape", [((5,), {}, (4, 5)), (([2, 3],), {"eps": 1e-3}, (4, 2, 3)),
                                           ((4,), {"elementwise_affine": False}, (3, 4))])
def test_rmsnorm_matches_torch(args, kw, shape):
    rng = np.random.default_rng(7)
    tmod, emod = torch.nn.RMSNorm(*args, **kw), nn.RMSNorm(*args, **kw)
    assert repr(emod) == repr(tmod)
    if tmod.weight is not None:
        with torch.no_grad():
            tmod.weight.uniform_(0.5, 1.5)
    copy_state(tmod, emod)
    run_both(tmod, emod, rand(rng, shape), rand(rng, shape))


def test_rms_norm_default_eps_per_dtype():
    rng = np.random.default_rng(8)
    for dt in ("float32", "float64"):
        x = rand(rng, (3, 4), dt) * 1e-4
        close(F.rms_norm(ember.tensor(x), (4,)), torch.nn.functional.rms_norm(torch.tensor(x), (4,)), dt)
    h = rand(rng, (3, 4)).astype(np.float16)
    e = F.rms_norm(ember.tensor(h), (4,))
    t = torch.nn.functional.rms_norm(torch.tensor(h), (4,))
    assert e.dtype == ember.float16
    np.testing.assert_allclose(e.numpy().astype(np.float32), t.numpy().astype(np.float32), rtol=2e-3, atol=2e-3)


@pytest.mark.parametrize("size,shape,kw", [(3, (2, 5, 4), {}), (2, (2, 4, 3, 3), {"alpha": 0.5, "beta": 0.6}),
                                           (4, (1, 3, 2, 2, 2), {"k": 2.0}), (1, (2, 3, 2), {})])
def test_local_response_norm_matches_torch(size, shape, kw):
    rng = np.random.default_rng(9)
    tmod, emod = torch.nn.LocalResponseNorm(size, **kw), nn.LocalResponseNorm(size, **kw)
    assert repr(emod) == repr(tmod)
    run_both(tmod, emod, rand(rng, shape), rand(rng, shape))
    with pytest.raises(ValueError, match="Expected 3D or higher dimensionality"):
        emod(ember.randn(2, 3))


# --- second derivatives and decompositions -------------------------------------------------------

NORM_FNS = {
    "batch_norm": (lambda m, x, w, b: m.nn.functional.batch_norm(x, None, None, w, b, training=True), (4, 3, 5)),
    "layer_norm": (lambda m, x, w, b: m.nn.functional.layer_norm(x, (5,), w.repeat(2)[:5], b.repeat(2)[:5]),
                   (4, 3, 5)),
    "group_norm": (lambda m, x, w, b: m.nn.functional.group_norm(x.reshape(4, 6, -1).narrow(1, 0, 3), 3, w, b),
                   (4, 3, 10)),
}


@pytest.mark.parametrize("name", sorted(NORM_FNS))
def test_second_derivatives_match_torch(name):
    fn, shape = NORM_FNS[name]
    rng = np.random.default_rng(10)
    arrays = [rand(rng, shape, "float64"), rand(rng, (3,), "float64"), rand(rng, (3,), "float64")]
    res = {}
    for m in (ember, torch):
        args = [m.tensor(a, requires_grad=True) for a in arrays]
        out = fn(m, *args)
        grads = m.autograd.grad((out ** 3).sum(), args, create_graph=True)
        second = m.autograd.grad(sum((g * g).sum() for g in grads), args)
        res[m.__name__] = [g.detach().numpy() for g in grads + second]
    for e, t in zip(res["ember"], res["torch"]):
        np.testing.assert_allclose(e, t, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("name", ["batch_norm", "layer_norm", "group_norm"])
@pytest.mark.parametrize("missing", [("",), ("_backward",), ("", "_backward")])
def test_decomposition_matches_fused_kernel(name, missing, monkeypatch):
    """Without the NumPy kernels (forward, backward or both) the ops run their decompositions (a
    primitives-only backend's path) and give the same values and gradients."""
    fn, shape = NORM_FNS[name]
    rng = np.random.default_rng(11)
    arrays = [rand(rng, shape, "float64"), rand(rng, (3,), "float64"), rand(rng, (3,), "float64")]

    def run():
        args = [ember.tensor(a, requires_grad=True) for a in arrays]
        out = fn(ember, *args)
        grads = ember.autograd.grad((out ** 2).sum(), args)
        return [out.detach().numpy()] + [g.numpy() for g in grads]

    fused = run()
    table = ember.tensor(0.0)._backend.table
    monkeypatch.delenv("EMBER_STRICT", raising=False)
    for suffix in missing:
        monkeypatch.delitem(table, name + suffix)
    for a, b in zip(run(), fused):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


# --- SyncBatchNorm / CrossMapLRN2d -------------------------------------------------------------

def test_sync_batchnorm_is_local_batchnorm_without_a_process_group():
    rng = np.random.default_rng(12)
    t, e = torch.nn.SyncBatchNorm(3, momentum=None), nn.SyncBatchNorm(3, momentum=None)
    assert repr(e) == repr(t)
    assert list(e.state_dict()) == list(t.state_dict())
    for _ in range(2):
        run_both(t, e, rand(rng, (4, 3, 2)), rand(rng, (4, 3, 2)))
    close(e.running_var, t.running_var)
    with pytest.raises(ValueError, match=r"expected at least 2D input \(got 1D input\)"):
        e(ember.randn(3))
    seq = nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3, bias=False))
    conv = nn.SyncBatchNorm.convert_sync_batchnorm(seq)
    assert type(conv[1]) is nn.SyncBatchNorm and conv[1].weight is seq[1].weight and conv[1].bias is None
    assert conv[1].running_mean is seq[1].running_mean


@pytest.mark.parametrize("size,channels", [(1, 3), (2, 4), (3, 5), (5, 8), (4, 2)])
def test_cross_map_lrn2d_matches_torch_forward(size, channels):
    rng = np.random.default_rng(13)
    x = rand(rng, (2, channels, 3, 2), "float64")
    t, e = torch.nn.CrossMapLRN2d(size, 0.5, 0.7, 1.5), nn.CrossMapLRN2d(size, 0.5, 0.7, 1.5)
    assert repr(e) == repr(t)
    close(e(ember.tensor(x)), t(torch.tensor(x)), "float64")
    # PyTorch's hand-written backward fails its own gradcheck; ember's is the derivative of the forward
    assert ember.autograd.gradcheck(e, (ember.tensor(x, requires_grad=True),))
    with pytest.raises(ValueError, match="CrossMapLRN2d: Expected input to be 4D, got 3D instead."):
        e(ember.randn(2, 3, 4))


@pytest.mark.parametrize("make", [lambda: (nn.BatchNorm2d(3), (2, 3, 4, 4)), lambda: (nn.LayerNorm(4), (2, 3, 4)),
                                  lambda: (nn.GroupNorm(1, 3), (2, 3, 4))], ids=["batch", "layer", "group"])
def test_inplace_activation_after_norm_backpropagates_like_torch(make):
    """ReLU(inplace=True) right after a norm layer (every torchvision ResNet block) must not break backward:
    the norm's backward reads only its saved statistics, not its (modified) output."""
    import numpy as np
    import torch
    norm, shape = make()
    x = ember.randn(*shape, dtype=ember.float64, requires_grad=True)
    norm = norm.double()
    nn.ReLU(inplace=True)(norm(x)).square().sum().backward()
    tnorm = {"BatchNorm2d": torch.nn.BatchNorm2d(3), "LayerNorm": torch.nn.LayerNorm(4),
             "GroupNorm": torch.nn.GroupNorm(1, 3)}[type(norm).__name__].double()
    tx = torch.from_numpy(x.detach().numpy().copy()).requires_grad_()
    torch.nn.ReLU(inplace=True)(tnorm(tx)).square().sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-10, atol=1e-12)
