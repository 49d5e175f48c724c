"""The autograd engine end to end: backward / grad, higher order, errors, hooks, in-place semantics, anomaly mode."""
import math
import warnings

import pytest

import ember
from ember.autograd import grad


def leaf(values, dtype=ember.float32):
    return ember.tensor(values, dtype=dtype, requires_grad=True)


def close(t, expected, tol=1e-5):
    got = t.tolist() if isinstance(t, ember.Tensor) else t
    flat_g, flat_e = _flat(got), _flat(expected)
    assert len(flat_g) == len(flat_e), (got, expected)
    for a, b in zip(flat_g, flat_e):
        assert abs(a - b) <= tol * (1 + abs(b)), (got, expected)


def _flat(x):
    if isinstance(x, (list, tuple)):
        return [v for item in x for v in _flat(item)]
    return [x]


# --- backward and accumulation ------------------------------------------------------------------

def test_backward_accumulates_across_calls():
    x = leaf([1.0, 2.0, 3.0])
    (x * x).sum().backward()
    close(x.grad, [2.0, 4.0, 6.0])
    (x * 3).sum().backward()
    close(x.grad, [5.0, 7.0, 9.0])
    x.grad = None
    (x * 3).sum().backward()
    close(x.grad, [3.0, 3.0, 3.0])


def test_accumulation_is_in_place_on_the_existing_grad():
    x = leaf([1.0, 2.0])
    (x * 2).sum().backward()
    g = x.grad
    (x * 2).sum().backward()
    assert x.grad is g
    close(g, [4.0, 4.0])


def test_backward_with_explicit_gradient_on_non_scalar():
    x = leaf([1.0, 2.0, 3.0])
    y = x * x
    y.backward(ember.tensor([1.0, 0.5, 0.0]))
    close(x.grad, [2.0, 2.0, 0.0])


def test_gradient_is_summed_over_broadcast_dimensions():
    x = leaf([[1.0, 2.0], [3.0, 4.0]])
    b = leaf([10.0, 20.0])
    s = leaf(2.0)
    (x * b * s).sum().backward()
    close(x.grad, [[20.0, 40.0], [20.0, 40.0]])
    close(b.grad, [8.0, 12.0])
    close(s.grad, 1 * 10 + 2 * 20 + 3 * 10 + 4 * 20)
    assert b.grad.shape == (2,) and s.grad.shape == ()


def test_grad_dtype_follows_the_input():
    x = leaf([1.0, 2.0], dtype=ember.float64)
    y = leaf([1.0, 2.0], dtype=ember.float32)
    (x * y).sum().backward()
    assert x.grad.dtype is ember.float64 and y.grad.dtype is ember.float32


def test_retain_graph_allows_a_second_backward():
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    close(x.grad, [4.0, 8.0])


def test_second_backward_through_freed_graph_raises():
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        y.backward()


def test_saved_output_is_freed_too():
    x = leaf([1.0, 2.0])
    y = x.exp().sum()
    y.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()


def test_non_scalar_backward_without_gradient_raises():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        (x * 2).backward()


def test_backward_on_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="element 0 of tensors does not require grad and does not have a grad_fn"):
        ember.tensor([1.0, 2.0]).sum().backward()


@pytest.mark.parametrize("dtype", [ember.int64, ember.int32, ember.bool, ember.uint8])
def test_requires_grad_on_integer_tensor_raises(dtype):
    with pytest.raises(RuntimeError, match="(?i)only Tensors of floating point and complex dtype can require "
                                           "gradients"):
        ember.tensor([1, 0], dtype=dtype, requires_grad=True)
    with pytest.raises(RuntimeError, match="(?i)only Tensors of floating point"):
        ember.tensor([1, 0], dtype=dtype).requires_grad_()


def test_gradient_shape_mismatch_raises():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match="Mismatch in shape"):
        (x * 2).backward(ember.ones(3))


def test_backward_inputs_restricts_accumulation():
    x = leaf([1.0, 2.0])
    y = leaf([3.0, 4.0])
    (x * y).sum().backward(inputs=[x])
    close(x.grad, [3.0, 4.0])
    assert y.grad is None
    with pytest.raises(RuntimeError, match="cannot be empty"):
        (x * y).sum().backward(inputs=[])


