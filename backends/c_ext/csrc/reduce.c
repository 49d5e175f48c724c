/* Reductions over a contiguous (a, b, c) view: sum/mean, var/std, amax/amin, argmax/argmin (+ values).
   Work items: rows (c == 1; a long row of a short batch is split into RCHUNK pieces), column tiles of TILE
   (c > 1), or one item per kept index (mode 1), run in parallel above PAR_MIN elements.  The split never
   depends on the thread count, so results are identical for any number of threads. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "reduce.h"
#include "internal/common.h"

#define TILE 256      /* columns per work item when reducing over rows (c > 1) */
#define RCHUNK 65536  /* piece of a long row when there are few rows */
#define LANES 32      /* independent accumulators of a row sum */
#define BLOCK 1024    /* a row sum adds LANES partials in T over BLOCK elements, then adds them in double */
#define RB 32         /* a column sum adds partials in T over RB rows, then in double */
/* A reduction streams ~10 elements per ns on one core: below ~1M elements waking a second thread costs more
   than it saves (benchmarks/cext_kernels.py with OMP_NUM_THREADS=2), so the bar is higher than EC_PAR_MIN. */
#define PAR_MIN (1 << 20)
#define PAR(n) EC_PRAGMA(omp parallel for if ((n) > PAR_MIN) schedule(static))

static int64_t min64(int64_t p, int64_t q) { return p < q ? p : q; }

/* Row pieces for c == 1: few long rows are split so that every thread gets work. */
static int64_t row_pieces(int64_t a, int64_t b) { return a < 8 && b > RCHUNK ? (b + RCHUNK - 1) / RCHUNK : 1; }

static int bad_view(int mode, int64_t a, int64_t b, int64_t c) {
    return a < 0 || b < 0 || c < 0 || (mode != 0 && mode != 1);
}

/* ---- sums and squared deviations ------------------------------------------------------------------ */

