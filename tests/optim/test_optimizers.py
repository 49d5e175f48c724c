"""ember.optim optimizers against torch.optim: update rules over several steps, state dicts (layout, round
trip, interchange with PyTorch), param groups, zero_grad, hooks, repr and argument errors."""
import copy

import ember
import ember.optim as eoptim
import numpy as np
import pytest
import torch
from ember._op import OPS
from ember.ops import optim as O

from ._util import assert_params_close, convert, pair, random_arrays, set_grads, to_np

SHAPES = [(4, 3), (5,), ()]

CASES = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.3, "weight_decay": 0.01, "maximize": True}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "nesterov": True, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.01, "betas": (0.8, 0.99), "weight_decay": 0.1, "amsgrad": True}),
    ("Adam", {"lr": 0.01, "maximize": True, "foreach": False, "capturable": False, "fused": None}),
    ("Adam", {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("AdamW", {"lr": 0.01}),
    ("AdamW", {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True, "maximize": True}),
    ("Adamax", {"lr": 0.01}),
    ("Adamax", {"lr": 0.01, "weight_decay": 0.1, "maximize": True}),
    ("NAdam", {"lr": 0.01}),
    ("NAdam", {"lr": 0.01, "momentum_decay": 0.01, "weight_decay": 0.1}),
    ("NAdam", {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True, "maximize": True}),
    ("RAdam", {"lr": 0.01}),
    ("RAdam", {"lr": 0.01, "betas": (0.9, 0.9), "weight_decay": 0.1}),
    ("RAdam", {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True, "maximize": True}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.9, "centered": True}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9, "weight_decay": 0.1, "maximize": True}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.5, "centered": True, "eps": 1e-6}),
    ("Adagrad", {"lr": 0.1}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.05, "weight_decay": 0.1, "initial_accumulator_value": 0.5, "maximize": True}),
    ("Adadelta", {}),
    ("Adadelta", {"lr": 0.5, "rho": 0.8, "weight_decay": 0.1, "maximize": True}),
    ("ASGD", {"lr": 0.05}),
    ("ASGD", {"lr": 0.05, "lambd": 0.01, "alpha": 0.5, "t0": 2, "weight_decay": 0.1, "maximize": True}),
    ("Rprop", {"lr": 0.05}),
    ("Rprop", {"lr": 0.05, "etas": (0.3, 1.5), "step_sizes": (1e-3, 0.1), "maximize": True}),
]
IDS = [f"{n}-{'-'.join(f'{k}={v}' for k, v in kw.items())}" for n, kw in CASES]
TOLS = {np.float32: (1e-5, 1e-6), np.float64: (1e-10, 1e-12)}


def _run_pair(name, kw, dtype, steps, rng, oe=None, ot=None, e=None, t=None):
    if e is None:
        e, t = pair(random_arrays(rng, SHAPES, dtype))
        oe, ot = getattr(eoptim, name)(e, **kw), getattr(torch.optim, name)(t, **kw)
    for s in range(steps):
        grads = random_arrays(rng, SHAPES, dtype)
        if s % 2:
            grads[0][0] = 0.0  # exact zeros exercise Rprop's sign == 0 branch
        set_grads(e, t, grads)
        oe.step()
        ot.step()
    return oe, ot, e, t


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("name,kw", CASES, ids=IDS)
def test_matches_torch(name, kw, dtype):
    rng = np.random.default_rng(0)
    oe, ot, e, t = _run_pair(name, kw, dtype, 5, rng)
    assert_params_close(e, t, *TOLS[dtype])
    assert all(p.dtype == ember.float32 if dtype == np.float32 else p.dtype == ember.float64 for p in e)
    # the state matches too (keys in PyTorch's order, values, dtypes)
    se, st = oe.state_dict(), ot.state_dict()
    assert list(se["state"]) == list(st["state"])
    for i in st["state"]:
        assert list(se["state"][i]) == list(st["state"][i])
        for k, v in st["state"][i].items():
            np.testing.assert_allclose(to_np(se["state"][i][k]), v.numpy(), *TOLS[dtype], err_msg=k)
            assert str(se["state"][i][k].dtype).split(".")[-1] == str(v.dtype).split(".")[-1], k


