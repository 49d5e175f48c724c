"""OpInfos for ember/ops/random.py: statistical conformance.

Random values can't be compared to a reference value, so each reference
returns the *distribution* of every output element: a structured array (same
shape as the output) with the element's expected mean and standard deviation,
its support and a check kind.  ``check_distribution`` (the OpInfos'
``compare``) then checks the support, the standardised moments pooled over all
elements, exact values where the distribution is degenerate, and row-wise
structure (permutations, distinct draws).  Bounds are generous: ~6 standard
errors, so a correct backend fails with negligible probability while wrong
scales, shifts or supports are caught.

Every op is also called twice through a private ``ember.Generator`` reseeded
with the same seed; the two draws must be identical.
"""
from __future__ import annotations

import math

import numpy as np

import ember
import ember.random  # noqa: F401  (ember.random.Generator)
from ember.testing.opinfo import FLOAT_DTYPES, OpInfo, SampleInput

from ._samples import NUMERIC, anchor, error_samples, make_array

# torch._standard_gamma / torch._standard_gamma_grad: underscored like PyTorch's, so not in ember's star exports
_standard_gamma = ember.ops.random._standard_gamma
_standard_gamma_grad = ember.ops.random._standard_gamma_grad

MOMENTS, LOG_MOMENTS, CAUCHY, PERMUTATION, SUPPORT = range(5)

SPEC = np.dtype([("kind", "i1"), ("mean", "f8"), ("std", "f8"), ("low", "f8"), ("high", "f8"),
                 ("open", "?"), ("integer", "?"), ("distinct", "?")])

SEED = 20240531
BIG = (64, 64)  # enough draws for the moment checks
SHAPES = [BIG, (4096,), (), (0,), (3, 0, 2)]


def spec(shape, kind=MOMENTS, mean=0.0, std=0.0, low=-np.inf, high=np.inf, open=False, integer=False,
         distinct=False):
    """The distribution of every element of an output of ``shape`` (fields broadcast)."""
    out = np.zeros(shape, SPEC)
    for name, v in (("kind", kind), ("mean", mean), ("std", std), ("low", low), ("high", high), ("open", open),
                    ("integer", integer), ("distinct", distinct)):
        out[name] = v
    return out


def _pooled_moments(z, what):
    n = z.size
    if n < 200:
        return
    m, v = float(z.mean()), float(z.var())
    # standard errors: 1/sqrt(n) for the mean, sqrt((kurtosis - 1)/n) for the variance (kurtosis <= ~10 here)
    if abs(m) > 6 / math.sqrt(n) + 0.02:
        raise AssertionError(f"{what}: standardised mean {m:.4f} of {n} draws is not ~0")
    if abs(v - 1) > 6 * math.sqrt(9 / n) + 0.05:
        raise AssertionError(f"{what}: standardised variance {v:.4f} of {n} draws is not ~1")


def check_distribution(out, expected, rtol=None, atol=None):
    """``compare`` of the random OpInfos: ``out`` drawn from the distributions ``expected`` describes."""
    x = np.asarray(out).astype(np.float64)
    e = expected
    if x.size == 0:
        return
    lo, hi = e["low"], e["high"]
    outside = ~(x >= lo) | np.where(e["open"], ~(x < hi), ~(x <= hi))
    if outside.any():
        raise AssertionError(f"{int(outside.sum())} of {x.size} values fall outside the support, e.g. "
                             f"{x[outside][:5]} (bounds {lo[outside][:1]}..{hi[outside][:1]}, "
                             f"open={e['open'][outside][:1]})")
    ints = e["integer"]
    if ints.any() and (x[ints] != np.round(x[ints])).any():
        raise AssertionError(f"non-integer values where integers are expected: {x[ints][x[ints] != np.round(x[ints])][:5]}")
    kind, mean, std = e["kind"], e["mean"], e["std"]
    fixed = (kind == MOMENTS) & (std == 0)
    if fixed.any() and (x[fixed] != mean[fixed]).any():
        raise AssertionError(f"degenerate distributions (std 0) must return their mean: got {x[fixed][:5]}, "
                             f"expected {mean[fixed][:5]}")
    sel = (kind == MOMENTS) & (std > 0)
    _pooled_moments((x[sel] - mean[sel]) / std[sel], "moments")
    sel = kind == LOG_MOMENTS
    if sel.any():
        _pooled_moments((np.log(x[sel]) - mean[sel]) / std[sel], "moments of log(x)")
    sel = kind == CAUCHY
    if sel.sum() >= 200:
        inside = float(np.mean(np.abs(x[sel] - mean[sel]) < std[sel]))  # P(|X - median| < sigma) = 1/2
        if abs(inside - 0.5) > 3 / math.sqrt(sel.sum()):
            raise AssertionError(f"Cauchy: {inside:.3f} of the draws lie within one scale of the median, not ~0.5")
    if (kind == PERMUTATION).any():
        k = x.shape[-1]
        if not (np.sort(x, axis=-1) == np.arange(k)).all():
            raise AssertionError(f"not a permutation of 0..{k - 1}: {x}")
    if e["distinct"].any() and x.ndim:
        rows = np.sort(x.reshape(-1, x.shape[-1]), axis=-1)
        if (np.diff(rows, axis=-1) == 0).any():
            raise AssertionError("draws without replacement repeat a category within a row")