#define SUM_OPS(SFX, T)                                                                                   \
    /* the sum of the LANES partials, pairwise (a serial chain in double would dominate short rows) */   \
    static inline T fold_##SFX(T *acc) {                                                                 \
        for (int w = LANES / 2; w > 0; w /= 2)                                                           \
            for (int j = 0; j < w; j++) acc[j] += acc[j + w];                                            \
        return acc[0];                                                                                   \
    }                                                                                                    \
    EC_CLONES static double rowsum_##SFX(int64_t n, const T *x) {                                        \
        double s = 0;                                                                                    \
        for (int64_t b0 = 0; b0 < n; b0 += BLOCK) {                                                      \
            int64_t e = min64(n, b0 + BLOCK), i = b0;                                                    \
            T acc[LANES] = {0};                                                                          \
            for (; i + LANES <= e; i += LANES)                                                           \
                _Pragma("omp simd") for (int j = 0; j < LANES; j++) acc[j] += x[i + j];                  \
            for (; i < e; i++) acc[0] += x[i];                                                           \
            s += fold_##SFX(acc);                                                                        \
        }                                                                                                \
        return s;                                                                                        \
    }                                                                                                    \
    /* sum of (x - m)^2 */                                                                               \
    EC_CLONES static double rowdev_##SFX(int64_t n, const T *x, double m) {                              \
        double s = 0;                                                                                    \
        T mt = (T)m;                                                                                     \
        for (int64_t b0 = 0; b0 < n; b0 += BLOCK) {                                                      \
            int64_t e = min64(n, b0 + BLOCK), i = b0;                                                    \
            T acc[LANES] = {0};                                                                          \
            for (; i + LANES <= e; i += LANES)                                                           \
                _Pragma("omp simd") for (int j = 0; j < LANES; j++) {                                    \
                    T d = x[i + j] - mt;                                                                 \
                    acc[j] += d * d;                                                                     \
                }                                                                                        \
            for (; i < e; i++) acc[0] += (x[i] - mt) * (x[i] - mt);                                      \
            s += fold_##SFX(acc);                                                                        \
        }                                                                                                \
        return s;                                                                                        \
    }                                                                                                    \
    /* acc[j] = sum over rows of x[r * ld + j] (m NULL) or of (x[r * ld + j] - m[j])^2, j < w: partial sums   \
       in T over RB rows at a time, added in double */                                                   \
    EC_CLONES static void colsum_##SFX(int64_t rows, int64_t w, const T *x, int64_t ld, const double *m,  \
                                       double *acc) {                                                    \
        T part[TILE], mt[TILE];                                                                          \
        for (int64_t j = 0; j < w; j++) { acc[j] = 0; mt[j] = m ? (T)m[j] : 0; }                         \
        for (int64_t r0 = 0; r0 < rows; r0 += RB) {                                                      \
            int64_t re = min64(rows, r0 + RB);                                                           \
            for (int64_t j = 0; j < w; j++) part[j] = 0;                                                 \
            if (m) {                                                                                     \
                for (int64_t r = r0; r < re; r++)                                                        \
                    _Pragma("omp simd") for (int64_t j = 0; j < w; j++) {                                \
                        T d = x[r * ld + j] - mt[j];                                                     \
                        part[j] += d * d;                                                                \
                    }                                                                                    \
            } else {                                                                                     \
                for (int64_t r = r0; r < re; r++)                                                        \
                    _Pragma("omp simd") for (int64_t j = 0; j < w; j++) part[j] += x[r * ld + j];        \
            }                                                                                            \
            _Pragma("omp simd") for (int64_t j = 0; j < w; j++) acc[j] += part[j];                       \
        }                                                                                                \
    }                                                                                                    \
    /* res = per-output sums of x (m NULL) or of (x - m)^2 (m: one value per output) */                  \
    static int moments_##SFX(int mode, int64_t a, int64_t b, int64_t c, const T *x, const double *m,      \
                             double *res) {                                                              \
        int64_t n = a * b * c;                                                                           \
        if (mode == 1) {                                                                                 \
            PAR(n)                                                                                       \
            for (int64_t k = 0; k < b; k++) {                                                            \
                double s = 0;                                                                            \
                for (int64_t r = 0; r < a; r++) {                                                        \
                    const T *xr = x + (r * b + k) * c;                                                   \
                    s += m ? rowdev_##SFX(c, xr, m[k]) : rowsum_##SFX(c, xr);                            \
                }                                                                                        \
                res[k] = s;                                                                              \
            }                                                                                            \
            return 0;                                                                                    \
        }                                                                                                \
        if (c == 1) {                                                                                    \
            int64_t np = row_pieces(a, b), piece = np == 1 ? b : RCHUNK;                                 \
            double *part = np == 1 ? res : malloc(sizeof(double) * (size_t)(a * np));                    \
            if (!part) return -2;                                                                        \
            PAR(n)                                                                                       \
            for (int64_t t = 0; t < a * np; t++) {                                                       \
                int64_t o = t / np, s = (t % np) * piece, len = min64(b - s, piece);                     \
                const T *xr = x + o * b + s;                                                             \
                part[t] = m ? rowdev_##SFX(len, xr, m[o]) : rowsum_##SFX(len, xr);                       \
            }                                                                                            \
            if (np > 1) {                                                                                \
                for (int64_t o = 0; o < a; o++) {                                                        \
                    double s = 0;                                                                        \
                    for (int64_t p = 0; p < np; p++) s += part[o * np + p];                              \
                    res[o] = s;                                                                          \
                }                                                                                        \
                free(part);                                                                              \
            }                                                                                            \
            return 0;                                                                                    \
        }                                                                                                \
        int64_t nt = (c + TILE - 1) / TILE;                                                              \
        PAR(n)                                                                                           \
        for (int64_t t = 0; t < a * nt; t++) {                                                           \
            int64_t o = t / nt, j0 = (t % nt) * TILE, w = min64(c - j0, TILE);                           \
            colsum_##SFX(b, w, x + o * b * c + j0, c, m ? m + o * c + j0 : NULL, res + o * c + j0);      \
        }                                                                                                \
        return 0;                                                                                        \
    }                                                                                                    \
    int ec_sum_##SFX(int mode, int64_t a, int64_t b, int64_t c, const T *x, double div, T *out) {        \
        if (bad_view(mode, a, b, c)) return -1;                                                          \
        int64_t no = mode ? b : a * c;                                                                   \
        double *res = malloc(sizeof(double) * (size_t)(no ? no : 1));                                    \
        if (!res) return -2;                                                                             \
        int st = moments_##SFX(mode, a, b, c, x, NULL, res);                                             \
        if (!st)                                                                                         \
            for (int64_t i = 0; i < no; i++) out[i] = (T)(res[i] / div);                                 \
        free(res);                                                                                       \
        return st;                                                                                       \
    }                                                                                                    \
    int ec_var_##SFX(int mode, int64_t a, int64_t b, int64_t c, const T *x, double correction, int root,  \
                     T *out) {                                                                           \
        if (bad_view(mode, a, b, c)) return -1;                                                          \
        int64_t no = mode ? b : a * c;                                                                   \
        double n = mode ? (double)a * (double)c : (double)b;                                             \
        double *mean = malloc(sizeof(double) * (size_t)(2 * (no ? no : 1)));                             \
        if (!mean) return -2;                                                                            \
        double *ss = mean + (no ? no : 1);                                                               \
        int st = moments_##SFX(mode, a, b, c, x, NULL, mean);                                            \
        for (int64_t i = 0; i < no && !st; i++) mean[i] /= n;                                            \
        if (!st) st = moments_##SFX(mode, a, b, c, x, mean, ss);                                         \
        double div = n - correction > 0 ? n - correction : 0;                                            \
        for (int64_t i = 0; i < no && !st; i++) {                                                        \
            double v = ss[i] / div;                                                                      \
            out[i] = (T)(root ? sqrt(v) : v);                                                            \
        }                                                                                                \
        free(mean);                                                                                      \
        return st;                                                                                       \
    }

