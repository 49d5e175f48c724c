/* Elementwise kernels: binary with broadcasting (stride arrays), unary on contiguous data. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "ew.h"
#include "internal/common.h"
#include "internal/vmath.h"

#define MAXDIM 16

/* Merge adjacent dims that are contiguous for every operand; drop size-1 dims.  Returns the new ndim. */
static int coalesce(int ndim, const int64_t *shape, const int64_t *sa, const int64_t *sb,
                    int64_t *n, int64_t *a, int64_t *b) {
    int k = 0;
    for (int d = 0; d < ndim; d++) {
        if (shape[d] == 1) continue;
        if (k > 0 && a[k - 1] == sa[d] * shape[d] && b[k - 1] == sb[d] * shape[d]) {
            n[k - 1] *= shape[d];
            a[k - 1] = sa[d];
            b[k - 1] = sb[d];
        } else {
            n[k] = shape[d]; a[k] = sa[d]; b[k] = sb[d]; k++;
        }
    }
    if (k == 0) { n[0] = 1; a[0] = 0; b[0] = 0; k = 1; }
    return k;
}

#define EC_ADD(x, y) ((x) + (y))
#define EC_SUB(x, y) ((x) - (y))
#define EC_MUL(x, y) ((x) * (y))
#define EC_DIV(x, y) ((x) / (y))
#define EC_FMAX(x, y) ((x) != (x) ? (x) : ((y) != (y) ? (y) : ((x) > (y) ? (x) : (y))))
#define EC_FMIN(x, y) ((x) != (x) ? (x) : ((y) != (y) ? (y) : ((x) < (y) ? (x) : (y))))
#define EC_IMAX(x, y) ((x) > (y) ? (x) : (y))
#define EC_IMIN(x, y) ((x) < (y) ? (x) : (y))

/* One row of the innermost dim, specialised on the common stride patterns so the compiler vectorises. */
#define ROW(NAME, T, EXPR)                                                                              \
    EC_CLONES static void NAME(int64_t n, const T *a, int64_t sa, const T *b, int64_t sb, T *o) {   \
        if (sa == 1 && sb == 1) {                                                                    \
            _Pragma("omp simd") for (int64_t i = 0; i < n; i++) o[i] = EXPR(a[i], b[i]);             \
        } else if (sa == 1 && sb == 0) {                                                             \
            const T y = b[0];                                                                        \
            _Pragma("omp simd") for (int64_t i = 0; i < n; i++) o[i] = EXPR(a[i], y);                \
        } else if (sa == 0 && sb == 1) {                                                             \
            const T x = a[0];                                                                        \
            _Pragma("omp simd") for (int64_t i = 0; i < n; i++) o[i] = EXPR(x, b[i]);                \
        } else {                                                                                     \
            for (int64_t i = 0; i < n; i++) o[i] = EXPR(a[i * sa], b[i * sb]);                       \
        }                                                                                            \
    }

/* The N-d driver: rows of the last (coalesced) dim, parallel over rows or over chunks of one long row. */
#define DRIVER(NAME, T, ROWS)                                                                           \
    static void NAME(int op, int ndim, const int64_t *shape, const T *a, const int64_t *sa0,          \
                     const T *b, const int64_t *sb0, T *out) {                                         \
        int64_t n[MAXDIM], sa[MAXDIM], sb[MAXDIM];                                                     \
        int k = coalesce(ndim, shape, sa0, sb0, n, sa, sb);                                            \
        void (*row)(int64_t, const T *, int64_t, const T *, int64_t, T *) = ROWS[op];                  \
        int64_t inner = n[k - 1], rows = 1, total;                                                     \
        for (int d = 0; d < k - 1; d++) rows *= n[d];                                                  \
        total = rows * inner;                                                                          \
        if (rows == 1) {                                                                               \
            int64_t chunk = EC_CHUNK;                                                                  \
            int64_t nchunks = (inner + chunk - 1) / chunk;                                             \
            _Pragma("omp parallel for if (total > EC_PAR_MIN) schedule(static)")                        \
            for (int64_t c = 0; c < nchunks; c++) {                                                    \
                int64_t s = c * chunk, len = inner - s < chunk ? inner - s : chunk;                    \
                row(len, a + s * sa[k - 1], sa[k - 1], b + s * sb[k - 1], sb[k - 1], out + s);         \
            }                                                                                          \
            return;                                                                                    \
        }                                                                                              \
        _Pragma("omp parallel for if (total > EC_PAR_MIN) schedule(static)")                            \
        for (int64_t r = 0; r < rows; r++) {                                                           \
            int64_t rem = r, oa = 0, ob = 0;                                                           \
            for (int d = k - 2; d >= 0; d--) {                                                         \
                int64_t i = rem % n[d];                                                                \
                rem /= n[d];                                                                           \
                oa += i * sa[d];                                                                       \
                ob += i * sb[d];                                                                       \
            }                                                                                          \
            row(inner, a + oa, sa[k - 1], b + ob, sb[k - 1], out + r * inner);                          \
        }                                                                                              \
    }

