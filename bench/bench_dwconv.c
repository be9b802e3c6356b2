/* bench_dwconv.c — times onnxcc_f32_dwconv2d on the depthwise layers of
 * MobileNetV2 (224x224, batch 1: 3x3, pad 1, BN folded into the weights,
 * Clip(0, 6) after), EfficientNet-B1 (240x240; 3x3 and 5x5, SiLU after) or
 * MNASNet 0.75 (224x224; 3x3 and 5x5, ReLU after):
 * `bench_dwconv [min_seconds [threads [mobilenet_v2|efficientnet_b1|mnasnet0_75]]]`
 * (defaults 0.3 s, 1 thread, MobileNetV2).
 *
 * Times every ISA level up to onnxcc_rt_isa(), or with ONNXCC_ISA set only
 * that level; BENCH_FLUSH=MB writes MB MiB before every call and then
 * reads x back, so that y starts out of the caches and x in them, as in a
 * model where the layer before has just written x.  Per layer and level: the median milliseconds of one call and
 * the GB/s of its compulsory traffic (input, output and weights read or
 * written once); then the sum over the model's depthwise nodes (layers
 * that occur several times counted as often).  BENCH_BEST=1 reports the
 * fastest run instead of the median. */
#define _POSIX_C_SOURCE 200112L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "onnxcc/rt.h"

typedef struct Layer {
    int C, HW, stride, count, K; /* count: nodes of the model with this shape; K: 3 if 0 */
} Layer;

static const Layer mobilenet_v2[] = {
    {32, 112, 1, 1, 3}, {96, 112, 2, 1, 3}, {144, 56, 1, 1, 3}, {144, 56, 2, 1, 3},
    {192, 28, 1, 2, 3}, {192, 28, 2, 1, 3}, {384, 14, 1, 3, 3}, {576, 14, 1, 2, 3},
    {576, 14, 2, 1, 3}, {960, 7, 1, 2, 3}, {0, 0, 0, 0, 0},
};
static const Layer efficientnet_b1[] = {
    {32, 120, 1, 1, 3},  {16, 120, 1, 1, 3},  {96, 120, 2, 1, 3},  {144, 60, 1, 2, 3},
    {144, 60, 2, 1, 5},  {240, 30, 1, 2, 5},  {240, 30, 2, 1, 3},  {480, 15, 1, 3, 3},
    {480, 15, 1, 1, 5},  {672, 15, 1, 3, 5},  {672, 15, 2, 1, 5},  {1152, 8, 1, 4, 5},
    {1152, 8, 1, 1, 3},  {1920, 8, 1, 1, 3},  {0, 0, 0, 0, 0},
};
static const Layer mnasnet0_75[] = {
    {24, 112, 1, 1, 3}, {48, 112, 2, 1, 3}, {72, 56, 1, 2, 3},  {72, 56, 2, 1, 5},
    {96, 28, 1, 2, 5},  {192, 28, 2, 1, 5}, {384, 14, 1, 2, 5}, {384, 14, 1, 1, 3},
    {432, 14, 1, 1, 3}, {432, 14, 2, 1, 5}, {864, 7, 1, 3, 5},  {864, 7, 1, 1, 3},
    {0, 0, 0, 0, 0},
};
#define MAX_REPS 2000

/* Milliseconds of one call, repeated for at least min_s seconds. */
static double time_layer(const OnnxccConv2dParams *p, const float *x, const float *w,
                         const float *bias, float *y, double min_s)
{
    static double ms[MAX_REPS];
    int reps = 0;
    const char *flush_env = getenv("BENCH_FLUSH");
    const size_t flush_bytes = flush_env ? (size_t)atoi(flush_env) << 20 : 0;
    unsigned char *flush = flush_bytes ? malloc(flush_bytes) : NULL;
    const size_t xn = (size_t)p->N * (size_t)p->C * (size_t)p->H * (size_t)p->W;
    onnxcc_f32_dwconv2d(p, x, w, bias, NULL, NULL, y); /* warm up */
    for (double start = now_s(); reps < MAX_REPS && (reps < 5 || now_s() - start < min_s);) {
        if (flush) { /* y out of the caches, x back in them: as in a model */
            memset(flush, reps & 0xff, flush_bytes);
            touch_floats(x, xn);
        }
        const double t0 = now_s();
        onnxcc_f32_dwconv2d(p, x, w, bias, NULL, NULL, y);
        ms[reps++] = (now_s() - t0) * 1e3;
    }
    free(flush);
    qsort(ms, (size_t)reps, sizeof ms[0], cmp_double);
    return getenv("BENCH_BEST") ? ms[0] : ms[reps / 2];
}

