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
 *   dv_load(p)        p[0 .. DL)
 *   dv_select(m, a, b)  lanes of m from a, the others from b
 *   dv_shift(a, b, j) lanes j .. j+DL-1 of a:b (j = 1, 2, DL - 1)
 *   dv_up(v, c, f)    v moved up -c lanes (-DL < c < 0), f below
 *   DI, di_iota(), di_add1(c, v)  vector of DL ints: 0 .. DL-1, c + v
 *   di_wrap(c, w)     c - w where c >= w
 *   di_within(c, lo, hi)  lanes with lo <= c <= hi
 *   dv_store(p, v, n) store of the first n lanes
 *   pr_col_gt(c, v), pr_col_lt(c, v)  lanes with c > v, c < v (defined by
 *                     pool_<isa>.c)
 *   pr_permute2(a, b, idx), pr_index(v)  lanes idx of a:b, ints to a DI
 *                     (where pool_<isa>.c defines PR_PERMUTE2)
 *
 * Every output is a lane: the same operations, in the same order, as the
 * scalar loops of pool2d.c, so every ISA level gives the same bits.  Tails
 * are masked loads, never reads past a row; a row's last vector of outputs
 * is stored whole where the floats past it belong to later rows of the
 * same call (rewritten after it), else partially (masked stores and loads
 * cost more than plain ones on Zen 4 and 5). */
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

#define PR_INLINE static inline __attribute__((always_inline))

/* How a direct call forms the vertical value of its column vectors: vector
 * m holds the columns c0 + m*DL .. c0 + m*DL + DL-1.  The plan is the same
 * for every output row of a call, so it is made once per call and each row
 * runs straight through it. */
enum { PR_IDENT, PR_FULL, PR_PART };
typedef struct PrCol {
    DM keep;  /* PR_PART: the lanes inside [0, w) (loaded from at) */
    long at;  /* first column loaded */
    long up;  /* PR_PART with c0 + m*DL < 0: that (lanes moved up), else 0 */
    int kind; /* PR_IDENT: no column inside or none read: the identity */
} PrCol;

/* The vectors at most: s*ceil(n/DL) + 1 of them, n <= POOL_ROW_MAX. */
#define PR_MAX_COLS (2 * ((POOL_ROW_MAX + DL - 1) / DL) + 1)

/* The plan of columns [c0, c0 + span) of rows of width w: ncol vectors. */
static void pr_plan(PrCol *col, int ncol, long c0, long span, long w)
{
    for (int m = 0; m < ncol; m++) {
        const long c = c0 + (long)m * DL;
        PrCol p;
        p.at = 0, p.up = 0, p.keep = dv_lanes(0, DL);
        if ((long)m * DL >= span || c + DL <= 0 || c >= w) {
            p.kind = PR_IDENT;
        } else if (c >= 0 && c + DL <= w) {
            p.kind = PR_FULL;
            p.at = c;
        } else {
            p.kind = PR_PART;
            p.at = c < 0 ? 0 : c;
            p.keep = dv_lanes(p.at, w);
            p.up = c < 0 ? c : 0;
        }
        col[m] = p;
    }
}

/* pr_column of a whole vector at x: plain loads, nothing to select. */
PR_INLINE DV pr_full(int is_max, const float *x, size_t stride, int nr, int pre, DV a, DV b, DV lo)
{
    DV acc = dv_set1(is_max ? -FLT_MAX : 0.0f);
    _Pragma("GCC unroll 3") for (int r = 0; r < nr; r++)
    {
        DV v = dv_load(x + (size_t)r * stride);
        if (pre)
            v = dv_max(lo, dv_add(dv_mul(v, a), b));
        acc = pr_combine(is_max, acc, v);
    }
    return acc;
}

/* vertical's value of column vector p: pr_vertical's reduction inside [0,
 * w), the identity outside. */
PR_INLINE DV pr_column(int is_max, const float *row, size_t stride, int nr, const PrCol *p, int pre,
                       DV a, DV b, DV lo)
{
    const DV ident = dv_set1(is_max ? -FLT_MAX : 0.0f);
    DV acc = ident;
    const float *x = row + p->at;
    if (p->kind == PR_FULL)
        return pr_full(is_max, x, stride, nr, pre, a, b, lo);
    if (p->kind == PR_IDENT)
        return ident;
    _Pragma("GCC unroll 3") for (int r = 0; r < nr; r++)
    {
        DV v = dv_loadz(x + (size_t)r * stride, p->keep);
        if (pre)
            v = dv_max(lo, dv_add(dv_mul(v, a), b));
        acc = pr_combine(is_max, acc, v);
    }
    if (is_max || pre) /* the sum of zeros is the identity already */
        acc = dv_select(p->keep, acc, ident);
    return p->up ? dv_up(acc, p->up, ident) : acc;
}

