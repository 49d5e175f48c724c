"""Math functions (ember/ops/math.py) against PyTorch: values, result dtypes, errors, methods, in-place variants,
gradients (first and second order); and every composite's decomposition against its fused kernel."""
import math

import ember
import numpy as np
import pytest
import torch
from ember._op import OPS

from ._helpers import ALL, FLOATS
from .test_elementwise import (
    Arg,
    assert_same,
    grad_check,
    make_args,
    run,
    run_cases,
    values,
)

F64 = "float64"

UNARY = {
    # name: (low, high) of the float samples
    "sqrt": (0.1, 5), "rsqrt": (0.1, 5), "exp2": (-3, 3), "expm1": (-3, 3), "log2": (0.1, 5), "log10": (0.1, 5),
    "log1p": (-0.9, 5), "sin": (-4, 4), "cos": (-4, 4), "tan": (-1.2, 1.2), "asin": (-0.9, 0.9),
    "arcsin": (-0.9, 0.9), "acos": (-0.9, 0.9), "arccos": (-0.9, 0.9), "atan": (-3, 3), "arctan": (-3, 3),
    "sinh": (-3, 3), "arcsinh": (-3, 3), "cosh": (-3, 3), "tanh": (-3, 3), "asinh": (-3, 3), "acosh": (1.1, 5),
    "arccosh": (1.1, 5), "atanh": (-0.9, 0.9), "arctanh": (-0.9, 0.9), "sigmoid": (-6, 6), "logit": (0.05, 0.95),
    "erf": (-3, 3), "erfc": (-3, 3), "erfinv": (-0.95, 0.95), "lgamma": (0.1, 6), "digamma": (0.1, 6),
    "deg2rad": (-360, 360), "rad2deg": (-4, 4), "floor": (-9, 9), "ceil": (-9, 9), "round": (-9, 9),
    "trunc": (-9, 9), "fix": (-9, 9), "frac": (-9, 9),
}
SPECIALS = np.array([0.0, -0.0, np.nan, np.inf, -np.inf, 1.0, -1.0, 0.5, -0.5, 2.0, -2.5, 1e-8, 30.0, -30.0])
# (rtol, atol) where PyTorch's own float64 approximation is less accurate than ours (or the reverse)
SPECIAL_TOL = {"digamma": (1e-9, 1e-9), "lgamma": (1e-12, 1e-12), "erfinv": (1e-12, 1e-12)}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary(name):
    lo, hi = UNARY[name]
    cases = [[Arg(d, low=lo, high=hi)] for d in ALL] + [[Arg("float32", (), lo, hi)], [Arg("float64", (0, 3))],
                                                          [2.0]]
    run_cases(name, cases)
    run_cases(name, [[Arg(d, data=SPECIALS)] for d in FLOATS if d != F64])
    run_cases(name, [[Arg(F64, data=SPECIALS)]], tol=SPECIAL_TOL.get(name))
    run_cases(name, [[Arg("float32", low=lo, high=hi)]], method=True)


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_inplace(name):
    lo, hi = UNARY[name]
    rng = np.random.default_rng(sum(map(ord, name)))
    for d in ("float32", "float16", "int64", "bool"):
        targs, eargs = make_args([Arg(d, low=lo, high=hi)], rng)
        run(lambda s: getattr(s.clone(), name + "_")(), lambda s: getattr(s.clone(), name + "_")(), targs, eargs,
            where=f"{name}_({d})")
    x = ember.tensor(values((4,), "float32", rng, lo, hi))
    assert getattr(x, name + "_")() is x


def test_round_decimals():
    cases = [[Arg(d, low=-500, high=500)] for d in FLOATS]
    for dec in (0, 1, 2, 3, -1, -2):
        run_cases("round", cases, kwargs={"decimals": dec})
    run_cases("round", [[Arg("int64")], [Arg("bool")]])
    run_cases("round", [[Arg("int64")]], kwargs={"decimals": 1})
    run_cases("round", [[Arg("float64", data=np.array([0.5, 1.5, 2.5, -0.5, -1.5, 0.125, 0.375]))]])
    run_cases("round", [[Arg("float64", data=np.array([0.125, 0.375, 1.25, 2.675]))]], kwargs={"decimals": 2})


