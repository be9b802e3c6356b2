/* dwconv_direct.h — the direct KxK depthwise kernel of dwconv.h (K = 3, 5
 * or 7; one instance per K, stride and pre-activation), written
 * once over small vector helpers that the including file (dwconv_<isa>.c)
 * defines for its ISA (with <math.h> and vmath.h included), then defines DW_DIRECT as
 * the entry point's name, DW_ACT as its ISA's FastActFn (for the epilogue
 * kinds of fast_act_after, applied to each band of rows after its stores)
 * and, if 7 does not suit its registers, DW_ROWS; DW_SILU_IN_REGS 1 to
 * apply SiLU to the accumulators before the store (with 16 registers the
 * inlined SiLU slowed AVX2's banded loops):
 *
 *   DV, DM, DL        vector of DL floats, lane mask
 *   dv_set1(f), dv_fma(a, b, c) = a*b + c (fused)
 *   dv_lanes(c, w)    lanes k with 0 <= c + k < w
 *   dv_lane0(m)       m restricted to lane 0
 *   dv_loadz(p, m)    p[k] in lanes of m, 0 elsewhere (no fault outside m)
 *   dv_pre(v, m, a, b, lo)  max(lo, v*a + b) in lanes of m, 0 elsewhere
 *   dv_deint(a, b, c, t)    x[0 .. 2*DL] in a, b and lane 0 of c to the
 *                     stride-2 taps t[j][k] = x[2k + j], j < 3
 *   dv_mul, dv_add, dv_min(a, v), dv_max(a, v)  (min/max return v if NaN)
 *   dv_leaky(v, a)    v < 0 ? a*v : v
 *   dv_store(p, v, n) store of the first n lanes
 *
 * Layout: a plane goes in bands of DW_ROWS output rows; a band in chunks of
 * DL output columns, each with DW_ROWS accumulators.  The band's input rows
 * are read top to bottom, each once per chunk: its K column taps (K shifted
 * loads at stride 1; at stride 2, per group of three taps, two loads and
 * lane 0 of a third, de-interleaved; at dilation 2, stride 1 only, K loads
 * two columns apart), masked to the input's columns, feed every output row
 * whose
 * window covers it, kernel rows in order: the first onto the bias, each
 * later one as a chain of its own added after (short dependency chains, so
 * a band's rows overlap in the pipeline).  Input rows outside the image are
 * skipped; rows of the last band past OH are computed and not stored. */

#ifndef DW_ROWS /* output rows per band, as many as the registers hold */
#define DW_ROWS 7 /* MobileNet's maps are multiples of 7 */
#endif
#define DW_IN_ROWS(R, s, K, dl) (((R) - 1) * (s) + ((K) - 1) * (dl) + 1)
#define DW_MAX_K 7
#ifndef DW_SILU_IN_REGS /* 1: SiLU on the accumulators (AVX-512's 32 registers hold it) */
#define DW_SILU_IN_REGS 0
#endif
#define DW_GROUPS(K) (((K) + 2) / 3) /* groups of three taps at stride 2 */
#define DW_INLINE static inline __attribute__((always_inline))

/* The K taps of the input row from xr, the first window's first column,
 * dl apart (the dilation; 1 at stride 2); masks m from dw_masks. */
DW_INLINE void dw_taps(const float *xr, const DM *m, int s, int K, int dl, int pre, DV a, DV b, DV lo, DV *t)
{
    if (s == 1) {
        FAST_UNROLL
        for (int j = 0; j < K; j++) {
            t[j] = dv_loadz(xr + j * dl, m[j]);
            if (pre)
                t[j] = dv_pre(t[j], m[j], a, b, lo);
        }
    } else {
        FAST_UNROLL
        for (int g = 0; g < DW_GROUPS(K); g++) {
            DV v[3], u[3];
            FAST_UNROLL
            for (int q = 0; q < 3; q++) {
                v[q] = dv_loadz(xr + 3 * g + q * DL, m[3 * g + q]);
                if (pre)
                    v[q] = dv_pre(v[q], m[3 * g + q], a, b, lo);
            }
            dv_deint(v[0], v[1], v[2], u);
            FAST_UNROLL
            for (int j = 0; j < 3; j++)
                if (3 * g + j < K)
                    t[3 * g + j] = u[j];
        }
    }
}

