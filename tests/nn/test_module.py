"""nn.Module against torch.nn.Module: registration, iteration order, state_dict, hooks, conversion, repr."""
import copy
import pickle
from collections import OrderedDict

import numpy as np
import pytest
import torch

import ember


def _np(t):
    return t.detach().cpu().numpy() if isinstance(t, torch.Tensor) else t.detach().numpy()


def _build(lib):
    """The same model in ``torch`` or ``ember``: parameters, buffers, nested and shared submodules."""
    nn = lib.nn

    class Block(nn.Module):
        def __init__(self, n):
            super().__init__()
            self.fc = nn.Linear(n, n)
            self.register_buffer("running", lib.zeros(n))
            self.register_buffer("scratch", lib.ones(n), persistent=False)
            self.scale = nn.Parameter(lib.ones(()))

        def forward(self, x):
            return self.fc(x) * self.scale + self.running

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Linear(3, 4, bias=False)
            self.blocks = nn.ModuleList([Block(4), Block(4)])
            self.shared = self.blocks[0]
            self.head = nn.Sequential(OrderedDict(flat=nn.Flatten(), out=nn.Linear(4, 2)))
            self.register_parameter("unused", None)
            self.temperature = nn.Parameter(lib.full((1,), 0.5))

        def forward(self, x):
            x = self.embed(x)
            for b in self.blocks:
                x = b(x)
            return self.head(x) / self.temperature

    return Net()


def _copy_weights(src, dst):
    """Copy torch ``src`` state into ember ``dst`` through NumPy."""
    dst.load_state_dict({k: ember.tensor(_np(v)) for k, v in src.state_dict().items()})


def test_parameter_and_buffer_names_order_and_shapes_match_torch():
    t, e = _build(torch), _build(ember)
    assert [(n, tuple(p.shape)) for n, p in e.named_parameters()] == \
        [(n, tuple(p.shape)) for n, p in t.named_parameters()]
    assert [n for n, _ in e.named_buffers()] == [n for n, _ in t.named_buffers()]
    assert [n for n, _ in e.named_modules()] == [n for n, _ in t.named_modules()]
    assert [n for n, _ in e.named_children()] == [n for n, _ in t.named_children()]
    assert len(list(e.parameters())) == len(list(t.parameters()))
    assert len(list(e.modules())) == len(list(t.modules()))


@pytest.mark.parametrize("kw", [dict(prefix="model"), dict(recurse=False), dict(remove_duplicate=False),
                                dict(prefix="p", remove_duplicate=False)])
def test_named_parameters_options_match_torch(kw):
    t, e = _build(torch), _build(ember)
    assert [n for n, _ in e.named_parameters(**kw)] == [n for n, _ in t.named_parameters(**kw)]
    assert [n for n, _ in e.named_buffers(**kw)] == [n for n, _ in t.named_buffers(**kw)]


def test_named_modules_remove_duplicate_and_prefix():
    t, e = _build(torch), _build(ember)
    for kw in (dict(prefix="m"), dict(remove_duplicate=False)):
        assert [n for n, _ in e.named_modules(**kw)] == [n for n, _ in t.named_modules(**kw)]
    assert len(list(e.modules(remove_duplicate=False))) == len(list(t.modules(remove_duplicate=False)))


def test_state_dict_keys_order_and_values():
    t, e = _build(torch), _build(ember)
    sd = e.state_dict()
    assert isinstance(sd, OrderedDict)
    assert list(sd) == list(t.state_dict())
    assert "blocks.0.scratch" not in sd  # non-persistent
    assert not sd["embed.weight"].requires_grad and sd["embed.weight"].grad_fn is None
    assert e.state_dict(keep_vars=True)["embed.weight"] is e.embed.weight
    assert list(e.state_dict(prefix="net.")) == list(t.state_dict(prefix="net."))
    assert list(sd._metadata) == list(t.state_dict()._metadata)


def test_forward_matches_torch_after_loading_state_dict():
    t, e = _build(torch), _build(ember)
    _copy_weights(t, e)
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    tx, ex = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    ty, ey = t(tx), e(ex)
    np.testing.assert_allclose(_np(ey), _np(ty), rtol=1e-5, atol=1e-6)
    ty.sum().backward()
    ey.sum().backward()
    np.testing.assert_allclose(_np(ex.grad), _np(tx.grad), rtol=1e-4, atol=1e-6)
    tg = {n: _np(p.grad) for n, p in t.named_parameters()}
    for n, p in e.named_parameters():
        np.testing.assert_allclose(_np(p.grad), tg[n], rtol=1e-4, atol=1e-6, err_msg=n)