def reproducible(fn):
    """``fn(*args, generator=g)`` twice with the same seed: the draws must agree."""
    def op(*args, **kwargs):
        dev = next(a.device for a in list(args) + list(kwargs.values()) if isinstance(a, ember.Tensor))
        g = ember.random.Generator(device=dev).manual_seed(SEED)
        first = fn(*args, generator=g, **kwargs).tolist()  # in-place ops return their (reused) input
        g.manual_seed(SEED)
        out = fn(*args, generator=g, **kwargs)
        if out.tolist() != first:
            raise AssertionError("reseeding the generator with the same seed did not reproduce the draws")
        return out
    return op


def _size_of(size):
    return tuple(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list)) else tuple(size)


def _factory_samples(shapes=SHAPES, **kw):
    for s in shapes:
        size = s if s else (s,)  # rand(2, 3) / rand(()); rand() is a TypeError as in PyTorch
        yield SampleInput(anchor(), *size, noncontig=False, name=f"size {s}", **kw)
    yield SampleInput(anchor(), (8, 4), noncontig=False, name="size as a tuple", **kw)


def _dtype_kw(dtype):
    return {"dtype": getattr(ember, dtype)}


# --- factories ----------------------------------------------------------------------

def _rand_samples(dtype, rng):
    return _factory_samples(**_dtype_kw(dtype))


def _randint_samples(dtype, rng):
    dt = _dtype_kw(dtype)
    bounds = {"bool": (0, 2), "uint8": (3, 200), "int8": (-100, 100), "bfloat16": (-200, 200)}.get(dtype, (-1000, 1000))
    for s in ((BIG,), ((4096,),), ((),), ((0,),)):
        yield SampleInput(anchor(), *bounds, *s, noncontig=False, name=f"[{bounds[0]}, {bounds[1]}) {s}", **dt)
    yield SampleInput(anchor(), bounds[1], BIG, noncontig=False, name="randint(high, size)", **dt)
    if dtype == "int64":  # the default dtype and keyword forms
        yield SampleInput(anchor(), 7, (4096,), noncontig=False, name="default dtype")
        yield SampleInput(anchor(), high=7, size=(4096,), low=2, noncontig=False, name="keywords")
        yield SampleInput(anchor(), -(2 ** 62), 2 ** 62, (4096,), noncontig=False, name="wide range")


def _randint_ref(anchor, *args, dtype=None, low=None, high=None, size=None):
    vals = list(args)
    if size is None:
        size = vals.pop()
    if high is None:
        high = vals.pop()
    if low is None:
        low = vals.pop() if vals else 0
    return _discrete_uniform(size, low, high)


def _discrete_uniform(shape, low, high):
    n = high - low
    return spec(shape, mean=(low + high - 1) / 2, std=math.sqrt((n * n - 1) / 12), low=low, high=high - 1,
                integer=True)


def _randperm_samples(dtype, rng):
    top = {"int8": 128, "uint8": 256, "bfloat16": 257}.get(dtype, 1000)
    for n in (0, 1, 10, top):
        yield SampleInput(anchor(), n, noncontig=False, name=f"n={n}", **_dtype_kw(dtype))
    if dtype == "int64":
        yield SampleInput(anchor(), 50, noncontig=False, name="default dtype")


def _normal_size_samples(dtype, rng):
    for mean, std in ((0.0, 1.0), (-2.5, 3.0), (4.0, 0.0)):
        yield SampleInput(anchor(), mean, std, BIG, noncontig=False, name=f"N({mean}, {std}**2)",
                          **_dtype_kw(dtype))
    yield SampleInput(anchor(), 1.0, 2.0, (0, 3), noncontig=False, name="empty", **_dtype_kw(dtype))


