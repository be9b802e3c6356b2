/* dwconv.c — fast depthwise convolution (group == C == M, as in MobileNet),
 * float sums, on the unpacked weights [C][1][kH][kW].  Plain C written for
 * the vectoriser (this file alone is compiled with it on).
 *
 * Each task takes whole planes (image, channel).  Stride-1 layers run in
 * bands of output rows: the band's input rows, pre-activated and
 * zero-padded, form one flat frame in which every tap (i, j) is a shifted
 * view, so the band is one long row sum (dw_row, 4 vectors of columns in
 * registers over all taps).  Other strides go row by row: each input row is
 * pre-activated, padded and split by column phase mod stride_w into one of
 * kH cached row buffers, so every tap is again a contiguous view.  Kernel
 * rows outside the image add nothing, as zero padding does.  Everything
 * lives in a stack buffer of DW_BUF floats (wide rows go in chunks); a
 * kernel of more than DW_MAX_TAPS taps runs tap by tap.
 *
 * On x86, 3x3, 5x5 and 7x7 layers at stride 1 or 2 with dilation 1
 * (MobileNet's, EfficientNet's, ConvNeXt's), and at stride 1 with dilation
 * 2 (DeepLabV3's and LR-ASPP's MobileNetV3 backbone) go
 * instead to the direct kernels of dwconv.h for AVX2 or AVX-512, plane by
 * plane from these tasks: no copies, the epilogue in registers.  On
 * AVX-512, layers at stride 1 on maps at most 8 wide take 16 channels at a
 * time instead, one per lane (dw_lanes_task, the same sums).
 *
 * The sum for one output is bias + taps in row-major order (in the direct
 * kernels each kernel row after the first is summed on its own, then
 * added), whatever the thread count, so results are bitwise identical for
 * every count (for one ISA level: the AVX2 build, dwconv_avx2.c, fuses
 * multiply-adds). */
#include "dwconv.h"

#include <math.h>

/* dwconv_avx2.c includes this file with DW_TASK_ISA set to its name for
 * the task function: the kernels again, compiled for AVX2 + FMA. */
#ifdef DW_TASK_ISA
#define DW_TASK DW_TASK_ISA
#else
#define DW_TASK onnxcc_fast_dw_task
#endif
void onnxcc_fast_dw_task(void *ctx, int t);
void onnxcc_fast_dw_task_avx2(void *ctx, int t);

#define DW_BUF 6144     /* floats of the row cache per task */
#define DW_MAX_TAPS 64  /* larger kernels run tap by tap */
/* The flat kernel's busy lanes against the banded one's, at least: it
 * loads once per tap and vector, the banded kernel once per input row and
 * tap column for all its rows.  On Zen 5 (AVX-512) flat won at 8x8 (2x the
 * busy lanes of 4-row bands), lost at 7x7 (1.75x), 15x15 and above. */
#define DW_FLAT_MARGIN 1.9

typedef struct {
    const OnnxccConv2dParams *p;
    const float *x, *w, *bias, *scale, *shift;
    float *y;
    int oc;          /* output columns per chunk; 0 = tap by tap */
    int rows;        /* > 0: output rows per band of dw_plane_frame */
    int ntasks;
    FastDwPlaneFn direct; /* the per-ISA direct kernel, if it takes the layer */
    FastActFn act_fn;     /* the ISA level's activation kernel (fast_act_after kinds) */
    int lanes;            /* > 0: DW_CL channels at once (dw_lanes_task), in this many groups per image */
    int flat;             /* the direct kernel goes flat, with these masks: */
    unsigned short flat_bits[DW_FLAT_MAX_CHUNKS * 7 * 7];
} DwCtx;

/* Padded columns one chunk of n output columns reads, and per phase. */
static size_t dw_row_len(const OnnxccConv2dParams *p, size_t n)
{
    return (n - 1) * (size_t)p->stride_w + (size_t)(p->kW - 1) * (size_t)p->dil_w + 1;
}

static size_t dw_phase_len(const OnnxccConv2dParams *p, size_t n)
{
    return (dw_row_len(p, n) + (size_t)p->stride_w - 1) / (size_t)p->stride_w;
}

/* pre(v) = max(lo, v*a + b) with lo = 0 for ReLU, else -inf (NaN stays);
 * without a shift b is -0, so v + b is v exactly, -0 included. */
typedef struct {
    float a, b, lo;
} DwPre;

