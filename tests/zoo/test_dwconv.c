/* test_dwconv.c — the fast depthwise conv (every ISA level the CPU has) and
 * the fused residual add against the reference kernels, at awkward sizes:
 * odd and tiny maps, strides 1-3, dilation, asymmetric and oversized pads,
 * kernels from 1x1 to 9x9 (past the row cache: tap by tap), wide rows
 * (chunked), batches with image strides, pre-activation and every epilogue;
 * a sweep of the direct 3x3, 5x5 and 7x7 kernels (stride 1 and 2, and
 * dilation 2) over widths and heights below, at and above their vector
 * widths and row bands, every pad and epilogue; their flat form for narrow
 * planes; the channels-in-lanes kernel for small maps; and bitwise
 * identical results for 1, 2 and 3 threads. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <onnxcc/rt.h>

static unsigned rng = 12345;
static float frand(void)
{
    rng = rng * 1664525u + 1013904223u;
    return (float)((rng >> 8) & 0xffff) / 32768.0f - 1.0f;
}

static float *rand_buf(size_t n)
{
    float *b = malloc(sizeof(float) * (n ? n : 1));
    for (size_t i = 0; i < n; i++)
        b[i] = frand();
    return b;
}

static int failures;

static void check(const char *what, const float *got, const float *want, size_t n, double tol)
{
    double worst = 0, scale = 1e-30;
    for (size_t i = 0; i < n; i++)
        scale = fmax(scale, fabs(want[i]));
    for (size_t i = 0; i < n; i++) {
        double d = fabs((double)got[i] - want[i]);
        if (!(d <= worst)) /* NaN counts */
            worst = d;
    }
    if (!(worst <= tol * scale)) {
        printf("FAIL %s: max error %g of max |ref| %g\n", what, worst, scale);
        failures++;
    }
}

/* One layer: C channels, HxW, kernel kHxkW, strides, dilations, pads. */
static void dw_case(int N, int C, int H, int W, int kH, int kW, int sh, int sw, int dh, int dw,
                    int pt, int pl, int pb, int pr, int pre, int act, int gap)
{
    OnnxccConv2dParams p = {0};
    p.N = N, p.C = C, p.H = H, p.W = W, p.M = C, p.group = C;
    p.kH = kH, p.kW = kW, p.stride_h = sh, p.stride_w = sw, p.dil_h = dh, p.dil_w = dw;
    p.pad_t = pt, p.pad_l = pl, p.pad_b = pb, p.pad_r = pr;
    p.OH = (H + pt + pb - dh * (kH - 1) - 1) / sh + 1;
    p.OW = (W + pl + pr - dw * (kW - 1) - 1) / sw + 1;
    if (p.OH <= 0 || p.OW <= 0)
        return;
    p.x_img_stride = gap ? (size_t)C * H * W + 7 : 0;
    p.y_img_stride = gap ? (size_t)C * p.OH * p.OW + 5 : 0;
    p.pre_relu = pre > 1;
    p.act.kind = act;
    p.act.a = act == ONNXCC_ACT_CLIP ? -0.25f : 0.1f;
    p.act.b = 0.5f;
    if (!onnxcc_f32_dwconv2d_fits(&p)) {
        printf("FAIL: a depthwise layer is not taken\n");
        failures++;
        return;
    }
    size_t xs = gap ? p.x_img_stride : (size_t)C * H * W, ys = gap ? p.y_img_stride : (size_t)C * p.OH * p.OW;
    size_t yn = (size_t)N * ys;
    float *x = rand_buf((size_t)N * xs), *w = rand_buf((size_t)C * kH * kW), *b = rand_buf((size_t)C);
    float *sc = pre ? rand_buf((size_t)C) : NULL, *sh_ = pre ? rand_buf((size_t)C) : NULL;
    float *want = calloc(yn, sizeof(float)), *got = calloc(yn, sizeof(float)), *got_t = calloc(yn, sizeof(float));
    onnxcc_f32_conv2d_ref(&p, x, w, (C & 1) ? NULL : b, sc, sh_, NULL, want);
    char what[200];
    static const char *const isas[] = {"scalar", "avx2", "avx512"};
    for (int isa = 0; isa < 3; isa++) {
        setenv("ONNXCC_ISA", isas[isa], 1);
        if (onnxcc_rt_isa() != isa)
            continue;
        onnxcc_set_num_threads(1);
        memset(got, 0, yn * sizeof(float));
        onnxcc_f32_dwconv2d(&p, x, w, (C & 1) ? NULL : b, sc, sh_, got);
        snprintf(what, sizeof what, "dwconv %s N%d C%d %dx%d k%dx%d s%d,%d d%d,%d p%d,%d,%d,%d pre%d act%d gap%d",
                 isas[isa], N, C, H, W, kH, kW, sh, sw, dh, dw, pt, pl, pb, pr, pre, act, gap);
        check(what, got, want, yn, 1e-5);
        for (int threads = 2; threads <= 3; threads++) {
            onnxcc_set_num_threads(threads);
            memset(got_t, 0, yn * sizeof(float));
            onnxcc_f32_dwconv2d(&p, x, w, (C & 1) ? NULL : b, sc, sh_, got_t);
            if (memcmp(got, got_t, yn * sizeof(float)) != 0) {
                printf("FAIL %s: 1 and %d threads differ\n", what, threads);
                failures++;
            }
        }
    }
    unsetenv("ONNXCC_ISA");
    onnxcc_set_num_threads(0);
    free(x), free(w), free(b), free(sc), free(sh_), free(want), free(got), free(got_t);
}