def _normal_samples(dtype, rng):
    mean = make_array(BIG, dtype, rng, -3, 3)
    std = make_array(BIG, dtype, rng, 0.5, 2)
    yield SampleInput(mean, std, name="tensor, tensor")
    std0 = std.copy()
    std0[:8] = 0
    yield SampleInput(mean, std0, name="tensor, tensor with std 0")
    yield SampleInput(make_array((64, 1), dtype, rng, -3, 3), make_array((64,), dtype, rng, 0.5, 2),
                      name="broadcast")
    yield SampleInput(mean, 2.0, name="tensor, float")
    yield SampleInput(mean, name="tensor, default std")
    yield SampleInput(-1.5, std, name="float, tensor")
    yield SampleInput(make_array((), dtype, rng, -3, 3), make_array((), dtype, rng, 0.5, 2), name="0-d")
    yield SampleInput(make_array((0, 2), dtype, rng), 1.0, name="empty")


def _normal_ref(mean, std=1.0):
    shape = np.broadcast_shapes(np.shape(mean), np.shape(std))
    return spec(shape, mean=mean, std=std)


# --- samplers driven by tensors -------------------------------------------------------

def _bernoulli_samples(dtype, rng):
    p = make_array(BIG, dtype, rng, 0, 1)
    yield SampleInput(p, name="p tensor")
    edge = p.copy()
    edge[:4] = 0
    edge[4:8] = 1
    yield SampleInput(edge, name="p tensor with 0 and 1")
    yield SampleInput(make_array(BIG, dtype, rng), 0.3, name="scalar p")
    yield SampleInput(make_array((), dtype, rng, 0, 1), name="0-d")
    yield SampleInput(make_array((0, 4), dtype, rng, 0, 1), name="empty")


def _bernoulli_ref(input, p=None):
    p = input if p is None else np.full(np.shape(input), p)
    return spec(np.shape(input), mean=p, std=np.sqrt(p * (1 - p)), low=0, high=1, integer=True)


def _multinomial_samples(dtype, rng):
    probs = make_array((6,), dtype, rng, 0.1, 2)
    yield SampleInput(probs, 4096, True, name="1-D with replacement")
    with_zeros = probs.copy()
    with_zeros[[0, 3]] = 0
    yield SampleInput(with_zeros, 4096, True, name="zero-probability categories")
    yield SampleInput(make_array((3, 5), dtype, rng, 0.1, 2), 2000, replacement=True, name="2-D with replacement")
    yield SampleInput(make_array((2000, 5), dtype, rng, 0.1, 2), 3, name="without replacement")
    yield SampleInput(with_zeros, 6, name="every category, zero probabilities last")
    yield SampleInput(make_array((0, 4), dtype, rng, 0.1, 2), 2, name="no rows")


def _multinomial_ref(probs, num_samples, replacement=False):
    p = probs.astype(np.float64).reshape(-1, probs.shape[-1])
    k = p.shape[-1]
    cats = np.arange(k)
    w = p / p.sum(-1, keepdims=True) if p.size else p
    mean = (w * cats).sum(-1, keepdims=True)
    std = np.sqrt(np.maximum((w * cats ** 2).sum(-1, keepdims=True) - mean ** 2, 0))
    shape = probs.shape[:-1] + (num_samples,)
    nonzero = (p > 0).sum(-1, keepdims=True)
    last = np.where(p > 0, cats, -1).max(-1, keepdims=True) if p.size else np.zeros((0, 1))
    kind = np.full((p.shape[0], num_samples), MOMENTS)
    high = np.broadcast_to(last, kind.shape).astype(np.float64)
    if not replacement:
        # only the first draw of a row follows p; later ones exhaust the non-zero categories first
        kind[:, 1:] = SUPPORT
        high = np.where(np.arange(num_samples) < nonzero, high, k - 1)
    return spec(shape, kind=kind.reshape(shape), mean=np.broadcast_to(mean, kind.shape).reshape(shape),
                std=np.broadcast_to(std, kind.shape).reshape(shape), low=0, high=high.reshape(shape),
                integer=True, distinct=not replacement)


def _int64_result(dtype, sample):
    return "int64"


def _poisson_samples(dtype, rng):
    rates = make_array(BIG, dtype, rng, 0, 10)
    rates[0, :8] = 0
    yield SampleInput(rates, name="rates in [0, 10)")
    yield SampleInput(make_array((4096,), dtype, rng, 100, 200), name="large rates")
    yield SampleInput(make_array((), dtype, rng, 0, 3), name="0-d")
    yield SampleInput(make_array((0,), dtype, rng, 0, 3), name="empty")


