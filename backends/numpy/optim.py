"""Fused optimizer-step kernels (mirrors ember/ops/optim.py), generic over ``xp``.

Each kernel updates the parameter and state arrays IN PLACE (``out=`` / augmented assignment) and
returns them, in the order the op declares; the frontend bumps the tensors' version counters.  The
arithmetic follows PyTorch's single-tensor implementations operation for operation (Python-number
hyper-parameters are rounded to the array dtype, as PyTorch's CPU kernels do).  float16/bfloat16
arrays are updated through float32 copies (PyTorch's CPU kernels compute them in float32 too).
"""
from __future__ import annotations

import numpy as np

from ._dtypes import HALF
from .elementwise import quiet


def kernels(xp):
    f32 = np.dtype(np.float32)

    def fused(narrays, updated):
        """Wrap an in-place float kernel taking ``narrays`` arrays: FP warnings off; half precision through
        float32 copies (an array passed in two positions, a placeholder for unused state, is copied once)."""
        def deco(fn):
            def k(*args):
                arrays, params = args[:narrays], args[narrays:]
                if arrays[0].dtype in HALF:
                    copies = {}
                    work = [copies.setdefault(id(a), a.astype(f32)) for a in arrays]
                    quiet(fn, *work, *params)
                    for i in updated:
                        xp.copyto(arrays[i], work[i], casting="unsafe")
                else:
                    quiet(fn, *arrays, *params)
                return tuple(arrays[i] for i in updated)
            k.__name__ = fn.__name__
            return k
        return deco

    def grad_in(p, g, wd, maximize):
        if maximize:
            g = xp.negative(g)
        if wd != 0:
            g = g + p * wd
        return g

    def lerp_(start, end, w):
        """start.lerp_(end, w) for a Python-number weight."""
        if abs(w) < 0.5:
            start += (end - start) * w
        else:
            xp.subtract(end, (end - start) * (1 - w), out=start)

    def ema_sq_(v, g, beta):
        """v.mul_(beta).addcmul_(g, g, value=1 - beta)"""
        v *= beta
        v += g * (1 - beta) * g

    def decay(p, g, lr, wd, decoupled, maximize):
        if maximize:
            g = xp.negative(g)
        if wd != 0:
            if decoupled:
                p *= 1 - lr * wd
            else:
                g = g + p * wd
        return g

    def moments_(p, g, m, v, lr, beta1, beta2, wd, decoupled, maximize):
        """Adam/NAdam/RAdam: (decoupled) weight decay and the moment updates, in place; the gradient used."""
        g = decay(p, g, lr, wd, decoupled, maximize)
        lerp_(m, g, 1 - beta1)
        ema_sq_(v, g, beta2)
        return g

    def sgd_step(p, g, buf, lr, momentum, dampening, nesterov, wd, maximize, first_step):
        g = grad_in(p, g, wd, maximize)
        if momentum != 0:
            if first_step:
                xp.copyto(buf, g)
            else:
                buf *= momentum
                buf += g * (1 - dampening) if dampening != 0 else g
            g = g + buf * momentum if nesterov else buf
        p -= g * lr

    def adam_step(p, g, m, v, vmax, lr, beta1, beta2, eps, wd, amsgrad, maximize, decoupled, step):
        g = moments_(p, g, m, v, lr, beta1, beta2, wd, decoupled, maximize)
        step_size = lr / (1 - beta1 ** step)
        bias_correction2_sqrt = (1 - beta2 ** step) ** 0.5
        if amsgrad:
            xp.maximum(vmax, v, out=vmax)
            v = vmax
        denom = xp.sqrt(v)
        denom /= bias_correction2_sqrt
        denom += eps
        p += m * -step_size / denom

    def adamax_step(p, g, m, exp_inf, lr, beta1, beta2, eps, wd, maximize, step):
        g = grad_in(p, g, wd, maximize)
        lerp_(m, g, 1 - beta1)
        exp_inf *= beta2
        bound = xp.abs(g)
        bound += eps
        xp.maximum(exp_inf, bound, out=exp_inf)
        p += m * -(lr / (1 - beta1 ** step)) / exp_inf

    def nadam_step(p, g, m, v, lr, beta1, beta2, eps, wd, decoupled, maximize, step, mu, mu_next, mu_product,
                   mu_product_next):
        g = moments_(p, g, m, v, lr, beta1, beta2, wd, decoupled, maximize)
        denom = xp.sqrt(v / (1 - beta2 ** step))
        denom += eps
        p += g * (-lr * (1.0 - mu) / (1.0 - mu_product)) / denom
        p += m * ((-lr * mu_next) / (1.0 - mu_product_next)) / denom

    def radam_step(p, g, m, v, lr, beta1, beta2, eps, wd, decoupled, maximize, step):
        g = moments_(p, g, m, v, lr, beta1, beta2, wd, decoupled, maximize)
        update = m / (1 - beta1 ** step)
        update *= lr
        bias_correction2 = 1 - beta2 ** step
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
        if rho_t > 5.0:
            # PyTorch: float / tensor == tensor.reciprocal() * float
            update *= xp.reciprocal(xp.sqrt(v) + eps) * bias_correction2 ** 0.5
            update *= ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
        p -= update

    def rmsprop_step(p, g, v, grad_avg, buf, lr, alpha, eps, wd, momentum, centered, maximize):
        g = grad_in(p, g, wd, maximize)
        ema_sq_(v, g, alpha)
        if centered:
            lerp_(grad_avg, g, 1 - alpha)
            avg = xp.sqrt(v - grad_avg * grad_avg)
        else:
            avg = xp.sqrt(v)
        avg += eps
        if momentum > 0:
            buf *= momentum
            buf += g / avg
            p -= buf * lr
        else:
            p += g * -lr / avg

    def adagrad_step(p, g, state_sum, lr, lr_decay, wd, eps, maximize, step):
        g = grad_in(p, g, wd, maximize)
        clr = lr / (1 + (step - 1) * lr_decay)
        state_sum += g * g
        std = xp.sqrt(state_sum)
        std += eps
        p += g * -clr / std

    def adadelta_step(p, g, v, acc_delta, lr, rho, eps, wd, maximize):
        g = grad_in(p, g, wd, maximize)
        ema_sq_(v, g, rho)
        std = xp.sqrt(v + eps)
        delta = xp.sqrt(acc_delta + eps) / std * g
        ema_sq_(acc_delta, delta, rho)
        p -= delta * lr

    def asgd_step(p, g, ax, eta, lambd, wd, maximize, mu):
        g = grad_in(p, g, wd, maximize)
        p *= 1 - lambd * eta
        p -= g * eta
        if mu != 1:
            ax += (p - ax) * mu
        else:
            xp.copyto(ax, p)

    def rprop_step(p, g, prev, step_size, etaminus, etaplus, step_size_min, step_size_max, maximize):
        if maximize:
            g = xp.negative(g)
        sign = xp.sign(g * prev)
        factor = xp.where(sign > 0, etaplus, xp.where(sign < 0, etaminus, xp.where(sign == 0, 1.0, sign)))
        step_size *= factor.astype(step_size.dtype, copy=False)
        xp.clip(step_size, step_size_min, step_size_max, out=step_size)
        xp.copyto(prev, g)
        prev[factor.astype(p.dtype, copy=False) == etaminus] = 0
        p -= xp.sign(prev) * step_size

    return {
        "sgd_step": fused(3, (0, 2))(sgd_step),
        "adam_step": fused(5, (0, 2, 3, 4))(adam_step),
        "adamax_step": fused(4, (0, 2, 3))(adamax_step),
        "nadam_step": fused(4, (0, 2, 3))(nadam_step),
        "radam_step": fused(4, (0, 2, 3))(radam_step),
        "rmsprop_step": fused(5, (0, 2, 3, 4))(rmsprop_step),
        "adagrad_step": fused(3, (0, 2))(adagrad_step),
        "adadelta_step": fused(4, (0, 2, 3))(adadelta_step),
        "asgd_step": fused(3, (0, 2))(asgd_step),
        "rprop_step": fused(4, (0, 2, 3))(rprop_step),
    }


KERNELS = kernels(np)
