/* Fused activations (act.c), contiguous arrays of n elements.
   forward op: 0 sigmoid, 1 tanh, 2 silu, 3 gelu (erf), 4 gelu (tanh approximation), 5 leaky_relu (param = slope),
               6 relu.
   backward op (g = incoming grad, s = saved tensor): 0 relu_backward (s = output), 1 silu_backward (s = input),
               2 gelu_backward erf (s = input), 3 gelu_backward tanh (s = input).
   Returns 0, or -1 for an unknown op. */
int ec_act_f32(int op, int64_t n, const float *x, float *out, double param);
int ec_act_f64(int op, int64_t n, const double *x, double *out, double param);
int ec_act_bwd_f32(int op, int64_t n, const float *g, const float *s, float *out);
int ec_act_bwd_f64(int op, int64_t n, const double *g, const double *s, double *out);
