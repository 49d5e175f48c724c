"""Special functions (ember/ops/special.py) against PyTorch: addcmul, addcdiv, gcd, lcm, heaviside, sinc, i0,
frexp -- values, result dtypes, errors, methods, in-place variants, gradients (first and second order), and each
composite's decomposition against its fused kernel."""
import ember
import numpy as np
import pytest
import torch
from ember._dispatch import apply
from ember._op import OPS

from .test_elementwise import (
    ALL,
    FLOATS,
    INTS,
    Arg,
    grad_check,
    make_args,
    run,
    run_cases,
    values,
)

F64 = "float64"
SPECIALS = np.array([0.0, -0.0, np.nan, np.inf, -np.inf, 1.0, -1.0, 0.5, -2.5, 1e-8, 7.9, 8.0, 8.5, 30.0, -30.0])


# --- addcmul / addcdiv ----------------------------------------------------------------------

def _addc_cases(divide):
    pos = {"low": 0.5, "high": 3.0} if divide else {}
    same = [[Arg(d), Arg(d, (4,)), Arg(d, (3, 1), **pos)] for d in ALL]
    mixed = [[Arg(a), Arg(b, (4,)), Arg(c, (3, 4), **pos)] for a, b, c in (
        ("int32", "float32", "float32"), ("float16", "float32", "float32"), ("int64", "int64", "float64"),
        ("float32", "int64", "float32"), ("bfloat16", "float16", "bfloat16"), ("uint8", "int8", "int8"),
        ("float32", "float32", "int32"), ("float32", "int64", "int64"), ("bool", "float32", "float32"))]
    zero_d = [[Arg("float16"), Arg("float16"), Arg("float64", (), **pos)], [Arg("int32", ()), Arg("int32"),
                                                                            Arg("float32", (), **pos)]]
    errors = [[Arg("float32", (2, 3)), Arg("float32", (4,)), Arg("float32", (4,), **pos)],
              [Arg("float32"), Arg("float32"), 2.0], [2.0, Arg("float32"), Arg("float32", **pos)]]
    return same + mixed + zero_d + errors


@pytest.mark.parametrize("name", ["addcmul", "addcdiv"])
@pytest.mark.parametrize("value", [None, 0.5, -2, 3.0, True])
def test_addc_values(name, value):
    kwargs = None if value is None else {"value": value}
    run_cases(name, _addc_cases(name == "addcdiv"), kwargs=kwargs)


@pytest.mark.parametrize("name", ["addcmul", "addcdiv"])
def test_addc_method_inplace_out(name):
    rng = np.random.default_rng(7)
    specs = [Arg("float32"), Arg("float32", (4,)), Arg("float32", (3, 1), 0.5, 3.0)]
    targs, eargs = make_args(specs, rng)
    run(lambda x, a, b: getattr(x, name)(a, b, value=0.25), lambda x, a, b: getattr(x, name)(a, b, value=0.25),
        targs, eargs, where=f"Tensor.{name}")
    run(lambda x, a, b: getattr(x.clone(), name + "_")(a, b, value=2), lambda x, a, b: getattr(x.clone(), name + "_")(
        a, b, value=2), targs, eargs, where=f"Tensor.{name}_")
    x = eargs[0].clone()
    assert getattr(x, name + "_")(eargs[1], eargs[2]) is x
    out = ember.empty(3, 4)
    assert getattr(ember, name)(*eargs, out=out) is out
    np.testing.assert_allclose(out.numpy(), getattr(torch, name)(*targs).numpy(), rtol=1e-6)
    # an integer tensor cannot hold the float result in place
    ti, ei = make_args([Arg("int64"), Arg("float32", (4,)), Arg("float32", (4,), 0.5, 3.0)], rng)
    run(lambda x, a, b: getattr(x.clone(), name + "_")(a, b), lambda x, a, b: getattr(x.clone(), name + "_")(a, b),
        ti, ei, where=f"int {name}_ with float tensors")


