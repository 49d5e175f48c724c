"""Elementwise arithmetic, comparisons, logical/bitwise ops, predicates and Python operators against PyTorch.

Each case runs the same call on ``torch`` and ``ember`` and compares result dtype, shape and values; when torch
raises, ember must raise the same exception type.  Gradients (first and second order) are compared on float64.
"""
import operator
import warnings

import ember
import numpy as np
import pytest
import torch

from ._helpers import ALL, FLOATS, INTS, to_numpy

TOLS = {"float16": (2e-3, 2e-3), "bfloat16": (1.6e-2, 1.6e-2), "float32": (2e-5, 2e-5), "float64": (1e-10, 1e-10)}


# --- helpers (also used by test_math.py) ---------------------------------------------------

def values(shape, dtype, rng, low=-3.0, high=3.0):
    """Random values of ``dtype``; floats are multiples of 1/8 (exact in every float dtype)."""
    if dtype == "bool":
        return np.asarray(rng.random(shape) < 0.5)
    if dtype in INTS:
        lo = 0 if dtype == "uint8" else -4
        return np.asarray(rng.integers(lo, lo + 9, size=shape))
    return np.asarray(np.round(rng.uniform(low, high, size=shape) * 8) / 8)


class Arg:
    """A tensor argument: NumPy values + dtype name (``zero_d`` makes it 0-d)."""

    def __init__(self, dtype, shape=(3, 4), low=-3.0, high=3.0, data=None):
        self.dtype, self.shape, self.low, self.high, self.data = dtype, shape, low, high, data

    def make(self, rng):
        arr = self.data if self.data is not None else values(self.shape, self.dtype, rng, self.low, self.high)
        arr = np.asarray(arr)
        return (torch.tensor(arr).to(getattr(torch, self.dtype)), ember.tensor(arr).to(getattr(ember, self.dtype)))

    def __repr__(self):
        return f"{self.dtype}{list(self.shape)}"


def make_args(args, rng):
    """(torch args, ember args) for a list of Arg / plain values."""
    t, e = [], []
    for a in args:
        if isinstance(a, Arg):
            x, y = a.make(rng)
            t.append(x)
            e.append(y)
        else:
            t.append(a)
            e.append(a)
    return t, e


def assert_same(got, want, where, tol=None):
    """Same type (tensor / tuple / Python scalar), dtype, shape and values (NaN == NaN)."""
    if isinstance(want, tuple):
        assert isinstance(got, tuple) and len(got) == len(want), f"{where}: got {got!r}"
        for g, w in zip(got, want):
            assert_same(g, w, where, tol)
        return
    if not isinstance(want, torch.Tensor):
        assert not isinstance(got, ember.Tensor) and type(got) is type(want) and got == want, \
            f"{where}: got {got!r}, expected {want!r}"
        return
    assert isinstance(got, ember.Tensor), f"{where}: got {type(got).__name__}"
    want_dt = str(want.dtype).replace("torch.", "")
    assert got.dtype.name == want_dt, f"{where}: dtype {got.dtype} vs torch.{want_dt}"
    if got.device.type == "cpu":  # the storage really has the declared dtype (kernels must not drift)
        assert got.detach().numpy().dtype.name == want_dt, f"{where}: storage {got.detach().numpy().dtype}"
    assert tuple(got.shape) == tuple(want.shape), f"{where}: shape {tuple(got.shape)} vs {tuple(want.shape)}"
    g, w = to_numpy(got), to_numpy(want)
    if want.dtype.is_floating_point:
        rtol, atol = tol or TOLS[want_dt]
        np.testing.assert_allclose(g, w, rtol=rtol, atol=atol, equal_nan=True, err_msg=where)
    else:
        np.testing.assert_array_equal(g, w, err_msg=where)


