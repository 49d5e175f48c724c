"""TransformerEncoder/Decoder layers and stacks and nn.Transformer against PyTorch (same parameters,
forward values, input and parameter gradients), state_dict keys, masks, errors."""
from __future__ import annotations

import warnings

import ember
import ember.nn as enn
import numpy as np
import pytest
import torch

TOL = {"float32": dict(rtol=1e-4, atol=2e-5), "float64": dict(rtol=1e-10, atol=1e-11)}


def _close(a, b, dtype):
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), **TOL[dtype])


def _copy(e, t):
    assert list(e.state_dict()) == list(t.state_dict())
    e.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})


def _run(t, e, arrays, dtype, call_t=None, call_e=None):
    """Forward + backward of both models on ``arrays``; compares outputs and all gradients."""
    tx = [torch.tensor(a, requires_grad=True) for a in arrays]
    ex = [ember.tensor(a, requires_grad=True) for a in arrays]
    to = (call_t or t)(*tx)
    eo = (call_e or e)(*ex)
    assert tuple(eo.shape) == tuple(to.shape)
    _close(eo, to, dtype)
    (to * to).sum().backward()
    (eo * eo).sum().backward()
    for a, b in zip(ex, tx):
        _close(a.grad, b.grad, dtype)
    for (n, p), (m, q) in zip(e.named_parameters(), t.named_parameters()):
        assert n == m
        _close(p.grad, q.grad, dtype)


LAYER_CFGS = [dict(), dict(norm_first=True), dict(batch_first=True, activation="gelu"),
              dict(activation=torch.nn.functional.gelu), dict(bias=False, norm_first=True)]


def _act(cfg, lib):
    cfg = dict(cfg)
    if callable(cfg.get("activation")):
        cfg["activation"] = (ember.nn.functional if lib is ember else torch.nn.functional).gelu
    return cfg


def _kpm(lib, N, S):
    m = np.zeros((N, S), dtype=bool)
    m[0, -1] = True
    return lib.tensor(m)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("cfg", LAYER_CFGS, ids=[str(c) for c in LAYER_CFGS])
def test_encoder_layer(cfg, dtype):
    torch.manual_seed(0)
    t = torch.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, **_act(cfg, torch)).to(getattr(torch, dtype))
    e = enn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, **_act(cfg, ember)).to(getattr(ember, dtype))
    _copy(e, t)
    bf = cfg.get("batch_first", False)
    L, N = 5, 3
    x = np.random.default_rng(0).standard_normal((N, L, 8) if bf else (L, N, 8)).astype(dtype)
    mask = np.random.default_rng(1).standard_normal((L, L)).astype(dtype)
    _run(t, e, [x], dtype)
    _run(t, e, [x], dtype, lambda s: t(s, src_mask=torch.tensor(mask), src_key_padding_mask=_kpm(torch, N, L)),
         lambda s: e(s, src_mask=ember.tensor(mask), src_key_padding_mask=_kpm(ember, N, L)))


@pytest.mark.parametrize("cfg", LAYER_CFGS, ids=[str(c) for c in LAYER_CFGS])
def test_decoder_layer(cfg):
    dtype = "float64"
    torch.manual_seed(0)
    t = torch.nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0, **_act(cfg, torch)).double()
    e = enn.TransformerDecoderLayer(8, 2, 16, dropout=0.0, **_act(cfg, ember)).double()
    _copy(e, t)
    bf = cfg.get("batch_first", False)
    T, S, N = 4, 5, 3
    rng = np.random.default_rng(2)
    tgt = rng.standard_normal((N, T, 8) if bf else (T, N, 8))
    mem = rng.standard_normal((N, S, 8) if bf else (S, N, 8))
    causal_t = torch.nn.Transformer.generate_square_subsequent_mask(T, dtype=torch.float64)
    causal_e = enn.Transformer.generate_square_subsequent_mask(T, dtype=ember.float64)
    _run(t, e, [tgt, mem], dtype,
         lambda a, b: t(a, b, tgt_mask=causal_t, memory_key_padding_mask=_kpm(torch, N, S), tgt_is_causal=True),
         lambda a, b: e(a, b, tgt_mask=causal_e, memory_key_padding_mask=_kpm(ember, N, S), tgt_is_causal=True))