static DwPre dw_pre(const DwCtx *c, int ch)
{
    DwPre f;
    f.a = c->scale ? c->scale[ch] : 1.0f;
    f.b = c->shift ? c->shift[ch] : -0.0f;
    f.lo = c->p->pre_relu ? 0.0f : -INFINITY;
    return f;
}

/* Input row xr, pre-activated, for the chunk starting at output column o0:
 * padded column q (input column o0*stride_w - pad_l + q) goes to
 * row[(q % s)*plen + q / s]. */
static void dw_build(const DwCtx *c, DwPre f, const float *xr, int o0, size_t plen, float *row)
{
    const OnnxccConv2dParams *p = c->p;
    const long s = p->stride_w;
    const long first = (long)o0 * s - p->pad_l;
    for (long ph = 0; ph < s; ph++) {
        float *restrict r = row + (size_t)ph * plen;
        /* k is inside the input for 0 <= first + k*s + ph < W */
        long a = -(first + ph), b = p->W - (first + ph);
        long klo = a <= 0 ? 0 : (a + s - 1) / s, khi = b <= 0 ? 0 : (b + s - 1) / s;
        if (khi > (long)plen)
            khi = (long)plen;
        if (klo > khi)
            klo = khi;
        const float *restrict xs = xr + first + ph;
        for (long k = 0; k < klo; k++)
            r[k] = 0.0f;
        if (s == 1)
            for (long k = klo; k < khi; k++) {
                const float t = xs[k] * f.a + f.b;
                r[k] = t < f.lo ? f.lo : t;
            }
        else if (s == 2) /* a constant stride: the vectoriser de-interleaves */
            for (long k = klo; k < khi; k++) {
                const float t = xs[k * 2] * f.a + f.b;
                r[k] = t < f.lo ? f.lo : t;
            }
        else
            for (long k = klo; k < khi; k++) {
                const float t = xs[k * s] * f.a + f.b;
                r[k] = t < f.lo ? f.lo : t;
            }
        for (long k = khi; k < (long)plen; k++)
            r[k] = 0.0f;
    }
}

/* GCC/clang vector extensions, loaded and stored unaligned: 8 floats where
 * the file is compiled for AVX, else 4 (wider vectors than the target's
 * registers would go through the stack). */
#ifdef __AVX__
#define DW_LANES 8
#else
#define DW_LANES 4
#endif
typedef float DwVec __attribute__((vector_size(DW_LANES * 4)));
typedef float DwVecU __attribute__((vector_size(DW_LANES * 4), aligned(4)));
#define DW_LD(p) (*(const DwVecU *)(p))

/* One output row chunk of n columns from nt taps: y[o] = act(bias +
 * sum over t of wt[t]*rp[t][o]), four vectors of columns in registers. */
static void dw_row(size_t n, int nt, const float *const *rp, const float *wt, float bias,
                   const OnnxccAct *act, FastActFn act_fn, float *yr)
{
    size_t o = 0;
    for (; o + 4 * DW_LANES <= n; o += 4 * DW_LANES) {
        DwVec a0 = bias - (DwVec){0}, a1 = a0, a2 = a0, a3 = a0;
        for (int t = 0; t < nt; t++) {
            const float wv = wt[t], *r = rp[t] + o;
            a0 += wv * DW_LD(r);
            a1 += wv * DW_LD(r + DW_LANES);
            a2 += wv * DW_LD(r + 2 * DW_LANES);
            a3 += wv * DW_LD(r + 3 * DW_LANES);
        }
        *(DwVecU *)(yr + o) = a0;
        *(DwVecU *)(yr + o + DW_LANES) = a1;
        *(DwVecU *)(yr + o + 2 * DW_LANES) = a2;
        *(DwVecU *)(yr + o + 3 * DW_LANES) = a3;
    }
    for (; o + DW_LANES <= n; o += DW_LANES) {
        DwVec a0 = bias - (DwVec){0};
        for (int t = 0; t < nt; t++)
            a0 += wt[t] * DW_LD(rp[t] + o);
        *(DwVecU *)(yr + o) = a0;
    }
    for (; o < n; o++) {
        float acc = bias;
        for (int t = 0; t < nt; t++)
            acc += wt[t] * rp[t][o];
        yr[o] = acc;
    }
    switch (act->kind) {
    case ONNXCC_ACT_NONE:
        break;
    case ONNXCC_ACT_RELU:
        for (o = 0; o < n; o++)
            yr[o] = yr[o] < 0.0f ? 0.0f : yr[o];
        break;
    case ONNXCC_ACT_CLIP: {
        const float lo = act->a, hi = act->b;
        for (o = 0; o < n; o++) {
            const float v = yr[o] < lo ? lo : yr[o];
            yr[o] = v > hi ? hi : v;
        }
        break;
    }
    default:
        act_fn(n, act, yr, yr);
        break;
    }
}

