"""Losses and distances vs PyTorch: values, result dtypes and input gradients for float32 and float64 under every
reduction; class weights, ignore_index, label smoothing, K-dimensional cross entropy; CTC; errors; modules."""
from __future__ import annotations

import warnings

import ember
import ember.nn as enn
import ember.nn.functional as EF
import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from ember.ops import loss as L

TOL = {"float32": 3e-5, "float64": 1e-9}
R = np.random.default_rng(0)


def _convert(v, dtype, lib, grad=False):
    if isinstance(v, np.ndarray):
        a = v.astype(dtype) if v.dtype.kind == "f" else v
        return lib.tensor(a, requires_grad=grad)
    return v


def _compare(name, arrays, kwargs, grad_idx, dtype, reduction):
    ea = [_convert(a, dtype, ember, i in grad_idx) for i, a in enumerate(arrays)]
    ta = [_convert(a, dtype, torch, i in grad_idx) for i, a in enumerate(arrays)]
    ek = {k: _convert(v, dtype, ember) for k, v in kwargs.items()}
    tk = {k: _convert(v, dtype, torch) for k, v in kwargs.items()}
    if reduction is not None:
        ek["reduction"] = tk["reduction"] = reduction
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        oe = getattr(EF, name)(*ea, **ek)
        ot = getattr(TF, name)(*ta, **tk)
    tol = TOL[dtype]
    assert oe.dtype.name == str(ot.dtype).split(".")[1]
    assert tuple(oe.shape) == tuple(ot.shape)
    np.testing.assert_allclose(oe.detach().numpy(), ot.detach().numpy(), rtol=tol, atol=tol)
    ge = ember.autograd.grad(oe.sum(), [ea[i] for i in grad_idx])
    gt = torch.autograd.grad(ot.sum(), [ta[i] for i in grad_idx])
    for a, b in zip(ge, gt):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=tol, atol=tol)


def _probs(shape, axis=1):
    p = R.random(shape) + 0.05
    return p / p.sum(axis=axis, keepdims=True)


X = R.standard_normal((4, 5))
T = R.integers(0, 5, 4)
T_IGN = np.array([1, -100, 4, 0])
W5 = R.random(5) + 0.2
XK = R.standard_normal((2, 3, 4, 5))
TK = R.integers(0, 3, (2, 4, 5))
Y = R.standard_normal((3, 4))
Y2 = R.standard_normal((3, 4))
P = R.random((3, 4)) * 0.9 + 0.05
Q = R.random((3, 4))
SIGN3 = np.array([1.0, -1.0, 1.0])
LP = np.log(_probs((3, 4)))

