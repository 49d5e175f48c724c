/* Batch norm over (N, C, M) arrays (statistics per channel) and layer norm over (rows, D) arrays
 * (statistics per row), forward and backward.  Statistics are the two-pass (centred) mean and biased
 * variance, accumulated in double; element-wise results are computed in the array type, in the
 * NumPy backend's order of operations.
 *
 * Batch norm parallelises over channels; layer norm over rows, its weight/bias gradients summed into
 * `parts` row blocks of double partial sums (summed by the caller), so results do not depend on the
 * thread count. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include "nn_norm.h"

#define PAR_MIN 32768

/* sums in 8 independent double accumulators: a single running sum is one long chain of dependent
 * additions (4+ cycles each), which left the loops latency-bound */
#define LANES 8
#define DEFINE_SUMS(T, SUF)                                                                              \
static double sum_##SUF(const T *p, int64_t n)                                                           \
{                                                                                                        \
    double a[LANES] = {0};                                                                               \
    int64_t j = 0;                                                                                       \
    for (; j + LANES <= n; j += LANES)                                                                   \
        for (int k = 0; k < LANES; k++) a[k] += p[j + k];                                                \
    for (; j < n; j++) a[0] += p[j];                                                                     \
    return ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));                            \
}                                                                                                        \
                                                                                                         \
static double sqdev_##SUF(const T *p, int64_t n, T mu)                                                   \
{                                                                                                        \
    double a[LANES] = {0};                                                                               \
    int64_t j = 0;                                                                                       \
    for (; j + LANES <= n; j += LANES)                                                                   \
        for (int k = 0; k < LANES; k++) {                                                                \
            double d = p[j + k] - mu;                                                                    \
            a[k] += d * d;                                                                               \
        }                                                                                                \
    for (; j < n; j++) {                                                                                 \
        double d = p[j] - mu;                                                                            \
        a[0] += d * d;                                                                                   \
    }                                                                                                    \
    return ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));                            \
}                                                                                                        \
                                                                                                         \
/* sum of g and of g * (x - mu) * rstd (times w[j] when w is given) */                                   \
static void gsums_##SUF(const T *g, const T *x, const T *w, int64_t n, T mu, T rstd, double *sg,         \
                        double *sgx)                                                                     \
{                                                                                                        \
    double a[LANES] = {0}, b[LANES] = {0};                                                               \
    int64_t j = 0;                                                                                       \
    for (; j + LANES <= n; j += LANES)                                                                   \
        for (int k = 0; k < LANES; k++) {                                                                \
            T gv = w ? g[j + k] * w[j + k] : g[j + k];                                                   \
            a[k] += gv;                                                                                  \
            b[k] += (double)gv * ((x[j + k] - mu) * rstd);                                               \
        }                                                                                                \
    for (; j < n; j++) {                                                                                 \
        T gv = w ? g[j] * w[j] : g[j];                                                                   \
        a[0] += gv;                                                                                      \
        b[0] += (double)gv * ((x[j] - mu) * rstd);                                                       \
    }                                                                                                    \
    *sg += ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));                            \
    *sgx += ((b[0] + b[1]) + (b[2] + b[3])) + ((b[4] + b[5]) + (b[6] + b[7]));                           \
}

DEFINE_SUMS(float, f32)
DEFINE_SUMS(double, f64)

#define DEFINE_NORM(T, SUF)                                                                              \
int ec_batch_norm_##SUF(const T *x, const T *weight, const T *bias, T *out, T *mean, T *var, int64_t n,  \
                        int64_t c, int64_t m, double eps)                                                \
{                                                                                                        \
    double count = (double)(n * m);                                                                      \
    _Pragma("omp parallel for schedule(static) if (n * c * m > PAR_MIN)")                                \
    for (int64_t ch = 0; ch < c; ch++) {                                                                 \
        double s = 0, q = 0;                                                                             \
        for (int64_t i = 0; i < n; i++) s += sum_##SUF(x + (i * c + ch) * m, m);                         \
        T mu = (T)(s / count);                                                                           \
        for (int64_t i = 0; i < n; i++) q += sqdev_##SUF(x + (i * c + ch) * m, m, mu);                   \
        T v = (T)(q / count);                                                                            \
        T scale = weight[ch] / (T)sqrt((double)(v + (T)eps));                                            \
        T b = bias[ch];                                                                                  \
        for (int64_t i = 0; i < n; i++) {                                                                \
            const T *p = x + (i * c + ch) * m;                                                           \
            T *o = out + (i * c + ch) * m;                                                               \
            for (int64_t j = 0; j < m; j++) o[j] = (p[j] - mu) * scale + b;                              \
        }                                                                                                \
        mean[ch] = mu;                                                                                   \
        var[ch] = v;                                                                                     \
    }                                                                                                    \
    return 0;                                                                                            \
}                                                                                                        \
                                                                                                         \