def test_logit_eps():
    x = [Arg(d, low=-0.2, high=1.2) for d in FLOATS]
    for eps in (0.1, 1e-6, 0.0):
        run_cases("logit", [[a] for a in x], kwargs={"eps": eps})
    run_cases("logit", [[Arg("float64", data=np.array([0.0, 1.0, -0.5, 2.0, 0.5]))]])


@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, -1])
def test_polygamma(n):
    rng = np.random.default_rng(n + 10)
    for d in ALL:
        tol = (1e-8, 1e-8) if n == 1 and d == F64 else None  # PyTorch's float64 trigamma: ~5e-10 relative
        # integer inputs stay positive: PyTorch's trigamma returns large finite values at negative integers
        data = rng.integers(0, 2, (3, 4)) if d == "bool" else None if d in FLOATS else rng.integers(1, 7, (3, 4))
        targs, eargs = make_args([Arg(d, low=0.5, high=6, data=data)], rng)
        run(torch.polygamma, ember.polygamma, [n] + targs, [n] + eargs, where=f"polygamma({n}, {d})", tol=tol)
    xs = Arg(F64, data=np.array([-0.5, -1.25, -2.75, 0.01, 30.0, 0.0, np.inf, np.nan, -np.inf, -1e3 - 0.5]))
    targs, eargs = make_args([xs], rng)
    if n >= 2:
        run(torch.polygamma, ember.polygamma, [n] + targs, [n] + eargs, where=f"polygamma({n}, specials)")
    tol = (1e-8, 1e-8) if n == 1 else None
    run(lambda t: t.polygamma(n), lambda t: t.polygamma(n), targs, eargs, where="Tensor.polygamma", tol=tol)


BINARY = {
    "atan2": [], "arctan2": [], "hypot": [], "copysign": [[Arg("float32"), 2.5], [Arg("int32"), -2],
                                                         [Arg("float32"), -0.0], [2.0, Arg("float32")]],
    "xlogy": [[Arg("float32"), 2.5], [2, Arg("float32")], [Arg("int64"), 3]],
    "logaddexp": [], "logaddexp2": [], "nextafter": [], "ldexp": [[Arg("float32"), 2]],
    "maximum": [[Arg("float32"), 2]], "minimum": [], "fmax": [], "fmin": [],
}


def _binary_cases(extra):
    return ([[Arg(d), Arg(d, (4,))] for d in ALL]
            + [[Arg(a), Arg(b, (4,))] for a, b in (("int32", "float32"), ("uint8", "int8"), ("float16", "float32"),
                                                     ("bool", "int64"), ("float32", "int64"), ("bfloat16", "float16"))]
            + [[Arg("float16"), Arg("float32", ())], [Arg("int32", ()), Arg("float64")],
               [Arg("float32", (2, 3)), Arg("float32", (4,))], [Arg("float32"), 2.0]]
            + extra)


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary(name):
    run_cases(name, _binary_cases(BINARY[name]))


def test_binary_specials():
    x = Arg(F64, data=np.array([np.nan, 1.0, np.nan, -0.0, 2.0, np.inf, -np.inf, 0.0, 0.0, np.inf]))
    y = Arg(F64, data=np.array([1.0, np.nan, np.nan, 0.0, 2.0, np.inf, np.inf, np.nan, 0.0, -np.inf]))
    for name in BINARY:
        run_cases(name, [[x, y], [y, x]])
        run_cases(name, [[Arg("float16", data=x.data), Arg("float16", data=y.data)]])


def test_lerp():
    cases = [[Arg(d), Arg(d, (4,)), w] for d in ALL for w in (0.3, 0.75, 2)] + [
        [Arg("float32"), Arg("float32", (4,)), Arg("float32", (3, 1), 0, 1)],
        [Arg("float64"), Arg("float64"), Arg("float64", low=-1, high=2)],
        [Arg("float32"), Arg("float64"), 0.5], [Arg("float32"), Arg("float32"), Arg("float64")],
        [Arg("float32", (2, 3)), Arg("float32", (4,)), 0.5], [Arg("float16"), Arg("float16"), Arg("float16")],
        [Arg("float32"), 2.0, 0.5]]
    run_cases("lerp", cases)
    run_cases("lerp", [[Arg("float32"), Arg("float32"), 0.25]], method=True)


