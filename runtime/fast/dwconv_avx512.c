/* dwconv_avx512.c — the direct depthwise kernels (dwconv_direct.h) for
 * AVX-512F (compiled with -mavx512f; called only when the CPU has it): 16
 * output columns to a zmm, borders by masked loads and stores, stride 2
 * de-interleaved by two-source permutes; and the channels-in-lanes kernel
 * for small maps (below). */
#include <math.h>

#include "dwconv.h"
#include "vec_avx512.h"

#include "vmath.h"

#define DW_SILU_IN_REGS 1
#define DW_DIRECT onnxcc_fast_dw_direct_avx512
#define DW_ACT onnxcc_f32_act_avx512
#include "dwconv_direct.h"

/* ---- channels in lanes ------------------------------------------------------
 *
 * On a small map a plane's output rows fill a fraction of a vector (7 of 16
 * lanes at 7x7) and each plane pays the kernel's set-up.  Here DW_CL
 * channels run at once, one per lane: their input planes are transposed
 * (16 x 16 blocks in registers) into a zero-padded frame of pixel vectors,
 * every output pixel is then a sum of whole vectors, and the outputs go
 * back through the same transpose.  Per output and lane the operations of
 * dw_band, in its order: the bias, kernel row 0's taps fused onto it, each
 * later kernel row as a chain of its own (a product, then fused
 * multiply-adds) added after, rows outside the input skipped and columns
 * outside it read as 0; so the same bits as the direct kernel. */

#define DW_CL_OB 4 /* outputs of a row at once */

/* Rows r of the nch x n matrix at src (rows `stride` floats apart, lanes
 * past n zero, rows past nch zero) from column q0, transposed: v[k] holds
 * column q0 + k. */
DW_INLINE void dw_load_t(const float *src, size_t stride, int nch, long q0, long n, __m512 v[16])
{
    const __mmask16 m = dv_lanes(q0, n);
    for (int c = 0; c < 16; c++)
        v[c] = c < nch ? _mm512_maskz_loadu_ps(m, src + (size_t)c * stride + q0) : _mm512_setzero_ps();
    v16_transpose(v);
}

