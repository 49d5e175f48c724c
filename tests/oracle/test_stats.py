"""Statistics and array utilities (ember/ops/stats.py) against PyTorch: diff, cov, corrcoef, quantile,
nanquantile, trapezoid, trapz, cumulative_trapezoid, dist, renorm, isin, cartesian_prod, combinations, block_diag,
tril/triu_indices, unravel_index, vander and the window functions -- values, result dtypes, errors, methods,
in-place variants and gradients (first and second order)."""
import warnings

import ember
import numpy as np
import pytest
import torch

from .test_elementwise import ALL, FLOATS, INTS, Arg, grad_check, make_args, run

F64 = "float64"
NUMERIC = INTS + FLOATS


class Dt:
    """A dtype argument: ``torch.<name>`` for torch, ``ember.<name>`` for ember."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return self.name


def _split(items, rng):
    plain = [a if not isinstance(a, Dt) else None for a in items]
    t, e = make_args(plain, rng)
    for i, a in enumerate(items):
        if isinstance(a, Dt):
            t[i], e[i] = getattr(torch, a.name), getattr(ember, a.name)
    return t, e


def check(name, *args, method=False, tol=None, **kwargs):
    """``torch.<name>(*args, **kwargs)`` vs ember's (or the Tensor method): same result or same exception type."""
    rng = np.random.default_rng(sum(map(ord, name)) + len(args))
    keys = list(kwargs)
    targs, eargs = _split(list(args) + [kwargs[k] for k in keys], rng)
    n = len(args)
    tk, ek = dict(zip(keys, targs[n:])), dict(zip(keys, eargs[n:]))
    if method:
        fn_t = lambda s, *a: getattr(s, name)(*a, **tk)
        fn_e = lambda s, *a: getattr(s, name)(*a, **ek)
    else:
        fn_t = lambda *a: getattr(torch, name)(*a, **tk)
        fn_e = lambda *a: getattr(ember, name)(*a, **ek)
    run(fn_t, fn_e, targs[:n], eargs[:n], where=f"{name}{tuple(args)} {kwargs}", tol=tol)


def distinct(shape, dtype=F64, seed=0):
    """Distinct values (no ties, so sorts and maxima have one gradient path)."""
    n = int(np.prod(shape))
    vals = (np.random.default_rng(seed).permutation(n) - n / 2) / 4 + 0.1
    return Arg(dtype, data=vals.reshape(shape))


def grads(fn_t, fn_e, specs, where, second_order=False, seed=0):
    grad_check(fn_t, fn_e, specs, np.random.default_rng(seed), where, second_order=second_order)


# --- diff -------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ALL)
def test_diff_values(dtype):
    for shape, n, dim in (((7,), 1, -1), ((3, 4), 2, 0), ((3, 4), 1, 1), ((2, 3, 4), 3, -2), ((3,), 0, 0),
                          ((3,), 5, 0), ((0, 3), 1, 0), ((0, 3), 1, 1)):
        check("diff", Arg(dtype, shape), n, dim)
    check("diff", Arg(dtype, (3, 4)), 1, 1, Arg(dtype, (3, 2)), Arg(dtype, (3, 1)))
    check("diff", Arg(dtype, (3, 4)), 2, 0, append=Arg(dtype, (2, 4)))
    check("diff", Arg(dtype, (4,)), method=True)


def test_diff_promotion_and_errors():
    check("diff", Arg("float32", (3,)), prepend=Arg(F64, (1,)))
    check("diff", Arg("float32", (3,)), append=Arg("int64", (3,)))
    check("diff", Arg("bool", (3,)), prepend=Arg("int64", (1,)))
    check("diff", Arg("float32", ()))
    check("diff", Arg("float32", (3,)), -1)
    check("diff", Arg("float32", (3,)), 1.5)
    check("diff", Arg("float32", (3,)), True)
    check("diff", Arg("float32", (3,)), 1, 1)
    check("diff", Arg("float32", (3,)), prepend=Arg("float32", (1, 1)))
    check("diff", Arg("float32", (3,)), prepend=Arg("float32", ()))
    check("diff", Arg("float32", (2, 3)), 1, 0, Arg("float32", (1, 2)))


def test_diff_grads():
    grads(lambda x, p, a: torch.diff(x, 2, 0, p, a), lambda x, p, a: ember.diff(x, 2, 0, p, a),
          [Arg(F64, (4, 3)), Arg(F64, (1, 3)), Arg(F64, (2, 3))], "diff", second_order=True)