CLAMP_CASES = (
    [[Arg(d), -1, 2] for d in ALL] + [[Arg(d), 0.5] for d in ALL]
    + [[Arg("float32"), None, 1.0], [Arg("float32"), 2.0, -1.0], [Arg("uint8"), 2, 5], [Arg("int32"), 0.5, 2],
       [Arg("float32"), Arg("float32", (4,)), Arg("float32", (3, 1), 3, 5)], [Arg("float32"), Arg("float32")],
       [Arg("float32"), None, Arg("float32", (1, 4))], [Arg("int32"), Arg("float64", ())],
       [Arg("float32"), Arg("float32", (4,)), 1.0], [Arg("float32"), -1.0, Arg("float32", (4,))],
       [Arg("int8"), Arg("int64", ())], [Arg("float32")], [Arg("float32"), None, None],
       [Arg("float32", data=np.array([np.nan, -5.0, 5.0, 0.0])), -1.0, 1.0],
       [Arg("float32", data=np.array([1.0, 2.0])), float("nan")],
       [Arg("float32", (2, 3)), Arg("float32", (4,)), 1.0], [Arg("bool"), False], [2.0, 1.0]]
)


@pytest.mark.parametrize("name", ["clamp", "clip"])
def test_clamp(name):
    run_cases(name, CLAMP_CASES)
    run_cases(name, [[Arg("float32"), 0.0, 1.0]], method=True)


@pytest.mark.parametrize("name", ["clamp_min", "clamp_max"])
def test_clamp_one_sided(name):
    run_cases(name, [[Arg(d), 1] for d in ALL if d != "bool"] + [[Arg("float32"), Arg("float32", (4,))],
                                                                [Arg("int32"), 1.5], [Arg("float32"), 0.5]])


def test_math_inplace_binary():
    rng = np.random.default_rng(7)
    cases = {"clamp_": ([Arg("float32"), -1.0, 1.0], [Arg("int32"), 0.5]), "atan2_": ([Arg("float32"),
                                                                                     Arg("float32", (4,))],),
             "hypot_": ([Arg("float32"), Arg("float32")],), "copysign_": ([Arg("float32"), -1.0],),
             "xlogy_": ([Arg("float32"), 2.0],), "lerp_": ([Arg("float32"), Arg("float32"), 0.5],),
             "clamp_min_": ([Arg("float32"), 0.0],), "clamp_max_": ([Arg("float32"), 0.0],),
             "nextafter_": ([Arg("float32"), Arg("float32")],), "ldexp_": ([Arg("float32"), Arg("int64")],),
             "clip_": ([Arg("float32"), 0.0, 1.0],), "polygamma_": ([Arg("float32", low=0.5, high=4), 1],)}
    for name, cs in cases.items():
        for args in cs:
            targs, eargs = make_args(args, rng)
            def call(s, *a, name=name):
                return getattr(s.clone(), name)(*a)
            run(call, call, targs, eargs, where=f"{name}{tuple(args)}")


@pytest.mark.parametrize("name,args", [("sqrt", ()), ("clamp", (0.0, 1.0)), ("atan2", (Arg("float32"),)),
                                       ("lerp", (Arg("float32"), 0.5)), ("round", ()), ("sigmoid", ())])
def test_out(name, args):
    rng = np.random.default_rng(8)
    targs, eargs = make_args([Arg("float32")] + list(args), rng)
    tout = torch.empty(3, 4)
    eout = ember.empty(3, 4)
    assert getattr(ember, name)(*eargs, out=eout) is eout
    assert_same(eout, getattr(torch, name)(*targs, out=tout), f"{name}(out=)")


# --- gradients -----------------------------------------------------------------------------------

