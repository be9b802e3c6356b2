/* conv2d_stem.c — strided convolutions with few input channels (1 to 4: a
 * CNN's first layer on an RGB image, 7x7/2, 3x3/2, 11x11/4), as a direct
 * convolution instead of a GEMM: K = C*kH*kW is tiny, the outputs many.
 *
 * Per image, the input is first split by row and column phase mod the
 * stride s into s*s sub-frames per channel (the padding made explicit, the
 * pre-activation applied to real pixels only): sub-frame (a, b) of channel
 * c holds padded pixel (s*r + a, s*j + b) at (r, j).  Output (oh, ow) and
 * tap (c, kh, kw) then read sub-frame (kh % s, kw % s) of channel c at
 * (oh + kh / s, ow + kw / s): along an output row, consecutive outputs read
 * consecutive floats, so a vector of outputs is one load per tap, and each
 * tap is one offset into the frame.  The row kernels (conv2d_stem_rows.h)
 * hold STEM_OCB output channels by a few vectors of output pixels in
 * registers, broadcast the weights from the packed [block][K][STEM_OCB]
 * layout and apply bias, residual and activation before storing straight
 * into the output rows: no B buffer, no junk columns.
 *
 * The output rows split into at most STEM_PARTS contiguous parts, a task
 * each (as many as there are threads); a part runs its rows in bands of
 * STEM_BAND, each band filling the sub-frame rows it reads (its own and
 * the kernel's reach past them) into the part's own band frame, then
 * computing: one phase, no barrier, and no frame row that another core
 * wrote.  Each output is the same sum in the same order whatever the
 * split, so results do not depend on the thread count. */
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "conv2d_stem.h"

#define STEM_MAX_C 4     /* input channels at most */
#define STEM_MAX_S 4     /* strides 2 to this */
#define STEM_MAX_K 484   /* taps: 4 channels of 11x11 */
#define STEM_ALIGN 16    /* frame rows hold OW rounded up to this */
#define STEM_BAND 16     /* output rows per band: the frame is filled band by
                          * band, just before the rows that read it (in
                          * cache); with x and y out of the caches, Zen 5,
                          * one thread: DenseNet's 7x7/2 stem 3%, the 3x3/2
                          * stems 2-5% faster than one fill for the image */
#define STEM_PARTS 8     /* parts of the output rows at most: the scratch
                          * holds a band frame for each.  Against one frame
                          * of the image filled band by band by all the
                          * threads, a barrier between fill and compute:
                          * one layer, weights cold, two threads, Intel
                          * Xeon, the 3x3/2 stems 20-38% faster
                          * (MobileNetV3's 0.094 -> 0.058 ms, SqueezeNet's
                          * 0.24 -> 0.19), the 7x7/2 3-11%; one thread the
                          * same (DenseNet-121's in the model 1.59 ms
                          * either way); whole models, two threads:
                          * SqueezeNet-1.1 0.97, MobileNetV2 0.985 */


typedef struct {
    int s;
    int band;        /* output rows per band */
    size_t reach;    /* sub-frame rows past a band's that it reads */
    size_t ph, pws;  /* sub-frame rows of a band frame, row stride */
    size_t sub;      /* floats per sub-frame: ph*pws */
    size_t frame;    /* floats of a band frame (a part's), with the
                      * vectors' reach past the last row */
    int K;
} StemPlan;

static void stem_plan(const OnnxccConv2dParams *p, StemPlan *sp)
{
    sp->s = p->stride_w;
    sp->band = STEM_BAND < p->OH ? STEM_BAND : p->OH;
    sp->reach = (size_t)((p->kH - 1) / sp->s);
    sp->ph = (size_t)sp->band + sp->reach;
    sp->pws = fast_round_up((size_t)p->OW, STEM_ALIGN) + (size_t)((p->kW - 1) / sp->s);
    sp->sub = sp->ph * sp->pws;
    sp->frame = fast_round_up((size_t)p->C * (size_t)(sp->s * sp->s) * sp->sub + STEM_ALIGN, STEM_ALIGN);
    sp->K = p->C * p->kH * p->kW;
}

