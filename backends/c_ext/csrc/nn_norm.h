int ec_batch_norm_f32(const float *x, const float *weight, const float *bias, float *out, float *mean, float *var, int64_t n, int64_t c, int64_t m, double eps);
int ec_batch_norm_f64(const double *x, const double *weight, const double *bias, double *out, double *mean, double *var, int64_t n, int64_t c, int64_t m, double eps);
int ec_batch_norm_backward_f32(const float *g, const float *x, const float *weight, const float *mean, const float *var, float *gx, float *gw, float *gb, int64_t n, int64_t c, int64_t m, double eps);
int ec_batch_norm_backward_f64(const double *g, const double *x, const double *weight, const double *mean, const double *var, double *gx, double *gw, double *gb, int64_t n, int64_t c, int64_t m, double eps);
int ec_layer_norm_f32(const float *x, const float *weight, const float *bias, float *out, float *mean, float *var, int64_t rows, int64_t d, double eps);
int ec_layer_norm_f64(const double *x, const double *weight, const double *bias, double *out, double *mean, double *var, int64_t rows, int64_t d, double eps);
int ec_layer_norm_backward_f32(const float *g, const float *x, const float *weight, const float *mean, const float *var, float *gx, double *gw_part, double *gb_part, int64_t rows, int64_t d, int64_t parts, double eps);
int ec_layer_norm_backward_f64(const double *g, const double *x, const double *weight, const double *mean, const double *var, double *gx, double *gw_part, double *gb_part, int64_t rows, int64_t d, int64_t parts, double eps);
