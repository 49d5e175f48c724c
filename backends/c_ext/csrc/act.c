/* Fused activation kernels: one pass over memory instead of NumPy's chain of temporaries. */
#include <math.h>
#include <stdint.h>

#include "act.h"
#include "internal/common.h"
#include "internal/vmath.h"

#define SQRT1_2 0.70710678118654752440
#define SQRT2_PI 0.79788456080286535588
#define INV_SQRT_2PI 0.39894228040143267794

static inline double ec_tanh(double x) { return tanh(x); }

#define LOOP _Pragma("omp simd") for (int64_t i = 0; i < n; i++)

#define ACT(SFX, T, EXP, TANH, ERF)                                                                     \
    EC_CLONES static void fwd_##SFX(int op, int64_t n, const T *x, T *o, T slope) {                    \
        const T one = 1, half = 0.5, zero = 0;                                                         \
        switch (op) {                                                                                  \
        case 0: LOOP o[i] = one / (one + EXP(-x[i])); break;                                           \
        case 1: LOOP o[i] = TANH(x[i]); break;                                                         \
        case 2: LOOP o[i] = x[i] / (one + EXP(-x[i])); break;                                          \
        case 3: LOOP o[i] = half * x[i] * (one + ERF(x[i] * (T)SQRT1_2)); break;                       \
        case 4:                                                                                        \
            LOOP {                                                                                     \
                T v = x[i];                                                                            \
                o[i] = half * v * (one + TANH((v + v * v * v * (T)0.044715) * (T)SQRT2_PI));           \
            }                                                                                          \
            break;                                                                                     \
        case 5: LOOP o[i] = x[i] > zero ? x[i] : x[i] * slope; break;                                  \
        default: LOOP o[i] = x[i] > zero ? x[i] : (x[i] != x[i] ? x[i] : zero); break;                 \
        }                                                                                              \
    }                                                                                                  \
    int ec_act_##SFX(int op, int64_t n, const T *x, T *o, double param) {                              \
        if (op < 0 || op > 6) return -1;                                                               \
        int64_t min = op >= 5 ? EC_PAR_MIN : EC_PAR_MIN_HEAVY;                                         \
        EC_SPLIT_MIN(n, min, fwd_##SFX(op, len, x + s, o + s, (T)param));                                       \
        return 0;                                                                                      \
    }                                                                                                  \
    EC_CLONES static void bwd_##SFX(int op, int64_t n, const T *g, const T *s, T *o) {                 \
        const T one = 1, half = 0.5, zero = 0;                                                         \
        switch (op) {                                                                                  \
        case 0: LOOP o[i] = s[i] > zero ? g[i] : g[i] * zero; break;                                   \
        case 1:                                                                                        \
            LOOP {                                                                                     \
                T sg = one / (one + EXP(-s[i]));                                                       \
                o[i] = g[i] * sg * (one + s[i] * (one - sg));                                          \
            }                                                                                          \
            break;                                                                                     \
        case 2:                                                                                        \
            LOOP {                                                                                     \
                T v = s[i];                                                                            \
                T cdf = (ERF(v * (T)SQRT1_2) + one) * half;                                            \
                T pdf = EXP(v * v * (T)-0.5) * (T)INV_SQRT_2PI;                                        \
                o[i] = g[i] * (cdf + v * pdf);                                                         \
            }                                                                                          \
            break;                                                                                     \
        default:                                                                                       \
            LOOP {                                                                                     \
                T v = s[i], v2 = v * v;                                                                \
                T th = TANH((v + v2 * v * (T)0.044715) * (T)SQRT2_PI);                                 \
                T dinner = (v2 * (T)(3 * 0.044715) + one) * (T)SQRT2_PI;                               \
                o[i] = g[i] * ((th + one) * half + v * half * (one - th * th) * dinner);               \
            }                                                                                          \
            break;                                                                                     \
        }                                                                                              \
    }                                                                                                  \
    int ec_act_bwd_##SFX(int op, int64_t n, const T *g, const T *sv, T *o) {                           \
        if (op < 0 || op > 3) return -1;                                                               \
        int64_t min = op == 0 ? EC_PAR_MIN : EC_PAR_MIN_HEAVY;                                         \
        EC_SPLIT_MIN(n, min, bwd_##SFX(op, len, g + s, sv + s, o + s));                                         \
        return 0;                                                                                      \
    }

ACT(f32, float, ec_expf, ec_tanhf, erff)
ACT(f64, double, ec_exp, ec_tanh, erf)
