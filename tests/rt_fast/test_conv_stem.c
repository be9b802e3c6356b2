/* test_conv_stem.c — the fast conv2d's stem algorithm (conv2d_stem.c:
 * strided layers with 1 to 4 input channels) against the reference kernel,
 * swept over channels 1-4, kernels 3/5/7/11 (and 2x2, 4x4 at their stride),
 * strides 2, 3 and 4, odd and even maps, asymmetric padding, every
 * epilogue the zoo's stems use and a few more, bias or none, a
 * pre-activation, a residual and two images with strided planes, at every
 * ISA level this machine has and on 1 and 2 threads.
 *
 * Checks, per case and level:
 *  - the layer is packed as the stem algorithm (header 4);
 *  - |fast - ref| <= tol * sqrt(K) * max(1, |ref|), tol 2e-6 (1e-4 for
 *    the transcendental epilogues, whose vector polynomials differ from
 *    libm);
 *  - 2 threads give the bits of 1 thread;
 *  - AVX2 and AVX-512 give the same bits (both fuse the same multiply-adds
 *    in the same order);
 *  - nothing outside the output slices is written (canaries). */
#define _POSIX_C_SOURCE 200112L /* setenv */
#include "onnxcc/rt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long long rng_state = 0x9e3779b97f4a7c15ull;
static float frand(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (float)((double)(rng_state >> 40) / (double)(1ull << 24) * 2.0 - 1.0);
}

static float *alloc_floats(size_t n, int random, float fill)
{
    float *v = malloc((n ? n : 1) * sizeof *v);
    if (!v) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    for (size_t i = 0; i < n; i++)
        v[i] = random ? frand() : fill;
    return v;
}

#define CANARY 777.0f

typedef struct {
    int C, H, W, M, kH, kW, s, pt, pl, pb, pr;
    int act, bias, pre, res, N;
} Case;

static int failures, cases;

static const char *act_name(int k)
{
    static const char *names[] = {"none", "relu", "clip", "leakyrelu", "sigmoid", "hardsigmoid",
                                  "hardswish", "silu", "tanh", "gelu", "exp", "erf"};
    return names[k];
}

static void report(const Case *c, const char *isa, const char *what)
{
    if (failures++ < 20)
        fprintf(stderr,
                "FAIL %s: C=%d %dx%d M=%d k=%dx%d s=%d pads=%d,%d,%d,%d act=%s bias=%d pre=%d res=%d N=%d [%s]\n",
                what, c->C, c->H, c->W, c->M, c->kH, c->kW, c->s, c->pt, c->pl, c->pb, c->pr, act_name(c->act),
                c->bias, c->pre, c->res, c->N, isa);
}

static void run_case(const Case *c, int best)
{
    OnnxccConv2dParams p;
    memset(&p, 0, sizeof p);
    p.N = c->N, p.C = c->C, p.H = c->H, p.W = c->W, p.M = c->M, p.group = 1;
    p.kH = c->kH, p.kW = c->kW, p.stride_h = p.stride_w = c->s, p.dil_h = p.dil_w = 1;
    p.pad_t = c->pt, p.pad_l = c->pl, p.pad_b = c->pb, p.pad_r = c->pr;
    p.OH = (c->H + c->pt + c->pb - c->kH) / c->s + 1;
    p.OW = (c->W + c->pl + c->pr - c->kW) / c->s + 1;
    p.act.kind = c->act;
    p.act.a = c->act == ONNXCC_ACT_CLIP ? -0.25f : 0.1f;
    p.act.b = 0.75f;
    p.pre_relu = c->pre;
    const size_t oplane = (size_t)p.OH * (size_t)p.OW, K = (size_t)(c->C * c->kH * c->kW);
    /* strided images: a gap after each, with canaries in y's */
    p.x_img_stride = (size_t)c->C * (size_t)c->H * (size_t)c->W + 5;
    p.y_img_stride = (size_t)c->M * oplane + 7;
    p.r_img_stride = (size_t)c->M * oplane + 3;
    const size_t nx = p.x_img_stride * (size_t)c->N, ny = p.y_img_stride * (size_t)c->N;
    float *x = alloc_floats(nx, 1, 0), *w = alloc_floats((size_t)c->M * K, 1, 0);
    float *bias = c->bias ? alloc_floats((size_t)c->M, 1, 0) : NULL;
    float *scale = c->pre ? alloc_floats((size_t)c->C, 1, 0) : NULL;
    float *shift = c->pre ? alloc_floats((size_t)c->C, 1, 0) : NULL;
    float *res = c->res ? alloc_floats(p.r_img_stride * (size_t)c->N, 1, 0) : NULL;
    float *ref = alloc_floats(ny, 0, CANARY), *got = alloc_floats(ny, 0, CANARY);
    float *first = alloc_floats(ny, 0, CANARY), *simd = NULL;
    float *packed = alloc_floats(onnxcc_f32_conv2d_packed_size(&p), 0, 0);
    float *scratch = alloc_floats(onnxcc_f32_conv2d_scratch_size(&p) + 16, 0, 0);
    onnxcc_f32_conv2d_pack(&p, w, packed);
    onnxcc_f32_conv2d_ref(&p, x, w, bias, scale, shift, res, ref);
    cases++;
    if ((int)packed[0] != 4)
        report(c, "-", "not packed as the stem algorithm");
    const int transcendental = c->act >= ONNXCC_ACT_SIGMOID && c->act != ONNXCC_ACT_HARDSIGMOID &&
                               c->act != ONNXCC_ACT_HARDSWISH;
    const double tol = (transcendental ? 1e-4 : 2e-6) * sqrt((double)K);
    for (int isa = ONNXCC_ISA_SCALAR; isa <= best; isa++) {
        const char *name = onnxcc_rt_isa_name(isa);
        p.isa_cap = isa + 1;
        for (int threads = 1; threads <= 2; threads++) {
            float *out = threads == 1 ? first : got;
            for (size_t i = 0; i < ny; i++)
                out[i] = CANARY;
            onnxcc_set_num_threads(threads);
            onnxcc_f32_conv2d(&p, x, packed, bias, scale, shift, res, scratch, out);
            onnxcc_set_num_threads(1);
        }
        if (memcmp(first, got, sizeof(float) * ny))
            report(c, name, "2 threads differ from 1");
        for (size_t i = 0; i < ny; i++) {
            const double d = fabs((double)first[i] - (double)ref[i]);
            if (ref[i] == CANARY ? first[i] != CANARY : !(d <= tol * fmax(1.0, fabs((double)ref[i])))) {
                report(c, name, ref[i] == CANARY ? "wrote a canary" : "differs from the reference");
                break;
            }
        }
        if (isa > ONNXCC_ISA_SCALAR) {
            if (simd && memcmp(simd, first, sizeof(float) * ny))
                report(c, name, "differs from the other SIMD level");
            if (!simd) {
                simd = alloc_floats(ny, 0, 0);
                memcpy(simd, first, sizeof(float) * ny);
            }
        }
    }
    free(x), free(w), free(bias), free(scale), free(shift), free(res), free(ref), free(got);
    free(first), free(simd), free(packed), free(scratch);
}

