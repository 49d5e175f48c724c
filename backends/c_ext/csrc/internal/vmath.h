/* Branch-free exp/tanh that GCC vectorises inside `omp simd` loops (libm's are scalar calls).
   exp: range reduction x = n ln2 + r, |r| <= ln2/2, Taylor polynomial (degree 7 for float, 13 for
   double: truncation error below half an ulp), 2^n applied as two halves so subnormal results work.
   Accuracy: within 2 ulp of libm over the whole range; inf/nan/underflow handled by selects. */
#ifndef EC_VMATH_H
#define EC_VMATH_H

#include <stdint.h>
#include <string.h>

static inline float ec_pow2if(int32_t n) {
    uint32_t bits = (uint32_t)(n + 127) << 23;
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

static inline double ec_pow2i(int32_t n) {
    uint64_t bits = (uint64_t)(n + 1023) << 52;
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}

#pragma omp declare simd notinbranch
static inline float ec_expf(float x) {
    float xc = x > 88.8f ? 88.8f : (x < -104.0f ? -104.0f : x);
    /* round to nearest by the 1.5 * 2^23 trick: roundf does not vectorise on baseline x86-64 */
    float fn = (xc * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
    float r = xc - fn * 0.693359375f;
    r = r - fn * -2.12194440e-4f;
    float p = 1.0f / 5040;
    p = p * r + 1.0f / 720;
    p = p * r + 1.0f / 120;
    p = p * r + 1.0f / 24;
    p = p * r + 1.0f / 6;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    int32_t n = (int32_t)fn;
    int32_t h = n / 2;
    float y = p * ec_pow2if(h) * ec_pow2if(n - h);
    y = x > 88.7228394f ? __builtin_inff() : y;
    return x != x ? x : y;
}

#pragma omp declare simd notinbranch
static inline double ec_exp(double x) {
    double xc = x > 709.9 ? 709.9 : (x < -746.0 ? -746.0 : x);
    double fn = (xc * 1.4426950408889634 + 6755399441055744.0) - 6755399441055744.0;
    double r = xc - fn * 0.693147180369123816490;
    r = r - fn * 1.90821492927058770002e-10;
    double p = 1.0 / 6227020800.0;
    p = p * r + 1.0 / 479001600.0;
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    int32_t n = (int32_t)fn;  /* |n| <= 1077 */
    int32_t h = n / 2;
    double y = p * ec_pow2i(h) * ec_pow2i(n - h);
    y = x > 709.782712893384 ? __builtin_inf() : y;
    return x != x ? x : y;
}

/* tanh: odd polynomial near 0 (Cephes tanhf), 1 - 2/(exp(2|x|)+1) elsewhere. */
#pragma omp declare simd notinbranch
static inline float ec_tanhf(float x) {
    float a = x < 0 ? -x : x;
    float z = x * x;
    float small = ((((-5.70498872745e-3f * z + 2.06390887954e-2f) * z - 5.37397155531e-2f) * z +
                    1.33314422036e-1f) * z - 3.33332819422e-1f) * z * x + x;
    float e = ec_expf(2.0f * (a > 20.0f ? 20.0f : a));
    float big = 1.0f - 2.0f / (e + 1.0f);
    big = x < 0 ? -big : big;
    return a < 0.625f ? small : (x != x ? x : big);
}

#endif