def test_backward_inputs_can_name_a_non_leaf():
    x = leaf([1.0, 2.0])
    h = x * 2
    (h * h).sum().backward(inputs=[h])
    close(h.grad, [4.0, 8.0])
    assert x.grad is None


def test_autograd_backward_function_with_several_roots():
    x = leaf([1.0, 2.0])
    ember.autograd.backward([(x * 2).sum(), (x * x).sum()])
    close(x.grad, [4.0, 6.0])
    with pytest.raises(RuntimeError, match="got 2 tensors and 1 gradients"):
        ember.autograd.backward([(x * 2).sum(), (x * x).sum()], [None])


# --- autograd.grad ---------------------------------------------------------------------------------

def test_grad_returns_without_touching_dot_grad():
    x = leaf([1.0, 2.0])
    (g,) = grad((x * x).sum(), x)
    close(g, [2.0, 4.0])
    assert x.grad is None


def test_grad_with_grad_outputs_and_several_inputs():
    x = leaf([1.0, 2.0])
    y = leaf([3.0, 4.0])
    gx, gy = grad(x * y, (x, y), grad_outputs=ember.tensor([1.0, 2.0]))
    close(gx, [3.0, 8.0])
    close(gy, [1.0, 4.0])


def test_grad_with_respect_to_an_intermediate():
    x = leaf([1.0, 2.0])
    h = x * 3
    (gh,) = grad((h * h).sum(), h)
    close(gh, [6.0, 12.0])


def test_grad_allow_unused_and_materialize():
    x = leaf([1.0, 2.0])
    y = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match="The differentiated Tensor at index 1 appears to not have been used"):
        grad((x * 2).sum(), [x, y])
    gx, gy = grad((x * 2).sum(), [x, y], allow_unused=True)
    assert gy is None
    gx, gy = grad((x * 2).sum(), [x, y], materialize_grads=True)
    close(gy, [0.0, 0.0])


def test_grad_errors():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match="does not require grad"):
        grad((x * 2).sum(), ember.ones(2))
    with pytest.raises(RuntimeError, match="cannot be empty"):
        grad((x * 2).sum(), [])


def test_grad_frees_graph_unless_retained():
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    grad(y, x, retain_graph=True)
    grad(y, x)
    with pytest.raises(RuntimeError, match="second time"):
        grad(y, x)


# --- higher order -------------------------------------------------------------------------------

def test_third_derivative_of_x_to_the_fourth():
    x = leaf(2.0)
    y = x ** 4
    (g1,) = grad(y, x, create_graph=True)
    (g2,) = grad(g1, x, create_graph=True)
    (g3,) = grad(g2, x)
    assert (g1.item(), g2.item(), g3.item()) == (32.0, 48.0, 48.0)  # 4x^3, 12x^2, 24x


def test_third_derivative_of_exp_product():
    x = leaf([0.5, -1.0], dtype=ember.float64)
    y = (x * x.exp()).sum()  # f''' = (x + 3) e^x
    (g1,) = grad(y, x, create_graph=True)
    (g2,) = grad(g1.sum(), x, create_graph=True)
    (g3,) = grad(g2.sum(), x)
    close(g3, [(v + 3) * math.exp(v) for v in (0.5, -1.0)], 1e-10)


def test_third_derivative_of_sin():
    x = leaf([0.3, 1.2], dtype=ember.float64)
    (g1,) = grad(ember.sin(x).sum(), x, create_graph=True)
    (g2,) = grad(g1.sum(), x, create_graph=True)
    (g3,) = grad(g2.sum(), x)
    close(g3, [-math.cos(0.3), -math.cos(1.2)], 1e-10)


def test_create_graph_backward_leaves_a_differentiable_grad():
    x = leaf([1.0, 2.0])
    with pytest.warns(UserWarning, match="create_graph=True will create a reference cycle"):
        (x ** 3).sum().backward(create_graph=True)
    assert x.grad.requires_grad
    close(x.grad, [3.0, 12.0])
    g = x.grad
    x.grad = None
    g.sum().backward()
    close(x.grad, [6.0, 12.0])