/* One vector of outputs from the column vectors v0, v1 (stride 1) or v0,
 * v1, v2 (stride 2), before the average's scale. */
PR_INLINE DV pr_outputs(int is_max, int k, int s, DV v0, DV v1, DV v2)
{
    const DV ident = dv_set1(is_max ? -FLT_MAX : 0.0f);
    DV acc;
    if (s == 1) {
        acc = pr_combine(is_max, ident, v0);
        if (k > 1)
            acc = pr_combine(is_max, acc, dv_shift(v0, v1, 1));
        if (k > 2)
            acc = pr_combine(is_max, acc, dv_shift(v0, v1, 2));
    } else {
        DV t[3];
        dv_deint(v0, v1, v2, t);
        acc = is_max ? dv_max(t[1], t[0]) : dv_add(t[0], t[1]);
        if (k == 3)
            acc = pr_combine(is_max, acc, t[2]);
    }
    return acc;
}

/* pr_vertical, then pr_stride1 or pr_stride2, per vector of outputs, with
 * the vertical values of the columns in registers: each vector of columns
 * is reduced once, the last one of a vector of outputs being the first
 * of the next.  The first n_full outputs are whole vectors whose columns
 * (but v0 of the first) are all inside the row: plain loads (masked loads
 * cost more).  keep: the lanes of the last vector of outputs.  spill: the
 * last vector may be stored whole (masked stores cost more): the floats
 * past the row belong to later rows of the call, written after it. */
PR_INLINE void pr_direct_row(int is_max, float *y, const float *row, size_t stride, int nr, int k,
                             int s, size_t n, size_t n_full, const PrCol *col, DM keep, DV a, DV b,
                             DV lo, int pre, float inv_h, const float *inv_w, int spill)
{
    const DV sh = dv_set1(inv_h);
    DV v0 = pr_column(is_max, row, stride, nr, &col[0], pre, a, b, lo);
    size_t i = 0;
    const float *x = n_full ? row + col[1].at : row; /* col[1]'s columns */
    for (; i < n_full; i += DL, x += s * DL) {
        const DV v1 = pr_full(is_max, x, stride, nr, pre, a, b, lo);
        const DV v2 = s == 2 ? pr_full(is_max, x + DL, stride, nr, pre, a, b, lo) : v1;
        DV acc = pr_outputs(is_max, k, s, v0, v1, v2);
        if (!is_max)
            acc = dv_mul(acc, dv_mul(sh, dv_load(inv_w + i)));
        dv_store(y + i, acc, DL);
        v0 = v2;
    }
    for (const PrCol *c = col + 1 + s * (i / DL); i < n; i += DL, c += s) {
        const DV v1 = pr_column(is_max, row, stride, nr, c, pre, a, b, lo);
        const DV v2 = s == 2 ? pr_column(is_max, row, stride, nr, c + 1, pre, a, b, lo) : v1;
        DV acc = pr_outputs(is_max, k, s, v0, v1, v2);
        const int left = n - i < DL ? (int)(n - i) : DL;
        if (!is_max)
            acc = dv_mul(acc, dv_mul(sh, left == DL ? dv_load(inv_w + i) : dv_loadz(inv_w + i, keep)));
        dv_store(y + i, acc, spill ? DL : left);
        v0 = v2;
    }
}

/* pr_direct_row for two rows A, B of windows as tall as they are wide
 * (nr = k), output rows ya, yb, at once: the plan's branches and the loop
 * are shared, and the two rows' work interleaves.  A's last vector spills
 * (if spill_a) into B's first, which is stored last. */
