"""Activations and the softmax family vs PyTorch: functional values, dtypes and input gradients (float32 and
float64), in-place variants, modules (repr, parameters), errors, and the decompositions vs the fused kernels."""
from __future__ import annotations

import warnings

import ember
import ember.nn as enn
import ember.nn.functional as EF
import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from ember.ops import activation as A

TOL = {"float32": 2e-5, "float64": 1e-7}

CASES = [
    ("relu", (), {}), ("relu6", (), {}), ("elu", (0.7,), {}), ("selu", (), {}), ("celu", (1.3,), {}),
    ("gelu", (), {}), ("gelu", (), {"approximate": "tanh"}), ("silu", (), {}), ("mish", (), {}),
    ("hardtanh", (-0.5, 2.0), {}), ("hardswish", (), {}), ("hardsigmoid", (), {}), ("hardshrink", (0.6,), {}),
    ("softshrink", (0.6,), {}), ("tanhshrink", (), {}), ("softplus", (2.0, 3.0), {}), ("softplus", (), {}),
    ("softsign", (), {}), ("logsigmoid", (), {}), ("threshold", (0.2, -1.0), {}), ("glu", (), {}),
    ("glu", (0,), {}), ("leaky_relu", (0.2,), {}), ("softmax", (1,), {}), ("softmax", (0,), {}),
    ("log_softmax", (0,), {}), ("log_softmax", (-1,), {}), ("softmin", (1,), {}), ("rrelu", (), {}),
    ("sigmoid", (), {}), ("tanh", (), {}),
]


def _pair(a, requires_grad=True):
    return ember.tensor(a, requires_grad=requires_grad), torch.tensor(a, requires_grad=requires_grad)


def _check(oe, ot, te, tt, tol):
    assert oe.dtype.name == str(ot.dtype).split(".")[1]
    assert tuple(oe.shape) == tuple(ot.shape)
    np.testing.assert_allclose(oe.detach().numpy(), ot.detach().numpy(), rtol=tol, atol=tol)
    g = np.cos(np.arange(ot.numel())).reshape(tuple(ot.shape)).astype(ot.detach().numpy().dtype)
    oe.backward(ember.tensor(g))
    ot.backward(torch.tensor(g))
    np.testing.assert_allclose(te.grad.numpy(), tt.grad.numpy(), rtol=tol, atol=tol)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name,args,kwargs", CASES, ids=lambda v: str(v))
def test_functional_matches_torch(name, args, kwargs, dtype):
    a = (np.random.default_rng(0).standard_normal((4, 6)) * 3).astype(dtype)
    te, tt = _pair(a)
    oe = getattr(EF, name)(te, *args, **kwargs)
    ot = getattr(TF, name)(tt, *args, **kwargs)
    _check(oe, ot, te, tt, TOL[dtype])


def test_prelu_matches_torch_with_per_channel_weight():
    a = np.random.default_rng(1).standard_normal((2, 3, 4))
    w = np.array([0.1, -0.3, 0.7])
    te, tt = _pair(a)
    we, wt = _pair(w)
    oe, ot = EF.prelu(te, we), TF.prelu(tt, wt)
    _check(oe, ot, te, tt, 1e-10)
    np.testing.assert_allclose(we.grad.numpy(), wt.grad.numpy(), rtol=1e-10)


def test_softmax_is_stable_and_handles_0d_and_empty():
    x = ember.tensor([[1000.0, 0.0, -1000.0], [-1e4, -1e4, -1e4]])
    np.testing.assert_allclose(ember.softmax(x, 1).numpy(), torch.softmax(torch.tensor(x.numpy()), 1).numpy())
    np.testing.assert_allclose(ember.log_softmax(x, 1).numpy(), torch.log_softmax(torch.tensor(x.numpy()), 1))
    assert ember.softmax(ember.tensor(3.0), 0).item() == 1.0
    assert ember.log_softmax(ember.tensor(3.0), -1).item() == 0.0
    assert ember.softmax(ember.zeros(0, 4), 1).shape == (0, 4)


