"""Movement, view, splitting and joining ops against PyTorch: values, dtypes, shapes, strides of views,
gradients, and the exception types of bad calls.  Each case is a function of the library (``torch`` or
``ember``) and the input tensor(s)."""
import warnings

import numpy as np
import pytest
import torch

import ember

from ._helpers import check

RNG = np.random.default_rng(0)
A = RNG.standard_normal((3, 4, 2))
B = RNG.standard_normal((3, 4, 2))
V = RNG.standard_normal(5)


def lib_tensors(L, dtype, grad, *arrays):
    out = []
    for a in arrays:
        t = L.tensor(a).to(getattr(L, dtype))
        if grad:
            t.requires_grad_(True)
        out.append(t)
    return out


CASES = {
    "view": lambda L, a, b: a.view(4, 6),
    "view -1": lambda L, a, b: a.view(-1, 2),
    "reshape noncontig": lambda L, a, b: a.transpose(0, 1).reshape(8, 3),
    "expand": lambda L, a, b: a[:, :1].expand(3, 5, 2),
    "expand new dims": lambda L, a, b: a.expand(2, -1, -1, -1),
    "expand_as": lambda L, a, b: a[:1].expand_as(b),
    "broadcast_to": lambda L, a, b: L.broadcast_to(a[:, :1], (2, 3, 4, 2)),
    "broadcast_tensors": lambda L, a, b: L.broadcast_tensors(a[:, :1], b[0]),
    "permute": lambda L, a, b: a.permute(2, 0, 1),
    "transpose": lambda L, a, b: a.transpose(-1, 0),
    "swapaxes": lambda L, a, b: L.swapaxes(a, 0, 1),
    "swapdims": lambda L, a, b: a.swapdims(1, 2),
    "t": lambda L, a, b: a[0].t(),
    "T": lambda L, a, b: a[0].T,
    "mT": lambda L, a, b: a.mT,
    "movedim": lambda L, a, b: L.movedim(a, (0, 2), (2, 0)),
    "moveaxis": lambda L, a, b: L.moveaxis(a, -1, 0),
    "unsqueeze": lambda L, a, b: a.unsqueeze(-2),
    "squeeze": lambda L, a, b: a[:1, :, :1].squeeze(),
    "squeeze dim": lambda L, a, b: a[:1, :, :1].squeeze(2),
    "squeeze dims": lambda L, a, b: a[:1, :, :1].squeeze((0, 1)),
    "flatten": lambda L, a, b: a.flatten(),
    "flatten range": lambda L, a, b: a.flatten(1, 2),
    "unflatten": lambda L, a, b: a.unflatten(1, (2, -1)),
    "ravel": lambda L, a, b: a.transpose(0, 2).ravel(),
    "narrow": lambda L, a, b: a.narrow(1, 1, 2),
    "narrow tensor start": lambda L, a, b: L.narrow(a, 0, L.tensor(1), 2),
    "select": lambda L, a, b: a.select(1, -1),
    "unbind": lambda L, a, b: a.unbind(1),
    "split int": lambda L, a, b: a.split(3, 1),
    "split sizes": lambda L, a, b: L.split(a, [1, 0, 3], 1),
    "chunk": lambda L, a, b: a.chunk(3, 1),
    "chunk more than size": lambda L, a, b: a.chunk(5, 2),
    "tensor_split n": lambda L, a, b: a.tensor_split(3, 1),
    "tensor_split idx": lambda L, a, b: L.tensor_split(a, (1, 3), 1),
    "tensor_split tensor": lambda L, a, b: L.tensor_split(a, L.tensor([2, 10]), 1),
    "hsplit": lambda L, a, b: L.hsplit(a, 2),
    "vsplit": lambda L, a, b: L.vsplit(a, [1]),
    "dsplit": lambda L, a, b: L.dsplit(a, 2),
    "diagonal": lambda L, a, b: a.diagonal(),
    "diagonal offset dims": lambda L, a, b: L.diagonal(a, -1, 1, 0),
    "diagonal big offset": lambda L, a, b: a.diagonal(5, 0, 1),
    "unfold": lambda L, a, b: a.unfold(1, 2, 1),
    "unfold step": lambda L, a, b: a.unfold(0, 2, 2),
    "cat": lambda L, a, b: L.cat([a, b], 1),
    "cat neg dim": lambda L, a, b: L.cat((a, b[:, :1]), -2),
    "cat legacy empty": lambda L, a, b: L.cat([a, L.zeros(0, dtype=a.dtype), b]),
    "concat": lambda L, a, b: L.concat([a, b], 2),
    "concatenate": lambda L, a, b: L.concatenate([a, b], axis=0),
    "stack": lambda L, a, b: L.stack([a, b]),
    "stack last": lambda L, a, b: L.stack((a, b), -1),
    "hstack": lambda L, a, b: L.hstack([a, b]),
    "vstack": lambda L, a, b: L.vstack([a[0], b[0, :1]]),
    "row_stack": lambda L, a, b: L.row_stack([a[0, 0], b[0, 0]]),
    "dstack": lambda L, a, b: L.dstack([a[0], b[0]]),
    "column_stack": lambda L, a, b: L.column_stack([a[0, :, 0], b[0]]),
    "atleast_1d": lambda L, a, b: L.atleast_1d(a[0, 0, 0]),
    "atleast_2d": lambda L, a, b: L.atleast_2d(a[0, 0], b[0]),
    "atleast_3d": lambda L, a, b: L.atleast_3d([a[0], b[0, 0, 0]]),
    "meshgrid ij": lambda L, a, b: L.meshgrid(a[:, 0, 0], b[0, :, 0], indexing="ij"),
    "meshgrid xy": lambda L, a, b: L.meshgrid(a[:, 0, 0], b[0, :, 0], a[0, 0], indexing="xy"),
    "flip": lambda L, a, b: a.flip(0, 2),
    "flip list": lambda L, a, b: L.flip(a, [-1]),
    "fliplr": lambda L, a, b: L.fliplr(a),
    "flipud": lambda L, a, b: a.flipud(),
    "roll": lambda L, a, b: a.roll(1, 0),
    "roll multi": lambda L, a, b: L.roll(a, (-1, 5), (1, 2)),
    "roll flat": lambda L, a, b: a.roll(7),
    "rot90": lambda L, a, b: a.rot90(),
    "rot90 k": lambda L, a, b: L.rot90(a, -1, (2, 1)),
    "rot90 2": lambda L, a, b: L.rot90(a, 2, (0, 2)),
    "repeat": lambda L, a, b: a.repeat(2, 1, 3),
    "repeat new dims": lambda L, a, b: a.repeat(2, 1, 1, 2),
    "tile": lambda L, a, b: L.tile(a, (2,)),
    "tile more": lambda L, a, b: a.tile((2, 1, 1, 1)),
    "repeat_interleave": lambda L, a, b: a.repeat_interleave(2, 1),
    "repeat_interleave flat": lambda L, a, b: L.repeat_interleave(a, 2),
    "repeat_interleave tensor": lambda L, a, b: a.repeat_interleave(L.tensor([1, 0, 3]), dim=0),
    "tril": lambda L, a, b: a.tril(),
    "tril k": lambda L, a, b: L.tril(a.permute(2, 0, 1), -1),
    "triu": lambda L, a, b: a.triu(1),
    "diag 1d": lambda L, a, b: L.diag(a[:, 0, 0], 1),
    "diag 2d": lambda L, a, b: a[:, :, 0].diag(-1),
    "diag_embed": lambda L, a, b: L.diag_embed(a),
    "diag_embed dims": lambda L, a, b: L.diag_embed(a, 1, 0, 2),
    "diagflat": lambda L, a, b: L.diagflat(a[0], -1),
    "slice_scatter": lambda L, a, b: L.slice_scatter(a, b[:, 1:3], 1, 1, 3),
    "slice_scatter step": lambda L, a, b: L.slice_scatter(a, b[:, ::2], dim=1, step=2),
    "select_scatter": lambda L, a, b: L.select_scatter(a, b[:, 0], 1, -1),
    "diagonal_scatter": lambda L, a, b: L.diagonal_scatter(a, b[0, :3].t(), 1, 0, 1),
    "contiguous of view": lambda L, a, b: a.transpose(0, 1).contiguous(),
}


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("name", list(CASES))
def test_values_and_grads(name):
    fn = CASES[name]
    ta, tb = lib_tensors(torch, "float64", True, A, B)
    ea, eb = lib_tensors(ember, "float64", True, A, B)
    want = fn(torch, ta, tb)
    got = fn(ember, ea, eb)
    check(got, want, name)
    outs_t = want if isinstance(want, (tuple, list)) else (want,)
    outs_e = got if isinstance(got, (tuple, list)) else (got,)
    w = [np.random.default_rng(1).standard_normal(tuple(o.shape)) for o in outs_t]
    sum((o * torch.tensor(wi)).sum() for o, wi in zip(outs_t, w)).backward()
    sum((o * ember.tensor(wi)).sum() for o, wi in zip(outs_e, w)).backward()
    for te, tt, what in ((ea, ta, "a"), (eb, tb, "b")):
        if tt.grad is None:
            assert te.grad is None or not te.grad.any(), f"{name}: grad {what}"
        else:
            check(te.grad, tt.grad, f"{name} grad {what}")


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("dtype", ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16",
                                   "float32"])