/* One plane by row chunks through the row cache. */
static void dw_plane(const DwCtx *c, int ch, const float *xp, float *yp)
{
    const OnnxccConv2dParams *p = c->p;
    const size_t s = (size_t)p->stride_w, plen = dw_phase_len(p, (size_t)c->oc);
    const size_t slot = fast_round_up(s * plen, 16);
    float rows[DW_BUF];
    const float *rp[DW_MAX_TAPS];
    float wt[DW_MAX_TAPS];
    const float *wk = c->w + (size_t)ch * (size_t)(p->kH * p->kW);
    const float b = c->bias ? c->bias[ch] : 0.0f;
    const DwPre pre = dw_pre(c, ch);
    for (int o0 = 0; o0 < p->OW; o0 += c->oc) {
        const size_t n = (size_t)(p->OW - o0 < c->oc ? p->OW - o0 : c->oc);
        long tag[DW_MAX_TAPS];
        for (int i = 0; i < p->kH; i++)
            tag[i] = -1;
        for (int oh = 0; oh < p->OH; oh++) {
            int nt = 0;
            for (int i = 0; i < p->kH; i++) {
                const long ih = (long)oh * p->stride_h - p->pad_t + (long)i * p->dil_h;
                if (ih < 0 || ih >= p->H)
                    continue;
                const int sl = (int)(ih % p->kH);
                float *row = rows + (size_t)sl * slot;
                if (tag[sl] != ih) {
                    dw_build(c, pre, xp + (size_t)ih * (size_t)p->W, o0, plen, row);
                    tag[sl] = ih;
                }
                for (int j = 0; j < p->kW; j++, nt++) {
                    const size_t off = (size_t)j * (size_t)p->dil_w;
                    rp[nt] = row + (off % s) * plen + off / s;
                    wt[nt] = wk[i * p->kW + j];
                }
            }
            dw_row(n, nt, rp, wt, b, &p->act, c->act_fn, yp + (size_t)oh * (size_t)p->OW + (size_t)o0);
        }
    }
}

/* Stride 1: bands of `rows` output rows at once.  The band's input rows,
 * pre-activated and zero-padded to frame_w = OW + (kW-1)*dil_w columns, are
 * one flat buffer in which every tap is a shifted view, so the whole band is
 * a single long dw_row over rows*frame_w frame columns (the last kW-1 of
 * each row are junk) whose valid columns are then copied out. */
static void dw_plane_frame(const DwCtx *c, int ch, const float *xp, float *yp)
{
    const OnnxccConv2dParams *p = c->p;
    const size_t fw = (size_t)p->OW + (size_t)(p->kW - 1) * (size_t)p->dil_w;
    const int span = (p->kH - 1) * p->dil_h; /* extra input rows of a band */
    float buf[DW_BUF];
    float *in = buf, *out = buf + (size_t)(c->rows + span) * fw;
    const float *rp[DW_MAX_TAPS];
    float wt[DW_MAX_TAPS];
    const float *wk = c->w + (size_t)ch * (size_t)(p->kH * p->kW);
    const float b = c->bias ? c->bias[ch] : 0.0f;
    const DwPre f = dw_pre(c, ch);
    const size_t pl = (size_t)p->pad_l < fw ? (size_t)p->pad_l : fw;
    const size_t cw = fw - pl < (size_t)p->W ? fw - pl : (size_t)p->W;
    for (int i = 0, t = 0; i < p->kH; i++)
        for (int j = 0; j < p->kW; j++, t++) {
            rp[t] = in + (size_t)(i * p->dil_h) * fw + (size_t)(j * p->dil_w);
            wt[t] = wk[t];
        }
    for (int r0 = 0; r0 < p->OH; r0 += c->rows) {
        const int nr = p->OH - r0 < c->rows ? p->OH - r0 : c->rows;
        for (int k = 0; k < nr + span; k++) {
            const long ih = (long)r0 - p->pad_t + k;
            float *restrict r = in + (size_t)k * fw;
            size_t q = 0;
            if (ih >= 0 && ih < p->H) {
                const float *restrict xr = xp + (size_t)ih * (size_t)p->W;
                for (; q < pl; q++)
                    r[q] = 0.0f;
                for (size_t w = 0; w < cw; w++) {
                    const float v = xr[w] * f.a + f.b;
                    r[pl + w] = v < f.lo ? f.lo : v;
                }
                q = pl + cw;
            }
            for (; q < fw; q++)
                r[q] = 0.0f;
        }
        dw_row((size_t)(nr - 1) * fw + (size_t)p->OW, p->kH * p->kW, rp, wt, b, &p->act, c->act_fn, out);
        for (int r = 0; r < nr; r++)
            memcpy(yp + (size_t)(r0 + r) * (size_t)p->OW, out + (size_t)r * fw, sizeof(float) * (size_t)p->OW);
    }
}

