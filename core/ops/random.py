"""Random sampling: factories (rand, randn, randint, randperm, normal), samplers driven by a
tensor's values (bernoulli, multinomial, poisson, binomial, and ``_standard_gamma``, whose gradient is
the implicit reparameterisation ``_standard_gamma_grad``) and the in-place Tensor methods (uniform_,
normal_, random_, exponential_, geometric_, log_normal_, cauchy_, bernoulli_).

Every op draws from a generator of the tensor's backend (see ``ember.random``): the one
passed as ``generator=`` or the backend's default.  Kernels receive its native state as a
parameter.  Sampling kernels take a ``like`` tensor that fixes the output's shape and dtype.
As in PyTorch, sampling ops record a graph node whose gradients are zero, except ``_standard_gamma``'s
(reparameterised) and binomial's (its backward raises).
"""
from __future__ import annotations

import math
import warnings

from .. import _dtype as D
from .._dispatch import apply
from .._op import defop
from .._tensor import Tensor
from ..random import generator_state
from . import creation as C
from ._util import as_shape, broadcast_shapes, reg
from .elementwise import _no_derivative
from .inplace import check_inplace_target, commit, torch_type_name, write_out

F = "random"

INPLACE = ()  # the in-place samplers are methods of their own, not out-of-place ops committed in place


def _zero_grads(ctx, g):
    return tuple(g.new_zeros(shape, dtype=dt) if need else None
                 for shape, dt, need in zip(ctx.shapes, ctx.dtypes, ctx.needs_input_grad))


def _work_like(like):
    """A float32/float64 tensor shaped like ``like`` for decompositions to draw in."""
    dt = D.float64 if like.dtype is D.float64 else D.float32
    return C.empty(tuple(like.shape), dtype=dt, device=like.device)


def _std_normal(like, state):
    return apply(NORMAL, (like,), (state, 0.0, 1.0))


def _normal_tensor_decomp(mean, std, state):
    shape = broadcast_shapes(tuple(mean.shape), tuple(std.shape), op="normal")
    z = _std_normal(C.empty(shape, dtype=mean.dtype, device=mean.device), state)
    return mean.detach() + std.detach() * z


def _exponential_decomp(like, state, lambd):
    u = apply(UNIFORM, (_work_like(like),), (state, 0.0, 1.0))
    return (-(1 - u).log() / lambd).to(like.dtype)


def _geometric_decomp(like, state, p):
    u = apply(UNIFORM, (C.empty(tuple(like.shape), dtype=D.float64, device=like.device),), (state, 0.0, 1.0))
    # number of Bernoulli(p) trials up to the first success: floor(log(1-u) / log(1-p)) + 1
    return ((1 - u).log() / math.log1p(-p)).to(D.int64).add(1).to(like.dtype)


def _log_normal_decomp(like, state, mean, std):
    return apply(NORMAL, (_work_like(like),), (state, mean, std)).exp().to(like.dtype)


def _cauchy_decomp(like, state, median, sigma):
    work = _work_like(like)
    ratio = _std_normal(work, state) / _std_normal(work, state)  # the ratio of two N(0, 1) is Cauchy(0, 1)
    return (ratio * sigma + median).to(like.dtype)


# -- RNG state (system ops: no tensors, no autograd) --
RNG_NEW = defop("rng_new", F, "rng_new(seed) -> state", doc="a native RNG state seeded with `seed` (0 <= seed < 2**64)")
RNG_GET_STATE = defop("rng_get_state", F, "rng_get_state(state) -> bytes", doc="the native state as bytes")
RNG_SET_STATE = defop("rng_set_state", F, "rng_set_state(state, data) -> state",
                      doc="load bytes from rng_get_state into `state` and return it; RuntimeError if malformed")

# -- samplers: `like` fixes shape and dtype, its values are unused --
UNIFORM = defop("uniform", F, "uniform(like, state, low, high) -> out", backward=_zero_grads,
                doc="U[low, high) in like's float dtype; never returns `high`")
NORMAL = defop("normal", F, "normal(like, state, mean, std) -> out", backward=_zero_grads,
               doc="N(mean, std**2) in like's float dtype")
