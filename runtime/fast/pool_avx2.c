/* pool_avx2.c — the pools' row kernels (pool_rows.h) for AVX2 (compiled
 * with -mavx2 -mfma; pool2d.c calls them only when the CPU has them): 8
 * outputs to a ymm. */
#include "pool.h"
#include "vec_avx2.h"

#define POOL_ROWS onnxcc_fast_pool_avx2
#include "pool_rows.h"
