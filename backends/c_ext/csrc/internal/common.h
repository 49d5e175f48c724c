/* Shared helpers for the C sources (not part of the cffi cdef: csrc/internal/ is not scanned). */
#ifndef EC_COMMON_H
#define EC_COMMON_H

#include <stdint.h>

/* Below this many elements a kernel runs on one thread: waking the (passive) OpenMP team costs tens of
   microseconds, more than a second thread saves on a memory-bound loop of fewer elements. */
#define EC_PAR_MIN 262144
/* The same bar for loops that spend tens of cycles per element (exp, erf, tanh): threads pay off sooner. */
#define EC_PAR_MIN_HEAVY 32768
/* Elements per work item when one long contiguous range is split across threads. */
#define EC_CHUNK 16384

#define EC_PRAGMA(x) _Pragma(#x)
/* A parallel, vectorised loop over `n` independent elements. */
#define EC_PFOR(n) EC_PRAGMA(omp parallel for simd if ((n) > EC_PAR_MIN) schedule(static))

/* Compile a hot loop for AVX-512, AVX2+FMA and baseline x86-64, picked at load time (wheels stay portable).
   OpenMP outlines parallel regions into functions without these targets, so cloned functions must hold the
   loops themselves and be called from the parallel region (see EC_SPLIT). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(EC_NO_CLONES)
#define EC_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define EC_CLONES
#endif

/* Run CALL on [s, s + len) chunks of a range of n elements, in parallel when n is above `min`. */
#define EC_SPLIT_MIN(n, min, CALL)                                                                      \
    do {                                                                                               \
        int64_t n_ = (n), nc_ = (n_ + EC_CHUNK - 1) / EC_CHUNK, min_ = (min);                          \
        EC_PRAGMA(omp parallel for if (n_ > min_) schedule(static))                                    \
        for (int64_t c_ = 0; c_ < nc_; c_++) {                                                         \
            int64_t s = c_ * EC_CHUNK, len = n_ - s < EC_CHUNK ? n_ - s : EC_CHUNK;                    \
            CALL;                                                                                      \
        }                                                                                              \
    } while (0)
#define EC_SPLIT(n, CALL) EC_SPLIT_MIN(n, EC_PAR_MIN, CALL)

#endif