def run(fn_t, fn_e, targs, eargs, kwargs=None, where="", tol=None):
    """Call both; compare results, or require ember to raise what torch raises."""
    kwargs = kwargs or {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            want = fn_t(*targs, **kwargs)
        except Exception as exc:  # noqa: BLE001 - the oracle decides what is an error
            try:
                got = fn_e(*eargs, **kwargs)
            except Exception as e:  # noqa: BLE001
                assert isinstance(e, type(exc)), f"{where}: torch raised {type(exc).__name__}: {exc}; ember raised " \
                                                 f"{type(e).__name__}: {e}"
                return
            raise AssertionError(f"{where}: torch raised {type(exc).__name__}: {exc}; ember returned {got!r}")
        try:
            got = fn_e(*eargs, **kwargs)
        except Exception as e:
            raise AssertionError(f"{where}: torch returned {want!r}; ember raised {type(e).__name__}: {e}") from e
    assert_same(got, want, where, tol)


def run_cases(name, cases, tol=None, kwargs=None, method=False):
    """``torch.<name>`` vs ``ember.<name>`` (or the Tensor method) on every case; all failures reported."""
    rng = np.random.default_rng(sum(map(ord, name)))
    failures = []
    for args in cases:
        targs, eargs = make_args(args, rng)
        if method:
            fn_t, fn_e = (lambda s, *a, **k: getattr(s, name)(*a, **k)), (lambda s, *a, **k: getattr(s, name)(*a, **k))
        else:
            fn_t, fn_e = getattr(torch, name), getattr(ember, name)
        try:
            run(fn_t, fn_e, targs, eargs, kwargs, f"{name}{tuple(args)} {kwargs or ''}", tol)
        except AssertionError as e:
            failures.append(str(e))
    assert not failures, f"{len(failures)} of {len(cases)} cases differ:\n" + "\n".join(failures[:15])


def grad_check(fn_t, fn_e, specs, rng, where, second_order=False, tol=(1e-9, 1e-9)):
    """First (and optionally second) derivatives of ``fn`` match torch's on float64 inputs.

    ``specs``: Arg (differentiable float64 tensors) or plain values."""
    targs, eargs = make_args(specs, rng)
    tdiff = [i for i, a in enumerate(specs) if isinstance(a, Arg) and a.dtype == "float64"]
    for i in tdiff:
        targs[i].requires_grad_(True)
        eargs[i].requires_grad_(True)
    tout, eout = fn_t(*targs), fn_e(*eargs)
    tw = torch.tensor(values(tuple(tout.shape), "float64", rng))
    ew = ember.tensor(tw.numpy())
    tg = torch.autograd.grad((tout * tw).sum(), [targs[i] for i in tdiff], create_graph=second_order,
                             allow_unused=True)
    eg = ember.autograd.grad((eout * ew).sum(), [eargs[i] for i in tdiff], create_graph=second_order,
                             allow_unused=True)
    for k, (a, b) in enumerate(zip(eg, tg)):
        if b is None:
            assert a is None or not np.any(to_numpy(a)), f"{where}: grad {k}: torch has none, ember {a}"
            continue
        assert a is not None, f"{where}: grad {k}: ember returned None, torch {b}"
        assert_same(a, b, f"{where}: grad {k}", tol)
    if second_order:
        tsum = sum((g * g).sum() for g in tg if g is not None and g.requires_grad)
        esum = sum((g * g).sum() for g in eg if g is not None and g.requires_grad)
        if not isinstance(tsum, torch.Tensor):
            return
        tg2 = torch.autograd.grad(tsum, [targs[i] for i in tdiff], allow_unused=True)
        eg2 = ember.autograd.grad(esum, [eargs[i] for i in tdiff], allow_unused=True)
        for k, (a, b) in enumerate(zip(eg2, tg2)):
            if b is None:
                assert a is None or not np.any(to_numpy(a)), f"{where}: grad-of-grad {k}: torch has none, ember {a}"
                continue
            assert_same(a, b, f"{where}: grad-of-grad {k}", tol)


# --- binary ops: values, result dtypes, promotion, errors ------------------------------------

def _zero_d(dtype):
    return Arg(dtype, ())


BINARY_CASES = (
    [[Arg(d), Arg(d, (4,))] for d in ALL]
    + [[Arg(a), Arg(b, (4,))] for a, b in (("int32", "float32"), ("uint8", "int8"), ("float16", "float32"),
                                             ("bfloat16", "float16"), ("bool", "int64"), ("int64", "float64"),
                                             ("uint8", "bool"), ("int8", "int16"))]
    + [[Arg("float16"), _zero_d("float32")], [Arg("int32"), _zero_d("int64")], [Arg("int8"), _zero_d("float64")],
       [Arg("bool"), _zero_d("int32")], [_zero_d("float32"), Arg("float16")], [_zero_d("float64"), _zero_d("int8")],
       [Arg("uint8"), _zero_d("int8")]]
    + [[Arg("int32"), 2.5], [Arg("int32"), 2], [Arg("uint8"), -1], [Arg("uint8"), 300], [Arg("bool"), 2],
       [Arg("bool"), True], [Arg("float16"), 2], [Arg("float16"), 1e5], [Arg("int64"), True], [Arg("float32"), 0.0],
       [Arg("int8"), 200], [Arg("bfloat16"), -1.5]]
    + [[2, Arg("int32")], [2.5, Arg("int64")], [True, Arg("bool")], [-3, Arg("float32")], [3, Arg("uint8")]]
    + [[Arg("float32", (2, 3)), Arg("float32", (4,))]]  # shape mismatch
)

BINARY_OPS = ["add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide", "floor_divide",
              "remainder", "fmod", "pow", "float_power", "eq", "ne", "lt", "le", "gt", "ge", "greater",
              "greater_equal", "less", "less_equal", "not_equal", "logical_and", "logical_or", "logical_xor",
              "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_left_shift", "bitwise_right_shift"]


@pytest.mark.parametrize("name", BINARY_OPS)
def test_binary(name):
    run_cases(name, BINARY_CASES)


@pytest.mark.parametrize("mode", ["trunc", "floor", None])
def test_div_rounding_mode(mode):
    run_cases("div", BINARY_CASES, kwargs={"rounding_mode": mode})


def test_div_bad_rounding_mode():
    run_cases("div", [[Arg("float32"), 2.0]], kwargs={"rounding_mode": "nearest"})


@pytest.mark.parametrize("alpha", [2, 2.5, True, -1])
@pytest.mark.parametrize("name", ["add", "sub"])
def test_alpha(name, alpha):
    cases = [[Arg(d), Arg(d, (4,))] for d in ("int32", "float32", "bool", "float16")] + \
            [[Arg("int32"), Arg("float32")], [Arg("int64"), 3], [Arg("float16"), Arg("int64")], [Arg("float32"), 2.5]]
    run_cases(name, cases, kwargs={"alpha": alpha})


def test_integer_division_by_zero():
    a = Arg("int64", data=np.array([4, -7, 9]))
    z = Arg("int64", data=np.array([2, 0, 3]))
    for name in ("floor_divide", "remainder", "fmod"):
        run_cases(name, [[a, z], [a, 0], [Arg("int32", data=np.array([1, 2])), Arg("int32", data=np.array([0, 1]))]])
    run_cases("div", [[a, z]], kwargs={"rounding_mode": "trunc"})
    run_cases("div", [[a, z]], kwargs={"rounding_mode": "floor"})
    run_cases("div", [[a, z]])  # true division: inf, no error
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        ember.tensor([1, 2]) // 0
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        ember.tensor([1, 2]) % ember.tensor([1, 0])


def test_float_division_specials():
    x = Arg("float64", data=np.array([5.0, -5.0, 0.0, 7.5, -7.5, np.inf, np.nan, 1e10]))
    y = Arg("float64", data=np.array([0.0, 0.0, 0.0, -2.0, 2.0, 3.0, 1.0, 3e-3]))
    for name in ("div", "floor_divide", "remainder", "fmod"):
        run_cases(name, [[x, y], [y, x], [x, -0.0], [x, 2.5]])
    run_cases("div", [[x, y]], kwargs={"rounding_mode": "trunc"})


def test_integer_pow():
    a = Arg("int64", data=np.array([0, 2, -2, 1, -1, 3, -3, 7]))
    e = Arg("int64", data=np.array([-1, -1, -1, -3, -3, -2, 3, 20]))
    run_cases("pow", [[a, e], [a, 2], [a, 0], [a, -1], [Arg("int8"), 9], [2, e], [a, 2.5], [Arg("uint8"), 3],
                      [Arg("bool"), Arg("bool")], [Arg("bool"), 2], [Arg("int32"), Arg("bool")]])


def test_shift_counts():
    for d, bits in (("int8", 8), ("int16", 16), ("int32", 32), ("int64", 64), ("uint8", 8)):
        x = Arg(d, data=np.array([1, 100, 3, 5, 7, 9, 11] if d == "uint8" else [1, -8, 3, 100, -1, 5, -7]))
        counts = [1, 2, bits - 1, bits, bits + 5, 0, 3] if d == "uint8" else [1, 2, bits - 1, bits, bits + 5, -1, -3]
        c = Arg(d, data=np.array(counts))
        for name in ("bitwise_left_shift", "bitwise_right_shift"):
            run_cases(name, [[x, c], [x, bits - 1], [x, 1], [3, c]])


@pytest.mark.parametrize("name", ["abs", "absolute", "neg", "negative", "positive", "sign", "sgn", "reciprocal",
                                  "square", "exp", "log", "logical_not", "bitwise_not", "isnan", "isinf",
                                  "isposinf", "isneginf", "isfinite", "isreal", "signbit", "nan_to_num"])
def test_unary(name):
    cases = [[Arg(d)] for d in ALL] + [[Arg("float32", ())], [Arg("int64", (0, 3))], [2.0]]
    run_cases(name, cases)
    specials = np.array([0.0, -0.0, np.nan, np.inf, -np.inf, 1.5, -2.5, 1e-3])
    run_cases(name, [[Arg(d, data=specials)] for d in FLOATS])


def test_nan_to_num_arguments():
    x = np.array([np.nan, np.inf, -np.inf, 1.5, -2.0])
    for d in FLOATS:
        run_cases("nan_to_num", [[Arg(d, data=x)]], kwargs={"nan": 1.0, "posinf": 2.0, "neginf": -3.0})
        run_cases("nan_to_num", [[Arg(d, data=x), 0.5]])
        run_cases("nan_to_num", [[Arg(d, data=x)]], kwargs={"posinf": 1e30})
    run_cases("nan_to_num", [[Arg("int32")]], kwargs={"nan": 1.0})


def test_where():
    cond = Arg("bool")
    cases = [[cond, Arg(d), Arg(d, (4,))] for d in ALL] + [
        [cond, Arg("int32"), Arg("float32")], [cond, Arg("float16"), 2.5], [cond, 1, 0], [cond, 1.0, 0],
        [cond, Arg("int64"), 2.5], [cond, True, Arg("int8")], [Arg("bool", (3, 1)), Arg("float32", (1, 4)), 0.0],
        [Arg("float32"), Arg("float32"), Arg("float32")], [Arg("uint8"), Arg("float32"), Arg("float32")],
        [cond, Arg("float32", (2, 3)), Arg("float32")]]
    run_cases("where", cases)


def test_isclose_allclose_equal():
    rng = np.random.default_rng(0)
    for d in ALL:
        a = values((3, 4), d, rng)
        b = np.where(rng.random((3, 4)) < 0.5, a, values((3, 4), d, rng))
        cases = [[Arg(d, data=a), Arg(d, data=b)], [Arg(d, data=a), Arg(d, data=a)],
                 [Arg(d, data=a), Arg(d, data=b[0])]]
        for name in ("isclose", "allclose"):
            run_cases(name, cases)
            run_cases(name, cases, kwargs={"rtol": 0.1, "atol": 1.0})
            run_cases(name, cases, kwargs={"rtol": 0.0, "atol": 0.0})
        run_cases("equal", cases + [[Arg(d, data=a), Arg(d, data=a.T)]])
    x = np.array([np.nan, np.inf, -np.inf, 1.0, 1.0 + 1e-6, 0.0])
    y = np.array([np.nan, np.inf, np.inf, 1.0, 1.0, -0.0])
    for name in ("isclose", "allclose"):
        run_cases(name, [[Arg("float64", data=x), Arg("float64", data=y)]])
        run_cases(name, [[Arg("float64", data=x), Arg("float64", data=y)]], kwargs={"equal_nan": True})
        run_cases(name, [[Arg("int64"), Arg("float32")], [Arg("float32"), 1.0]])
        run_cases(name, [[Arg("float32"), Arg("float32")]], kwargs={"rtol": -1.0})
    u = np.array([10, 11, 200])
    run_cases("isclose", [[Arg("uint8", data=u), Arg("uint8", data=u[::-1].copy())]], kwargs={"atol": 1.0})
    run_cases("equal", [[Arg("int64", data=np.array([1, 2])), Arg("float32", data=np.array([1.0, 2.0]))],
                        [Arg("float64", data=x), Arg("float64", data=x)]])


# --- methods, in-place variants, out= --------------------------------------------------------

METHOD_CASES = {
    "add": [Arg("float32", (4,))], "sub": [2], "mul": [2.5], "div": [Arg("float32", (4,))], "true_divide": [2],
    "floor_divide": [2], "remainder": [3], "fmod": [3], "pow": [2], "abs": [], "absolute": [], "neg": [],
    "negative": [], "sign": [], "sgn": [], "reciprocal": [], "square": [], "exp": [], "log": [],
    "logical_and": [Arg("bool")], "logical_not": [], "bitwise_and": [3], "bitwise_not": [],
    "bitwise_left_shift": [1], "eq": [1], "lt": [Arg("float32", (4,))], "greater_equal": [0],
    "nan_to_num": [], "subtract": [1], "multiply": [Arg("float32")], "divide": [3], "float_power": [2],
}


@pytest.mark.parametrize("name", sorted(METHOD_CASES))
def test_methods_and_inplace(name):
    extra = METHOD_CASES[name]
    cases = [[Arg(d)] + extra for d in ("float32", "float64", "int32", "uint8", "bool", "float16")]
    run_cases(name, cases, method=True)
    rng = np.random.default_rng(1)
    failures = []
    for args in cases:
        targs, eargs = make_args(args, rng)
        where = f"{name}_{tuple(args)}"
        try:
            run(lambda s, *a: getattr(s.clone(), name + "_")(*a), lambda s, *a: getattr(s.clone(), name + "_")(*a),
                targs, eargs, where=where)
        except AssertionError as e:
            failures.append(str(e))
    assert not failures, "\n".join(failures)


def test_inplace_writes_in_place():
    x = ember.tensor([1.0, 4.0, 9.0])
    alias = x.view(3)
    assert x.sqrt_() is x
    np.testing.assert_allclose(alias.numpy(), [1.0, 2.0, 3.0])
    y = ember.tensor([1, 2, 3])
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output type Long"):
        y.div_(2)
    with pytest.raises(RuntimeError, match="float_power_"):
        ember.tensor([1.0]).float_power_(2)


@pytest.mark.parametrize("name,args", [("add", (2.5,)), ("mul", (Arg("float32"),)), ("div", (3,)),
                                       ("eq", (1.0,)), ("logical_and", (Arg("bool"),)), ("abs", ()),
                                       ("exp", ()), ("remainder", (2,)), ("bitwise_and", (3,))])
def test_out(name, args):
    rng = np.random.default_rng(2)
    dt = "int64" if name in ("remainder", "bitwise_and") else "float32"
    targs, eargs = make_args([Arg(dt)] + list(args), rng)
    tres = getattr(torch, name)(*targs)
    tout = torch.empty_like(tres)
    eout = ember.empty(tuple(tres.shape), dtype=getattr(ember, str(tres.dtype).replace("torch.", "")))
    r = getattr(ember, name)(*eargs, out=eout)
    assert r is eout
    assert_same(eout, getattr(torch, name)(*targs, out=tout), f"{name}(out=)")


def test_out_with_grad_raises():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="out=... arguments don't support automatic differentiation"):
        ember.mul(x, 2, out=ember.empty(2))


