/* layernorm_avx2.c — onnxcc_f32_layernorm's kernel for AVX2 + FMA (8 lanes),
 * compiled for that ISA alone (layernorm_rows.h). */
#include "fast.h"
#include "vec_avx2.h"
#include "vec_reduce.h"
#include "layernorm_rows.h"

void onnxcc_f32_layernorm_rows_avx2(size_t rows, size_t len, float eps, const float *x, const float *gamma,
                                    const float *beta, float *y)
{
    layernorm_rows(rows, len, eps, x, gamma, beta, y);
}
