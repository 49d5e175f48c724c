"""Fused CUDA kernels that replace chains of shared kernels on CuPy (one launch instead of several).

Each kernel mirrors the NumPy kernel of the same op operation for operation (see
``ember_numpy.activation/norm/optim``) and falls back to that shared kernel for
the cases it does not cover (integer or half dtypes, mixed dtypes, empty arrays).
A kernel that misbehaves on some GPU is switched off by setting its entry in
``ENABLED`` to False: the shared kernel then serves the op.

Embedding backward needs no entry here: it is ``index_add``, whose shared kernel
is ``xp.add.at``, an atomic scatter-add kernel on CuPy.  Convolution and pooling
are the shared im2col + GEMM kernels (cuBLAS on CuPy): CuPy 14 no longer exposes
cuDNN.
"""
from __future__ import annotations

import re

import numpy as np

ENABLED = {
    "relu": True, "relu_backward": True,
    "gelu": True, "gelu_backward": True,
    "silu": True, "silu_backward": True,
    "softmax": True, "log_softmax": True, "softmax_backward": True, "log_softmax_backward": True,
    "layer_norm": True,
    "sgd_step": True, "adam_step": True,
}

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))

_GELU_PRE = r"""
#define SQRT1_2 0.70710678118654752440
#define SQRT2_PI 0.79788456080286535588
#define INV_SQRT_2PI 0.39894228040143267794
"""

# softmax family, one block per contiguous row; MODE 0 softmax, 1 log_softmax, 2 softmax_backward (x = output),
# 3 log_softmax_backward (x = output)
_ROW_SRC = r"""
__device__ T block_reduce(T v, T* buf, bool is_max) {
    int tid = threadIdx.x;
    buf[tid] = v;
    __syncthreads();
    for (int s = blockDim.x / 2; s > 0; s >>= 1) {
        if (tid < s) buf[tid] = is_max ? fmax(buf[tid], buf[tid + s]) : buf[tid] + buf[tid + s];
        __syncthreads();
    }
    T r = buf[0];
    __syncthreads();
    return r;
}

extern "C" __global__ void ember_softmax_rows(const T* x, const T* g, T* out, long long cols, int mode) {
    __shared__ T buf[256];
    const T* xr = x + blockIdx.x * cols;
    const T* gr = g + blockIdx.x * cols;
    T* orow = out + blockIdx.x * cols;
    int tid = threadIdx.x;
    if (mode < 2) {
        T m = xr[0];
        for (long long i = tid; i < cols; i += blockDim.x) m = fmax(m, xr[i]);
        m = block_reduce(m, buf, true);
        T s = 0;
        for (long long i = tid; i < cols; i += blockDim.x) s += exp(xr[i] - m);
        s = block_reduce(s, buf, false);
        if (mode == 0) {
            for (long long i = tid; i < cols; i += blockDim.x) orow[i] = exp(xr[i] - m) / s;
        } else {
            T ls = log(s);
            for (long long i = tid; i < cols; i += blockDim.x) orow[i] = (xr[i] - m) - ls;
        }
    } else {
        T d = 0;
        for (long long i = tid; i < cols; i += blockDim.x) d += mode == 2 ? gr[i] * xr[i] : gr[i];
        d = block_reduce(d, buf, false);
        if (mode == 2) {
            for (long long i = tid; i < cols; i += blockDim.x) orow[i] = xr[i] * (gr[i] - d);
        } else {
            for (long long i = tid; i < cols; i += blockDim.x) orow[i] = gr[i] - exp(xr[i]) * d;
        }
    }
}
"""

# layer norm forward, one block per row of `cols` elements: two-pass mean and biased variance
_LN_SRC = r"""
__device__ T block_sum(T v, T* buf) {
    int tid = threadIdx.x;
    buf[tid] = v;
    __syncthreads();
    for (int s = blockDim.x / 2; s > 0; s >>= 1) {
        if (tid < s) buf[tid] += buf[tid + s];
        __syncthreads();
    }
    T r = buf[0];
    __syncthreads();
    return r;
}

extern "C" __global__ void ember_layer_norm(const T* x, const T* w, const T* b, T* out, T* mean, T* var,
                                long long cols, T eps) {
    __shared__ T buf[256];
    const T* xr = x + blockIdx.x * cols;
    T* orow = out + blockIdx.x * cols;
    int tid = threadIdx.x;
    T s = 0;
    for (long long i = tid; i < cols; i += blockDim.x) s += xr[i];
    T m = block_sum(s, buf) / (T)cols;
    T q = 0;
    for (long long i = tid; i < cols; i += blockDim.x) { T d = xr[i] - m; q += d * d; }
    T v = block_sum(q, buf) / (T)cols;
    T r = sqrt(v + eps);
    for (long long i = tid; i < cols; i += blockDim.x) orow[i] = (xr[i] - m) / r * w[i] + b[i];
    if (tid == 0) { mean[blockIdx.x] = m; var[blockIdx.x] = v; }
}
"""

