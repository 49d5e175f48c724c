"""ember.optim.lr_scheduler against torch.optim.lr_scheduler: learning-rate (and momentum) sequences,
state dicts, closed forms and warnings."""
import warnings

import ember
import ember.optim as eoptim
import pytest
import torch
from ember.optim import lr_scheduler as elrs
from torch.optim import lr_scheduler as tlrs


def _opts(opt_name="SGD", groups=2, **kw):
    kw = {"lr": 0.1, **({"momentum": 0.9} if opt_name == "SGD" else {}), **kw}
    ep = [ember.zeros(2, requires_grad=True) for _ in range(groups)]
    tp = [torch.zeros(2, requires_grad=True) for _ in range(groups)]
    oe = getattr(eoptim, opt_name)([{"params": [p], "lr": kw["lr"] * (i + 1)} for i, p in enumerate(ep)],
                                   **{k: v for k, v in kw.items() if k != "lr"}, lr=kw["lr"])
    ot = getattr(torch.optim, opt_name)([{"params": [p], "lr": kw["lr"] * (i + 1)} for i, p in enumerate(tp)],
                                        **{k: v for k, v in kw.items() if k != "lr"}, lr=kw["lr"])
    return oe, ot


def _sched(lib, name, opt, kw):
    mod = elrs if lib == "ember" else tlrs
    if name in ("SequentialLR", "ChainedScheduler"):
        inner = [mod.LinearLR(opt, start_factor=0.5, total_iters=4), mod.ExponentialLR(opt, gamma=0.9)]
        if name == "SequentialLR":
            return mod.SequentialLR(opt, inner, milestones=[5])
        return mod.ChainedScheduler(inner)
    return getattr(mod, name)(opt, **kw)


def _lam(epoch):
    return 0.95 ** epoch


SCHEDULERS = [
    ("LambdaLR", {"lr_lambda": _lam}, "SGD"),
    ("MultiplicativeLR", {"lr_lambda": lambda e: 0.9}, "SGD"),
    ("StepLR", {"step_size": 4, "gamma": 0.5}, "SGD"),
    ("MultiStepLR", {"milestones": [3, 7, 7, 20], "gamma": 0.3}, "SGD"),
    ("ConstantLR", {"factor": 0.25, "total_iters": 6}, "SGD"),
    ("LinearLR", {"start_factor": 0.2, "end_factor": 0.9, "total_iters": 10}, "SGD"),
    ("ExponentialLR", {"gamma": 0.93}, "SGD"),
    ("PolynomialLR", {"total_iters": 12, "power": 2.0}, "SGD"),
    ("CosineAnnealingLR", {"T_max": 7, "eta_min": 0.001}, "SGD"),
    ("CosineAnnealingWarmRestarts", {"T_0": 4, "T_mult": 2, "eta_min": 0.01}, "SGD"),
    ("CyclicLR", {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 4}, "SGD"),
    ("CyclicLR", {"base_lr": 0.01, "max_lr": [0.1, 0.2], "step_size_up": 3, "step_size_down": 5, "mode": "triangular2"}, "SGD"),
    ("CyclicLR", {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 3, "mode": "exp_range", "gamma": 0.95,
                      "base_momentum": 0.85, "max_momentum": 0.95}, "SGD"),
    ("CyclicLR", {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 3, "cycle_momentum": True}, "Adam"),
    ("OneCycleLR", {"max_lr": 0.5, "total_steps": 31}, "SGD"),
    ("OneCycleLR", {"max_lr": [0.5, 1.0], "epochs": 4, "steps_per_epoch": 8, "anneal_strategy": "linear",
                        "three_phase": True}, "SGD"),
    ("OneCycleLR", {"max_lr": 0.01, "total_steps": 40, "pct_start": 0.25}, "Adam"),
    ("OneCycleLR", {"max_lr": 0.01, "total_steps": 40, "cycle_momentum": False}, "Adagrad"),
    ("SequentialLR", {}, "SGD"),
    ("ChainedScheduler", {}, "SGD"),
]
IDS = [f"{n}-{i}" for i, (n, _, _) in enumerate(SCHEDULERS)]