@pytest.mark.parametrize("name", ["addcmul", "addcdiv"])
def test_addc_grads(name):
    rng = np.random.default_rng(3)
    for value in (1, 0.7, -2.0):
        specs = [Arg(F64, (3, 1)), Arg(F64, (4,)), Arg(F64, (3, 4), 0.5, 3.0)]
        grad_check(lambda x, a, b, v=value: getattr(torch, name)(x, a, b, value=v),
                   lambda x, a, b, v=value: getattr(ember, name)(x, a, b, value=v), specs, rng, f"{name} value={value}",
                   second_order=True)


# --- gcd / lcm / heaviside ----------------------------------------------------------------------

INT_PAIRS = ([[Arg(d, low=-9, high=9), Arg(d, (4,))] for d in INTS]
             + [[Arg("uint8"), Arg("int8", (4,))], [Arg("int32"), Arg("int64", ())], [Arg("int16", ()), Arg("int8")]]
             + [[Arg("int64", data=np.array([0, 0, -4, 6, -6, 2 ** 40, 7])),
                 Arg("int64", data=np.array([0, 5, 6, -4, -9, 3, 7]))],
                [Arg("int8", data=np.array([100, -100, 64])), Arg("int8", data=np.array([3, 3, 3]))]]
             + [[Arg("float32"), Arg("float32")], [Arg("bool"), Arg("bool")], [Arg("int32"), Arg("float32")],
                [Arg("int64"), 2], [Arg("int32", (2, 3)), Arg("int32", (4,))]])


@pytest.mark.parametrize("name", ["gcd", "lcm"])
def test_gcd_lcm(name):
    run_cases(name, INT_PAIRS)
    run_cases(name, [[Arg("int32"), Arg("int32")]], method=True)
    rng = np.random.default_rng(2)
    targs, eargs = make_args([Arg("int64"), Arg("int64")], rng)
    run(lambda x, y: getattr(x.clone(), name + "_")(y), lambda x, y: getattr(x.clone(), name + "_")(y), targs, eargs,
        where=f"{name}_")


def test_heaviside():
    cases = ([[Arg(d, low=-2, high=2), Arg(d, (4,))] for d in ALL]
             + [[Arg(d, data=SPECIALS), Arg(d, ())] for d in FLOATS]
             + [[Arg("int64", data=np.array([-2, 0, 3])), Arg("int64", ())]]
             + [[Arg("int64"), Arg("float32")], [Arg("float32"), Arg("float64", ())], [Arg("float32"), 0.5],
                [Arg("float32", (2, 3)), Arg("float32", (4,))]])
    run_cases("heaviside", cases)
    run_cases("heaviside", [[Arg("float32", low=-1, high=1), Arg("float32")]], method=True)
    rng = np.random.default_rng(4)
    targs, eargs = make_args([Arg("float32", data=np.array([-1.0, 0.0, 2.0])), Arg("float32", (3,))], rng)
    run(lambda x, v: x.clone().heaviside_(v), lambda x, v: x.clone().heaviside_(v), targs, eargs, where="heaviside_")


def test_heaviside_has_no_derivative():
    for mod in (torch, ember):
        x = mod.tensor([-1.0, 0.0, 2.0], requires_grad=True)
        y = mod.heaviside(x, mod.tensor([0.5]))
        assert y.requires_grad
        with pytest.raises(RuntimeError, match="derivative for aten::heaviside is not implemented"):
            y.sum().backward()


# --- sinc / i0 ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["sinc", "i0"])
def test_unary_values(name):
    lo, hi = (-3, 3) if name == "sinc" else (-9, 9)
    cases = [[Arg(d, low=lo, high=hi)] for d in ALL] + [[Arg("float32", ())], [Arg(F64, (0, 3))], [2.0]]
    run_cases(name, cases)
    run_cases(name, [[Arg(d, data=SPECIALS)] for d in FLOATS if d != F64])
    run_cases(name, [[Arg(F64, data=SPECIALS)]], tol=(1e-12, 1e-12))
    run_cases(name, [[Arg("float32", low=lo, high=hi)]], method=True)


@pytest.mark.parametrize("name", ["sinc", "i0"])
def test_unary_inplace(name):
    rng = np.random.default_rng(5)
    for d in ("float32", "float16", "int64", "bool"):
        targs, eargs = make_args([Arg(d)], rng)
        run(lambda s: getattr(s.clone(), name + "_")(), lambda s: getattr(s.clone(), name + "_")(), targs, eargs,
            where=f"{name}_({d})")
    x = ember.tensor(values((4,), "float32", rng))
    assert getattr(x, name + "_")() is x