NORMAL_TENSOR = defop("normal_tensor", F, "normal_tensor(mean, std, state) -> out", backward=_zero_grads,
                      decomposition=_normal_tensor_decomp,
                      doc="N(mean, std**2) elementwise; mean and std: same float dtype, broadcast")
RANDINT = defop("randint", F, "randint(like, state, low, high) -> out", backward=_zero_grads,
                doc="integers uniform in [low, high) (Python ints; high may be 2**63) in like's dtype")
RANDPERM = defop("randperm", F, "randperm(like, state) -> out",
                 doc="a random permutation of 0..len(like)-1 in like's dtype (like is 1-D)")
BERNOULLI = defop("bernoulli", F, "bernoulli(like, p, state) -> out", backward=_zero_grads,
                  doc="1 with probability p (float, broadcast to like's shape, in [0, 1]) else 0, in like's dtype")
MULTINOMIAL = defop("multinomial", F, "multinomial(probs, state, num_samples, replacement) -> out",
                    doc="int64 indices drawn from each row of the 1-D/2-D non-negative weights `probs`; without "
                        "replacement a row's indices are distinct")
POISSON = defop("poisson", F, "poisson(rates, state) -> out", backward=_zero_grads,
                doc="Poisson(rates) counts in the rates' float dtype")
EXPONENTIAL = defop("exponential", F, "exponential(like, state, lambd) -> out", backward=_zero_grads,
                    decomposition=_exponential_decomp, doc="Exp(lambd) in like's float dtype")
GEOMETRIC = defop("geometric", F, "geometric(like, state, p) -> out", backward=_zero_grads,
                  decomposition=_geometric_decomp, doc="trials to the first success, 1, 2, ..., in like's dtype")
LOG_NORMAL = defop("log_normal", F, "log_normal(like, state, mean, std) -> out", backward=_zero_grads,
                   decomposition=_log_normal_decomp, doc="exp(N(mean, std**2)) in like's float dtype")
CAUCHY = defop("cauchy", F, "cauchy(like, state, median, sigma) -> out", backward=_zero_grads,
               decomposition=_cauchy_decomp, doc="Cauchy(median, sigma) in like's float dtype")


def _standard_gamma_backward(ctx, g):
    # implicit reparameterisation: d sample / d alpha = -(dF(x; alpha) / d alpha) / pdf(x; alpha)
    return (g * apply(STANDARD_GAMMA_GRAD, (ctx.saved[0], ctx.output)),)


def _standard_gamma_grad_backward(ctx, g):
    raise NotImplementedError("the derivative for '_standard_gamma_grad' is not implemented.")


STANDARD_GAMMA = defop("standard_gamma", F, "standard_gamma(alpha, state) -> out", backward=_standard_gamma_backward,
                       save="both", doc="Gamma(alpha, 1) draws in alpha's float dtype, at least the dtype's smallest "
                                        "normal number (also where alpha <= 0 or is NaN)")
STANDARD_GAMMA_GRAD = defop("standard_gamma_grad", F, "standard_gamma_grad(alpha, x) -> out",
                            backward=_standard_gamma_grad_backward,
                            doc="d x / d alpha of x ~ Gamma(alpha, 1) (alpha and x: same float dtype, broadcast), "
                                "with PyTorch's approximations: 0 where a series term is NaN for x < 0.8")
BINOMIAL = defop("binomial", F, "binomial(count, prob, state) -> out", backward=_no_derivative("binomial"),
                 doc="Binomial(count, prob) draws (count: whole numbers, prob in [0, 1]; same float dtype, "
                     "broadcast) in prob's dtype")


# --- helpers -----------------------------------------------------------------------

_CPP_NAMES = {"bool": "bool", "uint8": "unsigned char", "int8": "signed char", "int16": "short int",
              "int32": "int", "int64": "long int", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
              "float32": "float", "float64": "double"}


def _g(x):
    """A number as PyTorch prints it in messages (``2``, ``1.5``, ``1e+308``)."""
    return f"{x:g}" if isinstance(x, float) else str(x)


