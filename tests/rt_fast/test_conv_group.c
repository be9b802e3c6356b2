/* test_conv_group.c — the fast conv2d on grouped 3x3 layers against the
 * reference kernel: RegNet's and ResNeXt's shapes (16, 32 or 48 output
 * channels per group, conv2d_group.c's direct kernels)
 * and their neighbours that take the GEMM path (8 or 24 outputs per group, padding 0
 * or 2 on the left, rows narrower than 7, a pre-activation, an epilogue the
 * direct kernel leaves to the GEMM), swept over 2-6 groups of 8, 16 or 24
 * input channels, strides 1 and 2, square, odd and wide maps from 3x3 to
 * 57x57 (tiles of 14 and 7 pixels, their overlapped last tiles and both
 * edges), asymmetric padding, bias or none, a residual and two images with
 * strided planes, at every ISA level this machine has and on 1 and 2
 * threads; then the RegNets' layers at full size.
 *
 * Checks, per case and level:
 *  - |fast - ref| <= 2e-6 * sqrt(K) * max(1, |ref|);
 *  - 2 threads give the bits of 1 thread;
 *  - the GEMM path (taken with an identity pre-activation, scale 1 and
 *    shift 0) gives the same bits: the direct kernels sum each output in
 *    the GEMM tiles' order;
 *  - AVX2 and AVX-512 give the same bits;
 *  - nothing outside the output slices is written (canaries). */
#define _POSIX_C_SOURCE 200112L
#include "onnxcc/rt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long long rng_state = 0x2545f4914f6cdd1dull;
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
    int group, cg, mg, H, W, s, pt, pl, pb, pr;
    int act, bias, pre, res, N;
} Case;

static int failures, cases;

static void report(const Case *c, const char *isa, const char *what)
{
    if (failures++ < 20)
        fprintf(stderr,
                "FAIL %s: group=%d cg=%d mg=%d %dx%d s=%d pads=%d,%d,%d,%d act=%d bias=%d pre=%d res=%d "
                "N=%d [%s]\n",
                what, c->group, c->cg, c->mg, c->H, c->W, c->s, c->pt, c->pl, c->pb, c->pr, c->act, c->bias,
                c->pre, c->res, c->N, isa);
}

static void run_case(const Case *c, int best)
{
    OnnxccConv2dParams p;
    memset(&p, 0, sizeof p);
    p.N = c->N, p.C = c->group * c->cg, p.H = c->H, p.W = c->W, p.M = c->group * c->mg;
    p.group = c->group;
    p.kH = p.kW = 3, p.stride_h = p.stride_w = c->s, p.dil_h = p.dil_w = 1;
    p.pad_t = c->pt, p.pad_l = c->pl, p.pad_b = c->pb, p.pad_r = c->pr;
    p.OH = (c->H + c->pt + c->pb - 3) / c->s + 1;
    p.OW = (c->W + c->pl + c->pr - 3) / c->s + 1;
    p.act.kind = c->act;
    p.act.a = c->act == ONNXCC_ACT_CLIP ? -0.25f : 0.1f;
    p.act.b = 0.75f;
    p.pre_relu = c->pre;
    const size_t oplane = (size_t)p.OH * (size_t)p.OW, K = (size_t)c->cg * 9;
    p.x_img_stride = (size_t)p.C * (size_t)c->H * (size_t)c->W + 5;
    p.y_img_stride = (size_t)p.M * oplane + 7;
    p.r_img_stride = (size_t)p.M * oplane + 3;
    const size_t nx = p.x_img_stride * (size_t)c->N, ny = p.y_img_stride * (size_t)c->N;
    float *x = alloc_floats(nx, 1, 0), *w = alloc_floats((size_t)p.M * K, 1, 0);
    float *bias = c->bias ? alloc_floats((size_t)p.M, 1, 0) : NULL;
    float *scale = c->pre ? alloc_floats((size_t)p.C, 1, 0) : NULL;
    float *shift = c->pre ? alloc_floats((size_t)p.C, 1, 0) : NULL;
    float *res = c->res ? alloc_floats(p.r_img_stride * (size_t)c->N, 1, 0) : NULL;
    float *ref = alloc_floats(ny, 0, CANARY), *got = alloc_floats(ny, 0, CANARY);
    float *first = alloc_floats(ny, 0, CANARY), *simd = NULL;
    float *ones = alloc_floats((size_t)p.C, 0, 1.0f), *zeros = alloc_floats((size_t)p.C, 0, 0.0f);
    float *packed = alloc_floats(onnxcc_f32_conv2d_packed_size(&p), 0, 0);
    float *scratch = alloc_floats(onnxcc_f32_conv2d_scratch_size(&p) + 16, 0, 0);
    onnxcc_f32_conv2d_pack(&p, w, packed);
    onnxcc_f32_conv2d_ref(&p, x, w, bias, scale, shift, res, ref);
    cases++;
    const double tol = 2e-6 * sqrt((double)K);
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
        if (!c->pre) {
            /* an identity pre-activation sends the layer down the GEMM path */
            for (size_t i = 0; i < ny; i++)
                got[i] = CANARY;
            onnxcc_f32_conv2d(&p, x, packed, bias, ones, zeros, res, scratch, got);
            if (memcmp(first, got, sizeof(float) * ny))
                report(c, name, "differs from the GEMM path");
        }
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
    free(first), free(simd), free(ones), free(zeros), free(packed), free(scratch);
}