/* The same input row's columns of the next band (R*s rows down):
 * the input planes of the early layers are far larger than the caches,
 * and the band's rows are many short streams. */
DW_INLINE void dw_prefetch(const float *xr, int R, int s, long W)
{
    const float *nx = xr + (long)R * s * W;
    __builtin_prefetch(nx);
    if (s == 2)
        __builtin_prefetch(nx + DL);
}

/* The load masks of a chunk: per tap at stride 1, per loaded vector at 2. */
DW_INLINE void dw_masks(long c, long w, int s, int K, int dl, DM *m)
{
    if (s == 1) {
        FAST_UNROLL
        for (int j = 0; j < K; j++)
            m[j] = dv_lanes(c + j * dl, w);
    } else {
        FAST_UNROLL
        for (int g = 0; g < DW_GROUPS(K); g++) {
            m[3 * g] = dv_lanes(c + 3 * g, w);
            m[3 * g + 1] = dv_lanes(c + 3 * g + DL, w);
            m[3 * g + 2] = dv_lane0(dv_lanes(c + 3 * g + 2 * DL, w));
        }
    }
}

/* The epilogue: min(hi, max(lo, v)) for none, ReLU and Clip (NaN stays, and
 * hi wins over lo, as in the reference), else LeakyRelu with slope lo. */
typedef struct {
    DV lo, hi;
    int leaky;
    int silu; /* SiLU (EfficientNet's), in registers (vmath.h) after the clamp */
} DwAct;

DW_INLINE DwAct dw_act(const OnnxccAct *act)
{
    DwAct e = {dv_set1(-INFINITY), dv_set1(INFINITY), act->kind == ONNXCC_ACT_LEAKYRELU,
               DW_SILU_IN_REGS && act->kind == ONNXCC_ACT_SILU};
    if (act->kind == ONNXCC_ACT_RELU)
        e.lo = dv_set1(0.0f);
    if (act->kind == ONNXCC_ACT_CLIP)
        e.lo = dv_set1(act->a), e.hi = dv_set1(act->b);
    if (e.leaky)
        e.lo = dv_set1(act->a);
    return e;
}

/* The epilogue on one vector of outputs; SiLU as the activation kernel
 * computes it (vm_act), so the same bits as storing first and running
 * DW_ACT over the band (per band, that call on a few short rows cost as
 * much as the sums of EfficientNet-B1's 8x8 planes). */
DW_INLINE DV dw_epilogue(const DwAct *e, DV v)
{
    if (e->leaky)
        return dv_leaky(v, e->lo);
#if DW_SILU_IN_REGS
    if (e->silu)
        return dv_mul(v, vm_sigmoid(v));
#endif
    return dv_min(e->hi, dv_max(e->lo, v));
}

/* Whether DW_ACT still runs over the stored rows. */
DW_INLINE int dw_act_after(int kind)
{
    return fast_act_after(kind) && !(DW_SILU_IN_REGS && kind == ONNXCC_ACT_SILU);
}

/* A plane's constants in registers. */
typedef struct {
    DV w[DW_MAX_K * DW_MAX_K], bias;
    DV a, b, lo; /* pre-activation */
    DwAct e;
} DwConst;

/* Input row k of a band (its taps t) into the accumulators of the output
 * rows whose window covers it: output row r's kernel row is (k - r*s)/dl
 * where that divides. */
