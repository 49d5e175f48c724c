/* Row-wise softmax family over contiguous (rows, n) data (softmax.c).  log != 0 selects log_softmax.
   Backward: y is the forward output; softmax: gx = y * (g - sum(g * y)); log_softmax: gx = g - exp(y) * sum(g). */
int ec_softmax_f32(int log, int64_t rows, int64_t n, const float *x, float *out);
int ec_softmax_f64(int log, int64_t rows, int64_t n, const double *x, double *out);
int ec_softmax_bwd_f32(int log, int64_t rows, int64_t n, const float *g, const float *y, float *out);
int ec_softmax_bwd_f64(int log, int64_t rows, int64_t n, const double *g, const double *y, double *out);

/* Fused cross entropy over logits x (rows, n) and int64 targets t (rows) with class weights w (n).
   Forward writes per-row losses (already weighted: w[t] * -log p[t], smoothed by ls) to loss_rows and the
   per-row weight w[t] (0 for ignored rows) to wt_rows; the caller reduces.  Backward writes
   gx = ((p - onehot(t)) * w[t] * (1 - ls) + ls / n * (p * sum(w) - w) * mask) * scale[row].
   Returns 0, or 1 + the row index of a target outside [0, n) that is not ignore_index. */
int64_t ec_cross_entropy_f32(int64_t rows, int64_t n, const float *x, const int64_t *t, const float *w,
                             int64_t ignore_index, double ls, float *loss_rows, float *wt_rows);
int64_t ec_cross_entropy_f64(int64_t rows, int64_t n, const double *x, const int64_t *t, const double *w,
                             int64_t ignore_index, double ls, double *loss_rows, double *wt_rows);
int64_t ec_cross_entropy_bwd_f32(int64_t rows, int64_t n, const float *x, const int64_t *t, const float *w,
                                 int64_t ignore_index, double ls, const float *scale, int64_t scale_stride,
                                 float *gx);
int64_t ec_cross_entropy_bwd_f64(int64_t rows, int64_t n, const double *x, const int64_t *t, const double *w,
                                 int64_t ignore_index, double ls, const double *scale, int64_t scale_stride,
                                 double *gx);