@pytest.mark.parametrize("name,kw", CASES[::3], ids=IDS[::3])
def test_state_dict_layout_round_trip_and_torch_interchange(name, kw):
    rng = np.random.default_rng(1)
    oe, ot, e, t = _run_pair(name, kw, np.float32, 3, rng)
    se, st = oe.state_dict(), ot.state_dict()
    assert [{k: v for k, v in g.items()} for g in se["param_groups"]] == st["param_groups"]
    if "step" in st["state"].get(0, {}):
        step = se["state"][0]["step"]
        assert step.dtype == ember.float32 and step.shape == () and float(step) == float(st["state"][0]["step"])

    # ember -> ember round trip: a fresh optimizer continues exactly like the original
    e2 = [ember.tensor(to_np(p).copy()).requires_grad_(True) for p in e]
    oe2 = getattr(eoptim, name)(e2, **kw)
    oe2.load_state_dict(copy.deepcopy(se))
    # torch -> ember: a fresh ember optimizer loaded from torch's state continues like torch
    e3 = [ember.tensor(to_np(p).copy()).requires_grad_(True) for p in t]
    oe3 = getattr(eoptim, name)(e3, **kw)
    oe3.load_state_dict(convert(st, "ember"))
    # ember -> torch
    t2 = [torch.tensor(to_np(p).copy()).requires_grad_(True) for p in e]
    ot2 = getattr(torch.optim, name)(t2, **kw)
    ot2.load_state_dict(convert(se, "torch"))
    for _ in range(3):
        grads = random_arrays(rng, SHAPES)
        for params, opt in ((e, oe), (e2, oe2), (e3, oe3)):
            for p, g in zip(params, grads):
                p.grad = ember.tensor(g)
            opt.step()
        for params, opt in ((t, ot), (t2, ot2)):
            for p, g in zip(params, grads):
                p.grad = torch.tensor(g)
            opt.step()
    for a, b in zip(e, e2):
        np.testing.assert_array_equal(to_np(a), to_np(b))
    assert_params_close(e3, t, 1e-5, 1e-6)
    assert_params_close(e, t2, 1e-5, 1e-6)


def test_load_state_dict_casts_to_param_dtype_but_keeps_step():
    p = ember.zeros(3, dtype=ember.float64, requires_grad=True)
    opt = eoptim.Adam([p])
    sd = {"state": {0: {"step": ember.tensor(2.0), "exp_avg": ember.ones(3), "exp_avg_sq": ember.ones(3)}},
          "param_groups": [dict(opt.state_dict()["param_groups"][0])]}
    opt.load_state_dict(sd)
    st = opt.state[p]
    assert st["exp_avg"].dtype == ember.float64 and st["exp_avg_sq"].dtype == ember.float64
    assert st["step"].dtype == ember.float32
    with pytest.raises(ValueError, match="different number of parameter groups"):
        opt.load_state_dict({"state": {}, "param_groups": []})
    bad = opt.state_dict()
    bad["param_groups"][0]["params"] = [0, 1]
    with pytest.raises(ValueError, match="doesn't match the size of optimizer's group"):
        opt.load_state_dict(bad)


def test_param_groups_with_different_options_match_torch():
    rng = np.random.default_rng(2)
    arrays = random_arrays(rng, SHAPES)
    e, t = pair(arrays)
    oe = eoptim.SGD([{"params": e[:2]}, {"params": e[2:], "lr": 0.5, "momentum": 0.0}], lr=0.1, momentum=0.9)
    ot = torch.optim.SGD([{"params": t[:2]}, {"params": t[2:], "lr": 0.5, "momentum": 0.0}], lr=0.1, momentum=0.9)
    assert repr(oe) == repr(ot)
    assert oe.state_dict()["param_groups"] == ot.state_dict()["param_groups"]
    for _ in range(4):
        set_grads(e, t, random_arrays(rng, SHAPES))
        oe.step()
        ot.step()
    assert_params_close(e, t, 1e-6, 1e-7)
    assert len(oe.state) == len(ot.state) == 2  # no momentum buffer for the momentum-0 group
    extra_e, extra_t = pair(random_arrays(rng, [(2,)]))
    oe.add_param_group({"params": extra_e, "lr": 0.2})
    ot.add_param_group({"params": extra_t, "lr": 0.2})
    assert oe.state_dict()["param_groups"] == ot.state_dict()["param_groups"]
    with pytest.raises(ValueError, match="some parameters appear in more than one parameter group"):
        oe.add_param_group({"params": e[0]})
    with pytest.warns(UserWarning, match="duplicate parameters"):
        eoptim.SGD([e[0], e[0]], lr=0.1)


@pytest.mark.parametrize("name", ["SGD", "Adam"])
def test_repr_matches_torch(name):
    e, t = pair([np.zeros(2, np.float32)])
    assert repr(getattr(eoptim, name)(e, lr=0.1)) == repr(getattr(torch.optim, name)(t, lr=0.1))


def test_named_parameters_and_skipped_params():
    rng = np.random.default_rng(3)
    e, t = pair(random_arrays(rng, [(3,), (2,)]))
    oe = eoptim.Adam([("a", e[0]), ("b", e[1])], lr=0.1)
    ot = torch.optim.Adam([("a", t[0]), ("b", t[1])], lr=0.1)
    assert oe.state_dict()["param_groups"] == ot.state_dict()["param_groups"]
    e[0].grad = ember.ones(3)
    t[0].grad = torch.ones(3)
    oe.step()
    ot.step()  # e[1] has no grad: untouched, no state
    assert list(oe.state_dict()["state"]) == list(ot.state_dict()["state"]) == [0]
    assert_params_close(e, t, 1e-6, 1e-7)


