int ec_gather_rows_f32(const float *w, int64_t rows, int64_t d, const int64_t *idx, int64_t n, float *out);
int ec_gather_rows_f64(const double *w, int64_t rows, int64_t d, const int64_t *idx, int64_t n, double *out);
int ec_index_add_f32(float *out, int64_t outer, int64_t rows, int64_t inner, const int64_t *idx, int64_t n, const float *src, double alpha);
int ec_index_add_f64(double *out, int64_t outer, int64_t rows, int64_t inner, const int64_t *idx, int64_t n, const double *src, double alpha);
