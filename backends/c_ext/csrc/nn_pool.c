/* 2-D max / average pooling over (planes, H, W) arrays (1-D runs as height 1); the parallel loops run
 * over planes (image x channel), each written by one thread only.  Padding is implicit: out-of-image
 * taps are skipped (max) or count as zeros (average).  Indices are flat offsets inside the plane.
 *
 * Max pooling works one output pixel at a time and follows PyTorch's CPU kernel exactly: the first
 * strict maximum wins, a NaN always replaces the running value (so the last NaN of a window wins),
 * and a window of -inf values points at its first in-image tap (past the plane for a window with
 * none; its gradient is dropped).  Average pooling builds each output row in one pass per kernel tap
 * over its in-image columns (vectorisable for stride 1), or per pixel for narrow outputs. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "nn_pool.h"

#define PAR_MIN 32768
#define MAX_K 64

/* the range [lo, hi) of output columns o whose tap o * s + off lands inside [0, w) */
static void valid_range(int64_t w, int64_t ow, int64_t s, int64_t off, int64_t *lo, int64_t *hi)
{
    int64_t a = off >= 0 ? 0 : (-off + s - 1) / s;
    int64_t b = w - off <= 0 ? 0 : (w - off + s - 1) / s;
    if (b > ow) b = ow;
    if (a > b) a = b;
    *lo = a;
    *hi = b;
}

/* one dim's factor of PyTorch's avg-pool divisor, for the window starting at s (padding p) */
static inline int64_t avg_extent(int64_t s, int64_t n, int64_t k, int64_t p, int count_include_pad)
{
    int64_t e = s + k < n + p ? s + k : n + p;
    if (count_include_pad) return e - s;
    return (e < n ? e : n) - (s > 0 ? s : 0);
}

#define DEFINE_POOL(T, SUF)                                                                              \
/* the column factor of every output column's divisor (1 with divisor_override, whose value the row    \
 * factor carries); NULL when out of memory.  Products of these small integers are exact. */            \
static T *column_factors_##SUF(int64_t w, int64_t ow, int64_t kw, int64_t sw, int64_t pw,                \
                               int count_include_pad, int64_t divisor_override)                          \
{                                                                                                        \
    T *f = malloc((size_t)(ow > 0 ? ow : 1) * sizeof(T));                                                \
    if (!f) return NULL;                                                                                 \
    for (int64_t ox = 0; ox < ow; ox++)                                                                  \
        f[ox] = divisor_override ? (T)1 : (T)avg_extent(ox * sw - pw, w, kw, pw, count_include_pad);      \
    return f;                                                                                            \
}                                                                                                        \
                                                                                                         \
int ec_max_pool2d_##SUF(const T *x, T *y, int64_t *idx, int64_t planes, int64_t h, int64_t w,             \
                        int64_t kh, int64_t kw, int64_t sh, int64_t sw, int64_t ph, int64_t pw,           \
                        int64_t dh, int64_t dw, int64_t oh, int64_t ow)                                  \
{                                                                                                        \
    _Pragma("omp parallel for schedule(static) if (planes * oh * ow * kh * kw > PAR_MIN)")               \
    for (int64_t pl = 0; pl < planes; pl++) {                                                            \
        const T *src = x + pl * h * w;                                                                   \
        for (int64_t oy = 0; oy < oh; oy++) {                                                            \
            T *dst = y + (pl * oh + oy) * ow;                                                            \
            int64_t *di = idx + (pl * oh + oy) * ow;                                                     \
            int64_t y0 = oy * sh - ph, y1 = y0 + (kh - 1) * dh + 1;                                      \
            if (y1 > h) y1 = h;                                                                          \
            while (y0 < 0) y0 += dh;                                                                     \
            for (int64_t ox = 0; ox < ow; ox++) {                                                        \
                int64_t x0 = ox * sw - pw, x1 = x0 + (kw - 1) * dw + 1;                                  \
                if (x1 > w) x1 = w;                                                                      \
                while (x0 < 0) x0 += dw;                                                                 \
                /* running max in registers, updated branch-free (random data mispredicts) */            \
                T best = -INFINITY;                                                                      \
                int64_t best_i = y0 * w + x0;                                                            \
                for (int64_t iy = y0; iy < y1; iy += dh) {                                               \
                    for (int64_t ix = x0; ix < x1; ix += dw) {                                           \
                        T v = src[iy * w + ix];                                                          \
                        int64_t take = -(int64_t)(v > best);                                             \
                        best = v > best ? v : best;                                                      \
                        best_i = ((iy * w + ix) & take) | (best_i & ~take);                              \
                        if (v != v) { /* rare, so a predictable branch */                                \
                            best = v;                                                                    \
                            best_i = iy * w + ix;                                                        \
                        }                                                                                \
                    }                                                                                    \
                }                                                                                        \
                dst[ox] = best;                                                                          \
                di[ox] = best_i;                                                                         \
            }                                                                                            \
        }                                                                                                \
    }                                                                                                    \
    return 0;                                                                                            \
}                                                                                                        \
                                                                                                         \
