/* OpenMP thread pool size (follows ember.set_num_threads / OMP_NUM_THREADS). */
void ec_set_num_threads(int n);
int ec_get_num_threads(void);
