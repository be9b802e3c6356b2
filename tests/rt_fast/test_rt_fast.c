/* test_rt_fast.c — the portable fast kernels (runtime/fast: pooling with a
 * fused pre-activation, global average pooling, gemm) against the reference
 * kernels.
 *
 * The reference side never shares the fast path's code: it applies the
 * pre-activation with a plain loop into a dense temporary, as a separate
 * BatchNormalization (+ Relu) would, then calls the _ref kernel.  Cases sit
 * at awkward sizes (odd maps, 1x1 maps, 1/3/17 channels, windows that run
 * past the pads, tails of every vector block, column chunks, wide windows)
 * and use image strides larger than dense, with canaries in every gap.
 * Max pools must match exactly; sums within 1e-5 * max(1, |ref|) (gemm:
 * times sqrt(K)). */
#define _POSIX_C_SOURCE 200112L /* setenv */
#define _DEFAULT_SOURCE          /* MAP_ANONYMOUS */
#include "onnxcc/rt.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int failures;

/* Deterministic uniform floats in [-1, 1). */
static unsigned long long rng_state = 0x2545f4914f6cdd1dull;
static float frand(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (float)((double)(rng_state >> 40) / (double)(1ull << 24) * 2.0 - 1.0);
}

static float *alloc_random(size_t n)
{
    float *v = malloc((n ? n : 1) * sizeof *v);
    if (!v) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    for (size_t i = 0; i < n; i++)
        v[i] = frand();
    return v;
}

#define SENTINEL 12345.0f

static float *alloc_sentinel(size_t n)
{
    float *v = alloc_random(n);
    for (size_t i = 0; i < n; i++)
        v[i] = SENTINEL;
    return v;
}

/* got vs want over n elements: where want is SENTINEL (the reference left
 * it alone) got must be SENTINEL too; elsewhere |got - want| <= tol *
 * max(1, |want|), tol 0 meaning equal (NaN equals NaN). */
static void compare(const char *name, const float *got, const float *want, size_t n, double tol)
{
    int shown = 0;
    for (size_t i = 0; i < n; i++) {
        const double g = got[i], w = want[i];
        int ok;
        if (want[i] == SENTINEL)
            ok = got[i] == SENTINEL;
        else if (g == w || (isnan(g) && isnan(w)))
            ok = 1; /* also infinities */
        else
            ok = fabs(g - w) <= tol * (fabs(w) > 1 ? fabs(w) : 1);
        if (!ok) {
            if (shown++ < 5)
                fprintf(stderr, "%s: [%zu] = %.9g, want %.9g\n", name, i, g, w);
            failures++;
        }
    }
}

/* ======================================================================
 * pooling
 * ====================================================================== */

enum { PRE_SCALE = 1, PRE_SHIFT = 2, PRE_RELU = 4 };

/* The per-channel affine of a pre-activation (NULL when not in `pre`),
 * scales in [-1.5, 1.5): negative ones flip the order of values. */
static void make_pre(int pre, size_t C, float **scale, float **shift)
{
    *scale = NULL;
    *shift = NULL;
    if (pre & PRE_SCALE) {
        *scale = alloc_random(C);
        for (size_t c = 0; c < C; c++)
            (*scale)[c] *= 1.5f;
        (*scale)[0] = -0.75f; /* at least one negative channel */
    }
    if (pre & PRE_SHIFT)
        *shift = alloc_random(C);
}

/* The reference pre-activation: dense [N][C][hw] out of x, images xs apart. */
static float *apply_pre(size_t N, size_t C, size_t hw, size_t xs, const float *x,
                        const float *scale, const float *shift, int relu)
{
    float *t = alloc_random(N * C * hw);
    for (size_t n = 0; n < N; n++) {
        for (size_t c = 0; c < C; c++) {
            const float a = scale ? scale[c] : 1.0f, b = shift ? shift[c] : 0.0f;
            for (size_t i = 0; i < hw; i++) {
                float v = x[n * xs + c * hw + i];
                if (scale || shift)
                    v = v * a + b;
                if (relu && v < 0.0f)
                    v = 0.0f;
                t[(n * C + c) * hw + i] = v;
            }
        }
    }
    return t;
}

/* Output extent of a pooled axis, floor or ceil mode (as the compiler
 * resolves it; ceil may add a window that runs past the padding). */
static int out_len(int in, int k, int s, int d, int lo, int hi, int ceil_mode)
{
    const int span = in + lo + hi - d * (k - 1) - 1;
    return (ceil_mode ? (span + s - 1) / s : span / s) + 1;
}

typedef struct PoolCase {
    int N, C, H, W, kH, kW, sh, sw, dh, dw, pt, pl, pb, pr, ceil_mode;
    size_t x_extra, y_extra, y_off; /* image stride gaps, y slice offset */
} PoolCase;

static OnnxccPool2dParams pool_params(const PoolCase *k)
{
    OnnxccPool2dParams p;
    memset(&p, 0, sizeof p);
    p.N = k->N, p.C = k->C, p.H = k->H, p.W = k->W;
    p.kH = k->kH, p.kW = k->kW, p.stride_h = k->sh, p.stride_w = k->sw;
    p.dil_h = k->dh, p.dil_w = k->dw;
    p.pad_t = k->pt, p.pad_l = k->pl, p.pad_b = k->pb, p.pad_r = k->pr;
    p.OH = out_len(k->H, k->kH, k->sh, k->dh, k->pt, k->pb, k->ceil_mode);
    p.OW = out_len(k->W, k->kW, k->sw, k->dw, k->pl, k->pr, k->ceil_mode);
    return p;
}

/* One pool (max or avg) with one pre-activation, fast vs reference.  nan:
 * plant NaN and -inf taps in x. */
