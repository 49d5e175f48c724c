"""Grad-mode switches: no_grad, enable_grad, set_grad_enabled, inference_mode (context managers and decorators)."""
import pytest

import ember


@pytest.fixture
def x():
    return ember.tensor([1.0, 2.0], requires_grad=True)


@pytest.fixture(autouse=True)
def _grad_mode_restored():
    assert ember.is_grad_enabled()
    yield
    assert ember.is_grad_enabled() and not ember.is_inference_mode_enabled()


def test_no_grad_context(x):
    with ember.no_grad():
        assert not ember.is_grad_enabled()
        y = x * 2
    assert not y.requires_grad and y.grad_fn is None
    assert (x * 2).requires_grad


def test_no_grad_restores_on_exception(x):
    with pytest.raises(ValueError):
        with ember.no_grad():
            raise ValueError("boom")
    assert ember.is_grad_enabled()


def test_no_grad_decorator_with_and_without_parentheses(x):
    @ember.no_grad()
    def f(t):
        return t * 2

    @ember.no_grad
    def g(t):
        return t * 2

    assert not f(x).requires_grad and not g(x).requires_grad
    assert f.__name__ == "f" and g.__name__ == "g"


def test_enable_grad_inside_no_grad(x):
    @ember.enable_grad()
    def f(t):
        return t * 2

    with ember.no_grad():
        with ember.enable_grad():
            assert (x * 2).requires_grad
        assert not (x * 2).requires_grad
        assert f(x).requires_grad
        assert not ember.is_grad_enabled()


def test_set_grad_enabled_as_function_context_and_decorator(x):
    ember.set_grad_enabled(False)
    try:
        assert not ember.is_grad_enabled() and not (x * 2).requires_grad
    finally:
        ember.set_grad_enabled(True)
    with ember.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert ember.is_grad_enabled()
    with ember.no_grad():
        with ember.set_grad_enabled(True):
            assert (x * 2).requires_grad
        assert not ember.is_grad_enabled()

    @ember.set_grad_enabled(False)
    def f(t):
        return t * 2

    assert ember.is_grad_enabled()  # decorating does not switch the mode
    assert not f(x).requires_grad


def test_inference_mode(x):
    with ember.inference_mode():
        assert ember.is_inference_mode_enabled() and not ember.is_grad_enabled()
        y = x * 2
        with ember.inference_mode(False):
            assert ember.is_grad_enabled() and not ember.is_inference_mode_enabled()
    assert not y.requires_grad

    @ember.inference_mode()
    def f(t):
        return t * 2

    @ember.inference_mode
    def g(t):
        return t * 2

    assert not f(x).requires_grad and not g(x).requires_grad


def test_autograd_namespace_aliases():
    assert ember.autograd.no_grad is ember.no_grad
    assert ember.autograd.enable_grad is ember.enable_grad
    assert ember.autograd.set_grad_enabled is ember.set_grad_enabled
    assert ember.autograd.inference_mode is ember.inference_mode
    assert ember.autograd.grad_mode.no_grad is ember.no_grad


@pytest.mark.parametrize("make", [lambda: ember.no_grad(), lambda: ember.inference_mode(),
                                  lambda: ember.set_grad_enabled(False)], ids=["no_grad", "inference", "set_false"])
def test_decorated_generator_runs_each_step_inside_the_mode(make, x):
    @make()
    def gen():
        for _ in range(2):
            received = yield (x * 2).requires_grad, ember.is_grad_enabled()
            assert received in (None, "ping")

    it = gen()
    assert next(it) == (False, False)
    assert ember.is_grad_enabled()  # caller's code runs in the caller's mode
    assert it.send("ping") == (False, False)
    assert ember.is_grad_enabled()
    with pytest.raises(StopIteration):
        next(it)


def test_decorated_generator_enable_grad_and_return_value(x):
    @ember.enable_grad()
    def gen():
        yield (x * 2).requires_grad
        return "done"

    with ember.no_grad():
        it = gen()
        assert next(it) is True
        assert not ember.is_grad_enabled()
        with pytest.raises(StopIteration) as info:
            next(it)
        assert info.value.value == "done"


def test_decorated_generator_exception_is_thrown_inside(x):
    @ember.no_grad()
    def gen():
        try:
            yield 1
        except KeyError:
            yield ember.is_grad_enabled()

    it = gen()
    next(it)
    assert it.throw(KeyError("k")) is False
    it.close()


def test_grad_mode_does_not_leak_into_backward_hooks(x):
    seen = []
    x.register_hook(lambda g: seen.append(ember.is_grad_enabled()) or g)
    with ember.enable_grad():
        (x * x).sum().backward()
    (x * x).sum().backward(create_graph=True)
    assert seen == [False, True]