def test_softmax_dtype_argument_and_half_inputs():
    x = ember.randn(3, 4)
    y = ember.softmax(x, 1, dtype=ember.float64)
    assert y.dtype is ember.float64
    assert EF.log_softmax(x, 1, dtype=ember.float64).dtype is ember.float64
    h = ember.softmax(x.to(ember.float16), 1)
    assert h.dtype is ember.float16
    np.testing.assert_allclose(h.float().numpy(), ember.softmax(x, 1).numpy(), atol=2e-3)


def test_softmax_implicit_dim_warns_like_torch():
    x = ember.randn(2, 3)
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        y = EF.softmax(x)
    np.testing.assert_allclose(y.sum(1).numpy(), np.ones(2), rtol=1e-6)  # 2-d input: dim 1
    with pytest.warns(UserWarning, match="Implicit dimension choice for log_softmax"):
        z = EF.log_softmax(ember.randn(2, 3, 4))
    np.testing.assert_allclose(z.exp().sum(0).numpy(), np.ones((3, 4)), rtol=1e-5)  # 3-d input: dim 0


def test_tensor_methods_and_top_level_names():
    a = np.random.default_rng(2).standard_normal((3, 4)).astype(np.float32)
    x, t = ember.tensor(a), torch.tensor(a)
    np.testing.assert_allclose(x.relu().numpy(), t.relu().numpy())
    np.testing.assert_allclose(x.softmax(0).numpy(), t.softmax(0).numpy(), rtol=1e-6)
    np.testing.assert_allclose(x.log_softmax(-1).numpy(), t.log_softmax(-1).numpy(), rtol=1e-6)
    np.testing.assert_allclose(x.hardshrink(0.3).numpy(), t.hardshrink(0.3).numpy())
    for name in ("relu", "selu", "celu", "hardshrink", "sigmoid", "tanh"):
        np.testing.assert_allclose(getattr(ember, name)(x).numpy(), getattr(torch, name)(t).numpy(), rtol=1e-6)
    np.testing.assert_allclose(ember.threshold(x, 0.1, 5.0).numpy(), torch.threshold(t, 0.1, 5.0).numpy())
    np.testing.assert_allclose(ember.rrelu(x).numpy(), torch.rrelu(t).numpy(), rtol=1e-6)


@pytest.mark.parametrize("name,args", [("relu_", ()), ("elu_", (0.5,)), ("leaky_relu_", (0.2,)),
                                       ("hardtanh_", (-0.5, 0.5)), ("threshold_", (0.1, 9.0)), ("selu_", ()),
                                       ("celu_", (2.0,))])
def test_functional_inplace_variants(name, args):
    a = np.random.default_rng(3).standard_normal((3, 4))
    x, t = ember.tensor(a), torch.tensor(a)
    r = getattr(EF, name)(x, *args)
    getattr(TF, name)(t, *args)
    assert r is x
    np.testing.assert_allclose(x.numpy(), t.numpy(), rtol=1e-12)


@pytest.mark.parametrize("name,args", [("relu", ()), ("relu6", ()), ("elu", (0.5,)), ("leaky_relu", (0.2,)),
                                       ("hardtanh", ()), ("selu", ()), ("celu", ()), ("silu", ()), ("mish", ()),
                                       ("hardswish", ()), ("hardsigmoid", ()), ("threshold", (0.0, 1.0))])
def test_inplace_argument_writes_input_and_keeps_autograd(name, args):
    a = np.random.default_rng(4).standard_normal((3, 4))
    le, lt = _pair(a)
    xe, xt = le * 2, lt * 2
    re = getattr(EF, name)(xe, *args, inplace=True)
    getattr(TF, name)(xt, *args, inplace=True)
    assert re is xe
    np.testing.assert_allclose(xe.detach().numpy(), xt.detach().numpy(), rtol=1e-12)
    xe.sum().backward()
    xt.sum().backward()
    # rtol 1e-7: PyTorch's hardsigmoid backward uses a float32 1/6 even for float64
    np.testing.assert_allclose(le.grad.numpy(), lt.grad.numpy(), rtol=1e-7)