CASES = [
    ("cross_entropy", [X, T], {}, (0,)),
    ("cross_entropy", [X, T_IGN], {"weight": W5}, (0,)),
    ("cross_entropy", [X, T_IGN], {"weight": W5, "label_smoothing": 0.2}, (0,)),
    ("cross_entropy", [X, T], {"label_smoothing": 0.15}, (0,)),
    ("cross_entropy", [X, np.array([1, 2, 4, 0])], {"ignore_index": 4}, (0,)),
    ("cross_entropy", [XK, TK], {"weight": W5[:3], "label_smoothing": 0.1}, (0,)),
    ("cross_entropy", [XK, TK], {"ignore_index": 2}, (0,)),
    ("cross_entropy", [R.standard_normal(5), np.array(3)], {}, (0,)),
    ("cross_entropy", [X, _probs((4, 5))], {}, (0, 1)),
    ("cross_entropy", [X, _probs((4, 5))], {"weight": W5, "label_smoothing": 0.3}, (0, 1)),
    ("cross_entropy", [XK, _probs((2, 3, 4, 5))], {}, (0, 1)),
    ("nll_loss", [np.log(_probs((4, 5))), T_IGN], {"weight": W5}, (0,)),
    ("nll_loss", [XK, TK], {}, (0,)),
    ("l1_loss", [Y, Y2], {}, (0, 1)),
    ("l1_loss", [Y, Y2], {"weight": Q}, (0, 1)),
    ("mse_loss", [Y, Y2], {}, (0, 1)),
    ("mse_loss", [Y, Y2], {"weight": Q}, (0, 1)),
    ("smooth_l1_loss", [Y * 2, Y2], {"beta": 0.5}, (0, 1)),
    ("smooth_l1_loss", [Y * 2, Y2], {"beta": 0.0}, (0, 1)),
    ("huber_loss", [Y * 2, Y2], {"delta": 0.7}, (0, 1)),
    ("huber_loss", [Y * 2, Y2], {"delta": 0.7, "weight": Q}, (0, 1)),
    ("binary_cross_entropy", [P, Q], {}, (0, 1)),
    ("binary_cross_entropy", [P, Q], {"weight": R.random(4)}, (0, 1)),
    ("binary_cross_entropy_with_logits", [Y * 3, Q], {}, (0, 1)),
    ("binary_cross_entropy_with_logits", [Y * 30, Q], {"weight": R.random(4), "pos_weight": R.random(4) + 0.5},
     (0, 1)),
    ("kl_div", [LP, _probs((3, 4))], {}, (0, 1)),
    ("kl_div", [LP, np.log(_probs((3, 4)))], {"log_target": True}, (0, 1)),
    ("poisson_nll_loss", [Y, Q * 3], {}, (0, 1)),
    ("poisson_nll_loss", [P, Q * 3], {"log_input": False, "full": True}, (0, 1)),
    ("gaussian_nll_loss", [Y, Y2, P], {}, (0, 1, 2)),
    ("gaussian_nll_loss", [Y, Y2, P[:, 0].copy()], {"full": True}, (0, 1, 2)),
    ("gaussian_nll_loss", [Y, Y2, P[:, :1].copy() * 1e-8], {"eps": 1e-4}, (0, 1, 2)),
    ("cosine_embedding_loss", [Y, Y2, SIGN3], {"margin": 0.1}, (0, 1)),
    ("margin_ranking_loss", [Y[:, 0].copy(), Y2[:, 0].copy(), SIGN3], {"margin": 0.1}, (0, 1)),
    ("hinge_embedding_loss", [Y, np.sign(Q - 0.5)], {"margin": 0.5}, (0,)),
    ("soft_margin_loss", [Y, np.sign(Q - 0.5)], {}, (0,)),
    ("multilabel_soft_margin_loss", [Y, (Q > 0.5).astype(float)], {"weight": R.random(4)}, (0,)),
    ("multilabel_margin_loss", [Y, np.array([[3, 0, -1, 1], [1, 2, 3, -1], [-1, 0, 0, 0]])], {}, (0,)),
    ("multilabel_margin_loss", [Y[0].copy(), np.array([2, 1, -1, 0])], {}, (0,)),
    ("multi_margin_loss", [Y, np.array([0, 3, 1])], {}, (0,)),
    ("multi_margin_loss", [Y, np.array([0, 3, 1])], {"p": 2, "margin": 0.7, "weight": R.random(4)}, (0,)),
    ("triplet_margin_loss", [Y, Y2, P], {}, (0, 1, 2)),
    ("triplet_margin_loss", [Y, Y2, P], {"swap": True, "p": 1.5, "margin": 0.3}, (0, 1, 2)),
    ("triplet_margin_with_distance_loss", [Y, Y2, P], {"swap": True}, (0, 1, 2)),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: c[0])
def test_loss_matches_torch(case, reduction, dtype):
    name, arrays, kwargs, grad_idx = case
    _compare(name, arrays, kwargs, grad_idx, dtype, reduction)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_kl_div_batchmean(dtype):
    _compare("kl_div", [LP, _probs((3, 4))], {}, (0, 1), dtype, "batchmean")


