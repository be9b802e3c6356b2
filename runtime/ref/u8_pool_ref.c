/* u8_pool_ref.c — the quantized pools, scalar, one output at a time: max
 * pool on bytes, and onnxruntime's QLinearAveragePool and
 * QLinearGlobalAveragePool arithmetic (fast/qpool.h).  The fast kernels
 * give these bytes. */
#include "onnxcc/rt.h"
#include "../fast/qpool.h"

static size_t img(size_t s, size_t dense) { return s ? s : dense; }

void onnxcc_u8_maxpool2d_ref(const OnnxccPool2dParams *p, const uint8_t *x, uint8_t *y)
{
    const size_t xi = img(p->x_img_stride, (size_t)p->C * p->H * p->W);
    const size_t yi = img(p->y_img_stride, (size_t)p->C * p->OH * p->OW);
    for (int n = 0; n < p->N; n++)
        for (int c = 0; c < p->C; c++) {
            const uint8_t *xp = x + n * xi + (size_t)c * p->H * p->W;
            uint8_t *yp = y + n * yi + (size_t)c * p->OH * p->OW;
            for (int oh = 0; oh < p->OH; oh++)
                for (int ow = 0; ow < p->OW; ow++) {
                    uint8_t m = 0; /* no taps: 0 (uint8's lowest) */
                    for (int i = 0; i < p->kH; i++) {
                        int h = oh * p->stride_h - p->pad_t + i * p->dil_h;
                        if (h < 0 || h >= p->H)
                            continue;
                        for (int j = 0; j < p->kW; j++) {
                            int w = ow * p->stride_w - p->pad_l + j * p->dil_w;
                            if (w >= 0 && w < p->W && xp[h * p->W + w] > m)
                                m = xp[h * p->W + w];
                        }
                    }
                    yp[oh * p->OW + ow] = m;
                }
        }
}

void onnxcc_u8_avgpool2d_ref(const OnnxccPool2dParams *p, const uint8_t *x, float x_scale, uint8_t x_zp,
                             float y_scale, uint8_t y_zp, uint8_t *y)
{
    if (p->OH == 1 && p->OW == 1 && p->kH == p->H && p->kW == p->W && !p->pad_t && !p->pad_l && !p->pad_b &&
        !p->pad_r) { /* the global pool, image by image */
        for (int n = 0; n < p->N; n++)
            onnxcc_u8_globalavgpool_ref((size_t)p->C, (size_t)p->H * p->W,
                                        x + n * img(p->x_img_stride, (size_t)p->C * p->H * p->W), x_scale, x_zp,
                                        y_scale, y_zp, y + n * img(p->y_img_stride, (size_t)p->C));
        return;
    }
    float lut[256]; /* the dequantized byte values: one rounding each */
    for (int v = 0; v < 256; v++)
        lut[v] = x_scale * (float)(v - x_zp);
    const size_t xi = img(p->x_img_stride, (size_t)p->C * p->H * p->W);
    const size_t yi = img(p->y_img_stride, (size_t)p->C * p->OH * p->OW);
    for (int n = 0; n < p->N; n++)
        for (int c = 0; c < p->C; c++) {
            const uint8_t *xp = x + n * xi + (size_t)c * p->H * p->W;
            uint8_t *yp = y + n * yi + (size_t)c * p->OH * p->OW;
            for (int oh = 0; oh < p->OH; oh++) {
                int h0 = oh * p->stride_h - p->pad_t, h1 = h0 + p->kH < p->H ? h0 + p->kH : p->H;
                h0 = h0 < 0 ? 0 : h0;
                for (int ow = 0; ow < p->OW; ow++) {
                    int w0 = ow * p->stride_w - p->pad_l, w1 = w0 + p->kW < p->W ? w0 + p->kW : p->W;
                    w0 = w0 < 0 ? 0 : w0;
                    float s = 0.0f;
                    for (int h = h0; h < h1; h++)
                        for (int w = w0; w < w1; w++)
                            s += lut[xp[h * p->W + w]];
                    int cnt = p->count_include_pad ? p->kH * p->kW : (h1 - h0) * (w1 - w0);
                    yp[oh * p->OW + ow] = qpool_avg_out(s, (float)cnt, y_scale, (float)y_zp);
                }
            }
        }
}

void onnxcc_u8_globalavgpool_ref(size_t planes, size_t hw, const uint8_t *x, float x_scale, uint8_t x_zp,
                                 float y_scale, uint8_t y_zp, uint8_t *y)
{
    const float m = x_scale / (y_scale * (float)(int)hw);
    for (size_t i = 0; i < planes; i++) {
        int32_t acc = -(int32_t)x_zp * (int32_t)hw;
        for (size_t k = 0; k < hw; k++)
            acc += x[i * hw + k];
        y[i] = qpool_gap_out(acc, m, y_zp);
    }
}