def _error(model, sd):
    with pytest.raises(RuntimeError) as info:
        model.load_state_dict(sd)
    return str(info.value).replace("ember.", "torch.")


def test_load_state_dict_errors_match_torch_exactly():
    t, e = _build(torch), _build(ember)
    tsd = t.state_dict()
    del tsd["head.out.bias"]
    tsd["extra.weight"] = torch.zeros(1)
    tsd["blocks.1.bogus"] = torch.zeros(1)
    tsd["embed.weight"] = torch.zeros(5, 3)
    esd = OrderedDict((k, ember.tensor(_np(v))) for k, v in tsd.items())
    assert _error(e, esd) == _error(t, tsd)
    msg = _error(e, esd)
    assert msg.startswith("Error(s) in loading state_dict for Net:\n\tMissing key(s) in state_dict: ")
    assert "size mismatch for embed.weight: copying a param with shape torch.Size([5, 3]) from checkpoint, " \
           "the shape in current model is torch.Size([4, 3])." in msg


def test_load_state_dict_non_strict_returns_incompatible_keys():
    t, e = _build(torch), _build(ember)
    tsd = t.state_dict()
    tsd.pop("temperature")
    tsd["zzz"] = torch.zeros(1)
    tres = t.load_state_dict(tsd, strict=False)
    eres = e.load_state_dict({k: ember.tensor(_np(v)) for k, v in tsd.items()}, strict=False)
    assert eres.missing_keys == tres.missing_keys and eres.unexpected_keys == tres.unexpected_keys
    assert repr(e.load_state_dict(e.state_dict())) == "<All keys matched successfully>"
    with pytest.raises(TypeError, match="Expected state_dict to be dict-like"):
        e.load_state_dict([1, 2])


def test_load_state_dict_copies_in_place_or_assigns():
    m = ember.nn.Linear(2, 2)
    w = m.weight
    new = ember.ones(2, 2)
    m.load_state_dict({"weight": new, "bias": ember.zeros(2)})
    assert m.weight is w and np.array_equal(_np(m.weight), np.ones((2, 2)))
    m.load_state_dict({"weight": new, "bias": ember.zeros(2)}, assign=True)
    assert m.weight is not w and isinstance(m.weight, ember.nn.Parameter) and m.weight.requires_grad
    # a 1-element checkpoint tensor loads into a 0-d parameter, like torch
    s = ember.nn.Module()
    s.p = ember.nn.Parameter(ember.zeros(()))
    s.load_state_dict({"p": ember.tensor([3.0])})
    assert s.p.item() == 3.0


def test_load_from_state_dict_override_can_adapt_old_checkpoints():
    class Versioned(ember.nn.Module):
        _version = 2

        def __init__(self):
            super().__init__()
            self.register_buffer("count", ember.tensor(0))

        def _load_from_state_dict(self, state_dict, prefix, local_metadata, *args):
            if local_metadata.get("version", None) is None or local_metadata["version"] < 2:
                state_dict.setdefault(prefix + "count", ember.tensor(7))
            super()._load_from_state_dict(state_dict, prefix, local_metadata, *args)

    outer = ember.nn.Sequential(Versioned())
    outer.load_state_dict({})  # no metadata: the override fills the key in
    assert outer[0].count.item() == 7
    sd = outer.state_dict()
    assert sd._metadata["0"]["version"] == 2


def test_state_dict_hooks():
    m = ember.nn.Linear(2, 2)
    calls = []
    m.register_state_dict_pre_hook(lambda mod, prefix, keep_vars: calls.append(("pre", prefix)))

    def drop_bias(mod, sd, prefix, meta):
        del sd[prefix + "bias"]

    m.register_state_dict_post_hook(drop_bias)
    h = m.register_load_state_dict_post_hook(lambda mod, keys: calls.append(("load", list(keys.missing_keys))))
    assert list(m.state_dict()) == ["weight"]
    assert calls == [("pre", "")]
    m.load_state_dict({"weight": ember.zeros(2, 2)}, strict=False)
    assert calls[-1] == ("load", ["bias"])
    h.remove()
    m.load_state_dict({"weight": ember.zeros(2, 2)}, strict=False)
    assert len(calls) == 2


