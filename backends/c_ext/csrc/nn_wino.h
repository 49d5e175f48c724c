int ec_wino_in_f32(const float *x, float *v, int64_t n, int64_t c, int64_t h, int64_t w, int64_t ph, int64_t pw, int64_t th, int64_t tw, int64_t kstride);
int ec_wino_in_f64(const double *x, double *v, int64_t n, int64_t c, int64_t h, int64_t w, int64_t ph, int64_t pw, int64_t th, int64_t tw, int64_t kstride);
int ec_wino_out_f32(const float *m, float *y, int64_t n, int64_t cout, int64_t oh, int64_t ow, int64_t th, int64_t tw, int64_t kstride);
int ec_wino_out_f64(const double *m, double *y, int64_t n, int64_t cout, int64_t oh, int64_t ow, int64_t th, int64_t tw, int64_t kstride);
int ec_wino_gout_f32(const float *g, float *z, int64_t n, int64_t cout, int64_t oh, int64_t ow, int64_t th, int64_t tw, int64_t kstride);
int ec_wino_gout_f64(const double *g, double *z, int64_t n, int64_t cout, int64_t oh, int64_t ow, int64_t th, int64_t tw, int64_t kstride);
