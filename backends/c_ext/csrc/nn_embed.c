/* Embedding lookup (a row gather) and its gradient (index_add: a scatter-add of rows).
 *
 * ec_gather_rows: out[i, :] = w[idx[i], :] for a C-contiguous (rows, d) table.  Returns 0, or 1 + the
 *   position of the first index outside [0, rows) (then nothing past that row is written: the caller raises).
 * ec_index_add: out viewed as (outer, rows, inner) and src as (outer, n, inner), both C-contiguous:
 *   out[o, idx[i], :] += alpha * src[o, i, :], in index order, so the sums match the NumPy backend's
 *   np.add.at to rounding.  The indices were range-checked by the caller.  Threads split the inner (column)
 *   range, never the index list, so no two threads write the same element. */
#include <stdint.h>
#include <string.h>

#include "nn_embed.h"
#include "internal/common.h"

#define PAR_MIN 65536

#define DEFINE_EMBED(T, SUF)                                                                             \
int ec_gather_rows_##SUF(const T *w, int64_t rows, int64_t d, const int64_t *idx, int64_t n, T *out)     \
{                                                                                                        \
    for (int64_t i = 0; i < n; i++)                                                                      \
        if (idx[i] < 0 || idx[i] >= rows) return (int)(i < 0x7ffffffe ? i + 1 : 0x7fffffff);            \
    _Pragma("omp parallel for schedule(static) if (n * d > PAR_MIN)")                                    \
    for (int64_t i = 0; i < n; i++)                                                                      \
        memcpy(out + i * d, w + idx[i] * d, (size_t)d * sizeof(T));                                      \
    return 0;                                                                                            \
}                                                                                                        \
                                                                                                         \
EC_CLONES static void add_rows_##SUF(T *out, int64_t rows, int64_t inner, const int64_t *idx, int64_t n,  \
                                     const T *src, T a, int64_t c0, int64_t c1)                          \
{                                                                                                        \
    (void)rows;                                                                                          \
    for (int64_t i = 0; i < n; i++) {                                                                    \
        T *o = out + idx[i] * inner;                                                                     \
        const T *s = src + i * inner;                                                                    \
        if (a == (T)1) {                                                                                 \
            _Pragma("omp simd") for (int64_t c = c0; c < c1; c++) o[c] += s[c];                          \
        } else {                                                                                         \
            _Pragma("omp simd") for (int64_t c = c0; c < c1; c++) o[c] += s[c] * a;                      \
        }                                                                                                \
    }                                                                                                    \
}                                                                                                        \
                                                                                                         \
int ec_index_add_##SUF(T *out, int64_t outer, int64_t rows, int64_t inner, const int64_t *idx, int64_t n, \
                       const T *src, double alpha)                                                       \
{                                                                                                        \
    const T a = (T)alpha;                                                                                \
    if (outer > 1) {                                                                                     \
        _Pragma("omp parallel for schedule(static) if (outer * n * inner > PAR_MIN)")                    \
        for (int64_t o = 0; o < outer; o++)                                                              \
            add_rows_##SUF(out + o * rows * inner, rows, inner, idx, n, src + o * n * inner, a, 0, inner); \
        return 0;                                                                                        \
    }                                                                                                    \
    const int64_t chunk = 256, nc = (inner + chunk - 1) / chunk;                                         \
    _Pragma("omp parallel for schedule(static) if (n * inner > PAR_MIN && nc > 1)")                      \
    for (int64_t c = 0; c < nc; c++) {                                                                   \
        int64_t c1 = (c + 1) * chunk < inner ? (c + 1) * chunk : inner;                                  \
        add_rows_##SUF(out, rows, inner, idx, n, src, a, c * chunk, c1);                                 \
    }                                                                                                    \
    return 0;                                                                                            \
}

DEFINE_EMBED(float, f32)
DEFINE_EMBED(double, f64)
