/* gemv_avx2.c — the small-M dot-form Gemm (gemv_rows.h) for AVX2 + FMA (8
 * lanes, 2 rows of A per pass), compiled for that ISA alone. */
#include "fast.h"
#include "gemv.h"
#include "vec_avx2.h"

#define GV_MR 2 /* rows of A per pass over a B row */
#include "gemv_rows.h"

void onnxcc_f32_gemv_avx2(const FastGemv *g, size_t j0, size_t j1, float *acc, size_t ldacc)
{
    gemv_rows(g, j0, j1, acc, ldacc);
}
