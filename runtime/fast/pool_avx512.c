/* pool_avx512.c — the pools' row kernels (pool_rows.h) for AVX-512F
 * (compiled with -mavx512f; pool2d.c calls them only when the CPU has it):
 * 16 outputs to a zmm. */
#include "pool.h"
#include "vec_avx512.h"

#define POOL_ROWS onnxcc_fast_pool_avx512
#include "pool_rows.h"
