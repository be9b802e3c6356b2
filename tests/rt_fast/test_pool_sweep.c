/* test_pool_sweep.c — the fast pools (onnxcc_f32_maxpool2d / avgpool2d)
 * swept over awkward sizes against the reference kernels, at every ISA
 * level this machine has and on 1 and 2 threads.
 *
 * Maps from 1x1 to 147x147 (widths below, at and above every vector of 8 or
 * 16 floats and of the direct kernel's column plans, odd heights), windows
 * of 1 to 4 rows / columns at strides 1, 2 and 3, pads 0 to 2, floor and
 * ceil mode, channel counts from 1, each as max, average and average with
 * count_include_pad, with and without a fused pre-activation.  The
 * reference side applies the pre-activation in a plain loop into a dense
 * copy (as a separate BatchNormalization + Relu) and calls the _ref kernel.
 * Checks per case:
 *  - max pools equal the reference (exactly, -0 == +0); averages within
 *    1e-6 * max(1, |ref|) (inputs in [-1, 1], pre-activations within 1.5);
 *  - every SIMD level gives the scalar level's bits (the kernels do the
 *    same operations in the same order per output);
 *  - 2 threads give the bits of 1 thread;
 *  - nothing outside y is written (canaries after the output). */
#define _POSIX_C_SOURCE 200112L /* setenv */
#include "onnxcc/rt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures, cases;

static unsigned long long rng_state = 0x9e3779b97f4a7c15ull;
static float frand(void) /* uniform in [-1, 1) */
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (float)((double)(rng_state >> 40) / (double)(1ull << 24) * 2.0 - 1.0);
}

static float *alloc_floats(size_t n)
{
    float *v = malloc((n ? n : 1) * sizeof *v);
    if (!v) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    return v;
}

#define CANARY 4242.0f
#define TAIL 40 /* canaries after y */

/* Output extent of a pooled axis as the compiler resolves it: ceil mode
 * drops a last window that would start in the right padding. */
static int out_len(int in, int k, int s, int pad, int ceil_mode)
{
    const int span = in + 2 * pad - k;
    int o = (ceil_mode ? (span + s - 1) / s : span / s) + 1;
    if (ceil_mode && (o - 1) * s >= in + pad)
        o--;
    return o;
}

/* y = pool of x at the ISA level now set, on `threads` threads. */
static void run(int is_max, const OnnxccPool2dParams *p, const float *x, const float *scale,
                const float *shift, float *y, size_t ny, int threads)
{
    for (size_t i = 0; i < ny + TAIL; i++)
        y[i] = CANARY;
    onnxcc_set_num_threads(threads);
    if (is_max)
        onnxcc_f32_maxpool2d(p, x, scale, shift, y, 0);
    else
        onnxcc_f32_avgpool2d(p, x, scale, shift, y, 0);
    onnxcc_set_num_threads(1);
}

static void fail(const char *what, const OnnxccPool2dParams *p, int kind, int pre, const char *isa)
{
    if (failures++ < 20)
        fprintf(stderr,
                "%s: %s C=%d %dx%d k=%dx%d s=%d pads=%d,%d ceil->%dx%d pre=%d at %s\n", what,
                kind == 0 ? "max" : kind == 1 ? "avg" : "avg cip", p->C, p->H, p->W, p->kH, p->kW,
                p->stride_w, p->pad_t, p->pad_l, p->OH, p->OW, pre, isa);
}

/* One case at every ISA level: kind 0 max, 1 avg, 2 avg count_include_pad;
 * pre 0 none, 1 scale + shift + relu, 2 relu alone. */
