"""Top-level torch-namespace helpers and small Tensor methods, checked against PyTorch."""
import pytest
import torch

import ember


@pytest.mark.parametrize("name", ember._api._INPLACE_FUNCTIONS)
def test_inplace_functions_exist_like_torch(name):
    assert hasattr(torch, name), f"torch has no {name}: remove it from ember's list"
    assert callable(getattr(ember, name))


@pytest.mark.parametrize("name,args", [("sqrt_", ()), ("exp_", ()), ("clamp_", (0.5, 2.0)), ("zero_", ()),
                                       ("fill_", (3.0,)), ("round_", ()), ("neg_", ())])
def test_inplace_functions_match_torch(name, args):
    e, t = ember.tensor([0.25, 1.5, 4.0]), torch.tensor([0.25, 1.5, 4.0])
    re, rt = getattr(ember, name)(e, *args), getattr(torch, name)(t, *args)
    assert re is e and rt is t
    assert e.tolist() == pytest.approx(t.tolist())


def test_predicates_match_torch():
    for mod in (ember, torch):
        x = mod.tensor([1.0, 2.0])
        assert mod.is_signed(x) and not mod.is_signed(x.to(mod.uint8)) and x.is_signed()
        assert mod.is_same_size(x, mod.zeros(2)) and not x.is_same_size(mod.zeros(3))
        assert not mod.is_complex(x) and x.get_device() == -1 and x.output_nr == 0
        assert mod.typename(x) == ("ember" if mod is ember else "torch") + ".FloatTensor"
        assert mod.detach(x.requires_grad_()).requires_grad is False
        assert mod.tensor([2.0]).is_nonzero() is True and mod.tensor(0).is_nonzero() is False
        with pytest.raises(RuntimeError):
            x.is_nonzero()
        assert not x.is_pinned() and not x.is_shared() and x.share_memory_() is x


def test_legacy_new_and_apply_map():
    for mod in (ember, torch):
        t = mod.tensor([1.0, 2.0], dtype=mod.float64)
        assert t.new(3).shape == (3,) and t.new(3).dtype == t.dtype
        assert t.new([5, 6]).tolist() == [5.0, 6.0] and t.new([5, 6]).dtype == mod.float64
        t.apply_(lambda v: v * 3)
        t.map_(mod.tensor([1.0, -1.0], dtype=mod.float64), lambda a, b: a + b)
        assert t.tolist() == [4.0, 5.0]


def test_global_switches_round_trip():
    ember.use_deterministic_algorithms(True, warn_only=True)
    try:
        assert ember.are_deterministic_algorithms_enabled()
        assert ember.is_deterministic_algorithms_warn_only_enabled()
    finally:
        ember.use_deterministic_algorithms(False)
    assert not ember.are_deterministic_algorithms_enabled()
    ember.set_float32_matmul_precision("high")
    assert ember.get_float32_matmul_precision() == "high"
    ember.set_float32_matmul_precision("highest")
    with pytest.raises(RuntimeError):
        ember.set_float32_matmul_precision("fastest")
    ember.set_num_interop_threads(2)
    assert ember.get_num_interop_threads() == 2
    ember.set_anomaly_enabled(True)
    try:
        assert ember.is_anomaly_enabled() and ember.autograd.is_anomaly_enabled()
    finally:
        ember.set_anomaly_enabled(False)
    assert not ember.is_anomaly_enabled()


def test_torch_backends_switches_are_harmless():
    ember.backends.cudnn.benchmark = True
    ember.backends.cudnn.deterministic = True
    assert ember.backends.cudnn.benchmark is True
    assert ember.backends.mps.is_available() is False
    ember.backends.cudnn.benchmark = False
    ember.backends.cudnn.deterministic = False


def test_compile_returns_model_unchanged():
    def f(x):
        return x * 2
    assert ember.compile(f) is f
    assert ember.compile()(f) is f