int ec_batch_norm_backward_##SUF(const T *g, const T *x, const T *weight, const T *mean, const T *var,   \
                                 T *gx, T *gw, T *gb, int64_t n, int64_t c, int64_t m, double eps)       \
{                                                                                                        \
    double count = (double)(n * m);                                                                      \
    _Pragma("omp parallel for schedule(static) if (n * c * m > PAR_MIN)")                                \
    for (int64_t ch = 0; ch < c; ch++) {                                                                 \
        T mu = mean[ch], rstd = (T)1 / (T)sqrt((double)(var[ch] + (T)eps));                              \
        double sg = 0, sgx = 0;                                                                          \
        for (int64_t i = 0; i < n; i++)                                                                  \
            gsums_##SUF(g + (i * c + ch) * m, x + (i * c + ch) * m, NULL, m, mu, rstd, &sg, &sgx);        \
        T mg = (T)(sg / count), mgx = (T)(sgx / count), scale = weight[ch] * rstd;                       \
        for (int64_t i = 0; i < n; i++) {                                                                \
            const T *pg = g + (i * c + ch) * m, *px = x + (i * c + ch) * m;                              \
            T *o = gx + (i * c + ch) * m;                                                                \
            for (int64_t j = 0; j < m; j++) {                                                            \
                T xhat = (px[j] - mu) * rstd;                                                            \
                o[j] = (xhat * -mgx + pg[j] - mg) * scale;                                               \
            }                                                                                            \
        }                                                                                                \
        gw[ch] = (T)sgx;                                                                                 \
        gb[ch] = (T)sg;                                                                                  \
    }                                                                                                    \
    return 0;                                                                                            \
}                                                                                                        \
                                                                                                         \
int ec_layer_norm_##SUF(const T *x, const T *weight, const T *bias, T *out, T *mean, T *var,             \
                        int64_t rows, int64_t d, double eps)                                             \
{                                                                                                        \
    _Pragma("omp parallel for schedule(static) if (rows * d > PAR_MIN)")                                 \
    for (int64_t r = 0; r < rows; r++) {                                                                 \
        const T *p = x + r * d;                                                                          \
        T *o = out + r * d;                                                                              \
        T mu = (T)(sum_##SUF(p, d) / (double)d);                                                         \
        T v = (T)(sqdev_##SUF(p, d, mu) / (double)d);                                                    \
        T sd = (T)sqrt((double)(v + (T)eps));                                                            \
        for (int64_t j = 0; j < d; j++) o[j] = (p[j] - mu) / sd * weight[j] + bias[j];                   \
        mean[r] = mu;                                                                                    \
        var[r] = v;                                                                                      \
    }                                                                                                    \
    return 0;                                                                                            \
}                                                                                                        \
                                                                                                         \
int ec_layer_norm_backward_##SUF(const T *g, const T *x, const T *weight, const T *mean, const T *var,   \
                                 T *gx, double *gw_part, double *gb_part, int64_t rows, int64_t d,       \
                                 int64_t parts, double eps)                                              \
{                                                                                                        \
    _Pragma("omp parallel for schedule(static) if (rows * d > PAR_MIN)")                                 \
    for (int64_t part = 0; part < parts; part++) {                                                       \
        double *gwp = gw_part + part * d, *gbp = gb_part + part * d;                                     \
        for (int64_t j = 0; j < d; j++) gwp[j] = gbp[j] = 0;                                             \
        for (int64_t r = rows * part / parts; r < rows * (part + 1) / parts; r++) {                      \
            const T *pg = g + r * d, *px = x + r * d;                                                    \
            T *o = gx + r * d;                                                                           \
            T mu = mean[r], rstd = (T)1 / (T)sqrt((double)(var[r] + (T)eps));                            \
            double sa = 0, sc = 0;                                                                       \
            gsums_##SUF(pg, px, weight, d, mu, rstd, &sa, &sc);                                          \
            for (int64_t j = 0; j < d; j++) {                                                            \
                gwp[j] += (double)pg[j] * ((px[j] - mu) * rstd);                                         \
                gbp[j] += pg[j];                                                                         \
            }                                                                                            \
            T a = (T)(sa / (double)d), cc = (T)(sc / (double)d);                                         \
            for (int64_t j = 0; j < d; j++) {                                                            \
                T xhat = (px[j] - mu) * rstd;                                                            \
                o[j] = (pg[j] * weight[j] - xhat * cc - a) * rstd;                                       \
            }                                                                                            \
        }                                                                                                \
    }                                                                                                    \
    return 0;                                                                                            \
}

DEFINE_NORM(float, f32)
DEFINE_NORM(double, f64)