def _poisson_ref(rates):
    return spec(np.shape(rates), mean=rates, std=np.sqrt(rates), low=0, integer=True)


GAMMA_DTYPES = ("float32", "float64")  # PyTorch's CPU gamma and binomial kernels: no half types


def _standard_gamma_samples(dtype, rng):
    yield SampleInput(make_array(BIG, dtype, rng, 1, 10), name="alpha in [1, 10)")
    yield SampleInput(make_array((4096,), dtype, rng, 100, 1000), name="large alpha")
    yield SampleInput(make_array((4096,), dtype, rng, 0.1, 1), name="alpha in [0.1, 1)")
    yield SampleInput(make_array((4096,), dtype, rng, 0.001, 0.1), name="tiny alpha")
    yield SampleInput(make_array((), dtype, rng, 1, 3), name="0-d")
    yield SampleInput(make_array((0, 3), dtype, rng, 1, 3), name="empty")


def _standard_gamma_ref(alpha):
    """Moments for alpha >= 1 (kurtosis 3 + 6 / alpha <= 9); below, log(x) has mean digamma(alpha) and variance
    trigamma(alpha); below 0.1 draws pile up at the clamp (the dtype's tiny) and only the support is checked."""
    from scipy import special  # a test dependency, imported only when this reference runs
    kind = np.where(alpha >= 1, MOMENTS, np.where(alpha >= 0.1, LOG_MOMENTS, SUPPORT))
    safe = np.where(alpha > 0, alpha, 1.0)
    mean = np.where(kind == LOG_MOMENTS, special.digamma(safe), alpha)
    std = np.sqrt(np.where(kind == LOG_MOMENTS, special.polygamma(1, safe), alpha))
    return spec(np.shape(alpha), kind=kind, mean=mean, std=std, low=0)


def _gamma_grad_samples(dtype, rng):
    alpha = np.geomspace(0.01, 1000, 64)[:, None]
    # draws of Gamma(alpha, 1), kept above 1e-20 so that they stay normal float32 numbers
    x = np.maximum(rng.gamma(alpha, size=(64, 8)), 1e-20)
    yield SampleInput(np.broadcast_to(alpha, x.shape).astype(dtype), x.astype(dtype), name="alpha grid, draws")
    yield SampleInput(alpha.astype(dtype), x.astype(dtype), name="broadcast alpha")
    yield SampleInput(np.array(3.0, dtype), np.array(2.5, dtype), name="0-d")
    yield SampleInput(np.ones((0, 2), dtype), np.ones((0, 2), dtype), name="empty")


def _gamma_grad_ref(alpha, x):
    """-(dP(alpha, x) / d alpha) / pdf(x; alpha), P the regularised lower incomplete gamma, differentiated by a
    five-point stencil (on -Q = P - 1 where P > 1/2, keeping its relative precision in the upper tail)."""
    from scipy import special  # a test dependency, imported only when this reference runs
    alpha, x = np.broadcast_arrays(alpha, x)
    lower = special.gammainc(alpha, x) < 0.5

    def cdf(a):
        return np.where(lower, special.gammainc(a, x), -special.gammaincc(a, x))

    h = 1e-5 * alpha
    dcdf = (cdf(alpha - 2 * h) - 8 * cdf(alpha - h) + 8 * cdf(alpha + h) - cdf(alpha + 2 * h)) / (12 * h)
    log_pdf = (alpha - 1) * np.log(x) - x - special.gammaln(alpha)
    return -dcdf / np.exp(log_pdf)


def _binomial_samples(dtype, rng):
    count = np.floor(make_array(BIG, dtype, rng, 0, 30))
    prob = make_array(BIG, dtype, rng, 0, 1)
    prob[0, :4], prob[0, 4:8], count[1, :8] = 0, 1, 0
    yield SampleInput(count, prob, name="counts in [0, 30), p with 0 and 1")
    yield SampleInput(np.full((4096,), 10 ** 6, dtype), make_array((4096,), dtype, rng, 0.01, 0.99),
                      name="large counts")
    yield SampleInput(np.floor(make_array((64, 1), dtype, rng, 0, 50)), make_array((64,), dtype, rng, 0, 1),
                      name="broadcast")
    yield SampleInput(np.array(7, dtype), np.array(0.5, dtype), name="0-d")
    yield SampleInput(np.zeros((0, 3), dtype), np.zeros((3,), dtype), name="empty")