@pytest.mark.parametrize("name", ["permute", "cat", "stack", "flip", "roll multi", "repeat", "tril", "diag_embed",
                                  "unfold", "diagonal offset dims", "rot90 k", "repeat_interleave tensor",
                                  "meshgrid xy", "split sizes", "hstack", "slice_scatter", "expand new dims"])
def test_dtypes(name, dtype):
    ta, tb = lib_tensors(torch, dtype, False, A * 3, B * 3)
    ea, eb = lib_tensors(ember, dtype, False, A * 3, B * 3)
    check(CASES[name](ember, ea, eb), CASES[name](torch, ta, tb), f"{name} {dtype}")


@pytest.mark.parametrize("pair", [("int32", "float16"), ("bool", "uint8"), ("int8", "uint8"), ("float16", "bfloat16"),
                                  ("int64", "float32"), ("bool", "int16")])
def test_cat_and_stack_promote(pair):
    d1, d2 = pair
    for fn in (lambda L, x, y: L.cat([x, y]), lambda L, x, y: L.stack([x, y], 1),
               lambda L, x, y: L.cat([x, L.zeros(0, dtype=y.dtype)])):
        tx, = lib_tensors(torch, d1, False, A[0])
        ty, = lib_tensors(torch, d2, False, B[0])
        ex, = lib_tensors(ember, d1, False, A[0])
        ey, = lib_tensors(ember, d2, False, B[0])
        check(fn(ember, ex, ey), fn(torch, tx, ty), str(pair))