def _not_implemented(kernel, dtype):
    return NotImplementedError(f"\"{kernel}\" not implemented for '{torch_type_name(dtype)}'")


def _require_float(dtype, kernel):
    if not dtype.is_floating_point:
        raise _not_implemented(kernel, dtype)


def _digits(dtype):
    """Significand bits of a float dtype (11 for float16, 24 for float32, ...)."""
    return round(-math.log2(D.finfo(dtype).eps)) + 1


def _all(mask) -> bool:
    return int(mask.sum()) == mask.numel()


def _number(x, op, name):
    if isinstance(x, Tensor):
        x = x.item()
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        if hasattr(x, "__float__"):
            return float(x)
        raise TypeError(f"{op}(): argument '{name}' must be a number, not {type(x).__name__}")
    return x


def _size(size, kwargs, op):
    if "size" in kwargs:
        if size:
            raise TypeError(f"{op}(): got multiple values for argument 'size'")
        size = (kwargs.pop("size"),)
    elif not size:
        raise TypeError(f"{op}() received an invalid combination of arguments - got (), but expected "
                        f"(tuple of ints size, *, ...): the size is missing")
    if kwargs:
        raise TypeError(f"{op}() got an unexpected keyword argument '{next(iter(kwargs))}'")
    shape = as_shape(size, op)
    for s in shape:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(shape)}")
    return shape


def _finish(t, out, requires_grad):
    if out is not None:
        return write_out(out, t)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _target(dtype, device, out, default):
    """dtype and device of a factory's result (``out=`` fills them in when not given)."""
    if dtype is None:
        dtype = out.dtype if out is not None else default
    if device is None and out is not None:
        device = out.device
    return D.to_dtype(dtype), device


def _sample(op, like, generator, name, *params):
    return apply(op, (like,), (generator_state(generator, like._backend, name),) + params, like.dtype)


def _check_from_to(from_, to_inc, dtype):
    """PyTorch's bounds checks of a discrete range [from_, to_inc] for ``dtype``."""
    if dtype.is_floating_point:
        lo, hi = -D.finfo(dtype).max, D.finfo(dtype).max
    else:
        info = D.iinfo(dtype)
        lo, hi = info.min, info.max
    name = _CPP_NAMES[dtype.name]
    if not lo <= from_ <= hi:
        raise RuntimeError(f"from is out of bounds for {name}")
    if not lo <= to_inc <= hi:
        raise RuntimeError(f"to - 1 is out of bounds for {name}")
    if dtype.is_floating_point:
        d = _digits(dtype)
        for what, v in (("from", from_), ("to - 1", to_inc)):
            if not -(1 << d) <= v <= (1 << d):
                warnings.warn(f"{what} is out of bounds [-(2^{d}), 2^{d}]. Due to precision limitations {name} can "
                              f"support discrete uniform distribution only within this range.", UserWarning,
                              stacklevel=4)


def _discrete_range(dtype, from_, to, op="random_"):
    """[low, high) for ``random_(from, to)`` / ``randint`` on ``dtype``; ``to=None``: up to the dtype's limit."""
    if not isinstance(from_, int) or (to is not None and not isinstance(to, int)):
        raise TypeError(f"{op}(): 'from' and 'to' must be ints, got {type(from_).__name__} and "
                        f"{type(to).__name__}")
    if to is None:
        if dtype.is_floating_point:
            to_inc = 1 << _digits(dtype)
        else:
            to_inc = D.iinfo(dtype).max
        _check_from_to(from_, to_inc, dtype)
        if from_ > to_inc:
            raise RuntimeError(f"{op} expects 'from' casted to dtype to be less than or equal to 'to_inc' casted to "
                               f"dtype, but got from={from_} > to_inc={to_inc}")
        return from_, to_inc + 1
    if from_ >= to:
        raise RuntimeError(f"{op} expects 'from' to be less than 'to', but got from={from_} >= to={to}")
    _check_from_to(from_, to - 1, dtype)
    return from_, to