def _momenta(opt):
    # groups without momentum report 0.0 so the comparison works with every pytest (approx rejects None)
    return [g.get("betas", (g.get("momentum"),))[0] or 0.0 for g in opt.param_groups]


@pytest.mark.parametrize("name,kw,opt_name", SCHEDULERS, ids=IDS)
def test_sequence_matches_torch(name, kw, opt_name):
    oe, ot = _opts(opt_name)
    se, st = _sched("ember", name, oe, kw), _sched("torch", name, ot, kw)
    assert se.get_last_lr() == pytest.approx(st.get_last_lr(), rel=1e-12)
    for _ in range(30):
        oe.step()
        ot.step()
        se.step()
        st.step()
        assert se.get_last_lr() == pytest.approx(st.get_last_lr(), rel=1e-12, abs=1e-15)
        assert [g["lr"] for g in oe.param_groups] == pytest.approx([g["lr"] for g in ot.param_groups], rel=1e-12)
        assert _momenta(oe) == pytest.approx(_momenta(ot), rel=1e-12)
    assert getattr(se, "last_epoch", None) == getattr(st, "last_epoch", None)


@pytest.mark.parametrize("name,kw,opt_name", SCHEDULERS, ids=IDS)
def test_state_dict_round_trip(name, kw, opt_name):
    oe, ot = _opts(opt_name)
    se, st = _sched("ember", name, oe, kw), _sched("torch", name, ot, kw)
    for _ in range(10):
        oe.step()
        se.step()
        ot.step()
        st.step()
    sd = se.state_dict()
    assert "optimizer" not in sd
    if name not in ("CyclicLR", "OneCycleLR", "SequentialLR", "ChainedScheduler"):
        assert sorted(sd) == sorted(st.state_dict())
    # a new scheduler on a second optimizer, loaded from the state dict, continues identically (PyTorch's
    # documented order: construct, load the scheduler, then load the optimizer)
    oe2, _ = _opts(opt_name)
    se2 = _sched("ember", name, oe2, kw)
    se2.load_state_dict(sd)
    oe2.load_state_dict(oe.state_dict())
    for _ in range(10):
        for o, s in ((oe, se), (oe2, se2)):
            o.step()
            s.step()
        assert se2.get_last_lr() == se.get_last_lr()


def test_reduce_on_plateau_matches_torch():
    metrics = [1.0, 0.9, 0.91, 0.92, 0.93, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.1, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2]
    for kw in ({}, {"mode": "max", "factor": 0.5, "patience": 1, "threshold": 0.05, "threshold_mode": "abs", "cooldown": 2},
               {"patience": 2, "min_lr": [0.05, 0.01], "eps": 1e-3}, {"patience": 0, "threshold_mode": "abs", "min_lr": 0.02}):
        oe, ot = _opts()
        se, st = elrs.ReduceLROnPlateau(oe, **kw), tlrs.ReduceLROnPlateau(ot, **kw)
        for m in metrics * 2:
            se.step(m)
            st.step(m)
            assert se.get_last_lr() == st.get_last_lr()
            assert (se.num_bad_epochs, se.cooldown_counter, se.best) == (st.num_bad_epochs, st.cooldown_counter, st.best)
        sd = se.state_dict()
        se2 = elrs.ReduceLROnPlateau(oe, **kw)
        se2.load_state_dict(sd)
        assert se2._is_better(0.0, 1.0) == se._is_better(0.0, 1.0)