def test_zero_grad():
    p = ember.ones(3, requires_grad=True)
    opt = eoptim.SGD([p], lr=0.1)
    p.grad = ember.ones(3)
    opt.zero_grad(set_to_none=False)
    assert p.grad is not None and float(p.grad.abs().sum()) == 0.0
    opt.zero_grad()
    assert p.grad is None


def test_step_updates_in_place_without_graph():
    p = ember.ones(3, requires_grad=True)
    opt = eoptim.Adam([p], lr=0.1)
    data = p.detach()
    v0 = p._version
    (p * p).sum().backward()
    opt.step()
    assert p.grad_fn is None and p.requires_grad
    assert p._version > v0
    np.testing.assert_array_equal(data.numpy(), p.detach().numpy())  # same storage, updated in place


def test_closure_and_hooks():
    p = ember.tensor([1.0, 2.0], requires_grad=True)
    opt = eoptim.SGD([p], lr=0.1)
    calls = []
    h1 = opt.register_step_pre_hook(lambda o, args, kwargs: calls.append(("pre", o is opt)))
    opt.register_step_post_hook(lambda o, args, kwargs: calls.append(("post", o is opt)))

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss
    loss = opt.step(closure)
    assert float(loss) == 5.0
    np.testing.assert_allclose(p.detach().numpy(), [0.8, 1.6], rtol=1e-6)
    assert calls == [("pre", True), ("post", True)]
    h1.remove()
    opt.step(closure)
    assert calls[2:] == [("post", True)]


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
@pytest.mark.parametrize("history_size", [3, 100])
def test_lbfgs_matches_torch(line_search_fn, history_size):
    rng = np.random.default_rng(4)
    x0 = rng.standard_normal(4).astype(np.float64)
    results = []
    for lib, opt_cls in ((ember, eoptim.LBFGS), (torch, torch.optim.LBFGS)):
        x = lib.tensor(x0.copy()).requires_grad_(True)
        opt = opt_cls([x], lr=1, max_iter=15, history_size=history_size, line_search_fn=line_search_fn)

        def closure(opt=opt, x=x):
            opt.zero_grad()
            loss = (100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2).sum()  # Rosenbrock
            loss.backward()
            return loss
        losses = [float(opt.step(closure)) for _ in range(3)]
        results.append((x.detach().numpy().copy(), losses, opt.state[x]["func_evals"], opt.state[x]["n_iter"]))
    (xe, le, fe, ne), (xt, lt, ft, nt) = results
    # dot products may sum in another order than PyTorch's: rounding-level differences grow on Rosenbrock
    np.testing.assert_allclose(le, lt, rtol=1e-6)
    np.testing.assert_allclose(xe, xt, rtol=1e-6, atol=1e-9)
    assert (fe, ne) == (ft, nt)


def test_lbfgs_errors():
    p = ember.ones(2, requires_grad=True)
    with pytest.raises(ValueError, match="LBFGS doesn't support per-parameter options"):
        eoptim.LBFGS([{"params": [p]}, {"params": [ember.ones(1, requires_grad=True)]}])
    opt = eoptim.LBFGS([p], line_search_fn="armijo")

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss
    with pytest.raises(RuntimeError, match="only 'strong_wolfe' is supported"):
        opt.step(closure)


@pytest.mark.parametrize("ctor,match", [
    (lambda p: eoptim.SGD(p, lr=-1.0), "Invalid learning rate: -1.0"),
    (lambda p: eoptim.SGD(p, lr=0.1, momentum=-0.5), "Invalid momentum value: -0.5"),
    (lambda p: eoptim.SGD(p, lr=0.1, nesterov=True), "Nesterov momentum requires a momentum and zero dampening"),
    (lambda p: eoptim.SGD(p, lr=0.1, weight_decay=-1), "Invalid weight_decay value: -1"),
    (lambda p: eoptim.Adam(p, betas=(1.0, 0.999)), "Invalid beta parameter at index 0: 1.0"),
    (lambda p: eoptim.AdamW(p, betas=(0.9, -0.1)), "Invalid beta parameter at index 1: -0.1"),
    (lambda p: eoptim.Adam(p, eps=-1e-8), "Invalid epsilon value: -1e-08"),
    (lambda p: eoptim.NAdam(p, momentum_decay=-1), "Invalid momentum_decay value: -1"),
    (lambda p: eoptim.RMSprop(p, alpha=-0.1), "Invalid alpha value: -0.1"),
    (lambda p: eoptim.Adagrad(p, lr_decay=-1), "Invalid lr_decay value: -1"),
    (lambda p: eoptim.Adadelta(p, rho=1.5), "Invalid rho value: 1.5"),
    (lambda p: eoptim.Rprop(p, etas=(1.5, 2.0)), "Invalid eta values: 1.5, 2.0"),
    (lambda p: eoptim.SGD([], lr=0.1), "optimizer got an empty parameter list"),
])
def test_invalid_arguments(ctor, match):
    p = [ember.ones(2, requires_grad=True)]
    with pytest.raises(ValueError, match=match):
        ctor(p)


