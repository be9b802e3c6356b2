/* bench_matmul.c — times onnxcc_f32_matmul on the products of ViT-B/16
 * (197 tokens), ConvNeXt-T (its four stages' MLPs) and Swin-T's third
 * stage: `bench_matmul [min_seconds]` (default 0.3 s).
 *
 * Weights (one product, B shared) are packed once as the compiler packs
 * them (onnxcc_f32_matmul_pack_b); attention's batched products (both
 * operands change) are read as they are.  Times every ISA level up to
 * onnxcc_rt_isa(), or with ONNXCC_ISA set only that level; threads as
 * ONNXCC_NUM_THREADS says.  Per product and level: the median
 * milliseconds of one call and its GFLOP/s (2 M K N per product).
 * BENCH_BEST=1 reports the fastest run instead of the median. */
#define _POSIX_C_SOURCE 200112L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "onnxcc/rt.h"

typedef struct Product {
    const char *name;
    int M, K, N;
    int batch; /* > 1: attention heads, A and B both batched; 1: B is a weight */
} Product;

static const Product products[] = {
    {"vit qkv", 197, 768, 2304, 1},
    {"vit proj", 197, 768, 768, 1},
    {"vit mlp1", 197, 768, 3072, 1},
    {"vit mlp2 (k in chunks)", 197, 3072, 768, 1},
    {"vit q k^t", 197, 64, 197, 12},
    {"vit attn v", 197, 197, 64, 12},
    {"convnext s1 mlp1", 3136, 96, 384, 1},
    {"convnext s1 mlp2", 3136, 384, 96, 1},
    {"convnext s2 mlp1", 784, 192, 768, 1},
    {"convnext s2 mlp2", 784, 768, 192, 1},
    {"convnext s3 mlp1", 196, 384, 1536, 1},
    {"convnext s3 mlp2 (k in chunks)", 196, 1536, 384, 1},
    {"convnext s4 mlp1", 49, 768, 3072, 1},
    {"convnext s4 mlp2 (k in chunks)", 49, 3072, 768, 1},
    {"swin s3 attn v", 49, 49, 32, 96},
};

static void *aligned_floats(size_t n)
{
    void *p = NULL;
    if (posix_memalign(&p, 64, sizeof(float) * n + 64)) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    return p;
}

/* Median (or fastest) seconds of one call, repeated for min_s at least. */
static double time_product(const OnnxccMatmulParams *p, const float *a, const float *b, float *y, float *scratch,
                           double min_s)
{
    enum { MAX_REPS = 2001 };
    static double t[MAX_REPS];
    int reps = 0;
    const double t0 = now_s();
    onnxcc_f32_matmul(p, a, b, y, scratch); /* warm-up */
    while (reps < 5 || (reps < MAX_REPS && now_s() - t0 < min_s)) {
        const double s = now_s();
        onnxcc_f32_matmul(p, a, b, y, scratch);
        t[reps++] = now_s() - s;
    }
    qsort(t, (size_t)reps, sizeof t[0], cmp_double);
    return getenv("BENCH_BEST") ? t[0] : t[reps / 2];
}

int main(int argc, char **argv)
{
    const double min_s = argc > 1 ? atof(argv[1]) : 0.3;
    const int best = onnxcc_rt_isa();
    const char *cap = getenv("ONNXCC_ISA");
    printf("onnxcc_f32_matmul, %d thread(s); median ms and GFLOP/s per ISA level\n", onnxcc_num_threads());
    printf("%-32s %5s %5s %5s %4s", "product", "M", "K", "N", "b");
    for (int isa = cap ? best : 0; isa <= best; isa++)
        printf(" | %-18s", onnxcc_rt_isa_name(isa));
    printf("\n");
    srand(7);
    for (size_t i = 0; i < sizeof products / sizeof products[0]; i++) {
        const Product *q = &products[i];
        OnnxccMatmulParams p;
        memset(&p, 0, sizeof p);
        p.M = q->M;
        p.K = q->K;
        p.N = q->N;
        p.batch = (size_t)q->batch;
        p.a_batch_stride = (size_t)q->M * (size_t)q->K;
        p.b_batch_stride = (size_t)q->K * (size_t)q->N;
        p.b_layout = ONNXCC_MATMUL_B_KN;
        float *a = random_floats(p.a_batch_stride * p.batch);
        float *b = random_floats(p.b_batch_stride * p.batch);
        float *y = aligned_floats((size_t)q->M * (size_t)q->N * p.batch);
        float *packed = NULL;
        if (q->batch == 1) { /* a weight: packed as the compiler does */
            const size_t n = onnxcc_f32_matmul_packed_b_size(&p);
            packed = aligned_floats(n);
            onnxcc_f32_matmul_pack_b(&p, b, packed);
            p.b_layout = ONNXCC_MATMUL_B_PACKED;
            p.b_batch_stride = n;
        }
        printf("%-32s %5d %5d %5d %4d", q->name, q->M, q->K, q->N, q->batch);
        fflush(stdout);
        for (int isa = cap ? best : 0; isa <= best; isa++) {
            p.isa_cap = isa + 1;
            float *scratch = aligned_floats(onnxcc_f32_matmul_scratch_size(&p));
            const double s = time_product(&p, a, packed ? packed : b, y, scratch, min_s);
            const double flops = 2.0 * q->M * (double)q->K * q->N * (double)q->batch;
            printf(" | %8.3f ms %5.1f GF", s * 1e3, flops / s * 1e-9);
            fflush(stdout);
            free(scratch);
        }
        printf("\n");
        free(a);
        free(b);
        free(y);
        free(packed);
    }
    return 0;
}