SECOND_ORDER = {"sqrt", "sin", "cos", "tanh", "sigmoid", "exp2", "log1p", "tan", "sinh", "cosh", "erf", "erfinv",
                "rsqrt", "lgamma"}
GRAD_UNARY = sorted(set(UNARY) - {"fix", "arcsin", "arccos", "arctan", "arcsinh", "arccosh", "arctanh"})


@pytest.mark.parametrize("name", GRAD_UNARY)
def test_unary_gradients(name):
    lo, hi = UNARY[name]
    rng = np.random.default_rng(sum(map(ord, name)))
    grad_check(getattr(torch, name), getattr(ember, name), [Arg(F64, low=lo, high=hi)], rng, name,
               second_order=name in SECOND_ORDER, tol=(1e-8, 1e-8))


def test_special_gradients():
    rng = np.random.default_rng(9)
    for n in (0, 1, 2):
        grad_check(lambda x, n=n: torch.polygamma(n, x), lambda x, n=n: ember.polygamma(n, x),
                   [Arg(F64, low=0.5, high=4)], rng, f"polygamma({n})", tol=(1e-7, 1e-7))
    x = Arg(F64, data=np.array([-0.5, 0.0, 0.2, 0.5, 1.0, 1.5]))
    grad_check(torch.logit, ember.logit, [x], rng, "logit")
    grad_check(lambda t: torch.logit(t, 0.25), lambda t: ember.logit(t, 0.25), [x], rng, "logit eps")
    grad_check(lambda t: torch.round(t, decimals=1), lambda t: ember.round(t, decimals=1), [Arg(F64)], rng, "round")


BINARY_GRADS = {
    "atan2": [Arg(F64), Arg(F64, (4,))], "hypot": [Arg(F64), Arg(F64, (4,))],
    "copysign": [Arg(F64), Arg(F64, (4,))], "xlogy": [Arg(F64), Arg(F64, (4,), 0.1, 3)],
    "logaddexp": [Arg(F64), Arg(F64, (4,))], "logaddexp2": [Arg(F64), Arg(F64, (4,))],
    "nextafter": [Arg(F64), Arg(F64)], "ldexp": [Arg(F64), Arg(F64, (4,))], "maximum": [Arg(F64), Arg(F64, (4,))],
    "minimum": [Arg(F64), Arg(F64, (4,))], "fmax": [Arg(F64), Arg(F64, (4,))], "fmin": [Arg(F64), Arg(F64, (4,))],
}


@pytest.mark.parametrize("name", sorted(BINARY_GRADS))
def test_binary_gradients(name):
    rng = np.random.default_rng(sum(map(ord, name)))
    grad_check(getattr(torch, name), getattr(ember, name), BINARY_GRADS[name], rng, name,
               second_order=name in ("atan2", "hypot", "logaddexp", "xlogy", "maximum"))