def _ctc_case():
    g = torch.Generator().manual_seed(0)
    lp = torch.randn(8, 3, 5, dtype=torch.float64, generator=g).log_softmax(2).numpy()
    return lp


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("layout", ["padded", "concatenated"])
def test_ctc_loss_matches_torch(layout, reduction, dtype):
    lp = _ctc_case()
    lens = np.array([3, 1, 2])
    if layout == "padded":
        targets = np.array([[1, 2, 2], [3, 0, 0], [4, 4, 0]])
    else:
        targets = np.array([1, 2, 2, 3, 4, 4])
    _compare("ctc_loss", [lp, targets, np.array([8, 6, 7]), lens], {}, (0,), dtype, reduction)


@pytest.mark.parametrize("zero_infinity", [False, True])
def test_ctc_loss_impossible_alignment(zero_infinity):
    lp = _ctc_case()
    targets = np.array([[1, 1, 1, 1], [2, 0, 0, 0], [1, 2, 3, 4]])
    # sample 0 needs 7 frames for 1,1,1,1 (blanks between repeats) but has 4: infinite loss
    args = [np.array([4, 8, 8]), np.array([4, 1, 4])]
    if zero_infinity:
        _compare("ctc_loss", [lp, targets, *args], {"zero_infinity": True}, (0,), "float64", "none")
        _compare("ctc_loss", [lp, targets, *args], {"zero_infinity": True}, (0,), "float64", "mean")
        return
    # without zero_infinity the infinite sample's loss is inf (its gradient is not compared: PyTorch gives nan)
    e = EF.ctc_loss(ember.tensor(lp), ember.tensor(targets), *[ember.tensor(a) for a in args], reduction="none")
    t = TF.ctc_loss(torch.tensor(lp), torch.tensor(targets), *[torch.tensor(a) for a in args], reduction="none")
    assert np.isinf(e[0].item()) and np.isinf(t[0].item())
    np.testing.assert_allclose(e.numpy()[1:], t.numpy()[1:], rtol=1e-10)


def test_ctc_loss_unbatched_and_lists():
    lp = _ctc_case()[:, 0]
    e = EF.ctc_loss(ember.tensor(lp), ember.tensor([1, 2]), [8], [2])
    t = TF.ctc_loss(torch.tensor(lp), torch.tensor([1, 2]), [8], [2])
    np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-10)


