/* Fused LSTM and GRU cell steps (float32): the gate nonlinearities and the state update of one time
 * step in one pass, forward and backward; the recurrent GEMMs run in NumPy (BLAS) between the steps.
 *
 * LSTM gates are laid out (i, f, g, o) along the last axis of (B, 4H) rows, GRU gates (r, z, n) in
 * (B, 3H) rows.  Sigmoid is 0.5 * tanh(x / 2) + 0.5 (the NumPy backend's LSTM form) with a rational
 * tanh approximation (Eigen's, within 6 float32 ulps) that the compiler vectorises, unlike libm's
 * tanhf.  `mask` (B,) selects per batch row between the new state (1) and the carried one (0):
 * m * new + (1 - m) * old, as in NumPy; NULL means every row is live. */
#include <stddef.h>
#include <stdint.h>
#include "nn_rnn.h"

#define PAR_MIN 32768

/* The row loops are compiled for AVX-512, AVX2 and baseline x86-64, picked at load time (a portable
 * binary still uses the wide vectors NumPy's own tanh uses); elsewhere they are compiled once. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define WIDE_VECTORS __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define WIDE_VECTORS
#endif

static inline float fast_tanhf(float x)
{
    const float clamp = 7.90531110763549805f;
    float xc = x > clamp ? clamp : (x < -clamp ? -clamp : x);
    float x2 = xc * xc;
    float p = -2.76076847742355e-16f;
    p = p * x2 + 2.00018790482477e-13f;
    p = p * x2 + -8.60467152213735e-11f;
    p = p * x2 + 5.12229709037114e-08f;
    p = p * x2 + 1.48572235717979e-05f;
    p = p * x2 + 6.37261928875436e-04f;
    p = p * x2 + 4.89352455891786e-03f;
    p = p * xc;
    float q = 1.19825839466702e-06f;
    q = q * x2 + 1.18534705686654e-04f;
    q = q * x2 + 2.26843463243900e-03f;
    q = q * x2 + 4.89352518554385e-03f;
    float r = p / q;
    return ((x < 0.0004f) & (x > -0.0004f)) ? x : r;  /* tanh(x) == x in float32 there; NaN falls through */
}

static inline float fast_sigmoidf(float x)
{
    return 0.5f * fast_tanhf(0.5f * x) + 0.5f;
}

static inline __attribute__((always_inline)) void lstm_row_body(
    float *restrict a, const float *restrict xg, const float *restrict c_prev, const float *restrict h_prev,
    float m, int masked, float *restrict c_out, float *restrict h_out, int64_t h)
{
    for (int64_t j = 0; j < h; j++) {
        float i = fast_sigmoidf(a[j] + xg[j]);
        float f = fast_sigmoidf(a[h + j] + xg[h + j]);
        float g = fast_tanhf(a[2 * h + j] + xg[2 * h + j]);
        float o = fast_sigmoidf(a[3 * h + j] + xg[3 * h + j]);
        a[j] = i;
        a[h + j] = f;
        a[2 * h + j] = g;
        a[3 * h + j] = o;
        float cn = f * c_prev[j] + i * g;
        float hn = o * fast_tanhf(cn);
        if (masked) {
            cn = m * cn + (1 - m) * c_prev[j];
            hn = m * hn + (1 - m) * h_prev[j];
        }
        c_out[j] = cn;
        h_out[j] = hn;
    }
}

/* one clone set per masking mode: the constant `masked` makes each a branch-free loop */
WIDE_VECTORS static void lstm_row(float *a, const float *xg, const float *c_prev, const float *h_prev,
                                  float m, int masked, float *c_out, float *h_out, int64_t h)
{
    if (masked)
        lstm_row_body(a, xg, c_prev, h_prev, m, 1, c_out, h_out, h);
    else
        lstm_row_body(a, xg, c_prev, h_prev, 1.0f, 0, c_out, h_out, h);
}

int ec_lstm_step_f32(float *acts, const float *xg, const float *c_prev, const float *h_prev, const float *mask,
                     float *c_out, float *h_out, int64_t b, int64_t h)
{
    #pragma omp parallel for schedule(static) if (b * h > PAR_MIN / 4)
    for (int64_t r = 0; r < b; r++)
        lstm_row(acts + r * 4 * h, xg + r * 4 * h, c_prev + r * h, h_prev + r * h, mask ? mask[r] : 1.0f,
                 mask != NULL, c_out + r * h, h_out + r * h, h);
    return 0;
}

static inline __attribute__((always_inline)) void lstm_backward_row_body(
    const float *restrict ghs, const float *restrict gcs, const float *restrict a, const float *restrict c_prev,
    const float *restrict c_t, float m, int masked, float *restrict dh, float *restrict dc, float *restrict gx,
    int64_t h)
{
    for (int64_t j = 0; j < h; j++) {
        float dhj = dh[j] + ghs[j], dcj = dc[j] + gcs[j];
        float i = a[j], f = a[h + j], g = a[2 * h + j], o = a[3 * h + j];
        float tc = fast_tanhf(c_t[j]);
        float dr = masked ? m * dhj : dhj;
        float dcn = dr * o * (1 - tc * tc) + (masked ? m * dcj : dcj);
        gx[j] = dcn * g * (i * (1 - i));
        gx[h + j] = dcn * c_prev[j] * (f * (1 - f));
        gx[2 * h + j] = dcn * i * (1 - g * g);
        gx[3 * h + j] = dr * tc * (o * (1 - o));
        /* what the step carries to t - 1 besides gx @ w_hh: nothing for live rows */
        dc[j] = masked ? dcn * f + (1 - m) * dcj : dcn * f;
        dh[j] = masked ? (1 - m) * dhj : 0;
    }
}