def test_setattr_registration_and_errors_match_torch():
    for lib in (torch, ember):
        m = lib.nn.Module()
        m.p = lib.nn.Parameter(lib.ones(2))
        m.b = lib.nn.Buffer(lib.zeros(2), persistent=False)
        m.c = lib.nn.Linear(1, 1)
        assert list(m._parameters) == ["p"] and list(m._buffers) == ["b"] and list(m._modules) == ["c"]
        assert list(m.state_dict()) == ["p", "c.weight", "c.bias"]
        m.b = lib.ones(3)  # re-assigning a buffer name keeps it a (non-persistent) buffer
        assert m.b.shape == (3,) and "b" not in m.state_dict()
        m.c = None
        assert m._modules["c"] is None
        m.p = None
        assert m._parameters["p"] is None and m.p is None
        del m.b
        assert "b" not in m._buffers

    def errors(lib):
        out = []
        m = lib.nn.Module()
        m.p = lib.nn.Parameter(lib.ones(2))
        m.c = lib.nn.Linear(1, 1)
        for action in (lambda: setattr(m, "p", lib.ones(2)), lambda: setattr(m, "c", 3),
                       lambda: m.register_buffer("a.b", None), lambda: m.register_buffer("", None),
                       lambda: m.register_buffer("p", None), lambda: m.register_buffer("x", 3),
                       lambda: m.register_parameter("q", lib.ones(1)), lambda: m.add_module("c.d", None),
                       lambda: m.add_module("z", 3), lambda: getattr(m, "nope"),
                       lambda: m.register_parameter("n", lib.nn.Parameter(lib.ones(1)) * 2)):
            try:
                action()
                out.append(None)
            except Exception as e:  # noqa: BLE001  (comparing exception types/messages with torch)
                out.append((type(e).__name__, str(e).replace("torch.", "").replace("ember.", "")))
        return out

    t_errors, e_errors = errors(torch), errors(ember)
    for te, ee in zip(t_errors, e_errors):
        assert ee is not None and ee[0] == te[0], (te, ee)
    # messages that name only user-visible things are identical
    assert e_errors[0] == t_errors[0] and e_errors[1] == t_errors[1]
    assert e_errors[2:5] == t_errors[2:5] and e_errors[7] == t_errors[7] and e_errors[9] == t_errors[9]


def test_assignment_before_init_raises():
    class Bad(ember.nn.Module):
        def __init__(self):
            self.w = ember.nn.Parameter(ember.ones(1))

    with pytest.raises(AttributeError, match=r"cannot assign parameters before Module.__init__\(\) call"):
        Bad()


def test_get_submodule_parameter_buffer():
    t, e = _build(torch), _build(ember)
    assert e.get_submodule("blocks.1.fc") is e.blocks[1].fc
    assert e.get_submodule("") is e
    assert e.get_parameter("blocks.1.fc.weight") is e.blocks[1].fc.weight
    assert e.get_buffer("blocks.0.running") is e.blocks[0].running
    for target, fn in (("blocks.9", "get_submodule"), ("blocks.0.fc.weight.x", "get_submodule"),
                       ("blocks.0.running", "get_parameter"), ("blocks.0.fc.weight", "get_buffer"),
                       ("embed.nothing", "get_parameter")):
        with pytest.raises(AttributeError) as ti:
            getattr(t, fn)(target)
        with pytest.raises(AttributeError) as ei:
            getattr(e, fn)(target)
        assert str(ei.value) == str(ti.value)
    new = ember.nn.Linear(4, 4)
    e.set_submodule("blocks.1.fc", new)
    assert e.blocks[1].fc is new


