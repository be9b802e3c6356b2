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

/* The input rows of an output row's windows: first, first + step, ...
 * (nr of them, all inside the input); inv = 1/nr for the average (or its
 * count with the padding). */
typedef struct PoolRow {
    int first, nr;
    float inv;
} PoolRow;

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
    /* The three at once for the output rows rows[0 .. nrows) of nplanes
     * planes (x + j*xplane into y + j*yplane, plane j pre-activated by
     * f[j]), for windows of k <= 3 columns at stride s = 1 (k = 1, 2, 3)
     * or 2 (k = 2, 3) without dilation: y[o*ldy + i], i < n, from the
     * columns c0 + s*i .. c0 + s*i + k-1 of the rows x + (first +
     * r*step)*w, r < nr (row o's PoolRow), of width w (columns outside [0,
     * w) are the identity, as vertical's padding).  The vertical reduction
     * stays in registers; pre = 0 says f is the identity (skipped: it is
     * exact).  y's rows o*ldy .. o*ldy + n-1 are written, and with ldy = n
     * nothing else (other floats of the rows may be written first and
     * rewritten after). */
    void (*direct)(int is_max, float *y, size_t ldy, const float *x, long w, const PoolRow *rows,
                   int nrows, int step, int k, int s, long c0, size_t n, const PoolAffine *f,
                   int pre, const float *inv_w, int nplanes, size_t xplane, size_t yplane);
    /* A whole plane of a 3x3 pool at stride 1 with one padding on every
     * side (Inception's and GoogLeNet's branch pools): y[i], i < h*w, as
     * direct gives it, but over the plane as one run of h*w floats (the
     * window rows at -w, 0, +w, its columns at -1, 0, +1 masked at the row
     * edges), so that small maps waste no lanes; planes of at most
     * POOL_FLAT_MAX floats.  The average multiplies output i by scale[i]
     * (direct's inv_h*inv_w of its row and column).  nplanes planes, as
     * direct takes them.  NULL at the scalar level. */
    void (*same3)(int is_max, float *y, const float *x, int h, int w, const PoolAffine *f, int pre,
                  const float *scale, int nplanes, size_t xplane, size_t yplane);
} PoolRowKernels;

#define POOL_FLAT_MAX 2048
#define POOL_ROW_MAX 1024 /* outputs of a row per call of direct at most */

#ifdef ONNXCC_RT_X86_64
extern const PoolRowKernels onnxcc_fast_pool_avx2;
extern const PoolRowKernels onnxcc_fast_pool_avx512;
#endif

#endif /* ONNXCC_POOL_H */
