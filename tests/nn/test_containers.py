"""Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict against torch.nn."""
from collections import OrderedDict

import numpy as np
import pytest
import torch

import ember


def _seq(lib, n=4):
    return lib.nn.Sequential(*[lib.nn.Linear(i + 1, i + 2) for i in range(n)])


def _shapes(m):
    return [(n, tuple(p.shape)) for n, p in m.named_parameters()]


def test_sequential_construction_indexing_and_forward():
    t, e = _seq(torch), _seq(ember)
    assert _shapes(e) == _shapes(t)
    assert repr(e) == repr(t)
    assert e[-1] is e[3] and e[0] is list(e)[0]
    assert isinstance(e[1:3], ember.nn.Sequential) and _shapes(e[1:3]) == _shapes(t[1:3])
    assert _shapes(e[::-2]) == _shapes(t[::-2])
    assert len(e) == 4
    with pytest.raises(IndexError, match="index 4 is out of range"):
        e[4]
    with pytest.raises(IndexError, match="index -5 is out of range"):
        e[-5]
    e.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((2, 1)).astype(np.float32)
    np.testing.assert_allclose(e(ember.tensor(x)).numpy(force=True), t(torch.tensor(x)).detach().numpy(),
                               rtol=1e-5, atol=1e-6)


def test_sequential_ordered_dict_names():
    for lib in (torch, ember):
        s = lib.nn.Sequential(OrderedDict([("first", lib.nn.Linear(1, 2)), ("act", lib.nn.Identity())]))
        assert list(s.state_dict()) == ["first.weight", "first.bias"]
        assert s.first is s[0]
    te = ember.nn.Sequential(OrderedDict([("first", ember.nn.Linear(1, 2)), ("act", ember.nn.Identity())]))
    tt = torch.nn.Sequential(OrderedDict([("first", torch.nn.Linear(1, 2)), ("act", torch.nn.Identity())]))
    assert repr(te) == repr(tt)


def test_sequential_mutation_matches_torch():
    def ops(lib):
        s = _seq(lib)
        s.append(lib.nn.Linear(5, 6))
        s.insert(0, lib.nn.Identity())
        s.insert(-1, lib.nn.Flatten())
        del s[2]
        s[1] = lib.nn.Linear(1, 2, bias=False)
        popped = s.pop(-1)
        s.extend([lib.nn.Identity(), lib.nn.Identity()])
        del s[1:3]
        s2 = s + lib.nn.Sequential(lib.nn.Linear(7, 7))
        s3 = s2 * 2
        s2 += lib.nn.Sequential(lib.nn.Identity())
        return [repr(s), repr(popped), repr(s2), repr(s3), len(s3), list(dict(s3.named_children()))]

    assert ops(ember) == ops(torch)
    with pytest.raises(ValueError, match="add operator supports only objects of Sequential class"):
        ember.nn.Sequential() + ember.nn.ModuleList()
    with pytest.raises(IndexError, match="Index out of range: 5"):
        ember.nn.Sequential(ember.nn.Identity()).insert(5, ember.nn.Identity())
    with pytest.raises(ValueError, match="Non-positive multiplication factor 0"):
        ember.nn.Sequential() * 0


def test_modulelist_matches_torch():
    def ops(lib):
        ml = lib.nn.ModuleList([lib.nn.Linear(2, 2) for _ in range(3)])
        ml.append(lib.nn.Identity())
        ml.extend([lib.nn.Flatten(), lib.nn.Flatten()])
        ml.insert(1, lib.nn.Linear(3, 3))
        ml[-1] = lib.nn.Linear(4, 4)
        del ml[0]
        sliced = ml[1:4]
        popped = ml.pop(0)
        both = ml + sliced
        ml += [lib.nn.Identity()]
        return [repr(ml), repr(sliced), repr(popped), repr(both), len(ml), _shapes(ml), list(ml.state_dict())]

    assert ops(ember) == ops(torch)
    assert repr(ember.nn.ModuleList()) == repr(torch.nn.ModuleList()) == "ModuleList()"
    with pytest.raises(IndexError, match="index 3 is out of range"):
        ember.nn.ModuleList([ember.nn.Identity()] * 3)[3]
    with pytest.raises(TypeError, match="ModuleList.extend should be called with an iterable, but got Identity"):
        ember.nn.ModuleList().extend(ember.nn.Identity())


def test_moduledict_matches_torch():
    def ops(lib):
        md = lib.nn.ModuleDict({"b": lib.nn.Linear(1, 1), "a": lib.nn.Identity()})
        md["c"] = lib.nn.Linear(2, 2)
        md.update([("d", lib.nn.Flatten())])
        popped = md.pop("a")
        out = [repr(md), repr(popped), list(md.keys()), len(md), "c" in md, list(md), _shapes(md)]
        md.clear()
        return out + [len(md)]

    assert ops(ember) == ops(torch)
    with pytest.raises(ValueError, match="ModuleDict update sequence element #0 has length 1; 2 is required"):
        ember.nn.ModuleDict([("x",)])


def test_parameterlist_matches_torch():
    def ops(lib):
        pl = lib.nn.ParameterList([lib.nn.Parameter(lib.zeros(2)), lib.ones(3, 4)])
        pl.append(lib.zeros(1, dtype=lib.float64))
        pl.extend([lib.zeros(5)])
        pl.append("text")
        kinds = [type(p).__name__ for p in pl]
        sliced = pl[1:3]
        return [repr(pl).replace("torch.", "").replace("ember.", ""), len(pl), kinds, len(sliced),
                [n for n, _ in pl.named_parameters()], list(pl.state_dict())]

    assert ops(ember) == ops(torch)
    pl = ember.nn.ParameterList([ember.ones(2)])
    assert isinstance(pl[0], ember.nn.Parameter) and pl[0].requires_grad
    with pytest.raises(RuntimeError, match="ParameterList should not be called."):
        pl()
    with pytest.raises(TypeError, match="ParameterList.extend should be called with an iterable"):
        pl.extend(ember.ones(2))


def test_parameterdict_matches_torch():
    def ops(lib):
        pd = lib.nn.ParameterDict({"w": lib.ones(2, 3), "a": lib.nn.Parameter(lib.zeros(1, dtype=lib.float64))})
        pd["z"] = lib.zeros(4)
        pd.update(OrderedDict([("k", lib.ones(1))]))
        pd.setdefault("s", lib.ones(2))
        popped = pd.pop("a")
        item = pd.popitem()
        merged = pd | lib.nn.ParameterDict({"m": lib.ones(1)})
        return [repr(pd).replace("torch.", "").replace("ember.", ""), list(pd.keys()), len(pd), "w" in pd,
                tuple(popped.shape), item[0], list(merged.keys()), list(pd.state_dict()),
                pd.get("nope", 3), list(reversed(pd))]

    assert ops(ember) == ops(torch)
    with pytest.raises(TypeError, match="Index given to ParameterDict cannot be used as a key"):
        ember.nn.ParameterDict()[1]


def test_container_parameters_train_with_gradients():
    e = ember.nn.Sequential(ember.nn.Linear(3, 3), ember.nn.ModuleList([ember.nn.Linear(3, 3)]))
    e.register_module("extra", ember.nn.ModuleDict({"k": ember.nn.Linear(3, 1)}))

    def fwd(x):
        return e.extra["k"](e[1][0](e[0](x)))

    fwd(ember.ones(2, 3)).sum().backward()
    assert all(p.grad is not None for p in e.parameters())
    assert len(list(e.parameters())) == 6