WIDE_VECTORS static void lstm_backward_row(const float *ghs, const float *gcs, const float *a,
                                           const float *c_prev, const float *c_t, float m, int masked, float *dh,
                                           float *dc, float *gx, int64_t h)
{
    if (masked)
        lstm_backward_row_body(ghs, gcs, a, c_prev, c_t, m, 1, dh, dc, gx, h);
    else
        lstm_backward_row_body(ghs, gcs, a, c_prev, c_t, 1.0f, 0, dh, dc, gx, h);
}

int ec_lstm_step_backward_f32(const float *ghs, const float *gcs, const float *acts, const float *c_prev,
                              const float *c_t, const float *mask, float *dh, float *dc, float *gx, int64_t b,
                              int64_t h)
{
    #pragma omp parallel for schedule(static) if (b * h > PAR_MIN / 4)
    for (int64_t r = 0; r < b; r++)
        lstm_backward_row(ghs + r * h, gcs + r * h, acts + r * 4 * h, c_prev + r * h, c_t + r * h,
                          mask ? mask[r] : 1.0f, mask != NULL, dh + r * h, dc + r * h, gx + r * 4 * h, h);
    return 0;
}

/* --- GRU: gates (r, z, n) in (B, 3H) rows; acts (B, 4H) = r, z, n and W_hn h + b_hn ------------------ */

static inline __attribute__((always_inline)) void gru_row_body(
    const float *restrict hg, const float *restrict b_hh, const float *restrict xg,
    const float *restrict h_prev, float m, int masked, float *restrict a, float *restrict h_out, int64_t h)
{
    for (int64_t j = 0; j < h; j++) {
        float hn = hg[2 * h + j] + b_hh[2 * h + j];
        float r = fast_sigmoidf(xg[j] + (hg[j] + b_hh[j]));
        float z = fast_sigmoidf(xg[h + j] + (hg[h + j] + b_hh[h + j]));
        float n = fast_tanhf(xg[2 * h + j] + r * hn);
        a[j] = r;
        a[h + j] = z;
        a[2 * h + j] = n;
        a[3 * h + j] = hn;
        float hnew = n + z * (h_prev[j] - n);
        h_out[j] = masked ? m * hnew + (1 - m) * h_prev[j] : hnew;
    }
}

WIDE_VECTORS static void gru_row(const float *hg, const float *b_hh, const float *xg, const float *h_prev, float m,
                                 int masked, float *a, float *h_out, int64_t h)
{
    if (masked)
        gru_row_body(hg, b_hh, xg, h_prev, m, 1, a, h_out, h);
    else
        gru_row_body(hg, b_hh, xg, h_prev, 1.0f, 0, a, h_out, h);
}

int ec_gru_step_f32(const float *hg, const float *b_hh, const float *xg, const float *h_prev, const float *mask,
                    float *acts, float *h_out, int64_t b, int64_t h)
{
    #pragma omp parallel for schedule(static) if (b * h > PAR_MIN / 4)
    for (int64_t r = 0; r < b; r++)
        gru_row(hg + r * 3 * h, b_hh, xg + r * 3 * h, h_prev + r * h, mask ? mask[r] : 1.0f, mask != NULL,
                acts + r * 4 * h, h_out + r * h, h);
    return 0;
}

/* dh: in, the gradient carried from t + 1; out, what the step carries besides ghg @ w_hh */
static inline __attribute__((always_inline)) void gru_backward_row_body(
    const float *restrict ghs, const float *restrict a, const float *restrict h_prev, float m,
    float *restrict dh, float *restrict gx, float *restrict ghg, int64_t h)
{
    for (int64_t j = 0; j < h; j++) {
        float dhj = dh[j] + ghs[j];
        float r = a[j], z = a[h + j], n = a[2 * h + j], hn = a[3 * h + j];
        float dhn = m * dhj;
        float dn = dhn * (1 - z) * (1 - n * n);
        float dr = dn * hn * (r * (1 - r));
        float dz = dhn * (h_prev[j] - n) * (z * (1 - z));
        gx[j] = dr;
        gx[h + j] = dz;
        gx[2 * h + j] = dn;
        ghg[j] = dr;
        ghg[h + j] = dz;
        ghg[2 * h + j] = dn * r;
        dh[j] = dhn * z + (1 - m) * dhj;
    }
}

WIDE_VECTORS static void gru_backward_row(const float *ghs, const float *a, const float *h_prev, float m,
                                          float *dh, float *gx, float *ghg, int64_t h)
{
    gru_backward_row_body(ghs, a, h_prev, m, dh, gx, ghg, h);
}

int ec_gru_step_backward_f32(const float *ghs, const float *acts, const float *h_prev, const float *mask, float *dh,
                             float *gx, float *ghg, int64_t b, int64_t h)
{
    #pragma omp parallel for schedule(static) if (b * h > PAR_MIN / 4)
    for (int64_t r = 0; r < b; r++)
        gru_backward_row(ghs + r * h, acts + r * 4 * h, h_prev + r * h, mask ? mask[r] : 1.0f, dh + r * h,
                         gx + r * 3 * h, ghg + r * 3 * h, h);
    return 0;
}
