/* Winograd F(2x2, 3x3) transforms for 3x3 stride-1 convolutions (the GEMMs run in NumPy/BLAS).
 *
 * The output is cut into th x tw tiles of 2x2 pixels; tile (ty, tx) of image i reads the 4x4 input
 * patch at (2*ty - ph, 2*tx - pw) (out-of-image taps are zero: implicit padding).
 *   input transform   V[k][c][t] = (B^T d B)[k]      k = 0..15, t = i * th * tw + ty * tw + tx
 *                     (V[k] starts at k * kstride: padding kstride past a power of two keeps the 16
 *                     output streams off the same cache sets)
 *   GEMMs (NumPy)     M[k] = U[k] @ V[k]             U[k] (Cout, C): the transformed weights
 *   output transform  y[i][co][2ty + a][2tx + b] = (A^T m A)[a][b], clipped to the oh x ow output
 * with B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1] and A^T = [1 1 1 0; 0 1 -1 -1].
 * Weight gradient (the adjoint): Z[k][co][t] = (A gy A^T)[k] of each 2x2 output-gradient tile,
 *   then dW = G^T (sum over tiles of Z[k] V[k]) G (NumPy).
 * All loops run over (image, channel) planes, each writing only its own elements: no races. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "nn_wino.h"

#define PAR_MIN 32768

#define DEFINE_WINO(T, SUF)                                                                              \
int ec_wino_in_##SUF(const T *x, T *v, int64_t n, int64_t c, int64_t h, int64_t w, int64_t ph,            \
                     int64_t pw, int64_t th, int64_t tw, int64_t kstride)                                \
{                                                                                                        \
    int64_t planes = n * c, tiles = th * tw, tt = n * tiles;                                             \
    int failed = 0;                                                                                      \
    if (kstride < c * tt) return -2;                                                                     \
    _Pragma("omp parallel for schedule(static) if (planes * tiles * 16 > PAR_MIN)")                       \
    for (int64_t nc = 0; nc < planes; nc++) {                                                            \
        int64_t i = nc / c, ch = nc % c;                                                                 \
        const T *src = x + nc * h * w;                                                                   \
        T *dst = v + ch * tt + i * tiles;                                                                \
        T *rows = malloc((size_t)(4 * (2 * tw + 2)) * sizeof(T));                                        \
        if (!rows) { failed = 1; continue; }                                                             \
        int64_t rl = 2 * tw + 2;                                                                         \
        for (int64_t ty = 0; ty < th; ty++) {                                                            \
            int64_t y0 = 2 * ty - ph;                                                                    \
            /* the 4 input rows of this tile row, zero-padded to 2 * tw + 2 columns from x = -pw */      \
            int64_t lo = pw < rl ? pw : rl, hi = w + pw < rl ? w + pw : rl;                              \
            for (int r = 0; r < 4; r++) {                                                                \
                T *rr = rows + r * rl;                                                                   \
                int64_t iy = y0 + r;                                                                     \
                if (iy < 0 || iy >= h || hi <= lo) {                                                     \
                    memset(rr, 0, (size_t)rl * sizeof(T));                                               \
                    continue;                                                                            \
                }                                                                                        \
                memset(rr, 0, (size_t)lo * sizeof(T));                                                   \
                memcpy(rr + lo, src + iy * w + (lo - pw), (size_t)(hi - lo) * sizeof(T));                \
                memset(rr + hi, 0, (size_t)(rl - hi) * sizeof(T));                                       \
            }                                                                                            \
            /* B^T along the rows (contiguous, vectorizable), in place: row r becomes t_r */             \
            T *r0 = rows, *r1 = rows + rl, *r2 = rows + 2 * rl, *r3 = rows + 3 * rl;                     \
            for (int64_t j = 0; j < rl; j++) {                                                           \
                T d0 = r0[j], d1 = r1[j], d2 = r2[j], d3 = r3[j];                                        \
                r0[j] = d0 - d2;                                                                         \
                r1[j] = d1 + d2;                                                                         \
                r2[j] = d2 - d1;                                                                         \
                r3[j] = d1 - d3;                                                                         \
            }                                                                                            \
            /* then B along the columns of each tile */                                                  \
            T *o = dst + ty * tw;                                                                        \
            for (int r = 0; r < 4; r++) {                                                                \
                const T *t = rows + r * rl;                                                              \
                T *o0 = o + (4 * r) * kstride, *o1 = o0 + kstride, *o2 = o1 + kstride, *o3 = o2 + kstride;\
                for (int64_t tx = 0; tx < tw; tx++) {                                                    \
                    T t0 = t[2 * tx], t1 = t[2 * tx + 1], t2 = t[2 * tx + 2], t3 = t[2 * tx + 3];        \
                    o0[tx] = t0 - t2;                                                                    \
                    o1[tx] = t1 + t2;                                                                    \
                    o2[tx] = t2 - t1;                                                                    \
                    o3[tx] = t1 - t3;                                                                    \
                }                                                                                        \
            }                                                                                            \
        }                                                                                                \
        free(rows);                                                                                      \
    }                                                                                                    \
    return failed ? -1 : 0;                                                                              \
}                                                                                                        \
                                                                                                         \