# --- cov / corrcoef ---------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", NUMERIC)
def test_cov_values(dtype):
    tol = (2e-2, 2e-2) if dtype in ("float16", "bfloat16") else None
    for shape in ((3, 6), (7,), (1, 5), (2, 1), (0,), (2, 0), ()):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            check("cov", Arg(dtype, shape), tol=tol)
    check("cov", Arg(dtype, (3, 5)), correction=0, tol=tol)
    check("cov", Arg(dtype, (3, 5)), correction=2, fweights=Arg("int64", data=np.array([1, 2, 0, 3, 1])), tol=tol)
    check("cov", Arg(dtype, (3, 5)), aweights=Arg("float32", (5,), 0.5, 2), tol=tol)
    check("cov", Arg(dtype, (3, 5)), aweights=Arg(F64, (5,), 0.5, 2), tol=tol)
    check("cov", Arg(dtype, (3, 5)), correction=3, fweights=Arg("int32", data=np.array([2, 1, 1, 3, 1])),
          aweights=Arg("float32", (5,), 0.5, 2), tol=tol)
    check("cov", Arg(dtype, (3, 5)), method=True, tol=tol)
    for shape in ((3, 6), (7,), (2, 4)):
        check("corrcoef", Arg(dtype, shape), tol=tol)
    check("corrcoef", Arg(dtype, (3, 6)), method=True, tol=tol)


def test_cov_edge_cases_and_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check("cov", Arg("float32", (3,)), fweights=Arg("int64", data=np.array([1, 1, 1])),
              aweights=Arg("float32", data=np.array([1.0, 1.0, 1.0])), correction=5)
        check("cov", Arg("float32", (1,)))
    with pytest.warns(UserWarning, match="degrees of freedom is <= 0"):
        ember.cov(ember.tensor([1.0]))
    check("corrcoef", Arg("float32", data=np.array([[1.0, 1, 1], [2, 4, 7]])))
    check("corrcoef", Arg("float32", data=np.array([2.0, 2.0, 2.0])))
    x = Arg("float32", (3,))
    check("cov", Arg("bool", (3,)))
    check("cov", Arg("float32", (2, 2, 2)))
    check("corrcoef", Arg("float32", (2, 2, 2)))
    check("cov", x, correction=1.5)
    check("cov", x, correction=True)
    check("cov", x, fweights=Arg("float32", (3,)))
    check("cov", x, fweights=Arg("int64", data=np.array([1, -2, 1])))
    check("cov", x, fweights=Arg("int64", (2,)))
    check("cov", x, fweights=Arg("int64", (1, 3)))
    check("cov", x, fweights=Arg("int64", data=np.zeros(3, np.int64)))
    check("cov", x, aweights=Arg("int64", (3,)))
    check("cov", x, aweights=Arg("float32", data=np.array([1.0, -2, 1])))
    check("cov", x, aweights=Arg("float32", data=np.zeros(3)))


def test_cov_corrcoef_grads():
    fw = Arg("int64", data=np.array([1, 2, 1, 3, 1]))
    grads(lambda x, f, a: torch.cov(x, correction=2, fweights=f, aweights=a),
          lambda x, f, a: ember.cov(x, correction=2, fweights=f, aweights=a),
          [Arg(F64, (3, 5)), fw, Arg(F64, (5,), 0.5, 2)], "cov with weights", second_order=True)
    grads(torch.cov, ember.cov, [Arg(F64, (7,))], "cov 1-D", second_order=True)
    grads(torch.corrcoef, ember.corrcoef, [Arg(F64, (3, 6))], "corrcoef", second_order=True)


# --- quantile / nanquantile -------------------------------------------------------------------

Q_FORMS = [0.0, 0.3, 1.0, ("q", np.array([0.1, 0.5, 0.875])), ("q", np.array(0.4)), ("q", np.array([]))]


def _q(form, dtype):
    return Arg(dtype, data=form[1]) if isinstance(form, tuple) else form