def _from_to(args, kwargs, default_from, default_to, op):
    """``(from, to)`` of ``op(from, to)``: PyTorch names the lower bound ``from``, a Python keyword, so it
    arrives positionally or through ``**kwargs``."""
    if len(args) > 2:
        raise TypeError(f"{op}() takes at most 2 positional arguments ({len(args)} given)")
    names = ("from", "to")
    given = dict(zip(names, args))
    for k, v in kwargs.items():
        if k not in names:
            raise TypeError(f"{op}() got an unexpected keyword argument '{k}'")
        if k in given:
            raise TypeError(f"{op}() got multiple values for argument '{k}'")
        given[k] = v
    return given.get("from", default_from), given.get("to", default_to)


# --- factories ---------------------------------------------------------------------

def _float_factory(op, name, kernel, shape, params, generator, out, dtype, device, requires_grad):
    """A new float tensor of ``shape`` drawn by ``op(*params)`` (``kernel``: PyTorch's name in dtype errors)."""
    dtype, device = _target(dtype, device, out, D.get_default_dtype())
    _require_float(dtype, kernel)
    like = C.empty(shape, dtype=dtype, device=device)
    return _finish(_sample(op, like, generator, name, *params), out, requires_grad)


def rand(*size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
         pin_memory=False, **kwargs) -> Tensor:
    """Samples of U[0, 1) of shape ``size``: ``ember.rand(2, 3)`` or ``ember.rand((2, 3))``."""
    return _float_factory(UNIFORM, "rand", "check_uniform_bounds", _size(size, kwargs, "rand"), (0.0, 1.0),
                          generator, out, dtype, device, requires_grad)


def randn(*size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False, **kwargs) -> Tensor:
    """Samples of N(0, 1) of shape ``size``."""
    return _float_factory(NORMAL, "randn", "normal_kernel_cpu", _size(size, kwargs, "randn"), (0.0, 1.0),
                          generator, out, dtype, device, requires_grad)


def _like_target(input, dtype, device):
    return (input.dtype if dtype is None else D.to_dtype(dtype)), (input.device if device is None else device)


def rand_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None,
              generator=None) -> Tensor:
    dtype, device = _like_target(input, dtype, device)
    return rand(tuple(input.shape), dtype=dtype, device=device, requires_grad=requires_grad, generator=generator)


def randn_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None,
               generator=None) -> Tensor:
    dtype, device = _like_target(input, dtype, device)
    return randn(tuple(input.shape), dtype=dtype, device=device, requires_grad=requires_grad, generator=generator)


def _int_arg(x, op, name, pos):
    if isinstance(x, Tensor) and x.numel() == 1 and not x.dtype.is_floating_point:
        return int(x.item())
    if isinstance(x, bool) or not hasattr(x, "__index__"):
        raise TypeError(f"{op}(): argument '{name}' (position {pos}) must be int, not {type(x).__name__}")
    return x.__index__()


def _randint_args(args, kwargs):
    """Parse ``randint(high, size)`` / ``randint(low, high, size)`` with keywords like PyTorch."""
    names = ("low", "high", "size")
    given = dict(kwargs)
    if len(args) > 3:
        raise TypeError(f"randint() takes at most 3 positional arguments ({len(args)} given)")
    if len(args) == 3:
        pos = names
    elif len(args) == 2:
        pos = ("low", "high") if "size" in given else ("high", "size")
    elif len(args) == 1:
        pos = ("low",) if "high" in given and "size" in given else (("high",) if "size" in given else ("size",))
    else:
        pos = ()
    for n, v in zip(pos, args):
        if n in given:
            raise TypeError(f"randint() got multiple values for argument '{n}'")
        given[n] = v
    unknown = set(given) - set(names)
    if unknown:
        raise TypeError(f"randint() got an unexpected keyword argument '{sorted(unknown)[0]}'")
    if "high" not in given or "size" not in given:
        missing = "high" if "high" not in given else "size"
        raise TypeError(f"randint() missing required argument '{missing}'")
    size = given["size"]
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"randint(): argument 'size' (position {len(pos)}) must be tuple of ints, not "
                        f"{type(size).__name__}")
    low = _int_arg(given.get("low", 0), "randint", "low", 1)
    high = _int_arg(given["high"], "randint", "high", 2 if "low" in given else 1)
    return low, high, size