static void check(int C, int H, int W, int k, int s, int pad, int ceil_mode, int kind, int pre)
{
    OnnxccPool2dParams p;
    memset(&p, 0, sizeof p);
    p.N = 1, p.C = C, p.H = H, p.W = W;
    p.kH = p.kW = k, p.stride_h = p.stride_w = s, p.dil_h = p.dil_w = 1;
    p.pad_t = p.pad_l = p.pad_b = p.pad_r = pad;
    p.OH = out_len(H, k, s, pad, ceil_mode);
    p.OW = out_len(W, k, s, pad, ceil_mode);
    if (p.OH < 1 || p.OW < 1)
        return;
    p.count_include_pad = kind == 2;
    p.pre_relu = pre != 0;
    const int is_max = kind == 0;
    const size_t nx = (size_t)C * H * W, ny = (size_t)C * p.OH * p.OW;
    float *x = alloc_floats(nx), *t = alloc_floats(nx), *scale = NULL, *shift = NULL;
    for (size_t i = 0; i < nx; i++)
        x[i] = frand();
    if (pre == 1) {
        scale = alloc_floats((size_t)C), shift = alloc_floats((size_t)C);
        for (int c = 0; c < C; c++)
            scale[c] = frand(), shift[c] = 0.5f * frand();
    }
    for (int c = 0; c < C; c++) /* the reference's pre-activated copy */
        for (size_t i = 0; i < (size_t)H * W; i++) {
            float v = x[(size_t)c * H * W + i];
            if (scale)
                v = v * scale[c] + shift[c];
            if (pre && v < 0.0f)
                v = 0.0f;
            t[(size_t)c * H * W + i] = v;
        }
    float *want = alloc_floats(ny), *scalar = alloc_floats(ny + TAIL);
    float *got = alloc_floats(ny + TAIL), *got2 = alloc_floats(ny + TAIL);
    if (is_max)
        onnxcc_f32_maxpool2d_ref(&p, t, want);
    else
        onnxcc_f32_avgpool2d_ref(&p, t, want);
    cases++;
    unsetenv("ONNXCC_ISA");
    const int best = onnxcc_rt_isa();
    for (int isa = ONNXCC_ISA_SCALAR; isa <= best; isa++) {
        const char *name = onnxcc_rt_isa_name(isa);
        setenv("ONNXCC_ISA", name, 1);
        run(is_max, &p, x, scale, shift, got, ny, 1);
        run(is_max, &p, x, scale, shift, got2, ny, 2);
        for (size_t i = 0; i < ny; i++) {
            const double g = got[i], w = want[i];
            const int ok = is_max ? g == w : fabs(g - w) <= 1e-6 * (fabs(w) > 1 ? fabs(w) : 1);
            if (!ok) {
                fail("differs from the reference", &p, kind, pre, name);
                fprintf(stderr, "  [%zu] = %.9g, want %.9g\n", i, g, w);
                break;
            }
        }
        for (size_t i = ny; i < ny + TAIL; i++)
            if (got[i] != CANARY || got2[i] != CANARY) {
                fail("wrote past y", &p, kind, pre, name);
                break;
            }
        if (memcmp(got, got2, sizeof(float) * ny) != 0)
            fail("2 threads differ from 1", &p, kind, pre, name);
        if (isa == ONNXCC_ISA_SCALAR)
            memcpy(scalar, got, sizeof(float) * ny);
        else if (memcmp(scalar, got, sizeof(float) * ny) != 0)
            fail("differs from the scalar level", &p, kind, pre, name);
    }
    unsetenv("ONNXCC_ISA");
    free(x), free(t), free(scale), free(shift), free(want), free(scalar), free(got), free(got2);
}

int main(void)
{
    /* square maps, then rectangles: H x W */
    static const int maps[][2] = {
        {1, 1},   {2, 2},   {3, 3},   {4, 4},   {5, 5},   {7, 7},   {8, 8},     {13, 13},
        {14, 14}, {15, 15}, {16, 16}, {17, 17}, {27, 27}, {28, 28}, {32, 32},   {33, 33},
        {35, 35}, {46, 46}, {56, 56}, {1, 37},  {37, 1},  {2, 65},  {9, 31},    {6, 47},
        {11, 63}, {3, 97},  {5, 113}, {4, 147}, {147, 4}, {70, 9},  {112, 112}, {147, 147},
        {12, 12}, {6, 12},  {10, 14}, {4, 16},
    };
    /* k s pad ceil: the zoo's windows and their neighbours */
    static const int wins[][4] = {
        {2, 2, 0, 0}, {2, 2, 0, 1}, {2, 2, 1, 1}, {3, 2, 0, 0}, {3, 2, 0, 1}, {3, 2, 1, 0},
        {3, 2, 1, 1}, {3, 1, 1, 0}, {3, 1, 1, 1}, {3, 1, 0, 0}, {2, 1, 0, 0}, {2, 1, 1, 1},
        {1, 1, 0, 0}, {1, 2, 0, 0}, {3, 3, 1, 1}, {2, 3, 0, 1}, {4, 2, 1, 0}, {3, 1, 2, 0},
    };
    const int nmaps = (int)(sizeof maps / sizeof maps[0]), nwins = (int)(sizeof wins / sizeof wins[0]);
    int turn = 0;
    for (int m = 0; m < nmaps; m++) {
        const int H = maps[m][0], W = maps[m][1];
        const int big = H * W > 4000;
        for (int w = 0; w < nwins; w++) {
            if (big && w % 3 != 0 && wins[w][1] != 2) /* large maps: fewer windows */
                continue;
            for (int kind = 0; kind < 3; kind++)
                for (int pre = 0; pre < 3; pre++) {
                    /* channels: 1, 3 or enough for two threads' worth of planes */
                    const int C = turn % 3 == 0 ? 1 : turn % 3 == 1 ? 3 : 20000 / (H * W) + 2;
                    check(C > 4096 ? 4096 : C, H, W, wins[w][0], wins[w][1], wins[w][2], wins[w][3],
                          kind, pre);
                    turn += pre == 2 ? 2 : 1;
                }
        }
    }
    if (failures) {
        fprintf(stderr, "%d failures in %d cases\n", failures, cases);
        return 1;
    }
    printf("pool sweep: %d cases passed at every ISA level, 1 and 2 threads\n", cases);
    return 0;
}
