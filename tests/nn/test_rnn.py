"""nn.RNN / LSTM / GRU and the cells against PyTorch: identical parameters (copied through state_dict),
then outputs, final states, input and parameter gradients; packed sequences; errors; repr."""
from __future__ import annotations

import math
import warnings

import ember
import ember.nn as enn
import numpy as np
import pytest
import torch
from ember.nn.utils.rnn import pack_padded_sequence as e_pack
from torch.nn.utils.rnn import pack_padded_sequence as t_pack

TOL = {"float32": dict(rtol=1e-4, atol=1e-5), "float64": dict(rtol=1e-10, atol=1e-12)}


def _pair(name, *args, dtype="float64", **kwargs):
    """The same layer in torch and ember, with torch's parameters copied into ember's."""
    torch.manual_seed(0)
    t = getattr(torch.nn, name)(*args, **kwargs).to(getattr(torch, dtype))
    e = getattr(enn, name)(*args, **kwargs).to(getattr(ember, dtype))
    assert list(e.state_dict()) == list(t.state_dict())
    e.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})
    return t, e


def _close(a, b, dtype):
    a = a.detach().numpy() if isinstance(a, ember.Tensor) else a
    b = b.detach().numpy() if isinstance(b, torch.Tensor) else b
    np.testing.assert_allclose(a, b, **TOL[dtype])


def _states(h):
    return h if isinstance(h, tuple) else (h,)


def _loss(out, h):
    data = out.data if hasattr(out, "batch_sizes") else out
    return (data * data).sum() + sum((s * s * 0.5).sum() for s in _states(h))


def _compare(t, e, x, dtype, hx=None, packed=None):
    """Forward + backward through both; compares output, states, input grad and every parameter grad."""
    tx = torch.tensor(x, requires_grad=True)
    ex = ember.tensor(x, requires_grad=True)
    th = eh = None
    if hx is not None:
        th = tuple(torch.tensor(h, requires_grad=True) for h in hx)
        eh = tuple(ember.tensor(h, requires_grad=True) for h in hx)
    tin, ein = tx, ex
    if packed is not None:
        lengths, batch_first = packed
        tin = t_pack(tx, lengths, batch_first=batch_first, enforce_sorted=False)
        ein = e_pack(ex, lengths, batch_first=batch_first, enforce_sorted=False)
    targ = None if th is None else (th if len(th) > 1 else th[0])
    earg = None if eh is None else (eh if len(eh) > 1 else eh[0])
    tout, tst = t(tin, targ)
    eout, est = e(ein, earg)
    if packed is not None:
        assert eout.batch_sizes.tolist() == tout.batch_sizes.tolist()
        _close(eout.data, tout.data, dtype)
    else:
        assert tuple(eout.shape) == tuple(tout.shape)
        _close(eout, tout, dtype)
    for a, b in zip(_states(est), _states(tst)):
        assert tuple(a.shape) == tuple(b.shape)
        _close(a, b, dtype)
    _loss(tout, tst).backward()
    _loss(eout, est).backward()
    _close(ex.grad, tx.grad, dtype)
    if th is not None:
        for a, b in zip(eh, th):
            _close(a.grad, b.grad, dtype)
    for (n, p), (m, q) in zip(e.named_parameters(), t.named_parameters()):
        assert n == m
        _close(p.grad, q.grad, dtype)