def test_inplace_on_leaf_requiring_grad_raises():
    x = ember.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        EF.relu(x, inplace=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        ember.relu_(x)


def test_rrelu_training_draws_slopes_in_range_and_eval_uses_the_mean():
    x = -ember.ones(1000)
    y = EF.rrelu(x, 0.1, 0.3, training=True)
    slopes = (-y).numpy()
    assert slopes.min() >= 0.1 and slopes.max() <= 0.3 and slopes.std() > 0.01
    np.testing.assert_allclose(EF.rrelu(x, 0.1, 0.3).numpy(), np.full(1000, -0.2), rtol=1e-6)
    pos = EF.rrelu(ember.ones(5), training=True)
    np.testing.assert_allclose(pos.numpy(), np.ones(5))
    m = enn.RReLU(0.1, 0.3)
    m.eval()
    np.testing.assert_allclose(m(x).numpy(), np.full(1000, -0.2), rtol=1e-6)


def test_rrelu_training_gradient_is_the_drawn_slope():
    x = (-ember.ones(50)).requires_grad_(True)
    y = EF.rrelu(x, 0.1, 0.3, training=True)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), (-y).detach().numpy(), rtol=1e-6)


def test_errors_match_torch():
    i = ember.arange(3)
    for fn, msg in ((EF.elu, "elu_cpu"), (EF.gelu, "GeluKernelImpl"), (EF.silu, "silu_cpu"),
                    (EF.leaky_relu, "leaky_relu_cpu"), (EF.softplus, "softplus_cpu")):
        with pytest.raises(NotImplementedError, match=msg):
            fn(i)
    with pytest.raises(NotImplementedError, match="softmax_lastdim_kernel_impl"):
        ember.softmax(i, 0)
    with pytest.raises(RuntimeError, match="Boolean inputs not supported for relu"):
        ember.relu(ember.tensor([True]))
    with pytest.raises(RuntimeError, match="Halving dimension must be even, but dimension 1 is size 3"):
        EF.glu(ember.ones(2, 3))
    with pytest.raises(RuntimeError, match="lambda must be greater or equal to 0"):
        EF.softshrink(ember.ones(2), -1.0)
    with pytest.raises(IndexError, match="Dimension out of range"):
        ember.softmax(ember.ones(2, 3), 2)
    with pytest.raises(RuntimeError, match="approximate argument must be either none or tanh"):
        EF.gelu(ember.ones(2), approximate="x")
    with pytest.raises(ValueError, match="Softmax2d: expected input to be 3D or 4D, got 2D instead"):
        enn.Softmax2d()(ember.ones(2, 3))
    with pytest.raises(RuntimeError, match="Mismatch of parameter numbers and input channel size"):
        EF.prelu(ember.ones(2, 3), ember.ones(2))


def test_integer_inputs_where_torch_accepts_them():
    a = np.array([-3, -1, 0, 2, 7])
    for dt in (np.int32, np.int64):
        x, t = ember.tensor(a.astype(dt)), torch.tensor(a.astype(dt))
        for e, tr in ((ember.relu(x), torch.relu(t)), (EF.hardtanh(x, -2, 3), TF.hardtanh(t, -2, 3)),
                      (EF.relu6(x), TF.relu6(t)), (ember.threshold(x, 1, 9), torch.threshold(t, 1, 9))):
            assert e.dtype.name == str(tr.dtype).split(".")[1]
            np.testing.assert_array_equal(e.numpy(), tr.numpy())


