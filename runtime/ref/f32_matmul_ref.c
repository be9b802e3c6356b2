/* f32_matmul_ref.c — reference batched MatMul: `batch` products
 * [M][K] x [K][N] (B stored [N][K] for ONNXCC_MATMUL_B_NK), each operand advancing by its batch stride (0 = the same
 * matrix for every product, i.e. broadcast); outputs are dense [batch][M][N]. */
#include "onnxcc/rt.h"

void onnxcc_f32_matmul_ref(const OnnxccMatmulParams *p, const float *a, const float *b,
                           float *y)
{
    const size_t M = (size_t)p->M, K = (size_t)p->K, N = (size_t)p->N;

    for (size_t t = 0; t < p->batch; t++) {
        const float *at = a + t * p->a_batch_stride;
        const float *bt = b + t * p->b_batch_stride;
        float *yt = y + t * M * N;
        for (size_t i = 0; i < M; i++) {
            for (size_t j = 0; j < N; j++) {
                double acc = 0.0;
                for (size_t k = 0; k < K; k++)
                    acc += (double)at[i * K + k] * (double)bt[p->b_layout == ONNXCC_MATMUL_B_NK ? j * K + k : k * N + j];
                yt[i * N + j] = (float)acc;
            }
        }
    }
}
