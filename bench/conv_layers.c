/* conv_layers.c — times onnxcc_f32_conv2d on the layer shapes of DenseNet-121,
 * -161 and -201 and a few of the zoo's (ResNet-50, MobileNetV2, SqueezeNet, and
 * the stems of MobileNetV3, ShuffleNet, EfficientNet, AlexNet, ConvNeXt)
 * at every ISA level this machine has: `bench_conv_layers [min_seconds]`.
 *
 * Each layer runs as the generated code runs it: batch 1, pre-activation
 * (scale, shift, relu) fused (the zoo's layers: a ReLU epilogue instead), x
 * a channel prefix of a bigger buffer, y a channel slice.  Prints per layer and ISA the median time, GFLOP/s and the
 * fraction of one core's FMA peak at that ISA's vector width, measured first
 * with a loop of independent FMAs (scalar is compared with the best peak).
 * GFLOP/s always count the direct convolution's 2*MACs, so layers that run
 * as Winograd (3x3, stride 1, maps from 9x9) can
 * pass 100% of peak.
 *
 * Environment: BENCH_BEST=1 reports the fastest run instead of the median;
 * BENCH_COLD=K cycles through K copies of the packed weights, so that (for
 * K large enough) every call reads its weights from memory, as each layer of
 * a whole model does, instead of from a cache the previous call warmed;
 * BENCH_ONLY=S runs only the layers whose name contains S; BENCH_TOP=1 only
 * the best ISA level; BENCH_COMPACT=1 packs the weights compact
 * (OnnxccConv2dParams.compact_weights: Winograd layers make their
 * transformed weights in scratch on every call); BENCH_FLUSH=MB writes a
 * buffer of MB MiB before every timed call, so that x and y start out of the
 * caches smaller than that (4: out of L2 but still in L3, as in a model
 * whose activations outgrow L2); BENCH_WARM_X=1 (with BENCH_FLUSH) reads x
 * back after the flush, so that only y (and the residual) start out of the
 * caches, as in a model where the layer before has just written x; BENCH_ACT=silu|hardswish|sigmoid gives the
 * zoo's layers that epilogue instead of ReLU (EfficientNet's, MobileNetV3's);
 * BENCH_RES=1 gives every layer a residual added before the activation
 * (ResNet's and ResNeXt's last 1x1 of a block). */
#define _POSIX_C_SOURCE 200112L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "onnxcc/rt.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define HAVE_X86 1
#endif

/* ---- FMA peak ----------------------------------------------------------- */

#define PEAK_ITERS 20000000L
#define PEAK_ACC 12 /* independent chains: covers FMA latency x 2 pipes */
/* Fully unrolled, so the chains stay in registers. */
#define UNROLL _Pragma("GCC unroll 16")

#ifdef HAVE_X86
/* Each function: 12 chains of FMAs, so throughput, not latency, bounds it. */
__attribute__((target("avx2,fma"))) static float peak_loop_avx2(long n)
{
    __m256 acc[PEAK_ACC];
    const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
    UNROLL for (int i = 0; i < PEAK_ACC; i++) acc[i] = _mm256_set1_ps((float)i);
    for (long it = 0; it < n; it++)
        UNROLL for (int i = 0; i < PEAK_ACC; i++) acc[i] = _mm256_fmadd_ps(acc[i], a, b);
    float sum = 0, out[8];
    UNROLL for (int i = 0; i < PEAK_ACC; i++)
    {
        _mm256_storeu_ps(out, acc[i]);
        sum += out[0];
    }
    return sum;
}

__attribute__((target("avx512f"))) static float peak_loop_avx512(long n)
{
    __m512 acc[PEAK_ACC];
    const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
    UNROLL for (int i = 0; i < PEAK_ACC; i++) acc[i] = _mm512_set1_ps((float)i);
    for (long it = 0; it < n; it++)
        UNROLL for (int i = 0; i < PEAK_ACC; i++) acc[i] = _mm512_fmadd_ps(acc[i], a, b);
    float sum = 0;
    UNROLL for (int i = 0; i < PEAK_ACC; i++) sum += _mm512_reduce_add_ps(acc[i]);
    return sum;
}
#endif

