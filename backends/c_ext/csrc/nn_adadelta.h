int ec_adadelta_step_f32(float *p, const float *g, float *v, float *acc, int64_t n, double lr, double rho, double eps, double weight_decay, int maximize);
int ec_adadelta_step_f64(double *p, const double *g, double *v, double *acc, int64_t n, double lr, double rho, double eps, double weight_decay, int maximize);