REPRS = ["ReLU()", "ReLU(inplace=True)", "LeakyReLU()", "LeakyReLU(0.2, True)", "Softmax(dim=1)", "Softmax()",
         "LogSoftmax(0)", "Softmin(dim=-1)", "GELU()", "GELU(approximate='tanh')", "Hardtanh()",
         "Hardtanh(-2.0, 2.0, True)", "ReLU6()", "ReLU6(True)", "PReLU()", "PReLU(3)", "RReLU()",
         "RReLU(0.1, 0.2, True)",
         "ELU()", "ELU(0.5, True)", "CELU(0.5)", "SELU(True)", "Threshold(0.1, 2.0)", "Threshold(0.1, 2.0, True)",
         "Hardshrink()", "Softshrink(0.3)", "Softplus()", "Softplus(2, 10)", "Sigmoid()", "Tanh()",
         "Hardswish(True)", "Hardsigmoid()", "SiLU()", "SiLU(True)", "Mish()", "GLU()", "GLU(1)", "Softmax2d()",
         "LogSigmoid()", "Softsign()", "Tanhshrink()"]


@pytest.mark.parametrize("expr", REPRS)
def test_module_repr_matches_torch(expr):
    assert repr(eval("enn." + expr)) == repr(eval("torch.nn." + expr))


MODULES = [("ReLU", ()), ("ReLU6", ()), ("LeakyReLU", (0.3,)), ("ELU", (0.5,)), ("SELU", ()), ("CELU", (0.7,)),
           ("GELU", ("tanh",)), ("SiLU", ()), ("Mish", ()), ("Sigmoid", ()), ("Tanh", ()), ("Hardtanh", (-0.3, 0.4)),
           ("Hardswish", ()), ("Hardsigmoid", ()), ("Hardshrink", (0.4,)), ("Softshrink", (0.4,)),
           ("Tanhshrink", ()), ("Softplus", (1.5, 4.0)), ("Softsign", ()), ("LogSigmoid", ()),
           ("Threshold", (0.1, -3.0)), ("GLU", (1,)), ("Softmax", (1,)), ("Softmin", (1,)), ("LogSoftmax", (1,)),
           ("Softmax2d", ())]


@pytest.mark.parametrize("name,args", MODULES)
def test_module_forward_backward_matches_torch(name, args):
    a = np.random.default_rng(5).standard_normal((2, 4, 3, 2))
    te, tt = _pair(a)
    # 1e-7: PyTorch rounds a few float64 constants to float32 (celu's 1/alpha, hardsigmoid's 1/6)
    _check(getattr(enn, name)(*args)(te), getattr(torch.nn, name)(*args)(tt), te, tt, 1e-7)


def test_prelu_module_parameters_and_grads_match_torch():
    me, mt = enn.PReLU(3, init=0.1), torch.nn.PReLU(3, init=0.1)
    assert [n for n, _ in me.named_parameters()] == [n for n, _ in mt.named_parameters()] == ["weight"]
    np.testing.assert_allclose(me.weight.detach().numpy(), mt.weight.detach().numpy())
    a = np.random.default_rng(6).standard_normal((2, 3, 5)).astype(np.float32)
    te, tt = _pair(a)
    _check(me(te), mt(tt), te, tt, 1e-6)
    np.testing.assert_allclose(me.weight.grad.numpy(), mt.weight.grad.numpy(), rtol=1e-5)


def test_module_attributes_and_hardtanh_validation():
    with pytest.warns(FutureWarning, match="min_value"):
        m = enn.Hardtanh(min_value=-2.0)
    assert m.min_val == -2.0 and m.max_val == 1.0
    with pytest.raises(AssertionError, match="must be greater than min_val"):
        enn.Hardtanh(1.0, 0.0)
    assert enn.ReLU6().min_val == 0.0 and enn.ReLU6().max_val == 6.0
    assert enn.Softmax().dim is None


# --- decompositions (what a backend without the fused kernel runs) agree with the kernels -------------

DECOMPOSED = [(A.RELU, ()), (A.LEAKY_RELU, (0.3,)), (A.THRESHOLD, (0.2, -4.0)), (A.HARDTANH, (-0.5, 0.7)),
              (A.ELU, (1.3, 1.1, 0.5)), (A.GELU, ("none",)), (A.GELU, ("tanh",)), (A.SILU, ()), (A.MISH, ()),
              (A.SOFTPLUS, (2.0, 3.0)), (A.LOGSIGMOID, ()), (A.HARDSIGMOID, ()), (A.HARDSWISH, ()),
              (A.SOFTMAX, (1,)), (A.LOG_SOFTMAX, (0,))]


