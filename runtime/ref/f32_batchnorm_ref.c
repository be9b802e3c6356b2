/* f32_batchnorm_ref.c — reference BatchNormalization (inference mode).
 *
 * One formulation, the one onnxruntime's CPU kernel uses, all in float:
 *   a = scale * (1/sqrtf(var + eps)),  b = bias - mean * a,  y = x * a + b.
 * Conv->BN folding and the conv pre-activation use the same a and b. */
#include "onnxcc/rt.h"

#include <math.h>

void onnxcc_f32_batchnorm_ref(size_t N, size_t C, size_t HW, float eps, const float *x,
                              const float *scale, const float *bias, const float *mean,
                              const float *var, float *y)
{
    for (size_t c = 0; c < C; c++) {
        const float inv = 1.0f / sqrtf(var[c] + eps);
        const float a = scale[c] * inv;
        const float b = bias[c] - mean[c] * a;
        for (size_t n = 0; n < N; n++) {
            const size_t base = (n * C + c) * HW;
            for (size_t i = 0; i < HW; i++)
                y[base + i] = x[base + i] * a + b;
        }
    }
}