# --- Python operators ------------------------------------------------------------------------

BINOPS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv, "//": operator.floordiv,
          "%": operator.mod, "**": operator.pow, "&": operator.and_, "|": operator.or_, "^": operator.xor,
          "<<": operator.lshift, ">>": operator.rshift, "==": operator.eq, "!=": operator.ne, "<": operator.lt,
          "<=": operator.le, ">": operator.gt, ">=": operator.ge}
IOPS = {"+": operator.iadd, "-": operator.isub, "*": operator.imul, "/": operator.itruediv, "//": operator.ifloordiv,
        "%": operator.imod, "**": operator.ipow, "&": operator.iand, "|": operator.ior, "^": operator.ixor,
        "<<": operator.ilshift, ">>": operator.irshift}
OPERATOR_CASES = (
    [[Arg(d), Arg(d, (4,))] for d in ("bool", "uint8", "int32", "int64", "float16", "float32", "float64")]
    + [[Arg("int32"), 2.5], [Arg("int32"), 3], [Arg("uint8"), Arg("int8", (4,))], [Arg("float16"), _zero_d("float32")],
       [Arg("bool"), True], [Arg("float32"), 2], [3, Arg("int64")], [2.5, Arg("float32")], [True, Arg("bool")],
       [2, Arg("uint8")], [Arg("int64"), Arg("float64", (4,))]]
)


