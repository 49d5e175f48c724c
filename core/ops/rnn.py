"""Recurrent layers as ops: one call runs the whole time loop of one layer in one direction.

The input projection ``x @ W_ih^T + b`` of every time step is computed by the caller with one matmul;
these ops take it (``xg``, time-major ``(T, B, G)``) and run only the recurrence, so a backend can fuse
the loop (the NumPy kernels do).  ``mask`` ``(T, B)`` (1 = step is real, 0 = padding of a shorter
sequence) freezes the state of finished sequences, which is how packed sequences are run.

- ``rnn_layer(xg, h0, w_hh, mask, relu)``: h = act(xg_t + h @ w_hh^T); returns the states ``hs``.
- ``lstm_layer(xg, h0, c0, w_hh, mask[, w_hr])``: gates i, f, g, o (PyTorch's order), optional projection
  ``h = (o * tanh(c)) @ w_hr^T``; returns ``(hs, cs, acts)``, acts = the activated gates (saved for backward; gradients into them are ignored).
- ``gru_layer(xg, h0, w_hh, b_hh, mask)``: gates r, z, n with ``n = tanh(xn + r * (h @ W_hn^T + b_hn))``;
  returns ``(hs, acts)``, acts = (r, z, n, W_hn h + b_hn).

Each has a backward formula that calls a ``*_backward`` op (fused BPTT kernel); the backward ops'
decompositions differentiate the forward decomposition with ember's autograd, so double backward works
on every backend.
"""
from __future__ import annotations

from .._dispatch import apply
from .._op import defop

F = "rnn"


# --- forward decompositions (ember ops, one step at a time) -----------------------------------

def _keep(m, new, old):
    return m * new + (1 - m) * old


def _rnn_decomp(xg, h0, w_hh, mask, relu):
    from .joining import stack
    h, hs = h0, []
    whT = w_hh.t()
    for x, m in zip(xg.unbind(0), mask.unsqueeze(-1).unbind(0)):
        a = x + h @ whT
        new = a.relu() if relu else a.tanh()
        h = _keep(m, new, h)
        hs.append(h)
    return stack(hs) if hs else xg.new_zeros((0,) + tuple(h0.shape))


def _lstm_decomp(xg, h0, c0, w_hh, mask, *rest):
    from .joining import cat, stack
    w_hr = rest[0] if len(rest) > 1 else None
    h, c, hs, cs, acts = h0, c0, [], [], []
    whT = w_hh.t()
    for x, m in zip(xg.unbind(0), mask.unsqueeze(-1).unbind(0)):
        i, f, g, o = (x + h @ whT).chunk(4, -1)
        i, f, g, o = i.sigmoid(), f.sigmoid(), g.tanh(), o.sigmoid()
        cn = f * c + i * g
        hn = o * cn.tanh()
        if w_hr is not None:
            hn = hn @ w_hr.t()
        c, h = _keep(m, cn, c), _keep(m, hn, h)
        hs.append(h)
        cs.append(c)
        acts.append(cat([i, f, g, o], -1).detach())
    if not hs:
        return (xg.new_zeros((0,) + tuple(h0.shape)), xg.new_zeros((0,) + tuple(c0.shape)), xg.new_zeros(xg.shape))
    return stack(hs), stack(cs), stack(acts)


def _gru_decomp(xg, h0, w_hh, b_hh, mask):
    from .joining import cat, stack
    h, hs, acts = h0, [], []
    whT = w_hh.t()
    for x, m in zip(xg.unbind(0), mask.unsqueeze(-1).unbind(0)):
        xr, xz, xn = x.chunk(3, -1)
        hr, hz, hn = (h @ whT + b_hh).chunk(3, -1)
        r, z = (xr + hr).sigmoid(), (xz + hz).sigmoid()
        n = (xn + r * hn).tanh()
        h = _keep(m, n + z * (h - n), h)
        hs.append(h)
        acts.append(cat([r, z, n, hn], -1).detach())
    if not hs:
        return xg.new_zeros((0,) + tuple(h0.shape)), xg.new_zeros(tuple(xg.shape[:2]) + (4 * h0.shape[-1],))
    return stack(hs), stack(acts)


