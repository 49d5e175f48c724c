"""OpInfos for ember/ops/rnn.py: the per-layer recurrences behind nn.RNN / LSTM / GRU (time-major
input projection ``xg``, initial state(s), recurrent weight, step mask with finished sequences).

The step mask is data, not differentiable (``grad_args`` leaves it out); gradgradcheck runs the
backward ops' decompositions (autograd through the forward decomposition).
"""
from __future__ import annotations

import numpy as np
from ember.testing.opinfo import FLOAT_DTYPES, ErrorInput, OpInfo, SampleInput

from ._samples import make_array

HALF_TOLS = {"float16": (1e-2, 1e-2), "bfloat16": (6e-2, 6e-2)}


def _sig(x):
    return 1 / (1 + np.exp(-x))


def _mask(T, B):
    """Sequences of decreasing lengths T, T-1, ...: step t of sequence b is real while t < T - b."""
    return np.array([[1.0 if t < T - b else 0.0 for b in range(B)] for t in range(T)]).reshape(T, B)


def _ref_rnn(xg, h0, w_hh, mask, relu=False):
    h, hs = h0, []
    for t in range(xg.shape[0]):
        a = xg[t] + h @ w_hh.T
        new = np.maximum(a, 0) if relu else np.tanh(a)
        m = mask[t][:, None]
        h = m * new + (1 - m) * h
        hs.append(h)
    return np.stack(hs) if hs else np.zeros((0,) + h0.shape)


def _ref_lstm(xg, h0, c0, w_hh, mask, w_hr=None):
    h, c, hs, cs = h0, c0, [], []
    for t in range(xg.shape[0]):
        i, f, g, o = np.split(xg[t] + h @ w_hh.T, 4, -1)
        cn = _sig(f) * c + _sig(i) * np.tanh(g)
        hn = _sig(o) * np.tanh(cn)
        if w_hr is not None:
            hn = hn @ w_hr.T
        m = mask[t][:, None]
        c, h = m * cn + (1 - m) * c, m * hn + (1 - m) * h
        hs.append(h)
        cs.append(c)
    if not hs:
        return np.zeros((0,) + h0.shape), np.zeros((0,) + c0.shape)
    return np.stack(hs), np.stack(cs)


def _ref_gru(xg, h0, w_hh, b_hh, mask):
    h, hs = h0, []
    for t in range(xg.shape[0]):
        xr, xz, xn = np.split(xg[t], 3, -1)
        hr, hz, hn = np.split(h @ w_hh.T + b_hh, 3, -1)
        r, z = _sig(xr + hr), _sig(xz + hz)
        n = np.tanh(xn + r * hn)
        m = mask[t][:, None]
        h = m * (n + z * (h - n)) + (1 - m) * h
        hs.append(h)
    return np.stack(hs) if hs else np.zeros((0,) + h0.shape)


def _rnn(xg, h0, w_hh, mask, relu=False):
    from ember.ops.rnn import rnn_layer
    return rnn_layer(xg, h0, w_hh, mask, relu)


def _lstm(xg, h0, c0, w_hh, mask, w_hr=None):
    from ember.ops.rnn import lstm_layer
    return lstm_layer(xg, h0, c0, w_hh, mask, w_hr)


def _gru(xg, h0, w_hh, b_hh, mask):
    from ember.ops.rnn import gru_layer
    return gru_layer(xg, h0, w_hh, b_hh, mask)


def _arr(dtype, rng, *shape):
    return make_array(shape, dtype, rng, -1.0, 1.0)


def _m(dtype, T, B):
    return _mask(T, B).astype(make_array((1,), dtype, np.random.default_rng(0)).dtype)


def _rnn_samples(dtype, rng):
    for T, B, H, relu in ((4, 3, 3, False), (3, 2, 2, True), (1, 1, 4, False), (0, 2, 3, False)):
        yield SampleInput(_arr(dtype, rng, T, B, H), _arr(dtype, rng, B, H), _arr(dtype, rng, H, H), _m(dtype, T, B),
                          relu, grad_args=(0, 1, 2), name=f"T={T} B={B} H={H} relu={relu}")


def _lstm_samples(dtype, rng):
    for T, B, H, P in ((3, 2, 2, 0), (2, 2, 3, 2), (1, 2, 2, 0), (0, 2, 2, 0)):
        hp = P or H
        args = [_arr(dtype, rng, T, B, 4 * H), _arr(dtype, rng, B, hp), _arr(dtype, rng, B, H),
                _arr(dtype, rng, 4 * H, hp), _m(dtype, T, B)]
        grad = (0, 1, 2, 3)
        if P:
            args.append(_arr(dtype, rng, P, H))
            grad = grad + (5,)
        yield SampleInput(*args, grad_args=grad, name=f"T={T} B={B} H={H} proj={P}")


def _gru_samples(dtype, rng):
    for T, B, H in ((3, 2, 2), (2, 1, 2), (0, 2, 2)):
        yield SampleInput(_arr(dtype, rng, T, B, 3 * H), _arr(dtype, rng, B, H), _arr(dtype, rng, 3 * H, H),
                          _arr(dtype, rng, 3 * H), _m(dtype, T, B), grad_args=(0, 1, 2, 3), name=f"T={T} B={B} H={H}")


def _errors():
    yield ErrorInput(SampleInput(np.zeros((2, 3, 4), np.float32), np.zeros((3, 5), np.float32),
                                 np.zeros((5, 5), np.float32), np.ones((2, 3), np.float32)),
                     RuntimeError, r"rnn_layer\(\): expected xg of shape \[2, 3, 5\], got \[2, 3, 4\]")
    yield ErrorInput(SampleInput(np.zeros((2, 3, 4), np.float32), np.zeros((3, 4), np.float32),
                                 np.zeros((4, 4), np.float32), np.ones((2, 3), np.float64)),
                     RuntimeError, "expected mask of dtype")



def _lstm_errors():
    f = np.float32
    yield ErrorInput(SampleInput(np.zeros((2, 3, 8), f), np.zeros((3, 2), f), np.zeros((3, 2), f), np.zeros((8, 2), f),
                                 np.ones((2, 3), f), np.zeros((2, 3), f)),
                     RuntimeError, r"lstm_layer\(\): expected w_hr of shape \[2, 2\]")


OP_DB = [
    OpInfo("rnn_layer", _rnn, _ref_rnn, _rnn_samples, dtypes=FLOAT_DTYPES, gradgrad=True, tols=HALF_TOLS,
           error_inputs=_errors),
    OpInfo("lstm_layer", _lstm, _ref_lstm, _lstm_samples, dtypes=FLOAT_DTYPES, gradgrad=True, tols=HALF_TOLS,
           error_inputs=_lstm_errors),
    OpInfo("gru_layer", _gru, _ref_gru, _gru_samples, dtypes=FLOAT_DTYPES, gradgrad=True, tols=HALF_TOLS),
]
