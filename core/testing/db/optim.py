"""OpInfos for ember/ops/optim.py: one optimizer update step per op.

The references are NumPy float64 transcriptions of PyTorch's single-tensor update formulas (out of
place).  The ops update their inputs in place and return the updated tensors; the harness builds fresh
inputs for every call (contiguous and strided), so the in-place write through strided views is checked
too.  No gradcheck: optimizer steps run under no_grad (``supports_grad=False``).
"""
from __future__ import annotations

import numpy as np
from ember.ops import optim as O
from ember.testing.opinfo import FLOAT_DTYPES, ErrorInput, OpInfo, SampleInput

from ._samples import make_array

SHAPES = [(), (5,), (3, 4), (0,)]


def _arrays(dtype, rng, shape, n_signed, n_positive):
    signed = [make_array(shape, dtype, rng, -2.0, 2.0) for _ in range(n_signed)]
    positive = [make_array(shape, dtype, rng, 0.05, 2.0) for _ in range(n_positive)]
    return signed + positive


def _samples(n_signed, n_positive, variants):
    """Samples over SHAPES x hyper-parameter ``variants`` (dicts of keyword arguments)."""
    def gen(dtype, rng):
        for shape in SHAPES:
            for kw in variants:
                arrays = _arrays(dtype, rng, shape, n_signed, n_positive)
                yield SampleInput(arrays[0], *arrays[1:], name=f"shape {shape} {kw}", **kw)
    return gen


def _errors(op, nargs, **kw):
    """A gradient of the wrong shape; an integer parameter."""
    def gen():
        good = [np.ones((3,), np.float32) for _ in range(nargs)]
        bad = list(good)
        bad[1] = np.ones((4,), np.float32)
        yield ErrorInput(SampleInput(*bad, **kw), RuntimeError, r"must match the parameter's shape \[3\]")
        ints = [np.ones((3,), np.int64) for _ in range(nargs)]
        yield ErrorInput(SampleInput(*ints, **kw), RuntimeError, "expected a floating-point parameter")
    return gen


def _out(*ts):
    return tuple(t for t in ts if t is not None)


def _grad_in(p, g, wd, maximize):
    g = -g if maximize else g
    return g + wd * p if wd else g


def _lerp(a, b, w):
    return a + w * (b - a)


def _adam_moments(p, g, m, v, lr, beta1, beta2, weight_decay, decoupled_weight_decay, maximize):
    """Adam/NAdam/RAdam: maximize, (decoupled) weight decay, first and second moments -> (p, g, m, v)."""
    g = -g if maximize else g
    if weight_decay:
        if decoupled_weight_decay:
            p = p * (1 - lr * weight_decay)
        else:
            g = g + weight_decay * p
    m = _lerp(m, g, 1 - beta1)
    v = beta2 * v + (1 - beta2) * g * g
    return p, g, m, v


# --- references (float64, out of place) -----------------------------------------------------------

def _sgd_ref(p, g, buf, lr, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0, maximize=False,
             first_step=False):
    g = _grad_in(p, g, weight_decay, maximize)
    if momentum:
        buf = g.copy() if first_step else momentum * buf + (1 - dampening) * g
        g = g + momentum * buf if nesterov else buf
        return p - lr * g, buf
    return (p - lr * g,)


def _adam_ref(p, g, m, v, vmax, lr, beta1, beta2, eps, weight_decay=0.0, amsgrad=False, maximize=False,
              decoupled_weight_decay=False, step=1):
    p, _, m, v = _adam_moments(p, g, m, v, lr, beta1, beta2, weight_decay, decoupled_weight_decay, maximize)
    vv = np.maximum(vmax, v) if amsgrad else v
    denom = np.sqrt(vv) / np.sqrt(1 - beta2 ** step) + eps
    p = p - lr / (1 - beta1 ** step) * m / denom
    return (p, m, v, vv) if amsgrad else (p, m, v)