/* ---- max / min and their indices ------------------------------------------------------------------- */

/* NAME: max or min (also the OpenMP reduction), CMP: > or <.  `v CMP m || v != v` is "v replaces the
   running extreme m": strictly better (so ties keep the first) or a NaN. */
#define EXT_OPS(SFX, T, NAME, CMP)                                                                        \
    EC_CLONES static T row##NAME##_##SFX(int64_t n, const T *x) {                                        \
        T m = x[0];                                                                                      \
        int nan = 0;                                                                                     \
        EC_PRAGMA(omp simd reduction(NAME:m) reduction(|:nan))                                           \
        for (int64_t i = 0; i < n; i++) {                                                                \
            m = x[i] CMP m ? x[i] : m;                                                                   \
            nan |= x[i] != x[i];                                                                         \
        }                                                                                                \
        return nan ? (T)NAN : m;                                                                         \
    }                                                                                                    \
    /* acc[j] = extreme over rows of x[r * ld + j], j < w */                                             \
    EC_CLONES static void col##NAME##_##SFX(int64_t rows, int64_t w, const T *x, int64_t ld, T *acc) {   \
        for (int64_t j = 0; j < w; j++) acc[j] = x[j];                                                   \
        for (int64_t r = 1; r < rows; r++)                                                               \
            _Pragma("omp simd") for (int64_t j = 0; j < w; j++) {                                        \
                T v = x[r * ld + j], m = acc[j];                                                         \
                acc[j] = v CMP m || v != v ? v : m;                                                      \
            }                                                                                            \
    }                                                                                                    \
    /* best[j], idx[j] = first extreme over rows of x[r * ld + j] (the first NaN if any), j < w */       \
    EC_CLONES static void colarg##NAME##_##SFX(int64_t rows, int64_t w, const T *x, int64_t ld, T *best,  \
                                               int64_t *idx) {                                           \
        for (int64_t j = 0; j < w; j++) { best[j] = x[j]; idx[j] = 0; }                                  \
        for (int64_t r = 1; r < rows; r++)                                                               \
            _Pragma("omp simd") for (int64_t j = 0; j < w; j++) {                                        \
                T v = x[r * ld + j], m = best[j];                                                        \
                int up = v CMP m || (v != v && m == m);                                                  \
                best[j] = up ? v : m;                                                                    \
                idx[j] = up ? r : idx[j];                                                                \
            }                                                                                            \
    }                                                                                                    \
    static int ext##NAME##_##SFX(int mode, int64_t a, int64_t b, int64_t c, const T *x, T *out) {        \
        int64_t n = a * b * c;                                                                           \
        if (mode == 1) {                                                                                 \
            PAR(n)                                                                                       \
            for (int64_t k = 0; k < b; k++) {                                                            \
                T m = row##NAME##_##SFX(c, x + k * c);                                                   \
                for (int64_t r = 1; r < a; r++) {                                                        \
                    T v = row##NAME##_##SFX(c, x + (r * b + k) * c);                                     \
                    m = v CMP m || v != v ? v : m;                                                       \
                }                                                                                        \
                out[k] = m;                                                                              \
            }                                                                                            \
            return 0;                                                                                    \
        }                                                                                                \
        if (c == 1) {                                                                                    \
            int64_t np = row_pieces(a, b), piece = np == 1 ? b : RCHUNK;                                 \
            T *part = np == 1 ? out : malloc(sizeof(T) * (size_t)(a * np));                              \
            if (!part) return -2;                                                                        \
            PAR(n)                                                                                       \
            for (int64_t t = 0; t < a * np; t++) {                                                       \
                int64_t o = t / np, s = (t % np) * piece;                                                \
                part[t] = row##NAME##_##SFX(min64(b - s, piece), x + o * b + s);                         \
            }                                                                                            \
            if (np > 1) {                                                                                \
                for (int64_t o = 0; o < a; o++) {                                                        \
                    T m = part[o * np];                                                                  \
                    for (int64_t p = 1; p < np; p++) {                                                   \
                        T v = part[o * np + p];                                                          \
                        m = v CMP m || v != v ? v : m;                                                   \
                    }                                                                                    \
                    out[o] = m;                                                                          \
                }                                                                                        \
                free(part);                                                                              \
            }                                                                                            \
            return 0;                                                                                    \
        }                                                                                                \
        int64_t nt = (c + TILE - 1) / TILE;                                                              \
        PAR(n)                                                                                           \
        for (int64_t t = 0; t < a * nt; t++) {                                                           \
            int64_t o = t / nt, j0 = (t % nt) * TILE;                                                    \
            col##NAME##_##SFX(b, min64(c - j0, TILE), x + o * b * c + j0, c, out + o * c + j0);          \
        }                                                                                                \
        return 0;                                                                                        \
    }                                                                                                    \
    /* column tiles for every c (NumPy's argmax is faster over contiguous rows, c == 1) */            \
    static int arg##NAME##_##SFX(int64_t a, int64_t b, int64_t c, const T *x, T *values, int64_t *idx) {  \
        int64_t n = a * b * c;                                                                           \
        T *best = values ? values : malloc(sizeof(T) * (size_t)(a * c + 1));                                \
        if (!best) return -2;                                                                            \
        int64_t nt = (c + TILE - 1) / TILE;                                                              \
        PAR(n)                                                                                           \
        for (int64_t t = 0; t < a * nt; t++) {                                                           \
            int64_t o = t / nt, j0 = (t % nt) * TILE;                                                    \
            colarg##NAME##_##SFX(b, min64(c - j0, TILE), x + o * b * c + j0, c, best + o * c + j0,       \
                                 idx + o * c + j0);                                                      \
        }                                                                                                \
        if (!values) free(best);                                                                         \
        return 0;                                                                                        \
    }

#define EXTREMES(SFX, T)                                                                                  \
    EXT_OPS(SFX, T, max, >)                                                                              \
    EXT_OPS(SFX, T, min, <)                                                                              \
    int ec_extreme_##SFX(int is_min, int mode, int64_t a, int64_t b, int64_t c, const T *x, T *out) {    \
        if (bad_view(mode, a, b, c) || (mode == 0 ? b < 1 : a < 1 || c < 1)) return -1;                 \
        return is_min ? extmin_##SFX(mode, a, b, c, x, out) : extmax_##SFX(mode, a, b, c, x, out);      \
    }                                                                                                    \
    int ec_argext_##SFX(int is_min, int64_t a, int64_t b, int64_t c, const T *x, T *values,              \
                        int64_t *indices) {                                                              \
        if (bad_view(0, a, b, c) || b < 1) return -1;                                                    \
        return is_min ? argmin_##SFX(a, b, c, x, values, indices) : argmax_##SFX(a, b, c, x, values, indices); \
    }

SUM_OPS(f32, float)
SUM_OPS(f64, double)
EXTREMES(f32, float)
EXTREMES(f64, double)
