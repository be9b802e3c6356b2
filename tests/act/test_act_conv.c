/* test_act_conv.c — the activations fused into conv epilogues: every kind
 * from ONNXCC_ACT_SIGMOID on (and none, relu) through every path of the fast
 * conv (1x1 GEMM, the transposed tile of small maps, the K split in halves
 * with and without a residual, shifted-view 3x3, im2col, Winograd, groups)
 * and of the depthwise conv (direct 3x3, 5x5, 7x7 at stride 1 and 2,
 * frames, row cache, tap by tap), and the fused residual add, at every ISA level the CPU
 * has.  Each result must
 *  - be bitwise onnxcc_f32_act applied to the same path's output without the
 *    activation (every output activated exactly once, the same bits as the
 *    standalone kernel), with 1 and 3 threads alike, and
 *  - match onnxcc_f32_conv2d_ref (double sums) followed by the activation in
 *    double, within the activation's bound (tests/act/test_act.c) plus the
 *    conv's own tolerance (1e-5 of max |ref|, Winograd 1e-4) times the
 *    activation's slope. */
#define _POSIX_C_SOURCE 200809L
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <onnxcc/rt.h>

static int failures;
static const char *const isa_names[] = {"scalar", "avx2", "avx512"};
static const char *const kind_names[] = {"none", "relu", "clip", "leakyrelu", "sigmoid", "hardsigmoid",
                                         "hardswish", "silu", "tanh", "gelu", "exp", "erf"};
static const int kinds[] = {ONNXCC_ACT_NONE,        ONNXCC_ACT_RELU, ONNXCC_ACT_SIGMOID, ONNXCC_ACT_HARDSIGMOID,
                            ONNXCC_ACT_HARDSWISH,   ONNXCC_ACT_SILU, ONNXCC_ACT_TANH,    ONNXCC_ACT_GELU,
                            ONNXCC_ACT_EXP,         ONNXCC_ACT_ERF};
#define NUM_KINDS ((int)(sizeof kinds / sizeof kinds[0]))

static unsigned rng = 2024;
static float frand(void)
{
    rng = rng * 1664525u + 1013904223u;
    return (float)((rng >> 8) & 0xffff) / 32768.0f - 1.0f;
}

static float *rand_buf(size_t n, float scale)
{
    float *b = malloc(sizeof(float) * (n ? n : 1));
    for (size_t i = 0; i < n; i++)
        b[i] = frand() * scale;
    return b;
}

static OnnxccAct make_act(int kind)
{
    OnnxccAct a = {kind, 0.0f, 0.0f};
    if (kind == ONNXCC_ACT_HARDSIGMOID)
        a.a = 0.2f, a.b = 0.5f;
    return a;
}

static double sigmoid_d(double v)
{
    return v >= 0 ? 1 / (1 + exp(-v)) : exp(v) / (1 + exp(v));
}

/* The activation in double and its slope's bound near v. */
static double act_d(const OnnxccAct *a, double v, double *slope)
{
    switch (a->kind) {
    case ONNXCC_ACT_RELU:
        *slope = 1;
        return v < 0 ? 0 : v;
    case ONNXCC_ACT_SIGMOID:
        *slope = 0.25;
        return sigmoid_d(v);
    case ONNXCC_ACT_HARDSIGMOID:
        *slope = a->a;
        return fmin(1, fmax(0, a->a * v + a->b));
    case ONNXCC_ACT_HARDSWISH:
        *slope = 1.5;
        return v * fmin(1, fmax(0, v / 6 + 0.5));
    case ONNXCC_ACT_SILU:
        *slope = 1.1;
        return v * sigmoid_d(v);
    case ONNXCC_ACT_TANH:
        *slope = 1;
        return tanh(v);
    case ONNXCC_ACT_GELU:
        *slope = 1.13;
        return v >= 0 ? 0.5 * v * (1 + erf(v / sqrt(2.0))) : 0.5 * v * erfc(-v / sqrt(2.0));
    case ONNXCC_ACT_EXP:
        *slope = exp(v) * 1.01;
        return exp(v);
    case ONNXCC_ACT_ERF:
        *slope = 1.13;
        return erf(v);
    default:
        *slope = 1;
        return v;
    }
}