int onnxcc_fast_stem_fits(const OnnxccConv2dParams *p)
{
    if (p->group != 1 || p->C < 1 || p->C > STEM_MAX_C || p->stride_h != p->stride_w ||
        p->stride_w < 2 || p->stride_w > STEM_MAX_S || p->dil_h != 1 || p->dil_w != 1 ||
        p->kH < p->stride_h || p->kW < p->stride_w || p->C * p->kH * p->kW > STEM_MAX_K || p->OH < 1 ||
        p->OW < 1)
        return 0;
    StemPlan sp;
    stem_plan(p, &sp);
    return STEM_PARTS * sp.frame < (size_t)INT_MAX / 2;
}

size_t onnxcc_fast_stem_packed_floats(const OnnxccConv2dParams *p)
{
    const size_t blocks = (size_t)(p->M + STEM_OCB - 1) / STEM_OCB;
    return blocks * (size_t)(p->C * p->kH * p->kW) * STEM_OCB;
}

size_t onnxcc_fast_stem_scratch_floats(const OnnxccConv2dParams *p)
{
    StemPlan sp;
    stem_plan(p, &sp);
    return STEM_PARTS * sp.frame;
}

/* w: [M][C][kH][kW]; packed (zeroed by the caller): output channel m, tap t
 * = (c*kH + kh)*kW + kw at [m / STEM_OCB][t][m % STEM_OCB]. */
void onnxcc_fast_stem_pack(const OnnxccConv2dParams *p, const float *w, float *packed)
{
    const size_t K = (size_t)(p->C * p->kH * p->kW);
    for (int m = 0; m < p->M; m++)
        for (size_t t = 0; t < K; t++)
            packed[((size_t)(m / STEM_OCB) * K + t) * STEM_OCB + (size_t)(m % STEM_OCB)] = w[(size_t)m * K + t];
}

/* ---- the frame ------------------------------------------------------------- */

/* Sub-frame row r of phase row a for channel c, all s column phases, into
 * row r - r0 of a band frame: input row s*r + a - pad_t, pre-activated,
 * zeros outside. */
static void fill_row(const OnnxccConv2dParams *p, const StemPlan *sp, const float *x, const FastPre *pre,
                     FastStemGatherFn gather, int c, int a, size_t r, size_t r0, float *frame)
{
    const int s = sp->s;
    const long ih = (long)s * (long)r + a - p->pad_t;
    const float sc = pre->scale ? pre->scale[c] : 1.0f, sh = pre->shift ? pre->shift[c] : 0.0f;
    const float *xr = x + ((size_t)c * (size_t)p->H + (size_t)(ih < 0 ? 0 : ih)) * (size_t)p->W;
    for (int b = 0; b < s; b++) {
        float *d = frame + ((size_t)(c * s + a) * (size_t)s + (size_t)b) * sp->sub + (r - r0) * sp->pws;
        if (ih < 0 || ih >= p->H) {
            memset(d, 0, sizeof(float) * sp->pws);
            continue;
        }
        /* columns j with 0 <= s*j + b - pad_l < W: [lo, hi) */
        const long off = (long)b - p->pad_l;
        long lo = off >= 0 ? 0 : (-off + s - 1) / s;
        long hi = p->W - off <= 0 ? 0 : (p->W - off + s - 1) / s;
        hi = hi < (long)sp->pws ? hi : (long)sp->pws;
        lo = lo < hi ? lo : hi;
        memset(d, 0, sizeof(float) * (size_t)lo);
        if ((s == 2 || s == 4) && gather) {
            gather(xr + (s * lo + off), s, (size_t)(hi - lo), d + lo, sc, sh, pre->on, pre->on && pre->relu);
        } else if (pre->on) {
            for (long j = lo; j < hi; j++) {
                float v = xr[s * j + off] * sc + sh;
                d[j] = pre->relu && v < 0.0f ? 0.0f : v;
            }
        } else {
            for (long j = lo; j < hi; j++)
                d[j] = xr[s * j + off];
        }
        memset(d + hi, 0, sizeof(float) * (sp->pws - (size_t)hi));
    }
}