def test_forward_hooks_order_kwargs_prepend_and_removal():
    calls = []
    m = ember.nn.Linear(2, 2)
    h1 = m.register_forward_pre_hook(lambda mod, args: calls.append("pre1"))
    m.register_forward_pre_hook(lambda mod, args: calls.append("pre0"), prepend=True)
    m.register_forward_pre_hook(lambda mod, args, kwargs: calls.append(("prekw", sorted(kwargs))),
                                with_kwargs=True)
    m.register_forward_hook(lambda mod, args, out: calls.append("post1"))
    m.register_forward_hook(lambda mod, args, kwargs, out: calls.append(("postkw", len(args))), with_kwargs=True)
    m.register_forward_hook(lambda mod, args, out: calls.append("post0"), prepend=True)
    m(ember.ones(1, 2))
    assert calls == ["pre0", "pre1", ("prekw", []), "post0", "post1", ("postkw", 1)]
    calls.clear()
    h1.remove()
    with m.register_forward_hook(lambda mod, args, out: calls.append("ctx")):
        m(ember.ones(1, 2))
    assert "pre1" not in calls and "ctx" in calls
    calls.clear()
    m(ember.ones(1, 2))
    assert "ctx" not in calls


def test_forward_hooks_can_replace_inputs_and_outputs():
    m = ember.nn.Identity()
    m.register_forward_pre_hook(lambda mod, args: args[0] * 2)
    m.register_forward_hook(lambda mod, args, out: out + 1)
    assert m(ember.tensor([1.0])).item() == 3.0
    m2 = ember.nn.Identity()
    m2.register_forward_pre_hook(lambda mod, args, kwargs: ((args[0] * 10,), kwargs), with_kwargs=True)
    assert m2(ember.tensor([1.0])).item() == 10.0
    m3 = ember.nn.Identity()
    m3.register_forward_pre_hook(lambda mod, args, kwargs: 5, with_kwargs=True)
    with pytest.raises(RuntimeError, match="forward pre-hook must return None or a tuple"):
        m3(ember.ones(1))


def test_always_call_forward_hook_runs_when_forward_raises():
    class Boom(ember.nn.Module):
        def forward(self, x):
            raise ValueError("boom")

    calls = []
    m = Boom()
    m.register_forward_hook(lambda mod, args, out: calls.append("always"), always_call=True)
    m.register_forward_hook(lambda mod, args, out: calls.append("normal"))
    with pytest.raises(ValueError, match="boom"):
        m(ember.ones(1))
    assert calls == ["always"]


def test_global_forward_hook():
    from ember.nn.modules.module import register_module_forward_hook
    seen = []
    h = register_module_forward_hook(lambda mod, args, out: seen.append(type(mod).__name__))
    try:
        ember.nn.Sequential(ember.nn.Identity(), ember.nn.Flatten())(ember.ones(2, 2, 2))
    finally:
        h.remove()
    assert seen == ["Identity", "Flatten", "Sequential"]
    ember.nn.Identity()(ember.ones(1))
    assert len(seen) == 3


def _linear_pair():
    t = torch.nn.Linear(3, 2)
    e = ember.nn.Linear(3, 2)
    _copy_weights(t, e)
    return t, e


def test_full_backward_hooks_match_torch():
    t, e = _linear_pair()
    x = np.random.default_rng(1).standard_normal((4, 3)).astype(np.float32)
    record = {}
    for lib, m in (("torch", t), ("ember", e)):
        calls = []
        m.register_full_backward_pre_hook(lambda mod, go, c=calls: c.append(("pre", [_np(g) for g in go])))
        m.register_full_backward_hook(
            lambda mod, gi, go, c=calls: c.append(("hook", [_np(g) for g in gi], [_np(g) for g in go])))
        mod = torch if lib == "torch" else ember
        inp = mod.tensor(x, requires_grad=True)
        (m(inp) * 3).sum().backward()
        record[lib] = (calls, _np(inp.grad))
    tc, ec = record["torch"][0], record["ember"][0]
    assert [c[0] for c in ec] == [c[0] for c in tc] == ["pre", "hook"]
    np.testing.assert_allclose(ec[0][1][0], tc[0][1][0], rtol=1e-6)
    np.testing.assert_allclose(ec[1][1][0], tc[1][1][0], rtol=1e-5)
    np.testing.assert_allclose(ec[1][2][0], tc[1][2][0], rtol=1e-6)
    np.testing.assert_allclose(record["ember"][1], record["torch"][1], rtol=1e-5)