static double act_bound(int kind)
{
    switch (kind) {
    case ONNXCC_ACT_EXP:
        return 2e-7;
    case ONNXCC_ACT_GELU:
        return 5e-7;
    case ONNXCC_ACT_SIGMOID:
    case ONNXCC_ACT_SILU:
    case ONNXCC_ACT_TANH:
    case ONNXCC_ACT_ERF:
        return 3e-7;
    default:
        return 6e-8; /* one rounding */
    }
}

typedef struct {
    const char *name;
    int N, C, H, W, M, group, k, stride, pad, dil;
    int res;  /* with a residual */
    int dw;   /* through onnxcc_f32_dwconv2d */
    int gap;  /* y's images this many floats apart beyond M*OH*OW (a channel slice) */
} Case;

#define CANARY 12345.0f /* in y's gaps and past its end: must survive */

static const Case cases[] = {
    {"1x1", 1, 24, 28, 28, 40, 1, 1, 1, 0, 1, 0, 0, 0},
    {"1x1 56x56, activation per column chunk", 1, 16, 56, 56, 96, 1, 1, 1, 0, 1, 0, 0, 0},
    {"1x1 odd, batch 2", 2, 13, 9, 11, 21, 1, 1, 1, 0, 1, 1, 0, 0},
    {"1x1 batch 2, y a slice", 2, 13, 9, 11, 21, 1, 1, 1, 0, 1, 0, 0, 37},
    {"3x3 Winograd batch 2, y a slice", 2, 16, 9, 10, 12, 1, 3, 1, 1, 1, 0, 0, 20},
    {"dw 3x3 batch 2, y a slice", 2, 6, 9, 10, 6, 6, 3, 1, 1, 1, 0, 1, 5},
    {"1x1 7x7 (transposed tile)", 1, 40, 7, 7, 50, 1, 1, 1, 0, 1, 0, 0, 0},
    {"1x1 K split", 1, 96, 7, 7, 48, 1, 1, 1, 0, 1, 0, 0, 0},
    {"1x1 K split + residual", 1, 96, 7, 7, 48, 1, 1, 1, 0, 1, 1, 0, 0},
    {"3x3 shifted 7x9", 1, 8, 7, 9, 8, 1, 3, 1, 1, 1, 0, 0, 0},
    {"3x3 Winograd", 1, 16, 20, 18, 24, 1, 3, 1, 1, 1, 0, 0, 0},
    {"3x3 Winograd + residual", 1, 16, 13, 15, 20, 1, 3, 1, 1, 1, 1, 0, 0},
    {"3x3 stride 2", 1, 16, 15, 15, 32, 1, 3, 2, 1, 1, 0, 0, 0},
    {"3x3 grouped 4 (Winograd)", 1, 32, 12, 12, 32, 4, 3, 1, 1, 1, 0, 0, 0},
    {"3x3 grouped 2 stride 2", 1, 12, 11, 10, 10, 2, 3, 2, 1, 1, 0, 0, 0},
    {"5x5", 1, 12, 10, 10, 20, 1, 5, 1, 2, 1, 0, 0, 0},
    {"3x3 depthwise as conv", 1, 24, 14, 14, 24, 24, 3, 1, 1, 1, 0, 0, 0},
    {"dw 3x3 s1 (direct)", 1, 19, 17, 23, 19, 19, 3, 1, 1, 1, 0, 1, 0},
    {"dw 3x3 s2 (direct)", 2, 7, 16, 21, 7, 7, 3, 2, 1, 1, 0, 1, 0},
    {"dw 5x5 s1 (direct)", 1, 9, 15, 19, 9, 9, 5, 1, 2, 1, 0, 1, 0},
    {"dw 5x5 s2 (direct)", 1, 9, 15, 19, 9, 9, 5, 2, 2, 1, 0, 1, 0},
    {"dw 7x7 s2 (direct)", 1, 6, 17, 12, 6, 6, 7, 2, 3, 1, 0, 1, 0},
    {"dw 3x3 dilation 2 (frames)", 1, 5, 12, 13, 5, 5, 3, 1, 2, 2, 0, 1, 0},
    {"dw 5x5 s3 (row cache)", 1, 9, 15, 19, 9, 9, 5, 3, 2, 1, 0, 1, 0},
    {"dw 9x9 (tap by tap)", 1, 4, 12, 12, 4, 4, 9, 1, 4, 1, 0, 1, 0},
};

