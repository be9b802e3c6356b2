/* bench_pool.c — times onnxcc_f32_maxpool2d / onnxcc_f32_avgpool2d on the
 * pool layers of DenseNet-121, Inception-v3, SqueezeNet 1.1, GoogLeNet and
 * ResNet (224x224 / 299x299, batch 1): `bench_pool [min_seconds [threads]]`
 * (defaults 0.2 s, 1 thread).
 *
 * DenseNet's transition pools run as the generated code runs them after
 * commute_pool: on the 1x1 convolution's input, with the pre-activation
 * (BN scale / shift + ReLU) fused.  Times every ISA level up to
 * onnxcc_rt_isa(), or with ONNXCC_ISA set only that level.  Per layer and
 * level: the median milliseconds of one call and the GB/s of its compulsory
 * traffic (input read and output written once); then per model the sum over
 * its pool nodes (layers that occur several times counted as often).
 * BENCH_BEST=1 reports the fastest run instead of the median; BENCH_ONLY=S
 * runs only the layers whose name contains S; BENCH_C=n / BENCH_HW=n
 * override the channels / the map's height and width; BENCH_FLUSH=MB
 * writes MB MiB before every timed call, so that x and y start out of the
 * caches smaller than that (as in a model, where the pool's input was
 * written long before: DenseNet's transitions read their dense block's
 * whole buffer). */
#define _POSIX_C_SOURCE 200112L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "onnxcc/rt.h"

typedef struct Layer {
    const char *name;
    int is_max, C, H, W, k, s, pad, ceil_mode, cip, pre, count;
} Layer;

/* name max C H W k s pad ceil cip pre count */
static const Layer layers[] = {
    {"densenet121 stem max", 1, 64, 112, 112, 3, 2, 1, 0, 0, 0, 1},
    {"densenet121 trans1 avg", 0, 256, 56, 56, 2, 2, 0, 0, 0, 1, 1},
    {"densenet121 trans2 avg", 0, 512, 28, 28, 2, 2, 0, 0, 0, 1, 1},
    {"densenet121 trans3 avg", 0, 1024, 14, 14, 2, 2, 0, 0, 0, 1, 1},
    {"inception_v3 max 147", 1, 64, 147, 147, 3, 2, 0, 0, 0, 0, 1},
    {"inception_v3 max 71", 1, 192, 71, 71, 3, 2, 0, 0, 0, 0, 1},
    {"inception_v3 max 35", 1, 288, 35, 35, 3, 2, 0, 0, 0, 0, 1},
    {"inception_v3 max 17", 1, 768, 17, 17, 3, 2, 0, 0, 0, 0, 1},
    {"inception_v3 avg 35x192", 0, 192, 35, 35, 3, 1, 1, 0, 0, 0, 1},
    {"inception_v3 avg 35x256", 0, 256, 35, 35, 3, 1, 1, 0, 0, 0, 1},
    {"inception_v3 avg 35x288", 0, 288, 35, 35, 3, 1, 1, 0, 0, 0, 1},
    {"inception_v3 avg 17x768", 0, 768, 17, 17, 3, 1, 1, 0, 0, 0, 4},
    {"inception_v3 avg 8x1280", 0, 1280, 8, 8, 3, 1, 1, 0, 0, 0, 1},
    {"inception_v3 avg 8x2048", 0, 2048, 8, 8, 3, 1, 1, 0, 0, 0, 1},
    {"squeezenet1_1 max 111", 1, 64, 111, 111, 3, 2, 0, 1, 0, 0, 1},
    {"squeezenet1_1 max 55", 1, 128, 55, 55, 3, 2, 0, 1, 0, 0, 1},
    {"squeezenet1_1 max 27", 1, 256, 27, 27, 3, 2, 0, 1, 0, 0, 1},
    {"googlenet max 112", 1, 64, 112, 112, 3, 2, 0, 1, 0, 0, 1},
    {"googlenet max 56", 1, 192, 56, 56, 3, 2, 0, 1, 0, 0, 1},
    {"googlenet max 28", 1, 480, 28, 28, 3, 2, 0, 1, 0, 0, 1},
    {"googlenet max 14", 1, 832, 14, 14, 2, 2, 0, 1, 0, 0, 1},
    {"googlenet s1 28x192", 1, 192, 28, 28, 3, 1, 1, 1, 0, 0, 1},
    {"googlenet s1 28x256", 1, 256, 28, 28, 3, 1, 1, 1, 0, 0, 1},
    {"googlenet s1 14x480", 1, 480, 14, 14, 3, 1, 1, 1, 0, 0, 1},
    {"googlenet s1 14x512", 1, 512, 14, 14, 3, 1, 1, 1, 0, 0, 3},
    {"googlenet s1 14x528", 1, 528, 14, 14, 3, 1, 1, 1, 0, 0, 1},
    {"googlenet s1 7x832", 1, 832, 7, 7, 3, 1, 1, 1, 0, 0, 2},
    {"resnet max 112", 1, 64, 112, 112, 3, 2, 1, 0, 0, 0, 1},
};
#define NUM_LAYERS ((int)(sizeof layers / sizeof layers[0]))
#define MAX_REPS 20000

static const char *models[] = {"densenet121", "inception_v3", "squeezenet1_1", "googlenet", "resnet"};
#define NUM_MODELS ((int)(sizeof models / sizeof models[0]))

/* random_floats' values in a 64-byte aligned block (as the generated
 * code's workspace). */