def test_backward_hooks_can_replace_gradients():
    for lib in (torch, ember):
        m = lib.nn.Linear(2, 2)
        m.register_full_backward_pre_hook(lambda mod, go: (go[0] * 2,))
        m.register_full_backward_hook(lambda mod, gi, go: (gi[0] + 1,))
        x = lib.ones(1, 2, requires_grad=True)
        m(x).sum().backward()
        expected = m.weight.detach().sum(0) * 2 + 1
        assert np.allclose(_np(x.grad), _np(expected).reshape(1, 2))
        m2 = lib.nn.Linear(2, 2)
        m2.register_full_backward_hook(lambda mod, gi, go: (gi[0], gi[0]))
        with pytest.raises(RuntimeError, match="Backward hook returned an invalid number of grad_input, got 2"):
            m2(lib.ones(1, 2, requires_grad=True)).sum().backward()


def test_backward_hook_grad_input_for_inputs_without_grad_matches_torch():
    results = {}
    for lib in (torch, ember):
        out = []
        m = lib.nn.Bilinear(2, 3, 2)
        with lib.no_grad():
            for p in m.parameters():
                p.fill_(0.5)
        m.register_full_backward_hook(
            lambda mod, gi, go, o=out: o.append(([None if g is None else g.sum().item() for g in gi],
                                                 [g.sum().item() for g in go])))
        m(lib.ones(1, 2, requires_grad=True), lib.ones(1, 3)).sum().backward()
        m2 = lib.nn.Linear(2, 2)
        m2.register_full_backward_hook(lambda mod, gi, go, o=out: o.append((gi, len(go))))
        with pytest.warns(UserWarning, match="Full backward hook is firing when gradients are computed with "
                                             "respect to module outputs since no inputs require gradients"):
            m2(lib.ones(1, 2)).sum().backward()
        results[lib.__name__] = out
    assert results["ember"] == results["torch"] == [([6.0, 0.0], [2.0]), ((None,), 1)]


def test_full_and_legacy_backward_hooks_cannot_mix():
    m = ember.nn.Linear(1, 1)
    m.register_full_backward_hook(lambda *a: None)
    with pytest.raises(RuntimeError, match="Cannot use both regular backward hooks and full backward hooks"):
        m.register_backward_hook(lambda *a: None)


def test_train_eval_requires_grad_zero_grad():
    e = _build(ember)
    assert e.training and all(m.training for m in e.modules())
    assert e.eval() is e and not any(m.training for m in e.modules())
    e.train()
    assert all(m.training for m in e.modules())
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        e.train("yes")
    e.requires_grad_(False)
    assert not any(p.requires_grad for p in e.parameters())
    e.requires_grad_()
    e(ember.ones(2, 3)).sum().backward()
    assert all(p.grad is not None for p in e.parameters())
    e.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.any() for p in e.parameters())
    e.zero_grad()
    assert all(p.grad is None for p in e.parameters())


def test_apply_visits_children_first():
    e = _build(ember)
    t = _build(torch)
    seen_e, seen_t = [], []
    assert e.apply(lambda m: seen_e.append(type(m).__name__)) is e
    t.apply(lambda m: seen_t.append(type(m).__name__))
    assert seen_e == seen_t


def test_to_and_dtype_casts_keep_parameter_identity():
    m = _build(ember)
    m(ember.ones(2, 3)).sum().backward()
    w = m.embed.weight
    assert m.double() is m
    assert m.embed.weight is w and w.dtype is ember.float64 and w.grad.dtype is ember.float64
    assert m.blocks[0].running.dtype is ember.float64
    m.to(ember.float32)
    assert w.dtype is ember.float32 and isinstance(w, ember.nn.Parameter) and w.requires_grad
    m.half()
    assert w.dtype is ember.float16
    m.float().to("cpu")
    m.bfloat16()
    assert w.dtype is ember.bfloat16
    m.to(ember.ones(1, dtype=ember.float64))
    assert w.dtype is ember.float64
    m.type(ember.float32)
    assert w.dtype is ember.float32
    m.cpu()
    m.register_buffer("steps", ember.tensor(3))
    m.double()
    assert m.steps.dtype is ember.int64  # only floating point tensors are cast
    with pytest.raises(TypeError, match="nn.Module.to only accepts floating point or complex dtypes, but got "
                                        "desired dtype=ember.int64"):
        m.to(ember.int64)


