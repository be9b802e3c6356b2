/* qconv.c — fast quantized 2-D convolution (QLinearConv with uint8 input
 * and output, int8 weights of zero point 0): the tiling and dispatch.
 *
 * Per image, group and tile of PT output pixels (64, or 32 / 16 when the
 * taps K = C/group * kH * kW need it, so that the packed tile fits QC_BUF
 * bytes on the stack), the tile's input taps are gathered into the layout
 * of qconv.h (padding taps read x_zp, the real zero; qconv_avx512.c), then
 * each block of output channels is one call of the ISA's kernel: u8 x s8
 * products summed in int32 (vpdpbusd), requantized in the epilogue.  The kernel sums x, not
 * x - x_zp; the bias is corrected by x_zp * sum(w row) per output channel,
 * so the integer sum is exactly the reference's.
 *
 * Depthwise layers (group == C == M) go plane by plane, 16 output pixels
 * a vector, one vpdpbusd per tap (qconv_avx512.c).
 *
 * Without AVX-512 VNNI and BW (or capped below avx512) the AVX2 kernels
 * of qconv_avx2.c run the same tiling (vpmaddwd on 16-bit pairs, exact;
 * tiles of 16 to 64 pixels, weights widened to 16 bits per block of rows),
 * the same row-window path (with or without an input table) and their own
 * depthwise planes; below AVX2 (or for
 * layers beyond the stack buffer's reach: K > QC_BUF / 16 = 5120 or more
 * than QC_MAXM output channels per group) the reference kernel runs.
 * Every path gives the reference's bits. */
#include "onnxcc/rt.h"
#include "fast.h"
#include "qconv.h"

static int have_vnni(int cap)
{
#ifdef ONNXCC_RT_X86_64
    return onnxcc_rt_isa_capped(cap) >= ONNXCC_ISA_AVX512 && __builtin_cpu_supports("avx512vnni") &&
           __builtin_cpu_supports("avx512bw");
#else
    (void)cap;
    return 0;
#endif
}

/* AVX2 and FMA (onnxcc_rt_isa's avx2 level) allowed and present. */
static int have_avx2(int cap)
{
#ifdef ONNXCC_RT_X86_64
    return onnxcc_rt_isa_capped(cap) >= ONNXCC_ISA_AVX2;
#else
    (void)cap;
    return 0;
#endif
}

/* The sum of n int8 weights. */
static int32_t weight_sum(const int8_t *w, size_t n, int vnni, int avx2)
{
#ifdef ONNXCC_RT_X86_64
    if (vnni)
        return onnxcc_s8_sum_avx512(w, n);
    if (avx2)
        return onnxcc_s8_sum_avx2(w, n);
#else
    (void)vnni, (void)avx2;
#endif
    int32_t s = 0;
    for (size_t k = 0; k < n; k++)
        s += w[k];
    return s;
}

/* One call's shared state for the tasks. */
typedef struct {
    const OnnxccConv2dParams *p;
    const uint8_t *x, *lut, *wt;
    const int8_t *w;
    const int32_t *beff;
    const float *mult;
    uint8_t x_zp, y_zp;
    int g, K, PT, MR, tiles, chunks;
    uint8_t *y;
    int m0, mc; /* the row-window path's chunk of output channels */
    int avx2;   /* the AVX2 kernels instead of the AVX-512 VNNI ones: 1
                 * widening weights in registers, 2 widened ahead per tile */
} QConvCall;

