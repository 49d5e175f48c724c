"""F.scaled_dot_product_attention, F.multi_head_attention_forward and nn.MultiheadAttention against PyTorch."""
from __future__ import annotations

import math

import ember
import ember.nn as enn
import ember.nn.functional as EF
import numpy as np
import pytest
import torch
import torch.nn.functional as TF

TOL = {"float32": dict(rtol=1e-4, atol=1e-5), "float64": dict(rtol=1e-10, atol=1e-12)}


def _close(a, b, dtype):
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), **TOL[dtype])


def _both(arrays, grad=True):
    return ([torch.tensor(a, requires_grad=grad and a.dtype.kind == "f") for a in arrays],
            [ember.tensor(a, requires_grad=grad and a.dtype.kind == "f") for a in arrays])


SDPA_CASES = [
    ("plain", (2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 7), {}),
    ("causal", (2, 4, 5), (2, 4, 5), (2, 4, 5), dict(is_causal=True)),
    ("causal L<S", (2, 3, 4), (2, 6, 4), (2, 6, 3), dict(is_causal=True)),
    ("scale", (2, 4, 5), (2, 3, 5), (2, 3, 5), dict(scale=0.7)),
    ("float mask", (2, 2, 4, 3), (2, 2, 5, 3), (2, 2, 5, 3), dict(attn_mask="float")),
    ("bool mask", (2, 2, 4, 3), (2, 2, 5, 3), (2, 2, 5, 3), dict(attn_mask="bool")),
    ("gqa", (1, 4, 3, 2), (1, 2, 5, 2), (1, 2, 5, 2), dict(enable_gqa=True)),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name,qs,ks,vs,kw", SDPA_CASES, ids=[c[0] for c in SDPA_CASES])
def test_sdpa_matches_torch(name, qs, ks, vs, kw, dtype):
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s).astype(dtype) for s in (qs, ks, vs)]
    L, S = qs[-2], ks[-2]
    mask = kw.pop("attn_mask", None)
    if mask == "float":
        arrays.append(rng.standard_normal((L, S)).astype(dtype))
    elif mask == "bool":
        m = rng.random((2, 1, L, S)) < 0.6
        m[..., 0] = True
        arrays.append(m)
    t, e = _both(arrays)
    if mask is not None:
        kw_t, kw_e = dict(kw, attn_mask=t[3]), dict(kw, attn_mask=e[3])
    else:
        kw_t = kw_e = kw
    to = TF.scaled_dot_product_attention(*t[:3], **kw_t)
    eo = EF.scaled_dot_product_attention(*e[:3], **kw_e)
    assert eo.dtype is getattr(ember, dtype)
    _close(eo, to, dtype)
    (to * to).sum().backward()
    (eo * eo).sum().backward()
    for a, b in zip(e, t):
        if b.requires_grad:
            _close(a.grad, b.grad, dtype)


def test_sdpa_fully_masked_row_is_zero_like_torch():
    rng = np.random.default_rng(1)
    q, k, v = (rng.standard_normal(s) for s in ((1, 3, 4), (1, 5, 4), (1, 5, 2)))
    m = np.ones((3, 5), dtype=bool)
    m[1] = False
    to = TF.scaled_dot_product_attention(torch.tensor(q), torch.tensor(k), torch.tensor(v), attn_mask=torch.tensor(m))
    eo = EF.scaled_dot_product_attention(ember.tensor(q), ember.tensor(k), ember.tensor(v), attn_mask=ember.tensor(m))
    _close(eo, to, "float64")
    assert np.all(eo.numpy()[0, 1] == 0)


def test_sdpa_dropout():
    # with value = identity the output is the dropped-out attention matrix itself
    rng = np.random.default_rng(2)
    q, k = rng.standard_normal((4, 6, 3)), rng.standard_normal((4, 6, 3))
    v = np.broadcast_to(np.eye(6), (4, 6, 6)).copy()
    p = 0.4
    probs = TF.scaled_dot_product_attention(torch.tensor(q), torch.tensor(k), torch.tensor(v)).numpy()
    ember.manual_seed(0)
    out = EF.scaled_dot_product_attention(ember.tensor(q), ember.tensor(k), ember.tensor(v), dropout_p=p).numpy()
    kept = out != 0
    np.testing.assert_allclose(out[kept], probs[kept] / (1 - p), rtol=1e-12)
    assert 0.25 < 1 - kept.mean() < 0.55
    # the same seed draws the same mask; gradients are those of the masked computation
    qe = ember.tensor(q, requires_grad=True)

    def f(x):
        ember.manual_seed(1)
        return EF.scaled_dot_product_attention(x, ember.tensor(k), ember.tensor(v), dropout_p=p)
    assert np.array_equal(f(qe).detach().numpy(), f(qe).detach().numpy())
    assert ember.autograd.gradcheck(f, (qe,))