/* ---- scalar rows ----------------------------------------------------------- */

#define SMR 4 /* scalar tile: output channels (half a packed block) */
#define SNR 8 /* scalar tile: output pixels */

/* The sums of one tile into out; a function of its own, so that the
 * accumulators stay in registers (out is indexed at run time after). */
static void scalar_tile(const FastStem *s, const float *w, const float *in, const float b[SMR],
                        float out[SMR][SNR])
{
    float acc[SMR][SNR];
    FAST_UNROLL
    for (int r = 0; r < SMR; r++) {
        FAST_UNROLL
        for (int j = 0; j < SNR; j++)
            acc[r][j] = b[r];
    }
    for (int t = 0; t < s->K; t++, w += STEM_OCB) {
        const float *it = in + s->off[t];
        FAST_UNROLL
        for (int r = 0; r < SMR; r++) {
            FAST_UNROLL
            for (int j = 0; j < SNR; j++)
                acc[r][j] += w[r] * it[j];
        }
    }
    memcpy(out, acc, sizeof acc);
}

static void stem_rows_scalar(const FastStem *s, int oh0, int oh1)
{
    for (int oh = oh0; oh < oh1; oh++)
        for (int m0 = 0; m0 < s->M; m0 += SMR) {
            const float *w0 = s->w + (size_t)(m0 / STEM_OCB) * (size_t)s->K * STEM_OCB + m0 % STEM_OCB;
            const int rows = s->M - m0 < SMR ? s->M - m0 : SMR;
            for (int ow = 0; ow < s->OW; ow += SNR) {
                const float *in = s->frame + (size_t)oh * s->pws + (size_t)ow;
                float acc[SMR][SNR];
                float b[SMR];
                for (int r = 0; r < SMR; r++)
                    b[r] = s->bias && r < rows ? s->bias[m0 + r] : 0.0f;
                scalar_tile(s, w0, in, b, acc);
                const int n = s->OW - ow < SNR ? s->OW - ow : SNR;
                const size_t at = (size_t)oh * (size_t)s->OW + (size_t)ow;
                /* the epilogue in acc, then a copy; ReLU without branches
                 * (unpredictable on real data) */
                for (int r = 0; r < rows; r++) {
                    const size_t i = (size_t)(m0 + r) * s->oplane + at;
                    const float *rr = s->res ? s->res + i : NULL;
                    if (!rr && s->act.kind == ONNXCC_ACT_RELU) {
                        FAST_UNROLL
                        for (int j = 0; j < SNR; j++) {
                            /* v < 0 ? 0 : v as a mask (a compare and an and) */
                            uint32_t u;
                            memcpy(&u, &acc[r][j], sizeof u);
                            u &= (uint32_t)0 - (uint32_t)!(acc[r][j] < 0.0f);
                            memcpy(&acc[r][j], &u, sizeof u);
                        }
                    } else {
                        for (int j = 0; j < n; j++) {
                            const float v = acc[r][j];
                            acc[r][j] = fast_act(&s->act, rr ? v + rr[j] : v);
                        }
                    }
                    memcpy(s->y + i, acc[r], sizeof(float) * (size_t)n);
                }
            }
        }
}

static FastStemGatherFn stem_gather_fn(int isa)
{
    switch (isa) {
#ifdef ONNXCC_RT_X86_64
    case ONNXCC_ISA_AVX512:
        return onnxcc_fast_stem_gather_avx512;
    case ONNXCC_ISA_AVX2:
        return onnxcc_fast_stem_gather_avx2;
#endif
    default:
        return NULL;
    }
}

static FastStemRowsFn stem_rows_fn(int isa)
{
    switch (isa) {
#ifdef ONNXCC_RT_X86_64
    case ONNXCC_ISA_AVX512:
        return onnxcc_fast_stem_rows_avx512;
    case ONNXCC_ISA_AVX2:
        return onnxcc_fast_stem_rows_avx2;
#endif
    default:
        return stem_rows_scalar;
    }
}