PR_INLINE void pr_direct_pair(int is_max, float *ya, float *yb, const float *ra, const float *rb,
                              size_t stride, int k, int s, size_t n, size_t n_full, const PrCol *col,
                              DM keep, DV a, DV b, DV lo, int pre, float inv_a, float inv_b,
                              const float *inv_w, int spill_a, int spill_b)
{
    const DV sa = dv_set1(inv_a), sb = dv_set1(inv_b);
    DV a0 = pr_column(is_max, ra, stride, k, &col[0], pre, a, b, lo);
    DV b0 = pr_column(is_max, rb, stride, k, &col[0], pre, a, b, lo);
    DV first = b0; /* B's first vector of outputs */
    size_t i = 0;
    const long at = n_full ? col[1].at : 0; /* col[1]'s columns */
    for (; i < n_full; i += DL) {
        const long c = at + (long)(s * i);
        const DV a1 = pr_full(is_max, ra + c, stride, k, pre, a, b, lo);
        const DV b1 = pr_full(is_max, rb + c, stride, k, pre, a, b, lo);
        const DV a2 = s == 2 ? pr_full(is_max, ra + c + DL, stride, k, pre, a, b, lo) : a1;
        const DV b2 = s == 2 ? pr_full(is_max, rb + c + DL, stride, k, pre, a, b, lo) : b1;
        DV acc_a = pr_outputs(is_max, k, s, a0, a1, a2), acc_b = pr_outputs(is_max, k, s, b0, b1, b2);
        if (!is_max) {
            const DV iw = dv_load(inv_w + i);
            acc_a = dv_mul(acc_a, dv_mul(sa, iw));
            acc_b = dv_mul(acc_b, dv_mul(sb, iw));
        }
        dv_store(ya + i, acc_a, DL);
        if (i)
            dv_store(yb + i, acc_b, DL);
        else
            first = acc_b;
        a0 = a2, b0 = b2;
    }
    for (const PrCol *c = col + 1 + s * (i / DL); i < n; i += DL, c += s) {
        const DV a1 = pr_column(is_max, ra, stride, k, c, pre, a, b, lo);
        const DV b1 = pr_column(is_max, rb, stride, k, c, pre, a, b, lo);
        const DV a2 = s == 2 ? pr_column(is_max, ra, stride, k, c + 1, pre, a, b, lo) : a1;
        const DV b2 = s == 2 ? pr_column(is_max, rb, stride, k, c + 1, pre, a, b, lo) : b1;
        DV acc_a = pr_outputs(is_max, k, s, a0, a1, a2), acc_b = pr_outputs(is_max, k, s, b0, b1, b2);
        const int left = n - i < DL ? (int)(n - i) : DL;
        if (!is_max) {
            const DV iw = left == DL ? dv_load(inv_w + i) : dv_loadz(inv_w + i, keep);
            acc_a = dv_mul(acc_a, dv_mul(sa, iw));
            acc_b = dv_mul(acc_b, dv_mul(sb, iw));
        }
        dv_store(ya + i, acc_a, spill_a ? DL : left);
        if (i)
            dv_store(yb + i, acc_b, spill_b ? DL : left);
        else
            first = acc_b;
        a0 = a2, b0 = b2;
    }
    dv_store(yb, first, n > DL || spill_b ? DL : (int)n);
}

#ifdef PR_PERMUTE2
/* 2x2 windows at stride 2 without padding on rows of w = 2n floats, 3*DL/4
 * <= w <= DL (DenseNet's last transition, 14x14): two output rows to a
 * vector.  The four input rows of an output row pair are 4w consecutive
 * floats, loaded as four vectors v0 .. v3 (pre-activated; the last one
 * through tail); input row j (j = 1, 2, 3) starts in v(j-1):vj at lane j*w
 * - (j-1)*DL, moved to lane 0 by row[j]; the two pairs of rows are reduced
 * as vertical does and their column pairs as stride2 does (even / odd:
 * lane l < n takes pair l of the first, lane n + l pair l of the second). */
typedef struct PrNarrow {
    DI row[4], even, odd;
    DM tail;
    float iw[DL]; /* average: inv_w of each output lane */
} PrNarrow;

static int pr_narrow_ok(long w)
{
    return w % 2 == 0 && 4 * w >= 3 * DL && w <= DL;
}

static void pr_narrow_setup(PrNarrow *nw, long w, size_t n, const float *inv_w)
{
    int idx[DL];
    for (int j = 1; j < 4; j++) {
        for (int l = 0; l < DL; l++)
            idx[l] = (int)(j * w - (j - 1) * DL) + l;
        nw->row[j] = pr_index(idx);
    }
    nw->tail = dv_lanes(0, 4 * w - 3 * DL);
    for (int l = 0; l < DL; l++)
        idx[l] = l < (int)n ? 2 * l : l < 2 * (int)n ? DL + 2 * (l - (int)n) : 0;
    nw->even = pr_index(idx);
    for (int l = 0; l < DL; l++)
        idx[l]++;
    nw->odd = pr_index(idx);
    for (int l = 0; l < DL; l++)
        nw->iw[l] = inv_w ? inv_w[l < (int)n ? l : l < 2 * (int)n ? l - (int)n : 0] : 0.0f;
}