CONFIGS = [
    ("RNN", {}),
    ("RNN", dict(nonlinearity="relu", num_layers=2, bidirectional=True)),
    ("RNN", dict(bias=False, batch_first=True)),
    ("LSTM", {}),
    ("LSTM", dict(num_layers=2, bidirectional=True, batch_first=True)),
    ("LSTM", dict(proj_size=3, num_layers=2)),
    ("LSTM", dict(proj_size=2, bidirectional=True, bias=False)),
    ("GRU", {}),
    ("GRU", dict(num_layers=2, bidirectional=True)),
    ("GRU", dict(bias=False, batch_first=True)),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name,kw", CONFIGS, ids=[f"{n}-{k}" for n, k in CONFIGS])
def test_matches_torch(name, kw, dtype):
    t, e = _pair(name, 3, 5, dtype=dtype, **kw)
    rng = np.random.default_rng(1)
    T, B = 6, 4
    shape = (B, T, 3) if kw.get("batch_first") else (T, B, 3)
    x = rng.standard_normal(shape).astype(dtype)
    _compare(t, e, x, dtype)


@pytest.mark.parametrize("name,kw", CONFIGS, ids=[f"{n}-{k}" for n, k in CONFIGS])
def test_initial_states(name, kw):
    t, e = _pair(name, 3, 5, **kw)
    rng = np.random.default_rng(2)
    D = (2 if kw.get("bidirectional") else 1) * kw.get("num_layers", 1)
    B = 2
    x = rng.standard_normal((B, 4, 3) if kw.get("batch_first") else (4, B, 3))
    hx = [rng.standard_normal((D, B, kw.get("proj_size") or 5))]
    if name == "LSTM":
        hx.append(rng.standard_normal((D, B, 5)))
    _compare(t, e, x, "float64", hx=hx)


@pytest.mark.parametrize("name,kw", CONFIGS, ids=[f"{n}-{k}" for n, k in CONFIGS])
def test_packed_sequences(name, kw):
    t, e = _pair(name, 3, 5, **kw)
    rng = np.random.default_rng(3)
    bf = kw.get("batch_first", False)
    lengths = [3, 6, 1, 6, 4]
    x = rng.standard_normal((5, 6, 3) if bf else (6, 5, 3))
    _compare(t, e, x, "float64", packed=(lengths, bf))


@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
def test_packed_with_initial_states(name):
    t, e = _pair(name, 2, 3, num_layers=2, bidirectional=True)
    rng = np.random.default_rng(4)
    hx = [rng.standard_normal((4, 3, 3))] * (2 if name == "LSTM" else 1)
    _compare(t, e, rng.standard_normal((5, 3, 2)), "float64", hx=hx, packed=([2, 5, 4], False))


@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
def test_unbatched_input(name):
    t, e = _pair(name, 3, 4, num_layers=2)
    x = np.random.default_rng(5).standard_normal((6, 3))
    tout, th = t(torch.tensor(x))
    eout, eh = e(ember.tensor(x))
    _close(eout, tout, "float64")
    for a, b in zip(_states(eh), _states(th)):
        assert tuple(a.shape) == tuple(b.shape)
        _close(a, b, "float64")


@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
def test_dropout_between_layers(name):
    # dropout=1 zeroes the second layer's input: deterministic, so it can be compared with torch
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t, e = _pair(name, 3, 4, num_layers=2, dropout=1.0)
    x = np.random.default_rng(6).standard_normal((5, 2, 3))
    _compare(t.train(), e.train(), x, "float64")
    t.eval(), e.eval()
    _close(e(ember.tensor(x))[0], t(torch.tensor(x))[0], "float64")


def test_parameter_names_shapes_and_init():
    t = torch.nn.LSTM(3, 6, num_layers=2, bidirectional=True, proj_size=2)
    e = enn.LSTM(3, 6, num_layers=2, bidirectional=True, proj_size=2)
    assert [(n, tuple(p.shape)) for n, p in e.named_parameters()] == \
        [(n, tuple(p.shape)) for n, p in t.named_parameters()]
    bound = 1 / math.sqrt(6)
    for p in e.parameters():
        a = p.detach().numpy()
        assert a.dtype == np.float32
        assert np.all(np.abs(a) <= bound) and a.std() > bound / 4
    assert [[tuple(w.shape) for w in ws] for ws in e.all_weights] == \
        [[tuple(w.shape) for w in ws] for ws in t.all_weights]


@pytest.mark.parametrize("name,args,kw", [
    ("RNN", (3, 4), dict(nonlinearity="relu", num_layers=2, dropout=0.5)),
    ("LSTM", (3, 4), dict(proj_size=2, bias=False, batch_first=True, bidirectional=True)),
    ("GRU", (3, 4), {}),
    ("RNNCell", (3, 4), dict(nonlinearity="relu")),
    ("LSTMCell", (3, 4), dict(bias=False)),
    ("GRUCell", (3, 4), {}),
])
def test_repr(name, args, kw):
    assert repr(getattr(enn, name)(*args, **kw)) == repr(getattr(torch.nn, name)(*args, **kw))


@pytest.mark.parametrize("name,kw", [("RNNCell", {}), ("RNNCell", dict(nonlinearity="relu")), ("LSTMCell", {}),
                                     ("GRUCell", {}), ("GRUCell", dict(bias=False)), ("LSTMCell", dict(bias=False))])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_cells(name, kw, dtype):
    t, e = _pair(name, 3, 4, dtype=dtype, **kw)
    rng = np.random.default_rng(7)
    x = rng.standard_normal((5, 3)).astype(dtype)
    hs = [rng.standard_normal((5, 4)).astype(dtype) for _ in range(2 if name == "LSTMCell" else 1)]
    for with_h in (False, True):
        tx, ex = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
        th = tuple(torch.tensor(h, requires_grad=True) for h in hs)
        eh = tuple(ember.tensor(h, requires_grad=True) for h in hs)
        targ = (th if len(th) > 1 else th[0]) if with_h else None
        earg = (eh if len(eh) > 1 else eh[0]) if with_h else None
        tout, eout = _states(t(tx, targ)), _states(e(ex, earg))
        for a, b in zip(eout, tout):
            _close(a, b, dtype)
        sum((o * o).sum() for o in tout).backward()
        sum((o * o).sum() for o in eout).backward()
        _close(ex.grad, tx.grad, dtype)
        if with_h:
            for a, b in zip(eh, th):
                _close(a.grad, b.grad, dtype)
        for p, q in zip(e.parameters(), t.parameters()):
            _close(p.grad, q.grad, dtype)
        e.zero_grad(), t.zero_grad()
    # unbatched
    _close(_states(e(ember.tensor(x[0])))[0], _states(t(torch.tensor(x[0])))[0], dtype)


def test_double_backward_through_lstm():
    e = enn.LSTM(2, 3, proj_size=1).double()
    x = ember.randn(3, 2, 2, dtype=ember.float64, requires_grad=True)
    assert ember.autograd.gradcheck(lambda x: e(x)[0], (x,))
    assert ember.autograd.gradgradcheck(lambda x: e(x)[1][1], (x,))


def test_float32_kernel_keeps_dtype():
    e = enn.GRU(3, 4)
    out, h = e(ember.randn(5, 2, 3))
    assert out.dtype is ember.float32 and h.dtype is ember.float32


@pytest.mark.parametrize("call,exc,match", [
    (lambda: enn.LSTM(3, 4)(ember.randn(5, 2, 6)), RuntimeError,
     r"input.size\(-1\) must be equal to input_size. Expected 3, got 6"),
    (lambda: enn.LSTM(3, 4)(ember.randn(2, 5, 2, 3)), ValueError, "LSTM: Expected input to be 2D or 3D, got 4D"),
    (lambda: enn.GRU(3, 4)(ember.randn(5, 2, 3), ember.randn(2, 2, 4)), RuntimeError,
     r"Expected hidden size \(1, 2, 4\), got \[2, 2, 4\]"),
    (lambda: enn.LSTM(3, 4)(ember.randn(5, 2, 3), (ember.randn(1, 2, 4), ember.randn(1, 2, 5))), RuntimeError,
     r"Expected hidden\[1\] size \(1, 2, 4\), got \[1, 2, 5\]"),
    (lambda: enn.RNN(3, 4)(ember.randn(5, 2, 3, dtype=ember.float64)), ValueError,
     "input dtype .* does not match weight dtype"),
    (lambda: enn.RNN(3, 4)(ember.randn(5, 2, 3), ember.randn(2, 4)), RuntimeError,
     "For batched 3-D input, hx should also be 3-D but got 2-D tensor"),
    (lambda: enn.GRU(3, 4, proj_size=2), ValueError, "proj_size argument is only supported for LSTM"),
    (lambda: enn.RNN(3, 4, nonlinearity="gelu"), ValueError, "Unknown nonlinearity 'gelu'"),
    (lambda: enn.LSTM(3, 4, proj_size=4), ValueError, "proj_size has to be smaller than hidden_size"),
    (lambda: enn.LSTM(3, 0), ValueError, "hidden_size must be greater than zero"),
    (lambda: enn.LSTM(3, 4, num_layers=0), ValueError, "num_layers must be greater than zero"),
    (lambda: enn.LSTM(3, 4, dropout=1.5), ValueError, "dropout should be a number in range"),
    (lambda: enn.LSTM(3, 2.5), TypeError, "hidden_size should be of type int"),
    (lambda: enn.GRUCell(3, 4)(ember.randn(2, 5)), RuntimeError, "input has inconsistent input_size: got 5 expected 3"),
    (lambda: enn.GRUCell(3, 4)(ember.randn(2, 2, 3)), ValueError, "GRUCell: Expected input to be 1D or 2D, got 3D"),
    (lambda: enn.GRUCell(3, 4)(ember.randn(2, 3), ember.randn(3, 4)), RuntimeError,
     "Input batch size 2 doesn't match hidden0 batch size 3"),
])
def test_errors(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_dropout_warning_single_layer():
    with pytest.warns(UserWarning, match="dropout option adds dropout after all but last recurrent layer"):
        enn.GRU(3, 4, dropout=0.2)