def _binomial_ref(count, prob):
    count, prob = np.broadcast_arrays(count, prob)
    return spec(count.shape, mean=count * prob, std=np.sqrt(count * prob * (1 - prob)), low=0, high=count,
                integer=True)


# --- in-place samplers --------------------------------------------------------------

def _method(name):
    def call(x, *args, generator=None, **kwargs):
        return getattr(x, name)(*args, generator=generator, **kwargs)
    return call


def _inplace_samples(params, dtype, rng, shapes=(BIG, (4096,), (), (0, 3))):
    for s in shapes:
        for p in params:
            yield SampleInput(make_array(s, dtype, rng), *p, name=f"{s} {p}")


def _uniform_ref(x, low=0.0, high=1.0):
    return spec(np.shape(x), mean=(low + high) / 2, std=(high - low) / math.sqrt(12), low=low, high=high,
                open=high > low)


def _normal__ref(x, mean=0.0, std=1.0):
    return spec(np.shape(x), mean=mean, std=std)


def _random_limit(dtype):
    """The largest value ``random_()`` draws for ``dtype`` (``2**mantissa`` for floats)."""
    if dtype.is_floating_point:
        return 2 ** (round(-math.log2(ember.finfo(dtype).eps)) + 1)
    return ember.iinfo(dtype).max


def _random_samples(dtype, rng):
    params = [(), (2,), (0, 2)] if dtype == "bool" else [(), (5,), (2, 9), (3, None)]
    if dtype not in ("bool", "uint8"):
        params.append((-7, 8))
    limit = _random_limit(getattr(ember, dtype))
    for s in (BIG, (4096,), (), (0, 3)):
        for p in params:
            # `limit` (the dtype's default upper bound) is for the reference only; the op drops it
            yield SampleInput(make_array(s, dtype, rng), *p, limit=limit, name=f"{s} {p}")


def _random_op(x, *args, limit=None, generator=None):
    return x.random_(*args, generator=generator)


def _random_ref(x, *args, limit=None):
    if not args:
        return _discrete_uniform(np.shape(x), 0, limit + 1)
    if len(args) == 1:
        return _discrete_uniform(np.shape(x), 0, args[0])
    low, high = args
    return _discrete_uniform(np.shape(x), low, limit + 1 if high is None else high)


def _exponential_ref(x, lambd=1.0):
    return spec(np.shape(x), mean=1 / lambd, std=1 / lambd, low=0)


def _geometric_ref(x, p):
    return spec(np.shape(x), mean=1 / p, std=math.sqrt(1 - p) / p, low=1, integer=True)


def _log_normal_ref(x, mean=1.0, std=2.0):
    return spec(np.shape(x), kind=LOG_MOMENTS, mean=mean, std=std, low=0)


def _cauchy_ref(x, median=0.0, sigma=1.0):
    return spec(np.shape(x), kind=CAUCHY, mean=median, std=sigma)


def _bernoulli__samples(dtype, rng):
    yield from _inplace_samples([(), (0.25,), (0.0,), (1.0,)], dtype, rng)
    yield SampleInput(make_array(BIG, dtype, rng), make_array(BIG, "float64", rng, 0, 1), name="p tensor")
    yield SampleInput(make_array(BIG, dtype, rng), make_array((64,), "float32", rng, 0, 1), name="p broadcast")


def _bernoulli__ref(x, p=0.5):
    p = np.broadcast_to(np.asarray(p, np.float64), np.shape(x))
    return spec(np.shape(x), mean=p, std=np.sqrt(p * (1 - p)), low=0, high=1, integer=True)


# --- error inputs ------------------------------------------------------------------------

def _f32(shape=(3,), value=0.5):
    return np.full(shape, value, np.float32)


