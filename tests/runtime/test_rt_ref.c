/* test_rt_ref.c — unit tests of the reference scalar runtime (runtime/ref).
 *
 * Every expectation is independent of the kernel under test: small cases
 * worked out by hand, vectors from the ONNX backend node tests
 * (libonnx-testdata, copied here so the test needs no files), pooling/pad
 * edge cases whose values were checked with onnxruntime 1.30, and property
 * checks against naive implementations written differently here (conv via
 * explicit padding + im2col + a matrix product, gemm/matmul as triple loops,
 * broadcasting by explicit index arithmetic). */
#include "onnxcc/rt.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

#define CHECK(c)                                                             \
    do {                                                                     \
        if (!(c)) {                                                          \
            fprintf(stderr, "%s:%d: expected %s\n", __FILE__, __LINE__, #c); \
            failures++;                                                      \
        }                                                                    \
    } while (0)

/* |got - want| <= atol + rtol*|want| elementwise; reports the first misses. */
static void expect_close_(const char *file, int line, const char *what, const float *got,
                          const float *want, size_t n, double rtol, double atol)
{
    int shown = 0;
    for (size_t i = 0; i < n; i++) {
        const double g = got[i], w = want[i];
        const int ok = (isnan(w) && isnan(g)) || fabs(g - w) <= atol + rtol * fabs(w);
        if (!ok) {
            if (shown++ < 5)
                fprintf(stderr, "%s:%d: %s[%zu] = %.9g, want %.9g\n", file, line, what, i, g,
                        w);
            failures++;
        }
    }
}
#define EXPECT_CLOSE(what, got, want, n, rtol, atol) \
    expect_close_(__FILE__, __LINE__, what, got, want, n, rtol, atol)
#define EXPECT_EXACT(what, got, want, n) expect_close_(__FILE__, __LINE__, what, got, want, n, 0, 0)

/* Deterministic uniform floats in [-1, 1). */
static unsigned long long rng_state = 0x9e3779b97f4a7c15ull;
static float frand(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (float)((double)(rng_state >> 40) / (double)(1ull << 24) * 2.0 - 1.0);
}
static void fill(float *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        v[i] = frand();
}

#define SENTINEL 12345.0f

/* ======================================================================
 * conv2d
 * ====================================================================== */

static OnnxccConv2dParams conv_params(int N, int C, int H, int W, int M, int group, int kH,
                                      int kW, int sh, int sw, int dh, int dw, int pt, int pl,
                                      int pb, int pr)
{
    OnnxccConv2dParams p;
    memset(&p, 0, sizeof p);
    p.N = N, p.C = C, p.H = H, p.W = W, p.M = M, p.group = group;
    p.kH = kH, p.kW = kW, p.stride_h = sh, p.stride_w = sw, p.dil_h = dh, p.dil_w = dw;
    p.pad_t = pt, p.pad_l = pl, p.pad_b = pb, p.pad_r = pr;
    p.OH = (H + pt + pb - dh * (kH - 1) - 1) / sh + 1;
    p.OW = (W + pl + pr - dw * (kW - 1) - 1) / sw + 1;
    p.act.kind = ONNXCC_ACT_NONE;
    return p;
}

static void test_conv_hand(void)
{
    const float x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    float y[9];

    /* 2x2 kernel, no padding: y00 = 1*1 + 2*2 + 3*4 + 4*5 = 37 etc.; bias 0.5. */
    {
        const float w[4] = {1, 2, 3, 4}, b[1] = {0.5f};
        OnnxccConv2dParams p = conv_params(1, 1, 3, 3, 1, 1, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0);
        const float want[4] = {37.5f, 47.5f, 67.5f, 77.5f};
        CHECK(p.OH == 2 && p.OW == 2);
        onnxcc_f32_conv2d_ref(&p, x, w, b, NULL, NULL, NULL, y);
        EXPECT_EXACT("conv 2x2", y, want, 4);
    }
    /* 3x3 ones, pad 1, stride 2: windows are the four 2x2 corners of x. */
    {
        const float w[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
        OnnxccConv2dParams p = conv_params(1, 1, 3, 3, 1, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1);
        const float want[4] = {12, 16, 24, 28};
        CHECK(p.OH == 2 && p.OW == 2);
        onnxcc_f32_conv2d_ref(&p, x, w, NULL, NULL, NULL, NULL, y);
        EXPECT_EXACT("conv stride 2 pad 1", y, want, 4);
    }
    /* Dilation 2: the 2x2 kernel reads the four corners 1, 3, 7, 9. */
    {
        const float w[4] = {1, 2, 3, 4};
        OnnxccConv2dParams p = conv_params(1, 1, 3, 3, 1, 1, 2, 2, 1, 1, 2, 2, 0, 0, 0, 0);
        const float want[1] = {1 * 1 + 2 * 3 + 3 * 7 + 4 * 9};
        CHECK(p.OH == 1 && p.OW == 1);
        onnxcc_f32_conv2d_ref(&p, x, w, NULL, NULL, NULL, NULL, y);
        EXPECT_EXACT("conv dilation 2", y, want, 1);
    }
    /* Two input channels, two output channels, 1x1 kernel: a per-pixel 2x2
     * matrix product.  x ch0 = 1..4, ch1 = 10..40; w = [[1, -1], [2, 0.5]]. */
    {
        const float x2[8] = {1, 2, 3, 4, 10, 20, 30, 40};
        const float w[4] = {1, -1, 2, 0.5f}, b[2] = {0, 100};
        OnnxccConv2dParams p = conv_params(1, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0);
        const float want[8] = {-9, -18, -27, -36, 107, 114, 121, 128};
        onnxcc_f32_conv2d_ref(&p, x2, w, b, NULL, NULL, NULL, y);
        EXPECT_EXACT("conv 1x1 2->2", y, want, 8);
    }
}

/* ONNX backend tests test_basic_conv_with_padding and
 * test_conv_with_strides_and_asymmetric_padding. */
static void test_conv_onnx_data(void)
{
    const float ones[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
    float x[35], y[25];
    for (int i = 0; i < 35; i++)
        x[i] = (float)i;
    {
        OnnxccConv2dParams p = conv_params(1, 1, 5, 5, 1, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
        const float want[25] = {12, 21,  27,  33,  24,  33,  54, 63, 72,  51,  63,  99, 108,
                                117, 81, 93, 144, 153, 162, 111, 72, 111, 117, 123, 84};
        onnxcc_f32_conv2d_ref(&p, x, ones, NULL, NULL, NULL, NULL, y);
        EXPECT_EXACT("test_basic_conv_with_padding", y, want, 25);
    }
    {
        OnnxccConv2dParams p = conv_params(1, 1, 7, 5, 1, 1, 3, 3, 2, 2, 1, 1, 1, 0, 1, 0);
        const float want[8] = {21, 33, 99, 117, 189, 207, 171, 183};
        CHECK(p.OH == 4 && p.OW == 2);
        onnxcc_f32_conv2d_ref(&p, x, ones, NULL, NULL, NULL, NULL, y);
        EXPECT_EXACT("test_conv_with_strides_and_asymmetric_padding", y, want, 8);
    }
}

/* The pre-activation touches real pixels only: padding stays 0. */
static void test_conv_preact(void)
{
    const float ones[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
    const float zeros[9] = {0};
    float y[9];
    /* x = 0, shift 1 (no scale, no relu): every real pixel becomes 1, so a
     * 3x3 window counts its in-image pixels: 4 in corners, 6 on edges, 9. */
    {
        const float shift[1] = {1};
        OnnxccConv2dParams p = conv_params(1, 1, 3, 3, 1, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
        const float want[9] = {4, 6, 4, 6, 9, 6, 4, 6, 4};
        onnxcc_f32_conv2d_ref(&p, zeros, ones, NULL, NULL, shift, NULL, y);
        EXPECT_EXACT("conv preact shift", y, want, 9);
        /* Same with relu: max(0, 1) = 1, unchanged. */
        p.pre_relu = 1;
        onnxcc_f32_conv2d_ref(&p, zeros, ones, NULL, NULL, shift, NULL, y);
        EXPECT_EXACT("conv preact shift relu", y, want, 9);
    }
    /* x = 0..8, x' = max(0, 2x - 1) = 0,1,3,5,...,15; a centre-tap kernel
     * returns x' itself. */
    {
        const float x[9] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
        const float w[9] = {0, 0, 0, 0, 1, 0, 0, 0, 0};
        const float scale[1] = {2}, shift[1] = {-1};
        OnnxccConv2dParams p = conv_params(1, 1, 3, 3, 1, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
        const float want_relu[9] = {0, 1, 3, 5, 7, 9, 11, 13, 15};
        const float want_lin[9] = {-1, 1, 3, 5, 7, 9, 11, 13, 15};
        p.pre_relu = 1;
        onnxcc_f32_conv2d_ref(&p, x, w, NULL, scale, shift, NULL, y);
        EXPECT_EXACT("conv preact scale/shift relu", y, want_relu, 9);
        p.pre_relu = 0;
        onnxcc_f32_conv2d_ref(&p, x, w, NULL, scale, shift, NULL, y);
        EXPECT_EXACT("conv preact scale/shift", y, want_lin, 9);
        /* relu only (scale/shift NULL): max(0, x - 4) via the input x - 4. */
        const float xm[9] = {-4, -3, -2, -1, 0, 1, 2, 3, 4};
        const float want_r[9] = {0, 0, 0, 0, 0, 1, 2, 3, 4};
        p.pre_relu = 1;
        onnxcc_f32_conv2d_ref(&p, xm, w, NULL, NULL, NULL, NULL, y);
        EXPECT_EXACT("conv preact relu only", y, want_r, 9);
    }
}

static void test_conv_epilogue(void)
{
    const float x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    const float w[4] = {1, 2, 3, 4}, b[1] = {-50};
    float y[4];
    OnnxccConv2dParams p = conv_params(1, 1, 3, 3, 1, 1, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0);
    /* pre-epilogue values: 37-50, 47-50, 67-50, 77-50 = -13, -3, 17, 27 */
    const float want_none[4] = {-13, -3, 17, 27};
    const float want_relu[4] = {0, 0, 17, 27};
    const float want_clip[4] = {-5, -3, 17, 20};
    const float want_leaky[4] = {-1.3f, -0.3f, 17, 27};
    onnxcc_f32_conv2d_ref(&p, x, w, b, NULL, NULL, NULL, y);
    EXPECT_EXACT("conv act none", y, want_none, 4);
    p.act.kind = ONNXCC_ACT_RELU;
    onnxcc_f32_conv2d_ref(&p, x, w, b, NULL, NULL, NULL, y);
    EXPECT_EXACT("conv act relu", y, want_relu, 4);
    p.act.kind = ONNXCC_ACT_CLIP, p.act.a = -5, p.act.b = 20;
    onnxcc_f32_conv2d_ref(&p, x, w, b, NULL, NULL, NULL, y);
    EXPECT_EXACT("conv act clip", y, want_clip, 4);
    p.act.kind = ONNXCC_ACT_LEAKYRELU, p.act.a = 0.1f, p.act.b = 0;
    onnxcc_f32_conv2d_ref(&p, x, w, b, NULL, NULL, NULL, y);
    EXPECT_CLOSE("conv act leakyrelu", y, want_leaky, 4, 1e-6, 0);
    /* A residual is added before the activation: -13+20, -3-4, 17+0, 27-30. */
    const float res[4] = {20, -4, 0, -30};
    const float want_res_relu[4] = {7, 0, 17, 0};
    p.act.kind = ONNXCC_ACT_RELU;
    onnxcc_f32_conv2d_ref(&p, x, w, b, NULL, NULL, res, y);
    EXPECT_EXACT("conv residual + relu", y, want_res_relu, 4);
    /* Images of the residual r_img_stride apart: batch 2, stride 5. */
    OnnxccConv2dParams p2 = conv_params(2, 1, 3, 3, 1, 1, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0);
    const float x2[18] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    const float res2[9] = {1, 2, 3, 4, -99, 5, 6, 7, 8};
    const float want2[8] = {-12, -1, 20, 31, -8, 3, 24, 35};
    float y2[8];
    p2.r_img_stride = 5;
    onnxcc_f32_conv2d_ref(&p2, x2, w, b, NULL, NULL, res2, y2);
    EXPECT_EXACT("conv residual, image stride", y2, want2, 8);
}

/* Independent conv: materialise pre(x) with explicit zero padding, build the
 * im2col matrix, multiply per group, add bias, apply the activation. */
static void naive_conv(const OnnxccConv2dParams *p, const float *x, size_t xs, const float *w,
                       const float *bias, const float *scale, const float *shift, float *y,
                       size_t ys)
{
    const int Hp = p->H + p->pad_t + p->pad_b, Wp = p->W + p->pad_l + p->pad_r;
    const int cg = p->C / p->group, mg = p->M / p->group;
    const int kk = cg * p->kH * p->kW, P = p->OH * p->OW;
    float *pad = calloc((size_t)p->C * Hp * Wp, sizeof *pad);
    float *col = malloc((size_t)p->C * p->kH * p->kW * P * sizeof *col);
    for (int n = 0; n < p->N; n++) {
        for (int c = 0; c < p->C; c++)
            for (int h = 0; h < p->H; h++)
                for (int ww = 0; ww < p->W; ww++) {
                    float v = x[n * xs + (size_t)(c * p->H + h) * p->W + ww];
                    if (scale)
                        v *= scale[c];
                    if (shift)
                        v += shift[c];
                    if (p->pre_relu)
                        v = v > 0 ? v : 0;
                    pad[((size_t)c * Hp + h + p->pad_t) * Wp + ww + p->pad_l] = v;
                }
        /* col[(c, kh, kw)][(oh, ow)] */
        for (int c = 0; c < p->C; c++)
            for (int kh = 0; kh < p->kH; kh++)
                for (int kw = 0; kw < p->kW; kw++)
                    for (int oh = 0; oh < p->OH; oh++)
                        for (int ow = 0; ow < p->OW; ow++) {
                            const int r = (c * p->kH + kh) * p->kW + kw;
                            const int hh = oh * p->stride_h + kh * p->dil_h;
                            const int wc = ow * p->stride_w + kw * p->dil_w;
                            col[(size_t)r * P + oh * p->OW + ow] =
                                (hh < Hp && wc < Wp) ? pad[((size_t)c * Hp + hh) * Wp + wc] : 0;
                        }
        for (int g = 0; g < p->group; g++)
            for (int mi = 0; mi < mg; mi++) {
                const int m = g * mg + mi;
                for (int q = 0; q < P; q++) {
                    double s = bias ? bias[m] : 0;
                    for (int k = 0; k < kk; k++)
                        s += (double)w[(size_t)m * kk + k] * col[((size_t)g * kk + k) * P + q];
                    float v = (float)s;
                    switch (p->act.kind) {
                    case ONNXCC_ACT_RELU: v = v > 0 ? v : 0; break;
                    case ONNXCC_ACT_CLIP: v = fminf(fmaxf(v, p->act.a), p->act.b); break;
                    case ONNXCC_ACT_LEAKYRELU: v = v >= 0 ? v : v * p->act.a; break;
                    default: break;
                    }
                    y[n * ys + (size_t)m * P + q] = v;
                }
            }
    }
    free(pad);
    free(col);
}

static float *falloc(size_t n)
{
    float *v = malloc((n ? n : 1) * sizeof *v);
    if (!v) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    return v;
}

/* Sweep shapes (odd sizes, groups, strides, dilations, asymmetric pads,
 * pre-activation, epilogues, strided images) against naive_conv. */
static void test_conv_sweep(void)
{
    static const int cases[][16] = {
        /* N C H W  M  g kH kW sh sw dh dw pt pl pb pr */
        {1, 3, 7, 6, 4, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},
        {2, 4, 9, 5, 6, 2, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1},
        {1, 6, 8, 8, 6, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},   /* depthwise */
        {1, 4, 8, 7, 8, 4, 3, 2, 1, 2, 1, 1, 0, 1, 2, 0},   /* channel multiplier 2 */
        {2, 5, 11, 9, 3, 1, 3, 3, 2, 1, 2, 3, 2, 0, 1, 3}, /* dilations, odd pads */
        {1, 7, 5, 5, 5, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0},   /* 1x1 */
        {1, 3, 1, 17, 4, 1, 1, 5, 1, 2, 1, 2, 0, 2, 0, 1},  /* 1-D */
        {3, 8, 6, 6, 4, 4, 5, 5, 3, 3, 1, 1, 2, 2, 2, 2},
        {1, 2, 4, 4, 2, 1, 4, 4, 1, 1, 1, 1, 3, 3, 3, 3},   /* pad > half kernel */
    };
    for (size_t t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        const int *c = cases[t];
        for (int variant = 0; variant < 4; variant++) {
            OnnxccConv2dParams p = conv_params(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7],
                                               c[8], c[9], c[10], c[11], c[12], c[13], c[14],
                                               c[15]);
            const size_t xsz = (size_t)p.C * p.H * p.W, ysz = (size_t)p.M * p.OH * p.OW;
            const size_t wsz = (size_t)p.M * (p.C / p.group) * p.kH * p.kW;
            /* variant 1/3: strided images (extra channels around them) */
            const int strided = variant & 1;
            const size_t xs = strided ? xsz + 3 * (size_t)p.H * p.W : xsz;
            const size_t ys = strided ? ysz + 2 * (size_t)p.OH * p.OW : ysz;
            const size_t yoff = strided ? (size_t)p.OH * p.OW : 0; /* channel slice at 1 */
            float *x = falloc(xs * p.N), *w = falloc(wsz), *b = falloc(p.M);
            float *sc = falloc(p.C), *sh = falloc(p.C);
            float *y = falloc(ys * p.N), *want = falloc(ys * p.N);
            fill(x, xs * p.N), fill(w, wsz), fill(b, p.M), fill(sc, p.C), fill(sh, p.C);
            for (size_t i = 0; i < ys * p.N; i++)
                y[i] = want[i] = SENTINEL;
            const float *bias = variant == 2 ? NULL : b;
            const float *scale = variant >= 2 ? sc : NULL, *shift = variant >= 2 ? sh : NULL;
            p.pre_relu = variant == 3 || variant == 1;
            p.act.kind = variant; /* none, relu, clip, leakyrelu */
            p.act.a = variant == 2 ? -0.25f : 0.1f;
            p.act.b = 0.5f;
            if (strided)
                p.x_img_stride = xs, p.y_img_stride = ys;
            onnxcc_f32_conv2d_ref(&p, x, w, bias, scale, shift, NULL, y + yoff);
            naive_conv(&p, x, xs, w, bias, scale, shift, want + yoff, ys);
            char what[64];
            snprintf(what, sizeof what, "conv sweep %zu/%d", t, variant);
            EXPECT_CLOSE(what, y, want, ys * p.N, 1e-5, 1e-6); /* sentinels compared too */
            free(x), free(w), free(b), free(sc), free(sh), free(y), free(want);
        }
    }
}

/* group == C: each output channel is a single-channel conv of its input
 * channel, computed here by a direct loop written output-pixel-major. */
static void test_conv_depthwise(void)
{
    enum { C = 5, H = 6, W = 7, K = 3 };
    OnnxccConv2dParams p = conv_params(1, C, H, W, C, C, K, K, 2, 1, 1, 2, 1, 2, 1, 2);
    float x[C * H * W], w[C * K * K], y[C * H * W], want[C * H * W];
    fill(x, C * H * W), fill(w, C * K * K);
    onnxcc_f32_conv2d_ref(&p, x, w, NULL, NULL, NULL, NULL, y);
    for (int c = 0; c < C; c++)
        for (int oh = 0; oh < p.OH; oh++)
            for (int ow = 0; ow < p.OW; ow++) {
                double s = 0;
                for (int i = 0; i < K; i++)
                    for (int j = 0; j < K; j++) {
                        const int h = oh * 2 - 1 + i, ww = ow - 2 + 2 * j;
                        if (h >= 0 && h < H && ww >= 0 && ww < W)
                            s += (double)x[(c * H + h) * W + ww] * w[(c * K + i) * K + j];
                    }
                want[(c * p.OH + oh) * p.OW + ow] = (float)s;
            }
    EXPECT_CLOSE("conv depthwise", y, want, (size_t)C * p.OH * p.OW, 1e-6, 1e-7);

    /* Property: a group-2 conv equals two group-1 convs on the channel
     * halves, the second reading and writing through image strides. */
    enum { N = 2, C2 = 6, M2 = 4 };
    OnnxccConv2dParams g2 = conv_params(N, C2, H, W, M2, 2, K, K, 1, 1, 1, 1, 1, 1, 1, 1);
    OnnxccConv2dParams g1 = conv_params(N, C2 / 2, H, W, M2 / 2, 1, K, K, 1, 1, 1, 1, 1, 1, 1, 1);
    const size_t plane = H * W, oplane = (size_t)g2.OH * g2.OW;
    float x2[N * C2 * H * W], w2[M2 * (C2 / 2) * K * K], y2[N * M2 * H * W], y1[N * M2 * H * W];
    fill(x2, sizeof x2 / sizeof x2[0]), fill(w2, sizeof w2 / sizeof w2[0]);
    onnxcc_f32_conv2d_ref(&g2, x2, w2, NULL, NULL, NULL, NULL, y2);
    g1.x_img_stride = C2 * plane, g1.y_img_stride = M2 * oplane;
    for (int g = 0; g < 2; g++)
        onnxcc_f32_conv2d_ref(&g1, x2 + g * (C2 / 2) * plane, w2 + g * (M2 / 2) * (C2 / 2) * K * K,
                              NULL, NULL, NULL, NULL, y1 + g * (M2 / 2) * oplane);
    EXPECT_EXACT("conv group 2 = two halves", y2, y1, N * M2 * oplane);
}

/* ======================================================================
 * batchnorm, unary
 * ====================================================================== */

static void test_batchnorm(void)
{
    /* C = 2, HW = 2; ch0: (x-1)/2*2 + 0.5, ch1: (x-2)*2*1 - 1 (exact in float). */
    const float x[4] = {1, 2, 3, 4};
    const float scale[2] = {2, 1}, bias[2] = {0.5f, -1}, mean[2] = {1, 2}, var[2] = {4, 0.25f};
    const float want[4] = {0.5f, 1.5f, 1, 3};
    float y[4];
    onnxcc_f32_batchnorm_ref(1, 2, 2, 0.0f, x, scale, bias, mean, var, y);
    EXPECT_EXACT("batchnorm hand", y, want, 4);

    /* Random, eps 1e-5, N = 2, in place, against the textbook formula in double. */
    enum { N = 2, C = 3, HW = 5 };
    float xr[N * C * HW], yr[N * C * HW], wr[N * C * HW], s[C], b[C], m[C], v[C];
    fill(xr, N * C * HW), fill(s, C), fill(b, C), fill(m, C), fill(v, C);
    for (int c = 0; c < C; c++)
        v[c] = v[c] * v[c] + 0.1f;
    for (int n = 0; n < N; n++)
        for (int c = 0; c < C; c++)
            for (int i = 0; i < HW; i++) {
                const int k = (n * C + c) * HW + i;
                wr[k] = (float)((xr[k] - (double)m[c]) / sqrt((double)v[c] + 1e-5f) * s[c] + b[c]);
            }
    memcpy(yr, xr, sizeof yr);
    onnxcc_f32_batchnorm_ref(N, C, HW, 1e-5f, yr, s, b, m, v, yr);
    EXPECT_CLOSE("batchnorm random", yr, wr, N * C * HW, 1e-5, 1e-6);
}

static void test_unary(void)
{
    const float x[6] = {-2, -0.5f, 0, 0.5f, 2, 100};
    float y[6];
    {
        const float want[6] = {0, 0, 0, 0.5f, 2, 100};
        onnxcc_f32_relu_ref(6, x, y);
        EXPECT_EXACT("relu", y, want, 6);
    }
    {
        const float want[6] = {-1, -0.5f, 0, 0.5f, 1.5f, 1.5f};
        onnxcc_f32_clip_ref(6, -1, 1.5f, x, y);
        EXPECT_EXACT("clip", y, want, 6);
        const float want_inv[6] = {1, 1, 1, 1, 1, 1}; /* lo > hi: numpy gives hi */
        onnxcc_f32_clip_ref(6, 3, 1, x, y);
        EXPECT_EXACT("clip lo>hi", y, want_inv, 6);
    }
    {
        const float want[6] = {-0.02f, -0.005f, 0, 0.5f, 2, 100};
        onnxcc_f32_leakyrelu_ref(6, 0.01f, x, y);
        EXPECT_CLOSE("leakyrelu", y, want, 6, 1e-7, 0);
    }
    {
        const float xs[5] = {0, 1, -1, 30, -100};
        /* 1/(1+e^-1) = 0.7310585786300049; sigmoid(-100) = 3.720075976020836e-44 */
        const float want[5] = {0.5f, 0.7310585786f, 0.2689414214f, 1.0f, 3.7200759760e-44f};
        onnxcc_f32_sigmoid_ref(5, xs, y);
        EXPECT_CLOSE("sigmoid", y, want, 4, 1e-7, 0);
        CHECK(y[4] > 0 && y[4] < 1e-43f); /* subnormal, not flushed to 0 */
    }
    {
        float z[6];
        onnxcc_f32_copy_ref(6, x, z);
        EXPECT_EXACT("copy", z, x, 6);
        onnxcc_f32_relu_ref(6, z, z); /* in place */
        const float want[6] = {0, 0, 0, 0.5f, 2, 100};
        EXPECT_EXACT("relu in place", z, want, 6);
    }
    {
        const float nanx[1] = {NAN};
        onnxcc_f32_relu_ref(1, nanx, y);
        CHECK(isnan(y[0]));
    }
}

/* ======================================================================
 * binary broadcast
 * ====================================================================== */

static OnnxccBroadcast bcast(int rank, const size_t *dims, const size_t *as, const size_t *bs)
{
    OnnxccBroadcast p;
    memset(&p, 0, sizeof p);
    p.rank = rank;
    for (int d = 0; d < rank; d++)
        p.dims[d] = dims[d], p.a_strides[d] = as[d], p.b_strides[d] = bs[d];
    return p;
}

static void test_binary(void)
{
    float y[8];
    /* [2,3] + [3] */
    {
        const float a[6] = {1, 2, 3, 4, 5, 6}, b[3] = {10, 20, 30};
        const size_t d[2] = {2, 3}, as[2] = {3, 1}, bs[2] = {0, 1};
        OnnxccBroadcast p = bcast(2, d, as, bs);
        const float want_add[6] = {11, 22, 33, 14, 25, 36};
        const float want_sub[6] = {-9, -18, -27, -6, -15, -24};
        CHECK(onnxcc_f32_add_ref(&p, a, b, y) == 0);
        EXPECT_EXACT("add [2,3]+[3]", y, want_add, 6);
        CHECK(onnxcc_f32_sub_ref(&p, a, b, y) == 0);
        EXPECT_EXACT("sub [2,3]-[3]", y, want_sub, 6);
    }
    /* [2,1] * [1,3] -> [2,3]; [2,1] / [1,3] */
    {
        const float a[2] = {2, 3}, b[3] = {1, 2, 4};
        const size_t d[2] = {2, 3}, as[2] = {1, 0}, bs[2] = {0, 1};
        OnnxccBroadcast p = bcast(2, d, as, bs);
        const float want_mul[6] = {2, 4, 8, 3, 6, 12};
        const float want_div[6] = {2, 1, 0.5f, 3, 1.5f, 0.75f};
        CHECK(onnxcc_f32_mul_ref(&p, a, b, y) == 0);
        EXPECT_EXACT("mul [2,1]*[1,3]", y, want_mul, 6);
        CHECK(onnxcc_f32_div_ref(&p, a, b, y) == 0);
        EXPECT_EXACT("div [2,1]/[1,3]", y, want_div, 6);
    }
    /* rank 0 (scalars) */
    {
        const float a[1] = {1.5f}, b[1] = {2};
        OnnxccBroadcast p = bcast(0, NULL, NULL, NULL);
        CHECK(onnxcc_f32_mul_ref(&p, a, b, y) == 0 && y[0] == 3.0f);
    }
    /* in place: y == a, a dense, b a per-channel [C,1,1] on [1,C,2,2] */
    {
        float a[8] = {1, 2, 3, 4, 5, 6, 7, 8};
        const float b[2] = {100, 200};
        const size_t d[4] = {1, 2, 2, 2}, as[4] = {8, 4, 2, 1}, bs[4] = {0, 1, 0, 0};
        OnnxccBroadcast p = bcast(4, d, as, bs);
        const float want[8] = {101, 102, 103, 104, 205, 206, 207, 208};
        CHECK(onnxcc_f32_add_ref(&p, a, b, a) == 0);
        EXPECT_EXACT("add in place", a, want, 8);
    }
    /* rank > 8 rejected, nothing written */
    {
        OnnxccBroadcast p = bcast(0, NULL, NULL, NULL);
        const float a[1] = {1}, b[1] = {1};
        y[0] = SENTINEL;
        p.rank = 9;
        CHECK(onnxcc_f32_add_ref(&p, a, b, y) == ONNXCC_RT_EPARAM && y[0] == SENTINEL);
        p.rank = -1;
        CHECK(onnxcc_f32_add_ref(&p, a, b, y) == ONNXCC_RT_EPARAM);
    }
    /* Random rank 5: A [3,1,4,1,2] x B [1,2,4,3,1] -> [3,2,4,3,2], by
     * explicit numpy index arithmetic. */
    {
        const size_t ad[5] = {3, 1, 4, 1, 2}, bd[5] = {1, 2, 4, 3, 1}, od[5] = {3, 2, 4, 3, 2};
        size_t as[5], bs[5], ads[5], bds[5];
        ads[4] = bds[4] = 1;
        for (int d = 3; d >= 0; d--)
            ads[d] = ads[d + 1] * ad[d + 1], bds[d] = bds[d + 1] * bd[d + 1];
        for (int d = 0; d < 5; d++)
            as[d] = ad[d] == 1 ? 0 : ads[d], bs[d] = bd[d] == 1 ? 0 : bds[d];
        float a[24], b[24], out[144], want[144];
        fill(a, 24), fill(b, 24);
        OnnxccBroadcast p = bcast(5, od, as, bs);
        CHECK(onnxcc_f32_mul_ref(&p, a, b, out) == 0);
        size_t k = 0;
        for (size_t i0 = 0; i0 < 3; i0++)
            for (size_t i1 = 0; i1 < 2; i1++)
                for (size_t i2 = 0; i2 < 4; i2++)
                    for (size_t i3 = 0; i3 < 3; i3++)
                        for (size_t i4 = 0; i4 < 2; i4++) {
                            const float av = a[((i0 * 1 + 0) * 4 + i2) * 2 + i4];
                            const float bv = b[(i1 * 4 + i2) * 3 + i3];
                            want[k++] = av * bv;
                        }
        EXPECT_EXACT("mul rank 5 broadcast", out, want, 144);
    }
}

/* ======================================================================
 * concat
 * ====================================================================== */

static void test_concat(void)
{
    /* [2][1][2] ++ [2][2][2] ++ [2][0][2] along axis 1 -> [2][3][2] */
    const float a[4] = {1, 2, 3, 4}, b[8] = {10, 11, 12, 13, 14, 15, 16, 17};
    const float *const xs[3] = {a, b, a};
    const size_t sizes[3] = {1, 2, 0};
    const float want[12] = {1, 2, 10, 11, 12, 13, 3, 4, 14, 15, 16, 17};
    float y[12];
    onnxcc_f32_concat_ref(2, 2, 3, xs, sizes, y);
    EXPECT_EXACT("concat axis 1", y, want, 12);
    /* axis 0 (outer 1), inner 1 */
    const float *const xs2[2] = {b, a};
    const size_t sizes2[2] = {3, 2};
    const float want2[5] = {10, 11, 12, 1, 2};
    onnxcc_f32_concat_ref(1, 1, 2, xs2, sizes2, y);
    EXPECT_EXACT("concat axis 0", y, want2, 5);
}

/* ======================================================================
 * pooling
 * ====================================================================== */

static OnnxccPool2dParams pool_params(int N, int C, int H, int W, int OH, int OW, int kH, int kW,
                                      int sh, int sw, int pt, int pl, int pb, int pr)
{
    OnnxccPool2dParams p;
    memset(&p, 0, sizeof p);
    p.N = N, p.C = C, p.H = H, p.W = W, p.OH = OH, p.OW = OW, p.kH = kH, p.kW = kW;
    p.stride_h = sh, p.stride_w = sw, p.dil_h = 1, p.dil_w = 1;
    p.pad_t = pt, p.pad_l = pl, p.pad_b = pb, p.pad_r = pr;
    return p;
}

static void test_pool(void)
{
    float x[30], y[25];
    for (int i = 0; i < 30; i++)
        x[i] = (float)(i + 1);
    /* ONNX test_maxpool_2d_ceil / test_averagepool_2d_ceil: 4x4, k3 s2, ceil. */
    {
        OnnxccPool2dParams p = pool_params(1, 1, 4, 4, 2, 2, 3, 3, 2, 2, 0, 0, 0, 0);
        const float want_max[4] = {11, 12, 15, 16}, want_avg[4] = {6, 7.5f, 12, 13.5f};
        onnxcc_f32_maxpool2d_ref(&p, x, y);
        EXPECT_EXACT("test_maxpool_2d_ceil", y, want_max, 4);
        onnxcc_f32_avgpool2d_ref(&p, x, y);
        EXPECT_EXACT("test_averagepool_2d_ceil", y, want_avg, 4);
        p.count_include_pad = 1; /* no pads: same divisors */
        onnxcc_f32_avgpool2d_ref(&p, x, y);
        EXPECT_EXACT("averagepool_2d_ceil include_pad", y, want_avg, 4);
    }
    /* ONNX test_*pool_2d_precomputed_pads*: 5x5, k5, pads 2. */
    {
        OnnxccPool2dParams p = pool_params(1, 1, 5, 5, 5, 5, 5, 5, 1, 1, 2, 2, 2, 2);
        const float want_max[25] = {13, 14, 15, 15, 15, 18, 19, 20, 20, 20, 23, 24, 25,
                                    25, 25, 23, 24, 25, 25, 25, 23, 24, 25, 25, 25};
        const float want_avg[25] = {7,  7.5f,  8,  8.5f,  9,  9.5f,  10, 10.5f, 11,
                                    11.5f, 12, 12.5f, 13, 13.5f, 14, 14.5f, 15, 15.5f,
                                    16, 16.5f, 17, 17.5f, 18, 18.5f, 19};
        const float want_inc[25] = {2.52f, 3.6f,  4.8f,  4.08f, 3.24f, 4.56f, 6.4f,
                                    8.4f,  7.04f, 5.52f, 7.2f,  10,    13,    10.8f,
                                    8.4f,  6.96f, 9.6f,  12.4f, 10.24f, 7.92f, 6.12f,
                                    8.4f,  10.8f, 8.88f, 6.84f};
        onnxcc_f32_maxpool2d_ref(&p, x, y);
        EXPECT_EXACT("test_maxpool_2d_precomputed_pads", y, want_max, 25);
        onnxcc_f32_avgpool2d_ref(&p, x, y);
        EXPECT_EXACT("test_averagepool_2d_precomputed_pads", y, want_avg, 25);
        p.count_include_pad = 1;
        onnxcc_f32_avgpool2d_ref(&p, x, y);
        EXPECT_CLOSE("test_averagepool_2d_precomputed_pads_count_include_pad", y, want_inc, 25,
                     1e-7, 0);
    }
    /* ONNX test_averagepool_2d_precomputed_strides: 5x5, k2 s2. */
    {
        OnnxccPool2dParams p = pool_params(1, 1, 5, 5, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0);
        const float want[4] = {4, 6, 14, 16};
        onnxcc_f32_avgpool2d_ref(&p, x, y);
        EXPECT_EXACT("test_averagepool_2d_precomputed_strides", y, want, 4);
    }
    /* ONNX test_maxpool_2d_dilations: 4x4, k2, dilations 2. */
    {
        OnnxccPool2dParams p = pool_params(1, 1, 4, 4, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0);
        const float want[4] = {11, 12, 15, 16};
        p.dil_h = p.dil_w = 2;
        onnxcc_f32_maxpool2d_ref(&p, x, y);
        EXPECT_EXACT("test_maxpool_2d_dilations", y, want, 4);
    }
    /* ceil_mode windows running past the padding.  4x4 (1..16), k3 s2,
     * pads 1, ceil -> 3x3.  Window (2,2) covers rows/cols 3..5: row 3 real,
     * row 4 in the pad, row 5 beyond it.  count_include_pad divides by the
     * taps in the padded input (2x2 = 4): 16/4 = 4, not 16/9.  Window (0,0)
     * covers rows/cols -1..1: 9 taps, (1+2+5+6)/9.  Values agree with
     * onnxruntime 1.30. */
    {
        OnnxccPool2dParams p = pool_params(1, 1, 4, 4, 3, 3, 3, 3, 2, 2, 1, 1, 1, 1);
        const float want_inc[9] = {14.0f / 9, 30.0f / 9, 12.0f / 6, 57.0f / 9, 99.0f / 9,
                                   36.0f / 6, 27.0f / 6, 45.0f / 6, 16.0f / 4};
        const float want_exc[9] = {3.5f, 5, 6, 9.5f, 11, 12, 13.5f, 15, 16};
        const float want_max[9] = {6, 8, 8, 14, 16, 16, 14, 16, 16};
        p.count_include_pad = 1;
        onnxcc_f32_avgpool2d_ref(&p, x, y);
        EXPECT_CLOSE("avgpool ceil pads include_pad", y, want_inc, 9, 1e-7, 0);
        p.count_include_pad = 0;
        onnxcc_f32_avgpool2d_ref(&p, x, y);
        EXPECT_CLOSE("avgpool ceil pads exclude_pad", y, want_exc, 9, 1e-7, 0);
        onnxcc_f32_maxpool2d_ref(&p, x, y);
        EXPECT_EXACT("maxpool ceil pads", y, want_max, 9);
    }
    /* Asymmetric: 5x6 (1..30), k3x2, s2x3, pads t2 l0 b0 r1, ceil -> 3x2
     * (onnxruntime drops a last window starting in the right padding). */
    {
        OnnxccPool2dParams p = pool_params(1, 1, 5, 6, 3, 2, 3, 2, 2, 3, 2, 0, 0, 1);
        const float want_inc[6] = {0.5f, 1.5f, 7.5f, 10.5f, 19.5f, 22.5f};
        const float want_max[6] = {2, 5, 14, 17, 26, 29};
        p.count_include_pad = 1;
        onnxcc_f32_avgpool2d_ref(&p, x, y);
        EXPECT_EXACT("avgpool asym include_pad", y, want_inc, 6);
        onnxcc_f32_maxpool2d_ref(&p, x, y);
        EXPECT_EXACT("maxpool asym", y, want_max, 6);
    }
    /* 1-D as H = 1: [1..7], k3 s2 pad 1 1 -> 4: avg of {1,2}, {2,3,4}, {4,5,6}, {6,7}. */
    {
        OnnxccPool2dParams p = pool_params(1, 1, 1, 7, 1, 4, 1, 3, 1, 2, 0, 1, 0, 1);
        const float want_exc[4] = {1.5f, 3, 5, 6.5f};
        const float want_inc[4] = {1, 3, 5, 13.0f / 3};
        const float want_max[4] = {2, 4, 6, 7};
        onnxcc_f32_avgpool2d_ref(&p, x, y);
        EXPECT_EXACT("avgpool 1d", y, want_exc, 4);
        p.count_include_pad = 1;
        onnxcc_f32_avgpool2d_ref(&p, x, y);
        EXPECT_CLOSE("avgpool 1d include_pad", y, want_inc, 4, 1e-7, 0);
        onnxcc_f32_maxpool2d_ref(&p, x, y);
        EXPECT_EXACT("maxpool 1d", y, want_max, 4);
    }
    /* Negative inputs: max of an all-negative window is not 0 from padding. */
    {
        const float xn[4] = {-4, -3, -2, -1};
        OnnxccPool2dParams p = pool_params(1, 1, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 0, 0);
        const float want[4] = {-4, -3, -2, -1};
        onnxcc_f32_maxpool2d_ref(&p, xn, y);
        EXPECT_EXACT("maxpool negative with pads", y, want, 4);
    }
    /* Strided images: 2x2/2 average of N=2, C=2 images written as channels
     * 1..2 of a 4-channel buffer, reading channels 0..1 of a 3-channel one. */
    {
        enum { N = 2, C = 2, H = 4, W = 4, CX = 3, CY = 4 };
        float xb[N * CX * H * W], yb[N * CY * 4], want[N * CY * 4];
        fill(xb, N * CX * H * W);
        for (int i = 0; i < N * CY * 4; i++)
            yb[i] = want[i] = SENTINEL;
        for (int n = 0; n < N; n++)
            for (int c = 0; c < C; c++)
                for (int oh = 0; oh < 2; oh++)
                    for (int ow = 0; ow < 2; ow++) {
                        const float *q = xb + ((n * CX + c) * H + 2 * oh) * W + 2 * ow;
                        want[((n * CY + c + 1) * 2 + oh) * 2 + ow] =
                            (float)(((double)q[0] + q[1] + q[W] + q[W + 1]) / 4);
                    }
        OnnxccPool2dParams p = pool_params(N, C, H, W, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0);
        p.x_img_stride = CX * H * W, p.y_img_stride = CY * 4;
        onnxcc_f32_avgpool2d_ref(&p, xb, yb + 4);
        EXPECT_CLOSE("avgpool strided images", yb, want, N * CY * 4, 1e-7, 0);
    }
}

static void test_globalpool(void)
{
    const float x[8] = {1, 2, 3, 6, -1, -2, -3, -4};
    const float want_avg[2] = {3, -2.5f}, want_max[2] = {6, -1};
    float y[2];
    onnxcc_f32_globalavgpool_ref(2, 4, x, y);
    EXPECT_EXACT("globalavgpool", y, want_avg, 2);
    onnxcc_f32_globalmaxpool_ref(2, 4, x, y);
    EXPECT_EXACT("globalmaxpool", y, want_max, 2);
}

/* ======================================================================
 * gemm, matmul
 * ====================================================================== */

static void test_gemm(void)
{
    /* ONNX test_gemm_all_attributes: A [4][3] (transA), B [5][4] (transB),
     * C [1][5], alpha 0.25, beta 0.35. */
    {
        const float a[12] = {0.54881352f, 0.71518934f, 0.60276335f, 0.54488319f,
                             0.42365479f, 0.64589411f, 0.43758720f, 0.89177299f,
                             0.96366274f, 0.38344151f, 0.79172504f, 0.52889490f};
        const float b[20] = {0.56804454f, 0.92559665f, 0.07103606f, 0.08712930f, 0.02021840f,
                             0.83261985f, 0.77815676f, 0.87001216f, 0.97861832f, 0.79915857f,
                             0.46147937f, 0.78052920f, 0.11827443f, 0.63992101f, 0.14335328f,
                             0.94466889f, 0.52184832f, 0.41466194f, 0.26455561f, 0.77423370f};
        const float c[5] = {0.45615032f, 0.56843394f, 0.01878980f, 0.61763549f, 0.61209571f};
        const float want[15] = {0.37979913f, 0.48367360f, 0.37501436f, 0.42580932f, 0.44547832f,
                                0.39233345f, 0.63644016f, 0.52356744f, 0.52403510f, 0.56368291f,
                                0.42334533f, 0.63895106f, 0.49747032f, 0.49676925f, 0.52593583f};
        OnnxccGemmParams p = {3, 5, 4, 1, 1, 0.25f, 0.35f, 0, 1, 0};
        float y[15];
        onnxcc_f32_gemm_ref(&p, a, b, c, y);
        EXPECT_CLOSE("test_gemm_all_attributes", y, want, 15, 1e-6, 0);
    }
    /* Hand: [[1,2],[3,4]] x [[5,6],[7,8]] = [[19,22],[43,50]]; + scalar C 1
     * with beta 2; alpha 1. */
    {
        const float a[4] = {1, 2, 3, 4}, b[4] = {5, 6, 7, 8}, c[1] = {1};
        const float want[4] = {21, 24, 45, 52};
        OnnxccGemmParams p = {2, 2, 2, 0, 0, 1.0f, 2.0f, 0, 0, 0};
        float y[4];
        onnxcc_f32_gemm_ref(&p, a, b, c, y);
        EXPECT_EXACT("gemm hand", y, want, 4);
    }
    /* Random sweep: every transpose pair and C form, against a triple loop
     * indexing the stored (untransposed) matrices directly. */
    enum { M = 7, N = 5, K = 9 };
    float a[M * K], b[K * N], c[M * N], y[M * N], want[M * N];
    fill(a, M * K), fill(b, K * N), fill(c, M * N);
    for (int ta = 0; ta < 2; ta++)
        for (int tb = 0; tb < 2; tb++)
            for (int cf = 0; cf < 5; cf++) {
                /* cf: 0 none, 1 [M][N], 2 [N], 3 [M][1], 4 scalar */
                static const size_t rs[5] = {0, N, 0, 1, 0}, cs[5] = {0, 1, 1, 0, 0};
                OnnxccGemmParams p = {M, N, K, ta, tb, 0.5f, -1.5f, rs[cf], cs[cf], 0};
                for (int i = 0; i < M; i++)
                    for (int j = 0; j < N; j++) {
                        double s = 0;
                        for (int k = 0; k < K; k++) {
                            const float av = ta ? a[k * M + i] : a[i * K + k];
                            const float bv = tb ? b[j * K + k] : b[k * N + j];
                            s += (double)av * bv;
                        }
                        s *= 0.5;
                        if (cf == 1) s += -1.5 * c[i * N + j];
                        if (cf == 2) s += -1.5 * c[j];
                        if (cf == 3) s += -1.5 * c[i];
                        if (cf == 4) s += -1.5 * c[0];
                        want[i * N + j] = (float)s;
                    }
                onnxcc_f32_gemm_ref(&p, a, b, cf ? c : NULL, y);
                char what[48];
                snprintf(what, sizeof what, "gemm ta=%d tb=%d c=%d", ta, tb, cf);
                EXPECT_CLOSE(what, y, want, M * N, 1e-6, 1e-7);
            }
    /* y == c (dense [M][N]) is allowed. */
    {
        OnnxccGemmParams p = {M, N, K, 0, 0, 1.0f, 1.0f, N, 1, 0};
        float cy[M * N];
        memcpy(cy, c, sizeof cy);
        onnxcc_f32_gemm_ref(&p, a, b, c, want);
        onnxcc_f32_gemm_ref(&p, a, b, cy, cy);
        EXPECT_EXACT("gemm y == c", cy, want, M * N);
    }
}

static void test_matmul(void)
{
    /* Hand 2x3 x 3x2. */
    {
        const float a[6] = {1, 2, 3, 4, 5, 6}, b[6] = {7, 8, 9, 10, 11, 12};
        const float want[4] = {58, 64, 139, 154};
        OnnxccMatmulParams p = {2, 3, 2, 1, 6, 6, 0, 0};
        float y[4];
        onnxcc_f32_matmul_ref(&p, a, b, y);
        EXPECT_EXACT("matmul hand", y, want, 4);
    }
    /* [3][M][K] x [K][N] (B broadcast) and [M][K] x [3][K][N] (A broadcast). */
    enum { B = 3, M = 4, K = 6, N = 5 };
    float a[B * M * K], b[B * K * N], y[B * M * N], want[B * M * N];
    fill(a, B * M * K), fill(b, B * K * N);
    for (int mode = 0; mode < 3; mode++) {
        /* mode 0: both batched, 1: B broadcast, 2: A broadcast */
        const size_t as = mode == 2 ? 0 : M * K, bs = mode == 1 ? 0 : K * N;
        OnnxccMatmulParams p = {M, K, N, B, as, bs, 0, 0};
        for (int t = 0; t < B; t++)
            for (int i = 0; i < M; i++)
                for (int j = 0; j < N; j++) {
                    double s = 0;
                    for (int k = 0; k < K; k++)
                        s += (double)a[(mode == 2 ? 0 : t) * M * K + i * K + k] *
                             b[(mode == 1 ? 0 : t) * K * N + k * N + j];
                    want[(t * M + i) * N + j] = (float)s;
                }
        onnxcc_f32_matmul_ref(&p, a, b, y);
        char what[32];
        snprintf(what, sizeof what, "matmul batch mode %d", mode);
        EXPECT_CLOSE(what, y, want, B * M * N, 1e-6, 1e-7);
    }
}

/* ======================================================================
 * pad
 * ====================================================================== */

/* Pads a 1..n ramp of the given shape; returns the status. */
static int pad_ramp(int mode, int rank, const size_t *dims, const ptrdiff_t *pads, float value,
                    float *y)
{
    OnnxccPadParams p;
    float x[64];
    memset(&p, 0, sizeof p);
    p.rank = rank, p.mode = mode, p.value = value;
    for (int d = 0; d < rank; d++)
        p.in_dims[d] = dims[d], p.begin[d] = pads[d], p.end[d] = pads[rank + d];
    for (int i = 0; i < 64; i++)
        x[i] = (float)(i + 1);
    return onnxcc_f32_pad_ref(&p, x, y);
}

/* Expected values below were checked with onnxruntime 1.30 (opset 13). */
static void test_pad(void)
{
    float y[64];
    const size_t d3[1] = {3}, d5[1] = {5}, d23[2] = {2, 3};
    {
        const ptrdiff_t pads[2] = {2, 2};
        const float want_r[7] = {3, 2, 1, 2, 3, 2, 1}, want_e[7] = {1, 1, 1, 2, 3, 3, 3};
        const float want_c[7] = {-1, -1, 1, 2, 3, -1, -1};
        CHECK(pad_ramp(ONNXCC_PAD_REFLECT, 1, d3, pads, 0, y) == 0);
        EXPECT_EXACT("pad reflect", y, want_r, 7);
        CHECK(pad_ramp(ONNXCC_PAD_EDGE, 1, d3, pads, 0, y) == 0);
        EXPECT_EXACT("pad edge", y, want_e, 7);
        CHECK(pad_ramp(ONNXCC_PAD_CONSTANT, 1, d3, pads, -1, y) == 0);
        EXPECT_EXACT("pad constant", y, want_c, 7);
    }
    {
        const ptrdiff_t crop[2] = {-1, 2}, all[2] = {-4, 2};
        const float want[4] = {2, 3, 9, 9}, want_all[1] = {9};
        CHECK(pad_ramp(ONNXCC_PAD_CONSTANT, 1, d3, crop, 9, y) == 0);
        EXPECT_EXACT("pad constant crop", y, want, 4);
        CHECK(pad_ramp(ONNXCC_PAD_CONSTANT, 1, d3, all, 9, y) == 0);
        EXPECT_EXACT("pad constant crop all", y, want_all, 1);
    }
    {
        const ptrdiff_t r[2] = {-1, 2}, e[2] = {2, -2};
        const float want_r[6] = {2, 3, 4, 5, 4, 3}, want_e[5] = {1, 1, 1, 2, 3};
        CHECK(pad_ramp(ONNXCC_PAD_REFLECT, 1, d5, r, 0, y) == 0);
        EXPECT_EXACT("pad reflect crop", y, want_r, 6);
        CHECK(pad_ramp(ONNXCC_PAD_EDGE, 1, d5, e, 0, y) == 0);
        EXPECT_EXACT("pad edge crop", y, want_e, 5);
    }
    {
        const ptrdiff_t e[4] = {1, -1, 0, 1}, r[4] = {1, 2, 1, 0};
        const float want_e[9] = {2, 3, 3, 2, 3, 3, 5, 6, 6};
        const float want_r[20] = {6, 5, 4, 5, 6, 3, 2, 1, 2, 3, 6, 5, 4, 5, 6, 3, 2, 1, 2, 3};
        CHECK(pad_ramp(ONNXCC_PAD_EDGE, 2, d23, e, 0, y) == 0);
        EXPECT_EXACT("pad edge 2-D", y, want_e, 9);
        CHECK(pad_ramp(ONNXCC_PAD_REFLECT, 2, d23, r, 0, y) == 0);
        EXPECT_EXACT("pad reflect 2-D", y, want_r, 20);
    }
    /* NCHW constant pad of H and W (ONNX test_constant_pad form) vs loops. */
    {
        const size_t d4[4] = {1, 2, 2, 3};
        const ptrdiff_t pads[8] = {0, 0, 1, 0, 0, 0, 0, 2};
        float want[2 * 3 * 5];
        int k = 0;
        for (int c = 0; c < 2; c++)
            for (int h = -1; h < 2; h++)
                for (int w = 0; w < 5; w++)
                    want[k++] = (h >= 0 && w < 3) ? (float)(1 + (c * 2 + h) * 3 + w) : 1.25f;
        CHECK(pad_ramp(ONNXCC_PAD_CONSTANT, 4, d4, pads, 1.25f, y) == 0);
        EXPECT_EXACT("pad constant NCHW", y, want, 30);
    }
    /* Rejected (onnxruntime rejects these too). */
    {
        const ptrdiff_t big[2] = {3, 0}, crop_big[2] = {-1, 4}, neg[2] = {-2, -2};
        const size_t d1[1] = {1};
        const ptrdiff_t one[2] = {1, 0}, edge0[2] = {-3, 1};
        y[0] = SENTINEL;
        CHECK(pad_ramp(ONNXCC_PAD_REFLECT, 1, d3, big, 0, y) == ONNXCC_RT_EPARAM);
        CHECK(pad_ramp(ONNXCC_PAD_REFLECT, 1, d5, crop_big, 0, y) == ONNXCC_RT_EPARAM);
        CHECK(pad_ramp(ONNXCC_PAD_REFLECT, 1, d1, one, 0, y) == ONNXCC_RT_EPARAM);
        CHECK(pad_ramp(ONNXCC_PAD_EDGE, 1, d3, edge0, 0, y) == ONNXCC_RT_EPARAM);
        CHECK(pad_ramp(ONNXCC_PAD_CONSTANT, 1, d3, neg, 0, y) == ONNXCC_RT_EPARAM);
        CHECK(pad_ramp(7, 1, d3, one, 0, y) == ONNXCC_RT_EPARAM);
        OnnxccPadParams p;
        memset(&p, 0, sizeof p);
        p.rank = 9;
        CHECK(onnxcc_f32_pad_ref(&p, y, y) == ONNXCC_RT_EPARAM);
        CHECK(y[0] == SENTINEL);
    }
}

/* ======================================================================
 * softmax
 * ====================================================================== */

static void test_softmax(void)
{
    float y[6];
    /* ONNX test_softmax_example: [-1, 0, 1]. */
    const float want[3] = {0.09003057330846786f, 0.2447284609079361f, 0.6652409434318542f};
    {
        const float x[3] = {-1, 0, 1};
        onnxcc_f32_softmax_ref(1, 3, 1, x, y);
        EXPECT_CLOSE("softmax example", y, want, 3, 1e-6, 0);
    }
    /* Shift invariance without overflow (test_softmax_large_number form). */
    {
        const float x[3] = {10000, 10001, 10002};
        onnxcc_f32_softmax_ref(1, 3, 1, x, y);
        EXPECT_CLOSE("softmax large", y, want, 3, 1e-6, 0);
    }
    /* Axis in the middle: x [1][3][2], column j = {-1,0,1} + 5j; in place. */
    {
        float x[6] = {-1, 4, 0, 5, 1, 6};
        const float w2[6] = {want[0], want[0], want[1], want[1], want[2], want[2]};
        onnxcc_f32_softmax_ref(1, 3, 2, x, x);
        EXPECT_CLOSE("softmax inner 2 in place", x, w2, 6, 1e-6, 0);
    }
    /* outer 2, and logsoftmax = log(softmax). */
    {
        const float x[6] = {-1, 0, 1, 2, 3, 4};
        const float wl[6] = {-2.4076059644443806f, -1.4076059644443806f, -0.4076059644443806f,
                             -2.4076059644443806f, -1.4076059644443806f, -0.4076059644443806f};
        onnxcc_f32_softmax_ref(2, 3, 1, x, y);
        EXPECT_CLOSE("softmax outer 2 row 0", y, want, 3, 1e-6, 0);
        EXPECT_CLOSE("softmax outer 2 row 1", y + 3, want, 3, 1e-6, 0);
        onnxcc_f32_logsoftmax_ref(2, 3, 1, x, y);
        EXPECT_CLOSE("logsoftmax", y, wl, 6, 1e-6, 0);
    }
    /* Sums to 1 on a long random row. */
    {
        enum { L = 1000 };
        float x[L], s[L];
        fill(x, L);
        for (int i = 0; i < L; i++)
            x[i] *= 20;
        onnxcc_f32_softmax_ref(1, L, 1, x, s);
        double sum = 0;
        for (int i = 0; i < L; i++)
            sum += s[i];
        CHECK(fabs(sum - 1) < 1e-6);
    }
}

int main(void)
{
    test_conv_hand();
    test_conv_onnx_data();
    test_conv_preact();
    test_conv_epilogue();
    test_conv_sweep();
    test_conv_depthwise();
    test_batchnorm();
    test_unary();
    test_binary();
    test_concat();
    test_pool();
    test_globalpool();
    test_gemm();
    test_matmul();
    test_pad();
    test_softmax();
    if (failures) {
        fprintf(stderr, "test_rt_ref: %d failure(s)\n", failures);
        return 1;
    }
    printf("test_rt_ref: all passed\n");
    return 0;
}
