/* pool_avx512.c — the pools' row kernels (pool_rows.h) for AVX-512F
 * (compiled with -mavx512f; pool2d.c calls them only when the CPU has it):
 * 16 outputs to a zmm. */
#include "pool.h"
#include "vec_avx512.h"

/* Lanes of column vector c above / below v (the flat kernel's edges). */
static inline DM pr_col_gt(DI c, int v)
{
    return _mm512_cmpgt_epi32_mask(c, _mm512_set1_epi32(v));
}

static inline DM pr_col_lt(DI c, int v)
{
    return _mm512_cmplt_epi32_mask(c, _mm512_set1_epi32(v));
}

/* Lanes idx[k] of the concatenation a:b (indices 0 .. 2*DL-1), and an
 * index vector from DL ints (pool_rows.h's two-rows-per-vector pools). */
#define PR_PERMUTE2 1
static inline DV pr_permute2(DV a, DV b, DI idx)
{
    return _mm512_permutex2var_ps(a, idx, b);
}

static inline DI pr_index(const int *v)
{
    return _mm512_loadu_si512((const void *)v);
}

#define POOL_ROWS onnxcc_fast_pool_avx512
#include "pool_rows.h"