_ERRORS = {
    "rand": error_samples(
        (SampleInput(anchor(), 2, dtype=ember.int64), NotImplementedError, "check_uniform_bounds.*'Long'"),
        (SampleInput(anchor(), 2, dtype=ember.bool), RuntimeError, "not implemented for 'Bool'"),
        (SampleInput(anchor(), -1), RuntimeError, r"negative dimension -1: \[-1\]")),
    "randn": error_samples(
        (SampleInput(anchor(), 2, dtype=ember.int32), NotImplementedError, "normal_kernel_cpu.*'Int'")),
    "randint": error_samples(
        (SampleInput(anchor(), 2, 2, (3,)), RuntimeError, "expects 'from' to be less than 'to'.*from=2 >= to=2"),
        (SampleInput(anchor(), 5, 3), TypeError, "must be tuple of ints, not int"),
        (SampleInput(anchor(), 300, (3,), dtype=ember.uint8), RuntimeError, "to - 1 is out of bounds for unsigned char"),
        (SampleInput(anchor(), -1, 3, (3,), dtype=ember.uint8), RuntimeError, "from is out of bounds"),
        (SampleInput(anchor(), 3, (3,), dtype=ember.bool), RuntimeError, "out of bounds for bool"),
        (SampleInput(anchor(), 2.5, (3,)), TypeError, "'high' .* must be int, not float")),
    "randperm": error_samples(
        (SampleInput(anchor(), -1), RuntimeError, "negative dimension"),
        (SampleInput(anchor(), 5, dtype=ember.bool), NotImplementedError, "'Bool'"),
        (SampleInput(anchor(), 300, dtype=ember.uint8), RuntimeError, "overflow"),
        (SampleInput(anchor(), 3000, dtype=ember.float16), RuntimeError, "cannot be greater than 2049")),
    "normal": error_samples(
        (SampleInput(_f32(), -_f32()), RuntimeError, "normal expects all elements of std >= 0.0"),
        (SampleInput(_f32(), -1.0), RuntimeError, "normal expects std >= 0.0, but found std -1"),
        (SampleInput(np.zeros(3, np.int64), 1.0), NotImplementedError, "normal_kernel_cpu.*'Long'"),
        (SampleInput(_f32((3,)), _f32((2,))), RuntimeError, r"size of tensor a \(3\) must match the size of tensor b \(2\)")),
    "normal_size": error_samples(
        (SampleInput(anchor(), 0.0, -1.0, (3,)), RuntimeError, "normal expects std >= 0.0"),
        (SampleInput(anchor(), 0.0, 1.0, (3,), dtype=ember.int64), NotImplementedError, "'Long'")),
    "bernoulli": error_samples(
        (SampleInput(_f32(value=1.5)), RuntimeError, "Expected p_in >= 0 && p_in <= 1"),
        (SampleInput(_f32(value=np.nan)), RuntimeError, "Expected p_in >= 0 && p_in <= 1"),
        (SampleInput(np.ones(3, np.int64)), NotImplementedError, "bernoulli_tensor_cpu_p_.*'Long'"),
        (SampleInput(_f32(), 2.0), RuntimeError, r"expects p to be in \[0, 1\], but got p=2")),
    "multinomial": error_samples(
        (SampleInput(np.array([1.0, 2, 3], np.float32), 4), RuntimeError, "cannot sample n_sample > prob_dist"),
        (SampleInput(np.array([1.0, -2, 3], np.float32), 2), RuntimeError, "`inf`, `nan` or element < 0"),
        (SampleInput(np.array([1.0, np.nan, 3], np.float32), 2), RuntimeError, "`inf`, `nan` or element < 0"),
        (SampleInput(np.array([1.0, np.inf, 3], np.float32), 2, True), RuntimeError, "`inf`, `nan`"),
        (SampleInput(np.zeros(3, np.float32), 2), RuntimeError, r"sum of probabilities <= 0"),
        (SampleInput(np.array([1, 2, 3]), 2), RuntimeError, "only supports floating-point dtypes.*Long"),
        (SampleInput(np.ones((2, 2, 2), np.float32), 1), RuntimeError, "prob_dist must be 1 or 2 dim"),
        (SampleInput(_f32(), 0), RuntimeError, "cannot sample n_sample <= 0 samples")),
    "poisson": error_samples(
        (SampleInput(_f32(value=-2.0)), RuntimeError, "invalid Poisson rate, expected rate to be non-negative"),
        (SampleInput(_f32(value=np.nan)), RuntimeError, "invalid Poisson rate"),
        (SampleInput(np.full(3, 2, np.int64)), NotImplementedError, "poisson_cpu.*'Long'")),
    "_standard_gamma": error_samples(
        (SampleInput(np.full(3, 2, np.int64)), NotImplementedError, "gamma_cpu.*'Long'"),
        (SampleInput(np.full(3, 2, np.float16)), NotImplementedError, "gamma_cpu.*'Half'")),
    "_standard_gamma_grad": error_samples(
        (SampleInput(_f32(), np.full(3, 0.5)), RuntimeError, "Found dtype Double but expected Float"),
        (SampleInput(np.ones(3, np.int64), np.ones(3, np.int64)), NotImplementedError,
         "_standard_gamma_grad_cpu.*'Long'"),
        (SampleInput(_f32((3,)), _f32((2,))), RuntimeError, r"size of tensor a \(3\) must match")),
    "binomial": error_samples(
        (SampleInput(np.full(3, 5, np.int64), _f32()), ValueError, "floating-point dtypes for count, got: Long"),
        (SampleInput(_f32(value=5), np.zeros(3, np.bool_)), ValueError, "floating-point dtypes for prob, got: Bool"),
        (SampleInput(_f32(value=5), np.full(3, 0.5)), RuntimeError, "Found dtype Double but expected Float"),
        (SampleInput(np.full(3, 5, np.float16), np.full(3, 0.5, np.float16)), NotImplementedError,
         "binomial_cpu.*'Half'"),
        (SampleInput(_f32(value=2.5), _f32()), RuntimeError, "count to hold whole numbers.*found 2.5"),
        (SampleInput(_f32(value=-1), _f32()), RuntimeError, "count to hold whole numbers.*found -1"),
        (SampleInput(_f32(value=5), _f32(value=1.5)), RuntimeError, r"prob to be in \[0, 1\], but found 1.5"),
        (SampleInput(_f32(value=5), _f32(value=np.nan)), RuntimeError, r"prob to be in \[0, 1\], but found nan"),
        (SampleInput(_f32(value=5), 0.5), TypeError, r"argument 'prob' \(position 2\) must be Tensor, not float"),
        (SampleInput(_f32((3,), 5), _f32((2,))), RuntimeError, r"size of tensor a \(3\) must match")),
    "uniform_": error_samples(
        (SampleInput(_f32(), 2.0, 1.0), RuntimeError, r"expects to return a \[from, to\) range, but found from=2 > to=1"),
        (SampleInput(np.zeros(3, np.int64)), NotImplementedError, "check_uniform_bounds.*'Long'"),
        (SampleInput(_f32(), float("inf"), 1.0), RuntimeError, "from is out of bounds for float"),
        (SampleInput(np.zeros(3), -1e308, 1e308), RuntimeError, "to-from to exceed the limit")),
    "normal_": error_samples(
        (SampleInput(_f32(), 0.0, -1.0), RuntimeError, "normal expects std >= 0.0, but found std -1"),
        (SampleInput(np.zeros(3, np.int64)), NotImplementedError, "normal_kernel_cpu.*'Long'")),
    "random_": error_samples(
        (SampleInput(_f32(), 5, 2), RuntimeError, "from=5 >= to=2"),
        (SampleInput(np.zeros(3, np.uint8), 0, 300), RuntimeError, "to - 1 is out of bounds for unsigned char"),
        (SampleInput(np.zeros(3, np.uint8), -1, 5), RuntimeError, "from is out of bounds for unsigned char"),
        (SampleInput(np.zeros(3, np.bool_), 0, 3), RuntimeError, "to - 1 is out of bounds for bool"),
        (SampleInput(np.zeros(3, np.float16), 0, 70000), RuntimeError, r"to - 1 is out of bounds for c10::Half")),
    "exponential_": error_samples(
        (SampleInput(_f32(), -1.0), RuntimeError, "exponential_ expects lambda > 0.0, but found lambda=-1"),
        (SampleInput(_f32(), 0.0), RuntimeError, "expects lambda > 0.0"),
        (SampleInput(np.zeros(3, np.int64)), RuntimeError, "continuous probability distribution.*Long")),
    "geometric_": error_samples(
        (SampleInput(_f32(), 0.0), RuntimeError, r"geometric_ expects p to be in \(0, 1\), but got p=0"),
        (SampleInput(_f32(), 1.0), RuntimeError, r"expects p to be in \(0, 1\)"),
        (SampleInput(np.zeros(3, np.bool_), 0.5), NotImplementedError, "geometric_cpu.*'Bool'")),
    "log_normal_": error_samples(
        (SampleInput(_f32(), 1.0, -2.0), RuntimeError, "log_normal_ expects std > 0.0, but found std=-2"),
        (SampleInput(_f32(), 1.0, 0.0), RuntimeError, "expects std > 0.0"),
        (SampleInput(np.zeros(3, np.int64)), NotImplementedError, "log_normal_cpu.*'Long'")),
    "cauchy_": error_samples(
        (SampleInput(_f32(), 1.0, -2.0), RuntimeError, "cauchy_ expects sigma > 0.0, but found sigma=-2"),
        (SampleInput(np.zeros(3, np.int64)), RuntimeError, "continuous probability distribution.*long int")),
    "bernoulli_": error_samples(
        (SampleInput(_f32(), 1.5), RuntimeError, r"expects p to be in \[0, 1\], but got p=1.5"),
        (SampleInput(_f32(), _f32(value=1.5)), RuntimeError, "Expected p_in >= 0 && p_in <= 1"),
        (SampleInput(_f32((3,)), _f32((2,))), RuntimeError, r"expanded size of the tensor \(3\) must match the "
                                                            r"existing size \(2\)")),
}


