/* layernorm_avx512.c — onnxcc_f32_layernorm's kernel for AVX-512F (16 lanes),
 * compiled for that ISA alone (layernorm_rows.h). */
#include "fast.h"
#include "vec_avx512.h"
#include "vec_reduce.h"
#include "layernorm_rows.h"

void onnxcc_f32_layernorm_rows_avx512(size_t rows, size_t len, float eps, const float *x, const float *gamma,
                                    const float *beta, float *y)
{
    layernorm_rows(rows, len, eps, x, gamma, beta, y);
}