def randint(*args, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
            pin_memory=False, **kwargs) -> Tensor:
    """Integers uniform in ``[low, high)``: ``randint(high, size)`` or ``randint(low, high, size)``; int64."""
    low, high, size = _randint_args(args, kwargs)
    shape = _size((size,), {}, "randint")
    dtype, device = _target(dtype, device, out, D.int64)
    low, high = _discrete_range(dtype, low, high)
    like = C.empty(shape, dtype=dtype, device=device)
    return _finish(_sample(RANDINT, like, generator, "randint", low, high), out, requires_grad)


def randint_like(input, low=0, high=None, *, dtype=None, layout=None, device=None, requires_grad=False,
                 memory_format=None, generator=None) -> Tensor:
    """Integers uniform in ``[low, high)`` shaped like ``input`` (``randint_like(x, high)`` works too)."""
    if high is None:
        low, high = 0, low
    low = _int_arg(low, "randint_like", "low", 2)
    high = _int_arg(high, "randint_like", "high", 3)
    dtype, device = _like_target(input, dtype, device)
    return randint(low, high, tuple(input.shape), dtype=dtype, device=device, requires_grad=requires_grad,
                   generator=generator)


def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
             pin_memory=False) -> Tensor:
    """A random permutation of ``0 .. n-1`` (int64 by default)."""
    n = _int_arg(n, "randperm", "n", 1)
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    dtype, device = _target(dtype, device, out, D.int64)
    if dtype is D.bool:
        raise _not_implemented("randperm", dtype)
    if dtype.is_floating_point:
        limit = (1 << _digits(dtype)) + 1
        if n > limit:
            raise RuntimeError(f"n cannot be greater than {limit} for {torch_type_name(dtype)} type.")
    elif n > 0 and n - 1 > D.iinfo(dtype).max:
        raise RuntimeError(f"randperm(): value {n - 1} cannot be converted to type {dtype} without overflow")
    like = C.empty((n,), dtype=dtype, device=device)
    return _finish(_sample(RANDPERM, like, generator, "randperm"), out, requires_grad)


# --- samplers driven by tensors ----------------------------------------------------------

def normal(mean, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None,
           pin_memory=False, requires_grad=False) -> Tensor:
    """Samples of N(mean, std**2): ``normal(mean_t, std_t)``, ``normal(mean_t, std=1.0)``,
    ``normal(mean, std_t)`` (broadcasting tensors) or ``normal(mean, std, size)`` with floats.

    Like PyTorch, the gradient with respect to tensor ``mean``/``std`` is zero (no reparameterisation).
    """
    tm, ts = isinstance(mean, Tensor), isinstance(std, Tensor)
    if not tm and not ts:
        if size is None:
            raise TypeError("normal() received an invalid combination of arguments: with float mean and std, "
                            "'size' is required: normal(mean, std, size)")
        mean, std = _number(mean, "normal", "mean"), _number(std, "normal", "std")
        if std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {_g(std)}")
        return _float_factory(NORMAL, "normal", "normal_kernel_cpu", _size((size,), {}, "normal"),
                              (float(mean), float(std)), generator, out, dtype, device, requires_grad)
    if size is not None:
        raise TypeError("normal() received an invalid combination of arguments: 'size' is only accepted with "
                        "float mean and std")
    ref = mean if tm else std
    dt = ref.dtype
    _require_float(dt, "normal_kernel_cpu")
    if ts:
        if not std.dtype.is_floating_point:
            raise _not_implemented("normal_kernel_cpu", std.dtype)
        if not _all(std >= 0):
            raise RuntimeError("normal expects all elements of std >= 0.0")
        std = std.to(dt)
    else:
        std = _number(std, "normal", "std")
        if std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {_g(std)}")
        std = C.scalar_tensor(float(std), dt, ref._backend)
    if not tm:
        mean = C.scalar_tensor(float(_number(mean, "normal", "mean")), dt, ref._backend)
    broadcast_shapes(tuple(mean.shape), tuple(std.shape), op="normal")
    state = generator_state(generator, ref._backend, "normal")
    result = apply(NORMAL_TENSOR, (mean, std), (state,), dt)
    return write_out(out, result) if out is not None else result