def _factory(fn):
    """A factory called on the backend of the anchor tensor (first argument)."""
    def call(anchor, *args, generator=None, **kwargs):
        return fn(*args, device=anchor.device, generator=generator, **kwargs)
    return call


def _record(name, fn, ref, samples, dtypes, **kw):
    return OpInfo(name, reproducible(fn), ref, samples, dtypes=dtypes, supports_grad=False,
                  compare=check_distribution, error_inputs=_ERRORS.get(name), **kw)


ALL = ("bool",) + NUMERIC


def _ignore_anchor(ref):
    def call(anchor, *args, dtype=None, **kwargs):
        return ref(*args, **kwargs)
    return call


OP_DB = [
    _record("rand", _factory(ember.rand),
            _ignore_anchor(lambda *size: spec(_size_of(size), mean=0.5, std=math.sqrt(1 / 12), low=0, high=1,
                                              open=True)),
            _rand_samples, FLOAT_DTYPES),
    _record("randn", _factory(ember.randn), _ignore_anchor(lambda *size: spec(_size_of(size), mean=0.0, std=1.0)),
            _rand_samples, FLOAT_DTYPES),
    _record("randint", _factory(ember.randint), _randint_ref, _randint_samples, ALL),
    _record("randperm", _factory(ember.randperm),
            _ignore_anchor(lambda n: spec((n,), kind=PERMUTATION, low=0, high=max(n - 1, 0), integer=True)),
            _randperm_samples, NUMERIC),
    _record("normal_size", _factory(ember.normal),
            _ignore_anchor(lambda mean, std, size: spec(tuple(size), mean=mean, std=std)),
            _normal_size_samples, FLOAT_DTYPES),
    _record("normal", ember.normal, _normal_ref, _normal_samples, FLOAT_DTYPES),
    _record("bernoulli", ember.bernoulli, _bernoulli_ref, _bernoulli_samples, FLOAT_DTYPES),
    _record("multinomial", ember.multinomial, _multinomial_ref, _multinomial_samples, FLOAT_DTYPES,
            result_dtype=_int64_result),
    _record("poisson", ember.poisson, _poisson_ref, _poisson_samples, FLOAT_DTYPES),
    _record("_standard_gamma", _standard_gamma, _standard_gamma_ref, _standard_gamma_samples, GAMMA_DTYPES),
    # deterministic: PyTorch's approximations against the exact derivative, within their ~2e-3 relative error
    OpInfo("_standard_gamma_grad", _standard_gamma_grad, _gamma_grad_ref, _gamma_grad_samples, dtypes=GAMMA_DTYPES,
           supports_grad=False, error_inputs=_ERRORS["_standard_gamma_grad"],
           tols={"float32": (5e-3, 1e-6), "float64": (5e-3, 1e-12)}),
    _record("binomial", ember.binomial, _binomial_ref, _binomial_samples, GAMMA_DTYPES),
    _record("uniform_", _method("uniform_"), _uniform_ref,
            lambda dt, rng: _inplace_samples([(), (-2.0, 3.0), (1.5, 1.5)], dt, rng), FLOAT_DTYPES),
    _record("normal_", _method("normal_"), _normal__ref,
            lambda dt, rng: _inplace_samples([(), (1.5, 2.0), (-1.0, 0.0)], dt, rng), FLOAT_DTYPES),
    _record("random_", _random_op, _random_ref, _random_samples, ALL),
    _record("exponential_", _method("exponential_"), _exponential_ref,
            lambda dt, rng: _inplace_samples([(), (2.5,)], dt, rng), FLOAT_DTYPES),
    _record("geometric_", _method("geometric_"), _geometric_ref,
            lambda dt, rng: _inplace_samples([(0.3,), (0.9,)], dt, rng), NUMERIC),
    _record("log_normal_", _method("log_normal_"), _log_normal_ref,
            lambda dt, rng: _inplace_samples([(), (0.5, 0.25)], dt, rng), FLOAT_DTYPES),
    _record("cauchy_", _method("cauchy_"), _cauchy_ref,
            lambda dt, rng: _inplace_samples([(), (2.0, 0.5)], dt, rng), FLOAT_DTYPES),
    _record("bernoulli_", _method("bernoulli_"), _bernoulli__ref, _bernoulli__samples, ALL),
]