def test_invalid_params():
    p = ember.ones(2, requires_grad=True)
    with pytest.raises(TypeError, match="should be an iterable of Tensors or dicts"):
        eoptim.SGD(p, lr=0.1)
    with pytest.raises(TypeError, match="ordered collections"):
        eoptim.SGD([{"params": {p}}], lr=0.1)
    with pytest.raises(TypeError, match="optimizer can only optimize Tensors"):
        eoptim.SGD([1.0], lr=0.1)
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        eoptim.SGD([p * 2], lr=0.1)


# --- the update ops: decomposition (any backend) == fused NumPy kernel --------------------------------

def _args(rng, n_signed, n_pos, dtype=np.float64):
    arrs = [rng.standard_normal((3, 4)) for _ in range(n_signed)] + [rng.uniform(0.1, 2, (3, 4)) for _ in range(n_pos)]
    return [ember.tensor(a.astype(dtype)) for a in arrs]


DECOMP_CASES = [
    ("sgd_step", 3, 0, (0.1, 0.9, 0.1, True, 0.01, True, False)),
    ("sgd_step", 3, 0, (0.1, 0.9, 0.0, False, 0.0, False, True)),
    ("adam_step", 3, 2, (1e-2, 0.9, 0.999, 1e-8, 0.1, True, False, False, 3)),
    ("adam_step", 3, 2, (1e-2, 0.8, 0.99, 1e-8, 0.1, False, True, True, 1)),
    ("adamax_step", 3, 1, (1e-2, 0.9, 0.999, 1e-8, 0.1, True, 2)),
    ("nadam_step", 3, 1, (1e-2, 0.9, 0.999, 1e-8, 0.1, True, False, 2, 0.45, 0.46, 0.2, 0.092)),
    ("radam_step", 3, 1, (1e-2, 0.9, 0.999, 1e-8, 0.1, False, True, 10)),
    ("radam_step", 3, 1, (1e-2, 0.9, 0.999, 1e-8, 0.0, False, False, 2)),
    ("rmsprop_step", 2, 3, (1e-2, 0.9, 1e-8, 0.1, 0.9, False, True)),
    ("adagrad_step", 2, 1, (1e-2, 0.1, 0.1, 1e-10, True, 3)),
    ("adadelta_step", 2, 2, (1.0, 0.9, 1e-6, 0.1, False)),
    ("asgd_step", 3, 0, (0.01, 1e-2, 0.1, True, 0.5)),
    ("asgd_step", 3, 0, (0.01, 1e-2, 0.0, False, 1.0)),
    ("rprop_step", 3, 1, (0.5, 1.2, 1e-3, 1.0, False)),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("name,n_signed,n_pos,params", DECOMP_CASES, ids=[c[0] for c in DECOMP_CASES])
def test_decomposition_matches_kernel(name, n_signed, n_pos, params, dtype):
    rng = np.random.default_rng(5)
    op = OPS[name]
    tensors = _args(rng, n_signed, n_pos, dtype)
    if name == "rprop_step":
        tensors[2].view(-1)[:3] = 0.0  # prev == 0 somewhere: the sign == 0 branch
    expected = [t.clone() for t in tensors]
    decomp = op.decomposition(*expected, *params)
    kernel_out = O._run(op, [t.clone() for t in tensors], params)
    tol = {"rtol": 1e-6, "atol": 1e-7} if dtype == np.float32 else {"rtol": 1e-13, "atol": 1e-14}
    for d, k in zip(decomp, kernel_out):
        np.testing.assert_allclose(d.numpy(), k.numpy(), **tol)


def test_update_op_errors():
    p = ember.ones(3)
    with pytest.raises(RuntimeError, match=r"must match the parameter's shape \[3\]"):
        O.sgd_step(p, ember.ones(4), lr=0.1)
    with pytest.raises(RuntimeError, match="expected a floating-point parameter"):
        O.sgd_step(ember.ones(3, dtype=ember.int64), ember.ones(3, dtype=ember.int64), lr=0.1)
    with pytest.raises(ValueError, match="momentum != 0 needs a momentum_buffer"):
        O.sgd_step(p, ember.ones(3), lr=0.1, momentum=0.9)