def test_sdpa_errors():
    q = ember.randn(2, 3, 4)
    with pytest.raises(RuntimeError, match="Explicit attn_mask should not be set when is_causal=True"):
        EF.scaled_dot_product_attention(q, q, q, attn_mask=ember.ones(3, 3, dtype=ember.bool), is_causal=True)
    with pytest.raises(RuntimeError, match="Expected attn_mask dtype to be bool or float"):
        EF.scaled_dot_product_attention(q, q, q, attn_mask=ember.ones(3, 3, dtype=ember.int64))
    with pytest.raises(TypeError):
        EF.scaled_dot_product_attention(q, q, [1.0])


# --- MultiheadAttention -----------------------------------------------------------------------

def _mha_pair(dtype="float64", **kw):
    torch.manual_seed(0)
    t = torch.nn.MultiheadAttention(8, 2, **kw).to(getattr(torch, dtype))
    e = enn.MultiheadAttention(8, 2, **kw).to(getattr(ember, dtype))
    assert list(e.state_dict()) == list(t.state_dict())
    e.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})
    return t, e


MHA_CONFIGS = [{}, dict(batch_first=True), dict(kdim=3, vdim=5), dict(add_bias_kv=True), dict(add_zero_attn=True),
               dict(bias=False), dict(add_bias_kv=True, add_zero_attn=True, batch_first=True)]
MHA_CALLS = [
    {}, dict(need_weights=False), dict(average_attn_weights=False), dict(attn_mask="float2d"),
    dict(attn_mask="bool2d"), dict(attn_mask="float3d"), dict(key_padding_mask="bool"),
    dict(key_padding_mask="float", attn_mask="float2d", need_weights=False),
    dict(key_padding_mask="bool", attn_mask="bool2d", average_attn_weights=False),
    dict(attn_mask="causal", is_causal=True, need_weights=False),
]


def _masks(call, lib, rng_seed, L, S, N, dtype):
    rng = np.random.default_rng(rng_seed)
    out = {}
    for k, v in call.items():
        if k == "attn_mask":
            if v == "float2d":
                v = lib.tensor(rng.standard_normal((L, S)).astype(dtype))
            elif v == "bool2d":
                m = rng.random((L, S)) < 0.3
                m[:, 0] = False
                v = lib.tensor(m)
            elif v == "float3d":
                v = lib.tensor(rng.standard_normal((N * 2, L, S)).astype(dtype))
            elif v == "causal":
                v = lib.tensor(np.triu(np.full((L, S), -np.inf), 1).astype(dtype))
        elif k == "key_padding_mask":
            m = np.zeros((N, S), dtype=bool)
            m[0, -2:] = True
            v = lib.tensor(m) if v == "bool" else lib.tensor(np.where(m, -np.inf, 0.0).astype(dtype))
        out[k] = v
    return out


@pytest.mark.parametrize("call", MHA_CALLS, ids=[str(c) for c in MHA_CALLS])
@pytest.mark.parametrize("cfg", MHA_CONFIGS, ids=[str(c) for c in MHA_CONFIGS])
def test_mha_matches_torch(cfg, call):
    dtype = "float64"
    t, e = _mha_pair(dtype, **cfg)
    rng = np.random.default_rng(3)
    L, S, N = 4, 5, 3
    q = rng.standard_normal((L, N, 8))
    k = rng.standard_normal((S, N, cfg.get("kdim", 8)))
    v = rng.standard_normal((S, N, cfg.get("vdim", 8)))
    if cfg.get("batch_first"):
        q, k, v = (a.transpose(1, 0, 2) for a in (q, k, v))
    results = []
    for lib, m in ((torch, t), (ember, e)):
        xs = [lib.tensor(a, requires_grad=True) for a in (q, k, v)]
        out, w = m(*xs, **_masks(call, lib, 4, L, S, N, dtype))
        loss = (out * out).sum() + ((w * w).sum() if w is not None else 0)
        loss.backward()
        results.append((out, w, xs, list(m.parameters())))
    (to, tw, tx, tp), (eo, ew, ex, ep) = results
    _close(eo, to, dtype)
    assert (ew is None) == (tw is None)
    if tw is not None:
        assert tuple(ew.shape) == tuple(tw.shape)
        _close(ew, tw, dtype)
    for a, b in zip(ex + ep, tx + tp):
        _close(a.grad, b.grad, dtype)


