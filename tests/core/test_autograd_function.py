"""Custom ops with ``ember.autograd.Function``: ctx API, multiple outputs, in-place, higher order."""
import gc
import math
import weakref

import pytest

import ember
from ember.autograd import Function, grad
from ember.autograd.function import once_differentiable

from ._helpers import Exp, leaf


def close(t, expected, tol=1e-9):
    got = t.tolist() if isinstance(t, ember.Tensor) else t
    got = got if isinstance(got, list) else [got]
    expected = expected if isinstance(expected, list) else [expected]
    assert len(got) == len(expected)
    for a, b in zip(got, expected):
        assert abs(a - b) <= tol * (1 + abs(b)), (got, expected)


class ScaleAdd(Function):
    """``x * k + y`` with a non-tensor argument ``k``."""

    @staticmethod
    def forward(ctx, x, k, y):
        ctx.k = k
        return x * k + y

    @staticmethod
    def backward(ctx, g):
        gx = g * ctx.k if ctx.needs_input_grad[0] else None
        gy = g if ctx.needs_input_grad[2] else None
        return gx, None, gy


def test_save_for_backward_and_grad_fn_name():
    x = leaf([0.0, 1.0])
    y = Exp.apply(x)
    assert y.grad_fn.name() == "ExpBackward" and type(y.grad_fn).__name__ == "ExpBackward"
    (y * 2).sum().backward()
    close(x.grad, [2.0, 2 * math.e])


def test_non_tensor_args_and_needs_input_grad():
    x = leaf([1.0, 2.0])
    y = ember.tensor([3.0, 4.0], dtype=ember.float64)
    seen = []

    class Probe(ScaleAdd):
        @staticmethod
        def backward(ctx, g):
            seen.append(ctx.needs_input_grad)
            return ScaleAdd.backward(ctx, g)

    out = Probe.apply(x, 3.0, y)
    close(out, [6.0, 10.0])
    out.sum().backward()
    assert seen == [(True, False, False)]
    close(x.grad, [3.0, 3.0])


def test_custom_function_inside_a_bigger_graph():
    x = leaf([0.5, -0.5])
    w = leaf([2.0, 3.0])
    h = ScaleAdd.apply(x * w, 2.0, w)  # 2xw + w
    out = (Exp.apply(h) * x).sum()
    out.backward()
    # d/dx [x e^(2xw+w)] = e^h (1 + 2wx); d/dw = x e^h (2x + 1)
    hv = [2 * 0.5 * 2.0 + 2.0, 2 * -0.5 * 3.0 + 3.0]
    close(x.grad, [math.exp(hv[0]) * (1 + 2 * 2.0 * 0.5), math.exp(hv[1]) * (1 + 2 * 3.0 * -0.5)])
    close(w.grad, [0.5 * math.exp(hv[0]) * 2.0, -0.5 * math.exp(hv[1]) * 0.0])


def test_double_backward_through_function_written_in_ember_ops():
    x = leaf([0.3, 1.1])
    y = Exp.apply(x * x).sum()  # f = e^{x^2}; f' = 2x e^{x^2}; f'' = (2 + 4x^2) e^{x^2}
    (g,) = grad(y, x, create_graph=True)
    close(g, [2 * v * math.exp(v * v) for v in (0.3, 1.1)])
    (h,) = grad(g.sum(), x)
    close(h, [(2 + 4 * v * v) * math.exp(v * v) for v in (0.3, 1.1)])


def test_multiple_outputs_and_mark_non_differentiable():
    class SplitSign(Function):
        @staticmethod
        def forward(ctx, x):
            pos = x * (x > 0)
            mask = x > 0
            ctx.save_for_backward(mask)
            ctx.mark_non_differentiable(mask)
            return pos, x * 2, mask

        @staticmethod
        def backward(ctx, g_pos, g_two, g_mask):
            (mask,) = ctx.saved_tensors
            return g_pos * mask + g_two * 2

    x = leaf([-1.0, 2.0])
    pos, two, mask = SplitSign.apply(x)
    assert pos.requires_grad and two.requires_grad and not mask.requires_grad
    assert pos.grad_fn is two.grad_fn
    (pos.sum() + two.sum()).backward()
    close(x.grad, [2.0, 3.0])


