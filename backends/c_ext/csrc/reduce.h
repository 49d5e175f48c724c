/* Reductions of C-contiguous x viewed as a (a, b, c) block (reduce.c).
   mode 0 reduces b (output a * c elements, row-major); mode 1 reduces a and c (output b elements).
   Sums accumulate in double.  Return 0, -1 on invalid sizes, -2 when out of memory.
   sum:     out = sum / div (div 1 for sum, the element count for mean).
   var:     divisor max(n - correction, 0) (two-pass: mean, then squared deviations); root != 0 gives std.
   extreme: max (is_min 0) or min (is_min 1); NaN propagates; b >= 1 (mode 0), a, c >= 1 (mode 1).
   argext:  mode 0 only (any c; c == 1 is slower than NumPy, the Python side sends c > 1): index along b of
            the first maximum/minimum (the first NaN if any) into indices,
            and its value into values when values is not NULL. */
int ec_sum_f32(int mode, int64_t a, int64_t b, int64_t c, const float *x, double div, float *out);
int ec_sum_f64(int mode, int64_t a, int64_t b, int64_t c, const double *x, double div, double *out);
int ec_var_f32(int mode, int64_t a, int64_t b, int64_t c, const float *x, double correction, int root, float *out);
int ec_var_f64(int mode, int64_t a, int64_t b, int64_t c, const double *x, double correction, int root,
               double *out);
int ec_extreme_f32(int is_min, int mode, int64_t a, int64_t b, int64_t c, const float *x, float *out);
int ec_extreme_f64(int is_min, int mode, int64_t a, int64_t b, int64_t c, const double *x, double *out);
int ec_argext_f32(int is_min, int64_t a, int64_t b, int64_t c, const float *x, float *values, int64_t *indices);
int ec_argext_f64(int is_min, int64_t a, int64_t b, int64_t c, const double *x, double *values,
                  int64_t *indices);
