"""View semantics: every view op shares storage and the version counter with its base, in both directions,
records ``._base``, and differentiates like its copy would."""
import pytest

import ember

VIEWS = {
    "view": lambda x: x.view(4, 6),
    "reshape": lambda x: x.reshape(-1),
    "flatten": lambda x: x.flatten(1),
    "unflatten": lambda x: x.unflatten(2, (2, 2)),
    "squeeze": lambda x: x[:1].squeeze(0),
    "unsqueeze": lambda x: x.unsqueeze(1),
    "permute": lambda x: x.permute(2, 0, 1),
    "transpose": lambda x: x.transpose(0, 2),
    "swapaxes": lambda x: x.swapaxes(1, 2),
    "t": lambda x: x[0].t(),
    "T": lambda x: x[0].T,
    "mT": lambda x: x.mT,
    "expand": lambda x: x[:, :1].expand(2, 3, 4),
    "narrow": lambda x: x.narrow(2, 1, 2),
    "select": lambda x: x.select(1, 2),
    "unbind": lambda x: x.unbind(1)[1],
    "split": lambda x: x.split(2, 2)[1],
    "chunk": lambda x: x.chunk(2, 1)[1],
    "tensor_split": lambda x: x.tensor_split(3, 2)[2],
    "movedim": lambda x: x.movedim(0, -1),
    "diagonal": lambda x: x.diagonal(1, 1, 2),
    "unfold": lambda x: x.unfold(2, 2, 2),
    "getitem int": lambda x: x[1],
    "getitem slice": lambda x: x[:, 1:3, ::2],
    "getitem none ellipsis": lambda x: x[None, ..., 1],
    "detach": lambda x: x.detach(),
    "broadcast_to": lambda x: ember.broadcast_to(x[:, :, :1], (2, 3, 4)),
    "meshgrid": lambda x: ember.meshgrid(x[0, 0], x[1, 1], indexing="ij")[0],
    "atleast_3d": lambda x: ember.atleast_3d(x[0]),
    "ravel": lambda x: x.ravel(),
}
# views that expand (stride 0) cannot be written through element by element
READ_ONLY = {"expand", "broadcast_to", "meshgrid"}


def _base():
    return ember.arange(24, dtype=ember.float32).reshape(2, 3, 4).clone()


@pytest.mark.parametrize("name", list(VIEWS))
def test_view_shares_storage_and_records_base(name):
    x = _base()
    v = VIEWS[name](x)
    assert v._base is x
    assert v._is_view


@pytest.mark.parametrize("name", list(VIEWS))
def test_view_sees_writes_to_base(name):
    x = _base()
    v = VIEWS[name](x)
    before = v.clone()
    x.mul_(2)
    assert bool((v == before * 2).all())
    x[...] = -1.0
    assert bool((v == -1.0).all())


@pytest.mark.parametrize("name", sorted(set(VIEWS) - READ_ONLY))
def test_base_sees_writes_through_view(name):
    x = _base()
    v = VIEWS[name](x)
    n_before = int((x == 100.0).sum())
    v.fill_(100.0)
    assert int((x == 100.0).sum()) == n_before + v.numel()
    x2 = _base()
    v2 = VIEWS[name](x2)
    v2.add_(1000)
    assert int((x2 >= 1000).sum()) == v2.numel()


@pytest.mark.parametrize("name", sorted(set(VIEWS) - READ_ONLY))
def test_setitem_through_view(name):
    x = _base()
    v = VIEWS[name](x)
    if v.ndim == 0:
        v[...] = 55.0
    else:
        v[0] = 55.0
    assert bool((x == 55.0).any())


@pytest.mark.parametrize("name", list(VIEWS))
def test_version_counter_is_shared(name):
    x = _base()
    v = VIEWS[name](x)
    v0, x0 = v._version, x._version
    assert v0 == x0
    x.add_(1)
    assert v._version == x._version == x0 + 1
    if name not in READ_ONLY:
        v.add_(1)
        assert x._version == v._version == x0 + 2


def test_view_of_view_points_at_root_base():
    x = _base()
    v = x[1].t()[1:]
    assert v._base is x
    v.zero_()
    assert float(x[1, :, 1:].abs().sum()) == 0.0


def test_views_that_are_copies_in_torch_are_copies():
    x = _base()
    for y in (x.flip(0), x.roll(1, 0), x.repeat(1, 1, 1), x[ember.tensor([0, 1])], x.tril(), ember.cat([x]),
              ember.stack([x]), x.diag_embed(), x[0].diag()):
        assert y._base is None
        y.add_(1)
    assert float(x.sum()) == float(_base().sum())


def test_reshape_copies_only_when_needed():
    x = _base()
    assert x.reshape(6, 4)._base is x
    y = x.transpose(0, 1).reshape(-1)
    assert y._base is not x
    with pytest.raises(RuntimeError, match="view size is not compatible"):
        x.transpose(0, 1).view(-1)


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_autograd_through_views(name):
    base = ember.arange(24, dtype=ember.float64).reshape(2, 3, 4).requires_grad_(True)
    x = base * 1
    v = VIEWS[name](x)
    if name == "detach":
        assert not v.requires_grad
        return
    w = ember.arange(v.numel(), dtype=ember.float64).reshape(tuple(v.shape)) + 1
    (v * w).sum().backward()
    # the same gradient, built by hand: d/dx sum(view(x) * w) puts w back where each view element came from
    probe = ember.zeros(2, 3, 4, dtype=ember.float64)
    flat = ember.arange(24, dtype=ember.float64).reshape(2, 3, 4)
    idx = VIEWS[name](flat).reshape(-1).long()
    expect = probe.reshape(-1).index_add(0, idx, w.reshape(-1)).reshape(2, 3, 4)
    assert bool((base.grad == expect).all()), name


def test_inplace_on_view_of_leaf_requiring_grad_raises():
    x = ember.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="view of a leaf Variable"):
        x[0:2].add_(1)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        x[0] = 2.0


def test_setitem_on_non_leaf_records_gradient():
    x = ember.ones(2, 3, requires_grad=True)
    v = ember.tensor([5.0, 6.0], requires_grad=True)
    y = x * 3
    y[:, 1] = v
    y[ember.tensor([0]), ember.tensor([2])] = 7.0
    assert y.grad_fn is not None
    y.sum().backward()
    assert x.grad.tolist() == [[3.0, 0.0, 0.0], [3.0, 0.0, 3.0]]
    assert v.grad.tolist() == [1.0, 1.0]


def test_setitem_into_buffer_without_grad_takes_value_gradient():
    w = ember.tensor([1.0, 2.0], requires_grad=True)
    buf = ember.zeros(3, 2)
    buf[1] = w * 2
    assert buf.requires_grad and not buf.is_leaf
    buf.sum().backward()
    assert w.grad.tolist() == [2.0, 2.0]


def test_index_results_do_not_pin_the_data_version():
    x = ember.ones(4, requires_grad=True)
    y = x * 2
    picked = y[ember.tensor([0, 2])]
    gathered = y.gather(0, ember.tensor([1, 1]))
    y.add_(1)  # index / gather backward needs only the indices
    (picked.sum() + gathered.sum()).backward()
    assert x.grad.tolist() == [2.0, 4.0, 2.0, 0.0]