/* Output rows y, y + n from the four input rows at x; spill: all DL lanes
 * may be stored. */
PR_INLINE void pr_narrow_pair(int is_max, float *y, const float *x, const PrNarrow *nw, size_t n,
                              DV a, DV b, DV lo, int pre, float inv_h, int spill)
{
    const DV ident = dv_set1(is_max ? -FLT_MAX : 0.0f);
    DV v0 = dv_load(x), v1 = dv_load(x + DL), v2 = dv_load(x + 2 * DL),
       v3 = dv_loadz(x + 3 * DL, nw->tail);
    if (pre) {
        v0 = dv_max(lo, dv_add(dv_mul(v0, a), b));
        v1 = dv_max(lo, dv_add(dv_mul(v1, a), b));
        v2 = dv_max(lo, dv_add(dv_mul(v2, a), b));
        v3 = dv_max(lo, dv_add(dv_mul(v3, a), b));
    }
    const DV r1 = pr_permute2(v0, v1, nw->row[1]), r2 = pr_permute2(v1, v2, nw->row[2]);
    const DV r3 = pr_permute2(v2, v3, nw->row[3]);
    const DV u0 = pr_combine(is_max, pr_combine(is_max, ident, v0), r1);
    const DV u1 = pr_combine(is_max, pr_combine(is_max, ident, r2), r3);
    const DV t0 = pr_permute2(u0, u1, nw->even), t1 = pr_permute2(u0, u1, nw->odd);
    DV acc = is_max ? dv_max(t1, t0) : dv_add(t0, t1);
    if (!is_max)
        acc = dv_mul(acc, dv_mul(dv_set1(inv_h), dv_load(nw->iw)));
    dv_store(y, acc, spill ? DL : 2 * (int)n);
}
#endif

/* One plane of pr_direct_k: output rows rows[0 .. nrows) into y from x. */
PR_INLINE void pr_direct_plane(int is_max, float *y, size_t ldy, const float *x, long w,
                               const PoolRow *rows, int nrows, size_t stride, int k, int s,
                               size_t n, size_t n_full, const PrCol *col, DM keep, PoolAffine f,
                               int pre, const float *inv_w, const void *narrow)
{
    const DV a = dv_set1(f.a), b = dv_set1(f.b), lo = dv_set1(f.lo);
    /* rows before this one may spill their last vector: ldy == n, and the
     * whole vector ends inside the call's rows */
    const size_t end = (size_t)nrows * n, last = n - 1 - (n - 1) % DL;
    for (int o = 0; o < nrows; o++) {
        const int nr = rows[o].nr;
        const float *row = nr ? x + (size_t)rows[o].first * (size_t)w : x; /* formed inside x only */
        const int spill = ldy == n && (size_t)o * n + last + DL <= end;
#ifdef PR_PERMUTE2
        if (narrow && nr == 2 && o + 1 < nrows && rows[o + 1].nr == 2 &&
            rows[o + 1].first == rows[o].first + 2) {
            pr_narrow_pair(is_max, y + (size_t)o * n, row, narrow, n, a, b, lo, pre, rows[o].inv,
                           (size_t)o * n + DL <= end);
            o++;
            continue;
        }
#else
        (void)narrow;
#endif
        if (nr == k && o + 1 < nrows && rows[o + 1].nr == k) {
            const int spill_b = ldy == n && (size_t)(o + 1) * n + last + DL <= end;
            pr_direct_pair(is_max, y + (size_t)o * ldy, y + (size_t)(o + 1) * ldy, row,
                           x + (size_t)rows[o + 1].first * (size_t)w, stride, k, s, n, n_full, col,
                           keep, a, b, lo, pre, rows[o].inv, rows[o + 1].inv, inv_w, spill, spill_b);
            o++;
        } else if (nr == k) { /* a window as tall as it is wide, inside the input: loops unrolled */
            pr_direct_row(is_max, y + (size_t)o * ldy, row, stride, k, k, s, n, n_full, col, keep, a,
                          b, lo, pre, rows[o].inv, inv_w, spill);
        } else {
            pr_direct_row(is_max, y + (size_t)o * ldy, row, stride, nr, k, s, n, n_full, col, keep, a,
                          b, lo, pre, rows[o].inv, inv_w, spill);
        }
    }
}