int ec_wino_out_##SUF(const T *m, T *y, int64_t n, int64_t cout, int64_t oh, int64_t ow, int64_t th,      \
                      int64_t tw, int64_t kstride)                                                       \
{                                                                                                        \
    int64_t planes = n * cout, tiles = th * tw, tt = n * tiles;                                          \
    int failed = 0;                                                                                      \
    if (kstride < cout * tt) return -2;                                                                  \
    _Pragma("omp parallel for schedule(static) if (planes * tiles * 16 > PAR_MIN)")                       \
    for (int64_t nc = 0; nc < planes; nc++) {                                                            \
        int64_t i = nc / cout, co = nc % cout;                                                           \
        const T *src = m + co * tt + i * tiles;                                                          \
        T *dst = y + nc * oh * ow;                                                                       \
        T *tb = malloc((size_t)(8 * tw) * sizeof(T));                                                    \
        if (!tb) { failed = 1; continue; }                                                               \
        for (int64_t ty = 0; ty < th; ty++) {                                                            \
            const T *q = src + ty * tw;                                                                  \
            /* A^T along the tile rows, contiguous over the tiles: tb[a * 4 + s][tx] */                  \
            for (int s = 0; s < 4; s++) {                                                                \
                const T *m0 = q + s * kstride, *m1 = q + (4 + s) * kstride;                              \
                const T *m2 = q + (8 + s) * kstride, *m3 = q + (12 + s) * kstride;                       \
                T *u0 = tb + s * tw, *u1 = tb + (4 + s) * tw;                                            \
                for (int64_t tx = 0; tx < tw; tx++) {                                                    \
                    u0[tx] = m0[tx] + m1[tx] + m2[tx];                                                   \
                    u1[tx] = m1[tx] - m2[tx] - m3[tx];                                                   \
                }                                                                                        \
            }                                                                                            \
            /* then A along the columns: two output pixels per tile and row */                           \
            int64_t full = ow / 2;                                                                       \
            for (int a = 0; a < 2; a++) {                                                                \
                int64_t oy = 2 * ty + a;                                                                 \
                if (oy >= oh) break;                                                                     \
                T *row = dst + oy * ow;                                                                  \
                const T *v0 = tb + (4 * a) * tw, *v1 = v0 + tw, *v2 = v1 + tw, *v3 = v2 + tw;            \
                for (int64_t tx = 0; tx < full; tx++) {                                                  \
                    row[2 * tx] = v0[tx] + v1[tx] + v2[tx];                                              \
                    row[2 * tx + 1] = v1[tx] - v2[tx] - v3[tx];                                          \
                }                                                                                        \
                if (full < tw) row[2 * full] = v0[full] + v1[full] + v2[full];                           \
            }                                                                                            \
        }                                                                                                \
        free(tb);                                                                                        \
    }                                                                                                    \
    return failed ? -1 : 0;                                                                                            \
}                                                                                                        \
                                                                                                         \
int ec_wino_gout_##SUF(const T *g, T *z, int64_t n, int64_t cout, int64_t oh, int64_t ow, int64_t th,     \
                       int64_t tw, int64_t kstride)                                                      \
{                                                                                                        \
    int64_t planes = n * cout, tiles = th * tw, tt = n * tiles;                                          \
    if (kstride < cout * tt) return -2;                                                                  \
    _Pragma("omp parallel for schedule(static) if (planes * tiles * 16 > PAR_MIN)")                       \
    for (int64_t nc = 0; nc < planes; nc++) {                                                            \
        int64_t i = nc / cout, co = nc % cout;                                                           \
        const T *src = g + nc * oh * ow;                                                                 \
        T *dst = z + co * tt + i * tiles;                                                                \
        for (int64_t ty = 0; ty < th; ty++) {                                                            \
            int64_t y0 = 2 * ty;                                                                         \
            int has_y1 = y0 + 1 < oh;                                                                    \
            T *o = dst + ty * tw;                                                                        \
            for (int64_t tx = 0; tx < tw; tx++) {                                                        \
                int64_t x0 = 2 * tx;                                                                     \
                int has_x1 = x0 + 1 < ow;                                                                \
                T q00 = src[y0 * ow + x0], q01 = has_x1 ? src[y0 * ow + x0 + 1] : (T)0;                  \
                T q10 = has_y1 ? src[(y0 + 1) * ow + x0] : (T)0;                                         \
                T q11 = has_y1 && has_x1 ? src[(y0 + 1) * ow + x0 + 1] : (T)0;                           \
                /* t = A q (4x2), then z = t A^T (4x4), A = [1 0; 1 1; 1 -1; 0 -1] */                    \
                T t[4][2] = {{q00, q01}, {q00 + q10, q01 + q11}, {q00 - q10, q01 - q11}, {-q10, -q11}};   \
                for (int r = 0; r < 4; r++) {                                                            \
                    o[(4 * r + 0) * kstride + tx] = t[r][0];                                             \
                    o[(4 * r + 1) * kstride + tx] = t[r][0] + t[r][1];                                   \
                    o[(4 * r + 2) * kstride + tx] = t[r][0] - t[r][1];                                   \
                    o[(4 * r + 3) * kstride + tx] = -t[r][1];                                            \
                }                                                                                        \
            }                                                                                            \
        }                                                                                                \
    }                                                                                                    \
    return 0;                                                                                            \
}

DEFINE_WINO(float, f32)
DEFINE_WINO(double, f64)