# --- backward: fused ops whose decomposition replays the forward under autograd ------------------

def _replay(forward, primals, n_diff_out, grads, params):
    """Gradients of ``forward(*primals, *params)``'s first ``n_diff_out`` outputs w.r.t. the float primals."""
    from ..autograd import grad as _grad
    from ..autograd.grad_mode import enable_grad
    with enable_grad():
        xs = [p if p.requires_grad else p.detach().requires_grad_(True) for p in primals]
        outs = forward(*xs, *params)
        outs = outs if isinstance(outs, tuple) else (outs,)
        pairs = [(o, g) for o, g in zip(outs[:n_diff_out], grads) if g is not None and o.requires_grad]
        if not pairs:  # e.g. zero time steps: nothing depends on the primals
            return tuple(x.new_zeros(x.shape) for x in xs)
        res = _grad([o for o, _ in pairs], xs, [g for _, g in pairs], create_graph=True, allow_unused=True)
    return tuple(r if r is not None else x.new_zeros(x.shape) for r, x in zip(res, xs))


def _zeros_if_none(g, like):
    return like.new_zeros(like.shape) if g is None else g


def _rnn_bwd_decomp(ghs, xg, h0, w_hh, mask, hs, relu):
    gx, gh0, gw, _ = _replay(_rnn_decomp, (xg, h0, w_hh, mask), 1, (ghs,), (relu,))
    return gx, gh0, gw


def _lstm_bwd_decomp(ghs, gcs, xg, h0, c0, w_hh, mask, hs, cs, acts, *rest):
    proj = rest[-1]
    primals = (xg, h0, c0, w_hh, mask) + ((rest[0],) if proj else ())
    res = _replay(_lstm_decomp, primals, 2, (ghs, gcs), (proj,))
    return res[:4] + ((res[5],) if proj else (xg.new_zeros((0,)),))


def _gru_bwd_decomp(ghs, xg, h0, w_hh, b_hh, mask, hs, acts):
    gx, gh0, gw, gb, _ = _replay(_gru_decomp, (xg, h0, w_hh, b_hh, mask), 1, (ghs,), ())
    return gx, gh0, gw, gb


RNN_LAYER_BWD = defop("rnn_layer_backward", F, "rnn_layer_backward(ghs, xg, h0, w_hh, mask, hs, relu) -> "
                      "(gxg, gh0, gw_hh)", decomposition=_rnn_bwd_decomp, nout=3)
LSTM_LAYER_BWD = defop("lstm_layer_backward", F,
                       "lstm_layer_backward(ghs, gcs, xg, h0, c0, w_hh, mask, hs, cs, acts, *w_hr, proj) -> "
                       "(gxg, gh0, gc0, gw_hh, gw_hr)  (gw_hr empty without projection)", decomposition=_lstm_bwd_decomp, nout=5)
GRU_LAYER_BWD = defop("gru_layer_backward", F, "gru_layer_backward(ghs, xg, h0, w_hh, b_hh, mask, hs, acts) -> "
                      "(gxg, gh0, gw_hh, gb_hh)", decomposition=_gru_bwd_decomp, nout=4)


def _rnn_bwd(ctx, ghs):
    xg, h0, w_hh, mask = ctx.saved
    res = apply(RNN_LAYER_BWD, (ghs, xg, h0, w_hh, mask, ctx.output), ctx.params)
    return res + (None,)


def _lstm_bwd(ctx, ghs, gcs, _gacts):
    xg, h0, c0, w_hh, mask, *w_hr = ctx.saved
    hs, cs, acts = ctx.output
    ghs, gcs = _zeros_if_none(ghs, hs), _zeros_if_none(gcs, cs)
    proj = bool(w_hr)
    args = (ghs, gcs, xg, h0, c0, w_hh, mask, hs, cs, acts) + tuple(w_hr)
    res = apply(LSTM_LAYER_BWD, args, (proj,), (xg.dtype,) * 5)
    return res[:4] + (None,) + ((res[4],) if proj else ())