#ifdef ONNXCC_RT_X86_64
/* Task t: tile t % tiles of image t / tiles, every output channel of the group. */
static void tile_task(void *ctx, int t)
{
    const QConvCall *c = ctx;
    const OnnxccConv2dParams *p = c->p;
    const int CG = p->C / p->group, MG = p->M / p->group, P = p->OH * p->OW;
    const int n = t / c->tiles, p0 = t % c->tiles * c->PT, npix = P - p0 < c->PT ? P - p0 : c->PT;
    const size_t xs = p->x_img_stride ? p->x_img_stride : (size_t)p->C * p->H * p->W;
    const size_t ys = p->y_img_stride ? p->y_img_stride : (size_t)p->M * p->OH * p->OW;
    unsigned char buf[QC_BUF + 64];
    uint8_t *xp = (uint8_t *)(buf + ((64 - (uintptr_t)buf % 64) % 64));
    const uint8_t *xg = c->x + n * xs + (size_t)c->g * CG * p->H * p->W;
    const int8_t *wg = c->w + (size_t)c->g * MG * c->K;
    uint8_t *yg = c->y + n * ys + (size_t)c->g * MG * P;
    if (c->avx2) { /* PT / 16 packed sub-tiles of 16 pixels */
        const uint8_t *xend = c->x + (p->N - 1) * xs + (size_t)p->C * p->H * p->W;
        const uint8_t *lg = c->lut ? c->lut + (size_t)c->g * CG * 256 : NULL;
        const size_t sub = (size_t)(c->K + 3) / 4 * 64;
        int ns = 0, np[4];
        for (; ns * 16 < npix; ns++) {
            np[ns] = npix - 16 * ns < 16 ? npix - 16 * ns : 16;
            onnxcc_u8s8_pack_avx2(p, xg, xend, lg, c->x_zp, c->K, p0 + 16 * ns, np[ns], xp + ns * sub);
        }
        int32_t *wb = (int32_t *)(void *)(xp + (size_t)(c->PT / 16) * sub); /* widened weights (mode 2) */
        for (int r0 = 0; r0 < MG; r0 += QC2_MR) {
            const int mr = MG - r0 < QC2_MR ? MG - r0 : QC2_MR;
            if (c->avx2 == 2)
                onnxcc_s8_widen_avx2(wg + (size_t)r0 * c->K, c->K, mr, wb);
            for (int s = 0; s < ns; s++) {
                uint8_t *yt = yg + (size_t)r0 * P + p0 + 16 * s;
                if (c->avx2 == 2)
                    onnxcc_u8s8_qgemm_wide_avx2(xp + s * sub, c->K, np[s], wb, mr, c->beff + r0, c->mult + r0, c->y_zp,
                                                yt, (size_t)P);
                else
                    onnxcc_u8s8_qgemm_avx2(xp + s * sub, c->K, np[s], wg + (size_t)r0 * c->K, mr, c->beff + r0,
                                           c->mult + r0, c->y_zp, yt, (size_t)P);
            }
        }
        return;
    }
    onnxcc_u8s8_pack_avx512(p, xg, c->lut ? c->lut + (size_t)c->g * CG * 256 : NULL, c->x_zp, c->K, c->PT, p0, npix,
                            xp);
    for (int r0 = 0; r0 < MG; r0 += c->MR)
        onnxcc_u8s8_qgemm_avx512vnni(xp, c->K, c->PT, c->MR, npix, wg + (size_t)r0 * c->K,
                                     MG - r0 < c->MR ? MG - r0 : c->MR, c->beff + r0, c->mult + r0, c->y_zp,
                                     yg + (size_t)r0 * P + p0, (size_t)P);
}

/* Task t: a band of output rows (chunk t % chunks) of image t / chunks. */
static void rows_task(void *ctx, int t)
{
    const QConvCall *c = ctx;
    const OnnxccConv2dParams *p = c->p;
    const int n = t / c->chunks, k = t % c->chunks;
    const int oy0 = (int)((long long)p->OH * k / c->chunks), oy1 = (int)((long long)p->OH * (k + 1) / c->chunks);
    unsigned char buf[QC_BUF + 64];
    uint8_t *win = (uint8_t *)(buf + ((64 - (uintptr_t)buf % 64) % 64));
    const size_t xs = p->x_img_stride ? p->x_img_stride : (size_t)p->C * p->H * p->W;
    if (oy1 <= oy0)
        return;
    if (c->avx2)
        onnxcc_u8s8_rows_run_avx2(p, c->x, c->x + (p->N - 1) * xs + (size_t)p->C * p->H * p->W, c->lut, c->x_zp,
                                  c->wt, c->m0, c->mc, c->beff, c->mult, c->y_zp, n, oy0, oy1, win, c->y);
    else
        onnxcc_u8s8_rows_run_avx512(p, c->x, c->x_zp, c->wt, c->m0, c->mc, c->beff, c->mult, c->y_zp, n, oy0, oy1, win,
                                    c->y);
}

/* Task t: plane t % M of image t / M of a depthwise conv. */
static void dw_task(void *ctx, int t)
{
    const QConvCall *c = ctx;
    const OnnxccConv2dParams *p = c->p;
    const int n = t / p->M, ch = t % p->M;
    const size_t xs = p->x_img_stride ? p->x_img_stride : (size_t)p->C * p->H * p->W;
    const size_t ys = p->y_img_stride ? p->y_img_stride : (size_t)p->M * p->OH * p->OW;
    (c->avx2 ? onnxcc_u8s8_dwplane_avx2 : onnxcc_u8s8_dwplane_avx512)(
        p, c->x + n * xs + (size_t)ch * p->H * p->W, c->lut ? c->lut + (size_t)ch * 256 : NULL, c->x_zp,
        c->w + (size_t)ch * c->K, c->beff[ch], c->mult[ch], c->y_zp, c->y + n * ys + (size_t)ch * p->OH * p->OW);
}
#endif

