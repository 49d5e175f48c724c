"""Random number generation: generators, seeding, state, and the samplers' semantics.

Values can't be compared with PyTorch (the bit generators differ), so the tests
check reproducibility, independence of generators, distribution moments and
supports, and compare dtypes, shapes, autograd flags, errors and distribution
statistics with real torch.
"""
from __future__ import annotations

import copy
import math
import pickle

import numpy as np
import pytest
import torch

import ember
import ember.random
from ember.ops import random as R

from ._helpers import raises_like_torch


@pytest.fixture(autouse=True)
def _isolated_rng():
    """Each test leaves every default generator as it found it."""
    with ember.random.fork_rng():
        yield


def _vals(t):
    return t.tolist()


def _np(t):
    return np.asarray(t.tolist(), dtype=np.float64)


# --- seeding and reproducibility -------------------------------------------------------

DRAWS = {
    "rand": lambda m, g: m.rand(5, 3, generator=g),
    "randn": lambda m, g: m.randn(7, generator=g, dtype=m.float64),
    "randint": lambda m, g: m.randint(-5, 5, (9,), generator=g),
    "randperm": lambda m, g: m.randperm(12, generator=g),
    "normal_tensors": lambda m, g: m.normal(m.zeros(4), m.ones(4), generator=g),
    "normal_size": lambda m, g: m.normal(2.0, 3.0, (6,), generator=g),
    "bernoulli": lambda m, g: m.bernoulli(m.full((20,), 0.5), generator=g),
    "multinomial": lambda m, g: m.multinomial(m.ones(2, 10), 4, generator=g),
    "poisson": lambda m, g: m.poisson(m.full((8,), 4.0), generator=g),
    "uniform_": lambda m, g: m.zeros(6).uniform_(-1, 1, generator=g),
    "normal_": lambda m, g: m.zeros(6).normal_(generator=g),
    "random_": lambda m, g: m.zeros(6, dtype=m.int64).random_(generator=g),
    "exponential_": lambda m, g: m.zeros(6).exponential_(generator=g),
    "geometric_": lambda m, g: m.zeros(6).geometric_(0.2, generator=g),
    "log_normal_": lambda m, g: m.zeros(6).log_normal_(generator=g),
    "cauchy_": lambda m, g: m.zeros(6).cauchy_(generator=g),
    "bernoulli_": lambda m, g: m.zeros(20).bernoulli_(0.5, generator=g),
}


@pytest.mark.parametrize("name", sorted(DRAWS))
def test_same_seed_same_draws_and_other_seeds_differ(name):
    draw = DRAWS[name]
    ember.manual_seed(123)
    a = _vals(draw(ember, None))
    ember.manual_seed(123)
    assert _vals(draw(ember, None)) == a
    g = ember.Generator().manual_seed(7)
    b = _vals(draw(ember, g))
    assert _vals(draw(ember, ember.Generator().manual_seed(7))) == b
    assert _vals(draw(ember, ember.Generator().manual_seed(8))) != b
    assert _vals(draw(ember, g)) != b  # the generator advanced


def test_same_seed_gives_the_same_numbers_in_a_fresh_process(run_python):
    code = "import ember; ember.manual_seed(42); print(ember.rand(4).tolist(), ember.randint(0, 1000, (4,)).tolist())"
    first = run_python(code)
    assert first.returncode == 0, first.stderr
    second = run_python(code)
    assert second.stdout == first.stdout
    ember.manual_seed(42)
    assert first.stdout.strip() == f"{ember.rand(4).tolist()} {ember.randint(0, 1000, (4,)).tolist()}"


def test_manual_seed_returns_the_default_generator_and_sets_initial_seed():
    g = ember.manual_seed(5)
    assert g is ember.default_generator
    assert isinstance(g, ember.Generator)
    assert ember.initial_seed() == 5 == ember.random.initial_seed()
    assert ember.manual_seed(-1).initial_seed() == 2 ** 64 - 1 == torch.manual_seed(-1).initial_seed()
    assert ember.manual_seed(2.9).initial_seed() == torch.manual_seed(2.9).initial_seed() == 2


@pytest.mark.parametrize("bad, error", [(2 ** 64, ValueError), (-(2 ** 63) - 1, ValueError), ("a", ValueError)])
def test_manual_seed_rejects_what_torch_rejects(bad, error):
    with pytest.raises(error):
        torch.manual_seed(bad)
    with pytest.raises(error):
        ember.manual_seed(bad)


def test_generator_manual_seed_type_errors_like_torch():
    with pytest.raises(RuntimeError, match="expected a long, but got float"):
        torch.Generator().manual_seed(1.5)
    with pytest.raises(RuntimeError, match="expected a long, but got float"):
        ember.Generator().manual_seed(1.5)
    with pytest.raises(ValueError, match="Overflow"):
        ember.Generator().manual_seed(2 ** 64)


