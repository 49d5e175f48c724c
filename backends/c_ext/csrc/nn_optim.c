/* Fused optimizer steps: one pass over the parameter updates it and its state in place.
 *
 * The arithmetic follows the NumPy backend's kernels (themselves PyTorch's single-tensor
 * implementations) operation for operation, with every Python-number hyper-parameter rounded to the
 * array type first, as PyTorch's CPU kernels do.  State arrays a configuration does not use (the
 * momentum buffer without momentum, max_exp_avg_sq without amsgrad) are never touched.
 *
 * The parallel loop hands out chunks; each chunk is a loop over restrict-qualified pointers with
 * loop-invariant flags, which the compiler unswitches and vectorises (Adam's loop needs
 * -fno-math-errno for that: sqrt's errno path is control flow). */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include "nn_optim.h"

#define PAR_MIN 32768
#define CHUNK 4096

#define ADAM_FLAGS(SUF, L2, SMALL_W, AMSGRAD) adam_body_##SUF(pc, gc, mc, vc, xc, len, &k, L2, SMALL_W, AMSGRAD)

#define DEFINE_OPTIM(T, SUF, SQRT)                                                                       \
typedef struct {                                                                                         \
    T sign, wd, decay, w1, one_minus_w1, b2, one_minus_b2, bc2, eps, neg_step;                           \
} AdamConst_##SUF;                                                                                       \
                                                                                                         \
static void sgd_chunk_##SUF(T *restrict p, const T *restrict g, T *restrict buf, int64_t n, T lr, T mom, \
                            T damp, int nesterov, T wd, T sign, int use_wd, int use_mom, int first)      \
{                                                                                                        \
    for (int64_t i = 0; i < n; i++) {                                                                    \
        T d = g[i] * sign;                                                                               \
        if (use_wd) d = d + p[i] * wd;                                                                   \
        if (use_mom) {                                                                                   \
            T b = first ? d : buf[i] * mom + d * damp;                                                   \
            buf[i] = b;                                                                                  \
            d = nesterov ? d + b * mom : b;                                                              \
        }                                                                                                \
        p[i] -= d * lr;                                                                                  \
    }                                                                                                    \
}                                                                                                        \
                                                                                                         \
int ec_sgd_step_##SUF(T *p, const T *g, T *buf, int64_t n, double lr, double momentum, double dampening, \
                      int nesterov, double weight_decay, int maximize, int first_step)                   \
{                                                                                                        \
    /* multiplying by 1 (no dampening) or -1 (maximize) is exact */                                      \
    const T damp = dampening != 0 ? (T)(1 - dampening) : (T)1, sign = maximize ? (T)-1 : (T)1;           \
    _Pragma("omp parallel for schedule(static) if (n > PAR_MIN)")                                        \
    for (int64_t c0 = 0; c0 < n; c0 += CHUNK) {                                                          \
        int64_t len = n - c0 < CHUNK ? n - c0 : CHUNK;                                                   \
        sgd_chunk_##SUF(p + c0, g + c0, momentum != 0 ? buf + c0 : NULL, len, (T)lr, (T)momentum, damp,  \
                        nesterov, (T)weight_decay, sign, weight_decay != 0, momentum != 0, first_step);  \
    }                                                                                                    \
    return 0;                                                                                            \
}                                                                                                        \
                                                                                                         \
/* inlined once per flag combination (the switch below), so each variant is one straight loop */       \
static inline __attribute__((always_inline)) void adam_body_##SUF(                              \
    T *restrict p, const T *restrict g, T *restrict m, T *restrict v, T *restrict vmax, int64_t n,       \
    const AdamConst_##SUF *k, const int l2, const int small_w, const int amsgrad)                        \
{                                                                                                        \
    const T sign = k->sign, wd = k->wd, decay = k->decay, w1 = k->w1, one_minus_w1 = k->one_minus_w1;    \
    const T b2 = k->b2, one_minus_b2 = k->one_minus_b2, bc2 = k->bc2, eps = k->eps, neg_step = k->neg_step; \
    for (int64_t i = 0; i < n; i++) {                                                                    \
        T d = g[i] * sign;                                                                               \
        T pi = p[i] * decay; /* decoupled weight decay; decay is exactly 1 otherwise */                  \
        if (l2) d = d + pi * wd;                                                                         \
        T mi = m[i];                                                                                     \
        mi = small_w ? mi + (d - mi) * w1 : d - (d - mi) * one_minus_w1; /* lerp, as torch */            \
        m[i] = mi;                                                                                       \
        T vi = v[i] * b2 + d * one_minus_b2 * d;                                                         \
        v[i] = vi;                                                                                       \
        if (amsgrad) {                                                                                   \
            T old = vmax[i]; /* np.maximum: NaN wins */                                                  \
            vi = (old >= vi || old != old) ? old : vi;                                                   \
            vmax[i] = vi;                                                                                \
        }                                                                                                \
        p[i] = pi + mi * neg_step / (SQRT(vi) / bc2 + eps);                                              \
    }                                                                                                    \
}                                                                                                        \
                                                                                                         \
int ec_adam_step_##SUF(T *p, const T *g, T *m, T *v, T *vmax, int64_t n, double lr, double beta1,       \
                       double beta2, double eps, double weight_decay, int amsgrad, int maximize,          \
                       int decoupled, double step)                                                       \
{                                                                                                        \
    const double w1 = 1 - beta1;                                                                         \
    const AdamConst_##SUF k = {                                                                          \
        .sign = maximize ? (T)-1 : (T)1, .wd = (T)weight_decay,                                          \
        .decay = weight_decay != 0 && decoupled ? (T)(1 - lr * weight_decay) : (T)1,                     \
        .w1 = (T)w1, .one_minus_w1 = (T)(1 - w1), .b2 = (T)beta2, .one_minus_b2 = (T)(1 - beta2),        \
        .bc2 = (T)sqrt(1 - pow(beta2, step)), .eps = (T)eps, .neg_step = (T)(-(lr / (1 - pow(beta1, step))))}; \
    const int l2 = weight_decay != 0 && !decoupled, small_w = fabs(w1) < 0.5;                            \
    _Pragma("omp parallel for schedule(static) if (n > PAR_MIN)")                                        \
    for (int64_t c0 = 0; c0 < n; c0 += CHUNK) {                                                          \
        int64_t len = n - c0 < CHUNK ? n - c0 : CHUNK;                                                   \
        T *pc = p + c0, *mc = m + c0, *vc = v + c0, *xc = amsgrad ? vmax + c0 : NULL;                    \
        const T *gc = g + c0;                                                                            \
        switch (l2 * 4 + small_w * 2 + (amsgrad != 0)) {                                                 \
        case 0: ADAM_FLAGS(SUF, 0, 0, 0); break;                                                              \
        case 1: ADAM_FLAGS(SUF, 0, 0, 1); break;                                                              \
        case 2: ADAM_FLAGS(SUF, 0, 1, 0); break;                                                              \
        case 3: ADAM_FLAGS(SUF, 0, 1, 1); break;                                                              \
        case 4: ADAM_FLAGS(SUF, 1, 0, 0); break;                                                              \
        case 5: ADAM_FLAGS(SUF, 1, 0, 1); break;                                                              \
        case 6: ADAM_FLAGS(SUF, 1, 1, 0); break;                                                              \
        default: ADAM_FLAGS(SUF, 1, 1, 1); break;                                                             \
        }                                                                                                \
    }                                                                                                    \
    return 0;                                                                                            \
}

DEFINE_OPTIM(float, f32, sqrtf)
DEFINE_OPTIM(double, f64, sqrt)