DW_INLINE void dw_lanes_k(const FastDwLanes *d, const int K, const int s, const int pre)
{
    const OnnxccConv2dParams *p = d->p;
    const long H = p->H, W = p->W, OH = p->OH, OW = p->OW, hw = H * W, ohw = OH * OW;
    const long TW = (OW - 1) * s + K, TH = (OH - 1) * s + K;
    float frame[DW_CL_FRAME] __attribute__((aligned(64)));
    float out[DW_CL_OUT] __attribute__((aligned(64)));
    __m512 wv[DW_MAX_K * DW_MAX_K];
    __m512 v[16];
    /* the weights: tap t of every channel in lane c */
    for (int t0 = 0; t0 < K * K; t0 += 16) {
        dw_load_t(d->w, (size_t)(K * K), d->nch, t0, K * K, v);
        for (int k = 0; k < 16 && t0 + k < K * K; k++)
            wv[t0 + k] = v[k];
    }
    const __m512 bias = d->bias ? _mm512_maskz_loadu_ps(dv_lanes(0, d->nch), d->bias) : _mm512_setzero_ps();
    const __m512 a = pre ? _mm512_loadu_ps(d->a) : _mm512_setzero_ps();
    const __m512 b = pre ? _mm512_loadu_ps(d->b) : _mm512_setzero_ps();
    const __m512 lo = _mm512_set1_ps(d->lo);
    const DwAct e = dw_act(&p->act);
    /* the frame: padded pixel (r, c) = input (r - pad_t, c - pad_l), 0 outside */
    for (long i = 0; i < TH * TW; i++)
        _mm512_store_ps(frame + 16 * i, _mm512_setzero_ps());
    long fr = p->pad_t, fc = p->pad_l; /* frame position of input pixel q0 + k */
    for (long q0 = 0; q0 < hw; q0 += 16) {
        dw_load_t(d->x, (size_t)hw, d->nch, q0, hw, v);
        for (int k = 0; k < 16 && q0 + k < hw; k++) {
            if (fr < TH && fc < TW)
                _mm512_store_ps(frame + 16 * (fr * TW + fc), pre ? dv_pre(v[k], 0xffff, a, b, lo) : v[k]);
            if (++fc == W + p->pad_l)
                fc = p->pad_l, fr++;
        }
    }
    /* DW_CL_OB outputs of a row at once, so that each frame vector loaded
     * serves every one of them whose window covers it */
    for (long oh = 0; oh < OH; oh++) {
        const long ih0 = oh * s - p->pad_t;
        for (long ow0 = 0; ow0 < OW; ow0 += DW_CL_OB) {
            const int nb = OW - ow0 < DW_CL_OB ? (int)(OW - ow0) : DW_CL_OB;
            const float *f = frame + 16 * (oh * s * TW + ow0 * s);
            __m512 acc[DW_CL_OB];
            FAST_UNROLL
            for (int o = 0; o < DW_CL_OB; o++)
                acc[o] = bias;
            FAST_UNROLL
            for (int i = 0; i < K; i++) {
                if (ih0 + i < 0 || ih0 + i >= H)
                    continue;
                __m512 t[(DW_CL_OB - 1) * 2 + DW_MAX_K];
                FAST_UNROLL
                for (int c = 0; c < (DW_CL_OB - 1) * s + K; c++)
                    t[c] = _mm512_load_ps(f + 16 * (i * TW + c));
                FAST_UNROLL
                for (int o = 0; o < DW_CL_OB; o++) {
                    if (o >= nb)
                        continue;
                    if (i == 0) {
                        FAST_UNROLL
                        for (int j = 0; j < K; j++)
                            acc[o] = dv_fma(wv[j], t[o * s + j], acc[o]);
                    } else {
                        __m512 row = dv_mul(wv[K * i], t[o * s]);
                        FAST_UNROLL
                        for (int j = 1; j < K; j++)
                            row = dv_fma(wv[K * i + j], t[o * s + j], row);
                        acc[o] = dv_add(acc[o], row);
                    }
                }
            }
            FAST_UNROLL
            for (int o = 0; o < DW_CL_OB; o++)
                if (o < nb)
                    _mm512_store_ps(out + 16 * (oh * OW + ow0 + o), dw_epilogue(&e, acc[o]));
        }
    }
    /* back to planes */
    for (long q0 = 0; q0 < ohw; q0 += 16) {
        const int n = ohw - q0 < 16 ? (int)(ohw - q0) : 16;
        for (int k = 0; k < 16; k++)
            v[k] = k < n ? _mm512_load_ps(out + 16 * (q0 + k)) : _mm512_setzero_ps();
        v16_transpose(v);
        for (int c = 0; c < d->nch; c++)
            dv_store(d->y + (size_t)c * (size_t)ohw + q0, v[c], n);
    }
    if (dw_act_after(p->act.kind))
        for (int c = 0; c < d->nch; c++)
            DW_ACT((size_t)ohw, &p->act, d->y + (size_t)c * (size_t)ohw, d->y + (size_t)c * (size_t)ohw);
}

void onnxcc_fast_dw_lanes_avx512(const FastDwLanes *d)
{
    /* the shapes the driver gives it (dw_lanes_fits): stride 1; dw_lanes_k
     * itself also takes stride 2 */
    const int K = d->p->kW;
    if (K == 3)
        d->pre ? dw_lanes_k(d, 3, 1, 1) : dw_lanes_k(d, 3, 1, 0);
    else if (K == 5)
        d->pre ? dw_lanes_k(d, 5, 1, 1) : dw_lanes_k(d, 5, 1, 0);
    else
        d->pre ? dw_lanes_k(d, 7, 1, 1) : dw_lanes_k(d, 7, 1, 0);
}