def test_legacy_size_average_and_reduce():
    a, b = ember.tensor(Y), ember.tensor(Y2)
    ta, tb = torch.tensor(Y), torch.tensor(Y2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for kw in ({"size_average": False}, {"reduce": False}, {"size_average": True, "reduce": True}):
            np.testing.assert_allclose(EF.mse_loss(a, b, **kw).numpy(), TF.mse_loss(ta, tb, **kw).numpy())
            m = enn.L1Loss(**kw)
            assert m.reduction == torch.nn.L1Loss(**kw).reduction
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
        EF.l1_loss(a, b, size_average=False)


LOSSES_WITH_REDUCTION = [
    ("l1_loss", (Y, Y2)), ("mse_loss", (Y, Y2)), ("smooth_l1_loss", (Y, Y2)), ("huber_loss", (Y, Y2)),
    ("binary_cross_entropy", (P, Q)), ("binary_cross_entropy_with_logits", (Y, Q)), ("kl_div", (LP, Q)),
    ("poisson_nll_loss", (Y, Q)), ("soft_margin_loss", (Y, Q)), ("hinge_embedding_loss", (Y, Q)),
    ("cross_entropy", (X, T)), ("nll_loss", (X, T)),
    ("cosine_embedding_loss", (Y, Y2, SIGN3)), ("margin_ranking_loss", (Y[:, 0], Y2[:, 0], SIGN3)),
    ("multi_margin_loss", (Y, np.array([0, 1, 2]))), ("triplet_margin_loss", (Y, Y2, P)),
]


@pytest.mark.parametrize("name,arrays", LOSSES_WITH_REDUCTION, ids=lambda v: v if isinstance(v, str) else "")
def test_unknown_reduction_raises_value_error(name, arrays):
    args = [ember.tensor(np.ascontiguousarray(a)) for a in arrays]
    with pytest.raises(ValueError, match="bogus is not a valid value for reduction"):
        getattr(EF, name)(*args, reduction="bogus")


def test_multilabel_soft_margin_and_gaussian_nll_reduction_messages():
    with pytest.raises(ValueError, match="bogus is not valid"):
        EF.multilabel_soft_margin_loss(ember.tensor(Y), ember.tensor(Q), reduction="bogus")
    with pytest.raises(ValueError, match="bogus is not valid"):
        EF.gaussian_nll_loss(ember.tensor(Y), ember.tensor(Q), ember.tensor(P), reduction="bogus")


def test_cross_entropy_errors_match_torch():
    x = ember.randn(3, 5)
    with pytest.raises(RuntimeError, match="expected target dtype to be Long or Byte, but got Float"):
        EF.cross_entropy(x, ember.randn(3))
    with pytest.raises(RuntimeError, match="Expected floating point type for target with class probabilities"):
        EF.cross_entropy(x, ember.zeros(3, 5, dtype=ember.int64))
    with pytest.raises(IndexError, match="Target 7 is out of bounds."):
        EF.cross_entropy(x, ember.tensor([0, 1, 7]))
    with pytest.raises(ValueError, match=r"Expected input batch_size \(3\) to match target batch_size \(2\)"):
        EF.nll_loss(x, ember.tensor([0, 1]))
    with pytest.raises(RuntimeError, match="weight tensor should be defined either for all 5 classes"):
        EF.cross_entropy(x, ember.tensor([0, 1, 2]), weight=ember.ones(4))
    with pytest.raises(RuntimeError, match="label_smoothing must be between 0.0 and 1.0. Got: 1.5"):
        EF.cross_entropy(x, ember.tensor([0, 1, 2]), label_smoothing=1.5)
    with pytest.raises(RuntimeError, match=r"Expected target size \[2, 4\], got \[2, 5\]"):
        EF.cross_entropy(ember.randn(2, 3, 4), ember.zeros(2, 5, dtype=ember.int64))
    with pytest.raises(RuntimeError, match="0D or 1D target tensor expected, multi-target not supported"):
        EF.nll_loss(x, ember.zeros(3, 1, dtype=ember.int64))
    with pytest.raises(ValueError, match="For 1D input, 1D target must have size 1, but got target size: 2"):
        EF.cross_entropy(ember.randn(5), ember.zeros(2, dtype=ember.int64))
    with pytest.raises(RuntimeError, match="expected scalar type Float but found Double"):
        EF.cross_entropy(x, ember.tensor([0, 1, 2]), weight=ember.ones(5, dtype=ember.float64))
    with pytest.raises(NotImplementedError, match="\"nll_loss_out_frame\" not implemented for 'Long'"):
        EF.nll_loss(ember.zeros(3, 5, dtype=ember.int64), ember.tensor([0, 1, 2]))
    one = EF.cross_entropy(ember.tensor(X[0]), ember.tensor([2]))
    np.testing.assert_allclose(one.item(), TF.cross_entropy(torch.tensor(X[0]), torch.tensor([2])).item())
    byte = EF.cross_entropy(x, ember.tensor([0, 1, 2], dtype=ember.uint8))
    np.testing.assert_allclose(byte.numpy(), EF.cross_entropy(x, ember.tensor([0, 1, 2])).numpy())


def test_other_loss_errors_match_torch():
    with pytest.raises(ValueError, match="that is different to the input size"):
        EF.binary_cross_entropy(ember.rand(3), ember.rand(4))
    with pytest.raises(RuntimeError, match="all elements of input should be between 0 and 1"):
        EF.binary_cross_entropy(ember.tensor([1.5]), ember.tensor([1.0]))
    with pytest.raises(ValueError, match="must be the same as input size"):
        EF.binary_cross_entropy_with_logits(ember.rand(3), ember.rand(4))
    with pytest.raises(ValueError, match="Weights and input must have the same size"):
        EF.mse_loss(ember.rand(3), ember.rand(3), weight=ember.rand(2))
    with pytest.raises(ValueError, match="var has negative entry"):
        EF.gaussian_nll_loss(ember.rand(3), ember.rand(3), -ember.ones(3))
    with pytest.raises(ValueError, match="var is of incorrect size"):
        EF.gaussian_nll_loss(ember.rand(3, 4), ember.rand(3, 4), ember.ones(2))
    with pytest.raises(ValueError, match="only p == 1 and p == 2 supported"):
        EF.multi_margin_loss(ember.rand(3, 4), ember.tensor([0, 1, 2]), p=3)
    with pytest.raises(ValueError, match="expected margin to be greater than 0"):
        enn.TripletMarginLoss(margin=0)
    with pytest.raises(RuntimeError, match="All input tensors should have same dimension"):
        EF.margin_ranking_loss(ember.rand(3), ember.rand(3), ember.ones(3, 1))
    with pytest.warns(UserWarning, match="Using a target size"):
        EF.mse_loss(ember.rand(3, 4), ember.rand(4))


def test_bce_clamps_log_like_torch():
    x, t = ember.tensor([0.0, 1.0, 0.5]), ember.tensor([1.0, 0.0, 1.0])
    e = EF.binary_cross_entropy(x, t, reduction="none")
    tr = TF.binary_cross_entropy(torch.tensor([0.0, 1.0, 0.5]), torch.tensor([1.0, 0.0, 1.0]), reduction="none")
    np.testing.assert_allclose(e.numpy(), tr.numpy(), rtol=1e-6)
    assert e[0].item() == 100.0


def test_bce_with_logits_is_stable_for_large_logits():
    x = ember.tensor([200.0, -200.0], dtype=ember.float32)
    t = ember.tensor([0.0, 1.0])
    np.testing.assert_allclose(EF.binary_cross_entropy_with_logits(x, t, reduction="none").numpy(), [200.0, 200.0])


def test_cross_entropy_half_precision_and_all_ignored():
    x = ember.randn(4, 5)
    t = ember.tensor([0, 1, 2, 3])
    h = EF.cross_entropy(x.to(ember.float16), t)
    assert h.dtype is ember.float16
    np.testing.assert_allclose(h.float().item(), EF.cross_entropy(x, t).item(), rtol=2e-3)
    nan = EF.cross_entropy(x, ember.full((4,), -100, dtype=ember.int64))
    assert np.isnan(nan.item()) and np.isnan(TF.cross_entropy(torch.randn(4, 5), torch.full((4,), -100)).item())


def test_fused_ops_match_their_decompositions():
    from ember._dispatch import apply
    x = ember.tensor(XK, requires_grad=True)
    y = ember.tensor(XK, requires_grad=True)
    t = ember.tensor(np.where(TK == 1, -100, TK))
    w = ember.tensor(W5[:3])
    for op, params in ((L.CROSS_ENTROPY, (-100, "mean", 0.2)), (L.CROSS_ENTROPY, (-100, "none", 0.0)),
                       (L.NLL_LOSS, (-100, "sum")), (L.NLL_LOSS, (-100, "none"))):
        x.grad = y.grad = None
        k = apply(op, (x, t, w), params)
        d = op.decomposition(y, t, w, *params)
        np.testing.assert_allclose(k.detach().numpy(), d.detach().numpy(), rtol=1e-10)
        k.sum().backward()
        d.sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), y.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_cross_entropy_second_derivative():
    t = ember.tensor([0, 2, -100, 1])
    w = ember.tensor(W5)
    x = ember.tensor(X, requires_grad=True)
    assert ember.autograd.gradgradcheck(lambda v: EF.cross_entropy(v, t, weight=w, label_smoothing=0.1), (x,))