DW_INLINE void dw_in_row(const DwConst *q, const DV *t, int k, const int R, const int s, const int K, const int dl,
                         DV *acc)
{
    FAST_UNROLL
    for (int r = 0; r < R; r++) {
        if (k - r * s < 0 || (k - r * s) % dl != 0)
            continue;
        const int i = (k - r * s) / dl;
        if (i >= K)
            continue;
        if (i == 0) {
            FAST_UNROLL
            for (int j = 0; j < K; j++)
                acc[r] = dv_fma(q->w[j], t[j], acc[r]);
        } else { /* a chain of its own, so that rows overlap */
            DV row = dv_mul(q->w[K * i], t[0]);
            FAST_UNROLL
            for (int j = 1; j < K; j++)
                row = dv_fma(q->w[K * i + j], t[j], row);
            acc[r] = dv_add(acc[r], row);
        }
    }
}

/* The band of R output rows from oh0, whose input rows are ih0 + k for k <
 * DW_IN_ROWS(R, s, K, dl), those with klo <= k < khi inside the image.  full:
 * every input row inside and every output row stored, so no tests.  The rows are
 * unrolled for 3x3 kernels only: for 5x5 and 7x7 the fully unrolled code
 * grows past what the compilers digest in reasonable time (clang with
 * sanitizers took minutes), and a loop costs little next to K*K taps. */
DW_INLINE void dw_band(const FastDwPlane *d, const DwConst *q, long oh0, long klo, long khi, const int R,
                       const int s, const int K, const int dl, const int pre, const int full)
{
    const OnnxccConv2dParams *p = d->p;
    const long W = p->W, OW = p->OW, nr = p->OH - oh0, ih0 = oh0 * s - p->pad_t;
    for (long ow0 = 0; ow0 < OW; ow0 += DL) {
        const long c = ow0 * s - p->pad_l;
        const float *xr = d->x + ih0 * W + c; /* read only at rows inside */
        DM m[3 * DW_GROUPS(DW_MAX_K)];
        dw_masks(c, W, s, K, dl, m);
        DV acc[DW_ROWS];
        FAST_UNROLL
        for (int r = 0; r < R; r++)
            acc[r] = q->bias;
        DV t[3 * DW_GROUPS(DW_MAX_K)];
        if (K == 3) {
            FAST_UNROLL
            for (int k = 0; k < DW_IN_ROWS(R, s, 3, dl); k++, xr += W) {
                if (!full && (k < klo || k >= khi))
                    continue;
                dw_prefetch(xr, R, s, W);
                dw_taps(xr, m, s, K, dl, pre, q->a, q->b, q->lo, t);
                dw_in_row(q, t, k, R, s, K, dl, acc);
            }
        } else {
            for (int k = 0; k < DW_IN_ROWS(R, s, K, dl); k++, xr += W) {
                if (!full && (k < klo || k >= khi))
                    continue;
                dw_prefetch(xr, R, s, W);
                dw_taps(xr, m, s, K, dl, pre, q->a, q->b, q->lo, t);
                dw_in_row(q, t, k, R, s, K, dl, acc);
            }
        }
        const int n = OW - ow0 < DL ? (int)(OW - ow0) : DL;
        float *yr = d->y + oh0 * OW + ow0;
        /* The next band's output lines, requested for writing: in a model
         * the output is in no cache, and a band's rows are short streams
         * that the hardware's prefetchers do not follow.  Zen 2, y out of
         * the caches and x in them (bench_dwconv BENCH_FLUSH=16):
         * MobileNetV2's 112x112x32 3x3 0.355 -> 0.25 ms, MNASNet's
         * 112x112x24 0.26 -> 0.21; smaller planes the same. */
        if (nr > 2 * R)
            FAST_UNROLL
            for (int r = 0; r < R; r++)
                __builtin_prefetch(yr + (R + r) * OW, 1);
        FAST_UNROLL
        for (int r = 0; r < R; r++, yr += OW)
            if (full || r < nr)
                dv_store(yr, dw_epilogue(&q->e, acc[r]), n);
    }
}

