/* act_avx2.c — onnxcc_f32_act's and scale_rows' kernels for AVX2 + FMA (8 lanes),
 * compiled for that ISA alone (act_rows.h, vmath.h). */
#include "fast.h"
#include "vec_avx2.h"
#include "vmath.h"
#include "act_rows.h"

void onnxcc_f32_act_avx2(size_t n, const OnnxccAct *act, const float *x, float *y)
{
    act_rows(n, act, x, y);
}

void onnxcc_f32_scale_avx2(size_t n, const float *x, float s, float *y)
{
    scale_rows(n, x, s, y);
}

float onnxcc_f32_sum_avx2(size_t n, const float *x, int pre, float a, float b, float lo)
{
    return sum_row(n, x, pre, a, b, lo);
}
