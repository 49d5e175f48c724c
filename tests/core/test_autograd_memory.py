"""Graphs and saved tensors are freed by reference counting alone: after backward, and when outputs are dropped."""
import gc
import tracemalloc
import weakref

import pytest

import ember

from ._helpers import Exp


@pytest.fixture
def no_gc():
    """Run with the cycle collector off: anything freed must be freed by reference counting."""
    was = gc.isenabled()
    gc.collect()
    gc.disable()
    yield
    if was:
        gc.enable()


def _params():
    w1 = ember.tensor([[0.1 * i - 0.05 * j for j in range(8)] for i in range(4)], requires_grad=True)
    b1 = ember.zeros(8, requires_grad=True)
    w2 = ember.tensor([[0.02 * (i - j)] for i in range(8) for j in range(1)], requires_grad=True)
    return [w1, b1, w2]


def _step(params, xs, refs, k):
    w1, b1, w2 = params
    h = (xs.matmul(w1) + b1).exp()
    out = h.matmul(w2)
    loss = (out * out).mean() + (h * 0.01).sum()
    if refs is not None:
        refs.append(weakref.ref(out.grad_fn))
        refs.append(weakref.ref(h.grad_fn))
        refs.append(weakref.ref(h))  # saved by the second matmul and the mul
    loss.backward()
    with ember.no_grad():
        for p in params:
            p.sub_(p.grad * 1e-4)
            if k % 2:
                p.grad.zero_()
            else:
                p.grad = None
    return loss.item()


def test_training_loop_does_not_grow(no_gc):
    params = _params()
    xs = ember.tensor([[0.01 * (i * 4 + j) for j in range(4)] for i in range(16)])
    for k in range(200):
        _step(params, xs, None, k)
    gc.collect()  # garbage from one-time setup (backend discovery), not from autograd
    refs = []
    growth = []
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        for window in range(3):
            for k in range(1000):
                _step(params, xs, refs, k)
            after = tracemalloc.take_snapshot()
            growth.append(sum(s.size_diff for s in after.compare_to(before, "filename")
                              if not s.traceback[0].filename.endswith(("tracemalloc.py", __file__))))
            before = after
    finally:
        tracemalloc.stop()
    assert all(r() is None for r in refs), "graph nodes or saved tensors outlived their iteration"
    # A leak grows in every window; CPython's bounded free lists (tuples, floats) may fill up in one of them.
    assert min(growth) < 16 * 1024, f"memory grew in every window of 1000 iterations: {growth} bytes"
    assert gc.collect() == 0  # nothing was left for the cycle collector either


def test_saved_tensors_are_released_by_backward(no_gc):
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    h = x.exp() * 1  # intermediate saved by the mul below
    y = (h * x).sum()
    ref = weakref.ref(h)
    del h
    assert ref() is not None  # alive: saved for backward
    y.backward()
    assert ref() is None  # freed by backward while y (and its graph) is still alive
    node = y.grad_fn
    assert node is not None and node.released


def test_forward_only_graph_is_freed_when_output_dropped(no_gc):
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = ((x * 2).exp() + 1).log().sum()  # exp saves its own output
    refs = [weakref.ref(y.grad_fn), weakref.ref(y.grad_fn.next_functions[0][0])]
    del y
    assert all(r() is None for r in refs)


def test_retained_graph_is_freed_when_output_dropped(no_gc):
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp().sum()
    y.backward(retain_graph=True)
    y.backward(retain_graph=True)
    ref = weakref.ref(y.grad_fn)
    del y
    assert ref() is None


def test_custom_function_saving_its_output_is_freed(no_gc):
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = Exp.apply(x)
    ref = weakref.ref(y.grad_fn)
    del y
    assert ref() is None
    y = Exp.apply(x)
    y.sum().backward()
    assert x.grad.tolist() == pytest.approx([2.718281828, 7.389056098])


def test_autograd_grad_with_create_graph_leaves_no_cycle(no_gc):
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    (g,) = ember.autograd.grad((x ** 3).sum(), x, create_graph=True)
    (h,) = ember.autograd.grad(g.sum(), x)
    ref = weakref.ref(g.grad_fn)
    del g
    assert ref() is None
    assert h.tolist() == [6.0, 12.0]


def test_retain_grad_does_not_keep_the_tensor_alive(no_gc):
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.retain_grad()
    z = (y * 1).sum()
    ref = weakref.ref(y)
    del y
    z.backward()
    assert ref() is None