@pytest.mark.parametrize("sym", sorted(BINOPS))
def test_python_operator(sym):
    f = BINOPS[sym]
    rng = np.random.default_rng(sum(map(ord, sym)))
    failures = []
    for args in OPERATOR_CASES:
        targs, eargs = make_args(args, rng)
        try:
            run(f, f, targs, eargs, where=f"{args[0]!r} {sym} {args[1]!r}")
        except AssertionError as e:
            failures.append(str(e))
    assert not failures, "\n".join(failures[:15])


@pytest.mark.parametrize("sym", sorted(IOPS))
def test_python_inplace_operator(sym):
    f = IOPS[sym]
    rng = np.random.default_rng(sum(map(ord, sym)) + 1)
    failures = []
    for args in OPERATOR_CASES:
        if not isinstance(args[0], Arg) or args[0].shape == ():
            continue
        targs, eargs = make_args(args, rng)
        e0 = eargs[0]
        try:
            run(lambda a, b: f(a.clone(), b), lambda a, b: f(a.clone(), b), targs, eargs,
                where=f"{args[0]!r} {sym}= {args[1]!r}")
            try:
                assert f(e0, eargs[1]) is e0, f"{sym}= did not return the same tensor"
            except (RuntimeError, TypeError):
                pass
        except AssertionError as e:
            failures.append(str(e))
    assert not failures, "\n".join(failures[:15])