def test_seed_is_nondeterministic_and_becomes_the_initial_seed():
    s1 = ember.seed()
    assert ember.initial_seed() == s1
    assert 0 <= s1 < 2 ** 64
    s2 = ember.seed()
    assert s1 != s2
    g = ember.Generator()
    s3 = g.seed()
    assert g.initial_seed() == s3


def test_new_generators_start_from_torchs_default_seed():
    assert ember.Generator().initial_seed() == torch.Generator().initial_seed()


def test_generator_device():
    assert ember.Generator().device == ember.device("cpu")
    assert ember.Generator(device="cpu").device.type == torch.Generator(device="cpu").device.type
    assert ember.Generator(ember.device("cpu")).device.type == "cpu"


# --- independence and state -------------------------------------------------------------

def test_private_generator_does_not_advance_the_default():
    ember.manual_seed(0)
    state = ember.get_rng_state()
    expected = _vals(ember.rand(5))
    ember.set_rng_state(state)
    g = ember.Generator().manual_seed(0)
    for draw in DRAWS.values():
        draw(ember, g)
    assert ember.get_rng_state().tolist() == state.tolist()
    assert _vals(ember.rand(5)) == expected


def test_generators_with_the_same_seed_are_independent_streams():
    g1, g2 = ember.Generator().manual_seed(3), ember.Generator().manual_seed(3)
    a = _vals(ember.rand(4, generator=g1))
    ember.rand(100, generator=g2)  # advancing g2 leaves g1 alone
    g1.manual_seed(3)
    assert _vals(ember.rand(4, generator=g1)) == a


def test_get_state_set_state_round_trip():
    g = ember.Generator().manual_seed(11)
    ember.rand(3, generator=g)
    state = g.get_state()
    assert state.dtype is ember.uint8 and state.ndim == 1 and state.device.type == "cpu"
    a = _vals(ember.randn(6, generator=g))
    h = ember.Generator().set_state(state)
    assert h.initial_seed() == 11
    assert _vals(ember.randn(6, generator=h)) == a
    assert g.set_state(state) is g
    assert _vals(ember.randn(6, generator=g)) == a


def test_rng_state_of_the_default_generator_like_torch():
    for mod in (torch, ember):
        mod.manual_seed(1)
        s = mod.get_rng_state()
        a = mod.rand(3).tolist()
        mod.set_rng_state(s)
        assert mod.rand(3).tolist() == a
        assert s.dtype == mod.uint8


@pytest.mark.parametrize("bad, error", [([1, 2], TypeError), ("zeros_float", TypeError), ("short", RuntimeError)])
def test_set_state_errors_like_torch(bad, error):
    def arg(mod):
        if bad == "zeros_float":
            return mod.zeros(5056)
        if bad == "short":
            return mod.zeros(3, dtype=mod.uint8)
        return bad
    with pytest.raises(error):
        torch.Generator().set_state(arg(torch))
    with pytest.raises(error):
        ember.Generator().set_state(arg(ember))


def test_set_state_rejects_a_truncated_backend_state():
    state = ember.Generator().get_state()
    with pytest.raises(RuntimeError, match="state"):
        ember.Generator().set_state(state[:-1])


def test_generator_pickles_and_deepcopies_with_its_state():
    g = ember.Generator().manual_seed(9)
    ember.rand(5, generator=g)
    for h in (pickle.loads(pickle.dumps(g)), copy.deepcopy(g)):
        assert h is not g and h.initial_seed() == 9
        assert _vals(ember.rand(4, generator=h)) == _vals(ember.rand(4, generator=copy.deepcopy(g)))
    assert _vals(ember.rand(4, generator=pickle.loads(pickle.dumps(g)))) == _vals(ember.rand(4, generator=g))


def test_fork_rng_restores_every_default_generator():
    ember.manual_seed(4)
    expected = _vals(ember.rand(3))
    ember.manual_seed(4)
    with ember.random.fork_rng():
        ember.rand(10)
        ember.manual_seed(99)
        ember.randn(4)
    assert ember.initial_seed() == 4
    assert _vals(ember.rand(3)) == expected
    with ember.random.fork_rng(enabled=False):
        ember.rand(1)
    assert _vals(ember.rand(3)) != expected


# --- per-backend generators ------------------------------------------------------------

def test_each_backend_has_its_own_default_generator(example_backend):
    ember.manual_seed(21)
    on_numpy = _vals(ember.rand(4, device="numpy"))
    ember.manual_seed(21)
    ember.rand(50, device="example")  # draws on another backend leave numpy's generator alone
    assert _vals(ember.rand(4, device="numpy")) == on_numpy
    ember.manual_seed(21)  # reseeds the example backend's default generator too
    a = _vals(ember.rand(4, device="example"))
    ember.manual_seed(21)
    assert _vals(ember.rand(4, device="example")) == a
    t = ember.rand(2, device="example")
    assert t.device == ember.device("example")