/* Whether the fast conv runs p as Winograd (rt.h's rule). */
static int winograd(const OnnxccConv2dParams *p)
{
    const int map = p->OH < p->OW ? p->OH : p->OW, cg = p->C / p->group, mg = p->M / p->group;
    return p->kH == 3 && p->kW == 3 && p->stride_h == 1 && p->dil_h == 1 && cg >= 8 && mg >= 8 &&
           (map >= 8 || (map >= 7 && mg >= 512));
}

static int same(const float *a, const float *b, size_t n)
{
    return memcmp(a, b, sizeof(float) * n) == 0;
}

static float *run(const OnnxccConv2dParams *p, const Case *c, const float *x, const float *w,
                  const float *packed, const float *bias, const float *res, size_t yn)
{
    float *y = malloc(sizeof(float) * (yn + 16));
    for (size_t i = 0; i < yn + 16; i++)
        y[i] = CANARY;
    if (c->dw) {
        onnxcc_f32_dwconv2d(p, x, w, bias, NULL, NULL, y);
    } else {
        const size_t ss = onnxcc_f32_conv2d_scratch_size(p);
        float *scratch = aligned_alloc(64, (sizeof(float) * ss + 64) / 64 * 64);
        onnxcc_f32_conv2d(p, x, packed, bias, NULL, NULL, res, scratch, y);
        free(scratch);
    }
    return y;
}

static void run_case(const Case *c)
{
    OnnxccConv2dParams p = {0};
    p.N = c->N, p.C = c->C, p.H = c->H, p.W = c->W, p.M = c->M, p.group = c->group;
    p.kH = p.kW = c->k, p.stride_h = p.stride_w = c->stride, p.dil_h = p.dil_w = c->dil;
    p.pad_t = p.pad_l = p.pad_b = p.pad_r = c->pad;
    p.OH = (c->H + 2 * c->pad - c->dil * (c->k - 1) - 1) / c->stride + 1;
    p.OW = (c->W + 2 * c->pad - c->dil * (c->k - 1) - 1) / c->stride + 1;
    const size_t dense = (size_t)c->M * p.OH * p.OW, ys = dense + (size_t)c->gap;
    const size_t xn = (size_t)c->N * c->C * c->H * c->W, yn = (size_t)c->N * ys;
    p.y_img_stride = ys;
    p.r_img_stride = ys;
    const size_t wn = (size_t)c->M * (c->C / c->group) * c->k * c->k;
    float *x = rand_buf(xn, 1.0f), *w = rand_buf(wn, 1.5f / sqrtf((float)(c->C / c->group * c->k * c->k)));
    float *bias = rand_buf((size_t)c->M, 0.5f), *res = c->res ? rand_buf(yn, 1.0f) : NULL;
    float *packed = NULL;
    if (!c->dw) {
        packed = malloc(sizeof(float) * onnxcc_f32_conv2d_packed_size(&p));
        onnxcc_f32_conv2d_pack(&p, w, packed);
    }
    const double tol = !c->dw && winograd(&p) ? 1e-4 : 1e-5;
    float *ref = malloc(sizeof(float) * yn), *want = malloc(sizeof(float) * yn);
    onnxcc_f32_conv2d_ref(&p, x, w, bias, NULL, NULL, res, ref);
    double scale = 1e-30;
    for (size_t i = 0; i < yn; i++)
        if (i % ys < dense)
            scale = fmax(scale, fabs(ref[i]));
    for (int isa = 0; isa < 3; isa++) {
        setenv("ONNXCC_ISA", isa_names[isa], 1);
        if (onnxcc_rt_isa() != isa)
            continue;
        onnxcc_set_num_threads(1);
        p.act = make_act(ONNXCC_ACT_NONE);
        float *plain = run(&p, c, x, w, packed, bias, res, yn);
        for (int k = 0; k < NUM_KINDS; k++) {
            p.act = make_act(kinds[k]);
            onnxcc_set_num_threads(1);
            float *y1 = run(&p, c, x, w, packed, bias, res, yn);
            onnxcc_set_num_threads(3);
            float *y3 = run(&p, c, x, w, packed, bias, res, yn);
            onnxcc_set_num_threads(1);
            onnxcc_f32_act(yn, p.act, plain, want, 0);
            for (size_t i = 0; i < yn; i++)
                if (i % ys >= dense)
                    want[i] = CANARY;
            const char *what = kind_names[kinds[k]];
            int kept = 1;
            for (size_t i = yn; i < yn + 16; i++)
                kept &= y1[i] == CANARY && y3[i] == CANARY;
            if (!kept) {
                printf("FAIL %s %s %s: written past y's end\n", isa_names[isa], c->name, what);
                failures++;
            }
            if (!same(y1, want, yn)) {
                printf("FAIL %s %s %s: not onnxcc_f32_act of the plain output\n", isa_names[isa], c->name, what);
                failures++;
            }
            if (!same(y1, y3, yn)) {
                printf("FAIL %s %s %s: 3 threads differ from 1\n", isa_names[isa], c->name, what);
                failures++;
            }
            double worst = 0;
            size_t at = 0;
            for (size_t i = 0; i < yn; i++) {
                if (i % ys >= dense)
                    continue;
                double slope;
                const double r = act_d(&p.act, ref[i], &slope);
                const double e = fabs(y1[i] - r) / (act_bound(kinds[k]) * fabs(r) + slope * tol * scale + 1e-30);
                if (!(e <= worst))
                    worst = e, at = i;
            }
            if (!(worst <= 1.0)) {
                printf("FAIL %s %s %s: y[%zu] = %.9g, reference %.9g (%.3g of the bound)\n", isa_names[isa],
                       c->name, what, at, y1[at], ref[at], worst);
                failures++;
            }
            free(y1);
            free(y3);
        }
        free(plain);
    }
    unsetenv("ONNXCC_ISA");
    free(x);
    free(w);
    free(bias);
    free(res);
    free(packed);
    free(ref);
    free(want);
}

