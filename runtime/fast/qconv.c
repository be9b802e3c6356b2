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
 * Without AVX-512 VNNI (or for layers beyond the stack buffer's reach:
 * K > 4 * QC_BUF / 16 or more than QC_MAXM output channels per group) the
 * reference kernel runs.  Every path gives the reference's bits. */
#include "onnxcc/rt.h"
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
    if (!have_vnni(p->isa_cap) || (size_t)K4 * 4 * PT > QC_BUF || MG > QC_MAXM) {
        onnxcc_u8s8_conv2d_ref(p, x, lut, x_scale, x_zp, w, w_scale, w_scale_per_oc, bias, y_scale, y_zp, y);
        return;
    }
    unsigned char buf[QC_BUF + 64];
    uint8_t *xp = (uint8_t *)(buf + ((64 - (uintptr_t)buf % 64) % 64));
    int32_t beff[QC_MAXM];
    float mult[QC_MAXM];
    const size_t xs = p->x_img_stride ? p->x_img_stride : (size_t)p->C * p->H * p->W;
    const size_t ys = p->y_img_stride ? p->y_img_stride : (size_t)p->M * p->OH * p->OW;
    const int P = p->OH * p->OW, MR = qc_mr(PT, MG);
    for (int g = 0; g < p->group; g++) {
        const int8_t *wg = w + (size_t)g * MG * K;
        for (int r = 0; r < MG; r++) {
            const int oc = g * MG + r;
            int32_t s = 0;
            for (int k = 0; k < K; k++)
                s += wg[(size_t)r * K + k];
            beff[r] = (bias ? bias[oc] : 0) - (int32_t)x_zp * s;
            mult[r] = x_scale * w_scale[w_scale_per_oc ? oc : 0] / y_scale;
        }
#ifdef ONNXCC_RT_X86_64
        if (p->group == 1 && !lut &&
            onnxcc_u8s8_conv2d_rows_avx512(p, x, x_zp, w, beff, mult, y_zp, xp, QC_BUF, y))
            continue;
#endif
        for (int n = 0; n < p->N; n++) {
            const uint8_t *xg = x + n * xs + (size_t)g * CG * p->H * p->W;
            uint8_t *yg = y + n * ys + (size_t)g * MG * P;
            for (int p0 = 0; p0 < P; p0 += PT) {
                const int npix = P - p0 < PT ? P - p0 : PT;
#ifdef ONNXCC_RT_X86_64
                onnxcc_u8s8_pack_avx512(p, xg, lut ? lut + (size_t)g * CG * 256 : NULL, x_zp, K, PT, p0, npix, xp);
                for (int r0 = 0; r0 < MG; r0 += MR)
                    onnxcc_u8s8_qgemm_avx512vnni(xp, K, PT, MR, npix, wg + (size_t)r0 * K, MG - r0 < MR ? MG - r0 : MR,
                                                 beff + r0, mult + r0, y_zp, yg + (size_t)r0 * P + p0, (size_t)P);
#else
                (void)xg, (void)yg, (void)MR, (void)xp, (void)npix;
#endif
            }
        }
    }
}