@pytest.mark.parametrize("name", ["view", "permute", "transpose", "expand", "narrow", "select", "diagonal offset dims",
                                  "unfold step", "unsqueeze", "t", "split int"])
def test_view_strides_match_torch(name):
    ta, tb = lib_tensors(torch, "float32", False, A, B)
    ea, eb = lib_tensors(ember, "float32", False, A, B)
    want, got = CASES[name](torch, ta, tb), CASES[name](ember, ea, eb)
    for w, g in zip(want if isinstance(want, tuple) else (want,), got if isinstance(got, tuple) else (got,)):
        assert g.stride() == w.stride(), name
        assert g.is_contiguous() == w.is_contiguous(), name
        assert g._base is ea
        if "diagonal" not in name and "unfold" not in name:  # strided views: see the movement report
            assert g.storage_offset() == w.storage_offset(), name


def test_broadcast_shapes():
    for shapes in [((3, 1), (4,)), ((2, 1, 3), (), (1, 3)), (5, (2, 1)), ((0, 1), (3,))]:
        assert tuple(ember.broadcast_shapes(*shapes)) == tuple(torch.broadcast_shapes(*shapes))
    with pytest.raises(RuntimeError):
        ember.broadcast_shapes((3,), (4,))


def test_meshgrid_warns_without_indexing():
    x = ember.arange(3)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        gx, gy = ember.meshgrid(x, x[:2])
    assert any("indexing" in str(m.message) for m in w)
    assert tuple(gx.shape) == (3, 2)