@pytest.mark.parametrize("name", ["quantile", "nanquantile"])
@pytest.mark.parametrize("interpolation", ["linear", "lower", "higher", "midpoint", "nearest"])
def test_quantile_values(name, interpolation):
    for dtype in ("float32", F64):
        x = Arg(dtype, (4, 5))
        for form in Q_FORMS:
            for dim in (None, 0, 1, -1):
                for keepdim in (False, True):
                    check(name, x, _q(form, dtype), dim, keepdim, interpolation=interpolation)
        check(name, Arg(dtype, ()), 0.5, 0, True, interpolation=interpolation)
        check(name, Arg(dtype, ()), _q(Q_FORMS[3], dtype), None, True, interpolation=interpolation)
        check(name, Arg(dtype, (2, 3, 4)), 0.7, 1, True, interpolation=interpolation)
        check(name, x, 0.25, 1, interpolation=interpolation, method=True)


@pytest.mark.parametrize("name", ["quantile", "nanquantile"])
def test_quantile_nans(name):
    x = np.arange(20.0).reshape(4, 5)
    x[0, 1] = x[2, 3] = np.nan
    x[3] = np.nan
    for dim in (None, 0, 1):
        for q in (0.3, ("q", np.array([0.0, 0.6, 1.0]))):
            check(name, Arg("float32", data=x), _q(q, "float32"), dim)
    check(name, Arg(F64, data=np.array([1.0, 2.0, 3.0, 4.0])), 0.5, interpolation="nearest")


@pytest.mark.parametrize("name", ["quantile", "nanquantile"])
def test_quantile_errors(name):
    x = Arg("float32", (3,))
    check(name, x, 1.5)
    check(name, x, -0.5)
    check(name, x, Arg("float32", data=np.array([0.2, 1.5])))
    check(name, Arg("int64", (3,)), 0.5)
    check(name, Arg("float16", (3,)), 0.5)
    check(name, x, Arg(F64, data=np.array([0.5])))
    check(name, x, Arg("float32", data=np.array([[0.5]])))
    check(name, Arg("float32", (0,)), 0.5)
    check(name, Arg("float32", (2, 0)), 0.5, 1)
    check(name, x, 0.5, interpolation="cubic")
    check(name, x, 0.5, 3)


def test_quantile_out():
    out = ember.empty(0)
    r = ember.quantile(ember.tensor([1.0, 2.0, 3.0, 4.0]), 0.5, out=out)
    assert r is out and out.item() == 2.5


@pytest.mark.parametrize("name", ["quantile", "nanquantile"])
def test_quantile_grads(name):
    q = Arg(F64, data=np.array([0.1, 0.3, 0.55, 0.9]))
    for dim, keepdim in ((1, False), (0, True), (None, False)):
        grads(lambda x, q, d=dim, k=keepdim: getattr(torch, name)(x, q, d, k),
              lambda x, q, d=dim, k=keepdim: getattr(ember, name)(x, q, d, k), [distinct((4, 5)), q],
              f"{name} dim={dim}", second_order=True)
    for interpolation in ("lower", "higher", "midpoint", "nearest"):
        grads(lambda x, i=interpolation: getattr(torch, name)(x, 0.35, 1, interpolation=i),
              lambda x, i=interpolation: getattr(ember, name)(x, 0.35, 1, interpolation=i), [distinct((3, 6))],
              f"{name} {interpolation}")


# --- trapezoid / trapz / cumulative_trapezoid ---------------------------------------------------

@pytest.mark.parametrize("name", ["trapezoid", "trapz", "cumulative_trapezoid"])
@pytest.mark.parametrize("dtype", NUMERIC)
def test_trapezoid_values(name, dtype):
    tol = (2e-2, 5e-2) if dtype in ("float16", "bfloat16") else None
    check(name, Arg(dtype, (7,)), tol=tol)
    check(name, Arg(dtype, (3, 4)), dx=2, dim=0, tol=tol)
    check(name, Arg(dtype, (3, 4)), dx=0.5, tol=tol)
    check(name, Arg(dtype, (3, 4)), Arg(dtype, (4,), 0, 5), tol=tol)
    check(name, Arg(dtype, (3, 4)), Arg("float32", (4,), 0, 5), tol=tol)
    check(name, Arg(dtype, (2, 3, 4)), Arg(dtype, (3, 1), 0, 5), dim=1, tol=tol)
    check(name, Arg(dtype, (2, 3, 4)), Arg(dtype, (2, 3, 4), 0, 5), dim=-1, tol=tol)
    for shape in ((1,), (0,), (2, 0)):
        check(name, Arg(dtype, shape), tol=tol)
        check(name, Arg(dtype, shape), Arg(dtype, (shape[-1],)), tol=tol)


