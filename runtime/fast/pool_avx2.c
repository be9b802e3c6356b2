/* pool_avx2.c — the pools' row kernels (pool_rows.h) for AVX2 (compiled
 * with -mavx2 -mfma; pool2d.c calls them only when the CPU has them): 8
 * outputs to a ymm. */
#include "pool.h"
#include "vec_avx2.h"

/* Lanes of column vector c above / below v (the flat kernel's edges). */
static inline DM pr_col_gt(DI c, int v)
{
    return _mm256_cmpgt_epi32(c, _mm256_set1_epi32(v));
}

static inline DM pr_col_lt(DI c, int v)
{
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(v), c);
}

#define POOL_ROWS onnxcc_fast_pool_avx2
#include "pool_rows.h"