def test_closed_form_with_epoch_argument_warns_and_matches_torch():
    for name, kw in (("StepLR", {"step_size": 3}), ("ExponentialLR", {"gamma": 0.9}),
                     ("CosineAnnealingLR", {"T_max": 10}), ("MultiStepLR", {"milestones": [2, 5]}),
                     ("PolynomialLR", {"total_iters": 8}), ("LinearLR", {"total_iters": 8}),
                     ("ConstantLR", {"total_iters": 3})):
        oe, ot = _opts()
        se, st = _sched("ember", name, oe, kw), _sched("torch", name, ot, kw)
        oe.step()
        ot.step()
        for epoch in (4, 7, 2):
            with pytest.warns(UserWarning, match="The epoch parameter in `scheduler.step\\(\\)` was not necessary"):
                se.step(epoch)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                st.step(epoch)
            assert se.get_last_lr() == pytest.approx(st.get_last_lr(), rel=1e-12), name


def test_warm_restarts_fractional_epochs_match_torch():
    oe, ot = _opts()
    se = elrs.CosineAnnealingWarmRestarts(oe, T_0=3, T_mult=2)
    st = tlrs.CosineAnnealingWarmRestarts(ot, T_0=3, T_mult=2)
    for epoch in (0.5, 1.25, 3.0, 4.5, 9.0, 10.2, 22.0):
        se.step(epoch)
        st.step(epoch)
        assert se.get_last_lr() == pytest.approx(st.get_last_lr(), rel=1e-12)
    with pytest.raises(ValueError, match="Expected non-negative epoch, but got -1"):
        se.step(-1)


def test_warnings_for_calling_order_and_get_lr():
    oe, _ = _opts()
    sched = elrs.StepLR(oe, step_size=2)
    with pytest.warns(UserWarning, match="Detected call of `lr_scheduler.step\\(\\)` before `optimizer.step\\(\\)`"):
        sched.step()
    with pytest.warns(UserWarning, match="please use `get_last_lr\\(\\)`"):
        sched.get_lr()
    oe2, _ = _opts()
    sched2 = elrs.ExponentialLR(oe2, gamma=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        oe2.step()
        sched2.step()  # the right order: no warning
    assert sched2.get_last_lr() == [0.05, 0.1]


def test_scheduler_errors():
    oe, _ = _opts()
    with pytest.raises(TypeError, match="int is not an Optimizer"):
        elrs.StepLR(3, step_size=1)
    with pytest.raises(KeyError, match="param 'initial_lr' is not specified in param_groups\\[0\\]"):
        elrs.StepLR(_opts()[0], step_size=1, last_epoch=3)
    with pytest.raises(ValueError, match="Constant multiplicative factor expected to be between 0 and 1."):
        elrs.ConstantLR(oe, factor=2.0)
    with pytest.raises(ValueError, match="Expected 2 lr_lambdas, but got 1"):
        elrs.LambdaLR(oe, [_lam])
    with pytest.raises(ValueError, match="Factor should be < 1.0."):
        elrs.ReduceLROnPlateau(oe, factor=1.0)
    with pytest.raises(ValueError, match="mode foo is unknown!"):
        elrs.ReduceLROnPlateau(oe, mode="foo")
    with pytest.raises(ValueError, match="You must define either total_steps OR"):
        elrs.OneCycleLR(oe, max_lr=0.1)
    with pytest.raises(ValueError, match="optimizer must support momentum or beta1"):
        elrs.CyclicLR(eoptim.Adagrad([ember.zeros(1, requires_grad=True)]), base_lr=0.01, max_lr=0.1)
    sched = elrs.OneCycleLR(oe, max_lr=0.1, total_steps=2)
    oe.step()
    sched.step()
    sched.step()
    with pytest.raises(ValueError, match="Tried to step 3 times. The specified number of total steps is 2"):
        sched.step()
    with pytest.raises(ValueError, match="SequentialLR does not support `ReduceLROnPlateau`"):
        elrs.SequentialLR(oe, [elrs.ReduceLROnPlateau(oe), elrs.StepLR(oe, 2)], milestones=[2])
    with pytest.raises(ValueError, match="number of milestones to be equal to 2"):
        elrs.SequentialLR(oe, [elrs.StepLR(oe, 2), elrs.StepLR(oe, 2)], milestones=[2, 3])