def test_hessian_vector_product():
    x = leaf([1.0, 2.0, 3.0], dtype=ember.float64)
    v = ember.tensor([1.0, 0.0, -1.0], dtype=ember.float64)
    y = (x * x * x).sum() + x.sum() ** 2  # H = diag(6x) + 2 * ones
    (g,) = grad(y, x, create_graph=True)
    (hv,) = grad((g * v).sum(), x)
    close(hv, [6.0, 0.0, -18.0], 1e-12)


def test_double_backward_through_division_and_log():
    x = leaf([1.5, 2.5], dtype=ember.float64)
    y = (ember.log(x) / x).sum()  # f' = (1 - ln x)/x^2, f'' = (2 ln x - 3)/x^3
    (g,) = grad(y, x, create_graph=True)
    (h,) = grad(g.sum(), x)
    close(h, [(2 * math.log(v) - 3) / v ** 3 for v in (1.5, 2.5)], 1e-10)


# --- leaves, detach, requires_grad ---------------------------------------------------------------

def test_is_leaf_semantics():
    a = ember.tensor([1.0, 2.0])
    b = a * 2
    assert a.is_leaf and b.is_leaf and not b.requires_grad and b.grad_fn is None
    x = leaf([1.0])
    y = x * 2
    assert x.is_leaf and not y.is_leaf and y.requires_grad
    with ember.no_grad():
        z = x * 2
    assert z.is_leaf and not z.requires_grad


def test_grad_of_non_leaf_warns():
    x = leaf([1.0, 2.0])
    y = x * 2
    with pytest.warns(UserWarning, match="not a leaf Tensor is being accessed"):
        assert y.grad is None
    y.retain_grad()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert y.grad is None
        assert x.grad is None


def test_detach_and_detach_():
    x = leaf([1.0, 2.0])
    y = x * 2
    d = y.detach()
    assert not d.requires_grad and d.is_leaf and d.grad_fn is None
    close(d, [2.0, 4.0])
    y.detach_()
    assert not y.requires_grad and y.is_leaf


def test_detach_shares_storage_and_version():
    x = ember.tensor([1.0, 2.0])
    d = x.detach()
    d.add_(1)
    close(x, [2.0, 3.0])
    assert x._version == d._version == 1


def test_requires_grad_flag_rules():
    x = ember.tensor([1.0])
    assert x.requires_grad_() is x and x.requires_grad
    x.requires_grad_(False)
    assert not x.requires_grad
    y = leaf([1.0]) * 2
    with pytest.raises(RuntimeError, match="only change requires_grad flags of leaf variables"):
        y.requires_grad_(False)


# --- retain_grad and hooks -----------------------------------------------------------------------

def test_retain_grad_on_non_leaf():
    x = leaf([1.0, 2.0])
    y = x * 2
    y.retain_grad()
    assert y.retains_grad and not x.retains_grad
    (y * y).sum().backward()
    close(y.grad, [4.0, 8.0])
    close(x.grad, [8.0, 16.0])


def test_hook_on_non_leaf_replaces_gradient():
    x = leaf([1.0, 2.0])
    y = x * 2
    seen = []
    y.register_hook(lambda g: seen.append(g.tolist()))
    y.register_hook(lambda g: g * 10)
    y.retain_grad()
    (y * y).sum().backward()
    assert seen == [[4.0, 8.0]]
    close(y.grad, [40.0, 80.0])  # retained grad sees the hook's result
    close(x.grad, [80.0, 160.0])


def test_hook_on_leaf_and_handle_remove():
    x = leaf([1.0, 2.0])
    h = x.register_hook(lambda g: g * 10)
    (x * x).sum().backward()
    close(x.grad, [20.0, 40.0])
    h.remove()
    x.grad = None
    (x * x).sum().backward()
    close(x.grad, [2.0, 4.0])


def test_hook_on_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        ember.tensor([1.0]).register_hook(lambda g: g)