int main(void)
{
    const int best = onnxcc_rt_isa();
    static const int kernels[][2] = {{3, 2}, {5, 2}, {7, 2}, {11, 4}, {3, 3}, {2, 2}, {4, 4}, {7, 4}};
    static const int acts[] = {ONNXCC_ACT_NONE, ONNXCC_ACT_RELU, ONNXCC_ACT_HARDSWISH, ONNXCC_ACT_SILU,
                               ONNXCC_ACT_CLIP, ONNXCC_ACT_LEAKYRELU, ONNXCC_ACT_SIGMOID};
    static const int sizes[] = {9, 16, 23, 40, 67};
    const int nk = (int)(sizeof kernels / sizeof kernels[0]), na = (int)(sizeof acts / sizeof acts[0]);
    int n = 0;
    for (int C = 1; C <= 4; C++)
        for (int ki = 0; ki < nk; ki++)
            for (int si = 0; si < 5; si++) {
                Case c;
                memset(&c, 0, sizeof c);
                c.C = C;
                c.kH = c.kW = kernels[ki][0];
                c.s = kernels[ki][1];
                c.H = sizes[si];
                c.W = sizes[(si + ki + C) % 5];
                if (c.H < c.kH || c.W < c.kW) /* no padding would leave no output */
                    c.H = c.W = 24;
                /* outputs: the zoo's counts and odd ones (tails of every tile) */
                static const int Ms[] = {1, 3, 8, 13, 16, 24, 32, 37};
                c.M = Ms[(n + C) % 8];
                const int half = c.kH / 2;
                c.pt = n % 3 == 0 ? 0 : half;
                c.pl = n % 3 == 0 ? 0 : half - (n % 2);
                c.pb = n % 4 == 1 ? 0 : half;
                c.pr = half;
                c.act = acts[n % na];
                c.bias = n % 5 != 4;
                c.pre = n % 7 == 3;
                c.res = n % 6 == 5;
                c.N = n % 9 == 2 ? 2 : 1;
                run_case(&c, best);
                n++;
            }
    /* the zoo's stems at full size: DenseNet/ResNet 7x7/2, MobileNetV3 3x3/2
     * with HardSwish, EfficientNet's with SiLU, AlexNet's 11x11/4 */
    static const Case zoo[] = {
        {3, 224, 224, 64, 7, 7, 2, 3, 3, 3, 3, ONNXCC_ACT_RELU, 1, 0, 0, 1},
        {3, 224, 224, 16, 3, 3, 2, 1, 1, 1, 1, ONNXCC_ACT_HARDSWISH, 1, 0, 0, 1},
        {3, 224, 224, 32, 3, 3, 2, 1, 1, 1, 1, ONNXCC_ACT_SILU, 1, 0, 0, 1},
        {3, 224, 224, 64, 11, 11, 4, 2, 2, 2, 2, ONNXCC_ACT_RELU, 1, 0, 0, 1},
        {3, 299, 299, 32, 3, 3, 2, 0, 0, 0, 0, ONNXCC_ACT_NONE, 0, 0, 0, 1},
    };
    for (size_t i = 0; i < sizeof zoo / sizeof zoo[0]; i++)
        run_case(&zoo[i], best);
    if (failures) {
        fprintf(stderr, "%d of %d stem cases failed\n", failures, cases);
        return 1;
    }
    printf("conv stem: %d cases passed at every ISA level up to %s, 1 and 2 threads\n", cases,
           onnxcc_rt_isa_name(best));
    return 0;
}