def _check_probability(p, op):
    if not _all((p >= 0) * (p <= 1)):
        raise RuntimeError(f"{op}: Expected p_in >= 0 && p_in <= 1 to be true, but got false.")


def _check_p_scalar(p, op="bernoulli_"):
    if not 0 <= p <= 1:
        raise RuntimeError(f"{op} expects p to be in [0, 1], but got p={_g(p)}")


@reg("bernoulli")
def bernoulli(input, p=None, *, generator=None, out=None) -> Tensor:
    """0/1 samples: ``result[i] ~ Bernoulli(input[i])``, or ``Bernoulli(p)`` shaped like ``input``."""
    if p is None:
        if not input.dtype.is_floating_point:
            raise _not_implemented("bernoulli_tensor_cpu_p_", input.dtype)
        _check_probability(input, "bernoulli")
        probs = input
    else:
        p = _number(p, "bernoulli", "p")
        _check_p_scalar(p)
        probs = C.scalar_tensor(float(p), D.float64, input._backend)
    state = generator_state(generator, input._backend, "bernoulli")
    result = apply(BERNOULLI, (input, probs), (state,), input.dtype)
    return write_out(out, result) if out is not None else result


@reg("multinomial")
def multinomial(input, num_samples, replacement=False, *, generator=None, out=None) -> Tensor:
    """``num_samples`` category indices per row of the non-negative weights ``input`` (1-D or 2-D), int64."""
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: "
                           f"{torch_type_name(input.dtype)}")
    if input.ndim not in (1, 2):
        raise RuntimeError(f"prob_dist must be 1 or 2 dim, got a tensor of {input.ndim} dims")
    num_samples = _int_arg(num_samples, "multinomial", "num_samples", 2)
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    k = input.shape[-1]
    if not replacement and num_samples > k:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    if input.numel() or k == 0:
        if not _all((input >= 0) * (input < math.inf)):
            raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
        if k == 0 or not _all(input.sum(-1) > 0):
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    state = generator_state(generator, input._backend, "multinomial")
    result = apply(MULTINOMIAL, (input,), (state, num_samples, bool(replacement)), D.int64)
    return write_out(out, result) if out is not None else result


def poisson(input, generator=None) -> Tensor:
    """Poisson counts with rates ``input`` (a float tensor), in the rates' dtype."""
    _require_float(input.dtype, "poisson_cpu")
    if not _all(input >= 0):
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    state = generator_state(generator, input._backend, "poisson")
    return apply(POISSON, (input,), (state,))


def _gamma_float(t, kernel):
    """PyTorch CPU draws gammas and binomials in float32/float64 only."""
    if t.dtype not in (D.float32, D.float64):
        raise _not_implemented(kernel, t.dtype)


def _check_same_dtype(expected, t):
    if t.dtype is not expected.dtype:
        raise RuntimeError(f"Found dtype {torch_type_name(t.dtype)} but expected {torch_type_name(expected.dtype)}")


def _standard_gamma(self, generator=None) -> Tensor:
    """Gamma(``self``, 1) draws (``torch._standard_gamma``), differentiable in ``self``.

    The gradient is the implicit reparameterisation ``_standard_gamma_grad(self, sample)``.  As in PyTorch,
    a draw is at least the dtype's smallest normal number, which is also the result where ``self <= 0`` or
    is NaN (``ember.distributions.Gamma`` validates the concentration).
    """
    _gamma_float(self, "gamma_cpu")
    state = generator_state(generator, self._backend, "_standard_gamma")
    return apply(STANDARD_GAMMA, (self,), (state,))


def _standard_gamma_grad(self, output) -> Tensor:
    """``d output / d self`` for ``output ~ Gamma(self, 1)`` (``torch._standard_gamma_grad``): ``self`` is the
    concentration, ``output`` the sample; the two broadcast and share a float dtype."""
    _check_same_dtype(self, output)
    _gamma_float(self, "_standard_gamma_grad_cpu")
    broadcast_shapes(tuple(self.shape), tuple(output.shape), op="_standard_gamma_grad")
    return apply(STANDARD_GAMMA_GRAD, (self, output))