def _adamax_ref(p, g, m, u, lr, beta1, beta2, eps, weight_decay=0.0, maximize=False, step=1):
    g = _grad_in(p, g, weight_decay, maximize)
    m = _lerp(m, g, 1 - beta1)
    u = np.maximum(beta2 * u, np.abs(g) + eps)
    return p - lr / (1 - beta1 ** step) * m / u, m, u


def _nadam_ref(p, g, m, v, lr, beta1, beta2, eps, weight_decay=0.0, decoupled_weight_decay=False, maximize=False,
               step=1, mu=0.9, mu_next=0.9, mu_product=0.9, mu_product_next=0.81):
    p, g, m, v = _adam_moments(p, g, m, v, lr, beta1, beta2, weight_decay, decoupled_weight_decay, maximize)
    denom = np.sqrt(v / (1 - beta2 ** step)) + eps
    p = p - lr * (1 - mu) / (1 - mu_product) * g / denom - lr * mu_next / (1 - mu_product_next) * m / denom
    return p, m, v


def _radam_ref(p, g, m, v, lr, beta1, beta2, eps, weight_decay=0.0, decoupled_weight_decay=False, maximize=False,
               step=1):
    p, _, m, v = _adam_moments(p, g, m, v, lr, beta1, beta2, weight_decay, decoupled_weight_decay, maximize)
    mhat = m / (1 - beta1 ** step)
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * step * beta2 ** step / (1 - beta2 ** step)
    if rho_t > 5:
        rect = np.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
        return p - lr * mhat * rect * np.sqrt(1 - beta2 ** step) / (np.sqrt(v) + eps), m, v
    return p - lr * mhat, m, v


def _rmsprop_ref(p, g, v, ga, buf, lr, alpha, eps, weight_decay=0.0, momentum=0.0, centered=False, maximize=False):
    g = _grad_in(p, g, weight_decay, maximize)
    v = alpha * v + (1 - alpha) * g * g
    out_ga = None
    if centered:
        ga = _lerp(ga, g, 1 - alpha)
        avg = np.sqrt(v - ga * ga) + eps
        out_ga = ga
    else:
        avg = np.sqrt(v) + eps
    out_buf = None
    if momentum > 0:
        buf = momentum * buf + g / avg
        p = p - lr * buf
        out_buf = buf
    else:
        p = p - lr * g / avg
    return _out(p, v, out_ga, out_buf)


def _adagrad_ref(p, g, s, lr, lr_decay=0.0, weight_decay=0.0, eps=1e-10, maximize=False, step=1):
    g = _grad_in(p, g, weight_decay, maximize)
    s = s + g * g
    return p - lr / (1 + (step - 1) * lr_decay) * g / (np.sqrt(s) + eps), s


def _adadelta_ref(p, g, v, acc, lr, rho, eps, weight_decay=0.0, maximize=False):
    g = _grad_in(p, g, weight_decay, maximize)
    v = rho * v + (1 - rho) * g * g
    delta = np.sqrt(acc + eps) / np.sqrt(v + eps) * g
    acc = rho * acc + (1 - rho) * delta * delta
    return p - lr * delta, v, acc


def _asgd_ref(p, g, ax, eta, lambd, weight_decay=0.0, maximize=False, mu=1.0):
    g = _grad_in(p, g, weight_decay, maximize)
    p = p * (1 - lambd * eta) - eta * g
    ax = ax + (p - ax) * mu if mu != 1 else p.copy()
    return p, ax


def _rprop_ref(p, g, prev, step_size, etaminus, etaplus, step_size_min, step_size_max, maximize=False):
    g = -g if maximize else g
    s = np.sign(g * prev)
    factor = np.where(s > 0, etaplus, np.where(s < 0, etaminus, 1.0))
    step_size = np.clip(step_size * factor, step_size_min, step_size_max)
    g = np.where(s < 0, 0.0, g)
    return p - np.sign(g) * step_size, g, step_size


# --- ember calls ------------------------------------------------------------------------------------