def test_unused_output_gets_zero_grad_when_materialized():
    seen = []

    class Two(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1, x * 2

        @staticmethod
        def backward(ctx, g1, g2):
            seen.append((g1.tolist(), g2.tolist()))
            return g1 + 2 * g2

    x = leaf([1.0, 2.0])
    a, _ = Two.apply(x)
    a.sum().backward()
    assert seen == [([1.0, 1.0], [0.0, 0.0])]


def test_set_materialize_grads_false_passes_none():
    seen = []

    class Two(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 1, x * 2

        @staticmethod
        def backward(ctx, g1, g2):
            seen.append(g2)
            return g1

    x = leaf([1.0, 2.0])
    a, _ = Two.apply(x)
    a.sum().backward()
    assert seen == [None]
    close(x.grad, [1.0, 1.0])


def test_mark_dirty_inplace_function():
    class MulTwo_(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.mark_dirty(x)
            return x.mul_(2)

        @staticmethod
        def backward(ctx, g):
            return g * 2

    x = leaf([1.0, 2.0])
    y = x * 1
    z = MulTwo_.apply(y)
    assert z is y and y._version == 2 and y.grad_fn.name() == "MulTwo_Backward"
    (z * z).sum().backward()
    close(x.grad, [8.0, 16.0])
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad has been used in an in-place"):
        MulTwo_.apply(leaf([1.0]))


def test_input_returned_unchanged_becomes_a_new_node_output():
    class Identity(Function):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 3

    x = leaf([1.0, 2.0])
    y = Identity.apply(x)
    assert y is not x and y.grad_fn.name() == "IdentityBackward" and x.is_leaf
    y.sum().backward()
    close(x.grad, [3.0, 3.0])


def test_once_differentiable_runs_backward_without_graph():
    class Double(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        @once_differentiable
        def backward(ctx, g):
            assert not ember.is_grad_enabled()
            return g * 2

    x = leaf([1.0, 2.0])
    (g,) = grad(Double.apply(x).sum(), x, create_graph=True)
    close(g, [2.0, 2.0])
    assert not g.requires_grad


def test_setup_context_style():
    class Scale(Function):
        @staticmethod
        def forward(x, k):
            return x * k

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.k = inputs[1]

        @staticmethod
        def backward(ctx, g):
            return g * ctx.k, None

    x = leaf([1.0, 2.0])
    Scale.apply(x, 3.0).sum().backward()
    close(x.grad, [3.0, 3.0])


def test_wrong_number_of_gradients_raises():
    class Bad(Function):
        @staticmethod
        def forward(ctx, x, y):
            return x * y

        @staticmethod
        def backward(ctx, g):
            return g

    x = leaf([1.0])
    with pytest.raises(RuntimeError, match=r"returned an incorrect number of gradients \(expected 2, got 1\)"):
        Bad.apply(x, x).sum().backward()


def test_no_graph_when_inputs_do_not_require_grad_or_no_grad():
    x = ember.tensor([1.0], dtype=ember.float64)
    assert Exp.apply(x).grad_fn is None
    with ember.no_grad():
        assert Exp.apply(leaf([1.0])).grad_fn is None


def test_saved_tensors_freed_after_backward_and_modification_detected():
    x = leaf([1.0, 2.0])
    y = Exp.apply(x)
    s = y.sum()
    s.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        s.backward()
    y2 = Exp.apply(x)
    with ember.no_grad():
        y2.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y2.sum().backward()


def test_saved_output_does_not_create_a_reference_cycle():
    gc.disable()
    try:
        x = leaf([1.0, 2.0])
        y = Exp.apply(x)
        ref = weakref.ref(y.grad_fn)
        del y
        assert ref() is None  # freed by reference counting alone
    finally:
        gc.enable()