int ec_max_pool_backward_##SUF(const T *g, const int64_t *idx, T *gx, int64_t planes, int64_t in_plane,  \
                               int64_t out_plane)                                                        \
{                                                                                                        \
    _Pragma("omp parallel for schedule(static) if (planes * out_plane > PAR_MIN)")                       \
    for (int64_t pl = 0; pl < planes; pl++) {                                                            \
        T *dst = gx + pl * in_plane;                                                                     \
        const T *src = g + pl * out_plane;                                                               \
        const int64_t *si = idx + pl * out_plane;                                                        \
        memset(dst, 0, (size_t)in_plane * sizeof(T));                                                    \
        for (int64_t o = 0; o < out_plane; o++) {                                                        \
            int64_t i = si[o];                                                                           \
            /* a window without in-image taps points past its plane (as in PyTorch): no gradient */      \
            if (i >= 0 && i < in_plane) dst[i] += src[o];                                                \
        }                                                                                                \
    }                                                                                                    \
    return 0;                                                                                            \
}                                                                                                        \
                                                                                                         \
int ec_avg_pool2d_##SUF(const T *x, T *y, int64_t planes, int64_t h, int64_t w, int64_t kh, int64_t kw,  \
                        int64_t sh, int64_t sw, int64_t ph, int64_t pw, int64_t oh, int64_t ow,           \
                        int count_include_pad, int64_t divisor_override)                                 \
{                                                                                                        \
    int64_t lo_k[MAX_K], hi_k[MAX_K]; /* in-image output columns per kernel column */                   \
    for (int64_t kj = 0; kj < kw && kj < MAX_K; kj++) valid_range(w, ow, sw, kj - pw, &lo_k[kj], &hi_k[kj]); \
    T *colf = column_factors_##SUF(w, ow, kw, sw, pw, count_include_pad, divisor_override);              \
    if (!colf) return 2;                                                                                 \
    _Pragma("omp parallel for schedule(static) if (planes * oh * ow * kh * kw > PAR_MIN)")               \
    for (int64_t pl = 0; pl < planes; pl++) {                                                            \
        const T *src = x + pl * h * w;                                                                   \
        for (int64_t oy = 0; oy < oh; oy++) {                                                            \
            T *total = y + (pl * oh + oy) * ow;                                                          \
            int64_t y0 = oy * sh - ph;                                                                   \
            if (ow < 8) { /* narrow outputs: per-pixel sums (row passes cost more than they save) */     \
                int64_t ya = y0 > 0 ? y0 : 0, yb = y0 + kh < h ? y0 + kh : h;                            \
                for (int64_t ox = 0; ox < ow; ox++) {                                                    \
                    int64_t x0 = ox * sw - pw;                                                           \
                    int64_t xa = x0 > 0 ? x0 : 0, xb = x0 + kw < w ? x0 + kw : w;                        \
                    T t = 0;                                                                             \
                    for (int64_t iy = ya; iy < yb; iy++)                                                 \
                        for (int64_t ix = xa; ix < xb; ix++) t += src[iy * w + ix];                      \
                    total[ox] = t;                                                                       \
                }                                                                                        \
            } else {                                                                                     \
                for (int64_t ox = 0; ox < ow; ox++) total[ox] = 0;                                       \
                for (int64_t ki = 0; ki < kh; ki++) {                                                    \
                    int64_t iy = y0 + ki;                                                                \
                    if (iy < 0 || iy >= h) continue;                                                     \
                    for (int64_t kj = 0; kj < kw; kj++) {                                                \
                        int64_t lo = kj < MAX_K ? lo_k[kj] : 0, hi = kj < MAX_K ? hi_k[kj] : 0;          \
                        if (kj >= MAX_K) valid_range(w, ow, sw, kj - pw, &lo, &hi);                      \
                        const T *row = src + iy * w + kj - pw;                                           \
                        /* constant strides let the compiler vectorise the common cases */               \
                        if (sw == 1)                                                                     \
                            for (int64_t ox = lo; ox < hi; ox++) total[ox] += row[ox];                   \
                        else if (sw == 2)                                                                \
                            for (int64_t ox = lo; ox < hi; ox++) total[ox] += row[2 * ox];               \
                        else                                                                             \
                            for (int64_t ox = lo; ox < hi; ox++) total[ox] += row[ox * sw];              \
                    }                                                                                    \
                }                                                                                        \
            }                                                                                            \
            T fy = (T)(divisor_override ? divisor_override : avg_extent(y0, h, kh, ph, count_include_pad)); \
            for (int64_t ox = 0; ox < ow; ox++) total[ox] /= fy * colf[ox];                              \
        }                                                                                                \
    }                                                                                                    \
    free(colf);                                                                                          \
    return 0;                                                                                            \
}                                                                                                        \
                                                                                                         \
