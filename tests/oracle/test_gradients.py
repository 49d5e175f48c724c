"""Autograd against PyTorch: gradients of composite expressions, higher-order gradients, hooks, in-place chains."""
import random
import zlib

import ember
import pytest
import torch


def _values(shape, seed, positive=False):
    rng = random.Random(seed)
    n = 1
    for s in shape:
        n *= s
    flat = [rng.uniform(0.5, 2.0) if positive else rng.uniform(-1.5, 1.5) for _ in range(n)]
    return flat


def _pair(shape, seed, positive=False, dtype="float64"):
    flat = _values(shape, seed, positive)
    t = torch.tensor(flat, dtype=getattr(torch, dtype)).reshape(shape).requires_grad_()
    e = ember.tensor(flat, dtype=getattr(ember, dtype)).reshape(shape).detach().requires_grad_()
    return e, t


def _close(e, t, tol=1e-9):
    assert e is not None and t is not None, (e, t)
    assert tuple(e.shape) == tuple(t.shape)
    assert str(e.dtype).replace("ember.", "") == str(t.dtype).replace("torch.", "")
    for a, b in zip(_flat(e.tolist()), _flat(t.tolist())):
        assert abs(a - b) <= tol * (1 + abs(b)), (e.tolist(), t.tolist())


def _flat(x):
    if isinstance(x, list):
        return [v for item in x for v in _flat(item)]
    return [x]


# Each expression runs unchanged on either library ``L``; inputs: (shape, positive) specs.
EXPRESSIONS = {
    "mul_add_sum": (lambda L, x, y: (x * y + x).sum(), [((3, 4), False), ((3, 4), False)]),
    "broadcast_div": (lambda L, x, y: (x / (y * y + 1)).sum(), [((3, 4), False), ((4,), False)]),
    "exp_log_chain": (lambda L, x, y: L.log(L.exp(x * y) + 1).mean(), [((2, 3), False), ((2, 3), False)]),
    "pow_scalar_tensor": (lambda L, x, y: (x ** 3 + y ** 2.5).sum(), [((5,), False), ((5,), True)]),
    "pow_tensor_tensor": (lambda L, x, y: (x ** y).sum(), [((4,), True), ((4,), False)]),
    "rpow_sub_neg": (lambda L, x, y: (2.0 ** x - (-y) * 3).sum(), [((4,), False), ((4,), False)]),
    "matmul_mlp": (lambda L, x, y: ((x.matmul(y) + 1).exp().matmul(y.permute(1, 0))).mean(),
                   [((3, 4), False), ((4, 2), False)]),
    "reshape_view_expand": (lambda L, x, y: (x.reshape(2, 6).view(3, 4) * y.expand(3, 4)).sum(),
                            [((12,), False), ((1, 4), False)]),
    "permute_sum_dims": (lambda L, x, y: (x.permute(2, 0, 1) * y).sum(0).sum(), [((2, 3, 4), False),
                                                                                 ((2, 3), False)]),
    "scalar_0d_mix": (lambda L, x, y: (x * y - y / x).sum(), [((), True), ((3,), True)]),
    "reused_input": (lambda L, x, y: (x * x * x + x * y - x).sum(), [((4,), False), ((4,), False)]),
    "mean_keepdim": (lambda L, x, y: (x.mean(1, keepdim=True) * y).sum(), [((3, 4), False), ((3, 4), False)]),
    "select_where": (lambda L, x, y: L.where(x > 0, x * y, y).select(0, 1).sum(), [((3, 2), False),
                                                                                  ((3, 2), False)]),
}


def _run(name):
    fn, specs = EXPRESSIONS[name]
    pairs = [_pair(shape, seed=zlib.crc32(f"{name}/{i}".encode()) & 0xFFFF, positive=pos) for i, (shape, pos) in enumerate(specs)]
    return fn, pairs


@pytest.mark.parametrize("name", sorted(EXPRESSIONS))
def test_first_order_gradients_match(name):
    fn, pairs = _run(name)
    es, ts = [p[0] for p in pairs], [p[1] for p in pairs]
    fn(ember, *es).backward()
    fn(torch, *ts).backward()
    for e, t in zip(es, ts):
        _close(e.grad, t.grad)


@pytest.mark.parametrize("name", sorted(EXPRESSIONS))
def test_second_order_gradients_match(name):
    fn, pairs = _run(name)
    es, ts = [p[0] for p in pairs], [p[1] for p in pairs]
    ge = ember.autograd.grad(fn(ember, *es), es, create_graph=True)
    gt = torch.autograd.grad(fn(torch, *ts), ts, create_graph=True)
    # differentiate a weighted sum of the first gradients again
    se = sum(((g * (i + 1)).sum() for i, g in enumerate(ge)), ember.zeros((), dtype=ember.float64))
    st = sum(((g * (i + 1)).sum() for i, g in enumerate(gt)), torch.zeros((), dtype=torch.float64))
    he = ember.autograd.grad(se, es, allow_unused=True, materialize_grads=True)
    ht = torch.autograd.grad(st, ts, allow_unused=True, materialize_grads=True)
    for e, t in zip(he, ht):
        _close(e, t)