/* GFLOP/s of one core at an ISA level; 0 if there is no FMA loop for it. */
static double fma_peak(int isa)
{
    double best = 0;
    volatile float sink = 0;
    for (int rep = 0; rep < 3; rep++) {
        const double t0 = now_s();
        int lanes = 0;
#ifdef HAVE_X86
        if (isa == ONNXCC_ISA_AVX2)
            sink += peak_loop_avx2(PEAK_ITERS), lanes = 8;
        else if (isa == ONNXCC_ISA_AVX512)
            sink += peak_loop_avx512(PEAK_ITERS), lanes = 16;
#endif
        if (!lanes)
            return 0;
        const double g = 2.0 * lanes * PEAK_ACC * (double)PEAK_ITERS / (now_s() - t0) * 1e-9;
        best = g > best ? g : best;
    }
    (void)sink;
    return best;
}

/* ---- layers ------------------------------------------------------------- */

typedef struct Layer {
    const char *name;
    int C, HW, M, k, stride, pad, C_total; /* C_total: channels of x's buffer */
    int kw, pad_w; /* kernel width and left/right padding if not k and pad (1x7, 7x1) */
    int group;     /* groups if not 1 */
    int dil;       /* dilation if not 1 (pad is then the dilated kernel's) */
} Layer;

