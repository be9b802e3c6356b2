/* f32_pool2d_ref.c — reference MaxPool / AveragePool over NCHW (1-D as H=1).
 *
 * Window (oh, ow) has taps at row oh*stride_h - pad_t + i*dil_h (i < kH) and
 * likewise for columns.  Only taps inside the input contribute.  OH/OW come
 * from the compiler with ceil_mode resolved, so a last window may run past
 * the bottom/right padding; such taps are simply skipped.  AveragePool with
 * count_include_pad divides by the taps inside the *padded* input, never
 * those beyond it (onnxruntime's rule: hend = min(hstart + k, H + pad_b)). */
#include "onnxcc/rt.h"

#include <float.h>

/* Taps of window start s along an axis of length len (pads lo/hi, kernel k,
 * dilation d): how many land in [0, len) and how many in [-lo, len + hi). */
static void count_taps(int s, int k, int d, int len, int lo, int hi, int *real, int *padded)
{
    *real = 0;
    *padded = 0;
    for (int i = 0; i < k; i++) {
        const int t = s + i * d;
        if (t >= 0 && t < len)
            (*real)++;
        if (t >= -lo && t < len + hi)
            (*padded)++;
    }
}

void onnxcc_f32_maxpool2d_ref(const OnnxccPool2dParams *p, const float *x, float *y)
{
    const size_t plane = (size_t)p->H * (size_t)p->W;
    const size_t oplane = (size_t)p->OH * (size_t)p->OW;
    const size_t xs = p->x_img_stride ? p->x_img_stride : (size_t)p->C * plane;
    const size_t ys = p->y_img_stride ? p->y_img_stride : (size_t)p->C * oplane;

    for (int n = 0; n < p->N; n++) {
        for (int c = 0; c < p->C; c++) {
            const float *xc = x + (size_t)n * xs + (size_t)c * plane;
            float *yc = y + (size_t)n * ys + (size_t)c * oplane;
            for (int oh = 0; oh < p->OH; oh++) {
                for (int ow = 0; ow < p->OW; ow++) {
                    float best = -FLT_MAX;
                    for (int kh = 0; kh < p->kH; kh++) {
                        const int ih = oh * p->stride_h - p->pad_t + kh * p->dil_h;
                        if (ih < 0 || ih >= p->H)
                            continue;
                        for (int kw = 0; kw < p->kW; kw++) {
                            const int iw = ow * p->stride_w - p->pad_l + kw * p->dil_w;
                            if (iw < 0 || iw >= p->W)
                                continue;
                            const float v = xc[(size_t)ih * (size_t)p->W + (size_t)iw];
                            if (v > best)
                                best = v;
                        }
                    }
                    yc[(size_t)oh * (size_t)p->OW + (size_t)ow] = best;
                }
            }
        }
    }
}

void onnxcc_f32_avgpool2d_ref(const OnnxccPool2dParams *p, const float *x, float *y)
{
    const size_t plane = (size_t)p->H * (size_t)p->W;
    const size_t oplane = (size_t)p->OH * (size_t)p->OW;
    const size_t xs = p->x_img_stride ? p->x_img_stride : (size_t)p->C * plane;
    const size_t ys = p->y_img_stride ? p->y_img_stride : (size_t)p->C * oplane;

    for (int n = 0; n < p->N; n++) {
        for (int c = 0; c < p->C; c++) {
            const float *xc = x + (size_t)n * xs + (size_t)c * plane;
            float *yc = y + (size_t)n * ys + (size_t)c * oplane;
            for (int oh = 0; oh < p->OH; oh++) {
                const int h0 = oh * p->stride_h - p->pad_t;
                int rh, ph;
                count_taps(h0, p->kH, p->dil_h, p->H, p->pad_t, p->pad_b, &rh, &ph);
                for (int ow = 0; ow < p->OW; ow++) {
                    const int w0 = ow * p->stride_w - p->pad_l;
                    int rw, pw;
                    count_taps(w0, p->kW, p->dil_w, p->W, p->pad_l, p->pad_r, &rw, &pw);
                    double sum = 0.0;
                    for (int kh = 0; kh < p->kH; kh++) {
                        const int ih = h0 + kh * p->dil_h;
                        if (ih < 0 || ih >= p->H)
                            continue;
                        for (int kw = 0; kw < p->kW; kw++) {
                            const int iw = w0 + kw * p->dil_w;
                            if (iw < 0 || iw >= p->W)
                                continue;
                            sum += (double)xc[(size_t)ih * (size_t)p->W + (size_t)iw];
                        }
                    }
                    const int div = p->count_include_pad ? ph * pw : rh * rw;
                    yc[(size_t)oh * (size_t)p->OW + (size_t)ow] =
                        div ? (float)(sum / (double)div) : 0.0f;
                }
            }
        }
    }
}