@pytest.mark.parametrize("norm_first", [False, True])
def test_encoder_and_decoder_stacks(norm_first):
    dtype = "float64"
    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = torch.nn.TransformerEncoder(torch.nn.TransformerEncoderLayer(8, 2, 16, norm_first=norm_first), 2,
                                        norm=torch.nn.LayerNorm(8)).double().eval()
        e = enn.TransformerEncoder(enn.TransformerEncoderLayer(8, 2, 16, norm_first=norm_first), 2,
                                   norm=enn.LayerNorm(8)).double().eval()
    _copy(e, t)
    assert "layers.1.self_attn.in_proj_weight" in e.state_dict() and "norm.weight" in e.state_dict()
    x = np.random.default_rng(3).standard_normal((5, 2, 8))
    causal_t = torch.nn.Transformer.generate_square_subsequent_mask(5, dtype=torch.float64)
    causal_e = enn.Transformer.generate_square_subsequent_mask(5, dtype=ember.float64)
    _run(t, e, [x], dtype, lambda s: t(s, mask=causal_t), lambda s: e(s, mask=causal_e))
    td = torch.nn.TransformerDecoder(torch.nn.TransformerDecoderLayer(8, 2, 16, norm_first=norm_first), 2).double()
    ed = enn.TransformerDecoder(enn.TransformerDecoderLayer(8, 2, 16, norm_first=norm_first), 2).double()
    _copy(ed, td)
    td.eval(), ed.eval()
    mem = np.random.default_rng(4).standard_normal((6, 2, 8))
    _run(td, ed, [x, mem], dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("cfg", [dict(), dict(norm_first=True, batch_first=True, activation="gelu")],
                         ids=["post-norm", "pre-norm batch_first gelu"])
def test_transformer(cfg, dtype):
    torch.manual_seed(0)
    kw = dict(d_model=8, nhead=2, num_encoder_layers=2, num_decoder_layers=2, dim_feedforward=16, dropout=0.0, **cfg)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = torch.nn.Transformer(**kw).to(getattr(torch, dtype))
        e = enn.Transformer(**kw).to(getattr(ember, dtype))
    _copy(e, t)
    bf = cfg.get("batch_first", False)
    rng = np.random.default_rng(5)
    S, T, N = 5, 4, 3
    src = rng.standard_normal((N, S, 8) if bf else (S, N, 8)).astype(dtype)
    tgt = rng.standard_normal((N, T, 8) if bf else (T, N, 8)).astype(dtype)
    ct = torch.nn.Transformer.generate_square_subsequent_mask(T, dtype=getattr(torch, dtype))
    ce = enn.Transformer.generate_square_subsequent_mask(T, dtype=getattr(ember, dtype))
    _run(t, e, [src, tgt], dtype,
         lambda s, g: t(s, g, tgt_mask=ct, src_key_padding_mask=_kpm(torch, N, S),
                        memory_key_padding_mask=_kpm(torch, N, S)),
         lambda s, g: e(s, g, tgt_mask=ce, src_key_padding_mask=_kpm(ember, N, S),
                        memory_key_padding_mask=_kpm(ember, N, S)))


def test_transformer_defaults_and_state_dict_keys():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = torch.nn.Transformer(d_model=16, nhead=2, num_encoder_layers=1, num_decoder_layers=1,
                                 dim_feedforward=8)
        e = enn.Transformer(d_model=16, nhead=2, num_encoder_layers=1, num_decoder_layers=1, dim_feedforward=8)
    assert [(k, tuple(v.shape)) for k, v in e.state_dict().items()] == \
        [(k, tuple(v.shape)) for k, v in t.state_dict().items()]
    assert "encoder.layers.0.self_attn.in_proj_weight" in e.state_dict()
    assert "decoder.layers.0.multihead_attn.out_proj.weight" in e.state_dict()
    assert e.d_model == 16 and e.nhead == 2 and e.batch_first is False
    # xavier_uniform_ on every matrix
    w = e.encoder.layers[0].linear1.weight.detach().numpy()
    assert np.all(np.abs(w) <= np.sqrt(6 / (16 + 8)))
    layer = enn.TransformerEncoderLayer(4, 2)
    assert layer.linear1.out_features == 2048 and layer.dropout.p == 0.1 and layer.norm1.eps == 1e-5


def test_generate_square_subsequent_mask():
    m = enn.Transformer.generate_square_subsequent_mask(4)
    ref = torch.nn.Transformer.generate_square_subsequent_mask(4)
    assert m.dtype is ember.float32
    np.testing.assert_array_equal(m.numpy(), ref.numpy())


def test_dropout_in_training_changes_output():
    ember.manual_seed(0)
    e = enn.TransformerEncoderLayer(8, 2, 16, dropout=0.5)
    x = ember.randn(5, 2, 8)
    a, b = e(x), e(x)
    assert not np.allclose(a.detach().numpy(), b.detach().numpy())
    e.eval()
    np.testing.assert_array_equal(e(x).detach().numpy(), e(x).detach().numpy())


def test_nested_tensor_warning_like_torch():
    with pytest.warns(UserWarning, match="enable_nested_tensor is True, but self.use_nested_tensor is False "
                                         "because encoder_layer.self_attn.batch_first was not True"):
        enc = enn.TransformerEncoder(enn.TransformerEncoderLayer(8, 2), 2)
    assert enc.use_nested_tensor is False
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        enn.TransformerEncoder(enn.TransformerEncoderLayer(8, 2), 2, enable_nested_tensor=False)


def test_errors():
    with pytest.raises(RuntimeError, match="activation should be relu/gelu, not tanh"):
        enn.TransformerEncoderLayer(8, 2, activation="tanh")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = enn.Transformer(d_model=8, nhead=2, num_encoder_layers=1, num_decoder_layers=1, dim_feedforward=8)
    with pytest.raises(RuntimeError, match="the batch number of src and tgt must be equal"):
        m(ember.randn(5, 2, 8), ember.randn(4, 3, 8))
    with pytest.raises(RuntimeError, match="the feature number of src and tgt must be equal to d_model"):
        m(ember.randn(5, 2, 6), ember.randn(4, 2, 6))