/* onnxcc_f32_add_act: the activation of the sums. */
static void run_add(void)
{
    const size_t n = 200003;
    float *a = rand_buf(n, 4.0f), *b = rand_buf(n, 4.0f), *sum = malloc(sizeof(float) * n);
    float *want = malloc(sizeof(float) * n), *y1 = malloc(sizeof(float) * n), *y3 = malloc(sizeof(float) * n);
    for (size_t i = 0; i < n; i++)
        sum[i] = a[i] + b[i];
    for (int isa = 0; isa < 3; isa++) {
        setenv("ONNXCC_ISA", isa_names[isa], 1);
        if (onnxcc_rt_isa() != isa)
            continue;
        for (int k = 0; k < NUM_KINDS; k++) {
            const OnnxccAct act = make_act(kinds[k]);
            onnxcc_f32_act(n, act, sum, want, 0);
            onnxcc_set_num_threads(1);
            onnxcc_f32_add_act(n, a, b, act, y1, 0);
            onnxcc_set_num_threads(3);
            memcpy(y3, a, sizeof(float) * n);
            onnxcc_f32_add_act(n, y3, b, act, y3, 0);
            onnxcc_set_num_threads(1);
            if (!same(y1, want, n) || !same(y3, want, n)) {
                printf("FAIL %s add_act %s: not onnxcc_f32_act of the sums\n", isa_names[isa],
                       kind_names[kinds[k]]);
                failures++;
            }
        }
    }
    unsetenv("ONNXCC_ISA");
    free(a);
    free(b);
    free(sum);
    free(want);
    free(y1);
    free(y3);
}

int main(void)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        run_case(&cases[i]);
    run_add();
    onnxcc_set_num_threads(0);
    if (failures) {
        printf("%d failure(s)\n", failures);
        return 1;
    }
    printf("all fused activation checks passed\n");
    return 0;
}