/* Tap by tap, for kernels too large for the row cache. */
static void dw_plane_taps(const DwCtx *c, int ch, const float *xp, float *yp)
{
    const OnnxccConv2dParams *p = c->p;
    const float *wk = c->w + (size_t)ch * (size_t)(p->kH * p->kW);
    const DwPre f = dw_pre(c, ch);
    const int after = fast_act_after(p->act.kind);
    for (int oh = 0; oh < p->OH; oh++) {
        float *yr = yp + (size_t)oh * (size_t)p->OW;
        for (int ow = 0; ow < p->OW; ow++) {
            float acc = c->bias ? c->bias[ch] : 0.0f;
            for (int i = 0; i < p->kH; i++) {
                const long ih = (long)oh * p->stride_h - p->pad_t + (long)i * p->dil_h;
                if (ih < 0 || ih >= p->H)
                    continue;
                for (int j = 0; j < p->kW; j++) {
                    const long iw = (long)ow * p->stride_w - p->pad_l + (long)j * p->dil_w;
                    if (iw < 0 || iw >= p->W)
                        continue;
                    const float t = xp[ih * p->W + iw] * f.a + f.b;
                    acc += wk[i * p->kW + j] * (t < f.lo ? f.lo : t);
                }
            }
            yr[ow] = after ? acc : fast_act(&p->act, acc);
        }
        if (after)
            c->act_fn((size_t)p->OW, &p->act, yr, yr);
    }
}

void DW_TASK(void *ctx, int t)
{
    const DwCtx *c = ctx;
    const OnnxccConv2dParams *p = c->p;
    const size_t hw = (size_t)p->H * (size_t)p->W, ohw = (size_t)p->OH * (size_t)p->OW;
    const size_t xs = p->x_img_stride ? p->x_img_stride : (size_t)p->C * hw;
    const size_t ys = p->y_img_stride ? p->y_img_stride : (size_t)p->C * ohw;
    size_t lo, hi;
    fast_split((size_t)p->N * (size_t)p->C, 1, c->ntasks, t, &lo, &hi);
    for (size_t pl = lo; pl < hi; pl++) {
        const size_t n = pl / (size_t)p->C;
        const int ch = (int)(pl % (size_t)p->C);
        const float *xp = c->x + n * xs + (size_t)ch * hw;
        float *yp = c->y + n * ys + (size_t)ch * ohw;
        if (c->direct) {
            const DwPre f = dw_pre(c, ch);
            const int pre = c->scale || c->shift || p->pre_relu;
            const FastDwPlane d = {p,   xp,  c->w + (size_t)ch * (size_t)(p->kH * p->kW), c->bias ? c->bias[ch] : 0.0f,
                                   pre, f.a, f.b,
                                   f.lo, yp, c->flat ? c->flat_bits : NULL};
            c->direct(&d);
        } else if (c->rows)
            dw_plane_frame(c, ch, xp, yp);
        else if (c->oc)
            dw_plane(c, ch, xp, yp);
        else
            dw_plane_taps(c, ch, xp, yp);
    }
}