def _first_bad(t, ok):
    return t.detach()[~ok].flatten()[0].item()


def binomial(count, prob, generator=None) -> Tensor:
    """Binomial(``count``, ``prob``) draws: the successes in ``count`` trials of probability ``prob``.

    ``count`` (whole numbers >= 0) and ``prob`` (in [0, 1]) are float tensors of one dtype that broadcast;
    the counts come back in that dtype.  Not differentiable.

    >>> ember.binomial(ember.tensor([10.0, 0.0]), ember.tensor([0.0, 0.5]))
    tensor([0., 0.])
    """
    for pos, (name, t) in enumerate((("count", count), ("prob", prob)), 1):
        if not isinstance(t, Tensor):
            raise TypeError(f"binomial(): argument '{name}' (position {pos}) must be Tensor, not {type(t).__name__}")
        if not t.dtype.is_floating_point:
            raise ValueError(f"binomial only supports floating-point dtypes for {name}, got: "
                             f"{torch_type_name(t.dtype)}")
    _check_same_dtype(count, prob)
    _gamma_float(count, "binomial_cpu")
    broadcast_shapes(tuple(count.shape), tuple(prob.shape), op="binomial")
    whole = (count >= 0) * (count == count.floor()) * (count < 2.0 ** 63)
    if not _all(whole):
        raise RuntimeError(f"binomial expects count to hold whole numbers in [0, 2**63), but found "
                           f"{_g(_first_bad(count, whole))}")
    valid = (prob >= 0) * (prob <= 1)
    if not _all(valid):
        raise RuntimeError(f"binomial expects prob to be in [0, 1], but found {_g(_first_bad(prob, valid))}")
    state = generator_state(generator, count._backend, "binomial")
    return apply(BINOMIAL, (count, prob), (state,))


# --- in-place samplers (Tensor methods) -----------------------------------------------

def _fill(self, op, generator, name, *params):
    check_inplace_target(self, name)
    return commit(self, _sample(op, self, generator, name, *params), name)


def _require_continuous(dtype, dist):
    if not dtype.is_floating_point:
        raise RuntimeError(f"{dist} distribution is a continuous probability distribution. dtype must be a "
                           f"floating point but you specified {torch_type_name(dtype)}")


@reg("uniform_")
def _uniform_(self, *args, generator=None, **kwargs) -> Tensor:
    """``uniform_(from=0, to=1)``: fill with samples of U[from, to)."""
    low, high = _from_to(args, kwargs, 0.0, 1.0, "uniform_")
    low, high = _number(low, "uniform_", "from"), _number(high, "uniform_", "to")
    _require_float(self.dtype, "check_uniform_bounds")
    limit = D.finfo(self.dtype).max
    name = _CPP_NAMES[self.dtype.name]
    if not -limit <= low <= limit:
        raise RuntimeError(f"from is out of bounds for {name}")
    if not -limit <= high <= limit:
        raise RuntimeError(f"to is out of bounds for {name}")
    if low > high:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={_g(low)} > to={_g(high)}")
    if high - low > limit:
        raise RuntimeError(f"uniform_ expects to-from <= std::numeric_limits<{torch_type_name(self.dtype)}>::max(), "
                           f"but found to={_g(high)} and from={_g(low)} which result in to-from to exceed the limit")
    return _fill(self, UNIFORM, generator, "uniform_", float(low), float(high))


@reg("normal_")
def _normal_(self, mean=0.0, std=1.0, *, generator=None) -> Tensor:
    """Fill with samples of N(mean, std**2)."""
    mean, std = _number(mean, "normal_", "mean"), _number(std, "normal_", "std")
    _require_float(self.dtype, "normal_kernel_cpu")
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {_g(std)}")
    return _fill(self, NORMAL, generator, "normal_", float(mean), float(std))