static void check_pool(const char *name, OnnxccPool2dParams p, int is_max, int pre, size_t x_extra,
                       size_t y_extra, size_t y_off, int nan)
{
    const size_t N = (size_t)p.N, C = (size_t)p.C;
    const size_t plane = (size_t)p.H * (size_t)p.W, oplane = (size_t)p.OH * (size_t)p.OW;
    const size_t xs = C * plane + x_extra, ys = C * oplane + y_extra;
    const size_t ny = y_off + N * ys + 8;
    char label[160];
    snprintf(label, sizeof label, "%s %s pre=%d cip=%d", name, is_max ? "max" : "avg", pre,
             p.count_include_pad);

    float *x = alloc_random(N * xs), *scale, *shift;
    if (nan)
        for (size_t i = 0; i < N * xs; i += 7)
            x[i] = i % 2 ? NAN : -INFINITY;
    make_pre(pre, C, &scale, &shift);
    p.pre_relu = !!(pre & PRE_RELU);
    p.x_img_stride = x_extra ? xs : 0;
    p.y_img_stride = y_extra ? ys : 0;
    float *got = alloc_sentinel(ny), *want = alloc_sentinel(ny);
    float *t = apply_pre(N, C, plane, xs, x, scale, shift, p.pre_relu);

    OnnxccPool2dParams q = p; /* the reference reads the dense temporary */
    q.x_img_stride = 0;
    if (is_max) {
        onnxcc_f32_maxpool2d(&p, x, scale, shift, got + y_off, 0);
        onnxcc_f32_maxpool2d_ref(&q, t, want + y_off);
    } else {
        onnxcc_f32_avgpool2d(&p, x, scale, shift, got + y_off, 0);
        onnxcc_f32_avgpool2d_ref(&q, t, want + y_off);
    }
    compare(label, got, want, ny, is_max ? 0.0 : 1e-5);
    /* The SIMD row kernels do the scalar loops' operations in their order:
     * the same bits as the scalar level, averages included. */
    const char *isa = getenv("ONNXCC_ISA");
    if (isa && strcmp(isa, "scalar") != 0) {
        char kept[16];
        snprintf(kept, sizeof kept, "%s", isa);
        float *scalar = alloc_sentinel(ny);
        setenv("ONNXCC_ISA", "scalar", 1);
        if (is_max)
            onnxcc_f32_maxpool2d(&p, x, scale, shift, scalar + y_off, 0);
        else
            onnxcc_f32_avgpool2d(&p, x, scale, shift, scalar + y_off, 0);
        setenv("ONNXCC_ISA", kept, 1);
        if (memcmp(scalar, got, sizeof(float) * ny) != 0) {
            fprintf(stderr, "%s: %s differs from the scalar level\n", label, kept);
            failures++;
        }
        free(scalar);
    }
    free(x), free(scale), free(shift), free(got), free(want), free(t);
}

/* Every pool kind and a rotation of pre-activations over one case. */
static void check_pool_case(const char *name, const PoolCase *k)
{
    static const int pres[] = {0, PRE_SCALE | PRE_SHIFT | PRE_RELU, PRE_SCALE, PRE_SHIFT | PRE_RELU,
                               PRE_RELU, PRE_SCALE | PRE_SHIFT};
    static int turn;
    OnnxccPool2dParams p = pool_params(k);
    for (int cip = 0; cip < 3; cip++) { /* max, avg, avg count_include_pad */
        const int pre = pres[turn++ % 6];
        p.count_include_pad = cip == 2;
        check_pool(name, p, cip == 0, pre, k->x_extra, k->y_extra, k->y_off, 0);
        /* the other max operand order: negative scales, with and without ReLU */
        if (cip == 0)
            check_pool(name, p, 1, PRE_SCALE | PRE_SHIFT | (pre & PRE_RELU ? 0 : PRE_RELU),
                       k->x_extra, k->y_extra, k->y_off, 0);
    }
}