#ifndef DW_TASK_ISA /* the driver, once */
#ifdef ONNXCC_RT_X86_64
/* Task t of the channels-in-lanes kernel: groups of DW_CL channels. */
static void dw_lanes_task(void *ctx, int t)
{
    const DwCtx *c = ctx;
    const OnnxccConv2dParams *p = c->p;
    const size_t hw = (size_t)p->H * (size_t)p->W, ohw = (size_t)p->OH * (size_t)p->OW;
    const size_t xs = p->x_img_stride ? p->x_img_stride : (size_t)p->C * hw;
    const size_t ys = p->y_img_stride ? p->y_img_stride : (size_t)p->C * ohw;
    const size_t kk = (size_t)(p->kH * p->kW);
    size_t lo, hi;
    fast_split((size_t)p->N * (size_t)c->lanes, 1, c->ntasks, t, &lo, &hi);
    for (size_t gi = lo; gi < hi; gi++) {
        const size_t n = gi / (size_t)c->lanes;
        const int c0 = (int)(gi % (size_t)c->lanes) * DW_CL;
        const int nch = p->C - c0 < DW_CL ? p->C - c0 : DW_CL;
        float a[DW_CL] = {0}, b[DW_CL] = {0};
        for (int k = 0; k < nch; k++) {
            const DwPre f = dw_pre(c, c0 + k);
            a[k] = f.a, b[k] = f.b;
        }
        const FastDwLanes d = {p, c->x + n * xs + (size_t)c0 * hw, c->w + (size_t)c0 * kk,
                               c->bias ? c->bias + c0 : NULL, c->scale || c->shift || p->pre_relu,
                               a, b, dw_pre(c, c0).lo, c->y + n * ys + (size_t)c0 * ohw, nch};
        onnxcc_fast_dw_lanes_avx512(&d);
    }
}

/* Whether the channels-in-lanes kernel takes p (on AVX-512): stride 1 and
 * dilation 1, on maps whose output rows fill at most DW_CL_MAX_OW lanes of
 * a vector, padded frame and output within the kernel's buffers.  It
 * transposes every input and output pixel (128 shuffles per 16 pixels and
 * 16 channels), which at stride 2 (four input pixels per output) the taps
 * do not repay.  One layer, best of 2000 calls, one thread, Intel Xeon,
 * against the direct kernel (banded, or flat at 8x8): 864 channels of 5x5
 * at 7x7 0.031 -> 0.017 ms, 1152 at 8x8 0.047 -> 0.029, 3x3 960 at 7x7
 * 0.0175 -> 0.0152, 1152 at 8x8 0.022 -> 0.021; at stride 2 (14x14 to
 * 7x7) 3x3 0.0154 -> 0.0166, 5x5 the same.  Whole models, interleaved
 * runs, 1 / 2 threads: MNASNet-1.0 0.970 / 0.970, EfficientNet-B0 0.973 /
 * 0.976, MobileNetV3-Large 0.975 / 0.983, MobileNetV2 1.000 / 0.995. */
#define DW_CL_MAX_OW 8
static int dw_lanes_fits(const OnnxccConv2dParams *p)
{
    const long th = (long)(p->OH - 1) * p->stride_h + p->kH, tw = (long)(p->OW - 1) * p->stride_w + p->kW;
    return p->dil_w == 1 && p->dil_h == 1 && p->stride_w == 1 && p->OW <= DW_CL_MAX_OW &&
           th * tw * DW_CL <= DW_CL_FRAME && (long)p->OH * p->OW * DW_CL <= DW_CL_OUT;
}

/* Whether the direct kernels of dwconv.h take p. */
static int dw_direct_fits(const OnnxccConv2dParams *p)
{
    return p->kH == p->kW && (p->kW == 3 || p->kW == 5 || p->kW == 7) && p->dil_h == p->dil_w &&
           p->stride_h == p->stride_w &&
           ((p->dil_w == 1 && (p->stride_w == 1 || p->stride_w == 2)) || (p->dil_w == 2 && p->stride_w == 1));
}
#endif

/* Whether the direct kernel should take p flat (dwconv.h) on vectors of
 * L lanes with at most R output rows to a band, and if so the column masks: where
 * the flat kernel's vectors of consecutive outputs leave fewer lanes idle
 * than the banded kernel's rows (OW not a multiple of L, OH not of R) by
 * a margin for its extra loads (one per tap and vector, none shared
 * between rows). */