int main(int argc, char **argv)
{
    const double min_s = argc > 1 ? atof(argv[1]) : 0.3;
    onnxcc_set_num_threads(argc > 2 ? atoi(argv[2]) : 1);
    const char *model = argc > 3 ? argv[3] : "mobilenet_v2";
    const Layer *layers = !strcmp(model, "efficientnet_b1") ? efficientnet_b1
                          : !strcmp(model, "mnasnet0_75")   ? mnasnet0_75
                                                            : mobilenet_v2;
    const int act = layers == efficientnet_b1 ? ONNXCC_ACT_SILU
                    : layers == mnasnet0_75   ? ONNXCC_ACT_RELU
                                              : ONNXCC_ACT_CLIP;
    int nodes = 0;
    const int top = onnxcc_rt_isa(), only = getenv("ONNXCC_ISA") != NULL;
    double total[3] = {0, 0, 0};
    printf("%s depthwise, %d thread(s)\n%-22s", model, onnxcc_num_threads(), "layer");
    for (int isa = only ? top : 0; isa <= top; isa++)
        printf(" | %-20s", onnxcc_rt_isa_name(isa));
    printf("\n");
    for (int i = 0; layers[i].C; i++) {
        const Layer *l = &layers[i];
        const int K = l->K;
        nodes += l->count;
        OnnxccConv2dParams p;
        memset(&p, 0, sizeof p);
        p.N = 1, p.C = p.M = p.group = l->C, p.H = p.W = l->HW;
        p.kH = p.kW = K, p.stride_h = p.stride_w = l->stride, p.dil_h = p.dil_w = 1;
        p.pad_t = p.pad_l = p.pad_b = p.pad_r = K / 2;
        p.OH = p.OW = (l->HW + 2 * (K / 2) - K) / l->stride + 1;
        p.act.kind = act, p.act.a = 0.0f, p.act.b = 6.0f;
        const size_t xn = (size_t)l->C * l->HW * l->HW, yn = (size_t)l->C * p.OH * p.OW;
        float *x = random_floats(xn), *w = random_floats((size_t)l->C * (size_t)(K * K)), *b = random_floats((size_t)l->C);
        float *y = random_floats(yn);
        const double bytes = 4.0 * (double)(xn + yn + (size_t)l->C * (K * K + 1));
        char name[40];
        snprintf(name, sizeof name, "%dx%dx%d %dx%d/%d%s", l->HW, l->HW, l->C, K, K, l->stride,
                 l->count > 1 ? " (x" : "");
        if (l->count > 1)
            snprintf(name + strlen(name), sizeof name - strlen(name), "%d)", l->count);
        printf("%-22s", name);
        for (int isa = only ? top : 0; isa <= top; isa++) {
            setenv("ONNXCC_ISA", onnxcc_rt_isa_name(isa), 1);
            const double t = time_layer(&p, x, w, b, y, min_s);
            total[isa] += t * l->count;
            printf(" | %7.3f ms %6.1f GB/s", t, bytes / t * 1e-6);
        }
        printf("\n");
        free(x), free(w), free(b), free(y);
    }
    char all[32];
    snprintf(all, sizeof all, "%d nodes", nodes);
    printf("%-22s", all);
    for (int isa = only ? top : 0; isa <= top; isa++)
        printf(" | %7.3f ms %11s", total[isa], "");
    printf("\n");
    return 0;
}
