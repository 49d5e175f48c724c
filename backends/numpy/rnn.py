"""NumPy kernels for ember/ops/rnn.py, generic over the array module ``xp``: the time loop of one
recurrent layer (forward) and its backpropagation through time (backward).

Per step only the recurrent matmul runs; weight gradients are one matmul over all steps at the end.
float16/bfloat16 compute in float32, as PyTorch does on CPU.
"""
from __future__ import annotations

import numpy as np

from ._dtypes import HALF
from .elementwise import quiet


def kernels(xp):
    def _ct(dt):
        return np.dtype(np.float32) if dt in HALF else dt

    def _up(ct, *arrays):
        return [a.astype(ct, copy=False) for a in arrays]

    def _down(dt, *arrays):
        return tuple(xp.ascontiguousarray(a).astype(dt, copy=False) for a in arrays)

    def _sigmoid(x, out=None):
        # 1 / (1 + exp(-x)), quiet on overflow (exp(-x) = inf gives 0)
        out = xp.negative(x, out=out)
        xp.exp(out, out=out)
        out += 1
        return xp.reciprocal(out, out=out)

    def _sigmoid_tanh(x):
        """In-place sigmoid as 0.5 * tanh(x / 2) + 0.5 (no overflow, cheaper than exp + reciprocal)."""
        x *= 0.5
        xp.tanh(x, out=x)
        x *= 0.5
        x += 0.5
        return x

    def _select(m, new, old):
        return m * new + (1 - m) * old

    def _wgrad(dg, prev):
        """sum_t dg[t]^T @ prev[t] as one matmul."""
        return xp.matmul(dg.reshape(-1, dg.shape[-1]).T, prev.reshape(-1, prev.shape[-1]))

    def _prev(h0, hs):
        """The state entering each step: h0, hs[0], ..., hs[T-2]."""
        return xp.concatenate([h0[None], hs], 0)[:hs.shape[0]]

    # --- plain RNN ------------------------------------------------------------------------------
    def rnn_layer(xg, h0, w_hh, mask, relu):
        dt = xg.dtype
        ct = _ct(dt)
        xg, h0, w_hh, mask = _up(ct, xg, h0, w_hh, mask)

        def run():
            T = xg.shape[0]
            hs = xp.empty((T,) + h0.shape, dtype=ct)
            h, whT = h0, w_hh.T
            for t in range(T):
                a = xg[t] + h @ whT
                new = xp.maximum(a, 0, out=a) if relu else xp.tanh(a, out=a)
                h = hs[t] = _select(mask[t][:, None], new, h)
            return hs
        return _down(dt, quiet(run))[0]

    def rnn_layer_backward(ghs, xg, h0, w_hh, mask, hs, relu):
        dt = xg.dtype
        ct = _ct(dt)
        ghs, h0, w_hh, mask, hs = _up(ct, ghs, h0, w_hh, mask, hs)

        def run():
            T = hs.shape[0]
            gx = xp.empty(hs.shape, dtype=ct)
            dh = xp.zeros(h0.shape, dtype=ct)
            for t in range(T - 1, -1, -1):
                m = mask[t][:, None]
                dh = dh + ghs[t]
                h = hs[t]
                da = m * dh * ((h > 0) if relu else (1 - h * h))
                gx[t] = da
                dh = da @ w_hh + (1 - m) * dh
            return gx, dh, _wgrad(gx, _prev(h0, hs))
        return _down(dt, *quiet(run))

    # --- LSTM -----------------------------------------------------------------------------------
    def lstm_layer(xg, h0, c0, w_hh, mask, *rest):
        proj = rest[-1]
        dt = xg.dtype
        ct = _ct(dt)
        xg, h0, c0, w_hh, mask = _up(ct, xg, h0, c0, w_hh, mask)
        w_hr = _up(ct, rest[0])[0] if proj else None

        def run():
            T, B = xg.shape[:2]
            H = c0.shape[-1]
            full = bool(mask.all())  # no padded steps: the state select is the identity
            hs = xp.empty((T,) + h0.shape, dtype=ct)
            cs = xp.empty((T,) + c0.shape, dtype=ct)
            acts = xp.empty((T, B, 4 * H), dtype=ct)
            tmp = xp.empty((B, H), dtype=ct)
            h, c, whT = h0, c0, w_hh.T
            for t in range(T):
                a = acts[t]
                xp.matmul(h, whT, out=a)
                a += xg[t]
                _sigmoid_tanh(a[:, :2 * H])
                xp.tanh(a[:, 2 * H:3 * H], out=a[:, 2 * H:3 * H])
                _sigmoid_tanh(a[:, 3 * H:])
                i, f, g, o = a[:, :H], a[:, H:2 * H], a[:, 2 * H:3 * H], a[:, 3 * H:]
                cn = cs[t] if full else xp.empty((B, H), dtype=ct)
                xp.multiply(f, c, out=cn)
                cn += xp.multiply(i, g, out=tmp)
                if w_hr is None and full:
                    hn = hs[t]
                    xp.multiply(o, xp.tanh(cn, out=hn), out=hn)
                else:
                    hn = xp.multiply(o, xp.tanh(cn, out=tmp), out=tmp)
                    if w_hr is not None:
                        hn = hn @ w_hr.T
                if full:
                    if w_hr is not None:
                        hs[t] = hn
                    c, h = cn, hs[t]
                else:
                    m = mask[t][:, None]
                    c = cs[t] = _select(m, cn, c)
                    h = hs[t] = _select(m, hn, h)
            return hs, cs, acts
        return _down(dt, *quiet(run))

    def lstm_layer_backward(ghs, gcs, xg, h0, c0, w_hh, mask, hs, cs, acts, *rest):
        proj = rest[-1]
        dt = xg.dtype
        ct = _ct(dt)
        ghs, gcs, h0, c0, w_hh, mask, hs, cs, acts = _up(ct, ghs, gcs, h0, c0, w_hh, mask, hs, cs, acts)
        w_hr = _up(ct, rest[0])[0] if proj else None

        def run():
            T, B = hs.shape[:2]
            H = c0.shape[-1]
            full = bool(mask.all())
            gx = xp.empty(acts.shape, dtype=ct)
            dhn_all = xp.empty(hs.shape, dtype=ct) if proj else None
            dh = xp.zeros(h0.shape, dtype=ct)
            dc = xp.zeros(c0.shape, dtype=ct)
            tcs = xp.tanh(cs)
            dcn = xp.empty((B, H), dtype=ct)
            s = xp.empty((B, H), dtype=ct)
            for t in range(T - 1, -1, -1):
                dh += ghs[t]
                dc += gcs[t]
                a = acts[t]
                i, f, g, o = a[:, :H], a[:, H:2 * H], a[:, 2 * H:3 * H], a[:, 3 * H:]
                c_prev = cs[t - 1] if t > 0 else c0
                tc = tcs[t]
                if full:
                    dhn = dh
                else:
                    m = mask[t][:, None]
                    dhn = m * dh
                if proj:
                    dhn_all[t] = dhn
                    dr = dhn @ w_hr
                else:
                    dr = dhn
                # dcn = m * dc + dr * o * (1 - tc * tc)
                xp.multiply(dr, o, out=dcn)
                xp.multiply(tc, tc, out=s)
                xp.subtract(1, s, out=s)
                dcn *= s
                dcn += dc if full else m * dc
                d = gx[t]
                # the gate gradients: (dcn * x) * (y * (1 - y)) for the sigmoid gates, (dcn * i) * (1 - g * g)
                xp.multiply(dcn, g, out=d[:, :H])
                xp.subtract(1, i, out=s)
                d[:, :H] *= xp.multiply(i, s, out=s)
                xp.multiply(dcn, c_prev, out=d[:, H:2 * H])
                xp.subtract(1, f, out=s)
                d[:, H:2 * H] *= xp.multiply(f, s, out=s)
                xp.multiply(dcn, i, out=d[:, 2 * H:3 * H])
                xp.multiply(g, g, out=s)
                d[:, 2 * H:3 * H] *= xp.subtract(1, s, out=s)
                xp.multiply(dr, tc, out=d[:, 3 * H:])
                xp.subtract(1, o, out=s)
                d[:, 3 * H:] *= xp.multiply(o, s, out=s)
                if full:
                    xp.multiply(dcn, f, out=dc)
                    xp.matmul(d, w_hh, out=dh)
                else:
                    dc = dcn * f + (1 - m) * dc
                    dh = d @ w_hh + (1 - m) * dh
            gw = _wgrad(gx, _prev(h0, hs))
            if proj:
                r = acts[..., 3 * H:] * tcs
                gwr = _wgrad(dhn_all, r)
            else:
                gwr = xp.zeros((0,), dtype=ct)
            return gx, dh, dc, gw, gwr
        return _down(dt, *quiet(run))

    # --- GRU ------------------------------------------------------------------------------------
    def gru_layer(xg, h0, w_hh, b_hh, mask):
        dt = xg.dtype
        ct = _ct(dt)
        xg, h0, w_hh, b_hh, mask = _up(ct, xg, h0, w_hh, b_hh, mask)

        def run():
            T, B = xg.shape[:2]
            H = h0.shape[-1]
            hs = xp.empty((T,) + h0.shape, dtype=ct)
            acts = xp.empty((T, B, 4 * H), dtype=ct)
            h, whT = h0, w_hh.T
            for t in range(T):
                m = mask[t][:, None]
                hg = h @ whT
                hg += b_hh
                x = xg[t]
                a = acts[t]
                xp.add(x[:, :2 * H], hg[:, :2 * H], out=a[:, :2 * H])
                _sigmoid(a[:, :2 * H], out=a[:, :2 * H])
                r, z = a[:, :H], a[:, H:2 * H]
                a[:, 3 * H:] = hg[:, 2 * H:]
                n = a[:, 2 * H:3 * H]
                xp.tanh(x[:, 2 * H:] + r * hg[:, 2 * H:], out=n)
                h = hs[t] = _select(m, n + z * (h - n), h)
            return hs, acts
        return _down(dt, *quiet(run))

    def gru_layer_backward(ghs, xg, h0, w_hh, b_hh, mask, hs, acts):
        dt = xg.dtype
        ct = _ct(dt)
        ghs, h0, w_hh, mask, hs, acts = _up(ct, ghs, h0, w_hh, mask, hs, acts)

        def run():
            T, B = hs.shape[:2]
            H = h0.shape[-1]
            gx = xp.empty((T, B, 3 * H), dtype=ct)
            ghg = xp.empty((T, B, 3 * H), dtype=ct)
            dh = xp.zeros(h0.shape, dtype=ct)
            for t in range(T - 1, -1, -1):
                m = mask[t][:, None]
                dh = dh + ghs[t]
                a = acts[t]
                r, z, n, hn = a[:, :H], a[:, H:2 * H], a[:, 2 * H:3 * H], a[:, 3 * H:]
                h_prev = hs[t - 1] if t > 0 else h0
                dhn = m * dh
                dN = dhn * (1 - z) * (1 - n * n)
                d, e = gx[t], ghg[t]
                xp.multiply(dN * hn, r * (1 - r), out=d[:, :H])
                xp.multiply(dhn * (h_prev - n), z * (1 - z), out=d[:, H:2 * H])
                d[:, 2 * H:] = dN
                e[:, :2 * H] = d[:, :2 * H]
                xp.multiply(dN, r, out=e[:, 2 * H:])
                dh = e @ w_hh + dhn * z + (1 - m) * dh
            return gx, dh, _wgrad(ghg, _prev(h0, hs)), ghg.sum(axis=(0, 1))
        return _down(dt, *quiet(run))

    return {
        "rnn_layer": rnn_layer, "rnn_layer_backward": rnn_layer_backward,
        "lstm_layer": lstm_layer, "lstm_layer_backward": lstm_layer_backward,
        "gru_layer": gru_layer, "gru_layer_backward": gru_layer_backward,
    }


KERNELS = kernels(np)