@pytest.mark.parametrize("name", ["trapezoid", "trapz", "cumulative_trapezoid"])
def test_trapezoid_errors(name):
    y = Arg("float32", (3,))
    check(name, Arg("bool", (3,)))
    check(name, y, Arg("bool", (3,)))
    check(name, y, Arg("float32", (2,)))
    check(name, Arg("float32", (2, 3)), Arg("float32", (3, 3)))
    check(name, Arg("float32", ()))
    check(name, y, dim=3)
    check(name, y, dx=True)
    check(name, y, 2.0)
    check(name, y, Arg("float32", (3,)), dx=1)
    check(name, y, dx=Arg("float32", ()))


@pytest.mark.parametrize("name", ["trapezoid", "cumulative_trapezoid"])
def test_trapezoid_grads(name):
    grads(lambda y, x: getattr(torch, name)(y, x, dim=0), lambda y, x: getattr(ember, name)(y, x, dim=0),
          [Arg(F64, (4, 3)), Arg(F64, (4,))], name, second_order=True)
    grads(lambda y: getattr(torch, name)(y, dx=0.3), lambda y: getattr(ember, name)(y, dx=0.3), [Arg(F64, (3, 5))],
          f"{name} dx")


# --- dist / renorm ----------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", FLOATS)
def test_dist_values(dtype):
    tol = (2e-2, 5e-2) if dtype in ("float16", "bfloat16") else None
    for p in (2, 1, 3.5, 0.5, 0, float("inf"), -float("inf"), -1, ("p", np.array(3.0))):
        p = Arg(F64, data=p[1]) if isinstance(p, tuple) else p
        check("dist", Arg(dtype, (3, 4)), Arg(dtype, (4,)), p, tol=tol)
    check("dist", Arg(dtype, ()), Arg(dtype, (2, 3)), tol=tol)
    check("dist", Arg(dtype, (3,)), Arg(dtype, (3,)), 2, method=True, tol=tol)
    check("dist", Arg(dtype, (0, 3)), Arg(dtype, (3,)), tol=tol)


def test_dist_promotion_and_errors():
    check("dist", Arg("float32", (3,)), Arg("int64", (3,)))
    check("dist", Arg("float32", (3,)), Arg(F64, (3,)))
    check("dist", Arg("int64", (3,)), Arg("int64", (3,)))
    check("dist", Arg("bool", (3,)), Arg("bool", (3,)))
    check("dist", Arg("float32", (3,)), 2.0)
    check("dist", Arg("float32", (3,)), Arg("float32", (2,)))
    check("dist", Arg("float32", (3,)), Arg("float32", (3,)), "fro")


def test_dist_grads():
    for p in (2, 1, 3.5, float("inf")):
        grads(lambda a, b, p=p: torch.dist(a, b, p), lambda a, b, p=p: ember.dist(a, b, p), [distinct((3, 4)),
              distinct((4,), seed=1)], f"dist p={p}", second_order=p != float("inf"))
    grads(torch.dist, ember.dist, [Arg(F64, data=np.ones(3)), Arg(F64, data=np.ones(3))], "dist at 0")


@pytest.mark.parametrize("dtype", FLOATS)
def test_renorm_values(dtype):
    tol = (2e-2, 2e-2) if dtype in ("float16", "bfloat16") else None
    for p, dim, maxnorm in ((2, 0, 2.0), (1, 1, 2.5), (3.0, -1, 1.0), (float("inf"), 0, 1.5), (2, 1, 100.0),
                            (2, 0, 0.0), (("p", np.array(2.0)), 1, ("m", np.array(1.0)))):
        p = Arg(F64, data=p[1]) if isinstance(p, tuple) else p
        maxnorm = Arg(F64, data=maxnorm[1]) if isinstance(maxnorm, tuple) else maxnorm
        check("renorm", Arg(dtype, (3, 4)), p, dim, maxnorm, tol=tol)
    check("renorm", Arg(dtype, (2, 3, 4)), 2, 1, 1.0, tol=tol)
    check("renorm", Arg(dtype, (0, 3)), 2, 1, 1.0, tol=tol)
    check("renorm", Arg(dtype, (3, 4)), 2, 0, 1.0, method=True, tol=tol)
    rng = np.random.default_rng(1)
    targs, eargs = make_args([Arg(dtype, (3, 4))], rng)
    run(lambda x: x.clone().renorm_(2, 1, 1.0), lambda x: x.clone().renorm_(2, 1, 1.0), targs, eargs,
        where="renorm_", tol=tol)