/* Fields after group may be left out (0: the default). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const Layer layers[] = {
    {"1x1 256->128 56x56", 256, 56, 128, 1, 1, 0, 256, 0, 0, 1},
    {"1x1 512->128 28x28", 512, 28, 128, 1, 1, 0, 512, 0, 0, 1},
    {"1x1 256->128 28x28", 256, 28, 128, 1, 1, 0, 512, 0, 0, 1},
    {"1x1 1024->128 14x14", 1024, 14, 128, 1, 1, 0, 1024, 0, 0, 1},
    {"1x1 512->128 14x14", 512, 14, 128, 1, 1, 0, 1024, 0, 0, 1},
    {"1x1 256->128 14x14", 256, 14, 128, 1, 1, 0, 1024, 0, 0, 1},
    {"1x1 1024->128 7x7", 1024, 7, 128, 1, 1, 0, 1024, 0, 0, 1},
    {"1x1 512->128 7x7", 512, 7, 128, 1, 1, 0, 1024, 0, 0, 1},
    {"3x3 128->32 56x56", 128, 56, 32, 3, 1, 1, 128, 0, 0, 1},
    {"3x3 128->32 28x28", 128, 28, 32, 3, 1, 1, 128, 0, 0, 1},
    {"3x3 128->32 14x14", 128, 14, 32, 3, 1, 1, 128, 0, 0, 1},
    {"3x3 128->32 7x7", 128, 7, 32, 3, 1, 1, 128, 0, 0, 1},
    /* DenseNet-BC (the tests' model): growth 12, its first block at 8x8 */
    {"bc 3x3 48->12 8x8", 48, 8, 12, 3, 1, 1, 192, 0, 0, 1},
    {"stem 7x7/2 3->64 224", 3, 224, 64, 7, 2, 3, 3, 0, 0, 1},
    /* DenseNet-161: growth 48, bottleneck 192 */
    {"161 1x1 288->192 56x56", 288, 56, 192, 1, 1, 0, 384, 0, 0, 1},
    {"161 1x1 576->192 28x28", 576, 28, 192, 1, 1, 0, 768, 0, 0, 1},
    {"161 1x1 1248->192 14x14", 1248, 14, 192, 1, 1, 0, 2112, 0, 0, 1},
    {"161 1x1 1632->192 7x7", 1632, 7, 192, 1, 1, 0, 2208, 0, 0, 1},
    {"161 3x3 192->48 56x56", 192, 56, 48, 3, 1, 1, 192, 0, 0, 1},
    {"161 3x3 192->48 28x28", 192, 28, 48, 3, 1, 1, 192, 0, 0, 1},
    {"161 3x3 192->48 14x14", 192, 14, 48, 3, 1, 1, 192, 0, 0, 1},
    {"161 3x3 192->48 7x7", 192, 7, 48, 3, 1, 1, 192, 0, 0, 1},
    {"161 stem 7x7/2 3->96 224", 3, 224, 96, 7, 2, 3, 3, 0, 0, 1},
    /* DenseNet-201: blocks 3 and 4 (48 and 32 layers), the 1x1 input a
     * prefix of a 1792- / 1920-channel concat */
    {"201 1x1 256->128 14x14", 256, 14, 128, 1, 1, 0, 1792, 0, 0, 1},
    {"201 1x1 768->128 14x14", 768, 14, 128, 1, 1, 0, 1792, 0, 0, 1},
    {"201 1x1 1280->128 14x14", 1280, 14, 128, 1, 1, 0, 1792, 0, 0, 1},
    {"201 1x1 1760->128 14x14", 1760, 14, 128, 1, 1, 0, 1792, 0, 0, 1},
    {"201 1x1 896->128 7x7", 896, 7, 128, 1, 1, 0, 1920, 0, 0, 1},
    {"201 1x1 1376->128 7x7", 1376, 7, 128, 1, 1, 0, 1920, 0, 0, 1},
    {"201 1x1 1888->128 7x7", 1888, 7, 128, 1, 1, 0, 1920, 0, 0, 1},
    /* the zoo's stems and strided layers */
    {"zoo mnv2 stem 3x3/2 3->32", 3, 224, 32, 3, 2, 1, 3, 0, 0, 1},
    {"zoo sqz stem 3x3/2 3->64", 3, 224, 64, 3, 2, 0, 3, 0, 0, 1},
    {"zoo mnv3 stem 3x3/2 3->16", 3, 224, 16, 3, 2, 1, 3, 0, 0, 1},
    {"zoo shuf stem 3x3/2 3->24", 3, 224, 24, 3, 2, 1, 3, 0, 0, 1},
    {"zoo effb3 stem 3x3/2 3->40 300", 3, 300, 40, 3, 2, 1, 3, 0, 0, 1},
    {"zoo r50 stem 7x7/2 3->64", 3, 224, 64, 7, 2, 3, 3, 0, 0, 1},
    {"zoo alex stem 11x11/4 3->64", 3, 224, 64, 11, 4, 2, 3, 0, 0, 1},
    {"zoo convnext stem 4x4/4 3->96", 3, 224, 96, 4, 4, 0, 3, 0, 0, 1},
    {"zoo r50 3x3/2 128->128 56", 128, 56, 128, 3, 2, 1, 128, 0, 0, 1},
    {"zoo r50 1x1/2 256->512 56", 256, 56, 512, 1, 2, 0, 256, 0, 0, 1},
    {"zoo r50 3x3/2 256->256 28", 256, 28, 256, 3, 2, 1, 256, 0, 0, 1},
    {"zoo r50 3x3/2 512->512 14", 512, 14, 512, 3, 2, 1, 512, 0, 0, 1},
    {"zoo r50 1x1 64->256 56", 64, 56, 256, 1, 1, 0, 64, 0, 0, 1},
    {"zoo r50 1x1 256->64 56", 256, 56, 64, 1, 1, 0, 256, 0, 0, 1},
    {"zoo r50 1x1 128->512 28", 128, 28, 512, 1, 1, 0, 128, 0, 0, 1},
    {"zoo r50 1x1 512->128 28", 512, 28, 128, 1, 1, 0, 512, 0, 0, 1},
    {"zoo r50 1x1 256->1024 14", 256, 14, 1024, 1, 1, 0, 256, 0, 0, 1},
    {"zoo r50 1x1 1024->256 14", 1024, 14, 256, 1, 1, 0, 1024, 0, 0, 1},
    {"zoo r50 1x1 512->2048 7", 512, 7, 2048, 1, 1, 0, 512, 0, 0, 1},
    {"zoo r50 1x1 2048->512 7", 2048, 7, 512, 1, 1, 0, 2048, 0, 0, 1},
    {"zoo r50 3x3 64->64 56", 64, 56, 64, 3, 1, 1, 64, 0, 0, 1},
    {"zoo r50 3x3 128->128 28", 128, 28, 128, 3, 1, 1, 128, 0, 0, 1},
    {"zoo r50 3x3 256->256 14", 256, 14, 256, 3, 1, 1, 256, 0, 0, 1},
    {"zoo r50 3x3 512->512 7", 512, 7, 512, 3, 1, 1, 512, 0, 0, 1},
    {"zoo mnv2 1x1 32->16 112", 32, 112, 16, 1, 1, 0, 32, 0, 0, 1},
    {"zoo mnv2 1x1 16->96 112", 16, 112, 96, 1, 1, 0, 16, 0, 0, 1},
    {"zoo mnv2 1x1 96->24 56", 96, 56, 24, 1, 1, 0, 96, 0, 0, 1},
    {"zoo mnv2 1x1 24->144 56", 24, 56, 144, 1, 1, 0, 24, 0, 0, 1},
    {"zoo mnv2 1x1 144->24 56", 144, 56, 24, 1, 1, 0, 144, 0, 0, 1},
    {"zoo mnv2 1x1 144->32 28", 144, 28, 32, 1, 1, 0, 144, 0, 0, 1},
    {"zoo mnv2 1x1 32->192 28", 32, 28, 192, 1, 1, 0, 32, 0, 0, 1},
    {"zoo mnv2 1x1 192->32 28", 192, 28, 32, 1, 1, 0, 192, 0, 0, 1},
    {"zoo mnv2 1x1 192->64 14", 192, 14, 64, 1, 1, 0, 192, 0, 0, 1},
    {"zoo mnv2 1x1 64->384 14", 64, 14, 384, 1, 1, 0, 64, 0, 0, 1},
    {"zoo mnv2 1x1 384->64 14", 384, 14, 64, 1, 1, 0, 384, 0, 0, 1},
    {"zoo mnv2 1x1 384->96 14", 384, 14, 96, 1, 1, 0, 384, 0, 0, 1},
    {"zoo mnv2 1x1 96->576 14", 96, 14, 576, 1, 1, 0, 96, 0, 0, 1},
    {"zoo mnv2 1x1 576->96 14", 576, 14, 96, 1, 1, 0, 576, 0, 0, 1},
    {"zoo mnv2 1x1 576->160 7", 576, 7, 160, 1, 1, 0, 576, 0, 0, 1},
    {"zoo mnv2 1x1 160->960 7", 160, 7, 960, 1, 1, 0, 160, 0, 0, 1},
    {"zoo mnv2 1x1 960->160 7", 960, 7, 160, 1, 1, 0, 960, 0, 0, 1},
    {"zoo mnv2 1x1 960->320 7", 960, 7, 320, 1, 1, 0, 960, 0, 0, 1},
    {"zoo mnv2 1x1 320->1280 7", 320, 7, 1280, 1, 1, 0, 320, 0, 0, 1},
    {"zoo sqz 1x1 64->16 55", 64, 55, 16, 1, 1, 0, 64, 0, 0, 1},
    {"zoo sqz 1x1 16->64 55", 16, 55, 64, 1, 1, 0, 16, 0, 0, 1},
    {"zoo sqz 3x3 16->64 55", 16, 55, 64, 3, 1, 1, 16, 0, 0, 1},
    {"zoo sqz 1x1 128->32 27", 128, 27, 32, 1, 1, 0, 128, 0, 0, 1},
    {"zoo sqz 1x1 32->128 27", 32, 27, 128, 1, 1, 0, 32, 0, 0, 1},
    {"zoo sqz 3x3 32->128 27", 32, 27, 128, 3, 1, 1, 32, 0, 0, 1},
    {"zoo sqz 1x1 384->64 13", 384, 13, 64, 1, 1, 0, 384, 0, 0, 1},
    {"zoo sqz 1x1 64->256 13", 64, 13, 256, 1, 1, 0, 64, 0, 0, 1},
    {"zoo sqz 3x3 48->192 13", 48, 13, 192, 3, 1, 1, 48, 0, 0, 1},
    {"zoo sqz 3x3 64->256 13", 64, 13, 256, 3, 1, 1, 64, 0, 0, 1},
    {"zoo sqz 1x1 512->1000 13", 512, 13, 1000, 1, 1, 0, 512, 0, 0, 1},
    /* squeeze-and-excitation: 1x1 layers on 1x1 maps (MobileNetV3-Large,
     * EfficientNet-B0), bound by the stream of their weights */
    /* EfficientNet-B0's expansions (SiLU: BENCH_ACT=silu) */
    {"zoo effb0 1x1 16->96 112", 16, 112, 96, 1, 1, 0, 16, 0, 0, 1},
    {"zoo effb0 1x1 24->144 56", 24, 56, 144, 1, 1, 0, 24, 0, 0, 1},
    {"zoo effb0 1x1 80->480 14", 80, 14, 480, 1, 1, 0, 80, 0, 0, 1},
    {"zoo se 1x1 240->960 1", 240, 1, 960, 1, 1, 0, 240, 0, 0, 1},
    {"zoo se 1x1 960->240 1", 960, 1, 240, 1, 1, 0, 960, 0, 0, 1},
    {"zoo se 1x1 48->1152 1", 48, 1, 1152, 1, 1, 0, 48, 0, 0, 1},
    {"zoo se 1x1 1152->48 1", 1152, 1, 48, 1, 1, 0, 1152, 0, 0, 1},
    /* Inception-v3 (299x299) and Wide ResNet-50-2 */
    {"zoo inc 3x3 448->384 8", 448, 8, 384, 3, 1, 1, 448, 0, 0, 1},
    {"zoo inc 3x3/2 288->384 35", 288, 35, 384, 3, 2, 0, 288, 0, 0, 1},
    {"zoo inc 3x3/2 96->96 35", 96, 35, 96, 3, 2, 0, 96, 0, 0, 1},
    {"zoo inc 1x3 384->384 8", 384, 8, 384, 1, 1, 0, 384, 3, 1, 1},
    {"zoo inc 3x1 384->384 8", 384, 8, 384, 3, 1, 1, 384, 1, 0, 1},
    {"zoo inc 7x1 192->192 17", 192, 17, 192, 7, 1, 3, 192, 1, 0, 1},
    {"zoo inc 1x7 192->192 17", 192, 17, 192, 1, 1, 0, 192, 7, 3, 1},
    {"zoo inc 7x1 160->160 17", 160, 17, 160, 7, 1, 3, 160, 1, 0, 1},
    {"zoo inc 1x1 768->192 17", 768, 17, 192, 1, 1, 0, 768, 0, 0, 1},
    {"zoo inc 1x7 128->128 17", 128, 17, 128, 1, 1, 0, 128, 7, 3, 1},
    {"zoo inc 1x1 288->64 35", 288, 35, 64, 1, 1, 0, 288, 0, 0, 1},
    {"zoo inc 1x1 288->48 35", 288, 35, 48, 1, 1, 0, 288, 0, 0, 1},
    {"zoo inc stem 3x3/2 3->32 299", 3, 299, 32, 3, 2, 0, 3, 0, 0, 1},
    {"zoo wrn 3x3 1024->1024 7", 1024, 7, 1024, 3, 1, 1, 1024, 0, 0, 1},
    {"zoo wrn 3x3/2 1024->1024 14", 1024, 14, 1024, 3, 2, 1, 1024, 0, 0, 1},
    {"zoo wrn 3x3 512->512 14", 512, 14, 512, 3, 1, 1, 512, 0, 0, 1},
    {"zoo wrn 3x3/2 512->512 28", 512, 28, 512, 3, 2, 1, 512, 0, 0, 1},
    /* FCN ResNet-50 at 520x520: the dilated backbone at 65x65 and its head */
    {"zoo fcn 3x3 d2 256->256 65", 256, 65, 256, 3, 1, 2, 256, 0, 0, 1, 2},
    {"zoo fcn 3x3 d4 512->512 65", 512, 65, 512, 3, 1, 4, 512, 0, 0, 1, 4},
    {"zoo fcn 3x3 2048->512 65", 2048, 65, 512, 3, 1, 1, 2048, 0, 0, 1},
    {"zoo fcn 1x1 1024->256 65", 1024, 65, 256, 1, 1, 0, 1024, 0, 0, 1},
    {"zoo fcn 1x1 256->1024 65", 256, 65, 1024, 1, 1, 0, 256, 0, 0, 1},
    {"zoo fcn 1x1 2048->512 65", 2048, 65, 512, 1, 1, 0, 2048, 0, 0, 1},
    {"zoo fcn 1x1 512->2048 65", 512, 65, 2048, 1, 1, 0, 512, 0, 0, 1},
    {"zoo fcn stem 7x7/2 3->64 520", 3, 520, 64, 7, 2, 3, 3, 0, 0, 1},
    {"zoo aspp 3x3 d12 2048->256 65", 2048, 65, 256, 3, 1, 12, 2048, 0, 0, 1, 12},
    {"zoo aspp 3x3 d24 2048->256 65", 2048, 65, 256, 3, 1, 24, 2048, 0, 0, 1, 24},
    /* AlexNet's 3x3 layers at 13x13 */
    {"zoo alex 3x3 192->384 13", 192, 13, 384, 3, 1, 1, 192, 0, 0, 1},
    {"zoo alex 3x3 384->256 13", 384, 13, 256, 3, 1, 1, 384, 0, 0, 1},
    {"zoo alex 3x3 256->256 13", 256, 13, 256, 3, 1, 1, 256, 0, 0, 1},
    /* RegNetX-400MF's grouped 3x3 layers (groups of 16 channels) */
    {"zoo regx g16 3x3/2 32 112", 32, 112, 32, 3, 2, 1, 32, 0, 0, 2},
    {"zoo regx g16 3x3/2 64 56", 64, 56, 64, 3, 2, 1, 64, 0, 0, 4},
    {"zoo regx g16 3x3 64 28", 64, 28, 64, 3, 1, 1, 64, 0, 0, 4},
    {"zoo regx g16 3x3/2 160 28", 160, 28, 160, 3, 2, 1, 160, 0, 0, 10},
    {"zoo regx g16 3x3 160 14", 160, 14, 160, 3, 1, 1, 160, 0, 0, 10},
    {"zoo regx g16 3x3/2 400 14", 400, 14, 400, 3, 2, 1, 400, 0, 0, 25},
    {"zoo regx g16 3x3 400 7", 400, 7, 400, 3, 1, 1, 400, 0, 0, 25},
    {"zoo regx 1x1 32->32 112", 32, 112, 32, 1, 1, 0, 32, 0, 0, 1},
    {"zoo regx 1x1 32->32 56", 32, 56, 32, 1, 1, 0, 32, 0, 0, 1},
    /* RegNetX-800MF's and RegNetY-800MF's grouped 3x3 layers (groups of 16) */
    {"zoo regx8 g16 3x3/2 64 112", 64, 112, 64, 3, 2, 1, 64, 0, 0, 4},
    {"zoo regx8 g16 3x3 288 14", 288, 14, 288, 3, 1, 1, 288, 0, 0, 18},
    {"zoo regx8 g16 3x3 672 7", 672, 7, 672, 3, 1, 1, 672, 0, 0, 42},
    {"zoo regy8 g16 3x3/2 144 56", 144, 56, 144, 3, 2, 1, 144, 0, 0, 9},
    {"zoo regy8 g16 3x3 144 28", 144, 28, 144, 3, 1, 1, 144, 0, 0, 9},
    {"zoo regy8 g16 3x3/2 320 28", 320, 28, 320, 3, 2, 1, 320, 0, 0, 20},
    {"zoo regy8 g16 3x3 320 14", 320, 14, 320, 3, 1, 1, 320, 0, 0, 20},
    {"zoo regy8 g16 3x3 784 7", 784, 7, 784, 3, 1, 1, 784, 0, 0, 49},
    /* ResNeXt's layers of 16-channel groups: 50-32x4d's third stage,
     * 101-32x8d's second */
    {"zoo rnx50 g16 3x3/2 512 28", 512, 28, 512, 3, 2, 1, 512, 0, 0, 32},
    {"zoo rnx50 g16 3x3 512 14", 512, 14, 512, 3, 1, 1, 512, 0, 0, 32},
    {"zoo rnx101 g16 3x3/2 512 56", 512, 56, 512, 3, 2, 1, 512, 0, 0, 32},
    {"zoo rnx101 g16 3x3 512 28", 512, 28, 512, 3, 1, 1, 512, 0, 0, 32},
    /* wider groups: ResNeXt-50's fourth stage (32 channels), RegNetX-3.2GF's (48) */
    {"zoo rnx50 g32 3x3/2 1024 14", 1024, 14, 1024, 3, 2, 1, 1024, 0, 0, 32},
    {"zoo rnx50 g32 3x3 1024 7", 1024, 7, 1024, 3, 1, 1, 1024, 0, 0, 32},
    {"zoo regx32 g48 3x3 192 28", 192, 28, 192, 3, 1, 1, 192, 0, 0, 4},
    {"zoo regx32 g48 3x3 432 14", 432, 14, 432, 3, 1, 1, 432, 0, 0, 9},
    {"zoo regx32 g48 3x3 1008 7", 1008, 7, 1008, 3, 1, 1, 1008, 0, 0, 21},
    /* the widest groups: RegNetX-16GF's (128 channels), RegNetY-16GF's (112) */
    {"zoo regx16 g128 3x3 512 28", 512, 28, 512, 3, 1, 1, 512, 0, 0, 4},
    {"zoo regx16 g128 3x3 896 14", 896, 14, 896, 3, 1, 1, 896, 0, 0, 7},
    {"zoo regx16 g128 3x3 2048 7", 2048, 7, 2048, 3, 1, 1, 2048, 0, 0, 16},
    {"zoo regy16 g112 3x3 1232 14", 1232, 14, 1232, 3, 1, 1, 1232, 0, 0, 11},
    /* their wide 1x1 layers (most of ResNeXt-101's time, half of RegNetX-16GF's) */
    {"zoo big 1x1 256->256 56", 256, 56, 256, 1, 1, 0, 256, 0, 0, 1},
    {"zoo big 1x1 512->512 28", 512, 28, 512, 1, 1, 0, 512, 0, 0, 1},
    {"zoo big 1x1 896->896 14", 896, 14, 896, 1, 1, 0, 896, 0, 0, 1},
    {"zoo big 1x1 1024->1024 14", 1024, 14, 1024, 1, 1, 0, 1024, 0, 0, 1},
    {"zoo big 1x1 2048->2048 7", 2048, 7, 2048, 1, 1, 0, 2048, 0, 0, 1},
};
#pragma GCC diagnostic pop
#define NUM_LAYERS ((int)(sizeof layers / sizeof layers[0]))
#define MAX_REPS 1000

