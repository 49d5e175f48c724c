/* Elementwise binary ops with broadcasting (ew.c).
   op: 0 add, 1 sub, 2 mul, 3 div, 4 maximum, 5 minimum.  shape/strides in elements (0 = broadcast);
   out is C-contiguous with `shape`.  Integer kernels wrap on overflow; div is float only.
   Returns 0, or -1 for an unknown op. */
int ec_binary_f32(int op, int ndim, const int64_t *shape, const float *a, const int64_t *sa,
                  const float *b, const int64_t *sb, float *out);
int ec_binary_f64(int op, int ndim, const int64_t *shape, const double *a, const int64_t *sa,
                  const double *b, const int64_t *sb, double *out);
int ec_binary_i32(int op, int ndim, const int64_t *shape, const int32_t *a, const int64_t *sa,
                  const int32_t *b, const int64_t *sb, int32_t *out);
int ec_binary_i64(int op, int ndim, const int64_t *shape, const int64_t *a, const int64_t *sa,
                  const int64_t *b, const int64_t *sb, int64_t *out);

/* Elementwise unary ops on contiguous arrays (ew.c).
   op: 0 neg, 1 abs, 2 exp, 3 log, 4 sqrt, 5 sigmoid, 6 tanh, 7 square, 8 reciprocal, 9 rsqrt. */
int ec_unary_f32(int op, int64_t n, const float *x, float *out);
int ec_unary_f64(int op, int64_t n, const double *x, double *out);