/* The column plan once, then every plane's rows. */
PR_INLINE void pr_direct_k(int is_max, float *y, size_t ldy, const float *x, long w,
                           const PoolRow *rows, int nrows, int step, int k, int s, long c0, size_t n,
                           const PoolAffine *f, int pre, const float *inv_w, int nplanes,
                           size_t xplane, size_t yplane)
{
    PrCol col[PR_MAX_COLS];
    const int ncol = (int)(s * ((n + DL - 1) / DL)) + 1;
    pr_plan(col, ncol, c0, s * ((long)n - 1) + k, w);
    const DM keep = dv_lanes(0, (long)(n - 1) % DL + 1);
    size_t n_full = 0; /* whole vectors of outputs whose columns are inside */
    for (long m = 1; n_full + DL <= n && c0 + m * DL >= 0 && c0 + (m + s) * DL <= w; m += s)
        n_full += DL;
    const void *narrow = NULL;
#ifdef PR_PERMUTE2
    PrNarrow nw;
    if (k == 2 && s == 2 && c0 == 0 && (long)(2 * n) == w && pr_narrow_ok(w) && step == 1 &&
        ldy == n) {
        pr_narrow_setup(&nw, w, n, inv_w);
        narrow = &nw;
    }
#endif
    for (int j = 0; j < nplanes; j++)
        pr_direct_plane(is_max, y + (size_t)j * yplane, ldy, x + (size_t)j * xplane, w, rows, nrows,
                        (size_t)step * (size_t)w, k, s, n, n_full, col, keep, f[j], pre, inv_w,
                        narrow);
}

/* One instance per window, pool and pre-activation, so that their tests
 * fold. */
#define PR_DIRECT_FORM(MAX, K, S, PRE) \
    pr_direct_k(MAX, y, ldy, x, w, rows, nrows, step, K, S, c0, n, f, PRE, inv_w, nplanes, xplane, yplane)
#define PR_DIRECT_FORMS(MAX)                                                                      \
    switch ((s - 1) * 8 + k * 2 + !!pre) {                                                        \
    case 2: PR_DIRECT_FORM(MAX, 1, 1, 0); break;                                                 \
    case 3: PR_DIRECT_FORM(MAX, 1, 1, 1); break;                                                 \
    case 4: PR_DIRECT_FORM(MAX, 2, 1, 0); break;                                                 \
    case 5: PR_DIRECT_FORM(MAX, 2, 1, 1); break;                                                 \
    case 6: PR_DIRECT_FORM(MAX, 3, 1, 0); break;                                                 \
    case 7: PR_DIRECT_FORM(MAX, 3, 1, 1); break;                                                 \
    case 12: PR_DIRECT_FORM(MAX, 2, 2, 0); break;                                                \
    case 13: PR_DIRECT_FORM(MAX, 2, 2, 1); break;                                                \
    case 14: PR_DIRECT_FORM(MAX, 3, 2, 0); break;                                                \
    default: PR_DIRECT_FORM(MAX, 3, 2, 1); break;                                                \
    }

static void pr_direct(int is_max, float *y, size_t ldy, const float *x, long w, const PoolRow *rows,
                      int nrows, int step, int k, int s, long c0, size_t n, const PoolAffine *f,
                      int pre, const float *inv_w, int nplanes, size_t xplane, size_t yplane)
{
    if (is_max) {
        PR_DIRECT_FORMS(1)
    } else {
        PR_DIRECT_FORMS(0)
    }
}

/* x[c .. c+DL) after the pre-activation in the lanes inside [0, n), the
 * identity elsewhere (combining it changes nothing). */
PR_INLINE DV pr_flat_load(int is_max, const float *x, long c, long n, int pre, DV a, DV b, DV lo)
{
    const DV ident = dv_set1(is_max ? -FLT_MAX : 0.0f);
    if (c >= 0 && c + DL <= n) {
        const DV v = dv_load(x + c);
        return pre ? dv_max(lo, dv_add(dv_mul(v, a), b)) : v;
    }
    if (c + DL <= 0 || c >= n)
        return ident;
    const long at = c < 0 ? 0 : c;
    const DM keep = dv_lanes(at, n);
    DV v = dv_loadz(x + at, keep);
    if (pre)
        v = dv_max(lo, dv_add(dv_mul(v, a), b));
    v = dv_select(keep, v, ident);
    return c < 0 ? dv_up(v, c, ident) : v;
}

