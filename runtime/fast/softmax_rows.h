/* softmax_rows.h — the loops of onnxcc_f32_softmax and onnxcc_f32_logsoftmax
 * for one ISA level, written once over vec_<isa>.h, vmath.h and
 * vec_reduce.h (included first) and instantiated by softmax_<isa>.c as
 * onnxcc_f32_softmax_block_<isa> (see fast.h for the block it computes).
 *
 * inner == 1 (a contiguous row, the transformers' case): the maximum over
 * two vector chains, e = exp(x - max) by vm_exp_neg stored (softmax) and summed
 * as vec_reduce.h does (float vectors flushed into a double, so the sum's
 * error does not grow with the row), then y = e * (1 / sum) or, for
 * LogSoftmax, y = (x - max) - log(sum).  inner > 1: the same down the
 * columns, DL columns per vector.  Masked tails, so a row's result does not
 * depend on how rows are split into blocks. */
#ifndef ONNXCC_SOFTMAX_ROWS_H
#define ONNXCC_SOFTMAX_ROWS_H

/* One contiguous row of len > 0, in three passes: the maximum, the
 * exponentials and their sum, the scaling.  sm_row runs them one after the
 * other; sm_rows runs each pass over SM_ROWS short rows before the next,
 * so that the rows' latency chains (horizontal max, exponentials, the
 * horizontal sum in double, the division) overlap: rows of 49 (Swin's and
 * MaxViT's 7x7 windows) went at one per ~135 cycles.  The same operations
 * per row either way, so the same bits. */
#define SM_ROWS 4
#define SM_SHORT (4 * DL) /* rows up to this long go SM_ROWS at a time */

VM_INLINE DV sm_max(size_t len, const float *x)
{
    const DV ninf = dv_set1(-INFINITY);
    DV m0 = ninf, m1 = ninf;
    size_t i = 0;
    for (; i + 2 * DL <= len; i += 2 * DL) {
        m0 = dv_max(m0, dv_load(x + i));
        m1 = dv_max(m1, dv_load(x + i + DL));
    }
    for (; i < len; i += DL) {
        const DM k = dv_lanes(0, (long)(len - i));
        m0 = dv_max(m0, dv_select(k, dv_loadz(x + i, k), ninf));
    }
    return dv_set1(vr_hmax(dv_max(m0, m1)));
}

VM_INLINE double sm_exp_sum(size_t len, const float *x, float *y, DV mv, int lg)
{
    const DV zero = dv_set1(0.0f);
    VrSum acc = vr_sum_new();
    size_t i;
    for (i = 0; i + DL <= len; i += DL) {
        const DV e = vm_exp_neg(dv_sub(dv_load(x + i), mv));
        if (!lg)
            dv_storeu(y + i, e);
        vr_sum_add(&acc, e);
    }
    if (i < len) {
        const DM k = dv_lanes(0, (long)(len - i));
        const DV e = dv_select(k, vm_exp_neg(dv_sub(dv_loadz(x + i, k), mv)), zero);
        if (!lg)
            dv_store(y + i, e, (int)(len - i));
        vr_sum_add(&acc, e);
    }
    return vr_sum_total(&acc);
}

VM_INLINE void sm_scale(size_t len, const float *x, float *y, DV mv, double sum, int lg)
{
    size_t i;
    if (!lg) {
        const DV r = dv_set1((float)(1.0 / sum));
        for (i = 0; i + DL <= len; i += DL)
            dv_storeu(y + i, dv_mul(dv_load(y + i), r));
        if (i < len)
            dv_store(y + i, dv_mul(dv_loadz(y + i, dv_lanes(0, (long)(len - i))), r), (int)(len - i));
    } else {
        const DV c = dv_set1((float)log(sum));
        for (i = 0; i + DL <= len; i += DL)
            dv_storeu(y + i, dv_sub(dv_sub(dv_load(x + i), mv), c));
        if (i < len)
            dv_store(y + i, dv_sub(dv_sub(dv_loadz(x + i, dv_lanes(0, (long)(len - i))), mv), c),
                     (int)(len - i));
    }
}

static void sm_row(size_t len, const float *x, float *y, int lg)
{
    const DV mv = sm_max(len, x);
    sm_scale(len, x, y, mv, sm_exp_sum(len, x, y, mv, lg), lg);
}

/* SM_ROWS rows of len <= SM_SHORT, len apart. */
static void sm_rows(size_t len, const float *x, float *y, int lg)
{
    DV mv[SM_ROWS];
    double sum[SM_ROWS];
    FAST_UNROLL
    for (int r = 0; r < SM_ROWS; r++)
        mv[r] = sm_max(len, x + (size_t)r * len);
    FAST_UNROLL
    for (int r = 0; r < SM_ROWS; r++)
        sum[r] = sm_exp_sum(len, x + (size_t)r * len, y + (size_t)r * len, mv[r], lg);
    FAST_UNROLL
    for (int r = 0; r < SM_ROWS; r++)
        sm_scale(len, x + (size_t)r * len, y + (size_t)r * len, mv[r], sum[r], lg);
}

/* Columns 0 .. cols-1 of one [len > 0][inner] slice, DL at a time. */
static void sm_cols(size_t len, size_t inner, size_t cols, const float *x, float *y, int lg)
{
    const DV zero = dv_set1(0.0f);
    for (size_t j = 0; j < cols; j += DL) {
        const int n = cols - j < DL ? (int)(cols - j) : DL;
        const DM k = dv_lanes(0, n); /* lanes past cols compute junk, never stored */
        const float *xc = x + j;
        float *yc = y + j;
        DV m = dv_loadz(xc, k);
        for (size_t r = 1; r < len; r++)
            m = dv_max(m, dv_loadz(xc + r * inner, k));

        double sum[DL] = {0};
        float l[DL];
        DV s = zero;
        for (size_t r = 0; r < len; r++) {
            const DV e = vm_exp_neg(dv_sub(dv_loadz(xc + r * inner, k), m));
            if (!lg)
                dv_store(yc + r * inner, e, n);
            s = dv_add(s, e);
            if ((r + 1) % VR_FLUSH == 0 || r + 1 == len) {
                dv_storeu(l, s);
                for (int q = 0; q < DL; q++)
                    sum[q] += (double)l[q];
                s = zero;
            }
        }

        for (int q = 0; q < DL; q++)
            l[q] = lg ? (float)log(sum[q]) : (float)(1.0 / sum[q]);
        const DV c = dv_load(l);
        for (size_t r = 0; r < len; r++) {
            float *yr = yc + r * inner;
            if (lg)
                dv_store(yr, dv_sub(dv_sub(dv_loadz(xc + r * inner, k), m), c), n);
            else
                dv_store(yr, dv_mul(dv_loadz(yr, k), c), n);
        }
    }
}

static void softmax_block(size_t rows, size_t len, size_t inner, size_t cols, const float *x, float *y,
                          int lg)
{
    size_t o = 0;
    if (inner == 1 && len <= SM_SHORT)
        for (; o + SM_ROWS <= rows; o += SM_ROWS)
            sm_rows(len, x + o * len, y + o * len, lg);
    for (; o < rows; o++) {
        const size_t at = o * len * inner;
        if (inner == 1)
            sm_row(len, x + at, y + at, lg);
        else
            sm_cols(len, inner, cols, x + at, y + at, lg);
    }
}

#endif /* ONNXCC_SOFTMAX_ROWS_H */