def test_third_order_of_exp_chain():
    e, t = _pair((3,), seed=7)
    outs = []
    for lib, x in ((ember, e), (torch, t)):
        y = (lib.exp(x * 0.5) * x * x).sum()
        (g1,) = lib.autograd.grad(y, x, create_graph=True)
        (g2,) = lib.autograd.grad(g1.sum(), x, create_graph=True)
        (g3,) = lib.autograd.grad(g2.sum(), x)
        outs.append((g1, g2, g3))
    for a, b in zip(*outs):
        _close(a, b)


def test_hooks_match():
    results = []
    for lib in (ember, torch):
        x = lib.tensor([0.5, -1.0, 2.0], dtype=lib.float64, requires_grad=True)
        log = []
        h = x * x
        h.register_hook(lambda g: g * 3)
        h.register_hook(lambda g: log.append(g.tolist()))
        h.retain_grad()
        x.register_hook(lambda g: g + 1)
        out = (h.exp() * x).sum()
        out.backward()
        results.append((x.grad, h.grad, log))
    (xe, he, le), (xt, ht, lt) = results
    _close(xe, xt)
    _close(he, ht)
    assert [_flat(v) for v in le] == [pytest.approx(_flat(v)) for v in lt]


def test_inplace_chain_on_non_leaf_matches():
    results = []
    for lib in (ember, torch):
        x = lib.tensor([0.5, -1.0, 2.0], dtype=lib.float64, requires_grad=True)
        w = lib.tensor([1.5, 0.5, -2.0], dtype=lib.float64, requires_grad=True)
        y = x * 2
        y.add_(w)
        y.mul_(x)
        y.sub_(1.5)
        y.div_(w * w + 1)
        y = y.exp()
        y.sum().backward()
        results.append((x.grad, w.grad))
    for a, b in zip(*results):
        _close(a, b)


def test_backward_accumulation_and_inputs_match():
    results = []
    for lib in (ember, torch):
        x = lib.tensor([[0.5, -1.0], [2.0, 0.25]], dtype=lib.float64, requires_grad=True)
        b = lib.tensor([0.1, 0.2], dtype=lib.float64, requires_grad=True)
        (x * b).exp().sum().backward()
        (x.matmul(x) + b).sum().backward(inputs=[x])
        results.append((x.grad, b.grad))
    for a, c in zip(*results):
        _close(a, c)


@pytest.mark.parametrize("dtype", ["float32", "float16", "bfloat16"])
def test_low_precision_grad_dtypes_match(dtype):
    results = []
    for lib in (ember, torch):
        x = lib.tensor([0.5, -1.0, 2.0], dtype=getattr(lib, dtype), requires_grad=True)
        y = lib.tensor([1.0, 2.0, 3.0], dtype=lib.float32, requires_grad=True)
        (x * y).sum().backward()
        results.append((x.grad, y.grad))
    for a, b in zip(*results):
        _close(a, b, tol=1e-2)


def _f(L, x, y):
    return (x * y).exp() + x * x


def _scalar(L, x, y):
    return ((x * y).exp() * x).sum()


@pytest.mark.parametrize("which", ["vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"])
def test_autograd_functional_matches(which):
    e = [_pair((3,), seed=11)[0].detach(), _pair((3,), seed=12)[0].detach()]
    t = [torch.tensor(a.tolist(), dtype=torch.float64) for a in e]
    v = [0.5, -1.0, 2.0]
    ve, vt = ember.tensor(v, dtype=ember.float64), torch.tensor(v, dtype=torch.float64)
    got = []
    for lib, ins, vec in ((ember, e, ve), (torch, t, vt)):
        F = lib.autograd.functional
        if which == "vjp":
            got.append(F.vjp(lambda a, b: _f(lib, a, b), tuple(ins), vec))
        elif which == "jvp":
            got.append(F.jvp(lambda a, b: _f(lib, a, b), tuple(ins), (vec, vec)))
        elif which == "jacobian":
            got.append(F.jacobian(lambda a, b: _f(lib, a, b), tuple(ins)))
        elif which == "hessian":
            got.append(F.hessian(lambda a, b: _scalar(lib, a, b), tuple(ins)))
        else:
            got.append(getattr(F, which)(lambda a, b: _scalar(lib, a, b), tuple(ins), (vec, vec)))

    def walk(a, b):
        if isinstance(b, (tuple, list)):
            assert isinstance(a, (tuple, list)) and len(a) == len(b)
            for x, y in zip(a, b):
                walk(x, y)
        else:
            _close(a, b)

    walk(got[0], got[1])


def test_jacobian_single_tensor_structure():
    x = [0.5, -1.0]
    je = ember.autograd.functional.jacobian(lambda a: a * a * 3, ember.tensor(x, dtype=ember.float64))
    jt = torch.autograd.functional.jacobian(lambda a: a * a * 3, torch.tensor(x, dtype=torch.float64))
    _close(je, jt)