def test_subgradients():
    rng = np.random.default_rng(11)
    a = Arg(F64, data=np.array([1.0, 2.0, np.nan, 3.0, -1.0, 0.0]))
    b = Arg(F64, data=np.array([1.0, 1.0, 2.0, np.nan, -1.0, -0.0]))
    for name in ("maximum", "minimum", "fmax", "fmin"):
        grad_check(getattr(torch, name), getattr(ember, name), [a, b], rng, f"{name} ties/nan")
    grad_check(torch.copysign, ember.copysign, [Arg(F64, data=np.array([0.0, -0.0, 1.5, -2.0])), Arg(F64, (4,))],
               rng, "copysign at 0")
    grad_check(torch.copysign, ember.copysign, [Arg(F64), -2.0], rng, "copysign scalar")
    grad_check(torch.xlogy, ember.xlogy, [Arg(F64, data=np.array([0.0, 0.0, 1.0, 2.0])),
                                          Arg(F64, data=np.array([0.0, 2.0, 0.5, 3.0]))], rng, "xlogy at 0")
    grad_check(torch.xlogy, ember.xlogy, [2.0, Arg(F64, low=0.1, high=3)], rng, "xlogy scalar self")
    x = Arg(F64, data=np.array([-2.0, -1.0, 0.0, 0.5, 1.0, 2.0]))
    grad_check(lambda t: torch.clamp(t, -1.0, 1.0), lambda t: ember.clamp(t, -1.0, 1.0), [x], rng, "clamp bounds",
               second_order=True)
    grad_check(lambda t: torch.clamp(t, 1.0, -1.0), lambda t: ember.clamp(t, 1.0, -1.0), [x], rng, "clamp min>max")
    lo = Arg(F64, data=np.array([-1.0, -1.0, 0.0, 1.0, 2.0, 3.0]))
    hi = Arg(F64, data=np.array([1.0, -1.0, 0.0, 0.5, 1.0, 1.0]))
    grad_check(torch.clamp, ember.clamp, [x, lo, hi], rng, "clamp tensors", second_order=True)
    grad_check(lambda t, m: torch.clamp(t, min=m), lambda t, m: ember.clamp(t, min=m), [x, lo], rng, "clamp min")
    grad_check(lambda t, m: torch.clamp(t, max=m), lambda t, m: ember.clamp(t, max=m), [x, hi], rng, "clamp max")
    grad_check(torch.clamp_min, ember.clamp_min, [x, lo], rng, "clamp_min")
    grad_check(torch.clamp_max, ember.clamp_max, [x, 0.5], rng, "clamp_max scalar")
    grad_check(torch.lerp, ember.lerp, [Arg(F64), Arg(F64, (4,)), 0.3], rng, "lerp", second_order=True)
    grad_check(torch.lerp, ember.lerp, [Arg(F64), Arg(F64, (4,)), Arg(F64, (3, 1))], rng, "lerp tensor weight",
               second_order=True)
    # PyTorch's LdexpBackward computes 2 ** other in integer arithmetic (0 for negative integer exponents);
    # ember's gradient is the exact one, so compare on non-negative integer exponents only
    grad_check(torch.ldexp, ember.ldexp, [Arg(F64), Arg("int64", data=np.array([0, 1, 3, 2]))], rng,
               "ldexp int exponent")
    grad_check(torch.sqrt, ember.sqrt, [Arg(F64, data=np.array([0.0, 1.0, 4.0]))], rng, "sqrt at 0")


# --- composites: decomposition == fused kernel ---------------------------------------------------