void onnxcc_u8s8_conv2d(const OnnxccConv2dParams *p, const uint8_t *x, const uint8_t *lut, float x_scale,
                        uint8_t x_zp,
                        const int8_t *w, const float *w_scale, int w_scale_per_oc, const int32_t *bias,
                        float y_scale, uint8_t y_zp, uint8_t *y)
{
    const int CG = p->C / p->group, MG = p->M / p->group, K = CG * p->kH * p->kW, K4 = (K + 3) / 4;
    /* 64-pixel tiles, or 32 where the packed tile would not fit or the
     * last 64-pixel tile would waste more lanes; 16 where 32 does not fit. */
    const int P0 = p->OH * p->OW;
    int PT = 64;
    if ((size_t)K4 * 4 * 64 > QC_BUF || (P0 + 63) / 64 * 64 > (P0 + 31) / 32 * 32)
        PT = 32;
    if ((size_t)K4 * 4 * PT > QC_BUF)
        PT = 16;
    const int vnni = have_vnni(p->isa_cap);
    int avx2 = !vnni && have_avx2(p->isa_cap);
    if (avx2) {
        /* Widened weights (avx2 = 2) where QC_BUF holds them (4 rows) after
         * up to 4 sub-tiles of 16 pixels (each widened block serves them
         * all), while the tiles still make two tasks per thread; else the
         * kernel widening them in registers, 16-pixel tiles. */
        const size_t wide = (size_t)QC2_MR * 4 * onnxcc_s8_widen_stride_avx2(K);
        const int tasks = onnxcc_num_threads() * TASKS_PER_THREAD;
        PT = 64;
        while (PT > 16 && ((size_t)K4 * 4 * PT + wide > QC_BUF || p->N * ((P0 + PT - 1) / PT) < tasks))
            PT -= 16;
        avx2 = (size_t)K4 * 4 * PT + wide <= QC_BUF ? 2 : 1;
    }
    if (!(vnni || avx2) || (size_t)K4 * 4 * PT > QC_BUF || MG > QC_MAXM) {
        onnxcc_u8s8_conv2d_ref(p, x, lut, x_scale, x_zp, w, w_scale, w_scale_per_oc, bias, y_scale, y_zp, y);
        return;
    }
    int32_t beff[QC_MAXM];
    float mult[QC_MAXM];
#ifdef ONNXCC_RT_X86_64
    if (CG == 1 && MG == 1 && p->M <= QC_MAXM &&
        (vnni ? p->kH <= 7 && p->kW <= 7 && p->stride_w <= 2 && __builtin_cpu_supports("avx512vbmi")
              : onnxcc_u8s8_dw_fits_avx2(p))) { /* depthwise: plane by plane */
        for (int c = 0; c < p->M; c++) {
            beff[c] = (bias ? bias[c] : 0) - (int32_t)x_zp * weight_sum(w + (size_t)c * K, (size_t)K, vnni, avx2);
            mult[c] = x_scale * w_scale[w_scale_per_oc ? c : 0] / y_scale;
        }
        QConvCall d = {p, x, lut, NULL, w, beff, mult, x_zp, y_zp, 0, K, 0, 0, 0, 0, y, 0, 0, avx2};
        onnxcc_fast_parallel(p->N * p->M, dw_task, &d);
        return;
    }
#endif
    unsigned char buf[QC_BUF + 64];
    uint8_t *wt = (uint8_t *)(buf + ((64 - (uintptr_t)buf % 64) % 64));
    const int P = p->OH * p->OW, threads = onnxcc_num_threads();
    QConvCall c = {p, x, lut, wt, w, beff, mult, x_zp, y_zp, 0, K, PT, qc_mr(PT, MG), (P + PT - 1) / PT, 1, y, 0, 0,
                   avx2};
    for (int g = 0; g < p->group; g++) {
        const int8_t *wg = w + (size_t)g * MG * K;
        for (int r = 0; r < MG; r++) {
            const int oc = g * MG + r;
            const int32_t s = weight_sum(wg + (size_t)r * K, (size_t)K, vnni, avx2);
            beff[r] = (bias ? bias[oc] : 0) - (int32_t)x_zp * s;
            mult[r] = x_scale * w_scale[w_scale_per_oc ? oc : 0] / y_scale;
        }
        c.g = g;
#ifdef ONNXCC_RT_X86_64
        /* Each output is computed by one task alone, the same way whatever
         * the split: every thread count gives the same bytes. */
        const int chunk = avx2 ? onnxcc_u8s8_rows_chunk_avx2(p) : lut ? 0 : onnxcc_u8s8_rows_chunk_avx512(p);
        if (chunk) {
            c.chunks = p->OH < threads * TASKS_PER_THREAD ? p->OH : threads * TASKS_PER_THREAD;
            for (c.m0 = 0; c.m0 < p->M; c.m0 += chunk) {
                c.mc = p->M - c.m0 < chunk ? p->M - c.m0 : chunk;
                if (avx2)
                    onnxcc_u8s8_rows_prepare_avx2(p, w, c.m0, c.mc, wt);
                else
                    onnxcc_u8s8_rows_prepare_avx512(p, w, c.m0, c.mc, wt);
                onnxcc_fast_parallel(p->N * c.chunks, rows_task, &c);
            }
            continue;
        }
        onnxcc_fast_parallel(p->N * c.tiles, tile_task, &c);
#else
        (void)threads;
#endif
    }
}
