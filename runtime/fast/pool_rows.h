/* pool_rows.h — the pools' row kernels (pool.h) written once over the
 * vector helpers of vec_<isa>.h, which the including file (pool_<isa>.c)
 * includes first, then defines POOL_ROWS as the name of its table:
 *
 *   DV, DM, DL        vector of DL floats, lane mask
 *   dv_set1(f), dv_mul(a, b), dv_add(a, b)
 *   dv_max(a, v)      a > v ? a : v per lane (v if either is NaN)
 *   dv_lanes(c, w)    lanes k with 0 <= c + k < w
 *   dv_loadz(p, m)    p[k] in lanes of m, 0 elsewhere (no fault outside m)
 *   dv_deint(a, b, c, t)  x[0 .. 2*DL] in a, b and lane 0 of c to the
 *                     stride-2 taps t[j][k] = x[2k + j], j < 3
 *   dv_store(p, v, n) store of the first n lanes
 *
 * Every output is a lane: the same operations, in the same order, as the
 * scalar loops of pool2d.c, so every ISA level gives the same bits.  Tails
 * are masked loads and partial stores, never reads past a row. */
#include <float.h>

/* The reduction of running value m and tap t: max2(m, t) = t > m ? t : m
 * (so a NaN t never wins), or m + t. */
static inline DV pr_combine(int is_max, DV m, DV t)
{
    return is_max ? dv_max(t, m) : dv_add(m, t);
}

static void pr_vertical(int is_max, float *out, const float *x, size_t stride, int nr, size_t n,
                        PoolAffine f)
{
    const DV a = dv_set1(f.a), b = dv_set1(f.b), lo = dv_set1(f.lo);
    const DV ident = dv_set1(is_max ? -FLT_MAX : 0.0f);
    for (size_t i = 0; i < n; i += DL) {
        const int m = n - i < DL ? (int)(n - i) : DL;
        const DM keep = dv_lanes(0, m);
        DV acc = ident;
        for (int r = 0; r < nr; r++) {
            const DV v = dv_loadz(x + (size_t)r * stride + i, keep);
            acc = pr_combine(is_max, acc, dv_max(lo, dv_add(dv_mul(v, a), b)));
        }
        dv_store(out + i, acc, m);
    }
}

/* The average's scale of outputs i .. i+DL-1 (lanes of keep). */
static inline DV pr_scale(float inv_h, const float *inv_w, size_t i, DM keep)
{
    return dv_mul(dv_set1(inv_h), dv_loadz(inv_w + i, keep));
}

static void pr_stride1(int is_max, float *y, const float *v, int k, int dil, size_t n, float inv_h,
                       const float *inv_w)
{
    const DV ident = dv_set1(is_max ? -FLT_MAX : 0.0f);
    for (size_t i = 0; i < n; i += DL) {
        const int m = n - i < DL ? (int)(n - i) : DL;
        const DM keep = dv_lanes(0, m);
        DV acc = ident;
        for (int j = 0; j < k; j++)
            acc = pr_combine(is_max, acc, dv_loadz(v + i + (size_t)j * (size_t)dil, keep));
        if (inv_w)
            acc = dv_mul(acc, pr_scale(inv_h, inv_w, i, keep));
        dv_store(y + i, acc, m);
    }
}

static void pr_stride2(int is_max, float *y, const float *v, int k, size_t n, float inv_h,
                       const float *inv_w)
{
    const long span = 2 * (long)n + k - 2; /* v[0 .. span) is read */
    for (size_t i = 0; i < n; i += DL) {
        const int m = n - i < DL ? (int)(n - i) : DL;
        const long at = 2 * (long)i;
        DV t[3];
        dv_deint(dv_loadz(v + at, dv_lanes(0, span - at)), dv_loadz(v + at + DL, dv_lanes(0, span - at - DL)),
                 dv_loadz(v + at + 2 * DL, dv_lanes(0, span - at - 2 * DL)), t);
        DV acc = is_max ? dv_max(t[1], t[0]) : dv_add(t[0], t[1]);
        if (k == 3)
            acc = pr_combine(is_max, acc, t[2]);
        if (inv_w)
            acc = dv_mul(acc, pr_scale(inv_h, inv_w, i, dv_lanes(0, m)));
        dv_store(y + i, acc, m);
    }
}

const PoolRowKernels POOL_ROWS = {pr_vertical, pr_stride1, pr_stride2};