_SGD_OP = r"""
T gg = maximize ? -g : g;
if (wd != 0) gg = gg + p * wd;
MOMENTUM
p = p - gg * lr;
"""
_SGD_MOMENTUM = r"""
if (first_step) buf = gg;
else buf = dampening != 0 ? buf * momentum + gg * one_minus_damp : buf * momentum + gg;
gg = nesterov ? gg + buf * momentum : buf;
"""

_ADAM_OP = r"""
T gg = maximize ? -g : g;
if (wd != 0) {
    if (decoupled) p = p * decay;
    else gg = gg + p * wd;
}
if (small_w) m = m + (gg - m) * w;
else m = gg - (gg - m) * w1;
v = v * beta2;
v = v + gg * c2 * gg;
T vu = v;
AMSGRAD
T denom = sqrt(vu) / bc2 + eps;
p = p + m * neg_step / denom;
"""


_CTYPES = ((_FLOATS[0], "float"), (_FLOATS[1], "double"))


def instantiate(src, ctype):
    """CUDA source with the element type ``T`` set to ``ctype`` (one compiled module per dtype)."""
    return re.sub(r"\bT\b", ctype, src)


def kernels(cp, base):
    """op -> fused kernel for every enabled entry of ``ENABLED`` (``cp`` is the ``cupy`` module)."""
    ew = cp.ElementwiseKernel
    floats = _FLOATS

    def float_only(name, fused_fn, n_arrays=1):
        """Use ``fused_fn`` when the first ``n_arrays`` arguments are non-empty float32/float64 of one dtype."""
        shared = base[name]

        def k(*args):
            arrays = args[:n_arrays]
            dt = arrays[0].dtype
            if dt in floats and arrays[0].size and all(a.dtype == dt for a in arrays):
                return fused_fn(*args)
            return shared(*args)
        k.__name__ = name
        return k

    relu_k = ew("T x", "T y", "y = (x > (T)0 || x != x) ? x : (T)0", "ember_relu")
    relu_bwd_k = ew("T g, T y", "T gx", "gx = g * (T)(y > (T)0)", "ember_relu_backward")
    gelu_k = ew("T x, int32 approx_tanh", "T y", r"""
        if (approx_tanh) {
            T inner = (x + x * x * x * (T)0.044715) * (T)SQRT2_PI;
            y = (T)0.5 * x * ((T)1 + tanh(inner));
        } else {
            y = (T)0.5 * x * ((T)1 + erf(x * (T)SQRT1_2));
        }""", "ember_gelu", preamble=_GELU_PRE)
    gelu_bwd_k = ew("T g, T x, int32 approx_tanh", "T gx", r"""
        if (approx_tanh) {
            T x2 = x * x;
            T th = tanh((x + x2 * x * (T)0.044715) * (T)SQRT2_PI);
            T dinner = (x2 * (T)(3 * 0.044715) + (T)1) * (T)SQRT2_PI;
            gx = g * ((th + (T)1) * (T)0.5 + x * (T)0.5 * ((T)1 - th * th) * dinner);
        } else {
            T cdf = (erf(x * (T)SQRT1_2) + (T)1) * (T)0.5;
            T pdf = exp(x * x * (T)-0.5) * (T)INV_SQRT_2PI;
            gx = g * (cdf + x * pdf);
        }""", "ember_gelu_backward", preamble=_GELU_PRE)
    silu_k = ew("T x", "T y", "y = x * ((T)1 / ((T)1 + exp(-x)))", "ember_silu")
    silu_bwd_k = ew("T g, T x", "T gx",
                    "T s = (T)1 / ((T)1 + exp(-x)); gx = g * s * ((T)1 + x * ((T)1 - s))", "ember_silu_backward")

    row_kernels = {dt: cp.RawKernel(instantiate(_ROW_SRC, c), "ember_softmax_rows") for dt, c in _CTYPES}
    ln_kernels = {dt: cp.RawKernel(instantiate(_LN_SRC, c), "ember_layer_norm") for dt, c in _CTYPES}

    def rows(x, g, dim, mode):
        """Run the row kernel over axis ``dim`` (moved last and made contiguous when it is not)."""
        if x.ndim == 0:
            name = ("softmax", "log_softmax", "softmax_backward", "log_softmax_backward")[mode]
            return base[name](x, dim) if g is None else base[name](g, x, dim)
        last = dim in (-1, x.ndim - 1)
        xm = cp.ascontiguousarray(x if last else cp.moveaxis(x, dim, -1))
        gm = xm if g is None else cp.ascontiguousarray(g if last else cp.moveaxis(g, dim, -1))
        cols = xm.shape[-1] if xm.ndim else 1
        out = cp.empty_like(xm)
        row_kernels[xm.dtype]((xm.size // cols,), (256,), (xm, gm, out, cp.int64(cols), cp.int32(mode)))
        return out if last else cp.ascontiguousarray(cp.moveaxis(out, -1, dim))

    def layer_norm(x, weight, bias, k, eps):
        if weight is None or bias is None or weight.dtype != x.dtype or bias.dtype != x.dtype:
            return base["layer_norm"](x, weight, bias, k, eps)
        cols = 1
        for s in x.shape[x.ndim - k:]:
            cols *= s
        xc = cp.ascontiguousarray(x)
        n = xc.size // cols
        out = cp.empty_like(xc)
        mean = cp.empty(n, dtype=x.dtype)
        var = cp.empty(n, dtype=x.dtype)
        ln_kernels[x.dtype]((n,), (256,), (xc, cp.ascontiguousarray(weight), cp.ascontiguousarray(bias), out, mean,
                                           var, cp.int64(cols), x.dtype.type(eps)))
        stat_shape = x.shape[:x.ndim - k] + (1,) * k
        return out, mean.reshape(stat_shape), var.reshape(stat_shape)

    sgd_in = "T g, T lr, T momentum, T dampening, T one_minus_damp, T wd, bool nesterov, bool maximize, bool first_step"
    sgd_k = {True: ew(sgd_in, "T p, T buf", _SGD_OP.replace("MOMENTUM", _SGD_MOMENTUM), "ember_sgd_step"),
             False: ew(sgd_in, "T p", _SGD_OP.replace("MOMENTUM", ""), "ember_sgd_step_nomomentum")}

    def sgd_step(p, g, buf, lr, momentum, dampening, nesterov, wd, maximize, first_step):
        t = p.dtype.type
        args = (g, t(lr), t(momentum), t(dampening), t(1 - dampening), t(wd), nesterov, maximize, first_step)
        if momentum != 0:
            sgd_k[True](*args, p, buf)
        else:
            sgd_k[False](*args, p)
        return p, buf

    adam_in = "T g, T decay, T wd, T w, T w1, T beta2, T c2, T bc2, T eps, T neg_step, bool small_w, bool decoupled, " \
              "bool maximize"
    adam_k = {True: ew(adam_in, "T p, T m, T v, T vmax", _ADAM_OP.replace("AMSGRAD", "vmax = (v != v || v > vmax) ? v : vmax; vu = vmax;"),
                       "ember_adam_step_amsgrad"),
              False: ew(adam_in, "T p, T m, T v", _ADAM_OP.replace("AMSGRAD", ""), "ember_adam_step")}

    def adam_step(p, g, m, v, vmax, lr, beta1, beta2, eps, wd, amsgrad, maximize, decoupled, step):
        t = p.dtype.type
        w = 1 - beta1
        args = (g, t(1 - lr * wd), t(wd), t(w), t(1 - w), t(beta2), t(1 - beta2), t((1 - beta2 ** step) ** 0.5),
                t(eps), t(-(lr / (1 - beta1 ** step))), abs(w) < 0.5, decoupled, maximize)
        if amsgrad:
            adam_k[True](*args, p, m, v, vmax)
        else:
            adam_k[False](*args, p, m, v)
        return p, m, v, vmax

    def optim_only(name, fn, n_arrays):
        """Fused optimizer step when every array is float32/float64 of one dtype and one shape."""
        shared = base[name]

        def k(*args):
            arrays = args[:n_arrays]
            dt, shape = arrays[0].dtype, arrays[0].shape
            if dt in floats and all(a.dtype == dt and a.shape == shape for a in arrays):
                return fn(*args)
            return shared(*args)
        k.__name__ = name
        return k

    fused = {
        "relu": float_only("relu", lambda x: relu_k(x)),
        "relu_backward": float_only("relu_backward", lambda g, y: relu_bwd_k(g, y), 2),
        "gelu": float_only("gelu", lambda x, a: gelu_k(x, np.int32(a == "tanh"))),
        "gelu_backward": float_only("gelu_backward", lambda g, x, a: gelu_bwd_k(g, x, np.int32(a == "tanh")), 2),
        "silu": float_only("silu", lambda x: silu_k(x)),
        "silu_backward": float_only("silu_backward", lambda g, x: silu_bwd_k(g, x), 2),
        "softmax": float_only("softmax", lambda x, dim: rows(x, None, dim, 0)),  # rows() covers ndim >= 1
        "log_softmax": float_only("log_softmax", lambda x, dim: rows(x, None, dim, 1)),
        "softmax_backward": float_only("softmax_backward", lambda g, y, dim: rows(y, g, dim, 2), 2),
        "log_softmax_backward": float_only("log_softmax_backward", lambda g, y, dim: rows(y, g, dim, 3), 2),
        "layer_norm": float_only("layer_norm", layer_norm),
        "sgd_step": optim_only("sgd_step", sgd_step, 3),
        "adam_step": optim_only("adam_step", adam_step, 5),
    }
    return {name: fn for name, fn in fused.items() if ENABLED.get(name)}