@pytest.mark.parametrize("f", [operator.neg, operator.pos, operator.abs, operator.invert],
                         ids=["neg", "pos", "abs", "invert"])
def test_python_unary_operator(f):
    run_cases_fn = [[Arg(d)] for d in ALL] + [[Arg("float32", ())]]
    rng = np.random.default_rng(3)
    failures = []
    for args in run_cases_fn:
        targs, eargs = make_args(args, rng)
        try:
            run(f, f, targs, eargs, where=f"{f.__name__}({args[0]!r})")
        except AssertionError as e:
            failures.append(str(e))
    assert not failures, "\n".join(failures)


def test_operator_with_unsupported_type():
    with pytest.raises(TypeError):
        ember.ones(2) + "a"
    assert (ember.ones(2) == None) is False


# --- gradients ---------------------------------------------------------------------------------

F64 = "float64"
GRAD_CASES = {
    "add": [Arg(F64), Arg(F64, (4,))], "sub": [Arg(F64), Arg(F64, (4,))], "mul": [Arg(F64), Arg(F64, (4,))],
    "div": [Arg(F64), Arg(F64, (4,), 0.5, 3.0)], "pow": [Arg(F64, low=0.5, high=3.0), Arg(F64, (4,))],
    "remainder": [Arg(F64), Arg(F64, (4,), 0.5, 3.0)], "fmod": [Arg(F64), Arg(F64, (4,), 0.5, 3.0)],
    "abs": [Arg(F64)], "neg": [Arg(F64)], "sign": [Arg(F64)], "reciprocal": [Arg(F64, low=0.5, high=3.0)],
    "square": [Arg(F64)], "exp": [Arg(F64)], "log": [Arg(F64, low=0.5, high=3.0)],
    "float_power": [Arg(F64, low=0.5, high=3.0), 2.5], "nan_to_num": [Arg(F64)],
    "true_divide": [Arg(F64), 2.0],
}
SECOND_ORDER = {"mul", "div", "pow", "exp", "log", "abs", "reciprocal", "square"}


