/* Fused Adadelta step: one pass updates the parameter, square_avg and acc_delta in place.
 *
 * The arithmetic follows the NumPy backend's kernel operation for operation (hyper-parameters rounded
 * to the array type first), so the results match it exactly:
 *   g = (maximize ? -g : g) + p * wd;  v = v * rho + g * (1 - rho) * g
 *   delta = sqrt(acc + eps) / sqrt(v + eps) * g;  acc = acc * rho + delta * (1 - rho) * delta
 *   p -= delta * lr */
#include <math.h>
#include <stdint.h>
#include "nn_adadelta.h"

#define PAR_MIN 32768

#define DEFINE_ADADELTA(T, SUF, SQRT)                                                                    \
int ec_adadelta_step_##SUF(T *p, const T *g, T *v, T *acc, int64_t n, double lr, double rho, double eps,  \
                           double weight_decay, int maximize)                                            \
{                                                                                                        \
    const T r = (T)rho, one_minus_r = (T)(1 - rho), e = (T)eps, l = (T)lr, wd = (T)weight_decay;         \
    const T sign = maximize ? (T)-1 : (T)1;                                                              \
    const int l2 = weight_decay != 0;                                                                    \
    _Pragma("omp parallel for schedule(static) if (n > PAR_MIN)")                                        \
    for (int64_t i = 0; i < n; i++) {                                                                    \
        T d = g[i] * sign;                                                                               \
        if (l2) d = d + p[i] * wd;                                                                       \
        T vi = v[i] * r + d * one_minus_r * d;                                                           \
        v[i] = vi;                                                                                       \
        T delta = SQRT(acc[i] + e) / SQRT(vi + e) * d;                                                   \
        acc[i] = acc[i] * r + delta * one_minus_r * delta;                                               \
        p[i] = p[i] - delta * l;                                                                         \
    }                                                                                                    \
    return 0;                                                                                            \
}

DEFINE_ADADELTA(float, f32, sqrtf)
DEFINE_ADADELTA(double, f64, sqrt)