def _sgd(p, g, buf, **kw):
    return _out(*O.sgd_step(p, g, buf, **kw))


def _adam(p, g, m, v, vmax, **kw):
    return _out(*O.adam_step(p, g, m, v, vmax, **kw))


def _rmsprop(p, g, v, ga, buf, **kw):
    return _out(*O.rmsprop_step(p, g, v, ga, buf, **kw))


_HALF_TOLS = {"float16": (5e-3, 5e-3), "bfloat16": (3e-2, 3e-2)}

OP_DB = [
    OpInfo("sgd_step", _sgd, _sgd_ref, _samples(3, 0, [
        {"lr": 0.1}, {"lr": 0.1, "weight_decay": 0.01, "maximize": True},
        {"lr": 0.1, "momentum": 0.9, "dampening": 0.1}, {"lr": 0.05, "momentum": 0.9, "nesterov": True, "first_step": True},
        {"lr": 0.05, "momentum": 0.5, "nesterov": True, "weight_decay": 0.1}]),
        dtypes=FLOAT_DTYPES, supports_grad=False, tols=_HALF_TOLS,
        error_inputs=_errors("sgd_step", 3, lr=0.1, momentum=0.9)),
    OpInfo("adam_step", _adam, _adam_ref, _samples(3, 2, [
        {"lr": 1e-2, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "step": 1},
        {"lr": 1e-2, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6, "weight_decay": 0.1, "step": 4, "maximize": True},
        {"lr": 1e-2, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.1, "decoupled_weight_decay": True, "step": 3},
        {"lr": 1e-2, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "amsgrad": True, "step": 7}]),
        dtypes=FLOAT_DTYPES, supports_grad=False, tols=_HALF_TOLS,
        error_inputs=_errors("adam_step", 5, lr=0.1, beta1=0.9, beta2=0.99, eps=1e-8, step=1)),
    OpInfo("adamax_step", O.adamax_step, _adamax_ref, _samples(3, 1, [
        {"lr": 2e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "step": 1},
        {"lr": 2e-3, "beta1": 0.8, "beta2": 0.99, "eps": 1e-8, "weight_decay": 0.1, "maximize": True, "step": 5}]),
        dtypes=FLOAT_DTYPES, supports_grad=False, tols=_HALF_TOLS,
        error_inputs=_errors("adamax_step", 4, lr=0.1, beta1=0.9, beta2=0.99, eps=1e-8, step=1)),
    OpInfo("nadam_step", O.nadam_step, _nadam_ref, _samples(3, 1, [
        {"lr": 2e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "step": 1, "mu": 0.4511, "mu_next": 0.4522, "mu_product": 0.4511,
             "mu_product_next": 0.4511 * 0.4522},
        {"lr": 2e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.1, "decoupled_weight_decay": True, "maximize": True,
             "step": 3, "mu": 0.46, "mu_next": 0.47, "mu_product": 0.1, "mu_product_next": 0.047},
        {"lr": 2e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.1, "step": 2, "mu": 0.46, "mu_next": 0.47,
             "mu_product": 0.2, "mu_product_next": 0.094}]),
        dtypes=FLOAT_DTYPES, supports_grad=False, tols=_HALF_TOLS,
        error_inputs=_errors("nadam_step", 4, lr=0.1, beta1=0.9, beta2=0.99, eps=1e-8, step=1, mu=0.5, mu_next=0.5,
                             mu_product=0.5, mu_product_next=0.25)),
    OpInfo("radam_step", O.radam_step, _radam_ref, _samples(3, 1, [
        {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "step": 1},
        {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "step": 10, "weight_decay": 0.1},
        {"lr": 1e-3, "beta1": 0.9, "beta2": 0.99, "eps": 1e-8, "step": 8, "weight_decay": 0.1, "decoupled_weight_decay": True,
             "maximize": True}]),
        dtypes=FLOAT_DTYPES, supports_grad=False, tols=_HALF_TOLS,
        error_inputs=_errors("radam_step", 4, lr=0.1, beta1=0.9, beta2=0.99, eps=1e-8, step=1)),
    # square_avg (positive) comes from the 2nd positive array; grad_avg is kept small so square_avg >= grad_avg^2
    OpInfo("rmsprop_step", lambda p, g, ga, buf, v, **kw: _rmsprop(p, g, v + 4.0, ga * 0.1, buf, **kw),
           lambda p, g, ga, buf, v, **kw: _rmsprop_ref(p, g, v + 4.0, ga * 0.1, buf, **kw), _samples(4, 1, [
               {"lr": 1e-2, "alpha": 0.99, "eps": 1e-8}, {"lr": 1e-2, "alpha": 0.9, "eps": 1e-8, "weight_decay": 0.1, "maximize": True},
               {"lr": 1e-2, "alpha": 0.9, "eps": 1e-8, "centered": True}, {"lr": 1e-2, "alpha": 0.9, "eps": 1e-8, "momentum": 0.9},
               {"lr": 1e-2, "alpha": 0.9, "eps": 1e-8, "momentum": 0.5, "centered": True, "weight_decay": 0.01}]),
           dtypes=FLOAT_DTYPES, supports_grad=False, tols=_HALF_TOLS, noncontig=False,
           error_inputs=_errors("rmsprop_step", 5, lr=0.1, alpha=0.9, eps=1e-8)),
    OpInfo("rmsprop_step_strided", _rmsprop, _rmsprop_ref, _samples(2, 3, [
        {"lr": 1e-2, "alpha": 0.99, "eps": 1e-8, "momentum": 0.9}]),
        dtypes=("float32", "float64"), supports_grad=False),
    OpInfo("adagrad_step", O.adagrad_step, _adagrad_ref, _samples(2, 1, [
        {"lr": 1e-2, "eps": 1e-10, "step": 1}, {"lr": 1e-2, "lr_decay": 0.1, "weight_decay": 0.1, "eps": 1e-10, "maximize": True,
                                                 "step": 4}]),
        dtypes=FLOAT_DTYPES, supports_grad=False, tols=_HALF_TOLS,
        error_inputs=_errors("adagrad_step", 3, lr=0.1, eps=1e-10, step=1)),
    OpInfo("adadelta_step", O.adadelta_step, _adadelta_ref, _samples(2, 2, [
        {"lr": 1.0, "rho": 0.9, "eps": 1e-6}, {"lr": 0.5, "rho": 0.8, "eps": 1e-6, "weight_decay": 0.1, "maximize": True}]),
        dtypes=FLOAT_DTYPES, supports_grad=False, tols=_HALF_TOLS,
        error_inputs=_errors("adadelta_step", 4, lr=1.0, rho=0.9, eps=1e-6)),
    OpInfo("asgd_step", O.asgd_step, _asgd_ref, _samples(3, 0, [
        {"eta": 0.01, "lambd": 1e-4, "mu": 1.0}, {"eta": 0.01, "lambd": 1e-2, "mu": 0.5, "weight_decay": 0.1, "maximize": True}]),
        dtypes=FLOAT_DTYPES, supports_grad=False, tols=_HALF_TOLS,
        error_inputs=_errors("asgd_step", 3, eta=0.1, lambd=1e-4, mu=1.0)),
    OpInfo("rprop_step", O.rprop_step, _rprop_ref, _samples(3, 1, [
        {"etaminus": 0.5, "etaplus": 1.2, "step_size_min": 1e-6, "step_size_max": 50},
        {"etaminus": 0.3, "etaplus": 1.5, "step_size_min": 0.1, "step_size_max": 0.5, "maximize": True}]),
        dtypes=FLOAT_DTYPES, supports_grad=False, tols=_HALF_TOLS,
        error_inputs=_errors("rprop_step", 4, etaminus=0.5, etaplus=1.2, step_size_min=1e-6, step_size_max=50)),
]
