/* f32_gemm_ref.c — reference ONNX Gemm: Y = alpha*op(A)*op(B) + beta*C with
 * optional transposes and C broadcast through (row, col) strides.  Each
 * output is one double dot product, scaled and offset in double, rounded once. */
#include "onnxcc/rt.h"

void onnxcc_f32_gemm_ref(const OnnxccGemmParams *p, const float *a, const float *b,
                         const float *c, float *y)
{
    const size_t M = (size_t)p->M, N = (size_t)p->N, K = (size_t)p->K;
    /* op(A)[i][k] = a[i*ai + k*ak], op(B)[k][j] = b[k*bk + j*bj] */
    const size_t ai = p->trans_a ? 1 : K, ak = p->trans_a ? M : 1;
    const size_t bk = p->trans_b ? 1 : N, bj = p->trans_b ? K : 1;

    for (size_t i = 0; i < M; i++) {
        for (size_t j = 0; j < N; j++) {
            double acc = 0.0;
            for (size_t k = 0; k < K; k++)
                acc += (double)a[i * ai + k * ak] * (double)b[k * bk + j * bj];
            double v = (double)p->alpha * acc;
            if (c)
                v += (double)p->beta * (double)c[i * p->c_row_stride + j * p->c_col_stride];
            y[i * N + j] = (float)v;
        }
    }
}