/* A plane's weights, bias, pre-activation and epilogue as vectors. */
DW_INLINE void dw_const(const FastDwPlane *d, const int K, DwConst *q)
{
    FAST_UNROLL
    for (int t = 0; t < K * K; t++)
        q->w[t] = dv_set1(d->w[t]);
    q->bias = dv_set1(d->bias);
    q->a = dv_set1(d->scale), q->b = dv_set1(d->shift), q->lo = dv_set1(d->lo);
    q->e = dw_act(&d->p->act);
}

DW_INLINE void dw_direct_plane(const FastDwPlane *d, const int R, const int s, const int K, const int dl,
                               const int pre)
{
    const OnnxccConv2dParams *p = d->p;
    DwConst q;
    dw_const(d, K, &q);
    for (long oh0 = 0; oh0 < p->OH; oh0 += R) {
        const long ih0 = oh0 * s - p->pad_t;
        const long klo = ih0 < 0 ? -ih0 : 0, khi = p->H - ih0;
        if (klo == 0 && khi >= DW_IN_ROWS(R, s, K, dl) && p->OH - oh0 >= R)
            dw_band(d, &q, oh0, klo, khi, R, s, K, dl, pre, 1);
        else
            dw_band(d, &q, oh0, klo, khi, R, s, K, dl, pre, 0);
        if (dw_act_after(p->act.kind)) {
            const long nr = p->OH - oh0 < R ? p->OH - oh0 : R;
            float *yb = d->y + oh0 * p->OW;
            DW_ACT((size_t)(nr * p->OW), &p->act, yb, yb);
        }
    }
}

/* Kernel row i of the flat kernel for G chunks of outputs from o0: chunk
 * g's lane k reads input x[o0 + g*DL + k + (i - pad_t)*W + j - pad_l]
 * where that tap is inside the image (its mask mk[(g*K + i)*K + j]).  Row
 * 0 goes onto the accumulators; a later one is its own chain, then added
 * (the order of dw_in_row). */
DW_INLINE void dw_flat_row(const FastDwPlane *d, const DwConst *q, const unsigned short *mk, long o0, int i,
                           const int G, const int K, const int pre, DV *acc)
{
    const OnnxccConv2dParams *p = d->p;
    const float *xr = d->x + o0 + (long)(i - p->pad_t) * p->W - p->pad_l; /* read only inside the masks */
    DV row[DW_FLAT_GROUP];
    FAST_UNROLL
    for (int j = 0; j < K; j++)
        FAST_UNROLL
        for (int g = 0; g < G; g++) {
            const DM m = dv_bits(mk[(g * K + i) * K + j]);
            DV t = dv_loadz(xr + g * DL + j, m);
            if (pre)
                t = dv_pre(t, m, q->a, q->b, q->lo);
            if (i == 0)
                acc[g] = dv_fma(q->w[j], t, acc[g]);
            else
                row[g] = j == 0 ? dv_mul(q->w[K * i], t) : dv_fma(q->w[K * i + j], t, row[g]);
        }
    if (i > 0)
        FAST_UNROLL
        for (int g = 0; g < G; g++)
            acc[g] = dv_add(acc[g], row[g]);
}

/* G chunks of outputs from o0 (n outputs in all), stored. */
DW_INLINE void dw_flat_chunks(const FastDwPlane *d, const DwConst *q, long o0, long n, const int G, const int K,
                              const int pre)
{
    const unsigned short *mk = d->flat + o0 / DL * K * K;
    DV acc[DW_FLAT_GROUP];
    FAST_UNROLL
    for (int g = 0; g < G; g++)
        acc[g] = q->bias;
    dw_flat_row(d, q, mk, o0, 0, G, K, pre, acc);
    for (int i = 1; i < K; i++)
        dw_flat_row(d, q, mk, o0, i, G, K, pre, acc);
    FAST_UNROLL
    for (int g = 0; g < G; g++) {
        const long o = o0 + (long)g * DL;
        dv_store(d->y + o, dw_epilogue(&q->e, acc[g]), n - o >= DL ? DL : n - o > 0 ? (int)(n - o) : 0);
    }
}