static float *aligned_floats(size_t n)
{
    void *p = NULL;
    if (posix_memalign(&p, 64, sizeof(float) * n + 64) != 0) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    float *r = random_floats(n);
    memcpy(p, r, sizeof(float) * n);
    free(r);
    return p;
}

/* Output extent of a pooled axis (as the compiler resolves ceil_mode). */
static int out_len(int in, int k, int s, int pad, int ceil_mode)
{
    const int span = in + 2 * pad - k;
    int o = (ceil_mode ? (span + s - 1) / s : span / s) + 1;
    if (ceil_mode && (o - 1) * s >= in + pad) /* the last window must start inside */
        o--;
    return o;
}

static void call(const Layer *l, const OnnxccPool2dParams *p, const float *x, const float *scale,
                 const float *shift, float *y)
{
    if (l->is_max)
        onnxcc_f32_maxpool2d(p, x, scale, shift, y, 0);
    else
        onnxcc_f32_avgpool2d(p, x, scale, shift, y, 0);
}

/* Milliseconds of one call, repeated for at least min_s seconds. */
static double time_layer(const Layer *l, const OnnxccPool2dParams *p, const float *x,
                         const float *scale, const float *shift, float *y, double min_s)
{
    static double ms[MAX_REPS];
    int reps = 0;
    const char *flush_env = getenv("BENCH_FLUSH");
    const size_t flush_bytes = flush_env ? (size_t)atoi(flush_env) << 20 : 0;
    unsigned char *flush = flush_bytes ? malloc(flush_bytes) : NULL;
    call(l, p, x, scale, shift, y); /* warm up */
    for (double start = now_s(); reps < MAX_REPS && (reps < 5 || now_s() - start < min_s);) {
        if (flush)
            memset(flush, reps & 0xff, flush_bytes);
        const double t0 = now_s();
        call(l, p, x, scale, shift, y);
        ms[reps++] = (now_s() - t0) * 1e3;
    }
    free(flush);
    qsort(ms, (size_t)reps, sizeof ms[0], cmp_double);
    return getenv("BENCH_BEST") ? ms[0] : ms[reps / 2];
}

int main(int argc, char **argv)
{
    const double min_s = argc > 1 ? atof(argv[1]) : 0.2;
    onnxcc_set_num_threads(argc > 2 ? atoi(argv[2]) : 1);
    const int top = onnxcc_rt_isa(), first = getenv("ONNXCC_ISA") ? top : 0;
    const char *only = getenv("BENCH_ONLY");
    double total[NUM_MODELS][3];
    memset(total, 0, sizeof total);
    printf("pools, batch 1, %d thread(s)\n%-26s", onnxcc_num_threads(), "layer");
    for (int isa = first; isa <= top; isa++)
        printf(" | %-20s", onnxcc_rt_isa_name(isa));
    printf("\n");
    for (int i = 0; i < NUM_LAYERS; i++) {
        const Layer *l = &layers[i];
        if (only && !strstr(l->name, only))
            continue;
        OnnxccPool2dParams p;
        memset(&p, 0, sizeof p);
        p.N = 1, p.C = getenv("BENCH_C") ? atoi(getenv("BENCH_C")) : l->C;
        p.H = p.W = getenv("BENCH_HW") ? atoi(getenv("BENCH_HW")) : l->H;
        if (!getenv("BENCH_HW"))
            p.W = l->W;
        p.kH = p.kW = l->k, p.stride_h = p.stride_w = l->s, p.dil_h = p.dil_w = 1;
        p.pad_t = p.pad_l = p.pad_b = p.pad_r = l->pad;
        p.count_include_pad = l->cip;
        p.pre_relu = l->pre;
        p.OH = out_len(p.H, l->k, l->s, l->pad, l->ceil_mode);
        p.OW = out_len(p.W, l->k, l->s, l->pad, l->ceil_mode);
        const size_t xn = (size_t)p.C * p.H * p.W, yn = (size_t)p.C * p.OH * p.OW;
        float *x = aligned_floats(xn), *y = aligned_floats(yn);
        float *scale = l->pre ? random_floats((size_t)l->C) : NULL;
        float *shift = l->pre ? random_floats((size_t)l->C) : NULL;
        const double bytes = 4.0 * (double)(xn + yn);
        char name[48];
        snprintf(name, sizeof name, "%s%s", l->name, l->count > 1 ? " (x" : "");
        if (l->count > 1)
            snprintf(name + strlen(name), sizeof name - strlen(name), "%d)", l->count);
        printf("%-26s", name);
        for (int isa = first; isa <= top; isa++) {
            setenv("ONNXCC_ISA", onnxcc_rt_isa_name(isa), 1);
            const double t = time_layer(l, &p, x, scale, shift, y, min_s);
            for (int m = 0; m < NUM_MODELS; m++)
                if (strncmp(l->name, models[m], strlen(models[m])) == 0)
                    total[m][isa] += t * l->count;
            printf(" | %7.4f ms %6.1f GB/s", t, bytes / t * 1e-6);
        }
        printf("\n");
        free(x), free(y), free(scale), free(shift);
    }
    for (int m = 0; m < NUM_MODELS; m++) {
        printf("%-26s", models[m]);
        for (int isa = first; isa <= top; isa++)
            printf(" | %7.4f ms %11s", total[m][isa], "");
        printf("\n");
    }
    return 0;
}