int main(void)
{
    const int best = onnxcc_rt_isa();
    static const int sizes[] = {3, 7, 8, 13, 14, 15, 16, 20, 27, 28, 29, 31, 56, 57};
    static const int acts[] = {ONNXCC_ACT_RELU, ONNXCC_ACT_NONE, ONNXCC_ACT_CLIP, ONNXCC_ACT_LEAKYRELU,
                               ONNXCC_ACT_SIGMOID};
    static const int cgs[] = {16, 8, 24};
    const int ns = (int)(sizeof sizes / sizeof sizes[0]), na = (int)(sizeof acts / sizeof acts[0]);
    int n = 0;
    for (int si = 0; si < ns; si++)
        for (int s = 1; s <= 2; s++)
            for (int v = 0; v < 7; v++, n++) {
                Case c;
                memset(&c, 0, sizeof c);
                c.group = 2 + n % 5;
                c.cg = cgs[v % 3 == 2 ? (n / 3) % 3 : 0];
                c.mg = v == 5 ? (n % 2 ? 8 : 24) : v == 6 ? (n % 2 ? 32 : 48) : 16;
                c.H = sizes[si];
                c.W = sizes[(si + v) % ns];
                c.s = s;
                /* padding 1 mostly; 0 on the right, 0 or 2 on the left
                 * (the GEMM path), 0 or 2 at the top and bottom */
                c.pt = v == 3 ? 0 : v == 4 ? 2 : 1;
                c.pb = v == 3 ? 2 : 1;
                c.pl = v == 4 ? (n % 2 ? 0 : 2) : 1;
                c.pr = v == 1 || v == 3 ? 0 : 1;
                if (c.H + c.pt + c.pb < 3 || c.W + c.pl + c.pr < 3)
                    continue;
                c.act = acts[n % na];
                c.bias = n % 4 != 3;
                c.pre = n % 11 == 7;
                c.res = n % 3 == 1;
                c.N = n % 7 == 2 ? 2 : 1;
                run_case(&c, best);
            }
    /* the RegNets' and ResNeXts' grouped layers at full size (ReLU) */
    static const Case zoo[] = {
        {2, 16, 16, 112, 112, 2, 1, 1, 1, 1, ONNXCC_ACT_RELU, 1, 0, 0, 1},
        {4, 16, 16, 112, 112, 2, 1, 1, 1, 1, ONNXCC_ACT_RELU, 1, 0, 0, 1},
        {4, 16, 16, 28, 28, 1, 1, 1, 1, 1, ONNXCC_ACT_RELU, 1, 0, 0, 1},
        {9, 16, 16, 56, 56, 2, 1, 1, 1, 1, ONNXCC_ACT_RELU, 1, 0, 0, 1},
        {18, 16, 16, 14, 14, 1, 1, 1, 1, 1, ONNXCC_ACT_RELU, 1, 0, 0, 1},
        {20, 16, 16, 28, 28, 2, 1, 1, 1, 1, ONNXCC_ACT_RELU, 1, 0, 0, 1},
        {49, 16, 16, 7, 7, 1, 1, 1, 1, 1, ONNXCC_ACT_RELU, 1, 0, 0, 1},
        {49, 16, 16, 14, 14, 2, 1, 1, 1, 1, ONNXCC_ACT_RELU, 1, 0, 0, 1},
        {32, 32, 32, 14, 14, 2, 1, 1, 1, 1, ONNXCC_ACT_RELU, 1, 0, 0, 1}, /* ResNeXt-50's fourth stage */
        {9, 48, 48, 14, 14, 1, 1, 1, 1, 1, ONNXCC_ACT_RELU, 1, 0, 0, 1},  /* RegNetX-3.2GF's */
    };
    for (size_t i = 0; i < sizeof zoo / sizeof zoo[0]; i++)
        run_case(&zoo[i], best);
    if (failures) {
        fprintf(stderr, "%d of %d grouped conv cases failed\n", failures, cases);
        return 1;
    }
    printf("conv group: %d cases passed at every ISA level up to %s, 1 and 2 threads\n", cases,
           onnxcc_rt_isa_name(best));
    return 0;
}