def _gru_bwd(ctx, ghs, _gacts):
    xg, h0, w_hh, b_hh, mask = ctx.saved
    hs, acts = ctx.output
    res = apply(GRU_LAYER_BWD, (_zeros_if_none(ghs, hs), xg, h0, w_hh, b_hh, mask, hs, acts))
    return res + (None,)


RNN_LAYER = defop("rnn_layer", F, "rnn_layer(xg, h0, w_hh, mask, relu) -> hs", backward=_rnn_bwd,
                  decomposition=_rnn_decomp, save="both",
                  doc="xg (T, B, H) = x W_ih^T + b_ih + b_hh; hs[t] = act(xg[t] + hs[t-1] W_hh^T) where mask[t] "
                      "is 1, hs[t-1] where it is 0 (act = tanh or relu)")
LSTM_LAYER = defop("lstm_layer", F, "lstm_layer(xg, h0, c0, w_hh, mask, *w_hr, proj) -> (hs, cs, acts)",
                   backward=_lstm_bwd, decomposition=_lstm_decomp, save="both", nout=3,
                   doc="xg (T, B, 4H) = x W_ih^T + b_ih + b_hh (gates i, f, g, o); h0 (B, P), c0 (B, H); "
                       "w_hh (4H, P); optional projection w_hr (P, H) when proj; acts (T, B, 4H) activated gates (their gradient is ignored)")
GRU_LAYER = defop("gru_layer", F, "gru_layer(xg, h0, w_hh, b_hh, mask) -> (hs, acts)", backward=_gru_bwd,
                  decomposition=_gru_decomp, save="both", nout=2,
                  doc="xg (T, B, 3H) = x W_ih^T + b_ih (gates r, z, n); b_hh (3H,) stays inside r * (...); "
                      "acts (T, B, 4H) = r, z, n, W_hn h + b_hn")


# --- entry points used by ember.nn (no public torch name) -------------------------------------

def _check_layer(op, xg, h0, w_hh, mask, gates, c0=None, w_hr=None):
    T, B = xg.shape[0], xg.shape[1]
    H = c0.shape[-1] if c0 is not None else h0.shape[-1]
    P = w_hr.shape[0] if w_hr is not None else H
    want = [("xg", xg, (T, B, gates * H)), ("h0", h0, (B, P)), ("w_hh", w_hh, (gates * H, P)), ("mask", mask, (T, B))]
    if c0 is not None:
        want.append(("c0", c0, (B, H)))
    if w_hr is not None:
        want.append(("w_hr", w_hr, (P, H)))
    for name, t, shape in want:
        if tuple(t.shape) != shape:
            raise RuntimeError(f"{op}(): expected {name} of shape {list(shape)}, got {list(t.shape)}")
        if t.dtype is not xg.dtype:
            raise RuntimeError(f"{op}(): expected {name} of dtype {xg.dtype}, got {t.dtype}")


def rnn_layer(xg, h0, w_hh, mask, relu=False):
    _check_layer("rnn_layer", xg, h0, w_hh, mask, 1)
    return apply(RNN_LAYER, (xg, h0, w_hh, mask), (bool(relu),))


def lstm_layer(xg, h0, c0, w_hh, mask, w_hr=None):
    """(hs, cs) of one LSTM layer direction."""
    _check_layer("lstm_layer", xg, h0, w_hh, mask, 4, c0, w_hr)
    args = (xg, h0, c0, w_hh, mask) + ((w_hr,) if w_hr is not None else ())
    hs, cs, _ = apply(LSTM_LAYER, args, (w_hr is not None,), (xg.dtype,) * 3)
    return hs, cs


def gru_layer(xg, h0, w_hh, b_hh, mask):
    _check_layer("gru_layer", xg, h0, w_hh, mask, 3)
    if tuple(b_hh.shape) != (w_hh.shape[0],):
        raise RuntimeError(f"gru_layer(): expected b_hh of shape {[w_hh.shape[0]]}, got {list(b_hh.shape)}")
    return apply(GRU_LAYER, (xg, h0, w_hh, b_hh, mask), (), (xg.dtype,) * 2)[0]
