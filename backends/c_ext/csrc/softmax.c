/* Softmax, log_softmax (+ backward) and fused cross entropy, one row at a time, rows in parallel. */
#include <math.h>
#include <stdint.h>

#include "softmax.h"
#include "internal/common.h"
#include "internal/vmath.h"

#define LOOP _Pragma("omp simd") for (int64_t i = 0; i < n; i++)
#define ROWS_PARALLEL(rows, n) EC_PRAGMA(omp parallel for if ((rows) * (n) > EC_PAR_MIN_HEAVY) schedule(static))

/* max of a row; NaN propagates (as NumPy's max does) */
#define ROWMAX(SFX, T)                                                                                  \
    EC_CLONES static T rowmax_##SFX(int64_t n, const T *x) {                                           \
        T m = x[0];                                                                                    \
        int nan = 0;                                                                                   \
        _Pragma("omp simd reduction(max:m) reduction(|:nan)")                                          \
        for (int64_t i = 0; i < n; i++) { m = x[i] > m ? x[i] : m; nan |= x[i] != x[i]; }             \
        return nan ? (T)NAN : m;                                                                       \
    }                                                                                                  \
    /* out = exp(x - m); returns the sum (accumulated in double) */                                    \
    EC_CLONES static double expsum_##SFX(int64_t n, const T *x, T m, T *out) {                         \
        double s = 0;                                                                                  \
        _Pragma("omp simd reduction(+:s)")                                                             \
        for (int64_t i = 0; i < n; i++) { T e = EXP_##SFX(x[i] - m); out[i] = e; s += e; }           \
        return s;                                                                                      \
    }                                                                                                  \
    EC_CLONES static double sumexp_##SFX(int64_t n, const T *x, T m) {                                 \
        double s = 0;                                                                                  \
        _Pragma("omp simd reduction(+:s)")                                                             \
        for (int64_t i = 0; i < n; i++) s += EXP_##SFX(x[i] - m);                                     \
        return s;                                                                                      \
    }                                                                                                  \
    EC_CLONES static void scale_##SFX(int64_t n, T *o, T f) { LOOP o[i] *= f; }                       \
    EC_CLONES static void shift2_##SFX(int64_t n, const T *x, T m, T c, T *o) { LOOP o[i] = (x[i] - m) - c; } \
    EC_CLONES static double dot_##SFX(int64_t n, const T *a, const T *b) {                             \
        double s = 0;                                                                                  \
        _Pragma("omp simd reduction(+:s)") for (int64_t i = 0; i < n; i++) s += (double)a[i] * b[i];  \
        return s;                                                                                      \
    }                                                                                                  \
    EC_CLONES static double sum_##SFX(int64_t n, const T *a) {                                         \
        double s = 0;                                                                                  \
        _Pragma("omp simd reduction(+:s)") for (int64_t i = 0; i < n; i++) s += a[i];                 \
        return s;                                                                                      \
    }                                                                                                  \
    EC_CLONES static void sm_bwd_##SFX(int64_t n, const T *g, const T *y, T d, T *o) {                 \
        LOOP o[i] = y[i] * (g[i] - d);                                                                 \
    }                                                                                                  \
    EC_CLONES static void lsm_bwd_##SFX(int64_t n, const T *g, const T *y, T d, T *o) {                \
        LOOP o[i] = g[i] - EXP_##SFX(y[i]) * d;                                                        \
    }

#define EXP_f32 ec_expf
#define EXP_f64 ec_exp

