/* im2col / col2im for 2-D convolution (1-D runs as height 1); the GEMMs run in NumPy (BLAS).
 *
 * The column matrix has one row per (channel, ki, kj) holding that kernel offset's value at every
 * output pixel.  Where row (c, ki, kj) of image i lives is given by two strides:
 *   cols + i * stride_n + (c * kh * kw + ki * kw + kj) * stride_row   (then oh * ow pixels, contiguous)
 * so one routine writes both the per-image layout (N, C*K, P) and the batched layout (C*K, N*P).
 * Both loops run over (image, channel) planes: col2im writes each input plane from its own rows only,
 * so the parallel loop has no races.  Padding is implicit: out-of-image taps read/write nothing. */
#include <stdint.h>
#include <string.h>
#include "nn_conv.h"

#define PAR_MIN 32768

/* the range [lo, hi) of output columns whose tap lands inside [0, w) */
static void valid_range(int64_t w, int64_t ow, int64_t s, int64_t off, int64_t *lo, int64_t *hi)
{
    /* tap = o * s + off; need 0 <= tap < w */
    int64_t a = off >= 0 ? 0 : (-off + s - 1) / s;
    int64_t b = w - off <= 0 ? 0 : (w - off + s - 1) / s;
    if (b > ow) b = ow;
    if (a > b) a = b;
    *lo = a;
    *hi = b;
}

#define DEFINE_CONV(T, SUF)                                                                              \
int ec_im2col_##SUF(const T *x, T *cols, int64_t n, int64_t c, int64_t h, int64_t w, int64_t kh,          \
                    int64_t kw, int64_t sh, int64_t sw, int64_t ph, int64_t pw, int64_t dh, int64_t dw,   \
                    int64_t oh, int64_t ow, int64_t stride_n, int64_t stride_row)                        \
{                                                                                                        \
    int64_t planes = n * c, p = oh * ow;                                                                 \
    _Pragma("omp parallel for schedule(static) if (planes * kh * kw * p > PAR_MIN)")                     \
    for (int64_t nc = 0; nc < planes; nc++) {                                                            \
        int64_t i = nc / c, ch = nc % c;                                                                 \
        const T *src = x + nc * h * w;                                                                   \
        for (int64_t ki = 0; ki < kh; ki++) {                                                            \
            for (int64_t kj = 0; kj < kw; kj++) {                                                        \
                T *dst = cols + i * stride_n + ((ch * kh + ki) * kw + kj) * stride_row;                  \
                int64_t lo, hi;                                                                          \
                valid_range(w, ow, sw, kj * dw - pw, &lo, &hi);                                          \
                for (int64_t y = 0; y < oh; y++) {                                                       \
                    T *row = dst + y * ow;                                                               \
                    int64_t iy = y * sh - ph + ki * dh;                                                  \
                    if (iy < 0 || iy >= h) {                                                             \
                        memset(row, 0, (size_t)ow * sizeof(T));                                          \
                        continue;                                                                        \
                    }                                                                                    \
                    int64_t base = iy * w + kj * dw - pw;                                                \
                    for (int64_t o = 0; o < lo; o++) row[o] = 0;                                         \
                    if (sw == 1) {                                                                       \
                        if (hi > lo) memcpy(row + lo, src + base + lo, (size_t)(hi - lo) * sizeof(T));           \
                    } else {                                                                             \
                        for (int64_t o = lo; o < hi; o++) row[o] = src[base + o * sw];                   \
                    }                                                                                    \
                    for (int64_t o = hi; o < ow; o++) row[o] = 0;                                        \
                }                                                                                        \
            }                                                                                            \
        }                                                                                                \
    }                                                                                                    \
    return 0;                                                                                            \
}                                                                                                        \
                                                                                                         \
int ec_col2im_##SUF(const T *cols, T *x, int64_t n, int64_t c, int64_t h, int64_t w, int64_t kh,          \
                    int64_t kw, int64_t sh, int64_t sw, int64_t ph, int64_t pw, int64_t dh, int64_t dw,   \
                    int64_t oh, int64_t ow, int64_t stride_n, int64_t stride_row)                        \
{                                                                                                        \
    int64_t planes = n * c, p = oh * ow;                                                                 \
    _Pragma("omp parallel for schedule(static) if (planes * kh * kw * p > PAR_MIN)")                     \
    for (int64_t nc = 0; nc < planes; nc++) {                                                            \
        int64_t i = nc / c, ch = nc % c;                                                                 \
        T *dst = x + nc * h * w;                                                                         \
        memset(dst, 0, (size_t)(h * w) * sizeof(T));                                                     \
        for (int64_t ki = 0; ki < kh; ki++) {                                                            \
            for (int64_t kj = 0; kj < kw; kj++) {                                                        \
                const T *src = cols + i * stride_n + ((ch * kh + ki) * kw + kj) * stride_row;            \
                int64_t lo, hi;                                                                          \
                valid_range(w, ow, sw, kj * dw - pw, &lo, &hi);                                          \
                for (int64_t y = 0; y < oh; y++) {                                                       \
                    int64_t iy = y * sh - ph + ki * dh;                                                  \
                    if (iy < 0 || iy >= h) continue;                                                     \
                    const T *row = src + y * ow;                                                         \
                    int64_t base = iy * w + kj * dw - pw;                                                \
                    if (sw == 1) {                                                                       \
                        for (int64_t o = lo; o < hi; o++) dst[base + o] += row[o];                           \
                    } else {                                                                             \
                        for (int64_t o = lo; o < hi; o++) dst[base + o * sw] += row[o];                      \
                    }                                                                                    \
                }                                                                                        \
            }                                                                                            \
        }                                                                                                \
    }                                                                                                    \
    return 0;                                                                                            \
}

DEFINE_CONV(float, f32)
DEFINE_CONV(double, f64)