/* ---- the call -------------------------------------------------------------- */

typedef struct {
    const OnnxccConv2dParams *p;
    StemPlan sp;
    FastPre pre;
    FastStemRowsFn rows;
    FastStemGatherFn gather;
    const float *x, *packed, *bias, *res;
    float *frames, *y;
    size_t xs, ys, rs;
    int off[STEM_MAX_K];
    int parts;
} StemJob;

/* Output rows [o0, o1) of image n (at most a band) with the band frame
 * frame: the sub-frame rows they read, then the rows. */
static void stem_band(const StemJob *j, int n, size_t o0, size_t o1, float *frame)
{
    const OnnxccConv2dParams *p = j->p;
    const size_t r1 = o1 + j->sp.reach;
    const float *x = j->x + (size_t)n * j->xs;
    for (int c = 0; c < p->C; c++)
        for (int a = 0; a < j->sp.s; a++)
            for (size_t r = o0; r < r1; r++)
                fill_row(p, &j->sp, x, &j->pre, j->gather, c, a, r, o0, frame);
    FastStem s;
    s.frame = frame;
    s.pws = j->sp.pws;
    s.off = j->off;
    s.K = j->sp.K;
    s.OW = p->OW;
    s.M = p->M;
    s.w = j->packed;
    s.bias = j->bias;
    s.res = j->res ? j->res + (size_t)n * j->rs + o0 * (size_t)p->OW : NULL;
    s.y = j->y + (size_t)n * j->ys + o0 * (size_t)p->OW;
    s.oplane = (size_t)p->OH * (size_t)p->OW;
    s.act = p->act;
    j->rows(&s, 0, (int)(o1 - o0));
}

/* Part i of image n's output rows, band by band in the part's frame. */
static void stem_task(void *ctx, int n, int phase, int i)
{
    const StemJob *j = ctx;
    const size_t band = (size_t)j->sp.band;
    size_t lo, hi;
    (void)phase;
    fast_split((size_t)j->p->OH, 1, j->parts, i, &lo, &hi);
    float *frame = j->frames + (size_t)i * j->sp.frame;
    for (size_t o0 = lo; o0 < hi; o0 += band)
        stem_band(j, n, o0, hi - o0 < band ? hi : o0 + band, frame);
}

void onnxcc_fast_stem_run(const OnnxccConv2dParams *p, const float *x, const float *packed,
                          const float *bias, const FastPre *pre, const float *res, float *scratch,
                          float *y)
{
    StemJob j;
    j.p = p;
    stem_plan(p, &j.sp);
    j.pre = *pre;
    const int isa = onnxcc_rt_isa_capped(p->isa_cap);
    j.rows = stem_rows_fn(isa);
    j.gather = stem_gather_fn(isa);
    j.x = x;
    j.packed = packed;
    j.bias = bias;
    j.res = res;
    j.frames = scratch;
    j.y = y;
    const size_t oplane = (size_t)p->OH * (size_t)p->OW;
    j.xs = p->x_img_stride ? p->x_img_stride : (size_t)p->C * (size_t)p->H * (size_t)p->W;
    j.ys = p->y_img_stride ? p->y_img_stride : (size_t)p->M * oplane;
    j.rs = p->r_img_stride ? p->r_img_stride : (size_t)p->M * oplane;
    const int s = j.sp.s;
    for (int c = 0, t = 0; c < p->C; c++)
        for (int kh = 0; kh < p->kH; kh++)
            for (int kw = 0; kw < p->kW; kw++, t++)
                j.off[t] = (int)((size_t)((c * s + kh % s) * s + kw % s) * j.sp.sub +
                                 (size_t)(kh / s) * j.sp.pws + (size_t)(kw / s));
    const int threads = onnxcc_num_threads();
    j.parts = threads < STEM_PARTS ? threads : STEM_PARTS;
    if (j.parts > p->OH)
        j.parts = p->OH;
    const int counts[1] = {j.parts};
    onnxcc_fast_parallel_phases(p->N, 1, counts, stem_task, &j);
}
