int ec_lstm_step_f32(float *acts, const float *xg, const float *c_prev, const float *h_prev, const float *mask, float *c_out, float *h_out, int64_t b, int64_t h);
int ec_lstm_step_backward_f32(const float *ghs, const float *gcs, const float *acts, const float *c_prev, const float *c_t, const float *mask, float *dh, float *dc, float *gx, int64_t b, int64_t h);
int ec_gru_step_f32(const float *hg, const float *b_hh, const float *xg, const float *h_prev, const float *mask, float *acts, float *h_out, int64_t b, int64_t h);
int ec_gru_step_backward_f32(const float *ghs, const float *acts, const float *h_prev, const float *mask, float *dh, float *gx, float *ghg, int64_t b, int64_t h);