def _decomp_cases():
    rng = np.random.default_rng(12)

    def t(shape=(3, 4), lo=-2.0, hi=2.0, dt="float64"):
        return ember.tensor(values(shape, dt, rng, lo, hi)).to(getattr(ember, dt))

    pos = {"lo": 0.2, "hi": 3.0}
    unit = {"lo": -0.9, "hi": 0.9}
    cases = {
        "sub": [(t(), t((4,))), (t(dt="int64"), t(dt="int64"))], "square": [(t(),), (t(dt="int32"),)],
        "reciprocal": [(t(**pos),)], "rsqrt": [(t(**pos),)], "exp2": [(t(),)], "expm1": [(t(),)],
        "log2": [(t(**pos),)], "log10": [(t(**pos),)], "log1p": [(t(**pos),)], "tan": [(t(**unit),)],
        "acos": [(t(**unit),)], "sinh": [(t(),)], "cosh": [(t(),)], "tanh": [(t(),)], "asinh": [(t(),)],
        "acosh": [(t(lo=1.1, hi=4),)], "atanh": [(t(**unit),)], "sigmoid": [(t(),)], "erfc": [(t(),)],
        "deg2rad": [(t(),)], "rad2deg": [(t(),)], "frac": [(t(lo=-9, hi=9),)],
        "logit": [(t(lo=0.1, hi=0.9), None), (t(lo=-0.5, hi=1.5), 0.2)],
        "hypot": [(t(), t((4,)))], "copysign": [(t(), t((4,)))],
        "xlogy": [(ember.tensor([0.0, 0.0, 1.5, 2.0], dtype=ember.float64),
                   ember.tensor([0.0, float("nan"), 0.5, 3.0], dtype=ember.float64))],
        "logaddexp": [(t(), t((4,))), (ember.tensor([float("inf"), -float("inf"), 1.0], dtype=ember.float64),
                                       ember.tensor([float("inf"), -float("inf"), 1.0], dtype=ember.float64))],
        "logaddexp2": [(t(), t((4,)))],
        "lerp": [(t(), t((4,)), 0.3), (t(), t(), 0.8)], "lerp_tensor": [(t(), t((4,)), t((3, 1)))],
        "fmax": [(ember.tensor([1.0, float("nan"), float("nan"), 2.0], dtype=ember.float64),
                  ember.tensor([float("nan"), 1.0, float("nan"), 3.0], dtype=ember.float64))],
        "clamp": [(t(), -1.0, 1.0), (t(), None, 0.5), (t(), 1.0, -1.0), (t(dt="int32"), -1, 2)],
        "clamp_tensor": [(t(), t((4,)), t((3, 1), lo=2, hi=3))], "clamp_min": [(t(), t((4,)))],
        "clamp_max": [(t(), t((4,)))],
        "remainder": [(t(), t((4,), **pos)), (t(dt="int64"), ember.tensor([1, 2, -3, 4]))],
        "fmod": [(t(), t((4,), **pos)), (t(dt="int64"), ember.tensor([1, 2, -3, 4]))],
        "div_trunc": [(t(), t((4,), **pos)), (ember.tensor([7, -7, 7, -7, 0]), ember.tensor([2, 2, -2, -2, 3]))],
        "floor_divide": [(t(), t((4,), **pos)), (ember.tensor([7, -7, 7, -7]), ember.tensor([2, 2, -2, -2]))],
        "nan_to_num": [(ember.tensor([float("nan"), float("inf"), -float("inf"), 1.0], dtype=ember.float32),
                        0.0, None, None),
                       (ember.tensor([float("nan"), float("inf"), 1.0], dtype=ember.float64), 1.0, 2.0, -2.0),
                       (ember.tensor([1, 2]), 0.0, None, None)],
        "isclose": [(t(), t(), 1e-5, 1e-8, False),
                    (ember.tensor([float("nan"), 1.0, 2.0]), ember.tensor([float("nan"), 1.0 + 1e-6, 3.0]), 1e-5,
                     1e-8, True),
                    (ember.tensor([10, 11], dtype=ember.uint8), ember.tensor([11, 10], dtype=ember.uint8), 0.0, 1.0,
                     False)],
    }
    fmin = [(a, b) for a, b in cases["fmax"]]
    cases["fmin"] = fmin
    return cases


def test_every_composite_has_a_decomposition_case():
    declared = {n for n, op in OPS.items() if op.family in ("elementwise", "math") and op.decomposition is not None}
    assert declared == set(_decomp_cases()), declared ^ set(_decomp_cases())


@pytest.mark.parametrize("name", sorted(_decomp_cases()))
def test_decomposition_matches_kernel(name):
    from ember._dispatch import apply
    op = OPS[name]
    for args in _decomp_cases()[name]:
        tensors = tuple(a for a in args if isinstance(a, ember.Tensor))
        params = tuple(a for a in args if not isinstance(a, ember.Tensor))
        fused = apply(op, tensors, params, _dtype_of(name, tensors))
        decomposed = op.decomposition(*tensors, *params)
        assert decomposed.dtype is fused.dtype, f"{name}: {decomposed.dtype} vs {fused.dtype}"
        np.testing.assert_allclose(decomposed.numpy().astype(np.float64), fused.numpy().astype(np.float64),
                                   rtol=1e-9, atol=1e-12, equal_nan=True, err_msg=name)


def _dtype_of(name, tensors):
    return ember.bool if name == "isclose" else tensors[0].dtype


def test_math_keeps_backend_and_shape():
    x = ember.ones(2, 3)
    for name in ("sqrt", "sigmoid", "erf", "floor"):
        y = getattr(ember, name)(x)
        assert y.shape == x.shape and y.device == x.device
    assert math.isclose(ember.erfinv(ember.tensor(0.5)).item(), 0.4769362762044699, rel_tol=1e-6)