#define FLOAT_BINARY(SFX, T)                                                                            \
    ROW(add_##SFX, T, EC_ADD) ROW(sub_##SFX, T, EC_SUB) ROW(mul_##SFX, T, EC_MUL)                      \
    ROW(div_##SFX, T, EC_DIV) ROW(max_##SFX, T, EC_FMAX) ROW(min_##SFX, T, EC_FMIN)                    \
    static void (*const rows_##SFX[])(int64_t, const T *, int64_t, const T *, int64_t, T *) = {       \
        add_##SFX, sub_##SFX, mul_##SFX, div_##SFX, max_##SFX, min_##SFX};                             \
    DRIVER(drive_##SFX, T, rows_##SFX)                                                                 \
    int ec_binary_##SFX(int op, int ndim, const int64_t *shape, const T *a, const int64_t *sa,        \
                        const T *b, const int64_t *sb, T *out) {                                       \
        if (op < 0 || op > 5 || ndim < 0 || ndim > MAXDIM) return -1;                                  \
        drive_##SFX(op, ndim, shape, a, sa, b, sb, out);                                               \
        return 0;                                                                                      \
    }

FLOAT_BINARY(f32, float)
FLOAT_BINARY(f64, double)

#define INT_BINARY(SFX, TT)                                                                         \
    ROW(add_##SFX, TT, ADD_##SFX) ROW(sub_##SFX, TT, SUB_##SFX) ROW(mul_##SFX, TT, MUL_##SFX)          \
    ROW(max_##SFX, TT, EC_IMAX) ROW(min_##SFX, TT, EC_IMIN)                                            \
    static void (*const rows_##SFX[])(int64_t, const TT *, int64_t, const TT *, int64_t, TT *) = {    \
        add_##SFX, sub_##SFX, mul_##SFX, 0, max_##SFX, min_##SFX};                                     \
    DRIVER(drive_##SFX, TT, rows_##SFX)                                                                \
    int ec_binary_##SFX(int op, int ndim, const int64_t *shape, const TT *a, const int64_t *sa,       \
                        const TT *b, const int64_t *sb, TT *out) {                                     \
        if (op < 0 || op > 5 || op == 3 || ndim < 0 || ndim > MAXDIM) return -1;                       \
        drive_##SFX(op, ndim, shape, a, sa, b, sb, out);                                               \
        return 0;                                                                                      \
    }

#define ADD_i32(x, y) ((int32_t)((uint32_t)(x) + (uint32_t)(y)))
#define SUB_i32(x, y) ((int32_t)((uint32_t)(x) - (uint32_t)(y)))
#define MUL_i32(x, y) ((int32_t)((uint32_t)(x) * (uint32_t)(y)))
#define ADD_i64(x, y) ((int64_t)((uint64_t)(x) + (uint64_t)(y)))
#define SUB_i64(x, y) ((int64_t)((uint64_t)(x) - (uint64_t)(y)))
#define MUL_i64(x, y) ((int64_t)((uint64_t)(x) * (uint64_t)(y)))

INT_BINARY(i32, int32_t)
INT_BINARY(i64, int64_t)

/* --- unary --------------------------------------------------------------------------------------- */

#define LOOP _Pragma("omp simd") for (int64_t i = 0; i < n; i++)

#define UNARY(SFX, T, EXP, LOG, SQRT, TANH, FABS)                                                       \
    EC_CLONES static void unary_##SFX(int op, int64_t n, const T *x, T *o) {                           \
        const T one = 1;                                                                               \
        switch (op) {                                                                                  \
        case 0: LOOP o[i] = -x[i]; break;                                                              \
        case 1: LOOP o[i] = FABS(x[i]); break;                                                         \
        case 2: LOOP o[i] = EXP(x[i]); break;                                                          \
        case 3: LOOP o[i] = LOG(x[i]); break;                                                          \
        case 4: LOOP o[i] = SQRT(x[i]); break;                                                         \
        case 5: LOOP o[i] = one / (one + EXP(-x[i])); break;                                           \
        case 6: LOOP o[i] = TANH(x[i]); break;                                                         \
        case 7: LOOP o[i] = x[i] * x[i]; break;                                                        \
        case 8: LOOP o[i] = one / x[i]; break;                                                         \
        default: LOOP o[i] = one / SQRT(x[i]); break;                                                  \
        }                                                                                              \
    }                                                                                                  \
    int ec_unary_##SFX(int op, int64_t n, const T *x, T *o) {                                          \
        if (op < 0 || op > 9) return -1;                                                               \
        int64_t min = (op <= 1 || op >= 7) ? EC_PAR_MIN : EC_PAR_MIN_HEAVY;                            \
        EC_SPLIT_MIN(n, min, unary_##SFX(op, len, x + s, o + s));                                      \
        return 0;                                                                                      \
    }

static inline double ec_tanh(double x) { return tanh(x); }

UNARY(f32, float, ec_expf, logf, sqrtf, ec_tanhf, fabsf)
UNARY(f64, double, ec_exp, log, sqrt, ec_tanh, fabs)