def test_generator_must_belong_to_the_tensors_backend(example_backend):
    g = ember.Generator(device="example")
    assert g.device == ember.device("example")
    assert ember.rand(3, device="example", generator=g).device == ember.device("example")
    with pytest.raises(RuntimeError, match="generator"):
        ember.rand(3, device="numpy", generator=g)
    with pytest.raises(RuntimeError, match="generator"):
        ember.zeros(3, device="numpy").uniform_(generator=g)
    with pytest.raises(TypeError, match="Generator"):
        ember.rand(3, generator=1)


# --- dtypes, shapes and arguments, compared with torch --------------------------------

CALLS = {
    "rand(2, 3)": lambda m: m.rand(2, 3),
    "rand((2, 3))": lambda m: m.rand((2, 3)),
    "rand([4])": lambda m: m.rand([4]),
    "rand(())": lambda m: m.rand(()),
    "rand(0, 3)": lambda m: m.rand(0, 3),
    "rand(size=)": lambda m: m.rand(size=(2, 2)),
    "rand(Size)": lambda m: m.rand(m.Size([2, 5])),
    "rand f16": lambda m: m.rand(3, dtype=m.float16),
    "rand bf16": lambda m: m.rand(3, dtype=m.bfloat16),
    "rand f64": lambda m: m.rand(3, dtype=m.float64),
    "rand requires_grad": lambda m: m.rand(3, requires_grad=True),
    "randn": lambda m: m.randn(2, 3, dtype=m.float64),
    "rand_like": lambda m: m.rand_like(m.zeros(2, 3, dtype=m.float64)),
    "rand_like grad input": lambda m: m.rand_like(m.zeros(2, requires_grad=True)),
    "rand_like dtype": lambda m: m.rand_like(m.zeros(2, dtype=m.int64), dtype=m.float16),
    "randn_like": lambda m: m.randn_like(m.zeros(4, 1)),
    "randint(high, size)": lambda m: m.randint(5, (3,)),
    "randint(low, high, size)": lambda m: m.randint(2, 5, (3, 2)),
    "randint float dtype": lambda m: m.randint(5, (3,), dtype=m.float32),
    "randint int8": lambda m: m.randint(-3, 3, (3,), dtype=m.int8),
    "randint bool": lambda m: m.randint(0, 2, (3,), dtype=m.bool),
    "randint size kw": lambda m: m.randint(5, size=(2,)),
    "randint all kw": lambda m: m.randint(low=1, high=5, size=(2,)),
    "randint high kw": lambda m: m.randint(high=5, size=(2,)),
    "randint wide": lambda m: m.randint(0, 2 ** 40, (3,)),
    "randint_like(x, high)": lambda m: m.randint_like(m.zeros(2), 5),
    "randint_like(x, low, high)": lambda m: m.randint_like(m.zeros(2, dtype=m.int32), 1, 5),
    "randint_like bool": lambda m: m.randint_like(m.zeros(2, dtype=m.bool), 2),
    "randperm": lambda m: m.randperm(5),
    "randperm(0)": lambda m: m.randperm(0),
    "randperm float": lambda m: m.randperm(5, dtype=m.float32),
    "randperm f16": lambda m: m.randperm(3, dtype=m.float16),
    "normal t,t": lambda m: m.normal(m.zeros(3), m.ones(3)),
    "normal t,f": lambda m: m.normal(m.zeros(3), 1.0),
    "normal t": lambda m: m.normal(m.zeros(2, 2)),
    "normal f,t": lambda m: m.normal(0.0, m.ones(3, dtype=m.float64)),
    "normal f,f,size": lambda m: m.normal(0.0, 1.0, (3,)),
    "normal size kw": lambda m: m.normal(0.0, 1.0, size=(3,)),
    "normal f,f,size f64": lambda m: m.normal(0, 1, (3,), dtype=m.float64),
    "normal broadcast": lambda m: m.normal(m.zeros(2, 1), m.ones(3)),
    "normal mixed dtypes": lambda m: m.normal(m.zeros(3), m.ones(3, dtype=m.float64)),
    "normal f64 mean": lambda m: m.normal(m.zeros(3, dtype=m.float64), m.ones(3)),
    "normal grad": lambda m: m.normal(m.zeros(3, requires_grad=True), m.ones(3)),
    "normal size grad": lambda m: m.normal(2.0, 3.0, (2,), requires_grad=True),
    "bernoulli": lambda m: m.bernoulli(m.full((3,), 0.5)),
    "bernoulli f64": lambda m: m.bernoulli(m.ones(3, dtype=m.float64)),
    "bernoulli p": lambda m: m.bernoulli(m.full((3,), 0.5), 0.3),
    "bernoulli grad": lambda m: m.bernoulli(m.full((3,), 0.5, requires_grad=True)),
    "Tensor.bernoulli": lambda m: m.full((2, 2), 0.5).bernoulli(),
    "multinomial": lambda m: m.multinomial(m.tensor([1.0, 2, 3]), 2),
    "multinomial replacement": lambda m: m.multinomial(m.tensor([1.0, 2, 3]), 4, True),
    "multinomial 2-D": lambda m: m.multinomial(m.tensor([[1.0, 2, 3], [1, 0, 0]]), 2),
    "multinomial no rows": lambda m: m.multinomial(m.ones(0, 3), 1),
    "multinomial f16": lambda m: m.multinomial(m.ones(3, dtype=m.float16), 1),
    "multinomial zero-probability tail": lambda m: m.multinomial(m.tensor([1.0, 0, 0]), 2),
    "Tensor.multinomial": lambda m: m.ones(4).multinomial(2, replacement=True),
    "poisson": lambda m: m.poisson(m.full((3,), 2.0)),
    "poisson f64": lambda m: m.poisson(m.full((3,), 2.0, dtype=m.float64)),
    "poisson grad": lambda m: m.poisson(m.full((3,), 2.0, requires_grad=True)),
    "uniform_": lambda m: m.zeros(3).uniform_(),
    "uniform_ from==to": lambda m: m.zeros(3).uniform_(1, 1),
    "uniform_ to kw": lambda m: m.zeros(3).uniform_(0, to=2),
    "normal_ kw": lambda m: m.zeros(3).normal_(mean=1, std=2),
    "normal_ std 0": lambda m: m.zeros(3).normal_(0, 0),
    "random_ int64": lambda m: m.zeros(3, dtype=m.int64).random_(),
    "random_ uint8": lambda m: m.zeros(3, dtype=m.uint8).random_(),
    "random_ bool": lambda m: m.zeros(3, dtype=m.bool).random_(),
    "random_ f16": lambda m: m.zeros(3, dtype=m.float16).random_(),
    "random_(to)": lambda m: m.zeros(3).random_(5),
    "random_(from, to)": lambda m: m.zeros(3).random_(2, 5),
    "random_(from, None)": lambda m: m.zeros(3).random_(0, None),
    "random_(to=)": lambda m: m.zeros(3).random_(to=3),
    "random_ int8 negative": lambda m: m.zeros(3, dtype=m.int8).random_(-5, 5),
    "exponential_": lambda m: m.zeros(3).exponential_(lambd=3),
    "geometric_ int": lambda m: m.zeros(3, dtype=m.int64).geometric_(0.5),
    "geometric_ uint8": lambda m: m.zeros(3, dtype=m.uint8).geometric_(0.5),
    "log_normal_": lambda m: m.zeros(3).log_normal_(1, 2),
    "cauchy_": lambda m: m.zeros(3, dtype=m.float64).cauchy_(1, 2),
    "bernoulli_ int": lambda m: m.ones(3, dtype=m.int64).bernoulli_(0.5),
    "bernoulli_ bool": lambda m: m.ones(3, dtype=m.bool).bernoulli_(0.5),
    "bernoulli_ tensor p": lambda m: m.ones(3).bernoulli_(m.full((3,), 0.5)),
    "bernoulli_ broadcast p": lambda m: m.ones(2, 3).bernoulli_(m.full((1,), 0.5)),
    "in-place on a non-leaf": lambda m: m.zeros(3, requires_grad=True).clone().uniform_(),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_result_dtype_shape_and_grad_flag_match_torch(name):
    t = CALLS[name](torch)
    e = CALLS[name](ember)
    assert e.dtype.name == str(t.dtype).replace("torch.", "")
    assert tuple(e.shape) == tuple(t.shape)
    assert e.requires_grad == t.requires_grad
    assert e.is_leaf == t.is_leaf


ERRORS = {
    "rand int dtype": lambda m: m.rand(2, 3, dtype=m.int64),
    "rand bool dtype": lambda m: m.rand(2, dtype=m.bool),
    "rand no size": lambda m: m.rand(),
    "rand negative": lambda m: m.rand(-1),
    "randn int dtype": lambda m: m.randn(2, dtype=m.int32),
    "randn_like int": lambda m: m.randn_like(m.zeros(2, dtype=m.int64)),
    "randint bool range": lambda m: m.randint(5, (3,), dtype=m.bool),
    "randint empty range": lambda m: m.randint(2, 2, (3,)),
    "randint reversed range": lambda m: m.randint(3, 2, (3,)),
    "randint int size": lambda m: m.randint(5, 3),
    "randint float high": lambda m: m.randint(2.5, (3,)),
    "randint uint8 high": lambda m: m.randint(300, (3,), dtype=m.uint8),
    "randint uint8 low": lambda m: m.randint(-1, 3, (3,), dtype=m.uint8),
    "randint int32 high": lambda m: m.randint(0, 2 ** 40, (3,), dtype=m.int32),
    "randperm negative": lambda m: m.randperm(-1),
    "randperm bool": lambda m: m.randperm(5, dtype=m.bool),
    "randperm uint8 overflow": lambda m: m.randperm(300, dtype=m.uint8),
    "randperm f16 overflow": lambda m: m.randperm(3000, dtype=m.float16),
    "normal negative std tensor": lambda m: m.normal(m.zeros(3), -m.ones(3)),
    "normal negative std": lambda m: m.normal(0.0, -1.0, (3,)),
    "normal negative std with tensor mean": lambda m: m.normal(m.zeros(3), -1.0),
    "normal int mean": lambda m: m.normal(m.zeros(3, dtype=m.int64), 1.0),
    "normal int dtype": lambda m: m.normal(0, 1, (3,), dtype=m.int64),
    "normal shape mismatch": lambda m: m.normal(m.zeros(3), m.ones(2)),
    "normal no size": lambda m: m.normal(0.0, 1.0),
    "bernoulli p > 1": lambda m: m.bernoulli(m.full((3,), 1.5)),
    "bernoulli p < 0": lambda m: m.bernoulli(m.full((3,), -0.5)),
    "bernoulli nan": lambda m: m.bernoulli(m.full((3,), float("nan"))),
    "bernoulli int": lambda m: m.bernoulli(m.ones(3, dtype=m.int64)),
    "bernoulli scalar p": lambda m: m.bernoulli(m.ones(3), p=2.0),
    "bernoulli_ p": lambda m: m.ones(3).bernoulli_(1.5),
    "bernoulli_ tensor p": lambda m: m.ones(3).bernoulli_(m.full((3,), 1.5)),
    "bernoulli_ bad shape": lambda m: m.ones(3).bernoulli_(m.full((2,), 0.5)),
    "bernoulli_ p larger than self": lambda m: m.ones(1).bernoulli_(m.full((3,), 0.5)),
    "multinomial too many": lambda m: m.multinomial(m.tensor([1.0, 2, 3]), 4),
    "multinomial negative": lambda m: m.multinomial(m.tensor([1.0, -2, 3]), 2),
    "multinomial nan": lambda m: m.multinomial(m.tensor([1.0, float("nan"), 3]), 2),
    "multinomial inf": lambda m: m.multinomial(m.tensor([1.0, float("inf"), 3]), 2),
    "multinomial zeros": lambda m: m.multinomial(m.zeros(3), 2),
    "multinomial zero row": lambda m: m.multinomial(m.tensor([[1.0, 2], [0, 0]]), 1, True),
    "multinomial int": lambda m: m.multinomial(m.tensor([1, 2, 3]), 2),
    "multinomial 0-d": lambda m: m.multinomial(m.tensor(1.0), 1),
    "multinomial 3-d": lambda m: m.multinomial(m.ones(2, 2, 2), 1),
    "multinomial 0 samples": lambda m: m.multinomial(m.ones(3), 0),
    "multinomial no categories": lambda m: m.multinomial(m.ones(0), 1),
    "poisson negative": lambda m: m.poisson(m.full((3,), -2.0)),
    "poisson nan": lambda m: m.poisson(m.full((3,), float("nan"))),
    "poisson int": lambda m: m.poisson(m.full((3,), 2, dtype=m.int64)),
    "uniform_ reversed": lambda m: m.zeros(3).uniform_(2, 1),
    "uniform_ int": lambda m: m.zeros(3, dtype=m.int64).uniform_(),
    "uniform_ overflow": lambda m: m.zeros(3, dtype=m.float64).uniform_(-1e308, 1e308),
    "uniform_ inf": lambda m: m.zeros(3).uniform_(float("inf"), 1),
    "uniform_ from_ kw": lambda m: m.zeros(3).uniform_(from_=1, to=2),
    "normal_ negative std": lambda m: m.zeros(3).normal_(0, -1),
    "normal_ int": lambda m: m.zeros(3, dtype=m.int64).normal_(),
    "random_ reversed": lambda m: m.zeros(3).random_(5, 2),
    "random_ uint8 high": lambda m: m.zeros(3, dtype=m.uint8).random_(0, 300),
    "random_ uint8 low": lambda m: m.zeros(3, dtype=m.uint8).random_(-1, 5),
    "random_ bool": lambda m: m.zeros(3, dtype=m.bool).random_(0, 3),
    "random_ f16": lambda m: m.zeros(3, dtype=m.float16).random_(0, 70000),
    "random_ int16 low": lambda m: m.zeros(3, dtype=m.int16).random_(-(2 ** 62), 2 ** 62),
    "exponential_ negative": lambda m: m.zeros(3).exponential_(-1.0),
    "exponential_ zero": lambda m: m.zeros(3).exponential_(0.0),
    "exponential_ int": lambda m: m.zeros(3, dtype=m.int64).exponential_(),
    "geometric_ 0": lambda m: m.zeros(3).geometric_(0),
    "geometric_ 1": lambda m: m.zeros(3).geometric_(1),
    "geometric_ 1.5": lambda m: m.zeros(3).geometric_(1.5),
    "geometric_ bool": lambda m: m.zeros(3, dtype=m.bool).geometric_(0.5),
    "log_normal_ negative std": lambda m: m.zeros(3).log_normal_(1, -2),
    "log_normal_ zero std": lambda m: m.zeros(3).log_normal_(1, 0),
    "log_normal_ int": lambda m: m.zeros(3, dtype=m.int64).log_normal_(),
    "cauchy_ negative sigma": lambda m: m.zeros(3).cauchy_(1, -2),
    "cauchy_ int": lambda m: m.zeros(3, dtype=m.int64).cauchy_(),
    "in-place on a leaf requiring grad": lambda m: m.zeros(3, requires_grad=True).uniform_(),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_match_torch(name):
    # the same exception class (NotImplementedError is a RuntimeError, as in PyTorch)
    t, e = raises_like_torch(ERRORS[name])
    words = [w for w in str(t).replace(",", " ").split()[:4] if w.isalpha() and len(w) > 3]
    assert any(w in str(e) for w in words) or not words, f"torch: {t}; ember: {e}"


def test_multinomial_without_categories_raises():
    with pytest.raises(RuntimeError):
        torch.multinomial(torch.ones(2, 0), 1, True)  # torch's message here is incidental (aminmax)
    with pytest.raises(RuntimeError, match="sum of probabilities <= 0"):
        ember.multinomial(ember.ones(2, 0), 1, True)


def test_float_ranges_beyond_the_mantissa_warn_like_torch():
    with pytest.warns(UserWarning, match="out of bounds"):
        torch.zeros(3).random_(2 ** 30, 2 ** 30 + 5)
    with pytest.warns(UserWarning, match=r"from is out of bounds \[-\(2\^24\), 2\^24\]"):
        ember.zeros(3).random_(2 ** 30, 2 ** 30 + 5)


def test_out_argument():
    out = ember.empty(2, 3)
    assert ember.rand(2, 3, out=out) is out
    assert ember.randn(2, 3, out=out) is out
    r = ember.empty(4, dtype=ember.int64)
    assert ember.randint(0, 3, (4,), out=r) is r and set(r.tolist()) <= {0, 1, 2}
    assert ember.randperm(4, out=r) is r and sorted(r.tolist()) == [0, 1, 2, 3]
    n = ember.empty(3)
    assert ember.normal(ember.zeros(3), ember.ones(3), out=n) is n


# --- autograd: sampling ops have zero gradients, as in PyTorch --------------------------

def _grads(mod, build):
    leaves, out = build(mod)
    out.sum().backward()
    return [None if x.grad is None else x.grad.tolist() for x in leaves], out.grad_fn is not None


GRAD_CASES = {
    "normal(t, t)": lambda m: (lambda a, b: ((a, b), m.normal(a, b)))(
        m.zeros(3, requires_grad=True), m.ones(3, requires_grad=True)),
    "normal(t, f)": lambda m: (lambda a: ((a,), m.normal(a, 2.0)))(m.zeros(3, requires_grad=True)),
    "normal(f, t)": lambda m: (lambda b: ((b,), m.normal(1.0, b)))(m.ones(3, requires_grad=True)),
    "bernoulli": lambda m: (lambda p: ((p,), m.bernoulli(p)))(m.full((3,), 0.5, requires_grad=True)),
    "poisson": lambda m: (lambda r: ((r,), m.poisson(r)))(m.full((3,), 2.0, requires_grad=True)),
    "uniform_ on a non-leaf": lambda m: (lambda x: ((x,), (x * 2).uniform_()))(m.ones(3, requires_grad=True)),
    "normal_ on a non-leaf": lambda m: (lambda x: ((x,), (x * 2).normal_()))(m.ones(3, requires_grad=True)),
    "bernoulli_ on a non-leaf": lambda m: (lambda x: ((x,), (x * 2).bernoulli_(0.3)))(
        m.ones(3, requires_grad=True)),
}


@pytest.mark.parametrize("name", sorted(GRAD_CASES))
def test_gradients_are_zero_like_torch(name):
    t_grads, t_node = _grads(torch, GRAD_CASES[name])
    e_grads, e_node = _grads(ember, GRAD_CASES[name])
    assert e_node == t_node
    assert e_grads == t_grads
    assert all(g is None or not any(g) for g in e_grads)


def test_sampling_ops_do_not_record_a_graph_under_no_grad():
    x = ember.ones(3, requires_grad=True)
    with ember.no_grad():
        assert not ember.normal(x, 1.0).requires_grad
        assert not ember.bernoulli(x * 0.5).requires_grad


# --- distributions: moments and supports compared with torch ------------------------------

N = 40000

DISTS = {
    "rand": lambda m: m.rand(N, dtype=m.float64),
    "rand f16": lambda m: m.rand(N, dtype=m.float16),
    "randn": lambda m: m.randn(N),
    "randint": lambda m: m.randint(-4, 9, (N,)),
    "normal(t, t)": lambda m: m.normal(m.full((N,), 2.0), m.full((N,), 0.5)),
    "normal(f, f, size)": lambda m: m.normal(-1.0, 3.0, (N,)),
    "bernoulli": lambda m: m.bernoulli(m.full((N,), 0.2)),
    "poisson": lambda m: m.poisson(m.full((N,), 3.5)),
    "multinomial": lambda m: m.multinomial(m.tensor([0.1, 0.0, 0.3, 0.6]), N, True),
    "uniform_": lambda m: m.zeros(N).uniform_(-2, 5),
    "normal_": lambda m: m.zeros(N).normal_(1.5, 0.5),
    "random_ uint8": lambda m: m.zeros(N, dtype=m.uint8).random_(),
    "random_ int8": lambda m: m.zeros(N, dtype=m.int8).random_(),
    "random_ bool": lambda m: m.zeros(N, dtype=m.bool).random_(),
    "random_ bf16": lambda m: m.zeros(N, dtype=m.bfloat16).random_(),
    "random_(to)": lambda m: m.zeros(N).random_(7),
    "random_(from, to)": lambda m: m.zeros(N, dtype=m.int16).random_(-3, 4),
    "exponential_": lambda m: m.zeros(N).exponential_(2.5),
    "geometric_": lambda m: m.zeros(N, dtype=m.int64).geometric_(0.25),
    "log_normal_": lambda m: m.zeros(N, dtype=m.float64).log_normal_(0.5, 0.4),
    "bernoulli_": lambda m: m.zeros(N, dtype=m.int32).bernoulli_(0.7),
}


@pytest.mark.parametrize("name", sorted(DISTS))
def test_distribution_matches_torch(name):
    torch.manual_seed(0)
    ember.manual_seed(0)
    t = np.asarray(DISTS[name](torch).double().numpy())
    e = _np(DISTS[name](ember))
    outside = np.mean((e < t.min()) | (e > t.max()))  # only a tail draw or two may pass torch's extremes
    assert outside <= 1e-3, f"{outside:.2%} of the draws fall outside torch's range [{t.min()}, {t.max()}]"
    assert (e == np.round(e)).all() == (t == np.round(t)).all()  # integer-valued exactly when torch's is
    sd = max(t.std(), e.std(), 1e-12)
    assert abs(e.mean() - t.mean()) <= 6 * sd * math.sqrt(2 / N), (e.mean(), t.mean())
    assert abs(e.std() / sd - t.std() / sd) <= 0.05, (e.std(), t.std())


def test_cauchy_quartiles_match_torch():
    torch.manual_seed(0)
    t = torch.zeros(N, dtype=torch.float64).cauchy_(1.0, 2.0).numpy()
    e = _np(ember.zeros(N, dtype=ember.float64).cauchy_(1.0, 2.0))
    for q in (25, 50, 75):
        assert abs(np.percentile(e, q) - np.percentile(t, q)) < 0.15


def test_uniform_never_reaches_its_upper_bound_in_low_precision():
    for dt in (ember.float16, ember.bfloat16):
        x = ember.zeros(200000, dtype=dt)
        assert _np(x.uniform_()).max() < 1
        assert _np(x.uniform_(-2, 3)).max() < 3 and _np(x).min() >= -2
        grid = _np(ember.rand(5000, dtype=dt)) * 2 ** (11 if dt is ember.float16 else 8)
        assert (grid == np.round(grid)).all()  # draws lie on the dtype's grid, not rounded from float32


def test_random_defaults_span_the_dtype():
    assert _np(ember.zeros(20000, dtype=ember.uint8).random_()).max() == 255
    assert _np(ember.zeros(20000, dtype=ember.int8).random_()).min() == 0
    x = _np(ember.zeros(20000).random_())
    assert x.max() <= 2 ** 24 and x.max() > 2 ** 23
    y = ember.zeros(20000, dtype=ember.int64).random_().tolist()
    assert max(y) > 2 ** 62 and min(y) >= 0


def test_multinomial_frequencies_and_zero_probability_categories():
    probs = ember.tensor([[0.0, 1.0, 3.0, 0.0], [5.0, 0.0, 0.0, 5.0]])
    draws = ember.multinomial(probs, 20000, replacement=True).tolist()
    counts0 = np.bincount(draws[0], minlength=4) / 20000
    counts1 = np.bincount(draws[1], minlength=4) / 20000
    assert counts0[0] == counts0[3] == 0 and abs(counts0[2] - 0.75) < 0.02
    assert counts1[1] == counts1[2] == 0 and abs(counts1[0] - 0.5) < 0.02


def test_multinomial_without_replacement():
    rows = ember.multinomial(ember.ones(500, 6), 6).tolist()
    assert all(sorted(r) == list(range(6)) for r in rows)
    firsts = np.bincount([r[0] for r in ember.multinomial(ember.tensor([[1.0, 0, 3]] * 4000), 2).tolist()],
                         minlength=3)
    assert firsts[1] == 0 and abs(firsts[2] / 4000 - 0.75) < 0.03
    # once the non-zero categories are used up, zero-probability ones follow (as in PyTorch)
    assert sorted(ember.multinomial(ember.tensor([1.0, 0, 0]), 3).tolist()) == [0, 1, 2]
    assert ember.multinomial(ember.tensor([1.0, 0, 0]), 3).tolist()[0] == 0


def test_bernoulli_extremes_are_exact():
    p = ember.tensor([0.0, 1.0] * 500)
    assert ember.bernoulli(p).tolist() == p.tolist()
    assert ember.zeros(100, dtype=ember.bool).bernoulli_(1.0).tolist() == [True] * 100
    assert ember.ones(100, dtype=ember.int64).bernoulli_(0.0).tolist() == [0] * 100


def test_in_place_samplers_write_through_views():
    base = ember.zeros(4, 6)
    view = base.select(1, 2)
    view.uniform_(5, 6)
    vals = _np(base)
    assert ((vals[:, 2] >= 5) & (vals[:, 2] < 6)).all()
    assert (np.delete(vals, 2, axis=1) == 0).all()


# --- decompositions (the fallback of backends without these kernels) ---------------------

def _numpy_state(seed=0):
    backend = ember.device("numpy")._backend
    return backend, backend.table["rng_new"](seed)


DECOMPOSED = {
    "exponential": ((2.0,), lambda x: (x.mean(), x.std(), x.min() >= 0), (0.5, 0.5, True)),
    "geometric": ((0.25,), lambda x: (x.mean(), x.std(), x.min() >= 1), (4.0, math.sqrt(0.75) / 0.25, True)),
    "log_normal": ((0.5, 0.25), lambda x: (np.log(x).mean(), np.log(x).std(), x.min() > 0), (0.5, 0.25, True)),
}


@pytest.mark.parametrize("name", sorted(DECOMPOSED))
def test_decompositions_sample_the_right_distribution(name):
    op = getattr(R, name.upper())
    params, stats, expected = DECOMPOSED[name]
    backend, state = _numpy_state()
    like = ember.empty(50000, dtype=ember.float32, device="numpy")
    out = op.decomposition(like, state, *params)
    assert out.dtype is ember.float32 and tuple(out.shape) == (50000,)
    got = stats(_np(out))
    assert got[2] is np.True_ or got[2] is True
    assert abs(got[0] - expected[0]) < 0.03 * max(1.0, expected[0])
    assert abs(got[1] - expected[1]) < 0.03 * max(1.0, expected[1])


def test_cauchy_and_normal_tensor_decompositions():
    backend, state = _numpy_state()
    x = _np(R.CAUCHY.decomposition(ember.empty(50000, device="numpy"), state, 1.0, 2.0))
    assert abs(np.median(x) - 1.0) < 0.1
    assert abs((np.percentile(x, 75) - np.percentile(x, 25)) / 2 - 2.0) < 0.15  # the IQR of Cauchy is 2 sigma
    mean = ember.full((50000,), 3.0, device="numpy")
    std = ember.full((1,), 0.5, device="numpy")
    y = _np(R.NORMAL_TENSOR.decomposition(mean, std, state))
    assert abs(y.mean() - 3.0) < 0.02 and abs(y.std() - 0.5) < 0.02


def test_random_ops_are_declared_in_the_random_family():
    for name in ("uniform", "normal", "normal_tensor", "randint", "randperm", "bernoulli", "multinomial",
                 "poisson", "exponential", "geometric", "log_normal", "cauchy", "rng_new", "rng_get_state",
                 "rng_set_state"):
        assert ember._op.OPS[name].family == "random"
    for name in ("exponential", "geometric", "log_normal", "cauchy", "normal_tensor"):
        assert not ember._op.OPS[name].primitive
