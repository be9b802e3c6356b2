/* bench_act.c — times onnxcc_f32_act per activation kind and ISA level:
 * `bench_act [n [min_seconds [threads]]]` (defaults 401408 = 32x112x112, the
 * largest Sigmoid input of EfficientNet-B0; 0.2 s; 1 thread), in place on
 * inputs in [-8, 8].  Prints elements per nanosecond (median call) for every
 * level up to onnxcc_rt_isa(), or with ONNXCC_ISA set only that level;
 * then the milliseconds of onnxcc_f32_globalavgpool over EfficientNet-B1's
 * 23 squeeze-and-excitation pools (those of at most n floats). */
#define _POSIX_C_SOURCE 200112L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "onnxcc/rt.h"

#define MAX_REPS 5000

static double time_act(size_t n, OnnxccAct act, float *y, const float *x, double min_s)
{
    static double ns[MAX_REPS];
    int reps = 0;
    memcpy(y, x, sizeof(float) * n);
    onnxcc_f32_act(n, act, y, y, 0); /* warm up */
    for (double start = now_s(); reps < MAX_REPS && (reps < 5 || now_s() - start < min_s);) {
        memcpy(y, x, sizeof(float) * n); /* in range again (exp would run away) */
        const double t0 = now_s();
        onnxcc_f32_act(n, act, y, y, 0);
        ns[reps++] = (now_s() - t0) * 1e9;
    }
    qsort(ns, (size_t)reps, sizeof ns[0], cmp_double);
    return (double)n / ns[reps / 2];
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int kind;
    } kinds[] = {{"relu", ONNXCC_ACT_RELU}, {"hardswish", ONNXCC_ACT_HARDSWISH},
                 {"sigmoid", ONNXCC_ACT_SIGMOID}, {"silu", ONNXCC_ACT_SILU},
                 {"tanh", ONNXCC_ACT_TANH}, {"gelu", ONNXCC_ACT_GELU},
                 {"exp", ONNXCC_ACT_EXP}, {"erf", ONNXCC_ACT_ERF}};
    const size_t n = argc > 1 ? (size_t)atol(argv[1]) : 401408;
    const double min_s = argc > 2 ? atof(argv[2]) : 0.2;
    onnxcc_set_num_threads(argc > 3 ? atoi(argv[3]) : 1);
    const int top = onnxcc_rt_isa(), only = getenv("ONNXCC_ISA") != NULL;
    srand(1);
    float *x = random_floats(n), *y = malloc(sizeof(float) * n);
    for (size_t i = 0; i < n; i++)
        x[i] *= 8.0f;
    printf("onnxcc_f32_act, %zu elements, %d thread(s): elements/ns\n%-10s", n, onnxcc_num_threads(), "kind");
    for (int isa = only ? top : 0; isa <= top; isa++)
        printf(" %9s", onnxcc_rt_isa_name(isa));
    printf("\n");
    char cap[16];
    snprintf(cap, sizeof cap, "%s", getenv("ONNXCC_ISA") ? getenv("ONNXCC_ISA") : "");
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        const OnnxccAct act = {kinds[k].kind, 0.0f, 0.0f};
        printf("%-10s", kinds[k].name);
        for (int isa = only ? top : 0; isa <= top; isa++) {
            setenv("ONNXCC_ISA", onnxcc_rt_isa_name(isa), 1);
            printf(" %9.3f", time_act(n, act, y, x, min_s));
        }
        if (!only)
            unsetenv("ONNXCC_ISA");
        printf("\n");
    }
    /* GlobalAveragePool over EfficientNet-B1's 23 squeeze pools (240x240,
     * channels x pixels, count), each from the same warm input */
    static const int pools[][3] = {{32, 14400, 1}, {16, 14400, 1}, {96, 3600, 1}, {144, 3600, 2},
                                   {144, 900, 1},  {240, 900, 2},  {240, 225, 1}, {480, 225, 4},
                                   {672, 225, 3},  {672, 64, 1},   {1152, 64, 5}, {1920, 64, 1}};
    float gy[1920];
    printf("%-10s", "gap (ms)");
    for (int isa = only ? top : 0; isa <= top; isa++) {
        setenv("ONNXCC_ISA", onnxcc_rt_isa_name(isa), 1);
        double total = 0;
        for (size_t l = 0; l < sizeof pools / sizeof pools[0]; l++) {
            const size_t C = (size_t)pools[l][0], hw = (size_t)pools[l][1];
            if (C * hw > n)
                continue;
            static double ms[MAX_REPS];
            int reps = 0;
            for (double start = now_s(); reps < MAX_REPS && (reps < 5 || now_s() - start < min_s / 10);) {
                const double t0 = now_s();
                onnxcc_f32_globalavgpool(1, C, hw, 0, x, NULL, NULL, 0, gy, 0);
                ms[reps++] = (now_s() - t0) * 1e3;
            }
            qsort(ms, (size_t)reps, sizeof ms[0], cmp_double);
            total += ms[reps / 2] * pools[l][2];
        }
        printf(" %9.3f", total);
    }
    printf("\n");
    if (!only)
        unsetenv("ONNXCC_ISA");
    if (cap[0])
        setenv("ONNXCC_ISA", cap, 1);
    free(x);
    free(y);
    return 0;
}