def test_mha_float32_self_attention_and_unbatched():
    t, e = _mha_pair("float32", batch_first=True)
    x = np.random.default_rng(5).standard_normal((2, 6, 8)).astype(np.float32)
    tx, ex = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    to, tw = t(tx, tx, tx)
    eo, ew = e(ex, ex, ex)
    _close(eo, to, "float32")
    _close(ew, tw, "float32")
    to.sum().backward()
    eo.sum().backward()
    _close(ex.grad, tx.grad, "float32")
    # unbatched (L, E) input
    to, tw = t(tx[0], tx[0], tx[0])
    eo, ew = e(ex[0], ex[0], ex[0])
    assert tuple(eo.shape) == tuple(to.shape) and tuple(ew.shape) == tuple(tw.shape)
    _close(eo, to, "float32")


def test_mha_dropout_weights():
    e = enn.MultiheadAttention(8, 2, dropout=0.5)
    x = ember.randn(5, 3, 8)
    e.eval()
    _, w_eval = e(x, x, x, average_attn_weights=False)
    e.train()
    _, w = e(x, x, x, average_attn_weights=False)
    w, w_eval = w.detach().numpy(), w_eval.detach().numpy()
    kept = w != 0
    np.testing.assert_allclose(w[kept], 2 * w_eval[kept], rtol=1e-5)
    assert 0.2 < kept.mean() < 0.8


def test_mha_parameters_and_init():
    e = enn.MultiheadAttention(8, 2, add_bias_kv=True)
    t = torch.nn.MultiheadAttention(8, 2, add_bias_kv=True)
    assert [(n, tuple(p.shape)) for n, p in e.named_parameters()] == \
        [(n, tuple(p.shape)) for n, p in t.named_parameters()]
    w = e.in_proj_weight.detach().numpy()
    bound = math.sqrt(6 / (8 + 24))  # xavier_uniform_ on (24, 8)
    assert np.all(np.abs(w) <= bound) and w.std() > bound / 4
    assert np.all(e.in_proj_bias.detach().numpy() == 0) and np.all(e.out_proj.bias.detach().numpy() == 0)
    sep = enn.MultiheadAttention(8, 2, kdim=3, vdim=5)
    assert sep.in_proj_weight is None
    assert [n for n, _ in sep.named_parameters()] == [n for n, _ in
                                                      torch.nn.MultiheadAttention(8, 2, kdim=3, vdim=5).named_parameters()]
    assert type(e.out_proj).__name__ == "NonDynamicallyQuantizableLinear"
    assert repr(e) == repr(t)


def test_functional_mha_forward_signature():
    rng = np.random.default_rng(6)
    arrays = [rng.standard_normal(s) for s in ((4, 2, 8), (5, 2, 8), (5, 2, 8), (24, 8), (24,), (8, 8), (8,))]
    t, e = _both(arrays)
    to, tw = TF.multi_head_attention_forward(t[0], t[1], t[2], 8, 2, t[3], t[4], None, None, False, 0.0, t[5], t[6])
    eo, ew = EF.multi_head_attention_forward(e[0], e[1], e[2], 8, 2, e[3], e[4], None, None, False, 0.0, e[5], e[6])
    _close(eo, to, "float64")
    _close(ew, tw, "float64")


@pytest.mark.parametrize("call,exc,match", [
    (lambda m, x: m(x, x, x, attn_mask=ember.zeros(2, 3)), RuntimeError,
     r"The shape of the 2D attn_mask is .*, but should be \(3, 3\)"),
    (lambda m, x: m(x, x, x, attn_mask=ember.zeros(5, 3, 3)), RuntimeError, "The shape of the 3D attn_mask is"),
    (lambda m, x: m(x.unsqueeze(0), x, x), AssertionError, "query should be unbatched 2D or batched 3D tensor"),
    (lambda m, x: m(x, x, x, key_padding_mask=ember.zeros(2, 4, dtype=ember.bool)), AssertionError,
     r"Expected key_padded_mask.shape\[1\] to be 3, but got 4"),
    (lambda m, x: m(x, x, x, is_causal=True), RuntimeError, "Need attn_mask if specifying the is_causal hint"),
])
def test_mha_errors(call, exc, match):
    m = enn.MultiheadAttention(8, 2)
    with pytest.raises(exc, match=match):
        call(m, ember.randn(3, 2, 8))


def test_mha_constructor_errors():
    with pytest.raises(AssertionError, match="embed_dim must be divisible by num_heads"):
        enn.MultiheadAttention(8, 3)
    with pytest.raises(ValueError, match="embed_dim and num_heads must be greater than 0"):
        enn.MultiheadAttention(0, 2)