def test_post_accumulate_grad_hook():
    x = leaf([1.0, 2.0])
    seen = []
    h = x.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad.tolist()))
    (x * x).sum().backward()
    (x * x).sum().backward()
    assert seen == [[2.0, 4.0], [4.0, 8.0]]
    h.remove()
    (x * x).sum().backward()
    assert len(seen) == 2
    with pytest.raises(RuntimeError, match="non-leaf"):
        (x * 2).register_post_accumulate_grad_hook(lambda t: None)


def test_node_hooks():
    x = leaf([1.0, 2.0])
    y = x * 3
    calls = []
    y.grad_fn.register_prehook(lambda gouts: calls.append(("pre", gouts[0].tolist())))
    y.grad_fn.register_hook(lambda gins, gouts: (gins[0] * 2, gins[1]))
    y.sum().backward()
    assert calls == [("pre", [1.0, 1.0])]
    close(x.grad, [6.0, 6.0])


# --- graph introspection ------------------------------------------------------------------------

def test_grad_fn_names_and_types():
    x = leaf([1.0, 2.0])
    y = leaf([3.0, 4.0])
    cases = {"MulBackward0": x * y, "AddBackward0": x + y, "SubBackward0": x - y, "DivBackward0": x / y,
             "PowBackward0": x ** 2, "ExpBackward0": x.exp(), "LogBackward0": x.log(),
             "SumBackward0": x.sum(), "NegBackward0": -x, "MmBackward0": x.reshape(1, 2).matmul(y.reshape(2, 1))}
    for name, t in cases.items():
        if name == "MmBackward0":
            assert t.grad_fn.name() in ("MmBackward0", "MatmulBackward0")
            continue
        assert t.grad_fn.name() == name
        assert type(t.grad_fn).__name__ == name
        assert repr(t.grad_fn).startswith(f"<{name} object at 0x")


def test_next_functions():
    x = leaf([1.0, 2.0])
    c = ember.tensor([1.0, 1.0])
    y = x * 2
    z = y + c
    (n0, i0), (n1, i1) = z.grad_fn.next_functions
    assert n0 is y.grad_fn and i0 == 0 and n1 is None
    (acc, _), (none, _) = y.grad_fn.next_functions
    assert type(acc).__name__ == "AccumulateGrad" and acc.variable is x and none is None
    z.grad_fn.metadata["tag"] = 1
    assert z.grad_fn.metadata == {"tag": 1}


# --- in-place semantics -------------------------------------------------------------------------

def test_version_counter():
    x = leaf([1.0, 2.0])
    y = x * 2
    assert y._version == 0
    y.add_(1)
    assert y._version == 1
    y.mul_(2)
    assert y._version == 2
    assert x._version == 0


def test_inplace_on_leaf_requiring_grad_raises():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place operation."):
        x.add_(1)
    with ember.no_grad():
        x.add_(1)  # allowed without grad recording
    close(x, [2.0, 3.0])


def test_inplace_on_non_leaf_records_correct_gradients():
    x = leaf([1.0, 2.0])
    y = x * 2
    y.add_(1)
    y.mul_(x)  # y = (2x + 1) * x -> dy/dx = 4x + 1
    assert y.grad_fn.name() == "MulBackward0"
    y.sum().backward()
    close(x.grad, [5.0, 9.0])


def test_inplace_chain_with_exp_and_division():
    x = leaf([0.5, 1.5], dtype=ember.float64)
    y = x * 1
    y.exp_()
    y.sum().backward()
    close(x.grad, [math.exp(v) for v in (0.5, 1.5)], 1e-10)
    x.grad = None
    z = x * 2
    z.div_(x.exp())  # z = 2x e^-x -> dz/dx = 2 e^-x (1 - x)
    z.sum().backward()
    close(x.grad, [2 * math.exp(-v) * (1 - v) for v in (0.5, 1.5)], 1e-10)