@pytest.mark.parametrize("name", ["sinc", "i0"])
def test_unary_grads(name):
    rng = np.random.default_rng(6)
    grad_check(getattr(torch, name), getattr(ember, name), [Arg(F64, (3, 4), -9, 9)], rng, name, second_order=True)
    # at 0 (sinc's removable singularity) and across i0's interval split at 8
    grad_check(getattr(torch, name), getattr(ember, name), [Arg(F64, data=np.array([0.0, 7.99, 8.0, 8.01, -8.5]))],
               rng, f"{name} at 0 and 8")


def test_i0_large_and_half():
    run_cases("i0", [[Arg(d, data=np.array([12.0, 50.0, 88.0, 700.0, 800.0]))] for d in FLOATS],
              tol=None)


# --- frexp --------------------------------------------------------------------------------------

def test_frexp():
    cases = ([[Arg(d, low=-100, high=100)] for d in FLOATS] + [[Arg(d, data=SPECIALS)] for d in FLOATS]
             + [[Arg(F64, data=np.array([1e-310, -5e-324, 2.0 ** 1023]))], [Arg("float32", data=np.array([1e-40]))],
                [Arg("float16", data=np.array([1e-7, 65504.0]))], [Arg("float32", ())], [Arg("float32", (0, 2))],
                [Arg("int64")], [Arg("bool")], [1.5]])
    run_cases("frexp", cases)
    run_cases("frexp", [[Arg("float64")]], method=True)
    m, e = ember.frexp(ember.tensor([3.0]))
    assert type(ember.frexp(ember.tensor([3.0]))).__name__ == "frexp" and m.item() == 0.75 and e.item() == 2
    out = (ember.empty(1), ember.empty(1, dtype=ember.int32))
    r = ember.frexp(ember.tensor([3.0]), out=out)
    assert r.mantissa is out[0] and r.exponent is out[1]


def test_frexp_grad():
    rng = np.random.default_rng(8)
    grad_check(lambda x: torch.frexp(x)[0], lambda x: ember.frexp(x)[0], [Arg(F64, (3, 4), -100, 100)], rng, "frexp")
    x = ember.tensor([3.0], requires_grad=True)
    assert not ember.frexp(x).exponent.requires_grad


# --- composites: decomposition == fused kernel ---------------------------------------------------

def _decomp_cases():
    rng = np.random.default_rng(12)

    def t(shape=(3, 4), lo=-2.0, hi=2.0, dt=F64):
        return ember.tensor(values(shape, dt, rng, lo, hi)).to(getattr(ember, dt))

    return {
        "addcmul": [(t(), t((4,)), t((3, 1)), 0.5), (t(dt="int32"), t(dt="int32"), t((4,), dt="int32"), -3)],
        "addcdiv": [(t(), t((4,)), t((3, 1), 0.5, 2.0), 0.5), (t(dt="float32"), t(dt="float32"), t(lo=1.0, dt="float32"), 2.0)],
        "sinc": [(t(),), (ember.tensor([0.0, 1.0, -0.5, 1e-9, float("inf")], dtype=ember.float64),)],
    }


def test_every_composite_has_a_decomposition_case():
    declared = {n for n, op in OPS.items() if op.family == "special" and op.decomposition is not None}
    assert declared == set(_decomp_cases())


@pytest.mark.parametrize("name", sorted(_decomp_cases()))
def test_decomposition_matches_kernel(name):
    op = OPS[name]
    for args in _decomp_cases()[name]:
        tensors = tuple(a for a in args if isinstance(a, ember.Tensor))
        params = tuple(a for a in args if not isinstance(a, ember.Tensor))
        fused = apply(op, tensors, params, tensors[0].dtype)
        decomposed = op.decomposition(*tensors, *params)
        assert decomposed.dtype is fused.dtype, f"{name}: {decomposed.dtype} vs {fused.dtype}"
        np.testing.assert_allclose(decomposed.numpy().astype(np.float64), fused.numpy().astype(np.float64),
                                   rtol=1e-7, atol=1e-7, equal_nan=True, err_msg=name)
