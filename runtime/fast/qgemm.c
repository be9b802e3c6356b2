/* qgemm.c — the quantized matrix product's dispatch: blocks of output
 * rows n over the runtime's threads, each block's exact int32 sums by the
 * AVX-512 VNNI or AVX2 kernel (qgemm.h) where the CPU has it and the
 * layer's ISA cap allows, else by a scalar loop, then the epilogue the
 * reference kernel applies (bias, requantization or dequantization), in
 * the same float operations, so every level gives its bytes. */
#include "onnxcc/rt.h"
#include "fast.h"
#include "qgemm.h"

#include <math.h>

/* Output rows per task: 64 rows of K int8 weights stay in L2 while the
 * rows of x pass over them. */
#define QG_ROWS 64

typedef struct {
    int M, N, K, isa;
    const uint8_t *x;
    float x_scale;
    uint8_t x_zp;
    const int8_t *w;
    const float *w_scale;
    int w_scale_per_n;
    const int32_t *bias;
    float y_scale;
    uint8_t y_zp;
    uint8_t *y_u8;
    float *y_f32;
} QGemm;

static void sums(const QGemm *q, int nr, const uint8_t *x, const int8_t *w, int32_t *acc)
{
#ifdef ONNXCC_RT_X86_64
    if (q->isa == 2) {
        onnxcc_u8s8_gemv_avx512vnni(nr, q->K, x, q->x_zp, w, acc);
        return;
    }
    if (q->isa == 1) {
        onnxcc_u8s8_gemv_avx2(nr, q->K, x, q->x_zp, w, acc);
        return;
    }
#endif
    for (int j = 0; j < nr; j++) {
        int32_t s = 0;
        for (int k = 0; k < q->K; k++)
            s += ((int32_t)x[k] - q->x_zp) * w[(size_t)j * q->K + k];
        acc[j] = s;
    }
}

static void block_task(void *ctx, int t)
{
    const QGemm *q = ctx;
    const int n0 = t * QG_ROWS, nr = q->N - n0 < QG_ROWS ? q->N - n0 : QG_ROWS;
    int32_t acc[QG_ROWS];
    for (int m = 0; m < q->M; m++) {
        sums(q, nr, q->x + (size_t)m * q->K, q->w + (size_t)n0 * q->K, acc);
        for (int j = 0; j < nr; j++) {
            const int n = n0 + j;
            const int32_t a = acc[j] + (q->bias ? q->bias[n] : 0);
            const float ws = q->w_scale[q->w_scale_per_n ? n : 0];
            if (q->y_u8) {
                const float mult = q->x_scale * ws / q->y_scale;
                float v = nearbyintf((float)a * mult);
                v = v < (float)-q->y_zp ? (float)-q->y_zp : v > (float)(255 - q->y_zp) ? (float)(255 - q->y_zp) : v;
                q->y_u8[(size_t)m * q->N + n] = (uint8_t)((int)v + q->y_zp);
            } else {
                q->y_f32[(size_t)m * q->N + n] = (float)a * (q->x_scale * ws);
            }
        }
    }
}

void onnxcc_u8s8_gemm(int M, int N, int K, const uint8_t *x, float x_scale, uint8_t x_zp, const int8_t *w,
                      const float *w_scale, int w_scale_per_n, const int32_t *bias, float y_scale, uint8_t y_zp,
                      uint8_t *y_u8, float *y_f32, int isa_cap)
{
    QGemm q = {M, N, K, 0, x, x_scale, x_zp, w, w_scale, w_scale_per_n, bias, y_scale, y_zp, y_u8, y_f32};
#ifdef ONNXCC_RT_X86_64
    const int isa = onnxcc_rt_isa_capped(isa_cap);
    if (isa >= ONNXCC_ISA_AVX512 && __builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx512bw"))
        q.isa = 2;
    else if (isa >= ONNXCC_ISA_AVX2)
        q.isa = 1;
#else
    (void)isa_cap;
#endif
    if (q.isa == 0) { /* the scalar level: the reference kernel itself */
        onnxcc_u8s8_gemm_ref(M, N, K, x, x_scale, x_zp, w, w_scale, w_scale_per_n, bias, y_scale, y_zp, y_u8,
                             y_f32);
        return;
    }
    const int tasks = (N + QG_ROWS - 1) / QG_ROWS;
    if (tasks > 1 && (double)M * N * K >= 65536.0)
        onnxcc_fast_parallel(tasks, block_task, &q);
    else
        for (int t = 0; t < tasks; t++)
            block_task(&q, t);
}
