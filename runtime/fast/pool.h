/* pool.h — internals of the fast pools, shared by their driver (pool2d.c)
 * and the per-ISA row kernels (pool_avx2.c, pool_avx512.c, both written once
 * in pool_rows.h).
 *
 * The driver builds each output row from whole-row operations (see
 * pool2d.c); these are the three that touch every float, for one ISA level.
 * Each gives the answer of pool2d.c's scalar loops bit for bit: the same
 * operations in the same order per output, only many outputs at once. */
#ifndef ONNXCC_POOL_H
#define ONNXCC_POOL_H

#include "fast.h"

/* pre(v) = max(lo, v*a + b), the multiply and the add rounded separately:
 * lo = 0 for ReLU, -inf for none (keeps NaN).  Without a shift b is -0, so
 * that no pre-activation is exact even for v = -0 (v + -0 = v). */
typedef struct PoolAffine {
    float a, b, lo;
} PoolAffine;

typedef struct PoolRowKernels {
    /* out[i] = reduction over r < nr of pre(x[r*stride + i]), i < n: max
     * from -FLT_MAX (a NaN tap never wins) or sum from 0, rows in order. */
    void (*vertical)(int is_max, float *out, const float *x, size_t stride, int nr, size_t n,
                     PoolAffine f);
    /* y[i] = reduction over j < k of v[i + j*dil], i < n, from the identity
     * in order of j; for the average (inv_w not NULL) times inv_h*inv_w[i]. */
    void (*stride1)(int is_max, float *y, const float *v, int k, int dil, size_t n, float inv_h,
                    const float *inv_w);
    /* The same at stride 2 without dilation for k = 2 or 3: y[i] from
     * v[2i], v[2i + 1] (and v[2i + 2]), combined first two, then the third. */
    void (*stride2)(int is_max, float *y, const float *v, int k, size_t n, float inv_h,
                    const float *inv_w);
} PoolRowKernels;

#ifdef ONNXCC_RT_X86_64
extern const PoolRowKernels onnxcc_fast_pool_avx2;
extern const PoolRowKernels onnxcc_fast_pool_avx512;
#endif

#endif /* ONNXCC_POOL_H */