# --- distances ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_distances_match_torch(dtype):
    a, b = Y.astype(dtype), Y2.astype(dtype)
    tol = TOL[dtype]
    for name, args in (("cosine_similarity", ()), ("cosine_similarity", (0,)), ("pairwise_distance", ()),
                       ("pairwise_distance", (1.0, 1e-6, True)), ("pairwise_distance", (3.0,))):
        ea, eb = ember.tensor(a, requires_grad=True), ember.tensor(b, requires_grad=True)
        ta, tb = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
        oe, ot = getattr(EF, name)(ea, eb, *args), getattr(TF, name)(ta, tb, *args)
        np.testing.assert_allclose(oe.detach().numpy(), ot.detach().numpy(), rtol=tol, atol=tol)
        oe.sum().backward()
        ot.sum().backward()
        np.testing.assert_allclose(ea.grad.numpy(), ta.grad.numpy(), rtol=tol, atol=tol)
    for p in (1, 2, 3.5):
        np.testing.assert_allclose(EF.pdist(ember.tensor(a), p).numpy(), TF.pdist(torch.tensor(a), p).numpy(),
                                   rtol=tol)
    np.testing.assert_allclose(EF.normalize(ember.tensor(a), p=1, dim=0).numpy(),
                               TF.normalize(torch.tensor(a), p=1, dim=0).numpy(), rtol=tol)
    np.testing.assert_allclose(ember.cosine_similarity(ember.tensor(a), ember.tensor(b)).numpy(),
                               torch.cosine_similarity(torch.tensor(a), torch.tensor(b)).numpy(), rtol=tol)


