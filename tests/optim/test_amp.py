"""ember.amp: GradScaler against torch.amp.GradScaler (CPU), autocast state and the casting policy."""
import warnings

import ember
import ember.optim as eoptim
import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from ember import amp
from ember.amp import autocast_mode as am


def _pair(values):
    e = ember.tensor(np.array(values, np.float32), requires_grad=True)
    t = torch.tensor(np.array(values, np.float32), requires_grad=True)
    return e, t


# --- GradScaler ------------------------------------------------------------------------------------

def test_grad_scaler_sequence_matches_torch():
    e, t = _pair([1.0, -2.0, 3.0])
    oe, ot = eoptim.SGD([e], lr=0.1, momentum=0.9), torch.optim.SGD([t], lr=0.1, momentum=0.9)
    kw = {"init_scale": 2.0 ** 10, "growth_factor": 4.0, "backoff_factor": 0.25, "growth_interval": 2}
    se, st = amp.GradScaler("cpu", **kw), torch.amp.GradScaler("cpu", **kw)
    assert se.get_scale() == st.get_scale() == 1024.0
    bad_steps = {2, 3, 7}
    for i in range(10):
        for p, lib, opt, scaler in ((e, ember, oe, se), (t, torch, ot, st)):
            opt.zero_grad()
            loss = (p * p).sum() * (float("inf") if i in bad_steps else 1.0)
            scaled = scaler.scale(loss)
            assert float(scaled.detach()) == pytest.approx(float(loss.detach()) * scaler.get_scale())
            scaled.backward()
            if i % 2:
                scaler.unscale_(opt)  # explicit unscale_ before step (e.g. for gradient clipping)
            scaler.step(opt)
            scaler.update()
        np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=1e-6)
        assert se.get_scale() == st.get_scale()
        assert se.state_dict() == st.state_dict()


def test_grad_scaler_skips_step_on_nan_and_unscales():
    p = ember.tensor([1.0, 2.0], requires_grad=True)
    opt = eoptim.SGD([p], lr=1.0)
    scaler = amp.GradScaler("cpu", init_scale=8.0)
    scaler.scale((p * p).sum()).backward()
    np.testing.assert_array_equal(p.grad.numpy(), [16.0, 32.0])
    scaler.unscale_(opt)
    np.testing.assert_array_equal(p.grad.numpy(), [2.0, 4.0])
    scaler.step(opt)
    np.testing.assert_array_equal(p.detach().numpy(), [-1.0, -2.0])
    scaler.update()
    p.grad = ember.tensor([float("nan"), 1.0])
    scaler.scale(p.sum())
    scaler.step(opt)  # skipped
    np.testing.assert_array_equal(p.detach().numpy(), [-1.0, -2.0])
    scaler.update()
    assert scaler.get_scale() == 4.0


def test_grad_scaler_errors_and_state_dict():
    p = ember.ones(2, requires_grad=True)
    opt = eoptim.SGD([p], lr=0.1)
    scaler = amp.GradScaler("cpu")
    with pytest.raises(AssertionError, match="Attempted step but _scale is None"):
        scaler.step(opt)
    scaler.scale(p.sum()).backward()
    scaler.unscale_(opt)
    with pytest.raises(RuntimeError, match="unscale_\\(\\) has already been called on this optimizer"):
        scaler.unscale_(opt)
    scaler.step(opt)
    with pytest.raises(RuntimeError, match="step\\(\\) has already been called since the last update\\(\\)"):
        scaler.step(opt)
    with pytest.raises(RuntimeError, match="unscale_\\(\\) is being called after step\\(\\)"):
        scaler.unscale_(opt)
    with pytest.raises(RuntimeError, match="Closure use is not currently supported"):
        scaler.step(opt, closure=lambda: 0)
    scaler.update()
    with pytest.raises(AssertionError, match="No inf checks were recorded prior to update."):
        scaler.update()
    scaler.update(new_scale=128.0)
    assert scaler.get_scale() == 128.0
    scaler.update(new_scale=ember.tensor(32.0))
    assert scaler.get_scale() == 32.0
    sd = scaler.state_dict()
    assert sd == {"scale": 32.0, "growth_factor": 2.0, "backoff_factor": 0.5, "growth_interval": 2000,
                  "_growth_tracker": 1}  # update(new_scale) keeps the tracker, like PyTorch
    other = amp.GradScaler("cpu")
    other.load_state_dict(sd)
    assert other.get_scale() == 32.0 and other.state_dict() == sd
    with pytest.raises(RuntimeError, match="The source state dict is empty"):
        other.load_state_dict({})
    h = ember.ones(2, dtype=ember.float16, requires_grad=True)
    hopt = eoptim.SGD([h], lr=0.1)
    h.grad = ember.ones(2, dtype=ember.float16)
    scaler.scale(h.sum())
    with pytest.raises(ValueError, match="Attempting to unscale FP16 gradients."):
        scaler.unscale_(hopt)
    with pytest.raises(AssertionError, match="The growth factor must be > 1.0."):
        amp.GradScaler("cpu", growth_factor=1.0)


def test_disabled_grad_scaler_is_transparent():
    p = ember.ones(2, requires_grad=True)
    opt = eoptim.SGD([p], lr=0.5)
    scaler = amp.GradScaler("cpu", enabled=False)
    loss = p.sum()
    assert scaler.scale(loss) is loss and scaler.get_scale() == 1.0 and scaler.state_dict() == {}
    loss.backward()
    scaler.step(opt)
    scaler.update()
    np.testing.assert_array_equal(p.detach().numpy(), [0.5, 0.5])
    with pytest.warns(UserWarning, match="CUDA is not available.  Disabling."):
        assert not amp.GradScaler("cuda").is_enabled()


