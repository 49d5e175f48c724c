"""Native LSTM and GRU layer kernels (mirrors ember/ops/rnn.py): the time loop stays in Python, each
step is one NumPy GEMM (BLAS) plus one fused C pass over the gates and the state (csrc/nn_rnn.c).

float32 LSTMs without projection and float32 GRUs run natively.  Everything else falls back to the
NumPy backend's kernels: float64 (libm's scalar tanh would lose to NumPy's vectorised one), LSTM
projections, plain RNN layers.
"""
from __future__ import annotations

import numpy as np

from ember_numpy.rnn import KERNELS as NP

F32 = np.dtype(np.float32)


def kernels(lib, ffi):
    def base(a):
        return ffi.cast("float *", a.ctypes.data)

    def native(xg, h0, c0, w_hh, mask, proj):
        if proj or xg.ndim != 3 or any(a.dtype != F32 for a in (xg, h0, c0, w_hh)):
            return False
        t, b, h4 = xg.shape
        h = h4 // 4
        return (h4 == 4 * h and h0.shape == (b, h) and c0.shape == (b, h) and w_hh.shape == (4 * h, h)
                and mask.shape == (t, b))

    def lstm_layer(xg, h0, c0, w_hh, mask, *rest):
        if not native(xg, h0, c0, w_hh, mask, rest[-1]):
            return NP["lstm_layer"](xg, h0, c0, w_hh, mask, *rest)
        t_len, b, h4 = xg.shape
        h = h4 // 4
        xg, h0, c0 = (np.ascontiguousarray(a) for a in (xg, h0, c0))
        m = np.ascontiguousarray(mask, dtype=F32)
        full = bool(m.all())
        hs, cs = np.empty((t_len, b, h), F32), np.empty((t_len, b, h), F32)
        acts = np.empty((t_len, b, h4), F32)
        p_xg, p_acts, p_hs, p_cs, p_m = base(xg), base(acts), base(hs), base(cs), base(m)
        step, gates = b * h, b * h4
        whT = w_hh.T
        hp, cp = base(h0), base(c0)
        hcur = h0
        for t in range(t_len):
            np.matmul(hcur, whT, out=acts[t])
            lib.ec_lstm_step_f32(p_acts + t * gates, p_xg + t * gates, cp, hp, ffi.NULL if full else p_m + t * b,
                                 p_cs + t * step, p_hs + t * step, b, h)
            hcur = hs[t]
            hp, cp = p_hs + t * step, p_cs + t * step
        return hs, cs, acts

    def lstm_layer_backward(ghs, gcs, xg, h0, c0, w_hh, mask, hs, cs, acts, *rest):
        if (not native(xg, h0, c0, w_hh, mask, rest[-1]) or any(a.dtype != F32 for a in (ghs, gcs, hs, cs, acts))
                or ghs.shape != hs.shape or gcs.shape != cs.shape or acts.shape != xg.shape):
            return NP["lstm_layer_backward"](ghs, gcs, xg, h0, c0, w_hh, mask, hs, cs, acts, *rest)
        t_len, b, h4 = xg.shape
        h = h4 // 4
        ghs, gcs, h0, c0, hs, cs, acts = (np.ascontiguousarray(a) for a in (ghs, gcs, h0, c0, hs, cs, acts))
        w_hh = np.ascontiguousarray(w_hh)
        m = np.ascontiguousarray(mask, dtype=F32)
        full = bool(m.all())
        gx = np.empty((t_len, b, h4), F32)
        dh, dc = np.zeros((b, h), F32), np.zeros((b, h), F32)
        p_ghs, p_gcs, p_acts, p_cs, p_gx, p_m = base(ghs), base(gcs), base(acts), base(cs), base(gx), base(m)
        p_dh, p_dc, p_c0 = base(dh), base(dc), base(c0)
        step, gates = b * h, b * h4
        for t in range(t_len - 1, -1, -1):
            c_prev = p_cs + (t - 1) * step if t > 0 else p_c0
            lib.ec_lstm_step_backward_f32(p_ghs + t * step, p_gcs + t * step, p_acts + t * gates, c_prev,
                                          p_cs + t * step, ffi.NULL if full else p_m + t * b, p_dh, p_dc,
                                          p_gx + t * gates, b, h)
            if full:
                np.matmul(gx[t], w_hh, out=dh)
            else:
                dh += gx[t] @ w_hh  # the C step left (1 - mask) * dh for the padded rows
        prev = np.concatenate([h0[None], hs], 0)[:t_len]  # the state entering each step
        gw = np.matmul(gx.reshape(-1, h4).T, prev.reshape(-1, h))
        return gx, dh, dc, gw, np.zeros((0,), F32)

    def gru_native(xg, h0, w_hh, b_hh, mask):
        if xg.ndim != 3 or any(a.dtype != F32 for a in (xg, h0, w_hh, b_hh)):
            return False
        t, b, h3 = xg.shape
        h = h3 // 3
        return (h3 == 3 * h and h0.shape == (b, h) and w_hh.shape == (3 * h, h) and b_hh.size == 3 * h
                and mask.shape == (t, b))

    def gru_layer(xg, h0, w_hh, b_hh, mask):
        if not gru_native(xg, h0, w_hh, b_hh, mask):
            return NP["gru_layer"](xg, h0, w_hh, b_hh, mask)
        t_len, b, h3 = xg.shape
        h = h3 // 3
        xg, h0, b_hh = np.ascontiguousarray(xg), np.ascontiguousarray(h0), np.ascontiguousarray(b_hh).reshape(-1)
        m = np.ascontiguousarray(mask, dtype=F32)
        full = bool(m.all())
        hs, acts, hg = np.empty((t_len, b, h), F32), np.empty((t_len, b, 4 * h), F32), np.empty((b, h3), F32)
        p_xg, p_acts, p_hs, p_m, p_hg, p_b = base(xg), base(acts), base(hs), base(m), base(hg), base(b_hh)
        whT = w_hh.T
        hcur, hp = h0, base(h0)
        for t in range(t_len):
            np.matmul(hcur, whT, out=hg)
            lib.ec_gru_step_f32(p_hg, p_b, p_xg + t * b * h3, hp, ffi.NULL if full else p_m + t * b,
                                p_acts + t * b * 4 * h, p_hs + t * b * h, b, h)
            hcur, hp = hs[t], p_hs + t * b * h
        return hs, acts

    def gru_layer_backward(ghs, xg, h0, w_hh, b_hh, mask, hs, acts):
        if (not gru_native(xg, h0, w_hh, b_hh, mask) or any(a.dtype != F32 for a in (ghs, hs, acts))
                or ghs.shape != hs.shape or acts.shape != hs.shape[:2] + (4 * hs.shape[2],)):
            return NP["gru_layer_backward"](ghs, xg, h0, w_hh, b_hh, mask, hs, acts)
        t_len, b, h3 = xg.shape
        h = h3 // 3
        ghs, h0, hs, acts = (np.ascontiguousarray(a) for a in (ghs, h0, hs, acts))
        w_hh = np.ascontiguousarray(w_hh)
        m = np.ascontiguousarray(mask, dtype=F32)
        full = bool(m.all())
        gx, ghg = np.empty((t_len, b, h3), F32), np.empty((t_len, b, h3), F32)
        dh = np.zeros((b, h), F32)
        p_ghs, p_acts, p_hs, p_m, p_gx, p_ghg = base(ghs), base(acts), base(hs), base(m), base(gx), base(ghg)
        p_dh, p_h0 = base(dh), base(h0)
        for t in range(t_len - 1, -1, -1):
            h_prev = p_hs + (t - 1) * b * h if t > 0 else p_h0
            lib.ec_gru_step_backward_f32(p_ghs + t * b * h, p_acts + t * b * 4 * h, h_prev,
                                         ffi.NULL if full else p_m + t * b, p_dh, p_gx + t * b * h3,
                                         p_ghg + t * b * h3, b, h)
            dh += ghg[t] @ w_hh  # the C step left dhn * z + (1 - mask) * dh in dh
        prev = np.concatenate([h0[None], hs], 0)[:t_len]
        gw = np.matmul(ghg.reshape(-1, h3).T, prev.reshape(-1, h))
        return gx, dh, gw, ghg.sum(axis=(0, 1))

    return {"lstm_layer": lstm_layer, "lstm_layer_backward": lstm_layer_backward,
            "gru_layer": gru_layer, "gru_layer_backward": gru_layer_backward}
