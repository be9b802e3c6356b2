/* f32_conv2d_ref.c — reference 2-D convolution (ONNX Conv, NCHW) with the
 * fusions the compiler relies on: strided input/output images (channel
 * prefix in, channel slice out), a per-input-channel pre-activation applied
 * to real pixels only, a residual added to the result, and an epilogue
 * activation.
 *
 * One output value at a time: a double accumulator over the C/group input
 * channels and the kH x kW taps, taps outside the input skipped (= zero
 * padding, which the pre-activation never touches). */
#include "onnxcc/rt.h"

#include <math.h>

static float sigmoid(float v)
{
    const float e = expf(-fabsf(v));
    return v >= 0.0f ? 1.0f / (1.0f + e) : e / (1.0f + e);
}

static float hardsigmoid(float v)
{
    v = v < 0.0f ? 0.0f : v;
    return v > 1.0f ? 1.0f : v;
}

static float act_apply(const OnnxccAct *act, float v)
{
    switch (act->kind) {
    case ONNXCC_ACT_SIGMOID:
        return sigmoid(v);
    case ONNXCC_ACT_HARDSIGMOID:
        return hardsigmoid(act->a * v + act->b);
    case ONNXCC_ACT_HARDSWISH:
        return v * hardsigmoid(v * (1.0f / 6.0f) + 0.5f);
    case ONNXCC_ACT_SILU:
        return v * sigmoid(v);
    case ONNXCC_ACT_TANH:
        return tanhf(v);
    case ONNXCC_ACT_GELU: /* 1 + erf(t) = erfc(-t), exact for t < 0 too */
        return (float)(0.5 * v * erfc(-(double)v * 0.70710678118654752));
    case ONNXCC_ACT_EXP:
        return expf(v);
    case ONNXCC_ACT_ERF:
        return erff(v);
    case ONNXCC_ACT_RELU:
        return v < 0.0f ? 0.0f : v;
    case ONNXCC_ACT_CLIP:
        v = v < act->a ? act->a : v;
        return v > act->b ? act->b : v;
    case ONNXCC_ACT_LEAKYRELU:
        return v < 0.0f ? act->a * v : v;
    default:
        return v;
    }
}

void onnxcc_f32_conv2d_ref(const OnnxccConv2dParams *p, const float *x, const float *w,
                           const float *bias, const float *pre_scale, const float *pre_shift,
                           const float *res, float *y)
{
    const size_t plane = (size_t)p->H * (size_t)p->W;
    const size_t oplane = (size_t)p->OH * (size_t)p->OW;
    const size_t xs = p->x_img_stride ? p->x_img_stride : (size_t)p->C * plane;
    const size_t ys = p->y_img_stride ? p->y_img_stride : (size_t)p->M * oplane;
    const size_t rs = p->r_img_stride ? p->r_img_stride : (size_t)p->M * oplane;
    const int cg = p->C / p->group; /* input channels per group */
    const int mg = p->M / p->group; /* output channels per group */
    const int pre = p->pre_relu || pre_scale || pre_shift;

    for (int n = 0; n < p->N; n++) {
        const float *xn = x + (size_t)n * xs;
        float *yn = y + (size_t)n * ys;
        const float *rn = res ? res + (size_t)n * rs : NULL;
        for (int m = 0; m < p->M; m++) {
            const int c0 = (m / mg) * cg; /* first input channel of m's group */
            const float *wm = w + (size_t)m * (size_t)cg * (size_t)p->kH * (size_t)p->kW;
            for (int oh = 0; oh < p->OH; oh++) {
                for (int ow = 0; ow < p->OW; ow++) {
                    double acc = bias ? (double)bias[m] : 0.0;
                    for (int cl = 0; cl < cg; cl++) {
                        const int c = c0 + cl;
                        const float *xc = xn + (size_t)c * plane;
                        const float *wc = wm + (size_t)cl * (size_t)p->kH * (size_t)p->kW;
                        const float sc = pre_scale ? pre_scale[c] : 1.0f;
                        const float sh = pre_shift ? pre_shift[c] : 0.0f;
                        for (int kh = 0; kh < p->kH; kh++) {
                            const int ih = oh * p->stride_h - p->pad_t + kh * p->dil_h;
                            if (ih < 0 || ih >= p->H)
                                continue;
                            for (int kw = 0; kw < p->kW; kw++) {
                                const int iw = ow * p->stride_w - p->pad_l + kw * p->dil_w;
                                if (iw < 0 || iw >= p->W)
                                    continue;
                                float v = xc[(size_t)ih * (size_t)p->W + (size_t)iw];
                                if (pre) {
                                    v = v * sc + sh;
                                    if (p->pre_relu && v < 0.0f)
                                        v = 0.0f;
                                }
                                acc += (double)v * (double)wc[kh * p->kW + kw];
                            }
                        }
                    }
                    const size_t at = (size_t)m * oplane + (size_t)oh * (size_t)p->OW + (size_t)ow;
                    float v = (float)acc;
                    if (rn)
                        v += rn[at];
                    yn[at] = act_apply(&p->act, v);
                }
            }
        }
    }
}