/* Milliseconds of one call, repeated for at least min_s seconds: the median,
 * or with BENCH_BEST set the fastest (on a shared machine other load only
 * ever slows a run down, so the fastest is the steadiest figure for
 * comparing two versions of a kernel). */
static double time_layer(const OnnxccConv2dParams *p, const float *x, float *const *packed,
                         int copies, const float *bias, const float *scale, const float *shift,
                         const float *res, float *scratch, float *y, double min_s)
{
    static double ms[MAX_REPS];
    int reps = 0;
    const char *flush_env = getenv("BENCH_FLUSH");
    const size_t flush_bytes = flush_env ? (size_t)atoi(flush_env) << 20 : 0;
    unsigned char *flush = flush_bytes ? malloc(flush_bytes) : NULL;
    const int warm_x = getenv("BENCH_WARM_X") != NULL;
    onnxcc_f32_conv2d(p, x, packed[0], bias, scale, shift, res, scratch, y); /* warm up */
    for (double start = now_s(); reps < MAX_REPS && (reps < 5 || now_s() - start < min_s);) {
        const float *w = packed[(reps + 1) % copies];
        if (flush)
            memset(flush, reps & 0xff, flush_bytes);
        if (flush && warm_x) /* x as the layer before left it, in the caches */
            touch_floats(x, p->x_img_stride);
        const double t0 = now_s();
        onnxcc_f32_conv2d(p, x, w, bias, scale, shift, res, scratch, y);
        ms[reps++] = (now_s() - t0) * 1e3;
    }
    free(flush);
    qsort(ms, (size_t)reps, sizeof ms[0], cmp_double);
    return getenv("BENCH_BEST") ? ms[0] : ms[reps / 2];
}