# --- autocast --------------------------------------------------------------------------------------

def test_autocast_state():
    assert not am.is_autocast_enabled("cpu") and not am.is_autocast_enabled()
    assert am.get_autocast_dtype("cpu") is ember.bfloat16 and am.get_autocast_dtype("cuda") is ember.float16
    with amp.autocast("cpu"):
        assert am.is_autocast_enabled("cpu") and not am.is_autocast_enabled()  # no argument: CUDA, like torch
        with amp.autocast("cpu", dtype=ember.float16):
            assert am.get_autocast_dtype("cpu") is ember.float16
            with amp.autocast("cpu", enabled=False):
                assert not am.is_autocast_enabled("cpu")
            assert am.is_autocast_enabled("cpu")
        assert am.get_autocast_dtype("cpu") is ember.bfloat16
    assert not am.is_autocast_enabled("cpu")

    @amp.autocast("cpu")
    def f():
        return am.is_autocast_enabled("cpu")
    assert f() and not am.is_autocast_enabled("cpu")


def test_autocast_argument_errors():
    with pytest.raises(RuntimeError, match="unsupported autocast device_type 'xyz'"):
        amp.autocast("xyz")
    with pytest.raises(ValueError, match="Expected `device_type` of type `str`"):
        amp.autocast(3)
    with pytest.warns(UserWarning, match="CPU Autocast only supports dtypes of ember.bfloat16, ember.float16"):
        ctx = amp.autocast("cpu", dtype=ember.float32)
    with ctx:
        assert not am.is_autocast_enabled("cpu")
    with pytest.warns(UserWarning, match="CUDA is not available"):
        amp.autocast("cuda")
    with pytest.raises(TypeError, match="requires a callable"):
        amp.autocast("cpu")(3)
    with pytest.raises(ValueError, match="unknown op category 'fast'"):
        am.cast_inputs("fast", ember.ones(1))


def test_cast_inputs():
    x32, x64 = ember.ones(2, 2), ember.ones(2, 2, dtype=ember.float64)
    i = ember.ones(2, dtype=ember.int64)
    assert am.cast_inputs("lower_precision_fp", x32, x64, i, None) == (x32, x64, i, None)  # autocast off
    with amp.autocast("cpu"):
        a, b, c, d = am.cast_inputs("lower_precision_fp", x32, x64, i, None)
        assert (a.dtype, b.dtype, c.dtype, d) == (ember.bfloat16, ember.float64, ember.int64, None)
        (f,) = am.cast_inputs("fp32", x32.to(ember.bfloat16))
        assert f.dtype is ember.float32
        p, q = am.cast_inputs("promote", x32.to(ember.bfloat16), x32.to(ember.float16))
        assert p.dtype is q.dtype is ember.float32
        # the cast is differentiable
        w = ember.ones(2, 2, requires_grad=True)
        (wl,) = am.cast_inputs("lower_precision_fp", w)
        wl.sum().backward()
        assert w.grad.dtype is ember.float32


CPU_POLICY_CASES = [
    ("mm", lambda x: torch.mm(x, x)), ("matmul", lambda x: x @ x), ("linear", lambda x: TF.linear(x, x)),
    ("bmm", lambda x: torch.bmm(x[None], x[None])[0]),
    ("conv2d", lambda x: TF.conv2d(x[None, None], x[None, None])[0, 0]),
    ("mse_loss", lambda x: TF.mse_loss(x, x)), ("l1_loss", lambda x: TF.l1_loss(x, x)),
    ("softmax", lambda x: TF.softmax(x, -1)), ("log_softmax", lambda x: TF.log_softmax(x, -1)),
    ("sum", lambda x: x.sum()), ("relu", lambda x: TF.relu(x)), ("prod", lambda x: x.prod()),
]


@pytest.mark.parametrize("in_dtype", ["float32", "bfloat16", "float64"])
@pytest.mark.parametrize("op,fn", CPU_POLICY_CASES, ids=[c[0] for c in CPU_POLICY_CASES])
def test_cpu_policy_matches_torch(op, fn, in_dtype):
    """``cast_for(op, x)`` gives the dtype torch's CPU autocast computes ``op`` in."""
    tx = torch.ones(3, 3, dtype=getattr(torch, in_dtype))
    ex = ember.ones(3, 3, dtype=getattr(ember, in_dtype))
    with torch.autocast("cpu"):
        want = fn(tx).dtype
    with amp.autocast("cpu"):
        (got,) = am.cast_for(op, ex)
    assert got.dtype.name == str(want).split(".")[-1]


def test_custom_fwd_bwd():
    seen = {}

    class Ctx:
        pass

    @amp.custom_fwd(device_type="cpu", cast_inputs=ember.float32)
    def fwd(ctx, x):
        seen["fwd"] = (x.dtype, am.is_autocast_enabled("cpu"))
        return x

    @amp.custom_bwd(device_type="cpu")
    def bwd(ctx, g):
        seen["bwd"] = am.is_autocast_enabled("cpu")
        return g

    ctx = Ctx()
    with amp.autocast("cpu"):
        fwd(ctx, ember.ones(2, dtype=ember.bfloat16))
    bwd(ctx, ember.ones(2))
    assert seen == {"fwd": (ember.float32, False), "bwd": False}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert amp.is_autocast_available("cpu") and not amp.is_autocast_available("tpu")