@reg("random_")
def _random_(self, *args, generator=None, **kwargs) -> Tensor:
    """Fill with integers uniform in ``[from, to)``; ``random_(to)``; ``random_()``: the dtype's range
    (``[0, 2**mantissa]`` for floats)."""
    if len(args) == 1 and not kwargs:
        args = (0, args[0])  # random_(to)
    from_, to = _from_to(args, kwargs, 0, None, "random_")
    from_ = _int_arg(from_, "random_", "from", 1)
    to = None if to is None else _int_arg(to, "random_", "to", 2)
    low, high = _discrete_range(self.dtype, from_, to)
    return _fill(self, RANDINT, generator, "random_", low, high)


@reg("exponential_")
def _exponential_(self, lambd=1.0, *, generator=None) -> Tensor:
    """Fill with samples of the exponential distribution of rate ``lambd``."""
    lambd = _number(lambd, "exponential_", "lambd")
    _require_continuous(self.dtype, "Exponential")
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={_g(lambd)}")
    return _fill(self, EXPONENTIAL, generator, "exponential_", float(lambd))


@reg("geometric_")
def _geometric_(self, p, *, generator=None) -> Tensor:
    """Fill with the number of Bernoulli(p) trials up to the first success (1, 2, ...)."""
    p = _number(p, "geometric_", "p")
    if self.dtype is D.bool:
        raise _not_implemented("geometric_cpu", self.dtype)
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={_g(p)}")
    return _fill(self, GEOMETRIC, generator, "geometric_", float(p))


@reg("log_normal_")
def _log_normal_(self, mean=1.0, std=2.0, *, generator=None) -> Tensor:
    """Fill with ``exp(N(mean, std**2))``."""
    mean, std = _number(mean, "log_normal_", "mean"), _number(std, "log_normal_", "std")
    _require_float(self.dtype, "log_normal_cpu")
    if not std > 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={_g(std)}")
    return _fill(self, LOG_NORMAL, generator, "log_normal_", float(mean), float(std))


@reg("cauchy_")
def _cauchy_(self, median=0.0, sigma=1.0, *, generator=None) -> Tensor:
    """Fill with samples of the Cauchy distribution."""
    median, sigma = _number(median, "cauchy_", "median"), _number(sigma, "cauchy_", "sigma")
    if not self.dtype.is_floating_point:
        raise RuntimeError(f"Cauchy distribution is a continuous probability distribution. dtype must be a "
                           f"floating point but you specified {_CPP_NAMES[self.dtype.name]}")
    if not sigma > 0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={_g(sigma)}")
    return _fill(self, CAUCHY, generator, "cauchy_", float(median), float(sigma))


def _check_expandable(shape, target):
    """PyTorch's error when ``shape`` cannot be expanded to ``target``."""
    if len(shape) > len(target):
        raise RuntimeError(f"The expanded size of the tensor ({len(target)}) must be greater or equal to the "
                           f"number of dimensions in the tensor ({len(shape)})")
    off = len(target) - len(shape)
    for i, n in enumerate(shape):
        if n != 1 and n != target[off + i]:
            raise RuntimeError(f"The expanded size of the tensor ({target[off + i]}) must match the existing size "
                               f"({n}) at non-singleton dimension {off + i}.  Target sizes: {list(target)}.  "
                               f"Tensor sizes: {list(shape)}")


@reg("bernoulli_")
def _bernoulli_(self, p=0.5, *, generator=None) -> Tensor:
    """Fill with 0/1 samples of Bernoulli(p); ``p`` a float or a tensor broadcastable to ``self``."""
    if isinstance(p, Tensor):
        _check_expandable(tuple(p.shape), tuple(self.shape))
        probs = p if p.dtype.is_floating_point else p.to(D.float64)
        _check_probability(probs, "bernoulli_")
    else:
        p = _number(p, "bernoulli_", "p")
        _check_p_scalar(p)
        probs = C.scalar_tensor(float(p), D.float64, self._backend)
    check_inplace_target(self, "bernoulli_")
    state = generator_state(generator, self._backend, "bernoulli_")
    return commit(self, apply(BERNOULLI, (self, probs), (state,), self.dtype), "bernoulli_")