def test_one_hot():
    r = EF.one_hot(ember.tensor([0, 3, 1]))
    assert r.dtype is ember.int64
    np.testing.assert_array_equal(r.numpy(), TF.one_hot(torch.tensor([0, 3, 1])).numpy())
    np.testing.assert_array_equal(EF.one_hot(ember.tensor([[0], [2]]), 5).numpy(),
                                  TF.one_hot(torch.tensor([[0], [2]]), 5).numpy())
    with pytest.raises(RuntimeError, match="Class values must be smaller than num_classes"):
        EF.one_hot(ember.tensor([3]), 2)
    with pytest.raises(RuntimeError, match="Class values must be non-negative"):
        EF.one_hot(ember.tensor([-1]))
    with pytest.raises(RuntimeError, match="one_hot is only applicable to index tensor"):
        EF.one_hot(ember.tensor([1.0]))


# --- modules -----------------------------------------------------------------------------------------

MODULE_CASES = [
    ("CrossEntropyLoss", {"label_smoothing": 0.1}, [X, T_IGN]), ("NLLLoss", {}, [X, T]),
    ("L1Loss", {}, [Y, Y2]), ("MSELoss", {"reduction": "sum"}, [Y, Y2]), ("SmoothL1Loss", {"beta": 0.3}, [Y, Y2]),
    ("HuberLoss", {"delta": 0.4}, [Y, Y2]), ("BCELoss", {}, [P, Q]), ("BCEWithLogitsLoss", {}, [Y, Q]),
    ("KLDivLoss", {"reduction": "batchmean"}, [LP, Q]), ("PoissonNLLLoss", {}, [Y, Q]),
    ("GaussianNLLLoss", {}, [Y, Y2, P]), ("HingeEmbeddingLoss", {}, [Y, np.sign(Q - 0.5)]),
    ("SoftMarginLoss", {}, [Y, np.sign(Q - 0.5)]), ("MultiLabelSoftMarginLoss", {}, [Y, (Q > 0.5) * 1.0]),
    ("MultiLabelMarginLoss", {}, [Y, np.array([[3, 0, -1, 1], [1, 2, 3, -1], [-1, 0, 0, 0]])]),
    ("MultiMarginLoss", {"p": 2}, [Y, np.array([0, 3, 1])]),
    ("CosineEmbeddingLoss", {"margin": 0.2}, [Y, Y2, SIGN3]),
    ("MarginRankingLoss", {}, [Y[:, 0].copy(), Y2[:, 0].copy(), SIGN3]),
    ("TripletMarginLoss", {"swap": True}, [Y, Y2, P]), ("TripletMarginWithDistanceLoss", {}, [Y, Y2, P]),
    ("CTCLoss", {"zero_infinity": True}, [_ctc_case(), np.array([[1, 2], [3, 3], [4, 0]]), np.array([8, 8, 5]),
                                          np.array([2, 2, 1])]),
    ("CosineSimilarity", {"dim": 0}, [Y, Y2]), ("PairwiseDistance", {"p": 1.0}, [Y, Y2]),
]