/* A plane at stride 1, dilation 1 and OW == W as one row of n = OH*OW
 * outputs: output o = oh*W + ow reads input o + (i - pad_t)*W + j - pad_l
 * at tap (i, j), masked to the taps inside the image; DW_FLAT_GROUP (4)
 * vectors of outputs at once, the last group what is left.  The same sums
 * as dw_band, so the same bits. */
DW_INLINE void dw_flat_plane(const FastDwPlane *d, const int K, const int pre)
{
    const OnnxccConv2dParams *p = d->p;
    const long n = (long)p->OH * p->OW;
    DwConst q;
    dw_const(d, K, &q);
    for (long o0 = 0; o0 < n; o0 += DW_FLAT_GROUP * DL) {
        const long left = (n - o0 + DL - 1) / DL; /* chunks; a last partial one masked */
        if (left >= 4)
            dw_flat_chunks(d, &q, o0, n, 4, K, pre);
        else if (left == 3)
            dw_flat_chunks(d, &q, o0, n, 3, K, pre);
        else if (left == 2)
            dw_flat_chunks(d, &q, o0, n, 2, K, pre);
        else
            dw_flat_chunks(d, &q, o0, n, 1, K, pre);
    }
    if (dw_act_after(p->act.kind))
        DW_ACT((size_t)n, &p->act, d->y, d->y);
}

/* One instance per stride (dilation) and pre-activation for kernel size
 * K: stride 1 at dilation 1 or 2, stride 2 at dilation 1; flat where the
 * driver says so. */
/* The band height for OH output rows: DW_ROWS, or where that leaves a
 * last band mostly empty (OH = 8, 15, 30 at 7 rows), 5 or 4 if they
 * compute a tenth fewer rows in all (dwconv.h: dw_band_rows). */
#if DW_ROWS >= 7
#define DW_BY_ROWS(d, s, K, dl, pre)                                                   \
    do {                                                                               \
        const int rows_ = dw_band_rows((d)->p->OH, DW_ROWS);                           \
        if (rows_ == 5)                                                                \
            dw_direct_plane(d, 5, s, K, dl, pre);                                      \
        else if (rows_ == 4)                                                           \
            dw_direct_plane(d, 4, s, K, dl, pre);                                      \
        else                                                                           \
            dw_direct_plane(d, DW_ROWS, s, K, dl, pre);                                \
    } while (0)
#else
#define DW_BY_ROWS(d, s, K, dl, pre) dw_direct_plane(d, DW_ROWS, s, K, dl, pre)
#endif

#define DW_SIZE(K)                                                   \
    static void dw_direct_##K(const FastDwPlane *d)                  \
    {                                                                \
        const int s = d->p->stride_w, dl = d->p->dil_w;              \
        if (d->flat && d->pre)                                       \
            dw_flat_plane(d, K, 1);                                  \
        else if (d->flat)                                            \
            dw_flat_plane(d, K, 0);                                  \
        else if (s == 1 && dl == 2 && d->pre)                        \
            dw_direct_plane(d, DW_ROWS, 1, K, 2, 1);                 \
        else if (s == 1 && dl == 2)                                  \
            dw_direct_plane(d, DW_ROWS, 1, K, 2, 0);                 \
        else if (s == 1 && d->pre)                                   \
            DW_BY_ROWS(d, 1, K, 1, 1);                               \
        else if (s == 1)                                             \
            DW_BY_ROWS(d, 1, K, 1, 0);                               \
        else if (d->pre)                                             \
            DW_BY_ROWS(d, 2, K, 1, 1);                               \
        else                                                         \
            DW_BY_ROWS(d, 2, K, 1, 0);                               \
    }
DW_SIZE(3)
DW_SIZE(5)
DW_SIZE(7)

void DW_DIRECT(const FastDwPlane *d)
{
    const int k = d->p->kW;
    if (k == 3)
        dw_direct_3(d);
    else if (k == 5)
        dw_direct_5(d);
    else
        dw_direct_7(d);
}