@pytest.mark.parametrize("op,params", DECOMPOSED, ids=lambda v: getattr(v, "name", str(v)))
def test_decomposition_matches_kernel_and_gradient(op, params):
    from ember._dispatch import apply
    a = (np.random.default_rng(7).standard_normal((5, 4)) * 4)
    x = ember.tensor(a, requires_grad=True)
    y = ember.tensor(a, requires_grad=True)
    k = apply(op, (x,), params)
    d = op.decomposition(y, *params)
    np.testing.assert_allclose(k.detach().numpy(), d.detach().numpy(), rtol=1e-10, atol=1e-12)
    g = ember.tensor(np.sin(np.arange(20.0)).reshape(5, 4))
    k.backward(g)
    d.backward(g)
    np.testing.assert_allclose(x.grad.numpy(), y.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_second_derivatives_of_fused_ops():
    for fn in (lambda t: EF.gelu(t, approximate="tanh"), EF.gelu, EF.silu, EF.mish, EF.elu, EF.softplus,
               lambda t: ember.softmax(t, 1), lambda t: ember.log_softmax(t, 0), EF.logsigmoid):
        x = ember.randn(3, 4, dtype=ember.float64, requires_grad=True)
        assert ember.autograd.gradgradcheck(fn, (x,), eps=1e-6, atol=1e-5, rtol=1e-3)


def test_no_warning_for_explicit_dim():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        EF.softmax(ember.ones(2, 3), dim=1)
        enn.Softmax(dim=0)(ember.ones(2, 3))


BACKWARD_OPS = [(A.RELU_BACKWARD, A.RELU, ()), (A.GELU_BACKWARD, None, ("none",)), (A.GELU_BACKWARD, None, ("tanh",)),
                (A.SILU_BACKWARD, None, ()), (A.SOFTMAX_BACKWARD, A.SOFTMAX, (1,)),
                (A.LOG_SOFTMAX_BACKWARD, A.LOG_SOFTMAX, (0,))]


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32", "float64"])
@pytest.mark.parametrize("op,fwd,params", BACKWARD_OPS, ids=lambda v: getattr(v, "name", str(v)))
def test_fused_backward_kernels_match_their_decompositions(op, fwd, params, dtype):
    """The backward ops' kernels (first-order path) against their ember-op decompositions (create_graph path)."""
    from ember._dispatch import apply
    dt = getattr(ember, dtype)
    rng = np.random.default_rng(8)
    x = ember.tensor(rng.standard_normal((4, 5)) * 3).to(dt)
    g = ember.tensor(rng.standard_normal((4, 5))).to(dt)
    saved = apply(fwd, (x,), params[:1] if fwd in (A.SOFTMAX, A.LOG_SOFTMAX) else ()) if fwd is not None else x
    k = apply(op, (g, saved), params)
    d = op.decomposition(g, saved, *params)
    assert k.dtype is dt
    tol = {"float16": 1e-2, "bfloat16": 5e-2}.get(dtype, 1e-6)
    np.testing.assert_allclose(k.float().numpy(), d.float().numpy(), rtol=tol, atol=tol)


def test_gumbel_softmax_soft_and_hard():
    ember.manual_seed(0)
    logits = ember.randn(6, 4, requires_grad=True)
    soft = EF.gumbel_softmax(logits, tau=0.5)
    np.testing.assert_allclose(soft.sum(-1).detach().numpy(), np.ones(6), rtol=1e-5)
    hard = EF.gumbel_softmax(logits, hard=True)
    h = hard.detach().numpy()
    assert set(np.unique(h)) <= {0.0, 1.0} and (h.sum(-1) == 1).all()
    (hard * ember.arange(4.0)).sum().backward()  # straight-through: the soft sample's gradient reaches the logits
    assert logits.grad is not None and float(logits.grad.abs().sum()) > 0