def test_repr_identical_to_torch():
    t, e = _build(torch), _build(ember)
    assert repr(e) == repr(t)

    class WithExtra(ember.nn.Module):
        def extra_repr(self):
            return "a=1\nb=2"

    class TWithExtra(torch.nn.Module):
        def extra_repr(self):
            return "a=1\nb=2"

    e2, t2 = WithExtra(), TWithExtra()
    e2.child = ember.nn.Linear(1, 1)
    t2.child = torch.nn.Linear(1, 1)
    assert repr(e2).replace("WithExtra", "TWithExtra") == repr(t2)


def test_deepcopy_and_pickle_roundtrip():
    e = _build(ember)
    e.register_forward_hook(_ForwardHook())
    c = copy.deepcopy(e)
    assert c.blocks[0] is c.shared and c.blocks[0] is not e.blocks[0]
    assert isinstance(c.embed.weight, ember.nn.Parameter)
    for (n, p), (_, q) in zip(e.state_dict().items(), c.state_dict().items()):
        assert np.array_equal(_np(p), _np(q)), n
    x = ember.ones(2, 3)
    np.testing.assert_array_equal(_np(c(x)), _np(e(x)))
    c.embed.weight.data.fill_(0)
    assert e.embed.weight.abs().sum().item() > 0
    s = ember.nn.Sequential(_Scaled(), ember.nn.Linear(3, 2))
    s.register_forward_hook(_ForwardHook())
    p = pickle.loads(pickle.dumps(s))
    assert list(p.state_dict()) == list(s.state_dict()) == ["0.w", "0.b", "1.weight", "1.bias"]
    assert len(p._forward_hooks) == 1
    np.testing.assert_array_equal(_np(p(x)), _np(s(x)))


class _Scaled(ember.nn.Module):
    def __init__(self):
        super().__init__()
        self.w = ember.nn.Parameter(ember.randn(3))
        self.register_buffer("b", ember.randn(3))

    def forward(self, x):
        return x * self.w + self.b


class _ForwardHook:
    def __call__(self, mod, args, out):
        return None


def test_dir_and_missing_forward():
    e = _build(ember)
    d = dir(e)
    for name in ("embed", "temperature", "blocks", "forward", "state_dict", "training"):
        assert name in d
    with pytest.raises(NotImplementedError, match=r'Module \[Module\] is missing the required "forward" function'):
        ember.nn.Module()(ember.ones(1))


def test_module_init_kwargs_and_compile_share_memory():
    with pytest.raises(TypeError, match=r"Module.__init__\(\) got an unexpected keyword argument 'x'"):
        ember.nn.Module(x=1)
    m = ember.nn.Linear(2, 2)
    assert m.share_memory() is m
    m.compile()
    assert m(ember.ones(1, 2)).shape == (1, 2)


def test_parameter_and_buffer_classes_match_torch():
    for lib in (torch, ember):
        p = lib.nn.Parameter(lib.ones(2))
        assert p.requires_grad and p.is_leaf and isinstance(p, lib.Tensor)
        assert not lib.nn.Parameter(lib.ones(2), requires_grad=False).requires_grad
        assert lib.nn.Parameter().shape == (0,)
        b = lib.nn.Buffer(lib.ones(2), persistent=False)
        assert type(b) is lib.Tensor and isinstance(b, lib.nn.Buffer) and b.persistent is False
        assert not isinstance(lib.ones(2), lib.nn.Buffer)
    assert repr(ember.nn.Parameter(ember.ones(2))) == repr(torch.nn.Parameter(torch.ones(2)))
    assert repr(ember.nn.Parameter(ember.ones(2), requires_grad=False)) == \
        repr(torch.nn.Parameter(torch.ones(2), requires_grad=False))
    x = ember.zeros(3)
    p = ember.nn.Parameter(x)  # shares storage with its data, like torch
    with ember.no_grad():
        p.add_(1)
    assert x.tolist() == [1.0, 1.0, 1.0]
    u = ember.nn.UninitializedParameter(dtype=ember.float64)
    assert ember.nn.parameter.is_lazy(u)
    u.materialize((2, 3))
    assert type(u) is ember.nn.Parameter and u.shape == (2, 3) and u.dtype is ember.float64
