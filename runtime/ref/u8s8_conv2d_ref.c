/* u8s8_conv2d_ref.c — reference quantized 2-D convolution (ONNX
 * QLinearConv, NCHW): uint8 input with one scale and zero point, int8
 * weights with zero point 0 and one scale per output channel (or one for
 * all), optional int32 bias, uint8 output with one scale and zero point.
 *
 * Input bytes optionally go through a per-channel table (lut) first.
 * One output value at a time: acc = bias + sum (x - x_zp) * w exactly in
 * int32 over the C/group input channels and the kH x kW taps (taps outside
 * the input skipped: padding is x_zp, the real zero), then
 * y = saturate(round_half_even((float)acc * m) + y_zp) with the float
 * multiplier m = x_scale * w_scale[oc] / y_scale, as onnxruntime requantizes. */
#include "onnxcc/rt.h"

#include <math.h>

void onnxcc_u8s8_conv2d_ref(const OnnxccConv2dParams *p, const uint8_t *x, const uint8_t *lut, float x_scale,
                            uint8_t x_zp,
                            const int8_t *w, const float *w_scale, int w_scale_per_oc, const int32_t *bias,
                            float y_scale, uint8_t y_zp, uint8_t *y)
{
    const int CG = p->C / p->group, MG = p->M / p->group;
    const size_t xs = p->x_img_stride ? p->x_img_stride : (size_t)p->C * p->H * p->W;
    const size_t ys = p->y_img_stride ? p->y_img_stride : (size_t)p->M * p->OH * p->OW;
    for (int n = 0; n < p->N; n++)
        for (int oc = 0; oc < p->M; oc++) {
            const float m = x_scale * w_scale[w_scale_per_oc ? oc : 0] / y_scale;
            const uint8_t *xg = x + n * xs + (size_t)(oc / MG) * CG * p->H * p->W;
            const uint8_t *lg = lut ? lut + (size_t)(oc / MG) * CG * 256 : NULL;
            const int8_t *wo = w + (size_t)oc * CG * p->kH * p->kW;
            uint8_t *yo = y + n * ys + (size_t)oc * p->OH * p->OW;
            for (int oy = 0; oy < p->OH; oy++)
                for (int ox = 0; ox < p->OW; ox++) {
                    int32_t acc = bias ? bias[oc] : 0;
                    for (int c = 0; c < CG; c++)
                        for (int ky = 0; ky < p->kH; ky++) {
                            const int iy = oy * p->stride_h - p->pad_t + ky * p->dil_h;
                            if (iy < 0 || iy >= p->H)
                                continue;
                            for (int kx = 0; kx < p->kW; kx++) {
                                const int ix = ox * p->stride_w - p->pad_l + kx * p->dil_w;
                                if (ix < 0 || ix >= p->W)
                                    continue;
                                int32_t v = xg[((size_t)c * p->H + iy) * p->W + ix];
                                if (lg)
                                    v = lg[c * 256 + v];
                                acc += (v - x_zp) * wo[(c * p->kH + ky) * p->kW + kx];
                            }
                        }
                    float v = nearbyintf((float)acc * m);
                    v = v < (float)-y_zp ? (float)-y_zp : v > (float)(255 - y_zp) ? (float)(255 - y_zp) : v;
                    yo[oy * p->OW + ox] = (uint8_t)((int)v + y_zp);
                }
        }
}