@pytest.mark.parametrize("name", sorted(GRAD_CASES))
def test_gradients(name):
    rng = np.random.default_rng(sum(map(ord, name)))
    grad_check(getattr(torch, name), getattr(ember, name), GRAD_CASES[name], rng, name,
               second_order=name in SECOND_ORDER)


def test_gradient_subgradients():
    rng = np.random.default_rng(4)
    zeros = Arg(F64, data=np.array([0.0, -0.0, 1.5, -2.0]))
    grad_check(torch.abs, ember.abs, [zeros], rng, "abs at 0", second_order=True)
    grad_check(torch.sign, ember.sign, [zeros], rng, "sign")
    base = Arg(F64, data=np.array([0.0, 0.0, 2.0, 0.0, 1.5]))
    expo = Arg(F64, data=np.array([0.0, 2.0, 0.0, 0.5, 3.0]))
    grad_check(torch.pow, ember.pow, [base, expo], rng, "pow at 0")
    grad_check(torch.pow, ember.pow, [base, 0.0], rng, "pow(x, 0)")
    grad_check(torch.pow, ember.pow, [2.0, expo], rng, "pow(2, y)")
    grad_check(torch.pow, ember.pow, [0.0, expo], rng, "pow(0, y)")
    grad_check(torch.pow, ember.pow, [base, 2], rng, "pow(x, 2)", second_order=True)
    cond = Arg("bool")
    grad_check(torch.where, ember.where, [cond, Arg(F64), Arg(F64, (4,))], rng, "where", second_order=True)
    grad_check(torch.where, ember.where, [cond, Arg(F64), 0.0], rng, "where scalar")
    grad_check(torch.nan_to_num, ember.nan_to_num,
               [Arg(F64, data=np.array([np.nan, np.inf, -np.inf, 1.0]))], rng, "nan_to_num")
    grad_check(lambda a, b: torch.div(a, b, rounding_mode="floor"),
               lambda a, b: ember.div(a, b, rounding_mode="floor"), [Arg(F64), Arg(F64, low=1, high=3)], rng,
               "div floor")
    grad_check(lambda a, b: torch.add(a, b, alpha=2.5), lambda a, b: ember.add(a, b, alpha=2.5),
               [Arg(F64), Arg(F64)], rng, "add alpha")
    grad_check(lambda a: a ** 2 + 3 - a * a / (a + 10) % 2, lambda a: a ** 2 + 3 - a * a / (a + 10) % 2,
               [Arg(F64)], rng, "operators")
    with pytest.raises(RuntimeError, match="derivative for aten::floor_divide is not implemented"):
        (ember.tensor([1.5], requires_grad=True) // 2).sum().backward()
    grad_check(lambda a: 2 ** a - 1 / (a + 5) + (-a), lambda a: 2 ** a - 1 / (a + 5) + (-a), [Arg(F64)], rng,
               "reflected operators", second_order=True)


def test_broadcast_gradient_shapes():
    rng = np.random.default_rng(5)
    for name in ("add", "mul", "div", "sub", "pow"):
        grad_check(getattr(torch, name), getattr(ember, name),
                   [Arg(F64, (2, 1, 4), 0.5, 2.0), Arg(F64, (3, 1), 0.5, 2.0)], rng, name)
        grad_check(getattr(torch, name), getattr(ember, name), [Arg(F64, (), 0.5, 2.0), Arg(F64, (3,), 0.5, 2.0)],
                   rng, name)


def test_deprecated_scalar_first_overloads_match_torch():
    """Old optimizer code: ``p.data.add_(-lr, grad)``, ``addcmul_(value, t1, t2)``: PyTorch still accepts them with
    a deprecation warning."""
    results = []
    for m in (ember, torch):
        p, g = m.ones(3, dtype=m.float64), m.tensor([2.0, 3.0, 4.0], dtype=m.float64)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            p.add_(-0.5, g)
            p.sub_(0.25, g)
            q = m.addcmul(p, 0.5, g, g)
            p.addcdiv_(2, g, g)
            r = m.sub(p, 2, g)
        assert any("deprecated" in str(w.message) for w in caught), m.__name__
        results.append((p.tolist(), q.tolist(), r.tolist()))
    assert results[0] == results[1]
    with pytest.raises(TypeError, match="add"):
        ember.add(ember.ones(2), 2.0, 3.0)