def test_renorm_errors():
    x = Arg("float32", (2, 2))
    check("renorm", x, 0, 0, 1.0)
    check("renorm", x, -1, 0, 1.0)
    check("renorm", x, 2, 0, -1.0)
    check("renorm", Arg("float32", (3,)), 2, 0, 1.0)
    check("renorm", Arg("float32", ()), 2, 0, 1.0)
    check("renorm", Arg("int64", (2, 2)), 2, 0, 1.0)
    check("renorm", x, 2, 2, 1.0)


def test_renorm_grads():
    for p in (2, 1, 3.0):
        grads(lambda x, p=p: torch.renorm(x, p, 0, 1.5), lambda x, p=p: ember.renorm(x, p, 0, 1.5), [Arg(F64, (3, 4))],
              f"renorm p={p}", second_order=True)


# --- isin -------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", NUMERIC)
def test_isin_values(dtype):
    x, t = Arg(dtype, (3, 4), 0, 6), Arg(dtype, (5,), 0, 6)
    for kw in ({}, {"invert": True}, {"assume_unique": True}):
        check("isin", x, t, **kw)
        check("isin", x, Arg(dtype, (2, 3), 0, 6), **kw)
        check("isin", x, 3, **kw)
        check("isin", 2, t, **kw)
        check("isin", Arg(dtype, (), 0, 6), t, **kw)
    check("isin", x, Arg(dtype, (0,)))
    check("isin", Arg(dtype, (0, 2)), t)
    check("isin", x, Arg(F64, (4,), 0, 6))
    check("isin", x, 2.5)


def test_isin_special_values_and_errors():
    nan = np.array([np.nan, 1.0, -0.0, np.inf, 2.5])
    check("isin", Arg("float32", data=nan), Arg("float32", data=np.array([np.nan, 0.0, np.inf])))
    check("isin", Arg("uint8", (4,)), Arg("int64", data=np.array([-1, 2, 300])))
    check("isin", Arg("bool", (3,)), Arg("bool", (1,)))
    check("isin", Arg("int64", (3,)), Arg("bool", (1,)))
    check("isin", 3, 4)
    check("isin", Arg("int64", (3,)), Arg("int64", (2,)), invert=1)


# --- cartesian_prod / combinations / block_diag -------------------------------------------------

@pytest.mark.parametrize("dtype", ALL)
def test_products_and_blocks(dtype):
    a, b, c = Arg(dtype, (3,)), Arg(dtype, (2,)), Arg(dtype, (0,))
    check("cartesian_prod", a, b)
    check("cartesian_prod", a, b, Arg(dtype, (2,)))
    check("cartesian_prod", a)
    check("cartesian_prod", a, c)
    for r, rep in ((2, False), (3, False), (1, False), (2, True), (5, False), (0, False), (3, True), (0, True)):
        check("combinations", Arg(dtype, (4,)), r, rep)
    check("combinations", c)
    check("block_diag", Arg(dtype, (2, 3)), Arg(dtype, ()), Arg(dtype, (2,)), Arg(dtype, (1, 1)))
    check("block_diag", Arg(dtype, (0, 2)), Arg(dtype, (3, 0)), Arg(dtype, (2, 2)))
    check("block_diag", Arg(dtype, (2, 2)), Arg("float32", ()), Arg("int64", (2,)))


def test_products_and_blocks_errors():
    check("cartesian_prod", Arg("int64", (1, 1)), Arg("int64", (2,)))
    check("cartesian_prod", Arg("int64", ()), Arg("int64", (2,)))
    check("cartesian_prod", Arg("int64", (2,)), Arg("float32", (2,)))
    check("cartesian_prod")
    check("combinations", Arg("int64", (1, 1)))
    check("combinations", Arg("int64", (3,)), -1)
    check("combinations", Arg("int64", (3,)), 2.0)
    check("block_diag")
    check("block_diag", Arg("float32", (1, 2, 3)))
    check("block_diag", Arg("float32", (2,)), [1, 2])
    x = ember.tensor([1, 2])
    assert ember.cartesian_prod(x) is x