/* vertical's value at flat positions q .. q+DL-1: rows above, at and
 * below, in that order (the identity first, as vertical's loop). */
PR_INLINE DV pr_flat_column(int is_max, const float *x, long q, long n, long w, int pre, DV a, DV b,
                            DV lo)
{
    DV acc = dv_set1(is_max ? -FLT_MAX : 0.0f);
    if (q >= w && q + w + DL <= n) { /* all three rows inside: plain loads */
        _Pragma("GCC unroll 3") for (long r = -w; r <= w; r += w)
        {
            DV v = dv_load(x + q + r);
            if (pre)
                v = dv_max(lo, dv_add(dv_mul(v, a), b));
            acc = pr_combine(is_max, acc, v);
        }
        return acc;
    }
    acc = pr_combine(is_max, acc, pr_flat_load(is_max, x, q - w, n, pre, a, b, lo));
    acc = pr_combine(is_max, acc, pr_flat_load(is_max, x, q, n, pre, a, b, lo));
    return pr_combine(is_max, acc, pr_flat_load(is_max, x, q + w, n, pre, a, b, lo));
}

/* The flat kernel's edge lanes of each vector of a plane of width w and n
 * floats: lm (left neighbour inside the row: column > 0), rm (right
 * neighbour inside: column < w-1).  The column of a vector's first
 * position is kept in a scalar, whose chain from one vector to the next is
 * short (the lanes' columns are derived from it afresh). */
static void pr_same3_masks(long n, int w, DM *lm, DM *rm)
{
    const long dc = DL % w;
    long c = 0;
    for (long q = 0, v = 0; q < n; q += DL, v++) {
        DI col = di_add1(di_iota(), (int)c); /* column of each lane's position */
        for (int k = 0; k < DL; k += w)
            col = di_wrap(col, w);
        lm[v] = pr_col_gt(col, 0);
        rm[v] = pr_col_lt(col, w - 1);
        c += dc;
        if (c >= w)
            c -= w;
    }
}

PR_INLINE void pr_same3_k(int is_max, float *y, const float *x, int h, int w, PoolAffine f, int pre,
                          const float *scale, const DM *lm, const DM *rm)
{
    const DV a = dv_set1(f.a), b = dv_set1(f.b), lo = dv_set1(f.lo);
    const DV ident = dv_set1(is_max ? -FLT_MAX : 0.0f);
    const long n = (long)h * w;
    DV prev = ident, cur = pr_flat_column(is_max, x, 0, n, w, pre, a, b, lo);
    for (long q = 0, v = 0; q < n; q += DL, v++) {
        const DV next = q + DL < n ? pr_flat_column(is_max, x, q + DL, n, w, pre, a, b, lo) : ident;
        const DV left = dv_select(lm[v], dv_shift(prev, cur, DL - 1), ident);
        const DV right = dv_select(rm[v], dv_shift(cur, next, 1), ident);
        DV acc = pr_combine(is_max, ident, left);
        acc = pr_combine(is_max, acc, cur);
        acc = pr_combine(is_max, acc, right);
        const int m = n - q < DL ? (int)(n - q) : DL;
        if (!is_max)
            acc = dv_mul(acc, m == DL ? dv_load(scale + q) : dv_loadz(scale + q, dv_lanes(0, m)));
        dv_store(y + q, acc, m);
        prev = cur;
        cur = next;
    }
}

#define PR_SAME3_PLANES(MAX, PRE)                                                                  \
    for (int j = 0; j < nplanes; j++)                                                             \
    pr_same3_k(MAX, y + (size_t)j * yplane, x + (size_t)j * xplane, h, w, f[j], PRE, scale, lm, rm)

/* The edge masks once for all planes of the call. */
static void pr_same3(int is_max, float *y, const float *x, int h, int w, const PoolAffine *f, int pre,
                     const float *scale, int nplanes, size_t xplane, size_t yplane)
{
    DM lm[POOL_FLAT_MAX / DL], rm[POOL_FLAT_MAX / DL];
    pr_same3_masks((long)h * w, w, lm, rm);
    if (is_max) {
        if (pre)
            PR_SAME3_PLANES(1, 1);
        else
            PR_SAME3_PLANES(1, 0);
    } else {
        if (pre)
            PR_SAME3_PLANES(0, 1);
        else
            PR_SAME3_PLANES(0, 0);
    }
}

const PoolRowKernels POOL_ROWS = {pr_vertical, pr_stride1, pr_stride2, pr_direct, pr_same3};