static int dw_flat_bits(const OnnxccConv2dParams *p, int L, int R, unsigned short *bits)
{
    if (p->stride_h != 1 || p->stride_w != 1 || p->dil_h != 1 || p->dil_w != 1 || p->OW != p->W)
        return 0;
    const long n = (long)p->OH * p->OW, chunks = (n + L - 1) / L;
    if (chunks > DW_FLAT_MAX_CHUNKS)
        return 0;
    R = dw_band_rows(p->OH, R);
    const double flat = (double)n / (double)(chunks * L);
    const double band = (double)p->OW / (double)((p->OW + L - 1) / L * L) * (double)p->OH /
                        (double)((p->OH + R - 1) / R * R);
    if (flat < DW_FLAT_MARGIN * band)
        return 0;
    for (long c = 0; c < chunks; c++)
        for (int i = 0; i < p->kH; i++)
            for (int j = 0; j < p->kW; j++) {
                unsigned b = 0;
                for (long k = 0; k < L && c * L + k < n; k++) {
                    const long ih = (c * L + k) / p->W + i - p->pad_t, iw = (c * L + k) % p->W + j - p->pad_l;
                    if (ih >= 0 && ih < p->H && iw >= 0 && iw < p->W)
                        b |= 1u << k;
                }
                bits[(c * p->kH + i) * p->kW + j] = (unsigned short)b;
            }
    return 1;
}

int onnxcc_f32_dwconv2d_fits(const OnnxccConv2dParams *p)
{
    return p->group == p->C && p->M == p->C && p->C > 0;
}

void onnxcc_f32_dwconv2d(const OnnxccConv2dParams *p, const float *x, const float *w,
                         const float *bias, const float *pre_scale, const float *pre_shift,
                         float *y)
{
    DwCtx c; /* field by field: the mask table is filled only when flat */
    c.p = p, c.x = x, c.w = w, c.bias = bias, c.scale = pre_scale, c.shift = pre_shift, c.y = y;
    c.oc = 0, c.rows = 0, c.ntasks = 1, c.direct = NULL, c.act_fn = onnxcc_fast_act_fn(ONNXCC_ISA_SCALAR);
    c.flat = 0, c.lanes = 0;
    if (p->OH <= 0 || p->OW <= 0 || p->N <= 0)
        return;
    /* The widest chunk whose kH cached rows fit. */
    if (p->kH * p->kW <= DW_MAX_TAPS) {
        for (size_t oc = (size_t)p->OW < 1024 ? (size_t)p->OW : 1024; oc >= 1; oc /= 2) {
            const size_t need = (size_t)p->kH * fast_round_up((size_t)p->stride_w * dw_phase_len(p, oc), 16);
            if (need <= DW_BUF) {
                c.oc = (int)oc;
                break;
            }
        }
    }
    /* Stride 1 with at least two output rows to a band: frames. */
    if (p->stride_h == 1 && p->stride_w == 1 && p->kH * p->kW <= DW_MAX_TAPS) {
        const long fw = (long)p->OW + (long)(p->kW - 1) * p->dil_w, span = (long)(p->kH - 1) * p->dil_h;
        const long rows = (DW_BUF - span * fw) / (2 * fw);
        if (rows >= 2)
            c.rows = (int)(rows < p->OH ? rows : p->OH);
    }
    const size_t planes = (size_t)p->N * (size_t)p->C;
    const double macs = (double)planes * p->OH * p->OW * p->kH * p->kW;
    int threads = onnxcc_num_threads();
    int tasks = threads * TASKS_PER_THREAD;
    if (threads <= 1 || macs < 65536.0)
        tasks = 1;
    c.ntasks = (size_t)tasks < planes ? tasks : (int)planes;
    OnnxccTaskFn fn = onnxcc_fast_dw_task;
#ifdef ONNXCC_RT_X86_64
    const int isa = onnxcc_rt_isa_capped(p->isa_cap);
    if (isa >= ONNXCC_ISA_AVX2)
        fn = onnxcc_fast_dw_task_avx2;
    c.act_fn = onnxcc_fast_act_fn(isa);
    if (dw_direct_fits(p)) {
        c.direct = isa >= ONNXCC_ISA_AVX512 ? onnxcc_fast_dw_direct_avx512
                   : isa >= ONNXCC_ISA_AVX2 ? onnxcc_fast_dw_direct_avx2 : NULL;
        if (isa >= ONNXCC_ISA_AVX512 && dw_lanes_fits(p)) {
            c.lanes = (p->C + DW_CL - 1) / DW_CL;
            const size_t groups = (size_t)p->N * (size_t)c.lanes;
            c.ntasks = (size_t)tasks < groups ? tasks : (int)groups;
            fn = dw_lanes_task;
        } else if (c.direct) {
            c.flat = isa >= ONNXCC_ISA_AVX512 ? dw_flat_bits(p, 16, 7, c.flat_bits) : dw_flat_bits(p, 8, 4, c.flat_bits);
        }
    }
#endif
    onnxcc_fast_parallel(c.ntasks, fn, &c);
}
#endif