def test_products_and_blocks_grads():
    grads(lambda a, b: torch.cartesian_prod(a, b), lambda a, b: ember.cartesian_prod(a, b),
          [Arg(F64, (3,)), Arg(F64, (2,))], "cartesian_prod", second_order=True)
    for r, rep in ((2, False), (3, True)):
        grads(lambda x, r=r, w=rep: torch.combinations(x, r, w), lambda x, r=r, w=rep: ember.combinations(x, r, w),
              [Arg(F64, (4,))],
              f"combinations r={r}", second_order=True)
    grads(lambda a, b, c: torch.block_diag(a, b, c), lambda a, b, c: ember.block_diag(a, b, c),
          [Arg(F64, (2, 3)), Arg(F64, ()), Arg(F64, (2,))], "block_diag", second_order=True)


# --- tril_indices / triu_indices / unravel_index / vander ---------------------------------------

@pytest.mark.parametrize("name", ["tril_indices", "triu_indices"])
def test_tri_indices(name):
    for args in ((3, 3), (3, 4, 1), (4, 3, -2), (3, 4, -5), (3, 4, 10), (0, 3), (3, 0), (1, 1), (5, 7, 2)):
        check(name, *args)
    check(name, 3, 4, dtype=Dt("int32"))
    for bad in ((-1, 3), (3, -1), (3.0, 3), (3, 3, 1.5)):
        check(name, *bad)
    for dt in ("float32", "int16", "uint8", "bool"):
        check(name, 3, 3, dtype=Dt(dt))


def test_unravel_index():
    for dt in INTS:
        check("unravel_index", Arg(dt, (5,), 0, 24), (2, 3, 4))
        check("unravel_index", Arg(dt, (2, 3), 0, 6), [2, 3])
        check("unravel_index", Arg(dt, (), 0, 7), 7)
    check("unravel_index", Arg("int64", data=np.array([6, -1, -7, 100])), (2, 3))
    check("unravel_index", Arg("int64", (0,)), (4, 5))
    check("unravel_index", Arg("int64", (2,), 0, 3), ())
    check("unravel_index", Arg("int64", (2,), 0, 3), (2, 0))
    check("unravel_index", Arg("float32", (2,)), (2, 3))
    check("unravel_index", Arg("bool", (2,)), (2, 3))
    check("unravel_index", Arg("int64", (2,)), (2, -3))
    check("unravel_index", Arg("int64", (2,)), (2.0, 3))
    check("unravel_index", Arg("int64", (2,)), 2.0)


@pytest.mark.parametrize("dtype", ALL)
def test_vander(dtype):
    x = Arg(dtype, (4,), -2, 3)
    for n, inc in ((None, False), (3, True), (1, False), (0, False), (6, False), (2, True)):
        check("vander", x, n, inc, tol=(2e-2, 2e-1) if dtype in ("float16", "bfloat16") else None)
    check("vander", Arg(dtype, (0,)))


def test_vander_errors_and_grads():
    check("vander", Arg("float32", (2, 2)))
    check("vander", Arg("float32", ()))
    check("vander", Arg("float32", (3,)), -1)
    check("vander", Arg("float32", (3,)), 2.0)
    # PyTorch's vander writes cumprod into a slice of its result and cannot be differentiated ("modified by an
    # inplace operation"); compare with the same matrix built from powers
    grads(lambda x: torch.stack([x ** k for k in (3, 2, 1, 0)], 1), lambda x: ember.vander(x, 4), [Arg(F64, (3,))],
          "vander", second_order=True)


# --- windows ----------------------------------------------------------------------------------

WINDOWS = {"hann_window": [()], "hamming_window": [(), (0.5,), (0.5, 0.3)], "blackman_window": [()],
           "bartlett_window": [()], "kaiser_window": [(), (5.0,), (0.5,)]}


@pytest.mark.parametrize("name", sorted(WINDOWS))
def test_windows(name):
    tols = {"float16": (5e-3, 5e-3), "bfloat16": (3e-2, 3e-2), "float32": (1e-5, 1e-5)}
    for params in WINDOWS[name]:
        for n in (0, 1, 2, 3, 5, 8, 11):
            for periodic in (True, False):
                check(name, n, periodic, *params)
                for dt in FLOATS:
                    check(name, n, periodic, *params, dtype=Dt(dt), tol=tols.get(dt))
    check(name, 6)
    check(name, -1)
    check(name, 5.0)
    check(name, 4, dtype=Dt("int64"))
    w = getattr(ember, name)(5, requires_grad=True)
    assert w.requires_grad and w.is_leaf and w.dtype is ember.float32
