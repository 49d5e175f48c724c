#include <omp.h>

#include "threads.h"

void ec_set_num_threads(int n) {
    if (n > 0) omp_set_num_threads(n);
}

int ec_get_num_threads(void) { return omp_get_max_threads(); }
