/* softmax_avx2.c — onnxcc_f32_softmax's and logsoftmax's kernel for
 * AVX2 + FMA (8 lanes), compiled for that ISA alone (softmax_rows.h). */
#include "fast.h"
#include "vec_avx2.h"
#include "vmath.h"
#include "vec_reduce.h"
#include "softmax_rows.h"

void onnxcc_f32_softmax_block_avx2(size_t rows, size_t len, size_t inner, size_t cols, const float *x,
                                   float *y, int lg)
{
    softmax_block(rows, len, inner, cols, x, y, lg);
}