ERRORS = [
    lambda L, a: a.view(5, 5), lambda L, a: a.transpose(0, 1).view(-1), lambda L, a: a.view(-1, -1),
    lambda L, a: a.expand(3, 5, 2), lambda L, a: a.expand(2), lambda L, a: a.permute(0, 1),
    lambda L, a: a.permute(0, 0, 1), lambda L, a: a.transpose(0, 3), lambda L, a: a.t(),
    lambda L, a: a.squeeze(3), lambda L, a: a.unsqueeze(4), lambda L, a: a.flatten(2, 1),
    lambda L, a: a.unflatten(1, (3, 2)), lambda L, a: a.narrow(1, 3, 2), lambda L, a: a.narrow(1, -5, 1),
    lambda L, a: a.select(0, 3), lambda L, a: a.select(3, 0), lambda L, a: a.split([1, 1], 0),
    lambda L, a: a.chunk(0), lambda L, a: a.tensor_split(0), lambda L, a: L.hsplit(a, 3),
    lambda L, a: L.dsplit(a[0], 2), lambda L, a: a.diagonal(0, 1, 1), lambda L, a: a.unfold(1, 5, 1),
    lambda L, a: a.unfold(1, 2, 0), lambda L, a: L.cat(a), lambda L, a: L.cat([]), lambda L, a: L.cat([a, a[0]]),
    lambda L, a: L.cat([a, a[:, :1]], 0), lambda L, a: L.cat([a], 3), lambda L, a: L.cat([a[0, 0, 0]]),
    lambda L, a: L.stack([]), lambda L, a: L.stack([a, a[0]]), lambda L, a: L.stack([a], 4),
    lambda L, a: a.flip(0, 0), lambda L, a: a.flip(3), lambda L, a: a.roll(1, (0, 1)),
    lambda L, a: a.roll((1, 2), 0), lambda L, a: a.rot90(1, (0, 0)), lambda L, a: a.rot90(1, (0,)),
    lambda L, a: L.fliplr(a[0, 0]), lambda L, a: a.repeat(2, 2), lambda L, a: a.repeat(-1, 1, 1),
    lambda L, a: a.repeat_interleave(-1), lambda L, a: a.repeat_interleave(L.tensor([1, 2]), 0),
    lambda L, a: a[0, 0].tril(), lambda L, a: L.diag(a), lambda L, a: L.diag_embed(a, 0, 1, 1),
    lambda L, a: L.slice_scatter(a, a, 1, 0, 2), lambda L, a: L.select_scatter(a, a[0, 0], 0, 0),
    lambda L, a: L.diagonal_scatter(a, a[0], 0, 0, 1), lambda L, a: L.movedim(a, (0, 0), (1, 2)),
    lambda L, a: L.meshgrid(a, indexing="ij"), lambda L, a: L.meshgrid(a[0, 0], indexing="yx"),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors_match_torch(i):
    ta, = lib_tensors(torch, "float32", False, A)
    ea, = lib_tensors(ember, "float32", False, A)
    try:
        ERRORS[i](torch, ta)
    except Exception as e:  # noqa: BLE001
        with pytest.raises(type(e)):
            ERRORS[i](ember, ea)
    else:
        pytest.fail("torch did not raise: the case is wrong")


@pytest.mark.parametrize("call", [lambda x: x.t_(), lambda x: x.transpose_(0, 1), lambda x: x.swapaxes_(1, 0),
                                  lambda x: x.swapdims_(0, 1), lambda x: x.unsqueeze_(1), lambda x: x[:1].squeeze_(),
                                  lambda x: x.unsqueeze_(0).squeeze_(0)])
def test_inplace_view_ops(call):
    ta, = lib_tensors(torch, "float64", False, A[0])
    ea, = lib_tensors(ember, "float64", False, A[0])
    rt, re_ = call(ta), call(ea)
    check(re_, rt)
    assert tuple(re_.stride()) == tuple(rt.stride())
    leaf, = lib_tensors(ember, "float64", True, A[0])
    with pytest.raises(RuntimeError):
        call(leaf)
    x, = lib_tensors(ember, "float64", True, A[0])
    tx, = lib_tensors(torch, "float64", True, A[0])
    y, ty = x * 2, tx * 2
    call(y).sum().backward()
    call(ty).sum().backward()
    check(x.grad, tx.grad)


def test_narrow_copy_is_a_copy():
    ta, = lib_tensors(torch, "float32", False, A)
    ea, = lib_tensors(ember, "float32", False, A)
    got = ember.narrow_copy(ea, 1, 1, 2)
    check(got, torch.narrow_copy(ta, 1, 1, 2))
    assert got._base is None and got.is_contiguous()