static void test_pools(void)
{
    /* N C H W kH kW sh sw dh dw pt pl pb pr ceil x_extra y_extra y_off */
    static const struct {
        const char *name;
        PoolCase k;
    } cases[] = {
        {"densenet transition 2x2s2", {1, 17, 14, 14, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0}},
        {"transition strides", {2, 3, 56, 56, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0, 0, 6272, 31, 784}},
        {"densenet stem 3x3s2p1", {1, 3, 112, 112, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0}},
        {"stem odd 7x9", {2, 17, 7, 9, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0}},
        {"2x2s2 odd 5x5 floor", {1, 3, 5, 5, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0}},
        {"2x2s2 odd 5x7 ceil", {2, 3, 5, 7, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0, 1, 35, 9, 3}},
        {"3x3s2p1 6x6 ceil past pads", {1, 17, 6, 6, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0}},
        {"1x1 map 1x1 kernel", {2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 3, 2, 1}},
        {"1x1 map 3x3p1", {1, 17, 1, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0}},
        {"dilated asym pads", {2, 3, 9, 11, 3, 2, 1, 2, 2, 3, 2, 1, 1, 2, 0, 0, 0, 0}},
        {"dilated ceil", {1, 3, 10, 13, 2, 3, 3, 2, 2, 2, 1, 0, 0, 2, 1, 0, 5, 0}},
        {"stride 3 pads 2", {1, 17, 8, 19, 4, 5, 3, 3, 1, 1, 2, 2, 2, 2, 1, 0, 0, 0}},
        {"3x3s1p1 wide rows", {1, 3, 5, 45, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0}},
        {"inception 3x3s1p1 14x14", {2, 17, 14, 14, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 0, 9, 5, 2}},
        {"3x3s2 ceil 13x13 (squeezenet)", {1, 5, 13, 13, 3, 3, 2, 2, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0}},
        {"1x1 kernel stride 1", {1, 3, 9, 21, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0}},
        {"2x3 stride 2 x 1", {1, 3, 9, 33, 2, 3, 2, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 0}},
        {"1-D k5s2", {2, 3, 1, 37, 1, 5, 1, 2, 1, 1, 0, 2, 0, 2, 1, 0, 0, 0}},
        {"chunks k3s2", {1, 3, 3, 2500, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0}},
        {"chunks k7s1 dil", {1, 1, 2, 3000, 1, 7, 1, 1, 1, 3, 0, 9, 0, 9, 0, 4, 4, 4}},
        {"wide window (direct)", {2, 3, 2, 1500, 2, 1100, 1, 100, 1, 1, 0, 30, 1, 30, 1, 0, 0, 0}},
        {"wide dilated (direct)", {1, 3, 3, 1400, 2, 300, 1, 7, 2, 4, 1, 3, 0, 3, 0, 0, 0, 0}},
        {"kernel larger than map", {1, 3, 3, 4, 5, 6, 1, 1, 1, 1, 2, 2, 2, 2, 0, 0, 0, 0}},
        /* the direct row kernel: pads wider than a tap, k = 2 at stride 1,
         * more rows than one call takes, rows longer than ROW_MAX */
        {"3x3s1 pads 2", {1, 5, 6, 37, 3, 3, 1, 1, 1, 1, 2, 2, 2, 2, 0, 0, 0, 0}},
        {"2x2s1p1 ceil", {2, 3, 7, 18, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 4, 0, 0}},
        {"3x3 s2 x 1, 70 rows", {1, 2, 140, 20, 3, 3, 2, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0}},
        {"3x3s1 long rows", {1, 2, 3, 1100, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0}},
        {"2x2s2 pad 1 ceil", {1, 3, 9, 35, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0}},
        /* the flat kernel (3x3, stride 1, pads 1): planes of 7x7, 28x28,
         * 32x32 (its largest), 33x31, 2 columns; 33x32 is too large */
        {"same3 7x7", {2, 5, 7, 7, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 0, 7, 3, 1}},
        {"same3 28x28", {1, 3, 28, 28, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0}},
        {"same3 32x32", {1, 2, 32, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0}},
        {"same3 33x31", {1, 2, 33, 31, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0}},
        {"same3 9x2", {1, 3, 9, 2, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0}},
        {"same3 too large 33x32", {1, 2, 33, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0}},
        /* pads wider than a chunk of outputs: windows far outside the input */
        {"pads past a chunk, 3x3/2", {1, 1, 4, 5, 3, 3, 2, 2, 1, 1, 1100, 1100, 1100, 1100, 0, 0, 0, 0}},
        {"pads past a chunk, 5x5/3", {1, 1, 5, 4, 5, 5, 3, 3, 1, 1, 1600, 1600, 1600, 1600, 0, 0, 0, 0}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_pool_case(cases[i].name, &cases[i].k);

    /* Windows entirely beyond the input (an OH/OW one larger than ceil
     * mode gives): max is -FLT_MAX even after a ReLU, avg 0. */
    const PoolCase e = {1, 3, 3, 3, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0};
    OnnxccPool2dParams p = pool_params(&e);
    p.OH++, p.OW++;
    check_pool("empty windows", p, 1, PRE_RELU, 0, 0, 0, 0);
    check_pool("empty windows", p, 1, PRE_SCALE | PRE_SHIFT | PRE_RELU, 0, 0, 0, 0);
    check_pool("empty windows", p, 0, PRE_SCALE | PRE_SHIFT | PRE_RELU, 0, 0, 0, 0);
    p.count_include_pad = 1;
    check_pool("empty windows", p, 0, PRE_RELU, 0, 0, 0, 0);

    /* NaN and -inf taps: max ignores NaN and prefers any value to -inf (the
     * reference's -FLT_MAX start); avg propagates both. */
    const PoolCase n = {2, 3, 9, 21, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0};
    p = pool_params(&n);
    for (int pre = 0; pre < 8; pre += 3) {
        check_pool("nan taps", p, 1, pre, 0, 0, 0, 1);
        check_pool("nan taps", p, 0, pre, 0, 0, 0, 1);
    }
    const PoolCase n1 = {2, 3, 9, 21, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0};
    p = pool_params(&n1);
    for (int pre = 0; pre < 8; pre += 3)
        check_pool("nan taps, stride 1", p, 1, pre, 0, 0, 0, 1);
}

/* ======================================================================
 * global average pooling
 * ====================================================================== */

static void check_globalavgpool(size_t N, size_t C, size_t hw, size_t x_extra, int pre)
{
    const size_t xs = C * hw + x_extra;
    char label[96];
    snprintf(label, sizeof label, "globalavgpool N=%zu C=%zu hw=%zu gap=%zu pre=%d", N, C, hw,
             x_extra, pre);
    float *x = alloc_random(N * xs), *scale, *shift;
    make_pre(pre, C, &scale, &shift);
    float *t = apply_pre(N, C, hw, xs, x, scale, shift, pre & PRE_RELU);
    float *got = alloc_sentinel(N * C + 4), *want = alloc_sentinel(N * C + 4);
    float *got3 = alloc_sentinel(N * C + 4);
    onnxcc_f32_globalavgpool_ref(N * C, hw, t, want);
    /* a compiled cap of scalar (isa_cap 1) on this CPU: the bits of the
     * scalar level, as under ONNXCC_ISA=scalar below */
    float *capped = alloc_sentinel(N * C + 4);
    onnxcc_f32_globalavgpool(N, C, hw, x_extra ? xs : 0, x, scale, shift, pre & PRE_RELU, capped, 1);
    static const char *const isas[] = {"scalar", "avx2", "avx512"};
    char what[128];
    for (int isa = 0; isa < 3; isa++) { /* every level the CPU has */
        setenv("ONNXCC_ISA", isas[isa], 1);
        if (onnxcc_rt_isa() != isa)
            continue;
        snprintf(what, sizeof what, "%s %s", label, isas[isa]);
        onnxcc_set_num_threads(1);
        onnxcc_f32_globalavgpool(N, C, hw, x_extra ? xs : 0, x, scale, shift, pre & PRE_RELU, got, 0);
        onnxcc_set_num_threads(3); /* planes split over tasks: the same bits */
        onnxcc_f32_globalavgpool(N, C, hw, x_extra ? xs : 0, x, scale, shift, pre & PRE_RELU, got3, 0);
        onnxcc_set_num_threads(0);
        compare(what, got, want, N * C + 4, 1e-5);
        if (memcmp(got, got3, sizeof(float) * (N * C + 4))) {
            fprintf(stderr, "%s: 1 and 3 threads differ\n", what);
            failures++;
        }
        if (isa == 0 && memcmp(got, capped, sizeof(float) * (N * C + 4))) {
            fprintf(stderr, "%s: isa_cap scalar differs from ONNXCC_ISA=scalar\n", what);
            failures++;
        }
    }
    unsetenv("ONNXCC_ISA");
    free(x), free(scale), free(shift), free(t), free(got), free(got3), free(want), free(capped);
}

static void test_globalavgpool(void)
{
    static const size_t hws[] = {1, 5, 8, 9, 15, 16, 17, 49, 64, 67, 225, 3136}; /* around 8, 16, 64 lanes */
    static const size_t Cs[] = {1, 3, 17};
    int pre = 0;
    for (size_t i = 0; i < sizeof hws / sizeof hws[0]; i++)
        for (size_t j = 0; j < sizeof Cs / sizeof Cs[0]; j++)
            for (size_t N = 1; N <= 2; N++, pre = (pre + 1) % 8)
                check_globalavgpool(N, Cs[j], hws[i], (N + j) % 2 ? 3 * hws[i] + 1 : 0, pre);
    /* DenseNet-121's head: norm5 + relu + pool over a 1024-channel prefix */
    check_globalavgpool(2, 1024, 49, 32 * 49, PRE_SCALE | PRE_SHIFT | PRE_RELU);
    /* maps big enough to split over threads, runs across images */
    check_globalavgpool(2, 37, 3136, 5, PRE_SHIFT | PRE_RELU);
    check_globalavgpool(1, 96, 12544, 0, 0);
}

/* ======================================================================
 * gemm
 * ====================================================================== */

/* C operand shapes, as (row, col) strides over an [M][N] view. */
enum { C_NONE, C_FULL, C_ROW, C_COL, C_SCALAR, C_INPLACE, C_KINDS };

static void check_gemm(int M, int N, int K, int ta, int tb, float alpha, float beta, int ckind)
{
    const size_t m = (size_t)M, n = (size_t)N, k = (size_t)K;
    char label[128];
    snprintf(label, sizeof label, "gemm M=%d N=%d K=%d ta=%d tb=%d alpha=%g beta=%g c=%d", M, N, K,
             ta, tb, alpha, beta, ckind);
    OnnxccGemmParams p;
    memset(&p, 0, sizeof p);
    p.M = M, p.N = N, p.K = K, p.trans_a = ta, p.trans_b = tb, p.alpha = alpha, p.beta = beta;
    float *a = alloc_random(m * k), *b = alloc_random(k * n), *c = alloc_random(m * n);
    const float *cp = c;
    switch (ckind) {
    case C_NONE:
        cp = NULL;
        break;
    case C_FULL:
    case C_INPLACE:
        p.c_row_stride = n, p.c_col_stride = 1;
        break;
    case C_ROW:
        p.c_row_stride = 0, p.c_col_stride = 1;
        break;
    case C_COL:
        p.c_row_stride = 1, p.c_col_stride = 0;
        break;
    default:
        break;
    }
    float *got = alloc_sentinel(m * n + 8), *want = alloc_sentinel(m * n + 8);
    float *got3 = alloc_sentinel(m * n + 8);
    onnxcc_f32_gemm_ref(&p, a, b, cp, want);
    /* every ISA level (the small-M dot form has a kernel per level), and
     * bit for bit the same on 1 and 3 threads */
    unsetenv("ONNXCC_ISA");
    const int best = onnxcc_rt_isa();
    for (int isa = ONNXCC_ISA_SCALAR; isa <= best; isa++) {
        char name[160];
        setenv("ONNXCC_ISA", onnxcc_rt_isa_name(isa), 1);
        snprintf(name, sizeof name, "%s %s", label, onnxcc_rt_isa_name(isa));
        for (int th = 1; th <= 3; th += 2) {
            float *out = th == 1 ? got : got3;
            onnxcc_set_num_threads(th);
            if (ckind == C_INPLACE) { /* y is c */
                memcpy(out, c, m * n * sizeof *out);
                onnxcc_f32_gemm(&p, a, b, out, out);
            } else {
                onnxcc_f32_gemm(&p, a, b, cp, out);
            }
        }
        compare(name, got, want, m * n + 8, 1e-5 * sqrt(K > 1 ? (double)K : 1.0));
        if (memcmp(got, got3, sizeof(float) * m * n)) {
            fprintf(stderr, "%s: 1 and 3 threads differ\n", name);
            failures++;
        }
    }
    unsetenv("ONNXCC_ISA");
    onnxcc_set_num_threads(0);
    free(a), free(b), free(c), free(got), free(got3), free(want);
}

static void test_gemm(void)
{
    /* Sizes below, at and above the 4-row blocks, 8-column tiles, 8-lane
     * dot blocks and 32-lane one-row dots (M = 1), the 64-column blocks and
     * the 256-deep chunks. */
    static const int Ms[] = {1, 2, 3, 4, 5, 9};
    static const int Ns[] = {1, 3, 8, 9, 17, 65, 130};
    static const int Ks[] = {0, 1, 7, 8, 9, 33, 300};
    static const float alphas[] = {1.0f, 0.5f, -2.0f}, betas[] = {1.0f, 0.0f, 0.25f};
    int turn = 0;
    for (size_t i = 0; i < sizeof Ms / sizeof Ms[0]; i++)
        for (size_t j = 0; j < sizeof Ns / sizeof Ns[0]; j++)
            for (size_t l = 0; l < sizeof Ks / sizeof Ks[0]; l++)
                for (int t = 0; t < 4; t++, turn++)
                    check_gemm(Ms[i], Ns[j], Ks[l], t & 1, t >> 1, alphas[turn % 3],
                               betas[turn / 3 % 3], turn % C_KINDS);
    /* every trans / C combination on one awkward size */
    for (int t = 0; t < 4; t++)
        for (int ck = 0; ck < C_KINDS; ck++)
            check_gemm(6, 11, 261, t & 1, t >> 1, 0.75f, -1.5f, ck);
    /* DenseNet classifiers: [batch][K] x [1000][K]^T + bias[1000] */
    check_gemm(1, 1000, 1024, 0, 1, 1.0f, 1.0f, C_ROW);
    check_gemm(1, 1000, 1280, 0, 1, 1.0f, 1.0f, C_ROW); /* MobileNetV2's */
    check_gemm(4, 1000, 2208, 0, 1, 1.0f, 1.0f, C_ROW);
    check_gemm(3, 1000, 1664, 0, 1, 1.0f, 1.0f, C_ROW);
    /* the small-M dot form (up to 15 rows): row groups of 4 (AVX-512) and 2
     * (AVX2), k below, at and above whole runs of 4 vectors, column ranges
     * split over threads; AlexNet's FC layers */
    static const int gm[] = {1, 2, 3, 4, 5, 7, 8, 15, 16};
    static const int gk[] = {15, 16, 17, 63, 64, 65, 129, 1000};
    for (size_t i = 0; i < sizeof gm / sizeof *gm; i++)
        for (size_t l = 0; l < sizeof gk / sizeof *gk; l++)
            check_gemm(gm[i], (int)(37 + 8 * l), gk[l], (int)(l == 3 && gm[i] == 1), 1, l % 2 ? 0.5f : 1.0f,
                       1.0f, (int)(i + l) % C_KINDS);
    check_gemm(1, 333, 9216, 0, 1, 1.0f, 1.0f, C_ROW);
    /* one row of A: 4 (AVX-512) or 2 (AVX2) B rows at once, ranges of 16
     * columns per thread, a tail of 1-3 B rows, a masked last vector */
    check_gemm(1, 1027, 2049, 0, 1, 1.0f, 1.0f, C_ROW);
    check_gemm(2, 4096, 512, 0, 1, 1.0f, 1.0f, C_ROW);
    check_gemm(1, 1, 4096, 0, 0, 1.0f, 1.0f, C_SCALAR); /* N = 1: a column of B is contiguous */
}

/* ======================================================================
 * broadcasting add/sub/mul/div: onnxcc_f32_binary against the reference,
 * bit for bit, on 1 and 3 threads (element ranges that split rows)
 * ====================================================================== */

typedef int (*RefBinary)(const OnnxccBroadcast *, const float *, const float *, float *);

/* Output dims d[0..rank); an operand's dims are the output's with the axes
 * in its mask (bit i: axis i) set to 1, i.e. broadcast there. */
static void check_binary(int rank, const size_t *d, unsigned amask, unsigned bmask)
{
    static const RefBinary refs[] = {onnxcc_f32_add_ref, onnxcc_f32_sub_ref, onnxcc_f32_mul_ref,
                                      onnxcc_f32_div_ref};
    OnnxccBroadcast p;
    memset(&p, 0, sizeof p);
    p.rank = rank;
    size_t total = 1, sa = 1, sb = 1, na = 1, nb = 1;
    for (int i = rank - 1; i >= 0; i--) {
        p.dims[i] = d[i];
        total *= d[i];
        p.a_strides[i] = (amask >> i) & 1 ? 0 : sa;
        p.b_strides[i] = (bmask >> i) & 1 ? 0 : sb;
        if (!((amask >> i) & 1)) {
            sa *= d[i];
            na *= d[i];
        }
        if (!((bmask >> i) & 1)) {
            sb *= d[i];
            nb *= d[i];
        }
    }
    float *a = alloc_random(na), *b = alloc_random(nb), *want = alloc_sentinel(total),
          *got = alloc_sentinel(total);
    for (size_t i = 0; i < nb; i++)
        b[i] += b[i] < 0 ? -0.25f : 0.25f; /* no division by ~0 */
    for (int op = ONNXCC_BIN_ADD; op <= ONNXCC_BIN_DIV; op++) {
        for (int threads = 1; threads <= 3; threads += 2) {
            char name[96];
            snprintf(name, sizeof name, "binary op %d rank %d masks %u/%u threads %d", op, rank, amask, bmask,
                     threads);
            onnxcc_set_num_threads(threads);
            if (refs[op](&p, a, b, want) || onnxcc_f32_binary(&p, op, a, b, got)) {
                fprintf(stderr, "%s: rejected\n", name);
                failures++;
            }
            compare(name, got, want, total, 0);
        }
    }
    onnxcc_set_num_threads(0);
    free(a);
    free(b);
    free(want);
    free(got);
}

/* ======================================================================
 * matmul: onnxcc_f32_matmul against the reference (double sums) within
 * float rounding, every ISA level, and bitwise the same on 1 and 3 threads
 * ====================================================================== */

static void check_matmul_tb(int M, int K, int N, size_t batch, int a_batched, int b_batched, int tb)
{
    OnnxccMatmulParams p = {M, K, N, batch, a_batched ? (size_t)M * K : 0, b_batched ? (size_t)K * N : 0, tb, 0};
    const size_t na = (a_batched ? batch : 1) * (size_t)M * K, nb = (b_batched ? batch : 1) * (size_t)K * N;
    const size_t ny = batch * (size_t)M * N;
    float *a = alloc_random(na), *b = alloc_random(nb), *want = alloc_sentinel(ny), *got = alloc_sentinel(ny),
          *got3 = alloc_sentinel(ny);
    float *scratch = malloc(sizeof(float) * onnxcc_f32_matmul_scratch_size(&p) + 64);
    onnxcc_f32_matmul_ref(&p, a, b, want);
    float *bp = NULL; /* tb 2: B packed, one block set per product; 3: the same packed from [N][K] */
    if (tb >= ONNXCC_MATMUL_B_PACKED) {
        p.b_layout = tb == 3 ? ONNXCC_MATMUL_B_NK : ONNXCC_MATMUL_B_KN;
        onnxcc_f32_matmul_ref(&p, a, b, want);
        const size_t one = onnxcc_f32_matmul_packed_b_size(&p), nbt = b_batched ? batch : 1;
        bp = alloc_sentinel(one * nbt);
        for (size_t t = 0; t < nbt; t++)
            onnxcc_f32_matmul_pack_b(&p, b + t * (size_t)K * N, bp + t * one);
        p.b_layout = ONNXCC_MATMUL_B_PACKED;
        p.b_batch_stride = b_batched ? one : 0;
        free(scratch);
        scratch = malloc(sizeof(float) * onnxcc_f32_matmul_scratch_size(&p) + 64);
    }
    unsetenv("ONNXCC_ISA");
    const int best = onnxcc_rt_isa();
    for (int isa = ONNXCC_ISA_SCALAR; isa <= best; isa++) {
        char name[96];
        setenv("ONNXCC_ISA", onnxcc_rt_isa_name(isa), 1);
        snprintf(name, sizeof name, "matmul %s M%d K%d N%d batch %zu (%d, %d) tb %d", onnxcc_rt_isa_name(isa), M, K,
                 N, batch, a_batched, b_batched, tb);
        onnxcc_set_num_threads(1);
        onnxcc_f32_matmul(&p, a, bp ? bp : b, got, scratch);
        compare(name, got, want, ny, 2e-6 * (K > 1 ? sqrt((double)K) : 1.0));
        onnxcc_set_num_threads(3);
        onnxcc_f32_matmul(&p, a, bp ? bp : b, got3, scratch);
        if (memcmp(got, got3, sizeof(float) * ny)) {
            fprintf(stderr, "%s: 1 and 3 threads differ\n", name);
            failures++;
        }
    }
    unsetenv("ONNXCC_ISA");
    onnxcc_set_num_threads(0);
    free(a);
    free(b);
    free(want);
    free(got);
    free(got3);
    free(scratch);
    free(bp);
}

static void check_matmul(int M, int K, int N, size_t batch, int a_batched, int b_batched)
{
    check_matmul_tb(M, K, N, batch, a_batched, b_batched, 0);
}

/* A read in place must not read past its last row: A's end put against
 * an inaccessible page (M = 49: a last row tile of one row). */
static void check_matmul_guarded(int M, int K, int N)
{
#ifdef MAP_ANONYMOUS
    const size_t page = (size_t)sysconf(_SC_PAGESIZE), na = (size_t)M * K;
    const size_t bytes = (na * sizeof(float) + page - 1) / page * page;
    char *map = mmap(NULL, bytes + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED || mprotect(map + bytes, page, PROT_NONE)) {
        fprintf(stderr, "matmul guarded: mmap failed\n");
        failures++;
        return;
    }
    float *a = (float *)(map + bytes) - na, *src = alloc_random(na), *b = alloc_random((size_t)K * N);
    memcpy(a, src, na * sizeof *a);
    float *want = alloc_sentinel((size_t)M * N), *got = alloc_sentinel((size_t)M * N);
    OnnxccMatmulParams p = {M, K, N, 1, 0, 0, ONNXCC_MATMUL_B_KN, 0};
    float *scratch = malloc(sizeof(float) * onnxcc_f32_matmul_scratch_size(&p) + 64);
    onnxcc_f32_matmul_ref(&p, a, b, want);
    unsetenv("ONNXCC_ISA");
    const int best = onnxcc_rt_isa();
    for (int isa = ONNXCC_ISA_SCALAR; isa <= best; isa++) {
        char name[64];
        setenv("ONNXCC_ISA", onnxcc_rt_isa_name(isa), 1);
        snprintf(name, sizeof name, "matmul guarded %s M%d K%d N%d", onnxcc_rt_isa_name(isa), M, K, N);
        onnxcc_f32_matmul(&p, a, b, got, scratch);
        compare(name, got, want, (size_t)M * N, 2e-6 * sqrt((double)K));
    }
    unsetenv("ONNXCC_ISA");
    munmap(map, bytes + page);
    free(src);
    free(b);
    free(want);
    free(got);
    free(scratch);
#else
    (void)M, (void)K, (void)N;
#endif
}

static void test_matmul(void)
{
    check_matmul_guarded(49, 40, 50);
    check_matmul_guarded(197, 64, 20);
    check_matmul_guarded(1, 16, 16);
    static const int Ms[] = {1, 5, 16, 17, 47}, Ks[] = {1, 3, 64, 301}, Ns[] = {1, 7, 16, 33, 200};
    for (size_t i = 0; i < sizeof Ms / sizeof *Ms; i++)
        for (size_t k = 0; k < sizeof Ks / sizeof *Ks; k++)
            for (size_t n = 0; n < sizeof Ns / sizeof *Ns; n++)
                check_matmul(Ms[i], Ks[k], Ns[n], 1, 1, 1);
    /* batches: both batched (attention), B shared (a weight), A shared */
    check_matmul(19, 24, 37, 3, 1, 1);
    check_matmul(33, 40, 21, 2, 1, 0);
    check_matmul(9, 40, 50, 2, 0, 1);
    /* large enough for row panels on threads and several column blocks */
    check_matmul(197, 768, 400, 1, 1, 1);
    check_matmul(3, 700, 1000, 1, 1, 1);
    /* K in chunks (AVX2: later chunks go on from the sums in y), with
     * leftover columns on the transposed tile (49) and on a partial one (70) */
    check_matmul(37, 2100, 49, 1, 1, 1);
    check_matmul(21, 1300, 70, 1, 1, 1);
    /* B stored transposed (Einsum's Q x K^T): N below, at and above 16 */
    static const int tn[] = {1, 15, 16, 17, 49, 200};
    for (size_t n = 0; n < sizeof tn / sizeof *tn; n++) {
        check_matmul_tb(5, 33, tn[n], 1, 1, 1, 1);
        check_matmul_tb(49, 32, tn[n], 3, 1, 1, 1);
    }
    check_matmul_tb(20, 17, 40, 4, 1, 0, 1);
    check_matmul_tb(197, 64, 197, 2, 1, 1, 1);
    /* batches split by whole products over threads (more products than
     * scratch sets; one broadcast operand), and large ones split inside */
    check_matmul(49, 32, 49, 11, 1, 1);
    check_matmul(49, 49, 32, 9, 1, 1);
    check_matmul(17, 20, 33, 10, 0, 1);
    check_matmul(17, 20, 33, 10, 1, 0);
    check_matmul(197, 197, 64, 3, 1, 1);
    check_matmul(150, 300, 100, 2, 1, 1);
    /* B packed (weights): several blocks and a short last one, column
     * ranges within blocks (threads), batches sharing it or not */
    static const int pk[] = {1, 64, 300, 1100}, pn[] = {1, 16, 17, 95, 200, 1000};
    for (size_t k = 0; k < sizeof pk / sizeof *pk; k++)
        for (size_t n = 0; n < sizeof pn / sizeof *pn; n++)
            check_matmul_tb(k % 2 ? 33 : 5, pk[k], pn[n], 1, 1, 1, ONNXCC_MATMUL_B_PACKED);
    check_matmul_tb(197, 768, 400, 1, 1, 1, ONNXCC_MATMUL_B_PACKED);
    check_matmul_tb(15, 1100, 150, 1, 1, 1, ONNXCC_MATMUL_B_PACKED); /* narrow ranges across blocks */
    /* deep products in chunks of k (a short last one), every B layout */
    for (int tb = 0; tb < 4; tb++) {
        check_matmul_tb(40, 1100, 70, 1, 1, 1, tb);
        check_matmul_tb(197, 3072, 100, 1, 1, 1, tb);
        check_matmul_tb(7, 2049, 33, 2, 1, 1, tb);
    }
    check_matmul_tb(19, 24, 37, 3, 1, 0, ONNXCC_MATMUL_B_PACKED);
    check_matmul_tb(19, 24, 37, 3, 1, 1, ONNXCC_MATMUL_B_PACKED);
    check_matmul_tb(33, 300, 1000, 1, 1, 1, 3); /* packed from [N][K] (Gemm's transB) */
    /* a tall A packed and multiplied a group of panels at a time: groups
     * of 6 panels, a short last group, a part panel, every B layout */
    for (int tb = 0; tb < 4; tb++)
        check_matmul_tb(1000, 300, 50, 1, 1, 1, tb);
    /* rows that split badly over 3 threads (16, 16, 1): column blocks,
     * A packed by all threads first */
    for (int tb = 0; tb < 4; tb++)
        check_matmul_tb(33, 100, 300, 1, 1, 1, tb);
}

static void test_binary(void)
{
    static const size_t small[4] = {2, 3, 5, 17}, big[4] = {1, 24, 57, 61}, flat[1] = {70001};
    /* every broadcast pattern of a rank-4 tensor against another */
    for (unsigned am = 0; am < 16; am++)
        for (unsigned bm = 0; bm < 16; bm++)
            check_binary(4, small, am, bm);
    /* large enough to run on threads: per-channel scale (SE), bias over the
     * last axis, scalar, same shape */
    check_binary(4, big, 0, 0xc);
    check_binary(4, big, 0, 0x7);
    check_binary(4, big, 0xf, 0);
    check_binary(4, big, 0, 0);
    check_binary(1, flat, 0, 1);
    check_binary(0, flat, 0, 0);
}

/* ======================================================================
 * strided copy: onnxcc_f32_strided_copy against the reference, bit for
 * bit (values are moved only), every ISA level, 1 and 3 threads: the
 * transposes below, at and above the 16 x 16 tile, planes under outer
 * axes, a unit-stride axis that is not next to last; and copies the
 * fast kernel hands to the reference (contiguous rows of every length
 * under permuted axes, no axis read along x)
 * ====================================================================== */

static void check_strided(int rank, const size_t *dims, const ptrdiff_t *strides, size_t nx)
{
    OnnxccStridedCopyParams p;
    memset(&p, 0, sizeof p);
    p.rank = rank;
    size_t ny = 1;
    for (int d = 0; d < rank; d++) {
        p.dims[d] = dims[d];
        p.x_strides[d] = strides[d];
        ny *= dims[d];
    }
    float *x = alloc_random(nx), *want = alloc_sentinel(ny + 16), *got = alloc_sentinel(ny + 16);
    memcpy(got + ny, want + ny, 16 * sizeof *got); /* the same sentinels past the end */
    onnxcc_f32_strided_copy_ref(&p, x, want);
    unsetenv("ONNXCC_ISA");
    const int best = onnxcc_rt_isa();
    for (int isa = ONNXCC_ISA_SCALAR; isa <= best; isa++) {
        setenv("ONNXCC_ISA", onnxcc_rt_isa_name(isa), 1);
        for (int threads = 1; threads <= 3; threads += 2) {
            onnxcc_set_num_threads(threads);
            for (size_t i = 0; i < ny; i++)
                got[i] = -1.0f;
            if (onnxcc_f32_strided_copy(&p, x, got, 0) != ONNXCC_RT_OK || memcmp(got, want, (ny + 16) * sizeof *got)) {
                fprintf(stderr, "strided copy %s rank %d (%zu .. %zu) %d threads: differs from the reference\n",
                        onnxcc_rt_isa_name(isa), rank, dims[0], dims[rank - 1], threads);
                failures++;
            }
        }
    }
    unsetenv("ONNXCC_ISA");
    onnxcc_set_num_threads(0);
    free(x);
    free(want);
    free(got);
}

static void test_strided(void)
{
    static const size_t sz[] = {1, 5, 16, 17, 33, 96, 200};
    for (size_t i = 0; i < sizeof sz / sizeof *sz; i++)
        for (size_t k = 0; k < sizeof sz / sizeof *sz; k++) { /* y [A][B] = x^T, x [B][A] */
            const size_t dims[2] = {sz[i], sz[k]};
            const ptrdiff_t st[2] = {1, (ptrdiff_t)sz[i]};
            check_strided(2, dims, st, sz[i] * sz[k]);
        }
    { /* NCHW -> NHWC: y [N][HW][C] from x [N][C][HW], and back */
        const size_t d1[3] = {2, 3136, 96}, d2[3] = {2, 96, 3136};
        const ptrdiff_t s1[3] = {96 * 3136, 1, 3136}, s2[3] = {96 * 3136, 1, 96};
        check_strided(3, d1, s1, 2 * 96 * 3136);
        check_strided(3, d2, s2, 2 * 96 * 3136);
    }
    { /* K^T of 12 heads: y [12][64][197] from x [197][12][64] */
        const size_t d[3] = {12, 64, 197};
        const ptrdiff_t st[3] = {64, 1, 768};
        check_strided(3, d, st, 197 * 768);
    }
    { /* the unit-stride axis first, an axis between: y [19][3][21], x [21][3][19] */
        const size_t d[3] = {19, 3, 21};
        const ptrdiff_t st[3] = {1, 19, 57};
        check_strided(3, d, st, 19 * 3 * 21);
    }
    { /* contiguous rows, permuted: Swin's qkv, y [3][4][3][49][32] from x [4][49][3][3][32] */
        const size_t d[5] = {3, 4, 3, 49, 32};
        const ptrdiff_t st[5] = {96, 49 * 288, 32, 288, 1};
        check_strided(5, d, st, 4 * 49 * 288);
    }
    static const size_t rl[] = {1, 15, 16, 17, 40, 255, 256, 300};
    for (size_t i = 0; i < sizeof rl / sizeof *rl; i++) { /* rows of every length, y [50][7][len] from x [7][50][len] */
        const size_t d[3] = {50, 7, rl[i]};
        const ptrdiff_t st[3] = {(ptrdiff_t)rl[i], 50 * (ptrdiff_t)rl[i], 1};
        check_strided(3, d, st, 350 * rl[i]);
    }
    { /* a step of 2 on the last axis with no unit-stride axis, and a plain slice */
        const size_t d[2] = {7, 9}, e[2] = {7, 9};
        const ptrdiff_t st[2] = {20, 2}, se[2] = {20, 1};
        check_strided(2, d, st, 7 * 20);
        check_strided(2, e, se, 7 * 20);
    }
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0); /* the ISA line before its failures */
    /* The pools' row kernels at every ISA level this machine has (the
     * scalar loops, AVX2, AVX-512): each must give the reference's max
     * bit for bit and its sums within tolerance. */
    unsetenv("ONNXCC_ISA");
    const int best = onnxcc_rt_isa();
    for (int isa = ONNXCC_ISA_SCALAR; isa <= best; isa++) {
        setenv("ONNXCC_ISA", onnxcc_rt_isa_name(isa), 1);
        printf("pools at ISA level %s\n", onnxcc_rt_isa_name(onnxcc_rt_isa()));
        if (onnxcc_rt_isa() != isa) {
            fprintf(stderr, "ONNXCC_ISA=%s was not taken\n", onnxcc_rt_isa_name(isa));
            failures++;
        }
        test_pools();
    }
    unsetenv("ONNXCC_ISA");
    test_globalavgpool();
    test_gemm();
    test_binary();
    test_matmul();
    test_strided();
    if (failures) {
        fprintf(stderr, "%d failures\n", failures);
        return 1;
    }
    printf("rt_fast: all passed\n");
    return 0;
}