@pytest.mark.parametrize("name,kwargs,arrays", MODULE_CASES, ids=lambda v: v if isinstance(v, str) else "")
def test_loss_modules_match_torch(name, kwargs, arrays):
    me, mt = getattr(enn, name)(**kwargs), getattr(torch.nn, name)(**kwargs)
    assert repr(me) == repr(mt)
    grads = [a.dtype.kind == "f" and (i == 0 or name != "SoftMarginLoss") for i, a in enumerate(arrays)]
    ea = [_convert(a, "float64", ember, g) for a, g in zip(arrays, grads)]
    ta = [_convert(a, "float64", torch, g) for a, g in zip(arrays, grads)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        oe, ot = me(*ea), mt(*ta)
    np.testing.assert_allclose(oe.detach().numpy(), ot.detach().numpy(), rtol=1e-9, atol=1e-12)
    oe.sum().backward()
    ot.sum().backward()
    for a, b in zip(ea, ta):
        if b.grad is not None:
            np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-8, atol=1e-12)


def test_weighted_loss_modules_register_weight_buffers():
    w = ember.ones(5)
    m = enn.CrossEntropyLoss(weight=w, ignore_index=3)
    assert list(m.state_dict()) == list(torch.nn.CrossEntropyLoss(weight=torch.ones(5)).state_dict()) == ["weight"]
    assert m.ignore_index == 3 and m.reduction == "mean" and m.label_smoothing == 0.0
    b = enn.BCEWithLogitsLoss(pos_weight=ember.ones(2))
    assert list(b.state_dict()) == ["pos_weight"]
    assert enn.NLLLoss().weight is None


def test_top_level_loss_functions_take_reduction_enums():
    a, b = ember.tensor(Y), ember.tensor(Q)
    ta, tb = torch.tensor(Y), torch.tensor(Q)
    for r in (0, 1, 2):
        np.testing.assert_allclose(ember.binary_cross_entropy_with_logits(a, b, reduction=r).numpy(),
                                   torch.binary_cross_entropy_with_logits(ta, tb, reduction=r).numpy())
        np.testing.assert_allclose(ember.kl_div(a, b, r).numpy(), torch.kl_div(ta, tb, r).numpy())
        np.testing.assert_allclose(ember.hinge_embedding_loss(a, b, 1.0, r).numpy(),
                                   torch.hinge_embedding_loss(ta, tb, 1.0, r).numpy())
    # called without a reduction, PyTorch's bindings return the unreduced loss
    assert ember.kl_div(a, b).shape == tuple(torch.kl_div(ta, tb).shape)
    unreduced = torch.binary_cross_entropy_with_logits(ta, tb)
    assert ember.binary_cross_entropy_with_logits(a, b).shape == tuple(unreduced.shape)


def test_nll_loss2d_is_a_deprecated_nll_loss():
    with pytest.warns(FutureWarning, match="NLLLoss2d"):
        m = enn.NLLLoss2d()
    x = ember.tensor(np.log(_probs((2, 3, 4, 4))))
    t = ember.tensor(R.integers(0, 3, (2, 4, 4)))
    np.testing.assert_allclose(m(x, t).numpy(), EF.nll_loss(x, t).numpy())