static void bench_layer(const Layer *l, int best, const double *peak, double min_s)
{
    OnnxccConv2dParams p;
    memset(&p, 0, sizeof p);
    p.N = 1, p.C = l->C, p.H = l->HW, p.W = l->HW, p.M = l->M, p.group = l->group ? l->group : 1;
    p.kH = l->k, p.kW = l->kw ? l->kw : l->k;
    p.stride_h = p.stride_w = l->stride, p.dil_h = p.dil_w = l->dil ? l->dil : 1;
    p.pad_t = p.pad_b = l->pad;
    p.pad_l = p.pad_r = l->kw ? l->pad_w : l->pad;
    p.OH = (l->HW + 2 * p.pad_t - p.dil_h * (p.kH - 1) - 1) / l->stride + 1;
    p.OW = (l->HW + 2 * p.pad_l - p.dil_w * (p.kW - 1) - 1) / l->stride + 1;
    p.x_img_stride = (size_t)l->C_total * (size_t)l->HW * (size_t)l->HW;
    p.y_img_stride = (size_t)(l->M + 32) * (size_t)p.OH * (size_t)p.OW; /* a slice */
    /* DenseNet's layers pre-activate their input; the zoo's apply a ReLU
     * to their output instead */
    const int zoo = strncmp(l->name, "zoo", 3) == 0;
    p.pre_relu = !zoo && l->C != 3;
    p.act.kind = zoo ? ONNXCC_ACT_RELU : ONNXCC_ACT_NONE;
    const char *act = getenv("BENCH_ACT");
    if (act && zoo)
        p.act.kind = !strcmp(act, "silu")        ? ONNXCC_ACT_SILU
                     : !strcmp(act, "hardswish") ? ONNXCC_ACT_HARDSWISH
                     : !strcmp(act, "sigmoid")   ? ONNXCC_ACT_SIGMOID
                                                 : ONNXCC_ACT_RELU;
    p.compact_weights = getenv("BENCH_COMPACT") != NULL;

    const size_t k = (size_t)(l->C / p.group) * (size_t)p.kH * (size_t)p.kW;
    float *w = random_floats((size_t)l->M * k), *bias = random_floats((size_t)l->M);
    float *scale = random_floats((size_t)l->C), *shift = random_floats((size_t)l->C);
    float *x = random_floats(p.x_img_stride), *y = random_floats(p.y_img_stride);
    float *res = getenv("BENCH_RES") ? random_floats(p.y_img_stride) : NULL;
    p.r_img_stride = p.y_img_stride;
    const char *cold = getenv("BENCH_COLD");
    const int copies = cold && atoi(cold) > 1 ? (atoi(cold) < 1024 ? atoi(cold) : 1024) : 1;
    float *packed[1024];
    void *scratch = NULL;
    for (int c = 0; c < copies; c++) {
        packed[c] = malloc(sizeof(float) * onnxcc_f32_conv2d_packed_size(&p));
        if (!packed[c]) {
            fprintf(stderr, "out of memory\n");
            exit(1);
        }
        onnxcc_f32_conv2d_pack(&p, w, packed[c]);
    }
    if (posix_memalign(&scratch, 64, sizeof(float) * onnxcc_f32_conv2d_scratch_size(&p) + 64)) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    const double gflop = 2.0 * (double)k * (double)l->M * p.OH * p.OW * 1e-9;
    /* the packed header's first float names the algorithm (conv2d.c: 0 GEMM,
     * 1 Winograd, 2 Winograd with U made per call, 3 taps, 4 stem) */
    printf("%-28s %8.1f MMAC a%d", l->name, gflop / 2 * 1e3, (int)packed[0][0]);
    for (int isa = getenv("BENCH_TOP") ? best : 0; isa <= best; isa++) {
        setenv("ONNXCC_ISA", onnxcc_rt_isa_name(isa), 1);
        const double t = time_layer(&p, x, packed, copies, bias, p.pre_relu ? scale : NULL,
                                    p.pre_relu ? shift : NULL, res, scratch, y, min_s);
        const double ref_peak = peak[isa] > 0 ? peak[isa] : peak[best];
        printf(" | %8.3f ms %6.1f GF/s %3.0f%%", t, gflop / t * 1e3,
               ref_peak > 0 ? 100.0 * gflop / t * 1e3 / ref_peak : 0.0);
    }
    printf("\n");
    for (int c = 0; c < copies; c++)
        free(packed[c]);
    free(w), free(bias), free(scale), free(shift), free(x), free(y), free(res), free(scratch);
}

int main(int argc, char **argv)
{
    const double min_s = argc > 1 ? atof(argv[1]) : 0.3;
    unsetenv("ONNXCC_ISA");
    const int best = onnxcc_rt_isa();
    double peak[3] = {0, 0, 0};
    printf("FMA peak, one core:");
    for (int isa = 0; isa <= best; isa++) {
        peak[isa] = fma_peak(isa);
        if (peak[isa] > 0)
            printf(" %s %.1f GFLOP/s", onnxcc_rt_isa_name(isa), peak[isa]);
    }
    printf("\n%-28s %16s", "layer", "");
    for (int isa = getenv("BENCH_TOP") ? best : 0; isa <= best; isa++)
        printf(" | %-32s", onnxcc_rt_isa_name(isa));
    printf("\n");
    const char *only = getenv("BENCH_ONLY");
    for (int i = 0; i < NUM_LAYERS; i++)
        if (!only || strstr(layers[i].name, only))
            bench_layer(&layers[i], best, peak, min_s);
    printf("(GFLOP/s of the direct convolution: Winograd layers can exceed the peak)\n");
    return 0;
}