static void add_case(size_t n, int act)
{
    float *a = rand_buf(n), *b = rand_buf(n), *want = calloc(n + 1, sizeof(float)), *got = calloc(n + 1, sizeof(float));
    OnnxccBroadcast bc = {1, {n}, {1}, {1}};
    onnxcc_f32_add_ref(&bc, a, b, want);
    if (act == ONNXCC_ACT_RELU)
        onnxcc_f32_relu_ref(n, want, want);
    if (act == ONNXCC_ACT_CLIP)
        onnxcc_f32_clip_ref(n, 0.0f, 0.75f, want, want);
    OnnxccAct ac = {act, 0.0f, 0.75f};
    onnxcc_f32_add_act(n, a, b, ac, got, 0);
    char what[64];
    snprintf(what, sizeof what, "add_act n%zu act%d", n, act);
    check(what, got, want, n, 0); /* one rounding each: exact */
    onnxcc_f32_add_act(n, a, b, ac, a, 0); /* in place */
    check(what, a, want, n, 0);
    free(a), free(b), free(want), free(got);
}

int main(void)
{
    /* MobileNet's shapes, small */
    dw_case(1, 16, 14, 14, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 0, ONNXCC_ACT_CLIP, 0);
    dw_case(1, 16, 15, 15, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 0, ONNXCC_ACT_CLIP, 0);
    dw_case(1, 8, 7, 7, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 0, ONNXCC_ACT_NONE, 0);
    /* odd sizes, asymmetric pads, every epilogue, pre-activations, batches */
    int hw[][2] = {{1, 1}, {1, 9}, {5, 3}, {13, 17}, {33, 31}, {2, 40}};
    for (size_t s = 0; s < sizeof hw / sizeof *hw; s++)
        for (int st = 1; st <= 3; st++)
            for (int act = 0; act < 4; act++)
                dw_case(1 + (act & 1), 3 + act, hw[s][0], hw[s][1], 3, 3, st, st == 3 ? 1 : st, 1, 1,
                        act & 1, 1, 1, (act >> 1) & 1, act % 3, act, act == 2);
    /* other kernels and dilations */
    dw_case(2, 5, 11, 12, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 2, ONNXCC_ACT_RELU, 1);
    dw_case(1, 4, 19, 21, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2, 1, ONNXCC_ACT_NONE, 0);
    dw_case(1, 4, 19, 21, 5, 5, 2, 2, 1, 1, 2, 2, 2, 2, 0, ONNXCC_ACT_RELU, 0);
    dw_case(1, 3, 17, 16, 3, 5, 1, 2, 2, 3, 2, 4, 0, 3, 2, ONNXCC_ACT_LEAKYRELU, 0);
    dw_case(1, 2, 20, 20, 9, 9, 1, 1, 1, 1, 4, 4, 4, 4, 1, ONNXCC_ACT_NONE, 0); /* 81 taps: tap by tap */
    dw_case(1, 2, 6, 6, 3, 3, 1, 1, 1, 1, 5, 7, 5, 7, 0, ONNXCC_ACT_NONE, 0);   /* pads past the kernel */
    /* wide rows: frame bands of one row, and chunked rows at stride 2 */
    dw_case(1, 2, 5, 3001, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 0, ONNXCC_ACT_RELU, 0);
    dw_case(1, 2, 5, 5001, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 2, ONNXCC_ACT_RELU, 0);
    /* enough work for several tasks */
    dw_case(2, 24, 28, 28, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 0, ONNXCC_ACT_CLIP, 1);
    dw_case(1, 24, 29, 29, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, ONNXCC_ACT_CLIP, 0);

    /* the direct 3x3, 5x5 and 7x7 kernels: widths around 8 and 16 lanes,
     * heights around bands of 7 rows, pads 0 to K-1 per side (reads past
     * both borders) */
    static const int widths[] = {1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 23, 31, 32, 33, 47, 49};
    static const int heights[] = {1, 2, 3, 6, 7, 8, 13, 15, 16};
    static const int pads[][4] = {{1, 1, 1, 1}, {0, 0, 0, 0}, {2, 1, 0, 2}, {0, 2, 1, 0}, {1, 0, 2, 1}};
    int v = 0;
    for (int k = 3; k <= 7; k += 2)
        for (size_t i = 0; i < sizeof widths / sizeof *widths; i++)
            for (size_t j = 0; j < sizeof heights / sizeof *heights; j++)
                for (int st = 1; st <= 2; st++, v++) {
                    const int *pd = pads[v % 5], m = k / 2; /* pads scaled to the kernel */
                    dw_case(1 + (v % 7 == 0), 2 + v % 3, heights[j], widths[i], k, k, st, st, 1, 1, pd[0] * m,
                            pd[1] * m + (k > 3 && pd[1] == 0), pd[2] * m, pd[3] * m, v / 2 % 3, v / 3 % 4,
                            v % 4 == 1);
                }
    /* the same kernels at dilation 2, stride 1 (DeepLabV3's backbone):
     * taps two columns and rows apart, pads 0 to 2*(K-1) per side */
    static const int dheights[] = {1, 2, 3, 5, 7, 8, 9, 14, 15, 16, 33};
    for (int k = 3; k <= 7; k += 2)
        for (size_t i = 0; i < sizeof widths / sizeof *widths; i++)
            for (size_t j = 0; j < sizeof dheights / sizeof *dheights; j++, v++) {
                const int *pd = pads[v % 5], m = k - 1; /* pads scaled to the reach */
                dw_case(1 + (v % 7 == 0), 2 + v % 3, dheights[j], widths[i], k, k, 1, 1, 2, 2, pd[0] * m,
                        pd[1] * m + (pd[1] == 0), pd[2] * m, pd[3] * m, v / 2 % 3, v / 3 % 4, v % 4 == 1);
            }
    dw_case(1, 40, 33, 33, 5, 5, 1, 1, 2, 2, 4, 4, 4, 4, 0, ONNXCC_ACT_HARDSWISH, 0); /* DeepLabV3's */
    /* the flat kernel (stride 1, OW == W, planes far narrower than a
     * vector, as EfficientNet-B1's 8x8): symmetric and one-sided pads,
     * every pre-activation and epilogue, SiLU after the stores */
    static const int fwidths[] = {1, 2, 3, 4, 5, 8}, fheights[] = {1, 2, 5, 8, 9, 16, 17};
    static const int facts[] = {ONNXCC_ACT_NONE, ONNXCC_ACT_RELU, ONNXCC_ACT_CLIP, ONNXCC_ACT_LEAKYRELU,
                                ONNXCC_ACT_SILU};
    for (int k = 3; k <= 7; k += 2)
        for (size_t i = 0; i < sizeof fwidths / sizeof *fwidths; i++)
            for (size_t j = 0; j < sizeof fheights / sizeof *fheights; j++, v++) {
                const int pl = v % 3 == 0 ? k / 2 : v % 3 == 1 ? 0 : k - 1, pt = (v / 3) % 3 == 0 ? k / 2 : (v / 3) % 2 ? 0 : k - 1;
                dw_case(1 + (v % 5 == 0), 3 + v % 4, fheights[j], fwidths[i], k, k, 1, 1, 1, 1, pt, pl, k - 1 - pt,
                        k - 1 - pl, v % 3, facts[v % 5], v % 4 == 1);
            }
    dw_case(1, 1152, 8, 8, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2, 0, ONNXCC_ACT_SILU, 0); /* EfficientNet-B1's */
    /* the channels-in-lanes kernel (AVX-512; 5x5 and 7x7 at stride 1, maps
     * at most 8 wide): several groups of 16 channels and a partial last
     * one, one exact group, batches with image strides, pre-activations,
     * epilogues in registers and after the stores, asymmetric pads */
    dw_case(2, 37, 7, 7, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2, 1, ONNXCC_ACT_HARDSWISH, 1);
    dw_case(1, 33, 6, 8, 7, 7, 1, 1, 1, 1, 3, 3, 3, 3, 2, ONNXCC_ACT_SILU, 0);
    dw_case(1, 16, 5, 4, 5, 5, 1, 1, 1, 1, 0, 4, 4, 0, 0, ONNXCC_ACT_CLIP, 0);
    dw_case(3, 20, 8, 3, 7, 7, 1, 1, 1, 1, 6, 1, 0, 5, 2, ONNXCC_ACT_LEAKYRELU, 1);
    dw_case(1, 960, 7, 7, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2, 0, ONNXCC_ACT_RELU, 0); /* MobileNetV3's */
    dw_case(1, 64, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, ONNXCC_ACT_SILU, 0);

    for (size_t n = 0; n < 70; n += 7)
        for (int act = 0; act < 3; act++)
            add_case(n, act);
    add_case(100003, ONNXCC_ACT_RELU);
    onnxcc_set_num_threads(3); /* large adds run in chunks over the threads */
    add_case(200003, ONNXCC_ACT_CLIP);
    onnxcc_set_num_threads(0);
    if (failures)
        printf("%d failures\n", failures);
    else
        printf("ok\n");
    return failures != 0;
}