def test_adaptive_log_softmax_matches_torch():
    te = enn.AdaptiveLogSoftmaxWithLoss(8, 10, [3, 6], div_value=2.0, head_bias=True)
    tt = torch.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3, 6], div_value=2.0, head_bias=True).double()
    names_e = [n for n, _ in te.named_parameters()]
    assert names_e == [n for n, _ in tt.named_parameters()]
    for (_, pe), (_, pt) in zip(te.named_parameters(), tt.named_parameters()):
        assert tuple(pe.shape) == tuple(pt.shape)
    te = te.double()
    with ember.no_grad():
        for (_, pe), (_, pt) in zip(te.named_parameters(), tt.named_parameters()):
            pe.copy_(ember.tensor(pt.detach().numpy()))
    a = R.standard_normal((6, 8))
    target = np.array([0, 4, 9, 2, 7, 5])
    xe, xt = ember.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    oe, ot = te(xe, ember.tensor(target)), tt(xt, torch.tensor(target))
    np.testing.assert_allclose(oe.output.detach().numpy(), ot.output.detach().numpy(), rtol=1e-10)
    np.testing.assert_allclose(oe.loss.item(), ot.loss.item(), rtol=1e-10)
    oe.loss.backward()
    ot.loss.backward()
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-9)
    for (_, pe), (_, pt) in zip(te.named_parameters(), tt.named_parameters()):
        np.testing.assert_allclose(pe.grad.numpy(), pt.grad.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(te.log_prob(xe).detach().numpy(), tt.log_prob(xt).detach().numpy(), rtol=1e-10)
    np.testing.assert_array_equal(te.predict(xe).numpy(), tt.predict(xt).numpy())
    with pytest.raises(ValueError, match="cutoffs should be a sequence"):
        enn.AdaptiveLogSoftmaxWithLoss(8, 10, [6, 3])
    with pytest.raises(RuntimeError, match="Target values should be in"):
        te(xe, ember.tensor([0, 1, 2, 3, 4, 12]))


@pytest.mark.parametrize("kwargs", [{}, {"out_features": (2, 3), "bias": True, "label_smoothing": 0.1,
                                         "ignore_index": 1}])
def test_linear_cross_entropy_loss_matches_torch(kwargs):
    mt = torch.nn.LinearCrossEntropyLoss(4, 5, **kwargs).double()
    me = enn.LinearCrossEntropyLoss(4, 5, **kwargs).double()
    assert repr(me) == repr(mt)
    with ember.no_grad():
        for (_, pe), (_, pt) in zip(me.named_parameters(), mt.named_parameters()):
            pe.copy_(ember.tensor(pt.detach().numpy()))
    x = R.standard_normal((6, 4))
    t = R.integers(0, 5, (6,) + kwargs.get("out_features", ()))
    xe, xt = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    le, lt = me(xe, ember.tensor(t)), mt(xt, torch.tensor(t))
    np.testing.assert_allclose(le.item(), lt.item(), rtol=1e-10)
    le.backward()
    lt.backward()
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-9, atol=1e-14)
    np.testing.assert_allclose(me.linear.weight.grad.numpy(), mt.linear.weight.grad.numpy(), rtol=1e-9, atol=1e-14)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32", "float64"])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_fused_loss_backward_kernels_match_decompositions(dtype, reduction):
    from ember._dispatch import apply
    dt = getattr(ember, dtype)
    x = ember.tensor(XK).to(dt)
    t = ember.tensor(np.where(TK == 1, -100, TK))
    w = ember.tensor(W5[:3]).to(dt)
    g = ember.tensor(R.standard_normal((2, 4, 5)) if reduction == "none" else np.array(0.7)).to(dt)
    tol = {"float16": 1e-2, "bfloat16": 5e-2}.get(dtype, 1e-6)
    for op, params in ((L.CROSS_ENTROPY_BACKWARD, (-100, reduction, 0.2)), (L.NLL_LOSS_BACKWARD, (-100, reduction))):
        k = apply(op, (g, x, t, w), params, dt)
        d = op.decomposition(g, x, t, w, *params)
        assert k.dtype is dt
        np.testing.assert_allclose(k.float().numpy(), d.float().numpy(), rtol=tol, atol=tol)