#define SOFTMAX(SFX, T, LOGF)                                                                           \
    ROWMAX(SFX, T)                                                                                     \
    int ec_softmax_##SFX(int take_log, int64_t rows, int64_t n, const T *x, T *out) {                       \
        if (rows < 0 || n < 1) return -1;                                                              \
        ROWS_PARALLEL(rows, n)                                                                         \
        for (int64_t r = 0; r < rows; r++) {                                                           \
            const T *xr = x + r * n;                                                                   \
            T *o = out + r * n;                                                                        \
            T m = rowmax_##SFX(n, xr);                                                                 \
            if (take_log) {                                                                               \
                /* (x - m) - log(sum), like NumPy's kernel: folding m into one float32 constant first   \
                   would round -1e4 + log(3) to the float grid near 1e4 */                              \
                shift2_##SFX(n, xr, m, (T)LOGF(sumexp_##SFX(n, xr, m)), o);                            \
            } else {                                                                                   \
                scale_##SFX(n, o, (T)(1.0 / expsum_##SFX(n, xr, m, o)));                               \
            }                                                                                          \
        }                                                                                              \
        return 0;                                                                                      \
    }                                                                                                  \
    int ec_softmax_bwd_##SFX(int take_log, int64_t rows, int64_t n, const T *g, const T *y, T *out) {       \
        if (rows < 0 || n < 1) return -1;                                                              \
        ROWS_PARALLEL(rows, n)                                                                         \
        for (int64_t r = 0; r < rows; r++) {                                                           \
            const T *gr = g + r * n, *yr = y + r * n;                                                  \
            if (take_log) lsm_bwd_##SFX(n, gr, yr, (T)sum_##SFX(n, gr), out + r * n);                       \
            else sm_bwd_##SFX(n, gr, yr, (T)dot_##SFX(n, gr, yr), out + r * n);                        \
        }                                                                                              \
        return 0;                                                                                      \
    }                                                                                                  \
    int64_t ec_cross_entropy_##SFX(int64_t rows, int64_t n, const T *x, const int64_t *t, const T *w, \
                                   int64_t ignore_index, double ls, T *loss_rows, T *wt_rows) {        \
        int64_t bad = 0;                                                                               \
        for (int64_t r = 0; r < rows && !bad; r++)                                                     \
            if (t[r] != ignore_index && (t[r] < 0 || t[r] >= n)) bad = r + 1;                          \
        if (bad) return bad;                                                                           \
        ROWS_PARALLEL(rows, n)                                                                         \
        for (int64_t r = 0; r < rows; r++) {                                                           \
            const T *xr = x + r * n;                                                                   \
            if (t[r] == ignore_index) { loss_rows[r] = 0; wt_rows[r] = 0; continue; }                  \
            T m = rowmax_##SFX(n, xr);                                                                 \
            double lse = (double)m + LOGF(sumexp_##SFX(n, xr, m));                                     \
            double wt = w[t[r]];                                                                       \
            double loss = wt * (lse - (double)xr[t[r]]);                                               \
            if (ls > 0) {                                                                              \
                double smooth = lse * sum_##SFX(n, w) - dot_##SFX(n, xr, w);                           \
                loss = loss * (1.0 - ls) + smooth * (ls / (double)n);                                  \
            }                                                                                          \
            loss_rows[r] = (T)loss;                                                                    \
            wt_rows[r] = (T)wt;                                                                        \
        }                                                                                              \
        return 0;                                                                                      \
    }                                                                                                  \
    int64_t ec_cross_entropy_bwd_##SFX(int64_t rows, int64_t n, const T *x, const int64_t *t,          \
                                       const T *w, int64_t ignore_index, double ls, const T *scale,    \
                                       int64_t scale_stride, T *gx) {                                  \
        int64_t bad = 0;                                                                               \
        for (int64_t r = 0; r < rows && !bad; r++)                                                     \
            if (t[r] != ignore_index && (t[r] < 0 || t[r] >= n)) bad = r + 1;                          \
        if (bad) return bad;                                                                           \
        double wsum = ls > 0 ? sum_##SFX(n, w) : 0.0;                                                  \
        ROWS_PARALLEL(rows, n)                                                                         \
        for (int64_t r = 0; r < rows; r++) {                                                           \
            const T *xr = x + r * n;                                                                   \
            T *o = gx + r * n;                                                                         \
            T sc = scale[r * scale_stride];                                                            \
            if (t[r] == ignore_index) {                                                                \
                /* weight 0 and mask 0: the gradient row is p * 0 * scale (NaN only if scale is) */    \
                T z = sc * (T)0;                                                                       \
                for (int64_t i = 0; i < n; i++) o[i] = z;                                              \
                continue;                                                                              \
            }                                                                                          \
            T m = rowmax_##SFX(n, xr);                                                                 \
            T inv = (T)(1.0 / expsum_##SFX(n, xr, m, o));                                              \
            T wt = w[t[r]];                                                                            \
            T a = (T)(wt * (1.0 - ls)), b = (T)(ls / (double)n * wsum), c = (T)(ls / (double)n);       \
            _Pragma("omp simd") for (int64_t i = 0; i < n; i++) {                                     \
                T p = o[i] * inv;                                                                      \
                o[i] = (p * a + p * b - c * w[i]) * sc;                                                \
            }                                                                                          \
            o[t[r]] -= a * sc;                                                                         \
        }                                                                                              \
        return 0;                                                                                      \
    }

SOFTMAX(f32, float, log)
SOFTMAX(f64, double, log)
