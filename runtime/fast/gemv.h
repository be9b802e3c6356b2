/* gemv.h — the small-M dot-form Gemm (gemv_rows.h, one instance per ISA
 * level in gemv_<isa>.c): for a few rows of A against B stored [N][K]
 * (a classifier's weights at batch 1), a product bound by the stream of B
 * from memory, not by arithmetic. */
#ifndef ONNXCC_GEMV_H
#define ONNXCC_GEMV_H

#include <stddef.h>

/* acc[i][j - j0] for i < m, j0 <= j < j1: the dot product of A row i
 * (a + i*lda, K floats) and B row j (b + j*K), summed as gemv_rows.h says
 * (the same bits for any j0, j1 around j); acc has m rows of ldacc. */
typedef struct FastGemv {
    const float *a;
    size_t lda;
    int m;
    const float *b;
    size_t K;
} FastGemv;

typedef void (*FastGemvFn)(const FastGemv *g, size_t j0, size_t j1, float *acc, size_t ldacc);

#ifdef ONNXCC_RT_X86_64
void onnxcc_f32_gemv_avx2(const FastGemv *g, size_t j0, size_t j1, float *acc, size_t ldacc);
void onnxcc_f32_gemv_avx512(const FastGemv *g, size_t j0, size_t j1, float *acc, size_t ldacc);
#endif

#endif /* ONNXCC_GEMV_H */