def test_modifying_saved_input_raises_at_backward():
    x = leaf([1.0, 2.0])
    z = x * 1
    y = x * z  # saves z
    z.add_(1)
    with pytest.raises(RuntimeError, match="one of the variables needed for gradient computation has been "
                                           "modified by an inplace operation"):
        y.sum().backward()


def test_modifying_saved_output_raises_at_backward():
    x = leaf([1.0, 2.0])
    y = x.exp()  # saves its output
    y.add_(1)
    with pytest.raises(RuntimeError, match=r"modified by an inplace operation: \[ember.FloatTensor \[2\]\], which "
                                           r"is output 0 of Exp, is at version 1; expected version 0 instead"):
        y.sum().backward()


def test_modifying_saved_leaf_data_under_no_grad_raises():
    a = leaf([1.0, 2.0])
    c = a * a.exp()
    with ember.no_grad():
        a.add_(1)
    with pytest.raises(RuntimeError, match="is at version 1; expected version 0"):
        c.sum().backward()


def test_inplace_under_no_grad_keeps_old_graph():
    x = leaf([1.0, 2.0])
    y = x * 2
    with ember.no_grad():
        y.mul_(3)
    close(y, [6.0, 12.0])
    y.sum().backward()
    close(x.grad, [2.0, 2.0])


# --- grad mode inside backward -------------------------------------------------------------------

def test_backward_does_not_record_without_create_graph():
    x = leaf([1.0, 2.0])
    seen = []
    x.register_hook(lambda g: seen.append((g.requires_grad, ember.is_grad_enabled())))
    (x * x).sum().backward()
    assert seen == [(False, False)]
    assert ember.is_grad_enabled()


# --- anomaly detection --------------------------------------------------------------------------

def test_detect_anomaly_names_the_op_and_reports_forward_trace():
    x = leaf([0.0, 1.0])
    with ember.autograd.detect_anomaly():
        y = (x / x).sum()
        with pytest.warns(UserWarning, match="Error detected in DivBackward0") as rec:
            with pytest.raises(RuntimeError, match=r"Function 'DivBackward0' returned nan values in its \dth output"):
                y.backward()
    assert any(__file__ in str(w.message) for w in rec)  # the forward call site
    assert not ember.autograd.is_anomaly_enabled()


def test_set_detect_anomaly_function_and_no_false_positive():
    prev = ember.autograd.is_anomaly_enabled()
    ember.autograd.set_detect_anomaly(True)
    try:
        assert ember.autograd.is_anomaly_enabled()
        x = leaf([1.0, 2.0])
        (x / x).sum().backward()
        close(x.grad, [0.0, 0.0])
    finally:
        ember.autograd.set_detect_anomaly(prev)
    assert ember.autograd.is_anomaly_enabled() == prev


def test_nan_without_anomaly_mode_is_silent():
    x = leaf([0.0, 1.0])
    (x / x).sum().backward()
    assert math.isnan(x.grad.tolist()[0])


def test_detect_anomaly_reports_forward_trace_for_failing_backward():
    class Broken(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            raise ValueError("broken backward")

    x = leaf([1.0, 2.0])
    with ember.autograd.detect_anomaly():
        y = Broken.apply(x).sum()
        with pytest.warns(UserWarning, match="Error detected in BrokenBackward") as rec:
            with pytest.raises(ValueError, match="broken backward"):
                y.backward()
    assert any("Broken.apply(x)" in str(w.message) for w in rec)


def test_detect_anomaly_check_nan_false_lets_nan_through():
    x = leaf([0.0, 1.0])
    with ember.autograd.detect_anomaly(check_nan=False):
        (x / x).sum().backward()
    assert math.isnan(x.grad.tolist()[0])


def test_branch_without_gradient_does_not_block_other_paths():
    class FirstGetsNone(ember.autograd.Function):
        @staticmethod
        def forward(ctx, p, q):
            return p + q

        @staticmethod
        def backward(ctx, g):
            return None, g

    x = leaf([1.0, 2.0])
    y = x * 2
    p = y.exp()  # reached by the graph walk, but receives no gradient
    q = y * 3
    FirstGetsNone.apply(p, q).sum().backward()
    close(x.grad, [6.0, 6.0])