int ec_avg_pool2d_backward_##SUF(const T *g, T *gx, int64_t planes, int64_t h, int64_t w, int64_t kh,    \
                                 int64_t kw, int64_t sh, int64_t sw, int64_t ph, int64_t pw, int64_t oh, \
                                 int64_t ow, int count_include_pad, int64_t divisor_override)            \
{                                                                                                        \
    T *colf = column_factors_##SUF(w, ow, kw, sw, pw, count_include_pad, divisor_override);              \
    if (!colf) return 2;                                                                                 \
    _Pragma("omp parallel for schedule(static) if (planes * oh * ow * kh * kw > PAR_MIN)")               \
    for (int64_t pl = 0; pl < planes; pl++) {                                                            \
        const T *src = g + pl * oh * ow;                                                                 \
        T *dst = gx + pl * h * w;                                                                        \
        memset(dst, 0, (size_t)(h * w) * sizeof(T));                                                     \
        for (int64_t oy = 0; oy < oh; oy++) {                                                            \
            int64_t y0 = oy * sh - ph;                                                                   \
            int64_t ya = y0 > 0 ? y0 : 0, yb = y0 + kh < h ? y0 + kh : h;                                \
            T fy = (T)(divisor_override ? divisor_override : avg_extent(y0, h, kh, ph, count_include_pad)); \
            for (int64_t ox = 0; ox < ow; ox++) {                                                        \
                int64_t x0 = ox * sw - pw;                                                               \
                int64_t xa = x0 > 0 ? x0 : 0, xb = x0 + kw < w ? x0 + kw : w;                            \
                T v = src[oy * ow + ox] / (fy * colf[ox]);                                               \
                for (int64_t iy = ya; iy < yb; iy++)                                                     \
                    for (int64_t ix = xa; ix < xb; ix++) dst[iy * w + ix] += v;                          \
            }                                                                                            \
        }                                                                                                \
    }                                                                                                    \
    free(colf);                                                                                          \
    return 0;                                                                                            \
}

DEFINE_POOL(float, f32)
DEFINE_POOL(double, f64)
